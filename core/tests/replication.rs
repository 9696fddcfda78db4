//! Replicated databases under partitions and crashes: Jepsen's claims, each shown by the engine over 200 seeds.
//! Runs are short and touch few keys, so the linearizability checker answers quickly.

use switchyard_core::engine::{Command, CommandError};
use switchyard_core::history::{check, CheckOptions, Verdict};
use switchyard_core::metrics::{DbReport, FailReason};
use switchyard_core::scenario::ScenarioError;
use switchyard_core::time::SimTime;
use switchyard_core::Sim;

const SEEDS: u64 = 200;

/// Two client groups in front of five replicas; clients `a` reach db1..db3, clients `b` reach db4 and db5.
fn five_replicas(consistency: &str, r: u32, w: u32, partition: bool) -> String {
    let faults = if partition {
        r#""faults": [
            {"action": "partition", "at_ms": 100, "groups": [["a", "db1", "db2", "db3"], ["b", "db4", "db5"]]},
            {"action": "heal", "at_ms": 300}],"#
    } else {
        ""
    };
    let client = |id: &str| {
        format!(
            r#"{{"id": "{id}", "spec": {{"kind": "client", "timeout_ms": 200, "workload": {{
                "arrival": {{"type": "poisson", "rate_rps": 150}}, "keys": {{"type": "uniform", "count": 2}},
                "mix": {{"api_read": 0.5, "api_write": 0.5}}}}}}}}"#
        )
    };
    let db = |id: &str| {
        format!(
            r#"{{"id": "{id}", "spec": {{"kind": "database", "workers": 64, "service_time": {{"type": "constant", "ms": 1}}}}}}"#
        )
    };
    format!(
        r#"{{"version": 1, "duration_ms": 400, {faults}
        "nodes": [{}, {}, {}, {}, {}, {}, {}],
        "edges": [{{"from": "a", "to": "db1"}}, {{"from": "a", "to": "db2"}}, {{"from": "a", "to": "db3"}},
                  {{"from": "b", "to": "db4"}}, {{"from": "b", "to": "db5"}}],
        "clusters": [{{"id": "kv", "replicas": ["db1", "db2", "db3", "db4", "db5"], "mode": "quorum",
            "consistency": "{consistency}", "r": {r}, "w": {w}, "op_timeout_ms": 100,
            "link_latency": {{"type": "uniform", "min_ms": 1, "max_ms": 30}}}}]}}"#,
        client("a"),
        client("b"),
        db("db1"),
        db("db2"),
        db("db3"),
        db("db4"),
        db("db5")
    )
}

fn run(json: &str, seed: u64) -> (Sim, DbReport) {
    let scenario: switchyard_core::scenario::Scenario = serde_json::from_str(json).unwrap();
    let mut sim = Sim::new(&scenario, seed).unwrap();
    sim.run_to_end();
    let report = sim.report().databases.remove(0);
    (sim, report)
}

fn verdict(sim: &Sim) -> Verdict {
    check(sim.db_histories()[0].1, &CheckOptions::default())
}

fn side<'a>(r: &'a DbReport, name: &str) -> Option<&'a switchyard_core::metrics::DbSide> {
    r.by_side.iter().find(|s| s.side == name)
}

#[test]
fn cp_majority_quorums_stay_linearizable_and_the_minority_is_unavailable() {
    let json = five_replicas("cp", 3, 3, true);
    let (mut minority_ops, mut minority_ok, mut majority_ops, mut majority_ok, mut unknown) = (0, 0, 0, 0, 0);
    for seed in 0..SEEDS {
        let (sim, r) = run(&json, seed);
        match verdict(&sim) {
            Verdict::Linearizable => {}
            Verdict::Unknown { .. } => unknown += 1,
            v => panic!("seed {seed}: a CP majority-quorum history was not linearizable: {v:?}"),
        }
        assert_eq!(r.lost_writes, 0, "seed {seed}: a CP cluster lost acknowledged writes");
        let minority = side(&r, "side 2").expect("clients b ran during the partition");
        assert!(
            minority.counts.unavailable > 0,
            "seed {seed}: no minority op failed unavailable"
        );
        minority_ops += minority.counts.ops;
        minority_ok += minority.counts.ok;
        let majority = side(&r, "side 1").expect("clients a ran during the partition");
        majority_ops += majority.counts.ops;
        majority_ok += majority.counts.ok;
    }
    let (min_avail, maj_avail) = (
        minority_ok as f64 / minority_ops as f64,
        majority_ok as f64 / majority_ops as f64,
    );
    println!("CP: minority availability {min_avail:.4}, majority {maj_avail:.4}, unknown verdicts {unknown}");
    assert!(unknown <= SEEDS / 20, "{unknown} verdicts ran out of search budget");
    assert!(min_avail < 0.2, "the minority side kept answering: {min_avail}");
    assert!(maj_avail > 0.9, "the majority side lost availability: {maj_avail}");
}

#[test]
fn ap_single_replica_quorums_give_stale_reads_and_violations() {
    let json = five_replicas("ap", 1, 1, true);
    let (mut violations, mut stale, mut ops, mut ok, mut lost) = (0, 0, 0, 0, 0);
    for seed in 0..SEEDS {
        let (sim, r) = run(&json, seed);
        if matches!(verdict(&sim), Verdict::NotLinearizable { .. }) {
            violations += 1;
        }
        stale += r.all.stale_reads;
        lost += r.lost_writes;
        ops += r.all.ops;
        ok += r.all.ok;
    }
    let availability = ok as f64 / ops as f64;
    println!(
        "AP: {violations}/{SEEDS} seeds not linearizable, {stale} stale reads, {lost} lost updates, availability \
         {availability:.4}"
    );
    // Both sides acknowledge writes of the same two keys during the partition: healing discards one side's.
    assert!(
        lost > SEEDS / 2,
        "too few conflicting writes were lost at healing: {lost}"
    );
    assert!(violations > 0, "no seed produced a non-linearizable history");
    assert!(stale > SEEDS, "too few stale reads: {stale}");
    assert!(availability > 0.99, "AP lost availability: {availability}");
}

#[test]
fn overlapping_quorums_never_read_stale_and_small_ones_do() {
    let (mut strict, mut sloppy) = (0, 0);
    for seed in 0..SEEDS {
        strict += run(&five_replicas("cp", 3, 3, false), seed).1.all.stale_reads;
        sloppy += run(&five_replicas("cp", 1, 1, false), seed).1.all.stale_reads;
    }
    println!("no partition: R+W>N {strict} stale reads, R+W<=N {sloppy}");
    assert_eq!(strict, 0, "R + W > N read stale values");
    assert!(
        sloppy > SEEDS / 2,
        "R + W <= N under replication lag should read stale values: {sloppy}"
    );
}

fn failover(mode: &str) -> String {
    format!(
        r#"{{"version": 1, "duration_ms": 600,
        "nodes": [
            {{"id": "app", "spec": {{"kind": "client", "timeout_ms": 200, "workload": {{
                "arrival": {{"type": "poisson", "rate_rps": 300}}, "keys": {{"type": "uniform", "count": 3}},
                "mix": {{"api_read": 0.5, "api_write": 0.5}}}}}}}},
            {{"id": "p", "spec": {{"kind": "database", "workers": 64, "service_time": {{"type": "constant", "ms": 1}}}}}},
            {{"id": "r1", "spec": {{"kind": "database", "workers": 64, "service_time": {{"type": "constant", "ms": 1}}}}}},
            {{"id": "r2", "spec": {{"kind": "database", "workers": 64, "service_time": {{"type": "constant", "ms": 1}}}}}}],
        "edges": [{{"from": "app", "to": "p"}}, {{"from": "app", "to": "r1"}}, {{"from": "app", "to": "r2"}}],
        "clusters": [{{"id": "kv", "replicas": ["p", "r1", "r2"], "mode": "{mode}", "op_timeout_ms": 100,
            "election_timeout_ms": 100, "link_latency": {{"type": "exponential", "mean_ms": 50}}}}],
        "faults": [{{"action": "crash", "at_ms": 300, "node": "p"}}, {{"action": "recover", "at_ms": 500, "node": "p"}}]}}"#
    )
}

#[test]
fn async_failover_loses_acknowledged_writes_and_sync_does_not() {
    let (mut async_lost, mut async_seeds, mut sync_lost) = (0, 0, 0);
    for seed in 0..SEEDS {
        let (_, a) = run(&failover("async"), seed);
        assert_eq!(a.failovers, 1, "seed {seed}");
        async_lost += a.lost_writes;
        async_seeds += u64::from(a.lost_writes > 0);
        let (sim, s) = run(&failover("sync"), seed);
        assert_eq!(s.failovers, 1, "seed {seed}");
        sync_lost += s.lost_writes;
        // Reads go to the primary: with synchronous replication the history is linearizable too.
        assert!(
            !matches!(verdict(&sim), Verdict::NotLinearizable { .. }),
            "seed {seed}: sync failover broke linearizability"
        );
    }
    println!("failover: async lost {async_lost} writes on {async_seeds}/{SEEDS} seeds, sync lost {sync_lost}");
    assert_eq!(sync_lost, 0);
    assert!(
        async_seeds > SEEDS * 3 / 4,
        "async lost writes on only {async_seeds} seeds"
    );
}

#[test]
fn a_partition_drops_ordinary_traffic_between_groups_and_healing_restores_it() {
    let json = r#"{"version": 1, "duration_ms": 1000,
        "nodes": [{"id": "c", "spec": {"kind": "client", "workload": {"arrival": {"type": "constant", "rate_rps": 100}}}},
                  {"id": "s", "spec": {"kind": "service", "workers": 8, "service_time": {"type": "constant", "ms": 1}}}],
        "edges": [{"from": "c", "to": "s", "latency": {"type": "constant", "ms": 1}}]}"#;
    let scenario: switchyard_core::scenario::Scenario = serde_json::from_str(json).unwrap();
    let mut sim = Sim::new(&scenario, 1).unwrap();
    // Which side each node is on, as the canvas draws it: none before, two during, none after the heal.
    let sides = |sim: &Sim| (sim.partition_side(0), sim.partition_side(1));
    sim.advance_to(SimTime::from_millis_f64(100.0));
    assert_eq!(sides(&sim), (None, None));
    sim.apply(
        SimTime::from_millis_f64(250.0),
        Command::Partition {
            groups: vec![vec![0], vec![1]],
        },
    )
    .unwrap();
    sim.advance_to(SimTime::from_millis_f64(500.0));
    assert_eq!(sides(&sim), (Some(0), Some(1)));
    sim.apply(SimTime::from_millis_f64(750.0), Command::Heal).unwrap();
    assert_eq!(sides(&sim), (None, None));
    sim.run_to_end();
    let r = sim.report();
    // Half the run is cut: about 50 of the 100 requests are lost, the rest complete.
    assert!((45..=55).contains(&r.failed_by_reason.lost), "{:?}", r.failed_by_reason);
    assert_eq!(r.completed + r.failed, r.issued);
    let err = sim.apply(
        sim.now(),
        Command::Partition {
            groups: vec![vec![0, 1], vec![1]],
        },
    );
    assert!(matches!(err, Err(CommandError::BadValue(_))), "{err:?}");
    let err = sim.apply(
        sim.now(),
        Command::Partition {
            groups: vec![vec![0], vec![9]],
        },
    );
    assert_eq!(err, Err(CommandError::UnknownNode(9)));
}

#[test]
fn bad_clusters_and_partitions_are_typed_errors() {
    let bad = [
        (
            r#""clusters": [{"id": "kv", "replicas": ["db1", "a"]}]"#,
            "is a client, not a database",
        ),
        (
            r#""clusters": [{"id": "kv", "replicas": ["db1", "db9"]}]"#,
            "is not a node",
        ),
        (
            r#""clusters": [{"id": "kv", "replicas": ["db1", "db2"], "mode": "quorum", "r": 3}]"#,
            "r must be",
        ),
        (
            r#""clusters": [{"id": "kv", "replicas": ["db1", "db2"], "r": 1}]"#,
            "quorum mode only",
        ),
        (
            r#""faults": [{"action": "partition", "at_ms": 1, "groups": [["a"]]}]"#,
            "at least two groups",
        ),
        (
            r#""faults": [{"action": "partition", "at_ms": 1, "groups": [["a"], ["a", "db1"]]}]"#,
            "more than one group",
        ),
    ];
    for (extra, want) in bad {
        let json = format!(
            r#"{{"version": 1, {extra}, "nodes": [{{"id": "a", "spec": {{"kind": "client"}}}},
                {{"id": "db1", "spec": {{"kind": "database"}}}}, {{"id": "db2", "spec": {{"kind": "database"}}}}],
                "edges": [{{"from": "a", "to": "db1"}}]}}"#
        );
        let scenario: switchyard_core::scenario::Scenario = serde_json::from_str(&json).unwrap();
        match Sim::new(&scenario, 0) {
            Err(ScenarioError::Invalid(errs)) => {
                assert!(errs.iter().any(|e| e.to_string().contains(want)), "{extra}: {errs:?}")
            }
            Err(e) => panic!("{extra}: {e}"),
            Ok(_) => panic!("{extra}: accepted"),
        }
    }
    let _ = FailReason::Unavailable;
}

#[test]
fn database_presets_complete_requests_and_replay_byte_for_byte() {
    for name in ["12-partition-cp", "13-partition-ap", "14-failover"] {
        let text = switchyard_core::presets::get(name).unwrap();
        let report = |_: ()| {
            let mut sim = Sim::from_json(text).unwrap();
            sim.run_to_end();
            sim.report()
        };
        let (a, b) = (report(()), report(()));
        assert!(a.completed > 100, "{name}: {} completed", a.completed);
        assert_eq!(a.to_json_pretty(), b.to_json_pretty(), "{name}");
        assert_eq!(a.databases.len(), 1, "{name}");
    }
    let text = switchyard_core::presets::get("14-failover").unwrap();
    let mut sim = Sim::from_json(text).unwrap();
    sim.run_to_end();
    let r = sim.report();
    assert_eq!(r.databases[0].failovers, 1);
    assert!(
        r.failed_by_reason.unavailable > 0,
        "writes fail while there is no primary"
    );
}

#[test]
fn sloppy_quorums_stay_available_when_preferred_replicas_are_down() {
    let scenario = |sloppy: bool| {
        let db = |id: &str| {
            format!(
                r#"{{"id": "{id}", "spec": {{"kind": "database", "workers": 64, "service_time": {{"type": "constant", "ms": 1}}}}}}"#
            )
        };
        format!(
            r#"{{"version": 1, "duration_ms": 400,
            "nodes": [{{"id": "c", "spec": {{"kind": "client", "timeout_ms": 300, "workload": {{
                "arrival": {{"type": "poisson", "rate_rps": 300}}, "keys": {{"type": "uniform", "count": 10}},
                "mix": {{"api_read": 0.5, "api_write": 0.5}}}}}}}}, {}, {}, {}, {}, {}],
            "edges": [{{"from": "c", "to": "db1"}}, {{"from": "c", "to": "db2"}}, {{"from": "c", "to": "db3"}}],
            "clusters": [{{"id": "kv", "replicas": ["db1", "db2", "db3", "db4", "db5"], "mode": "quorum",
                "n": 3, "r": 2, "w": 2, "sloppy_quorum": {sloppy}, "op_timeout_ms": 50}}],
            "faults": [{{"action": "crash", "at_ms": 100, "node": "db4"}}, {{"action": "crash", "at_ms": 100, "node": "db5"}},
                       {{"action": "recover", "at_ms": 300, "node": "db4"}}, {{"action": "recover", "at_ms": 300, "node": "db5"}}]}}"#,
            db("db1"),
            db("db2"),
            db("db3"),
            db("db4"),
            db("db5")
        )
    };
    let (mut strict, mut sloppy) = (0, 0);
    for seed in 0..50 {
        strict += run(&scenario(false), seed).1.all.unavailable;
        sloppy += run(&scenario(true), seed).1.all.unavailable;
    }
    println!("two of five replicas down: strict quorum {strict} unavailable, sloppy {sloppy}");
    assert!(
        strict > 500,
        "strict quorums should fail keys whose replicas are down: {strict}"
    );
    // Under a sloppy quorum only the operations already sent to the two replicas when they crashed fail.
    assert!(sloppy * 10 < strict, "sloppy quorums failed {sloppy} operations");
}
