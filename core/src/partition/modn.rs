//! `hash(key) mod n`: perfectly balanced for any key pattern (sequential keys included, since the hash
//! scatters them), but going from `n` to `n + 1` shards a key stays only when `h mod n = h mod (n + 1)`,
//! probability `1/(n + 1)`: about `n/(n + 1)` of the keys move (8 → 9 shards: 89%).
//!
//! Shards sit in id order; removing one closes the gap, so the shards after it take new slots.

use super::{first_shards, hash_mod, push_next, removable, PartitionError, Partitioner, Scheme, ShardId};

/// `hash(key) mod n` over the shards in id order.
#[derive(Clone, Debug)]
pub struct ModN {
    shards: Vec<ShardId>,
}

impl ModN {
    /// `n` shards with ids `0..n`.
    pub fn new(n: u32) -> Result<Self, PartitionError> {
        Ok(ModN {
            shards: first_shards(n)?,
        })
    }
}

impl Partitioner for ModN {
    fn scheme(&self) -> Scheme {
        Scheme::ModN
    }

    fn shards(&self) -> &[ShardId] {
        &self.shards
    }

    fn locate(&self, _index: u64, key: u64) -> Result<ShardId, PartitionError> {
        Ok(hash_mod(&self.shards, key))
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
