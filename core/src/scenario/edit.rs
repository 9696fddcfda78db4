//! Editing a scenario document: the operations the editor offers (add, move, connect, delete, copy and
//! paste), as pure functions on [`v1::Scenario`]. They keep the document well-formed: ids stay unique, and
//! deleting a node deletes the edges and fault entries that name it. Whether the result is a *valid*
//! topology is the validator's call; the editor shows its errors on the nodes they name.

use std::collections::BTreeSet;

use super::v1::{self, Edge, Fault, Node, NodeSpec, RequestClass, Scenario};

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
        }
    }
}

impl std::error::Error for EditError {}

/// The kinds the palette offers, as JSON names, in palette order.
pub const KINDS: [&str; 12] = [
    "client",
    "dns",
    "cdn",
    "load_balancer",
    "service",
    "cache",
    "database",
    "shard_router",
    "directory",
    "queue",
    "worker_pool",
    "proxy",
];

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
/// places each key on its shard, a queue hands each job to one pool).
pub fn shared_class_rule(spec: &NodeSpec) -> Option<&'static str> {
    match spec {
        NodeSpec::Client(_) | NodeSpec::LoadBalancer(_) | NodeSpec::Proxy(_) => {
            Some("picks one of these edges for each request, with its strategy")
        }
        NodeSpec::Cache(_) | NodeSpec::Cdn(_) => Some("takes turns between these edges when it goes to its origin"),
        NodeSpec::Service(_)
        | NodeSpec::Database(_)
        | NodeSpec::Dns(_)
        | NodeSpec::Directory(_)
        | NodeSpec::WorkerPool(_) => Some("calls both, one after the other, for every such request"),
        NodeSpec::ShardRouter(_) | NodeSpec::Queue(_) => None,
    }
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
    }
}

/// A new node's configuration: every parameter at its documented default.
pub fn default_spec(kind: &str) -> Result<NodeSpec, EditError> {
    let mut obj = serde_json::Map::new();
    obj.insert("kind".into(), kind.into());
    // Editor defaults that run well at the default 100 requests per second: a fresh service or database
    // is busy, not saturated (one worker at 10 ms would be at 100% and its queue would grow without bound).
    match kind {
        "cache" | "cdn" => {
            obj.insert("capacity".into(), 1_000.into());
        }
        "service" | "worker_pool" => {
            obj.insert("workers".into(), 4.into());
        }
        "database" => {
            obj.insert("workers".into(), 4.into());
            obj.insert(
                "service_time".into(),
                serde_json::json!({"type": "exponential", "mean_ms": 5}),
            );
        }
        // A new balancer checks its backends, as real ones do: a crashed backend leaves the rotation instead of
        // failing its share of requests (the inspector's checkbox turns the checks off to show that failure).
        "load_balancer" | "proxy" => {
            let checks = super::params::for_kind(kind).iter().find_map(|p| match p.control {
                super::params::Control::Group(default) if p.key == "health_check" => {
                    serde_json::from_str::<serde_json::Value>(default).ok()
                }
                _ => None,
            });
            if let Some(checks) = checks {
                obj.insert("health_check".into(), checks);
            }
        }
        _ => {}
    }
    super::params::from_tree(&serde_json::Value::Object(obj)).map_err(|_| EditError::UnknownKind(kind.to_owned()))
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
    });
    Ok(doc.edges.len() - 1)
}

/// The node ids a fault entry refers to.
fn fault_nodes(f: &Fault) -> Vec<&str> {
    match f {
        Fault::Crash { node, .. } | Fault::Recover { node, .. } | Fault::SetRate { node, .. } => vec![node],
        Fault::SetLatency { from, to, .. } | Fault::SetLoss { from, to, .. } => vec![from, to],
        Fault::AddShard { router, shard, .. } | Fault::RemoveShard { router, shard, .. } => vec![router, shard],
        Fault::Partition { groups, .. } => groups.iter().flatten().map(String::as_str).collect(),
        Fault::Heal { .. } => Vec::new(),
    }
}

/// Deletes the given nodes, every edge touching them and every fault entry naming them.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::Topology;

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
        for kind in KINDS {
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

    #[test]
    fn moves_round_to_whole_units() {
        let mut doc = blank();
        add_node(&mut doc, "client", 0.0, 0.0).unwrap();
        move_nodes(&mut doc, &set(&[0, 9]), 10.4, -3.6);
        assert_eq!((doc.nodes[0].x, doc.nodes[0].y), (10.0, -4.0));
    }
}
