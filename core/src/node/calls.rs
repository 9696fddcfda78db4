//! Resilience settings: the policy a call between two nodes carries (per edge: a timeout per attempt,
//! retries with a retry budget, a circuit breaker, a bulkhead), and the admission settings a serving node can
//! have (an error rate, a rate limit, load shedding). Their specs, the inspector's parameters, and validation
//! into the configurations the engine runs with the state machines of [`crate::resilience`].

use crate::limits::MAX_QUEUE_CAPACITY;
use crate::resilience::{BreakerCfg, BudgetCfg, LimitCfg, ShedCfg, Trip};
use crate::rng::SimRng;
use crate::scenario::params::{opt, p, Control, Param, MS};
use crate::scenario::v1::codec::{json_enum, json_spec};
use crate::time::ms_to_nanos;
use crate::topology::check::{opt_ms, Errors};
use crate::topology::problem::Location;

/// The most calls a bulkhead or a sliding window may count (bounds the memory a window keeps).
pub const MAX_LIMIT: u32 = 1_000_000;

json_spec! {
    /// What a caller does on one edge: how long it waits for each attempt, whether and how it retries, when
    /// it stops calling a failing dependency, and how many calls it lets be in flight at once.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct CallPolicy {
        /// Give up on an attempt after this long (the callee keeps working on it: that work is wasted).
        pub timeout_ms: Option<f64> = opt,
        /// Retry failed or timed-out attempts.
        pub retry: Option<RetryPolicy> = opt,
        /// Stop calling a failing dependency for a while.
        pub breaker: Option<BreakerSpec> = opt,
        /// At most this many calls in flight on this edge; more fail fast with `bulkhead_full`.
        pub max_concurrent: Option<u32> = opt,
    }
}

json_spec! {
    /// A circuit breaker: closed (calls pass), open (calls fail fast), half-open (a few probes test the
    /// dependency). It trips on `consecutive_failures` in a row, or else on `failure_rate` over `window_ms`.
    #[derive(Clone, Debug, PartialEq)]
    pub struct BreakerSpec {
        /// Trip after this many failures in a row.
        pub consecutive_failures: Option<u32> = opt,
        /// Trip when this fraction of the calls in the window failed (0.5 when neither is set).
        pub failure_rate: Option<f64> = opt,
        /// The rate rule needs at least this many calls in the window.
        pub min_calls: u32 = or(default_min_calls()) => serde(default = "default_min_calls"),
        pub window_ms: f64 = or(default_breaker_window()) => serde(default = "default_breaker_window"),
        /// Stay open this long before probing.
        pub open_ms: f64 = or(default_open_ms()) => serde(default = "default_open_ms"),
        /// Probes let through while half-open; that many successes close it, one failure reopens it.
        pub half_open_probes: u32 = or(default_probes()) => serde(default = "default_probes"),
    }
}

json_spec! {
    /// A retry budget (Finagle's RetryBudget): each call deposits `ratio` of a token, each retry spends one,
    /// and the bucket holds at most `burst`. Retries stay near `ratio` of the calls however bad things get.
    #[derive(Clone, Debug, PartialEq)]
    pub struct RetryBudgetSpec {
        pub ratio: f64 = or(default_budget_ratio()) => serde(default = "default_budget_ratio"),
        pub burst: u32 = or(default_burst()) => serde(default = "default_burst"),
    }
}

json_spec! {
    /// Load shedding from a service's queue (Facebook's adaptive queue timeout, CoDel-style): a request that
    /// waited longer than `interval_ms` is shed; once the queue has not been empty for `interval_ms`, the
    /// limit drops to `target_ms`. With `lifo`, an overloaded queue serves the newest request first.
    #[derive(Clone, Debug, PartialEq)]
    pub struct ShedSpec {
        pub target_ms: f64 = or(default_shed_target()) => serde(default = "default_shed_target"),
        pub interval_ms: f64 = or(default_shed_interval()) => serde(default = "default_shed_interval"),
        pub lifo: bool = or(false),
        /// Also shed arrivals that find this many requests waiting (by queue length, before they queue).
        pub max_queue: Option<u32> = opt,
    }
}

// The format's defaults (the serde oracle's `default = "…"` names them).
fn default_min_calls() -> u32 {
    20
}

fn default_breaker_window() -> f64 {
    10_000.0
}

fn default_open_ms() -> f64 {
    5_000.0
}

fn default_probes() -> u32 {
    1
}

fn default_budget_ratio() -> f64 {
    0.1
}

fn default_shed_target() -> f64 {
    5.0
}

fn default_shed_interval() -> f64 {
    100.0
}

fn default_limit_window() -> f64 {
    1_000.0
}

fn default_burst() -> u32 {
    10
}

json_enum! {
    /// How a rate limiter counts.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum LimitAlgorithm {
        /// Tokens refill at `rate_rps` up to `burst`; each request takes one.
        #[default]
        TokenBucket = "token_bucket",
        /// At most `rate_rps × window_ms` requests in any window of `window_ms`.
        SlidingWindow = "sliding_window",
    }
}

json_spec! {
    /// A rate limit: requests beyond it are rejected with `rate_limited`.
    #[derive(Clone, Debug, PartialEq)]
    pub struct RateLimitSpec {
        pub rate_rps: f64 = req,
        pub algorithm: LimitAlgorithm = or(LimitAlgorithm::default()),
        /// Token bucket: requests admitted at once after a quiet spell (the bucket's size).
        pub burst: u32 = or(default_burst()) => serde(default = "default_burst"),
        /// Sliding window: its length.
        pub window_ms: f64 = or(default_limit_window()) => serde(default = "default_limit_window"),
    }
}

const ALGORITHMS: &[(&str, &str)] = &[("token_bucket", "token bucket"), ("sliding_window", "sliding window")];

/// The parameters of an edge's call policy (the edge's inspector shows them under "Call policy").
pub const POLICY: &[Param] = &[
    p(
        "policy",
        "Call policy",
        "",
        Control::Group(r#"{"timeout_ms": 1000}"#),
        "Timeouts, retries, a circuit breaker and a bulkhead for calls on this edge (from a service to its \
         dependency).",
    ),
    opt(
        "policy.timeout_ms",
        "Timeout",
        "ms",
        MS,
        "Give up on an attempt after this long. The callee keeps working on it: shorter than the callee's own \
         timeouts wastes that work.",
    ),
    p(
        "policy.retry",
        "Retries",
        "",
        Control::Group(r#"{"max_retries": 2}"#),
        "Retry failed attempts. Retries at every layer multiply: 3 at each of 3 layers is up to 64 attempts.",
    ),
    p(
        "policy.retry.max_retries",
        "Max retries",
        "",
        Control::Int { min: 0.0, max: 100.0 },
        "Retries after the first attempt.",
    ),
    p(
        "policy.retry.backoff_base_ms",
        "Backoff base",
        "ms",
        MS,
        "The first retry waits about this long; each later one doubles it.",
    ),
    p(
        "policy.retry.backoff_max_ms",
        "Backoff cap",
        "ms",
        MS,
        "Backoff never waits longer than this.",
    ),
    p(
        "policy.retry.jitter",
        "Jitter",
        "",
        Control::Choice(JITTERS),
        "Randomises backoff so retries do not arrive in synchronised waves.",
    ),
    BUDGET[0].with_key("policy.retry.budget"),
    BUDGET[1].with_key("policy.retry.budget.ratio"),
    BUDGET[2].with_key("policy.retry.budget.burst"),
    p(
        "policy.breaker",
        "Circuit breaker",
        "",
        Control::Group(r#"{"consecutive_failures": 5}"#),
        "Stop calling a failing dependency: callers fail fast instead of piling up behind it.",
    ),
    opt(
        "policy.breaker.consecutive_failures",
        "Trip after failures in a row",
        "",
        Control::Int { min: 1.0, max: 1e6 },
        "Open after this many failures in a row. Simple, but slow to notice a partial failure.",
    ),
    opt(
        "policy.breaker.failure_rate",
        "Trip at failure rate",
        "fraction",
        Control::Number {
            min: 0.0,
            max: 1.0,
            step: 0.05,
        },
        "Open when this fraction of the window's calls failed: notices partial failures, needs min calls.",
    ),
    p(
        "policy.breaker.min_calls",
        "Min calls",
        "",
        Control::Int { min: 1.0, max: 1e6 },
        "The rate rule waits for this many calls in the window, so one early failure cannot trip it.",
    ),
    p(
        "policy.breaker.window_ms",
        "Window",
        "ms",
        MS,
        "The failure rate is over this much recent time. Longer is steadier but slower to react.",
    ),
    p(
        "policy.breaker.open_ms",
        "Open for",
        "ms",
        MS,
        "How long it fails fast before probing. Longer protects the dependency, shorter recovers sooner.",
    ),
    p(
        "policy.breaker.half_open_probes",
        "Half-open probes",
        "",
        Control::Int { min: 1.0, max: 1e6 },
        "Calls let through to test the dependency; that many successes close the breaker, one failure reopens it.",
    ),
    opt(
        "policy.max_concurrent",
        "Bulkhead",
        "calls",
        Control::Int { min: 1.0, max: 1e6 },
        "At most this many calls in flight on this edge: a slow dependency cannot take every worker.",
    ),
];

/// A retry budget's parameters, keyed under `retry.budget` (a client's; an edge's prefixes `policy.`).
pub const BUDGET: &[Param] = &[
    p(
        "retry.budget",
        "Retry budget",
        "",
        Control::Group(r#"{"ratio": 0.1, "burst": 10}"#),
        "Allow retries only as a fraction of calls: blips are still retried, an overload is not multiplied.",
    ),
    p(
        "retry.budget.ratio",
        "Budget ratio",
        "retries per call",
        Control::Number {
            min: 0.0,
            max: 1.0,
            step: 0.01,
        },
        "Each call earns this much of a retry. 0.1 caps retries at about 10% extra load.",
    ),
    p(
        "retry.budget.burst",
        "Budget burst",
        "retries",
        Control::Int { min: 0.0, max: 1e6 },
        "Retries that may be spent at once after a quiet spell.",
    ),
];

/// A serving node's admission parameters: an error rate, a rate limit and load shedding.
pub const ADMISSION: &[Param] = &[
    opt(
        "error_rate",
        "Error rate",
        "probability",
        Control::Number {
            min: 0.0,
            max: 1.0,
            step: 0.01,
        },
        "Chance that a request fails with an error after service: a flaky dependency, for retries and breakers.",
    ),
    p(
        "rate_limit",
        "Rate limit",
        "",
        Control::Group(r#"{"rate_rps": 100}"#),
        "Reject requests beyond a rate with rate_limited: protects capacity, fails the excess fast.",
    ),
    LIMIT[0].with_key("rate_limit.rate_rps"),
    LIMIT[1].with_key("rate_limit.algorithm"),
    LIMIT[2].with_key("rate_limit.burst"),
    LIMIT[3].with_key("rate_limit.window_ms"),
    p(
        "shed",
        "Load shedding",
        "",
        Control::Group(r#"{"target_ms": 5, "interval_ms": 100}"#),
        "Shed requests that waited too long in the queue: their callers have likely given up already.",
    ),
    p(
        "shed.target_ms",
        "Target wait",
        "ms",
        MS,
        "Under overload (the queue not empty for an interval) a request waiting longer than this is shed.",
    ),
    p(
        "shed.interval_ms",
        "Interval",
        "ms",
        MS,
        "Normal queue timeout, and how long the queue must stay non-empty before it counts as overloaded.",
    ),
    p(
        "shed.lifo",
        "LIFO under overload",
        "",
        Control::Bool(false),
        "Serve the newest request first when overloaded: fresh requests still meet deadlines, old ones wait.",
    ),
    opt(
        "shed.max_queue",
        "Shed at queue length",
        "requests",
        Control::Int { min: 1.0, max: 1e7 },
        "Shed arrivals that find this many waiting: cheaper than queueing work that will be too late anyway.",
    ),
];

/// A rate limit's parameters (a rate limiter node's own; a service's are under `rate_limit.`).
pub const LIMIT: &[Param] = &[
    p(
        "rate_rps",
        "Rate",
        "requests/s",
        Control::Number {
            min: 0.001,
            max: 1e7,
            step: 1.0,
        },
        "Requests admitted per second over time. Set it below capacity to keep latency flat under a spike.",
    ),
    p(
        "algorithm",
        "Algorithm",
        "",
        Control::Choice(ALGORITHMS),
        "Token bucket allows short bursts; a sliding window counts exactly over its last window.",
    ),
    p(
        "burst",
        "Burst",
        "requests",
        Control::Int { min: 1.0, max: 1e6 },
        "Token bucket: how many requests may pass at once after a quiet spell.",
    ),
    p(
        "window_ms",
        "Window",
        "ms",
        MS,
        "Sliding window: its length. Shorter windows allow less burstiness.",
    ),
];

// ---------------------------------------------------------------------------------------------------------
// Validation.

/// A validated call policy.
#[derive(Clone, Debug, PartialEq)]
pub struct CallCfg {
    pub timeout_ns: Option<u64>,
    pub retry: Option<RetryCfg>,
    pub breaker: Option<BreakerCfg>,
    pub max_concurrent: Option<u32>,
}

/// What a serving node does before and after its work: fail some requests, limit the rate, shed from its queue.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AdmissionCfg {
    pub error_rate: f64,
    pub limit: Option<LimitCfg>,
    pub shed: Option<ShedCfg>,
    /// Shed arrivals that find this many requests waiting.
    pub shed_queue: Option<u32>,
}

impl AdmissionCfg {
    /// True when the node needs none of it (and the engine takes its plain path).
    pub fn is_plain(&self) -> bool {
        self.error_rate == 0.0 && self.limit.is_none() && self.shed.is_none() && self.shed_queue.is_none()
    }
}

impl CallPolicy {
    /// Checks the policy (problems are `policy.…` fields at `loc`).
    pub(crate) fn build(&self, loc: &Location, errs: &mut Errors) -> CallCfg {
        errs.ms(loc, "policy.timeout_ms", self.timeout_ms, false);
        if self.max_concurrent == Some(0) || self.max_concurrent.is_some_and(|n| n > MAX_LIMIT) {
            errs.bad(
                loc,
                "policy.max_concurrent",
                format!("must be between 1 and {MAX_LIMIT}"),
            );
        }
        CallCfg {
            timeout_ns: opt_ms(self.timeout_ms),
            retry: self.retry.as_ref().map(|r| retry_cfg(r, "policy.retry", loc, errs)),
            breaker: self.breaker.as_ref().map(|b| b.build(loc, errs)),
            max_concurrent: self.max_concurrent,
        }
    }
}

impl BreakerSpec {
    fn build(&self, loc: &Location, errs: &mut Errors) -> BreakerCfg {
        let trip = match (self.consecutive_failures, self.failure_rate) {
            (Some(_), Some(_)) => {
                errs.bad(
                    loc,
                    "policy.breaker.failure_rate",
                    "set consecutive_failures or failure_rate, not both",
                );
                Trip::Consecutive(1)
            }
            (Some(n), None) => {
                if n == 0 || n > MAX_LIMIT {
                    errs.bad(
                        loc,
                        "policy.breaker.consecutive_failures",
                        format!("must be between 1 and {MAX_LIMIT}, got {n}"),
                    );
                }
                Trip::Consecutive(n.max(1))
            }
            (None, rate) => {
                let ratio = rate.unwrap_or(0.5);
                if !(ratio > 0.0 && ratio <= 1.0) {
                    errs.bad(
                        loc,
                        "policy.breaker.failure_rate",
                        format!("must be a fraction above 0 and at most 1, got {ratio}"),
                    );
                }
                if self.min_calls == 0 || self.min_calls > MAX_LIMIT {
                    errs.bad(
                        loc,
                        "policy.breaker.min_calls",
                        format!("must be between 1 and {MAX_LIMIT}, got {}", self.min_calls),
                    );
                }
                Trip::Rate {
                    ratio,
                    min_calls: self.min_calls.max(1),
                }
            }
        };
        errs.ms(loc, "policy.breaker.window_ms", Some(self.window_ms), false);
        errs.ms(loc, "policy.breaker.open_ms", Some(self.open_ms), false);
        if self.half_open_probes == 0 || self.half_open_probes > MAX_LIMIT {
            errs.bad(
                loc,
                "policy.breaker.half_open_probes",
                format!("must be between 1 and {MAX_LIMIT}, got {}", self.half_open_probes),
            );
        }
        BreakerCfg {
            trip,
            window_ns: ms_to_nanos(self.window_ms).max(1),
            open_ns: ms_to_nanos(self.open_ms).max(1),
            probes: self.half_open_probes.max(1),
        }
    }
}

impl RetryBudgetSpec {
    /// Checks a budget whose fields are under `field` (`retry.budget` or `policy.retry.budget`).
    pub(crate) fn build(&self, field: &'static str, loc: &Location, errs: &mut Errors) -> BudgetCfg {
        let edge = field != "retry.budget";
        let (ratio_f, burst_f) = if edge {
            ("policy.retry.budget.ratio", "policy.retry.budget.burst")
        } else {
            ("retry.budget.ratio", "retry.budget.burst")
        };
        if !(0.0..=1.0).contains(&self.ratio) {
            errs.bad(
                loc,
                ratio_f,
                format!("must be a fraction between 0 and 1, got {}", self.ratio),
            );
        }
        if self.burst > MAX_LIMIT {
            errs.bad(loc, burst_f, format!("must be at most {MAX_LIMIT}, got {}", self.burst));
        }
        BudgetCfg {
            ratio: self.ratio.clamp(0.0, 1.0),
            burst: self.burst.min(MAX_LIMIT),
        }
    }
}

impl RateLimitSpec {
    /// Checks a rate limit whose fields are under `prefix` (`""` for a rate limiter node, `"rate_limit."` for
    /// a service).
    pub(crate) fn limit_cfg(&self, at: [&'static str; 3], loc: &Location, errs: &mut Errors) -> LimitCfg {
        let [rate_f, burst_f, window_f] = at;
        errs.rate(loc, rate_f, self.rate_rps);
        match self.algorithm {
            LimitAlgorithm::TokenBucket => {
                if self.burst == 0 || self.burst > MAX_LIMIT {
                    errs.bad(
                        loc,
                        burst_f,
                        format!("must be between 1 and {MAX_LIMIT}, got {}", self.burst),
                    );
                }
                LimitCfg::TokenBucket {
                    rate_per_s: self.rate_rps,
                    burst: self.burst.clamp(1, MAX_LIMIT),
                }
            }
            LimitAlgorithm::SlidingWindow => {
                errs.ms(loc, window_f, Some(self.window_ms), false);
                let limit = self.rate_rps * self.window_ms / 1e3;
                if !(limit >= 1.0 && limit <= f64::from(MAX_LIMIT)) {
                    errs.bad(
                        loc,
                        window_f,
                        format!("rate × window must allow between 1 and {MAX_LIMIT} requests per window, got {limit}"),
                    );
                }
                LimitCfg::SlidingWindow {
                    limit: (limit.clamp(1.0, f64::from(MAX_LIMIT))) as u32,
                    window_ns: ms_to_nanos(self.window_ms).max(1),
                }
            }
        }
    }
}

impl ShedSpec {
    pub(crate) fn build(&self, loc: &Location, errs: &mut Errors) -> ShedCfg {
        errs.ms(loc, "shed.target_ms", Some(self.target_ms), false);
        errs.ms(loc, "shed.interval_ms", Some(self.interval_ms), false);
        if self.target_ms > self.interval_ms {
            errs.bad(
                loc,
                "shed.target_ms",
                format!(
                    "the overload target ({} ms) must not exceed the normal timeout, interval_ms ({} ms)",
                    self.target_ms, self.interval_ms
                ),
            );
        }
        ShedCfg {
            target_ns: ms_to_nanos(self.target_ms),
            interval_ns: ms_to_nanos(self.interval_ms),
            lifo: self.lifo,
        }
    }

    /// The queue length at which arrivals are shed, checked.
    pub(crate) fn max_queue(&self, loc: &Location, errs: &mut Errors) -> Option<u32> {
        let m = self.max_queue?;
        if m == 0 || m > MAX_QUEUE_CAPACITY {
            errs.bad(
                loc,
                "shed.max_queue",
                format!("must be between 1 and {MAX_QUEUE_CAPACITY}, got {m}"),
            );
        }
        Some(m.max(1))
    }
}

/// Checks a node's error rate.
pub(crate) fn error_rate(v: Option<f64>, loc: &Location, errs: &mut Errors) -> f64 {
    match v {
        Some(r) if !(0.0..=1.0).contains(&r) => {
            errs.bad(
                loc,
                "error_rate",
                format!("must be a probability between 0 and 1, got {r}"),
            );
            0.0
        }
        Some(r) => r,
        None => 0.0,
    }
}

// ---------------------------------------------------------------------------------------------------------
// Retries: a client's and a call policy's.

json_spec! {
    /// Retries with capped exponential backoff and jitter.
    #[derive(Clone, Debug, PartialEq)]
    pub struct RetryPolicy {
        /// Retries after the first attempt.
        pub max_retries: u32 = req,
        pub backoff_base_ms: f64 = or(default_backoff_base()) => serde(default = "default_backoff_base"),
        pub backoff_max_ms: f64 = or(default_backoff_max()) => serde(default = "default_backoff_max"),
        pub jitter: Jitter = or(Jitter::default()),
        /// Limit retries to a fraction of calls.
        pub budget: Option<RetryBudgetSpec> = opt,
    }
}

pub(crate) fn default_backoff_base() -> f64 {
    10.0
}

pub(crate) fn default_backoff_max() -> f64 {
    1_000.0
}

json_enum! {
    /// How backoff delays are randomised (AWS's "Exponential Backoff and Jitter" names).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum Jitter {
        /// Exactly the exponential delay: synchronised retries, the storm's best friend.
        None = "none",
        /// Uniform in `[0, delay]`.
        #[default]
        Full = "full",
        /// `delay/2` plus uniform in `[0, delay/2]`.
        Equal = "equal",
    }
}

pub(crate) const JITTERS: &[(&str, &str)] = &[("full", "full"), ("equal", "equal"), ("none", "none")];

/// Retry policy with capped exponential backoff.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryCfg {
    pub max_retries: u32,
    pub base_ns: u64,
    pub max_ns: u64,
    pub jitter: Jitter,
    pub budget: Option<BudgetCfg>,
}

/// Checks a retry policy whose fields are under `at` (`retry` for a client, `policy.retry` for an edge).
pub(crate) fn retry_cfg(r: &RetryPolicy, at: &'static str, loc: &Location, errs: &mut Errors) -> RetryCfg {
    let edge = at != "retry";
    let field = |client: &'static str, policy: &'static str| if edge { policy } else { client };
    if r.max_retries > 100 {
        errs.bad(
            loc,
            field("retry.max_retries", "policy.retry.max_retries"),
            format!("at most 100, got {}", r.max_retries),
        );
    }
    errs.ms(
        loc,
        field("retry.backoff_base_ms", "policy.retry.backoff_base_ms"),
        Some(r.backoff_base_ms),
        true,
    );
    errs.ms(
        loc,
        field("retry.backoff_max_ms", "policy.retry.backoff_max_ms"),
        Some(r.backoff_max_ms),
        true,
    );
    RetryCfg {
        max_retries: r.max_retries,
        base_ns: ms_to_nanos(r.backoff_base_ms),
        max_ns: ms_to_nanos(r.backoff_max_ms),
        jitter: r.jitter,
        budget: r
            .budget
            .as_ref()
            .map(|b| b.build(field("retry.budget", "policy.retry.budget"), loc, errs)),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Behaviour: backoff.

impl RetryCfg {
    /// How long to wait before retrying after failed attempt `attempt` (from 1): the base delay doubled for each
    /// earlier attempt, capped, then jittered; `None` once the retries are spent.
    pub(crate) fn backoff(&self, attempt: u32, rng: &mut SimRng) -> Option<u64> {
        if attempt > self.max_retries {
            return None;
        }
        let exp = self.base_ns.saturating_mul(1u64 << attempt.saturating_sub(1).min(40));
        let delay = exp.min(self.max_ns);
        Some(match self.jitter {
            Jitter::None => delay,
            Jitter::Full => (delay as f64 * rng.unit()) as u64,
            Jitter::Equal => delay / 2 + ((delay / 2) as f64 * rng.unit()) as u64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retry(max_retries: u32, jitter: Jitter) -> RetryCfg {
        RetryCfg {
            max_retries,
            base_ns: 10,
            max_ns: 100,
            jitter,
            budget: None,
        }
    }

    #[test]
    fn backoff_doubles_up_to_its_cap_and_stops_when_retries_are_spent() {
        let mut rng = SimRng::new(1);
        let r = retry(6, Jitter::None);
        let delays: Vec<Option<u64>> = (1..=7).map(|a| r.backoff(a, &mut rng)).collect();
        assert_eq!(
            delays,
            [Some(10), Some(20), Some(40), Some(80), Some(100), Some(100), None]
        );
        let huge = RetryCfg {
            max_retries: u32::MAX,
            base_ns: u64::MAX / 2,
            max_ns: u64::MAX,
            jitter: Jitter::None,
            budget: None,
        };
        assert_eq!(
            huge.backoff(1000, &mut rng),
            Some(u64::MAX),
            "saturates, never overflows"
        );
    }

    #[test]
    fn jitter_stays_in_its_range_and_spreads_the_retries() {
        let mut rng = SimRng::new(7);
        let full: Vec<u64> = (0..1000)
            .filter_map(|_| retry(9, Jitter::Full).backoff(9, &mut rng))
            .collect();
        assert!(full.iter().all(|&d| d <= 100));
        let equal: Vec<u64> = (0..1000)
            .filter_map(|_| retry(9, Jitter::Equal).backoff(9, &mut rng))
            .collect();
        assert!(equal.iter().all(|&d| (50..=100).contains(&d)));
        for (name, d) in [("full", &full), ("equal", &equal)] {
            let distinct: std::collections::BTreeSet<_> = d.iter().collect();
            assert!(
                distinct.len() > 20,
                "{name} jitter spreads retries: {} distinct delays",
                distinct.len()
            );
        }
        let mean = full.iter().sum::<u64>() as f64 / full.len() as f64;
        assert!(
            (40.0..60.0).contains(&mean),
            "full jitter is uniform on [0, 100]: mean {mean}"
        );
    }
}
