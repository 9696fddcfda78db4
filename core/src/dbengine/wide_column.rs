//! A wide-column store on an LSM tree (Cassandra, HBase, ScyllaDB): a write appends to the commit log and the
//! memtable; a read checks the memtable and every sorted run on disk, so reads slow down as runs pile up until a
//! compaction merges them. No joins, transactions or secondary indexes.

use super::{DbOp, EngineCfg, EngineModel, OpCost};
use crate::scenario::v1::values::OpKind;

pub(super) struct WideColumn;

impl EngineModel for WideColumn {
    fn cost(&self, cfg: &EngineCfg, op: &DbOp, runs: u32) -> Result<OpCost, &'static str> {
        let read = cfg.read_ns + f64::from(runs) * cfg.run_ns;
        Ok(match op.kind {
            OpKind::Put => OpCost::work(cfg.write_ns),
            OpKind::Get => OpCost::work(read),
            // Rows of one partition, in clustering order.
            OpKind::Scan | OpKind::Aggregate => OpCost::work(read + f64::from(op.rows) * cfg.row_ns),
            OpKind::Join => return Err("a wide-column store has no joins: denormalize into a table per query"),
            OpKind::Txn => return Err("a wide-column store has no multi-row transactions with locks"),
            OpKind::Traverse => return Err("a wide-column store has no relationships to traverse"),
            OpKind::IndexLookup => {
                return Err("a wide-column store finds rows by partition key only: add a table keyed by that column")
            }
        })
    }
}
