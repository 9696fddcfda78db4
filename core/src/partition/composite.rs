//! Composite partitioning: list by region, then hash within the region. A key's region is
//! `key mod regions` (as in [`super::list`]); each region has its own group of shards and the key goes to
//! `hash(key) mod |group|` within it. Data stays in its region, and a region's load spreads over its shards.
//! Adding a shard puts it in the region with the fewest shards (the lowest of equals): only that region's
//! keys rehash, the others stay. A region's last shard cannot be removed.

use super::{check_regions, hash_mod, next_id, removable, PartitionError, Partitioner, Scheme, ShardId};

/// Region code → group of shards, `hash mod` within the group.
#[derive(Clone, Debug)]
pub struct Composite {
    /// The shards of each region, by region code, each group sorted.
    groups: Vec<Vec<ShardId>>,
    shards: Vec<ShardId>,
}

impl Composite {
    /// `shards` shards with ids `0..shards`, shard `s` in region `s mod regions`. Errors:
    /// [`PartitionError::NoShards`], [`PartitionError::ZeroRegions`], [`PartitionError::TooFewShards`] (every region needs a shard).
    pub fn new(regions: u64, shards: u32) -> Result<Self, PartitionError> {
        if shards == 0 {
            return Err(PartitionError::NoShards);
        }
        check_regions(regions)?;
        if u64::from(shards) < regions {
            return Err(PartitionError::TooFewShards { shards, regions });
        }
        let mut groups = vec![Vec::new(); regions as usize];
        for s in 0..shards {
            groups[(u64::from(s) % regions) as usize].push(ShardId(s));
        }
        Ok(Composite {
            groups,
            shards: (0..shards).map(ShardId).collect(),
        })
    }

    /// The region code of a key: `key mod regions`.
    pub fn region(&self, key: u64) -> u64 {
        key % self.groups.len() as u64
    }

    /// The shards of region `region` (empty for a code out of range).
    pub fn group(&self, region: u64) -> &[ShardId] {
        self.groups.get(region as usize).map_or(&[], Vec::as_slice)
    }
}

impl Partitioner for Composite {
    fn scheme(&self) -> Scheme {
        Scheme::Composite
    }

    fn shards(&self) -> &[ShardId] {
        &self.shards
    }

    fn locate(&self, _index: u64, key: u64) -> Result<ShardId, PartitionError> {
        Ok(hash_mod(&self.groups[self.region(key) as usize], key))
    }

    fn add_shard(&mut self) -> Result<ShardId, PartitionError> {
        let id = next_id(&self.shards)?;
        let smallest = (0..self.groups.len()).fold(0, |best, r| {
            if self.groups[r].len() < self.groups[best].len() {
                r
            } else {
                best
            }
        });
        self.groups[smallest].push(id);
        self.shards.push(id);
        Ok(id)
    }

    fn remove_shard(&mut self, shard: ShardId) -> Result<(), PartitionError> {
        let i = removable(&self.shards, shard)?;
        let (region, group) = self
            .groups
            .iter_mut()
            .enumerate()
            .find(|(_, g)| g.contains(&shard))
            .ok_or(PartitionError::UnknownShard(shard))?;
        if group.len() == 1 {
            return Err(PartitionError::LastShardOfRegion {
                shard,
                region: region as u64,
            });
        }
        group.retain(|&s| s != shard);
        self.shards.remove(i);
        Ok(())
    }

    #[cfg(any(test, debug_assertions))]
    fn validate(&self) -> Result<(), String> {
        super::check_shards(&self.shards)?;
        let mut all = Vec::new();
        for (r, g) in self.groups.iter().enumerate() {
            super::check_shards(g).map_err(|e| format!("region {r}: {e}"))?;
            all.extend_from_slice(g);
        }
        all.sort_unstable();
        if all != self.shards {
            return Err("the regions' groups do not partition the shards".into());
        }
        Ok(())
    }
}
