//! A ghost queue: the keys (and costs) of recently evicted entries, without their data, oldest first.
//! S3-FIFO keeps one to recognise objects that come back soon after eviction; ARC keeps two (B1, B2).

#[cfg(any(test, debug_assertions))]
use super::list::check_partition;
use super::list::List;
use super::slab::Slab;
use crate::SimTime;

#[derive(Clone, Debug, Default)]
pub struct Ghost {
    slab: Slab<()>,
    list: List,
}

impl Ghost {
    /// Sum of the remembered costs.
    pub fn weight(&self) -> u64 {
        self.list.weight()
    }

    #[cfg(any(test, debug_assertions))]
    pub fn contains(&self, key: u64) -> bool {
        self.slab.find(key).is_some()
    }

    /// Forgets `key`; returns whether it was remembered.
    pub fn remove(&mut self, key: u64) -> bool {
        match self.slab.find(key) {
            Some(slot) => {
                self.list.unlink(&mut self.slab, slot);
                self.slab.remove(slot);
                true
            }
            None => false,
        }
    }

    /// Remembers `key` as the newest ghost.
    pub fn push(&mut self, key: u64, cost: u32) {
        self.remove(key);
        let slot = self.slab.insert(key, 0, cost, SimTime::MAX);
        self.list.push_back(&mut self.slab, slot);
    }

    /// Forgets the oldest ghost; returns whether there was one.
    pub fn pop_oldest(&mut self) -> bool {
        match self.list.pop_front(&mut self.slab) {
            Some(slot) => {
                self.slab.remove(slot);
                true
            }
            None => false,
        }
    }

    /// Forgets the oldest ghosts until the total cost is at most `bound`.
    pub fn trim_to(&mut self, bound: u64) {
        while self.weight() > bound && self.pop_oldest() {}
    }

    /// The remembered keys, for validation only.
    #[cfg(any(test, debug_assertions))]
    pub fn keys(&self) -> impl Iterator<Item = u64> + '_ {
        self.slab.live().map(|(_, node)| node.key)
    }

    #[cfg(any(test, debug_assertions))]
    pub fn validate(&self, name: &str) -> Result<(), String> {
        self.slab.validate()?;
        check_partition(&self.slab, &[(name, &self.list)], |_, _, _| true)
    }
}
