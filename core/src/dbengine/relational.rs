//! A relational store (PostgreSQL, MySQL/InnoDB): B-tree tables and indexes, joins by strategy, transactions
//! with row locks, a single primary for writes.

use super::{DbOp, EngineCfg, EngineModel, JoinStrategy, OpCost};
use crate::scenario::v1::values::OpKind;

pub(super) struct Relational;

impl EngineModel for Relational {
    fn cost(&self, cfg: &EngineCfg, op: &DbOp, _runs: u32) -> Result<OpCost, &'static str> {
        let seek = cfg.seek_ns();
        Ok(match op.kind {
            OpKind::Get => OpCost::work(seek),
            OpKind::Put => OpCost::work(cfg.btree_put_ns()),
            OpKind::Scan | OpKind::Aggregate => OpCost::work(cfg.range_ns(op.rows)),
            OpKind::IndexLookup => OpCost::work(cfg.index_lookup_ns()),
            OpKind::Txn => cfg.txn(op.rows),
            OpKind::Join => {
                let (r, inner) = (f64::from(op.rows), f64::from(op.tables.saturating_sub(1)));
                OpCost::work(match cfg.join {
                    // For each driving row, one index seek into each other table.
                    JoinStrategy::NestedLoop => seek + r * inner * seek,
                    // Build a hash table from each other table (a full scan each), then probe it per row.
                    JoinStrategy::Hash => seek + inner * cfg.rows as f64 * cfg.row_ns + r * inner * cfg.row_ns,
                })
            }
            // A recursive join: each vertex reached is an index seek into the relationships table.
            OpKind::Traverse => OpCost::work(seek + op.visited() * seek),
        })
    }
}
