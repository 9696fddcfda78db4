//! A database node's `engine` block: the profile and its settings, the [`EngineCfg`] validation makes of them
//! (`crate::node::storage`), and the inspector's parameters. Every default is explained, with its source, in `docs/databases.md`.

use crate::scenario::params::{opt, p, Control, Param};
use crate::scenario::v1::codec::{json_enum, json_spec};

json_enum! {
    /// The kind of database: how it stores data decides what each operation costs.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Profile {
        Relational = "relational",
        KeyValue = "key_value",
        Document = "document",
        WideColumn = "wide_column",
        Graph = "graph",
    }
}

json_enum! {
    /// How a relational engine joins.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum JoinStrategy {
        /// For each driving row, an index seek into each other table.
        #[default]
        NestedLoop = "nested_loop",
        /// Scan each other table into a hash table, then probe it once per driving row.
        Hash = "hash",
    }
}

json_enum! {
    /// How a document store answers a query that needs data from several collections.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum DocJoins {
        /// One query per collection, one after the other.
        #[default]
        RoundTrips = "round_trips",
        /// The data is embedded (copied) in the document: one read, but a write updates every copy.
        Denormalized = "denormalized",
    }
}

json_enum! {
    /// What a key-value store does with a new key when its memory is full.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum WhenFull {
        /// Evict the least recently used key (Redis `allkeys-lru`).
        #[default]
        Evict = "evict",
        /// Refuse the write with an out-of-memory error (Redis `noeviction`).
        Refuse = "refuse",
    }
}

json_spec! {
    /// A database's storage engine: its profile and the figures of its cost model (defaults when absent).
    #[derive(Clone, Debug, PartialEq)]
    pub struct EngineSpec {
        pub profile: Profile = req,
        /// Rows (or documents, keys, vertices) in the table the operations touch (1,000,000 when absent).
        pub rows: Option<u64> = opt,
        /// Secondary indexes each write maintains (1 when absent).
        pub indexes: Option<u32> = opt,
        /// `index_lookup` queries a column that has an index (true when absent).
        pub indexed_lookups: Option<bool> = opt,
        /// One B-tree page visit, in ms (0.01).
        pub page_ms: Option<f64> = opt,
        /// Entries per B-tree page (500).
        pub fanout: Option<u32> = opt,
        /// Reading one row of a scan, in ms (0.0001).
        pub row_ms: Option<f64> = opt,
        /// A write's commit (flushing the log), in ms (0.05).
        pub commit_ms: Option<f64> = opt,
        /// Relational: how joins run (`nested_loop`).
        pub join: Option<JoinStrategy> = opt,
        /// A transaction waiting this long for a row lock aborts (none: it waits).
        pub lock_timeout_ms: Option<f64> = opt,
        /// Key-value: one get or put, in ms (0.01).
        pub op_ms: Option<f64> = opt,
        /// Key-value: memory for data, in MiB (unlimited when absent).
        pub memory_mb: Option<f64> = opt,
        /// Key-value: bytes of one value (1024).
        pub value_bytes: Option<u32> = opt,
        /// Key-value: bytes of bookkeeping per key (64).
        pub entry_overhead_bytes: Option<u32> = opt,
        /// Key-value: when memory is full, evict or refuse (`evict`).
        pub when_full: Option<WhenFull> = opt,
        /// Document: how queries needing a join run (`round_trips`).
        pub joins: Option<DocJoins> = opt,
        /// Document: the client's wait for each extra query, in ms (0.5).
        pub round_trip_ms: Option<f64> = opt,
        /// Document, denormalized: copies of an entity each write rewrites (10).
        pub copies: Option<u32> = opt,
        /// Wide-column: a write (commit log and memtable), in ms (0.02).
        pub write_ms: Option<f64> = opt,
        /// Wide-column: a read's fixed part, in ms (0.02).
        pub read_ms: Option<f64> = opt,
        /// Wide-column: each sorted run a read checks, in ms (0.02).
        pub run_ms: Option<f64> = opt,
        /// Wide-column: writes held in the memtable before it is flushed as a new run (10,000).
        pub memtable_rows: Option<u32> = opt,
        /// Wide-column: runs that start a compaction (4).
        pub compaction_threshold: Option<u32> = opt,
        /// Wide-column: merging one row in a compaction, in ms (0.015).
        pub compact_ms_per_row: Option<f64> = opt,
        /// Wide-column: the share of the node's capacity a compaction takes while it runs (0.25).
        pub compaction_share: Option<f64> = opt,
        /// Graph: following one relationship, in ms (0.001).
        pub hop_ms: Option<f64> = opt,
    }
}

/// A validated engine, in nanoseconds.
#[derive(Clone, Debug, PartialEq)]
pub struct EngineCfg {
    pub profile: Profile,
    pub rows: u64,
    pub indexes: u32,
    pub indexed_lookups: bool,
    pub page_ns: f64,
    pub fanout: u32,
    pub row_ns: f64,
    pub commit_ns: f64,
    pub join: JoinStrategy,
    pub lock_timeout_ns: Option<u64>,
    pub op_ns: f64,
    /// Key-value: keys it can hold (`None`: unlimited).
    pub capacity: Option<u64>,
    pub when_full: WhenFull,
    pub joins: DocJoins,
    pub round_trip_ns: f64,
    pub copies: u32,
    pub write_ns: f64,
    pub read_ns: f64,
    pub run_ns: f64,
    pub memtable_rows: u32,
    pub compaction_threshold: u32,
    pub compact_ns_per_row: f64,
    pub compaction_share: f64,
    pub hop_ns: f64,
}

/// The defaults, in milliseconds or counts (sources in `docs/databases.md`).
pub mod defaults {
    pub const ROWS: u64 = 1_000_000;
    pub const INDEXES: u32 = 1;
    pub const PAGE_MS: f64 = 0.01;
    pub const FANOUT: u32 = 500;
    pub const ROW_MS: f64 = 0.0001;
    pub const COMMIT_MS: f64 = 0.05;
    pub const OP_MS: f64 = 0.01;
    pub const VALUE_BYTES: u32 = 1024;
    pub const ENTRY_OVERHEAD_BYTES: u32 = 64;
    pub const ROUND_TRIP_MS: f64 = 0.5;
    pub const COPIES: u32 = 10;
    pub const WRITE_MS: f64 = 0.02;
    pub const READ_MS: f64 = 0.02;
    pub const RUN_MS: f64 = 0.02;
    pub const MEMTABLE_ROWS: u32 = 10_000;
    pub const COMPACTION_THRESHOLD: u32 = 4;
    pub const COMPACT_MS_PER_ROW: f64 = 0.015;
    pub const COMPACTION_SHARE: f64 = 0.25;
    pub const HOP_MS: f64 = 0.001;
}

use Profile::*;

/// Which profiles each optional setting applies to.
pub(crate) const APPLIES: &[(&str, &[Profile])] = &[
    ("indexes", &[Relational, Document, Graph]),
    ("indexed_lookups", &[Relational, Document, Graph]),
    ("page_ms", &[Relational, Document, Graph]),
    ("fanout", &[Relational, Document, Graph]),
    ("row_ms", &[Relational, Document, WideColumn, Graph]),
    ("commit_ms", &[Relational, Document, Graph]),
    ("join", &[Relational]),
    ("lock_timeout_ms", &[Relational, Document, Graph]),
    ("op_ms", &[KeyValue]),
    ("memory_mb", &[KeyValue]),
    ("value_bytes", &[KeyValue]),
    ("entry_overhead_bytes", &[KeyValue]),
    ("when_full", &[KeyValue]),
    ("joins", &[Document]),
    ("round_trip_ms", &[Document]),
    ("copies", &[Document]),
    ("write_ms", &[WideColumn]),
    ("read_ms", &[WideColumn]),
    ("run_ms", &[WideColumn]),
    ("memtable_rows", &[WideColumn]),
    ("compaction_threshold", &[WideColumn]),
    ("compact_ms_per_row", &[WideColumn]),
    ("compaction_share", &[WideColumn]),
    ("hop_ms", &[Graph]),
];

/// Whether the engine setting `field` (its name under `engine.`, such as `op_ms`) applies to `profile`: what
/// validation accepts, so the inspector can show a profile only its own settings. The shared ones (`profile`,
/// `rows`) apply to every profile.
pub fn applies(field: &str, profile: Profile) -> bool {
    APPLIES
        .iter()
        .find(|(name, _)| *name == field)
        .is_none_or(|(_, profiles)| profiles.contains(&profile))
}

pub(crate) fn profile_name(p: Profile) -> &'static str {
    match p {
        Relational => "relational",
        KeyValue => "key_value",
        Document => "document",
        WideColumn => "wide_column",
        Graph => "graph",
    }
}

impl EngineSpec {
    /// The settings given, by name.
    pub(crate) fn given(&self) -> [(&'static str, bool); 24] {
        [
            ("indexes", self.indexes.is_some()),
            ("indexed_lookups", self.indexed_lookups.is_some()),
            ("page_ms", self.page_ms.is_some()),
            ("fanout", self.fanout.is_some()),
            ("row_ms", self.row_ms.is_some()),
            ("commit_ms", self.commit_ms.is_some()),
            ("join", self.join.is_some()),
            ("lock_timeout_ms", self.lock_timeout_ms.is_some()),
            ("op_ms", self.op_ms.is_some()),
            ("memory_mb", self.memory_mb.is_some()),
            ("value_bytes", self.value_bytes.is_some()),
            ("entry_overhead_bytes", self.entry_overhead_bytes.is_some()),
            ("when_full", self.when_full.is_some()),
            ("joins", self.joins.is_some()),
            ("round_trip_ms", self.round_trip_ms.is_some()),
            ("copies", self.copies.is_some()),
            ("write_ms", self.write_ms.is_some()),
            ("read_ms", self.read_ms.is_some()),
            ("run_ms", self.run_ms.is_some()),
            ("memtable_rows", self.memtable_rows.is_some()),
            ("compaction_threshold", self.compaction_threshold.is_some()),
            ("compact_ms_per_row", self.compact_ms_per_row.is_some()),
            ("compaction_share", self.compaction_share.is_some()),
            ("hop_ms", self.hop_ms.is_some()),
        ]
    }
}

/// The field's name under `engine.` (problems name the full path).
pub(crate) fn field(name: &str) -> &'static str {
    PARAMS
        .iter()
        .find(|p| p.key.strip_prefix("engine.") == Some(name))
        .map_or("engine", |p| p.key)
}

const PROFILES: &[(&str, &str)] = &[
    (
        "relational",
        "Relational: joins and transactions; writes pay for each index",
    ),
    ("key_value", "Key-value in memory: O(1) get and put, nothing else"),
    ("document", "Document: whole documents by id; no joins"),
    (
        "wide_column",
        "Wide-column (LSM): cheap writes, reads check every sorted run",
    ),
    ("graph", "Graph: traversals follow pointers; no joins or scans"),
];

const MS_SMALL: Control = Control::Number {
    min: 0.0,
    max: 1e3,
    step: 0.0001,
};

/// The inspector's parameters of a database's engine (keys under `engine.`).
pub const PARAMS: &[Param] = &[
    p(
        "engine",
        "Storage engine",
        "",
        Control::Group(r#"{"profile": "relational"}"#),
        "Model how the database stores data, so each operation of a workload's ops costs what it costs there.",
    ),
    p(
        "engine.profile",
        "Kind",
        "",
        Control::Choice(PROFILES),
        "Relational for joins and transactions; key-value for the fastest lookups; document for whole objects; \
         wide-column for write-heavy logs; graph for relationships.",
    ),
    opt(
        "engine.rows",
        "Rows",
        "rows",
        Control::Int { min: 1.0, max: 1e12 },
        "Rows, documents or vertices in the table (1,000,000 when empty): B-tree seeks grow with its log.",
    ),
    opt(
        "engine.indexes",
        "Secondary indexes",
        "",
        Control::Int { min: 0.0, max: 64.0 },
        "Indexes each write maintains (1 when empty): each one is another B-tree insert.",
    ),
    opt(
        "engine.indexed_lookups",
        "Lookups use an index",
        "",
        Control::Bool(true),
        "An index_lookup seeks the secondary index (two seeks) instead of scanning every row.",
    ),
    opt(
        "engine.page_ms",
        "Page visit",
        "ms",
        MS_SMALL,
        "One B-tree page visit in memory (0.01 ms when empty); a seek visits one page per level.",
    ),
    opt(
        "engine.fanout",
        "B-tree fanout",
        "entries per page",
        Control::Int {
            min: 2.0,
            max: 100000.0,
        },
        "Entries per page (500 when empty): levels = ceil(log_fanout rows).",
    ),
    opt(
        "engine.row_ms",
        "Row read",
        "ms",
        MS_SMALL,
        "Reading one row in a scan (0.0001 ms when empty).",
    ),
    opt(
        "engine.commit_ms",
        "Commit",
        "ms",
        MS_SMALL,
        "A write's commit, flushing the log (0.05 ms when empty).",
    ),
    opt(
        "engine.join",
        "Join strategy",
        "",
        Control::Choice(&[
            ("nested_loop", "Index nested loop: a seek per row"),
            ("hash", "Hash join: scan each table once"),
        ]),
        "Nested loop wins for a few driving rows; a hash join scans whole tables but not per row.",
    ),
    opt(
        "engine.lock_timeout_ms",
        "Lock timeout",
        "ms",
        crate::scenario::params::MS,
        "A transaction waiting this long for a row lock aborts (it waits forever when empty).",
    ),
    opt(
        "engine.op_ms",
        "Operation",
        "ms",
        MS_SMALL,
        "Key-value: one get or put (0.01 ms when empty, about 100k operations a second on a core).",
    ),
    opt(
        "engine.memory_mb",
        "Memory",
        "MiB",
        Control::Number {
            min: 0.0,
            max: 1e9,
            step: 1.0,
        },
        "Key-value: memory for data (unlimited when empty). Full, it evicts or refuses new keys.",
    ),
    opt(
        "engine.value_bytes",
        "Value size",
        "bytes",
        Control::Int { min: 1.0, max: 1e9 },
        "Key-value: bytes of one value (1024 when empty).",
    ),
    opt(
        "engine.entry_overhead_bytes",
        "Per-key overhead",
        "bytes",
        Control::Int { min: 0.0, max: 1e6 },
        "Key-value: bookkeeping bytes per key (64 when empty).",
    ),
    opt(
        "engine.when_full",
        "When full",
        "",
        Control::Choice(&[
            ("evict", "Evict the least recently used key"),
            ("refuse", "Refuse writes (out of memory)"),
        ]),
        "Key-value: evicting loses old keys (later reads miss); refusing fails new writes.",
    ),
    opt(
        "engine.joins",
        "Joins",
        "",
        Control::Choice(&[
            ("round_trips", "One query per collection"),
            ("denormalized", "Embedded copies"),
        ]),
        "Document: round trips make joins slow; denormalized copies make them one read, and writes fan out.",
    ),
    opt(
        "engine.round_trip_ms",
        "Round trip",
        "ms",
        MS_SMALL,
        "Document: the wait for each extra query of a join (0.5 ms when empty).",
    ),
    opt(
        "engine.copies",
        "Copies per entity",
        "",
        Control::Int { min: 0.0, max: 10000.0 },
        "Document, denormalized: copies a write rewrites (10 when empty); reads see them stale meanwhile.",
    ),
    opt(
        "engine.write_ms",
        "Write",
        "ms",
        MS_SMALL,
        "Wide-column: appending to the commit log and memtable (0.02 ms when empty).",
    ),
    opt(
        "engine.read_ms",
        "Read",
        "ms",
        MS_SMALL,
        "Wide-column: a read's fixed part (0.02 ms when empty).",
    ),
    opt(
        "engine.run_ms",
        "Per sorted run",
        "ms",
        MS_SMALL,
        "Wide-column: each sorted run a read checks (0.02 ms when empty).",
    ),
    opt(
        "engine.memtable_rows",
        "Memtable",
        "writes",
        Control::Int { min: 1.0, max: 1e8 },
        "Wide-column: writes per flush to a new sorted run (10,000 when empty).",
    ),
    opt(
        "engine.compaction_threshold",
        "Compaction threshold",
        "runs",
        Control::Int { min: 2.0, max: 1000.0 },
        "Wide-column: runs that start a compaction (4 when empty, Cassandra's min_threshold).",
    ),
    opt(
        "engine.compact_ms_per_row",
        "Compaction cost",
        "ms per row",
        MS_SMALL,
        "Wide-column: merging one row (0.015 ms when empty: 1 KiB rows at Cassandra's 64 MiB/s compaction throughput).",
    ),
    opt(
        "engine.compaction_share",
        "Compaction share",
        "",
        Control::Number {
            min: 0.0,
            max: 0.99,
            step: 0.05,
        },
        "Wide-column: the share of capacity a running compaction takes (0.25 when empty).",
    ),
    opt(
        "engine.hop_ms",
        "Hop",
        "ms",
        MS_SMALL,
        "Graph: following one relationship by pointer (0.001 ms when empty).",
    ),
];
