//! Replicated database clusters: the validated form of `scenario::v1::Cluster`. A cluster names `database`
//! nodes that hold copies of one key-value store; the engine's `db` module runs them.

use super::problem::{Location, Problem, ValidationError, MAX_ID_LEN};
use super::{dist_from_v1, NodeIx, NodeKind, Topology};
use crate::dist::Dist;
use crate::scenario::v1;
use crate::time::ms_to_nanos;

/// The most replicas one cluster may have.
pub const MAX_REPLICAS: usize = 64;

pub use v1::{Consistency, ReadFrom, ReplicationMode};

/// A validated cluster.
#[derive(Clone, Debug)]
pub struct ClusterCfg {
    pub id: String,
    /// Replica nodes, in the scenario's order (the first is the initial primary).
    pub replicas: Vec<NodeIx>,
    pub mode: ReplicationMode,
    pub consistency: Consistency,
    pub link_latency: Dist,
    pub op_timeout_ns: u64,
    /// Replicas per key, read quorum, write quorum (`quorum` mode).
    pub n: u32,
    pub r: u32,
    pub w: u32,
    pub read_repair: bool,
    pub sloppy_quorum: bool,
    pub read_from: ReadFrom,
    pub election_timeout_ns: u64,
}

impl ClusterCfg {
    /// Whether a primary orders the writes (every mode but `quorum`).
    pub fn has_primary(&self) -> bool {
        self.mode != ReplicationMode::Quorum
    }
}

fn bad(errs: &mut Vec<ValidationError>, id: &str, message: String) {
    errs.push(ValidationError {
        location: Location::Scenario,
        problem: Problem::BadParameter {
            field: "clusters",
            message: format!("cluster \"{id}\": {message}"),
        },
    });
}

/// Checks every cluster against the topology and builds it.
pub(super) fn build(s: &v1::Scenario, t: &Topology, errs: &mut Vec<ValidationError>) -> Vec<ClusterCfg> {
    let mut out = Vec::new();
    let mut member = vec![false; t.nodes.len()];
    for (i, c) in s.clusters.iter().enumerate() {
        let id = c.id.chars().take(MAX_ID_LEN).collect::<String>();
        if c.id.is_empty() || s.clusters[..i].iter().any(|o| o.id == c.id) {
            bad(errs, &id, "needs a unique, non-empty id".into());
        }
        let before = errs.len();
        if c.replicas.is_empty() || c.replicas.len() > MAX_REPLICAS {
            bad(errs, &id, format!("needs between 1 and {MAX_REPLICAS} replicas"));
        }
        let mut replicas = Vec::new();
        for r in &c.replicas {
            match t.node_ix(r) {
                None => bad(errs, &id, format!("replica \"{}\" is not a node", truncate(r))),
                Some(ix) if t.node(ix).kind != NodeKind::Database => bad(
                    errs,
                    &id,
                    format!("replica \"{}\" is a {}, not a database", r, t.node(ix).kind),
                ),
                Some(ix) if member[ix as usize] => bad(
                    errs,
                    &id,
                    format!("replica \"{r}\" is listed twice or in another cluster"),
                ),
                Some(ix) => {
                    member[ix as usize] = true;
                    replicas.push(ix);
                }
            }
        }
        // A relational database has one primary that takes every write: it replicates, it is not leaderless.
        if c.mode == ReplicationMode::Quorum {
            let relational = replicas.iter().find(|&&ix| {
                t.node(ix)
                    .engine
                    .as_deref()
                    .is_some_and(|e| e.profile == crate::dbengine::Profile::Relational)
            });
            if let Some(&ix) = relational {
                bad(
                    errs,
                    &id,
                    format!(
                        "replica \"{}\" is relational, which has a single primary for writes: use mode async, sync or \
                         semi_sync (quorum is for leaderless stores such as wide_column)",
                        t.node(ix).id
                    ),
                );
            }
        }
        let size = c.replicas.len() as u32;
        let n = c.n.unwrap_or(size);
        let majority = n / 2 + 1;
        let (r, w) = (c.r.unwrap_or(majority), c.w.unwrap_or(majority));
        if c.mode == ReplicationMode::Quorum {
            if n == 0 || n > size {
                bad(
                    errs,
                    &id,
                    format!("n must be between 1 and the {size} replicas, got {n}"),
                );
            }
            for (name, q) in [("r", r), ("w", w)] {
                if q == 0 || q > n {
                    bad(errs, &id, format!("{name} must be between 1 and n = {n}, got {q}"));
                }
            }
        } else if c.n.is_some() || c.r.is_some() || c.w.is_some() || c.read_repair {
            bad(
                errs,
                &id,
                "n, r, w and read_repair apply to the quorum mode only".into(),
            );
        }
        let link = dist_from_v1(&c.link_latency);
        if let Err(e) = link.validate() {
            bad(errs, &id, format!("link_latency: {e}"));
        }
        for (name, v) in [
            ("op_timeout_ms", c.op_timeout_ms),
            ("election_timeout_ms", c.election_timeout_ms),
        ] {
            if let Some(v) = v {
                if !(v.is_finite() && (crate::limits::MIN_TIME_MS..=crate::limits::MAX_TIME_MS).contains(&v)) {
                    bad(
                        errs,
                        &id,
                        format!(
                            "{name} must be between {} and {} ms, got {v}",
                            crate::limits::MIN_TIME_MS,
                            crate::limits::MAX_TIME_MS
                        ),
                    );
                }
            }
        }
        if errs.len() > before {
            continue;
        }
        out.push(ClusterCfg {
            id,
            replicas,
            mode: c.mode,
            consistency: c.consistency,
            link_latency: link,
            op_timeout_ns: ms_to_nanos(c.op_timeout_ms.unwrap_or(100.0)),
            n,
            r,
            w,
            read_repair: c.read_repair,
            sloppy_quorum: c.sloppy_quorum,
            read_from: c.read_from,
            election_timeout_ns: ms_to_nanos(c.election_timeout_ms.unwrap_or(1_000.0)),
        });
    }
    out
}

fn truncate(s: &str) -> String {
    s.chars().take(MAX_ID_LEN).collect()
}
