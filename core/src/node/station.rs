//! Stations: servers with a worker pool and a queue (services, databases, DNS, directories, worker pools). The
//! spec they share, a database's table and indexes, and the inspector's parameters.

use crate::scenario::params::{opt, p, Control, Param, CRASH, DIST, INT, MS};
use crate::scenario::v1::codec::json_spec;
use crate::scenario::v1::values::*;

json_spec! {
    /// A server with a worker pool and a queue: web and app servers, databases, DNS, directories, worker pools.
    #[derive(Clone, Debug, PartialEq)]
    pub struct StationSpec {
        /// Requests served at once.
        pub workers: u32 = or(one()) => serde(default = "one"),
        /// Requests that may wait for a worker; beyond it they are dropped (unbounded when absent).
        pub queue_capacity: Option<u32> = opt,
        pub service_time: Dist = or(default_service_time()) => serde(default = "default_service_time"),
        /// Crash at this virtual time (a shorthand for a `crash` fault).
        pub crash_at_ms: Option<f64> = opt,
        /// Databases only: table size and indexes, which add lookup and write costs.
        pub index: Option<IndexSpec> = opt,
    }
}

impl Default for StationSpec {
    fn default() -> Self {
        StationSpec {
            workers: 1,
            queue_capacity: None,
            service_time: default_service_time(),
            crash_at_ms: None,
            index: None,
        }
    }
}

json_spec! {
    /// Index settings of a database table: what a lookup and a write cost beyond the base service time.
    #[derive(Clone, Debug, PartialEq)]
    pub struct IndexSpec {
        /// Rows in the table.
        pub table_rows: u64 = req,
        /// Reads use an index (a B-tree seek, `O(log n)`) rather than scanning every row.
        pub indexed: bool = or(yes()) => serde(default = "yes"),
        /// Indexes every write must maintain.
        pub indexes: u32 = or(one()) => serde(default = "one"),
        /// Cost of one B-tree level (0.01 ms when absent).
        pub seek_ms: Option<f64> = opt,
        /// Cost of scanning one row (0.0001 ms when absent).
        pub scan_ms_per_row: Option<f64> = opt,
    }
}

pub(crate) fn yes() -> bool {
    true
}

pub const STATION: &[Param] = &[
    p(
        "workers",
        "Workers",
        "",
        Control::Int {
            min: 1.0,
            max: crate::limits::MAX_WORKERS as f64,
        },
        "Requests served at once. More workers raise throughput until another tier is the bottleneck.",
    ),
    opt(
        "queue_capacity",
        "Queue limit",
        "requests",
        Control::Int {
            min: 0.0,
            max: crate::limits::MAX_QUEUE_CAPACITY as f64,
        },
        "Requests that may wait for a worker; beyond it they are dropped. A short queue sheds load early \
         instead of letting latency grow without bound.",
    ),
    p(
        "service_time",
        "Service time",
        "ms",
        DIST,
        "Time one worker spends on a request. Its mean sets capacity; its tail sets p99.",
    ),
    CRASH,
];

pub const DATABASE: &[Param] = &[
    STATION[0],
    STATION[1],
    STATION[2],
    p(
        "index",
        "Table and indexes",
        "",
        Control::Group(r#"{"table_rows": 100000}"#),
        "Model a table: an indexed read seeks in O(log n); an unindexed one scans every row.",
    ),
    p(
        "index.table_rows",
        "Rows",
        "rows",
        INT,
        "Rows in the table: scans grow with it, seeks barely notice.",
    ),
    p(
        "index.indexed",
        "Reads use an index",
        "",
        Control::Bool(true),
        "A B-tree seek instead of a full scan.",
    ),
    p(
        "index.indexes",
        "Indexes",
        "",
        Control::Int { min: 0.0, max: 100.0 },
        "Indexes every write must update: each one makes writes slower.",
    ),
    opt(
        "index.seek_ms",
        "Seek cost",
        "ms per level",
        MS,
        "Cost of one B-tree level (0.01 ms when empty).",
    ),
    opt(
        "index.scan_ms_per_row",
        "Scan cost",
        "ms per row",
        Control::Number {
            min: 0.0,
            max: 1e3,
            step: 0.0001,
        },
        "Cost of scanning one row (0.0001 ms when empty).",
    ),
    CRASH,
];
