//! Cache eviction policies behind one trait, [`Eviction`].
//!
//! Keys are `u64`; every entry has a size in bytes. A [`Capacity`] counts either objects or bytes, and an
//! entry that alone exceeds it is never admitted. Entries may carry an expiry deadline (a [`SimTime`] passed
//! in, never read from a clock); expiry is lazy: an expired entry is dropped, and reported, when it is next
//! looked up or re-inserted, and until then it holds its space like any other entry.
//!
//! Every call that changes the cache reports the entries that left it ([`Evicted`]), so a caller can count
//! dirty write-backs lost to eviction. The report lives in the cache and is overwritten by the next call.
//!
//! One file per policy; all of them share the storage and accounting in `driver.rs` and are O(1) per
//! operation except Belady's (O(log n), it is offline anyway):
//!
//! | name      | type        | evicts                                                                 |
//! |-----------|-------------|------------------------------------------------------------------------|
//! | `fifo`    | [`Fifo`]    | the oldest insertion                                                   |
//! | `lifo`    | [`Lifo`]    | the newest insertion                                                   |
//! | `lru`     | [`Lru`]     | the least recently used                                                |
//! | `mru`     | [`Mru`]     | the most recently used                                                 |
//! | `lfu`     | [`Lfu`]     | the least frequently used, least recently used among equals            |
//! | `random`  | [`Random`]  | a uniformly random resident (seeded)                                   |
//! | `clock`   | [`Clock`]   | the first unreferenced entry under the hand (second-chance FIFO)       |
//! | `sieve`   | [`Sieve`]   | the first unvisited entry under a hand that sweeps from old to new     |
//! | `s3fifo`  | [`S3Fifo`]  | small FIFO (10%) + main CLOCK-like FIFO + ghost queue                  |
//! | `arc`     | [`ArcCache`]| adaptive between recency (T1) and frequency (T2), with ghosts          |
//! | `tinylfu` | [`TinyLfu`] | W-TinyLFU: 1% LRU window, SLRU main, count-min sketch admission        |
//! | `belady`  | [`Belady`]  | the entry used farthest in the future (offline: needs the trace)       |

mod arc;
mod belady;
mod clock;
mod driver;
mod fifo;
mod ghost;
mod lfu;
mod lifo;
mod list;
mod lru;
mod mru;
mod ordered;
mod random;
mod s3fifo;
mod sieve;
mod sketch;
mod slab;
mod tinylfu;
mod zipf;

use std::fmt;
use std::num::NonZeroU64;
use std::str::FromStr;

use crate::SimTime;

pub use arc::ArcCache;
pub use belady::Belady;
pub use clock::Clock;
pub use driver::Cache;
pub use fifo::Fifo;
pub use lfu::Lfu;
pub use lifo::Lifo;
pub use lru::Lru;
pub use mru::Mru;
pub use random::Random;
pub use s3fifo::S3Fifo;
pub use sieve::Sieve;
pub use tinylfu::TinyLfu;
pub use zipf::ZipfKeys;

/// What a capacity counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Every entry costs 1, whatever its size.
    Objects,
    /// Every entry costs its size in bytes (at least 1).
    Bytes,
}

/// How much a cache holds: a non-zero limit in objects or in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Capacity {
    limit: NonZeroU64,
    unit: Unit,
}

impl Capacity {
    pub const fn objects(limit: NonZeroU64) -> Self {
        Capacity {
            limit,
            unit: Unit::Objects,
        }
    }

    pub const fn bytes(limit: NonZeroU64) -> Self {
        Capacity {
            limit,
            unit: Unit::Bytes,
        }
    }

    /// A capacity of `limit` units; zero is an error.
    pub fn new(limit: u64, unit: Unit) -> Result<Self, CacheError> {
        let limit = NonZeroU64::new(limit).ok_or(CacheError::ZeroCapacity)?;
        Ok(Capacity { limit, unit })
    }

    #[inline]
    pub const fn limit(self) -> u64 {
        self.limit.get()
    }

    pub const fn unit(self) -> Unit {
        self.unit
    }

    /// What an entry of `size` bytes counts against this capacity.
    #[inline]
    pub const fn cost(self, size: u32) -> u32 {
        match self.unit {
            Unit::Objects => 1,
            Unit::Bytes if size == 0 => 1,
            Unit::Bytes => size,
        }
    }
}

impl fmt::Display for Capacity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.unit {
            Unit::Objects => write!(f, "{} objects", self.limit),
            Unit::Bytes => write!(f, "{} bytes", self.limit),
        }
    }
}

/// An entry that left the cache during the last call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Evicted {
    pub key: u64,
    pub size: u32,
    /// It had passed its deadline when it left (whether it was looked up, or chosen to make room).
    pub expired: bool,
}

/// The outcome of [`Eviction::access`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access<'a> {
    Hit,
    /// The key was not resident (or had expired). `admitted` says whether it is resident now; `evicted`
    /// lists what left the cache, including the expired old copy of the key itself.
    Miss {
        admitted: bool,
        evicted: &'a [Evicted],
    },
}

impl Access<'_> {
    pub fn is_hit(&self) -> bool {
        matches!(self, Access::Hit)
    }
}

/// The outcome of [`Eviction::insert`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Insert<'a> {
    /// The key is resident after the call. It is not if the entry alone exceeds the capacity, or if the
    /// policy declines it (only Belady's does, for a key needed later than every resident). TinyLFU admits
    /// every new entry to its window; its admission contest happens later, between residents.
    pub admitted: bool,
    pub evicted: &'a [Evicted],
}

/// A cache eviction policy with its entries. Keys are `u64`, sizes are bytes, time is passed in.
///
/// Re-inserting a resident key with the same cost refreshes its size and deadline and counts as a use;
/// with a different cost (byte mode) the old entry is replaced by a new one, which is not an eviction.
pub trait Eviction {
    /// The policy's name, as [`Policy`] parses it.
    fn name(&self) -> &'static str;

    fn capacity(&self) -> Capacity;

    /// Resident entries (expired ones that have not been dropped yet included).
    fn len(&self) -> usize;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Capacity units in use: entries in object mode, bytes in byte mode. Never above the limit.
    fn used(&self) -> u64;

    /// Whether `key` is resident and unexpired at `now`, without counting as a use.
    fn contains(&self, key: u64, now: SimTime) -> bool;

    /// Looks `key` up, counting as a use on a hit. An expired entry is dropped and reported in
    /// [`Eviction::evicted`].
    fn get(&mut self, key: u64, now: SimTime) -> bool;

    /// Stores `key` with `size` bytes and an optional expiry deadline, evicting as needed.
    fn insert(&mut self, key: u64, size: u32, expires: Option<SimTime>, now: SimTime) -> Insert<'_>;

    /// Get-or-insert, as trace replay does: a hit counts as a use; a miss inserts the key without a
    /// deadline.
    fn access(&mut self, key: u64, size: u32, now: SimTime) -> Access<'_>;

    /// Invalidates `key`; returns whether it was resident. Not reported as an eviction.
    fn remove(&mut self, key: u64) -> bool;

    /// The entries that left the cache during the last `get`, `insert`, `access` or `remove`.
    fn evicted(&self) -> &[Evicted];

    /// Checks every internal invariant; `Err` says which one broke.
    #[cfg(any(test, debug_assertions))]
    fn validate(&self) -> Result<(), String>;
}

/// Why a cache could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheError {
    UnknownPolicy(String),
    ZeroCapacity,
    /// Belady's algorithm needs the whole future trace: build it with [`Belady::new`].
    NeedsTrace(Policy),
    /// Belady indexes trace positions with `u32`.
    TraceTooLong(usize),
    BadZipf(String),
}

impl fmt::Display for CacheError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CacheError::UnknownPolicy(name) => {
                write!(f, "unknown cache policy '{name}' (expected one of: ")?;
                for (i, p) in Policy::ALL.iter().enumerate() {
                    write!(f, "{}{p}", if i == 0 { "" } else { ", " })?;
                }
                write!(f, ")")
            }
            CacheError::ZeroCapacity => write!(f, "cache capacity must be at least 1"),
            CacheError::NeedsTrace(p) => {
                write!(f, "policy '{p}' is offline: it needs the whole trace")
            }
            CacheError::TraceTooLong(n) => write!(f, "trace of {n} requests is too long for Belady (max 2^32 - 2)"),
            CacheError::BadZipf(why) => write!(f, "bad Zipf parameters: {why}"),
        }
    }
}

impl std::error::Error for CacheError {}

/// Every eviction policy, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Policy {
    Fifo,
    Lifo,
    Lru,
    Mru,
    Lfu,
    Random,
    Clock,
    Sieve,
    S3Fifo,
    Arc,
    TinyLfu,
    Belady,
}

impl Policy {
    pub const ALL: [Policy; 12] = [
        Policy::Fifo,
        Policy::Lifo,
        Policy::Lru,
        Policy::Mru,
        Policy::Lfu,
        Policy::Random,
        Policy::Clock,
        Policy::Sieve,
        Policy::S3Fifo,
        Policy::Arc,
        Policy::TinyLfu,
        Policy::Belady,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Policy::Fifo => "fifo",
            Policy::Lifo => "lifo",
            Policy::Lru => "lru",
            Policy::Mru => "mru",
            Policy::Lfu => "lfu",
            Policy::Random => "random",
            Policy::Clock => "clock",
            Policy::Sieve => "sieve",
            Policy::S3Fifo => "s3fifo",
            Policy::Arc => "arc",
            Policy::TinyLfu => "tinylfu",
            Policy::Belady => "belady",
        }
    }

    /// Needs the future (only Belady's optimal).
    pub const fn is_offline(self) -> bool {
        matches!(self, Policy::Belady)
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Policy {
    type Err = CacheError;

    /// The names in [`Policy::name`], case-insensitive, plus the aliases `filo`, `s3-fifo`, `w-tinylfu`,
    /// `wtinylfu`, `opt` and `optimal`.
    fn from_str(s: &str) -> Result<Self, CacheError> {
        let lower = s.trim().to_ascii_lowercase();
        let alias = match lower.as_str() {
            "filo" => Some(Policy::Lifo),
            "s3-fifo" => Some(Policy::S3Fifo),
            "w-tinylfu" | "wtinylfu" => Some(Policy::TinyLfu),
            "opt" | "optimal" => Some(Policy::Belady),
            _ => None,
        };
        alias
            .or_else(|| Policy::ALL.into_iter().find(|p| p.name() == lower))
            .ok_or_else(|| CacheError::UnknownPolicy(s.to_string()))
    }
}

/// Work to do with a cache of whichever concrete type a [`Policy`] names. [`visit`] hands the cache over by
/// value, so a hot loop (trace replay) is compiled for each policy with static dispatch instead of going
/// through `Box<dyn Eviction>`.
pub trait Visit {
    type Output;
    fn visit<C: Eviction + Send + 'static>(self, cache: C) -> Self::Output;
}

/// Builds an empty cache run by `policy` and passes it to `visitor`. `seed` feeds the policies that draw
/// random numbers (`random`). Belady's optimal is offline and returns [`CacheError::NeedsTrace`]: use
/// [`Belady::new`].
pub fn visit<V: Visit>(policy: Policy, capacity: Capacity, seed: u64, visitor: V) -> Result<V::Output, CacheError> {
    Ok(match policy {
        Policy::Fifo => visitor.visit(Fifo::with_seed(capacity, seed)),
        Policy::Lifo => visitor.visit(Lifo::with_seed(capacity, seed)),
        Policy::Lru => visitor.visit(Lru::with_seed(capacity, seed)),
        Policy::Mru => visitor.visit(Mru::with_seed(capacity, seed)),
        Policy::Lfu => visitor.visit(Lfu::with_seed(capacity, seed)),
        Policy::Random => visitor.visit(Random::with_seed(capacity, seed)),
        Policy::Clock => visitor.visit(Clock::with_seed(capacity, seed)),
        Policy::Sieve => visitor.visit(Sieve::with_seed(capacity, seed)),
        Policy::S3Fifo => visitor.visit(S3Fifo::with_seed(capacity, seed)),
        Policy::Arc => visitor.visit(ArcCache::with_seed(capacity, seed)),
        Policy::TinyLfu => visitor.visit(TinyLfu::with_seed(capacity, seed)),
        Policy::Belady => return Err(CacheError::NeedsTrace(policy)),
    })
}

struct Boxed;

impl Visit for Boxed {
    type Output = Box<dyn Eviction + Send>;
    fn visit<C: Eviction + Send + 'static>(self, cache: C) -> Box<dyn Eviction + Send> {
        Box::new(cache)
    }
}

/// Builds an empty cache run by `policy`, behind the trait. `seed` feeds the policies that draw random
/// numbers (`random`). Belady's optimal is offline and returns [`CacheError::NeedsTrace`]: use
/// [`Belady::new`] or [`build_with_trace`].
pub fn build(policy: Policy, capacity: Capacity, seed: u64) -> Result<Box<dyn Eviction + Send>, CacheError> {
    visit(policy, capacity, seed, Boxed)
}

/// Like [`build`], but every policy, Belady's included, given the whole future `trace` of requested keys
/// (which only Belady's reads).
pub fn build_with_trace(
    policy: Policy,
    capacity: Capacity,
    seed: u64,
    trace: Vec<u64>,
) -> Result<Box<dyn Eviction + Send>, CacheError> {
    match policy {
        Policy::Belady => Ok(Box::new(Belady::new(trace, capacity)?)),
        online => build(online, capacity, seed),
    }
}
