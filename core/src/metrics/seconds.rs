//! The per-second series `switchyard run --json` prints as `per_second`: one row per second of virtual time
//! with the figures a resilience run is read by (throughput beside goodput, failures by reason, p50 and p99,
//! calls in flight, breakers not closed), so a run can be plotted outside the app. Unlike the time-series
//! buckets it never changes width; it stops after [`MAX_SECONDS`] rows and says so.

use super::{ns_to_ms, FailReason, MAX_LATENCY_NS};
use serde::Serialize;
use std::collections::BTreeMap;

/// The most rows kept (an hour of virtual time).
pub const MAX_SECONDS: usize = 3_600;
const SECOND: u64 = 1_000_000_000;

/// One second of the run.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SecondRow {
    /// The second's start, in seconds from the run's start.
    pub t_s: u64,
    /// Client attempts started (first tries and retries).
    pub attempts: u64,
    /// Calls that succeeded.
    pub throughput: u64,
    /// Calls that succeeded within their client's deadline (all successes when no client sets one).
    pub goodput: u64,
    /// Calls that failed, by reason (reasons with none left out).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub failed: BTreeMap<&'static str, u64>,
    /// Latency of the second's successful calls.
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Calls in flight at the second's end.
    pub in_flight: u64,
    /// Circuit breakers not closed at the second's end, by edge (`from->to`): `open` or `half_open`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub breakers: BTreeMap<String, &'static str>,
}

/// The series being recorded.
#[derive(Clone, Debug)]
pub struct Seconds {
    rows: Vec<SecondRow>,
    end: u64,
    attempts: u64,
    ok: u64,
    good: u64,
    failed: [u64; FailReason::ALL.len()],
    hist: Digits,
    /// The run went on past [`MAX_SECONDS`].
    pub truncated: bool,
}

impl Default for Seconds {
    fn default() -> Self {
        Seconds {
            rows: Vec::new(),
            end: SECOND,
            attempts: 0,
            ok: 0,
            good: 0,
            failed: [0; FailReason::ALL.len()],
            hist: Digits::default(),
            truncated: false,
        }
    }
}

impl Seconds {
    /// When the open second ends: an event at or after it must [`Seconds::roll`] first.
    #[inline]
    pub fn end(&self) -> u64 {
        self.end
    }

    pub(crate) fn attempt(&mut self) {
        self.attempts += 1;
    }

    pub(crate) fn ok(&mut self, latency_ns: u64, good: bool) {
        self.ok += 1;
        self.good += u64::from(good);
        self.hist.record(latency_ns.clamp(1, MAX_LATENCY_NS));
    }

    pub(crate) fn failed(&mut self, reason: FailReason) {
        self.failed[reason as usize] += 1;
    }

    /// Closes every second that ended by `now`, with `in_flight` calls and `breakers` not closed at its end.
    pub(crate) fn roll(
        &mut self,
        now: u64,
        in_flight: u64,
        mut breakers: impl FnMut() -> BTreeMap<String, &'static str>,
    ) {
        while now >= self.end {
            if self.rows.len() >= MAX_SECONDS {
                self.truncated = true;
                self.end = u64::MAX;
                return;
            }
            let row = self.row(in_flight, breakers());
            self.rows.push(row);
            self.attempts = 0;
            self.ok = 0;
            self.good = 0;
            self.failed = [0; FailReason::ALL.len()];
            self.hist.clear();
            self.end = self.end.saturating_add(SECOND);
        }
    }

    fn row(&self, in_flight: u64, breakers: BTreeMap<String, &'static str>) -> SecondRow {
        let [p50, p99] = self.hist.quantiles([0.5, 0.99]);
        let q = |v: u64| ns_to_ms(v);
        SecondRow {
            t_s: self.end / SECOND - 1,
            attempts: self.attempts,
            throughput: self.ok,
            goodput: self.good,
            failed: FailReason::ALL
                .iter()
                .filter(|r| self.failed[**r as usize] > 0)
                .map(|r| (r.name(), self.failed[*r as usize]))
                .collect(),
            p50_ms: q(p50),
            p99_ms: q(p99),
            in_flight,
            breakers,
        }
    }

    /// The closed rows, then the open second's (partial) row if anything happened in it.
    pub fn rows(&self, in_flight: u64, breakers: BTreeMap<String, &'static str>) -> Vec<SecondRow> {
        let mut out = self.rows.clone();
        let busy = self.attempts + self.ok + self.failed.iter().sum::<u64>() > 0;
        if !self.truncated && busy {
            out.push(self.row(in_flight, breakers));
        }
        out
    }
}

/// Powers of ten that fit a `u64`.
const POW10: [u64; 20] = {
    let mut t = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// The latencies of one second, counted by their first three significant digits (exact below 1 µs; a
/// bucket is under 1% of its values wide), with the buckets in use listed so that clearing costs what was
/// recorded, not the whole table: a full histogram cleared every second of virtual time cost more than the
/// rest of the series.
#[derive(Clone, Debug)]
struct Digits {
    counts: Vec<u32>,
    touched: Vec<u16>,
    n: u64,
}

/// Buckets: 0..1000 exact, then 900 per decade (100..=999 × 10^e for e = 1..=17).
const DIGIT_BUCKETS: usize = 1_000 + 17 * 900;

impl Default for Digits {
    fn default() -> Self {
        Digits {
            counts: vec![0; DIGIT_BUCKETS],
            touched: Vec::new(),
            n: 0,
        }
    }
}

impl Digits {
    fn index(v: u64) -> usize {
        if v < 1_000 {
            return v as usize;
        }
        // The decade: v / 10^e has three digits (v >= 1000 here, so e >= 1).
        let mut e = 1;
        while e < 17 && v >= POW10[e + 3] {
            e += 1;
        }
        1_000 + (e - 1) * 900 + (v / POW10[e] - 100) as usize
    }

    /// The largest value in bucket `i` (so a quantile never reads low, as hdrhistogram's do not).
    fn top(i: usize) -> u64 {
        if i < 1_000 {
            return i as u64;
        }
        let (e, m) = ((i - 1_000) / 900 + 1, ((i - 1_000) % 900 + 100) as u64);
        (m + 1).saturating_mul(POW10[e]).saturating_sub(1)
    }

    fn record(&mut self, v: u64) {
        let i = Self::index(v);
        if self.counts[i] == 0 {
            self.touched.push(i as u16);
        }
        self.counts[i] = self.counts[i].saturating_add(1);
        self.n += 1;
    }

    fn clear(&mut self) {
        for &i in &self.touched {
            self.counts[i as usize] = 0;
        }
        self.touched.clear();
        self.n = 0;
    }

    /// The values at quantiles `qs` (ascending), 0 when empty.
    fn quantiles<const N: usize>(&self, qs: [f64; N]) -> [u64; N] {
        let mut out = [0; N];
        if self.n == 0 {
            return out;
        }
        let mut order = self.touched.clone();
        order.sort_unstable();
        let mut seen = 0u64;
        let mut k = 0;
        for &i in &order {
            seen += u64::from(self.counts[i as usize]);
            // The q-th value is the ceil(q × n)-th smallest (at least the first).
            while k < N && seen >= ((qs[k] * self.n as f64).ceil() as u64).max(1) {
                out[k] = Self::top(i as usize);
                k += 1;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_count_each_second_and_carry_in_flight_through_quiet_ones() {
        let mut s = Seconds::default();
        s.attempt();
        s.ok(2_000_000, true);
        s.ok(4_000_000, false);
        s.failed(FailReason::Timeout);
        // Nothing happens in second 1; the next event is at 2.5 s.
        s.roll(2_500_000_000, 3, BTreeMap::new);
        s.attempt();
        let rows = s.rows(1, BTreeMap::new());
        assert_eq!(rows.len(), 3);
        assert_eq!(
            (rows[0].t_s, rows[0].attempts, rows[0].throughput, rows[0].goodput),
            (0, 1, 2, 1)
        );
        assert_eq!(rows[0].failed.get("timeout"), Some(&1));
        assert!((rows[0].p99_ms - 4.0).abs() < 0.05, "p99 {}", rows[0].p99_ms);
        assert_eq!((rows[1].t_s, rows[1].throughput, rows[1].in_flight), (1, 0, 3));
        assert!(rows[1].failed.is_empty());
        assert_eq!((rows[2].t_s, rows[2].attempts, rows[2].in_flight), (2, 1, 1));
    }

    #[test]
    fn digit_buckets_are_under_one_percent_wide_and_quantiles_match_a_sort() {
        let mut rng = crate::rng::SimRng::new(9);
        let mut d = Digits::default();
        let mut all = Vec::new();
        for round in 0..3 {
            for _ in 0..5_000 {
                // Log-uniform over 1 ns .. 10^13 ns.
                let v = (10f64.powf(rng.unit() * 13.0)) as u64 + 1;
                d.record(v);
                all.push(v);
                let i = Digits::index(v);
                assert!(Digits::top(i) >= v, "{v} is in bucket {i} up to {}", Digits::top(i));
                assert!(
                    i < 1_000 || (Digits::top(i) - v) as f64 <= 0.01 * v as f64,
                    "bucket of {v} too wide: up to {}",
                    Digits::top(i)
                );
            }
            all.sort_unstable();
            for q in [0.5, 0.99] {
                let exact = all[((q * all.len() as f64).ceil() as usize).max(1) - 1];
                let [got] = d.quantiles([q]);
                assert!(
                    got >= exact && (got - exact) as f64 <= 0.01 * exact as f64,
                    "round {round} q {q}: {got} vs {exact}"
                );
            }
            d.clear();
            all.clear();
            assert_eq!(d.quantiles([0.5]), [0], "cleared");
            assert!(d.counts.iter().all(|&c| c == 0));
        }
        assert!(
            Digits::index(u64::MAX) < DIGIT_BUCKETS,
            "the largest value has a bucket"
        );
    }

    #[test]
    fn the_series_stops_at_its_cap_and_says_so() {
        let mut s = Seconds::default();
        s.roll(u64::MAX / 2, 0, BTreeMap::new);
        assert!(s.truncated);
        assert_eq!(s.rows(0, BTreeMap::new()).len(), MAX_SECONDS);
        assert_eq!(s.end(), u64::MAX, "nothing rolls any more");
    }
}
