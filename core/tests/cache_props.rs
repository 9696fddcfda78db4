//! Property tests of the cache node under random configurations, crashes and message loss: every call ends
//! (no request is left parked behind a fetch that will never answer), the counts add up, write-through never
//! loses a write, and the same seed gives the same report.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use serde_json::{json, Value};
use switchyard_core::metrics::Report;
use switchyard_core::{scenario, Sim};

#[derive(Debug, Clone)]
struct Cfg {
    write: &'static str,
    aside: bool,
    coalesce: bool,
    invalidate: bool,
    ttl: Option<f64>,
    loss: f64,
    crash_at: f64,
    capacity: u64,
}

fn cfg() -> impl Strategy<Value = Cfg> {
    (
        prop::sample::select(vec!["write_around", "write_through", "write_back"]),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::option::of(50.0..500.0f64),
        prop::sample::select(vec![0.0, 0.02, 0.1]),
        100.0..1500.0f64,
        1..200u64,
    )
        .prop_map(
            |(write, aside, coalesce, invalidate, ttl, loss, crash_at, capacity)| Cfg {
                write,
                // A cache-aside cache cannot write back.
                aside: aside && write != "write_back",
                coalesce,
                invalidate,
                ttl,
                loss,
                crash_at,
                capacity,
            },
        )
}

/// client -> lb -> two apps, each with its own cache over one database; cache1 crashes and recovers, then
/// the database does.
fn scenario(c: &Cfg) -> Value {
    let mut nodes = vec![
        json!({"id": "c", "spec": {"kind": "client"}}),
        json!({"id": "lb", "spec": {"kind": "load_balancer", "strategy": "random"}}),
        json!({"id": "db", "spec": {"kind": "database", "workers": 32,
            "service_time": {"type": "exponential", "mean_ms": 8}}}),
    ];
    let mut edges = vec![json!({"from": "c", "to": "lb"})];
    for i in 1..=2 {
        let mut spec = json!({"kind": "cache", "capacity": c.capacity, "write": c.write,
            "coalesce": c.coalesce, "invalidate": c.invalidate,
            "service_time": {"type": "constant", "ms": 0.2}});
        if c.aside {
            spec["read"] = json!("cache_aside");
        }
        if c.write == "write_back" {
            spec["flush_ms"] = json!(100);
        }
        if let Some(t) = c.ttl {
            spec["ttl_ms"] = json!(t);
        }
        let lossy = json!({"type": "constant", "ms": 1});
        nodes.push(
            json!({"id": format!("app{i}"), "spec": {"kind": "service", "workers": 16,
            "service_time": {"type": "exponential", "mean_ms": 1}}}),
        );
        nodes.push(json!({"id": format!("cache{i}"), "spec": spec}));
        edges.push(json!({"from": "lb", "to": format!("app{i}")}));
        edges.push(json!({"from": format!("app{i}"), "to": format!("cache{i}"), "latency": lossy, "loss": c.loss}));
        if c.aside {
            edges.push(json!({"from": format!("app{i}"), "to": "db", "latency": lossy, "loss": c.loss}));
        } else {
            edges.push(json!({"from": format!("cache{i}"), "to": "db", "latency": lossy, "loss": c.loss}));
        }
    }
    json!({
        "version": 1, "duration_ms": 2000, "nodes": nodes, "edges": edges,
        "workload": {"arrival": {"type": "poisson", "rate_rps": 800},
                     "keys": {"type": "zipf", "count": 50, "alpha": 1.0},
                     "mix": {"api_read": 0.7, "api_write": 0.3}},
        "faults": [{"action": "crash", "at_ms": c.crash_at, "node": "cache1"},
                   {"action": "recover", "at_ms": c.crash_at + 200.0, "node": "cache1"},
                   {"action": "crash", "at_ms": c.crash_at + 300.0, "node": "db"},
                   {"action": "recover", "at_ms": c.crash_at + 400.0, "node": "db"}]
    })
}

fn run(v: &Value, seed: u64) -> Report {
    let (s, _) = scenario::load(&v.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Sim::new(&s, seed).unwrap();
    sim.run_to_end();
    sim.report()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn every_call_ends_and_the_counts_add_up(c in cfg(), seed in 0..1000u64) {
        let v = scenario(&c);
        let r = run(&v, seed);
        prop_assert_eq!(r.in_flight, 0, "{:?}", c);
        prop_assert_eq!(r.issued, r.completed + r.failed);
        prop_assert!(r.completed > 0);
        for n in r.nodes.iter().filter(|n| n.cache.is_some()) {
            let k = n.cache.as_ref().unwrap();
            prop_assert!(k.stale_reads <= k.hits);
            prop_assert!(k.coalesced <= k.misses);
            if c.write != "write_back" {
                prop_assert_eq!(k.lost_writes, 0, "{}: {:?}", n.id, k);
            }
            if c.aside {
                prop_assert_eq!(k.origin_requests, 0);
            }
        }
        prop_assert_eq!(run(&v, seed), r);
    }
}
