//! Property tests of the linearizability checker: executions of real registers (linearization points chosen
//! inside the intervals) are linearizable; corrupting a read is caught and explained by a 1-minimal set;
//! on small histories the verdict agrees with a brute-force search over all orders.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use proptest::sample::Index;
use switchyard_core::history::synth::{self, Fate, Step, Workload};
use switchyard_core::history::{
    check, check_keys, stale_reads, CheckOptions, Event, History, KeyVerdict, Op, OpId, Outcome, Verdict,
};

/// Values are drawn from `0..VALUES`, so they repeat; `NEVER` is never written.
const VALUES: u64 = 6;
const NEVER: u64 = 1_000;

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Read),
        3 => (0..VALUES).prop_map(Op::Write),
        2 => (0..VALUES, 0..VALUES).prop_map(|(expected, new)| Op::Cas { expected, new }),
    ]
}

fn fate() -> impl Strategy<Value = Fate> {
    prop_oneof![
        8 => Just(Fate::Ok),
        1 => Just(Fate::Fail),
        1 => any::<bool>().prop_map(|took_effect| Fate::Info { took_effect }),
    ]
}

fn step(keys: u64) -> impl Strategy<Value = Step> {
    (0..keys, op(), fate(), 0..5u64, 0..6u64, 0..6u64).prop_map(|(key, op, fate, think, lead, lag)| Step {
        key,
        op,
        fate,
        think,
        lead,
        lag,
    })
}

/// Client scripts: one vector per client.
fn scripts(clients: usize, per_client: usize, keys: u64) -> impl Strategy<Value = Vec<Vec<Step>>> {
    prop::collection::vec(prop::collection::vec(step(keys), 0..=per_client), 1..=clients)
}

/// Scripts whose first client starts with an acknowledged read, so every execution has one.
fn scripts_with_a_read(clients: usize, per_client: usize, keys: u64) -> impl Strategy<Value = Vec<Vec<Step>>> {
    (scripts(clients, per_client, keys), 0..keys).prop_map(|(mut scripts, key)| {
        let read = Step {
            key,
            op: Op::Read,
            fate: Fate::Ok,
            think: 0,
            lead: 0,
            lag: 0,
        };
        scripts[0].insert(0, read);
        scripts
    })
}

/// A copy of `history` with one operation's outcome replaced.
fn amended(history: &History, op: OpId, outcome: Outcome) -> History {
    let mut copy = history.clone();
    copy.amend(op, outcome).unwrap();
    copy
}

fn acknowledged_reads(history: &History) -> Vec<OpId> {
    let reads = history
        .iter()
        .filter(|(_, op)| op.op() == Op::Read && matches!(op.outcome(), Outcome::Ok(_)));
    reads.map(|(id, _)| id).collect()
}

fn key_is_bad(history: &History, key: u64) -> bool {
    matches!(
        check_keys(history, &CheckOptions::default())[&key],
        KeyVerdict::NotLinearizable { .. }
    )
}

/// The reported set explains the violation and every member is needed (see `history::lincheck`).
fn assert_one_minimal(history: &History, key: u64, ops: &[OpId]) {
    let others: Vec<OpId> = history
        .iter()
        .filter(|(id, op)| !ops.contains(id) && matches!(op.outcome(), Outcome::Ok(_)))
        .map(|(id, _)| id)
        .collect();
    let kept = history.forget(&others);
    assert!(key_is_bad(&kept, key), "{ops:?} does not explain the violation");
    for &op in ops {
        assert!(!key_is_bad(&kept.forget(&[op]), key), "{op} in {ops:?} is not needed");
    }
}

/// An operation as the brute-force reference sees it.
struct Placed {
    op: Op,
    /// What it observed, if acknowledged.
    seen: Option<Option<u64>>,
    /// Event-log positions of its invocation and, if acknowledged, its completion.
    invoked: usize,
    acknowledged: Option<usize>,
}

/// The register's sequential specification, written independently of the checker's.
fn apply(state: Option<u64>, op: Op, seen: Option<Option<u64>>) -> Option<Option<u64>> {
    match op {
        Op::Read => (seen == Some(state)).then_some(state),
        Op::Write(value) => Some(Some(value)),
        Op::Cas { .. } if seen.is_some_and(|seen| seen != state) => None,
        Op::Cas { expected, new } if state == Some(expected) => Some(Some(new)),
        Op::Cas { .. } => Some(state),
    }
}

/// Brute force over every order: is this single-key history linearizable? Real-time order comes straight
/// from the event log; indeterminate writes and CAS may be placed or left out, and fail ops are ignored.
fn brute_force(history: &History) -> bool {
    let mut position = vec![(0, None); history.len()];
    for (at, event) in history.events().iter().enumerate() {
        match *event {
            Event::Invoke(id) => position[id.index()].0 = at,
            Event::Complete(id) => position[id.index()].1 = Some(at),
        }
    }
    let ops: Vec<Placed> = history
        .iter()
        .filter_map(|(id, op)| {
            let (invoked, completed) = position[id.index()];
            match (op.op(), op.outcome()) {
                (_, Outcome::Fail) | (Op::Read, Outcome::Info) => None,
                (op, Outcome::Ok(seen)) => Some(Placed {
                    op,
                    seen: Some(seen),
                    invoked,
                    acknowledged: completed,
                }),
                (op, Outcome::Info) => Some(Placed {
                    op,
                    seen: None,
                    invoked,
                    acknowledged: None,
                }),
            }
        })
        .collect();
    fn search(ops: &[Placed], placed: u32, state: Option<u64>) -> bool {
        let pending = |i: usize| placed & (1 << i) == 0;
        if (0..ops.len()).all(|i| !pending(i) || ops[i].acknowledged.is_none()) {
            return true;
        }
        (0..ops.len()).filter(|&i| pending(i)).any(|i| {
            let blocked =
                (0..ops.len()).any(|j| pending(j) && ops[j].acknowledged.is_some_and(|done| done < ops[i].invoked));
            !blocked && apply(state, ops[i].op, ops[i].seen).is_some_and(|next| search(ops, placed | (1 << i), next))
        })
    }
    search(&ops, 0, None)
}

proptest! {
    #[test]
    fn executions_are_linearizable(scripts in scripts(6, 15, 3)) {
        let history = synth::execute(&scripts);
        prop_assert_eq!(check(&history, &CheckOptions::default()), Verdict::Linearizable);
        prop_assert_eq!(stale_reads(&history), Vec::<OpId>::new());
    }

    #[test]
    fn a_read_of_a_value_never_written_is_caught(scripts in scripts_with_a_read(6, 15, 3), victim: Index) {
        let history = synth::execute(&scripts);
        let reads = acknowledged_reads(&history);
        let read = reads[victim.index(reads.len())];
        let corrupted = amended(&history, read, Outcome::Ok(Some(NEVER)));
        let key = history.get(read).unwrap().key();
        prop_assert_eq!(
            check(&corrupted, &CheckOptions::default()),
            Verdict::NotLinearizable { key, ops: vec![read], minimal: true }
        );
    }

    #[test]
    fn changed_reads_are_explained_minimally(
        scripts in scripts_with_a_read(4, 10, 2),
        victim: Index,
        seen in prop::option::of(0..VALUES),
    ) {
        let history = synth::execute(&scripts);
        let reads = acknowledged_reads(&history);
        let read = reads[victim.index(reads.len())];
        let changed = amended(&history, read, Outcome::Ok(seen));
        if let Verdict::NotLinearizable { key, ops, minimal } = check(&changed, &CheckOptions::default()) {
            prop_assert!(minimal);
            // Forgetting the changed read gives back a weakening of a linearizable history.
            prop_assert!(ops.contains(&read), "{:?} misses {}", ops, read);
            assert_one_minimal(&changed, key, &ops);
        }
    }

    #[test]
    fn agrees_with_brute_force(
        scripts in scripts(4, 4, 1),
        changes in prop::collection::vec((any::<Index>(), prop::option::of(prop::option::of(0..VALUES))), 1..4),
    ) {
        // Corrupt a few outcomes: `None` makes the op indeterminate, `Some(v)` replaces what it observed.
        let mut history = synth::execute(&scripts);
        for (victim, change) in changes {
            let Some((id, op)) = history.iter().nth(victim.index(history.len().max(1))) else { continue };
            let outcome = match (change, op.outcome()) {
                (None, _) => Outcome::Info,
                (Some(seen), Outcome::Ok(_)) => Outcome::Ok(seen),
                (_, outcome) => outcome,
            };
            history.amend(id, outcome).unwrap();
        }
        let linearizable = check(&history, &CheckOptions::default()) == Verdict::Linearizable;
        prop_assert_eq!(linearizable, brute_force(&history), "{:#?}", history);
    }
}

#[test]
fn brute_force_reference_sees_violations() {
    // The reference must be able to say no, or agreement with it proves nothing.
    let step = |op, fate| Step {
        key: 0,
        op,
        fate,
        think: 0,
        lead: 0,
        lag: 0,
    };
    let history = synth::execute(&[vec![step(Op::Write(1), Fate::Ok), step(Op::Read, Fate::Ok)]]);
    assert!(brute_force(&history));
    let (read, _) = history.iter().find(|(_, op)| op.op() == Op::Read).unwrap();
    let stale = amended(&history, read, Outcome::Ok(None));
    assert!(!brute_force(&stale));
    assert_ne!(check(&stale, &CheckOptions::default()), Verdict::Linearizable);
}

#[test]
fn the_benchmark_workload_is_linearizable() {
    // 10^4 operations over 100 keys from 8 concurrent clients, as in `benches/lincheck.rs`.
    let workload = Workload {
        clients: 8,
        ops_per_client: 1_250,
        keys: 100,
        read_ratio: 0.5,
        cas_ratio: 0.1,
        fail_ratio: 0.01,
        info_ratio: 0.01,
    };
    let history = synth::execute(&synth::random_scripts(1, &workload));
    assert_eq!(history.len(), 10_000);
    assert_eq!(check(&history, &CheckOptions::default()), Verdict::Linearizable);
    // A corrupted read somewhere in the middle is found and pinned on that read.
    let read = acknowledged_reads(&history)[2_000];
    let corrupted = amended(&history, read, Outcome::Ok(Some(u64::MAX)));
    let key = history.get(read).unwrap().key();
    assert_eq!(
        check(&corrupted, &CheckOptions::default()),
        Verdict::NotLinearizable {
            key,
            ops: vec![read],
            minimal: true
        }
    );
}
