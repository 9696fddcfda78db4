//! Workloads: when requests arrive (arrival processes), which keys they touch (popularity), and what kind of
//! request each is (class mix). Built from `scenario::v1` after validation; every draw uses the client's own
//! seeded stream.

use crate::dbengine::DbOp;
use crate::dist::zipf::Zipf;
use crate::rng::SimRng;
use crate::scenario::v1::values as v1;

/// The kind of a request. Edges can be restricted to some classes (e.g. static assets go to the CDN).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    StaticAsset = 0,
    ApiRead = 1,
    ApiWrite = 2,
    BackgroundJob = 3,
}

impl Class {
    pub const ALL: [Class; 4] = [
        Class::StaticAsset,
        Class::ApiRead,
        Class::ApiWrite,
        Class::BackgroundJob,
    ];

    /// Writes change state (caches invalidate, databases apply them); reads do not.
    pub fn is_write(self) -> bool {
        matches!(self, Class::ApiWrite | Class::BackgroundJob)
    }

    pub fn bit(self) -> u8 {
        1 << (self as u8)
    }

    pub fn name(self) -> &'static str {
        match self {
            Class::StaticAsset => "static_asset",
            Class::ApiRead => "api_read",
            Class::ApiWrite => "api_write",
            Class::BackgroundJob => "background_job",
        }
    }
}

impl From<v1::RequestClass> for Class {
    fn from(c: v1::RequestClass) -> Self {
        match c {
            v1::RequestClass::StaticAsset => Class::StaticAsset,
            v1::RequestClass::ApiRead => Class::ApiRead,
            v1::RequestClass::ApiWrite => Class::ApiWrite,
            v1::RequestClass::BackgroundJob => Class::BackgroundJob,
        }
    }
}

/// A validated arrival process. Rates are per second; times are nanoseconds.
#[derive(Clone, Debug)]
pub enum Arrival {
    Constant {
        rate: f64,
    },
    Poisson {
        rate: f64,
    },
    OnOff {
        rate: f64,
        on_ns: f64,
        off_ns: f64,
    },
    Spike {
        base: f64,
        spike: f64,
        at_ns: f64,
        dur_ns: f64,
    },
    Ramp {
        from: f64,
        to: f64,
        over_ns: f64,
    },
}

impl Arrival {
    pub fn from_v1(a: &v1::Arrival) -> Self {
        match *a {
            v1::Arrival::Constant { rate_rps } => Arrival::Constant { rate: rate_rps },
            v1::Arrival::Poisson { rate_rps } => Arrival::Poisson { rate: rate_rps },
            v1::Arrival::OnOff {
                rate_rps,
                on_ms,
                off_ms,
            } => Arrival::OnOff {
                rate: rate_rps,
                on_ns: on_ms * 1e6,
                off_ns: off_ms * 1e6,
            },
            v1::Arrival::Spike {
                base_rps,
                spike_rps,
                at_ms,
                duration_ms,
            } => Arrival::Spike {
                base: base_rps,
                spike: spike_rps,
                at_ns: at_ms * 1e6,
                dur_ns: duration_ms * 1e6,
            },
            v1::Arrival::Ramp {
                from_rps,
                to_rps,
                over_ms,
            } => Arrival::Ramp {
                from: from_rps,
                to: to_rps,
                over_ns: over_ms * 1e6,
            },
        }
    }

    /// The long-run mean rate in requests per second (for sizing metric buckets).
    pub fn mean_rate(&self) -> f64 {
        match *self {
            Arrival::Constant { rate } | Arrival::Poisson { rate } => rate,
            Arrival::OnOff { rate, on_ns, off_ns } => rate * on_ns / (on_ns + off_ns),
            Arrival::Spike { base, .. } => base,
            Arrival::Ramp { to, .. } => to,
        }
    }

    /// Replaces the rate at runtime (a "spike the traffic" command). Deterministic processes stay
    /// deterministic; everything else becomes Poisson at the new rate.
    pub fn set_rate(&mut self, rate: f64) {
        *self = match self {
            Arrival::Constant { .. } => Arrival::Constant { rate },
            _ => Arrival::Poisson { rate },
        };
    }

    /// The time of the next arrival after one at `t` (nanoseconds). `None` when the rate is zero forever.
    pub fn next_after(&self, t: f64, rng: &mut SimRng) -> Option<f64> {
        let exp_gap = |rate: f64, rng: &mut SimRng| rng.exp1() / rate * 1e9;
        match *self {
            Arrival::Constant { rate } => Some(t + 1e9 / rate),
            Arrival::Poisson { rate } => Some(t + exp_gap(rate, rng)),
            Arrival::OnOff { rate, on_ns, off_ns } => {
                // Piecewise-constant rate: draw with the current segment's rate and, on crossing into a silent
                // stretch, restart at the next "on" (exact, because the exponential is memoryless).
                let period = on_ns + off_ns;
                let mut now = t;
                loop {
                    let phase = now % period;
                    if phase >= on_ns {
                        now += period - phase;
                        continue;
                    }
                    let cand = now + exp_gap(rate, rng);
                    let on_end = now - phase + on_ns;
                    if cand < on_end {
                        return Some(cand);
                    }
                    now = on_end;
                }
            }
            Arrival::Spike {
                base,
                spike,
                at_ns,
                dur_ns,
            } => {
                let end = at_ns + dur_ns;
                let mut now = t;
                loop {
                    let (rate, seg_end) = if now < at_ns {
                        (base, at_ns)
                    } else if now < end {
                        (spike, end)
                    } else {
                        (base, f64::INFINITY)
                    };
                    let cand = now + exp_gap(rate, rng);
                    if cand < seg_end {
                        return Some(cand);
                    }
                    now = seg_end;
                }
            }
            Arrival::Ramp { from, to, over_ns } => {
                // Thinning (Lewis & Shedler) against the larger endpoint rate during the ramp.
                let max = from.max(to);
                let mut now = t;
                loop {
                    if now >= over_ns {
                        return Some(now + exp_gap(to, rng));
                    }
                    now += exp_gap(max, rng);
                    let rate = if now >= over_ns {
                        to
                    } else {
                        from + (to - from) * now / over_ns
                    };
                    if rng.unit() * max < rate {
                        return Some(now);
                    }
                }
            }
        }
    }
}

/// A validated key-popularity distribution.
#[derive(Clone, Debug)]
pub enum KeyDist {
    Uniform { count: u64 },
    Zipf { zipf: Zipf },
    Hotspot { count: u64, hot: u64, hot_traffic: f64 },
    Sequential { next: u64 },
}

impl KeyDist {
    /// Builds the sampler; parameters were validated by the topology builder.
    pub fn from_v1(k: &v1::Keys) -> Option<Self> {
        Some(match *k {
            v1::Keys::Uniform { count } => KeyDist::Uniform { count },
            v1::Keys::Zipf { count, alpha } => KeyDist::Zipf {
                zipf: Zipf::new(count as f64, alpha).ok()?,
            },
            v1::Keys::Hotspot {
                count,
                hot_keys,
                hot_traffic,
            } => {
                let hot = ((count as f64 * hot_keys).round() as u64).clamp(1, count);
                KeyDist::Hotspot {
                    count,
                    hot,
                    hot_traffic,
                }
            }
            v1::Keys::Sequential => KeyDist::Sequential { next: 0 },
        })
    }

    pub fn sample(&mut self, rng: &mut SimRng) -> u64 {
        match self {
            KeyDist::Uniform { count } => rng.below(*count),
            // Rank 1 (the most popular) is key 0.
            KeyDist::Zipf { zipf } => zipf.sample(rng.inner()) as u64 - 1,
            KeyDist::Hotspot {
                count,
                hot,
                hot_traffic,
            } => {
                if *hot >= *count || rng.chance(*hot_traffic) {
                    rng.below(*hot)
                } else {
                    *hot + rng.below(*count - *hot)
                }
            }
            KeyDist::Sequential { next } => {
                let k = *next;
                *next += 1;
                k
            }
        }
    }
}

/// The class mix as cumulative weights.
#[derive(Clone, Debug)]
pub struct ClassMix {
    cumulative: [f64; 4],
    /// The class, when the mix has only one (the common case needs no draw).
    single: Option<Class>,
}

impl ClassMix {
    pub fn from_v1(m: &v1::Mix) -> Self {
        let w = [m.static_asset, m.api_read, m.api_write, m.background_job];
        let total: f64 = w.iter().sum();
        let mut acc = 0.0;
        let mut cumulative = [0.0; 4];
        for (c, wi) in cumulative.iter_mut().zip(w) {
            acc += wi / total;
            *c = acc;
        }
        let mut mix = ClassMix {
            cumulative,
            single: None,
        };
        let single = {
            let mut classes = mix.classes();
            match (classes.next(), classes.next()) {
                (Some(c), None) => Some(c),
                _ => None,
            }
        };
        mix.single = single;
        mix
    }

    /// The classes with a non-zero weight.
    pub fn classes(&self) -> impl Iterator<Item = Class> + '_ {
        let mut prev = 0.0;
        Class::ALL.into_iter().zip(self.cumulative).filter_map(move |(c, cum)| {
            let keep = cum > prev;
            prev = cum;
            keep.then_some(c)
        })
    }

    pub fn sample(&self, rng: &mut SimRng) -> Class {
        if let Some(c) = self.single {
            return c;
        }
        let u = rng.unit();
        for (c, cum) in Class::ALL.into_iter().zip(self.cumulative) {
            if u < cum {
                return c;
            }
        }
        Class::ALL
            .into_iter()
            .zip(self.cumulative)
            .rev()
            .find(|(_, cum)| *cum > 0.0)
            .map_or(Class::ApiRead, |x| x.0)
    }
}

/// A validated message size distribution, in bytes.
#[derive(Clone, Debug, PartialEq)]
pub enum MessageSize {
    Constant(u64),
    Uniform { min: u64, max: u64 },
    LogNormal { median: f64, sigma: f64 },
}

impl MessageSize {
    pub fn from_v1(s: &v1::Size) -> Self {
        match *s {
            v1::Size::Constant { bytes } => MessageSize::Constant(bytes),
            v1::Size::Uniform { min_bytes, max_bytes } => MessageSize::Uniform {
                min: min_bytes,
                max: max_bytes,
            },
            v1::Size::LogNormal { median_bytes, sigma } => MessageSize::LogNormal {
                median: median_bytes,
                sigma,
            },
        }
    }

    /// One message's size. A constant draws nothing.
    pub fn sample(&self, rng: &mut SimRng) -> u64 {
        match *self {
            MessageSize::Constant(b) => b,
            MessageSize::Uniform { min, max } => min + rng.below(max - min + 1),
            MessageSize::LogNormal { median, sigma } => {
                let v = median * libm::exp(sigma * crate::dist::std_normal(rng));
                if v >= u64::MAX as f64 {
                    u64::MAX
                } else {
                    libm::round(v) as u64
                }
            }
        }
    }
}

/// A client's whole workload.
#[derive(Clone, Debug)]
pub struct Workload {
    pub arrival: Arrival,
    pub keys: KeyDist,
    pub mix: ClassMix,
    /// Message sizes by class (indexed by `Class as usize`); `None` when the workload sets none, so runs
    /// without sizes draw nothing for them.
    pub sizes: Option<Box<[Option<MessageSize>; 4]>>,
    /// The database operations and their mix, when the workload has `ops` (then they decide the class).
    pub ops: Option<Box<OpMix>>,
}

/// A workload's operations with cumulative weights.
#[derive(Clone, Debug)]
pub struct OpMix {
    pub ops: Vec<DbOp>,
    cumulative: Vec<f64>,
}

impl OpMix {
    pub fn from_v1(entries: &[v1::OpEntry]) -> Option<Self> {
        if entries.is_empty() {
            return None;
        }
        let total: f64 = entries.iter().map(|e| e.weight.unwrap_or(1.0)).sum();
        let mut acc = 0.0;
        let cumulative = entries
            .iter()
            .map(|e| {
                acc += e.weight.unwrap_or(1.0) / total;
                acc
            })
            .collect();
        Some(OpMix {
            ops: entries.iter().map(DbOp::from_entry).collect(),
            cumulative,
        })
    }

    /// Draws an operation (its position in the list); a single operation draws nothing.
    pub fn sample(&self, rng: &mut SimRng) -> u8 {
        if self.ops.len() == 1 {
            return 0;
        }
        let u = rng.unit();
        self.cumulative
            .iter()
            .position(|&c| u < c)
            .unwrap_or(self.ops.len() - 1) as u8
    }

    /// The class a request performing operation `i` has: writes for `put` and `txn`, reads otherwise.
    pub fn class(&self, i: u8) -> Class {
        if self.ops[i as usize].is_write() {
            Class::ApiWrite
        } else {
            Class::ApiRead
        }
    }
}

impl Workload {
    pub fn from_v1(w: &v1::Workload) -> Option<Self> {
        let sizes = (w.message_bytes.is_some() || !w.message_bytes_by_class.is_empty()).then(|| {
            Box::new(Class::ALL.map(|c| {
                w.message_bytes_by_class
                    .iter()
                    .find(|(k, _)| Class::from(**k) == c)
                    .map(|(_, s)| s)
                    .or(w.message_bytes.as_ref())
                    .map(MessageSize::from_v1)
            }))
        });
        Some(Workload {
            arrival: Arrival::from_v1(&w.arrival),
            keys: KeyDist::from_v1(&w.keys)?,
            mix: ClassMix::from_v1(&w.mix),
            sizes,
            ops: OpMix::from_v1(&w.ops).map(Box::new),
        })
    }

    /// The size of a message of class `class` (0 when the workload sets no size for it).
    pub fn message_bytes(&self, class: Class, rng: &mut SimRng) -> u64 {
        match &self.sizes {
            Some(s) => s[class as usize].as_ref().map_or(0, |d| d.sample(rng)),
            None => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count_in(a: &Arrival, horizon_ns: f64, seed: u64) -> usize {
        let mut rng = SimRng::new(seed);
        let mut t = 0.0;
        let mut n = 0;
        while let Some(next) = a.next_after(t, &mut rng) {
            if next >= horizon_ns {
                break;
            }
            t = next;
            n += 1;
        }
        n
    }

    #[test]
    fn arrival_counts_match_their_rates() {
        let s = 1e9;
        // (process, horizon, expected count)
        let cases = [
            (Arrival::Constant { rate: 100.0 }, 10.0 * s, 1000.0),
            (Arrival::Poisson { rate: 1000.0 }, 10.0 * s, 10_000.0),
            (
                Arrival::OnOff {
                    rate: 1000.0,
                    on_ns: 0.1 * s,
                    off_ns: 0.3 * s,
                },
                40.0 * s,
                10_000.0,
            ),
            (
                Arrival::Spike {
                    base: 100.0,
                    spike: 1000.0,
                    at_ns: 2.0 * s,
                    dur_ns: 1.0 * s,
                },
                10.0 * s,
                1900.0,
            ),
            (
                Arrival::Ramp {
                    from: 0.0,
                    to: 1000.0,
                    over_ns: 10.0 * s,
                },
                10.0 * s,
                5000.0,
            ),
        ];
        for (a, horizon, want) in &cases {
            let got = count_in(a, *horizon, 5) as f64;
            assert!(
                (got - want).abs() / want < 0.04,
                "{a:?}: {got} arrivals, expected about {want}"
            );
        }
    }

    #[test]
    fn on_off_is_silent_when_off() {
        let a = Arrival::OnOff {
            rate: 1000.0,
            on_ns: 1e8,
            off_ns: 3e8,
        };
        let mut rng = SimRng::new(1);
        let mut t = 0.0;
        for _ in 0..5_000 {
            t = a.next_after(t, &mut rng).unwrap();
            assert!(t % 4e8 < 1e8, "arrival at {t} ns falls in an off period");
        }
    }

    #[test]
    fn hotspot_sends_the_hot_share_to_hot_keys() {
        let mut k = KeyDist::from_v1(&v1::Keys::Hotspot {
            count: 1000,
            hot_keys: 0.1,
            hot_traffic: 0.9,
        })
        .unwrap();
        let mut rng = SimRng::new(2);
        let hot = (0..100_000).filter(|_| k.sample(&mut rng) < 100).count() as f64 / 100_000.0;
        assert!((hot - 0.9).abs() < 0.01, "hot share {hot}");
    }

    #[test]
    fn zipf_rank_one_dominates_and_keys_stay_in_range() {
        let mut k = KeyDist::from_v1(&v1::Keys::Zipf {
            count: 1000,
            alpha: 1.0,
        })
        .unwrap();
        let mut rng = SimRng::new(3);
        let mut counts = vec![0u32; 1000];
        for _ in 0..100_000 {
            counts[k.sample(&mut rng) as usize] += 1;
        }
        // P(rank 1) = 1 / H(1000) ≈ 0.1336 for alpha = 1.
        let p1 = counts[0] as f64 / 100_000.0;
        assert!((p1 - 0.1336).abs() < 0.005, "p(rank 1) = {p1}");
        assert!(counts[0] as f64 > 1.8 * counts[1] as f64);
    }

    #[test]
    fn mix_follows_weights() {
        let m = ClassMix::from_v1(&v1::Mix {
            static_asset: 0.0,
            api_read: 0.75,
            api_write: 0.25,
            background_job: 0.0,
        });
        assert_eq!(m.classes().collect::<Vec<_>>(), vec![Class::ApiRead, Class::ApiWrite]);
        let mut rng = SimRng::new(4);
        let writes = (0..100_000).filter(|_| m.sample(&mut rng) == Class::ApiWrite).count() as f64 / 1e5;
        assert!((writes - 0.25).abs() < 0.01, "{writes}");
    }
}
