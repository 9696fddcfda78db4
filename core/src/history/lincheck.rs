//! Linearizability checking of per-key registers (read, write, compare-and-set).
//!
//! A history is linearizable when every operation can be given a single instant between its invocation
//! and its completion such that, taken in that order, the operations are a legal sequential run of one
//! register per key that starts empty. Keys are checked independently (P-compositionality: a history is
//! linearizable iff every key's sub-history is). Per key:
//! - `Fail` operations are dropped: they did not happen;
//! - `Info` (and never-completed) operations complete at +infinity: a write or CAS may take effect at any
//!   instant after its invocation, or never; an indeterminate read constrains nothing and is dropped;
//! - the search is Wing–Gong with Lowe's memoisation, as in Porcupine (see the `search` module). It
//!   explores at most [`CheckOptions::max_states`] configurations and answers `Unknown` past that
//!   rather than hanging.
//!
//! **Explaining a violation.** A non-linearizable key is reported with a *1-minimal set of acknowledged
//! (`Ok`) operations whose recorded outcomes conflict*: with the outcomes of all other `Ok` operations of
//! the key forgotten (as if they had timed out, see [`History::forget`]; `Fail` operations stay failed),
//! the history is still not linearizable, and forgetting the outcome of any one more reported operation
//! makes it linearizable. A read of a failed write's value is thus explained by the read alone. Forgetting, rather than deleting,
//! keeps the explanation honest: deleting the acknowledged write in "write 1, write 2, read 1" would leave
//! a read of a value nobody wrote and blame the read alone, whereas forgetting reports all three.
//! Forgetting only ever adds linearizations, so the property is monotone and the shrink is a binary
//! search for the shortest failing prefix (in invocation order) followed by one greedy pass. Shrinking
//! spends at most [`CheckOptions::max_shrink_states`] states in total; when that runs out, or a re-check
//! is inconclusive, the set reported is still a violation but may not be minimal (`minimal: false`).

use std::collections::BTreeMap;

use super::search::{search, Found, Kind, RegOp};
use super::{History, Op, OpId, Outcome, Stamp, Timed};

/// Search budgets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckOptions {
    /// The most configurations (linearized set, register state) one key's search may explore before the key
    /// is reported `Unknown`. Memory grows with it: about `40 + 8 * ceil(ops_of_key / 64)` bytes per state.
    pub max_states: u64,
    /// The total number of configurations the shrinking of one violation may explore.
    pub max_shrink_states: u64,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            max_states: 1 << 18,
            max_shrink_states: 1 << 20,
        }
    }
}

/// The verdict on a whole history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Linearizable,
    /// The lowest key that is not linearizable, with the operations that explain it (sorted by id).
    NotLinearizable {
        key: u64,
        ops: Vec<OpId>,
        minimal: bool,
    },
    /// No key is known to be violated, but this one (the lowest) ran out of search budget.
    Unknown {
        key: u64,
    },
}

/// The verdict on one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyVerdict {
    Linearizable,
    NotLinearizable { ops: Vec<OpId>, minimal: bool },
    Unknown,
}

/// Checks every key and aggregates: any violation gives `NotLinearizable` (for the lowest such key, the
/// only one shrunk); otherwise any exhausted search gives `Unknown`; otherwise `Linearizable`.
pub fn check(history: &History, options: &CheckOptions) -> Verdict {
    let mut unknown = None;
    for (key, ops) in history.timed_by_key() {
        match check_one(&ops, options) {
            KeyVerdict::Linearizable => {}
            KeyVerdict::Unknown => {
                unknown.get_or_insert(key);
            }
            KeyVerdict::NotLinearizable { ops, minimal } => {
                return Verdict::NotLinearizable { key, ops, minimal };
            }
        }
    }
    match unknown {
        Some(key) => Verdict::Unknown { key },
        None => Verdict::Linearizable,
    }
}

/// The verdict for every key of the history, each violation explained.
pub fn check_keys(history: &History, options: &CheckOptions) -> BTreeMap<u64, KeyVerdict> {
    history
        .timed_by_key()
        .into_iter()
        .map(|(key, ops)| (key, check_one(&ops, options)))
        .collect()
}

fn check_one(ops: &[Timed], options: &CheckOptions) -> KeyVerdict {
    match search(&register_ops(ops, |_| false), options.max_states).0 {
        Found::Linearizable => KeyVerdict::Linearizable,
        Found::Exhausted => KeyVerdict::Unknown,
        Found::NotLinearizable => {
            let (ops, minimal) = shrink(ops, options);
            KeyVerdict::NotLinearizable { ops, minimal }
        }
    }
}

/// The register operations to search, with the outcomes of `forgotten` operations (by index in `ops`)
/// treated as indeterminate.
fn register_ops(ops: &[Timed], forgotten: impl Fn(usize) -> bool) -> Vec<RegOp> {
    ops.iter()
        .enumerate()
        .filter_map(|(j, timed)| {
            let outcome = if forgotten(j) { Outcome::Info } else { timed.outcome };
            let (kind, ret) = match (timed.op, outcome) {
                (_, Outcome::Fail) | (Op::Read, Outcome::Info) => return None,
                (Op::Read, Outcome::Ok(seen)) => (Kind::Read(seen), timed.completed),
                (Op::Write(value), Outcome::Ok(_)) => (Kind::Write(value), timed.completed),
                (Op::Write(value), Outcome::Info) => (Kind::Write(value), Stamp::INFINITY),
                (Op::Cas { expected, new }, Outcome::Ok(seen)) => (
                    Kind::Cas {
                        expected,
                        new,
                        observed: Some(seen),
                    },
                    timed.completed,
                ),
                (Op::Cas { expected, new }, Outcome::Info) => (
                    Kind::Cas {
                        expected,
                        new,
                        observed: None,
                    },
                    Stamp::INFINITY,
                ),
            };
            Some(RegOp {
                call: timed.invoked,
                ret,
                kind,
            })
        })
        .collect()
}

/// Shrinks a non-linearizable key history to a set of `Ok` operations whose outcomes conflict. Returns the
/// set (sorted by id) and whether it is known to be 1-minimal.
fn shrink(ops: &[Timed], options: &CheckOptions) -> (Vec<OpId>, bool) {
    let mut candidates: Vec<usize> = (0..ops.len())
        .filter(|&j| matches!(ops[j].outcome, Outcome::Ok(_)))
        .collect();
    candidates.sort_by_key(|&j| ops[j].invoked);
    let mut budget = options.max_shrink_states;
    let mut minimal = true;
    // Whether keeping exactly the outcomes of `kept` (all other candidates forgotten) is still a violation;
    // `None` when that is not known (budget).
    let mut violates = |kept: &[bool]| -> Option<bool> {
        let limit = budget.min(options.max_states);
        let (found, states) = search(&register_ops(ops, |j| !kept[j]), limit);
        budget = budget.saturating_sub(states);
        match found {
            Found::NotLinearizable => Some(true),
            Found::Linearizable => Some(false),
            Found::Exhausted => None,
        }
    };

    // Every non-`Ok` operation is "kept" as it is: forgetting a `Fail` would resurrect it.
    let mut kept: Vec<bool> = ops.iter().map(|op| !matches!(op.outcome, Outcome::Ok(_))).collect();
    let keep_prefix = |kept: &mut Vec<bool>, len: usize| {
        for (rank, &j) in candidates.iter().enumerate() {
            kept[j] = rank < len;
        }
    };
    // The shortest violating prefix; the full set is known to violate.
    let (mut lo, mut hi) = (0, candidates.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        keep_prefix(&mut kept, mid);
        match violates(&kept) {
            Some(true) => hi = mid,
            Some(false) => lo = mid + 1,
            None => {
                minimal = false;
                lo = mid + 1;
            }
        }
    }
    keep_prefix(&mut kept, hi);
    // One greedy pass: by monotonicity, an operation needed now is needed in every subset.
    for &j in &candidates[..hi] {
        kept[j] = false;
        match violates(&kept) {
            Some(true) => {}
            Some(false) => kept[j] = true,
            None => {
                kept[j] = true;
                minimal = false;
            }
        }
    }
    let set = candidates[..hi].iter().filter(|&&j| kept[j]).map(|&j| ops[j].id);
    let mut set: Vec<OpId> = set.collect();
    set.sort_unstable();
    (set, minimal)
}
