//! LFU: evicts the least frequently used entry, and among entries used equally often the least recently
//! used one. O(1) per operation with frequency buckets (Shah, Mitra & Matani, 2010): a list of buckets in
//! increasing frequency, each holding its entries in recency order, so a hit moves an entry from bucket
//! `f` to bucket `f + 1` (made on demand next to it) and the victim is the front of the first bucket.
//! Frequencies count uses while resident and are forgotten on eviction.

use super::driver::{Cache, Online, Strategy};
#[cfg(any(test, debug_assertions))]
use super::list::check_partition;
use super::list::List;
use super::slab::{Slab, Slot, NIL};
use super::Capacity;

/// Least frequently used, ties broken by recency.
pub type Lfu = Cache<Buckets>;

#[derive(Clone, Copy, Debug)]
struct Bucket {
    freq: u64,
    entries: List,
    prev: u32,
    next: u32,
}

/// The bucket list; entry metadata is the index of the entry's bucket.
#[derive(Clone, Debug)]
pub struct Buckets {
    buckets: Vec<Bucket>,
    spare: Vec<u32>,
    /// The lowest-frequency bucket.
    first: u32,
}

impl Buckets {
    /// A new empty bucket for `freq`, linked after `after` (or first if `NIL`).
    fn open(&mut self, freq: u64, after: u32) -> u32 {
        let next = if after == NIL {
            self.first
        } else {
            self.buckets[after as usize].next
        };
        let bucket = Bucket {
            freq,
            entries: List::default(),
            prev: after,
            next,
        };
        let id = match self.spare.pop() {
            Some(id) => {
                self.buckets[id as usize] = bucket;
                id
            }
            None => {
                self.buckets.push(bucket);
                (self.buckets.len() - 1) as u32
            }
        };
        if after == NIL {
            self.first = id;
        } else {
            self.buckets[after as usize].next = id;
        }
        if next != NIL {
            self.buckets[next as usize].prev = id;
        }
        id
    }

    /// Unlinks bucket `id` if it has emptied.
    fn close_if_empty(&mut self, id: u32) {
        let Bucket {
            entries, prev, next, ..
        } = self.buckets[id as usize];
        if !entries.is_empty() {
            return;
        }
        if prev == NIL {
            self.first = next;
        } else {
            self.buckets[prev as usize].next = next;
        }
        if next != NIL {
            self.buckets[next as usize].prev = prev;
        }
        self.spare.push(id);
    }
}

impl Strategy for Buckets {
    type Meta = u32;

    fn name(&self) -> &'static str {
        "lfu"
    }

    fn on_hit(&mut self, slab: &mut Slab<u32>, slot: Slot) {
        let from = slab[slot].meta;
        let Bucket { freq, next, .. } = self.buckets[from as usize];
        let to = if next != NIL && self.buckets[next as usize].freq == freq + 1 {
            next
        } else {
            self.open(freq + 1, from)
        };
        self.buckets[from as usize].entries.unlink(slab, slot);
        self.buckets[to as usize].entries.push_back(slab, slot);
        slab[slot].meta = to;
        self.close_if_empty(from);
    }

    fn on_insert(&mut self, slab: &mut Slab<u32>, slot: Slot) {
        let first = self.first;
        let to = if first != NIL && self.buckets[first as usize].freq == 1 {
            first
        } else {
            self.open(1, NIL)
        };
        self.buckets[to as usize].entries.push_back(slab, slot);
        slab[slot].meta = to;
    }

    fn victim(&mut self, _slab: &mut Slab<u32>, _incoming: u64) -> Option<Slot> {
        if self.first == NIL {
            return None;
        }
        self.buckets[self.first as usize].entries.front()
    }

    fn unlink(&mut self, slab: &mut Slab<u32>, slot: Slot) {
        let id = slab[slot].meta;
        self.buckets[id as usize].entries.unlink(slab, slot);
        self.close_if_empty(id);
    }

    #[cfg(any(test, debug_assertions))]
    fn validate(&self, slab: &Slab<u32>) -> Result<(), String> {
        let mut lists = Vec::new();
        let (mut prev, mut at, mut last_freq) = (NIL, self.first, 0u64);
        while at != NIL {
            let bucket = &self.buckets[at as usize];
            if bucket.prev != prev || bucket.freq <= last_freq || bucket.entries.is_empty() {
                return Err(format!(
                    "bucket {at} (freq {}, prev {}, {} entries) after bucket {prev} (freq {last_freq})",
                    bucket.freq,
                    bucket.prev,
                    bucket.entries.len()
                ));
            }
            if lists.len() > slab.len() {
                return Err("more buckets than entries".into());
            }
            lists.push((at, ("bucket", &bucket.entries)));
            last_freq = bucket.freq;
            prev = at;
            at = bucket.next;
        }
        let (ids, lists): (Vec<u32>, Vec<_>) = lists.into_iter().unzip();
        check_partition(slab, &lists, |i, _, node| node.meta == ids[i])
    }
}

impl Online for Buckets {
    fn create(_capacity: Capacity, _seed: u64) -> Self {
        Buckets {
            buckets: Vec::new(),
            spare: Vec::new(),
            first: NIL,
        }
    }
}
