//! Node storage shared by every policy: a slab of entries with intrusive list links, and a deterministic
//! key → slot index.
//!
//! The index is a `hashbrown::HashTable` keyed by SplitMix64 of the key: no random state, and nothing is
//! ever iterated out of it into results (only `validate` walks it), so a run does not depend on hash order.

use std::ops::{Index, IndexMut};

use hashbrown::HashTable;

use crate::rng::mix64;
use crate::SimTime;

/// A position in a [`Slab`].
pub type Slot = u32;

/// The null link.
pub const NIL: Slot = u32::MAX;

/// `prev` of a slot on the free list, so `validate` can tell free slots from live ones.
const FREED: Slot = u32::MAX - 1;

/// One cached entry, plus the links and per-policy metadata `M`.
#[derive(Clone, Copy, Debug)]
pub struct Node<M> {
    pub key: u64,
    pub expires: SimTime,
    /// Size in bytes, as given.
    pub size: u32,
    /// What the entry counts against the capacity: 1 in object mode, `max(size, 1)` in byte mode.
    pub cost: u32,
    pub prev: Slot,
    pub next: Slot,
    pub meta: M,
}

/// Entries in a `Vec`, a free list threaded through `next`, and the key index.
#[derive(Clone, Debug)]
pub struct Slab<M> {
    nodes: Vec<Node<M>>,
    free: Slot,
    index: HashTable<(u64, Slot)>,
    len: usize,
}

#[inline]
fn hash(key: u64) -> u64 {
    mix64(key)
}

impl<M: Copy + Default> Default for Slab<M> {
    fn default() -> Self {
        Slab::new()
    }
}

impl<M: Copy + Default> Slab<M> {
    pub fn new() -> Self {
        Slab {
            nodes: Vec::new(),
            free: NIL,
            index: HashTable::new(),
            len: 0,
        }
    }

    /// Live entries.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    #[inline]
    pub fn find(&self, key: u64) -> Option<Slot> {
        self.index.find(hash(key), |&(k, _)| k == key).map(|&(_, slot)| slot)
    }

    /// Stores a new entry; the caller guarantees `key` is not present.
    pub fn insert(&mut self, key: u64, size: u32, cost: u32, expires: SimTime) -> Slot {
        let node = Node {
            key,
            expires,
            size,
            cost,
            prev: NIL,
            next: NIL,
            meta: M::default(),
        };
        let slot = if self.free != NIL {
            let slot = self.free;
            self.free = self.nodes[slot as usize].next;
            self.nodes[slot as usize] = node;
            slot
        } else {
            let slot = Slot::try_from(self.nodes.len())
                .ok()
                .filter(|&s| s < FREED)
                .expect("a cache holds fewer than 2^32 - 2 entries");
            self.nodes.push(node);
            slot
        };
        debug_assert!(self.find(key).is_none(), "key {key} inserted twice");
        self.index.insert_unique(hash(key), (key, slot), |&(k, _)| hash(k));
        self.len += 1;
        slot
    }

    /// Frees a live slot and returns its entry. The caller has already unlinked it from its list.
    pub fn remove(&mut self, slot: Slot) -> Node<M> {
        let node = self.nodes[slot as usize];
        if let Ok(entry) = self.index.find_entry(hash(node.key), |&(k, _)| k == node.key) {
            entry.remove();
        }
        let freed = &mut self.nodes[slot as usize];
        freed.prev = FREED;
        freed.next = self.free;
        self.free = slot;
        self.len -= 1;
        node
    }

    /// Live entries in index order: for validation and tests only, never for output.
    #[cfg(any(test, debug_assertions))]
    pub fn live(&self) -> impl Iterator<Item = (Slot, &Node<M>)> + '_ {
        self.index
            .iter()
            .map(move |&(_, slot)| (slot, &self.nodes[slot as usize]))
    }

    /// Checks the index, the free list and the live count against each other.
    #[cfg(any(test, debug_assertions))]
    pub fn validate(&self) -> Result<(), String> {
        if self.index.len() != self.len {
            return Err(format!("index has {} keys, len is {}", self.index.len(), self.len));
        }
        for &(key, slot) in self.index.iter() {
            let node = self
                .nodes
                .get(slot as usize)
                .ok_or(format!("slot {slot} out of range"))?;
            if node.key != key || node.prev == FREED {
                return Err(format!(
                    "index maps {key} to slot {slot}, which holds {} (prev {})",
                    node.key, node.prev
                ));
            }
        }
        let mut free = 0;
        let mut at = self.free;
        while at != NIL {
            let node = self
                .nodes
                .get(at as usize)
                .ok_or(format!("free slot {at} out of range"))?;
            if node.prev != FREED {
                return Err(format!("slot {at} is on the free list but not marked free"));
            }
            free += 1;
            if free > self.nodes.len() {
                return Err("free list has a cycle".into());
            }
            at = node.next;
        }
        if free + self.len != self.nodes.len() {
            return Err(format!("{free} free + {} live != {} slots", self.len, self.nodes.len()));
        }
        Ok(())
    }
}

impl<M> Index<Slot> for Slab<M> {
    type Output = Node<M>;
    #[inline]
    fn index(&self, slot: Slot) -> &Node<M> {
        &self.nodes[slot as usize]
    }
}

impl<M> IndexMut<Slot> for Slab<M> {
    #[inline]
    fn index_mut(&mut self, slot: Slot) -> &mut Node<M> {
        &mut self.nodes[slot as usize]
    }
}
