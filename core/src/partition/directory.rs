//! Directory-based partitioning: a lookup table says which shard holds each key. A key the table has not
//! seen is placed by `hash(key) mod n` over the current shards and recorded there when written
//! ([`Partitioner::record`]), so it stays put afterwards. Adding a shard moves nothing: keys move only when
//! [`Partitioner::migrate`] moves them, which makes rebalancing a deliberate, incremental operation (at the
//! price of a table lookup per request and a table to keep available). Removing a shard re-places its
//! recorded keys by hash over the remaining shards.

use std::collections::BTreeMap;

use super::{first_shards, hash_mod, push_next, removable, PartitionError, Partitioner, Scheme, ShardId};

/// Key → shard table with hash placement for new keys.
#[derive(Clone, Debug)]
pub struct Directory {
    table: BTreeMap<u64, ShardId>,
    shards: Vec<ShardId>,
}

impl Directory {
    /// `n` shards with ids `0..n` and an empty table.
    pub fn new(n: u32) -> Result<Self, PartitionError> {
        Ok(Directory {
            table: BTreeMap::new(),
            shards: first_shards(n)?,
        })
    }

    /// How many keys the table holds.
    pub fn recorded(&self) -> usize {
        self.table.len()
    }
}

impl Partitioner for Directory {
    fn scheme(&self) -> Scheme {
        Scheme::Directory
    }

    fn shards(&self) -> &[ShardId] {
        &self.shards
    }

    fn locate(&self, _index: u64, key: u64) -> Result<ShardId, PartitionError> {
        Ok(self
            .table
            .get(&key)
            .copied()
            .unwrap_or_else(|| hash_mod(&self.shards, key)))
    }

    fn record(&mut self, _index: u64, key: u64) -> Result<ShardId, PartitionError> {
        let default = hash_mod(&self.shards, key);
        Ok(*self.table.entry(key).or_insert(default))
    }

    fn add_shard(&mut self) -> Result<ShardId, PartitionError> {
        push_next(&mut self.shards)
    }

    fn remove_shard(&mut self, shard: ShardId) -> Result<(), PartitionError> {
        let i = removable(&self.shards, shard)?;
        self.shards.remove(i);
        for (&key, owner) in self.table.iter_mut().filter(|(_, s)| **s == shard) {
            *owner = hash_mod(&self.shards, key);
        }
        Ok(())
    }

    /// Records each key on `to`; returns how many were elsewhere before (a key given twice counts once).
    fn migrate(&mut self, keys: &[u64], to: ShardId) -> Result<u64, PartitionError> {
        self.shards
            .binary_search(&to)
            .map_err(|_| PartitionError::UnknownShard(to))?;
        let mut moved = 0;
        for &key in keys {
            let before = self.locate(0, key)?;
            if before != to {
                moved += 1;
            }
            self.table.insert(key, to);
        }
        Ok(moved)
    }

    #[cfg(any(test, debug_assertions))]
    fn validate(&self) -> Result<(), String> {
        super::check_shards(&self.shards)?;
        match self.table.iter().find(|(_, s)| self.shards.binary_search(s).is_err()) {
            Some((k, s)) => Err(format!("key {k} recorded on non-member {s}")),
            None => Ok(()),
        }
    }
}
