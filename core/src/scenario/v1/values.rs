//! The values the format's nodes, edges and workloads share: durations as distributions, request classes and
//! the workload a client generates. A leaf of the format: the node kinds' specs (`crate::node`) use it, and
//! `v1` re-exports it.

use super::codec::{json_enum, json_spec};
use std::collections::BTreeMap;

pub(crate) fn one() -> u32 {
    1
}

pub(crate) fn default_service_time() -> Dist {
    Dist::Exponential { mean_ms: 10.0 }
}

pub(crate) fn default_hop_time() -> Dist {
    Dist::Constant { ms: 0.1 }
}

/// A duration distribution, in milliseconds.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(tag = "type", rename_all = "snake_case"))]
pub enum Dist {
    Constant { ms: f64 },
    Exponential { mean_ms: f64 },
    Uniform { min_ms: f64, max_ms: f64 },
    LogNormal { median_ms: f64, sigma: f64 },
    Pareto { min_ms: f64, alpha: f64 },
}

pub(crate) fn zero_dist() -> Dist {
    Dist::Constant { ms: 0.0 }
}

json_enum! {
    /// The kinds of request a workload issues.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
    pub enum RequestClass {
        StaticAsset = "static_asset",
        ApiRead = "api_read",
        ApiWrite = "api_write",
        BackgroundJob = "background_job",
    }
}

json_spec! {
    /// What a client sends: when, which keys, and which kinds of request.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Workload {
        pub arrival: Arrival = or(Arrival::default()),
        pub keys: Keys = or(Keys::default()),
        pub mix: Mix = or(Mix::default()),
        /// The size of each request's message, in bytes (0 when absent).
        pub message_bytes: Option<Size> = opt,
        /// Per-class sizes, overriding `message_bytes` for the classes listed.
        pub message_bytes_by_class: BTreeMap<RequestClass, Size> = or(BTreeMap::new()) or_blank,
        /// Database operations and their mix, instead of `mix`: each request is one operation (`put` and `txn`
        /// are writes, the others reads), costed by the engine of the database that serves it.
        pub ops: Vec<OpEntry> = list(crate::limits::MAX_OPS) or_blank,
    }
}

json_enum! {
    /// A database operation a request performs.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
    pub enum OpKind {
        /// Read one row, document or key by its primary key.
        Get = "get",
        /// Write one row, document or key by its primary key.
        Put = "put",
        /// Read `rows` consecutive rows (a range).
        Scan = "scan",
        /// Join `tables` tables, starting from `rows` rows of the first.
        Join = "join",
        /// A multi-row transaction writing `rows` rows, locking the row of its key.
        Txn = "txn",
        /// Follow relationships `depth` levels out, `degree` per vertex (friends of friends: depth 2).
        Traverse = "traverse",
        /// Find a row by a secondary (non-key) column.
        IndexLookup = "index_lookup",
        /// Aggregate (count, sum) over `rows` rows.
        Aggregate = "aggregate",
    }
}

impl OpKind {
    /// Whether the size `field` (`rows`, `tables`, `depth`, `degree`) of an `ops` entry means something to this
    /// operation: validation refuses the others, and the inspector shows an entry only its own.
    pub fn uses(self, field: &str) -> bool {
        match field {
            "rows" => matches!(self, OpKind::Scan | OpKind::Aggregate | OpKind::Join | OpKind::Txn),
            "tables" => self == OpKind::Join,
            "depth" | "degree" => self == OpKind::Traverse,
            _ => true,
        }
    }

    /// The operation with this JSON name.
    pub fn from_name(name: &str) -> Option<OpKind> {
        Self::NAMES.iter().position(|n| *n == name).map(|i| Self::ALL[i])
    }
}

json_spec! {
    /// One operation of a workload's mix, with its weight and sizes.
    #[derive(Clone, Debug, PartialEq)]
    pub struct OpEntry {
        pub op: OpKind = req,
        /// Relative weight in the mix (1 when absent).
        pub weight: Option<f64> = opt,
        /// `scan`, `aggregate`: rows read; `join`: rows of the driving table; `txn`: rows written.
        pub rows: Option<u32> = opt,
        /// `join`: tables joined (2 when absent).
        pub tables: Option<u32> = opt,
        /// `traverse`: levels out (2 when absent).
        pub depth: Option<u32> = opt,
        /// `traverse`: relationships per vertex (10 when absent).
        pub degree: Option<u32> = opt,
    }
}

/// A message size distribution, in bytes.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(tag = "type", rename_all = "snake_case"))]
pub enum Size {
    Constant {
        bytes: u64,
    },
    Uniform {
        min_bytes: u64,
        max_bytes: u64,
    },
    /// A long right tail: most messages small, a few very large.
    LogNormal {
        median_bytes: f64,
        sigma: f64,
    },
}

/// The arrival process of new requests.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(tag = "type", rename_all = "snake_case"))]
pub enum Arrival {
    /// Exactly `rate_rps` per second, evenly spaced.
    Constant { rate_rps: f64 },
    /// A Poisson process: exponential gaps with mean `1/rate_rps`.
    Poisson { rate_rps: f64 },
    /// Poisson at `rate_rps` for `on_ms`, then silence for `off_ms`, repeating.
    OnOff { rate_rps: f64, on_ms: f64, off_ms: f64 },
    /// Poisson at `base_rps`, jumping to `spike_rps` from `at_ms` for `duration_ms`.
    Spike {
        base_rps: f64,
        spike_rps: f64,
        at_ms: f64,
        duration_ms: f64,
    },
    /// Poisson whose rate climbs linearly from `from_rps` to `to_rps` over `over_ms`, then stays.
    Ramp { from_rps: f64, to_rps: f64, over_ms: f64 },
}

impl Default for Arrival {
    fn default() -> Self {
        Arrival::Poisson { rate_rps: 100.0 }
    }
}

/// Which keys requests touch.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(tag = "type", rename_all = "snake_case"))]
pub enum Keys {
    /// Every key in `0..count` equally likely.
    Uniform { count: u64 },
    /// Key rank `k` has probability proportional to `1/k^alpha`.
    Zipf { count: u64, alpha: f64 },
    /// `hot_traffic` of the requests go to the first `hot_keys` fraction of the keys.
    Hotspot {
        count: u64,
        hot_keys: f64,
        hot_traffic: f64,
    },
    /// Ever-increasing keys (timestamps, auto-increment ids).
    Sequential,
}

impl Default for Keys {
    fn default() -> Self {
        Keys::Uniform { count: 10_000 }
    }
}

json_spec! {
    /// Relative weights of the request classes.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Mix {
        pub static_asset: f64 = or(0.0) or_blank,
        pub api_read: f64 = or(0.0) or_blank,
        pub api_write: f64 = or(0.0) or_blank,
        pub background_job: f64 = or(0.0) or_blank,
    }
}

/// A member the format leaves out when it holds this value: an empty string, list or map, a zero weight.
pub trait Blank {
    fn is_blank(&self) -> bool;
}

impl Blank for String {
    fn is_blank(&self) -> bool {
        self.is_empty()
    }
}

impl<T> Blank for Vec<T> {
    fn is_blank(&self) -> bool {
        self.is_empty()
    }
}

impl<K, V> Blank for BTreeMap<K, V> {
    fn is_blank(&self) -> bool {
        self.is_empty()
    }
}

impl Blank for f64 {
    fn is_blank(&self) -> bool {
        *self == 0.0
    }
}

impl Default for Mix {
    fn default() -> Self {
        Mix {
            static_asset: 0.0,
            api_read: 1.0,
            api_write: 0.0,
            background_job: 0.0,
        }
    }
}
