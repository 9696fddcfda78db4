//! A generational slab: the engine's requests, client calls and database operations live in slots that are
//! reused through a free list, and are named from outside by a typed [`Handle`] (slot index and generation)
//! that goes stale once its slot is freed.
//!
//! What holds a reference across events (an event in the queue, a node's waiting line, a cache's waiters, a
//! database operation's origin) holds a `Handle` and checks it with [`Slab::is_live`]; inside one event
//! handler, once checked, a slot is reached by its index (`slab[index]`), as the engine's functions pass it.
//!
//! The order of allocation is part of the engine's determinism (which slot a request gets decides the order
//! of some maps, and a call's slot and generation are the value it writes to a database): a new occupant
//! takes the most recently freed slot (last in, first out), and a slot is added at the end only when none is
//! free. A slot's generation counts its occupants: the first one gets generation 1.

use std::fmt;
use std::marker::PhantomData;
use std::ops::{Index, IndexMut};

/// Names one occupant of a slot of a [`Slab<T>`]; stale once that occupant is freed.
pub(super) struct Handle<T> {
    index: u32,
    gen: u32,
    of: PhantomData<fn() -> T>,
}

impl<T> Handle<T> {
    /// The slot this handle names (whether or not its occupant is still there).
    #[inline]
    pub(super) fn index(self) -> u32 {
        self.index
    }

    /// The occupant's generation: how many occupants the slot has had, this one included.
    #[inline]
    pub(super) fn gen(self) -> u32 {
        self.gen
    }
}

// Derives would ask `T` for these traits; a handle is two integers whatever `T` is.
impl<T> Clone for Handle<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Handle<T> {}
impl<T> PartialEq for Handle<T> {
    fn eq(&self, other: &Self) -> bool {
        (self.index, self.gen) == (other.index, other.gen)
    }
}
impl<T> Eq for Handle<T> {}
impl<T> fmt::Debug for Handle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}v{}", self.index, self.gen)
    }
}

struct Slot<T> {
    gen: u32,
    live: bool,
    value: T,
}

/// Slots of `T`, reused last freed first.
pub(super) struct Slab<T> {
    slots: Vec<Slot<T>>,
    free: Vec<u32>,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab {
            slots: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl<T> Slab<T> {
    /// Takes a slot for a new occupant: the most recently freed one, or else a new slot whose value `fresh`
    /// makes. The value is left as the slot's last occupant left it (buffers keep their capacity): the
    /// caller sets every field.
    #[inline]
    pub(super) fn alloc(&mut self, fresh: impl FnOnce() -> T) -> (Handle<T>, &mut T) {
        let index = match self.free.pop() {
            Some(index) => index,
            None => {
                let index = u32::try_from(self.slots.len()).expect("fewer than 2^32 slots");
                self.slots.push(Slot {
                    gen: 0,
                    live: false,
                    value: fresh(),
                });
                index
            }
        };
        let slot = &mut self.slots[index as usize];
        debug_assert!(!slot.live, "slot {index} handed out while live");
        slot.gen = slot.gen.wrapping_add(1);
        slot.live = true;
        let handle = Handle {
            index,
            gen: slot.gen,
            of: PhantomData,
        };
        (handle, &mut slot.value)
    }

    /// Frees the live slot `index` (its handles go stale) and returns its value for the caller to clear.
    #[inline]
    pub(super) fn free(&mut self, index: u32) -> &mut T {
        let slot = &mut self.slots[index as usize];
        debug_assert!(slot.live, "slot {index} freed twice");
        slot.live = false;
        self.free.push(index);
        &mut slot.value
    }

    /// Whether `h` still names the occupant it was made for.
    #[inline]
    pub(super) fn is_live(&self, h: Handle<T>) -> bool {
        self.slots
            .get(h.index as usize)
            .is_some_and(|s| s.live && s.gen == h.gen)
    }

    /// The occupant `h` names, if it is still there.
    #[inline]
    pub(super) fn get(&self, h: Handle<T>) -> Option<&T> {
        self.slots
            .get(h.index as usize)
            .filter(|s| s.live && s.gen == h.gen)
            .map(|s| &s.value)
    }

    /// A handle on the current occupant of slot `index`.
    #[inline]
    pub(super) fn handle(&self, index: u32) -> Handle<T> {
        Handle {
            index,
            gen: self.slots[index as usize].gen,
            of: PhantomData,
        }
    }

    /// How many slots are occupied.
    #[inline]
    pub(super) fn live(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    /// Checks the free list against the slots: every free index names a distinct slot that is not live,
    /// and every slot that is not live is on the free list.
    #[cfg(test)]
    fn validate(&self) -> Result<(), String> {
        let mut on_list = vec![false; self.slots.len()];
        for &i in &self.free {
            let s = self
                .slots
                .get(i as usize)
                .ok_or(format!("free index {i} out of range"))?;
            if s.live {
                return Err(format!("slot {i} is live and on the free list"));
            }
            if std::mem::replace(&mut on_list[i as usize], true) {
                return Err(format!("slot {i} is on the free list twice"));
            }
        }
        match self.slots.iter().zip(&on_list).position(|(s, &f)| !s.live && !f) {
            Some(i) => Err(format!("slot {i} is neither live nor free")),
            None => Ok(()),
        }
    }
}

/// The value in slot `index`, live or not (the caller has checked a handle, or holds the slot itself).
impl<T> Index<u32> for Slab<T> {
    type Output = T;
    #[inline]
    fn index(&self, index: u32) -> &T {
        &self.slots[index as usize].value
    }
}

impl<T> IndexMut<u32> for Slab<T> {
    #[inline]
    fn index_mut(&mut self, index: u32) -> &mut T {
        &mut self.slots[index as usize].value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuses_the_last_freed_slot_first_and_counts_generations() {
        let mut s: Slab<u32> = Slab::default();
        let a = s.alloc(|| 0).0;
        let b = s.alloc(|| 0).0;
        let c = s.alloc(|| 0).0;
        assert_eq!([a.index(), b.index(), c.index()], [0, 1, 2]);
        assert_eq!([a.gen(), b.gen(), c.gen()], [1, 1, 1]);
        s.free(a.index());
        s.free(c.index());
        let d = s.alloc(|| 0).0;
        let e = s.alloc(|| 0).0;
        let f = s.alloc(|| 0).0;
        assert_eq!((d.index(), d.gen()), (2, 2));
        assert_eq!((e.index(), e.gen()), (0, 2));
        assert_eq!((f.index(), f.gen()), (3, 1));
        assert_eq!(s.live(), 4);
    }

    #[test]
    fn a_reused_slot_keeps_its_value_for_the_caller_to_reset() {
        let mut s: Slab<Vec<u8>> = Slab::default();
        let (h, v) = s.alloc(|| Vec::with_capacity(8));
        v.push(7);
        s.free(h.index()).clear();
        let (h2, v) = s.alloc(|| unreachable!("the freed slot is reused"));
        assert_eq!(h2.index(), h.index());
        assert!(v.is_empty() && v.capacity() >= 8);
    }

    #[test]
    fn a_stale_or_foreign_handle_is_rejected() {
        let mut s: Slab<u32> = Slab::default();
        let (h, v) = s.alloc(|| 0);
        *v = 5;
        assert_eq!(s.get(h), Some(&5));
        s.free(h.index());
        assert!(!s.is_live(h));
        assert_eq!(s.get(h), None);
        let (h2, _) = s.alloc(|| 0);
        assert_eq!(h2.index(), h.index());
        assert!(s.is_live(h2) && !s.is_live(h));
        let mut other: Slab<u32> = Slab::default();
        for _ in 0..3 {
            other.alloc(|| 0);
        }
        let far = other.handle(2);
        assert!(!s.is_live(far), "an index past the end is not live");
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod model_tests {
    //! Random allocate/free sequences against a naive model: no live slot is handed out twice, a handle is
    //! live exactly while its occupant is, stale handles stay rejected, and the slot chosen is the one the
    //! last-in-first-out rule names.

    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::RngSeed;

    #[derive(Clone, Debug)]
    enum Op {
        Alloc,
        /// Free the n-th live occupant (modulo how many there are).
        Free(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![3 => Just(Op::Alloc), 2 => (0usize..64).prop_map(Op::Free)]
    }

    fn run(ops: &[Op]) -> Result<(), TestCaseError> {
        let mut slab: Slab<u64> = Slab::default();
        // The model: live handles with the value stored, every handle ever freed, and the free stack.
        let mut live: Vec<(Handle<u64>, u64)> = Vec::new();
        let mut dead: Vec<Handle<u64>> = Vec::new();
        let mut stack: Vec<u32> = Vec::new();
        let mut slots = 0u32;
        for (n, op) in ops.iter().enumerate() {
            match *op {
                Op::Alloc => {
                    let expect = stack.pop().unwrap_or_else(|| {
                        slots += 1;
                        slots - 1
                    });
                    let (h, v) = slab.alloc(|| 0);
                    *v = n as u64;
                    prop_assert_eq!(h.index(), expect);
                    prop_assert!(
                        live.iter().all(|(l, _)| l.index() != h.index()),
                        "slot handed out twice"
                    );
                    prop_assert!(!dead.contains(&h), "a handle reissued: {:?}", h);
                    live.push((h, n as u64));
                }
                Op::Free(k) => {
                    if live.is_empty() {
                        continue;
                    }
                    let (h, _) = live.remove(k % live.len());
                    slab.free(h.index());
                    stack.push(h.index());
                    dead.push(h);
                }
            }
            slab.validate().map_err(TestCaseError::fail)?;
            prop_assert_eq!(slab.live(), live.len());
            for &(h, v) in &live {
                prop_assert_eq!(slab.get(h), Some(&v));
                prop_assert_eq!(slab.handle(h.index()), h);
            }
            for &h in &dead {
                prop_assert!(!slab.is_live(h), "stale handle {:?} accepted", h);
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 256,
            rng_seed: RngSeed::Fixed(0x534C_4142), // "SLAB"
            ..ProptestConfig::default()
        })]

        #[test]
        fn allocation_matches_the_model(ops in prop::collection::vec(op(), 1..200)) {
            run(&ops)?;
        }
    }
}
