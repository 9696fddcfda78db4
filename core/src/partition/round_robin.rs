//! Round robin: the `i`-th item written goes to the `(i mod n)`-th shard. Perfectly balanced whatever the
//! keys (even a hot key is spread, one write per shard in turn), but the shard depends on the write's
//! sequence number, not the key: a writer knows `i`, a reader holding only the key does not, so every read
//! fans out to all `n` shards ([`Partitioner::lookup_fanout`]). Changing `n` moves almost every item.

use super::{first_shards, push_next, removable, PartitionError, Partitioner, Scheme, ShardId};

/// Item `i` to the `(i mod n)`-th shard in id order.
#[derive(Clone, Debug)]
pub struct RoundRobin {
    shards: Vec<ShardId>,
}

impl RoundRobin {
    /// `n` shards with ids `0..n`.
    pub fn new(n: u32) -> Result<Self, PartitionError> {
        Ok(RoundRobin {
            shards: first_shards(n)?,
        })
    }
}

impl Partitioner for RoundRobin {
    fn scheme(&self) -> Scheme {
        Scheme::RoundRobin
    }

    fn shards(&self) -> &[ShardId] {
        &self.shards
    }

    fn locate(&self, index: u64, _key: u64) -> Result<ShardId, PartitionError> {
        Ok(self.shards[(index % self.shards.len() as u64) as usize])
    }

    fn lookup_fanout(&self) -> usize {
        self.shards.len()
    }

    fn add_shard(&mut self) -> Result<ShardId, PartitionError> {
        push_next(&mut self.shards)
    }

    fn remove_shard(&mut self, shard: ShardId) -> Result<(), PartitionError> {
        let i = removable(&self.shards, shard)?;
        self.shards.remove(i);
        Ok(())
    }

    #[cfg(any(test, debug_assertions))]
    fn validate(&self) -> Result<(), String> {
        super::check_shards(&self.shards)
    }
}
