//! The key store behind cache and CDN nodes: real keys under a real LRU policy with optional TTL, so every
//! hit ratio the engine reports comes from simulated keys. O(log n) per operation on ordered maps, which keeps
//! iteration deterministic.

use std::collections::BTreeMap;

/// An LRU key set with per-entry expiry.
#[derive(Debug, Default)]
pub struct LruStore {
    capacity: usize,
    /// key -> (recency stamp, expiry in ns or u64::MAX)
    entries: BTreeMap<u64, (u64, u64)>,
    /// recency stamp -> key, oldest first
    order: BTreeMap<u64, u64>,
    clock: u64,
}

/// What a lookup found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    Hit,
    Miss,
    /// Present but past its TTL (counted as a miss; the entry is dropped).
    Expired,
}

impl LruStore {
    pub fn new(capacity: usize) -> Self {
        LruStore {
            capacity: capacity.max(1),
            ..Default::default()
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.order.clear();
    }

    fn bump(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// Looks a key up at time `now`, refreshing its recency on a hit.
    pub fn get(&mut self, key: u64, now: u64) -> Lookup {
        let stamp = self.bump();
        match self.entries.get_mut(&key) {
            None => Lookup::Miss,
            Some(&mut (_, expires)) if expires <= now => {
                self.remove(key);
                Lookup::Expired
            }
            Some(entry) => {
                self.order.remove(&entry.0);
                entry.0 = stamp;
                self.order.insert(stamp, key);
                Lookup::Hit
            }
        }
    }

    /// Inserts or refreshes a key; returns how many entries were evicted to make room.
    pub fn insert(&mut self, key: u64, now: u64, ttl_ns: Option<u64>) -> u64 {
        let stamp = self.bump();
        let expires = ttl_ns.map_or(u64::MAX, |t| now.saturating_add(t));
        if let Some(old) = self.entries.insert(key, (stamp, expires)) {
            self.order.remove(&old.0);
        }
        self.order.insert(stamp, key);
        let mut evicted = 0;
        while self.entries.len() > self.capacity {
            let Some((_, victim)) = self.order.pop_first() else {
                break;
            };
            self.entries.remove(&victim);
            evicted += 1;
        }
        evicted
    }

    pub fn remove(&mut self, key: u64) -> bool {
        match self.entries.remove(&key) {
            Some((stamp, _)) => {
                self.order.remove(&stamp);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_least_recently_used() {
        let mut s = LruStore::new(2);
        s.insert(1, 0, None);
        s.insert(2, 0, None);
        assert_eq!(s.get(1, 0), Lookup::Hit);
        assert_eq!(s.insert(3, 0, None), 1);
        assert_eq!(s.get(2, 0), Lookup::Miss);
        assert_eq!(s.get(1, 0), Lookup::Hit);
        assert_eq!(s.get(3, 0), Lookup::Hit);
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn entries_expire() {
        let mut s = LruStore::new(4);
        s.insert(1, 100, Some(50));
        assert_eq!(s.get(1, 149), Lookup::Hit);
        assert_eq!(s.get(1, 150), Lookup::Expired);
        assert_eq!(s.get(1, 151), Lookup::Miss);
    }
}
