//! Balancers: load balancers and reverse proxies, which pick one backend for each request. Their spec, the
//! balancing strategies, health checks and outlier ejection (which smart clients share), and the inspector's
//! parameters.

use super::{Behavior, Built, Check, Step, View};
use crate::routing;
use crate::scenario::params::{opt, p, Control, Param, CRASH, DIST, INT, MS};
use crate::scenario::v1::codec::{json_enum, json_spec};
use crate::scenario::v1::values::*;
use crate::time::{ms_to_nanos, SimTime};
use crate::topology::check::{workers, Errors};
use crate::topology::problem::Location;

json_spec! {
    /// A load balancer or reverse proxy: it picks one downstream for each request.
    #[derive(Clone, Debug, PartialEq)]
    pub struct BalancerSpec {
        pub strategy: Strategy = or(Strategy::default()),
        pub health_check: Option<HealthCheck> = opt,
        pub outlier: Option<Outlier> = opt,
        /// For `bounded_consistent_hash`: no backend takes more than this times the average load (1.25 when
        /// absent).
        pub balance_factor: Option<f64> = opt,
        /// Time to pick a backend and forward.
        pub service_time: Dist = or(default_hop_time()) => serde(default = "default_hop_time"),
        /// Connections handled at once (unbounded when absent).
        pub max_connections: Option<u32> = opt,
        pub crash_at_ms: Option<f64> = opt,
    }
}

impl Default for BalancerSpec {
    fn default() -> Self {
        BalancerSpec {
            strategy: Strategy::default(),
            health_check: None,
            outlier: None,
            balance_factor: None,
            service_time: default_hop_time(),
            max_connections: None,
            crash_at_ms: None,
        }
    }
}

json_enum! {
    /// How a balancer picks a backend.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum Strategy {
        #[default]
        RoundRobin = "round_robin",
        WeightedRoundRobin = "weighted_round_robin",
        Random = "random",
        WeightedRandom = "weighted_random",
        LeastConnections = "least_connections",
        WeightedLeastConnections = "weighted_least_connections",
        LeastResponseTime = "least_response_time",
        PowerOfTwo = "power_of_two",
        /// IP hash: by the client that sent the request.
        SourceHash = "source_hash",
        /// URL hash: by the request's key.
        KeyHash = "key_hash",
        Geographic = "geographic",
        Sticky = "sticky",
        /// The first healthy backend in edge order: an active/passive pair.
        Failover = "failover",
        /// A consistent-hash ring of the backends, by the request's key.
        ConsistentHash = "consistent_hash",
        /// Consistent hashing with bounded loads (HAProxy's `hash-balance-factor`).
        BoundedConsistentHash = "bounded_consistent_hash",
    }
}

json_spec! {
    /// Active health checks: probe each backend every `interval_ms`; `fall` failures in a row mark it down,
    /// `rise` successes in a row bring it back.
    #[derive(Clone, Debug, PartialEq)]
    pub struct HealthCheck {
        pub interval_ms: f64 = req,
        pub timeout_ms: f64 = or(default_probe_timeout()) => serde(default = "default_probe_timeout"),
        pub rise: u32 = or(default_rise()) => serde(default = "default_rise"),
        pub fall: u32 = or(default_fall()) => serde(default = "default_fall"),
    }
}

pub(crate) fn default_probe_timeout() -> f64 {
    500.0
}

pub(crate) fn default_rise() -> u32 {
    2
}

pub(crate) fn default_fall() -> u32 {
    3
}

json_spec! {
    /// Passive health checks: eject a backend after `consecutive_errors` failed answers in a row, for
    /// `ejection_ms`.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Outlier {
        pub consecutive_errors: u32 = req,
        pub ejection_ms: f64 = req,
    }
}

pub(crate) const STRATEGIES: &[(&str, &str)] = &[
    ("round_robin", "round robin"),
    ("weighted_round_robin", "weighted round robin"),
    ("random", "random"),
    ("weighted_random", "weighted random"),
    ("least_connections", "least connections"),
    ("weighted_least_connections", "weighted least connections"),
    ("least_response_time", "least response time"),
    ("power_of_two", "power of two choices"),
    ("source_hash", "IP / client hash"),
    ("key_hash", "key (URL) hash"),
    ("consistent_hash", "consistent hash"),
    ("bounded_consistent_hash", "consistent hash, bounded loads"),
    ("geographic", "geographic"),
    ("sticky", "sticky sessions"),
    ("failover", "failover (active/passive)"),
];

/// The health check a new balancer starts with, and that ticking "Active health checks" adds.
pub const HEALTH_CHECK_DEFAULT: &str = r#"{"interval_ms": 1000}"#;

pub(crate) const HEALTH: [Param; 5] = [
    p(
        "health_check",
        "Active health checks",
        "",
        Control::Group(HEALTH_CHECK_DEFAULT),
        "Probe each backend on a timer. Without checks a dead backend keeps getting its share of traffic.",
    ),
    p(
        "health_check.interval_ms",
        "Probe interval",
        "ms",
        MS,
        "Time between probes. Shorter detects failures sooner, at the cost of probe traffic.",
    ),
    p(
        "health_check.timeout_ms",
        "Probe timeout",
        "ms",
        MS,
        "A probe with no answer after this long counts as failed.",
    ),
    p(
        "health_check.fall",
        "Fall",
        "probes",
        INT,
        "Failed probes in a row before a backend is marked down: detection takes about interval × fall.",
    ),
    p(
        "health_check.rise",
        "Rise",
        "probes",
        INT,
        "Good probes in a row before a recovered backend gets traffic again; guards against flapping.",
    ),
];

pub const BALANCER: &[Param] = &[
    p(
        "strategy",
        "Strategy",
        "",
        Control::Choice(STRATEGIES),
        "How a backend is picked. Load-aware strategies avoid slow backends; hashing ones keep a key on \
         one backend (good for caches) at the cost of balance.",
    ),
    HEALTH[0],
    HEALTH[1],
    HEALTH[2],
    HEALTH[3],
    HEALTH[4],
    p(
        "outlier",
        "Outlier ejection",
        "",
        Control::Group(r#"{"consecutive_errors": 5, "ejection_ms": 10000}"#),
        "Passive checks: eject a backend after errors in a row, using real traffic as the probe.",
    ),
    p(
        "outlier.consecutive_errors",
        "Errors to eject",
        "errors",
        INT,
        "Failed answers in a row before ejection. Lower reacts faster but ejects on noise.",
    ),
    p(
        "outlier.ejection_ms",
        "Ejection time",
        "ms",
        MS,
        "How long an ejected backend sits out before it is tried again.",
    ),
    opt(
        "balance_factor",
        "Balance factor",
        "× mean",
        Control::Number {
            min: 1.0,
            max: 100.0,
            step: 0.05,
        },
        "For bounded-load consistent hashing: no backend takes more than this times the mean load. Lower \
         balances better but moves more keys off their home.",
    ),
    p(
        "service_time",
        "Forwarding time",
        "ms",
        DIST,
        "Time to pick a backend and forward a request.",
    ),
    opt(
        "max_connections",
        "Max connections",
        "",
        INT,
        "Connections handled at once; beyond it requests wait. Empty means unbounded.",
    ),
    CRASH,
];

// ---------------------------------------------------------------------------------------------------------
// Validation: the rules of the spec, and the configuration the engine runs.

/// Active health checking, in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HealthCfg {
    pub interval_ns: u64,
    pub timeout_ns: u64,
    pub rise: u32,
    pub fall: u32,
}

/// Passive outlier ejection.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OutlierCfg {
    pub consecutive_errors: u32,
    pub ejection_ns: u64,
}

/// How a node that balances (load balancer, proxy, smart client) picks and watches its backends.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BalanceCfg {
    pub strategy: routing::Strategy,
    pub balance_factor: f64,
    pub health: Option<HealthCfg>,
    pub outlier: Option<OutlierCfg>,
}

pub(crate) fn balance_cfg(
    strategy: Strategy,
    balance_factor: Option<f64>,
    health: Option<&HealthCheck>,
    outlier: Option<&Outlier>,
    loc: &Location,
    errs: &mut Errors,
) -> BalanceCfg {
    let health = health.map(|h| {
        errs.ms(loc, "health_check.interval_ms", Some(h.interval_ms), false);
        errs.ms(loc, "health_check.timeout_ms", Some(h.timeout_ms), false);
        if h.interval_ms.is_finite() && h.interval_ms < 1.0 {
            errs.bad(
                loc,
                "health_check.interval_ms",
                "probing more often than every millisecond is not a health check",
            );
        }
        for (field, v) in [("health_check.rise", h.rise), ("health_check.fall", h.fall)] {
            if v == 0 || v > 1000 {
                errs.bad(loc, field, format!("must be between 1 and 1000, got {v}"));
            }
        }
        HealthCfg {
            interval_ns: ms_to_nanos(h.interval_ms),
            timeout_ns: ms_to_nanos(h.timeout_ms),
            rise: h.rise,
            fall: h.fall,
        }
    });
    let outlier = outlier.map(|o| {
        if o.consecutive_errors == 0 {
            errs.bad(loc, "outlier.consecutive_errors", "must be at least 1");
        }
        errs.ms(loc, "outlier.ejection_ms", Some(o.ejection_ms), false);
        OutlierCfg {
            consecutive_errors: o.consecutive_errors,
            ejection_ns: ms_to_nanos(o.ejection_ms),
        }
    });
    let factor = balance_factor.unwrap_or(routing::Strategy::DEFAULT_BALANCE_FACTOR);
    if !(factor.is_finite() && (1.0..=100.0).contains(&factor)) {
        errs.bad(
            loc,
            "balance_factor",
            format!("must be between 1 and 100, got {factor}"),
        );
    }
    BalanceCfg {
        strategy: strategy.into(),
        balance_factor: factor,
        health,
        outlier,
    }
}

impl BalancerSpec {
    /// Whether edges from it may carry a call policy ([`super::NodeSpec::calls_with_policy`]).
    pub(crate) const CALLS_WITH_POLICY: bool = false;

    /// What it does with a request whose class several out-edges carry ([`super::NodeSpec::shared_class_rule`]).
    pub(crate) const SHARED_CLASS_RULE: Option<&'static str> =
        Some("picks one of these edges for each request, with its strategy");

    pub(crate) fn build(&self, cx: &mut Check) -> Built {
        let (b, loc, errs) = (self, cx.loc, &mut *cx.errs);
        let service_time = errs.service_time(loc, &b.service_time);
        if let Some(m) = b.max_connections {
            workers(errs, loc, "max_connections", m);
        }
        errs.ms(loc, "crash_at_ms", b.crash_at_ms, true);
        let balance = balance_cfg(
            b.strategy,
            b.balance_factor,
            b.health_check.as_ref(),
            b.outlier.as_ref(),
            loc,
            errs,
        );
        Built {
            service_time,
            workers: b.max_connections,
            crash_at: b.crash_at_ms.map(SimTime::from_millis_f64),
            ..Built::new(Behavior::Balancer(balance))
        }
    }
}

impl From<Strategy> for routing::Strategy {
    fn from(s: Strategy) -> Self {
        use routing::Strategy as R;
        use Strategy as V;
        match s {
            V::RoundRobin => R::RoundRobin,
            V::WeightedRoundRobin => R::WeightedRoundRobin,
            V::Random => R::Random,
            V::WeightedRandom => R::WeightedRandom,
            V::LeastConnections => R::LeastConnections,
            V::WeightedLeastConnections => R::WeightedLeastConnections,
            V::LeastResponseTime => R::LeastResponseTime,
            V::PowerOfTwo => R::PowerOfTwo,
            V::SourceHash => R::SourceHash,
            V::KeyHash => R::KeyHash,
            V::Geographic => R::Geographic,
            V::Sticky => R::Sticky,
            V::Failover => R::Failover,
            V::ConsistentHash => R::ConsistentHash,
            V::BoundedConsistentHash => R::BoundedConsistentHash,
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Behaviour.

/// A balancer forwards each request once, to the backend its strategy picks, and relays the answer.
pub(crate) fn proceed(v: &impl View) -> Step {
    if v.step() == 0 {
        Step::Forward
    } else {
        Step::Relay
    }
}

#[cfg(test)]
mod tests {
    use super::super::TestView;
    use super::*;

    #[test]
    fn a_balancer_forwards_once_then_relays_the_answer() {
        let mut v = TestView {
            out: vec![u8::MAX; 3],
            ..TestView::default()
        };
        assert_eq!(proceed(&v), Step::Forward);
        v.step = 1;
        assert_eq!(
            proceed(&v),
            Step::Relay,
            "the answer goes back; no second backend is tried"
        );
    }
}
