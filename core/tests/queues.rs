//! Queues and workers: acknowledgement on enqueue, workers going down and coming back, at-least-once
//! delivery through visibility timeouts, retries with backoff and the dead-letter queue, and a full queue.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use switchyard_core::metrics::Report;
use switchyard_core::{presets, scenario, Sim};

fn run(v: &Value) -> (Report, Sim) {
    let (s, _) = scenario::load(&v.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Sim::new(&s, 5).unwrap();
    sim.run_to_end();
    (sim.report(), sim)
}

fn preset(name: &str) -> Value {
    serde_json::from_str(presets::get(name).unwrap()).unwrap()
}

#[test]
fn workers_down_the_queue_grows_then_drains_and_nothing_is_lost() {
    let v = preset("09-worker-down");
    let (r, sim) = run(&v);
    let t = r.tasks.as_ref().unwrap();
    assert_eq!(t.completed, t.enqueued, "{t:?}");
    assert_eq!(t.lost, 0);
    assert!(
        t.redelivered > 0,
        "tasks held by the crashed workers come back after the visibility timeout"
    );
    let series = &sim.metrics().series;
    let q = sim.topology().node_ix("queue").unwrap() as usize;
    let depth = |sec: usize| series[sec].queue[q];
    // Workers are down from 10 s to 25 s; 50 tasks/s keep arriving: the backlog grows by about 50 per second.
    let slope = (depth(23) - depth(12)) / 11.0;
    assert!((slope - 50.0).abs() < 5.0, "queue grew {slope:.1} per second");
    // Producers never wait for workers: the enqueue p99 while workers are down stays what it was before.
    let p99 = |a: usize, b: usize| series[a..b].iter().map(|b| b.p99_ms).fold(0.0, f64::max);
    let (before, during) = (p99(2, 9), p99(11, 24));
    assert!(
        during <= before * 1.5 + 1.0,
        "enqueue p99 {before} ms before, {during} ms while workers are down"
    );
    // After recovery the backlog drains to zero.
    assert!(depth(series.len() - 1) < 1.0, "{}", depth(series.len() - 1));
}

fn pipeline(queue: Value, worker_ms: Value, db: bool) -> Value {
    let mut nodes = vec![
        json!({"id": "c", "spec": {"kind": "client"}}),
        json!({"id": "queue", "spec": queue}),
        json!({"id": "workers", "spec": {"kind": "worker_pool", "workers": 4, "service_time": worker_ms}}),
    ];
    let mut edges = vec![
        json!({"from": "c", "to": "queue"}),
        json!({"from": "queue", "to": "workers"}),
    ];
    if db {
        nodes.push(json!({"id": "db", "spec": {"kind": "database", "workers": 4, "crash_at_ms": 0}}));
        edges.push(json!({"from": "workers", "to": "db"}));
    }
    json!({"version": 1, "duration_ms": 10000, "nodes": nodes, "edges": edges,
           "workload": {"arrival": {"type": "poisson", "rate_rps": 20}, "mix": {"background_job": 1}}})
}

#[test]
fn a_visibility_timeout_shorter_than_the_work_delivers_twice() {
    let q = json!({"kind": "queue", "visibility_timeout_ms": 100});
    let (r, _) = run(&pipeline(q, json!({"type": "constant", "ms": 150}), false));
    let t = r.tasks.unwrap();
    assert_eq!(t.lost, 0);
    assert_eq!(t.completed, t.enqueued);
    assert!(t.duplicates > 0, "the slow first delivery finishes too: {t:?}");
    assert!(t.redelivered >= t.duplicates);
}

#[test]
fn failing_tasks_are_retried_then_dead_lettered() {
    let q = json!({"kind": "queue", "max_attempts": 3, "retry_backoff_ms": 10});
    let (r, _) = run(&pipeline(q, json!({"type": "constant", "ms": 1}), true));
    let t = r.tasks.unwrap();
    assert!(t.enqueued > 100);
    assert_eq!(t.dead_lettered, t.enqueued, "{t:?}");
    assert_eq!(t.retried, 2 * t.enqueued);
    assert_eq!(t.failed, 3 * t.enqueued);
    assert_eq!(t.completed, 0);
}

#[test]
fn without_a_visibility_timeout_a_crash_loses_tasks() {
    let mut v = pipeline(json!({"kind": "queue"}), json!({"type": "constant", "ms": 500}), false);
    v["faults"] = json!([{"action": "crash", "at_ms": 5000, "node": "workers"}, {"action": "recover", "at_ms": 6000, "node": "workers"}]);
    let (r, _) = run(&v);
    let t = r.tasks.unwrap();
    assert!(t.lost > 0 && t.lost <= 4, "{t:?}");
    assert_eq!(t.completed + t.lost, t.enqueued);
}

#[test]
fn a_spike_is_absorbed_by_the_queue() {
    let (r, sim) = run(&preset("10-spike-absorbed"));
    let t = r.tasks.as_ref().unwrap();
    assert_eq!(t.completed, t.enqueued);
    assert_eq!(r.failed, 0);
    let q = sim.topology().node_ix("queue").unwrap() as usize;
    let max_depth = sim.metrics().series.iter().map(|b| b.queue[q]).fold(0.0, f64::max);
    assert!(max_depth > 100.0, "the burst piles up in the queue: {max_depth}");
}

#[test]
fn a_sustained_overload_hits_the_queue_limit() {
    let (r, _) = run(&preset("11-queue-limit"));
    assert!(r.failed_by_reason.queue_full > 1000, "{:?}", r.failed_by_reason);
    let q = r.nodes.iter().find(|n| n.id == "queue").unwrap();
    assert_eq!(q.max_queue, 500);
}
