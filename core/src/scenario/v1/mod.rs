//! `scenario::v1`: the versioned, serialized form of a scenario. [`super::codec`] reads and writes it by hand;
//! the serde derives below are the oracle it is tested against, compiled only under the `serde-oracle` feature,
//! which core's own tests turn on through their dev-dependency on core (the wasm bundle never carries them).
//! Each struct is declared once, by [`codec::json_spec!`]: members, types, docs and how each reads and writes.
//! Share links, scenario files and presets are all this JSON. A later format is a new module (`v2`)
//! with a migration from this one; fields are only ever added here as optional, so old files keep loading.

#[cfg(feature = "serde-oracle")]
use serde::de::{Deserialize, Deserializer, IgnoredAny, SeqAccess, Visitor};
#[cfg(feature = "serde-oracle")]
use std::fmt;

pub mod codec;
pub mod tour;
pub mod values;

pub use crate::capacity::sizing::Sizing;
pub use crate::node::balancer::{BalancerSpec, HealthCheck, Outlier, Strategy};
pub use crate::node::cache::{CacheSpec, EvictionPolicy, ReadPolicy, WritePolicy};
pub use crate::node::calls::{
    BreakerSpec, CallPolicy, Jitter, LimitAlgorithm, RateLimitSpec, RetryBudgetSpec, RetryPolicy, ShedSpec,
};
pub use crate::node::client::{ClientSessionsSpec, ClientSpec};
pub use crate::node::group::{GroupRouting, GroupSpec, InstanceSize, ReplaceSpec, ScalingMetric, ScalingPolicy};
pub use crate::node::queue::QueueSpec;
pub use crate::node::shard_router::{RouterCache, ShardRouterSpec, ShardScheme};
pub use crate::node::station::{IndexSpec, SessionStore, SessionStoreSpec, StationSpec};
pub use crate::node::{NodeKind, NodeSpec};
use codec::{json_enum, json_spec};
pub use tour::{Tour, TourAction, TourMetric, TourStep};
pub use values::*;

/// The format version this module reads and writes.
pub const VERSION: u32 = 1;
/// The most nodes a scenario may hold.
pub const MAX_NODES: usize = 1_000;
/// The most edges a scenario may hold.
pub const MAX_EDGES: usize = 5_000;
/// The most fault timeline entries a scenario may hold.
pub const MAX_FAULTS: usize = 10_000;

json_spec! {
    /// A whole scenario: topology, workload, fault timeline, run length and seed.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Scenario {
        /// Always 1 for this format.
        pub version: u32 = req,
        pub name: String = or(String::new()) or_blank,
        pub description: String = or(String::new()) or_blank,
        /// The seed of the run; `switchyard run --seed` overrides it.
        pub seed: u64 = or(0),
        /// Stop generating new requests after this much virtual time.
        pub duration_ms: Option<f64> = opt,
        /// Stop generating new requests after this many (across all clients).
        pub requests: Option<u64> = opt,
        pub nodes: Vec<Node> = list_req(MAX_NODES) => serde(deserialize_with = "capped_nodes"),
        pub edges: Vec<Edge> = list(MAX_EDGES) => serde(default, deserialize_with = "capped_edges"),
        /// The default workload of every client that does not set its own.
        pub workload: Workload = or(Workload::default()),
        pub faults: Vec<Fault> = list(MAX_FAULTS) skip_if Vec::is_empty
            => serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "capped_faults"),
        pub metrics: Option<MetricsConfig> = opt,
        /// Replicated databases: each groups `database` nodes into one cluster holding a key-value register per
        /// key (see [`Cluster`]).
        pub clusters: Vec<Cluster> = or(Vec::new()) or_blank,
        /// Where the editor's camera was (share links carry it).
        pub view: Option<View> = opt,
        /// Real-time update channels (polling, long polling, WebSocket, SSE) compared alongside the run.
        pub realtime: Option<Realtime> = opt,
        /// The bundled challenge (its id) this design is an attempt at: the app opens it in that challenge, and
        /// a share link of it replays the attempt.
        pub challenge: Option<String> = opt,
        /// A guided tour: steps with narration and the actions that set each scene (see [`Tour`]).
        pub tour: Option<Tour> = opt,
        /// The back-of-envelope inputs the design was sized from (`capacity::plan` turns them into rates).
        pub sizing: Option<Sizing> = opt,
    }
}

json_spec! {
    /// How C clients learn about updates a server produces, run through each listed mode (`realtime`).
    #[derive(Clone, Debug, PartialEq)]
    pub struct Realtime {
        /// The modes to compare (all four when absent).
        pub modes: Vec<RealtimeMode> = or(all_realtime_modes()) => serde(default = "all_realtime_modes"),
        pub clients: u32 = req,
        /// Updates per second the server produces (a Poisson process).
        pub updates_per_s: f64 = req,
        /// Every update goes to every client (by default each goes to one random client).
        pub broadcast: bool = or(false),
        /// Updates come in bursts: the rate applies for `on_ms`, then `off_ms` of silence.
        pub bursts: Option<Bursts> = opt,
        /// Short polling: time between polls (1000 when absent).
        pub poll_interval_ms: Option<f64> = opt,
        /// Long polling: how long the server holds a request before answering empty (30000 when absent).
        pub hold_timeout_ms: Option<f64> = opt,
        /// HTTP header bytes on each request and each response (500 when absent).
        pub header_bytes: Option<u64> = opt,
        /// One-way network latency (20 when absent).
        pub latency_ms: Option<f64> = opt,
        /// Length of the comparison (the scenario's `duration_ms`, else 300000, when absent).
        pub duration_ms: Option<f64> = opt,
        /// Server memory per open connection, KiB (8 when absent).
        pub connection_kb: Option<f64> = opt,
        /// SSE: stream drops per connection per second (none when absent).
        pub sse_drop_rate: Option<f64> = opt,
    }
}

pub(crate) fn all_realtime_modes() -> Vec<RealtimeMode> {
    vec![
        RealtimeMode::Poll,
        RealtimeMode::LongPoll,
        RealtimeMode::Websocket,
        RealtimeMode::Sse,
    ]
}

json_enum! {
    /// A real-time channel.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum RealtimeMode {
        /// Short polling every `poll_interval_ms`.
        Poll = "poll",
        LongPoll = "long_poll",
        Websocket = "websocket",
        /// Server-Sent Events.
        Sse = "sse",
    }
}

json_spec! {
    /// Bursts of updates.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Bursts {
        pub on_ms: f64 = req,
        pub off_ms: f64 = req,
    }
}

impl Default for Scenario {
    /// An empty version-1 document.
    fn default() -> Self {
        Scenario {
            version: VERSION,
            name: String::new(),
            description: String::new(),
            seed: 0,
            duration_ms: None,
            requests: None,
            nodes: Vec::new(),
            edges: Vec::new(),
            workload: Workload::default(),
            faults: Vec::new(),
            metrics: None,
            view: None,
            realtime: None,
            clusters: Vec::new(),
            challenge: None,
            tour: None,
            sizing: None,
        }
    }
}

json_spec! {
    /// One node of the topology.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Node {
        /// Unique, stable identifier; edges and faults refer to it.
        pub id: String = req,
        pub label: Option<String> = opt,
        pub region: Option<String> = opt,
        pub x: f64 = or(0.0),
        pub y: f64 = or(0.0),
        pub spec: NodeSpec = req,
    }
}

json_spec! {
    /// A directed connection: requests flow `from` → `to`, responses come back over it.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Edge {
        pub from: String = req,
        pub to: String = req,
        /// One-way network latency.
        pub latency: Dist = or(zero_dist()) => serde(default = "zero_dist"),
        /// Probability that a message on this link is lost, each way.
        pub loss: f64 = or(0.0),
        /// Relative capacity of the target, for weighted strategies (1 when absent).
        pub weight: Option<u32> = opt,
        /// Only these request classes take this edge (all when absent).
        pub classes: Option<Vec<RequestClass>> = opt,
        /// The caller's timeouts, retries, circuit breaker and bulkhead on this edge.
        pub policy: Option<CallPolicy> = opt,
    }
}

json_spec! {
    /// A replicated database: `database` nodes that hold copies of one key-value store. Clients and services reach
    /// any replica over ordinary edges; that replica coordinates the operation. Replication messages between
    /// replicas travel over `link_latency` and are dropped across a network partition.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Cluster {
        pub id: String = req,
        /// The `database` nodes of the cluster. In `primary_replica` modes the first is the initial primary.
        pub replicas: Vec<String> = req,
        pub mode: ReplicationMode = or(ReplicationMode::default()),
        /// `cp`: an operation that cannot reach its primary or quorum fails `unavailable` after `op_timeout_ms`.
        /// `ap`: it is served by whatever replicas answer (reads may be stale, writes may conflict).
        pub consistency: Consistency = or(Consistency::default()),
        /// One-way latency of a replication message between two replicas.
        pub link_latency: Dist = or(default_link_latency()) => serde(default = "default_link_latency"),
        /// How long a coordinator waits for its primary or quorum (100 ms when absent).
        pub op_timeout_ms: Option<f64> = opt,
        /// `quorum` mode: replicas per key (all replicas when absent), read and write quorums (a majority when
        /// absent).
        pub n: Option<u32> = opt,
        pub r: Option<u32> = opt,
        pub w: Option<u32> = opt,
        /// `quorum` mode: after a read, send the newest value to replicas that answered with an older one.
        pub read_repair: bool = or(false),
        /// `quorum` mode: when one of a key's `n` replicas is down or cut off, use the next reachable replica
        /// instead, which keeps a hint and hands the write off when the partition heals or the replica recovers.
        pub sloppy_quorum: bool = or(false),
        /// `primary_replica` modes: where reads go.
        pub read_from: ReadFrom = or(ReadFrom::default()),
        /// `primary_replica` modes: after the primary crashes, the most up-to-date live replica is promoted this
        /// long later (1000 ms when absent).
        pub election_timeout_ms: Option<f64> = opt,
    }
}

pub(crate) fn default_link_latency() -> Dist {
    Dist::Constant { ms: 5.0 }
}

json_enum! {
    /// How a cluster replicates writes.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum ReplicationMode {
        /// The primary acknowledges a write at once and replicates it in the background.
        #[default]
        Async = "async",
        /// The primary acknowledges once every replica has applied the write.
        Sync = "sync",
        /// The primary acknowledges once one replica has applied the write.
        SemiSync = "semi_sync",
        /// Leaderless (Dynamo style): the coordinator writes to `n` replicas and waits for `w`, reads from `n`
        /// and waits for `r`; the newest timestamp wins (last-write-wins).
        Quorum = "quorum",
    }
}

json_enum! {
    /// Which side of CAP a cluster chooses under a partition.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum Consistency {
        #[default]
        Cp = "cp",
        Ap = "ap",
    }
}

json_enum! {
    /// Where a primary/replica cluster serves reads.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum ReadFrom {
        /// The coordinator forwards reads to the primary.
        #[default]
        Primary = "primary",
        /// The replica a request reached answers from its own copy (possibly stale).
        Replica = "replica",
    }
}

/// One entry of the fault timeline.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(tag = "action", rename_all = "snake_case"))]
pub enum Fault {
    Crash {
        at_ms: f64,
        node: String,
    },
    Recover {
        at_ms: f64,
        node: String,
    },
    /// Change a client's arrival rate.
    SetRate {
        at_ms: f64,
        node: String,
        rate_rps: f64,
    },
    SetLatency {
        at_ms: f64,
        from: String,
        to: String,
        latency: Dist,
    },
    SetLoss {
        at_ms: f64,
        from: String,
        to: String,
        loss: f64,
    },
    /// A shard router starts placing keys on `shard` (one of its out-edges); moved keys migrate.
    AddShard {
        at_ms: f64,
        router: String,
        shard: String,
    },
    /// A shard router stops placing keys on `shard`; its keys migrate to the others.
    RemoveShard {
        at_ms: f64,
        router: String,
        shard: String,
    },
    /// Split the network: messages between nodes of different groups are dropped. Nodes in no group reach
    /// every group. Replaces any partition already in place.
    Partition {
        at_ms: f64,
        groups: Vec<Vec<String>>,
    },
    /// End the partition.
    Heal {
        at_ms: f64,
    },
    /// An autoscaling group's desired size becomes `desired` (a scheduled action; clamped to its bounds).
    Scale {
        at_ms: f64,
        node: String,
        desired: u32,
    },
    /// A service restarts as an instance of `size` (vertical scaling), down for `restart_ms` (60 s when
    /// absent); what it holds fails.
    Resize {
        at_ms: f64,
        node: String,
        size: crate::node::group::InstanceSize,
        #[cfg_attr(feature = "serde-oracle", serde(default, skip_serializing_if = "Option::is_none"))]
        restart_ms: Option<f64>,
    },
}

/// A resize's restart when its fault does not say.
pub const DEFAULT_RESTART_MS: f64 = 60_000.0;

impl Fault {
    pub fn at_ms(&self) -> f64 {
        match *self {
            Fault::Crash { at_ms, .. }
            | Fault::Recover { at_ms, .. }
            | Fault::SetRate { at_ms, .. }
            | Fault::SetLatency { at_ms, .. }
            | Fault::SetLoss { at_ms, .. }
            | Fault::AddShard { at_ms, .. }
            | Fault::RemoveShard { at_ms, .. }
            | Fault::Partition { at_ms, .. }
            | Fault::Heal { at_ms }
            | Fault::Scale { at_ms, .. }
            | Fault::Resize { at_ms, .. } => at_ms,
        }
    }
}

json_spec! {
    /// How metrics are bucketed over time.
    #[derive(Clone, Debug, PartialEq)]
    pub struct MetricsConfig {
        /// Width of one time-series bucket.
        pub bucket_ms: f64 = req,
    }
}

json_spec! {
    /// The editor's camera, and where playback stood, as a share link keeps them.
    #[derive(Clone, Debug, PartialEq)]
    pub struct View {
        /// 1 shows 1,000 scenario units across; 2 shows 500.
        pub zoom: f64 = req,
        /// The scenario point at the middle of the view.
        pub pan_x: f64 = req,
        pub pan_y: f64 = req,
        /// Virtual time the run was at when the link was made; opening the link runs to it.
        pub at_ms: Option<f64> = opt,
    }
}

/// Deserializes a sequence keeping at most `limit + 1` elements and skipping the rest without allocating,
/// so a hostile file with millions of entries costs a scan, not memory. Validation then reports the excess.
#[cfg(feature = "serde-oracle")]
fn capped<'de, D, T>(de: D, limit: usize) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Capped<T> {
        limit: usize,
        marker: std::marker::PhantomData<T>,
    }
    impl<'de, T: Deserialize<'de>> Visitor<'de> for Capped<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::new();
            while out.len() <= self.limit {
                match seq.next_element()? {
                    Some(v) => out.push(v),
                    None => return Ok(out),
                }
            }
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(out)
        }
    }
    de.deserialize_seq(Capped {
        limit,
        marker: std::marker::PhantomData,
    })
}

#[cfg(feature = "serde-oracle")]
fn capped_nodes<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<Node>, D::Error> {
    capped(de, MAX_NODES)
}
#[cfg(feature = "serde-oracle")]
fn capped_edges<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<Edge>, D::Error> {
    capped(de, MAX_EDGES)
}
#[cfg(feature = "serde-oracle")]
fn capped_faults<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<Fault>, D::Error> {
    capped(de, MAX_FAULTS)
}
