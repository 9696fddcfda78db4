//! Shard routers: each key to one shard (or a cross-shard query to several). The spec (partitioning scheme,
//! split points, regions, virtual nodes, the directory cache, migration) and the inspector's parameters.

use crate::scenario::params::CLASSES;
use crate::scenario::params::{opt, p, Control, Param, CRASH, DIST, INT, MS};
use crate::scenario::v1::codec::{json_spec, unit_enum};
use crate::scenario::v1::values::*;

json_spec! {
    /// A shard router: sends each key to one of its shards (its out-edges, less any edge to a `directory` node,
    /// which it asks where keys live when `scheme` is `directory`).
    #[derive(Clone, Debug, PartialEq)]
    pub struct ShardRouterSpec {
        pub scheme: ShardScheme = or(ShardScheme::default()),
        pub service_time: Dist = or(default_hop_time()) => serde(default = "default_hop_time"),
        pub crash_at_ms: Option<f64> = opt,
        /// `range`: the split points, strictly increasing, one fewer than the shards active at the start (the
        /// key space split evenly when absent).
        pub split_points: Option<Vec<u64>> = opt,
        /// `list` and `composite`: how many region codes (`key mod regions`) there are.
        pub regions: Option<u64> = opt,
        /// `consistent`: virtual nodes per shard (160 when absent).
        pub vnodes: Option<u32> = opt,
        /// `directory`: the router caches the directory's answers (asks on every request when absent).
        pub directory_cache: Option<RouterCache> = opt,
        /// Requests of these classes are cross-shard queries: they fan out and gather (latency of the slowest).
        pub fanout_classes: Vec<RequestClass> = or(Vec::new()) or_blank,
        /// How many shards a cross-shard query visits (every active shard when absent).
        pub fanout_shards: Option<u32> = opt,
        /// Bytes of one key's data, for the bytes a rebalance moves (1024 when absent).
        pub value_bytes: Option<u64> = opt,
        /// Keys copied per second while migrating after a rebalance (1000 when absent).
        pub migration_keys_per_s: Option<f64> = opt,
    }
}

json_spec! {
    /// A shard router's cache of directory answers.
    #[derive(Clone, Debug, PartialEq)]
    pub struct RouterCache {
        /// Keys it remembers (LRU).
        pub capacity: u64 = req,
        /// Answers expire this long after they were fetched (never when absent).
        pub ttl_ms: Option<f64> = opt,
    }
}

/// How a shard router maps keys to shards (`core/src/partition/` has one file per scheme).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(rename_all = "snake_case"))]
pub enum ShardScheme {
    /// `hash(key) mod n` (also written `modn`).
    #[default]
    #[cfg_attr(feature = "serde-oracle", serde(alias = "modn"))]
    HashMod,
    /// Key ranges between split points.
    Range,
    /// A consistent-hash ring of the shards.
    Consistent,
    /// Region code `key mod regions` looked up in a list.
    List,
    /// The `i`-th write to shard `i mod n`: even writes, but a read must ask every shard.
    RoundRobin,
    /// List by region, then hash within the region's shards.
    Composite,
    /// A lookup table (a `directory` node) says where each key lives.
    Directory,
    /// Vertical partitioning: each request class goes to the shard whose edge carries it (edge `classes`).
    Vertical,
}

unit_enum!(
    ShardScheme,
    [
        HashMod = "hash_mod",
        Range = "range",
        Consistent = "consistent",
        List = "list",
        RoundRobin = "round_robin",
        Composite = "composite",
        Directory = "directory",
        Vertical = "vertical",
    ],
    alias "modn" => 0
);

const SCHEMES: &[(&str, &str)] = &[
    ("hash_mod", "hash mod N"),
    ("consistent", "consistent hashing"),
    ("range", "range (split points)"),
    ("list", "list (by region)"),
    ("round_robin", "round robin"),
    ("composite", "composite (region, then hash)"),
    ("directory", "directory lookup"),
    ("vertical", "vertical (by request class)"),
];

pub const SHARD_ROUTER: &[Param] = &[
    p(
        "scheme",
        "Scheme",
        "",
        Control::Choice(SCHEMES),
        "How keys map to shards. Hash spreads load but mod N reshuffles almost every key when a shard is \
         added; consistent hashing moves about 1/(n+1); ranges keep scans local but sequential keys pile up.",
    ),
    opt(
        "split_points",
        "Split points",
        "keys",
        Control::FileOnly,
        "Range scheme: the keys where one shard ends and the next begins (even split when absent).",
    ),
    opt(
        "regions",
        "Regions",
        "",
        INT,
        "List and composite schemes: how many region codes there are (key mod regions).",
    ),
    opt(
        "vnodes",
        "Virtual nodes",
        "per shard",
        INT,
        "Consistent scheme: points per shard on the ring. More points balance better and cost memory.",
    ),
    p(
        "directory_cache",
        "Router cache",
        "",
        Control::Group(r#"{"capacity": 1000}"#),
        "Directory scheme: remember answers, so a directory outage only hurts keys not cached.",
    ),
    p(
        "directory_cache.capacity",
        "Cache size",
        "keys",
        INT,
        "Answers remembered (LRU).",
    ),
    opt(
        "directory_cache.ttl_ms",
        "Cache TTL",
        "ms",
        MS,
        "Answers expire this long after they were fetched; empty means never.",
    ),
    opt(
        "fanout_classes",
        "Cross-shard classes",
        "",
        Control::Subset {
            options: CLASSES,
            absent_means_all: false,
        },
        "Request classes that fan out to several shards and gather: as slow as the slowest shard.",
    ),
    opt(
        "fanout_shards",
        "Fan-out width",
        "shards",
        INT,
        "Shards a cross-shard query visits (every active shard when empty).",
    ),
    opt(
        "value_bytes",
        "Value size",
        "bytes",
        INT,
        "Bytes of one key's data, for the bytes a rebalance moves.",
    ),
    opt(
        "migration_keys_per_s",
        "Migration rate",
        "keys/s",
        Control::Number {
            min: 0.01,
            max: 1e9,
            step: 100.0,
        },
        "Keys copied per second after a rebalance; faster finishes sooner but loads the shards more.",
    ),
    p(
        "service_time",
        "Routing time",
        "ms",
        DIST,
        "Time to route a request to its shard.",
    ),
    CRASH,
];
