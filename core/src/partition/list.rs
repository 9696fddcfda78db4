//! List partitioning: each shard owns a list of values, here region codes. A key's region code is
//! `key mod regions` (the low digits of the key name its region, as in ids minted per region); the shard
//! that owns the code holds the key, and a code no shard owns goes to the default shard. Keys of one
//! region stay together (good for locality and data-residency rules) but a big region makes a hot shard.
//!
//! Adding a shard gives it the upper half (in code order) of the codes of the shard that owns the most
//! (the lowest id of equals); only those regions' keys move. Removing a shard sends its codes to the
//! default shard, which cannot itself be removed.

use std::collections::BTreeMap;

use super::{check_regions, first_shards, next_id, removable, PartitionError, Partitioner, Scheme, ShardId};

/// Region code → owning shard, with a default shard for unowned codes.
#[derive(Clone, Debug)]
pub struct List {
    regions: u64,
    owners: BTreeMap<u64, ShardId>,
    default: ShardId,
    shards: Vec<ShardId>,
}

impl List {
    /// `shards` shards with ids `0..shards`; code `c` in `0..regions` goes to shard `c mod shards`; the
    /// default shard is 0.
    pub fn by_modulo(regions: u64, shards: u32) -> Result<Self, PartitionError> {
        let shards = first_shards(shards)?;
        check_regions(regions)?;
        let n = shards.len() as u64;
        let owners = (0..regions).map(|c| (c, shards[(c % n) as usize])).collect();
        Ok(List {
            regions,
            owners,
            default: shards[0],
            shards,
        })
    }

    /// A single default shard (id 0) and no owned codes: then [`List::assign`] codes to added shards.
    pub fn with_default(regions: u64) -> Result<Self, PartitionError> {
        check_regions(regions)?;
        Ok(List {
            regions,
            owners: BTreeMap::new(),
            default: ShardId(0),
            shards: vec![ShardId(0)],
        })
    }

    /// The region code of a key: `key mod regions`.
    pub fn region(&self, key: u64) -> u64 {
        key % self.regions
    }

    pub fn default_shard(&self) -> ShardId {
        self.default
    }

    /// The codes `shard` owns, in order.
    pub fn values_of(&self, shard: ShardId) -> Vec<u64> {
        self.owners
            .iter()
            .filter(|&(_, &s)| s == shard)
            .map(|(&c, _)| c)
            .collect()
    }

    /// Gives code `value` to `shard`. Errors: [`PartitionError::UnknownValue`], [`PartitionError::UnknownShard`].
    pub fn assign(&mut self, value: u64, shard: ShardId) -> Result<(), PartitionError> {
        if value >= self.regions {
            return Err(PartitionError::UnknownValue {
                value,
                regions: self.regions,
            });
        }
        self.shards
            .binary_search(&shard)
            .map_err(|_| PartitionError::UnknownShard(shard))?;
        self.owners.insert(value, shard);
        Ok(())
    }
}

impl Partitioner for List {
    fn scheme(&self) -> Scheme {
        Scheme::List
    }

    fn shards(&self) -> &[ShardId] {
        &self.shards
    }

    fn locate(&self, _index: u64, key: u64) -> Result<ShardId, PartitionError> {
        Ok(self.owners.get(&self.region(key)).copied().unwrap_or(self.default))
    }

    fn add_shard(&mut self) -> Result<ShardId, PartitionError> {
        let id = next_id(&self.shards)?;
        let mut counts: BTreeMap<ShardId, usize> = BTreeMap::new();
        for &s in self.owners.values() {
            *counts.entry(s).or_default() += 1;
        }
        let busiest = counts
            .iter()
            .fold(None, |best: Option<(ShardId, usize)>, (&s, &c)| match best {
                Some((_, b)) if b >= c => best,
                _ => Some((s, c)),
            });
        self.shards.push(id);
        if let Some((from, count)) = busiest.filter(|&(_, c)| c >= 2) {
            for v in self.values_of(from).split_off(count / 2) {
                self.owners.insert(v, id);
            }
        }
        Ok(id)
    }

    fn remove_shard(&mut self, shard: ShardId) -> Result<(), PartitionError> {
        let i = removable(&self.shards, shard)?;
        if shard == self.default {
            return Err(PartitionError::DefaultShard(shard));
        }
        self.owners.retain(|_, s| *s != shard);
        self.shards.remove(i);
        Ok(())
    }

    #[cfg(any(test, debug_assertions))]
    fn validate(&self) -> Result<(), String> {
        super::check_shards(&self.shards)?;
        if self.shards.binary_search(&self.default).is_err() {
            return Err(format!("default {} is not a member", self.default));
        }
        for (&c, s) in &self.owners {
            if c >= self.regions {
                return Err(format!("code {c} is not below {}", self.regions));
            }
            if self.shards.binary_search(s).is_err() {
                return Err(format!("code {c} owned by non-member {s}"));
            }
        }
        Ok(())
    }
}
