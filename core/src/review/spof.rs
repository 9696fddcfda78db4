//! Single points of failure, found from the graph: the declared nodes whose loss alone stops some client's
//! requests of some class from being served.
//!
//! **What "served" means.** A request of class `c` is served at node `v` when `v` is up and what `v` needs
//! for it is served, where each kind needs what the engine makes it call:
//! - a client, a load balancer, a proxy, a read-through cache (its origin) and a queue (its worker pools) need
//!   **one** of their out-edges that carry `c` (a queue ignores classes, as its dispatch does): they pick one;
//! - a service, database, DNS, directory, worker pool and rate limiter need **every** out-edge that carries
//!   `c`: a station calls each dependency in turn and fails when one fails (a cache-aside cache included);
//! - a client also needs its DNS server, and a shard router its directory (both asked before the call);
//!   a shard router needs one shard (a lost shard fails only its own keys, which the replica rule reports);
//! - a cache-aside cache and a node with no out-edges need nothing more.
//!
//! Plain reachability (is some database still reachable?) would miss most real single points: a service that
//! calls an auth service and a database needs both, so a second path to *a* data node proves nothing. With
//! only pick-one nodes the rule is exactly reachability from the client to the terminal nodes.
//!
//! **Which losses count.** A declared node `v` is a single point of failure when some client's requests of a
//! class it sends were served with every node up and are not with `v` down. Clients are never candidates, and
//! neither is an autoscaling group that never runs fewer than two instances (`group.min >= 2`): one instance
//! lost leaves the others. Other redundancy needs no rule: two balancers a client fails over between, two
//! replicas behind a proxy, are alternatives of a pick-one node, so losing one leaves the other.
//!
//! **How.** The graph is acyclic (validation refuses cycles), so for each class one pass over the declared
//! nodes in post-order computes, for every node `v` that serves the class, `crit(v)`: the set of nodes whose
//! loss stops `v` serving it:
//! `crit(v) = {v} ∪ (⋃ crit(w) over the need-every part) ∪ (⋂ crit(w) over the served options of the
//! need-one part)`. This is exact because being served only ever gets worse as nodes go down: a need-one node
//! fails without `x` exactly when every option that was served fails without `x`. Sets are bit sets, so a
//! class costs O((V + E) · V / 64) word operations, about 10^5 at the node and edge limits (`v1::MAX_NODES`,
//! `v1::MAX_EDGES`), where removing each node and searching again from every client would cost
//! O(V · C · (V + E)). A client's single points are then `crit(client)` for each class it sends.

use crate::node::Behavior;
use crate::scenario::v1::ReadPolicy;
use crate::topology::{EdgeIx, NodeIx, NodeKind, Topology};
use crate::workload::Class;
use std::collections::BTreeMap;

/// The out-edges a declared node has in the scenario (an autoscaling group's instances run copies of them).
pub(super) fn declared_outs(t: &Topology, v: NodeIx) -> &[EdgeIx] {
    t.declared_out.get(&v).unwrap_or(&t.out_edges[v as usize]).as_slice()
}

/// Whether `v` is an autoscaling group that never runs fewer than two instances.
pub(super) fn redundant_group(t: &Topology, v: NodeIx) -> bool {
    t.node(v).elastic.group.as_ref().is_some_and(|g| g.min >= 2)
}

/// The classes of the requests a client sends: its operations' when its workload lists `ops`, its mix's
/// otherwise. As class bits.
pub(super) fn client_classes(t: &Topology, v: NodeIx) -> u8 {
    match &t.node(v).behavior {
        Behavior::Client(c) => match &c.workload.ops {
            Some(ops) => (0..ops.ops.len()).fold(0, |acc, i| acc | ops.class(i as u8).bit()),
            None => c.workload.mix.classes().fold(0, |acc, c| acc | c.bit()),
        },
        _ => 0,
    }
}

/// What a node needs, for requests of one class, besides being up: every node of `all`, and one node of
/// `any` when there is a pick-one part.
#[derive(Debug, Default)]
struct Needs {
    all: Vec<NodeIx>,
    any: Option<Vec<NodeIx>>,
}

fn needs(t: &Topology, v: NodeIx, class: Class) -> Needs {
    let outs = declared_outs(t, v);
    let to = |e: &EdgeIx| t.edge(*e).to;
    let carrying = || outs.iter().filter(|&&e| t.edge(e).admits(class)).map(to);
    let kind_of = |e: &EdgeIx| t.node(to(e)).kind;
    // An autoscaling group's node balances over its instances; each instance calls the declared edges.
    if t.node(v).elastic.group.is_some() {
        return Needs {
            all: carrying().collect(),
            any: None,
        };
    }
    match &t.node(v).behavior {
        Behavior::Client(_) => Needs {
            all: outs
                .iter()
                .find(|e| kind_of(e) == NodeKind::Dns)
                .map(to)
                .into_iter()
                .collect(),
            any: Some(
                outs.iter()
                    .filter(|&&e| t.edge(e).admits(class) && kind_of(&e) != NodeKind::Dns)
                    .map(to)
                    .collect(),
            ),
        },
        Behavior::Balancer(_) => Needs {
            all: Vec::new(),
            any: Some(carrying().collect()),
        },
        Behavior::Cache(c) if c.read == ReadPolicy::CacheAside => Needs::default(),
        Behavior::Cache(_) => Needs {
            all: Vec::new(),
            any: Some(carrying().collect()),
        },
        Behavior::Queue(_) => Needs {
            all: Vec::new(),
            any: Some(outs.iter().map(to).collect()),
        },
        Behavior::ShardRouter(_) => Needs {
            all: outs
                .iter()
                .find(|e| kind_of(e) == NodeKind::Directory)
                .map(to)
                .into_iter()
                .collect(),
            any: Some(
                outs.iter()
                    .filter(|e| kind_of(e) != NodeKind::Directory)
                    .map(to)
                    .collect(),
            ),
        },
        Behavior::Station => Needs {
            all: carrying().collect(),
            any: None,
        },
    }
}

/// The declared nodes, each after every node it has an edge to.
fn post_order(t: &Topology, n: usize) -> Vec<NodeIx> {
    let mut seen = vec![false; n];
    let mut order = Vec::with_capacity(n);
    let mut stack: Vec<(NodeIx, usize)> = Vec::new();
    for start in 0..n as NodeIx {
        if seen[start as usize] {
            continue;
        }
        seen[start as usize] = true;
        stack.push((start, 0));
        while let Some(&(v, i)) = stack.last() {
            match declared_outs(t, v).get(i) {
                Some(&e) => {
                    stack.last_mut().expect("not empty").1 += 1;
                    let w = t.edge(e).to;
                    if !seen[w as usize] {
                        seen[w as usize] = true;
                        stack.push((w, 0));
                    }
                }
                None => {
                    order.push(v);
                    stack.pop();
                }
            }
        }
    }
    order
}

/// The single points of failure: for each (node, client) pair where losing the node stops requests the client
/// sends, the classes it stops, as bits. In node order, then client order.
pub(super) fn find(t: &Topology) -> BTreeMap<(NodeIx, NodeIx), u8> {
    let n = t.declared_nodes();
    let words = n.div_ceil(64);
    let order = post_order(t, n);
    let clients: Vec<(NodeIx, u8)> = (0..n as NodeIx)
        .filter(|&v| t.node(v).kind == NodeKind::Client)
        .map(|v| (v, client_classes(t, v)))
        .collect();
    let mut out = BTreeMap::new();
    let mut served = vec![false; n];
    let mut crit = vec![0u64; n * words];
    let (mut acc, mut inter) = (vec![0u64; words], vec![0u64; words]);
    for class in Class::ALL {
        if !clients.iter().any(|&(_, bits)| bits & class.bit() != 0) {
            continue;
        }
        for &v in &order {
            let need = needs(t, v, class);
            acc.fill(0);
            let mut ok = need.all.iter().all(|&w| served[w as usize]);
            if ok {
                for &w in &need.all {
                    or_into(&mut acc, &crit[w as usize * words..][..words]);
                }
            }
            if let (true, Some(any)) = (ok, &need.any) {
                let mut options = any.iter().filter(|&&w| served[w as usize]);
                match options.next() {
                    None => ok = false,
                    Some(&first) => {
                        inter.copy_from_slice(&crit[first as usize * words..][..words]);
                        for &w in options {
                            for (a, b) in inter.iter_mut().zip(&crit[w as usize * words..][..words]) {
                                *a &= b;
                            }
                        }
                        or_into(&mut acc, &inter);
                    }
                }
            }
            let vi = v as usize;
            if ok && t.node(v).kind != NodeKind::Client && !redundant_group(t, v) {
                acc[vi / 64] |= 1 << (vi % 64);
            }
            served[vi] = ok;
            crit[vi * words..][..words].copy_from_slice(&acc);
        }
        for &(c, bits) in &clients {
            if bits & class.bit() == 0 || !served[c as usize] {
                continue;
            }
            for (wi, &word) in crit[c as usize * words..][..words].iter().enumerate() {
                let mut word = word;
                while word != 0 {
                    let x = (wi * 64 + word.trailing_zeros() as usize) as NodeIx;
                    word &= word - 1;
                    *out.entry((x, c)).or_insert(0) |= class.bit();
                }
            }
        }
    }
    out
}

fn or_into(acc: &mut [u64], other: &[u64]) {
    for (a, b) in acc.iter_mut().zip(other) {
        *a |= b;
    }
}
