//! Stale-read counting: a cheap consistency counter the engine reports alongside latencies.
//!
//! **Definition.** A successful read `R` of key `k` that returned `v` is *stale* when some write of `k`
//! that completed before `R` was invoked had *definitely overwritten* `v`, i.e. there is a write `W` with
//! - `W` acknowledged (`Ok` write, or `Ok` CAS that swapped), and `W` completed before `R` was invoked, and
//! - every operation that could have written `v` completed before `W` was invoked. For `v = None` (the
//!   initial, never-written value) that holds of any `W`; an indeterminate (`Info` or pending) write of
//!   `v` completes at +infinity, so it never does.
//!
//! In words: the read returned a value older than a write acknowledged before the read began. Every stale
//! read is a linearizability violation (the overwriting write must be linearized between the last write
//! of `v` and the read), but not every violation is a stale read: reads of values nobody wrote, reads
//! that see the future, and flip-flops between concurrent writes are left to the [`super::lincheck`]
//! checker. "Before" is the history's real-time order (virtual time, then recording order).

use std::collections::BTreeMap;

use super::{History, Op, OpId, Outcome, Stamp, Timed};

/// Read counters for a history.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadCounters {
    /// Successful (`Ok`) reads.
    pub reads: u64,
    /// Successful reads that were stale (see the module docs).
    pub stale_reads: u64,
}

/// Counts successful and stale reads.
pub fn read_counters(history: &History) -> ReadCounters {
    let reads = history
        .iter()
        .filter(|(_, op)| op.op() == Op::Read && matches!(op.outcome(), Outcome::Ok(_)));
    ReadCounters {
        reads: reads.count() as u64,
        stale_reads: stale_reads(history).len() as u64,
    }
}

/// The stale reads (see the module docs), sorted by id.
pub fn stale_reads(history: &History) -> Vec<OpId> {
    let mut stale: Vec<OpId> = history
        .timed_by_key()
        .values()
        .flat_map(|ops| stale_in_key(ops))
        .collect();
    stale.sort_unstable();
    stale
}

fn stale_in_key(ops: &[Timed]) -> Vec<OpId> {
    // For each value, the latest completion of anything that may have written it.
    let mut last_written: BTreeMap<u64, Stamp> = BTreeMap::new();
    // Acknowledged writes as (completed, invoked).
    let mut acked: Vec<(Stamp, Stamp)> = Vec::new();
    for op in ops {
        let written = match (op.op, op.outcome) {
            (Op::Write(value), Outcome::Ok(_) | Outcome::Info) => value,
            (Op::Cas { expected, new }, Outcome::Ok(seen)) if seen == Some(expected) => new,
            (Op::Cas { new, .. }, Outcome::Info) => new,
            _ => continue,
        };
        let last = last_written.entry(written).or_insert(op.completed);
        *last = (*last).max(op.completed);
        if op.completed != Stamp::INFINITY {
            acked.push((op.completed, op.invoked));
        }
    }
    acked.sort_unstable();
    // latest_invoked[i]: the latest invocation among the first i acknowledged writes (by completion).
    let latest_invoked: Vec<Stamp> = acked
        .iter()
        .scan(None, |latest: &mut Option<Stamp>, &(_, invoked)| {
            let next = latest.map_or(invoked, |l| l.max(invoked));
            *latest = Some(next);
            Some(next)
        })
        .collect();
    ops.iter()
        .filter_map(|op| {
            let (Op::Read, Outcome::Ok(seen)) = (op.op, op.outcome) else {
                return None;
            };
            let before = acked.partition_point(|&(completed, _)| completed < op.invoked);
            let overwriter = *latest_invoked.get(before.checked_sub(1)?)?;
            let overwritten = match seen {
                None => true,
                Some(value) => last_written.get(&value).is_some_and(|&last| last < overwriter),
            };
            overwritten.then_some(op.id)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::ClientId;
    use crate::time::SimTime;

    /// An operation on the one key: (op, outcome, invoke, complete).
    type Row = (Op, Outcome, u64, u64);

    /// Returns the indices of the stale reads among the rows.
    fn stale(rows: &[Row]) -> Vec<usize> {
        let mut events: Vec<(u64, bool, usize)> = Vec::new();
        for (i, &(_, _, invoke, complete)) in rows.iter().enumerate() {
            events.extend([(invoke, true, i), (complete, false, i)]);
        }
        events.sort_unstable();
        let mut history = History::new();
        let mut ids = vec![OpId(0); rows.len()];
        for (at, is_invoke, i) in events {
            if is_invoke {
                ids[i] = history.invoke(ClientId(0), 0, rows[i].0, SimTime(at));
            } else {
                history.complete(ids[i], rows[i].1, SimTime(at)).unwrap();
            }
        }
        let stale = stale_reads(&history);
        (0..rows.len()).filter(|&i| stale.contains(&ids[i])).collect()
    }

    #[test]
    fn definition_edges() {
        use Op::{Read, Write};
        let ok = Outcome::Ok(None);
        let read = |v| Outcome::Ok(Some(v));
        let cas = Op::Cas { expected: 1, new: 2 };
        let cases: [(&str, Vec<Row>, Vec<usize>); 8] = [
            (
                "fresh read",
                vec![(Write(1), ok, 0, 10), (Read, read(1), 20, 30)],
                vec![],
            ),
            (
                "initial value after an ack",
                vec![(Write(1), ok, 0, 10), (Read, ok, 20, 30)],
                vec![1],
            ),
            (
                "initial value, write still running",
                vec![(Write(1), ok, 0, 25), (Read, ok, 20, 30)],
                vec![],
            ),
            (
                "overwritten value",
                vec![(Write(1), ok, 0, 10), (Write(2), ok, 20, 30), (Read, read(1), 40, 50)],
                vec![2],
            ),
            (
                "overwriter concurrent with the old write",
                vec![(Write(1), ok, 0, 30), (Write(2), ok, 20, 35), (Read, read(1), 40, 50)],
                vec![],
            ),
            (
                "value written again later (indeterminate)",
                vec![
                    (Write(1), ok, 0, 10),
                    (Write(2), ok, 20, 30),
                    (Write(1), Outcome::Info, 31, 32),
                    (Read, read(1), 40, 50),
                ],
                vec![],
            ),
            (
                "a swapping CAS overwrites; a failed write does not",
                vec![
                    (Write(1), ok, 0, 10),
                    (cas, read(1), 20, 30),
                    (Read, read(1), 40, 50),
                    (Write(3), Outcome::Fail, 60, 70),
                    (Read, read(2), 80, 90),
                ],
                vec![2],
            ),
            (
                "value nobody wrote",
                vec![(Write(1), ok, 0, 10), (Read, read(9), 20, 30)],
                vec![],
            ),
        ];
        for (name, rows, expect) in cases {
            assert_eq!(stale(&rows), expect, "{name}");
        }
    }
}
