//! Caches in the engine: real keys through the configured eviction policy. Placement and policy choices are
//! compared on fixed seeds, each asserting a direction with a margin.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use switchyard_core::metrics::Report;
use switchyard_core::{scenario, Sim};

fn run(v: &Value) -> Report {
    let (s, _) = scenario::load(&v.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Sim::new(&s, 11).unwrap();
    sim.run_to_end();
    sim.report()
}

fn exp(ms: f64) -> Value {
    json!({"type": "exponential", "mean_ms": ms})
}

/// client -> lb -> three app servers, each with its own local cache in front of one database.
fn local_caches(strategy: &str) -> Value {
    let mut nodes = vec![
        json!({"id": "c", "spec": {"kind": "client"}}),
        json!({"id": "lb", "spec": {"kind": "load_balancer", "strategy": strategy}}),
        json!({"id": "db", "spec": {"kind": "database", "workers": 16, "service_time": exp(5.0)}}),
    ];
    let mut edges = vec![json!({"from": "c", "to": "lb"})];
    for i in 1..=3 {
        nodes.push(
            json!({"id": format!("app{i}"), "spec": {"kind": "service", "workers": 16, "service_time": exp(1.0)}}),
        );
        nodes.push(json!({"id": format!("cache{i}"), "spec": {"kind": "cache", "capacity": 300}}));
        edges.push(json!({"from": "lb", "to": format!("app{i}")}));
        edges.push(json!({"from": format!("app{i}"), "to": format!("cache{i}")}));
        edges.push(json!({"from": format!("cache{i}"), "to": "db"}));
    }
    json!({
        "version": 1, "duration_ms": 20000, "nodes": nodes, "edges": edges,
        "workload": {"arrival": {"type": "poisson", "rate_rps": 500}, "keys": {"type": "zipf", "count": 5000, "alpha": 0.8}}
    })
}

fn hit_ratio(r: &Report) -> f64 {
    let (h, m) = r
        .nodes
        .iter()
        .filter_map(|n| n.cache.as_ref())
        .fold((0, 0), |(h, m), c| (h + c.hits, m + c.misses));
    h as f64 / (h + m) as f64
}

#[test]
fn key_hash_routing_restores_the_hit_ratio_of_local_caches() {
    let random = hit_ratio(&run(&local_caches("random")));
    let keyed = hit_ratio(&run(&local_caches("key_hash")));
    // Random routing makes each local cache hold copies of the same hot keys; key hashing partitions them,
    // so the three caches act as one three times larger.
    assert!(keyed > random + 0.08, "key hash {keyed:.3} vs random {random:.3}");
}

/// client -> app -> [cache ->] db, with a database that cannot keep up on its own.
fn with_cache(cache: Option<&str>) -> Value {
    let mut nodes = vec![
        json!({"id": "c", "spec": {"kind": "client"}}),
        json!({"id": "app", "spec": {"kind": "service", "workers": 64, "service_time": exp(1.0)}}),
        json!({"id": "db", "spec": {"kind": "database", "workers": 4, "queue_capacity": 200, "service_time": exp(10.0)}}),
    ];
    let mut edges = vec![json!({"from": "c", "to": "app"})];
    match cache {
        Some(policy) => {
            nodes.push(json!({"id": "cache", "spec": {"kind": "cache", "capacity": 100, "policy": policy}}));
            edges.push(json!({"from": "app", "to": "cache"}));
            edges.push(json!({"from": "cache", "to": "db"}));
        }
        None => edges.push(json!({"from": "app", "to": "db"})),
    }
    json!({
        "version": 1, "duration_ms": 20000, "nodes": nodes, "edges": edges,
        "workload": {"arrival": {"type": "poisson", "rate_rps": 600}, "keys": {"type": "zipf", "count": 10000, "alpha": 1.0}}
    })
}

#[test]
fn a_cache_in_front_of_the_database_raises_throughput_and_lowers_p99() {
    let bare = run(&with_cache(None));
    let cached = run(&with_cache(Some("lru")));
    // 600/s offered to a database that serves 400/s: without a cache it sheds load and queues.
    assert!(
        cached.throughput_rps > 1.2 * bare.throughput_rps,
        "{} vs {}",
        cached.throughput_rps,
        bare.throughput_rps
    );
    assert!(
        cached.latency_ms.p99 < 0.5 * bare.latency_ms.p99,
        "{} vs {}",
        cached.latency_ms.p99,
        bare.latency_ms.p99
    );
}

#[test]
fn every_online_policy_runs_in_a_cache_node() {
    for policy in [
        "fifo", "lifo", "lru", "mru", "lfu", "random", "clock", "sieve", "s3fifo", "arc", "tinylfu",
    ] {
        let r = run(&with_cache(Some(policy)));
        let c = r.nodes.iter().find_map(|n| n.cache.as_ref()).unwrap();
        assert!(c.hits > 0 && c.misses > 0, "{policy}: {c:?}");
    }
    let belady = with_cache(Some("belady")).to_string();
    assert!(
        scenario::load(&belady).is_err(),
        "Belady needs the future; a live cache cannot run it"
    );
}

#[test]
fn sieve_beats_lru_in_the_engine_too() {
    let lru = hit_ratio(&run(&with_cache(Some("lru"))));
    let sieve = hit_ratio(&run(&with_cache(Some("sieve"))));
    assert!(sieve > lru + 0.03, "sieve {sieve:.3} vs lru {lru:.3}");
}
