//! The four single-queue policies, which differ only in two choices: whether a hit moves an entry to the
//! new end of the queue (recency order) or not (insertion order), and whether the victim is taken from the
//! old end or the new end. `fifo.rs`, `lifo.rs`, `lru.rs` and `mru.rs` name the four combinations.

use super::driver::{Online, Strategy};
#[cfg(any(test, debug_assertions))]
use super::list::check_partition;
use super::list::List;
use super::slab::{Slab, Slot};
use super::Capacity;

/// One queue, oldest at the front. `PROMOTE`: hits move to the back. `NEWEST`: evict from the back.
#[derive(Clone, Debug, Default)]
pub struct Ordered<const PROMOTE: bool, const NEWEST: bool> {
    queue: List,
}

impl<const PROMOTE: bool, const NEWEST: bool> Strategy for Ordered<PROMOTE, NEWEST> {
    type Meta = ();

    fn name(&self) -> &'static str {
        match (PROMOTE, NEWEST) {
            (false, false) => "fifo",
            (false, true) => "lifo",
            (true, false) => "lru",
            (true, true) => "mru",
        }
    }

    #[inline]
    fn on_hit(&mut self, slab: &mut Slab<()>, slot: Slot) {
        if PROMOTE {
            self.queue.move_to_back(slab, slot);
        }
    }

    #[inline]
    fn on_insert(&mut self, slab: &mut Slab<()>, slot: Slot) {
        self.queue.push_back(slab, slot);
    }

    #[inline]
    fn victim(&mut self, _slab: &mut Slab<()>, _incoming: u64) -> Option<Slot> {
        if NEWEST {
            self.queue.back()
        } else {
            self.queue.front()
        }
    }

    #[inline]
    fn unlink(&mut self, slab: &mut Slab<()>, slot: Slot) {
        self.queue.unlink(slab, slot);
    }

    #[cfg(any(test, debug_assertions))]
    fn validate(&self, slab: &Slab<()>) -> Result<(), String> {
        check_partition(slab, &[("queue", &self.queue)], |_, _, _| true)
    }
}

impl<const PROMOTE: bool, const NEWEST: bool> Online for Ordered<PROMOTE, NEWEST> {
    fn create(_capacity: Capacity, _seed: u64) -> Self {
        Ordered { queue: List::default() }
    }
}
