//! Histories from real executions: clients run operations one after another against true registers, each
//! taking effect at a linearization point inside its interval. Such a history is linearizable by
//! construction, which makes it the baseline for the checker's property tests, its benchmarks and demos
//! (mutate one outcome and the checker should object).

use std::collections::BTreeMap;

use super::{ClientId, History, Op, OpId, Outcome};
use crate::rng::SimRng;
use crate::time::SimTime;

/// How an operation ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Takes effect at its linearization point and is acknowledged.
    Ok,
    /// Does not take effect; reported `Fail`.
    Fail,
    /// Reported `Info` (a timeout), having taken effect or not.
    Info { took_effect: bool },
}

/// One operation of a client's script. Durations are in ticks: the client waits `think` ticks after its
/// previous operation completed, invokes, reaches the linearization point `lead` ticks later and completes
/// `lag + 1` ticks after that.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub key: u64,
    pub op: Op,
    pub fate: Fate,
    pub think: u64,
    pub lead: u64,
    pub lag: u64,
}

/// Runs each client's script (`clients[c]` is client `c`'s) and records the history. A tick lasts
/// `clients.len() + 1` nanoseconds and client `c` acts at offset `c` within it, so no two clients' events
/// share a time and the execution order (by linearization point) respects real-time order.
pub fn execute(clients: &[Vec<Step>]) -> History {
    let scale = clients.len() as u64 + 1;
    let at = |tick: u64, client: usize| tick.saturating_mul(scale).saturating_add(client as u64);
    // (client, step, invoke, linearization point, completion) in nanoseconds.
    let mut planned: Vec<(usize, usize, u64, u64, u64)> = Vec::new();
    for (c, steps) in clients.iter().enumerate() {
        let mut tick = 0u64;
        for (s, step) in steps.iter().enumerate() {
            let invoke = tick.saturating_add(step.think);
            let point = invoke.saturating_add(step.lead);
            tick = point.saturating_add(step.lag).saturating_add(1);
            planned.push((c, s, at(invoke, c), at(point, c), at(tick, c)));
        }
    }

    // Execute in linearization order.
    planned.sort_by_key(|&(c, s, _, point, _)| (point, c, s));
    let mut registers: BTreeMap<u64, Option<u64>> = BTreeMap::new();
    let mut outcomes: BTreeMap<(usize, usize), Outcome> = BTreeMap::new();
    for &(c, s, ..) in &planned {
        let step = clients[c][s];
        let register = registers.entry(step.key).or_default();
        let before = *register;
        let takes_effect = matches!(step.fate, Fate::Ok | Fate::Info { took_effect: true });
        if takes_effect {
            match step.op {
                Op::Read => {}
                Op::Write(value) => *register = Some(value),
                Op::Cas { expected, new } => {
                    if before == Some(expected) {
                        *register = Some(new);
                    }
                }
            }
        }
        let outcome = match (step.fate, step.op) {
            (Fate::Ok, Op::Write(_)) => Outcome::Ok(None),
            (Fate::Ok, _) => Outcome::Ok(before),
            (Fate::Fail, _) => Outcome::Fail,
            (Fate::Info { .. }, _) => Outcome::Info,
        };
        outcomes.insert((c, s), outcome);
    }

    // Record the events in time order; within one client a completion precedes the next invocation.
    let mut events: Vec<(u64, bool, usize, usize)> = Vec::with_capacity(planned.len() * 2);
    for &(c, s, invoke, _, complete) in &planned {
        events.push((invoke, true, c, s));
        events.push((complete, false, c, s));
    }
    events.sort_unstable();
    let mut history = History::new();
    let mut ids: BTreeMap<(usize, usize), OpId> = BTreeMap::new();
    for (time, is_invoke, c, s) in events {
        let step = clients[c][s];
        if is_invoke {
            ids.insert(
                (c, s),
                history.invoke(ClientId(c as u64), step.key, step.op, SimTime(time)),
            );
        } else if let (Some(&id), Some(&outcome)) = (ids.get(&(c, s)), outcomes.get(&(c, s))) {
            // Cannot fail: each op completes once, after its invocation.
            let _ = history.complete(id, outcome, SimTime(time));
        }
    }
    history
}

/// Parameters of [`random_scripts`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Workload {
    pub clients: usize,
    pub ops_per_client: usize,
    pub keys: u64,
    /// Probabilities of a read and of a CAS; the rest are writes.
    pub read_ratio: f64,
    pub cas_ratio: f64,
    /// Probabilities of a `Fail` and of an `Info` outcome.
    pub fail_ratio: f64,
    pub info_ratio: f64,
}

/// Seeded random client scripts: uniform keys, every write a fresh value, a CAS expecting a value
/// previously written to its key, think times up to 20 ticks and intervals up to 100.
pub fn random_scripts(seed: u64, workload: &Workload) -> Vec<Vec<Step>> {
    let mut rng = SimRng::new(seed);
    let mut written: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    let mut next_value = 0u64;
    let mut clients = vec![Vec::with_capacity(workload.ops_per_client); workload.clients];
    for _ in 0..workload.ops_per_client {
        for script in clients.iter_mut() {
            let key = rng.below(workload.keys.max(1));
            let values = written.entry(key).or_default();
            let kind = rng.unit();
            let op = if kind < workload.read_ratio {
                Op::Read
            } else if kind < workload.read_ratio + workload.cas_ratio && !values.is_empty() {
                next_value += 1;
                let expected = values[rng.below(values.len() as u64) as usize];
                values.push(next_value);
                Op::Cas {
                    expected,
                    new: next_value,
                }
            } else {
                next_value += 1;
                values.push(next_value);
                Op::Write(next_value)
            };
            let fate = if rng.chance(workload.fail_ratio) {
                Fate::Fail
            } else if rng.chance(workload.info_ratio) {
                Fate::Info {
                    took_effect: rng.chance(0.5),
                }
            } else {
                Fate::Ok
            };
            let (think, lead, lag) = (rng.below(20), rng.below(50), rng.below(50));
            script.push(Step {
                key,
                op,
                fate,
                think,
                lead,
                lag,
            });
        }
    }
    clients
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn execute_records_what_the_register_did() {
        let step = |op, fate, think| Step {
            key: 3,
            op,
            fate,
            think,
            lead: 1,
            lag: 1,
        };
        // Client 0 writes 1 then 2 (the second times out after taking effect); client 1 reads late.
        let clients = vec![
            vec![
                step(Op::Write(1), Fate::Ok, 0),
                step(Op::Write(2), Fate::Info { took_effect: true }, 0),
            ],
            vec![
                step(Op::Cas { expected: 2, new: 3 }, Fate::Ok, 10),
                step(Op::Read, Fate::Ok, 0),
                step(Op::Write(9), Fate::Fail, 0),
            ],
        ];
        let history = execute(&clients);
        let got: Vec<(u64, Op, Option<Outcome>)> = history
            .iter()
            .map(|(_, op)| (op.client().0, op.op(), op.completion().map(|(outcome, _)| outcome)))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, Op::Write(1), Some(Outcome::Ok(None))),
                (0, Op::Write(2), Some(Outcome::Info)),
                (1, Op::Cas { expected: 2, new: 3 }, Some(Outcome::Ok(Some(2)))),
                (1, Op::Read, Some(Outcome::Ok(Some(3)))),
                (1, Op::Write(9), Some(Outcome::Fail)),
            ]
        );
        // Client 0's second invocation is at its first completion's tick, recorded after it.
        let (_, w1) = history.iter().next().unwrap();
        assert_eq!(w1.invoked_at(), SimTime(0));
        assert_eq!(
            w1.completion().unwrap().1,
            SimTime(3 * 3),
            "invoke 0, point 1, complete 3 ticks of 3 ns"
        );
    }

    #[test]
    fn random_scripts_are_reproducible() {
        let workload = Workload {
            clients: 3,
            ops_per_client: 50,
            keys: 4,
            read_ratio: 0.4,
            cas_ratio: 0.2,
            fail_ratio: 0.05,
            info_ratio: 0.05,
        };
        let a = random_scripts(9, &workload);
        assert_eq!(a, random_scripts(9, &workload));
        assert_ne!(a, random_scripts(10, &workload));
        assert_eq!(a.iter().map(Vec::len).collect::<Vec<_>>(), vec![50; 3]);
        assert!(a.iter().flatten().any(|s| matches!(s.op, Op::Cas { .. })));
    }
}
