//! Editing a scenario document: the operations the editor offers (add, move, connect, insert a node into an
//! edge, delete, copy and paste, make databases replicate), as pure functions on [`v1::Scenario`]. They keep
//! the document well-formed: ids stay unique, and deleting a node deletes the edges, fault entries and
//! cluster memberships that name it. Whether the result is a *valid* topology is the validator's call; the
//! editor shows its errors on the nodes they name.

use std::collections::BTreeSet;

use super::params;
use super::v1::{self, Cluster, Edge, Fault, Node, NodeSpec, ReadFrom, ReplicationMode, RequestClass, Scenario};
use crate::topology::cluster::MAX_REPLICAS;
use serde_json::Value;

/// Why an edit was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditError {
    /// A node index past the end of the document.
    NoSuchNode(usize),
    NoSuchEdge(usize),
    /// An edge from a node to itself.
    SelfLoop,
    /// The two nodes are already connected this way.
    AlreadyConnected,
    /// The document holds [`v1::MAX_NODES`] nodes already.
    TooManyNodes,
    TooManyEdges,
    /// A kind name that no node kind has.
    UnknownKind(String),
    /// Only `database` nodes replicate: this node is another kind.
    NotADatabase(usize),
    /// A database cannot replicate with itself.
    ReplicaOfItself,
    /// The node (by id) already replicates in another cluster: a database belongs to one cluster.
    InAnotherCluster(String),
    /// The cluster holds [`MAX_REPLICAS`] databases already.
    TooManyReplicas,
    /// A cluster index past the end of the document.
    NoSuchCluster(usize),
    /// A client only sends requests, so it cannot sit inside an edge.
    ClientInEdge,
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EditError::NoSuchNode(i) => write!(f, "there is no node #{i}"),
            EditError::NoSuchEdge(i) => write!(f, "there is no edge #{i}"),
            EditError::SelfLoop => f.write_str("a node cannot be connected to itself"),
            EditError::AlreadyConnected => f.write_str("those nodes are already connected"),
            EditError::TooManyNodes => write!(f, "a topology holds at most {} nodes", v1::MAX_NODES),
            EditError::TooManyEdges => write!(f, "a topology holds at most {} edges", v1::MAX_EDGES),
            EditError::UnknownKind(k) => write!(f, "unknown node kind \"{k}\""),
            EditError::NotADatabase(i) => write!(f, "node #{i} is not a database: only databases replicate"),
            EditError::ReplicaOfItself => f.write_str("a database cannot replicate with itself"),
            EditError::InAnotherCluster(id) => {
                write!(
                    f,
                    "\"{id}\" already replicates with other databases (a database has one cluster)"
                )
            }
            EditError::TooManyReplicas => write!(f, "a cluster holds at most {MAX_REPLICAS} databases"),
            EditError::NoSuchCluster(i) => write!(f, "there is no cluster #{i}"),
            EditError::ClientInEdge => f.write_str("a client only sends requests: it cannot sit inside an edge"),
        }
    }
}

impl std::error::Error for EditError {}

/// Every request class, in the format's order.
pub const CLASSES: [RequestClass; 4] = [
    RequestClass::StaticAsset,
    RequestClass::ApiRead,
    RequestClass::ApiWrite,
    RequestClass::BackgroundJob,
];

/// The other out-edges of `edge`'s source node that carry some of the classes `edge` carries, each with
/// those classes in the format's order: for each shared class the node has more than one way to go, which a
/// client or balancer spreads over and other nodes settle by taking the first. The inspector shows it, so
/// an edge drawn for "API reads only" that still carries everything is seen before the run. Empty for an
/// edge that does not exist.
pub fn shared_classes(doc: &Scenario, edge: usize) -> Vec<(usize, Vec<RequestClass>)> {
    let carries = |e: &Edge, c: &RequestClass| e.classes.as_ref().is_none_or(|list| list.contains(c));
    let Some(this) = doc.edges.get(edge) else {
        return Vec::new();
    };
    doc.edges
        .iter()
        .enumerate()
        .filter(|&(i, e)| i != edge && e.from == this.from)
        .filter_map(|(i, e)| {
            let shared: Vec<RequestClass> = CLASSES
                .iter()
                .filter(|c| carries(this, c) && carries(e, c))
                .copied()
                .collect();
            (!shared.is_empty()).then_some((i, shared))
        })
        .collect()
}

/// What a node of `spec`'s kind does with a request whose class several of its out-edges carry, in words
/// that follow its name ("Client picks one…"); `None` where sharing classes is the point (a shard router
/// places each key on its shard, a queue hands each job to one pool). Its family says it.
pub fn shared_class_rule(spec: &NodeSpec) -> Option<&'static str> {
    spec.shared_class_rule()
}

/// An empty document: no nodes yet, a 60-second run.
pub fn blank() -> Scenario {
    Scenario {
        version: v1::VERSION,
        name: "Untitled".to_owned(),
        description: String::new(),
        seed: 1,
        duration_ms: Some(60_000.0),
        requests: None,
        nodes: Vec::new(),
        edges: Vec::new(),
        workload: v1::Workload::default(),
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

/// A new node's configuration: every parameter at its documented default, with the kind's editor defaults
/// (`kinds::Kind::editor_defaults`) on top.
pub fn default_spec(kind: &str) -> Result<NodeSpec, EditError> {
    let unknown = || EditError::UnknownKind(kind.to_owned());
    let row = crate::node::named(kind).ok_or_else(unknown)?;
    let mut obj = serde_json::Map::new();
    obj.insert("kind".into(), kind.into());
    for &(member, json) in row.editor_defaults {
        obj.insert(member.into(), serde_json::from_str(json).map_err(|_| unknown())?);
    }
    params::from_tree(&serde_json::Value::Object(obj)).map_err(|_| unknown())
}

/// The first id of the form `kind-N` (`kind` with `_` as `-`) that no node has.
fn fresh_id(doc: &Scenario, base: &str) -> String {
    let taken: BTreeSet<&str> = doc.nodes.iter().map(|n| n.id.as_str()).collect();
    let base = base.replace('_', "-");
    (1..)
        .map(|i| format!("{base}-{i}"))
        .find(|id| !taken.contains(id.as_str()))
        .unwrap_or(base)
}

/// A readable default label: "Load balancer 2".
fn default_label(kind: &str, id: &str) -> String {
    let mut words = kind.replace('_', " ");
    if let Some(first) = words.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    let n = id.rsplit('-').next().unwrap_or("1");
    format!("{words} {n}")
}

/// Adds a node of `kind` at `(x, y)` and returns its index.
pub fn add_node(doc: &mut Scenario, kind: &str, x: f64, y: f64) -> Result<usize, EditError> {
    if doc.nodes.len() >= v1::MAX_NODES {
        return Err(EditError::TooManyNodes);
    }
    let spec = default_spec(kind)?;
    let id = fresh_id(doc, kind);
    let label = default_label(kind, &id);
    doc.nodes.push(Node {
        id,
        label: Some(label),
        region: None,
        x: x.round(),
        y: y.round(),
        spec,
    });
    Ok(doc.nodes.len() - 1)
}

/// Moves the given nodes by `(dx, dy)`.
pub fn move_nodes(doc: &mut Scenario, nodes: &BTreeSet<usize>, dx: f64, dy: f64) {
    for &i in nodes {
        if let Some(n) = doc.nodes.get_mut(i) {
            n.x = (n.x + dx).round();
            n.y = (n.y + dy).round();
        }
    }
}

/// Connects `from` → `to` with a default edge, and returns the edge's index.
pub fn connect(doc: &mut Scenario, from: usize, to: usize) -> Result<usize, EditError> {
    let a = doc.nodes.get(from).ok_or(EditError::NoSuchNode(from))?.id.clone();
    let b = doc.nodes.get(to).ok_or(EditError::NoSuchNode(to))?.id.clone();
    if from == to {
        return Err(EditError::SelfLoop);
    }
    if doc.edges.iter().any(|e| e.from == a && e.to == b) {
        return Err(EditError::AlreadyConnected);
    }
    if doc.edges.len() >= v1::MAX_EDGES {
        return Err(EditError::TooManyEdges);
    }
    doc.edges.push(Edge {
        from: a,
        to: b,
        latency: v1::Dist::Constant { ms: 1.0 },
        loss: 0.0,
        weight: None,
        classes: None,
        policy: None,
    });
    Ok(doc.edges.len() - 1)
}

/// The node ids a fault entry refers to.
fn fault_nodes(f: &Fault) -> Vec<&str> {
    match f {
        Fault::Crash { node, .. }
        | Fault::Recover { node, .. }
        | Fault::SetRate { node, .. }
        | Fault::Scale { node, .. }
        | Fault::Resize { node, .. } => vec![node],
        Fault::SetLatency { from, to, .. } | Fault::SetLoss { from, to, .. } => vec![from, to],
        Fault::AddShard { router, shard, .. } | Fault::RemoveShard { router, shard, .. } => vec![router, shard],
        Fault::Partition { groups, .. } => groups.iter().flatten().map(String::as_str).collect(),
        Fault::Heal { .. } => Vec::new(),
    }
}

/// Deletes the given nodes, every edge touching them and every fault entry naming them, and takes them out
/// of their clusters (a cluster left with one database is dissolved).
pub fn remove_nodes(doc: &mut Scenario, nodes: &BTreeSet<usize>) {
    let gone: BTreeSet<String> = nodes
        .iter()
        .filter_map(|&i| doc.nodes.get(i))
        .map(|n| n.id.clone())
        .collect();
    let mut i = 0;
    doc.nodes.retain(|_| {
        i += 1;
        !nodes.contains(&(i - 1))
    });
    doc.edges.retain(|e| !gone.contains(&e.from) && !gone.contains(&e.to));
    doc.faults
        .retain(|f| fault_nodes(f).iter().all(|id| !gone.contains(*id)));
    let touched: Vec<bool> = doc
        .clusters
        .iter_mut()
        .map(|c| {
            let before = c.replicas.len();
            c.replicas.retain(|r| !gone.contains(r));
            c.replicas.len() != before
        })
        .collect();
    tidy_clusters(doc, &touched);
}

/// Deletes one edge (and the link faults on it).
pub fn remove_edge(doc: &mut Scenario, edge: usize) -> Result<(), EditError> {
    if edge >= doc.edges.len() {
        return Err(EditError::NoSuchEdge(edge));
    }
    let e = doc.edges.remove(edge);
    doc.faults.retain(|f| match f {
        Fault::SetLatency { from, to, .. } | Fault::SetLoss { from, to, .. } => !(*from == e.from && *to == e.to),
        _ => true,
    });
    Ok(())
}

/// Inserts a new node of `kind` at `(x, y)` into `edge`: A → B becomes A → N → B, and the new node's index is
/// returned. A → N is the old edge, retargeted (it keeps its index, latency, loss, weight and classes: it is
/// still A's way out, which A's balancer weighs and A's routing filters by class, and link faults on A → B
/// now name A → N); N → B is a new default edge (1 ms, no loss) carrying the same classes, so N forwards
/// what the edge carried and nothing more.
pub fn insert_on_edge(doc: &mut Scenario, edge: usize, kind: &str, x: f64, y: f64) -> Result<usize, EditError> {
    let old = doc.edges.get(edge).ok_or(EditError::NoSuchEdge(edge))?.clone();
    if kind == "client" {
        return Err(EditError::ClientInEdge);
    }
    if doc.edges.len() >= v1::MAX_EDGES {
        return Err(EditError::TooManyEdges);
    }
    let n = add_node(doc, kind, x, y)?;
    let id = doc.nodes[n].id.clone();
    doc.edges[edge].to = id.clone();
    doc.edges.push(Edge {
        from: id.clone(),
        to: old.to.clone(),
        latency: v1::Dist::Constant { ms: 1.0 },
        loss: 0.0,
        weight: None,
        classes: old.classes,
        policy: None,
    });
    for f in &mut doc.faults {
        if let Fault::SetLatency { from, to, .. } | Fault::SetLoss { from, to, .. } = f {
            if *from == old.from && *to == old.to {
                to.clone_from(&id);
            }
        }
    }
    Ok(n)
}

/// The index of the cluster that database `id` replicates in.
pub fn cluster_of(doc: &Scenario, id: &str) -> Option<usize> {
    doc.clusters.iter().position(|c| c.replicas.iter().any(|r| r == id))
}

/// The id of the database at `node`, or why it cannot replicate.
fn database_id(doc: &Scenario, node: usize) -> Result<String, EditError> {
    let n = doc.nodes.get(node).ok_or(EditError::NoSuchNode(node))?;
    match n.spec {
        NodeSpec::Database(_) => Ok(n.id.clone()),
        _ => Err(EditError::NotADatabase(node)),
    }
}

/// A new cluster of `replicas` (the first is the primary) with the format's defaults.
fn new_cluster(doc: &Scenario, replicas: Vec<String>) -> Cluster {
    let taken: BTreeSet<&str> = doc.clusters.iter().map(|c| c.id.as_str()).collect();
    let id = (1..)
        .map(|i| format!("cluster-{i}"))
        .find(|id| !taken.contains(id.as_str()))
        .unwrap_or_default();
    Cluster {
        id,
        replicas,
        mode: ReplicationMode::default(),
        consistency: v1::Consistency::default(),
        link_latency: v1::default_link_latency(),
        op_timeout_ms: None,
        n: None,
        r: None,
        w: None,
        read_repair: false,
        sloppy_quorum: false,
        read_from: ReadFrom::default(),
        election_timeout_ms: None,
    }
}

/// After replicas left the clusters marked in `touched`: such a cluster left with fewer than two databases
/// replicates nothing and is dissolved, and a quorum's `n` (then `r`, `w`) is brought down to what is left.
fn tidy_clusters(doc: &mut Scenario, touched: &[bool]) {
    let mut i = 0;
    doc.clusters.retain(|c| {
        i += 1;
        c.replicas.len() >= 2 || !touched.get(i - 1).copied().unwrap_or(false)
    });
    for c in &mut doc.clusters {
        let size = c.replicas.len() as u32;
        c.n = c.n.map(|n| n.min(size));
        let n = c.n.unwrap_or(size);
        c.r = c.r.map(|r| r.min(n));
        c.w = c.w.map(|w| w.min(n));
    }
}

/// Makes databases `node` and `other` replicate together (`on`) or not. On: when neither is in a cluster, a
/// new one is made with `node` first (its initial primary) and the format's defaults (async, CP, reads from
/// the primary); when one is, the other joins it at the end. Off: `other` leaves `node`'s cluster, and a
/// cluster left with one database is dissolved. Asking for what already holds changes nothing.
pub fn set_replicates(doc: &mut Scenario, node: usize, other: usize, on: bool) -> Result<(), EditError> {
    let a = database_id(doc, node)?;
    let b = database_id(doc, other)?;
    if node == other {
        return Err(EditError::ReplicaOfItself);
    }
    let (ca, cb) = (cluster_of(doc, &a), cluster_of(doc, &b));
    if !on {
        if let (Some(c), true) = (ca, ca == cb) {
            doc.clusters[c].replicas.retain(|r| *r != b);
            let touched: Vec<bool> = (0..doc.clusters.len()).map(|k| k == c).collect();
            tidy_clusters(doc, &touched);
        }
        return Ok(());
    }
    match (ca, cb) {
        (Some(x), Some(y)) if x == y => Ok(()),
        (Some(_), Some(_)) => Err(EditError::InAnotherCluster(b)),
        (Some(c), None) | (None, Some(c)) => {
            let joining = if ca.is_some() { b } else { a };
            let replicas = &mut doc.clusters[c].replicas;
            if replicas.len() >= MAX_REPLICAS {
                return Err(EditError::TooManyReplicas);
            }
            replicas.push(joining);
            Ok(())
        }
        (None, None) => {
            let c = new_cluster(doc, vec![a, b]);
            doc.clusters.push(c);
            Ok(())
        }
    }
}

/// Adds a read replica of database `node` at `(x, y)` and returns its index: a database with the same
/// configuration (but no scheduled crash) that replicates with `node`, joining its cluster or making a new one
/// in which reads are served by the replica a request reaches (async, CP). Callers whose edge to `node`
/// carries API reads among other classes send their API reads to the replica instead, over a new edge with
/// the same latency and loss: writes still reach the primary, reads leave it.
pub fn add_replica(doc: &mut Scenario, node: usize, x: f64, y: f64) -> Result<usize, EditError> {
    let primary = database_id(doc, node)?;
    let cluster = cluster_of(doc, &primary);
    if cluster.is_some_and(|c| doc.clusters[c].replicas.len() >= MAX_REPLICAS) {
        return Err(EditError::TooManyReplicas);
    }
    let read = RequestClass::ApiRead;
    let splits: Vec<usize> = doc
        .edges
        .iter()
        .enumerate()
        .filter(|(_, e)| e.to == primary)
        .filter(|(_, e)| match &e.classes {
            None => true,
            Some(list) => list.contains(&read) && list.len() > 1,
        })
        .map(|(i, _)| i)
        .collect();
    if doc.edges.len() + splits.len() > v1::MAX_EDGES {
        return Err(EditError::TooManyEdges);
    }
    let r = add_node(doc, "database", x, y)?;
    let mut spec = doc.nodes[node].spec.clone();
    if let NodeSpec::Database(s) = &mut spec {
        s.crash_at_ms = None;
    }
    doc.nodes[r].spec = spec;
    let id = doc.nodes[r].id.clone();
    match cluster {
        Some(c) => doc.clusters[c].replicas.push(id.clone()),
        None => {
            let mut c = new_cluster(doc, vec![primary, id.clone()]);
            c.read_from = ReadFrom::Replica;
            doc.clusters.push(c);
        }
    }
    for i in splits {
        let e = &mut doc.edges[i];
        let rest = CLASSES
            .iter()
            .copied()
            .filter(|c| *c != read && e.classes.as_ref().is_none_or(|l| l.contains(c)))
            .collect();
        e.classes = Some(rest);
        let to_replica = Edge {
            to: id.clone(),
            weight: None,
            classes: Some(vec![read]),
            ..e.clone()
        };
        doc.edges.push(to_replica);
    }
    Ok(r)
}

/// Copied nodes and the edges among them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Clip {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// Copies the given nodes and the edges between two of them.
pub fn copy(doc: &Scenario, nodes: &BTreeSet<usize>) -> Clip {
    let picked: Vec<Node> = nodes.iter().filter_map(|&i| doc.nodes.get(i)).cloned().collect();
    let ids: BTreeSet<&str> = picked.iter().map(|n| n.id.as_str()).collect();
    let edges = doc
        .edges
        .iter()
        .filter(|e| ids.contains(e.from.as_str()) && ids.contains(e.to.as_str()))
        .cloned()
        .collect();
    Clip { nodes: picked, edges }
}

/// Pastes a clip offset by `(dx, dy)`, giving every node a fresh id, and returns the new nodes' indices.
pub fn paste(doc: &mut Scenario, clip: &Clip, dx: f64, dy: f64) -> Result<Vec<usize>, EditError> {
    if doc.nodes.len() + clip.nodes.len() > v1::MAX_NODES {
        return Err(EditError::TooManyNodes);
    }
    if doc.edges.len() + clip.edges.len() > v1::MAX_EDGES {
        return Err(EditError::TooManyEdges);
    }
    let mut renamed = Vec::with_capacity(clip.nodes.len());
    let mut added = Vec::with_capacity(clip.nodes.len());
    for n in &clip.nodes {
        let id = fresh_id(doc, n.spec.kind_name());
        renamed.push((n.id.clone(), id.clone()));
        doc.nodes.push(Node {
            id,
            x: n.x + dx,
            y: n.y + dy,
            ..n.clone()
        });
        added.push(doc.nodes.len() - 1);
    }
    let new_id = |old: &str| renamed.iter().find(|(o, _)| o == old).map(|(_, n)| n.clone());
    for e in &clip.edges {
        if let (Some(from), Some(to)) = (new_id(&e.from), new_id(&e.to)) {
            doc.edges.push(Edge { from, to, ..e.clone() });
        }
    }
    Ok(added)
}

/// A cluster with one parameter changed, or why the change does not fit the format. Leaving the quorum mode
/// drops the quorum's own settings, which the other modes refuse.
pub fn set_cluster(cluster: &v1::Cluster, key: &str, value: Option<Value>) -> Result<v1::Cluster, String> {
    let mut v = params::tree(cluster)?;
    params::put(&mut v, key, value);
    let mode = v.get("mode").and_then(Value::as_str).unwrap_or("async").to_owned();
    if let (Some(obj), false) = (v.as_object_mut(), mode == "quorum") {
        for k in ["n", "r", "w", "read_repair"] {
            obj.remove(k);
        }
    }
    params::from_tree(&v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::{NodeKind, Topology};

    fn set(v: &[usize]) -> BTreeSet<usize> {
        v.iter().copied().collect()
    }

    #[test]
    fn shared_classes_are_the_sibling_out_edges_carrying_the_same_classes() {
        use RequestClass::{ApiRead, ApiWrite, BackgroundJob, StaticAsset};
        let mut doc = blank();
        for kind in ["client", "cdn", "service", "queue", "service"] {
            add_node(&mut doc, kind, 0.0, 0.0).unwrap();
        }
        let to_cdn = connect(&mut doc, 0, 1).unwrap();
        let to_api = connect(&mut doc, 0, 2).unwrap();
        let api_to_queue = connect(&mut doc, 2, 3).unwrap();
        let _queue_to_worker = connect(&mut doc, 3, 4).unwrap();
        // No classes anywhere: both of the client's edges carry everything.
        assert_eq!(shared_classes(&doc, to_cdn), [(to_api, CLASSES.to_vec())]);
        assert_eq!(shared_classes(&doc, to_api), [(to_cdn, CLASSES.to_vec())]);
        // An edge with no sibling shares nothing.
        assert_eq!(shared_classes(&doc, api_to_queue), []);
        // Static assets to the CDN...
        doc.edges[to_cdn].classes = Some(vec![StaticAsset]);
        // ...but the API edge still carries static assets too.
        assert_eq!(shared_classes(&doc, to_cdn), [(to_api, vec![StaticAsset])]);
        assert_eq!(shared_classes(&doc, to_api), [(to_cdn, vec![StaticAsset])]);
        // ...and the rest to the API: no overlap left.
        doc.edges[to_api].classes = Some(vec![ApiWrite, ApiRead, BackgroundJob]);
        assert_eq!(shared_classes(&doc, to_api), []);
        assert_eq!(shared_classes(&doc, to_cdn), []);
        // Overlap on one class, reported in the format's order.
        doc.edges[to_cdn].classes = Some(vec![ApiRead, StaticAsset]);
        assert_eq!(shared_classes(&doc, to_api), [(to_cdn, vec![ApiRead])]);
        assert_eq!(shared_classes(&doc, 99), []);
    }

    #[test]
    fn a_new_balancer_checks_its_backends() {
        for kind in ["load_balancer", "proxy"] {
            match default_spec(kind).unwrap() {
                NodeSpec::LoadBalancer(b) | NodeSpec::Proxy(b) => {
                    let checks = b.health_check.unwrap_or_else(|| panic!("{kind} has no health checks"));
                    assert_eq!(checks.interval_ms, 1000.0, "{kind}: the inspector's default interval");
                }
                other => panic!("{kind}: {other:?}"),
            }
        }
    }

    #[test]
    fn every_palette_kind_has_a_default_spec_that_validates() {
        for kind in NodeKind::ALL.map(NodeKind::name) {
            let spec = default_spec(kind).unwrap_or_else(|e| panic!("{kind}: {e}"));
            assert_eq!(spec.kind_name(), kind);
        }
        assert_eq!(
            default_spec("mainframe"),
            Err(EditError::UnknownKind("mainframe".into()))
        );
    }

    #[test]
    fn a_topology_built_by_edits_alone_validates() {
        let mut doc = blank();
        let c = add_node(&mut doc, "client", 0.0, 0.0).unwrap();
        let lb = add_node(&mut doc, "load_balancer", 200.0, 0.0).unwrap();
        let db = add_node(&mut doc, "database", 600.0, 0.0).unwrap();
        connect(&mut doc, c, lb).unwrap();
        for k in 0..3 {
            let s = add_node(&mut doc, "service", 400.0, k as f64 * 80.0).unwrap();
            connect(&mut doc, lb, s).unwrap();
            connect(&mut doc, s, db).unwrap();
        }
        assert_eq!(doc.nodes.len(), 6);
        assert_eq!(doc.nodes[3].id, "service-1");
        assert_eq!(doc.nodes[5].label.as_deref(), Some("Service 3"));
        Topology::build(&doc).expect("client -> lb -> 3 services -> db validates");
    }

    #[test]
    fn connect_refuses_loops_duplicates_and_missing_nodes() {
        let mut doc = blank();
        add_node(&mut doc, "client", 0.0, 0.0).unwrap();
        add_node(&mut doc, "service", 0.0, 0.0).unwrap();
        assert_eq!(connect(&mut doc, 0, 0), Err(EditError::SelfLoop));
        assert_eq!(connect(&mut doc, 0, 1), Ok(0));
        assert_eq!(connect(&mut doc, 0, 1), Err(EditError::AlreadyConnected));
        assert_eq!(connect(&mut doc, 0, 7), Err(EditError::NoSuchNode(7)));
    }

    #[test]
    fn removing_nodes_takes_their_edges_and_faults() {
        let mut doc = blank();
        for k in ["client", "service", "database"] {
            add_node(&mut doc, k, 0.0, 0.0).unwrap();
        }
        connect(&mut doc, 0, 1).unwrap();
        connect(&mut doc, 1, 2).unwrap();
        doc.faults.push(Fault::Crash {
            at_ms: 1.0,
            node: "service-1".into(),
        });
        doc.faults.push(Fault::Crash {
            at_ms: 1.0,
            node: "database-1".into(),
        });
        remove_nodes(&mut doc, &set(&[1]));
        let ids: Vec<&str> = doc.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["client-1", "database-1"]);
        assert!(doc.edges.is_empty());
        assert_eq!(doc.faults.len(), 1);
    }

    #[test]
    fn paste_gives_fresh_ids_and_keeps_inner_edges() {
        let mut doc = blank();
        for k in ["client", "service", "database"] {
            add_node(&mut doc, k, 10.0, 20.0).unwrap();
        }
        connect(&mut doc, 0, 1).unwrap();
        connect(&mut doc, 1, 2).unwrap();
        let clip = copy(&doc, &set(&[1, 2]));
        assert_eq!(clip.edges.len(), 1, "only the edge between two copied nodes");
        let added = paste(&mut doc, &clip, 40.0, 40.0).unwrap();
        assert_eq!(added, [3, 4]);
        assert_eq!(doc.nodes[3].id, "service-2");
        assert_eq!((doc.nodes[3].x, doc.nodes[3].y), (50.0, 60.0));
        assert_eq!(
            doc.edges.last().map(|e| (e.from.as_str(), e.to.as_str())),
            Some(("service-2", "database-2"))
        );
        let ids: BTreeSet<&str> = doc.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids.len(), doc.nodes.len(), "ids stay unique");
    }

    #[test]
    fn remove_edge_drops_its_link_faults() {
        let mut doc = blank();
        add_node(&mut doc, "client", 0.0, 0.0).unwrap();
        add_node(&mut doc, "service", 0.0, 0.0).unwrap();
        connect(&mut doc, 0, 1).unwrap();
        doc.faults.push(Fault::SetLoss {
            at_ms: 0.0,
            from: "client-1".into(),
            to: "service-1".into(),
            loss: 0.5,
        });
        assert_eq!(remove_edge(&mut doc, 3), Err(EditError::NoSuchEdge(3)));
        remove_edge(&mut doc, 0).unwrap();
        assert!(doc.edges.is_empty() && doc.faults.is_empty());
    }

    /// client → service → database, the seed of the classic designs.
    fn three_tier() -> Scenario {
        let mut doc = blank();
        for (k, x) in [("client", 0.0), ("service", 240.0), ("database", 480.0)] {
            add_node(&mut doc, k, x, 0.0).unwrap();
        }
        connect(&mut doc, 0, 1).unwrap();
        connect(&mut doc, 1, 2).unwrap();
        doc
    }

    fn ends(doc: &Scenario) -> Vec<(&str, &str)> {
        doc.edges.iter().map(|e| (e.from.as_str(), e.to.as_str())).collect()
    }

    #[test]
    fn inserting_into_an_edge_keeps_the_link_on_the_callers_side() {
        use RequestClass::{ApiRead, ApiWrite};
        let mut doc = three_tier();
        doc.edges[1].latency = v1::Dist::Constant { ms: 3.0 };
        doc.edges[1].loss = 0.01;
        doc.edges[1].weight = Some(2);
        doc.edges[1].classes = Some(vec![ApiRead, ApiWrite]);
        doc.faults.push(Fault::SetLoss {
            at_ms: 5.0,
            from: "service-1".into(),
            to: "database-1".into(),
            loss: 0.5,
        });
        let before = doc.clone();
        assert_eq!(
            insert_on_edge(&mut doc, 2, "cache", 0.0, 0.0),
            Err(EditError::NoSuchEdge(2))
        );
        assert_eq!(
            insert_on_edge(&mut doc, 1, "client", 0.0, 0.0),
            Err(EditError::ClientInEdge)
        );
        assert_eq!(
            insert_on_edge(&mut doc, 1, "mainframe", 0.0, 0.0),
            Err(EditError::UnknownKind("mainframe".into()))
        );
        assert_eq!(doc, before, "a refused insert changes nothing");

        let n = insert_on_edge(&mut doc, 1, "cache", 360.0, 0.0).unwrap();
        assert_eq!(doc.nodes[n].id, "cache-1");
        assert_eq!((doc.nodes[n].x, doc.nodes[n].y), (360.0, 0.0));
        assert_eq!(
            ends(&doc),
            [
                ("client-1", "service-1"),
                ("service-1", "cache-1"),
                ("cache-1", "database-1")
            ]
        );
        // The caller's side is the old edge: same index, latency, loss, weight and classes.
        let (a, b) = (&doc.edges[1], &doc.edges[2]);
        assert_eq!(
            (&a.latency, a.loss, a.weight),
            (&v1::Dist::Constant { ms: 3.0 }, 0.01, Some(2))
        );
        assert_eq!(a.classes.as_deref(), Some(&[ApiRead, ApiWrite][..]));
        // The new side is a default link carrying the same classes.
        assert_eq!(
            (&b.latency, b.loss, b.weight),
            (&v1::Dist::Constant { ms: 1.0 }, 0.0, None)
        );
        assert_eq!(b.classes, a.classes);
        // The link fault now names the caller's side.
        assert!(matches!(&doc.faults[0], Fault::SetLoss { from, to, .. } if from == "service-1" && to == "cache-1"));
        Topology::build(&doc).expect("client -> service -> cache -> database validates");
        // Undo is the editor's copy of the document: nothing else to restore.
        let mut plain = three_tier();
        insert_on_edge(&mut plain, 0, "load_balancer", 120.0, 0.0).unwrap();
        assert_eq!(
            ends(&plain),
            [
                ("client-1", "load-balancer-1"),
                ("service-1", "database-1"),
                ("load-balancer-1", "service-1")
            ]
        );
        Topology::build(&plain).expect("a balancer inserted in front of the service validates");
    }

    #[test]
    fn databases_join_and_leave_a_cluster() {
        let mut doc = three_tier();
        for y in [100.0, 200.0, 300.0, 400.0] {
            add_node(&mut doc, "database", 480.0, y).unwrap();
        }
        // Nodes: client 0, service 1, database-1..5 at 2..6.
        let replicas =
            |doc: &Scenario| -> Vec<Vec<String>> { doc.clusters.iter().map(|c| c.replicas.clone()).collect() };
        assert_eq!(set_replicates(&mut doc, 2, 1, true), Err(EditError::NotADatabase(1)));
        assert_eq!(set_replicates(&mut doc, 0, 2, true), Err(EditError::NotADatabase(0)));
        assert_eq!(set_replicates(&mut doc, 2, 2, true), Err(EditError::ReplicaOfItself));
        assert_eq!(set_replicates(&mut doc, 2, 9, true), Err(EditError::NoSuchNode(9)));
        assert!(doc.clusters.is_empty());

        // A new cluster: the database asked first is the primary, the format's defaults otherwise.
        set_replicates(&mut doc, 2, 3, true).unwrap();
        assert_eq!(replicas(&doc), [["database-1", "database-2"]]);
        let c = &doc.clusters[0];
        assert_eq!(c.id, "cluster-1");
        assert_eq!((c.mode, c.read_from), (ReplicationMode::Async, ReadFrom::Primary));
        connect(&mut doc, 1, 3).unwrap();
        Topology::build(&doc).expect("a two-database cluster validates");
        // Joining from either side appends; asking again changes nothing.
        set_replicates(&mut doc, 4, 2, true).unwrap();
        set_replicates(&mut doc, 3, 4, true).unwrap();
        assert_eq!(replicas(&doc), [["database-1", "database-2", "database-3"]]);
        // A database in another cluster is refused, naming it.
        set_replicates(&mut doc, 5, 6, true).unwrap();
        let before = doc.clone();
        assert_eq!(
            set_replicates(&mut doc, 2, 5, true),
            Err(EditError::InAnotherCluster("database-4".into()))
        );
        assert_eq!(doc, before);
        assert_eq!(cluster_of(&doc, "database-5"), Some(1));
        assert_eq!(cluster_of(&doc, "service-1"), None);

        // A quorum of three loses one: n, r and w come down to what is left, and it still validates.
        doc.clusters[0].mode = ReplicationMode::Quorum;
        (doc.clusters[0].n, doc.clusters[0].r, doc.clusters[0].w) = (Some(3), Some(1), Some(3));
        set_replicates(&mut doc, 2, 3, false).unwrap();
        assert_eq!(replicas(&doc)[0], ["database-1", "database-3"]);
        let c = &doc.clusters[0];
        assert_eq!((c.n, c.r, c.w), (Some(2), Some(1), Some(2)));
        Topology::build(&doc).expect("the shrunk quorum validates");
        // Leaving when not together changes nothing; the last-but-one leaving dissolves the cluster.
        set_replicates(&mut doc, 2, 5, false).unwrap();
        assert_eq!(doc.clusters.len(), 2);
        set_replicates(&mut doc, 4, 2, false).unwrap();
        assert_eq!(replicas(&doc), [["database-4", "database-5"]]);
    }

    #[test]
    fn removing_a_database_takes_it_out_of_its_cluster() {
        let mut doc = three_tier();
        for y in [100.0, 200.0] {
            let d = add_node(&mut doc, "database", 480.0, y).unwrap();
            set_replicates(&mut doc, 2, d, true).unwrap();
        }
        assert_eq!(doc.clusters[0].replicas, ["database-1", "database-2", "database-3"]);
        remove_nodes(&mut doc, &set(&[3]));
        assert_eq!(doc.clusters[0].replicas, ["database-1", "database-3"]);
        Topology::build(&doc).expect("no cluster names a deleted node");
        remove_nodes(&mut doc, &set(&[3]));
        assert!(doc.clusters.is_empty(), "a cluster of one is dissolved");
        Topology::build(&doc).expect("validates");
    }

    #[test]
    fn a_read_replica_takes_the_reads_off_the_primary() {
        use RequestClass::{ApiRead, ApiWrite, BackgroundJob, StaticAsset};
        let mut doc = three_tier();
        assert_eq!(add_replica(&mut doc, 1, 0.0, 0.0), Err(EditError::NotADatabase(1)));
        if let NodeSpec::Database(s) = &mut doc.nodes[2].spec {
            s.workers = 7;
            s.crash_at_ms = Some(1_000.0);
        }
        let r = add_replica(&mut doc, 2, 480.0, 120.0).unwrap();
        let NodeSpec::Database(s) = &doc.nodes[r].spec else {
            panic!("the replica is a database");
        };
        assert_eq!(
            (s.workers, s.crash_at_ms),
            (7, None),
            "same configuration, no scheduled crash"
        );
        let c = &doc.clusters[0];
        assert_eq!(c.replicas, ["database-1", "database-2"]);
        assert_eq!((c.mode, c.read_from), (ReplicationMode::Async, ReadFrom::Replica));
        assert_eq!(
            ends(&doc),
            [
                ("client-1", "service-1"),
                ("service-1", "database-1"),
                ("service-1", "database-2")
            ]
        );
        assert_eq!(doc.edges[1].classes, Some(vec![StaticAsset, ApiWrite, BackgroundJob]));
        assert_eq!(doc.edges[2].classes, Some(vec![ApiRead]));
        // A second replica joins the cluster; the service's edge to the primary no longer carries reads.
        add_replica(&mut doc, 2, 480.0, 240.0).unwrap();
        assert_eq!(doc.clusters[0].replicas.len(), 3);
        assert_eq!(doc.edges.len(), 3);

        // It runs: the replica serves the reads, the primary the writes, and the replica lags.
        let mut one = three_tier();
        add_replica(&mut one, 2, 480.0, 120.0).unwrap();
        one.duration_ms = Some(5_000.0);
        one.workload.mix = v1::Mix {
            api_read: 0.5,
            api_write: 0.5,
            ..v1::Mix::default()
        };
        one.workload.keys = v1::Keys::Uniform { count: 5 };
        one.clusters[0].link_latency = v1::Dist::Constant { ms: 50.0 };
        let mut sim = crate::Sim::new(&one, 1).expect("validates");
        sim.run_to_end();
        let report = sim.report();
        let arrivals = |id: &str| report.nodes.iter().find(|n| n.id == id).map_or(0, |n| n.arrivals);
        let (primary, replica) = (arrivals("database-1"), arrivals("database-2"));
        assert!(primary > 100 && replica > 100, "primary {primary}, replica {replica}");
        let db = &report.databases[0];
        assert!(db.all.reads_ok > 100, "{db:?}");
        assert!(db.all.stale_reads > 0, "an async replica lags its primary: {db:?}");
    }

    #[test]
    fn moves_round_to_whole_units() {
        let mut doc = blank();
        add_node(&mut doc, "client", 0.0, 0.0).unwrap();
        move_nodes(&mut doc, &set(&[0, 9]), 10.4, -3.6);
        assert_eq!((doc.nodes[0].x, doc.nodes[0].y), (10.0, -4.0));
    }
}
