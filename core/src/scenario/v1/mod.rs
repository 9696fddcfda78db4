//! `scenario::v1`: the versioned, serialized form of a scenario. [`super::codec`] reads and writes it by hand;
//! the serde derives below are the oracle it is tested against, compiled only under the `serde-oracle` feature,
//! which core's own tests turn on through their dev-dependency on core (the wasm bundle never carries them).
//! Each struct is declared once, by [`codec::json_spec!`]: members, types, docs and how each reads and writes.
//! Share links, scenario files and presets are all this JSON. A later format is a new module (`v2`)
//! with a migration from this one; fields are only ever added here as optional, so old files keep loading.

#[cfg(feature = "serde-oracle")]
use serde::de::{Deserialize, Deserializer, IgnoredAny, SeqAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

pub mod codec;

use codec::json_spec;

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

pub(super) fn all_realtime_modes() -> Vec<RealtimeMode> {
    vec![
        RealtimeMode::Poll,
        RealtimeMode::LongPoll,
        RealtimeMode::Websocket,
        RealtimeMode::Sse,
    ]
}

/// A real-time channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(rename_all = "snake_case"))]
pub enum RealtimeMode {
    /// Short polling every `poll_interval_ms`.
    Poll,
    LongPoll,
    Websocket,
    /// Server-Sent Events.
    Sse,
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

/// What a node is, with the configuration of its kind.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(tag = "kind", rename_all = "snake_case"))]
pub enum NodeSpec {
    Client(ClientSpec),
    Dns(StationSpec),
    Cdn(CacheSpec),
    LoadBalancer(BalancerSpec),
    Service(StationSpec),
    Cache(CacheSpec),
    Database(StationSpec),
    ShardRouter(ShardRouterSpec),
    Directory(StationSpec),
    Queue(QueueSpec),
    WorkerPool(StationSpec),
    Proxy(BalancerSpec),
}

impl NodeSpec {
    /// What kind of node this is.
    pub fn kind(&self) -> NodeKind {
        match self {
            NodeSpec::Client(_) => NodeKind::Client,
            NodeSpec::Dns(_) => NodeKind::Dns,
            NodeSpec::Cdn(_) => NodeKind::Cdn,
            NodeSpec::LoadBalancer(_) => NodeKind::LoadBalancer,
            NodeSpec::Service(_) => NodeKind::Service,
            NodeSpec::Cache(_) => NodeKind::Cache,
            NodeSpec::Database(_) => NodeKind::Database,
            NodeSpec::ShardRouter(_) => NodeKind::ShardRouter,
            NodeSpec::Directory(_) => NodeKind::Directory,
            NodeSpec::Queue(_) => NodeKind::Queue,
            NodeSpec::WorkerPool(_) => NodeKind::WorkerPool,
            NodeSpec::Proxy(_) => NodeKind::Proxy,
        }
    }

    /// The kind's name as it is written in JSON.
    pub fn kind_name(&self) -> &'static str {
        self.kind().name()
    }
}

/// What a node is, without its configuration: [`NodeSpec`]'s variants, in their order, which is the
/// palette's. The rest of what the product knows about a kind (label, icon, parameters, editor defaults) is
/// in its row of `scenario::kinds::KINDS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeKind {
    Client,
    Dns,
    Cdn,
    LoadBalancer,
    Service,
    Cache,
    Database,
    ShardRouter,
    Directory,
    Queue,
    WorkerPool,
    Proxy,
}

impl NodeKind {
    /// Every kind, in variant order.
    pub const ALL: [NodeKind; 12] = [
        NodeKind::Client,
        NodeKind::Dns,
        NodeKind::Cdn,
        NodeKind::LoadBalancer,
        NodeKind::Service,
        NodeKind::Cache,
        NodeKind::Database,
        NodeKind::ShardRouter,
        NodeKind::Directory,
        NodeKind::Queue,
        NodeKind::WorkerPool,
        NodeKind::Proxy,
    ];

    /// The kind's name as it is written in JSON (the `"kind"` member): the one list of kind names.
    pub const fn name(self) -> &'static str {
        match self {
            NodeKind::Client => "client",
            NodeKind::Dns => "dns",
            NodeKind::Cdn => "cdn",
            NodeKind::LoadBalancer => "load_balancer",
            NodeKind::Service => "service",
            NodeKind::Cache => "cache",
            NodeKind::Database => "database",
            NodeKind::ShardRouter => "shard_router",
            NodeKind::Directory => "directory",
            NodeKind::Queue => "queue",
            NodeKind::WorkerPool => "worker_pool",
            NodeKind::Proxy => "proxy",
        }
    }

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

pub(super) fn default_backoff_base() -> f64 {
    10.0
}
pub(super) fn default_backoff_max() -> f64 {
    1_000.0
}

/// How backoff delays are randomised (AWS's "Exponential Backoff and Jitter" names).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(rename_all = "snake_case"))]
pub enum Jitter {
    /// Exactly the exponential delay: synchronised retries, the storm's best friend.
    None,
    /// Uniform in `[0, delay]`.
    #[default]
    Full,
    /// `delay/2` plus uniform in `[0, delay/2]`.
    Equal,
}

json_spec! {
    /// A server with a worker pool and a queue: web and app servers, databases, DNS, directories, worker pools.
    #[derive(Clone, Debug, PartialEq)]
    pub struct StationSpec {
        /// Requests served at once.
        pub workers: u32 = or(one()) => serde(default = "one"),
        /// Requests that may wait for a worker; beyond it they are dropped (unbounded when absent).
        pub queue_capacity: Option<u32> = opt,
        pub service_time: Dist = or(default_service_time()) => serde(default = "default_service_time"),
        /// Crash at this virtual time (a shorthand for a `crash` fault).
        pub crash_at_ms: Option<f64> = opt,
        /// Databases only: table size and indexes, which add lookup and write costs.
        pub index: Option<IndexSpec> = opt,
    }
}

impl Default for StationSpec {
    fn default() -> Self {
        StationSpec {
            workers: 1,
            queue_capacity: None,
            service_time: default_service_time(),
            crash_at_ms: None,
            index: None,
        }
    }
}

pub(super) fn one() -> u32 {
    1
}
pub(super) fn default_service_time() -> Dist {
    Dist::Exponential { mean_ms: 10.0 }
}
pub(super) fn default_hop_time() -> Dist {
    Dist::Constant { ms: 0.1 }
}

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

/// How a balancer picks a backend.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(rename_all = "snake_case"))]
pub enum Strategy {
    #[default]
    RoundRobin,
    WeightedRoundRobin,
    Random,
    WeightedRandom,
    LeastConnections,
    WeightedLeastConnections,
    LeastResponseTime,
    PowerOfTwo,
    /// IP hash: by the client that sent the request.
    SourceHash,
    /// URL hash: by the request's key.
    KeyHash,
    Geographic,
    Sticky,
    /// The first healthy backend in edge order: an active/passive pair.
    Failover,
    /// A consistent-hash ring of the backends, by the request's key.
    ConsistentHash,
    /// Consistent hashing with bounded loads (HAProxy's `hash-balance-factor`).
    BoundedConsistentHash,
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

pub(super) fn default_probe_timeout() -> f64 {
    500.0
}
pub(super) fn default_rise() -> u32 {
    2
}
pub(super) fn default_fall() -> u32 {
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

json_spec! {
    /// A cache (or a CDN edge): real keys through a real eviction policy.
    #[derive(Clone, Debug, PartialEq)]
    pub struct CacheSpec {
        /// Objects the cache holds.
        pub capacity: u64 = req,
        pub policy: EvictionPolicy = or(EvictionPolicy::default()),
        /// Entries expire this long after they are filled (never when absent).
        pub ttl_ms: Option<f64> = opt,
        /// Time to look up a key.
        pub service_time: Dist = or(default_hop_time()) => serde(default = "default_hop_time"),
        pub max_connections: Option<u32> = opt,
        pub crash_at_ms: Option<f64> = opt,
        /// Who fetches a miss from the origin (`read_through` when absent).
        pub read: Option<ReadPolicy> = opt,
        /// What a write does to the cache (`write_around` when absent).
        pub write: Option<WritePolicy> = opt,
        /// Drop cached copies when the origin serves a write to their key (true when absent). Off, caches keep
        /// serving the old version: stale reads.
        pub invalidate: Option<bool> = opt,
        /// Collapsed forwarding: concurrent misses for one key wait for a single origin fetch (false when absent).
        pub coalesce: Option<bool> = opt,
        /// For `write_back`: how long a dirty entry waits before it is written to the origin (1000 ms when absent).
        pub flush_ms: Option<f64> = opt,
        /// Size of one cached object, for `bytes_served` (1024 when absent).
        pub object_bytes: Option<u64> = opt,
    }
}

/// Who fills a cache on a miss.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(rename_all = "snake_case"))]
pub enum ReadPolicy {
    /// The cache fetches the miss from its origin and stores it on the way back.
    #[default]
    ReadThrough,
    /// The cache only answers; on a miss the calling service reads its next dependency (the database)
    /// itself, then stores the value in the cache. A hit skips that dependency.
    CacheAside,
}

/// What a cache does with a write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(rename_all = "snake_case"))]
pub enum WritePolicy {
    /// Write to the origin and drop the cached copy; the next read fills it.
    #[default]
    WriteAround,
    /// Write to the origin, then store the new value once the origin has acknowledged it.
    WriteThrough,
    /// Store the value, acknowledge at once, and write it to the origin later (`flush_ms`); a crash loses
    /// the writes not yet flushed.
    WriteBack,
}

/// Eviction policy of a cache.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(rename_all = "snake_case"))]
pub enum EvictionPolicy {
    Fifo,
    Lifo,
    #[default]
    Lru,
    Mru,
    Lfu,
    Random,
    Clock,
    Sieve,
    /// Written `s3fifo`, as `switchyard cache --policy` spells it.
    #[cfg_attr(feature = "serde-oracle", serde(rename = "s3fifo"))]
    S3Fifo,
    Arc,
    #[cfg_attr(feature = "serde-oracle", serde(rename = "tinylfu"))]
    TinyLfu,
}

json_spec! {
    /// A shard router: sends each key to one of its shards (its out-edges, less any edge to a `directory` node,
    /// which it asks where keys live when `scheme` is `directory`).
    #[derive(Clone, Debug, PartialEq)]
    pub struct ShardRouterSpec {
        pub scheme: ShardScheme = or(ShardScheme::default()),
        pub service_time: Dist = or(default_hop_time()) => serde(default = "default_hop_time"),
        pub crash_at_ms: Option<f64> = opt,
        /// `range`: the split points, strictly increasing, one fewer than the shards active at the start (the
        /// key space split evenly when absent).
        pub split_points: Option<Vec<u64>> = opt,
        /// `list` and `composite`: how many region codes (`key mod regions`) there are.
        pub regions: Option<u64> = opt,
        /// `consistent`: virtual nodes per shard (160 when absent).
        pub vnodes: Option<u32> = opt,
        /// `directory`: the router caches the directory's answers (asks on every request when absent).
        pub directory_cache: Option<RouterCache> = opt,
        /// Requests of these classes are cross-shard queries: they fan out and gather (latency of the slowest).
        pub fanout_classes: Vec<RequestClass> = or(Vec::new()) or_blank,
        /// How many shards a cross-shard query visits (every active shard when absent).
        pub fanout_shards: Option<u32> = opt,
        /// Bytes of one key's data, for the bytes a rebalance moves (1024 when absent).
        pub value_bytes: Option<u64> = opt,
        /// Keys copied per second while migrating after a rebalance (1000 when absent).
        pub migration_keys_per_s: Option<f64> = opt,
    }
}

json_spec! {
    /// A shard router's cache of directory answers.
    #[derive(Clone, Debug, PartialEq)]
    pub struct RouterCache {
        /// Keys it remembers (LRU).
        pub capacity: u64 = req,
        /// Answers expire this long after they were fetched (never when absent).
        pub ttl_ms: Option<f64> = opt,
    }
}

/// How a shard router maps keys to shards (`core/src/partition/` has one file per scheme).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(rename_all = "snake_case"))]
pub enum ShardScheme {
    /// `hash(key) mod n` (also written `modn`).
    #[default]
    #[cfg_attr(feature = "serde-oracle", serde(alias = "modn"))]
    HashMod,
    /// Key ranges between split points.
    Range,
    /// A consistent-hash ring of the shards.
    Consistent,
    /// Region code `key mod regions` looked up in a list.
    List,
    /// The `i`-th write to shard `i mod n`: even writes, but a read must ask every shard.
    RoundRobin,
    /// List by region, then hash within the region's shards.
    Composite,
    /// A lookup table (a `directory` node) says where each key lives.
    Directory,
    /// Vertical partitioning: each request class goes to the shard whose edge carries it (edge `classes`).
    Vertical,
}

json_spec! {
    /// Index settings of a database table: what a lookup and a write cost beyond the base service time.
    #[derive(Clone, Debug, PartialEq)]
    pub struct IndexSpec {
        /// Rows in the table.
        pub table_rows: u64 = req,
        /// Reads use an index (a B-tree seek, `O(log n)`) rather than scanning every row.
        pub indexed: bool = or(yes()) => serde(default = "yes"),
        /// Indexes every write must maintain.
        pub indexes: u32 = or(one()) => serde(default = "one"),
        /// Cost of one B-tree level (0.01 ms when absent).
        pub seek_ms: Option<f64> = opt,
        /// Cost of scanning one row (0.0001 ms when absent).
        pub scan_ms_per_row: Option<f64> = opt,
    }
}

pub(super) fn yes() -> bool {
    true
}

json_spec! {
    /// A message queue: acknowledges on enqueue; worker pools downstream pull from it.
    #[derive(Clone, Debug, PartialEq)]
    pub struct QueueSpec {
        /// Messages it holds before rejecting (unbounded when absent).
        pub capacity: Option<u64> = opt,
        /// Time to enqueue.
        pub service_time: Dist = or(default_hop_time()) => serde(default = "default_hop_time"),
        pub crash_at_ms: Option<f64> = opt,
        /// Hand a task out again when no worker has acknowledged it this long after delivery: at-least-once
        /// delivery, so a worker that dies mid-task costs a redelivery, not a lost task. Without it, such
        /// tasks are lost.
        pub visibility_timeout_ms: Option<f64> = opt,
        /// Deliveries that end in an error before a task goes to the dead-letter queue (3 when absent).
        pub max_attempts: Option<u32> = opt,
        /// Wait before retrying a failed task, doubling with each failure (100 ms when absent).
        pub retry_backoff_ms: Option<f64> = opt,
        /// Reject messages larger than this many bytes (no limit when absent). Message sizes come from the
        /// workload's `message_bytes`.
        pub max_message_bytes: Option<u64> = opt,
    }
}

/// A duration distribution, in milliseconds.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(tag = "type", rename_all = "snake_case"))]
pub enum Dist {
    Constant { ms: f64 },
    Exponential { mean_ms: f64 },
    Uniform { min_ms: f64, max_ms: f64 },
    LogNormal { median_ms: f64, sigma: f64 },
    Pareto { min_ms: f64, alpha: f64 },
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
    }
}

pub(super) fn zero_dist() -> Dist {
    Dist::Constant { ms: 0.0 }
}

/// The kinds of request a workload issues.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(rename_all = "snake_case"))]
pub enum RequestClass {
    StaticAsset,
    ApiRead,
    ApiWrite,
    BackgroundJob,
}

json_spec! {
    /// What a client sends: when, which keys, and which kinds of request.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Workload {
        pub arrival: Arrival = or(Arrival::default()),
        pub keys: Keys = or(Keys::default()),
        pub mix: Mix = or(Mix::default()),
        /// The size of each request's message, in bytes (0 when absent).
        pub message_bytes: Option<Size> = opt,
        /// Per-class sizes, overriding `message_bytes` for the classes listed.
        pub message_bytes_by_class: BTreeMap<RequestClass, Size> = or(BTreeMap::new()) or_blank,
    }
}

/// A message size distribution, in bytes.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(tag = "type", rename_all = "snake_case"))]
pub enum Size {
    Constant {
        bytes: u64,
    },
    Uniform {
        min_bytes: u64,
        max_bytes: u64,
    },
    /// A long right tail: most messages small, a few very large.
    LogNormal {
        median_bytes: f64,
        sigma: f64,
    },
}

/// The arrival process of new requests.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(tag = "type", rename_all = "snake_case"))]
pub enum Arrival {
    /// Exactly `rate_rps` per second, evenly spaced.
    Constant { rate_rps: f64 },
    /// A Poisson process: exponential gaps with mean `1/rate_rps`.
    Poisson { rate_rps: f64 },
    /// Poisson at `rate_rps` for `on_ms`, then silence for `off_ms`, repeating.
    OnOff { rate_rps: f64, on_ms: f64, off_ms: f64 },
    /// Poisson at `base_rps`, jumping to `spike_rps` from `at_ms` for `duration_ms`.
    Spike {
        base_rps: f64,
        spike_rps: f64,
        at_ms: f64,
        duration_ms: f64,
    },
    /// Poisson whose rate climbs linearly from `from_rps` to `to_rps` over `over_ms`, then stays.
    Ramp { from_rps: f64, to_rps: f64, over_ms: f64 },
}

impl Default for Arrival {
    fn default() -> Self {
        Arrival::Poisson { rate_rps: 100.0 }
    }
}

/// Which keys requests touch.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(tag = "type", rename_all = "snake_case"))]
pub enum Keys {
    /// Every key in `0..count` equally likely.
    Uniform { count: u64 },
    /// Key rank `k` has probability proportional to `1/k^alpha`.
    Zipf { count: u64, alpha: f64 },
    /// `hot_traffic` of the requests go to the first `hot_keys` fraction of the keys.
    Hotspot {
        count: u64,
        hot_keys: f64,
        hot_traffic: f64,
    },
    /// Ever-increasing keys (timestamps, auto-increment ids).
    Sequential,
}

impl Default for Keys {
    fn default() -> Self {
        Keys::Uniform { count: 10_000 }
    }
}

json_spec! {
    /// Relative weights of the request classes.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Mix {
        pub static_asset: f64 = or(0.0) or_blank,
        pub api_read: f64 = or(0.0) or_blank,
        pub api_write: f64 = or(0.0) or_blank,
        pub background_job: f64 = or(0.0) or_blank,
    }
}

/// A member the format leaves out when it holds this value: an empty string, list or map, a zero weight.
pub trait Blank {
    fn is_blank(&self) -> bool;
}

impl Blank for String {
    fn is_blank(&self) -> bool {
        self.is_empty()
    }
}

impl<T> Blank for Vec<T> {
    fn is_blank(&self) -> bool {
        self.is_empty()
    }
}

impl<K, V> Blank for BTreeMap<K, V> {
    fn is_blank(&self) -> bool {
        self.is_empty()
    }
}

impl Blank for f64 {
    fn is_blank(&self) -> bool {
        *self == 0.0
    }
}

impl Default for Mix {
    fn default() -> Self {
        Mix {
            static_asset: 0.0,
            api_read: 1.0,
            api_write: 0.0,
            background_job: 0.0,
        }
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

pub(super) fn default_link_latency() -> Dist {
    Dist::Constant { ms: 5.0 }
}

/// How a cluster replicates writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(rename_all = "snake_case"))]
pub enum ReplicationMode {
    /// The primary acknowledges a write at once and replicates it in the background.
    #[default]
    Async,
    /// The primary acknowledges once every replica has applied the write.
    Sync,
    /// The primary acknowledges once one replica has applied the write.
    SemiSync,
    /// Leaderless (Dynamo style): the coordinator writes to `n` replicas and waits for `w`, reads from `n`
    /// and waits for `r`; the newest timestamp wins (last-write-wins).
    Quorum,
}

/// Which side of CAP a cluster chooses under a partition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(rename_all = "snake_case"))]
pub enum Consistency {
    #[default]
    Cp,
    Ap,
}

/// Where a primary/replica cluster serves reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(rename_all = "snake_case"))]
pub enum ReadFrom {
    /// The coordinator forwards reads to the primary.
    #[default]
    Primary,
    /// The replica a request reached answers from its own copy (possibly stale).
    Replica,
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
}

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
            | Fault::Heal { at_ms } => at_ms,
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
