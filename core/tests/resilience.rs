//! The resilience settings of issue #19 in the engine, against theory and against what the presets say:
//! retries multiply attempts as a truncated geometric series, a token bucket admits its rate, a sliding
//! window never admits more than its limit in a window, a retry storm is metastable without a budget and
//! recovers with one, a breaker walks its states in order, a bulkhead caps concurrency, propagated deadlines
//! save work, shedding bounds the wait, and the per-second series adds up to the report. Every statistical
//! check states its tolerance; every run has a fixed seed.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use switchyard_core::engine::LogKind;
use switchyard_core::metrics::{FailReason, Report};
use switchyard_core::resilience::BreakerState;
use switchyard_core::scenario;
use switchyard_core::{presets, Sim, SimTime};

fn sim(v: &Value, seed: u64) -> Sim {
    let (s, _) = scenario::load(&v.to_string()).unwrap();
    Sim::new(&s, seed).unwrap()
}

fn run(v: &Value, seed: u64) -> (Report, Sim) {
    let mut s = sim(v, seed);
    s.run_to_end();
    (s.report(), s)
}

fn constant(ms: f64) -> Value {
    json!({"type": "constant", "ms": ms})
}

fn node<'a>(r: &'a Report, id: &str) -> &'a switchyard_core::metrics::NodeReport {
    r.nodes.iter().find(|n| n.id == id).unwrap()
}

/// Mean attempts per call with independent failure chance `p` and `k` retries: 1 + p + ... + p^k.
fn mean_attempts(p: f64, k: u32) -> f64 {
    (1.0 - p.powi(k as i32 + 1)) / (1.0 - p)
}

/// `failed` out of `n` is within five binomial standard errors of `n q`.
fn assert_binomial(failed: u64, n: u64, q: f64, what: &str) {
    let expect = n as f64 * q;
    let sd = (n as f64 * q * (1.0 - q)).sqrt();
    assert!(
        (failed as f64 - expect).abs() <= 5.0 * sd,
        "{what}: {failed} failed of {n}, expected {expect:.1} ± {:.1} (5 sigma)",
        5.0 * sd
    );
}

const CASES: [(f64, u32); 3] = [(0.1, 3), (0.3, 2), (0.5, 3)];
const CALLS: u64 = 100_000;

// ----- retries against theory ------------------------------------------------------------------------------

/// A client retrying `k` times against a service that fails each attempt with chance `p`, with no queueing
/// and no timeouts: attempts per call are 1 + p + ... + p^k, and a call fails when all k + 1 attempts do.
#[test]
fn client_retries_follow_the_truncated_geometric_series() {
    for (i, (p, k)) in CASES.into_iter().enumerate() {
        let v = json!({
            "version": 1, "requests": CALLS,
            "nodes": [
                {"id": "c", "spec": {"kind": "client",
                    "retry": {"max_retries": k, "backoff_base_ms": 1, "backoff_max_ms": 1, "jitter": "none"}}},
                {"id": "s", "spec": {"kind": "service", "workers": 1000, "error_rate": p,
                    "service_time": constant(1.0)}}
            ],
            "edges": [{"from": "c", "to": "s", "latency": constant(1.0)}],
            "workload": {"arrival": {"type": "poisson", "rate_rps": 2000}}
        });
        let (r, _) = run(&v, 11 + i as u64);
        assert_eq!(r.issued, CALLS);
        assert_eq!(r.completed + r.failed, CALLS, "every call ends");
        let measured = r.attempts as f64 / r.issued as f64;
        let theory = mean_attempts(p, k);
        eprintln!(
            "client p={p} k={k}: attempts/call {measured:.4} (theory {theory:.4}), failed {}",
            r.failed
        );
        assert!(
            (measured / theory - 1.0).abs() < 0.02,
            "p={p} k={k}: {measured} attempts per call, theory {theory}"
        );
        assert_eq!(r.failed, r.failed_by_reason.error, "only errors fail calls");
        assert_binomial(r.failed, r.issued, p.powi(k as i32 + 1), &format!("client p={p} k={k}"));
    }
}

/// The same series on a service -> dependency edge whose call policy retries: the edge's attempts per call.
#[test]
fn call_policy_retries_follow_the_truncated_geometric_series() {
    for (i, (p, k)) in CASES.into_iter().enumerate() {
        let v = json!({
            "version": 1, "requests": CALLS,
            "nodes": [
                {"id": "c", "spec": {"kind": "client"}},
                {"id": "front", "spec": {"kind": "service", "workers": 1000, "service_time": constant(0.5)}},
                {"id": "dep", "spec": {"kind": "service", "workers": 1000, "error_rate": p,
                    "service_time": constant(1.0)}}
            ],
            "edges": [
                {"from": "c", "to": "front", "latency": constant(1.0)},
                {"from": "front", "to": "dep", "latency": constant(1.0),
                 "policy": {"retry": {"max_retries": k, "backoff_base_ms": 1, "backoff_max_ms": 1, "jitter": "none"}}}
            ],
            "workload": {"arrival": {"type": "poisson", "rate_rps": 2000}}
        });
        let (r, _) = run(&v, 21 + i as u64);
        assert_eq!(r.issued, CALLS);
        let e = &r.edges[0];
        assert_eq!((e.from.as_str(), e.to.as_str()), ("front", "dep"));
        assert_eq!(e.calls, CALLS, "one edge call per client call");
        assert_eq!(r.attempts, CALLS, "the client itself does not retry");
        let measured = e.attempts as f64 / e.calls as f64;
        let theory = mean_attempts(p, k);
        eprintln!(
            "edge p={p} k={k}: attempts/call {measured:.4} (theory {theory:.4}), failed {}",
            r.failed
        );
        assert!(
            (measured / theory - 1.0).abs() < 0.02,
            "p={p} k={k}: {measured} attempts per call, theory {theory}"
        );
        assert_eq!(e.retries, e.attempts - e.calls);
        assert_eq!(r.failed, r.failed_by_reason.error, "only errors fail calls");
        assert_binomial(r.failed, r.issued, p.powi(k as i32 + 1), &format!("edge p={p} k={k}"));
    }
}

// ----- rate limits against theory --------------------------------------------------------------------------

/// Clients sending `3 r` (Poisson) for 60 s to `entry`, which leads to a fast service `s`.
fn overload(r: f64, limiter: Option<Value>, rate_limit: Option<Value>) -> Value {
    let mut svc = json!({"kind": "service", "workers": 1000, "service_time": constant(1.0)});
    if let Some(l) = rate_limit {
        svc["rate_limit"] = l;
    }
    let mut nodes = vec![json!({"id": "c", "spec": {"kind": "client"}})];
    let mut edges = vec![];
    if let Some(l) = limiter {
        let mut spec = l;
        spec["kind"] = json!("rate_limiter");
        nodes.push(json!({"id": "limiter", "spec": spec}));
        edges.push(json!({"from": "c", "to": "limiter", "latency": constant(1.0)}));
        edges.push(json!({"from": "limiter", "to": "s", "latency": constant(1.0)}));
    } else {
        edges.push(json!({"from": "c", "to": "s", "latency": constant(1.0)}));
    }
    nodes.push(json!({"id": "s", "spec": svc}));
    json!({
        "version": 1, "duration_ms": 60000,
        "nodes": nodes, "edges": edges,
        "workload": {"arrival": {"type": "poisson", "rate_rps": 3.0 * r}}
    })
}

fn assert_admits_rate(admitted: u64, burst: f64, r: f64, what: &str) {
    let rate = (admitted as f64 - burst) / 60.0;
    eprintln!("{what} r={r}: admitted {admitted}, (admitted - burst)/60 = {rate:.2}");
    assert!((rate / r - 1.0).abs() < 0.01, "{what} r={r}: admits {rate}/s");
}

#[test]
fn a_token_bucket_admits_its_rate_under_overload() {
    for r in [100.0, 1000.0] {
        let burst = 10.0;
        let v = overload(r, Some(json!({"rate_rps": r, "burst": 10})), None);
        let (rep, s) = run(&v, 7);
        let lim = node(&rep, "limiter");
        let admitted = lim.arrivals - lim.rate_limited;
        assert_eq!(
            rep.failed, rep.failed_by_reason.rate_limited,
            "only the limiter fails calls"
        );
        assert_eq!(lim.rate_limited, rep.failed_by_reason.rate_limited);
        assert_eq!(node(&rep, "s").served, admitted, "what it admits reaches the service");
        assert_admits_rate(admitted, burst, r, "rate_limiter");
        // A bucket never admits more than its rate plus its burst in any second.
        // With constant latencies a second's successes are one second's admissions.
        for row in s.per_second() {
            assert!(
                row.throughput as f64 <= r + burst,
                "second {}: {} admitted",
                row.t_s,
                row.throughput
            );
        }
    }
}

#[test]
fn a_station_rate_limit_admits_its_rate_under_overload() {
    for r in [100.0, 1000.0] {
        let burst = 20.0;
        let v = overload(r, None, Some(json!({"rate_rps": r, "burst": 20})));
        let (rep, _) = run(&v, 8);
        let s = node(&rep, "s");
        let admitted = s.arrivals - s.rate_limited;
        assert_eq!(s.served, admitted, "what it admits it serves");
        assert_eq!(rep.failed, s.rate_limited);
        assert_admits_rate(admitted, burst, r, "station rate_limit");
    }
}

/// A sliding window of `window_ms` admits at most `r × window_ms / 1000` in any window. With constant
/// latencies and service time every admitted request completes a fixed delay later, so the successes of any
/// second are the admissions of a window of one second.
#[test]
fn a_sliding_window_never_admits_more_than_its_limit_per_window() {
    for r in [100.0, 1000.0] {
        let v = overload(
            r,
            Some(json!({"rate_rps": r, "algorithm": "sliding_window", "window_ms": 1000})),
            None,
        );
        let (rep, s) = run(&v, 9);
        let lim = node(&rep, "limiter");
        let admitted = lim.arrivals - lim.rate_limited;
        eprintln!("sliding window r={r}: admitted {admitted} over 60 s");
        assert!(admitted as f64 <= r * 60.0 + r, "admitted {admitted}");
        assert!(admitted as f64 >= 0.99 * r * 60.0, "admitted only {admitted}");
        let rows = s.per_second();
        let max = rows.iter().map(|r| r.throughput).max().unwrap();
        assert!(max as f64 <= r, "a second completed {max}");
        assert!(max as f64 >= 0.99 * r, "the window was never full: max {max}");
    }
}

// ----- the retry storm presets over 20 seeds ---------------------------------------------------------------

/// Per seed: goodput before the spike (mean over 5..20 s), and the per-second goodput.
fn storm(name: &str, seed: u64) -> (f64, Vec<u64>) {
    let (s, _) = scenario::load(presets::get(name).unwrap()).unwrap();
    let mut sim = Sim::new(&s, seed).unwrap();
    sim.run_to_end();
    let rows = sim.per_second();
    let good: Vec<u64> = rows.iter().map(|r| r.goodput).collect();
    assert!(good.len() >= 60, "{name} seed {seed}: {} rows", good.len());
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.t_s, i as u64);
    }
    let pre = good[5..20].iter().sum::<u64>() as f64 / 15.0;
    (pre, good)
}

fn last_third(good: &[u64]) -> f64 {
    good[40..60].iter().sum::<u64>() as f64 / 20.0
}

#[test]
fn a_retry_storm_without_a_budget_outlives_its_trigger_in_every_seed() {
    let mut worst: f64 = 0.0;
    for seed in 1..=20 {
        let (pre, good) = storm("60-retry-storm", seed);
        assert!(pre > 300.0, "seed {seed}: goodput before the spike {pre}");
        let ratio = last_third(&good) / pre;
        worst = worst.max(ratio);
        assert!(ratio < 0.2, "seed {seed}: last third at {ratio} of before");
        // The description says 0% in every seed.
        assert_eq!(
            ratio, 0.0,
            "seed {seed}: last third at {ratio} of before, the description says 0%"
        );
    }
    eprintln!("60: worst last-third goodput ratio over 20 seeds {worst}");
}

#[test]
fn a_retry_budget_lets_the_storm_die_in_every_seed() {
    let (mut first, mut last, mut lowest) = (u64::MAX, 0, f64::MAX);
    for seed in 1..=20 {
        let (pre, good) = storm("61-retry-storm-budget", seed);
        let back = (25..good.len()).find(|&t| good[t] as f64 >= 0.9 * pre);
        let back = back.unwrap_or_else(|| panic!("seed {seed}: goodput never back above 90% ({good:?})"));
        let ratio = last_third(&good) / pre;
        first = first.min(back as u64);
        last = last.max(back as u64);
        lowest = lowest.min(ratio);
        assert!(ratio >= 0.9, "seed {seed}: last third at {ratio} of before");
        // The description's figures: back by 31-38 s, at least 96% over the last third.
        assert!((31..=38).contains(&back), "seed {seed}: back above 90% at {back} s");
        assert!(ratio >= 0.96, "seed {seed}: last third at {ratio} of before");
    }
    eprintln!("61: back above 90% at {first}..={last} s; lowest last-third ratio {lowest:.4}");
}

// ----- the breaker and the bulkhead in the engine ---------------------------------------------------------

#[test]
fn the_breaker_walks_its_states_in_order_and_rejects_only_when_not_closed() {
    let (s, _) = scenario::load(presets::get("62-circuit-breaker").unwrap()).unwrap();
    let mut sim = Sim::new(&s, s.seed).unwrap();
    let edge = sim
        .topology()
        .edges
        .iter()
        .position(|e| e.policy.as_deref().is_some_and(|p| p.breaker.is_some()))
        .unwrap() as u32;
    // Step event by event and note when a call fails with circuit_open at the client. The answer takes the
    // users <- checkout edge's constant 5 ms, so the breaker rejected it exactly 5 ms earlier.
    let mut rejections = vec![];
    let mut seen = 0;
    while sim.run_events(1) > 0 {
        let now = sim.metrics().failed[FailReason::CircuitOpen as usize];
        for _ in seen..now {
            rejections.push(sim.now().0 - 5_000_000);
        }
        seen = now;
    }
    let report = sim.report();
    let log: Vec<(u64, BreakerState)> = sim
        .drain_log()
        .into_iter()
        .filter_map(|e| match e.kind {
            LogKind::Breaker { edge: e2, state } if e2 == edge => Some((e.at.0, state)),
            _ => None,
        })
        .collect();
    assert!(log.len() >= 3, "{log:?}");
    let mut state = BreakerState::Closed;
    for &(at, next) in &log {
        let ok = matches!(
            (state, next),
            (BreakerState::Closed, BreakerState::Open)
                | (BreakerState::Open, BreakerState::HalfOpen)
                | (BreakerState::HalfOpen, BreakerState::Open)
                | (BreakerState::HalfOpen, BreakerState::Closed)
        );
        assert!(ok, "at {at} ns: {state:?} -> {next:?}");
        state = next;
    }
    assert_eq!(state, BreakerState::Closed, "it ends closed");
    let e = &report.edges[0];
    assert_eq!(e.breaker.as_ref().unwrap().state, "closed");
    let opened = log.iter().filter(|(_, s)| *s == BreakerState::Open).count() as u64;
    assert_eq!(e.breaker.as_ref().unwrap().opened, opened);
    // Opened after the hang begins, closed for good after it ends.
    assert!(log[0].0 >= SimTime::from_millis(10000).0, "{log:?}");
    assert!(log.last().unwrap().0 >= SimTime::from_millis(25000).0, "{log:?}");
    // Every rejection falls while the breaker was not closed: after some opening, before the next closing.
    assert_eq!(rejections.len() as u64, e.circuit_open);
    assert!(!rejections.is_empty());
    let mut in_open = 0;
    for &t in &rejections {
        let before = log.iter().rev().find(|(at, _)| *at <= t);
        let state_then = before.map_or(BreakerState::Closed, |(_, s)| *s);
        assert_ne!(state_then, BreakerState::Closed, "rejected at {t} ns while closed");
        in_open += u64::from(state_then == BreakerState::Open);
    }
    eprintln!(
        "62: {} transitions, opened {opened} times; {} rejections, {in_open} while open, the rest while half-open",
        log.len(),
        rejections.len()
    );
    // The per-second series agrees with the log: a breaker is listed at a second's end exactly when the
    // log has it not closed then, and a second that the log has closed throughout (from 5 ms before its
    // start, for the answers still on their way) has no circuit_open failures.
    let state_at = |t: u64| {
        log.iter()
            .rev()
            .find(|(at, _)| *at < t)
            .map_or(BreakerState::Closed, |(_, s)| *s)
    };
    let name = format!("{}->{}", e.from, e.to);
    for row in sim.per_second() {
        let start = row.t_s * 1_000_000_000;
        let end = start + 1_000_000_000;
        assert_eq!(
            row.breakers.contains_key(name.as_str()),
            state_at(end) != BreakerState::Closed,
            "second {}: {:?}",
            row.t_s,
            row.breakers
        );
        let from = start - 5_000_000.min(start);
        let closed_throughout =
            state_at(from) == BreakerState::Closed && !log.iter().any(|(at, _)| (from..end).contains(at));
        if closed_throughout {
            assert!(
                !row.failed.contains_key("circuit_open"),
                "second {}: {:?}",
                row.t_s,
                row.failed
            );
        }
    }
}

/// client -> front (many workers) -> a slow dependency with two workers, optionally through a bulkhead.
fn bulkhead(max_concurrent: Option<u32>) -> Value {
    let mut policy = json!({"timeout_ms": 1000});
    if let Some(m) = max_concurrent {
        policy["max_concurrent"] = json!(m);
    }
    json!({
        "version": 1, "duration_ms": 5000,
        "nodes": [
            {"id": "c", "spec": {"kind": "client"}},
            {"id": "front", "spec": {"kind": "service", "workers": 100, "service_time": constant(1.0)}},
            {"id": "slow", "spec": {"kind": "service", "workers": 2, "service_time": constant(50.0)}}
        ],
        "edges": [
            {"from": "c", "to": "front", "latency": constant(1.0)},
            {"from": "front", "to": "slow", "latency": constant(1.0), "policy": policy}
        ],
        "workload": {"arrival": {"type": "poisson", "rate_rps": 100}}
    })
}

/// A dependency with two workers never queues when its only caller lets at most two attempts out at once:
/// a third concurrent request would have to wait. Without the bulkhead it does queue.
#[test]
fn a_bulkhead_caps_the_calls_in_flight_to_a_slow_dependency() {
    let (with, _) = run(&bulkhead(Some(2)), 4);
    let slow = node(&with, "slow");
    let e = &with.edges[0];
    eprintln!(
        "bulkhead: {} calls, {} bulkhead_full, slow max_queue {} utilization {}",
        e.calls, e.bulkhead_full, slow.max_queue, slow.utilization
    );
    assert!(e.bulkhead_full > 0);
    assert_eq!(with.failed_by_reason.bulkhead_full, e.bulkhead_full);
    assert_eq!(slow.max_queue, 0, "never more than two at the dependency");
    assert!(slow.utilization <= 1.0);
    assert_eq!(slow.arrivals, e.attempts, "rejected attempts are never sent");
    assert_eq!(
        e.calls,
        e.attempts + e.bulkhead_full,
        "no retries: a call is sent or rejected"
    );
    let (without, _) = run(&bulkhead(None), 4);
    assert!(
        node(&without, "slow").max_queue > 10,
        "without the bulkhead the dependency queues"
    );
    assert_eq!(without.failed_by_reason.bulkhead_full, 0);
}

// ----- deadlines --------------------------------------------------------------------------------------------

/// A client with a 1 s deadline (and no timeout) over a front service and a slow one with an unbounded
/// queue, offered 1.5 times what the slow one can serve.
fn deadline_run(propagate: bool) -> Report {
    let v = json!({
        "version": 1, "duration_ms": 10000,
        "nodes": [
            {"id": "c", "spec": {"kind": "client", "deadline_ms": 1000, "deadline_propagation": propagate}},
            {"id": "front", "spec": {"kind": "service", "workers": 1000, "service_time": constant(1.0)}},
            {"id": "slow", "spec": {"kind": "service", "workers": 2, "service_time": constant(20.0)}}
        ],
        "edges": [
            {"from": "c", "to": "front", "latency": constant(1.0)},
            {"from": "front", "to": "slow", "latency": constant(1.0)}
        ],
        "workload": {"arrival": {"type": "poisson", "rate_rps": 150}}
    });
    run(&v, 5).0
}

#[test]
fn propagated_deadlines_drop_work_nobody_waits_for() {
    let on = deadline_run(true);
    let off = deadline_run(false);
    let (slow_on, slow_off) = (node(&on, "slow"), node(&off, "slow"));
    eprintln!(
        "deadlines: slow served {} with propagation, {} without; expired {}; deadline_exceeded {} / {}; goodput {:?} / {:?}",
        slow_on.served,
        slow_off.served,
        slow_on.expired,
        on.failed_by_reason.deadline_exceeded,
        off.failed_by_reason.deadline_exceeded,
        on.goodput,
        off.goodput
    );
    assert!(slow_on.expired > 0, "the slow node drops expired requests");
    assert_eq!(
        on.failed_by_reason.deadline_exceeded, slow_on.expired,
        "each dropped request fails its call with deadline_exceeded"
    );
    assert_eq!(
        node(&on, "front").expired,
        0,
        "the front serves at once, well within the deadline"
    );
    assert!(
        off.nodes.iter().all(|n| n.expired == 0),
        "nothing expires without propagation"
    );
    assert_eq!(off.failed, 0, "without propagation every call is served, late");
    assert!(on.goodput >= off.goodput, "dropping dead work does not cost goodput");
    assert!(
        (slow_on.served as f64) < 0.9 * slow_off.served as f64,
        "propagation saves work: {} vs {}",
        slow_on.served,
        slow_off.served
    );
}

/// With timeouts at both hops the propagated deadline shrinks to the front's 250 ms call timeout (gRPC's
/// rule), so the slow node drops the attempts its caller has already given up on instead of serving them.
/// Without propagation it serves them all, late: every answer to an attempt that timed out (the call then
/// failed, as this edge does not retry) is a late answer on the edge.
#[test]
fn a_propagated_deadline_shrinks_to_each_hops_timeout() {
    let run_with = |propagate: bool| {
        let v = json!({
            "version": 1, "duration_ms": 10000,
            "nodes": [
                {"id": "c", "spec": {"kind": "client", "timeout_ms": 300, "deadline_ms": 1000,
                    "deadline_propagation": propagate,
                    "retry": {"max_retries": 2, "backoff_base_ms": 10}}},
                {"id": "front", "spec": {"kind": "service", "workers": 1000, "service_time": constant(1.0)}},
                {"id": "slow", "spec": {"kind": "service", "workers": 2, "service_time": constant(20.0)}}
            ],
            "edges": [
                {"from": "c", "to": "front", "latency": constant(1.0)},
                {"from": "front", "to": "slow", "latency": constant(1.0), "policy": {"timeout_ms": 250}}
            ],
            "workload": {"arrival": {"type": "poisson", "rate_rps": 150}}
        });
        run(&v, 5).0
    };
    let (on, off) = (run_with(true), run_with(false));
    let (e_on, e_off) = (&on.edges[0], &off.edges[0]);
    let (slow_on, slow_off) = (node(&on, "slow"), node(&off, "slow"));
    eprintln!(
        "shrunk deadlines: slow served {} vs {}, expired {}, late answers {} vs {} (of {} timeouts)",
        slow_on.served, slow_off.served, slow_on.expired, e_on.late_answers, e_off.late_answers, e_off.timeouts
    );
    assert!(slow_on.expired > 0);
    assert_eq!(slow_off.expired, 0);
    assert!((slow_on.served as f64) < 0.5 * slow_off.served as f64);
    // Without propagation the slow node serves every attempt; those served after the front's timeout come
    // back late. All but the first few hundred (before the queue built up) are.
    assert_eq!(slow_off.served, e_off.attempts);
    assert_eq!(e_off.timeouts, e_off.failures);
    assert!(
        e_off.late_answers + 300 >= e_off.timeouts && e_off.late_answers <= e_off.timeouts,
        "{} late of {} timeouts",
        e_off.late_answers,
        e_off.timeouts
    );
}

// ----- shedding ---------------------------------------------------------------------------------------------

fn shed_run(shed: bool) -> Report {
    let mut spec = json!({"kind": "service", "workers": 1, "service_time": constant(10.0)});
    if shed {
        spec["shed"] = json!({"target_ms": 5, "interval_ms": 100});
    }
    let v = json!({
        "version": 1, "duration_ms": 10000,
        "nodes": [{"id": "c", "spec": {"kind": "client"}}, {"id": "s", "spec": spec}],
        "edges": [{"from": "c", "to": "s", "latency": constant(1.0)}],
        "workload": {"arrival": {"type": "poisson", "rate_rps": 150}}
    });
    run(&v, 6).0
}

/// A request taken from the queue after waiting longer than `interval_ms` is shed, so a success waited at
/// most that long: its latency is at most interval + service time + the two 1 ms hops.
#[test]
fn shedding_bounds_the_latency_of_successes_under_overload() {
    let shed = shed_run(true);
    let keep = shed_run(false);
    eprintln!(
        "shed: p99 {} ms, max {} ms, shed {}; without: p99 {} ms",
        shed.latency_ms.p99,
        shed.latency_ms.max,
        node(&shed, "s").shed,
        keep.latency_ms.p99
    );
    assert!(node(&shed, "s").shed > 0);
    assert_eq!(shed.failed_by_reason.shed, node(&shed, "s").shed);
    // Two 1 ms hops, at most 100 ms of waiting, 10 ms of service; 1% for the histogram's two figures.
    assert!(
        shed.latency_ms.max <= (100.0 + 10.0 + 2.0) * 1.01,
        "max {}",
        shed.latency_ms.max
    );
    assert!(
        keep.latency_ms.p99 > 1000.0,
        "without shedding the queue grows: p99 {}",
        keep.latency_ms.p99
    );
    assert_eq!(keep.failed, 0);
}

// ----- the per-second series adds up ------------------------------------------------------------------------

#[test]
fn the_per_second_series_adds_up_to_the_report() {
    for name in ["61-retry-storm-budget", "62-circuit-breaker", "64-timeout-cascade"] {
        let mut sim = Sim::from_json(presets::get(name).unwrap()).unwrap();
        sim.run_to_end();
        assert!(!sim.per_second_truncated());
        let r = sim.report();
        let rows = sim.per_second();
        let sum = |f: &dyn Fn(&switchyard_core::metrics::seconds::SecondRow) -> u64| rows.iter().map(f).sum::<u64>();
        assert_eq!(sum(&|r| r.throughput), r.completed, "{name}");
        assert_eq!(sum(&|r| r.attempts), r.attempts, "{name}");
        assert_eq!(sum(&|r| r.failed.values().sum()), r.failed, "{name}");
        assert_eq!(Some(sum(&|r| r.goodput)), r.goodput.or(Some(r.completed)), "{name}");
        let by_reason = serde_json::to_value(&r.failed_by_reason).unwrap();
        for reason in FailReason::ALL {
            let name = reason.name();
            let rows_sum: u64 = rows.iter().map(|row| row.failed.get(name).copied().unwrap_or(0)).sum();
            let report = by_reason.get(name).and_then(Value::as_u64).unwrap_or(0);
            assert_eq!(rows_sum, report, "{name}: failed {name}");
        }
    }
}
