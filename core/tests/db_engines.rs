//! The database engines of issue #21 against their formulas and against queueing theory. Each cost formula of
//! the design's table is restated here (B-tree levels as the fewest L with fanout^L ≥ rows, a traversal's
//! vertices as Σ degree^i) and the engine's mean worker time and the client's mean latency must match it within
//! 2%; unsupported operations fail without a worker; row-lock waits follow the Pollaczek–Khinchine wait of the
//! lock; a key-value store's LRU memory hits capacity/keys; an LSM tree flushes a run per memtable and
//! compacts at its threshold, serving slower meanwhile; denormalized copies read stale exactly as often as a
//! write is rewriting them; crashes leave nothing hanging; bad settings are typed errors; a run is a pure
//! function of its scenario and seed. Every run has a fixed seed.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use switchyard_core::metrics::{EngineReport, Report};
use switchyard_core::scenario::{self, ScenarioError};
use switchyard_core::topology::Problem;
use switchyard_core::{Sim, SimTime};

fn sim(v: &Value, seed: u64) -> Sim {
    let (s, _) = scenario::load(&v.to_string()).unwrap();
    Sim::new(&s, seed).unwrap()
}

fn run(v: &Value, seed: u64) -> Report {
    let mut s = sim(v, seed);
    s.run_to_end();
    s.report()
}

/// The report of the run stopped at `at_ms`.
fn report_at(v: &Value, seed: u64, at_ms: f64) -> Report {
    let mut s = sim(v, seed);
    s.advance_to(SimTime::from_millis_f64(at_ms));
    s.report()
}

fn engine<'a>(r: &'a Report, node: &str) -> &'a EngineReport {
    r.engines
        .iter()
        .find(|e| e.node == node)
        .expect("the database reports its engine")
}

/// The engine's mean worker time on `op` (0 when it served none).
fn service_ms(e: &EngineReport, op: &str) -> f64 {
    e.ops.iter().find(|o| o.op == op).map_or(0.0, |o| o.mean_service_ms)
}

fn served(e: &EngineReport, op: &str) -> u64 {
    e.ops.iter().find(|o| o.op == op).map_or(0, |o| o.served)
}

fn constant(ms: f64) -> Value {
    json!({"type": "constant", "ms": ms})
}

/// The base service time every database below has, on top of which the engine adds an operation's cost.
const BASE_MS: f64 = 0.1;

/// A database node with `workers` workers, `service_time` and `engine`.
fn db(id: &str, workers: u32, service_time: Value, engine: Value) -> Value {
    json!({"id": id, "spec": {"kind": "database", "workers": workers, "service_time": service_time,
        "engine": engine}})
}

/// Clients, each with its own workload and an edge (no latency) to the database named with it.
fn scenario(clients: &[(&str, Value, &str)], dbs: Vec<Value>, extra: Value) -> Value {
    let mut nodes: Vec<Value> = clients
        .iter()
        .map(|(id, w, _)| json!({"id": id, "spec": {"kind": "client", "workload": w}}))
        .collect();
    nodes.extend(dbs);
    let edges: Vec<Value> = clients.iter().map(|(c, _, d)| json!({"from": c, "to": d})).collect();
    let mut v = json!({"version": 1, "name": "db engines", "nodes": nodes, "edges": edges,
        "workload": {"arrival": {"type": "poisson", "rate_rps": 1}}});
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

/// `users` → `db`: the workload `w` on one database with plenty of workers and the constant base time.
fn one_db(w: Value, engine: Value, extra: Value) -> Value {
    scenario(
        &[("users", w, "db")],
        vec![db("db", 10_000, constant(BASE_MS), engine)],
        extra,
    )
}

// ----- the formulas, restated --------------------------------------------------------------------------------

/// The levels of a B-tree over `rows` entries, `fanout` per page: the fewest L ≥ 1 with fanout^L ≥ rows.
fn levels(rows: u64, fanout: u64) -> u32 {
    (1u32..)
        .find(|&l| {
            u128::from(fanout)
                .checked_pow(l)
                .is_none_or(|reach| reach >= u128::from(rows))
        })
        .unwrap()
}

/// A B-tree's shape and page cost, written as engine settings.
#[derive(Clone, Copy)]
struct Tree {
    rows: u64,
    fanout: u64,
    page_ms: f64,
}

impl Tree {
    fn seek(&self) -> f64 {
        f64::from(levels(self.rows, self.fanout)) * self.page_ms
    }

    /// An engine block for `profile` with this tree and the `more` settings.
    fn engine(&self, profile: &str, more: Value) -> Value {
        let mut e = json!({"profile": profile, "rows": self.rows, "fanout": self.fanout, "page_ms": self.page_ms});
        for (k, x) in more.as_object().unwrap() {
            e[k] = x.clone();
        }
        e
    }
}

/// Vertices a traversal of `depth` levels, `degree` per vertex, visits: Σ_{i=1..depth} degree^i.
fn vertices(depth: u32, degree: u64) -> f64 {
    (1..=depth).map(|i| degree.pow(i) as f64).sum()
}

/// Within 2% of `want`, plus the report's rounding to 0.0001 ms.
fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 0.02 * want.abs() + 1e-4
}

/// Calls of a formula check: constant arrivals 10 ms apart, each served at once (10,000 workers).
const CALLS: u64 = 20;

/// Runs `op` alone on `eng` and checks that the engine's mean worker time on it is the base plus `work_ms`,
/// and the client's mean latency the base plus `work_ms` plus `wait_ms` (time without a worker), both within
/// 2%. Returns the measured worker time less the base.
fn check_cost(what: &str, op: Value, eng: Value, work_ms: f64, wait_ms: f64) -> f64 {
    let w = json!({"arrival": {"type": "constant", "rate_rps": 100}, "keys": {"type": "uniform", "count": 1000},
        "ops": [op]});
    let r = run(&one_db(w, eng, json!({"requests": CALLS})), 1);
    assert_eq!((r.completed, r.failed), (CALLS, 0), "{what}: {:?}", r.failed_by_reason);
    let e = engine(&r, "db");
    assert_eq!(e.ops.len(), 1, "{what}");
    assert_eq!(e.ops[0].served, CALLS, "{what}");
    let work = e.ops[0].mean_service_ms - BASE_MS;
    assert!(
        close(work, work_ms),
        "{what}: worker time {work} ms, formula {work_ms} ms"
    );
    assert_eq!(r.by_op.len(), 1, "{what}");
    let latency = r.by_op[0].figures.mean_ms - BASE_MS;
    assert!(
        close(latency, work_ms + wait_ms),
        "{what}: latency {latency} ms, formula {} ms",
        work_ms + wait_ms
    );
    work
}

// ----- 1. every profile's cost formula ----------------------------------------------------------------------

/// A get on a B-tree store (relational, document, graph) costs one seek: levels × page_ms, where levels
/// grow with the log of the table size, a level more each time the table grows by the fanout.
#[test]
fn a_btree_get_costs_a_page_per_level_of_log_size() {
    let mut sizes: Vec<u64> = (2..=12).map(|e| 10u64.pow(e)).collect();
    // The edges of a level at fanout 500: 500 rows fit one page, 501 need two levels.
    sizes.extend([500, 501, 250_000, 250_001]);
    for fanout in [10u64, 100, 500] {
        for &rows in &sizes {
            let t = Tree {
                rows,
                fanout,
                page_ms: 0.01,
            };
            // The same levels from logarithms (away from exact powers by a hair).
            let by_log = (((rows as f64).ln() / (fanout as f64).ln()) - 1e-9).ceil().max(1.0) as u32;
            assert_eq!(levels(rows, fanout), by_log, "rows {rows} fanout {fanout}");
            for profile in ["relational", "document", "graph"] {
                check_cost(
                    &format!("{profile} get, {rows} rows, fanout {fanout}"),
                    json!({"op": "get"}),
                    t.engine(profile, json!({})),
                    t.seek(),
                    0.0,
                );
            }
        }
    }
    // Against log size directly: 10^12 rows at fanout 10 is 12 levels, at fanout 100 six.
    assert_eq!(levels(1_000_000_000_000, 10), 12);
    assert_eq!(levels(1_000_000_000_000, 100), 6);
}

/// A write costs a seek for the row and one per secondary index, then the commit:
/// (1 + indexes) × seek + commit_ms.
#[test]
fn a_write_pays_a_seek_per_index_and_the_commit() {
    let t = Tree {
        rows: 1_000_000,
        fanout: 100,
        page_ms: 0.02,
    };
    let commit = 0.05;
    for indexes in 0..=8u32 {
        let want = f64::from(1 + indexes) * t.seek() + commit;
        for profile in ["relational", "document", "graph"] {
            check_cost(
                &format!("{profile} put, {indexes} indexes"),
                json!({"op": "put"}),
                t.engine(profile, json!({"indexes": indexes, "commit_ms": commit})),
                want,
                0.0,
            );
        }
    }
}

/// A scan or aggregate of n rows: one seek then n × row_ms on a B-tree; on an LSM tree the read's fixed
/// part, a check of each sorted run (one, with no writes) and n × row_ms.
#[test]
fn scans_and_aggregates_read_each_row() {
    let t = Tree {
        rows: 10_000_000,
        fanout: 500,
        page_ms: 0.01,
    };
    let row = 0.0002;
    let (read, run_ms) = (0.03, 0.04);
    for n in [1u32, 100, 10_000, 1_000_000] {
        for op in ["scan", "aggregate"] {
            for profile in ["relational", "document"] {
                check_cost(
                    &format!("{profile} {op} of {n}"),
                    json!({"op": op, "rows": n}),
                    t.engine(profile, json!({"row_ms": row})),
                    t.seek() + f64::from(n) * row,
                    0.0,
                );
            }
            check_cost(
                &format!("wide_column {op} of {n}"),
                json!({"op": op, "rows": n}),
                json!({"profile": "wide_column", "row_ms": row, "read_ms": read, "run_ms": run_ms}),
                read + run_ms + f64::from(n) * row,
                0.0,
            );
        }
    }
}

/// A lookup by a secondary column: two seeks (the index, then the row) with an index, every row without.
#[test]
fn an_index_lookup_seeks_twice_or_scans_the_table() {
    let row = 0.0002;
    for rows in [1_000u64, 100_000, 1_000_000] {
        let t = Tree {
            rows,
            fanout: 100,
            page_ms: 0.01,
        };
        for profile in ["relational", "document", "graph"] {
            check_cost(
                &format!("{profile} index_lookup, index, {rows} rows"),
                json!({"op": "index_lookup"}),
                t.engine(profile, json!({"row_ms": row, "indexed_lookups": true})),
                2.0 * t.seek(),
                0.0,
            );
            check_cost(
                &format!("{profile} index_lookup, no index, {rows} rows"),
                json!({"op": "index_lookup"}),
                t.engine(profile, json!({"row_ms": row, "indexed_lookups": false})),
                rows as f64 * row,
                0.0,
            );
        }
    }
}

/// A relational join of k tables from r driving rows: a nested loop seeks once into each other table per
/// driving row (seek + r(k−1) × seek); a hash join scans each other table into a hash table and probes it per
/// row ((k−1) × rows × row_ms + r(k−1) × row_ms + seek). Hash wins for many rows on small tables, the nested
/// loop for few rows on big ones.
#[test]
fn a_join_costs_what_its_strategy_does_and_each_wins_where_it_should() {
    let row = 0.0001;
    let cost = |t: &Tree, strategy: &str, k: u32, r: u32| -> f64 {
        let inner = f64::from(k - 1);
        let formula = match strategy {
            "nested_loop" => t.seek() + f64::from(r) * inner * t.seek(),
            _ => inner * t.rows as f64 * row + f64::from(r) * inner * row + t.seek(),
        };
        check_cost(
            &format!("{strategy} join of {k} tables from {r} rows over {} rows", t.rows),
            json!({"op": "join", "tables": k, "rows": r}),
            t.engine("relational", json!({"join": strategy, "row_ms": row})),
            formula,
            0.0,
        )
    };
    for rows in [1_000u64, 1_000_000] {
        let t = Tree {
            rows,
            fanout: 500,
            page_ms: 0.01,
        };
        for k in [2u32, 3, 5] {
            for r in [1u32, 10, 1000] {
                cost(&t, "nested_loop", k, r);
                cost(&t, "hash", k, r);
            }
        }
    }
    // Small tables, many driving rows: a seek per row costs more than scanning the table once.
    let small = Tree {
        rows: 1_000,
        fanout: 500,
        page_ms: 0.01,
    };
    let (nl, hash) = (cost(&small, "nested_loop", 2, 10_000), cost(&small, "hash", 2, 10_000));
    assert!(
        hash < nl / 10.0,
        "small tables, 10,000 rows: hash {hash} ms, nested loop {nl} ms"
    );
    // A big table, one driving row: two seeks beat scanning ten million rows.
    let big = Tree {
        rows: 10_000_000,
        fanout: 500,
        page_ms: 0.01,
    };
    let (nl, hash) = (cost(&big, "nested_loop", 2, 1), cost(&big, "hash", 2, 1));
    assert!(
        nl < hash / 100.0,
        "a big table, one row: nested loop {nl} ms, hash {hash} ms"
    );
}

/// A traversal of depth d, degree g visits V = Σ g^i vertices: a relational store seeks an index for each
/// (seek + V × seek, a recursive join), a graph store follows a pointer (seek + V × hop_ms).
#[test]
fn a_traversal_costs_a_seek_per_vertex_in_sql_and_a_hop_in_a_graph() {
    let t = Tree {
        rows: 1_000_000,
        fanout: 500,
        page_ms: 0.01,
    };
    let hop = 0.001;
    for (depth, degree) in [
        (1u32, 10u64),
        (2, 10),
        (3, 10),
        (4, 10),
        (2, 50),
        (3, 50),
        (6, 2),
        (2, 300),
    ] {
        let v = vertices(depth, degree);
        let op = json!({"op": "traverse", "depth": depth, "degree": degree});
        let what = format!("depth {depth}, degree {degree} ({v} vertices)");
        check_cost(
            &format!("relational traverse, {what}"),
            op.clone(),
            t.engine("relational", json!({})),
            t.seek() + v * t.seek(),
            0.0,
        );
        check_cost(
            &format!("graph traverse, {what}"),
            op,
            t.engine("graph", json!({"hop_ms": hop})),
            t.seek() + v * hop,
            0.0,
        );
    }
}

/// A key-value store hashes: a get or put is op_ms at any size.
#[test]
fn key_value_gets_and_puts_cost_the_same_at_any_size() {
    for rows in [100u64, 10_000, 1_000_000, 100_000_000, 1_000_000_000_000] {
        for op in ["get", "put"] {
            check_cost(
                &format!("key_value {op}, {rows} rows"),
                json!({"op": op}),
                json!({"profile": "key_value", "rows": rows, "op_ms": 0.02}),
                0.02,
                0.0,
            );
        }
    }
}

/// A document store's join by round trips: k seeks of worker time, then k − 1 round trips the answer waits
/// for without a worker. The latency has both; the worker time (and the node's utilisation) only the seeks.
#[test]
fn document_round_trips_wait_without_holding_a_worker() {
    let t = Tree {
        rows: 100_000,
        fanout: 10,
        page_ms: 0.1,
    };
    let rt = 2.0;
    for k in [2u32, 3, 5, 8] {
        check_cost(
            &format!("document join of {k} by round trips"),
            json!({"op": "join", "tables": k}),
            t.engine("document", json!({"joins": "round_trips", "round_trip_ms": rt})),
            f64::from(k) * t.seek(),
            f64::from(k - 1) * rt,
        );
    }
    // One worker, a join every 10 ms (constant arrivals, so no two meet): busy λ × (base + k·seek) of the
    // time, not λ × (base + k·seek + (k−1)·rt), which it would be if the worker waited for the round trips.
    let k = 3u32;
    let w = json!({"arrival": {"type": "constant", "rate_rps": 100}, "ops": [{"op": "join", "tables": k}]});
    let v = scenario(
        &[("users", w, "db")],
        vec![db(
            "db",
            1,
            constant(BASE_MS),
            t.engine("document", json!({"round_trip_ms": rt})),
        )],
        json!({"duration_ms": 20000}),
    );
    let r = run(&v, 1);
    let node = r.nodes.iter().find(|n| n.id == "db").unwrap();
    let work = BASE_MS + f64::from(k) * t.seek();
    let want = 100.0 * work / 1000.0;
    let if_held = 100.0 * (work + f64::from(k - 1) * rt) / 1000.0;
    assert!(
        (node.utilization - want).abs() <= 0.02 * want,
        "utilisation {} vs λ·S = {want} (holding the worker would be {if_held})",
        node.utilization
    );
    assert!(close(r.by_op[0].figures.mean_ms, work + f64::from(k - 1) * rt));
}

/// A denormalized document store reads a join in one seek (the data is embedded); a write rewrites the
/// document, its indexes and every copy: (1 + indexes) × seek + commit + copies × seek.
#[test]
fn a_denormalized_join_is_one_seek_and_a_write_rewrites_every_copy() {
    let t = Tree {
        rows: 1_000_000,
        fanout: 500,
        page_ms: 0.01,
    };
    let commit = 0.05;
    for k in [2u32, 4, 16] {
        check_cost(
            &format!("denormalized join of {k}"),
            json!({"op": "join", "tables": k}),
            t.engine("document", json!({"joins": "denormalized"})),
            t.seek(),
            0.0,
        );
    }
    for copies in [0u32, 1, 10, 100] {
        for indexes in [0u32, 2] {
            check_cost(
                &format!("denormalized put, {copies} copies, {indexes} indexes"),
                json!({"op": "put"}),
                t.engine(
                    "document",
                    json!({"joins": "denormalized", "copies": copies, "indexes": indexes, "commit_ms": commit}),
                ),
                f64::from(1 + indexes) * t.seek() + commit + f64::from(copies) * t.seek(),
                0.0,
            );
        }
    }
}

/// A wide-column read checks every sorted run: read_ms + runs × run_ms. A writer puts at 1000/s (constant)
/// until a set_rate stops it after `writes` puts; with 100-row memtables that is writes / 100 flushes, one
/// run more each. Then a reader's gets (a Poisson spike long after) all see those runs.
#[test]
fn a_wide_column_get_grows_with_the_runs() {
    let (read, run_ms, memtable) = (0.02, 0.05, 100u32);
    for flushes in [0u32, 1, 3, 7] {
        // Halfway between flushes, so an arrival more or less cannot change the count.
        let writes = memtable * flushes + memtable / 2;
        let stop_ms = f64::from(writes);
        let writer = json!({"arrival": {"type": "constant", "rate_rps": 1000}, "ops": [{"op": "put"}]});
        let reader = json!({"arrival": {"type": "spike", "base_rps": 1e-6, "spike_rps": 200,
            "at_ms": stop_ms + 100.0, "duration_ms": 1000}, "ops": [{"op": "get"}]});
        let e = json!({"profile": "wide_column", "read_ms": read, "run_ms": run_ms, "memtable_rows": memtable,
            "compaction_threshold": 1000});
        let v = scenario(
            &[("writer", writer, "db"), ("reader", reader, "db")],
            vec![db("db", 10_000, constant(BASE_MS), e)],
            json!({"duration_ms": stop_ms + 1200.0,
                "faults": [{"action": "set_rate", "at_ms": stop_ms - 0.5, "node": "writer", "rate_rps": 1e-6}]}),
        );
        let r = run(&v, 3);
        let e = engine(&r, "db");
        let puts = served(e, "put");
        assert!(puts.abs_diff(u64::from(writes)) <= 1, "{puts} puts, meant {writes}");
        assert_eq!(e.flushes, u64::from(flushes));
        let runs = 1 + flushes;
        assert_eq!(e.runs, Some(runs));
        assert!(served(e, "get") > 100, "{} gets", served(e, "get"));
        let got = service_ms(e, "get") - BASE_MS;
        let want = read + f64::from(runs) * run_ms;
        assert!(close(got, want), "{runs} runs: get {got} ms, formula {want} ms");
        let reader = r.by_op.iter().find(|o| o.client == "reader").unwrap();
        assert_eq!(reader.op, "get");
        assert!(
            close(reader.figures.mean_ms - BASE_MS, want),
            "{runs} runs: latency {}",
            reader.figures.mean_ms
        );
    }
}

// ----- 2. unsupported operations ----------------------------------------------------------------------------

/// The design's table: what each profile cannot run.
fn supported(profile: &str, op: &str) -> bool {
    match profile {
        "relational" => true,
        "key_value" => matches!(op, "get" | "put"),
        "document" => op != "traverse",
        "wide_column" => matches!(op, "get" | "put" | "scan" | "aggregate"),
        "graph" => matches!(op, "get" | "put" | "index_lookup" | "txn" | "traverse"),
        _ => unreachable!(),
    }
}

/// Every (profile, operation) the design marks unsupported fails `unsupported`, counted by the engine, and
/// takes no worker time (the node serves nothing and is never busy); every supported one completes.
#[test]
fn unsupported_operations_fail_without_a_worker_and_supported_ones_never_do() {
    let ops = [
        "get",
        "put",
        "scan",
        "join",
        "txn",
        "traverse",
        "index_lookup",
        "aggregate",
    ];
    for profile in ["relational", "key_value", "document", "wide_column", "graph"] {
        for op in ops {
            let w = json!({"arrival": {"type": "constant", "rate_rps": 100}, "keys": {"type": "sequential"},
                "ops": [{"op": op}]});
            let r = run(&one_db(w, json!({"profile": profile}), json!({"requests": CALLS})), 1);
            let e = engine(&r, "db");
            let node = r.nodes.iter().find(|n| n.id == "db").unwrap();
            let what = format!("{op} on {profile}");
            if supported(profile, op) {
                assert_eq!((r.completed, r.failed), (CALLS, 0), "{what}");
                assert_eq!(e.unsupported, 0, "{what}");
                assert_eq!(served(e, op), CALLS, "{what}");
            } else {
                assert_eq!(r.failed, CALLS, "{what}");
                assert_eq!(r.failed_by_reason.unsupported, CALLS, "{what}");
                assert_eq!(e.unsupported, CALLS, "{what}");
                assert!(e.ops.is_empty(), "{what}: {:?}", e.ops);
                assert_eq!(node.served, 0, "{what}");
                assert_eq!(node.utilization, 0.0, "{what}");
            }
        }
    }
}

// ----- 3. row locks ----------------------------------------------------------------------------------------

/// Transactions on one row of a relational store (1 key), Poisson at `rate_rps`, with an exponential base
/// service time of `base_mean_ms` on plenty of workers: the row lock is the only queue.
fn hot_row(rate_rps: f64, base_mean_ms: f64, more: Value, extra: Value) -> Value {
    let w = json!({"arrival": {"type": "poisson", "rate_rps": rate_rps}, "keys": {"type": "uniform", "count": 1},
        "ops": [{"op": "txn", "rows": 2}]});
    let mut e = json!({"profile": "relational", "rows": 1_000_000, "fanout": 500, "page_ms": 0.01,
        "indexes": 1, "commit_ms": 0.05});
    for (k, x) in more.as_object().unwrap() {
        e[k] = x.clone();
    }
    scenario(
        &[("users", w, "db")],
        vec![db(
            "db",
            10_000,
            json!({"type": "exponential", "mean_ms": base_mean_ms}),
            e,
        )],
        extra,
    )
}

/// The lock of a hot row is an M/G/1 queue: each transaction holds it for S = X + c, X exponential (the
/// base service time, mean b) and c the transaction's cost, m(1 + indexes) × seek + commit. Its mean wait
/// (over every transaction, those that found it free included) is Pollaczek–Khinchine's
/// Wq = λ·E[S²] / (2(1 − ρ)), E[S²] = b² + (b + c)², ρ = λ·E[S]; with X dominating, M/M/1's ρ/(μ − λ) is
/// within 10% too. A transaction waits with probability ρ.
#[test]
fn a_hot_row_lock_waits_as_pollaczek_khinchine_says() {
    let b = 10.0;
    let seek = f64::from(levels(1_000_000, 500)) * 0.01;
    let c = 2.0 * 2.0 * seek + 0.05;
    let s = b + c;
    let es2 = b * b + s * s;
    let n = 200_000u64;
    for (rho, seed) in [(0.2, 1u64), (0.3, 2)] {
        let lambda = rho / s; // per ms
        let r = run(&hot_row(lambda * 1000.0, b, json!({}), json!({"requests": n})), seed);
        let e = engine(&r, "db");
        assert_eq!(r.completed, n);
        assert_eq!(e.transactions, n);
        assert!(
            close(service_ms(e, "txn"), s),
            "mean hold {} vs {s}",
            service_ms(e, "txn")
        );
        let wq = lambda * es2 / (2.0 * (1.0 - rho));
        let mm1 = rho / (1.0 / s - lambda);
        let got = e.lock_wait_mean_ms;
        eprintln!("ρ = {rho}: lock wait {got} ms, P-K Wq {wq:.4} ms, M/M/1 {mm1:.4} ms");
        assert!(
            (got - wq).abs() <= 0.1 * wq,
            "ρ = {rho}: lock wait {got} ms vs Pollaczek–Khinchine {wq} ms"
        );
        assert!((got - mm1).abs() <= 0.1 * mm1, "ρ = {rho}: {got} ms vs M/M/1 {mm1} ms");
        let waited = e.lock_waits as f64 / n as f64;
        assert!((waited - rho).abs() <= 0.05 * rho, "ρ = {rho}: {waited} waited");
    }
}

/// With lock_timeout_ms, a waiter that has waited that long aborts: the failures say `aborted` as often as
/// the engine counts aborts; the rest complete, and none waited longer than the timeout.
#[test]
fn a_lock_timeout_aborts_the_waiters_it_should() {
    let timeout = 5.0;
    let mut v = hot_row(
        80.0,
        10.0,
        json!({"lock_timeout_ms": timeout}),
        json!({"requests": 20_000}),
    );
    // Few workers: aborts that kept theirs would soon stall the node, and calls would be left in flight.
    v["nodes"][1]["spec"]["workers"] = json!(50);
    let r = run(&v, 4);
    let e = engine(&r, "db");
    assert!(e.aborts > 1000, "{} aborts", e.aborts);
    assert_eq!(r.failed_by_reason.aborted, e.aborts);
    assert_eq!(r.failed, e.aborts);
    assert_eq!(r.completed + r.failed, r.issued);
    assert_eq!(r.in_flight, 0);
    assert_eq!(e.transactions, r.completed);
    // An aborted transaction never started its service: the engine served (and spent worker time on) the
    // completed ones alone, each holding the row for the base time plus its cost.
    assert_eq!(served(e, "txn"), r.completed);
    let hold = 10.0 + 2.0 * 2.0 * f64::from(levels(1_000_000, 500)) * 0.01 + 0.05;
    assert!(
        (service_ms(e, "txn") - hold).abs() <= 0.05 * hold,
        "{} ms",
        service_ms(e, "txn")
    );
    assert!(e.lock_wait_max_ms <= timeout, "waited {} ms", e.lock_wait_max_ms);
    let node = r.nodes.iter().find(|n| n.id == "db").unwrap();
    assert_eq!(node.served, r.completed);
}

/// Transactions on distinct rows never wait for each other, however many run at once.
#[test]
fn transactions_on_distinct_rows_never_wait() {
    let w = json!({"arrival": {"type": "poisson", "rate_rps": 5000}, "keys": {"type": "sequential"},
        "ops": [{"op": "txn", "rows": 3}]});
    let v = one_db(w, json!({"profile": "relational"}), json!({"requests": 20_000}));
    // 5000/s × 10 ms: about 50 transactions at once.
    let mut v = v;
    v["nodes"][1]["spec"]["service_time"] = constant(10.0);
    let r = run(&v, 5);
    let e = engine(&r, "db");
    assert_eq!(e.transactions, 20_000);
    assert_eq!(e.lock_waits, 0);
    assert_eq!(e.lock_wait_mean_ms, 0.0);
    let node = r.nodes.iter().find(|n| n.id == "db").unwrap();
    assert!(
        node.utilization * 10_000.0 > 20.0,
        "{} busy",
        node.utilization * 10_000.0
    );
}

// ----- 4. a key-value store's memory ------------------------------------------------------------------------

/// A key-value store holding `n` keys (1024 bytes each: 960 of value, 64 of overhead), gets and puts half
/// and half over `keys` uniform keys.
fn kv_memory(n: u64, keys: u64, when_full: &str, calls: u64) -> Value {
    let w = json!({"arrival": {"type": "poisson", "rate_rps": 1000}, "keys": {"type": "uniform", "count": keys},
        "ops": [{"op": "get"}, {"op": "put"}]});
    let e = json!({"profile": "key_value", "memory_mb": n as f64 / 1024.0, "value_bytes": 960,
        "entry_overhead_bytes": 64, "when_full": when_full});
    one_db(w, e, json!({"requests": calls}))
}

/// Memory for N keys and uniform keys over 10N: evicting, it ends holding exactly N, and a get finds its key
/// with probability N / 10N (under uniform access any N keys held are as good as any other: LRU's hit ratio
/// is capacity over keys).
#[test]
fn an_evicting_key_value_store_holds_its_capacity_and_hits_capacity_over_keys() {
    let (n, keys, calls) = (1000u64, 10_000u64, 200_000u64);
    let r = run(&kv_memory(n, keys, "evict", calls), 6);
    let e = engine(&r, "db");
    assert_eq!(r.failed, 0);
    assert_eq!(e.keys, Some(n));
    assert_eq!(e.refused_full, 0);
    assert_eq!(e.hits + e.misses, served(e, "get"));
    let hit = e.hits as f64 / (e.hits + e.misses) as f64;
    let want = n as f64 / keys as f64;
    assert!(
        (hit - want).abs() <= 0.05 * want,
        "hit ratio {hit}, capacity/keys {want}"
    );
    // Every put of a key it did not hold, once full, evicted one: at least the puts less the keys it holds
    // and the ones it found (a put of a held key evicts nothing, about one in ten).
    let puts = served(e, "put");
    assert!(
        e.evictions as f64 > 0.85 * puts as f64,
        "{} evictions of {puts} puts",
        e.evictions
    );
    assert!(e.evictions < puts);
}

/// Refusing, it fills with the first N distinct keys put and then fails the puts of any other key
/// `out_of_memory`, never evicting. Filling takes W = Σ_{i<N} K / (K − i) puts on average (collecting N of K
/// uniform keys); after it, a put is refused with probability 1 − N/K: refused ≈ (1 − N/K)(puts − W).
#[test]
fn a_refusing_key_value_store_fails_new_keys_once_full_and_never_evicts() {
    let (n, keys, calls) = (1000u64, 10_000u64, 100_000u64);
    let r = run(&kv_memory(n, keys, "refuse", calls), 7);
    let e = engine(&r, "db");
    assert_eq!(e.keys, Some(n));
    assert_eq!(e.evictions, 0);
    assert!(e.refused_full > 0);
    assert_eq!(r.failed_by_reason.out_of_memory, e.refused_full);
    assert_eq!(r.failed, e.refused_full);
    // Refused puts take no worker: the engine served the others.
    let puts = (served(e, "put") + e.refused_full) as f64;
    let (nf, kf) = (n as f64, keys as f64);
    let fill: f64 = (0..n).map(|i| kf / (kf - i as f64)).sum();
    let want = (1.0 - nf / kf) * (puts - fill);
    let got = e.refused_full as f64;
    eprintln!("refused {got} of {puts} puts, (1 − N/K)(puts − W) = {want:.0} (W = {fill:.0})");
    assert!((got - want).abs() <= 0.01 * want, "{got} puts refused, want {want}");
    let hit = e.hits as f64 / (e.hits + e.misses) as f64;
    assert!((hit - 0.1).abs() <= 0.005, "hit ratio {hit}");
}

// ----- 5. an LSM tree's runs and compactions ----------------------------------------------------------------

/// Puts only, Poisson at `rate_rps`, each held `hold_ms` (so about rate × hold run at once), on a wide-column
/// store with the `more` settings.
fn lsm(rate_rps: f64, hold_ms: f64, more: Value, extra: Value) -> Value {
    let w = json!({"arrival": {"type": "poisson", "rate_rps": rate_rps}, "keys": {"type": "uniform", "count": 1000000},
        "ops": [{"op": "put"}, {"op": "get"}]});
    let mut e = json!({"profile": "wide_column"});
    for (k, x) in more.as_object().unwrap() {
        e[k] = x.clone();
    }
    scenario(
        &[("users", w, "db")],
        vec![db("db", 10_000, constant(hold_ms), e)],
        extra,
    )
}

/// Every memtable_rows puts flush one run; a flush reaching compaction_threshold runs starts a compaction,
/// which brings them back to one. With compactions far quicker than a memtable fills: flushes = puts /
/// memtable_rows, compactions = flushes / (threshold − 1), runs at the end 1 + flushes mod (threshold − 1), and
/// never more than the threshold. Many puts are in service at once (about 200), more than a memtable holds.
#[test]
fn runs_grow_one_per_memtable_and_compactions_bring_them_back_to_one() {
    for (memtable, threshold) in [(100u32, 4u32), (1000, 3), (250, 10)] {
        let v = lsm(
            10_000.0,
            20.0,
            json!({"memtable_rows": memtable, "compaction_threshold": threshold, "compact_ms_per_row": 0.000001}),
            json!({"duration_ms": 3000}),
        );
        let r = run(&v, 8);
        let e = engine(&r, "db");
        let puts = served(e, "put");
        let flushes = puts / u64::from(memtable);
        let per_cycle = u64::from(threshold - 1);
        let what = format!("memtable {memtable}, threshold {threshold}, {puts} puts");
        assert_eq!(e.flushes, flushes, "{what}");
        assert_eq!(e.compactions, flushes / per_cycle, "{what}");
        assert_eq!(e.runs, Some(1 + (flushes % per_cycle) as u32), "{what}");
        assert_eq!(e.max_runs, Some(threshold), "{what}");
    }
}

/// A compaction merges the runs there when it starts; runs flushed while it works are not in it and stay.
/// Puts at 1000/s (constant), 100-row memtables: a flush every 100 ms. The third flush (about 300 ms) makes 4
/// runs and starts a compaction of 400 rows at 0.625 ms a row, 250 ms; flushes at 400 and 500 ms add two runs
/// meanwhile, so at its end (550 ms) there are 1 + 2 = 3 runs, and at most 6.
#[test]
fn runs_flushed_during_a_compaction_stay_after_it() {
    let v = lsm(
        1000.0,
        BASE_MS,
        json!({"memtable_rows": 100, "compaction_threshold": 4, "compact_ms_per_row": 0.625}),
        json!({"duration_ms": 2000}),
    );
    let mut v = v;
    v["nodes"][0]["spec"]["workload"]["arrival"] = json!({"type": "constant", "rate_rps": 1000});
    v["nodes"][0]["spec"]["workload"]["ops"] = json!([{"op": "put"}]);
    let at = |ms: f64| engine(&report_at(&v, 13, ms), "db").clone();
    assert_eq!((at(350.0).runs, at(350.0).compactions), (Some(4), 1));
    assert_eq!(at(540.0).runs, Some(6));
    assert_eq!(at(560.0).runs, Some(3));
    let e = engine(&run(&v, 13), "db").clone();
    assert_eq!(e.max_runs, Some(6));
    assert_eq!(e.flushes, served(&e, "put") / 100);
}

/// While a compaction runs the node serves at 1 − compaction_share of its speed. Puts arrive Poisson, so
/// a fraction f of them (the share of time spent compacting: compactions × its length over the run) start
/// during one and take S / (1 − share): the mean worker time is S × (1 − f + f / (1 − share)). With share 0 it
/// is S, and the same load has a higher mean latency with share 0.5.
#[test]
fn a_compacting_node_serves_slower_by_its_share() {
    let (memtable, threshold, per_row) = (2000u32, 4u32, 0.1);
    // A flush a second at 2000 puts/s; a compaction merges 4 runs of 2000 rows: 800 ms, done before the next.
    let compaction_ms = f64::from(threshold * memtable) * per_row;
    let duration_ms = 28_500.0;
    let mut means = Vec::new();
    for share in [0.0, 0.5] {
        let v = lsm(
            2000.0,
            1.0,
            json!({"memtable_rows": memtable, "compaction_threshold": threshold, "compact_ms_per_row": per_row,
                "compaction_share": share, "write_ms": 0.02}),
            json!({"duration_ms": duration_ms}),
        );
        // Only puts: the gets' cost varies with the runs.
        let mut v = v;
        v["nodes"][0]["spec"]["workload"]["ops"] = json!([{"op": "put"}]);
        let r = run(&v, 9);
        let e = engine(&r, "db");
        assert!(e.compactions >= 8, "{} compactions", e.compactions);
        let f = e.compactions as f64 * compaction_ms / duration_ms;
        let s = 1.0 + 0.02;
        let want = s * (1.0 - f + f / (1.0 - share));
        let got = service_ms(e, "put");
        eprintln!(
            "share {share}: {} compactions, f = {f:.4}: put {got} ms, formula {want:.4} ms",
            e.compactions
        );
        assert!(close(got, want), "share {share}: put {got} ms, formula {want} ms");
        means.push(r.by_op[0].figures.mean_ms);
    }
    assert!(means[1] > means[0] * 1.1, "mean latency {means:?}");
}

// ----- 6. denormalized copies -------------------------------------------------------------------------------

/// A document store with denormalized joins, joins and puts (`put_weight`) at 1000/s on `keys`.
fn denormalized(put_weight: f64, keys: Value) -> Value {
    let mut ops = vec![json!({"op": "join", "tables": 3, "weight": 1})];
    if put_weight > 0.0 {
        ops.push(json!({"op": "put", "weight": put_weight}));
    }
    let w = json!({"arrival": {"type": "poisson", "rate_rps": 1000}, "keys": keys, "ops": ops});
    one_db(
        w,
        json!({"profile": "document", "joins": "denormalized", "copies": 10}),
        json!({"requests": 100_000}),
    )
}

/// A join of a key reads stale copies while a put of that key is rewriting them. On one hot key, puts at λp
/// each take Sp (constant), so the number being written is Poisson with mean λp·Sp and a join (Poisson, PASTA)
/// finds one with probability 1 − e^(−λp·Sp). Joins alone never read stale, nor do puts and joins of keys that
/// are never the same (sequential keys).
#[test]
fn denormalized_reads_are_stale_only_while_a_write_of_their_key_runs() {
    let r = run(&denormalized(1.0, json!({"type": "uniform", "count": 1})), 10);
    let e = engine(&r, "db");
    // Sp: the base, (1 + 1 index) seeks, the commit and 10 copies, a seek each (10^6 rows, fanout 500: 3 levels).
    let seek = f64::from(levels(1_000_000, 500)) * 0.01;
    let sp = BASE_MS + 2.0 * seek + 0.05 + 10.0 * seek;
    assert!(close(service_ms(e, "put") - BASE_MS, sp - BASE_MS));
    let lambda_p = 500.0 / 1000.0; // per ms
    let want = 1.0 - (-lambda_p * sp).exp();
    let joins = served(e, "join");
    let got = e.stale_reads as f64 / joins as f64;
    eprintln!("stale reads {got:.4} of joins, 1 − e^(−λp·Sp) = {want:.4}");
    assert!((got - want).abs() <= 0.05 * want, "{got} of joins stale, want {want}");

    for (weight, keys) in [
        (0.0, json!({"type": "uniform", "count": 1})),
        (1.0, json!({"type": "sequential"})),
    ] {
        let r = run(&denormalized(weight, keys.clone()), 10);
        let e = engine(&r, "db");
        assert!(served(e, "join") > 40_000);
        assert_eq!(e.stale_reads, 0, "puts {weight}, keys {keys}");
    }
}

// ----- 7. crashes -------------------------------------------------------------------------------------------

/// A relational store crashes with a queue of transactions waiting for a hot row's lock (the lock is
/// overloaded: 200/s of 10 ms). Every call it held fails `crashed` (the holder at its service end, the waiters
/// at once), and the run ends with nothing in flight, though the client has no timeout; after recovery the
/// row's lock works again.
#[test]
fn a_crash_fails_the_lock_waiters_and_leaves_nothing_hanging() {
    let (crash_ms, recover_ms) = (1000.0, 1500.0);
    let mut v = hot_row(200.0, 10.0, json!({}), json!({"duration_ms": 3000}));
    v["faults"] = json!([{"action": "crash", "at_ms": crash_ms, "node": "db"},
        {"action": "recover", "at_ms": recover_ms, "node": "db"}]);
    let before = report_at(&v, 11, crash_ms - 1e-6);
    assert!(before.in_flight > 20, "{} in flight", before.in_flight);
    let r = run(&v, 11);
    assert_eq!(r.in_flight, 0);
    assert_eq!(r.failed_by_reason.crashed, before.in_flight);
    assert_eq!(r.completed + r.failed, r.issued);
    // Those that arrived after the recovery all got the lock in turn.
    let after = r.completed - before.completed;
    assert!(after > 200, "{after} completed after the recovery");
}

/// A key-value store's memory dies with it: it comes back holding no key, and its next gets miss.
#[test]
fn a_key_value_store_comes_back_empty() {
    let mut v = kv_memory(1000, 2000, "evict", 50_000);
    v["faults"] = json!([{"action": "crash", "at_ms": 10000, "node": "db"},
        {"action": "recover", "at_ms": 10001, "node": "db"}]);
    let before = report_at(&v, 12, 9999.0);
    assert_eq!(engine(&before, "db").keys, Some(1000));
    let after = report_at(&v, 12, 10000.5);
    assert_eq!(engine(&after, "db").keys, Some(0));
    let r = run(&v, 12);
    assert_eq!(engine(&r, "db").keys, Some(1000));
}

// ----- 8. validation ----------------------------------------------------------------------------------------

/// A valid base to break: users → a relational database, ops of every kind the relational store runs.
fn valid() -> Value {
    let w = json!({"arrival": {"type": "poisson", "rate_rps": 10}, "ops": [
        {"op": "get", "weight": 6}, {"op": "join", "tables": 3, "rows": 2}, {"op": "txn", "rows": 3},
        {"op": "traverse", "depth": 2, "degree": 10}, {"op": "scan", "rows": 50}]});
    one_db(
        w,
        json!({"profile": "relational", "rows": 1000, "indexes": 2}),
        json!({"requests": 10}),
    )
}

/// The validation problems of `v` (none when it loads).
fn problems(v: &Value) -> Vec<switchyard_core::topology::ValidationError> {
    match scenario::load(&v.to_string()) {
        Ok(_) => Vec::new(),
        Err(ScenarioError::Invalid(list)) => list,
        Err(e) => panic!("not a validation error: {e:?}"),
    }
}

#[test]
fn the_validation_base_is_valid_and_runs() {
    assert!(problems(&valid()).is_empty());
    let r = run(&valid(), 1);
    assert_eq!(r.completed, 10);
}

/// Each bad setting is a `BadParameter` naming its field, whose text (as the CLI and the app show it) names the
/// field and says what is wrong.
#[test]
fn bad_engine_and_ops_settings_are_typed_errors_naming_the_field() {
    type Edit = Box<dyn Fn(&mut Value)>;
    let engine = |k: &'static str, x: Value| -> Edit {
        Box::new(move |v: &mut Value| v["nodes"][1]["spec"]["engine"][k] = x.clone())
    };
    let op = |i: usize, k: &'static str, x: Value| -> Edit {
        Box::new(move |v: &mut Value| v["nodes"][0]["spec"]["workload"]["ops"][i][k] = x.clone())
    };
    let cases: Vec<(&str, Edit, &str, &str)> = vec![
        (
            "op_ms on relational",
            engine("op_ms", json!(0.01)),
            "engine.op_ms",
            "applies to a key_value engine, not relational",
        ),
        (
            "hop_ms on relational",
            engine("hop_ms", json!(0.01)),
            "engine.hop_ms",
            "applies to a graph engine, not relational",
        ),
        (
            "joins on relational",
            engine("joins", json!("denormalized")),
            "engine.joins",
            "applies to a document engine, not relational",
        ),
        (
            "memtable_rows on relational",
            engine("memtable_rows", json!(10)),
            "engine.memtable_rows",
            "applies to a wide_column engine, not relational",
        ),
        (
            "indexes on key_value",
            Box::new(|v: &mut Value| v["nodes"][1]["spec"]["engine"] = json!({"profile": "key_value", "indexes": 1})),
            "engine.indexes",
            "not key_value",
        ),
        (
            "join on document",
            Box::new(|v: &mut Value| v["nodes"][1]["spec"]["engine"] = json!({"profile": "document", "join": "hash"})),
            "engine.join",
            "applies to a relational engine, not document",
        ),
        (
            "engine with index",
            Box::new(|v: &mut Value| v["nodes"][1]["spec"]["index"] = json!({"table_rows": 1000})),
            "index",
            "engine replaces index",
        ),
        (
            "rows 0",
            engine("rows", json!(0)),
            "engine.rows",
            "must be between 1 and",
        ),
        (
            "indexes 65",
            engine("indexes", json!(65)),
            "engine.indexes",
            "at most 64",
        ),
        (
            "fanout 1",
            engine("fanout", json!(1)),
            "engine.fanout",
            "must be between 2 and 100000",
        ),
        (
            "page_ms negative",
            engine("page_ms", json!(-1.0)),
            "engine.page_ms",
            "got -1",
        ),
        (
            "lock_timeout_ms 0",
            engine("lock_timeout_ms", json!(0.0)),
            "engine.lock_timeout_ms",
            "greater than zero",
        ),
        (
            "compaction_share 1",
            Box::new(|v: &mut Value| {
                v["nodes"][1]["spec"]["engine"] = json!({"profile": "wide_column", "compaction_share": 1.0})
            }),
            "engine.compaction_share",
            "[0, 1)",
        ),
        (
            "compaction_threshold 1",
            Box::new(|v: &mut Value| {
                v["nodes"][1]["spec"]["engine"] = json!({"profile": "wide_column", "compaction_threshold": 1})
            }),
            "engine.compaction_threshold",
            "between 2 and 1000",
        ),
        (
            "memtable_rows 0",
            Box::new(|v: &mut Value| {
                v["nodes"][1]["spec"]["engine"] = json!({"profile": "wide_column", "memtable_rows": 0})
            }),
            "engine.memtable_rows",
            "between 1 and 100000000",
        ),
        (
            "memory_mb 0",
            Box::new(|v: &mut Value| v["nodes"][1]["spec"]["engine"] = json!({"profile": "key_value", "memory_mb": 0})),
            "engine.memory_mb",
            "must be in (0, 1e9]",
        ),
        (
            "memory_mb for too many keys",
            Box::new(|v: &mut Value| {
                v["nodes"][1]["spec"]["engine"] = json!({"profile": "key_value", "memory_mb": 1_000_000})
            }),
            "engine.memory_mb",
            "the simulator tracks at most",
        ),
        (
            "copies over 10000",
            Box::new(|v: &mut Value| {
                v["nodes"][1]["spec"]["engine"] = json!({"profile": "document", "copies": 10_001})
            }),
            "engine.copies",
            "at most 10000",
        ),
        (
            "ops with a mix",
            Box::new(|v: &mut Value| {
                v["nodes"][0]["spec"]["workload"]["mix"] = json!({"api_read": 0.5, "api_write": 0.5})
            }),
            "mix",
            "ops replace mix",
        ),
        (
            "rows on a get",
            op(0, "rows", json!(5)),
            "ops",
            "ops[0]: rows means nothing to a get",
        ),
        (
            "tables on a txn",
            op(2, "tables", json!(2)),
            "ops",
            "ops[2]: tables means nothing to a txn",
        ),
        (
            "depth on a join",
            op(1, "depth", json!(2)),
            "ops",
            "ops[1]: depth means nothing to a join",
        ),
        (
            "degree on a scan",
            op(4, "degree", json!(2)),
            "ops",
            "ops[4]: degree means nothing to a scan",
        ),
        (
            "tables 1",
            op(1, "tables", json!(1)),
            "ops",
            "tables must be between 2 and 16, got 1",
        ),
        (
            "tables 17",
            op(1, "tables", json!(17)),
            "ops",
            "tables must be between 2 and 16, got 17",
        ),
        (
            "rows 0",
            op(4, "rows", json!(0)),
            "ops",
            "rows must be between 1 and 10000000, got 0",
        ),
        (
            "rows 10^7 + 1",
            op(2, "rows", json!(10_000_001)),
            "ops",
            "rows must be between 1 and 10000000",
        ),
        (
            "depth 7",
            op(3, "depth", json!(7)),
            "ops",
            "depth must be between 1 and 6, got 7",
        ),
        (
            "degree 0",
            op(3, "degree", json!(0)),
            "ops",
            "degree must be between 1 and 1000, got 0",
        ),
        (
            "weight 0",
            op(0, "weight", json!(0.0)),
            "ops",
            "weight must be in (0, 1e9]",
        ),
        (
            "degree^depth over 10^8",
            Box::new(|v: &mut Value| {
                v["nodes"][0]["spec"]["workload"]["ops"][3] = json!({"op": "traverse", "depth": 3, "degree": 1000})
            }),
            "ops",
            "vertices (degree + degree² + … to depth), more than 100,000,000",
        ),
        (
            "17 ops",
            Box::new(|v: &mut Value| v["nodes"][0]["spec"]["workload"]["ops"] = json!(vec![json!({"op": "get"}); 17])),
            "ops",
            "at most 16",
        ),
    ];
    for (what, edit, field, says) in cases {
        let mut v = valid();
        edit(&mut v);
        let found = problems(&v);
        let hit = found
            .iter()
            .find(|e| matches!(&e.problem, Problem::BadParameter { field: f, .. } if *f == field));
        let Some(e) = hit else {
            panic!("{what}: no problem with {field}: {found:?}");
        };
        let text = e.to_string();
        assert!(text.contains(field) && text.contains(says), "{what}: {text}");
        // The default workload's ops or a client's: each problem says where.
        assert!(
            text.starts_with("node \"db\"") || text.starts_with("workload of client \"users\""),
            "{what}: {text}"
        );
    }
}

/// An engine belongs on a database: on a service it is an error naming `engine`.
#[test]
fn an_engine_on_a_service_is_a_typed_error() {
    let mut v = valid();
    v["nodes"][1]["spec"]["kind"] = json!("service");
    let found = problems(&v);
    let e = found
        .iter()
        .find(|e| matches!(&e.problem, Problem::BadParameter { field: "engine", .. }))
        .unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(
        e.to_string(),
        "node \"db\": engine: only a database has a storage engine, not a service"
    );
}

/// An unknown operation or profile is a schema error at its path, not a panic.
#[test]
fn unknown_operations_and_profiles_are_schema_errors() {
    let mut v = valid();
    v["nodes"][0]["spec"]["workload"]["ops"][0]["op"] = json!("upsert");
    assert!(
        matches!(scenario::load(&v.to_string()), Err(ScenarioError::Schema { ref path, .. }) if path.contains("ops")),
        "{:?}",
        scenario::load(&v.to_string()).err()
    );
    let mut v = valid();
    v["nodes"][1]["spec"]["engine"]["profile"] = json!("columnar");
    assert!(
        matches!(scenario::load(&v.to_string()), Err(ScenarioError::Schema { ref path, .. }) if path.contains("engine")),
        "{:?}",
        scenario::load(&v.to_string()).err()
    );
}

// ----- 9. determinism ---------------------------------------------------------------------------------------

/// Every profile at once, with what draws random numbers: Poisson arrivals, exponential service, keys,
/// evictions, lock timeouts, compactions, stale reads.
fn zoo() -> Value {
    let poisson = |rate: f64| json!({"type": "poisson", "rate_rps": rate});
    let exp = json!({"type": "exponential", "mean_ms": 1.0});
    scenario(
        &[
            (
                "shop",
                json!({"arrival": poisson(400.0), "keys": {"type": "zipf", "count": 5, "alpha": 1.2}, "ops": [
                    {"op": "get", "weight": 4}, {"op": "join", "tables": 3}, {"op": "txn", "rows": 20, "weight": 2},
                    {"op": "scan", "rows": 200}, {"op": "traverse"}]}),
                "sql",
            ),
            (
                "cache",
                json!({"arrival": poisson(800.0), "keys": {"type": "uniform", "count": 5000},
                    "ops": [{"op": "get", "weight": 3}, {"op": "put"}, {"op": "scan"}]}),
                "kv",
            ),
            (
                "catalog",
                json!({"arrival": poisson(600.0), "keys": {"type": "uniform", "count": 5},
                    "ops": [{"op": "join", "tables": 2}, {"op": "put"}]}),
                "docs",
            ),
            (
                "log",
                json!({"arrival": poisson(3000.0), "ops": [{"op": "put", "weight": 9}, {"op": "get"},
                    {"op": "aggregate", "rows": 100}]}),
                "lsm",
            ),
            (
                "social",
                json!({"arrival": poisson(200.0), "ops": [{"op": "traverse", "depth": 3, "degree": 20},
                    {"op": "get"}]}),
                "graph",
            ),
        ],
        vec![
            db(
                "sql",
                16,
                exp.clone(),
                json!({"profile": "relational", "join": "hash", "rows": 100000, "lock_timeout_ms": 2}),
            ),
            db(
                "kv",
                4,
                exp.clone(),
                json!({"profile": "key_value", "memory_mb": 0.25, "when_full": "evict"}),
            ),
            db(
                "docs",
                8,
                exp.clone(),
                json!({"profile": "document", "joins": "denormalized", "copies": 50}),
            ),
            db(
                "lsm",
                32,
                exp.clone(),
                json!({"profile": "wide_column", "memtable_rows": 500, "compact_ms_per_row": 0.01}),
            ),
            db("graph", 8, exp, json!({"profile": "graph"})),
        ],
        json!({"duration_ms": 5000, "faults": [{"action": "crash", "at_ms": 2500, "node": "kv"},
            {"action": "recover", "at_ms": 2600, "node": "kv"}]}),
    )
}

/// The same scenario and seed give byte-identical reports; another seed gives another one.
#[test]
fn the_same_scenario_and_seed_give_the_same_bytes() {
    let v = zoo();
    let a = run(&v, 42);
    // The run exercises what it should: every engine served, and the random parts happened.
    assert_eq!(a.engines.len(), 5);
    for e in &a.engines {
        assert!(
            e.ops.iter().map(|o| o.served).sum::<u64>() > 100,
            "{}: {:?}",
            e.node,
            e.ops
        );
    }
    assert!(engine(&a, "sql").lock_waits > 0 && engine(&a, "sql").aborts > 0);
    assert!(engine(&a, "kv").evictions > 0 && engine(&a, "kv").unsupported > 0);
    assert!(engine(&a, "docs").stale_reads > 0);
    assert!(engine(&a, "lsm").compactions > 0);
    assert_eq!(a.by_op.len(), 3 + 5 + 2 + 3 + 2);
    let json = a.to_json_pretty();
    assert_eq!(run(&v, 42).to_json_pretty(), json);
    assert_ne!(run(&v, 43).to_json_pretty(), json);
}

#[test]
fn key_value_memory_counts_toward_the_caches_shared_bound_and_quorum_needs_a_leaderless_store() {
    // Two stores of 300,000 keys each (512 + 64 bytes a key): each is within its own bound, together they are
    // over the 500,000 objects all caches may hold.
    let kv = |mb: f64| json!({"profile": "key_value", "memory_mb": mb, "value_bytes": 512});
    let w = json!({"arrival": {"type": "poisson", "rate_rps": 10}, "ops": [{"op": "get"}]});
    let two = |mb: f64| {
        scenario(
            &[("a", w.clone(), "kv1"), ("b", w.clone(), "kv2")],
            vec![db("kv1", 1, constant(0.1), kv(mb)), db("kv2", 1, constant(0.1), kv(mb))],
            json!({"requests": 10}),
        )
    };
    let keys_per_mb = 1_048_576.0 / 576.0;
    let over = problems(&two(300_000.0 / keys_per_mb));
    assert!(
        over.iter()
            .any(|e| e.to_string().contains("capacity of all caches together")),
        "{over:?}"
    );
    assert!(problems(&two(200_000.0 / keys_per_mb)).is_empty());
    // A relational cluster must have a primary; a wide-column one may be leaderless.
    let cluster = |profile: &str, mode: &str| {
        let mut v = scenario(
            &[("a", w.clone(), "r1")],
            (1..=3)
                .map(|i| db(&format!("r{i}"), 4, constant(0.1), json!({"profile": profile})))
                .collect(),
            json!({"requests": 10}),
        );
        v["clusters"] = json!([{"id": "c", "replicas": ["r1", "r2", "r3"], "mode": mode}]);
        v
    };
    let rel = problems(&cluster("relational", "quorum"));
    assert!(
        rel.iter().any(|e| e.to_string().contains("single primary for writes")),
        "{rel:?}"
    );
    assert!(problems(&cluster("relational", "async")).is_empty());
    assert!(problems(&cluster("wide_column", "quorum")).is_empty());
}
