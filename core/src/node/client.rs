//! Clients: the traffic sources. A client's spec (its own workload, timeout, retries, DNS caching, smart-client
//! balancing) and the inspector's parameters for it.

use super::balancer::{balance_cfg, BalanceCfg};
use super::balancer::{HealthCheck, Strategy, HEALTH, STRATEGIES};
use super::{Behavior, Built, Check};
use crate::rng::SimRng;
use crate::scenario::params::{opt, p, Control, Param, MS};
use crate::scenario::params::{ARRIVALS, MESSAGE_BYTES, MESSAGE_BYTES_BY_CLASS, MIX, WORKLOAD_KEYS};
use crate::scenario::v1::codec::{json_enum, json_spec};
use crate::scenario::v1::values::*;
use crate::time::ms_to_nanos;
use crate::topology::check::{opt_ms, validate_workload};
use crate::topology::problem::Location;

json_spec! {
    /// A traffic source.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ClientSpec {
        /// This client's own workload; the scenario's `workload` when absent.
        pub workload: Option<Workload> = opt,
        /// Give up on an attempt after this long (no timeout when absent).
        pub timeout_ms: Option<f64> = opt,
        /// Retry failed or timed-out attempts.
        pub retry: Option<RetryPolicy> = opt,
        /// Cache DNS answers for this long (resolve on every request when absent).
        pub dns_ttl_ms: Option<f64> = opt,
        /// With several targets, balance across them itself (a "smart client", no load balancer node).
        pub strategy: Option<Strategy> = opt,
        pub health_check: Option<HealthCheck> = opt,
    }
}

json_spec! {
    /// Retries with capped exponential backoff and jitter.
    #[derive(Clone, Debug, PartialEq)]
    pub struct RetryPolicy {
        /// Retries after the first attempt.
        pub max_retries: u32 = req,
        pub backoff_base_ms: f64 = or(default_backoff_base()) => serde(default = "default_backoff_base"),
        pub backoff_max_ms: f64 = or(default_backoff_max()) => serde(default = "default_backoff_max"),
        pub jitter: Jitter = or(Jitter::default()),
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

const JITTERS: &[(&str, &str)] = &[("full", "full"), ("equal", "equal"), ("none", "none")];

pub const CLIENT: &[Param] = &[
    p(
        "workload",
        "Own workload",
        "",
        Control::Group(r#"{}"#),
        "Give this client its own traffic; unchecked, it sends the scenario's default workload.",
    ),
    p(
        "workload.arrival",
        "Arrivals",
        "",
        Control::Tagged(ARRIVALS),
        "When requests are sent. Poisson is the classic open-loop model; spikes and ramps test headroom.",
    ),
    WORKLOAD_KEYS,
    p(
        "workload.mix",
        "Request mix",
        "",
        Control::Group(r#"{"api_read": 1.0}"#),
        "Relative weights of the request classes.",
    ),
    MIX[0],
    MIX[1],
    MIX[2],
    MIX[3],
    MESSAGE_BYTES,
    MESSAGE_BYTES_BY_CLASS,
    opt(
        "timeout_ms",
        "Timeout",
        "ms",
        MS,
        "Give up on an attempt after this long. Too short turns slowness into errors and retries.",
    ),
    p(
        "retry",
        "Retries",
        "",
        Control::Group(r#"{"max_retries": 2}"#),
        "Retry failed or timed-out attempts with exponential backoff. Retries hide blips but amplify overload.",
    ),
    p(
        "retry.max_retries",
        "Max retries",
        "",
        Control::Int { min: 0.0, max: 100.0 },
        "Retries after the first attempt.",
    ),
    p(
        "retry.backoff_base_ms",
        "Backoff base",
        "ms",
        MS,
        "The first retry waits about this long; each later one doubles it.",
    ),
    p(
        "retry.backoff_max_ms",
        "Backoff cap",
        "ms",
        MS,
        "Backoff never waits longer than this.",
    ),
    p(
        "retry.jitter",
        "Jitter",
        "",
        Control::Choice(JITTERS),
        "Randomises backoff so retries do not arrive in synchronised storms.",
    ),
    opt(
        "dns_ttl_ms",
        "DNS cache TTL",
        "ms",
        MS,
        "Cache DNS answers this long. Longer means fewer lookups but slower failover to a new address.",
    ),
    opt(
        "strategy",
        "Smart client strategy",
        "",
        Control::Choice(STRATEGIES),
        "With several targets, balance across them in the client itself: no load balancer node to fail.",
    ),
    HEALTH[0],
    HEALTH[1],
    HEALTH[2],
    HEALTH[3],
    HEALTH[4],
];

// ---------------------------------------------------------------------------------------------------------
// Validation: the rules of the spec, and the configuration the engine runs.

/// A traffic source's configuration.
#[derive(Clone, Debug)]
pub struct ClientCfg {
    pub workload: crate::workload::Workload,
    pub timeout_ns: Option<u64>,
    pub retry: Option<RetryCfg>,
    pub dns_ttl_ns: Option<u64>,
    pub balance: BalanceCfg,
}

/// Retry policy with capped exponential backoff.
#[derive(Clone, Debug)]
pub struct RetryCfg {
    pub max_retries: u32,
    pub base_ns: u64,
    pub max_ns: u64,
    pub jitter: Jitter,
}

impl ClientSpec {
    pub(crate) fn build(&self, cx: &mut Check) -> Built {
        let (c, loc, errs) = (self, cx.loc, &mut *cx.errs);
        let wl_loc = Location::Workload(Some(cx.id.to_owned()));
        let workload = match &c.workload {
            Some(w) => validate_workload(w, &wl_loc, errs),
            None => crate::workload::Workload::from_v1(cx.workload),
        };
        errs.ms(loc, "timeout_ms", c.timeout_ms, false);
        errs.ms(loc, "dns_ttl_ms", c.dns_ttl_ms, true);
        let retry = c.retry.as_ref().map(|r| {
            if r.max_retries > 100 {
                errs.bad(loc, "retry.max_retries", format!("at most 100, got {}", r.max_retries));
            }
            errs.ms(loc, "retry.backoff_base_ms", Some(r.backoff_base_ms), true);
            errs.ms(loc, "retry.backoff_max_ms", Some(r.backoff_max_ms), true);
            RetryCfg {
                max_retries: r.max_retries,
                base_ns: ms_to_nanos(r.backoff_base_ms),
                max_ns: ms_to_nanos(r.backoff_max_ms),
                jitter: r.jitter,
            }
        });
        let balance = balance_cfg(
            c.strategy.unwrap_or_default(),
            None,
            c.health_check.as_ref(),
            None,
            loc,
            errs,
        );
        // Without a workload the node has problems and is not built: its behaviour is a placeholder.
        Built::new(workload.map_or(Behavior::Station, |workload| {
            Behavior::Client(ClientCfg {
                workload,
                timeout_ns: opt_ms(c.timeout_ms),
                retry,
                dns_ttl_ns: opt_ms(c.dns_ttl_ms),
                balance,
            })
        }))
    }
}

// ---------------------------------------------------------------------------------------------------------
// Behaviour: a client's requests are the engine's (arrivals, calls, timeouts); its retry policy is here.

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
