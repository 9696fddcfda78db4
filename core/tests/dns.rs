//! The client's DNS cache against theory: how many resolutions a TTL saves for constant-rate and Poisson
//! arrivals, and what a DNS outage does to clients with a cold, warm or expired cache.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use switchyard_core::metrics::Report;
use switchyard_core::{scenario, Sim, SimTime};

/// DNS round trip: a constant 0.1 ms lookup over zero-latency edges, so a refresh is (almost) never in
/// flight when the next request comes.
const DNS_MS: f64 = 0.1;

/// client (with a DNS TTL) -> dns, client -> service.
fn scenario(arrival: Value, ttl_ms: f64, duration_ms: f64, dns_extra: Value) -> Value {
    let mut dns = json!({"kind": "dns", "workers": 64, "service_time": {"type": "constant", "ms": DNS_MS}});
    if let Value::Object(m) = dns_extra {
        for (k, v) in m {
            dns[k] = v;
        }
    }
    json!({
        "version": 1, "duration_ms": duration_ms,
        "nodes": [{"id": "c", "spec": {"kind": "client", "dns_ttl_ms": ttl_ms}}, {"id": "dns", "spec": dns},
                  {"id": "s", "spec": {"kind": "service", "workers": 64,
                   "service_time": {"type": "constant", "ms": 1}}}],
        "edges": [{"from": "c", "to": "dns"}, {"from": "c", "to": "s"}],
        "workload": {"arrival": arrival}
    })
}

fn sim(v: &Value, seed: u64) -> Sim {
    let (s, _) = scenario::load(&v.to_string()).unwrap_or_else(|e| panic!("{e}"));
    Sim::new(&s, seed).unwrap()
}

fn run(v: &Value, seed: u64) -> Report {
    let mut s = sim(v, seed);
    s.run_to_end();
    s.report()
}

/// Requests per DNS query.
fn reduction(r: &Report) -> f64 {
    r.issued as f64 / r.nodes[1].arrivals as f64
}

/// The client caches an answer until `TTL` after it arrives, and resolves again on the first request that
/// finds it expired. With constant-rate arrivals every `g`, a query at `t0` covers the requests up to
/// `t0 + TTL + d` (d the DNS round trip), so one request in `ceil((TTL + d) / g)` resolves: the factor is
/// TTL x rate, rounded up (101 for 1 s at 100 req/s with d = 0.1 ms).
#[test]
fn constant_arrivals_resolve_once_per_ttl_window() {
    for (ttl, rate) in [(1000.0, 100.0), (500.0, 100.0), (2000.0, 20.0)] {
        let r = run(
            &scenario(json!({"type": "constant", "rate_rps": rate}), ttl, 100_000.0, json!({})),
            1,
        );
        let gap_ms = 1000.0 / rate;
        let per_query = ((ttl + DNS_MS) / gap_ms).ceil();
        let expected_queries = (r.issued as f64 / per_query).ceil();
        let queries = r.nodes[1].arrivals as f64;
        assert!(
            (queries - expected_queries).abs() <= 1.0,
            "TTL {ttl} ms at {rate}/s: {queries} queries for {} requests, expected {expected_queries}",
            r.issued
        );
        let factor = reduction(&r);
        let ideal = ttl / 1000.0 * rate;
        assert!(
            (factor / ideal - 1.0).abs() < 0.2,
            "factor {factor} vs TTL x rate {ideal}"
        );
        assert_eq!(r.failed, 0);
    }
}

/// Poisson arrivals at rate λ: a query at an arrival makes the answer valid for TTL + d; the next query is
/// the first arrival after that, which (memoryless) comes on average 1/λ later. So a renewal cycle holds
/// 1 + λ(TTL + d) requests on average, one of which queries: the factor is 1 + λ(TTL + d), that is
/// TTL x rate + 1 (51 for 1 s at 50 req/s).
#[test]
fn poisson_arrivals_resolve_once_per_renewal_cycle() {
    for (ttl, rate, seed) in [(1000.0, 50.0, 2), (250.0, 200.0, 3), (5000.0, 10.0, 4)] {
        let r = run(
            &scenario(json!({"type": "poisson", "rate_rps": rate}), ttl, 400_000.0, json!({})),
            seed,
        );
        let factor = reduction(&r);
        let theory = 1.0 + rate * (ttl + DNS_MS) / 1000.0;
        // Cycles are TTL plus an exponential gap, so their count barely varies; the request count is Poisson
        // (sd 0.3-1% here). 5% is several standard deviations.
        assert!(
            (factor / theory - 1.0).abs() < 0.05,
            "TTL {ttl} ms at {rate}/s: {factor} requests per query, theory {theory}"
        );
        let ideal = ttl / 1000.0 * rate;
        assert!(
            (factor / ideal - 1.0).abs() < 0.2,
            "factor {factor} vs TTL x rate {ideal}"
        );
    }
    // Without a TTL every request resolves.
    let mut v = scenario(json!({"type": "poisson", "rate_rps": 50}), 0.0, 20_000.0, json!({}));
    v["nodes"][0]["spec"] = json!({"kind": "client"});
    let r = run(&v, 2);
    assert_eq!(r.nodes[1].arrivals, r.issued);
}

/// Failed calls and calls issued in each window ending at `cuts` (virtual ms).
fn windows(v: &Value, cuts: &[u64]) -> Vec<(u64, u64)> {
    let mut s = sim(v, 1);
    let mut last = (0, 0);
    let mut out = Vec::new();
    for &t in cuts {
        s.advance_to(SimTime::from_millis(t));
        let r = s.report();
        out.push((r.failed - last.0, r.issued - last.1));
        last = (r.failed, r.issued);
    }
    out
}

#[test]
fn a_dns_outage_fails_requests_once_the_cached_answer_expires() {
    let arrival = json!({"type": "constant", "rate_rps": 100});
    // Cold cache: DNS is down from the start, so every request fails.
    let cold = run(&scenario(arrival.clone(), 2000.0, 5000.0, json!({"crash_at_ms": 0})), 1);
    assert_eq!(cold.completed, 0);
    assert_eq!(cold.failed_by_reason.refused, cold.issued);
    // Warm cache: resolutions at about 0, 2.01 and 4.02 s, the last valid until about 6.02 s. DNS dies at
    // 5 s: requests keep working on the cached answer, then all fail once it expires.
    let v = scenario(arrival, 2000.0, 10_000.0, json!({"crash_at_ms": 5000}));
    let w = windows(&v, &[5000, 6000, 6100, 10_000]);
    assert_eq!(w[0].0, 0, "{w:?}");
    assert_eq!(w[1], (0, 100), "the cached answer outlives the DNS server: {w:?}");
    assert_eq!(w[3].0, w[3].1, "after expiry every request needs DNS and fails: {w:?}");
    assert!(w[3].1 > 350, "{w:?}");
}
