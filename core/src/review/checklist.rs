//! The checklist: common omissions, each read from one node's or one call's configuration.
//!
//! - `no_health_check`: a load balancer or proxy, or a client balancing itself, with two or more backends
//!   that carry a common class (so it really chooses between them) and neither active health checks nor
//!   outlier ejection: a crashed backend keeps its share of requests, which fail. With the `failover`
//!   strategy it never fails over at all.
//! - `database_without_replica`: a database that is not in a cluster of two or more replicas, and is not one
//!   of two or more databases a balancer (or a client) chooses between for the same requests (read replicas
//!   behind a proxy): nothing else holds its data. A shard counts: a lost shard fails its keys.
//! - `cache_without_ttl_or_invalidation`: a cache or CDN with no `ttl_ms` and `invalidate` off: a changed key
//!   is served stale for good. Either one alone keeps it fresh enough, so only both missing fires.
//! - `retry_without_budget_or_jitter`: a client's `retry`, or a call policy's, that may retry (`max_retries`
//!   above 0) with no `budget` (retries multiply the load on a struggling backend: a retry storm) or with
//!   `jitter: none` (retries arrive in synchronised waves).
//! - `no_timeout`: a client with no `timeout_ms` (each attempt waits as long as the system takes), and a
//!   call policy that retries with no `timeout_ms` (only errors are retried; a slow dependency holds the
//!   call). Calls between services with no policy at all are left alone: the client's timeout bounds what the
//!   user waits, and flagging every service-to-database edge would flag nearly every design.
//! - `queue_without_redelivery`: a queue with no `visibility_timeout_ms`, which loses the task of a worker that
//!   dies holding it. The checklist's "queue without a dead-letter queue" has no counterpart here: in this
//!   model every queue dead-letters a task after `max_attempts` failed deliveries (3 by default) and reports
//!   it, so no queue lacks one; losing tasks silently is the failure the model can show instead.

use super::spof::declared_outs;
use super::{Findings, Rule};
use crate::node::calls::RetryCfg;
use crate::node::Behavior;
use crate::routing::Strategy;
use crate::scenario::v1::{Jitter, NodeKind};
use crate::topology::{EdgeIx, NodeIx, Topology};

/// Runs every checklist rule over the declared nodes and their declared calls.
pub(super) fn run(out: &mut Findings) {
    let t = out.t;
    for v in 0..t.declared_nodes() as NodeIx {
        health_checks(out, v);
        replica(out, v);
        cache_freshness(out, v);
        let node = t.node(v);
        if let Behavior::Client(c) = &node.behavior {
            if let Some(r) = &c.retry {
                if let Some(reason) = retry_reason(r, &format!("{} retries", node.id), "backend") {
                    out.node(v, Rule::RetryWithoutBudgetOrJitter, reason);
                }
            }
            if c.timeout_ns.is_none() {
                out.node(
                    v,
                    Rule::NoTimeout,
                    format!(
                        "{} has no timeout_ms: when a backend slows down or hangs, each call waits as long as it \
                         takes and is never retried",
                        node.id
                    ),
                );
            }
        }
        if let Behavior::Queue(q) = &node.behavior {
            if q.visibility_ns.is_none() {
                out.node(
                    v,
                    Rule::QueueWithoutRedelivery,
                    format!(
                        "{} has no visibility_timeout_ms: a task whose worker dies is lost, never delivered \
                         again",
                        node.id
                    ),
                );
            }
        }
        for &e in declared_outs(t, v) {
            calls(out, e);
        }
    }
}

/// Whether two of `edges` carry a common class: the node really chooses between them.
fn chooses(t: &Topology, edges: &[EdgeIx]) -> bool {
    edges.iter().enumerate().any(|(i, &a)| {
        edges[i + 1..]
            .iter()
            .any(|&b| t.edge(a).classes & t.edge(b).classes != 0)
    })
}

/// A balancer's (or a balancing client's) backends: its declared out-edges but a client's DNS.
fn backends(t: &Topology, v: NodeIx) -> Vec<EdgeIx> {
    declared_outs(t, v)
        .iter()
        .copied()
        .filter(|&e| t.node(t.edge(e).to).kind != NodeKind::Dns)
        .collect()
}

/// The balancing settings of a node that chooses among backends: a load balancer, a proxy or a client (an
/// autoscaling group's node balances too, but checks its instances itself).
fn balancing(t: &Topology, v: NodeIx) -> Option<&crate::topology::BalanceCfg> {
    let n = t.node(v);
    match &n.behavior {
        Behavior::Balancer(b) if matches!(n.kind, NodeKind::LoadBalancer | NodeKind::Proxy) => Some(b),
        Behavior::Client(c) => Some(&c.balance),
        _ => None,
    }
}

fn health_checks(out: &mut Findings, v: NodeIx) {
    let t = out.t;
    let Some(b) = balancing(t, v) else { return };
    let edges = backends(t, v);
    if b.health.is_some() || b.outlier.is_some() || !chooses(t, &edges) {
        return;
    }
    let id = &t.node(v).id;
    let reason = if b.strategy == Strategy::Failover {
        format!(
            "{id} fails over between {} backends but has no health checks: it never learns the first one is down, \
             so it never fails over",
            edges.len()
        )
    } else {
        format!(
            "{id} spreads requests over {} backends with no health checks: a crashed one keeps getting its share, \
             and those requests fail",
            edges.len()
        )
    };
    out.node(v, Rule::NoHealthCheck, reason);
}

fn replica(out: &mut Findings, v: NodeIx) {
    let t = out.t;
    if t.node(v).kind != NodeKind::Database {
        return;
    }
    let cluster = t.clusters.iter().find(|c| c.replicas.contains(&v));
    if cluster.is_some_and(|c| c.replicas.len() >= 2) {
        return;
    }
    // One of several databases a balancer or client chooses between for the same requests: read replicas.
    let interchangeable = (0..t.declared_nodes() as NodeIx).any(|u| {
        if balancing(t, u).is_none() {
            return false;
        }
        let outs = declared_outs(t, u);
        outs.iter().filter(|&&e| t.edge(e).to == v).any(|&e| {
            outs.iter().any(|&o| {
                let w = t.edge(o).to;
                w != v && t.node(w).kind == NodeKind::Database && t.edge(o).classes & t.edge(e).classes != 0
            })
        })
    });
    if interchangeable {
        return;
    }
    let id = &t.node(v).id;
    let reason = match cluster {
        Some(c) => format!(
            "{id} is the only replica of cluster {}: no other copy of its data can take over when it fails",
            c.id
        ),
        None => format!(
            "{id} holds the only copy of its data: no replica can take over when it fails (put it in a cluster \
             with replicas)"
        ),
    };
    out.node(v, Rule::DatabaseWithoutReplica, reason);
}

fn cache_freshness(out: &mut Findings, v: NodeIx) {
    let t = out.t;
    if let Behavior::Cache(c) = &t.node(v).behavior {
        if c.ttl_ns.is_none() && !c.invalidate {
            out.node(
                v,
                Rule::CacheWithoutTtlOrInvalidation,
                format!(
                    "{} keeps entries forever (no ttl_ms) and ignores writes (invalidate is off): once a key \
                     changes, it serves the old value for good",
                    t.node(v).id
                ),
            );
        }
    }
}

/// A call policy's retries without a budget or jitter, and retries without a timeout.
fn calls(out: &mut Findings, e: EdgeIx) {
    let t = out.t;
    let Some(p) = &t.edge(e).policy else { return };
    let Some(r) = &p.retry else { return };
    let (from, to) = (&t.node(t.edge(e).from).id, &t.node(t.edge(e).to).id);
    if let Some(reason) = retry_reason(r, &format!("{from} retries its calls to {to}"), to) {
        out.edge(e, Rule::RetryWithoutBudgetOrJitter, reason);
    }
    if r.max_retries > 0 && p.timeout_ns.is_none() {
        out.edge(
            e,
            Rule::NoTimeout,
            format!(
                "{from} retries its calls to {to} but sets no timeout_ms: only errors are retried, and a slow {to} \
                 holds each call as long as it takes"
            ),
        );
    }
}

/// Why retries `who` makes (`"users retries"`) at `target` lack a budget or jitter, if they do.
fn retry_reason(r: &RetryCfg, who: &str, target: &str) -> Option<String> {
    if r.max_retries == 0 {
        return None;
    }
    let n = r.max_retries;
    let times = if n == 1 { "once" } else { "times" };
    let upto = if n == 1 { String::new() } else { format!("up to {n} ") };
    match (r.budget.is_some(), r.jitter != Jitter::None) {
        (true, true) => None,
        (false, true) => Some(format!(
            "{who} {upto}{times} with no retry budget: retries multiply the load on a struggling {target} (a retry \
             storm)"
        )),
        (true, false) => Some(format!(
            "{who} with no jitter: the retries of calls that failed together arrive together, in waves"
        )),
        (false, false) => Some(format!(
            "{who} {upto}{times} with no retry budget and no jitter: a struggling {target} gets retries multiplied, \
             in waves"
        )),
    }
}
