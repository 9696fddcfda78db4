//! The validated topology the engine runs: typed nodes with their behaviour, directed edges with latency and
//! loss, and adjacency. [`Topology::build`] turns a `scenario::v1` document into it, or into a list of typed
//! errors that each name the node, edge or field at fault.

pub mod cluster;
mod problem;
mod validate;

use crate::dist::Dist;
use crate::scenario::v1;
use crate::time::{ms_to_nanos, SimTime};
use crate::workload::{Class, Workload};
use std::collections::BTreeMap;

pub use problem::{Location, Problem, ValidationError, MAX_ID_LEN, MAX_TEXT_LEN};
pub(crate) use validate::initial_shards;

/// Index of a node in [`Topology::nodes`].
pub type NodeIx = u32;
/// Index of an edge in [`Topology::edges`].
pub type EdgeIx = u32;

pub use crate::scenario::v1::NodeKind;

pub use crate::routing::Strategy;

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
    pub strategy: Strategy,
    pub balance_factor: f64,
    pub health: Option<HealthCfg>,
    pub outlier: Option<OutlierCfg>,
}

/// What a node does with a request once a worker has served it.
#[derive(Clone, Debug)]
pub enum Behavior {
    /// Generates traffic.
    Client(ClientCfg),
    /// Serves, then calls each of its dependencies in order, then responds (servers, databases, DNS, workers).
    Station,
    /// Forwards each request to one backend (load balancers, proxies).
    Balancer(BalanceCfg),
    /// Answers reads from its store; misses and writes go to the origin behind it.
    Cache(CacheCfg),
    /// Sends each key to one shard (or, for cross-shard queries, to several).
    ShardRouter(ShardCfg),
    /// Acknowledges on enqueue; worker pools downstream drain it.
    Queue(QueueCfg),
}

/// A traffic source's configuration.
#[derive(Clone, Debug)]
pub struct ClientCfg {
    pub workload: Workload,
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
    pub jitter: v1::Jitter,
}

/// A queue's configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueCfg {
    pub capacity: Option<u64>,
    pub visibility_ns: Option<u64>,
    pub max_attempts: u32,
    pub backoff_ns: u64,
    /// Messages larger than this are rejected (`too_large`).
    pub max_message_bytes: Option<u64>,
}

/// A cache's configuration.
#[derive(Clone, Debug)]
pub struct CacheCfg {
    pub capacity: u64,
    pub policy: crate::cache::Policy,
    pub ttl_ns: Option<u64>,
    pub read: v1::ReadPolicy,
    pub write: v1::WritePolicy,
    pub invalidate: bool,
    pub coalesce: bool,
    pub flush_ns: u64,
    pub object_bytes: u64,
}

/// Where a shard router's placement comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShardMode {
    /// Horizontal partitioning: a [`crate::partition::Partitioner`] of this scheme places each key.
    Horizontal(crate::partition::Scheme),
    /// Vertical partitioning: each request class goes to the shard whose edge carries it.
    Vertical,
}

/// A shard router's configuration. Its shards are its out-edges to nodes other than `directory` nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct ShardCfg {
    pub mode: ShardMode,
    pub split_points: Option<Vec<u64>>,
    pub regions: Option<u64>,
    pub vnodes: u32,
    /// The router's cache of directory answers: `(capacity, ttl_ns)`.
    pub cache: Option<(u64, Option<u64>)>,
    /// Bit set of the classes that fan out to several shards and gather.
    pub fanout_classes: u8,
    /// Shards a cross-shard query visits (all active ones when `None`).
    pub fanout_shards: Option<u32>,
    pub value_bytes: u64,
    /// Time between two key copies while migrating.
    pub migration_gap_ns: u64,
}

impl ShardCfg {
    /// A partitioner of this configuration with `n` shards (ids `0..n`), or `None` for vertical routing.
    pub fn partitioner(
        &self,
        n: u32,
    ) -> Option<Result<Box<dyn crate::partition::Partitioner + Send>, crate::partition::PartitionError>> {
        use crate::partition::{Composite, Consistent, Directory, List, ModN, Range, RoundRobin, Scheme};
        let ShardMode::Horizontal(scheme) = self.mode else {
            return None;
        };
        Some(match scheme {
            Scheme::Range => match &self.split_points {
                Some(p) => Range::new(p).map(|r| Box::new(r) as Box<_>),
                None => Range::even(n, 1 << 64).map(|r| Box::new(r) as Box<_>),
            },
            Scheme::Consistent => Consistent::new(n, self.vnodes).map(|r| Box::new(r) as Box<_>),
            Scheme::List => List::by_modulo(self.regions.unwrap_or(4 * u64::from(n)), n).map(|r| Box::new(r) as Box<_>),
            Scheme::Composite => {
                Composite::new(self.regions.unwrap_or(u64::from(n.min(4))), n).map(|r| Box::new(r) as Box<_>)
            }
            Scheme::ModN => ModN::new(n).map(|r| Box::new(r) as Box<_>),
            Scheme::RoundRobin => RoundRobin::new(n).map(|r| Box::new(r) as Box<_>),
            Scheme::Directory => Directory::new(n).map(|r| Box::new(r) as Box<_>),
        })
    }
}

/// A database table's index settings, in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IndexCfg {
    pub table_rows: u64,
    pub indexed: bool,
    pub indexes: u32,
    pub seek_ns: f64,
    pub scan_ns_per_row: f64,
}

impl IndexCfg {
    /// B-tree depth of the table, `log2(rows)` (at least 1).
    pub fn depth(&self) -> f64 {
        libm::log2(self.table_rows.max(2) as f64)
    }

    /// What a request of this class costs beyond the base service time: a read seeks the index (or scans
    /// every row without one); a write seeks to its place and updates each index.
    pub fn extra_ns(&self, write: bool) -> u64 {
        let seek = self.seek_ns * self.depth();
        let ns = if write {
            seek * (1.0 + f64::from(self.indexes))
        } else if self.indexed {
            seek
        } else {
            self.scan_ns_per_row * self.table_rows as f64
        };
        // At most the longest run (1e9 ms): a hostile table size cannot overflow virtual time.
        ns.min(1e15) as u64
    }
}

/// A validated node.
#[derive(Clone, Debug)]
pub struct NodeDef {
    pub id: String,
    pub label: String,
    pub region: Option<String>,
    pub kind: NodeKind,
    pub behavior: Behavior,
    pub service_time: Dist,
    /// Requests served at once; `None` is unbounded.
    pub workers: Option<u32>,
    /// Requests that may wait; `None` is unbounded.
    pub queue_capacity: Option<u32>,
    pub crash_at: Option<SimTime>,
    /// Databases: the table behind it, whose indexes cost service time.
    pub index: Option<IndexCfg>,
}

/// A validated directed edge.
#[derive(Clone, Debug)]
pub struct EdgeDef {
    pub from: NodeIx,
    pub to: NodeIx,
    pub latency: Dist,
    pub loss: f64,
    /// Bit set of the [`Class`]es that may take this edge.
    pub classes: u8,
    pub weight: u32,
}

impl EdgeDef {
    pub fn admits(&self, class: Class) -> bool {
        self.classes & class.bit() != 0
    }
}

/// The validated graph.
#[derive(Clone, Debug)]
pub struct Topology {
    pub nodes: Vec<NodeDef>,
    pub edges: Vec<EdgeDef>,
    /// Outgoing edges of each node, in scenario order.
    pub out_edges: Vec<Vec<EdgeIx>>,
    /// Replicated database clusters.
    pub clusters: Vec<cluster::ClusterCfg>,
    index: BTreeMap<String, NodeIx>,
    /// The scenario's real-time channel comparison, if it has one.
    pub realtime: Option<crate::realtime::Plan>,
}

impl Topology {
    /// Validates a scenario and builds its topology, or returns every problem found.
    pub fn build(s: &v1::Scenario) -> Result<Topology, Vec<ValidationError>> {
        validate::build(s)
    }

    /// The index of the node with this id.
    pub fn node_ix(&self, id: &str) -> Option<NodeIx> {
        self.index.get(id).copied()
    }

    /// The index of the edge `from -> to`.
    pub fn edge_ix(&self, from: NodeIx, to: NodeIx) -> Option<EdgeIx> {
        self.out_edges
            .get(from as usize)?
            .iter()
            .copied()
            .find(|&e| self.edges[e as usize].to == to)
    }

    pub fn node(&self, ix: NodeIx) -> &NodeDef {
        &self.nodes[ix as usize]
    }

    pub fn edge(&self, ix: EdgeIx) -> &EdgeDef {
        &self.edges[ix as usize]
    }

    /// A human name for an edge, as errors print it.
    pub fn edge_name(&self, ix: EdgeIx) -> String {
        let e = self.edge(ix);
        format!("{}->{}", self.node(e.from).id, self.node(e.to).id)
    }
}

pub(crate) fn dist_from_v1(d: &v1::Dist) -> Dist {
    match *d {
        v1::Dist::Constant { ms } => Dist::Constant { ms },
        v1::Dist::Exponential { mean_ms } => Dist::Exponential { mean_ms },
        v1::Dist::Uniform { min_ms, max_ms } => Dist::Uniform { min_ms, max_ms },
        v1::Dist::LogNormal { median_ms, sigma } => Dist::LogNormal { median_ms, sigma },
        v1::Dist::Pareto { min_ms, alpha } => Dist::Pareto { min_ms, alpha },
    }
}

pub(crate) fn opt_ms(ms: Option<f64>) -> Option<u64> {
    ms.map(ms_to_nanos)
}
