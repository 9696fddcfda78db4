//! Load balancing in the engine: strategies against each other, active health checks with their detection
//! delay, passive outlier ejection, a redundant load-balancer pair, smart clients and geographic routing.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use switchyard_core::metrics::Report;
use switchyard_core::{scenario, Sim, SimTime};

fn sim(v: &Value, seed: u64) -> Sim {
    let (s, _) = scenario::load(&v.to_string()).unwrap_or_else(|e| panic!("{e}"));
    Sim::new(&s, seed).unwrap()
}

fn service(id: &str, mean_ms: f64) -> Value {
    json!({"id": id, "spec": {"kind": "service", "workers": 8, "service_time": {"type": "exponential", "mean_ms": mean_ms}}})
}

/// client -> lb -> s1, s2, s3.
fn lb(strategy: &str, lb_extra: Value, rate: f64, s1_ms: f64) -> Value {
    let mut spec = json!({"kind": "load_balancer", "strategy": strategy});
    if let Value::Object(m) = lb_extra {
        for (k, v) in m {
            spec[k] = v;
        }
    }
    json!({
        "version": 1, "duration_ms": 20000,
        "nodes": [{"id": "c", "spec": {"kind": "client"}}, {"id": "lb", "spec": spec},
                  service("s1", s1_ms), service("s2", 5.0), service("s3", 5.0)],
        "edges": [{"from": "c", "to": "lb"}, {"from": "lb", "to": "s1", "latency": {"type": "constant", "ms": 1}},
                  {"from": "lb", "to": "s2", "latency": {"type": "constant", "ms": 1}},
                  {"from": "lb", "to": "s3", "latency": {"type": "constant", "ms": 1}}],
        "workload": {"arrival": {"type": "poisson", "rate_rps": rate}}
    })
}

fn share(r: &Report, id: &str) -> f64 {
    let total: u64 = r.nodes.iter().filter(|n| n.kind == "service").map(|n| n.arrivals).sum();
    r.nodes.iter().find(|n| n.id == id).unwrap().arrivals as f64 / total as f64
}

fn run(v: &Value, seed: u64) -> Report {
    let mut s = sim(v, seed);
    s.run_to_end();
    s.report()
}

#[test]
fn least_response_time_sends_a_slow_backend_less_than_round_robin() {
    let rr = run(&lb("round_robin", json!({}), 600.0, 40.0), 1);
    let lrt = run(&lb("least_response_time", json!({}), 600.0, 40.0), 1);
    let (a, b) = (share(&rr, "s1"), share(&lrt, "s1"));
    assert!(
        (a - 1.0 / 3.0).abs() < 0.01,
        "round robin gives the slow server its third: {a}"
    );
    assert!(
        b < 0.5 * a,
        "least response time sends the slow server {b}, round robin {a}"
    );
    assert!(lrt.latency_ms.mean < rr.latency_ms.mean);
}

#[test]
fn least_connections_and_power_of_two_also_avoid_the_slow_backend() {
    for strategy in ["least_connections", "power_of_two"] {
        let r = run(&lb(strategy, json!({}), 600.0, 40.0), 2);
        assert!(share(&r, "s1") < 0.30, "{strategy}: {}", share(&r, "s1"));
    }
}

#[test]
fn weighted_round_robin_follows_edge_weights() {
    let mut v = lb("weighted_round_robin", json!({}), 500.0, 5.0);
    v["edges"][1]["weight"] = json!(3);
    let r = run(&v, 3);
    assert!((share(&r, "s1") - 0.6).abs() < 0.01, "{}", share(&r, "s1"));
    assert!((share(&r, "s2") - 0.2).abs() < 0.01, "{}", share(&r, "s2"));
}

#[test]
fn source_hash_pins_one_client_to_one_backend() {
    let r = run(&lb("source_hash", json!({}), 300.0, 5.0), 4);
    let shares: Vec<f64> = ["s1", "s2", "s3"].iter().map(|s| share(&r, s)).collect();
    assert!(shares.contains(&1.0), "{shares:?}");
}

/// Failed calls and arrivals at `node` in the window (a, b] of virtual milliseconds.
fn window(v: &Value, seed: u64, node: usize, cuts: &[u64]) -> Vec<(u64, u64)> {
    let mut s = sim(v, seed);
    let mut out = Vec::new();
    let mut last = (0, 0);
    for &t in cuts {
        s.advance_to(SimTime::from_millis(t));
        let r = s.report();
        let now = (r.failed, r.nodes[node].arrivals);
        out.push((now.0 - last.0, now.1 - last.1));
        last = now;
    }
    out
}

#[test]
fn active_health_checks_stop_errors_within_the_detection_window_and_restore_traffic() {
    // Probes every 500 ms, down after 3 failures, up after 2 successes. s2 crashes at 5 s, recovers at 10 s.
    let mut v = lb(
        "round_robin",
        json!({"health_check": {"interval_ms": 500, "timeout_ms": 100, "rise": 2, "fall": 3}}),
        300.0,
        5.0,
    );
    v["faults"] =
        json!([{"action": "crash", "at_ms": 5000, "node": "s2"}, {"action": "recover", "at_ms": 10000, "node": "s2"}]);
    // Windows: [0,5000] [5000,6500] [6500,10000] [10000,11000] [11000,20000].
    let w = window(&v, 5, 3, &[5000, 6500, 10000, 11000, 20000]);
    assert_eq!(w[0].0, 0, "no errors before the crash");
    assert!(w[1].0 > 0, "the crash costs errors until the checks notice: {w:?}");
    // Detection takes at most interval x fall = 1.5 s after the crash.
    assert_eq!(w[2].0, 0, "errors stop within the detection window: {w:?}");
    assert_eq!(
        w[2].1, 0,
        "no traffic reaches the dead server once it is marked down: {w:?}"
    );
    // Back in rotation within interval x rise = 1 s of recovery.
    assert!(w[4].1 > 500, "traffic returns after recovery: {w:?}");
    assert_eq!(w[3].0 + w[4].0, 0);
}

#[test]
fn passive_ejection_limits_errors_without_probes() {
    let mut v = lb(
        "round_robin",
        json!({"outlier": {"consecutive_errors": 5, "ejection_ms": 30000}}),
        300.0,
        5.0,
    );
    v["faults"] = json!([{"action": "crash", "at_ms": 5000, "node": "s2"}]);
    let with = run(&v, 6);
    let mut plain = v.clone();
    plain["nodes"][1]["spec"] = json!({"kind": "load_balancer"});
    let without = run(&plain, 6);
    assert!(without.failed > 1000, "{}", without.failed);
    assert!(with.failed <= 10, "{}", with.failed);
}

#[test]
fn a_redundant_load_balancer_pair_fails_over() {
    // The client fronts two load balancers as an active/passive pair; lb1 dies at 5 s.
    let hc = json!({"interval_ms": 200, "timeout_ms": 100, "rise": 2, "fall": 3});
    let v = json!({
        "version": 1, "duration_ms": 15000,
        "nodes": [{"id": "c", "spec": {"kind": "client", "strategy": "failover", "health_check": hc}},
                  {"id": "lb1", "spec": {"kind": "load_balancer"}}, {"id": "lb2", "spec": {"kind": "load_balancer"}},
                  service("s1", 5.0), service("s2", 5.0)],
        "edges": [{"from": "c", "to": "lb1"}, {"from": "c", "to": "lb2"},
                  {"from": "lb1", "to": "s1"}, {"from": "lb1", "to": "s2"}, {"from": "lb2", "to": "s1"}, {"from": "lb2", "to": "s2"}],
        "workload": {"arrival": {"type": "poisson", "rate_rps": 200}},
        "faults": [{"action": "crash", "at_ms": 5000, "node": "lb1"}]
    });
    let w = window(&v, 7, 2, &[5000, 5700, 15000]);
    assert_eq!(w[0], (0, 0), "the passive LB idles while the active one is up: {w:?}");
    assert!(
        w[1].0 > 0,
        "the single point of failure costs errors until failover: {w:?}"
    );
    assert_eq!(w[2].0, 0, "no errors after failover: {w:?}");
    assert!(w[2].1 > 1500, "the passive LB carries the traffic: {w:?}");
}

#[test]
fn a_smart_client_balances_without_a_load_balancer() {
    let v = json!({
        "version": 1, "duration_ms": 10000,
        "nodes": [{"id": "c", "spec": {"kind": "client", "strategy": "least_connections"}},
                  service("s1", 40.0), service("s2", 5.0)],
        "edges": [{"from": "c", "to": "s1"}, {"from": "c", "to": "s2"}],
        "workload": {"arrival": {"type": "poisson", "rate_rps": 300}}
    });
    let r = run(&v, 8);
    assert_eq!(r.failed, 0);
    assert!(share(&r, "s1") < 0.35, "{}", share(&r, "s1"));
}

#[test]
fn geographic_routing_prefers_the_local_region_then_falls_back() {
    let hc = json!({"interval_ms": 200, "timeout_ms": 500, "rise": 2, "fall": 2});
    let v = json!({
        "version": 1, "duration_ms": 10000,
        "nodes": [{"id": "c", "region": "eu", "spec": {"kind": "client"}},
                  {"id": "lb", "spec": {"kind": "load_balancer", "strategy": "geographic", "health_check": hc}},
                  {"id": "us", "region": "us", "spec": {"kind": "service", "workers": 8}},
                  {"id": "ap", "region": "ap", "spec": {"kind": "service", "workers": 8}},
                  {"id": "eu", "region": "eu", "spec": {"kind": "service", "workers": 8}}],
        "edges": [{"from": "c", "to": "lb"},
                  {"from": "lb", "to": "us", "latency": {"type": "constant", "ms": 40}},
                  {"from": "lb", "to": "ap", "latency": {"type": "constant", "ms": 120}},
                  {"from": "lb", "to": "eu", "latency": {"type": "constant", "ms": 2}}],
        "workload": {"arrival": {"type": "poisson", "rate_rps": 100}},
        "faults": [{"action": "crash", "at_ms": 5000, "node": "eu"}]
    });
    let w_eu = window(&v, 9, 4, &[5000, 10000]);
    let w_us = window(&v, 9, 2, &[5000, 10000]);
    let w_ap = window(&v, 9, 3, &[5000, 10000]);
    assert_eq!(
        (w_us[0].1, w_ap[0].1),
        (0, 0),
        "all traffic stays in the client's region"
    );
    assert!(w_eu[0].1 > 400);
    assert!(w_us[1].1 > 400, "the nearest other region takes over: {w_us:?}");
    assert_eq!(w_ap[1].1, 0, "not the farthest: {w_ap:?}");
}

fn preset(name: &str) -> Value {
    serde_json::from_str(switchyard_core::presets::get(name).unwrap()).unwrap()
}

/// (failed, issued) in each window ending at `cuts` (virtual ms).
fn failures(v: &Value, seed: u64, cuts: &[u64]) -> Vec<(u64, u64)> {
    let mut s = sim(v, seed);
    let mut out = Vec::new();
    let mut last = (0, 0);
    for &t in cuts {
        s.advance_to(SimTime::from_millis(t));
        let r = s.report();
        out.push((r.failed - last.0, r.issued - last.1));
        last = (r.failed, r.issued);
    }
    out
}

#[test]
fn a_single_load_balancer_crash_fails_every_request_though_every_server_is_up() {
    // Preset 32: the only LB is down from 10 s to 20 s. Requests take ~45 ms, so windows start 200 ms late.
    let v = preset("32-lb-single-point");
    let w = failures(&v, 7, &[10_000, 10_200, 20_000, 20_200, 30_000]);
    assert_eq!(w[0].0, 0, "{w:?}");
    // Every request issued while the LB is down fails (attributed to the window its failure lands in, a few
    // ms later), plus the few it held when it crashed.
    assert!(w[1].0 + w[2].0 + w[3].0 >= w[1].1 + w[2].1, "{w:?}");
    assert!(w[2].0.abs_diff(w[2].1) <= 3, "{w:?}");
    assert!(w[2].1 > 2500, "{w:?}");
    assert_eq!(w[4].0, 0, "none once it is back: {w:?}");
    // The same crash with the passive LB of preset 33 costs only the detection window.
    let pair = preset("33-lb-active-passive");
    let p = failures(&pair, 7, &[10_000, 11_700, 30_000]);
    assert!(p[1].0 > 0, "{p:?}");
    // Three probes 500 ms apart: detection takes 1 to 1.5 s, so at most ~1.5 s of the 300/s traffic fails.
    assert!(p[1].0 < 500, "{p:?}");
    assert_eq!(p[2].0, 0, "{p:?}");
    assert!(
        w[2].0 > 5 * p[1].0,
        "a single LB's outage costs far more than the pair's failover"
    );
}

#[test]
fn the_load_balancing_presets_show_what_they_describe() {
    // 30: round robin gives the slow server its third; least response time and power of two steer away.
    let r = run(&preset("30-lb-slow-backend"), 7);
    let lane = |i: usize| {
        let a = |s: &str| r.nodes.iter().find(|n| n.id == format!("app{i}{s}")).unwrap().arrivals as f64;
        a("a") / (a("a") + a("b") + a("c"))
    };
    assert!((lane(1) - 1.0 / 3.0).abs() < 0.02, "round robin {}", lane(1));
    assert!(lane(2) < 0.1, "least response time {}", lane(2));
    assert!(lane(3) < 0.25, "power of two {}", lane(3));
    // 31: errors only inside the detection window after the crash; traffic back after recovery.
    let v = preset("31-web-server-fails");
    let w = failures(&v, 7, &[10_000, 13_100, 30_000]);
    assert_eq!(w[0].0, 0);
    assert!(w[1].0 > 100, "{w:?}");
    assert_eq!(w[2].0, 0, "{w:?}");
    let web2 = window(&v, 7, 3, &[20_000, 22_200, 30_000]);
    assert!(
        web2[2].1 > 700,
        "Web 2 is back in rotation after rise x interval: {web2:?}"
    );
    // 34: while Cache 2 is down (and marked down), its keys go to the others and nothing fails.
    let v = preset("34-consistent-hash");
    let w = failures(&v, 7, &[12_000, 13_200, 30_000]);
    assert_eq!((w[0].0, w[2].0), (0, 0), "{w:?}");
}
