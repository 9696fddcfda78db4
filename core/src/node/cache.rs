//! Caches and CDNs: a store in front of an origin. Their spec (capacity, eviction policy, TTL, read and write
//! policies) and the inspector's parameters.

use super::{Behavior, Built, Check};
use crate::limits::MAX_CACHE_CAPACITY;
use crate::scenario::params::{opt, p, Control, Param, CRASH, DIST, INT, MS};
use crate::scenario::v1::codec::{json_enum, json_spec};
use crate::scenario::v1::values::*;
use crate::time::{ms_to_nanos, SimTime};
use crate::topology::check::{opt_ms, workers};

json_spec! {
    /// A cache (or a CDN edge): real keys through a real eviction policy.
    #[derive(Clone, Debug, PartialEq)]
    pub struct CacheSpec {
        /// Objects the cache holds.
        pub capacity: u64 = req,
        pub policy: EvictionPolicy = or(EvictionPolicy::default()),
        /// Entries expire this long after they are filled (never when absent).
        pub ttl_ms: Option<f64> = opt,
        /// Time to look up a key.
        pub service_time: Dist = or(default_hop_time()) => serde(default = "default_hop_time"),
        pub max_connections: Option<u32> = opt,
        pub crash_at_ms: Option<f64> = opt,
        /// Who fetches a miss from the origin (`read_through` when absent).
        pub read: Option<ReadPolicy> = opt,
        /// What a write does to the cache (`write_around` when absent).
        pub write: Option<WritePolicy> = opt,
        /// Drop cached copies when the origin serves a write to their key (true when absent). Off, caches keep
        /// serving the old version: stale reads.
        pub invalidate: Option<bool> = opt,
        /// Collapsed forwarding: concurrent misses for one key wait for a single origin fetch (false when absent).
        pub coalesce: Option<bool> = opt,
        /// For `write_back`: how long a dirty entry waits before it is written to the origin (1000 ms when absent).
        pub flush_ms: Option<f64> = opt,
        /// Size of one cached object, for `bytes_served` (1024 when absent).
        pub object_bytes: Option<u64> = opt,
    }
}

json_enum! {
    /// Who fills a cache on a miss.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum ReadPolicy {
        /// The cache fetches the miss from its origin and stores it on the way back.
        #[default]
        ReadThrough = "read_through",
        /// The cache only answers; on a miss the calling service reads its next dependency (the database)
        /// itself, then stores the value in the cache. A hit skips that dependency.
        CacheAside = "cache_aside",
    }
}

json_enum! {
    /// What a cache does with a write.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum WritePolicy {
        /// Write to the origin and drop the cached copy; the next read fills it.
        #[default]
        WriteAround = "write_around",
        /// Write to the origin, then store the new value once the origin has acknowledged it.
        WriteThrough = "write_through",
        /// Store the value, acknowledge at once, and write it to the origin later (`flush_ms`); a crash loses
        /// the writes not yet flushed.
        WriteBack = "write_back",
    }
}

json_enum! {
    /// Eviction policy of a cache.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub enum EvictionPolicy {
        Fifo = "fifo",
        Lifo = "lifo",
        #[default]
        Lru = "lru",
        Mru = "mru",
        Lfu = "lfu",
        Random = "random",
        Clock = "clock",
        Sieve = "sieve",
        /// Written `s3fifo`, as `switchyard cache --policy` spells it.
        S3Fifo = "s3fifo",
        Arc = "arc",
        TinyLfu = "tinylfu",
    }
}

const POLICIES: &[(&str, &str)] = &[
    ("lru", "LRU"),
    ("fifo", "FIFO"),
    ("lifo", "LIFO"),
    ("mru", "MRU"),
    ("lfu", "LFU"),
    ("random", "random"),
    ("clock", "CLOCK"),
    ("sieve", "SIEVE"),
    ("s3fifo", "S3-FIFO"),
    ("arc", "ARC"),
    ("tinylfu", "W-TinyLFU"),
];

pub const CACHE: &[Param] = &[
    p(
        "capacity",
        "Capacity",
        "objects",
        INT,
        "Objects the cache holds. Bigger raises the hit ratio, with diminishing returns under skew.",
    ),
    p(
        "policy",
        "Eviction policy",
        "",
        Control::Choice(POLICIES),
        "Which entry goes when the cache is full. LRU is the default; SIEVE and S3-FIFO resist scans; \
         W-TinyLFU favours frequency.",
    ),
    opt(
        "ttl_ms",
        "TTL",
        "ms",
        MS,
        "Entries expire this long after they are filled. Shorter is fresher data but more misses.",
    ),
    opt(
        "read",
        "Read policy",
        "",
        Control::Choice(&[("read_through", "read-through"), ("cache_aside", "cache-aside")]),
        "Read-through: the cache fetches misses from its origin. Cache-aside: the calling service reads the \
         database itself on a miss, then fills the cache.",
    ),
    opt(
        "write",
        "Write policy",
        "",
        Control::Choice(&[
            ("write_around", "write-around"),
            ("write_through", "write-through"),
            ("write_back", "write-back"),
        ]),
        "Write-around skips the cache; write-through updates it after the origin; write-back acknowledges at \
         once and writes later: fastest, but a crash loses unflushed writes.",
    ),
    opt(
        "invalidate",
        "Invalidate on write",
        "",
        Control::Bool(true),
        "Drop cached copies when the origin takes a write. Off, other caches keep serving old values: stale reads.",
    ),
    opt(
        "coalesce",
        "Coalesce misses",
        "",
        Control::Bool(false),
        "Collapsed forwarding: concurrent misses for one key wait for a single origin fetch, taming stampedes.",
    ),
    opt(
        "flush_ms",
        "Flush delay",
        "ms",
        MS,
        "Write-back: how long a dirty entry waits before it is written to the origin. Longer batches more \
         writes and loses more on a crash.",
    ),
    opt(
        "object_bytes",
        "Object size",
        "bytes",
        INT,
        "Size of one cached object, for the bytes served from cache.",
    ),
    p("service_time", "Lookup time", "ms", DIST, "Time to look up a key."),
    opt(
        "max_connections",
        "Max connections",
        "",
        INT,
        "Requests handled at once; beyond it they wait. Empty means unbounded.",
    ),
    CRASH,
];

// ---------------------------------------------------------------------------------------------------------
// Validation: the rules of the spec, and the configuration the engine runs.

/// A cache's configuration.
#[derive(Clone, Debug)]
pub struct CacheCfg {
    pub capacity: u64,
    pub policy: crate::cache::Policy,
    pub ttl_ns: Option<u64>,
    pub read: ReadPolicy,
    pub write: WritePolicy,
    pub invalidate: bool,
    pub coalesce: bool,
    pub flush_ns: u64,
    pub object_bytes: u64,
}

pub(crate) fn policy_from_v1(p: EvictionPolicy) -> crate::cache::Policy {
    use crate::cache::Policy;
    use EvictionPolicy as E;
    match p {
        E::Fifo => Policy::Fifo,
        E::Lifo => Policy::Lifo,
        E::Lru => Policy::Lru,
        E::Mru => Policy::Mru,
        E::Lfu => Policy::Lfu,
        E::Random => Policy::Random,
        E::Clock => Policy::Clock,
        E::Sieve => Policy::Sieve,
        E::S3Fifo => Policy::S3Fifo,
        E::Arc => Policy::Arc,
        E::TinyLfu => Policy::TinyLfu,
    }
}

impl CacheSpec {
    /// Whether edges from it may carry a call policy ([`super::NodeSpec::calls_with_policy`]).
    pub(crate) const CALLS_WITH_POLICY: bool = false;

    /// What it does with a request whose class several out-edges carry ([`super::NodeSpec::shared_class_rule`]).
    pub(crate) const SHARED_CLASS_RULE: Option<&'static str> =
        Some("takes turns between these edges when it goes to its origin");

    pub(crate) fn build(&self, cx: &mut Check) -> Built {
        let (c, loc, errs) = (self, cx.loc, &mut *cx.errs);
        if c.capacity == 0 || c.capacity > MAX_CACHE_CAPACITY {
            errs.bad(
                loc,
                "capacity",
                format!("must be between 1 and {MAX_CACHE_CAPACITY} objects, got {}", c.capacity),
            );
        }
        errs.ms(loc, "ttl_ms", c.ttl_ms, false);
        errs.ms(loc, "flush_ms", c.flush_ms, false);
        if c.object_bytes.is_some_and(|b| b == 0 || b > 1 << 40) {
            errs.bad(loc, "object_bytes", "must be between 1 byte and 1 TiB");
        }
        if c.read == Some(ReadPolicy::CacheAside) && c.write == Some(WritePolicy::WriteBack) {
            errs.bad(
                loc,
                "write",
                "a cache-aside cache has no origin to flush to; write_back needs read_through",
            );
        }
        if c.flush_ms.is_some() && c.write != Some(WritePolicy::WriteBack) {
            errs.bad(loc, "flush_ms", "only a write_back cache flushes");
        }
        let service_time = errs.service_time(loc, &c.service_time);
        if let Some(m) = c.max_connections {
            workers(errs, loc, "max_connections", m);
        }
        errs.ms(loc, "crash_at_ms", c.crash_at_ms, true);
        Built {
            service_time,
            workers: c.max_connections,
            crash_at: c.crash_at_ms.map(SimTime::from_millis_f64),
            ..Built::new(Behavior::Cache(CacheCfg {
                capacity: c.capacity,
                policy: policy_from_v1(c.policy),
                ttl_ns: opt_ms(c.ttl_ms),
                read: c.read.unwrap_or_default(),
                write: c.write.unwrap_or_default(),
                invalidate: c.invalidate.unwrap_or(true),
                coalesce: c.coalesce.unwrap_or(false),
                flush_ns: ms_to_nanos(c.flush_ms.unwrap_or(1000.0)),
                object_bytes: c.object_bytes.unwrap_or(1024),
            }))
        }
    }
}
