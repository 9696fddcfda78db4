//! Shard routers: each key to one shard (or a cross-shard query to several). The spec (partitioning scheme,
//! split points, regions, virtual nodes, the directory cache, migration) and the inspector's parameters.

use super::{Behavior, Built, Check};
use crate::limits::MAX_CACHE_CAPACITY;
use crate::scenario::params::CLASSES;
use crate::scenario::params::{opt, p, Control, Param, CRASH, DIST, INT, MS};
use crate::scenario::v1::codec::{json_enum, json_spec};
use crate::scenario::v1::values::*;
use crate::time::SimTime;
use crate::topology::check::{opt_ms, Errors};
use crate::topology::problem::Location;
use crate::workload::Class;

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

json_enum! {
    /// How a shard router maps keys to shards (`core/src/partition/` has one file per scheme).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum ShardScheme {
        /// `hash(key) mod n` (also written `modn`).
        #[default]
        HashMod = "hash_mod" | "modn",
        /// Key ranges between split points.
        Range = "range",
        /// A consistent-hash ring of the shards.
        Consistent = "consistent",
        /// Region code `key mod regions` looked up in a list.
        List = "list",
        /// The `i`-th write to shard `i mod n`: even writes, but a read must ask every shard.
        RoundRobin = "round_robin",
        /// List by region, then hash within the region's shards.
        Composite = "composite",
        /// A lookup table (a `directory` node) says where each key lives.
        Directory = "directory",
        /// Vertical partitioning: each request class goes to the shard whose edge carries it (edge `classes`).
        Vertical = "vertical",
    }
}

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

// ---------------------------------------------------------------------------------------------------------
// Validation: the rules of the spec, and the configuration the engine runs.

/// Where a shard router's placement comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShardMode {
    /// Horizontal partitioning: a [`crate::partition::Partitioner`] of this scheme places each key.
    Horizontal(crate::partition::Scheme),
    /// Vertical partitioning: each request class goes to the shard whose edge carries it.
    Vertical,
}

/// A shard router's configuration. Its shards are its out-edges to nodes other than `directory` nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct ShardCfg {
    pub mode: ShardMode,
    pub split_points: Option<Vec<u64>>,
    pub regions: Option<u64>,
    pub vnodes: u32,
    /// The router's cache of directory answers: `(capacity, ttl_ns)`.
    pub cache: Option<(u64, Option<u64>)>,
    /// Bit set of the classes that fan out to several shards and gather.
    pub fanout_classes: u8,
    /// Shards a cross-shard query visits (all active ones when `None`).
    pub fanout_shards: Option<u32>,
    pub value_bytes: u64,
    /// Time between two key copies while migrating.
    pub migration_gap_ns: u64,
}

impl ShardCfg {
    /// A partitioner of this configuration with `n` shards (ids `0..n`), or `None` for vertical routing.
    pub fn partitioner(
        &self,
        n: u32,
    ) -> Option<Result<Box<dyn crate::partition::Partitioner + Send>, crate::partition::PartitionError>> {
        use crate::partition::{Composite, Consistent, Directory, List, ModN, Range, RoundRobin, Scheme};
        let ShardMode::Horizontal(scheme) = self.mode else {
            return None;
        };
        Some(match scheme {
            Scheme::Range => match &self.split_points {
                Some(p) => Range::new(p).map(|r| Box::new(r) as Box<_>),
                None => Range::even(n, 1 << 64).map(|r| Box::new(r) as Box<_>),
            },
            Scheme::Consistent => Consistent::new(n, self.vnodes).map(|r| Box::new(r) as Box<_>),
            Scheme::List => List::by_modulo(self.regions.unwrap_or(4 * u64::from(n)), n).map(|r| Box::new(r) as Box<_>),
            Scheme::Composite => {
                Composite::new(self.regions.unwrap_or(u64::from(n.min(4))), n).map(|r| Box::new(r) as Box<_>)
            }
            Scheme::ModN => ModN::new(n).map(|r| Box::new(r) as Box<_>),
            Scheme::RoundRobin => RoundRobin::new(n).map(|r| Box::new(r) as Box<_>),
            Scheme::Directory => Directory::new(n).map(|r| Box::new(r) as Box<_>),
        })
    }
}

pub(crate) fn shard_cfg(r: &ShardRouterSpec, loc: &Location, errs: &mut Errors) -> ShardCfg {
    use crate::partition::Scheme;
    use ShardScheme as S;
    let mode = match r.scheme {
        S::HashMod => ShardMode::Horizontal(Scheme::ModN),
        S::Range => ShardMode::Horizontal(Scheme::Range),
        S::Consistent => ShardMode::Horizontal(Scheme::Consistent),
        S::List => ShardMode::Horizontal(Scheme::List),
        S::RoundRobin => ShardMode::Horizontal(Scheme::RoundRobin),
        S::Composite => ShardMode::Horizontal(Scheme::Composite),
        S::Directory => ShardMode::Horizontal(Scheme::Directory),
        S::Vertical => ShardMode::Vertical,
    };
    if r.split_points.is_some() && r.scheme != S::Range {
        errs.bad(loc, "split_points", "only the range scheme has split points");
    }
    if r.vnodes.is_some_and(|v| v == 0 || v > 10_000) {
        errs.bad(loc, "vnodes", "must be between 1 and 10000");
    }
    if r.directory_cache.is_some() && r.scheme != S::Directory {
        errs.bad(loc, "directory_cache", "only the directory scheme asks a directory");
    }
    let cache = r.directory_cache.as_ref().map(|c| {
        if c.capacity == 0 || c.capacity > MAX_CACHE_CAPACITY {
            errs.bad(
                loc,
                "directory_cache.capacity",
                format!("must be between 1 and {MAX_CACHE_CAPACITY} keys, got {}", c.capacity),
            );
        }
        errs.ms(loc, "directory_cache.ttl_ms", c.ttl_ms, false);
        (c.capacity, opt_ms(c.ttl_ms))
    });
    if r.fanout_shards == Some(0) {
        errs.bad(loc, "fanout_shards", "a cross-shard query visits at least one shard");
    }
    if let Some(rate) = r.migration_keys_per_s {
        errs.rate(loc, "migration_keys_per_s", rate);
        if rate.is_finite() && rate > 0.0 && rate < 0.01 {
            errs.bad(
                loc,
                "migration_keys_per_s",
                format!("at least 0.01 keys per second, got {rate}"),
            );
        }
    }
    let rate = r
        .migration_keys_per_s
        .filter(|r| r.is_finite() && *r > 0.0)
        .unwrap_or(1000.0);
    ShardCfg {
        mode,
        split_points: r.split_points.clone(),
        regions: r.regions,
        vnodes: r.vnodes.unwrap_or(160),
        cache,
        fanout_classes: r.fanout_classes.iter().fold(0u8, |acc, c| acc | Class::from(*c).bit()),
        fanout_shards: r.fanout_shards,
        value_bytes: r.value_bytes.unwrap_or(1024),
        migration_gap_ns: (1e9 / rate).max(1.0) as u64,
    }
}

impl ShardRouterSpec {
    /// Whether edges from it may carry a call policy ([`super::NodeSpec::calls_with_policy`]).
    pub(crate) const CALLS_WITH_POLICY: bool = false;

    /// What it does with a request whose class several out-edges carry ([`super::NodeSpec::shared_class_rule`]).
    pub(crate) const SHARED_CLASS_RULE: Option<&'static str> = None;

    pub(crate) fn build(&self, cx: &mut Check) -> Built {
        let (r, loc, errs) = (self, cx.loc, &mut *cx.errs);
        let service_time = errs.service_time(loc, &r.service_time);
        errs.ms(loc, "crash_at_ms", r.crash_at_ms, true);
        Built {
            service_time,
            crash_at: r.crash_at_ms.map(SimTime::from_millis_f64),
            ..Built::new(Behavior::ShardRouter(shard_cfg(r, loc, errs)))
        }
    }
}
