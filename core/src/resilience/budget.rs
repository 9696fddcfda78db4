//! A retry budget (Finagle's `RetryBudget`; gRPC's retry throttling works the same way): a token bucket
//! that every original request fills by `ratio` of a token and every retry drains by one, capped at `burst`.
//! Retries then stay within `ratio` of the traffic plus the burst, however often calls fail, which is what
//! keeps a retry storm from feeding itself.
//!
//! Tokens are counted in millionths in a `u64`, so the arithmetic is exact and the same on every target.

/// Millionths of a token per token.
const SCALE: u64 = 1_000_000;

/// A retry budget's settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BudgetCfg {
    /// Tokens each original request deposits, in `[0, 1]` (0.1 allows retries of 10% of requests).
    pub ratio: f64,
    /// The bucket's capacity and starting balance: retries allowed in a burst.
    pub burst: u32,
}

impl BudgetCfg {
    /// The deposit per request in millionths, rounded to the nearest (out-of-range ratios clamped to `[0, 1]`).
    fn deposit_micros(&self) -> u64 {
        if self.ratio >= 1.0 {
            SCALE
        } else if self.ratio > 0.0 {
            (self.ratio * SCALE as f64 + 0.5) as u64
        } else {
            0
        }
    }

    /// The capacity in millionths; at least one token, so a burst of 0 still lets a retry through.
    fn cap_micros(&self) -> u64 {
        u64::from(self.burst.max(1)) * SCALE
    }
}

/// One caller's retry budget.
#[derive(Clone, Debug)]
pub struct RetryBudget {
    /// The balance in millionths of a token.
    micros: u64,
    /// Retries refused.
    denied: u64,
}

impl RetryBudget {
    /// A full budget: `burst` tokens.
    pub fn new(cfg: &BudgetCfg) -> Self {
        RetryBudget {
            micros: u64::from(cfg.burst) * SCALE,
            denied: 0,
        }
    }

    /// One original request: adds `ratio` of a token, capped at `burst` (at least one token).
    pub fn deposit(&mut self, cfg: &BudgetCfg) {
        self.micros = self.micros.saturating_add(cfg.deposit_micros()).min(cfg.cap_micros());
    }

    /// A retry: takes one token if there is one; otherwise counts a denial and returns false.
    pub fn try_withdraw(&mut self) -> bool {
        if self.micros >= SCALE {
            self.micros -= SCALE;
            true
        } else {
            self.denied += 1;
            false
        }
    }

    /// Retries refused so far.
    pub fn denied(&self) -> u64 {
        self.denied
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_with_the_burst_and_refuses_once_empty() {
        let cfg = BudgetCfg { ratio: 0.0, burst: 3 };
        let mut b = RetryBudget::new(&cfg);
        let granted: Vec<bool> = (0..5).map(|_| b.try_withdraw()).collect();
        assert_eq!(granted, [true, true, true, false, false]);
        assert_eq!(b.denied(), 2);
    }

    #[test]
    fn ten_requests_at_a_tenth_earn_one_retry() {
        let cfg = BudgetCfg { ratio: 0.1, burst: 5 };
        let mut b = RetryBudget::new(&cfg);
        while b.try_withdraw() {}
        for _ in 0..9 {
            b.deposit(&cfg);
        }
        assert!(!b.try_withdraw(), "nine tenths is not a token");
        b.deposit(&cfg);
        assert!(b.try_withdraw());
        assert!(!b.try_withdraw());
        assert_eq!(b.denied(), 3);
    }

    #[test]
    fn deposits_are_capped_at_the_burst() {
        let cfg = BudgetCfg { ratio: 1.0, burst: 2 };
        let mut b = RetryBudget::new(&cfg);
        for _ in 0..100 {
            b.deposit(&cfg);
        }
        assert_eq!((0..4).filter(|_| b.try_withdraw()).count(), 2);
    }

    #[test]
    fn a_zero_burst_starts_empty_but_can_save_one_token() {
        let cfg = BudgetCfg { ratio: 0.5, burst: 0 };
        let mut b = RetryBudget::new(&cfg);
        assert!(!b.try_withdraw());
        for _ in 0..10 {
            b.deposit(&cfg);
        }
        assert!(b.try_withdraw());
        assert!(!b.try_withdraw());
    }

    #[test]
    fn retrying_after_every_request_settles_at_the_ratio() {
        // Every request fails and retries once: the budget lets through the burst plus a tenth of requests.
        let cfg = BudgetCfg { ratio: 0.1, burst: 10 };
        let mut b = RetryBudget::new(&cfg);
        let n = 10_000u64;
        let mut granted = 0u64;
        for _ in 0..n {
            b.deposit(&cfg);
            granted += u64::from(b.try_withdraw());
        }
        // The first deposit is lost to the cap (the bucket starts full): 10 + 0.1 * 9_999 = 1_009.9.
        assert_eq!(granted, 1_009);
        assert_eq!(b.denied(), n - granted);
    }
}

/// Property test: whatever the order of requests and retries, the budget never grants more than it earned.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::RngSeed;

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 512,
            rng_seed: RngSeed::Fixed(0x4255_4447), // "BUDG"
            ..ProptestConfig::default()
        })]

        /// `true` is an original request (a deposit), `false` a retry attempt.
        #[test]
        fn granted_retries_stay_within_ratio_times_requests_plus_burst(
            ratio in prop_oneof![Just(0.0), Just(1.0), 0.0f64..=1.0],
            burst in 0u32..20,
            ops in prop::collection::vec(prop::bool::weighted(0.5), 0..2_000),
        ) {
            let cfg = BudgetCfg { ratio, burst };
            let mut b = RetryBudget::new(&cfg);
            let (mut n, mut granted, mut attempts) = (0u64, 0u64, 0u64);
            for &request in &ops {
                if request {
                    b.deposit(&cfg);
                    n += 1;
                } else {
                    attempts += 1;
                    granted += u64::from(b.try_withdraw());
                }
                // Exact in millionths: what was granted was in the bucket at the start or deposited since.
                prop_assert!(granted * SCALE <= u64::from(burst) * SCALE + n * cfg.deposit_micros());
                // In tokens, with at most one token of rounding.
                prop_assert!(granted as f64 <= ratio * n as f64 + f64::from(burst) + 1.0);
                if ratio == 0.0 {
                    prop_assert!(granted <= u64::from(burst));
                }
                prop_assert_eq!(b.denied(), attempts - granted);
            }
        }
    }
}
