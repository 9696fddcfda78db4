//! SIEVE (Zhang et al., NSDI '24): a FIFO queue with a visited bit and a hand that sweeps from the oldest
//! entry towards the newest. A hit sets the bit. To evict, the hand skips (and clears) visited entries and
//! evicts the first unvisited one, then rests on the next newer entry; past the newest it wraps to the
//! oldest. Unlike CLOCK, survivors stay where they are and new entries join at the new end.

use super::driver::{Cache, Online, Strategy};
#[cfg(any(test, debug_assertions))]
use super::list::check_partition;
use super::list::List;
use super::slab::{Slab, Slot, NIL};
use super::Capacity;

/// SIEVE.
pub type Sieve = Cache<Sweep>;

#[derive(Clone, Debug)]
pub struct Sweep {
    queue: List,
    /// Where the next sweep starts; `NIL` means the oldest entry.
    hand: Slot,
}

impl Strategy for Sweep {
    /// The visited bit.
    type Meta = bool;

    fn name(&self) -> &'static str {
        "sieve"
    }

    fn on_hit(&mut self, slab: &mut Slab<bool>, slot: Slot) {
        slab[slot].meta = true;
    }

    fn on_insert(&mut self, slab: &mut Slab<bool>, slot: Slot) {
        slab[slot].meta = false;
        self.queue.push_back(slab, slot);
    }

    fn victim(&mut self, slab: &mut Slab<bool>, _incoming: u64) -> Option<Slot> {
        let mut at = if self.hand == NIL {
            self.queue.front()?
        } else {
            self.hand
        };
        while slab[at].meta {
            slab[at].meta = false;
            at = match List::next_of(slab, at) {
                Some(next) => next,
                None => self.queue.front()?,
            };
        }
        self.hand = at;
        Some(at)
    }

    fn unlink(&mut self, slab: &mut Slab<bool>, slot: Slot) {
        if self.hand == slot {
            self.hand = slab[slot].next;
        }
        self.queue.unlink(slab, slot);
    }

    #[cfg(any(test, debug_assertions))]
    fn validate(&self, slab: &Slab<bool>) -> Result<(), String> {
        let mut hand_seen = self.hand == NIL;
        check_partition(slab, &[("queue", &self.queue)], |_, slot, _| {
            hand_seen |= slot == self.hand;
            true
        })?;
        if hand_seen {
            Ok(())
        } else {
            Err(format!("hand {} is not in the queue", self.hand))
        }
    }
}

impl Online for Sweep {
    fn create(_capacity: Capacity, _seed: u64) -> Self {
        Sweep {
            queue: List::default(),
            hand: NIL,
        }
    }
}
