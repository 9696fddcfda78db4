//! Hand-written histories with their verdicts: linearizability (with the explaining op set), and stale reads.

use switchyard_core::history::{
    check, check_keys, stale_reads, CheckOptions, ClientId, History, KeyVerdict, Op, OpId, Outcome, Verdict,
};
use switchyard_core::SimTime;

/// How a row's operation ends.
#[derive(Clone, Copy)]
enum End {
    At(Outcome, u64),
    Pending,
}

/// One operation: a label, key, op, invocation time and end (times in ns).
#[derive(Clone, Copy)]
struct Row {
    label: &'static str,
    key: u64,
    op: Op,
    invoke: u64,
    end: End,
}

impl Row {
    fn fail(self) -> Row {
        self.with(Outcome::Fail)
    }

    fn info(self) -> Row {
        self.with(Outcome::Info)
    }

    fn pending(self) -> Row {
        Row {
            end: End::Pending,
            ..self
        }
    }

    fn on(self, key: u64) -> Row {
        Row { key, ..self }
    }

    fn with(self, outcome: Outcome) -> Row {
        let End::At(_, at) = self.end else {
            return self;
        };
        Row {
            end: End::At(outcome, at),
            ..self
        }
    }
}

fn w(label: &'static str, value: u64, invoke: u64, complete: u64) -> Row {
    let end = End::At(Outcome::Ok(None), complete);
    Row {
        label,
        key: 0,
        op: Op::Write(value),
        invoke,
        end,
    }
}

fn r(label: &'static str, seen: Option<u64>, invoke: u64, complete: u64) -> Row {
    let end = End::At(Outcome::Ok(seen), complete);
    Row {
        label,
        key: 0,
        op: Op::Read,
        invoke,
        end,
    }
}

fn cas(label: &'static str, (expected, new): (u64, u64), seen: Option<u64>, span: (u64, u64)) -> Row {
    let end = End::At(Outcome::Ok(seen), span.1);
    Row {
        label,
        key: 0,
        op: Op::Cas { expected, new },
        invoke: span.0,
        end,
    }
}

/// Records the rows as a history, events in time order; at equal times completions are recorded first
/// (as an engine would when a client's next operation starts the instant its last one ends).
fn build(rows: &[Row]) -> (History, Vec<OpId>) {
    let mut events: Vec<(u64, bool, usize)> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        events.push((row.invoke, true, i));
        if let End::At(_, at) = row.end {
            events.push((at, false, i));
        }
    }
    events.sort_unstable();
    let mut history = History::new();
    let mut ids = vec![None; rows.len()];
    for (at, is_invoke, i) in events {
        let row = rows[i];
        if is_invoke {
            ids[i] = Some(history.invoke(ClientId(i as u64), row.key, row.op, SimTime(at)));
        } else if let (Some(id), End::At(outcome, _)) = (ids[i], row.end) {
            history.complete(id, outcome, SimTime(at)).unwrap();
        }
    }
    (history, ids.into_iter().map(Option::unwrap).collect())
}

#[derive(Debug, PartialEq, Eq)]
enum Expect {
    Linearizable,
    NotLinearizable { key: u64, ops: Vec<&'static str> },
    Unknown { key: u64 },
}

struct Case {
    name: &'static str,
    rows: Vec<Row>,
    options: CheckOptions,
    expect: Expect,
    stale: Vec<&'static str>,
}

fn case(name: &'static str, rows: Vec<Row>, expect: Expect, stale: &[&'static str]) -> Case {
    Case {
        name,
        rows,
        options: CheckOptions::default(),
        expect,
        stale: stale.to_vec(),
    }
}

fn lin() -> Expect {
    Expect::Linearizable
}

fn bad(key: u64, ops: &[&'static str]) -> Expect {
    Expect::NotLinearizable { key, ops: ops.to_vec() }
}

fn cases() -> Vec<Case> {
    let eight_concurrent_writes: Vec<Row> = ["a", "b", "c", "d", "e", "f", "g", "h"]
        .into_iter()
        .zip(1..)
        .map(|(label, value)| w(label, value, value, 100 + value))
        .chain([r("r", Some(1), 200, 210)])
        .collect();
    vec![
        case("empty", vec![], lin(), &[]),
        case(
            "sequential",
            vec![
                w("w1", 1, 0, 10),
                r("r1", Some(1), 20, 30),
                w("w2", 2, 40, 50),
                r("r2", Some(2), 60, 70),
            ],
            lin(),
            &[],
        ),
        case(
            "overlapping read sees the new value",
            vec![w("w1", 1, 0, 100), r("r", Some(1), 10, 20)],
            lin(),
            &[],
        ),
        case(
            "overlapping read sees the old value",
            vec![w("w1", 1, 0, 100), r("r", None, 10, 20)],
            lin(),
            &[],
        ),
        case(
            "reads of the initial value",
            vec![
                r("r0", None, 0, 10),
                w("w1", 1, 20, 30),
                r("r1", None, 25, 35),
                r("r2", Some(1), 40, 50),
            ],
            lin(),
            &[],
        ),
        case(
            "stale read after an acknowledged write",
            vec![w("w1", 1, 0, 10), r("r", None, 20, 30)],
            bad(0, &["w1", "r"]),
            &["r"],
        ),
        case(
            "stale read of an overwritten value",
            vec![w("w1", 1, 0, 10), w("w2", 2, 20, 30), r("r", Some(1), 40, 50)],
            bad(0, &["w1", "w2", "r"]),
            &["r"],
        ),
        case(
            "same-instant handoff: the next op starts as the write ends",
            vec![w("w1", 1, 0, 10), r("r", None, 10, 20)],
            bad(0, &["w1", "r"]),
            &["r"],
        ),
        case(
            "lost update: concurrent writes, reads flip back",
            vec![
                w("w1", 1, 0, 30),
                w("w2", 2, 10, 40),
                r("ra", Some(2), 50, 60),
                r("rb", Some(1), 70, 80),
            ],
            bad(0, &["w1", "ra", "rb"]),
            &[],
        ),
        case(
            "info write takes effect late",
            vec![
                w("w1", 1, 0, 10),
                w("w2", 2, 20, 30).info(),
                r("ra", Some(1), 40, 50),
                r("rb", Some(2), 60, 70),
                r("rc", Some(2), 80, 90),
            ],
            lin(),
            &[],
        ),
        case(
            "info write: reads flip-flop",
            vec![
                w("w1", 1, 0, 10),
                w("w2", 2, 20, 30).info(),
                r("ra", Some(2), 40, 50),
                r("rb", Some(1), 60, 70),
            ],
            bad(0, &["w1", "ra", "rb"]),
            &[],
        ),
        case(
            "pending write may land",
            vec![w("w1", 1, 0, 10), w("w2", 2, 20, 30).pending(), r("r", Some(2), 40, 50)],
            lin(),
            &[],
        ),
        case(
            "failed write is read",
            vec![w("w1", 1, 0, 10).fail(), r("r", Some(1), 20, 30)],
            bad(0, &["r"]),
            &[],
        ),
        case(
            "failed write is not read",
            vec![w("w1", 1, 0, 10), w("w2", 2, 20, 30).fail(), r("r", Some(1), 40, 50)],
            lin(),
            &[],
        ),
        case(
            "read of a value never written",
            vec![w("w1", 1, 0, 10), r("r", Some(9), 20, 30)],
            bad(0, &["r"]),
            &[],
        ),
        case(
            "indeterminate read constrains nothing",
            vec![w("w1", 1, 0, 10), r("r", Some(7), 20, 30).info()],
            lin(),
            &[],
        ),
        case(
            "multi-key: the bad key is found",
            vec![
                w("a1", 1, 0, 10).on(1),
                r("a2", Some(1), 20, 30).on(1),
                w("b1", 7, 0, 10).on(2),
                w("b2", 8, 20, 30).on(2),
                r("b3", Some(7), 40, 50).on(2),
                w("c1", 1, 0, 10).on(3),
                r("c2", None, 20, 30).on(3),
            ],
            bad(2, &["b1", "b2", "b3"]),
            &["c2", "b3"],
        ),
        case(
            "multi-key: keys are independent",
            vec![w("a", 1, 0, 10).on(1), r("b", None, 20, 30).on(2)],
            lin(),
            &[],
        ),
        case(
            "cas swaps",
            vec![
                w("w1", 1, 0, 10),
                cas("c", (1, 2), Some(1), (20, 30)),
                r("r", Some(2), 40, 50),
            ],
            lin(),
            &[],
        ),
        case(
            "cas mismatch observes the current value",
            vec![
                w("w1", 1, 0, 10),
                cas("c", (5, 2), Some(1), (20, 30)),
                r("r", Some(1), 40, 50),
            ],
            lin(),
            &[],
        ),
        case(
            "cas swaps on an overwritten value",
            vec![
                w("w1", 1, 0, 10),
                w("w3", 3, 20, 30),
                cas("c", (1, 2), Some(1), (40, 50)),
            ],
            bad(0, &["w1", "w3", "c"]),
            &[],
        ),
        case(
            "cas mismatch claims the register is empty",
            vec![w("w1", 1, 0, 10), cas("c", (1, 2), None, (20, 30))],
            bad(0, &["w1", "c"]),
            &[],
        ),
        case(
            "two concurrent cas both swap the same value",
            vec![
                w("w1", 1, 0, 10),
                cas("ca", (1, 2), Some(1), (20, 40)),
                cas("cb", (1, 3), Some(1), (30, 50)),
            ],
            bad(0, &["ca", "cb"]),
            &[],
        ),
        case(
            "failed cas is not checked",
            vec![
                w("w1", 1, 0, 10),
                cas("c", (5, 2), Some(1), (20, 30)).fail(),
                r("r", Some(1), 40, 50),
            ],
            lin(),
            &[],
        ),
        case(
            "eight concurrent writes, default budget",
            eight_concurrent_writes.clone(),
            lin(),
            &[],
        ),
        Case {
            name: "eight concurrent writes, tiny budget",
            rows: eight_concurrent_writes,
            options: CheckOptions {
                max_states: 4,
                ..CheckOptions::default()
            },
            expect: Expect::Unknown { key: 0 },
            stale: vec![],
        },
    ]
}

fn labels(rows: &[Row], ids: &[OpId], ops: &[OpId]) -> Vec<&'static str> {
    ops.iter()
        .map(|op| rows[ids.iter().position(|id| id == op).unwrap()].label)
        .collect()
}

/// Checks a case and, for violations, that the reported set is 1-minimal: with every other `Ok` outcome
/// forgotten the key is still not linearizable, forgetting one more makes it linearizable, and the set alone (all
/// other operations deleted) is not linearizable either.
fn check_case(case: &Case) {
    let (history, ids) = build(&case.rows);
    let got = match check(&history, &case.options) {
        Verdict::Linearizable => Expect::Linearizable,
        Verdict::Unknown { key } => Expect::Unknown { key },
        Verdict::NotLinearizable { key, ops, minimal } => {
            assert!(minimal, "{}: set not known minimal", case.name);
            let acknowledged = |id: &OpId| matches!(history.get(*id).unwrap().outcome(), Outcome::Ok(_));
            let others: Vec<OpId> = ids
                .iter()
                .copied()
                .filter(|id| !ops.contains(id) && acknowledged(id))
                .collect();
            let forgotten = history.forget(&others);
            let is_bad = |h: &History| matches!(check_keys(h, &case.options)[&key], KeyVerdict::NotLinearizable { .. });
            assert!(
                is_bad(&forgotten),
                "{}: the set does not explain the violation",
                case.name
            );
            for &op in &ops {
                assert!(!is_bad(&forgotten.forget(&[op])), "{}: {op} is not needed", case.name);
            }
            let alone: Vec<Row> = labels(&case.rows, &ids, &ops)
                .iter()
                .map(|l| *case.rows.iter().find(|row| row.label == *l).unwrap())
                .collect();
            assert!(is_bad(&build(&alone).0), "{}: the set alone is linearizable", case.name);
            Expect::NotLinearizable {
                key,
                ops: labels(&case.rows, &ids, &ops),
            }
        }
    };
    assert_eq!(got, case.expect, "{}", case.name);
    assert_eq!(
        labels(&case.rows, &ids, &stale_reads(&history)),
        case.stale,
        "{}: stale reads",
        case.name
    );
}

#[test]
fn table() {
    let cases = cases();
    assert!(cases.len() >= 12);
    for case in &cases {
        check_case(case);
    }
}

#[test]
fn check_keys_explains_every_bad_key() {
    let rows = [
        w("a", 1, 0, 10).on(4),
        r("b", None, 20, 30).on(4),
        w("c", 1, 0, 10).on(9),
        r("d", Some(2), 20, 30).on(9),
    ];
    let (history, ids) = build(&rows);
    let per_key = check_keys(&history, &CheckOptions::default());
    let explained: Vec<(u64, Vec<&str>)> = per_key
        .into_iter()
        .map(|(key, verdict)| match verdict {
            KeyVerdict::NotLinearizable { ops, minimal: true } => (key, labels(&rows, &ids, &ops)),
            other => panic!("key {key}: {other:?}"),
        })
        .collect();
    assert_eq!(explained, vec![(4, vec!["a", "b"]), (9, vec!["d"])]);
}

#[test]
fn shrink_budget_exhaustion_is_reported() {
    // Same violation as "stale read of an overwritten value", with no budget left to shrink: the full
    // set of acknowledged operations is reported, flagged as not minimal.
    let rows = [
        w("w0", 5, 0, 5),
        w("w1", 1, 6, 10),
        w("w2", 2, 20, 30),
        r("r", Some(1), 40, 50),
    ];
    let (history, ids) = build(&rows);
    let options = CheckOptions {
        max_shrink_states: 0,
        ..CheckOptions::default()
    };
    let Verdict::NotLinearizable {
        key: 0,
        ops,
        minimal: false,
    } = check(&history, &options)
    else {
        panic!("expected an unshrunk violation");
    };
    assert_eq!(labels(&rows, &ids, &ops), vec!["w0", "w1", "w2", "r"]);
}
