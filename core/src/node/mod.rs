//! What each kind of node is. [`kinds!`] below is the one list of kinds, in the palette's order: each kind's
//! variant, the spec of its family, its JSON name, and its registry row (label, icon, inspector parameters,
//! editor defaults). [`NodeKind`], [`NodeSpec`] (with its codec and serde oracle), and [`KINDS`] come from it;
//! the palette, icons, inspector, `scenario::edit::default_spec`, the docs test and the e2e list of kinds read
//! them, and no other list of kind names exists (a tidy test looks for one).
//!
//! One module per family of kinds (kinds that share a spec) holds that spec, declared once (`json_spec!`: the
//! struct, the serde oracle's attributes, the codec's reader and writer), and the inspector's parameters.

pub mod balancer;
pub mod cache;
pub mod calls;
pub mod client;
pub mod group;
pub mod queue;
pub mod rate_limiter;
pub mod shard_router;
pub mod station;
pub(crate) mod storage;

use crate::dist::Dist;
use crate::scenario::params::Param;
use crate::scenario::v1::codec::{tagged, Json, Path, Writer};
use crate::scenario::v1::values::Workload;
use crate::time::SimTime;
use crate::topology::check::Errors;
use crate::topology::problem::Location;
use crate::workload::Class;
use balancer::BalancerSpec;
use cache::CacheSpec;
use calls::RateLimitSpec;
use client::ClientSpec;
use queue::QueueSpec;
use serde_json::Value;
use shard_router::ShardRouterSpec;
use station::StationSpec;
use std::fmt;

/// What the product knows about a kind besides its configuration type (`v1::NodeSpec`'s variant).
#[derive(Debug)]
pub struct Kind {
    pub kind: NodeKind,
    /// The name people read: palette, inspector, default labels of the SVG export.
    pub label: &'static str,
    /// The icon: SVG path data on a 24×24 grid, drawn with `currentColor` strokes.
    pub icon: &'static str,
    /// The inspector's controls, in order.
    pub params: &'static [Param],
    /// Members a node added in the editor starts with, on top of the format's defaults: `(member, JSON)`.
    pub editor_defaults: &'static [(&'static str, &'static str)],
}

impl Kind {
    /// The kind's JSON name.
    pub fn name(&self) -> &'static str {
        self.kind.name()
    }

    /// The name as the page writes it in `data-kind` (`load-balancer`).
    pub fn slug(&self) -> String {
        self.name().replace('_', "-")
    }
}

/// Declares the kinds from one list: `Variant(Spec) = "json_name" { registry row }`, in the palette's order.
macro_rules! kinds {
    ($($v:ident($spec:ident) = $name:literal { $($row:tt)* },)+) => {
        /// What a node is, with the configuration of its kind.
        #[derive(Clone, Debug, PartialEq)]
        #[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde-oracle", serde(tag = "kind", rename_all = "snake_case"))]
        pub enum NodeSpec {
            $($v($spec),)+
        }

        impl NodeSpec {
            /// Checks the spec with its family's rules and builds what the engine runs (problems go to `cx`).
            pub(crate) fn build(&self, cx: &mut Check) -> Built {
                match self {
                    $(NodeSpec::$v(s) => s.build(cx),)+
                }
            }

            /// What a node of this kind does with a request whose class several of its out-edges carry, in
            /// words that follow its name ("Client picks one…"); `None` where sharing classes is the point (a
            /// shard router places each key on its shard, a queue hands each job to one pool). Each family
            /// says it (`SHARED_CLASS_RULE` on its spec).
            pub fn shared_class_rule(&self) -> Option<&'static str> {
                match self {
                    $(NodeSpec::$v(_) => $spec::SHARED_CLASS_RULE,)+
                }
            }

            /// Whether edges from a node of this kind may carry a call policy: it calls its dependencies as
            /// a service does (`CALLS_WITH_POLICY` on its spec), rather than balancing, caching or routing.
            pub fn calls_with_policy(&self) -> bool {
                match self {
                    $(NodeSpec::$v(_) => $spec::CALLS_WITH_POLICY,)+
                }
            }

            /// What kind of node this is.
            pub fn kind(&self) -> NodeKind {
                match self {
                    $(NodeSpec::$v(_) => NodeKind::$v,)+
                }
            }
        }

        /// What a node is, without its configuration: [`NodeSpec`]'s variants, in their order.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum NodeKind {
            $($v,)+
        }

        impl NodeKind {
            /// Every kind, in variant order.
            pub const ALL: [NodeKind; [$($name),+].len()] = [$(NodeKind::$v),+];

            /// The kind's name as it is written in JSON (the `"kind"` member).
            pub const fn name(self) -> &'static str {
                match self {
                    $(NodeKind::$v => $name,)+
                }
            }
        }

        /// The kinds' names, in variant order (serde's order for its error messages).
        const NAMES: &[&str] = &[$($name),+];

        impl Json for NodeSpec {
            fn read(v: &Value, p: &Path) -> NodeSpec {
                let (i, o) = tagged(v, p, "kind", "internally tagged enum NodeSpec", NAMES);
                match NodeKind::ALL[i] {
                    $(NodeKind::$v => {
                        o.deny($spec::FIELDS);
                        NodeSpec::$v($spec::from_obj(&o))
                    })+
                }
            }
            fn write(&self, w: &mut Writer) {
                w.begin_object();
                w.tag("kind", self.kind_name());
                match self {
                    $(NodeSpec::$v(s) => s.write_fields(w),)+
                }
                w.end_object();
            }
        }

        /// Every kind's registry row, in [`NodeKind`]'s order.
        pub const KINDS: [Kind; NodeKind::ALL.len()] = [$(Kind { kind: NodeKind::$v, $($row)* },)+];
    };
}

kinds! {
    Client(ClientSpec) = "client" {
        label: "Client",
        icon: "M3 5h18v11H3z M8 20h8 M12 16v4",
        params: client::CLIENT,
        editor_defaults: &[],
    },
    Dns(StationSpec) = "dns" {
        label: "DNS",
        icon: "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z M3 12h18 M12 3c3.5 3 3.5 15 0 18 M12 3c-3.5 3-3.5 15 0 18",
        params: station::STATION,
        editor_defaults: &[],
    },
    Cdn(CacheSpec) = "cdn" {
        label: "CDN",
        icon: "M7 18h10a4 4 0 0 0 .5-8a6 6 0 0 0-11.4 1.6A3.3 3.3 0 0 0 7 18z",
        params: cache::CACHE,
        editor_defaults: CACHED,
    },
    LoadBalancer(BalancerSpec) = "load_balancer" {
        label: "Load balancer",
        icon: "M3 12h6 M9 12l5-6h7 M9 12h12 M9 12l5 6h7",
        params: balancer::BALANCER,
        editor_defaults: CHECKED,
    },
    Service(StationSpec) = "service" {
        label: "Service",
        icon: "M4 4h16v7H4z M4 13h16v7H4z M8 7.5h2 M8 16.5h2",
        params: station::SERVICE,
        editor_defaults: FOUR_WORKERS,
    },
    Cache(CacheSpec) = "cache" {
        label: "Cache",
        icon: "M13 2L5 14h6l-1 8l8-12h-6z",
        params: cache::CACHE,
        editor_defaults: CACHED,
    },
    Database(StationSpec) = "database" {
        label: "Database",
        icon: "M4 6c0-3.5 16-3.5 16 0v12c0 3.5-16 3.5-16 0z M4 6c0 3.5 16 3.5 16 0 M4 12c0 3.5 16 3.5 16 0",
        params: station::DATABASE,
        editor_defaults: &[
            ("workers", "4"),
            ("service_time", r#"{"type": "exponential", "mean_ms": 5}"#),
        ],
    },
    ShardRouter(ShardRouterSpec) = "shard_router" {
        label: "Shard router",
        icon: "M12 3v5 M12 8l-7 6 M12 8v6 M12 8l7 6 M3 15h4v5H3z M10 15h4v5h-4z M17 15h4v5h-4z",
        params: shard_router::SHARD_ROUTER,
        editor_defaults: &[],
    },
    Directory(StationSpec) = "directory" {
        label: "Directory",
        icon: "M5 3h13v16H7a2 2 0 0 0-2 2z M5 21a2 2 0 0 1 2-2 M9 7h6 M9 11h6",
        params: station::STATION,
        editor_defaults: &[],
    },
    Queue(QueueSpec) = "queue" {
        label: "Queue",
        icon: "M2 8h5v8H2z M9.5 8h5v8h-5z M17 8h5v8h-5z",
        params: queue::QUEUE,
        editor_defaults: &[],
    },
    WorkerPool(StationSpec) = "worker_pool" {
        label: "Worker pool",
        icon: "M3.5 10a2.5 2.5 0 1 0 5 0a2.5 2.5 0 1 0-5 0z M9.5 10a2.5 2.5 0 1 0 5 0a2.5 2.5 0 1 0-5 0z \
               M15.5 10a2.5 2.5 0 1 0 5 0a2.5 2.5 0 1 0-5 0z M3 18h18",
        params: station::STATION,
        editor_defaults: FOUR_WORKERS,
    },
    RateLimiter(RateLimitSpec) = "rate_limiter" {
        label: "Rate limiter",
        icon: "M4 18a8 8 0 1 1 16 0 M12 18l4-6 M7 14h1 M16 14h1 M12 9v1",
        params: rate_limiter::RATE_LIMITER,
        editor_defaults: &[("rate_rps", "100")],
    },
    Proxy(BalancerSpec) = "proxy" {
        label: "Proxy",
        icon: "M12 3l8 3v6c0 5-3.5 8-8 9c-4.5-1-8-4-8-9V6z",
        params: balancer::BALANCER,
        editor_defaults: CHECKED,
    },
}

// ---------------------------------------------------------------------------------------------------------
// Validation: each family checks its spec and builds what the engine runs.

/// What a node does with a request once a worker has served it.
#[derive(Clone, Debug)]
pub enum Behavior {
    /// Generates traffic.
    Client(Box<client::ClientCfg>),
    /// Serves, then calls each of its dependencies in order, then responds (servers, databases, DNS, workers).
    Station,
    /// Forwards each request to one backend (load balancers, proxies).
    Balancer(balancer::BalanceCfg),
    /// Answers reads from its store; misses and writes go to the origin behind it.
    Cache(cache::CacheCfg),
    /// Sends each key to one shard (or, for cross-shard queries, to several).
    ShardRouter(shard_router::ShardCfg),
    /// Acknowledges on enqueue; worker pools downstream drain it.
    Queue(queue::QueueCfg),
}

/// What validation makes of a node's spec: its behaviour, and the parameters of the worker pool every node has.
#[derive(Clone, Debug)]
pub struct Built {
    pub behavior: Behavior,
    pub service_time: Dist,
    /// Requests served at once; `None` is unbounded.
    pub workers: Option<u32>,
    /// Requests that may wait; `None` is unbounded.
    pub queue_capacity: Option<u32>,
    pub crash_at: Option<SimTime>,
    /// Databases: the table behind it, whose indexes cost service time.
    pub index: Option<station::IndexCfg>,
    /// Databases: the storage engine that costs each operation.
    pub engine: Option<Box<crate::dbengine::EngineCfg>>,
    /// Error rate, rate limit and load shedding.
    pub admission: calls::AdmissionCfg,
    /// Services: an autoscaling group, self-healing, the instance's size and price.
    pub elastic: group::ElasticCfg,
    /// Services: where the sessions of stateful clients' users live.
    pub sessions: Option<station::SessionCfg>,
}

impl Built {
    /// A node with this behaviour that takes no time, with no limits, that never crashes.
    fn new(behavior: Behavior) -> Built {
        Built {
            behavior,
            service_time: Dist::ZERO,
            workers: None,
            queue_capacity: None,
            crash_at: None,
            index: None,
            engine: None,
            admission: calls::AdmissionCfg::default(),
            elastic: group::ElasticCfg::default(),
            sessions: None,
        }
    }
}

/// Checking one node's spec: which node, where its problems go, and the scenario's default workload.
pub(crate) struct Check<'a> {
    pub kind: NodeKind,
    pub id: &'a str,
    pub loc: &'a Location,
    pub errs: &'a mut Errors,
    pub workload: &'a Workload,
}

impl NodeSpec {
    /// The kind's name as it is written in JSON.
    pub fn kind_name(&self) -> &'static str {
        self.kind().name()
    }
}

impl NodeKind {
    /// The kind with this JSON name.
    pub fn from_name(name: &str) -> Option<NodeKind> {
        NodeKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl fmt::Display for NodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

// ---------------------------------------------------------------------------------------------------------
// Behaviour: each family decides what its node does next with a request, from a view the engine lends it.

/// What a node sees when it decides its next step with a request: the request and its own situation, never
/// another node. The engine lends one ([`crate::engine`]); tests lend a plain one.
pub trait View {
    /// The request's class.
    fn class(&self) -> Class;
    /// The request's size in bytes (0 when the workload sets none).
    fn bytes(&self) -> u64;
    /// Where the node is in its work on this request: 0 on arrival, then one past the position of the
    /// out-edge it called last.
    fn step(&self) -> u32;
    /// Whether the out-edge at `pos` (in scenario order) carries the request's class; `None` past the last.
    fn admits(&self, pos: usize) -> Option<bool>;
    /// Messages waiting in this node's backlog (queues).
    fn backlog(&self) -> usize;
    /// Whether the simulation holds as many live requests or pending events as it may.
    fn memory_full(&self) -> bool;
    /// Whether this node is a member of a replicated database cluster.
    fn replica(&self) -> bool;
    /// Whether a cache-aside cache this node called has had its say on the answer already.
    fn aside_checked(&self) -> bool;
    /// The position of the out-edge to this node's shared session store, if it keeps sessions in one.
    fn session_store(&self) -> Option<usize>;
    /// Whether the request carries a user whose session this node has not checked yet.
    fn session_due(&self) -> bool;
}

/// Why a node refuses a request itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The message is larger than the node accepts.
    TooLarge,
    /// The node's backlog is full.
    QueueFull,
    /// The simulation's memory bound is reached.
    MemoryLimit,
}

/// What a node does next with a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Nothing (a client's own request at its root).
    Idle,
    /// Call the dependency on the out-edge at `pos`.
    Call { pos: usize },
    /// Ask the shared session store on the out-edge at `pos` for the request's user's session, before any
    /// other call (the engine's sessions: a session lost with the store logs the user out).
    Session { pos: usize },
    /// Answer the caller: done.
    Respond,
    /// Answer the caller with the outcome the dependency gave.
    Relay,
    /// Answer the caller with a failure of its own.
    Refuse(Refusal),
    /// Pick one backend and forward (the engine's balancing: strategies, health checks, outlier ejection).
    Forward,
    /// Keep the message as a task, acknowledge, and let worker pools pull (the engine's task dispatch).
    Enqueue,
    /// Let the cache-aside cache it called have its say first (the engine's caches), then decide again.
    CacheAside,
    /// A cache's read and write policies (the engine's caches, which span nodes for invalidation).
    Cache,
    /// A shard router's placement (the engine's sharding: partitioners, migration, cross-shard queries).
    Shard,
    /// A replicated database's protocol (the engine's clusters: replication, quorums, elections).
    Replica,
}

impl Behavior {
    /// The node's next step with the request `v` shows.
    pub fn proceed(&self, v: &impl View) -> Step {
        match self {
            Behavior::Client(_) => Step::Idle,
            Behavior::Station => station::proceed(v),
            Behavior::Balancer(_) => balancer::proceed(v),
            Behavior::Cache(_) => Step::Cache,
            Behavior::ShardRouter(_) => Step::Shard,
            Behavior::Queue(q) => q.proceed(v),
        }
    }
}

/// A view for the families' tests: plain values.
#[cfg(test)]
#[derive(Clone, Debug)]
pub(crate) struct TestView {
    pub class: Class,
    pub bytes: u64,
    pub step: u32,
    /// The class bit sets of the node's out-edges, in order.
    pub out: Vec<u8>,
    pub backlog: usize,
    pub memory_full: bool,
    pub replica: bool,
    pub aside_checked: bool,
    pub session_store: Option<usize>,
    pub session_due: bool,
}

#[cfg(test)]
impl Default for TestView {
    fn default() -> Self {
        TestView {
            class: Class::ApiRead,
            bytes: 0,
            step: 0,
            out: Vec::new(),
            backlog: 0,
            memory_full: false,
            replica: false,
            aside_checked: false,
            session_store: None,
            session_due: false,
        }
    }
}

#[cfg(test)]
impl View for TestView {
    fn class(&self) -> Class {
        self.class
    }
    fn bytes(&self) -> u64 {
        self.bytes
    }
    fn step(&self) -> u32 {
        self.step
    }
    fn admits(&self, pos: usize) -> Option<bool> {
        self.out.get(pos).map(|&classes| classes & self.class.bit() != 0)
    }
    fn backlog(&self) -> usize {
        self.backlog
    }
    fn memory_full(&self) -> bool {
        self.memory_full
    }
    fn replica(&self) -> bool {
        self.replica
    }
    fn aside_checked(&self) -> bool {
        self.aside_checked
    }
    fn session_store(&self) -> Option<usize> {
        self.session_store
    }
    fn session_due(&self) -> bool {
        self.session_due
    }
}

/// A busy, not saturated, node at the default 100 requests per second (one worker at 10 ms would be at 100%
/// and its queue would grow without bound).
const FOUR_WORKERS: &[(&str, &str)] = &[("workers", "4")];

/// A new balancer checks its backends, as real ones do: a crashed backend leaves the rotation instead of
/// failing its share of requests (the inspector's checkbox turns the checks off to show that failure).
const CHECKED: &[(&str, &str)] = &[("health_check", balancer::HEALTH_CHECK_DEFAULT)];

const CACHED: &[(&str, &str)] = &[("capacity", "1000")];

/// The registry's row for `kind`.
pub fn of(kind: NodeKind) -> &'static Kind {
    &KINDS[kind as usize]
}

/// The row of the kind with this JSON name.
pub fn named(name: &str) -> Option<&'static Kind> {
    NodeKind::from_name(name).map(of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rows_are_in_the_kinds_order() {
        let order: Vec<NodeKind> = KINDS.iter().map(|k| k.kind).collect();
        assert_eq!(order, NodeKind::ALL);
        for k in NodeKind::ALL {
            assert_eq!(of(k).kind, k);
            assert_eq!(named(k.name()).map(|row| row.kind), Some(k));
        }
        assert!(named("router").is_none());
    }

    /// Each editor default is a member of the kind's spec that the inspector offers, with a value the format
    /// reads.
    #[test]
    fn editor_defaults_are_parameters_of_their_kind() {
        for row in &KINDS {
            for &(member, json) in row.editor_defaults {
                assert!(
                    row.params.iter().any(|p| p.key == member),
                    "{}: {member} is not one of its parameters",
                    row.name()
                );
                assert!(
                    serde_json::from_str::<serde_json::Value>(json).is_ok(),
                    "{}.{member}: {json}",
                    row.name()
                );
            }
        }
    }
}
