//! Belady's optimal (MIN, 1966): evicts the resident whose next request lies farthest in the future, and
//! does not admit a missed key whose next request is farther than every resident's (it would be the
//! victim anyway). With unit sizes this is the optimal hit ratio, the bound no online policy reaches. In
//! byte mode it is the usual "evict farthest next use" heuristic: size-aware optimal caching is NP-hard.
//!
//! Offline: [`Belady::new`] takes the whole trace of requested keys and precomputes, for every position,
//! where the same key is requested next. It keeps the trace, that array and a table of every distinct key,
//! so its memory grows with the trace (about 12 bytes per request), unlike every other policy. Lookups
//! (`get`, `access`) must follow the trace: each one whose key matches the trace at the cursor advances
//! it; a lookup off the trace does not move the cursor. Residents are ordered by next use in a `BTreeSet`,
//! so an operation costs O(log n).

use std::collections::BTreeSet;

use hashbrown::HashTable;

use super::driver::{Cache, Strategy};
use super::slab::{Slab, Slot};
use super::{CacheError, Capacity};
use crate::rng::mix64;

/// Belady's offline optimal.
pub type Belady = Cache<Oracle>;

/// "Never requested again".
const NEVER: u32 = u32::MAX;

#[derive(Clone, Debug)]
pub struct Oracle {
    trace: Vec<u64>,
    /// `next_use[i]`: the next position after `i` requesting `trace[i]`, or `NEVER`.
    next_use: Vec<u32>,
    cursor: usize,
    /// Every distinct key of the trace, with its next request at or after the cursor.
    upcoming: HashTable<(u64, u32)>,
    /// Residents by (next use, slot); the last is the victim.
    by_next_use: BTreeSet<(u32, Slot)>,
    /// The key of the last request on the trace and its `upcoming` entry, which the hit or insertion that
    /// follows needs: saves a second probe of the big table.
    last: Option<(u64, u32)>,
}

impl Oracle {
    fn upcoming(&self, key: u64) -> u32 {
        if let Some((last, next)) = self.last {
            if last == key {
                return next;
            }
        }
        self.upcoming
            .find(mix64(key), |&(k, _)| k == key)
            .map_or(NEVER, |&(_, at)| at)
    }

    fn farthest(&self) -> Option<(u32, Slot)> {
        self.by_next_use.last().copied()
    }
}

impl Cache<Oracle> {
    /// An empty Belady cache that will be driven by exactly `trace`, in order.
    pub fn new(trace: Vec<u64>, capacity: Capacity) -> Result<Self, CacheError> {
        if trace.len() >= NEVER as usize {
            return Err(CacheError::TraceTooLong(trace.len()));
        }
        let mut next_use = vec![NEVER; trace.len()];
        let mut upcoming: HashTable<(u64, u32)> = HashTable::new();
        for (at, &key) in trace.iter().enumerate().rev() {
            let at = at as u32;
            match upcoming.find_mut(mix64(key), |&(k, _)| k == key) {
                Some(seen) => {
                    next_use[at as usize] = seen.1;
                    seen.1 = at;
                }
                None => {
                    upcoming.insert_unique(mix64(key), (key, at), |&(k, _)| mix64(k));
                }
            }
        }
        let oracle = Oracle {
            trace,
            next_use,
            cursor: 0,
            upcoming,
            by_next_use: BTreeSet::new(),
            last: None,
        };
        Ok(Cache::from_strategy(capacity, oracle))
    }
}

impl Strategy for Oracle {
    /// The entry's next use, as filed in `by_next_use`.
    type Meta = u32;

    fn name(&self) -> &'static str {
        "belady"
    }

    fn on_request(&mut self, key: u64) {
        if self.trace.get(self.cursor) != Some(&key) {
            return;
        }
        let next = self.next_use[self.cursor];
        if let Some(entry) = self.upcoming.find_mut(mix64(key), |&(k, _)| k == key) {
            entry.1 = next;
        }
        self.last = Some((key, next));
        self.cursor += 1;
    }

    fn on_hit(&mut self, slab: &mut Slab<u32>, slot: Slot) {
        let next = self.upcoming(slab[slot].key);
        let filed = &mut slab[slot].meta;
        if *filed != next {
            self.by_next_use.remove(&(*filed, slot));
            self.by_next_use.insert((next, slot));
            *filed = next;
        }
    }

    fn admit(&mut self, _slab: &Slab<u32>, key: u64, cost: u64, free: u64) -> bool {
        cost <= free || self.farthest().is_none_or(|(far, _)| self.upcoming(key) < far)
    }

    fn on_insert(&mut self, slab: &mut Slab<u32>, slot: Slot) {
        let next = self.upcoming(slab[slot].key);
        slab[slot].meta = next;
        self.by_next_use.insert((next, slot));
    }

    fn victim(&mut self, _slab: &mut Slab<u32>, _incoming: u64) -> Option<Slot> {
        self.farthest().map(|(_, slot)| slot)
    }

    fn unlink(&mut self, slab: &mut Slab<u32>, slot: Slot) {
        self.by_next_use.remove(&(slab[slot].meta, slot));
    }

    #[cfg(any(test, debug_assertions))]
    fn validate(&self, slab: &Slab<u32>) -> Result<(), String> {
        if self.by_next_use.len() != slab.len() {
            return Err(format!("{} filed, {} resident", self.by_next_use.len(), slab.len()));
        }
        for &(next, slot) in &self.by_next_use {
            let node = &slab[slot];
            if slab.find(node.key) != Some(slot) || node.meta != next || next != self.upcoming(node.key) {
                return Err(format!(
                    "slot {slot} filed at {next}, holds key {} meta {}",
                    node.key, node.meta
                ));
            }
            if next != NEVER && (next as usize) < self.cursor {
                return Err(format!("key {} filed at past position {next}", node.key));
            }
        }
        Ok(())
    }
}
