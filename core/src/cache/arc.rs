//! ARC, the Adaptive Replacement Cache (Megiddo & Modha, FAST '03). Residents are split between `T1` (seen
//! once recently) and `T2` (seen at least twice), each an LRU list; ghost lists `B1` and `B2` remember the
//! keys recently evicted from each. A target `p` for the size of `T1` adapts: a miss that hits `B1` means
//! recency was undervalued and grows `p`, one that hits `B2` shrinks it. The directory stays bounded:
//! `|T1| + |B1| <= c` and `|T1| + |T2| + |B1| + |B2| <= 2c`.
//!
//! Sizes are capacity units: in object mode this is the paper's algorithm exactly (the directory bounds are
//! enforced right after the insertion rather than before `REPLACE`, which evicts and forgets the same
//! entries); in byte mode the same rules apply to byte weights and `p` moves by the entry's cost.

use super::driver::{Cache, Online, Strategy};
use super::ghost::Ghost;
#[cfg(any(test, debug_assertions))]
use super::list::check_partition;
use super::list::List;
use super::slab::{Slab, Slot};
use super::Capacity;

/// Adaptive Replacement Cache.
pub type ArcCache = Cache<Adaptive>;

#[derive(Clone, Debug)]
pub struct Adaptive {
    t1: List,
    t2: List,
    b1: Ghost,
    b2: Ghost,
    /// Target weight of `T1`.
    p: u64,
    c: u64,
    /// Set by `admit`: the entry about to be inserted was a ghost in `B1` (`Some(false)`) or `B2`
    /// (`Some(true)`), and goes to `T2`.
    ghost_hit: Option<bool>,
}

impl Strategy for Adaptive {
    /// In `T2` (else `T1`).
    type Meta = bool;

    fn name(&self) -> &'static str {
        "arc"
    }

    fn on_hit(&mut self, slab: &mut Slab<bool>, slot: Slot) {
        if slab[slot].meta {
            self.t2.move_to_back(slab, slot);
        } else {
            self.t1.unlink(slab, slot);
            slab[slot].meta = true;
            self.t2.push_back(slab, slot);
        }
    }

    fn admit(&mut self, _slab: &Slab<bool>, key: u64, cost: u64, _free: u64) -> bool {
        let (w1, w2) = (self.b1.weight(), self.b2.weight());
        self.ghost_hit = if self.b1.remove(key) {
            self.p = (self.p + cost * (w2 / w1).max(1)).min(self.c);
            Some(false)
        } else if self.b2.remove(key) {
            self.p = self.p.saturating_sub(cost * (w1 / w2).max(1));
            Some(true)
        } else {
            None
        };
        true
    }

    fn on_insert(&mut self, slab: &mut Slab<bool>, slot: Slot) {
        let to_t2 = self.ghost_hit.take().is_some();
        slab[slot].meta = to_t2;
        if to_t2 {
            self.t2.push_back(slab, slot);
        } else {
            self.t1.push_back(slab, slot);
        }
        let c = self.c;
        self.b1.trim_to(c.saturating_sub(self.t1.weight()));
        while self.t1.weight() + self.t2.weight() + self.b1.weight() + self.b2.weight() > 2 * c {
            if !self.b2.pop_oldest() && !self.b1.pop_oldest() {
                break;
            }
        }
    }

    /// `REPLACE`: demote the LRU of `T1` to `B1` if `T1` is over its target, else the LRU of `T2` to `B2`.
    fn victim(&mut self, slab: &mut Slab<bool>, _incoming: u64) -> Option<Slot> {
        let t1 = self.t1.weight();
        let from_t1 = !self.t1.is_empty()
            && (t1 > self.p || (self.ghost_hit == Some(true) && t1 == self.p) || self.t2.is_empty());
        let (list, ghost) = if from_t1 {
            (&self.t1, &mut self.b1)
        } else {
            (&self.t2, &mut self.b2)
        };
        let at = list.front()?;
        ghost.push(slab[at].key, slab[at].cost);
        Some(at)
    }

    fn unlink(&mut self, slab: &mut Slab<bool>, slot: Slot) {
        if slab[slot].meta {
            self.t2.unlink(slab, slot);
        } else {
            self.t1.unlink(slab, slot);
        }
    }

    #[cfg(any(test, debug_assertions))]
    fn validate(&self, slab: &Slab<bool>) -> Result<(), String> {
        let lists = [("T1", &self.t1), ("T2", &self.t2)];
        check_partition(slab, &lists, |i, _, node| node.meta == (i == 1))?;
        self.b1.validate("B1")?;
        self.b2.validate("B2")?;
        let (t1, t2, b1, b2) = (self.t1.weight(), self.t2.weight(), self.b1.weight(), self.b2.weight());
        if t1 + b1 > self.c || t1 + t2 + b1 + b2 > 2 * self.c || self.p > self.c {
            return Err(format!(
                "T1 {t1} T2 {t2} B1 {b1} B2 {b2} p {} out of bounds for c {}",
                self.p, self.c
            ));
        }
        let ghosts = self.b1.keys().chain(self.b2.keys());
        for key in ghosts {
            if slab.find(key).is_some() || (self.b1.contains(key) && self.b2.contains(key)) {
                return Err(format!("key {key} is in two places"));
            }
        }
        Ok(())
    }
}

impl Online for Adaptive {
    fn create(capacity: Capacity, _seed: u64) -> Self {
        Adaptive {
            t1: List::default(),
            t2: List::default(),
            b1: Ghost::default(),
            b2: Ghost::default(),
            p: 0,
            c: capacity.limit(),
            ghost_hit: None,
        }
    }
}
