//! Load shedding by queueing delay: Facebook's adaptive queue timeout (Ben Maurer, "Fail at Scale", ACM
//! Queue 13(8), 2015), a CoDel-like rule. A queue that has been empty within the last `interval_ns` is
//! absorbing a burst, so a request may wait up to `interval_ns`; a queue that has not been empty for longer
//! than that is standing, so a request that has waited more than `target_ns` is shed. Under that overload,
//! serving newest first (adaptive LIFO) lets fresh requests meet their deadlines while stale ones time out
//! at the back.

/// A shedding policy's settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShedCfg {
    /// The longest wait allowed while the queue is overloaded (Facebook used 5 ms).
    pub target_ns: u64,
    /// How long the queue may stay non-empty before it counts as overloaded, and the longest wait allowed
    /// otherwise (Facebook used 100 ms).
    pub interval_ns: u64,
    /// Serve newest first while overloaded.
    pub lifo: bool,
}

/// How long a request may have waited in a queue before it is shed, given when the queue was last empty:
/// `interval_ns` normally, `target_ns` when the queue has not been empty for longer than `interval_ns`
/// (overload).
pub fn queue_timeout(cfg: &ShedCfg, now: u64, last_empty: u64) -> u64 {
    if overloaded(cfg, now, last_empty) {
        cfg.target_ns
    } else {
        cfg.interval_ns
    }
}

/// Whether the queue is overloaded (not empty for longer than interval): under `lifo`, serve newest first
/// then. A `last_empty` after `now` reads as empty now.
pub fn overloaded(cfg: &ShedCfg, now: u64, last_empty: u64) -> bool {
    now.saturating_sub(last_empty) > cfg.interval_ns
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: u64 = 1_000_000;

    fn cfg(lifo: bool) -> ShedCfg {
        ShedCfg {
            target_ns: 5 * MS,
            interval_ns: 100 * MS,
            lifo,
        }
    }

    #[test]
    fn a_queue_empty_within_the_interval_gets_the_long_timeout() {
        let c = cfg(false);
        let last_empty = 1_000 * MS;
        for now in [last_empty, last_empty + 1, last_empty + 50 * MS, last_empty + 100 * MS] {
            assert!(!overloaded(&c, now, last_empty), "at {now}");
            assert_eq!(queue_timeout(&c, now, last_empty), 100 * MS, "at {now}");
        }
    }

    #[test]
    fn a_queue_not_empty_for_longer_than_the_interval_gets_the_target() {
        let c = cfg(false);
        let last_empty = 1_000 * MS;
        for now in [last_empty + 100 * MS + 1, last_empty + 10_000 * MS] {
            assert!(overloaded(&c, now, last_empty), "at {now}");
            assert_eq!(queue_timeout(&c, now, last_empty), 5 * MS, "at {now}");
        }
    }

    #[test]
    fn lifo_changes_the_order_not_the_timeout() {
        let last_empty = 0;
        for now in [0, 100 * MS, 100 * MS + 1, 1_000 * MS] {
            assert_eq!(
                queue_timeout(&cfg(true), now, last_empty),
                queue_timeout(&cfg(false), now, last_empty)
            );
            assert_eq!(
                overloaded(&cfg(true), now, last_empty),
                overloaded(&cfg(false), now, last_empty)
            );
        }
    }

    #[test]
    fn an_emptying_after_now_is_not_overload() {
        let c = cfg(false);
        assert!(!overloaded(&c, 10 * MS, 500 * MS));
        assert_eq!(queue_timeout(&c, 10 * MS, 500 * MS), 100 * MS);
    }

    #[test]
    fn a_zero_interval_is_overloaded_as_soon_as_the_queue_is_not_empty() {
        let c = ShedCfg {
            target_ns: 1,
            interval_ns: 0,
            lifo: true,
        };
        assert!(!overloaded(&c, 7, 7));
        assert!(overloaded(&c, 8, 7));
        assert_eq!(queue_timeout(&c, 8, 7), 1);
    }
}
