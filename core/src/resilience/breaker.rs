//! A circuit breaker: closed (calls pass and their outcomes are counted), open (calls fail fast) and
//! half-open (a few probes test the callee). Nygard's pattern with resilience4j's trip rules: a run of
//! consecutive failures, or a failure rate over a sliding time window once enough calls have been seen.
//!
//! The rate window is bounded memory: ten fixed sub-buckets of `window_ns / 10` in a ring, so "the last
//! `window_ns`" is the current bucket and the nine before it (between nine and ten tenths of the window).
//! Times passed in must not decrease; the breaker does not panic if they do, but the window then forgets.

/// When a closed breaker opens.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Trip {
    /// After this many failures in a row (0 is read as 1).
    Consecutive(u32),
    /// When at least `min_calls` outcomes fell in the last `window_ns` and the failed fraction of them is at
    /// least `ratio`. Only a failure trips, so a ratio of 0 still needs one.
    Rate {
        /// The failed fraction that trips it, in `[0, 1]`.
        ratio: f64,
        /// Outcomes the window must hold before the ratio counts (0 is read as 1).
        min_calls: u32,
    },
}

/// A breaker's settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BreakerCfg {
    /// The rule that opens it.
    pub trip: Trip,
    /// The length of the failure-rate window ([`Trip::Rate`] only).
    pub window_ns: u64,
    /// How long it stays open before it lets probes through.
    pub open_ns: u64,
    /// Probes allowed out at once in half-open, and successes needed to close (0 is read as 1).
    pub probes: u32,
}

impl BreakerCfg {
    fn probes(&self) -> u32 {
        self.probes.max(1)
    }
}

/// Where a breaker is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakerState {
    /// Calls pass; outcomes are counted.
    Closed,
    /// Calls are rejected until the open time has passed.
    Open,
    /// A limited number of probes test the callee.
    HalfOpen,
}

impl BreakerState {
    /// The state's name as metrics and the scenario format spell it.
    pub fn name(self) -> &'static str {
        match self {
            BreakerState::Closed => "closed",
            BreakerState::Open => "open",
            BreakerState::HalfOpen => "half_open",
        }
    }
}

/// The breaker's answer to a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admit {
    /// Send it; the breaker is closed.
    Pass,
    /// Send it as a half-open probe; its outcome decides whether the breaker closes.
    Probe,
    /// Fail fast without sending.
    Reject,
}

/// A change of state, at virtual time `at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    /// The state it left.
    pub from: BreakerState,
    /// The state it entered.
    pub to: BreakerState,
    /// When, in virtual nanoseconds.
    pub at: u64,
}

/// Sub-buckets in the failure-rate window.
const BUCKETS: usize = 10;

/// Outcomes that fell in one sub-bucket of the window; `epoch` is the bucket's index in time.
#[derive(Clone, Copy, Debug, Default)]
struct Bucket {
    epoch: u64,
    calls: u64,
    failures: u64,
}

/// One circuit breaker's state. The settings are passed to every call, so one [`BreakerCfg`] can serve
/// many breakers.
#[derive(Clone, Debug)]
pub struct Breaker {
    /// The state as last changed; an `Open` whose time has passed is taken to half-open by the next admit.
    state: BreakerState,
    /// When it last entered `Open`.
    opened_at: u64,
    /// Failures in a row while closed.
    consecutive: u32,
    /// The failure-rate window while closed.
    window: [Bucket; BUCKETS],
    /// Probes sent and not yet reported or abandoned, whichever half-open period sent them.
    probes_out: u32,
    /// Successful probes in the current half-open period.
    probes_ok: u32,
    /// Times it has entered `Open`.
    opened: u64,
    /// Time spent not closed before the current open period.
    not_closed_ns: u64,
    /// When it last left `Closed`.
    left_closed_at: u64,
}

impl Default for Breaker {
    fn default() -> Self {
        Breaker::new()
    }
}

impl Breaker {
    /// A closed breaker with an empty window.
    pub fn new() -> Breaker {
        Breaker {
            state: BreakerState::Closed,
            opened_at: 0,
            consecutive: 0,
            window: [Bucket::default(); BUCKETS],
            probes_out: 0,
            probes_ok: 0,
            opened: 0,
            not_closed_ns: 0,
            left_closed_at: 0,
        }
    }

    /// The state at `now` without changing anything (Open reads as HalfOpen once open_ns has passed).
    pub fn state(&self, cfg: &BreakerCfg, now: u64) -> BreakerState {
        match self.state {
            BreakerState::Open if self.open_elapsed(cfg, now) => BreakerState::HalfOpen,
            state => state,
        }
    }

    /// Asks to send a call at `now`. Closed: Pass. Open before open_ns has passed: Reject. Open after: moves
    /// to HalfOpen (reported as a transition at `now`) and admits a Probe. HalfOpen: Probe while fewer than
    /// `probes` probes are outstanding, else Reject. Probes sent in an earlier half-open period and not yet
    /// reported or abandoned still hold their slots, so an Open that has just turned HalfOpen may Reject.
    pub fn admit(&mut self, cfg: &BreakerCfg, now: u64) -> (Admit, Option<Transition>) {
        let mut transition = None;
        match self.state {
            BreakerState::Closed => return (Admit::Pass, None),
            BreakerState::Open => {
                if !self.open_elapsed(cfg, now) {
                    return (Admit::Reject, None);
                }
                self.probes_ok = 0;
                transition = Some(self.go(BreakerState::HalfOpen, now));
            }
            BreakerState::HalfOpen => {}
        }
        if self.probes_out < cfg.probes() {
            self.probes_out += 1;
            (Admit::Probe, transition)
        } else {
            (Admit::Reject, transition)
        }
    }

    /// The outcome of a call admitted as `how` (Pass or Probe). Closed and a Pass: counted; the breaker opens
    /// when its trip rule holds. HalfOpen and a Probe: a failure reopens it (the open timer restarts at
    /// `now`); `probes` successes close it (window cleared). Everything else (a Pass returning while open or
    /// half-open, a probe from an earlier half-open period returning while open or closed) changes no state,
    /// though a probe always frees its slot.
    pub fn record(&mut self, cfg: &BreakerCfg, now: u64, how: Admit, ok: bool) -> Option<Transition> {
        match how {
            Admit::Reject => None,
            Admit::Pass => {
                if self.state != BreakerState::Closed {
                    return None;
                }
                self.count(cfg, now, ok);
                if !ok && self.tripped(cfg, now) {
                    self.opened_at = now;
                    self.opened += 1;
                    Some(self.go(BreakerState::Open, now))
                } else {
                    None
                }
            }
            Admit::Probe => {
                self.probes_out = self.probes_out.saturating_sub(1);
                if self.state != BreakerState::HalfOpen {
                    return None;
                }
                if !ok {
                    self.opened_at = now;
                    self.opened += 1;
                    return Some(self.go(BreakerState::Open, now));
                }
                self.probes_ok += 1;
                if self.probes_ok >= cfg.probes() {
                    self.consecutive = 0;
                    self.window = [Bucket::default(); BUCKETS];
                    Some(self.go(BreakerState::Closed, now))
                } else {
                    None
                }
            }
        }
    }

    /// A probe that will never report (its request vanished): frees its half-open slot. Anything else is a
    /// no-op.
    pub fn abandon(&mut self, how: Admit) {
        if how == Admit::Probe {
            self.probes_out = self.probes_out.saturating_sub(1);
        }
    }

    /// Times the breaker has opened (reopening from half-open counts).
    pub fn opened(&self) -> u64 {
        self.opened
    }

    /// Total ns spent not Closed (open or half-open) up to `now`.
    pub fn time_open_ns(&self, now: u64) -> u64 {
        match self.state {
            BreakerState::Closed => self.not_closed_ns,
            _ => self
                .not_closed_ns
                .saturating_add(now.saturating_sub(self.left_closed_at)),
        }
    }

    fn open_elapsed(&self, cfg: &BreakerCfg, now: u64) -> bool {
        now >= self.opened_at.saturating_add(cfg.open_ns)
    }

    /// Moves to `to`, keeping the not-closed clock.
    fn go(&mut self, to: BreakerState, now: u64) -> Transition {
        let from = self.state;
        if from == BreakerState::Closed {
            self.left_closed_at = now;
        } else if to == BreakerState::Closed {
            self.not_closed_ns = self
                .not_closed_ns
                .saturating_add(now.saturating_sub(self.left_closed_at));
        }
        self.state = to;
        Transition { from, to, at: now }
    }

    fn bucket_ns(cfg: &BreakerCfg) -> u64 {
        (cfg.window_ns / BUCKETS as u64).max(1)
    }

    /// Counts one closed-state outcome in the run and in the window.
    fn count(&mut self, cfg: &BreakerCfg, now: u64, ok: bool) {
        self.consecutive = if ok { 0 } else { self.consecutive.saturating_add(1) };
        let epoch = now / Self::bucket_ns(cfg);
        let bucket = &mut self.window[(epoch % BUCKETS as u64) as usize];
        if bucket.epoch != epoch {
            *bucket = Bucket {
                epoch,
                calls: 0,
                failures: 0,
            };
        }
        bucket.calls += 1;
        bucket.failures += u64::from(!ok);
    }

    /// Outcomes and failures in the window that ends in `now`'s bucket.
    fn window_counts(&self, cfg: &BreakerCfg, now: u64) -> (u64, u64) {
        let epoch = now / Self::bucket_ns(cfg);
        self.window
            .iter()
            .filter(|b| b.epoch <= epoch && epoch - b.epoch < BUCKETS as u64)
            .fold((0, 0), |(calls, failures), b| (calls + b.calls, failures + b.failures))
    }

    fn tripped(&self, cfg: &BreakerCfg, now: u64) -> bool {
        match cfg.trip {
            Trip::Consecutive(n) => self.consecutive >= n.max(1),
            Trip::Rate { ratio, min_calls } => {
                let (calls, failures) = self.window_counts(cfg, now);
                calls >= u64::from(min_calls.max(1)) && failures as f64 >= ratio * calls as f64
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: u64 = 1_000_000;

    fn consecutive(n: u32) -> BreakerCfg {
        BreakerCfg {
            trip: Trip::Consecutive(n),
            window_ns: 10_000 * MS,
            open_ns: 5_000 * MS,
            probes: 2,
        }
    }

    fn rate(ratio: f64, min_calls: u32) -> BreakerCfg {
        BreakerCfg {
            trip: Trip::Rate { ratio, min_calls },
            window_ns: 10_000 * MS,
            open_ns: 5_000 * MS,
            probes: 1,
        }
    }

    /// Admits a call at `now`, expecting a Pass, and records its outcome.
    fn call(b: &mut Breaker, cfg: &BreakerCfg, now: u64, ok: bool) -> Option<Transition> {
        assert_eq!(b.admit(cfg, now), (Admit::Pass, None));
        b.record(cfg, now, Admit::Pass, ok)
    }

    #[test]
    fn consecutive_failures_trip_and_a_success_resets_the_run() {
        let cfg = consecutive(3);
        let mut b = Breaker::new();
        assert_eq!(call(&mut b, &cfg, 1, false), None);
        assert_eq!(call(&mut b, &cfg, 2, false), None);
        assert_eq!(call(&mut b, &cfg, 3, true), None);
        assert_eq!(call(&mut b, &cfg, 4, false), None);
        assert_eq!(call(&mut b, &cfg, 5, false), None);
        let t = call(&mut b, &cfg, 6, false);
        assert_eq!(
            t,
            Some(Transition {
                from: BreakerState::Closed,
                to: BreakerState::Open,
                at: 6
            })
        );
        assert_eq!(b.state(&cfg, 6), BreakerState::Open);
        assert_eq!(b.opened(), 1);
    }

    #[test]
    fn failure_rate_needs_min_calls_and_the_ratio() {
        let cfg = rate(0.5, 4);
        let mut b = Breaker::new();
        // Three failures: 100% but under min_calls.
        for t in 0..3 {
            assert_eq!(call(&mut b, &cfg, t * MS, false), None);
        }
        // The fourth call is a success: 3/4 >= 0.5, but a success never trips.
        assert_eq!(call(&mut b, &cfg, 3 * MS, true), None);
        // The fifth, a failure: 4/5 >= 0.5 with 5 >= 4 calls.
        let t = call(&mut b, &cfg, 4 * MS, false);
        assert_eq!(t.map(|t| t.to), Some(BreakerState::Open));
    }

    #[test]
    fn failure_rate_below_the_ratio_stays_closed() {
        let cfg = rate(0.5, 4);
        let mut b = Breaker::new();
        // Alternating success, success, failure: a third fail, always under half.
        for i in 0..300u64 {
            assert_eq!(call(&mut b, &cfg, i * MS, i % 3 != 2), None, "call {i}");
        }
        assert_eq!(b.state(&cfg, 300 * MS), BreakerState::Closed);
    }

    #[test]
    fn failure_rate_forgets_outcomes_older_than_the_window() {
        let cfg = rate(0.5, 4);
        let mut b = Breaker::new();
        // Three failures at the start, then nothing for longer than the window.
        for t in 0..3 {
            call(&mut b, &cfg, t, false);
        }
        let later = 11_000 * MS;
        // Had the old failures counted, the first failure here would be 4 failures of 4 calls.
        assert_eq!(call(&mut b, &cfg, later, false), None);
        assert_eq!(call(&mut b, &cfg, later + 1, true), None);
        assert_eq!(call(&mut b, &cfg, later + 2, true), None);
        // 2 failures of 4 in the window: 0.5 >= 0.5.
        let t = call(&mut b, &cfg, later + 3, false);
        assert_eq!(t.map(|t| t.to), Some(BreakerState::Open));
    }

    #[test]
    fn failures_spread_over_the_window_are_all_counted() {
        // Buckets of 1 s; failures one per second for nine seconds stay inside the ten-bucket window.
        let cfg = rate(1.0, 10);
        let mut b = Breaker::new();
        for s in 0..9 {
            assert_eq!(call(&mut b, &cfg, s * 1_000 * MS, false), None);
        }
        let t = call(&mut b, &cfg, 9_000 * MS, false);
        assert_eq!(t.map(|t| t.to), Some(BreakerState::Open));
    }

    #[test]
    fn open_rejects_then_probes_then_closes_after_enough_successes() {
        let cfg = consecutive(1);
        let mut b = Breaker::new();
        call(&mut b, &cfg, 0, false);
        assert_eq!(b.admit(&cfg, 5_000 * MS - 1), (Admit::Reject, None));
        assert_eq!(b.state(&cfg, 5_000 * MS), BreakerState::HalfOpen);
        let half = Transition {
            from: BreakerState::Open,
            to: BreakerState::HalfOpen,
            at: 5_000 * MS,
        };
        assert_eq!(b.admit(&cfg, 5_000 * MS), (Admit::Probe, Some(half)));
        assert_eq!(b.admit(&cfg, 5_000 * MS), (Admit::Probe, None));
        // Two probes out of two: the third is rejected.
        assert_eq!(b.admit(&cfg, 5_000 * MS), (Admit::Reject, None));
        assert_eq!(b.record(&cfg, 5_001 * MS, Admit::Probe, true), None);
        let closed = b.record(&cfg, 5_002 * MS, Admit::Probe, true);
        assert_eq!(
            closed,
            Some(Transition {
                from: BreakerState::HalfOpen,
                to: BreakerState::Closed,
                at: 5_002 * MS
            })
        );
        assert_eq!(b.time_open_ns(9_000 * MS), 5_002 * MS);
        // Closing cleared the run: one more failure trips again (Consecutive(1)), not zero.
        assert_eq!(call(&mut b, &cfg, 6_000 * MS, true), None);
        assert_eq!(
            call(&mut b, &cfg, 6_001 * MS, false).map(|t| t.to),
            Some(BreakerState::Open)
        );
        assert_eq!(b.opened(), 2);
        assert_eq!(b.time_open_ns(6_011 * MS), 5_012 * MS);
    }

    #[test]
    fn a_failed_probe_reopens_and_restarts_the_timer() {
        let cfg = consecutive(1);
        let mut b = Breaker::new();
        call(&mut b, &cfg, 0, false);
        assert_eq!(b.admit(&cfg, 6_000 * MS).0, Admit::Probe);
        let t = b.record(&cfg, 7_000 * MS, Admit::Probe, false);
        assert_eq!(
            t,
            Some(Transition {
                from: BreakerState::HalfOpen,
                to: BreakerState::Open,
                at: 7_000 * MS
            })
        );
        assert_eq!(b.admit(&cfg, 11_999 * MS), (Admit::Reject, None));
        assert_eq!(b.admit(&cfg, 12_000 * MS).0, Admit::Probe);
        assert_eq!(b.opened(), 2);
    }

    #[test]
    fn late_pass_outcomes_and_abandoned_probes_do_not_move_it() {
        let cfg = BreakerCfg {
            probes: 1,
            ..consecutive(1)
        };
        let mut b = Breaker::new();
        // Two calls go out while closed; the first fails and trips it.
        assert_eq!(b.admit(&cfg, 0).0, Admit::Pass);
        assert_eq!(b.admit(&cfg, 0).0, Admit::Pass);
        assert!(b.record(&cfg, 1, Admit::Pass, false).is_some());
        // The second returns while open, then while half-open: ignored.
        assert_eq!(b.record(&cfg, 2, Admit::Pass, true), None);
        assert_eq!(b.admit(&cfg, 5_000 * MS).0, Admit::Reject);
        assert_eq!(b.admit(&cfg, 5_000 * MS + 1).0, Admit::Probe);
        assert_eq!(b.record(&cfg, 5_000 * MS + 1, Admit::Pass, false), None);
        assert_eq!(b.state(&cfg, 5_000 * MS + 1), BreakerState::HalfOpen);
        // The probe's request vanished: its slot frees, and the next probe goes.
        assert_eq!(b.admit(&cfg, 5_001 * MS).0, Admit::Reject);
        b.abandon(Admit::Probe);
        assert_eq!(b.admit(&cfg, 5_002 * MS).0, Admit::Probe);
    }

    #[test]
    fn state_names() {
        let names: Vec<_> = [BreakerState::Closed, BreakerState::Open, BreakerState::HalfOpen]
            .iter()
            .map(|s| s.name())
            .collect();
        assert_eq!(names, ["closed", "open", "half_open"]);
    }
}

/// Property tests: random call sequences against random settings, checked against the transition graph and
/// against a naive model of the trip rules that keeps every outcome.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::RngSeed;

    #[derive(Clone, Debug)]
    enum Op {
        /// Ask to send a call, `dt` after the previous op.
        Admit(u64),
        /// Report the outcome of one outstanding call (picked by index), `dt` after the previous op.
        Record(u64, usize, bool),
        /// Drop one outstanding call without a report.
        Abandon(usize),
    }

    fn dt() -> impl Strategy<Value = u64> {
        prop_oneof![2 => Just(0u64), 3 => 0u64..40, 1 => 0u64..400]
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => dt().prop_map(Op::Admit),
            4 => (dt(), any::<usize>(), prop::bool::weighted(0.6)).prop_map(|(d, i, ok)| Op::Record(d, i, ok)),
            1 => any::<usize>().prop_map(Op::Abandon),
        ]
    }

    fn cfg() -> impl Strategy<Value = BreakerCfg> {
        let trip = prop_oneof![
            (0u32..5).prop_map(Trip::Consecutive),
            (0.0f64..=1.0, 0u32..8).prop_map(|(ratio, min_calls)| Trip::Rate { ratio, min_calls }),
        ];
        (trip, 0u64..300, 0u64..300, 0u32..4).prop_map(|(trip, window_ns, open_ns, probes)| BreakerCfg {
            trip,
            window_ns,
            open_ns,
            probes,
        })
    }

    /// The trip rule from a full log of closed-state outcomes `(time, ok)` since the breaker last closed.
    fn model_trips(cfg: &BreakerCfg, log: &[(u64, bool)], now: u64) -> bool {
        match cfg.trip {
            Trip::Consecutive(n) => {
                let run = log.iter().rev().take_while(|&&(_, ok)| !ok).count();
                run >= n.max(1) as usize
            }
            Trip::Rate { ratio, min_calls } => {
                let width = (cfg.window_ns / 10).max(1);
                let recent: Vec<_> = log.iter().filter(|&&(t, _)| now / width - t / width < 10).collect();
                let failures = recent.iter().filter(|&&&(_, ok)| !ok).count();
                recent.len() >= min_calls.max(1) as usize && failures as f64 >= ratio * recent.len() as f64
            }
        }
    }

    fn run(cfg: &BreakerCfg, ops: &[Op]) -> Result<(), TestCaseError> {
        let mut b = Breaker::new();
        let mut now = 0u64;
        // The model: the state as transitions report it, when it last opened, calls in flight, the closed log.
        let mut state = BreakerState::Closed;
        let mut opened_at = 0u64;
        let mut opened = 0u64;
        let mut out: Vec<Admit> = Vec::new();
        let mut probes_ok = 0u32;
        let mut log: Vec<(u64, bool)> = Vec::new();
        let mut not_closed = 0u64;
        let mut left_closed = 0u64;
        let apply = |t: Transition, state: &mut BreakerState| -> Result<(), TestCaseError> {
            prop_assert_eq!(t.from, *state, "transition {:?} skipped a state", t);
            let allowed = matches!(
                (t.from, t.to),
                (BreakerState::Closed, BreakerState::Open)
                    | (BreakerState::Open, BreakerState::HalfOpen)
                    | (BreakerState::HalfOpen, BreakerState::Open)
                    | (BreakerState::HalfOpen, BreakerState::Closed)
            );
            prop_assert!(allowed, "transition {:?} is not an edge", t);
            *state = t.to;
            Ok(())
        };
        for op in ops {
            match *op {
                Op::Admit(d) => {
                    now += d;
                    let seen = b.state(cfg, now);
                    let probes_out = out.iter().filter(|&&h| h == Admit::Probe).count() as u32;
                    let (how, t) = b.admit(cfg, now);
                    // state() agrees with admit.
                    let expected = match seen {
                        BreakerState::Closed => Admit::Pass,
                        BreakerState::Open => Admit::Reject,
                        BreakerState::HalfOpen if probes_out < cfg.probes.max(1) => Admit::Probe,
                        BreakerState::HalfOpen => Admit::Reject,
                    };
                    prop_assert_eq!(how, expected, "state {:?} at {}", seen, now);
                    prop_assert_eq!(
                        t.is_some(),
                        state == BreakerState::Open && seen == BreakerState::HalfOpen
                    );
                    if how != Admit::Reject && state != BreakerState::Closed {
                        prop_assert!(
                            now >= opened_at + cfg.open_ns,
                            "admitted at {} while open from {}",
                            now,
                            opened_at
                        );
                    }
                    if let Some(t) = t {
                        prop_assert_eq!(t.at, now);
                        apply(t, &mut state)?;
                        probes_ok = 0;
                    }
                    prop_assert_eq!(b.state(cfg, now), seen);
                    if how != Admit::Reject {
                        out.push(how);
                    }
                }
                Op::Record(d, i, ok) => {
                    now += d;
                    if out.is_empty() {
                        continue;
                    }
                    let how = out.swap_remove(i % out.len());
                    let before = state;
                    if how == Admit::Pass && before == BreakerState::Closed {
                        log.push((now, ok));
                    }
                    let t = b.record(cfg, now, how, ok);
                    let expected = match (before, how) {
                        (BreakerState::Closed, Admit::Pass) => {
                            (!ok && model_trips(cfg, &log, now)).then_some(BreakerState::Open)
                        }
                        (BreakerState::HalfOpen, Admit::Probe) if !ok => Some(BreakerState::Open),
                        (BreakerState::HalfOpen, Admit::Probe) => {
                            probes_ok += 1;
                            (probes_ok >= cfg.probes.max(1)).then_some(BreakerState::Closed)
                        }
                        _ => None,
                    };
                    prop_assert_eq!(t.map(|t| t.to), expected);
                    if let Some(t) = t {
                        prop_assert_eq!(t.at, now);
                        apply(t, &mut state)?;
                        match t.to {
                            BreakerState::Open => {
                                opened_at = now;
                                opened += 1;
                                if before == BreakerState::Closed {
                                    left_closed = now;
                                }
                            }
                            BreakerState::Closed => {
                                not_closed += now - left_closed;
                                log.clear();
                            }
                            BreakerState::HalfOpen => {}
                        }
                    }
                }
                Op::Abandon(i) => {
                    if out.is_empty() {
                        continue;
                    }
                    let how = out.swap_remove(i % out.len());
                    b.abandon(how);
                }
            }
            let probes_out = out.iter().filter(|&&h| h == Admit::Probe).count() as u32;
            prop_assert!(probes_out <= cfg.probes.max(1), "{} probes out", probes_out);
            prop_assert_eq!(b.probes_out, probes_out);
            prop_assert_eq!(b.opened(), opened);
            let open_now = if state == BreakerState::Closed {
                0
            } else {
                now - left_closed
            };
            prop_assert_eq!(b.time_open_ns(now), not_closed + open_now);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 512,
            rng_seed: RngSeed::Fixed(0x4252_4B52), // "BRKR"
            ..ProptestConfig::default()
        })]

        #[test]
        fn breaker_follows_the_state_graph_and_the_trip_rules(
            cfg in cfg(),
            ops in prop::collection::vec(op(), 1..300),
        ) {
            run(&cfg, &ops)?;
        }
    }
}
