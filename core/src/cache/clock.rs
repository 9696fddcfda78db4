//! CLOCK: FIFO with a reference bit. A hit sets the bit; the hand starts at the oldest entry and gives every
//! referenced entry a second chance (clears the bit, moves it behind the hand) until it finds an unreferenced
//! one to evict. The ring is a queue here: the hand is always the front and "behind the hand" is the back,
//! which is the same order as a circular buffer whose new entries take the victim's frame.

use super::driver::{Cache, Online, Strategy};
#[cfg(any(test, debug_assertions))]
use super::list::check_partition;
use super::list::List;
use super::slab::{Slab, Slot};
use super::Capacity;

/// CLOCK (second chance), one reference bit per entry.
pub type Clock = Cache<Hand>;

#[derive(Clone, Debug)]
pub struct Hand {
    ring: List,
}

impl Strategy for Hand {
    /// The reference bit.
    type Meta = bool;

    fn name(&self) -> &'static str {
        "clock"
    }

    fn on_hit(&mut self, slab: &mut Slab<bool>, slot: Slot) {
        slab[slot].meta = true;
    }

    fn on_insert(&mut self, slab: &mut Slab<bool>, slot: Slot) {
        slab[slot].meta = false;
        self.ring.push_back(slab, slot);
    }

    fn victim(&mut self, slab: &mut Slab<bool>, _incoming: u64) -> Option<Slot> {
        loop {
            let at = self.ring.front()?;
            if !slab[at].meta {
                return Some(at);
            }
            slab[at].meta = false;
            self.ring.move_to_back(slab, at);
        }
    }

    fn unlink(&mut self, slab: &mut Slab<bool>, slot: Slot) {
        self.ring.unlink(slab, slot);
    }

    #[cfg(any(test, debug_assertions))]
    fn validate(&self, slab: &Slab<bool>) -> Result<(), String> {
        check_partition(slab, &[("ring", &self.ring)], |_, _, _| true)
    }
}

impl Online for Hand {
    fn create(_capacity: Capacity, _seed: u64) -> Self {
        Hand { ring: List::default() }
    }
}
