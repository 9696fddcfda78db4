//! Engine behaviour: determinism, faults, timeouts and retries, bounded queues, caches, queues, loss, DNS,
//! runtime commands and the hop stream. Each test asserts a direction with a margin, on a fixed seed.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use switchyard_core::engine::{CommandError, HopKind};
use switchyard_core::metrics::Report;
use switchyard_core::scenario;
use switchyard_core::{presets, Command, Event, Sim, SimTime};

fn sim(v: &Value, seed: u64) -> Sim {
    let (s, _) = scenario::load(&v.to_string()).unwrap();
    Sim::new(&s, seed).unwrap()
}

fn run(v: &Value, seed: u64) -> Report {
    let mut s = sim(v, seed);
    s.run_to_end();
    s.report()
}

fn exp(ms: f64) -> Value {
    json!({"type": "exponential", "mean_ms": ms})
}

/// client -> lb -> three services, with an optional client timeout and retry policy.
fn lb_three(rate: f64, client: Value) -> Value {
    json!({
        "version": 1, "duration_ms": 20000,
        "nodes": [
            {"id": "c", "spec": client},
            {"id": "lb", "spec": {"kind": "load_balancer"}},
            {"id": "s1", "spec": {"kind": "service", "workers": 4, "service_time": exp(10.0)}},
            {"id": "s2", "spec": {"kind": "service", "workers": 4, "service_time": exp(10.0)}},
            {"id": "s3", "spec": {"kind": "service", "workers": 4, "service_time": exp(10.0)}}
        ],
        "edges": [
            {"from": "c", "to": "lb", "latency": {"type": "constant", "ms": 1}},
            {"from": "lb", "to": "s1"}, {"from": "lb", "to": "s2"}, {"from": "lb", "to": "s3"}
        ],
        "workload": {"arrival": {"type": "poisson", "rate_rps": rate}}
    })
}

#[test]
fn same_seed_same_bytes_other_seed_other_run() {
    let text = presets::get("04-cache").unwrap();
    let (s, _) = scenario::load(text).unwrap();
    let report = |seed| {
        let mut sim = Sim::new(&s, seed).unwrap();
        sim.run_to_end();
        sim.report().to_json_pretty()
    };
    assert_eq!(report(5), report(5));
    assert_ne!(report(5), report(6));
}

#[test]
fn a_crashed_backend_refuses_until_it_recovers() {
    let mut v = lb_three(300.0, json!({"kind": "client"}));
    v["faults"] = json!([
        {"action": "crash", "at_ms": 5000, "node": "s2"},
        {"action": "recover", "at_ms": 10000, "node": "s2"}
    ]);
    let mut s = sim(&v, 3);
    s.advance_to(SimTime::from_millis(5000));
    assert_eq!(s.report().failed, 0, "no errors before the crash");
    s.advance_to(SimTime::from_millis(9999));
    assert!(!s.is_up(3), "s2 is down");
    let during = s.report();
    // Round robin keeps sending a third of the traffic to the dead server (no health checks yet).
    let share = during.failed_by_reason.refused as f64 / (300.0 * 5.0);
    assert!((share - 1.0 / 3.0).abs() < 0.05, "refused share while down: {share}");
    s.advance_to(SimTime::from_millis(10500));
    let at_recovery = s.report().failed;
    s.run_to_end();
    let after = s.report();
    assert_eq!(after.failed, at_recovery, "errors stop once the server is back");
    let log: Vec<String> = s.drain_log().iter().map(|e| e.describe(s.topology())).collect();
    assert!(log.iter().any(|l| l.contains("s2 crashed")), "{log:?}");
    assert!(log.iter().any(|l| l.contains("s2 recovered")), "{log:?}");
}

#[test]
fn a_crash_fails_the_requests_the_node_was_holding() {
    let mut v = lb_three(300.0, json!({"kind": "client"}));
    v["nodes"][3]["spec"]["service_time"] = json!({"type": "constant", "ms": 500});
    v["faults"] = json!([{"action": "crash", "at_ms": 5000, "node": "s2"}]);
    let r = run(&v, 4);
    assert!(r.failed_by_reason.crashed > 0, "{:?}", r.failed_by_reason);
}

#[test]
fn timeouts_and_retries_amplify_load_into_a_storm() {
    // Offered load 1.5x capacity: without retries some requests time out; with aggressive retries the
    // attempts multiply and the goodput does not improve.
    let base = json!({"kind": "client", "timeout_ms": 200});
    let retrying = json!({"kind": "client", "timeout_ms": 200,
        "retry": {"max_retries": 3, "backoff_base_ms": 1, "backoff_max_ms": 5, "jitter": "none"}});
    let calm = run(&lb_three(1800.0, base), 7);
    let storm = run(&lb_three(1800.0, retrying), 7);
    assert!(calm.failed_by_reason.timeout > 0);
    assert_eq!(calm.retries, 0);
    assert!(
        storm.retries > calm.failed_by_reason.timeout,
        "{} retries",
        storm.retries
    );
    assert!(
        storm.attempts as f64 > 1.3 * storm.issued as f64,
        "{} attempts for {} calls",
        storm.attempts,
        storm.issued
    );
    assert!(storm.completed as f64 <= calm.completed as f64 * 1.05);
}

#[test]
fn retries_recover_from_a_flaky_network() {
    let mut v = lb_three(
        200.0,
        json!({"kind": "client", "timeout_ms": 100, "retry": {"max_retries": 5}}),
    );
    v["edges"][0]["loss"] = json!(0.2);
    let r = run(&v, 8);
    let mut no_retry = v.clone();
    no_retry["nodes"][0]["spec"] = json!({"kind": "client", "timeout_ms": 100});
    let n = run(&no_retry, 8);
    let fail = |r: &Report| r.failed as f64 / r.issued as f64;
    // Each attempt crosses the lossy link twice: success 0.64 per attempt, so about 36% fail without retries.
    assert!((fail(&n) - 0.36).abs() < 0.03, "{}", fail(&n));
    assert!(fail(&r) < 0.01, "{}", fail(&r));
}

#[test]
fn loss_without_a_timeout_counts_lost_calls() {
    let mut v = lb_three(100.0, json!({"kind": "client"}));
    v["edges"][0]["loss"] = json!(0.5);
    let r = run(&v, 9);
    assert!(r.failed_by_reason.lost > 0);
    assert_eq!(r.completed + r.failed, r.issued);
}

#[test]
fn a_full_bounded_queue_drops() {
    let v = json!({
        "version": 1, "duration_ms": 10000,
        "nodes": [
            {"id": "c", "spec": {"kind": "client"}},
            {"id": "s", "spec": {"kind": "service", "workers": 1, "queue_capacity": 5, "service_time": exp(10.0)}}
        ],
        "edges": [{"from": "c", "to": "s"}],
        "workload": {"arrival": {"type": "poisson", "rate_rps": 200}}
    });
    let r = run(&v, 10);
    // Twice the capacity offered: about half must be turned away.
    let dropped = r.failed_by_reason.queue_full as f64 / r.issued as f64;
    assert!(dropped > 0.4 && dropped < 0.6, "{dropped}");
    assert!(r.nodes[1].max_queue <= 5);
    assert_eq!(r.nodes[1].dropped, r.failed_by_reason.queue_full);
}

#[test]
fn a_cache_raises_throughput_and_cuts_database_load() {
    let with_cache = run(&serde_json::from_str(presets::get("04-cache").unwrap()).unwrap(), 1);
    let cache = with_cache.nodes.iter().find(|n| n.id == "cache").unwrap();
    let c = cache.cache.as_ref().unwrap();
    assert!(c.hit_ratio > 0.5, "hit ratio {}", c.hit_ratio);
    let db = with_cache.nodes.iter().find(|n| n.id == "db").unwrap();
    // Only misses and writes reach the database.
    assert_eq!(db.arrivals, c.misses + with_cache.issued - c.hits - c.misses);
}

#[test]
fn a_queue_acknowledges_at_once_and_workers_drain_it() {
    let r = run(
        &serde_json::from_str(presets::get("08-queue-workers").unwrap()).unwrap(),
        2,
    );
    let t = r.tasks.as_ref().unwrap();
    assert_eq!(t.enqueued, r.completed);
    assert_eq!(t.completed, t.enqueued, "every task finishes once arrivals stop");
    // Producers wait for the enqueue only; the 40 ms job runs afterwards.
    assert!(
        r.latency_ms.mean < t.mean_latency_ms,
        "{} vs {}",
        r.latency_ms.mean,
        t.mean_latency_ms
    );
}

#[test]
fn dns_ttl_cache_cuts_resolutions() {
    let mk = |ttl: Option<f64>| {
        let mut client = json!({"kind": "client"});
        if let Some(t) = ttl {
            client["dns_ttl_ms"] = json!(t);
        }
        json!({
            "version": 1, "duration_ms": 10000,
            "nodes": [
                {"id": "c", "spec": client},
                {"id": "dns", "spec": {"kind": "dns", "workers": 8, "service_time": {"type": "constant", "ms": 2}}},
                {"id": "s", "spec": {"kind": "service", "workers": 8, "service_time": exp(5.0)}}
            ],
            "edges": [{"from": "c", "to": "dns"}, {"from": "c", "to": "s"}],
            "workload": {"arrival": {"type": "poisson", "rate_rps": 100}}
        })
    };
    let always = run(&mk(None), 3);
    let cached = run(&mk(Some(1000.0)), 3);
    assert_eq!(always.nodes[1].arrivals, always.issued);
    // About one resolution per TTL window (10 in 10 s), plus requests that arrive while a refresh is still
    // in flight and resolve again (there is no coalescing): two orders of magnitude fewer than 1,000.
    let n = cached.nodes[1].arrivals;
    assert!((10..=20).contains(&n), "{n}");
    assert!(cached.latency_ms.mean < always.latency_ms.mean);
}

#[test]
fn runtime_commands_apply_at_their_time_and_reject_the_past() {
    let v = lb_three(100.0, json!({"kind": "client"}));
    let mut s = sim(&v, 5);
    s.apply(
        SimTime::from_millis(2000),
        Command::SetRate {
            node: 0,
            rate_rps: 400.0,
        },
    )
    .unwrap();
    s.advance_to(SimTime::from_millis(4000));
    let r = s.report();
    // 2 s at 100/s plus 2 s at 400/s.
    assert!((r.issued as f64 - 1000.0).abs() < 100.0, "{}", r.issued);
    assert_eq!(
        s.apply(SimTime::from_millis(1000), Command::Crash { node: 1 }),
        Err(CommandError::InThePast {
            now: SimTime::from_millis(4000),
            at: SimTime::from_millis(1000)
        })
    );
    assert_eq!(
        s.apply(SimTime::from_millis(5000), Command::Crash { node: 99 }),
        Err(CommandError::UnknownNode(99))
    );
    assert!(matches!(
        s.apply(SimTime::from_millis(5000), Command::SetRate { node: 1, rate_rps: 5.0 }),
        Err(CommandError::NotAClient(1))
    ));
}

#[test]
fn the_hop_stream_follows_requests_and_samples_deterministically() {
    let v = lb_three(200.0, json!({"kind": "client"}));
    let hops = |every| {
        let mut s = sim(&v, 6);
        s.set_hop_sampling(every);
        s.run_to_end();
        let issued = s.report().issued;
        let hops: Vec<_> = s
            .drain_events()
            .into_iter()
            .filter_map(|e| match e {
                Event::Hop(h) => Some(h),
                Event::Log(_) => None,
            })
            .collect();
        (issued, hops)
    };
    let (issued, all) = hops(1);
    // client->lb, lb->s, s->lb, lb->client: four hops per request.
    assert_eq!(all.len() as u64, 4 * issued);
    assert!(all.iter().all(|h| h.arrive >= h.depart));
    assert_eq!(
        all.iter().filter(|h| h.kind == HopKind::Request).count() as u64,
        2 * issued
    );
    let (_, tenth) = hops(10);
    let share = tenth.len() as f64 / all.len() as f64;
    assert!((share - 0.1).abs() < 0.02, "{share}");
    assert_eq!(hops(10).1, tenth);
    assert!(hops(0).1.is_empty());
}

#[test]
fn time_series_buckets_cover_the_run() {
    let mut v = lb_three(200.0, json!({"kind": "client"}));
    v["metrics"] = json!({"bucket_ms": 1000});
    let mut s = sim(&v, 2);
    s.run_to_end();
    let series = &s.metrics().series;
    assert!(series.len() >= 19, "{}", series.len());
    let total: u64 = series.iter().map(|b| b.completed).sum();
    assert!(total <= s.report().completed);
    let mid = &series[10];
    assert!((mid.throughput_rps - 200.0).abs() < 50.0, "{}", mid.throughput_rps);
    assert_eq!(mid.utilization.len(), 5);
    assert!(
        mid.utilization[2] > 0.05 && mid.utilization[2] < 0.35,
        "{:?}",
        mid.utilization
    );
}
