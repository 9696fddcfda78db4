//! Skew: how unevenly load spreads over shards, as `max / mean` of the per-shard load (1 is perfect; with
//! `n` shards, `n` means one shard takes everything). Load is a count of keys, or of requests when each key
//! carries a weight (its request count).

use super::ShardId;
use crate::ring::LoadStats;

/// Per-shard load and its spread.
#[derive(Clone, Debug, PartialEq)]
pub struct Skew {
    /// Load per shard, in the order of the shards given.
    pub per_shard: Vec<(ShardId, u64)>,
    pub max: u64,
    pub mean: f64,
    /// `max / mean`; 0 when there is no load.
    pub skew: f64,
}

/// The load of each of `shards` when key `i` sits on `owners[i]` with weight `weights[i]` (1 each when
/// `weights` is `None`, or past its end). Owners that are not in `shards` are not counted.
pub fn skew(shards: &[ShardId], owners: &[ShardId], weights: Option<&[u64]>) -> Skew {
    let mut sorted: Vec<(ShardId, usize)> = shards.iter().enumerate().map(|(i, &s)| (s, i)).collect();
    sorted.sort_unstable();
    let mut counts = vec![0u64; shards.len()];
    for (i, owner) in owners.iter().enumerate() {
        if let Ok(j) = sorted.binary_search_by_key(owner, |&(s, _)| s) {
            let w = weights.and_then(|w| w.get(i)).copied().unwrap_or(1);
            counts[sorted[j].1] += w;
        }
    }
    let stats = LoadStats::from_counts(&counts);
    Skew {
        per_shard: shards.iter().copied().zip(counts).collect(),
        max: stats.max,
        mean: stats.mean,
        skew: stats.max_over_mean,
    }
}
