//! Cache write policies, coherence, stampedes and placement in the engine: write-back loses acknowledged
//! writes when its cache crashes and write-through does not; switching invalidation off shows stale reads;
//! collapsed forwarding cuts a stampede's origin load; a distributed cache on a hash ring sends a dead
//! node's keys to the origin until the survivors repopulate. Each test asserts a direction with a margin.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use switchyard_core::metrics::{CacheReport, Report};
use switchyard_core::{scenario, Sim};

fn sim(v: &Value) -> Sim {
    let (s, _) = scenario::load(&v.to_string()).unwrap_or_else(|e| panic!("{e}"));
    Sim::new(&s, 11).unwrap()
}

fn run(v: &Value) -> Report {
    let mut sim = sim(v);
    sim.run_to_end();
    sim.report()
}

fn exp(ms: f64) -> Value {
    json!({"type": "exponential", "mean_ms": ms})
}

fn caches(r: &Report) -> Vec<&CacheReport> {
    r.nodes.iter().filter_map(|n| n.cache.as_ref()).collect()
}

fn node<'a>(r: &'a Report, id: &str) -> &'a switchyard_core::metrics::NodeReport {
    r.nodes.iter().find(|n| n.id == id).unwrap()
}

/// client -> app -> cache (with `write`) -> db; half the requests write; the cache crashes at 5 s.
fn crashing_cache(write: &str) -> Value {
    let mut cache = json!({"kind": "cache", "capacity": 2000, "write": write});
    if write == "write_back" {
        cache["flush_ms"] = json!(2000);
    }
    json!({
        "version": 1, "duration_ms": 10000,
        "nodes": [
            {"id": "c", "spec": {"kind": "client"}},
            {"id": "app", "spec": {"kind": "service", "workers": 64, "service_time": exp(1.0)}},
            {"id": "cache", "spec": cache},
            {"id": "db", "spec": {"kind": "database", "workers": 32, "service_time": exp(5.0)}}
        ],
        "edges": [{"from": "c", "to": "app"}, {"from": "app", "to": "cache"}, {"from": "cache", "to": "db"}],
        "workload": {"arrival": {"type": "poisson", "rate_rps": 400},
                     "keys": {"type": "zipf", "count": 1000, "alpha": 0.9},
                     "mix": {"api_read": 0.5, "api_write": 0.5}},
        "faults": [{"action": "crash", "at_ms": 5000, "node": "cache"},
                   {"action": "recover", "at_ms": 5500, "node": "cache"}]
    })
}

#[test]
fn write_back_loses_writes_when_its_cache_crashes_and_write_through_does_not() {
    let back = run(&crashing_cache("write_back"));
    let through = run(&crashing_cache("write_through"));
    let (b, t) = (caches(&back)[0], caches(&through)[0]);
    // ~200 writes/s over a 2 s flush window: hundreds of acknowledged writes sit dirty at the crash.
    assert!(b.lost_writes > 100, "write-back lost {}", b.lost_writes);
    assert_eq!(t.lost_writes, 0, "write-through acknowledges only what the origin has");
    // The price of write-through: every write reaches the database, where write-back coalesces them.
    let (bw, tw) = (node(&back, "db").arrivals, node(&through, "db").arrivals);
    assert!(
        tw as f64 > 1.3 * bw as f64,
        "db arrivals: write-through {tw}, write-back {bw}"
    );
}

/// client -> lb (random) -> two apps, each with a local cache, over one database; 20% writes.
fn two_local_caches(invalidate: bool) -> Value {
    let mut nodes = vec![
        json!({"id": "c", "spec": {"kind": "client"}}),
        json!({"id": "lb", "spec": {"kind": "load_balancer", "strategy": "random"}}),
        json!({"id": "db", "spec": {"kind": "database", "workers": 32, "service_time": exp(2.0)}}),
    ];
    let mut edges = vec![json!({"from": "c", "to": "lb"})];
    for i in 1..=2 {
        nodes.push(
            json!({"id": format!("app{i}"), "spec": {"kind": "service", "workers": 32, "service_time": exp(1.0)}}),
        );
        nodes.push(
            json!({"id": format!("cache{i}"), "spec": {"kind": "cache", "capacity": 500, "invalidate": invalidate}}),
        );
        edges.push(json!({"from": "lb", "to": format!("app{i}")}));
        edges.push(json!({"from": format!("app{i}"), "to": format!("cache{i}")}));
        edges.push(json!({"from": format!("cache{i}"), "to": "db"}));
    }
    json!({
        "version": 1, "duration_ms": 10000, "nodes": nodes, "edges": edges,
        "workload": {"arrival": {"type": "poisson", "rate_rps": 400},
                     "keys": {"type": "zipf", "count": 200, "alpha": 0.9},
                     "mix": {"api_read": 0.8, "api_write": 0.2}}
    })
}

fn stale(r: &Report) -> u64 {
    caches(r).iter().map(|c| c.stale_reads).sum()
}

#[test]
fn without_invalidation_other_caches_serve_stale_reads() {
    let coherent = run(&two_local_caches(true));
    let incoherent = run(&two_local_caches(false));
    let (s_on, s_off) = (stale(&coherent), stale(&incoherent));
    let hits: u64 = caches(&incoherent).iter().map(|c| c.hits).sum();
    // With invalidation only the fill race (a read fetched before a write, stored after it) is stale.
    assert!(
        s_off > 10 * s_on.max(1),
        "stale reads: invalidate off {s_off}, on {s_on}"
    );
    assert!(s_off as f64 > 0.1 * hits as f64, "{s_off} stale of {hits} hits");
}

/// A cold cache with a 1 s TTL in front of a slow database, 2000 reads/s over 10 hot keys.
fn stampede(coalesce: bool) -> Value {
    json!({
        "version": 1, "duration_ms": 5000, "metrics": {"bucket_ms": 100},
        "nodes": [
            {"id": "c", "spec": {"kind": "client"}},
            {"id": "cache", "spec": {"kind": "cache", "capacity": 100, "ttl_ms": 1000, "coalesce": coalesce}},
            {"id": "db", "spec": {"kind": "database", "workers": 500, "service_time": {"type": "constant", "ms": 100}}}
        ],
        "edges": [{"from": "c", "to": "cache"}, {"from": "cache", "to": "db"}],
        "workload": {"arrival": {"type": "poisson", "rate_rps": 2000}, "keys": {"type": "uniform", "count": 10}}
    })
}

#[test]
fn coalescing_cuts_origin_requests_in_a_stampede_at_least_fivefold() {
    let mut storm = sim(&stampede(false));
    storm.run_to_end();
    let mut calm = sim(&stampede(true));
    calm.run_to_end();
    let (s, c) = (storm.report(), calm.report());
    let (so, co) = (caches(&s)[0].origin_requests, caches(&c)[0].origin_requests);
    // Each expiry of a key sends every read of it in the next 100 ms to the database (~20), or just one.
    assert!(so >= 5 * co, "origin requests: {so} without coalescing, {co} with");
    assert!(caches(&c)[0].coalesced > 500, "{:?}", caches(&c)[0]);
    // The same in the time series: the first bucket (a cold cache) is the stampede's peak.
    let peak = |sim: &Sim| {
        sim.metrics()
            .series
            .iter()
            .filter_map(|b| b.origin_rps)
            .fold(0.0, f64::max)
    };
    assert!(peak(&storm) > 5.0 * peak(&calm), "{} vs {}", peak(&storm), peak(&calm));
    // Coalescing costs no correctness: every call completes either way.
    assert_eq!(s.failed + c.failed, 0);
}

/// client -> lb (consistent hash, health checked) -> three cache nodes -> db; cache2 crashes at 4 s.
fn ring_of_caches() -> Value {
    let mut nodes = vec![
        json!({"id": "c", "spec": {"kind": "client"}}),
        json!({"id": "ring", "spec": {"kind": "load_balancer", "strategy": "consistent_hash",
            "health_check": {"interval_ms": 100, "timeout_ms": 50, "fall": 2, "rise": 2}}}),
        json!({"id": "db", "spec": {"kind": "database", "workers": 64, "service_time": exp(5.0)}}),
    ];
    let mut edges = vec![json!({"from": "c", "to": "ring"})];
    for i in 1..=3 {
        nodes.push(json!({"id": format!("cache{i}"), "spec": {"kind": "cache", "capacity": 1000}}));
        edges.push(json!({"from": "ring", "to": format!("cache{i}")}));
        edges.push(json!({"from": format!("cache{i}"), "to": "db"}));
    }
    json!({
        "version": 1, "duration_ms": 12000, "metrics": {"bucket_ms": 500}, "nodes": nodes, "edges": edges,
        "workload": {"arrival": {"type": "poisson", "rate_rps": 1000}, "keys": {"type": "zipf", "count": 2000, "alpha": 0.8}},
        "faults": [{"action": "crash", "at_ms": 4000, "node": "cache2"}]
    })
}

#[test]
fn a_dead_cache_node_sends_its_keys_to_the_origin_until_the_ring_repopulates() {
    let mut s = sim(&ring_of_caches());
    s.run_to_end();
    let origin: Vec<f64> = s.metrics().series.iter().map(|b| b.origin_rps.unwrap()).collect();
    // Buckets of 500 ms: 3.0-4.0 s is warm, 4.0-5.0 s the failover, 10.0-11.0 s repopulated.
    let mean = |a: usize, b: usize| origin[a..b].iter().sum::<f64>() / (b - a) as f64;
    let (warm, failover, healed) = (mean(6, 8), mean(8, 10), mean(20, 22));
    assert!(
        failover > 1.5 * warm,
        "origin rps: warm {warm}, after the crash {failover}"
    );
    assert!(
        healed < 0.7 * failover,
        "origin rps: after the crash {failover}, repopulated {healed}"
    );
    let r = s.report();
    let survivors: u64 = ["cache1", "cache3"].iter().map(|id| node(&r, id).arrivals).sum();
    assert!(
        survivors > 8000,
        "the ring moved cache2's keys to the survivors: {survivors}"
    );
}

#[test]
fn stale_reads_are_a_hop_outcome_of_their_own() {
    use switchyard_core::engine::{Event, HopKind, Outcome};
    let mut s = sim(&two_local_caches(false));
    s.set_hop_sampling(1);
    let mut stale_hops = 0;
    while s.run_events(50_000) > 0 {
        for e in s.drain_events() {
            if let Event::Hop(h) = e {
                stale_hops += u64::from(h.kind == HopKind::Response(Outcome::Stale));
            }
        }
    }
    let counted = stale(&s.report());
    assert!(counted > 100, "{counted}");
    // Every stale read the caches counted left one stale response hop (all requests are sampled).
    assert_eq!(stale_hops, counted);
}

#[test]
fn flush_settings_on_a_cache_that_does_not_write_back_are_a_typed_error() {
    let mut v = crashing_cache("write_through");
    v["nodes"][2]["spec"]["flush_ms"] = json!(500);
    let Err(err) = scenario::load(&v.to_string()) else {
        panic!("flush_ms without write_back must be refused")
    };
    assert!(err.to_string().contains("flush_ms"), "{err}");
    v["nodes"][2]["spec"]["write"] = json!("write_back");
    assert!(scenario::load(&v.to_string()).is_ok());
    v["nodes"][2]["spec"]["read"] = json!("cache_aside");
    let Err(err) = scenario::load(&v.to_string()) else {
        panic!("a cache-aside cache cannot write back")
    };
    assert!(err.to_string().contains("write_back needs read_through"), "{err}");
}

fn preset(name: &str) -> Report {
    let mut s = Sim::from_json(switchyard_core::presets::get(name).unwrap()).unwrap();
    s.run_to_end();
    s.report()
}

#[test]
fn the_stampede_preset_shows_what_its_description_says() {
    let r = preset("21-cache-stampede");
    let (storm, calm) = (node(&r, "db_a").arrivals, node(&r, "db_b").arrivals);
    assert!(
        storm >= 3 * calm,
        "database fetches: {storm} without coalescing, {calm} with"
    );
    assert_eq!(r.failed, 0);
}

#[test]
fn the_write_policy_preset_shows_what_its_description_says() {
    let r = preset("22-cache-write-policies");
    let c = |id: &str| node(&r, id).cache.clone().unwrap();
    let db = |id: &str| node(&r, id).arrivals;
    assert!(c("cache_back").lost_writes > 20, "{:?}", c("cache_back"));
    assert_eq!(c("cache_around").lost_writes + c("cache_through").lost_writes, 0);
    assert!(db("db_back") < db("db_through") && db("db_back") < db("db_around"));
    assert!(c("cache_around").hit_ratio + 0.1 < c("cache_through").hit_ratio.min(c("cache_back").hit_ratio));
}

/// client -> app -> cache -> db (read-through), or app -> cache and app -> db (cache-aside); 1 ms links.
fn read_policy(read: &str) -> Value {
    let ms1 = json!({"type": "constant", "ms": 1});
    let mut edges = vec![
        json!({"from": "c", "to": "app"}),
        json!({"from": "app", "to": "cache", "latency": ms1}),
    ];
    if read == "cache_aside" {
        edges.push(json!({"from": "app", "to": "db", "latency": ms1}));
    } else {
        edges.push(json!({"from": "cache", "to": "db", "latency": ms1}));
    }
    json!({
        "version": 1, "duration_ms": 10000,
        "nodes": [
            {"id": "c", "spec": {"kind": "client"}},
            {"id": "app", "spec": {"kind": "service", "workers": 64, "service_time": exp(1.0)}},
            {"id": "cache", "spec": {"kind": "cache", "capacity": 300, "read": read}},
            {"id": "db", "spec": {"kind": "database", "workers": 32, "service_time": exp(2.0)}}
        ],
        "edges": edges,
        "workload": {"arrival": {"type": "poisson", "rate_rps": 300}, "keys": {"type": "zipf", "count": 3000, "alpha": 0.9}}
    })
}

#[test]
fn cache_aside_reads_the_database_from_the_service_and_costs_an_extra_trip_per_miss() {
    let aside = run(&read_policy("cache_aside"));
    let through = run(&read_policy("read_through"));
    let (a, t) = (caches(&aside)[0], caches(&through)[0]);
    // The service reads the database only after a miss, and stores each value it read.
    assert_eq!(node(&aside, "db").arrivals, a.misses);
    assert_eq!(node(&aside, "cache").arrivals, a.hits + 2 * a.misses);
    assert!(a.hit_ratio > 0.4, "{a:?}");
    // The same keys through the same policy: hit ratios agree within a few points.
    assert!(
        (a.hit_ratio - t.hit_ratio).abs() < 0.03,
        "{} vs {}",
        a.hit_ratio,
        t.hit_ratio
    );
    // A miss costs one more 2 ms round trip (the store) than read-through's.
    let extra = aside.latency_ms.mean - through.latency_ms.mean;
    let expect = 2.0 * (1.0 - a.hit_ratio);
    assert!(
        extra > 0.6 * expect && extra < 1.4 * expect,
        "extra {extra} ms, expected about {expect}"
    );
    assert_eq!(aside.failed, 0);
}

#[test]
fn the_eviction_policy_preset_shows_what_its_description_says() {
    let r = preset("23-cache-eviction-policies");
    let c = |id: &str| node(&r, id).cache.clone().unwrap();
    let lru = c("cache_lru").hit_ratio;
    for id in ["cache_sieve", "cache_s3fifo"] {
        assert!(c(id).hit_ratio > lru + 0.03, "{id} {} vs lru {lru}", c(id).hit_ratio);
        assert!(node(&r, &id.replace("cache", "db")).arrivals < node(&r, "db_lru").arrivals);
    }
}

#[test]
fn cache_aside_works_through_a_hash_ring_of_caches() {
    let ms1 = json!({"type": "constant", "ms": 1});
    let v = json!({
        "version": 1, "duration_ms": 10000,
        "nodes": [
            {"id": "c", "spec": {"kind": "client"}},
            {"id": "app", "spec": {"kind": "service", "workers": 64, "service_time": exp(1.0)}},
            {"id": "ring", "spec": {"kind": "load_balancer", "strategy": "consistent_hash"}},
            {"id": "cache1", "spec": {"kind": "cache", "capacity": 150, "read": "cache_aside"}},
            {"id": "cache2", "spec": {"kind": "cache", "capacity": 150, "read": "cache_aside"}},
            {"id": "db", "spec": {"kind": "database", "workers": 32, "service_time": exp(2.0)}}
        ],
        "edges": [
            {"from": "c", "to": "app"}, {"from": "app", "to": "ring", "latency": ms1},
            {"from": "ring", "to": "cache1"}, {"from": "ring", "to": "cache2"},
            {"from": "app", "to": "db", "latency": ms1}
        ],
        "workload": {"arrival": {"type": "poisson", "rate_rps": 300}, "keys": {"type": "zipf", "count": 3000, "alpha": 0.9}}
    });
    let r = run(&v);
    let cs = caches(&r);
    let (hits, misses) = cs.iter().fold((0, 0), |(h, m), c| (h + c.hits, m + c.misses));
    // Hits skip the database, every miss reads it once, and the ring sends each fill to the cache that missed
    // (so the two halves of the key space fill like one cache of 300).
    assert_eq!(node(&r, "db").arrivals, misses);
    assert!(
        hits as f64 > 0.4 * (hits + misses) as f64,
        "{hits} hits, {misses} misses"
    );
    let one = run(&read_policy("cache_aside"));
    assert!((caches(&one)[0].hit_ratio - hits as f64 / (hits + misses) as f64).abs() < 0.05);
}
