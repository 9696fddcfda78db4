//! Range partitioning: sorted split points `p_1 < p_2 < … < p_{n-1}` cut the key space `[0, 2^64)` into
//! ranges; keys below `p_1` go to the first shard, keys in `[p_1, p_2)` to the second, and so on, the last
//! range running to `u64::MAX`. Range scans are cheap (neighbouring keys share a shard), but keys that grow
//! with time (timestamps, sequence numbers) all land in the last range: the hot spot of the current time
//! window. Adding a shard splits the widest range (or a named one) at its midpoint; the new shard takes the
//! upper half, so only that half's keys move. Removing a shard hands its range to its lower neighbour (the
//! first range's to its upper one).

use super::{first_shards, next_id, removable, PartitionError, Partitioner, Scheme, ShardId};

const END: u128 = 1 << 64;

/// Ranges `[start_i, start_{i+1})` in key order, each owned by one shard.
#[derive(Clone, Debug)]
pub struct Range {
    /// `(start, owner)` sorted by start; the first start is 0.
    starts: Vec<(u64, ShardId)>,
    /// The owners, sorted by id.
    shards: Vec<ShardId>,
}

impl Range {
    /// `split_points.len() + 1` shards with ids `0..`, shard `i` owning `[p_i, p_{i+1})`. Errors:
    /// [`PartitionError::BadSplitPoints`] unless the points are strictly increasing and above 0.
    pub fn new(split_points: &[u64]) -> Result<Self, PartitionError> {
        let mut prev = 0;
        for (index, &p) in split_points.iter().enumerate() {
            if p <= prev {
                return Err(PartitionError::BadSplitPoints { index });
            }
            prev = p;
        }
        let n = u32::try_from(split_points.len() + 1).map_err(|_| PartitionError::TooManyShards)?;
        let shards = first_shards(n)?;
        let starts = std::iter::once(0)
            .chain(split_points.iter().copied())
            .zip(shards.iter().copied())
            .collect();
        Ok(Range { starts, shards })
    }

    /// `n` shards splitting `[0, end)` evenly (`end` at most `2^64`; keys from `end` on go to the last
    /// shard). Errors: [`PartitionError::NoShards`], and [`PartitionError::BadSplitPoints`] when `end < n`.
    pub fn even(n: u32, end: u128) -> Result<Self, PartitionError> {
        if n == 0 {
            return Err(PartitionError::NoShards);
        }
        let end = end.min(END);
        let points: Vec<u64> = (1..u128::from(n)).map(|i| (end * i / u128::from(n)) as u64).collect();
        Range::new(&points)
    }

    /// The split points (the starts of every range but the first), in key order.
    pub fn split_points(&self) -> Vec<u64> {
        self.starts[1..].iter().map(|&(s, _)| s).collect()
    }

    /// The number of keys in the `i`-th range.
    fn width(&self, i: usize) -> u128 {
        let end = self.starts.get(i + 1).map_or(END, |&(s, _)| u128::from(s));
        end - u128::from(self.starts[i].0)
    }

    /// Splits `shard`'s range at its midpoint; a new shard takes the upper half. Errors:
    /// [`PartitionError::UnknownShard`], [`PartitionError::RangeTooNarrow`].
    pub fn split(&mut self, shard: ShardId) -> Result<ShardId, PartitionError> {
        let i = self
            .starts
            .iter()
            .position(|&(_, s)| s == shard)
            .ok_or(PartitionError::UnknownShard(shard))?;
        let width = self.width(i);
        if width < 2 {
            return Err(PartitionError::RangeTooNarrow(shard));
        }
        let id = next_id(&self.shards)?;
        let mid = self.starts[i].0 + (width / 2) as u64;
        self.starts.insert(i + 1, (mid, id));
        self.shards.push(id);
        Ok(id)
    }
}

impl Partitioner for Range {
    fn scheme(&self) -> Scheme {
        Scheme::Range
    }

    fn shards(&self) -> &[ShardId] {
        &self.shards
    }

    fn locate(&self, _index: u64, key: u64) -> Result<ShardId, PartitionError> {
        // The first start is 0 <= key, so the partition point is at least 1.
        let i = self.starts.partition_point(|&(s, _)| s <= key);
        Ok(self.starts[i - 1].1)
    }

    /// Splits the widest range (the first of equals).
    fn add_shard(&mut self) -> Result<ShardId, PartitionError> {
        let widest = (0..self.starts.len()).fold(0, |best, i| if self.width(i) > self.width(best) { i } else { best });
        self.split(self.starts[widest].1)
    }

    fn remove_shard(&mut self, shard: ShardId) -> Result<(), PartitionError> {
        let j = removable(&self.shards, shard)?;
        let i = self
            .starts
            .iter()
            .position(|&(_, s)| s == shard)
            .ok_or(PartitionError::UnknownShard(shard))?;
        self.starts.remove(i);
        if i == 0 {
            self.starts[0].0 = 0;
        }
        self.shards.remove(j);
        Ok(())
    }

    #[cfg(any(test, debug_assertions))]
    fn validate(&self) -> Result<(), String> {
        super::check_shards(&self.shards)?;
        if self.starts.first().map(|&(s, _)| s) != Some(0) {
            return Err("the first range does not start at 0".into());
        }
        if let Some(w) = self.starts.windows(2).find(|w| w[0].0 >= w[1].0) {
            return Err(format!("range starts not increasing: {} then {}", w[0].0, w[1].0));
        }
        let mut owners: Vec<ShardId> = self.starts.iter().map(|&(_, s)| s).collect();
        owners.sort_unstable();
        if owners != self.shards {
            return Err("range owners are not the shards, one range each".into());
        }
        Ok(())
    }
}
