//! A document store (MongoDB): a document read or written whole by its id in a B-tree; no joins, so a query
//! that needs one makes several round trips or reads a denormalized copy, whose writes fan out.

use super::{DbOp, DocJoins, EngineCfg, EngineModel, OpCost};
use crate::scenario::v1::values::OpKind;

pub(super) struct Document;

impl EngineModel for Document {
    fn cost(&self, cfg: &EngineCfg, op: &DbOp, _runs: u32) -> Result<OpCost, &'static str> {
        let seek = cfg.seek_ns();
        Ok(match op.kind {
            OpKind::Get => OpCost::work(seek),
            OpKind::Put => OpCost::work(
                cfg.btree_put_ns()
                    + match cfg.joins {
                        // Every copy of the entity embedded in other documents is rewritten too.
                        DocJoins::Denormalized => f64::from(cfg.copies) * seek,
                        DocJoins::RoundTrips => 0.0,
                    },
            ),
            OpKind::Scan | OpKind::Aggregate => OpCost::work(cfg.range_ns(op.rows)),
            OpKind::IndexLookup => OpCost::work(cfg.index_lookup_ns()),
            OpKind::Txn => cfg.txn(op.rows),
            OpKind::Join => match cfg.joins {
                // One query per table, each waiting for the last one's answer.
                DocJoins::RoundTrips => OpCost {
                    service_ns: f64::from(op.tables) * seek,
                    delay_ns: f64::from(op.tables.saturating_sub(1)) * cfg.round_trip_ns,
                    locks_row: false,
                },
                // The joined data is embedded in the document: one read.
                DocJoins::Denormalized => OpCost::work(seek),
            },
            OpKind::Traverse => {
                return Err("a document store follows references one query at a time: model it as a join")
            }
        })
    }
}
