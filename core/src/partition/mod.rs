//! Partitioning (sharding): which shard holds a key, what a reader must query to find it, and how many keys
//! move when shards are added or removed.
//!
//! One trait, [`Partitioner`], and one file per scheme:
//!
//! | scheme | file | a key goes to | read fan-out | on add |
//! |---|---|---|---|---|
//! | range | [`range`] | the range between two split points that holds it | 1 | the largest (or a named) range splits at its midpoint; only its upper half moves |
//! | `hash mod n` | [`modn`] | `key_hash(key) mod n` | 1 | about `n/(n+1)` of the keys move |
//! | consistent hashing | [`consistent`] | the [`ring::ClassicRing`] successor of its hash | 1 | about `1/(n+1)` move, all onto the new shard |
//! | list | [`list`] | the shard that owns its region code `key mod regions` (else the default shard) | 1 | the new shard takes the upper half of the codes of the shard with the most |
//! | round robin | [`round_robin`] | shard `i mod n` for the `i`-th item written | `n` | almost every item moves |
//! | composite | [`composite`] | list by region code, then `hash mod` within the region's shards | 1 | only keys of the region that gained the shard move |
//! | directory | [`directory`] | whatever its lookup table says (hash placement for keys it has not seen) | 1 | nothing moves until keys are migrated |
//!
//! Shards are named by a stable [`ShardId`]; [`Partitioner::shards`] lists them sorted. An item is a pair
//! `(index, key)`: the index is the write's sequence number, which only round robin uses (a writer knows it,
//! a reader does not, so [`Partitioner::lookup_fanout`] is every shard). Keys hash with the ring module's
//! fixed-seeded XXH3 ([`ring::hash::key_hash`]), so placements are the same on every run and platform.
//! Bad input is a typed [`PartitionError`], never a panic; a failed operation leaves the partitioner
//! unchanged.
//!
//! [`locate_all`] / [`record_all`] place a key set, [`diff`] counts the keys whose shard changed, and
//! [`skew`] measures balance as `max / mean` of the (optionally weighted) keys per shard.

pub mod composite;
pub mod consistent;
pub mod directory;
pub mod list;
pub mod modn;
pub mod range;
pub mod round_robin;
mod skew;

use std::fmt;

use crate::ring::{self, RingError};

pub use composite::Composite;
pub use consistent::Consistent;
pub use directory::Directory;
pub use list::List;
pub use modn::ModN;
pub use range::Range;
pub use round_robin::RoundRobin;
pub use skew::{skew, Skew};

/// A shard's stable identity: removing a shard does not rename the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ShardId(pub u32);

impl fmt::Display for ShardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "shard {}", self.0)
    }
}

/// Which partitioning scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scheme {
    Range,
    ModN,
    Consistent,
    List,
    RoundRobin,
    Composite,
    Directory,
}

impl Scheme {
    pub const ALL: [Scheme; 7] = [
        Scheme::Range,
        Scheme::ModN,
        Scheme::Consistent,
        Scheme::List,
        Scheme::RoundRobin,
        Scheme::Composite,
        Scheme::Directory,
    ];

    /// The short name the CLI uses.
    pub const fn name(self) -> &'static str {
        match self {
            Scheme::Range => "range",
            Scheme::ModN => "modn",
            Scheme::Consistent => "consistent",
            Scheme::List => "list",
            Scheme::RoundRobin => "roundrobin",
            Scheme::Composite => "composite",
            Scheme::Directory => "directory",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What went wrong. Every fallible operation leaves the partitioner unchanged when it returns an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PartitionError {
    /// A partitioner built with zero shards.
    NoShards,
    /// An operation naming a shard that is not a member.
    UnknownShard(ShardId),
    /// `remove_shard` of the only shard: a partitioner always has at least one.
    LastShard,
    /// Shard ids ran out (`u32::MAX` was taken).
    TooManyShards,
    /// Range split points must be strictly increasing and above 0 (else some range would be empty).
    BadSplitPoints { index: usize },
    /// A range of one key cannot be split.
    RangeTooNarrow(ShardId),
    /// A list or composite partitioner with zero region codes.
    ZeroRegions,
    /// More region codes than [`MAX_REGIONS`].
    TooManyRegions(u64),
    /// A list value outside `0..regions`.
    UnknownValue { value: u64, regions: u64 },
    /// A composite partitioner needs at least one shard per region.
    TooFewShards { shards: u32, regions: u64 },
    /// Removing a region's only shard would leave its keys nowhere.
    LastShardOfRegion { shard: ShardId, region: u64 },
    /// Removing the list's default shard would leave unknown values nowhere.
    DefaultShard(ShardId),
    /// `migrate` on a scheme without a lookup table.
    MigrationUnsupported(Scheme),
    /// The consistent-hash ring refused.
    Ring(RingError),
}

impl fmt::Display for PartitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartitionError::NoShards => f.write_str("a partitioner needs at least one shard"),
            PartitionError::UnknownShard(s) => write!(f, "{s} is not a member"),
            PartitionError::LastShard => f.write_str("cannot remove the only shard"),
            PartitionError::TooManyShards => f.write_str("shard ids ran out"),
            PartitionError::BadSplitPoints { index } => write!(
                f,
                "split point {index} must be above 0 and above the one before it (points are strictly increasing)"
            ),
            PartitionError::RangeTooNarrow(s) => write!(f, "the range of {s} holds one key and cannot be split"),
            PartitionError::ZeroRegions => f.write_str("there must be at least one region code"),
            PartitionError::TooManyRegions(r) => write!(f, "{r} region codes is too many (at most {MAX_REGIONS})"),
            PartitionError::UnknownValue { value, regions } => {
                write!(f, "value {value} is not a region code (codes are 0..{regions})")
            }
            PartitionError::TooFewShards { shards, regions } => {
                write!(
                    f,
                    "{shards} shards cannot cover {regions} regions (one shard per region at least)"
                )
            }
            PartitionError::LastShardOfRegion { shard, region } => {
                write!(f, "{shard} is the only shard of region {region}")
            }
            PartitionError::DefaultShard(s) => write!(f, "{s} is the default shard and cannot be removed"),
            PartitionError::MigrationUnsupported(s) => write!(f, "{s} partitioning has no table to migrate keys in"),
            PartitionError::Ring(e) => write!(f, "consistent-hash ring: {e}"),
        }
    }
}

impl std::error::Error for PartitionError {}

impl From<RingError> for PartitionError {
    fn from(e: RingError) -> Self {
        PartitionError::Ring(e)
    }
}

/// A partitioning scheme: a set of shards and a function from items to shards.
///
/// Implementations are deterministic functions of their construction and the operations applied.
pub trait Partitioner {
    fn scheme(&self) -> Scheme;

    /// The members, sorted by id; never empty.
    fn shards(&self) -> &[ShardId];

    /// The shard that holds the `index`-th item written, whose key is `key`, now. Only round robin reads
    /// `index`; only the directory keeps per-key state (a key it has not recorded is located by its hash).
    fn locate(&self, index: u64, key: u64) -> Result<ShardId, PartitionError>;

    /// Writes the item: where the directory records the key; for the others the same as [`Self::locate`].
    fn record(&mut self, index: u64, key: u64) -> Result<ShardId, PartitionError> {
        self.locate(index, key)
    }

    /// How many shards a reader who knows only the key must query: 1, but every shard for round robin.
    fn lookup_fanout(&self) -> usize {
        1
    }

    /// Adds a shard with the next free id (one above the largest) and returns it.
    fn add_shard(&mut self) -> Result<ShardId, PartitionError>;

    /// Removes a shard; its keys go where the scheme puts them without it. Errors:
    /// [`PartitionError::UnknownShard`], [`PartitionError::LastShard`] and scheme-specific ones.
    fn remove_shard(&mut self, shard: ShardId) -> Result<(), PartitionError>;

    /// Moves `keys` to `to` and returns how many changed shard. Only the directory can; the others return
    /// [`PartitionError::MigrationUnsupported`].
    fn migrate(&mut self, keys: &[u64], to: ShardId) -> Result<u64, PartitionError> {
        let _ = (keys, to);
        Err(PartitionError::MigrationUnsupported(self.scheme()))
    }

    /// Checks the internal invariants, returning a description of the first one broken.
    #[cfg(any(test, debug_assertions))]
    fn validate(&self) -> Result<(), String>;
}

impl<P: Partitioner + ?Sized> Partitioner for Box<P> {
    fn scheme(&self) -> Scheme {
        (**self).scheme()
    }
    fn shards(&self) -> &[ShardId] {
        (**self).shards()
    }
    fn locate(&self, index: u64, key: u64) -> Result<ShardId, PartitionError> {
        (**self).locate(index, key)
    }
    fn record(&mut self, index: u64, key: u64) -> Result<ShardId, PartitionError> {
        (**self).record(index, key)
    }
    fn lookup_fanout(&self) -> usize {
        (**self).lookup_fanout()
    }
    fn add_shard(&mut self) -> Result<ShardId, PartitionError> {
        (**self).add_shard()
    }
    fn remove_shard(&mut self, shard: ShardId) -> Result<(), PartitionError> {
        (**self).remove_shard(shard)
    }
    fn migrate(&mut self, keys: &[u64], to: ShardId) -> Result<u64, PartitionError> {
        (**self).migrate(keys, to)
    }
    #[cfg(any(test, debug_assertions))]
    fn validate(&self) -> Result<(), String> {
        (**self).validate()
    }
}

/// How to build any scheme with `shards` shards (ids `0..shards`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config {
    pub scheme: Scheme,
    pub shards: u32,
    /// Region codes for list (default `4 × shards`, dealt out `code mod shards`) and composite (default
    /// `min(4, shards)`).
    pub regions: Option<u64>,
    /// Range: the key domain `[0, range_end)` split evenly; default `2^64`, all of `u64`.
    pub range_end: u128,
    /// Consistent hashing: virtual nodes per shard. Default 160.
    pub vnodes: u32,
}

impl Config {
    pub const fn new(scheme: Scheme, shards: u32) -> Self {
        Config {
            scheme,
            shards,
            regions: None,
            range_end: 1 << 64,
            vnodes: 160,
        }
    }

    pub fn build(&self) -> Result<Box<dyn Partitioner>, PartitionError> {
        let n = self.shards;
        Ok(match self.scheme {
            Scheme::Range => Box::new(Range::even(n, self.range_end)?),
            Scheme::ModN => Box::new(ModN::new(n)?),
            Scheme::Consistent => Box::new(Consistent::new(n, self.vnodes)?),
            Scheme::List => Box::new(List::by_modulo(self.regions.unwrap_or(4 * u64::from(n)), n)?),
            Scheme::RoundRobin => Box::new(RoundRobin::new(n)?),
            Scheme::Composite => Box::new(Composite::new(self.regions.unwrap_or(u64::from(n.min(4))), n)?),
            Scheme::Directory => Box::new(Directory::new(n)?),
        })
    }
}

/// The current shard of each key, item `i` being `keys[i]`.
pub fn locate_all<P: Partitioner + ?Sized>(p: &P, keys: &[u64]) -> Result<Vec<ShardId>, PartitionError> {
    keys.iter().enumerate().map(|(i, &k)| p.locate(i as u64, k)).collect()
}

/// Writes each key (item `i` being `keys[i]`) and returns where it went.
pub fn record_all<P: Partitioner + ?Sized>(p: &mut P, keys: &[u64]) -> Result<Vec<ShardId>, PartitionError> {
    keys.iter().enumerate().map(|(i, &k)| p.record(i as u64, k)).collect()
}

/// Keys whose shard changed between two placements of the same key set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moved {
    pub moved: u64,
    pub total: u64,
}

impl Moved {
    /// `moved / total`, 0 for no keys.
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.moved as f64 / self.total as f64
        }
    }
}

/// Compares two placements of the same keys (position by position; extra positions in the longer one are
/// ignored).
pub fn diff(before: &[ShardId], after: &[ShardId]) -> Moved {
    let moved = before.iter().zip(after).filter(|(a, b)| a != b).count() as u64;
    Moved {
        moved,
        total: before.len().min(after.len()) as u64,
    }
}

/// The most region codes a list or composite partitioner may have (each takes a table entry).
pub const MAX_REGIONS: u64 = 1 << 20;

/// `1 <= regions <= MAX_REGIONS`.
pub(crate) fn check_regions(regions: u64) -> Result<(), PartitionError> {
    match regions {
        0 => Err(PartitionError::ZeroRegions),
        r if r > MAX_REGIONS => Err(PartitionError::TooManyRegions(r)),
        _ => Ok(()),
    }
}

/// The id after the largest member, for `add_shard`.
pub(crate) fn next_id(shards: &[ShardId]) -> Result<ShardId, PartitionError> {
    match shards.last() {
        None => Ok(ShardId(0)),
        Some(s) => s.0.checked_add(1).map(ShardId).ok_or(PartitionError::TooManyShards),
    }
}

/// Appends a shard with the next id and returns it.
pub(crate) fn push_next(shards: &mut Vec<ShardId>) -> Result<ShardId, PartitionError> {
    let id = next_id(shards)?;
    shards.push(id);
    Ok(id)
}

/// `ShardId(0..n)`, or [`PartitionError::NoShards`] for `n = 0`.
pub(crate) fn first_shards(n: u32) -> Result<Vec<ShardId>, PartitionError> {
    if n == 0 {
        return Err(PartitionError::NoShards);
    }
    Ok((0..n).map(ShardId).collect())
}

/// The checks every `remove_shard` starts with: the shard's position, unless it is unknown or the last.
pub(crate) fn removable(shards: &[ShardId], shard: ShardId) -> Result<usize, PartitionError> {
    let i = shards
        .binary_search(&shard)
        .map_err(|_| PartitionError::UnknownShard(shard))?;
    if shards.len() == 1 {
        return Err(PartitionError::LastShard);
    }
    Ok(i)
}

/// `validate` for a shard list: non-empty and strictly increasing.
#[cfg(any(test, debug_assertions))]
pub(crate) fn check_shards(shards: &[ShardId]) -> Result<(), String> {
    if shards.is_empty() {
        return Err("no shards".into());
    }
    match shards.windows(2).find(|w| w[0] >= w[1]) {
        Some(w) => Err(format!("shards not strictly increasing: {} then {}", w[0], w[1])),
        None => Ok(()),
    }
}

/// `hash(key) mod n` over a non-empty shard list: modn's placement, reused by composite and directory.
#[inline]
pub(crate) fn hash_mod(shards: &[ShardId], key: u64) -> ShardId {
    shards[(ring::hash::key_hash(key) % shards.len() as u64) as usize]
}
