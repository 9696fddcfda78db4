//! Validation of a `scenario::v1` document into a [`Topology`]: every rule, and the typed errors that name
//! what broke it. All problems are collected, so an editor can mark every offending node at once.

use super::check::{validate_workload, Errors};
use super::*;
use crate::capacity::sizing::SizingError;
use crate::limits::{
    loss_ok, MAX_CACHE_CAPACITY, MAX_COORD, MAX_REQUESTS, MAX_TIME_MS, MAX_TOTAL_CACHE_CAPACITY, MAX_TOTAL_USERS,
    MAX_USERS, MAX_ZOOM, MIN_PARTITION_GROUPS, MIN_ZOOM,
};
use crate::node::Check;
use std::collections::BTreeSet;

pub(super) fn build(s: &v1::Scenario) -> Result<Topology, Vec<ValidationError>> {
    let mut errs = Errors(Vec::new());
    // Size limits first: nothing else is looked at in an oversized document.
    if s.nodes.len() > v1::MAX_NODES {
        errs.push(
            Location::Scenario,
            Problem::TooManyNodes {
                count: s.nodes.len(),
                limit: v1::MAX_NODES,
            },
        );
    }
    if s.edges.len() > v1::MAX_EDGES {
        errs.push(
            Location::Scenario,
            Problem::TooManyEdges {
                count: s.edges.len(),
                limit: v1::MAX_EDGES,
            },
        );
    }
    if s.faults.len() > v1::MAX_FAULTS {
        errs.push(
            Location::Scenario,
            Problem::TooManyFaults {
                count: s.faults.len(),
                limit: v1::MAX_FAULTS,
            },
        );
    }
    if !errs.0.is_empty() {
        return Err(errs.0);
    }
    if s.nodes.is_empty() {
        errs.push(Location::Scenario, Problem::NoNodes);
        return Err(errs.0);
    }
    check_run(s, &mut errs);
    crate::node::storage::ops_ok(&s.workload, &Location::Workload(None), &mut errs);
    if let Some(w) = validate_workload(&s.workload, &Location::Workload(None), &mut errs) {
        let _ = w;
    }

    // Nodes.
    let mut index = BTreeMap::new();
    let mut nodes = Vec::with_capacity(s.nodes.len());
    for n in &s.nodes {
        let loc = Location::Node(n.id.clone());
        if n.id.is_empty() {
            errs.push(loc.clone(), Problem::EmptyId);
        }
        errs.text(&loc, "id", &n.id, MAX_ID_LEN);
        errs.text(&loc, "label", n.label.as_deref().unwrap_or(""), MAX_TEXT_LEN);
        errs.text(&loc, "region", n.region.as_deref().unwrap_or(""), MAX_TEXT_LEN);
        if !n.x.is_finite() || !n.y.is_finite() {
            errs.bad(&loc, "x/y", "coordinates must be finite numbers");
        } else {
            for (field, v) in [("x", n.x), ("y", n.y)] {
                if v.abs() > MAX_COORD {
                    errs.range(&loc, field, v, (-MAX_COORD, MAX_COORD), "");
                }
            }
        }
        if index.insert(n.id.clone(), nodes.len() as NodeIx).is_some() {
            errs.push(loc.clone(), Problem::DuplicateId);
        }
        if let Some(def) = build_node(n, s, &loc, &mut errs) {
            nodes.push(def);
        } else {
            // Keep indices aligned even when a node is broken; the build fails anyway.
            nodes.push(placeholder(n));
        }
    }

    // Caches one by one are checked in `build_node`; together they share one bound.
    let cached: u64 = s
        .nodes
        .iter()
        .map(|n| match &n.spec {
            v1::NodeSpec::Cache(c) | v1::NodeSpec::Cdn(c) => c.capacity.min(MAX_CACHE_CAPACITY),
            v1::NodeSpec::ShardRouter(r) => r
                .directory_cache
                .as_ref()
                .map_or(0, |c| c.capacity.min(MAX_CACHE_CAPACITY)),
            _ => 0,
        })
        .sum::<u64>()
        // Key-value engines with a memory limit track the keys they hold like a cache.
        + nodes
            .iter()
            .filter_map(|d: &NodeDef| d.engine.as_deref().and_then(|e| e.capacity))
            .map(|c| c.min(MAX_CACHE_CAPACITY))
            .sum::<u64>();
    // Each client's users are checked in `build_node`; together they share one bound.
    let users: u64 = s
        .nodes
        .iter()
        .map(|n| match &n.spec {
            v1::NodeSpec::Client(c) => c.sessions.as_ref().map_or(0, |u| u64::from(u.users.min(MAX_USERS))),
            _ => 0,
        })
        .sum();
    if users > MAX_TOTAL_USERS {
        errs.range(
            &Location::Scenario,
            "users of all clients together",
            users as f64,
            (0.0, MAX_TOTAL_USERS as f64),
            "users",
        );
    }
    if cached > MAX_TOTAL_CACHE_CAPACITY {
        errs.range(
            &Location::Scenario,
            "capacity of all caches together",
            cached as f64,
            (0.0, MAX_TOTAL_CACHE_CAPACITY as f64),
            "objects",
        );
    }

    // Edges.
    let mut edges = Vec::with_capacity(s.edges.len());
    let mut out_edges = vec![Vec::new(); nodes.len()];
    let mut seen = BTreeSet::new();
    for e in &s.edges {
        let loc = Location::Edge {
            from: e.from.clone(),
            to: e.to.clone(),
        };
        let from = index.get(&e.from).copied();
        let to = index.get(&e.to).copied();
        for (id, ix) in [(&e.from, from), (&e.to, to)] {
            if ix.is_none() {
                errs.push(loc.clone(), Problem::DanglingEdge { missing: truncate(id) });
            }
        }
        errs.dist(&loc, "latency", &dist_from_v1(&e.latency));
        if !loss_ok(e.loss) {
            errs.bad(
                &loc,
                "loss",
                format!("must be a probability between 0 and 1, got {}", e.loss),
            );
        }
        let classes = match &e.classes {
            None => 0b1111,
            Some(list) if list.is_empty() => {
                errs.bad(
                    &loc,
                    "classes",
                    "an empty class list would carry nothing; omit it to carry every class",
                );
                0
            }
            Some(list) => list.iter().fold(0u8, |acc, c| acc | Class::from(*c).bit()),
        };
        let (Some(from), Some(to)) = (from, to) else { continue };
        if from == to {
            errs.push(loc.clone(), Problem::SelfLoop);
        }
        if !seen.insert((from, to)) {
            errs.push(loc.clone(), Problem::DuplicateEdge);
        }
        if nodes[to as usize].kind == NodeKind::Client {
            errs.push(loc.clone(), Problem::EdgeIntoClient);
        }
        if e.weight == Some(0) || e.weight.is_some_and(|w| w > 10_000) {
            errs.bad(&loc, "weight", "must be between 1 and 10000");
        }
        let policy = e.policy.as_ref().map(|pol| {
            if !s.nodes[from as usize].spec.calls_with_policy() {
                errs.bad(
                    &loc,
                    "policy",
                    format!(
                        "call policies are for calls a service makes to its dependencies, not from a {} \
                         (a client has its own timeout_ms and retry)",
                        nodes[from as usize].kind.name()
                    ),
                );
            }
            Box::new(pol.build(&loc, &mut errs))
        });
        out_edges[from as usize].push(edges.len() as EdgeIx);
        edges.push(EdgeDef {
            from,
            to,
            latency: dist_from_v1(&e.latency),
            loss: e.loss,
            classes,
            weight: e.weight.unwrap_or(1),
            policy,
        });
    }

    let realtime = s.realtime.as_ref().and_then(|r| {
        crate::realtime::Plan::from_v1(r, s.duration_ms)
            .map_err(|(field, message)| errs.push(Location::Realtime, Problem::BadParameter { field, message }))
            .ok()
    });
    let mut topo = Topology {
        nodes,
        edges,
        out_edges,
        clusters: Vec::new(),
        index,
        declared_out: BTreeMap::new(),
        copies: BTreeMap::new(),
        realtime,
    };
    topo.clusters = super::cluster::build(s, &topo, &mut errs.0);
    check_session_stores(s, &mut topo, &mut errs);
    check_cycles(&topo, &mut errs);
    check_routes(&topo, &mut errs);
    check_faults(s, &topo, &mut errs);
    if errs.0.is_empty() {
        check_shards(s, &topo, &mut errs);
    }
    if errs.0.is_empty() {
        expand_groups(&mut topo);
        Ok(topo)
    } else {
        Err(errs.0)
    }
}

/// Each autoscaling group becomes what the engine runs: the group's node balances over `max` instance nodes
/// (appended after the scenario's nodes, `<id>#<k>`), each a copy of the service with copies of the group's
/// out-edges; the group's own out-edges stay in `edges` (faults and the page name them) as templates. Instances
/// the group has not launched are down.
fn expand_groups(t: &mut Topology) {
    for g in 0..t.nodes.len() {
        let Some(cfg) = t.nodes[g].elastic.group.clone() else {
            continue;
        };
        let declared = std::mem::take(&mut t.out_edges[g]);
        let template = t.nodes[g].clone();
        let mut backends = Vec::with_capacity(cfg.max as usize);
        for k in 1..=cfg.max {
            let ix = t.nodes.len() as NodeIx;
            let id = format!("{}#{k}", template.id);
            if !t.index.contains_key(&id) {
                t.index.insert(id.clone(), ix);
            }
            t.nodes.push(NodeDef {
                id,
                label: format!("{} #{k}", template.label),
                elastic: ElasticCfg {
                    group: None,
                    replace: None,
                    ..template.elastic.clone()
                },
                crash_at: None,
                member_of: Some(g as NodeIx),
                ..template.clone()
            });
            backends.push(t.edges.len() as EdgeIx);
            t.edges.push(EdgeDef {
                from: g as NodeIx,
                to: ix,
                latency: Dist::ZERO,
                loss: 0.0,
                classes: 0b1111,
                weight: 1,
                policy: None,
            });
            let mut outs = Vec::with_capacity(declared.len());
            for &d in &declared {
                let copy = t.edges.len() as EdgeIx;
                t.copies.entry(d).or_default().push(copy);
                t.edges.push(EdgeDef {
                    from: ix,
                    ..t.edges[d as usize].clone()
                });
                outs.push(copy);
            }
            t.out_edges.push(outs);
        }
        t.out_edges[g] = backends;
        t.declared_out.insert(g as NodeIx, declared);
        // Sessions in instances' memory need each user sent back to the instance that holds theirs.
        let memory = template
            .sessions
            .as_ref()
            .is_some_and(|c| c.store == crate::node::station::SessionStore::Memory);
        let strategy = match cfg.routing {
            _ if memory => Strategy::Sticky,
            crate::node::group::GroupRouting::RoundRobin => Strategy::RoundRobin,
            crate::node::group::GroupRouting::LeastOutstanding => Strategy::LeastConnections,
        };
        let n = &mut t.nodes[g];
        n.behavior = Behavior::Balancer(BalanceCfg {
            strategy,
            balance_factor: 1.25,
            health: None,
            outlier: None,
        });
        n.service_time = Dist::ZERO;
        n.workers = None;
        n.queue_capacity = None;
        n.index = None;
        n.admission = AdmissionCfg::default();
        // Its instances keep the sessions; the balancer in front of them keeps none.
        n.sessions = None;
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(MAX_ID_LEN).collect()
}

fn check_run(s: &v1::Scenario, errs: &mut Errors) {
    let loc = Location::Scenario;
    errs.text(&loc, "name", &s.name, MAX_TEXT_LEN);
    errs.text(&loc, "description", &s.description, MAX_DESCRIPTION_LEN);
    errs.text(&loc, "challenge", s.challenge.as_deref().unwrap_or(""), MAX_ID_LEN);
    errs.ms(&loc, "duration_ms", s.duration_ms, false);
    match s.requests {
        Some(0) => errs.bad(&loc, "requests", "must be at least 1"),
        Some(n) if n > MAX_REQUESTS => errs.bad(&loc, "requests", format!("{n} is above the limit of {MAX_REQUESTS}")),
        _ => {}
    }
    if let Some(sizing) = &s.sizing {
        match sizing.check() {
            Ok(()) => {}
            Err(SizingError::NotFinite { field }) => errs.bad(&loc, field, "must be a finite number"),
            Err(SizingError::OutOfRange {
                field, value, min, max, ..
            }) => errs.range(&loc, field, value, (min, max), ""),
            Err(SizingError::PeakTooHigh { peak_rps }) => errs.range(
                &loc,
                "sizing's peak rate",
                peak_rps,
                (0.0, crate::limits::MAX_RATE_RPS),
                "requests/s",
            ),
        }
    }
    if let Some(m) = &s.metrics {
        if !(m.bucket_ms.is_finite() && m.bucket_ms >= 1.0) {
            errs.bad(
                &loc,
                "metrics.bucket_ms",
                format!("must be at least 1 ms, got {}", m.bucket_ms),
            );
        } else if m.bucket_ms > MAX_TIME_MS {
            errs.range(&loc, "metrics.bucket_ms", m.bucket_ms, (1.0, MAX_TIME_MS), "ms");
        }
    }
    if let Some(v) = &s.view {
        if !(v.zoom.is_finite() && v.zoom > 0.0 && v.pan_x.is_finite() && v.pan_y.is_finite()) {
            errs.bad(&loc, "view", "zoom must be positive and pan finite");
        } else {
            if !(MIN_ZOOM..=MAX_ZOOM).contains(&v.zoom) {
                errs.range(&loc, "view.zoom", v.zoom, (MIN_ZOOM, MAX_ZOOM), "");
            }
            for (field, p) in [("view.pan_x", v.pan_x), ("view.pan_y", v.pan_y)] {
                if p.abs() > MAX_COORD {
                    errs.range(&loc, field, p, (-MAX_COORD, MAX_COORD), "");
                }
            }
        }
    }
}

fn build_node(n: &v1::Node, s: &v1::Scenario, loc: &Location, errs: &mut Errors) -> Option<NodeDef> {
    let before = errs.0.len();
    let built = n.spec.build(&mut Check {
        kind: n.spec.kind(),
        id: &n.id,
        loc,
        errs,
        workload: &s.workload,
    });
    let def = NodeDef {
        behavior: built.behavior,
        service_time: built.service_time,
        workers: built.workers,
        queue_capacity: built.queue_capacity,
        crash_at: built.crash_at,
        index: built.index,
        engine: built.engine,
        admission: built.admission,
        elastic: built.elastic,
        sessions: built.sessions,
        ..placeholder(n)
    };
    (errs.0.len() == before).then_some(def)
}

fn placeholder(n: &v1::Node) -> NodeDef {
    let kind = n.spec.kind();
    NodeDef {
        id: n.id.clone(),
        label: n.label.clone().unwrap_or_else(|| n.id.clone()),
        region: n.region.clone(),
        kind,
        behavior: Behavior::Station,
        service_time: Dist::ZERO,
        workers: None,
        queue_capacity: None,
        crash_at: None,
        index: None,
        engine: None,
        admission: AdmissionCfg::default(),
        elastic: ElasticCfg::default(),
        member_of: None,
        sessions: None,
    }
}

/// A service that keeps sessions in a shared store calls the store: its `store_node` must be one of its
/// dependencies, a database or a service. Records the store edge's position for the engine.
fn check_session_stores(s: &v1::Scenario, t: &mut Topology, errs: &mut Errors) {
    for (i, n) in s.nodes.iter().enumerate() {
        let v1::NodeSpec::Service(spec) = &n.spec else { continue };
        let Some(id) = spec.sessions.as_ref().and_then(|x| x.store_node.as_ref()) else {
            continue;
        };
        let loc = Location::Node(n.id.clone());
        let field = "sessions.store_node";
        let Some(store) = t.node_ix(id) else {
            errs.bad(&loc, field, format!("\"{}\" is not a node", truncate(id)));
            continue;
        };
        let Some(pos) = t.out_edges[i].iter().position(|&e| t.edges[e as usize].to == store) else {
            errs.bad(
                &loc,
                field,
                format!("\"{id}\" is not a dependency of \"{}\": add an edge to it", n.id),
            );
            continue;
        };
        let kind = t.nodes[store as usize].kind;
        if !matches!(kind, NodeKind::Database | NodeKind::Service) {
            errs.bad(
                &loc,
                field,
                format!("a session store is a database or a service, not a {kind}"),
            );
        }
        if let Some(cfg) = t.nodes[i].sessions.as_mut() {
            cfg.store_pos = Some(pos as u32);
        }
    }
}

/// Requests flow along edges; a cycle would let one bounce forever. Iterative DFS with colours.
fn check_cycles(t: &Topology, errs: &mut Errors) {
    let n = t.nodes.len();
    let mut colour = vec![0u8; n]; // 0 white, 1 on stack, 2 done
    for start in 0..n {
        if colour[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        colour[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&e) = t.out_edges[node].get(*next) {
                *next += 1;
                let to = t.edges[e as usize].to as usize;
                match colour[to] {
                    0 => {
                        colour[to] = 1;
                        stack.push((to, 0));
                    }
                    1 => {
                        let pos = stack.iter().position(|&(v, _)| v == to).unwrap_or(0);
                        let mut path: Vec<String> = stack[pos..].iter().map(|&(v, _)| t.nodes[v].id.clone()).collect();
                        path.push(t.nodes[to].id.clone());
                        errs.push(Location::Node(t.nodes[to].id.clone()), Problem::Cycle { path });
                        return;
                    }
                    _ => {}
                }
            } else {
                colour[node] = 2;
                stack.pop();
            }
        }
    }
}

fn check_routes(t: &Topology, errs: &mut Errors) {
    let mut any_client = false;
    for (i, node) in t.nodes.iter().enumerate() {
        let loc = Location::Node(node.id.clone());
        let outs: Vec<&EdgeDef> = t.out_edges[i].iter().map(|&e| &t.edges[e as usize]).collect();
        let non_dns = || outs.iter().filter(|e| t.nodes[e.to as usize].kind != NodeKind::Dns);
        match &node.behavior {
            Behavior::Client(c) => {
                any_client = true;
                for class in c.workload.mix.classes() {
                    if !non_dns().any(|e| e.admits(class)) {
                        errs.push(
                            loc.clone(),
                            Problem::MissingRoute {
                                what: format!("no edge carries its {} requests", class.name()),
                            },
                        );
                    }
                }
            }
            Behavior::Balancer(_) | Behavior::ShardRouter(_) | Behavior::Cache(_) => {
                let shards = || {
                    outs.iter()
                        .filter(|e| t.nodes[e.to as usize].kind != NodeKind::Directory)
                };
                let none = match node.behavior {
                    Behavior::ShardRouter(_) => shards().next().is_none(),
                    _ => outs.is_empty(),
                };
                let aside = matches!(&node.behavior, Behavior::Cache(c) if c.read == v1::ReadPolicy::CacheAside);
                if none && !aside {
                    let what = match node.behavior {
                        Behavior::Cache(_) => "a cache needs an origin behind it for misses",
                        Behavior::ShardRouter(_) => "a shard router needs at least one shard",
                        _ => "it has no backends to forward to",
                    };
                    errs.push(loc, Problem::MissingRoute { what: what.to_string() });
                }
            }
            Behavior::Queue(_) => {
                if outs.is_empty() {
                    errs.push(
                        loc,
                        Problem::MissingRoute {
                            what: "a queue needs a worker pool to drain it".into(),
                        },
                    );
                } else if let Some(e) = outs
                    .iter()
                    .find(|e| t.nodes[e.to as usize].kind != NodeKind::WorkerPool)
                {
                    errs.push(
                        loc,
                        Problem::MissingRoute {
                            what: format!("a queue feeds worker pools only, not \"{}\"", t.nodes[e.to as usize].id),
                        },
                    );
                }
            }
            Behavior::Station => {}
        }
    }
    if !any_client && errs.0.is_empty() {
        errs.push(Location::Scenario, Problem::NoClient);
    }
}

fn check_faults(s: &v1::Scenario, t: &Topology, errs: &mut Errors) {
    for (i, f) in s.faults.iter().enumerate() {
        let loc = Location::Fault(i);
        errs.ms(&loc, "at_ms", Some(f.at_ms()), true);
        let node = |id: &String, errs: &mut Errors| {
            let ix = t.node_ix(id);
            if ix.is_none() {
                errs.push(loc.clone(), Problem::UnknownNode { id: truncate(id) });
            }
            ix
        };
        match f {
            v1::Fault::Crash { node: id, .. } | v1::Fault::Recover { node: id, .. } => {
                node(id, errs);
            }
            v1::Fault::Scale { node: id, desired, .. } => {
                if let Some(ix) = node(id, errs) {
                    match &t.node(ix).elastic.group {
                        None => errs.bad(
                            &loc,
                            "node",
                            format!("scale needs a service with an autoscaling group, \"{id}\" has none"),
                        ),
                        Some(g) if *desired < g.min || *desired > g.max => errs.bad(
                            &loc,
                            "desired",
                            format!(
                                "must be between the group's min ({}) and max ({}), got {desired}",
                                g.min, g.max
                            ),
                        ),
                        Some(_) => {}
                    }
                }
            }
            v1::Fault::Resize {
                node: id, restart_ms, ..
            } => {
                if let Some(ix) = node(id, errs) {
                    let n = t.node(ix);
                    if n.kind != NodeKind::Service || n.elastic.group.is_some() {
                        errs.bad(
                            &loc,
                            "node",
                            format!(
                                "resize needs a service outside an autoscaling group (a group grows by its size), \"{id}\" is not one"
                            ),
                        );
                    }
                }
                errs.ms(&loc, "restart_ms", *restart_ms, true);
            }
            v1::Fault::SetRate { node: id, rate_rps, .. } => {
                if let Some(ix) = node(id, errs) {
                    if t.node(ix).kind != NodeKind::Client {
                        errs.bad(
                            &loc,
                            "node",
                            format!("set_rate needs a client, \"{id}\" is a {}", t.node(ix).kind),
                        );
                    }
                }
                errs.rate(&loc, "rate_rps", *rate_rps);
            }
            v1::Fault::SetLatency { from, to, latency, .. } => {
                if let (Some(a), Some(b)) = (node(from, errs), node(to, errs)) {
                    if t.edge_ix(a, b).is_none() {
                        errs.push(loc.clone(), Problem::UnknownEdge);
                    }
                }
                errs.dist(&loc, "latency", &dist_from_v1(latency));
            }
            v1::Fault::AddShard { router, shard, .. } | v1::Fault::RemoveShard { router, shard, .. } => {
                if let (Some(r), Some(sh)) = (node(router, errs), node(shard, errs)) {
                    if !matches!(t.node(r).behavior, Behavior::ShardRouter(_)) {
                        errs.bad(
                            &loc,
                            "router",
                            format!("\"{router}\" is a {}, not a shard router", t.node(r).kind),
                        );
                    } else if t.edge_ix(r, sh).is_none() || t.node(sh).kind == NodeKind::Directory {
                        errs.bad(
                            &loc,
                            "shard",
                            format!("\"{shard}\" is not a shard of \"{router}\" (no edge to it)"),
                        );
                    }
                }
            }
            v1::Fault::SetLoss { from, to, loss, .. } => {
                if let (Some(a), Some(b)) = (node(from, errs), node(to, errs)) {
                    if t.edge_ix(a, b).is_none() {
                        errs.push(loc.clone(), Problem::UnknownEdge);
                    }
                }
                if !loss_ok(*loss) {
                    errs.bad(
                        &loc,
                        "loss",
                        format!("must be a probability between 0 and 1, got {loss}"),
                    );
                }
            }
            v1::Fault::Partition { groups, .. } => {
                let mut seen = BTreeSet::new();
                if groups.len() < MIN_PARTITION_GROUPS {
                    errs.bad(&loc, "groups", "a partition needs at least two groups");
                }
                for id in groups.iter().flatten() {
                    if let Some(ix) = node(id, errs) {
                        if !seen.insert(ix) {
                            errs.bad(
                                &loc,
                                "groups",
                                format!("\"{}\" is in more than one group", truncate(id)),
                            );
                        }
                    }
                }
            }
            v1::Fault::Heal { .. } => {}
        }
    }
}

/// The shards a router starts with: its out-edges to non-directory nodes, less those a fault adds later.
pub(crate) fn initial_shards(s: &v1::Scenario, t: &Topology, router: NodeIx) -> Vec<EdgeIx> {
    let added: BTreeSet<NodeIx> = s
        .faults
        .iter()
        .filter_map(|f| match f {
            v1::Fault::AddShard { router: r, shard, .. } if t.node_ix(r) == Some(router) => t.node_ix(shard),
            _ => None,
        })
        .collect();
    t.out_edges[router as usize]
        .iter()
        .copied()
        .filter(|&e| {
            let to = t.edges[e as usize].to;
            t.nodes[to as usize].kind != NodeKind::Directory && !added.contains(&to)
        })
        .collect()
}

/// Each shard router's placement must build over the shards it starts with.
fn check_shards(s: &v1::Scenario, t: &Topology, errs: &mut Errors) {
    for (i, node) in t.nodes.iter().enumerate() {
        let Behavior::ShardRouter(cfg) = &node.behavior else {
            continue;
        };
        let loc = Location::Node(node.id.clone());
        let n = initial_shards(s, t, i as NodeIx).len() as u32;
        if n == 0 {
            errs.bad(
                &loc,
                "shards",
                "every shard is added by a fault later: it needs one to start with",
            );
            continue;
        }
        if let Some(p) = &cfg.split_points {
            if p.len() + 1 != n as usize {
                errs.bad(
                    &loc,
                    "split_points",
                    format!(
                        "{} split points make {} ranges, but it starts with {n} shards",
                        p.len(),
                        p.len() + 1
                    ),
                );
                continue;
            }
        }
        if let Some(Err(e)) = cfg.partitioner(n) {
            let field = match e {
                crate::partition::PartitionError::BadSplitPoints { .. } => "split_points",
                _ => "scheme",
            };
            errs.bad(&loc, field, e.to_string());
        }
    }
}
