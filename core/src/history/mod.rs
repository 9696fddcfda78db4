//! Client-observed histories of key/value operations, and the consistency checks run over them.
//!
//! A [`History`] is the Jepsen-style log of what clients saw: every operation is an *invoke* event (a client
//! asks a replicated store to read, write or compare-and-set one key) and, later, a *complete* event with its
//! [`Outcome`]:
//!
//! - [`Outcome::Ok`]: the operation took effect (for a read or a CAS it carries the value it observed);
//! - [`Outcome::Fail`]: it definitely did not take effect (the checker drops it);
//! - [`Outcome::Info`]: indeterminate, e.g. a timeout: it may or may not have taken effect, at any moment
//!   after its invocation. Its completion time is kept for display but treated as +infinity.
//!
//! An operation that is never completed is treated like an `Info` one.
//!
//! **Real-time order.** Operation A *precedes* B when A completed before B was invoked. Events are ordered
//! by their [`SimTime`] and, at equal times, by the order in which they were recorded: an engine that
//! records a completion and then, at the same virtual instant, the client's next invocation gets the
//! precedence it expects. Operations that merely overlap are concurrent.
//!
//! Keys are independent registers (P-compositionality): [`History::by_key`] splits a history into per-key
//! sub-histories, and the checker in [`lincheck`] checks each key on its own.
//!
//! - [`lincheck`]: the linearizability checker (Wing–Gong/Lowe search, Porcupine-style).
//! - [`stale`]: simple consistency counters (stale reads) for the engine to report.
//! - [`synth`]: histories from executions of a real register, for tests, benches and demos.

pub mod lincheck;
mod search;
pub mod stale;
pub mod synth;

use std::collections::BTreeMap;
use std::fmt;

use crate::time::SimTime;

pub use lincheck::{check, check_keys, CheckOptions, KeyVerdict, Verdict};
pub use stale::{read_counters, stale_reads, ReadCounters};

/// Identifies one operation of a [`History`]: its index in invocation-recording order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OpId(usize);

impl OpId {
    /// The operation's position in the order the invocations were recorded.
    pub const fn index(self) -> usize {
        self.0
    }
}

impl fmt::Display for OpId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "op#{}", self.0)
    }
}

/// The client (Jepsen's "process") that issued an operation. Shown on timelines; the checker does not use
/// it, because real-time order already captures a client's own sequencing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClientId(pub u64);

/// What an operation asks of its key's register. Registers start empty (`None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Read,
    Write(u64),
    /// Compare-and-set: if the register holds `Some(expected)`, replace it with `new`.
    Cas {
        expected: u64,
        new: u64,
    },
}

/// How an operation ended.
///
/// The payload of `Ok` is the value the operation *observed*:
/// - `Read`: the value returned (`None`: the key was never written);
/// - `Write`: ignored (record `Ok(None)`);
/// - `Cas`: the value the CAS found, like [`std::sync::atomic::AtomicU64::compare_exchange`]: it swapped
///   exactly when this is `Some(expected)`. A store that reports a mismatch without saying what it found
///   should record `Fail` (a CAS that did not swap did not take effect), which the checker then ignores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok(Option<u64>),
    /// Definitely did not take effect.
    Fail,
    /// Indeterminate (a timeout, a crash): may or may not have taken effect.
    Info,
}

impl Outcome {
    /// `Ok` for a CAS that swapped.
    pub const fn cas_swapped(expected: u64) -> Outcome {
        Outcome::Ok(Some(expected))
    }
}

/// One recorded operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    client: ClientId,
    key: u64,
    op: Op,
    invoked_at: SimTime,
    completion: Option<(Outcome, SimTime)>,
}

impl Operation {
    pub fn client(&self) -> ClientId {
        self.client
    }

    pub fn key(&self) -> u64 {
        self.key
    }

    pub fn op(&self) -> Op {
        self.op
    }

    pub fn invoked_at(&self) -> SimTime {
        self.invoked_at
    }

    /// The outcome and completion time, or `None` while the operation is still pending.
    pub fn completion(&self) -> Option<(Outcome, SimTime)> {
        self.completion
    }

    /// The outcome, treating a pending operation as indeterminate.
    pub fn outcome(&self) -> Outcome {
        self.completion.map_or(Outcome::Info, |(outcome, _)| outcome)
    }
}

/// One entry of the event log, in recording order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    Invoke(OpId),
    Complete(OpId),
}

/// Why [`History::complete`] refused an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryError {
    /// No operation with this id was invoked in this history.
    UnknownOp(OpId),
    /// The operation already has a completion.
    AlreadyCompleted(OpId),
    /// The completion time is earlier than the invocation time.
    CompletedBeforeInvoked {
        op: OpId,
        invoked_at: SimTime,
        completed_at: SimTime,
    },
    /// The operation has no completion to amend.
    Pending(OpId),
}

impl fmt::Display for HistoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HistoryError::UnknownOp(op) => write!(f, "{op} was never invoked"),
            HistoryError::AlreadyCompleted(op) => write!(f, "{op} is already completed"),
            HistoryError::Pending(op) => write!(f, "{op} has not completed"),
            HistoryError::CompletedBeforeInvoked {
                op,
                invoked_at,
                completed_at,
            } => {
                write!(
                    f,
                    "{op} completed at {completed_at}, before it was invoked at {invoked_at}"
                )
            }
        }
    }
}

impl std::error::Error for HistoryError {}

/// A history under construction or complete: operations plus the event log that orders them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    ops: Vec<Operation>,
    events: Vec<Event>,
}

/// A point in the history's real-time order: virtual time, then recording order. `INFINITY` is the
/// completion of an indeterminate operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Stamp {
    time: SimTime,
    seq: usize,
}

impl Stamp {
    pub(crate) const INFINITY: Stamp = Stamp {
        time: SimTime::MAX,
        seq: usize::MAX,
    };
}

/// An operation with its position in real-time order, as the checkers consume it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Timed {
    pub(crate) id: OpId,
    pub(crate) op: Op,
    pub(crate) outcome: Outcome,
    pub(crate) invoked: Stamp,
    /// `Stamp::INFINITY` unless the outcome is `Ok` or `Fail`.
    pub(crate) completed: Stamp,
}

impl History {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that `client` invoked `op` on `key` at time `at`.
    pub fn invoke(&mut self, client: ClientId, key: u64, op: Op, at: SimTime) -> OpId {
        let id = OpId(self.ops.len());
        self.ops.push(Operation {
            client,
            key,
            op,
            invoked_at: at,
            completion: None,
        });
        self.events.push(Event::Invoke(id));
        id
    }

    /// Records that `op` completed with `outcome` at time `at`.
    pub fn complete(&mut self, op: OpId, outcome: Outcome, at: SimTime) -> Result<(), HistoryError> {
        let operation = self.ops.get_mut(op.0).ok_or(HistoryError::UnknownOp(op))?;
        if operation.completion.is_some() {
            return Err(HistoryError::AlreadyCompleted(op));
        }
        if at < operation.invoked_at {
            return Err(HistoryError::CompletedBeforeInvoked {
                op,
                invoked_at: operation.invoked_at,
                completed_at: at,
            });
        }
        operation.completion = Some((outcome, at));
        self.events.push(Event::Complete(op));
        Ok(())
    }

    /// Replaces the outcome of a completed operation, keeping its completion time and place in the log:
    /// "what if this read had returned something else". For fault-injection tests and demos.
    pub fn amend(&mut self, op: OpId, outcome: Outcome) -> Result<(), HistoryError> {
        let operation = self.ops.get_mut(op.0).ok_or(HistoryError::UnknownOp(op))?;
        let (_, at) = operation.completion.ok_or(HistoryError::Pending(op))?;
        operation.completion = Some((outcome, at));
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.ops.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    pub fn get(&self, op: OpId) -> Option<&Operation> {
        self.ops.get(op.0)
    }

    /// All operations, in invocation-recording order.
    pub fn iter(&self) -> impl Iterator<Item = (OpId, &Operation)> + '_ {
        self.ops.iter().enumerate().map(|(i, op)| (OpId(i), op))
    }

    /// The event log, in recording order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The per-key sub-histories (P-compositionality): each key's operations, in invocation-recording order.
    pub fn by_key(&self) -> BTreeMap<u64, Vec<OpId>> {
        let mut keys: BTreeMap<u64, Vec<OpId>> = BTreeMap::new();
        for (id, op) in self.iter() {
            keys.entry(op.key).or_default().push(id);
        }
        keys
    }

    /// A copy in which the outcomes of `ops` are forgotten: they become pending (indeterminate). Forgetting
    /// only ever adds possible linearizations, which is how the checker explains a violation (see
    /// [`lincheck`]). Unknown ids are ignored.
    pub fn forget(&self, ops: &[OpId]) -> History {
        let mut forgotten = self.clone();
        for op in ops {
            if let Some(operation) = forgotten.ops.get_mut(op.0) {
                operation.completion = None;
            }
        }
        forgotten.events.retain(|event| match event {
            Event::Invoke(_) => true,
            Event::Complete(op) => forgotten.ops[op.0].completion.is_some(),
        });
        forgotten
    }

    /// Every operation with its invocation and completion stamps.
    pub(crate) fn timed(&self) -> Vec<Timed> {
        let mut invoked = vec![Stamp::INFINITY; self.ops.len()];
        let mut completed = vec![Stamp::INFINITY; self.ops.len()];
        for (seq, event) in self.events.iter().enumerate() {
            match *event {
                Event::Invoke(id) => {
                    invoked[id.0] = Stamp {
                        time: self.ops[id.0].invoked_at,
                        seq,
                    };
                }
                Event::Complete(id) => {
                    if let Some((Outcome::Ok(_) | Outcome::Fail, at)) = self.ops[id.0].completion {
                        completed[id.0] = Stamp { time: at, seq };
                    }
                }
            }
        }
        self.iter()
            .map(|(id, op)| Timed {
                id,
                op: op.op,
                outcome: op.outcome(),
                invoked: invoked[id.0],
                completed: completed[id.0],
            })
            .collect()
    }

    /// [`History::timed`], split by key.
    pub(crate) fn timed_by_key(&self) -> BTreeMap<u64, Vec<Timed>> {
        let mut keys: BTreeMap<u64, Vec<Timed>> = BTreeMap::new();
        for timed in self.timed() {
            keys.entry(self.ops[timed.id.0].key).or_default().push(timed);
        }
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(ns: u64) -> SimTime {
        SimTime::from_nanos(ns)
    }

    #[test]
    fn complete_rejects_bad_events() {
        let mut h = History::new();
        let a = h.invoke(ClientId(0), 1, Op::Read, t(10));
        let cases = [
            (OpId(7), t(20), Err(HistoryError::UnknownOp(OpId(7)))),
            (
                a,
                t(5),
                Err(HistoryError::CompletedBeforeInvoked {
                    op: a,
                    invoked_at: t(10),
                    completed_at: t(5),
                }),
            ),
            (a, t(10), Ok(())),
            (a, t(30), Err(HistoryError::AlreadyCompleted(a))),
        ];
        for (op, at, expect) in cases {
            assert_eq!(h.complete(op, Outcome::Ok(None), at), expect, "{op} at {at}");
        }
        assert_eq!(h.events(), &[Event::Invoke(a), Event::Complete(a)]);
    }

    #[test]
    fn amend_rewrites_completed_outcomes_only() {
        let mut h = History::new();
        let a = h.invoke(ClientId(0), 1, Op::Read, t(0));
        let b = h.invoke(ClientId(1), 1, Op::Read, t(1));
        h.complete(a, Outcome::Ok(None), t(4)).unwrap();
        let cases = [
            (a, Ok(())),
            (b, Err(HistoryError::Pending(b))),
            (OpId(5), Err(HistoryError::UnknownOp(OpId(5)))),
        ];
        for (op, expect) in cases {
            assert_eq!(h.amend(op, Outcome::Ok(Some(3))), expect, "{op}");
        }
        assert_eq!(h.get(a).unwrap().completion(), Some((Outcome::Ok(Some(3)), t(4))));
        assert_eq!(h.get(b).unwrap().completion(), None);
    }

    #[test]
    fn equal_times_are_ordered_by_recording() {
        let mut h = History::new();
        let a = h.invoke(ClientId(0), 1, Op::Write(1), t(0));
        h.complete(a, Outcome::Ok(None), t(5)).unwrap();
        let b = h.invoke(ClientId(0), 1, Op::Read, t(5));
        let c = h.invoke(ClientId(1), 1, Op::Read, t(1));
        let timed = h.timed();
        assert!(timed[a.index()].completed < timed[b.index()].invoked);
        assert!(timed[c.index()].invoked < timed[a.index()].completed);
        assert_eq!(timed[b.index()].completed, Stamp::INFINITY, "pending is indeterminate");
    }

    #[test]
    fn by_key_and_forget() {
        let mut h = History::new();
        let a = h.invoke(ClientId(0), 2, Op::Write(1), t(0));
        let b = h.invoke(ClientId(1), 1, Op::Read, t(1));
        let c = h.invoke(ClientId(2), 2, Op::Read, t(2));
        for op in [a, b, c] {
            h.complete(op, Outcome::Ok(None), t(9)).unwrap();
        }
        assert_eq!(h.by_key(), BTreeMap::from([(1, vec![b]), (2, vec![a, c])]));
        let f = h.forget(&[a, OpId(99)]);
        assert_eq!(f.get(a).unwrap().completion(), None);
        assert_eq!(f.get(a).unwrap().outcome(), Outcome::Info);
        assert_eq!(f.events().len(), 5);
        assert_eq!(f.get(b), h.get(b));
    }
}
