//! Jump consistent hash (Lamping & Veach, 2014): `jump(h, n)` maps a 64-bit hash to a bucket in `0..n`
//! with no state but `n`, in O(ln n) steps, perfectly balanced in expectation, and when `n` grows to `n + 1`
//! exactly the keys that land in the new bucket move.
//!
//! **Buckets are numbered, servers are not.** The algorithm can only shrink by dropping the *last* bucket.
//! To remove an arbitrary server we keep a bucket → server table and move the last bucket's server into the
//! removed server's slot (swap-remove). The cost, asserted in the tests:
//!
//! * removing the server in the last bucket moves exactly its keys (≈ 1/n), like any consistent hash;
//! * removing any other server `r` moves `r`'s keys (they stay in bucket `b`, which now belongs to the
//!   former last server `l`) *and* `l`'s keys, which are re-spread over the `n − 1` buckets; the ones that
//!   land in `b` stay with `l`. In total `(2n − 3) / (n(n − 1)) ≈ 2/n` of the keys move, about twice the
//!   minimum, and only keys of `r` and `l` move.
//!
//! Minimal arbitrary removal needs a different algorithm (e.g. Memento or Anchor hashing); this module is
//! honest jump. Jump cannot weight servers: `add` with a weight other than 1 is
//! [`RingError::WeightUnsupported`].

use std::collections::BTreeMap;

use super::hash::key_hash;
use super::members::Members;
use super::{Algo, Placement, RingError, Server, ServerId, Share};

/// Jump consistent hash over a bucket → server table.
#[derive(Clone, Debug, Default)]
pub struct JumpHash {
    members: Members,
    /// `buckets[b]` is the server in bucket `b`.
    buckets: Vec<ServerId>,
}

/// The jump consistent hash of `key` into `0..buckets` (the paper's code; `buckets ≥ 1`).
///
/// The float arithmetic is plain IEEE-754 division and multiplication, identical on native and wasm.
#[inline]
pub fn jump(mut key: u64, buckets: u32) -> u32 {
    let mut b: i64 = -1;
    let mut j: i64 = 0;
    while j < i64::from(buckets) {
        b = j;
        key = key.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(1);
        j = ((b + 1) as f64 * ((1u64 << 31) as f64 / ((key >> 33) + 1) as f64)) as i64;
    }
    b.max(0) as u32
}

impl JumpHash {
    pub fn new() -> Self {
        JumpHash::default()
    }

    /// The servers in bucket order: `bucket_order()[b]` serves bucket `b`.
    pub fn bucket_order(&self) -> &[ServerId] {
        &self.buckets
    }
}

impl Placement for JumpHash {
    fn algo(&self) -> Algo {
        Algo::Jump
    }

    fn servers(&self) -> &[Server] {
        self.members.as_slice()
    }

    /// New servers take new buckets at the end, in the order given.
    fn add_all(&mut self, servers: &[Server]) -> Result<(), RingError> {
        self.members.check_add_all(servers, Some(Algo::Jump))?;
        self.members.insert_all(servers);
        self.buckets.extend(servers.iter().map(|s| s.id));
        Ok(())
    }

    /// Each removal, in the order given, moves the last bucket's server into the removed one's bucket.
    fn remove_all(&mut self, servers: &[ServerId]) -> Result<(), RingError> {
        self.members.check_remove_all(servers)?;
        self.members.remove_all(servers);
        let mut bucket_of: BTreeMap<ServerId, usize> = self.buckets.iter().enumerate().map(|(b, &s)| (s, b)).collect();
        for id in servers {
            // The member check passed, so every id is in a bucket.
            if let Some(b) = bucket_of.remove(id) {
                self.buckets.swap_remove(b);
                if let Some(&moved) = self.buckets.get(b) {
                    bucket_of.insert(moved, b);
                }
            }
        }
        Ok(())
    }

    #[inline]
    fn lookup(&self, key: u64) -> Result<ServerId, RingError> {
        if self.buckets.is_empty() {
            return Err(RingError::NoServers);
        }
        Ok(self.buckets[jump(key_hash(key), self.buckets.len() as u32) as usize])
    }

    fn shares(&self) -> Vec<Share> {
        let n = self.members.len() as f64;
        self.members
            .as_slice()
            .iter()
            .map(|s| Share {
                server: s.id,
                fraction: 1.0 / n,
            })
            .collect()
    }

    #[cfg(any(test, debug_assertions))]
    fn validate(&self) -> Result<(), String> {
        self.members.validate()?;
        let mut in_buckets = self.buckets.clone();
        in_buckets.sort_unstable();
        let ids: Vec<ServerId> = self.members.as_slice().iter().map(|s| s.id).collect();
        if in_buckets != ids {
            return Err("buckets do not hold each member exactly once".into());
        }
        if self.members.as_slice().iter().any(|s| s.weight != 1) {
            return Err("jump members must have weight 1".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_papers_reference_values() {
        // The paper's C++ JumpConsistentHash(key, n), compiled with g++ -O2, for n = 2, 10, 100, 1000, 65536.
        let reference: [(u64, [u32; 5]); 5] = [
            (1, [0, 6, 55, 549, 21134]),
            (42, [1, 2, 43, 571, 5747]),
            (0xDEAD_BEEF, [1, 5, 87, 285, 64244]),
            (0x1234_5678_9ABC_DEF0, [0, 4, 33, 399, 55019]),
            (u64::MAX, [1, 9, 92, 313, 18311]),
        ];
        for (key, expect) in reference {
            let got = [2, 10, 100, 1000, 65536].map(|n| jump(key, n));
            assert_eq!(got, expect, "key {key}");
            assert_eq!(jump(key, 1), 0);
        }
        // Growing n moves a key only to the new bucket.
        for key in (0..10_000u64).map(key_hash) {
            for n in 1..60 {
                let (a, b) = (jump(key, n), jump(key, n + 1));
                assert!(a < n && (b == a || b == n), "key {key} n {n}: {a} -> {b}");
            }
        }
    }

    #[test]
    fn rejects_weights_and_unknown_servers() {
        let mut j = JumpHash::new();
        assert_eq!(j.lookup(3), Err(RingError::NoServers));
        assert_eq!(
            j.add(ServerId(1), 2),
            Err(RingError::WeightUnsupported {
                algo: Algo::Jump,
                weight: 2
            })
        );
        assert_eq!(j.remove(ServerId(1)), Err(RingError::UnknownServer(ServerId(1))));
        j.validate().unwrap();
    }

    #[test]
    fn removal_swaps_the_last_bucket_into_the_hole() {
        let mut j = JumpHash::new();
        for id in [10, 11, 12, 13] {
            j.add(ServerId(id), 1).unwrap();
        }
        j.remove(ServerId(11)).unwrap();
        j.validate().unwrap();
        assert_eq!(j.bucket_order(), &[ServerId(10), ServerId(13), ServerId(12)]);
    }
}
