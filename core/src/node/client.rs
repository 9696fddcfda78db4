//! Clients: the traffic sources. A client's spec (its own workload, timeout, retries, DNS caching, smart-client
//! balancing) and the inspector's parameters for it.

use super::balancer::{balance_cfg, BalanceCfg};
use super::balancer::{HealthCheck, Strategy, HEALTH, STRATEGIES};
use super::calls::{retry_cfg, RetryCfg, RetryPolicy, BUDGET, JITTERS};
use super::{Behavior, Built, Check};
use crate::limits::MAX_USERS;
use crate::scenario::params::{opt, p, Control, Param, MS};
use crate::scenario::params::{ARRIVALS, MESSAGE_BYTES, MESSAGE_BYTES_BY_CLASS, MIX, WORKLOAD_KEYS, WORKLOAD_OPS};
use crate::scenario::v1::codec::json_spec;
use crate::scenario::v1::values::*;
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
        /// The whole call's deadline: no retry starts after it, and answers later than it are not goodput.
        pub deadline_ms: Option<f64> = opt,
        /// Send the deadline with each request, so services drop work whose caller has given up.
        pub deadline_propagation: Option<bool> = opt,
        /// Stateful traffic: each call is made by one of this many users, who keeps a session with the services.
        pub sessions: Option<ClientSessionsSpec> = opt,
    }
}

json_spec! {
    /// The users behind a client: each call is made by one of them, drawn uniformly, and its retries by the
    /// same one. Services with `sessions` keep a session per user.
    #[derive(Clone, Debug, PartialEq)]
    pub struct ClientSessionsSpec {
        /// How many distinct users send this client's calls.
        pub users: u32 = req,
    }
}

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
    WORKLOAD_OPS,
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
    BUDGET[0],
    BUDGET[1],
    BUDGET[2],
    opt(
        "deadline_ms",
        "Deadline",
        "ms",
        MS,
        "The whole call's deadline, across retries: no retry starts after it, and later answers are not goodput.",
    ),
    p(
        "deadline_propagation",
        "Propagate deadline",
        "",
        Control::Bool(false),
        "Send the deadline with each request: services drop work whose caller has already given up.",
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
    p(
        "sessions",
        "Users with sessions",
        "",
        Control::Group(r#"{"users": 1000}"#),
        "Stateful traffic: each call comes from one of a set of users, who logs in once and keeps a session \
         with the services that hold sessions.",
    ),
    p(
        "sessions.users",
        "Users",
        "users",
        Control::Int {
            min: 1.0,
            max: MAX_USERS as f64,
        },
        "Distinct users, each as likely to make the next call. More users means more sessions to keep and \
         to lose when an instance holding them fails.",
    ),
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
    /// The call's deadline, from its start.
    pub deadline_ns: Option<u64>,
    /// Requests carry the deadline and services drop expired ones.
    pub propagate: bool,
    /// Each call is made by one of this many users (`None`: the client is stateless).
    pub users: Option<u32>,
}

impl ClientSpec {
    /// Whether edges from it may carry a call policy ([`super::NodeSpec::calls_with_policy`]).
    pub(crate) const CALLS_WITH_POLICY: bool = false;

    /// What it does with a request whose class several out-edges carry ([`super::NodeSpec::shared_class_rule`]).
    pub(crate) const SHARED_CLASS_RULE: Option<&'static str> =
        Some("picks one of these edges for each request, with its strategy");

    pub(crate) fn build(&self, cx: &mut Check) -> Built {
        let (c, loc, errs) = (self, cx.loc, &mut *cx.errs);
        let wl_loc = Location::Workload(Some(cx.id.to_owned()));
        let workload = match &c.workload {
            Some(w) => {
                super::storage::ops_ok(w, &wl_loc, errs);
                validate_workload(w, &wl_loc, errs)
            }
            None => crate::workload::Workload::from_v1(cx.workload),
        };
        errs.ms(loc, "timeout_ms", c.timeout_ms, false);
        errs.ms(loc, "dns_ttl_ms", c.dns_ttl_ms, true);
        errs.ms(loc, "deadline_ms", c.deadline_ms, false);
        if c.deadline_propagation == Some(true) && c.deadline_ms.is_none() {
            errs.bad(loc, "deadline_propagation", "needs a deadline_ms to propagate");
        }
        let retry = c.retry.as_ref().map(|r| retry_cfg(r, "retry", loc, errs));
        let users = c.sessions.as_ref().map(|s| {
            if !(1..=MAX_USERS).contains(&s.users) {
                errs.range(
                    loc,
                    "sessions.users",
                    f64::from(s.users),
                    (1.0, f64::from(MAX_USERS)),
                    "users",
                );
            }
            s.users
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
            Behavior::Client(Box::new(ClientCfg {
                workload,
                timeout_ns: opt_ms(c.timeout_ms),
                retry,
                dns_ttl_ns: opt_ms(c.dns_ttl_ms),
                balance,
                deadline_ns: opt_ms(c.deadline_ms),
                propagate: c.deadline_propagation == Some(true),
                users,
            }))
        }))
    }
}
