//! Database engines: what one operation costs on a relational, key-value, document, wide-column or graph store.
//!
//! A workload's `ops` gives each request an operation ([`DbOp`]: a get, a join of k tables, a traversal of
//! depth d…). A `database` node with an `engine` block costs it with its profile's model ([`EngineModel`], one
//! file per profile), a closed formula of the operation's sizes and the engine's settings, in
//! `docs/databases.md` with the sources of every default. The engine (`crate::engine::storage`) adds the cost
//! to the node's service time and runs what a formula cannot: row locks, the sorted runs and compactions of an
//! LSM tree, a key-value store's memory, denormalized copies briefly out of date.
//!
//! Architecture Invariant: a model is a pure function of its configuration, the operation and the state it is
//! handed (the number of sorted runs); it draws nothing and keeps nothing.

mod document;
mod graph;
mod key_value;
mod relational;
pub mod spec;
mod wide_column;

pub use spec::{DocJoins, EngineCfg, EngineSpec, JoinStrategy, Profile, WhenFull};

use crate::scenario::v1::values::{OpEntry, OpKind};

/// One operation a request performs, with its sizes (the defaults filled in).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DbOp {
    pub kind: OpKind,
    /// `scan`, `aggregate`: rows read; `join`: driving rows; `txn`: rows written.
    pub rows: u32,
    /// `join`: tables joined.
    pub tables: u32,
    /// `traverse`: levels out and relationships per vertex.
    pub depth: u32,
    pub degree: u32,
}

impl DbOp {
    /// A single-key operation with no sizes.
    pub const fn simple(kind: OpKind) -> DbOp {
        DbOp {
            kind,
            rows: 1,
            tables: 1,
            depth: 0,
            degree: 0,
        }
    }

    /// The operation an entry of a workload's `ops` describes (validated), its absent sizes defaulted.
    pub fn from_entry(e: &OpEntry) -> DbOp {
        let rows = e.rows.unwrap_or(match e.op {
            OpKind::Scan => 100,
            OpKind::Aggregate => 1000,
            OpKind::Txn => 2,
            _ => 1,
        });
        DbOp {
            kind: e.op,
            rows,
            tables: e.tables.unwrap_or(if e.op == OpKind::Join { 2 } else { 1 }),
            depth: e.depth.unwrap_or(if e.op == OpKind::Traverse { 2 } else { 0 }),
            degree: e.degree.unwrap_or(if e.op == OpKind::Traverse { 10 } else { 0 }),
        }
    }

    /// Writes change state; every other operation reads.
    pub fn is_write(&self) -> bool {
        matches!(self.kind, OpKind::Put | OpKind::Txn)
    }

    /// Vertices a traversal visits: `Σ_{i=1..depth} degree^i`.
    pub fn visited(&self) -> f64 {
        let g = f64::from(self.degree);
        (1..=self.depth).map(|i| libm::pow(g, f64::from(i))).sum()
    }

    pub fn name(&self) -> &'static str {
        op_name(self.kind)
    }
}

/// An operation's JSON name.
pub fn op_name(k: OpKind) -> &'static str {
    OpKind::NAMES[OP_KINDS.iter().position(|&x| x == k).unwrap_or(0)]
}

/// Every operation, in declaration order (the order of per-operation figures).
pub const OP_KINDS: [OpKind; 8] = [
    OpKind::Get,
    OpKind::Put,
    OpKind::Scan,
    OpKind::Join,
    OpKind::Txn,
    OpKind::Traverse,
    OpKind::IndexLookup,
    OpKind::Aggregate,
];

/// What an operation costs the node that serves it, in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct OpCost {
    /// A worker's time, added to the node's `service_time`.
    pub service_ns: f64,
    /// Time the answer then waits without a worker (a document store's extra round trips).
    pub delay_ns: f64,
    /// It holds the lock of its key's row while served (a transaction).
    pub locks_row: bool,
}

impl OpCost {
    fn work(service_ns: f64) -> OpCost {
        OpCost {
            service_ns,
            ..OpCost::default()
        }
    }
}

/// A profile's cost model.
pub trait EngineModel {
    /// What `op` costs given the engine's current sorted runs (`runs`, wide-column only), or why this kind of
    /// store cannot run it.
    fn cost(&self, cfg: &EngineCfg, op: &DbOp, runs: u32) -> Result<OpCost, &'static str>;
}

/// `max(1, ceil(log_fanout(rows)))`: the levels of a B-tree over `rows` entries.
pub fn btree_levels(rows: u64, fanout: u32) -> u32 {
    let (mut levels, mut reach) = (1u32, u128::from(fanout.max(2)));
    while reach < u128::from(rows) {
        reach = reach.saturating_mul(u128::from(fanout.max(2)));
        levels += 1;
    }
    levels
}

impl EngineCfg {
    /// One B-tree seek: its levels times a page visit, in nanoseconds.
    pub fn seek_ns(&self) -> f64 {
        f64::from(btree_levels(self.rows, self.fanout)) * self.page_ns
    }

    /// What `op` costs on this engine ([`EngineModel::cost`] of its profile), every figure capped at the
    /// longest run so a hostile size cannot overflow virtual time.
    pub fn cost(&self, op: &DbOp, runs: u32) -> Result<OpCost, &'static str> {
        let c = match self.profile {
            Profile::Relational => relational::Relational.cost(self, op, runs),
            Profile::KeyValue => key_value::KeyValue.cost(self, op, runs),
            Profile::Document => document::Document.cost(self, op, runs),
            Profile::WideColumn => wide_column::WideColumn.cost(self, op, runs),
            Profile::Graph => graph::Graph.cost(self, op, runs),
        }?;
        let cap = crate::limits::MAX_TIME_MS * 1e6;
        Ok(OpCost {
            service_ns: c.service_ns.clamp(0.0, cap),
            delay_ns: c.delay_ns.clamp(0.0, cap),
            locks_row: c.locks_row,
        })
    }

    /// A B-tree store's write: the row and each secondary index, then the commit.
    fn btree_put_ns(&self) -> f64 {
        f64::from(1 + self.indexes) * self.seek_ns() + self.commit_ns
    }

    /// A B-tree store's lookup by a secondary column: two seeks with an index, a full scan without.
    fn index_lookup_ns(&self) -> f64 {
        if self.indexed_lookups {
            2.0 * self.seek_ns()
        } else {
            self.rows as f64 * self.row_ns
        }
    }

    /// A range of `rows` rows in a B-tree: one seek, then each row.
    fn range_ns(&self, rows: u32) -> f64 {
        self.seek_ns() + f64::from(rows) * self.row_ns
    }

    /// A transaction writing `rows` rows, each with its indexes, then one commit; it holds its key's row lock.
    fn txn(&self, rows: u32) -> OpCost {
        OpCost {
            service_ns: f64::from(rows) * f64::from(1 + self.indexes) * self.seek_ns() + self.commit_ns,
            delay_ns: 0.0,
            locks_row: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn btree_levels_are_the_ceiling_of_the_log() {
        for (rows, fanout, want) in [
            (1, 500, 1),
            (500, 500, 1),
            (501, 500, 2),
            (250_000, 500, 2),
            (250_001, 500, 3),
            (1_000_000, 500, 3),
            (1_000_000_000_000, 500, 5),
            (1024, 2, 10),
            (1025, 2, 11),
        ] {
            assert_eq!(btree_levels(rows, fanout), want, "rows {rows} fanout {fanout}");
        }
    }

    #[test]
    fn a_traversal_visits_the_geometric_sum() {
        let op = DbOp {
            depth: 3,
            degree: 10,
            ..DbOp::simple(OpKind::Traverse)
        };
        assert_eq!(op.visited(), 10.0 + 100.0 + 1000.0);
    }
}
