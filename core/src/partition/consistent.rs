//! Consistent hashing: the shards are servers on the ring module's classic ring ([`ClassicRing`], 160
//! virtual nodes each by default) and a key goes to the successor of its hash. Adding a shard moves only
//! the keys the new shard's vnodes capture, about `1/(n + 1)` of them (8 → 9: 11%); removing one moves
//! only its own keys. Balance is that of the ring: a `1/√vnodes` spread.

use super::{first_shards, next_id, removable, PartitionError, Partitioner, Scheme, ShardId};
use crate::ring::{ClassicRing, Placement, Server, ServerId};

/// A classic consistent-hash ring whose servers are the shards (server id = shard id).
#[derive(Clone, Debug)]
pub struct Consistent {
    ring: ClassicRing,
    shards: Vec<ShardId>,
}

impl Consistent {
    /// `n` shards with ids `0..n`, `vnodes` virtual nodes each.
    pub fn new(n: u32, vnodes: u32) -> Result<Self, PartitionError> {
        let shards = first_shards(n)?;
        let mut ring = ClassicRing::new(vnodes)?;
        let servers: Vec<Server> = shards
            .iter()
            .map(|s| Server {
                id: ServerId(s.0),
                weight: 1,
            })
            .collect();
        ring.add_all(&servers)?;
        Ok(Consistent { ring, shards })
    }

    /// The underlying ring (for its vnode points and shares).
    pub fn ring(&self) -> &ClassicRing {
        &self.ring
    }
}

impl Partitioner for Consistent {
    fn scheme(&self) -> Scheme {
        Scheme::Consistent
    }

    fn shards(&self) -> &[ShardId] {
        &self.shards
    }

    fn locate(&self, _index: u64, key: u64) -> Result<ShardId, PartitionError> {
        Ok(ShardId(self.ring.lookup(key)?.0))
    }

    fn add_shard(&mut self) -> Result<ShardId, PartitionError> {
        let id = next_id(&self.shards)?;
        self.ring.add(ServerId(id.0), 1)?;
        self.shards.push(id);
        Ok(id)
    }

    fn remove_shard(&mut self, shard: ShardId) -> Result<(), PartitionError> {
        let i = removable(&self.shards, shard)?;
        self.ring.remove(ServerId(shard.0))?;
        self.shards.remove(i);
        Ok(())
    }

    #[cfg(any(test, debug_assertions))]
    fn validate(&self) -> Result<(), String> {
        super::check_shards(&self.shards)?;
        self.ring.validate()?;
        let servers: Vec<u32> = self.ring.servers().iter().map(|s| s.id.0).collect();
        let shards: Vec<u32> = self.shards.iter().map(|s| s.0).collect();
        if servers != shards {
            return Err(format!("ring servers {servers:?} are not the shards {shards:?}"));
        }
        Ok(())
    }
}
