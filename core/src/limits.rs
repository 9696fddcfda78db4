//! Every bound on what a scenario, a command or a run may ask of the engine, defined once. Validation
//! (`topology::validate`, `dist`) refuses parameters outside them with a typed error naming the field; the
//! engine's command checks use the same numbers; the run-time bounds (live requests, pending events, time-series
//! buckets) keep a run's memory well under 512 MB whatever the scenario. `docs/scenario.md` lists them per
//! field.

/// The longest time any field may give, in virtual milliseconds (10^9 ms, about 11.6 days): run durations,
/// timeouts, intervals, and every time parameter of a distribution. Each draw of a distribution is also capped
/// here, so a heavy tail (Pareto with `alpha <= 1`, a wide log-normal) is truncated at 11.6 days.
pub const MAX_TIME_MS: f64 = 1e9;
/// The shortest non-zero time, in milliseconds: the engine counts whole nanoseconds, so a positive time below
/// one nanosecond would silently become zero.
pub const MIN_TIME_MS: f64 = 1e-6;
/// The widest log-normal shape `sigma` (of a time or of a message size).
pub const MAX_SIGMA: f64 = 10.0;
/// The range of a Pareto shape `alpha`. Below 1 the mean is infinite; draws are still capped at
/// [`MAX_TIME_MS`], so such a tail runs, truncated.
pub const MIN_PARETO_ALPHA: f64 = 0.1;
pub const MAX_PARETO_ALPHA: f64 = 100.0;
/// The highest arrival rate of one client, in requests per second (in a scenario and in a `SetRate` command).
pub const MAX_RATE_RPS: f64 = 1e7;
/// The highest loss of a link (every message lost): a loss is a probability, in a scenario's edge, a
/// `set_loss` fault and a `SetLoss` command.
pub const MAX_LOSS: f64 = 1.0;
/// The fewest groups a network partition splits the nodes into (a `partition` fault, a `Partition` command).
pub const MIN_PARTITION_GROUPS: usize = 2;
/// The most workers (or connections) on one node.
pub const MAX_WORKERS: u32 = 100_000;
/// The most waiting slots of one node's queue.
pub const MAX_QUEUE_CAPACITY: u32 = MAX_WORKERS * 100;
/// The largest cache capacity, in objects (a full cache costs about 120 bytes an object natively).
pub const MAX_CACHE_CAPACITY: u64 = 500_000;
/// The most objects all the caches of a scenario may hold together (cache and CDN nodes, shard routers'
/// directory caches): about 60 MB when every one is full.
pub const MAX_TOTAL_CACHE_CAPACITY: u64 = 500_000;
/// The most users one client may have (`sessions.users`): each user's session costs the run 8 bytes.
pub const MAX_USERS: u32 = 1_000_000;

/// The most operations a workload's `ops` mix lists.
pub const MAX_OPS: usize = 16;
/// The most users all the clients of a scenario may have together (8 MB of session state when all log in).
pub const MAX_TOTAL_USERS: u64 = 1_000_000;
/// The most requests one run may issue.
pub const MAX_REQUESTS: u64 = 1_000_000_000;
/// The most distinct keys a workload may draw from.
pub const MAX_KEYS: u64 = 1_000_000_000_000;
/// The farthest a node may sit from the origin of the canvas, per coordinate (and the largest view pan).
pub const MAX_COORD: f64 = 1e6;
/// The range of the saved view's zoom.
pub const MIN_ZOOM: f64 = 1e-3;
pub const MAX_ZOOM: f64 = 1e3;

/// Requests alive at once (client attempts, queued tasks, cache flushes, shard fan-out parts). When a client
/// would start a call or a retry, or a queue would take a message, beyond it, that call fails with
/// `FailReason::MemoryLimit` instead (counted in the report as `failed_by_reason.memory_limit`).
pub const MAX_LIVE_REQUESTS: usize = 100_000;
/// Events pending in the event queue (timers of finished calls included, until they fire). New calls and
/// retries are refused the same way beyond it.
pub const MAX_PENDING_EVENTS: usize = 1_000_000;
/// Client operations on replicated databases recorded in one run (the histories the consistency checker
/// reads; about 300 bytes an operation). Beyond it, a client that operates on a cluster has its new calls
/// refused with `FailReason::MemoryLimit`.
pub const MAX_HISTORY_OPS: usize = 200_000;
/// Distinct written keys the shard routers of a run track together (where each key lives, about 80 bytes a
/// key). Beyond it, a write of a key no router holds yet fails with `FailReason::MemoryLimit`.
pub const MAX_SHARD_KEYS: usize = 1_000_000;
/// Distinct keys written to databases behind caches whose versions a run tracks (what makes a cache's stale
/// read detectable, about 80 bytes a key). Beyond it, a client's write of a key no database has seen fails with
/// `FailReason::MemoryLimit`.
pub const MAX_VERSIONED_KEYS: usize = 1_000_000;
/// Event-log entries kept between two drains (a driver that never drains, like the CLI's run, keeps the
/// first ones); beyond it entries are counted, not stored.
pub const MAX_LOG_ENTRIES: usize = 100_000;
/// The most values the time series keeps (buckets times per-node columns). When the series would outgrow
/// it, adjacent buckets are merged in pairs and the bucket width doubles, so a far-away event never allocates
/// one bucket per `bucket_ms` up to it.
pub const MAX_SERIES_VALUES: usize = 1_000_000;
/// The most buckets the time series keeps, whatever the node count (even, so buckets merge in pairs).
pub const MAX_SERIES_BUCKETS: usize = 4_096;
/// The fewest buckets the cap ever allows (for the largest topologies).
pub const MIN_SERIES_BUCKETS: usize = 64;

/// Why [`check_rate`] refuses an arrival rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateError {
    /// Zero, negative or not a number.
    NotPositive,
    /// Above [`MAX_RATE_RPS`].
    TooHigh,
}

/// Checks one client's arrival rate in requests per second: a finite number above zero, at most
/// [`MAX_RATE_RPS`]. Validation (of a scenario's workload and its `set_rate` faults) and the engine's
/// `SetRate` command both ask it, and word the answer each in its own error type.
pub fn check_rate(rps: f64) -> Result<(), RateError> {
    if !(rps.is_finite() && rps > 0.0) {
        Err(RateError::NotPositive)
    } else if rps > MAX_RATE_RPS {
        Err(RateError::TooHigh)
    } else {
        Ok(())
    }
}

/// Whether `loss` is a link's loss probability, between 0 and [`MAX_LOSS`] (checked for a scenario's edges
/// and `set_loss` faults, and for the engine's `SetLoss` command).
pub fn loss_ok(loss: f64) -> bool {
    (0.0..=MAX_LOSS).contains(&loss)
}

/// The bucket cap of the time series for a topology of `nodes` nodes: three per-node columns per bucket,
/// within [`MAX_SERIES_VALUES`], between [`MIN_SERIES_BUCKETS`] and [`MAX_SERIES_BUCKETS`], and even.
pub fn series_buckets(nodes: usize) -> usize {
    let per_bucket = 3 * nodes.max(1) + 8;
    let cap = (MAX_SERIES_VALUES / per_bucket).clamp(MIN_SERIES_BUCKETS, MAX_SERIES_BUCKETS);
    cap & !1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_cap_is_even_and_within_bounds() {
        for n in [0, 1, 10, 100, 1_000] {
            let c = series_buckets(n);
            assert_eq!(c % 2, 0);
            assert!((MIN_SERIES_BUCKETS..=MAX_SERIES_BUCKETS).contains(&c), "{n}: {c}");
        }
        assert_eq!(series_buckets(10), MAX_SERIES_BUCKETS);
        assert_eq!(series_buckets(1_000), 332);
    }

    #[test]
    fn rates_are_checked_at_both_ends() {
        use RateError::*;
        let cases = [
            (1.0, Ok(())),
            (1e-9, Ok(())),
            (MAX_RATE_RPS, Ok(())),
            (MAX_RATE_RPS * 1.000_001, Err(TooHigh)),
            (f64::INFINITY, Err(NotPositive)),
            (0.0, Err(NotPositive)),
            (-0.0, Err(NotPositive)),
            (-1.0, Err(NotPositive)),
            (f64::NAN, Err(NotPositive)),
        ];
        for (rps, want) in cases {
            assert_eq!(check_rate(rps), want, "{rps}");
        }
    }

    #[test]
    fn a_loss_is_a_probability() {
        for (loss, ok) in [
            (0.0, true),
            (-0.0, true),
            (0.5, true),
            (MAX_LOSS, true),
            (1.0 + f64::EPSILON, false),
            (-1e-12, false),
            (f64::NAN, false),
        ] {
            assert_eq!(loss_ok(loss), ok, "{loss}");
        }
    }
}
