//! Rendezvous hashing / highest random weight (Thaler & Ravishankar, 1996): every server scores the key, and
//! the highest score wins. Lookup is O(n), but movement is exactly minimal both ways: adding a server moves
//! only the keys it now wins, removing one moves only its keys.
//!
//! Weights use the logarithmic method (Schindelhauer & Schomaker; Resch's "weighted rendezvous"): with
//! `h ∈ (0, 1)` the server's uniform hash of the key, the score is `−w / ln h`. `−ln h` is Exp(1), so the
//! score is `w / E` with `E ~ Exp(1)`, and the winner is server `i` with probability exactly `wᵢ / Σw`;
//! changing one server's weight moves keys only to or from that server. The logarithm is libm's, so scores
//! are bit-identical on native and wasm.
//!
//! When all weights are equal the score is monotone in `h`, so lookup compares the raw 64-bit hashes and
//! skips the logarithms. Ties (probability ~2⁻⁶⁴) go to the smaller server id.

use super::hash::{pair_hash, server_hash};
use super::members::Members;
use super::{Algo, Placement, RingError, Server, ServerId, Share};

/// Weighted rendezvous hashing.
#[derive(Clone, Debug)]
pub struct Rendezvous {
    members: Members,
    /// Per member (same order as `members`): its id, its hash seed and its weight as a float.
    scored: Vec<(ServerId, u64, f64)>,
    uniform: bool,
}

/// Maps a 64-bit hash to `(0, 1)`: the top 52 bits plus one half, over 2^52 (with 53 bits the largest
/// value, `2^53 − 1/2`, is not representable and would round to 1).
#[inline]
fn unit_open(h: u64) -> f64 {
    ((h >> 12) as f64 + 0.5) * (1.0 / (1u64 << 52) as f64)
}

/// The weighted score `−w / ln h`.
#[inline]
pub fn score(weight: f64, h: u64) -> f64 {
    -weight / libm::log(unit_open(h))
}

impl Default for Rendezvous {
    fn default() -> Self {
        Rendezvous::new()
    }
}

impl Rendezvous {
    pub fn new() -> Self {
        Rendezvous {
            members: Members::default(),
            scored: Vec::new(),
            uniform: true,
        }
    }

    fn refresh(&mut self) {
        self.scored = self
            .members
            .as_slice()
            .iter()
            .map(|s| (s.id, server_hash(s.id, 0), f64::from(s.weight)))
            .collect();
        let first = self.members.as_slice().first().map(|s| s.weight);
        self.uniform = self.members.as_slice().iter().all(|s| Some(s.weight) == first);
    }
}

impl Placement for Rendezvous {
    fn algo(&self) -> Algo {
        Algo::Rendezvous
    }

    fn servers(&self) -> &[Server] {
        self.members.as_slice()
    }

    fn add_all(&mut self, servers: &[Server]) -> Result<(), RingError> {
        self.members.check_add_all(servers, None)?;
        self.members.insert_all(servers);
        self.refresh();
        Ok(())
    }

    fn remove_all(&mut self, servers: &[ServerId]) -> Result<(), RingError> {
        self.members.check_remove_all(servers)?;
        self.members.remove_all(servers);
        self.refresh();
        Ok(())
    }

    fn lookup(&self, key: u64) -> Result<ServerId, RingError> {
        let (first, rest) = self.scored.split_first().ok_or(RingError::NoServers)?;
        // Members are sorted by id, so keeping the first maximum breaks ties towards the smaller id.
        let mut best = first.0;
        if self.uniform {
            let mut best_h = pair_hash(key, first.1);
            for &(id, seed, _) in rest {
                let h = pair_hash(key, seed);
                if h > best_h {
                    best_h = h;
                    best = id;
                }
            }
        } else {
            let mut best_s = score(first.2, pair_hash(key, first.1));
            for &(id, seed, w) in rest {
                let s = score(w, pair_hash(key, seed));
                if s > best_s {
                    best_s = s;
                    best = id;
                }
            }
        }
        Ok(best)
    }

    fn shares(&self) -> Vec<Share> {
        let total = self.members.total_weight() as f64;
        self.members
            .as_slice()
            .iter()
            .map(|s| Share {
                server: s.id,
                fraction: f64::from(s.weight) / total,
            })
            .collect()
    }

    #[cfg(any(test, debug_assertions))]
    fn validate(&self) -> Result<(), String> {
        self.members.validate()?;
        let mut fresh = self.clone();
        fresh.refresh();
        if fresh.scored != self.scored || fresh.uniform != self.uniform {
            return Err("score table is stale".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_open_stays_inside_the_open_interval() {
        for h in [0, 1, 2047, 2048, u64::MAX - 1, u64::MAX] {
            let u = unit_open(h);
            assert!(u > 0.0 && u < 1.0, "{h} -> {u}");
            assert!(score(1.0, h).is_finite() && score(1.0, h) > 0.0);
        }
    }

    #[test]
    fn uniform_fast_path_agrees_with_the_scores() {
        let mut r = Rendezvous::new();
        for id in 0..20 {
            r.add(ServerId(id), 3).unwrap();
        }
        r.validate().unwrap();
        assert!(r.uniform);
        for key in 0..2_000 {
            let by_score = r
                .scored
                .iter()
                .map(|&(id, seed, w)| (score(w, pair_hash(key, seed)), id))
                .fold((f64::MIN, ServerId(0)), |a, b| if b.0 > a.0 { b } else { a })
                .1;
            assert_eq!(r.lookup(key).unwrap(), by_score);
        }
    }

    #[test]
    fn weights_set_the_share_of_keys() {
        let mut r = Rendezvous::new();
        r.add(ServerId(1), 1).unwrap();
        r.add(ServerId(2), 2).unwrap();
        r.add(ServerId(3), 5).unwrap();
        r.validate().unwrap();
        let keys = 80_000u64;
        let mut counts = [0u64; 4];
        for key in 0..keys {
            counts[r.lookup(key).unwrap().0 as usize] += 1;
        }
        // Expected 1/8, 2/8, 5/8 of the keys; binomial sd ≤ 137 keys, so ±1% of keys is over 5 sd.
        for (id, w) in [(1, 1.0), (2, 2.0), (3, 5.0)] {
            let expect = keys as f64 * w / 8.0;
            assert!((counts[id] as f64 - expect).abs() < 800.0, "{counts:?}");
        }
    }
}
