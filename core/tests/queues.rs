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

/// Producer -> queue (bounded in messages and in message size) -> slow workers.
fn sized(queue_extra: Value, workload: Value, worker_ms: f64) -> Value {
    let mut spec = json!({"kind": "queue"});
    if let Value::Object(m) = queue_extra {
        for (k, v) in m {
            spec[k] = v;
        }
    }
    json!({
        "version": 1, "duration_ms": 40000,
        "nodes": [{"id": "c", "spec": {"kind": "client"}}, {"id": "queue", "spec": spec},
                  {"id": "workers", "spec": {"kind": "worker_pool", "workers": 4,
                   "service_time": {"type": "constant", "ms": worker_ms}}}],
        "edges": [{"from": "c", "to": "queue"}, {"from": "queue", "to": "workers"}],
        "workload": workload
    })
}

#[test]
fn oversized_messages_are_rejected_in_the_proportion_the_size_distribution_predicts() {
    // Log-normal sizes, median 8 KiB, sigma 1.5; the limit is 64 KiB, so a message is too large with
    // probability P(Z > ln(8) / 1.5) = 1 - Phi(1.3863) = 0.0828.
    let w = json!({"arrival": {"type": "poisson", "rate_rps": 500},
                   "message_bytes": {"type": "log_normal", "median_bytes": 8192, "sigma": 1.5}});
    let (r, _) = run(&sized(json!({"max_message_bytes": 65536}), w, 1.0));
    let q = r.nodes.iter().find(|n| n.id == "queue").unwrap();
    let frac = r.failed_by_reason.too_large as f64 / r.issued as f64;
    // About 20,000 messages: the binomial standard deviation is 0.002, so 0.01 is five of them.
    assert!((frac - 0.0828).abs() < 0.01, "{frac} of {} rejected", r.issued);
    assert_eq!(q.too_large, r.failed_by_reason.too_large);
    assert_eq!(q.dropped, 0, "size rejections are not capacity drops");
    assert_eq!(r.failed_by_reason.queue_full, 0);
    let t = r.tasks.unwrap();
    assert_eq!(t.enqueued + q.too_large, r.issued);
    assert_eq!(t.completed, t.enqueued);
}

#[test]
fn size_and_capacity_rejections_are_counted_apart() {
    // Background jobs carry 1 MiB payloads (over the 256 KiB limit), writes 2 KiB. Workers drain 200/s
    // (4 workers, 20 ms) against 300/s offered, so the 100-message queue fills and also drops for capacity.
    let w = json!({"arrival": {"type": "constant", "rate_rps": 300},
                   "mix": {"api_write": 3, "background_job": 1},
                   "message_bytes": {"type": "constant", "bytes": 2048},
                   "message_bytes_by_class": {"background_job": {"type": "constant", "bytes": 1048576}}});
    let (r, _) = run(&sized(json!({"max_message_bytes": 262144, "capacity": 100}), w, 20.0));
    let f = &r.failed_by_reason;
    let jobs = f.too_large as f64 / r.issued as f64;
    assert!((jobs - 0.25).abs() < 0.02, "every background job is too large: {jobs}");
    // 225 small messages/s offered against 200/s of workers: about 25/s are dropped for capacity.
    let full = f.queue_full as f64 / 40.0;
    assert!(full > 15.0 && full < 30.0, "{full} capacity drops per second");
    let q = r.nodes.iter().find(|n| n.id == "queue").unwrap();
    assert_eq!((q.too_large, q.dropped), (f.too_large, f.queue_full));
    assert_eq!(r.failed, f.too_large + f.queue_full);

    // Without the size limit, the same run has no size rejections, and the large jobs take queue room.
    let w2 = json!({"arrival": {"type": "constant", "rate_rps": 300}, "mix": {"api_write": 3, "background_job": 1},
                    "message_bytes": {"type": "constant", "bytes": 2048}});
    let (r2, _) = run(&sized(json!({"capacity": 100}), w2, 20.0));
    assert_eq!(r2.failed_by_reason.too_large, 0);
    assert!(
        r2.failed_by_reason.queue_full > 2 * f.queue_full,
        "{:?}",
        r2.failed_by_reason
    );
}

#[test]
fn bad_message_sizes_are_typed_errors() {
    let w = json!({"message_bytes": {"type": "uniform", "min_bytes": 10, "max_bytes": 5}});
    let err = scenario::load(&sized(json!({}), w, 1.0).to_string()).unwrap_err();
    assert!(err.to_string().contains("message_bytes"), "{err}");
    let w = json!({"message_bytes_by_class": {"api_raed": {"type": "constant", "bytes": 5}}});
    assert!(scenario::load(&sized(json!({}), w, 1.0).to_string()).is_err());
}

#[test]
fn microservices_a_queue_isolates_billing_but_a_shared_auth_service_takes_everything_down() {
    let v = preset("35-microservices");
    let (s, _) = scenario::load(&v.to_string()).unwrap();
    let mut sim = Sim::new(&s, 7).unwrap();
    let mut last = (0, 0);
    let mut w = Vec::new();
    for t in [8_000, 16_000, 20_000, 20_200, 23_000, 23_200, 30_000] {
        sim.advance_to(switchyard_core::SimTime::from_millis(t));
        let r = sim.report();
        w.push((r.failed - last.0, r.issued - last.1));
        last = (r.failed, r.issued);
    }
    // Billing workers down (8-16 s): orders still succeed, acknowledged by the queue.
    assert_eq!((w[0].0, w[1].0, w[2].0), (0, 0, 0), "{w:?}");
    // Authentication down (20-23 s): every request needs it, so every one fails.
    assert!(w[3].0 + w[4].0 + w[5].0 >= w[3].1 + w[4].1, "{w:?}");
    assert!(w[4].1 > 700, "{w:?}");
    assert_eq!(w[6].0, 0, "{w:?}");
    sim.run_to_end();
    let r = sim.report();
    let t = r.tasks.unwrap();
    assert_eq!((t.completed, t.lost), (t.enqueued, 0), "no billing task is lost: {t:?}");
    // The backlog built while billing was down: 30% of 300/s = 90 tasks/s for 8 s.
    let q = r.nodes.iter().find(|n| n.id == "billing_queue").unwrap();
    assert!(q.max_queue > 600 && q.max_queue < 900, "{}", q.max_queue);
    // The hops behind the gateway add to the 40 ms user round trip.
    assert!(r.latency_ms.mean > 45.0, "{}", r.latency_ms.mean);
}
