//! S3-FIFO (Yang et al., SOSP '23, "FIFO queues are all you need for cache eviction"), as in the paper's
//! Algorithm 1 and libCacheSim's reference code:
//!
//! - a small FIFO `S` (10% of the capacity) where new entries start, a main FIFO `M` (the other 90%), and a
//!   ghost FIFO `G` of keys recently evicted from `S` (bounded by the size of `M`);
//! - a hit bumps a 2-bit frequency (capped at 3);
//! - a miss whose key is in `G` goes straight to `M`, otherwise to `S`;
//! - eviction takes from `M` when `M` is over its share (or `S` is empty), otherwise from `S`:
//!   the oldest entry of `S` moves to `M` if it was hit at least twice, else it is evicted and its key goes
//!   to `G`; the oldest entry of `M` is reinserted with its frequency minus one while that is positive,
//!   else evicted (CLOCK with a 2-bit counter).
//!
//! Sizes are capacity units, so the same code is size-aware in byte mode.

use super::driver::{Cache, Online, Strategy};
use super::ghost::Ghost;
#[cfg(any(test, debug_assertions))]
use super::list::check_partition;
use super::list::List;
use super::slab::{Slab, Slot};
use super::Capacity;

/// S3-FIFO.
pub type S3Fifo = Cache<Queues>;

/// Hits an entry of `S` needs to move to `M` rather than be evicted.
const MOVE_TO_MAIN: u8 = 2;
const MAX_FREQ: u8 = 3;

#[derive(Clone, Copy, Debug, Default)]
pub struct Meta {
    in_main: bool,
    freq: u8,
}

#[derive(Clone, Debug)]
pub struct Queues {
    small: List,
    main: List,
    ghost: Ghost,
    main_share: u64,
    /// Set by `admit` for the entry about to be inserted: it was in the ghost queue.
    to_main: bool,
}

impl Queues {
    fn evict_main(&mut self, slab: &mut Slab<Meta>) -> Option<Slot> {
        loop {
            let at = self.main.front()?;
            let meta = &mut slab[at].meta;
            if meta.freq == 0 {
                return Some(at);
            }
            meta.freq -= 1;
            self.main.move_to_back(slab, at);
        }
    }
}

impl Strategy for Queues {
    type Meta = Meta;

    fn name(&self) -> &'static str {
        "s3fifo"
    }

    fn on_hit(&mut self, slab: &mut Slab<Meta>, slot: Slot) {
        let meta = &mut slab[slot].meta;
        meta.freq = (meta.freq + 1).min(MAX_FREQ);
    }

    fn admit(&mut self, _slab: &Slab<Meta>, key: u64, _cost: u64, _free: u64) -> bool {
        self.to_main = self.ghost.remove(key);
        true
    }

    fn on_insert(&mut self, slab: &mut Slab<Meta>, slot: Slot) {
        slab[slot].meta = Meta {
            in_main: self.to_main,
            freq: 0,
        };
        if self.to_main {
            self.main.push_back(slab, slot);
        } else {
            self.small.push_back(slab, slot);
        }
        self.to_main = false;
    }

    fn victim(&mut self, slab: &mut Slab<Meta>, _incoming: u64) -> Option<Slot> {
        loop {
            if self.main.weight() > self.main_share || self.small.is_empty() {
                return self.evict_main(slab);
            }
            while let Some(at) = self.small.front() {
                let node = slab[at];
                if node.meta.freq < MOVE_TO_MAIN {
                    self.ghost.push(node.key, node.cost);
                    self.ghost.trim_to(self.main_share);
                    return Some(at);
                }
                self.small.unlink(slab, at);
                slab[at].meta = Meta { in_main: true, freq: 0 };
                self.main.push_back(slab, at);
            }
        }
    }

    fn unlink(&mut self, slab: &mut Slab<Meta>, slot: Slot) {
        if slab[slot].meta.in_main {
            self.main.unlink(slab, slot);
        } else {
            self.small.unlink(slab, slot);
        }
    }

    #[cfg(any(test, debug_assertions))]
    fn validate(&self, slab: &Slab<Meta>) -> Result<(), String> {
        let lists = [("small", &self.small), ("main", &self.main)];
        check_partition(slab, &lists, |i, _, node| {
            node.meta.in_main == (i == 1) && node.meta.freq <= MAX_FREQ
        })?;
        self.ghost.validate("ghost")?;
        if self.ghost.weight() > self.main_share {
            return Err(format!("ghost weighs {} > {}", self.ghost.weight(), self.main_share));
        }
        if let Some(key) = self.ghost.keys().find(|&k| slab.find(k).is_some()) {
            return Err(format!("key {key} is both resident and a ghost"));
        }
        Ok(())
    }
}

impl Online for Queues {
    fn create(capacity: Capacity, _seed: u64) -> Self {
        let limit = capacity.limit();
        Queues {
            small: List::default(),
            main: List::default(),
            ghost: Ghost::default(),
            main_share: limit - limit / 10,
            to_main: false,
        }
    }
}
