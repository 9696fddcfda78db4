//! An in-memory key-value store (Redis, Memcached): a hash table, so a get or put costs the same at any size;
//! nothing but keys.

use super::{DbOp, EngineCfg, EngineModel, OpCost};
use crate::scenario::v1::values::OpKind;

pub(super) struct KeyValue;

impl EngineModel for KeyValue {
    fn cost(&self, cfg: &EngineCfg, op: &DbOp, _runs: u32) -> Result<OpCost, &'static str> {
        match op.kind {
            OpKind::Get | OpKind::Put => Ok(OpCost::work(cfg.op_ns)),
            OpKind::Scan | OpKind::Aggregate => Err("a key-value store has no order to scan: keys are hashed"),
            OpKind::Join => Err("a key-value store has no joins: fetch each key"),
            OpKind::Txn => Err("a key-value store has no multi-key transactions with row locks"),
            OpKind::Traverse => Err("a key-value store has no relationships to traverse"),
            OpKind::IndexLookup => Err("a key-value store has no secondary indexes: only the key finds a value"),
        }
    }
}
