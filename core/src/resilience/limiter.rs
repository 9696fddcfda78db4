//! Admission rate limiting on the serving side: a request the limiter refuses is rejected as
//! `rate_limited` before it queues.
//!
//! - A token bucket: `burst` tokens to start with, refilled continuously at `rate_per_s` up to `burst`;
//!   each admission takes one. Tokens are counted in 10^-15 of a token in a `u128` and the rate in 10^-6
//!   tokens per second, so refills are exact integer sums and the same on every target.
//! - A sliding-window log: at most `limit` admissions in any window of `window_ns`. Only the last `limit`
//!   admission times are kept, so memory is bounded by the limit (which validation caps).

use std::collections::VecDeque;

/// 10^-15 of a token per token: the token bucket's unit.
const FEMTO: u128 = 1_000_000_000_000_000;

/// A limiter's rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LimitCfg {
    /// A steady rate with bursts.
    TokenBucket {
        /// Tokens added per second of virtual time (resolution 10^-6).
        rate_per_s: f64,
        /// The bucket's capacity and starting balance (0 is read as 1).
        burst: u32,
    },
    /// A sliding-window log.
    SlidingWindow {
        /// Admissions allowed in any window (0 admits nothing).
        limit: u32,
        /// The window's length.
        window_ns: u64,
    },
}

/// One limiter's state. It takes its settings on every call; a token bucket starts full at its first call.
#[derive(Clone, Debug, Default)]
pub struct Limiter {
    /// Whether the token bucket has been filled (at the first call).
    started: bool,
    /// The token bucket's balance, in 10^-15 of a token.
    femto: u128,
    /// When the token bucket was last refilled.
    last: u64,
    /// The sliding window's last `limit` admission times, oldest first.
    log: VecDeque<u64>,
    admitted: u64,
    rejected: u64,
}

/// The refill per nanosecond in 10^-15 tokens: the rate in 10^-6 tokens per second, rounded to the nearest.
/// Non-finite or negative rates refill nothing; validation rejects them before they get here.
fn refill_per_ns(rate_per_s: f64) -> u128 {
    if rate_per_s > 0.0 {
        // `as` saturates on overflow, and infinity saturates too.
        (rate_per_s * 1e6 + 0.5) as u128
    } else {
        0
    }
}

impl Limiter {
    /// A limiter that has admitted nothing.
    pub fn new() -> Self {
        Limiter::default()
    }

    /// Whether to admit a request arriving at `now`; counts the answer.
    pub fn admit(&mut self, cfg: &LimitCfg, now: u64) -> bool {
        let admit = match *cfg {
            LimitCfg::TokenBucket { rate_per_s, burst } => self.take_token(rate_per_s, burst, now),
            LimitCfg::SlidingWindow { limit, window_ns } => self.log_admission(limit, window_ns, now),
        };
        if admit {
            self.admitted += 1;
        } else {
            self.rejected += 1;
        }
        admit
    }

    /// Requests admitted so far.
    pub fn admitted(&self) -> u64 {
        self.admitted
    }

    /// Requests refused so far.
    pub fn rejected(&self) -> u64 {
        self.rejected
    }

    fn take_token(&mut self, rate_per_s: f64, burst: u32, now: u64) -> bool {
        let cap = u128::from(burst.max(1)) * FEMTO;
        if !self.started {
            self.started = true;
            self.femto = cap;
            self.last = now;
        }
        let elapsed = u128::from(now.saturating_sub(self.last));
        self.last = self.last.max(now);
        self.femto = self
            .femto
            .saturating_add(elapsed.saturating_mul(refill_per_ns(rate_per_s)))
            .min(cap);
        if self.femto >= FEMTO {
            self.femto -= FEMTO;
            true
        } else {
            false
        }
    }

    fn log_admission(&mut self, limit: u32, window_ns: u64, now: u64) -> bool {
        let limit = limit as usize;
        while self.log.len() > limit {
            self.log.pop_front();
        }
        if limit == 0 {
            return false;
        }
        if self.log.len() == limit {
            // The limit-th most recent admission: while it is inside the window, the window is full.
            match self.log.front() {
                Some(&oldest) if now.saturating_sub(oldest) < window_ns => return false,
                _ => {
                    self.log.pop_front();
                }
            }
        }
        self.log.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SimRng;

    const SEC: u64 = 1_000_000_000;

    /// Checks a token bucket's count over `t_s` seconds of overload against `rate * t + burst`: within 1%
    /// (the acceptance criterion, also as a rate per second), and within two tokens (one lost to the
    /// partial token at the end, one to rounding).
    fn check_overload(admitted: u64, rate: f64, burst: u32, span_ns: u64) {
        let theory = rate * span_ns as f64 / 1e9 + f64::from(burst);
        let got = admitted as f64;
        assert!((got - theory).abs() <= 0.01 * theory, "admitted {got}, theory {theory}");
        let per_s = (got - f64::from(burst)) / (span_ns as f64 / 1e9);
        assert!((per_s - rate).abs() <= 0.01 * rate, "{per_s}/s against {rate}/s");
        assert!((got - theory).abs() <= 2.0, "admitted {got}, theory {theory}");
    }

    #[test]
    fn token_bucket_admits_the_rate_plus_the_burst_under_regular_overload() {
        // 100,000 arrivals a second for 60 s against 1,000 a second.
        let (rate, burst) = (1_000.0, 50);
        let cfg = LimitCfg::TokenBucket {
            rate_per_s: rate,
            burst,
        };
        let mut l = Limiter::new();
        let step = 10_000;
        let mut last = 0;
        for i in 0..60 * SEC / step {
            last = i * step;
            l.admit(&cfg, last);
        }
        check_overload(l.admitted(), rate, burst, last);
        assert_eq!(l.admitted() + l.rejected(), 60 * SEC / step);
    }

    #[test]
    fn token_bucket_admits_the_rate_plus_the_burst_under_random_overload() {
        // Poisson arrivals at 10,000 a second against a rate that is not a whole number.
        for seed in 1..=3 {
            let (rate, burst) = (333.3, 20);
            let cfg = LimitCfg::TokenBucket {
                rate_per_s: rate,
                burst,
            };
            let mut l = Limiter::new();
            let mut rng = SimRng::new(seed);
            let mut now = 0u64;
            let mut last = 0;
            while now < 60 * SEC {
                last = now;
                l.admit(&cfg, now);
                now += (rng.exp1() * 100_000.0) as u64;
            }
            check_overload(l.admitted(), rate, burst, last);
        }
    }

    #[test]
    fn token_bucket_refills_to_the_burst_and_no_further() {
        let cfg = LimitCfg::TokenBucket {
            rate_per_s: 10.0,
            burst: 3,
        };
        let mut l = Limiter::new();
        let first: Vec<bool> = (0..4).map(|_| l.admit(&cfg, SEC)).collect();
        assert_eq!(first, [true, true, true, false]);
        // One token comes back every 100 ms.
        assert!(!l.admit(&cfg, SEC + 99_999_999));
        assert!(l.admit(&cfg, SEC + 100_000_000));
        // An hour idle refills three tokens, not 36,000.
        let later = 3_600 * SEC;
        assert_eq!((0..5).filter(|_| l.admit(&cfg, later)).count(), 3);
        assert_eq!((l.admitted(), l.rejected()), (7, 4));
    }

    #[test]
    fn sliding_window_admits_exactly_the_limit_per_window_under_overload() {
        // An arrival every microsecond, ten allowed per millisecond, for 100 ms.
        let cfg = LimitCfg::SlidingWindow {
            limit: 10,
            window_ns: 1_000_000,
        };
        let mut l = Limiter::new();
        let mut per_window = [0u32; 100];
        for us in 0..100_000u64 {
            if l.admit(&cfg, us * 1_000) {
                per_window[(us / 1_000) as usize] += 1;
            }
        }
        assert!(per_window.iter().all(|&n| n == 10), "{per_window:?}");
        assert_eq!(l.admitted(), 1_000);
        assert_eq!(l.rejected(), 99_000);
    }

    #[test]
    fn sliding_window_of_zero_admits_nothing() {
        let cfg = LimitCfg::SlidingWindow {
            limit: 0,
            window_ns: 1_000,
        };
        let mut l = Limiter::new();
        assert!(!(0..10).any(|t| l.admit(&cfg, t * 10_000)));
    }
}

/// Property tests: the sliding window against a naive model that keeps every admission, and the token
/// bucket's bound on any stretch of time.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::RngSeed;

    fn gaps() -> impl Strategy<Value = Vec<u64>> {
        prop::collection::vec(prop_oneof![2 => Just(0u64), 3 => 0u64..50, 1 => 0u64..2_000], 1..400)
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 256,
            rng_seed: RngSeed::Fixed(0x4C49_4D54), // "LIMT"
            ..ProptestConfig::default()
        })]

        #[test]
        fn sliding_window_never_exceeds_the_limit_and_refuses_only_when_full(
            limit in 0u32..12,
            window_ns in 0u64..1_000,
            gaps in gaps(),
        ) {
            let cfg = LimitCfg::SlidingWindow { limit, window_ns };
            let mut l = Limiter::new();
            let mut admitted: Vec<u64> = Vec::new();
            let mut now = 0u64;
            for gap in gaps {
                now += gap;
                let in_window = admitted.iter().filter(|&&a| now - a < window_ns).count();
                let admit = l.admit(&cfg, now);
                prop_assert_eq!(admit, in_window < limit as usize, "at {}: {} in the window", now, in_window);
                if admit {
                    admitted.push(now);
                }
                prop_assert!(l.log.len() <= limit as usize);
            }
            // Every window [a, a + window_ns) holds at most `limit`; the fullest windows start at an admission.
            for (i, &a) in admitted.iter().enumerate() {
                let n = admitted[i..].iter().take_while(|&&b| b - a < window_ns).count();
                prop_assert!(n <= limit as usize, "{} admissions in the window from {}", n, a);
            }
            prop_assert_eq!(l.admitted(), admitted.len() as u64);
        }

        #[test]
        fn token_bucket_admits_at_most_the_burst_plus_the_refill_over_any_stretch(
            rate_per_s in 1e6f64..1e9,
            burst in 0u32..8,
            gaps in gaps(),
        ) {
            let cfg = LimitCfg::TokenBucket { rate_per_s, burst };
            let mut l = Limiter::new();
            let mut admitted: Vec<u64> = Vec::new();
            let mut now = 0u64;
            for gap in gaps {
                now += gap;
                if l.admit(&cfg, now) {
                    admitted.push(now);
                }
            }
            let burst = f64::from(burst.max(1));
            for i in 0..admitted.len() {
                for j in i..admitted.len() {
                    let refill = rate_per_s * (admitted[j] - admitted[i]) as f64 / 1e9;
                    prop_assert!(
                        (j - i + 1) as f64 <= burst + refill * (1.0 + 1e-9) + 1e-9,
                        "{} admissions from {} to {}", j - i + 1, admitted[i], admitted[j]
                    );
                }
            }
            prop_assert!(!admitted.is_empty(), "a full bucket admits the first request");
        }
    }
}
