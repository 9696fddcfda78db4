//! A graph store (Neo4j): index-free adjacency, so a hop follows a stored pointer instead of seeking an index;
//! no tables to join or scan.

use super::{DbOp, EngineCfg, EngineModel, OpCost};
use crate::scenario::v1::values::OpKind;

pub(super) struct Graph;

impl EngineModel for Graph {
    fn cost(&self, cfg: &EngineCfg, op: &DbOp, _runs: u32) -> Result<OpCost, &'static str> {
        Ok(match op.kind {
            // Finding a vertex by a property is a lookup in a (B-tree) index.
            OpKind::Get => OpCost::work(cfg.seek_ns()),
            OpKind::Put => OpCost::work(cfg.btree_put_ns()),
            OpKind::IndexLookup => OpCost::work(cfg.index_lookup_ns()),
            OpKind::Txn => cfg.txn(op.rows),
            // Find the start vertex, then follow each relationship by pointer.
            OpKind::Traverse => OpCost::work(cfg.seek_ns() + op.visited() * cfg.hop_ns),
            OpKind::Join => return Err("a graph store has no tables to join: follow relationships with a traversal"),
            OpKind::Scan => return Err("a graph store has no ordered tables to scan by key range"),
            OpKind::Aggregate => return Err("a graph store is not built for aggregates over many rows"),
        })
    }
}
