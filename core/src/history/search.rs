//! The linearizability search for one register: Wing & Gong's algorithm with Lowe's memoisation, in the
//! shape of Porcupine's `checkSingle`.
//!
//! Call and return entries sit in a doubly linked list sorted by real time. The search walks the list from
//! its head: any call met before the first return may be linearized next (its operation started before
//! every still-pending operation ended). Linearizing an operation applies it to the register and *lifts*
//! its call and return out of the list; meeting a return means the pending operation it closes cannot be
//! placed, so the search backtracks (pops the last operation, *unlifts* it). A set of seen
//! `(linearized bitset, register state)` configurations prunes states already explored by another order.
//!
//! Partial-order reduction: when a pending acknowledged read (or non-swapping CAS) matches the current
//! value, it is linearized at once and nothing else is tried at that configuration (see
//! `Search::committable`). On a hot key with ten concurrent clients this cuts the explored states tenfold.
//!
//! Indeterminate operations return at +infinity and need not be linearized at all. Three pruning rules
//! stop them from multiplying the search. Each only ever declines to linearize an indeterminate op where
//! leaving it out (or using an interchangeable one) is at least as good, so a witness linearization
//! survives whenever one exists:
//! - an indeterminate op is linearized only where it changes the register (a CAS that would not swap,
//!   a write of the value already there: leaving it out changes nothing);
//! - an indeterminate op is never immediately followed by a write: the write would overwrite it, so
//!   leaving it out is at least as good (the "last op was indeterminate" flag is part of the memo key);
//! - indeterminate writes of the same value are used in invocation order: both stay available forever,
//!   so they are interchangeable.

use std::collections::BTreeMap;

use super::Stamp;
use crate::rng::mix64;

/// One operation of a register history, ready to search.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RegOp {
    pub(crate) call: Stamp,
    /// `Stamp::INFINITY` for an indeterminate operation.
    pub(crate) ret: Stamp,
    pub(crate) kind: Kind,
}

impl RegOp {
    pub(crate) fn indeterminate(&self) -> bool {
        self.ret == Stamp::INFINITY
    }
}

/// What an operation does to the register and what it must have observed. `None` observations (for
/// indeterminate operations) constrain nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Read(Option<u64>),
    Write(u64),
    Cas {
        expected: u64,
        new: u64,
        observed: Option<Option<u64>>,
    },
}

/// The register's sequential specification: the state after applying `kind` to `state`, or `None` if the
/// recorded observation is impossible there.
fn step(state: Option<u64>, kind: Kind) -> Option<Option<u64>> {
    match kind {
        Kind::Read(seen) => (seen == state).then_some(state),
        Kind::Write(value) => Some(Some(value)),
        Kind::Cas {
            expected,
            new,
            observed,
        } => {
            if observed.is_some_and(|seen| seen != state) {
                return None;
            }
            Some(if state == Some(expected) { Some(new) } else { state })
        }
    }
}

/// How a search ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Found {
    Linearizable,
    NotLinearizable,
    /// The state budget ran out first.
    Exhausted,
}

const HEAD: usize = 0;

/// Searches for a linearization of `ops`, exploring at most `max_states` distinct configurations. Returns
/// the verdict and the number of configurations explored.
pub(crate) fn search(ops: &[RegOp], max_states: u64) -> (Found, u64) {
    let required = ops.iter().filter(|op| !op.indeterminate()).count();
    if required == 0 {
        return (Found::Linearizable, 0);
    }
    let mut search = Search::new(ops, required);
    let found = search.run(max_states);
    (found, search.seen.len())
}

/// One frame of the search stack: a linearized operation.
struct Frame {
    call: usize,
    /// The register before it.
    before: Option<u64>,
    /// Linearized as the only choice tried at its configuration (see [`Search::committable`]).
    committed: bool,
}

/// What trying to linearize one candidate did.
enum Push {
    /// Linearized: a new configuration.
    New,
    /// Not allowed, impossible in the current state, or leads to a configuration already explored.
    Rejected,
}

struct Search<'a> {
    ops: &'a [RegOp],
    required: usize,
    list: List,
    same_value_before: Vec<Option<usize>>,
    linearized: Vec<u64>,
    hash: u64,
    state: Option<u64>,
    done: usize,
    seen: Seen,
    stack: Vec<Frame>,
}

impl<'a> Search<'a> {
    fn new(ops: &'a [RegOp], required: usize) -> Self {
        let words = ops.len().div_ceil(64);
        Search {
            ops,
            required,
            list: List::new(ops),
            same_value_before: same_value_predecessors(ops),
            linearized: vec![0; words],
            hash: 0,
            state: None,
            done: 0,
            seen: Seen::new(words),
            stack: Vec::new(),
        }
    }

    fn run(&mut self, max_states: u64) -> Found {
        // `None`: the current configuration is fully explored; backtrack.
        let mut node = self.enter();
        loop {
            if self.done == self.required {
                return Found::Linearizable;
            }
            if self.seen.len() > max_states {
                return Found::Exhausted;
            }
            let Some(at) = node else {
                match self.backtrack() {
                    Some(resume) => node = Some(resume),
                    None => return Found::NotLinearizable,
                }
                continue;
            };
            // Any call met before the first return may go next; meeting a return ends the choices.
            if self.list.call_op(at).is_none() {
                node = None;
                continue;
            }
            node = match self.push(at, false) {
                Push::New => self.enter(),
                Push::Rejected => Some(self.list.next[at]),
            };
        }
    }

    /// Arriving at a new configuration: commits to a state-preserving operation if there is one (then only
    /// that choice is explored here), otherwise returns the first entry to walk from.
    fn enter(&mut self) -> Option<usize> {
        loop {
            let Some(call) = self.committable() else {
                return Some(self.list.next[HEAD]);
            };
            match self.push(call, true) {
                Push::New if self.done < self.required => {}
                Push::New => return Some(self.list.next[HEAD]),
                // The one choice that needs exploring here was explored before: this configuration fails.
                Push::Rejected => return None,
            }
        }
    }

    /// A candidate acknowledged operation that only observes the register's current value (a read of it, a
    /// CAS that saw it and did not swap). Linearizing it first loses nothing: whatever linearization exists
    /// from here can be rearranged to start with it, as it changes nothing and no candidate must precede
    /// it. So it is the only choice explored at this configuration. (A write of the current value does not
    /// qualify: moved earlier, it would no longer restore that value where it stood.)
    fn committable(&self) -> Option<usize> {
        let mut node = self.list.next[HEAD];
        while let Some(i) = self.list.call_op(node) {
            let op = &self.ops[i];
            let observes = !matches!(op.kind, Kind::Write(_));
            if observes && !op.indeterminate() && step(self.state, op.kind) == Some(self.state) {
                return Some(node);
            }
            node = self.list.next[node];
        }
        None
    }

    /// Tries to linearize the call entry `node` next.
    fn push(&mut self, node: usize, committed: bool) -> Push {
        let i = self.list.op[node];
        let op = &self.ops[i];
        let after_indeterminate = self
            .stack
            .last()
            .is_some_and(|frame| self.ops[self.list.op[frame.call]].indeterminate());
        let allowed = !(after_indeterminate && matches!(op.kind, Kind::Write(_)))
            && self.same_value_before[i].is_none_or(|j| is_set(&self.linearized, j));
        let useful = |next: &Option<u64>| !op.indeterminate() || *next != self.state;
        let Some(next_state) = step(self.state, op.kind).filter(|next| allowed && useful(next)) else {
            return Push::Rejected;
        };
        set(&mut self.linearized, i);
        let next_hash = self.hash ^ zobrist(i);
        let header = header(next_state, op.indeterminate());
        if !self.seen.insert(header, &self.linearized, next_hash) {
            clear(&mut self.linearized, i);
            return Push::Rejected;
        }
        self.stack.push(Frame {
            call: node,
            before: self.state,
            committed,
        });
        self.state = next_state;
        self.hash = next_hash;
        self.done += usize::from(!op.indeterminate());
        self.list.lift(node);
        Push::New
    }

    /// Undoes choices until one whose configuration still has alternatives; returns the entry to resume
    /// the walk at, or `None` when the stack is empty (no linearization).
    fn backtrack(&mut self) -> Option<usize> {
        loop {
            let frame = self.stack.pop()?;
            let i = self.list.op[frame.call];
            clear(&mut self.linearized, i);
            self.hash ^= zobrist(i);
            self.state = frame.before;
            self.done -= usize::from(!self.ops[i].indeterminate());
            self.list.unlift(frame.call);
            if !frame.committed {
                return Some(self.list.next[frame.call]);
            }
        }
    }
}

/// For each indeterminate write, the previously invoked indeterminate write of the same value.
fn same_value_predecessors(ops: &[RegOp]) -> Vec<Option<usize>> {
    let mut order: Vec<usize> = (0..ops.len()).collect();
    order.sort_by_key(|&i| ops[i].call);
    let mut last: BTreeMap<u64, usize> = BTreeMap::new();
    let mut pred = vec![None; ops.len()];
    for i in order {
        if let (true, Kind::Write(value)) = (ops[i].indeterminate(), ops[i].kind) {
            pred[i] = last.insert(value, i);
        }
    }
    pred
}

/// The memo key's two header words: the register value, then a presence bit and the "last op was
/// indeterminate" flag.
fn header(state: Option<u64>, after_indeterminate: bool) -> [u64; 2] {
    let flags = u64::from(state.is_some()) | u64::from(after_indeterminate) << 1;
    [state.unwrap_or(0), flags]
}

fn zobrist(i: usize) -> u64 {
    mix64((i as u64).wrapping_add(0x632B_E59B_D9B4_E019))
}

fn set(bits: &mut [u64], i: usize) {
    bits[i / 64] |= 1 << (i % 64);
}

fn clear(bits: &mut [u64], i: usize) {
    bits[i / 64] &= !(1 << (i % 64));
}

fn is_set(bits: &[u64], i: usize) -> bool {
    bits[i / 64] & (1 << (i % 64)) != 0
}

/// The call/return entries as a doubly linked list over indices: `0` is the head sentinel, `1..=2n` the
/// entries in real-time order, `2n + 1` the tail sentinel.
struct List {
    next: Vec<usize>,
    prev: Vec<usize>,
    /// The operation of each entry.
    op: Vec<usize>,
    /// For a call entry, its return entry; `0` for returns and sentinels.
    matching: Vec<usize>,
}

impl List {
    fn new(ops: &[RegOp]) -> List {
        let n = ops.len();
        let mut entries: Vec<(Stamp, bool, usize)> = Vec::with_capacity(2 * n);
        for (i, op) in ops.iter().enumerate() {
            entries.push((op.call, false, i));
            entries.push((op.ret, true, i));
        }
        // Stamps are unique except `INFINITY`; ties there are ordered by operation.
        entries.sort_unstable();
        let len = 2 * n + 2;
        let mut list = List {
            next: (1..=len).map(|k| k.min(len - 1)).collect(),
            prev: (0..len).map(|k| k.saturating_sub(1)).collect(),
            op: vec![0; len],
            matching: vec![0; len],
        };
        let mut call_node = vec![0; n];
        for (k, &(_, is_return, i)) in entries.iter().enumerate() {
            list.op[k + 1] = i;
            if is_return {
                list.matching[call_node[i]] = k + 1;
            } else {
                call_node[i] = k + 1;
            }
        }
        list
    }

    /// The operation of `node` if it is a call entry.
    fn call_op(&self, node: usize) -> Option<usize> {
        (self.matching[node] != 0).then(|| self.op[node])
    }

    fn unlink(&mut self, node: usize) {
        let (p, n) = (self.prev[node], self.next[node]);
        self.next[p] = n;
        self.prev[n] = p;
    }

    fn relink(&mut self, node: usize) {
        let (p, n) = (self.prev[node], self.next[node]);
        self.next[p] = node;
        self.prev[n] = node;
    }

    fn lift(&mut self, call: usize) {
        self.unlink(call);
        self.unlink(self.matching[call]);
    }

    fn unlift(&mut self, call: usize) {
        self.relink(self.matching[call]);
        self.relink(call);
    }
}

/// An exact set of explored configurations: open addressing over entries stored flat in an arena (a
/// two-word header, then the linearized bitset). No randomised hashing: the hash is a Zobrist sum of the
/// linearized operations, so iteration never leaks into output and runs are reproducible.
struct Seen {
    stride: usize,
    arena: Vec<u64>,
    hashes: Vec<u64>,
    /// Entry index + 1; 0 is empty.
    slots: Vec<u32>,
}

impl Seen {
    fn new(words: usize) -> Seen {
        Seen {
            stride: 2 + words,
            arena: Vec::new(),
            hashes: Vec::new(),
            slots: vec![0; 64],
        }
    }

    fn len(&self) -> u64 {
        self.hashes.len() as u64
    }

    /// Inserts the configuration; false if it was already there.
    fn insert(&mut self, header: [u64; 2], bits: &[u64], hash: u64) -> bool {
        let hash = mix64(hash ^ header[0].rotate_left(17) ^ header[1]);
        let mask = self.slots.len() - 1;
        let mut slot = hash as usize & mask;
        while self.slots[slot] != 0 {
            let entry = self.slots[slot] as usize - 1;
            let stored = &self.arena[entry * self.stride..(entry + 1) * self.stride];
            if self.hashes[entry] == hash && stored[..2] == header && stored[2..] == *bits {
                return false;
            }
            slot = (slot + 1) & mask;
        }
        let Ok(id) = u32::try_from(self.hashes.len() + 1) else {
            // Four billion configurations: far past any budget. Treat as seen rather than overflow.
            return false;
        };
        self.slots[slot] = id;
        self.hashes.push(hash);
        self.arena.extend_from_slice(&header);
        self.arena.extend_from_slice(bits);
        if self.hashes.len() * 2 > self.slots.len() {
            self.grow();
        }
        true
    }

    fn grow(&mut self) {
        let mut slots = vec![0u32; self.slots.len() * 2];
        let mask = slots.len() - 1;
        for (entry, &hash) in self.hashes.iter().enumerate() {
            let mut slot = hash as usize & mask;
            while slots[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            slots[slot] = entry as u32 + 1;
        }
        self.slots = slots;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SimTime;

    fn stamp(t: u64) -> Stamp {
        Stamp {
            time: SimTime(t),
            seq: t as usize,
        }
    }

    fn op(call: u64, ret: Option<u64>, kind: Kind) -> RegOp {
        RegOp {
            call: stamp(call),
            ret: ret.map_or(Stamp::INFINITY, stamp),
            kind,
        }
    }

    #[test]
    fn step_follows_the_register_spec() {
        let cas = |observed| Kind::Cas {
            expected: 1,
            new: 2,
            observed,
        };
        let cases = [
            (None, Kind::Read(None), Some(None)),
            (Some(1), Kind::Read(None), None),
            (Some(1), Kind::Write(3), Some(Some(3))),
            (Some(1), cas(Some(Some(1))), Some(Some(2))),
            (Some(1), cas(None), Some(Some(2))),
            (Some(5), cas(None), Some(Some(5))),
            (Some(5), cas(Some(Some(5))), Some(Some(5))),
            (Some(5), cas(Some(Some(1))), None),
        ];
        for (state, kind, expect) in cases {
            assert_eq!(step(state, kind), expect, "{state:?} {kind:?}");
        }
    }

    #[test]
    fn memo_headers_distinguish_every_state() {
        let states = [None, Some(0), Some(1), Some(u64::MAX)];
        let mut headers: Vec<[u64; 2]> = states
            .iter()
            .flat_map(|&s| [header(s, false), header(s, true)])
            .collect();
        headers.sort_unstable();
        headers.dedup();
        assert_eq!(headers.len(), 2 * states.len());
    }

    #[test]
    fn budget_is_respected() {
        // Eight concurrent writes, then a read of the first: every order of the writes is explored.
        let mut ops: Vec<RegOp> = (0..8u64).map(|i| op(i, Some(100 + i), Kind::Write(i))).collect();
        ops.push(op(200, Some(201), Kind::Read(Some(99))));
        let (found, states) = search(&ops, 10);
        assert_eq!(found, Found::Exhausted);
        assert_eq!(states, 11);
        assert_eq!(search(&ops, 1 << 20).0, Found::NotLinearizable);
    }

    #[test]
    fn seen_set_is_exact_across_growth() {
        let mut seen = Seen::new(1);
        for i in 0..1000u64 {
            // A constant hash forces every entry into one probe chain.
            assert!(seen.insert([i % 7, 0], &[i], 42));
        }
        for i in 0..1000u64 {
            assert!(!seen.insert([i % 7, 0], &[i], 42));
        }
        assert!(seen.insert([0, 1], &[0], 42));
        assert_eq!(seen.len(), 1001);
    }
}
