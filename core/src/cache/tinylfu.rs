//! W-TinyLFU (Einziger, Friedman & Manes, 2017; the policy of Caffeine): a small LRU window (1% of the
//! capacity) in front of a segmented-LRU main area (probation, and protected at 80% of the main area), with
//! a count-min [`Sketch`] of recent request frequencies deciding admission. Every lookup counts in the
//! sketch. New entries enter the window; when the window overflows and the cache is full, its oldest entry
//! (the candidate) competes with the main area's victim (the oldest of probation, else of protected) and
//! the one with the lower estimated frequency is evicted; the candidate loses ties, as in Caffeine. A hit in
//! probation promotes to protected; protected overflow demotes to probation.
//!
//! Fixed 1% window (no hill climbing) and no doorkeeper Bloom filter: the doorkeeper only saves sketch
//! space, it does not change which keys win.

use super::driver::{Cache, Online, Strategy};
#[cfg(any(test, debug_assertions))]
use super::list::check_partition;
use super::list::List;
use super::sketch::Sketch;
use super::slab::{Slab, Slot};
use super::Capacity;

/// W-TinyLFU.
pub type TinyLfu = Cache<Admission>;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Segment {
    #[default]
    Window,
    Probation,
    Protected,
}

#[derive(Clone, Debug)]
pub struct Admission {
    window: List,
    probation: List,
    protected: List,
    sketch: Sketch,
    window_share: u64,
    protected_share: u64,
}

impl Admission {
    fn list(&mut self, segment: Segment) -> &mut List {
        match segment {
            Segment::Window => &mut self.window,
            Segment::Probation => &mut self.probation,
            Segment::Protected => &mut self.protected,
        }
    }

    fn shift(&mut self, slab: &mut Slab<Segment>, slot: Slot, to: Segment) {
        let from = slab[slot].meta;
        self.list(from).unlink(slab, slot);
        slab[slot].meta = to;
        self.list(to).push_back(slab, slot);
    }

    /// The main area's eviction candidate.
    fn main_victim(&self) -> Option<Slot> {
        self.probation.front().or(self.protected.front())
    }
}

impl Strategy for Admission {
    type Meta = Segment;

    fn name(&self) -> &'static str {
        "tinylfu"
    }

    #[inline]
    fn on_request(&mut self, key: u64) {
        self.sketch.increment(key);
    }

    fn on_hit(&mut self, slab: &mut Slab<Segment>, slot: Slot) {
        match slab[slot].meta {
            Segment::Window => self.window.move_to_back(slab, slot),
            Segment::Protected => self.protected.move_to_back(slab, slot),
            Segment::Probation => {
                self.shift(slab, slot, Segment::Protected);
                while self.protected.weight() > self.protected_share && self.protected.len() > 1 {
                    let Some(oldest) = self.protected.front() else {
                        break;
                    };
                    self.shift(slab, oldest, Segment::Probation);
                }
            }
        }
    }

    fn on_insert(&mut self, slab: &mut Slab<Segment>, slot: Slot) {
        slab[slot].meta = Segment::Window;
        self.window.push_back(slab, slot);
        // There is room: window overflow moves to probation without a contest.
        while self.window.weight() > self.window_share && self.window.len() > 1 {
            let Some(oldest) = self.window.front() else {
                break;
            };
            self.shift(slab, oldest, Segment::Probation);
        }
        self.sketch.ensure_width(slab.len());
    }

    fn victim(&mut self, slab: &mut Slab<Segment>, incoming: u64) -> Option<Slot> {
        let window_full = self.window.weight() + incoming > self.window_share;
        if let (true, Some(candidate)) = (window_full, self.window.front()) {
            let Some(victim) = self.main_victim() else {
                return Some(candidate);
            };
            if self.sketch.estimate(slab[candidate].key) > self.sketch.estimate(slab[victim].key) {
                self.shift(slab, candidate, Segment::Probation);
                return Some(victim);
            }
            return Some(candidate);
        }
        self.main_victim().or(self.window.front())
    }

    fn unlink(&mut self, slab: &mut Slab<Segment>, slot: Slot) {
        let segment = slab[slot].meta;
        self.list(segment).unlink(slab, slot);
    }

    #[cfg(any(test, debug_assertions))]
    fn validate(&self, slab: &Slab<Segment>) -> Result<(), String> {
        const SEGMENTS: [Segment; 3] = [Segment::Window, Segment::Probation, Segment::Protected];
        let lists = [
            ("window", &self.window),
            ("probation", &self.probation),
            ("protected", &self.protected),
        ];
        check_partition(slab, &lists, |i, _, node| node.meta == SEGMENTS[i])?;
        if self.protected.weight() > self.protected_share && self.protected.len() > 1 {
            return Err(format!(
                "protected weighs {} > {}",
                self.protected.weight(),
                self.protected_share
            ));
        }
        Ok(())
    }
}

impl Online for Admission {
    fn create(capacity: Capacity, _seed: u64) -> Self {
        let limit = capacity.limit();
        let window_share = (limit / 100).max(1);
        let expected = match capacity.unit() {
            super::Unit::Objects => limit,
            super::Unit::Bytes => limit / 4096,
        };
        Admission {
            window: List::default(),
            probation: List::default(),
            protected: List::default(),
            sketch: Sketch::new(expected),
            window_share,
            protected_share: (limit - window_share.min(limit)) * 8 / 10,
        }
    }
}
