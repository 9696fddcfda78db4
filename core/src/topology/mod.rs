//! The validated topology the engine runs: typed nodes with their behaviour, directed edges with latency and
//! loss, and adjacency. [`Topology::build`] turns a `scenario::v1` document into it, or into a list of typed
//! errors that each name the node, edge or field at fault.

pub(crate) mod check;
pub mod cluster;
pub(crate) mod problem;
mod validate;

use crate::dist::Dist;
use crate::scenario::v1;
use crate::time::SimTime;
use crate::workload::Class;
use std::collections::BTreeMap;

pub(crate) use check::dist_from_v1;
pub use problem::{Location, Problem, ValidationError, MAX_DESCRIPTION_LEN, MAX_ID_LEN, MAX_TEXT_LEN};
pub(crate) use validate::initial_shards;

/// Index of a node in [`Topology::nodes`].
pub type NodeIx = u32;
/// Index of an edge in [`Topology::edges`].
pub type EdgeIx = u32;

pub use crate::scenario::v1::NodeKind;

pub use crate::node::balancer::{BalanceCfg, HealthCfg, OutlierCfg};
pub use crate::node::cache::CacheCfg;
pub use crate::node::calls::RetryCfg;
pub use crate::node::calls::{AdmissionCfg, CallCfg};
pub use crate::node::client::ClientCfg;
pub use crate::node::group::{ElasticCfg, GroupCfg, InstanceSize, ReplaceCfg};
pub use crate::node::queue::QueueCfg;
pub use crate::node::shard_router::{ShardCfg, ShardMode};
pub use crate::node::station::{IndexCfg, SessionCfg, SessionStore};
pub use crate::node::Behavior;
pub use crate::routing::Strategy;

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
    /// Databases: the storage engine that costs each operation of a workload's `ops`.
    pub engine: Option<Box<crate::dbengine::EngineCfg>>,
    /// Error rate, rate limit and load shedding.
    pub admission: AdmissionCfg,
    /// Services: an autoscaling group, self-healing, the instance's size and price.
    pub elastic: ElasticCfg,
    /// An autoscaling group's instance: the group's node (which the page draws it as).
    pub member_of: Option<NodeIx>,
    /// Services: where the sessions of stateful clients' users live.
    pub sessions: Option<SessionCfg>,
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
    /// The caller's timeouts, retries, breaker and bulkhead on this edge.
    pub policy: Option<Box<CallCfg>>,
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
    /// Autoscaling groups' out-edges as the scenario declares them (their instances run copies).
    pub declared_out: BTreeMap<NodeIx, Vec<EdgeIx>>,
    /// The instances' copies of each of a group's declared out-edges.
    pub copies: BTreeMap<EdgeIx, Vec<EdgeIx>>,
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

    /// The index of the edge `from -> to` (for a group, the edge the scenario declares).
    pub fn edge_ix(&self, from: NodeIx, to: NodeIx) -> Option<EdgeIx> {
        self.declared_out
            .get(&from)
            .or_else(|| self.out_edges.get(from as usize))?
            .iter()
            .copied()
            .find(|&e| self.edges[e as usize].to == to)
    }

    /// The node the page draws `ix` as: its group for an instance, itself otherwise.
    pub fn shown(&self, ix: NodeIx) -> NodeIx {
        self.nodes.get(ix as usize).and_then(|n| n.member_of).unwrap_or(ix)
    }

    /// The edge the page draws `ix` as: the declared edge an instance's copy stands for, `None` for a
    /// group's edge to one of its instances, itself otherwise.
    pub fn shown_edge(&self, ix: EdgeIx) -> Option<EdgeIx> {
        let e = self.edges.get(ix as usize)?;
        match (
            self.nodes[e.from as usize].member_of,
            self.nodes[e.to as usize].member_of,
        ) {
            (_, Some(g)) if g == e.from => None,
            (Some(g), _) => self.edge_ix(g, self.shown(e.to)),
            _ => Some(ix),
        }
    }

    /// The nodes the scenario declares (instances of groups come after them).
    pub fn declared_nodes(&self) -> usize {
        self.nodes
            .iter()
            .position(|n| n.member_of.is_some())
            .unwrap_or(self.nodes.len())
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
