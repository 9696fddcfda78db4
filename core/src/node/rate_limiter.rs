//! Rate limiters: a node in front of a service that admits requests up to a rate and rejects the rest with
//! `rate_limited`, at once (an API gateway's limit). It passes what it admits to the nodes it points at, in
//! order, as a service calls its dependencies, and relays their answers; it takes no time of its own.

use super::calls::{RateLimitSpec, LIMIT};
use super::{Behavior, Built, Check};
use crate::node::calls::AdmissionCfg;
use crate::scenario::params::Param;

/// The inspector's parameters of a rate limiter.
pub const RATE_LIMITER: &[Param] = &[LIMIT[0], LIMIT[1], LIMIT[2], LIMIT[3]];

impl RateLimitSpec {
    /// Whether edges from it may carry a call policy ([`super::NodeSpec::calls_with_policy`]).
    pub(crate) const CALLS_WITH_POLICY: bool = true;

    /// What it does with a request whose class several out-edges carry ([`super::NodeSpec::shared_class_rule`]).
    pub(crate) const SHARED_CLASS_RULE: Option<&'static str> =
        Some("passes it to both, one after the other, for every admitted request");

    /// A rate limiter node: the station's pass-through with no service time and no worker limit, whose
    /// admission is this limit (the engine applies it as requests arrive).
    pub(crate) fn build(&self, cx: &mut Check) -> Built {
        let limit = self.limit_cfg(["rate_rps", "burst", "window_ms"], cx.loc, cx.errs);
        Built {
            admission: AdmissionCfg {
                limit: Some(limit),
                ..AdmissionCfg::default()
            },
            ..Built::new(Behavior::Station)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Check, NodeKind};
    use super::*;
    use crate::node::calls::LimitAlgorithm;
    use crate::resilience::LimitCfg;
    use crate::scenario::v1::values::Workload;
    use crate::topology::check::Errors;
    use crate::topology::problem::Location;

    fn build(spec: &RateLimitSpec) -> (Built, usize) {
        let loc = Location::Node("limit".into());
        let mut errs = Errors(Vec::new());
        let workload = Workload::default();
        let built = spec.build(&mut Check {
            kind: NodeKind::RateLimiter,
            id: "limit",
            loc: &loc,
            errs: &mut errs,
            workload: &workload,
        });
        (built, errs.0.len())
    }

    fn spec(rate_rps: f64, algorithm: LimitAlgorithm, burst: u32, window_ms: f64) -> RateLimitSpec {
        RateLimitSpec {
            rate_rps,
            algorithm,
            burst,
            window_ms,
        }
    }

    #[test]
    fn a_limiter_passes_through_instantly_with_its_limit_as_admission() {
        let (b, problems) = build(&spec(50.0, LimitAlgorithm::TokenBucket, 5, 1_000.0));
        assert_eq!(problems, 0);
        assert!(matches!(b.behavior, Behavior::Station));
        assert!(b.service_time.is_zero() && b.workers.is_none());
        assert_eq!(
            b.admission.limit,
            Some(LimitCfg::TokenBucket {
                rate_per_s: 50.0,
                burst: 5
            })
        );
        let (b, _) = build(&spec(50.0, LimitAlgorithm::SlidingWindow, 5, 200.0));
        assert_eq!(
            b.admission.limit,
            Some(LimitCfg::SlidingWindow {
                limit: 10,
                window_ns: 200_000_000
            }),
            "50 requests/s over 200 ms windows is 10 per window"
        );
    }

    #[test]
    fn absurd_limits_are_problems() {
        for s in [
            spec(0.0, LimitAlgorithm::TokenBucket, 5, 1_000.0),
            spec(f64::NAN, LimitAlgorithm::TokenBucket, 5, 1_000.0),
            spec(50.0, LimitAlgorithm::TokenBucket, 0, 1_000.0),
            spec(50.0, LimitAlgorithm::SlidingWindow, 5, 1.0),
            spec(50.0, LimitAlgorithm::SlidingWindow, 5, -3.0),
        ] {
            assert!(build(&s).1 > 0, "{s:?} should be refused");
        }
    }
}
