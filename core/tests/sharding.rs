//! Sharding in the engine: placement by every scheme, hot shards, rebalancing with counted key movement and
//! migration traffic, directory lookups with and without a router cache, cross-shard queries and database
//! index costs. Each test asserts a direction with a margin on a fixed seed.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use switchyard_core::metrics::{Bucket, Report, ShardRouterReport};
use switchyard_core::scenario;
use switchyard_core::Sim;

fn run(v: &Value) -> Report {
    run_series(v).0
}

/// The report and the time series of a run.
fn run_series(v: &Value) -> (Report, Vec<Bucket>) {
    let (s, _) = scenario::load(&v.to_string()).unwrap();
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.run_to_end();
    (sim.report(), sim.metrics().series.clone())
}

fn exp(ms: f64) -> Value {
    json!({"type": "exponential", "mean_ms": ms})
}

fn constant(ms: f64) -> Value {
    json!({"type": "constant", "ms": ms})
}

/// client -> router -> `n` database shards `d0..`, with `router` merged into the router's spec and `extra`
/// nodes and edges appended.
fn sharded(n: usize, router: Value, workload: Value, requests: u64) -> Value {
    let mut nodes = vec![
        json!({"id": "c", "spec": {"kind": "client"}}),
        json!({"id": "r", "spec": router}),
    ];
    let mut edges = vec![json!({"from": "c", "to": "r", "latency": constant(1.0)})];
    for i in 0..n {
        nodes
            .push(json!({"id": format!("d{i}"), "spec": {"kind": "database", "workers": 8, "service_time": exp(2.0)}}));
        edges.push(json!({"from": "r", "to": format!("d{i}"), "latency": constant(0.5)}));
    }
    json!({"version": 1, "requests": requests, "nodes": nodes, "edges": edges, "workload": workload})
}

fn router(r: &Report) -> &ShardRouterReport {
    &r.shard_routers[0]
}

fn writes(keys: Value, rate: f64) -> Value {
    json!({"arrival": {"type": "poisson", "rate_rps": rate}, "keys": keys, "mix": {"api_write": 1.0}})
}

#[test]
fn range_with_sequential_keys_heats_the_last_shard_while_hashing_spreads_them() {
    // 8 shards; range split points every 1000 keys; 20000 sequential writes: the last range holds every key
    // from 7000 on, so the final window's writes all land there.
    let splits: Vec<u64> = (1..8).map(|i| i * 1000).collect();
    let range = run(&sharded(
        8,
        json!({"kind": "shard_router", "scheme": "range", "split_points": splits}),
        writes(json!({"type": "sequential"}), 2000.0),
        20_000,
    ));
    let hash = run(&sharded(
        8,
        json!({"kind": "shard_router", "scheme": "hash_mod"}),
        writes(json!({"type": "sequential"}), 2000.0),
        20_000,
    ));
    assert_eq!(range.completed, 20_000);
    let r = router(&range);
    let last = r
        .series
        .iter()
        .rev()
        .find(|w| w.writes.iter().sum::<u64>() > 0)
        .unwrap();
    let total: u64 = last.writes.iter().sum();
    let max = *last.writes.iter().max().unwrap();
    assert!(max as f64 > 0.9 * total as f64, "range last window {:?}", last.writes);
    assert_eq!(last.writes[7], max, "the last range is the hot one");
    assert!(r.load_skew > 4.0, "range load skew {}", r.load_skew);
    let h = router(&hash);
    assert!(h.load_skew < 1.3, "hash load skew {}", h.load_skew);
    assert!(h.data_skew < 1.3, "hash data skew {}", h.data_skew);
    let last = h
        .series
        .iter()
        .rev()
        .find(|w| w.writes.iter().sum::<u64>() > 0)
        .unwrap();
    let total: u64 = last.writes.iter().sum();
    assert!(
        (*last.writes.iter().max().unwrap() as f64) < 0.3 * total as f64,
        "{:?}",
        last.writes
    );
}

#[test]
fn zipf_keys_make_one_hash_shard_hot_and_uniform_keys_do_not() {
    let reads = |keys: Value| json!({"arrival": {"type": "poisson", "rate_rps": 2000.0}, "keys": keys});
    let zipf = run(&sharded(
        8,
        json!({"kind": "shard_router", "scheme": "consistent"}),
        reads(json!({"type": "zipf", "count": 100000, "alpha": 1.1})),
        40_000,
    ));
    let uniform = run(&sharded(
        8,
        json!({"kind": "shard_router", "scheme": "consistent"}),
        reads(json!({"type": "uniform", "count": 100000})),
        40_000,
    ));
    let (z, u) = (router(&zipf).load_skew, router(&uniform).load_skew);
    assert!(z > 1.5, "zipf skew {z}");
    assert!(u < 1.35, "uniform skew {u}");
    assert!(z > u + 0.3);
}

/// Moved fraction of the written keys when a ninth shard joins eight at 5 s.
fn moved_on_add(scheme: &str) -> (f64, Report) {
    let mut v = sharded(
        9,
        json!({"kind": "shard_router", "scheme": scheme, "migration_keys_per_s": 20000.0}),
        writes(json!({"type": "uniform", "count": 5000}), 2000.0),
        20_000,
    );
    v["faults"] = json!([{"action": "add_shard", "at_ms": 5000, "router": "r", "shard": "d8"}]);
    let r = run(&v);
    let reb = &router(&r).rebalances[0];
    assert!(reb.keys_total > 4000, "{reb:?}");
    (reb.moved_fraction, r)
}

#[test]
fn adding_a_ninth_shard_moves_most_keys_under_mod_n_few_under_consistent_and_none_under_a_directory() {
    let (modn, _) = moved_on_add("hash_mod");
    let (consistent, r) = moved_on_add("consistent");
    let (directory, _) = moved_on_add("directory");
    assert!(modn > 0.8, "mod-N moved {modn}");
    assert!((0.05..=0.25).contains(&consistent), "consistent moved {consistent}");
    assert_eq!(directory, 0.0);
    // The moves are real traffic: each moved key is read from its old shard and written to the new one.
    let rr = router(&r);
    let reb = &rr.rebalances[0];
    assert_eq!(rr.migrated + rr.migration_failed + rr.migration_pending, reb.keys_moved);
    assert_eq!(rr.migrated, reb.keys_moved);
    assert_eq!(reb.bytes_moved, reb.keys_moved * 1024);
    // The new shard is only written by migrations and new writes after 5 s, and holds about 1/9 of the keys.
    let d8 = &rr.shards[8];
    assert!(d8.active);
    let share = d8.keys as f64 / 5000.0;
    assert!((0.05..=0.2).contains(&share), "d8 holds {share}");
    let d8_node = r.nodes.iter().find(|n| n.id == "d8").unwrap();
    assert!(
        d8_node.arrivals >= d8.requests + reb.keys_moved,
        "migration writes arrive at d8"
    );
}

#[test]
fn removing_a_shard_moves_its_keys_and_only_them_under_consistent_hashing() {
    let mut v = sharded(
        8,
        json!({"kind": "shard_router", "scheme": "consistent", "migration_keys_per_s": 20000.0}),
        writes(json!({"type": "uniform", "count": 5000}), 2000.0),
        20_000,
    );
    v["faults"] = json!([{"action": "remove_shard", "at_ms": 5000, "router": "r", "shard": "d3"}]);
    let r = run(&v);
    let rr = router(&r);
    let reb = &rr.rebalances[0];
    assert!((0.05..=0.25).contains(&reb.moved_fraction), "{reb:?}");
    assert_eq!(rr.shards[3].keys, 0);
    assert!(!rr.shards[3].active);
}

fn directory_run(cache: Option<Value>, keys: u64) -> (Report, Vec<Bucket>) {
    let mut r = json!({"kind": "shard_router", "scheme": "directory"});
    if let Some(c) = cache {
        r["directory_cache"] = c;
    }
    let mut v = sharded(
        4,
        r,
        json!({"arrival": {"type": "constant", "rate_rps": 500.0}, "keys": {"type": "uniform", "count": keys}}),
        10_000,
    );
    v["nodes"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "dir", "spec": {"kind": "directory", "workers": 4, "service_time": constant(1.0)}}));
    v["edges"]
        .as_array_mut()
        .unwrap()
        .push(json!({"from": "r", "to": "dir", "latency": constant(0.5)}));
    v["metrics"] = json!({"bucket_ms": 1000});
    v["faults"] = json!([
        {"action": "crash", "at_ms": 8000, "node": "dir"},
        {"action": "recover", "at_ms": 14000, "node": "dir"}
    ]);
    run_series(&v)
}

#[test]
fn a_crashed_directory_fails_requests_until_it_recovers_without_a_router_cache() {
    let (r, series) = directory_run(None, 1000);
    let dir = &router(&r).directory.as_ref().unwrap();
    assert_eq!(dir.lookups, 10_000, "every request asks the directory");
    // Buckets of 1 s: before 8 s all succeed; from 8 s to 14 s all fail (but for answers already past the
    // directory at 8 s); after 14 s all succeed again.
    for b in &series {
        let t = b.t_ms;
        if t < 7000.0 || (15000.0..19000.0).contains(&t) {
            assert_eq!(b.failed, 0, "bucket {t}");
            assert!(b.completed > 400, "bucket {t}");
        } else if (8000.0..14000.0).contains(&t) {
            assert!(
                b.completed <= if t == 8000.0 { 5 } else { 0 },
                "bucket {t}: {}",
                b.completed
            );
            assert!(b.failed > 400, "bucket {t}");
        }
    }
    let failed = r.failed_by_reason.refused;
    assert!((2900..=3100).contains(&failed), "{failed} failed: 6 s at 500/s");
    // The directory's own lookups cost latency: two extra hops and its service time.
    assert!(r.latency_ms.p50 > 1.0 + 0.5 * 4.0 + 1.0);
}

#[test]
fn a_warm_router_cache_keeps_reads_of_cached_keys_working_while_the_directory_is_down() {
    // 200 keys, a cache for all of them: after the first few hundred requests every key is cached.
    let (r, _) = directory_run(Some(json!({"capacity": 1000})), 200);
    let dir = router(&r).directory.as_ref().unwrap();
    assert!(dir.cache_hits > 9000, "{dir:?}");
    assert!(dir.lookups < 1000, "{dir:?}");
    assert_eq!(r.failed, 0, "cached keys never need the directory");
    // A cache too small for the key set still fails the misses while the directory is down.
    let (_, cold) = directory_run(Some(json!({"capacity": 50})), 1000);
    let during = cold
        .iter()
        .filter(|b| (8000.0..14000.0).contains(&b.t_ms))
        .map(|b| (b.completed, b.failed))
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    assert!(during.1 > 10 * during.0, "mostly misses fail: {during:?}");
    assert!(during.0 > 0, "the few cached keys still work: {during:?}");
}

#[test]
fn a_router_that_restarts_while_the_directory_is_down_has_a_cold_cache() {
    let mut v = sharded(
        4,
        json!({"kind": "shard_router", "scheme": "directory", "directory_cache": {"capacity": 1000}}),
        json!({"arrival": {"type": "constant", "rate_rps": 500.0}, "keys": {"type": "uniform", "count": 200}}),
        10_000,
    );
    v["nodes"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "dir", "spec": {"kind": "directory", "workers": 4, "service_time": constant(1.0)}}));
    v["edges"]
        .as_array_mut()
        .unwrap()
        .push(json!({"from": "r", "to": "dir", "latency": constant(0.5)}));
    // The directory goes down at 8 s; the router restarts at 9 s (1 ms of downtime) and has forgotten everything.
    v["faults"] = json!([
        {"action": "crash", "at_ms": 8000, "node": "dir"},
        {"action": "crash", "at_ms": 9000, "node": "r"},
        {"action": "recover", "at_ms": 9001, "node": "r"},
        {"action": "recover", "at_ms": 14000, "node": "dir"}
    ]);
    let r = run(&v);
    // From 9 s to 14 s every request needs the directory: about 2500 fail (the warm cache alone failed none).
    assert!((2400..=2600).contains(&r.failed), "{} failed", r.failed);
}

#[test]
fn a_cross_shard_query_is_as_slow_as_its_slowest_shard() {
    // Writes go to one shard; reads fan out to all 8 and gather.
    let v = sharded(
        8,
        json!({"kind": "shard_router", "scheme": "hash_mod", "fanout_classes": ["api_read"]}),
        json!({"arrival": {"type": "poisson", "rate_rps": 400.0}, "keys": {"type": "uniform", "count": 10000},
               "mix": {"api_read": 0.5, "api_write": 0.5}}),
        20_000,
    );
    let r = run(&v);
    let rr = router(&r);
    let f = rr.fanout.as_ref().unwrap();
    assert!((9_000..11_000).contains(&f.queries), "{f:?}");
    let max_single = rr.shards.iter().map(|s| s.p99_ms).fold(0.0, f64::max);
    assert!(
        f.p99_ms >= max_single,
        "fanout p99 {} vs shard p99 max {max_single}",
        f.p99_ms
    );
    // The median of a max of 8 exponentials (mean 2 ms) plus 1 ms of network is far above one shard's.
    let single_median = 1.0 + 2.0 * std::f64::consts::LN_2;
    assert!(f.p50_ms > 1.8 * single_median, "fanout p50 {}", f.p50_ms);
    // Each query visits all eight shards.
    let requests: u64 = rr.shards.iter().map(|s| s.requests).sum();
    let writes: u64 = rr.shards.iter().map(|s| s.writes).sum();
    assert_eq!(requests - writes, 8 * f.queries);
}

#[test]
fn round_robin_reads_ask_every_shard() {
    let v = sharded(
        4,
        json!({"kind": "shard_router", "scheme": "round_robin"}),
        json!({"arrival": {"type": "poisson", "rate_rps": 400.0}, "keys": {"type": "uniform", "count": 100},
               "mix": {"api_read": 0.5, "api_write": 0.5}}),
        4_000,
    );
    let r = run(&v);
    let rr = router(&r);
    let f = rr.fanout.as_ref().unwrap();
    let writes: Vec<u64> = rr.shards.iter().map(|s| s.writes).collect();
    let spread = writes.iter().max().unwrap() - writes.iter().min().unwrap();
    assert!(spread <= 1, "round robin deals writes evenly: {writes:?}");
    let requests: u64 = rr.shards.iter().map(|s| s.requests).sum();
    assert_eq!(requests - writes.iter().sum::<u64>(), 4 * f.queries);
}

#[test]
fn vertical_partitioning_sends_each_class_to_its_own_database() {
    let v = json!({
        "version": 1, "requests": 4000,
        "nodes": [
            {"id": "c", "spec": {"kind": "client"}},
            {"id": "r", "spec": {"kind": "shard_router", "scheme": "vertical"}},
            {"id": "users", "spec": {"kind": "database", "workers": 8}},
            {"id": "orders", "spec": {"kind": "database", "workers": 8}}
        ],
        "edges": [
            {"from": "c", "to": "r"},
            {"from": "r", "to": "users", "classes": ["api_read"]},
            {"from": "r", "to": "orders", "classes": ["api_write"]}
        ],
        "workload": {"arrival": {"type": "poisson", "rate_rps": 200.0}, "mix": {"api_read": 0.75, "api_write": 0.25}}
    });
    let r = run(&v);
    let rr = router(&r);
    assert_eq!(rr.shards[0].writes, 0);
    assert_eq!(rr.shards[1].writes, rr.shards[1].requests);
    let reads = rr.shards[0].requests as f64 / 4000.0;
    assert!((0.72..0.78).contains(&reads), "{reads}");
}

fn db_latency(rows: u64, indexed: bool, indexes: u32, write: bool) -> f64 {
    let mix = if write {
        json!({"api_write": 1.0})
    } else {
        json!({"api_read": 1.0})
    };
    let v = json!({
        "version": 1, "requests": 2000,
        "nodes": [
            {"id": "c", "spec": {"kind": "client"}},
            {"id": "db", "spec": {"kind": "database", "workers": 64, "service_time": constant(0.5),
                "index": {"table_rows": rows, "indexed": indexed, "indexes": indexes}}}
        ],
        "edges": [{"from": "c", "to": "db"}],
        "workload": {"arrival": {"type": "poisson", "rate_rps": 50.0}, "mix": mix}
    });
    run(&v).latency_ms.mean
}

#[test]
fn an_unindexed_lookup_scans_the_table_and_an_indexed_one_seeks() {
    let mut ratios = Vec::new();
    for rows in [10_000u64, 100_000, 1_000_000] {
        let indexed = db_latency(rows, true, 1, false);
        let scan = db_latency(rows, false, 1, false);
        // Indexed: 0.5 ms + 0.01 ms × log2(rows), under 0.75 ms at a million rows.
        assert!(indexed < 0.75, "indexed at {rows}: {indexed}");
        ratios.push(scan / indexed);
    }
    assert!(ratios[0] > 1.5, "{ratios:?}");
    assert!(ratios[1] > 2.0 * ratios[0], "the gap grows with the table: {ratios:?}");
    assert!(ratios[2] > 2.0 * ratios[1], "{ratios:?}");
}

#[test]
fn every_index_makes_writes_slower() {
    let w: Vec<f64> = [0u32, 2, 8]
        .iter()
        .map(|&k| db_latency(1_000_000, true, k, true))
        .collect();
    // 0.2 ms (one B-tree seek of a million rows) per index.
    assert!(w[1] > w[0] + 0.3, "{w:?}");
    assert!(w[2] > w[1] + 1.0, "{w:?}");
}

#[test]
fn bad_sharding_input_is_a_typed_error() {
    let bad = |router: Value, faults: Value| {
        let mut v = sharded(2, router, json!({}), 10);
        v["faults"] = faults;
        match scenario::load(&v.to_string()) {
            Err(e) => e.to_string(),
            Ok(_) => format!("accepted {v}"),
        }
    };
    let e = bad(
        json!({"kind": "shard_router", "scheme": "range", "split_points": [5, 3]}),
        json!([]),
    );
    assert!(e.contains("split_points"), "{e}");
    let e = bad(
        json!({"kind": "shard_router", "scheme": "range", "split_points": [3, 5]}),
        json!([]),
    );
    assert!(e.contains("3 ranges"), "{e}");
    let e = bad(
        json!({"kind": "shard_router"}),
        json!([{"action": "add_shard", "at_ms": 1, "router": "r", "shard": "c"}]),
    );
    assert!(e.contains("not a shard"), "{e}");
    let e = bad(
        json!({"kind": "shard_router", "directory_cache": {"capacity": 10}}),
        json!([]),
    );
    assert!(e.contains("directory_cache"), "{e}");
    let v = json!({"version": 1, "nodes": [
        {"id": "c", "spec": {"kind": "client"}},
        {"id": "s", "spec": {"kind": "service", "index": {"table_rows": 10}}}
    ], "edges": [{"from": "c", "to": "s"}]});
    let e = scenario::load(&v.to_string()).err().unwrap().to_string();
    assert!(e.contains("only a database has indexes"), "{e}");
}

#[test]
fn a_hostile_table_size_costs_at_most_the_longest_run_and_never_overflows() {
    let v = json!({
        "version": 1, "requests": 3,
        "nodes": [
            {"id": "c", "spec": {"kind": "client"}},
            {"id": "db", "spec": {"kind": "database", "workers": 4, "service_time": constant(0.0),
                "index": {"table_rows": 1_000_000_000_000u64, "indexed": false, "scan_ms_per_row": 1e9}}}
        ],
        "edges": [{"from": "c", "to": "db"}],
        "metrics": {"bucket_ms": 1e8}
    });
    let r = run(&v);
    assert_eq!(r.completed, 3);
    assert!((1e9..1.1e9).contains(&r.elapsed_ms), "{}", r.elapsed_ms);
    let slow = sharded(
        2,
        json!({"kind": "shard_router", "migration_keys_per_s": 0.001}),
        json!({}),
        10,
    );
    let e = scenario::load(&slow.to_string()).err().map(|e| e.to_string());
    assert!(e.is_some_and(|e| e.contains("at least 0.01 keys per second")));
}
