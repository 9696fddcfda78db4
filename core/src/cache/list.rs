//! An intrusive doubly-linked list over [`Slab`] slots, with a running length and weight (sum of costs).
//!
//! Convention in every policy: the *front* is the oldest end (the LRU end, the FIFO head that leaves first)
//! and the *back* is the newest end.

use super::slab::{Slab, Slot, NIL};

#[derive(Clone, Copy, Debug)]
pub struct List {
    head: Slot,
    tail: Slot,
    len: usize,
    weight: u64,
}

impl Default for List {
    fn default() -> Self {
        List {
            head: NIL,
            tail: NIL,
            len: 0,
            weight: 0,
        }
    }
}

#[inline]
fn some(slot: Slot) -> Option<Slot> {
    (slot != NIL).then_some(slot)
}

impl List {
    /// The oldest entry.
    #[inline]
    pub fn front(&self) -> Option<Slot> {
        some(self.head)
    }

    /// The newest entry.
    #[inline]
    pub fn back(&self) -> Option<Slot> {
        some(self.tail)
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Sum of the costs of the entries.
    #[inline]
    pub fn weight(&self) -> u64 {
        self.weight
    }

    /// The entry after `slot` (towards the back).
    #[inline]
    pub fn next_of<M>(slab: &Slab<M>, slot: Slot) -> Option<Slot> {
        some(slab[slot].next)
    }

    #[inline]
    pub fn push_back<M>(&mut self, slab: &mut Slab<M>, slot: Slot) {
        let node = &mut slab[slot];
        node.prev = self.tail;
        node.next = NIL;
        let cost = node.cost;
        if self.tail == NIL {
            self.head = slot;
        } else {
            slab[self.tail].next = slot;
        }
        self.tail = slot;
        self.len += 1;
        self.weight += u64::from(cost);
    }

    #[inline]
    pub fn unlink<M>(&mut self, slab: &mut Slab<M>, slot: Slot) {
        let (prev, next, cost) = {
            let node = &slab[slot];
            (node.prev, node.next, node.cost)
        };
        if prev == NIL {
            self.head = next;
        } else {
            slab[prev].next = next;
        }
        if next == NIL {
            self.tail = prev;
        } else {
            slab[next].prev = prev;
        }
        let node = &mut slab[slot];
        node.prev = NIL;
        node.next = NIL;
        self.len -= 1;
        self.weight -= u64::from(cost);
    }

    #[inline]
    pub fn move_to_back<M>(&mut self, slab: &mut Slab<M>, slot: Slot) {
        if self.tail != slot {
            self.unlink(slab, slot);
            self.push_back(slab, slot);
        }
    }

    /// Removes the oldest entry and returns it.
    #[inline]
    pub fn pop_front<M>(&mut self, slab: &mut Slab<M>) -> Option<Slot> {
        let head = self.front()?;
        self.unlink(slab, head);
        Some(head)
    }

    /// Walks the list front to back, checking the links, the length and the weight, and calls `each` on
    /// every slot.
    #[cfg(any(test, debug_assertions))]
    fn check<M>(
        &self,
        slab: &Slab<M>,
        name: &str,
        mut each: impl FnMut(Slot, &super::slab::Node<M>) -> Result<(), String>,
    ) -> Result<(), String> {
        let (mut len, mut weight, mut prev, mut at) = (0usize, 0u64, NIL, self.head);
        while at != NIL {
            let node = &slab[at];
            if node.prev != prev {
                return Err(format!("{name}: slot {at} has prev {} but follows {prev}", node.prev));
            }
            each(at, node)?;
            len += 1;
            weight += u64::from(node.cost);
            if len > self.len {
                return Err(format!("{name}: longer than its length {}", self.len));
            }
            prev = at;
            at = node.next;
        }
        if prev != self.tail || len != self.len || weight != self.weight {
            return Err(format!(
                "{name}: tail {} len {} weight {}, walked to {prev} with len {len} weight {weight}",
                self.tail, self.len, self.weight
            ));
        }
        Ok(())
    }
}

/// Checks that `lists` are well formed and between them hold every stored entry exactly once, and that
/// `belongs(i, slot, node)` accepts each entry found in `lists[i]` (its metadata names that list).
#[cfg(any(test, debug_assertions))]
pub fn check_partition<M: Copy + Default + std::fmt::Debug>(
    slab: &Slab<M>,
    lists: &[(&str, &List)],
    mut belongs: impl FnMut(usize, Slot, &super::slab::Node<M>) -> bool,
) -> Result<(), String> {
    let mut total = 0;
    for (i, &(name, list)) in lists.iter().enumerate() {
        list.check(slab, name, |slot, node| {
            if belongs(i, slot, node) {
                Ok(())
            } else {
                Err(format!("{name}: slot {slot} (key {}) has {:?}", node.key, node.meta))
            }
        })?;
        total += list.len();
    }
    if total != slab.len() {
        return Err(format!("the lists hold {total} of {} entries", slab.len()));
    }
    Ok(())
}
