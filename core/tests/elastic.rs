//! The elastic tiers of issue #20 in the engine, against theory and against what the presets say: target
//! tracking settles at ceil(λ / (u·μ)); a scale-out waits a whole window after a step and its capacity arrives
//! boot plus registration later; the flapping preset flaps on a steady plateau and the fixed one does not; the
//! bill is the integral of instances × price; crashed instances and replaced services come back after detection
//! plus boot; a resize restarts with the new size's workers and price. Every run has a fixed seed.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use switchyard_core::engine::{InstanceEvent, LogEntry, LogKind};
use switchyard_core::metrics::Report;
use switchyard_core::scenario;
use switchyard_core::{presets, Sim, SimTime};

fn sim(v: &Value, seed: u64) -> Sim {
    let (s, _) = scenario::load(&v.to_string()).unwrap();
    Sim::new(&s, seed).unwrap()
}

/// Runs to the end, keeping the event log.
fn run(v: &Value, seed: u64) -> (Report, Sim, Vec<LogEntry>) {
    let mut s = sim(v, seed);
    let mut log = Vec::new();
    while s.run_events(100_000) > 0 {
        log.extend(s.drain_log());
    }
    log.extend(s.drain_log());
    (s.report(), s, log)
}

/// Users → an autoscaling web tier. Each instance: `workers` workers at `mean_ms` exponential service time,
/// so its capacity μ is workers / mean.
fn tier(rate: f64, seconds: f64, group: Value, faults: Value) -> Value {
    let mut g = json!({"min": 1, "max": 20, "target": 0.6, "window_ms": 60000, "boot_ms": 30000,
        "registration_ms": 10000, "warmup_ms": 0, "scale_in_cooldown_ms": 300000});
    for (k, v) in group.as_object().unwrap() {
        g[k] = v.clone();
    }
    json!({
        "version": 1, "name": "tier", "seed": 1, "duration_ms": seconds * 1000.0,
        "nodes": [
            {"id": "users", "x": 0, "y": 0, "spec": {"kind": "client", "timeout_ms": 5000}},
            {"id": "web", "x": 200, "y": 0, "spec": {"kind": "service", "workers": 4,
                "service_time": {"type": "exponential", "mean_ms": 40}, "instance_size": "large", "group": g}}
        ],
        "edges": [{"from": "users", "to": "web", "latency": {"type": "constant", "ms": 5}}],
        "workload": {"arrival": {"type": "poisson", "rate_rps": rate}},
        "faults": faults
    })
}

#[test]
fn target_tracking_settles_at_the_load_over_target_utilization_times_capacity() {
    // μ = 4 workers / 40 ms = 100 requests/s per instance, u = 0.6: λ / (u·μ) = 1.5, 3.5, 5.5, halfway between
    // sizes so sampling noise cannot tip the ceiling.
    for (rate, want) in [(90.0, 2), (210.0, 4), (330.0, 6)] {
        let (r, _, _) = run(&tier(rate, 1500.0, json!({}), json!([])), 7);
        let g = &r.groups[0];
        let expected = (rate / (0.6 * 100.0_f64)).ceil() as u32;
        assert_eq!(expected, want);
        assert_eq!(g.desired, want, "λ = {rate}: {:?}", g.timeline);
        assert_eq!(g.in_service, want, "λ = {rate}");
        // Settled: the last five minutes saw no change.
        let last = g.timeline.last().unwrap();
        assert!(
            last.t_ms <= 1_200_000.0,
            "λ = {rate}: still changing at {} ms",
            last.t_ms
        );
    }
}

#[test]
fn scale_out_waits_a_whole_window_and_capacity_arrives_after_boot_and_registration() {
    // Two instances carry 90 requests/s; at 300 s (a datapoint boundary) the rate steps to 330.
    let faults = json!([{"action": "set_rate", "at_ms": 300000, "node": "users", "rate_rps": 330}]);
    let (_, s, log) = run(&tier(90.0, 600.0, json!({"desired": 2}), faults), 3);
    let web = s.topology().node_ix("web").unwrap();
    let first_out = log
        .iter()
        .find(|e| matches!(e.kind, LogKind::Scaled { node, from, to } if node == web && to > from))
        .expect("it scales out");
    let window = SimTime::from_millis_f64(60_000.0).0;
    let step = SimTime::from_millis_f64(300_000.0).0;
    assert!(
        first_out.at.0 >= step + window,
        "scaled out at {} before the window passed",
        first_out.at
    );
    assert!(
        first_out.at.0 <= step + window + 1_000_000_000,
        "scaled out late, at {}",
        first_out.at
    );
    // Each instance launched then registers boot (30 s) plus registration (10 s) later, not before.
    let launched: Vec<_> = log
        .iter()
        .filter(|e| {
            e.at == first_out.at
                && matches!(
                    e.kind,
                    LogKind::Instance {
                        what: InstanceEvent::Launched,
                        ..
                    }
                )
        })
        .collect();
    assert!(!launched.is_empty());
    for l in launched {
        let LogKind::Instance { node, .. } = l.kind else {
            unreachable!()
        };
        let reg = log
            .iter()
            .find(|e| {
                e.kind
                    == LogKind::Instance {
                        node,
                        what: InstanceEvent::Registered,
                    }
                    && e.at >= l.at
            })
            .expect("it registers");
        assert_eq!(
            reg.at.0 - l.at.0,
            SimTime::from_millis_f64(40_000.0).0,
            "boot + registration"
        );
    }
}

/// A preset run to its end with its own seed.
fn run_preset(name: &str) -> (Report, Sim) {
    let (sc, _) = scenario::load(presets::get(name).unwrap()).unwrap();
    let mut s = Sim::new(&sc, sc.seed).unwrap();
    s.run_to_end();
    (s.report(), s)
}

fn plateau_changes(name: &str) -> (usize, f64) {
    let (r, _) = run_preset(name);
    let g = &r.groups[0];
    // The ramp ends at 20 minutes and the rate drops at 30: a minute after the ramp, the load is steady.
    let mut changes = 0;
    let mut prev = None;
    for p in &g.timeline {
        if (1_260_000.0..1_800_000.0).contains(&p.t_ms) && prev.is_some_and(|d| d != p.desired) {
            changes += 1;
        }
        prev = Some(p.desired);
    }
    (changes, r.cost.as_ref().unwrap().total_usd)
}

#[test]
fn the_flapping_preset_flaps_on_a_steady_load_and_the_ramp_preset_holds() {
    let (steady, _) = plateau_changes("80-autoscale-ramp");
    let (flapping, _) = plateau_changes("81-autoscale-flapping");
    assert_eq!(steady, 0, "preset 80 changes size on the plateau");
    assert!(
        flapping >= 4,
        "preset 81 changed size only {flapping} times on the plateau"
    );
}

#[test]
fn the_bill_is_the_integral_of_instances_times_price() {
    for name in ["80-autoscale-ramp", "81-autoscale-flapping"] {
        let (r, s) = run_preset(name);
        let g = &r.groups[0];
        let end = s.now().0 as f64 / 1e6;
        let mut area_ms = 0.0;
        for (i, p) in g.timeline.iter().enumerate() {
            let until = g.timeline.get(i + 1).map_or(end, |n| n.t_ms);
            area_ms += f64::from(p.instances) * (until - p.t_ms);
        }
        let price = 0.096; // m5.large
        let integral = area_ms / 3.6e6 * price;
        let cost = r.cost.as_ref().unwrap();
        // Report figures are rounded to 4 decimals; timeline times to the microsecond.
        assert!(
            (cost.total_usd - integral).abs() <= 2e-4,
            "{name}: {} vs {integral}",
            cost.total_usd
        );
        assert!((g.cost_usd.unwrap() - integral).abs() <= 2e-4, "{name}");
        assert!((g.instance_hours - area_ms / 3.6e6).abs() <= 2e-4, "{name}");
    }
}

#[test]
fn a_crashed_instance_is_replaced_after_detection_and_boot() {
    // Health checks every 10 s, 3 failures: a crash at 205 s is noticed at 230 s (probes at 210, 220, 230).
    let faults = json!([{"action": "crash", "at_ms": 205000, "node": "web"}]);
    let (r, s, log) = run(
        &tier(150.0, 400.0, json!({"desired": 3, "policy": "scheduled"}), faults),
        5,
    );
    let g = &r.groups[0];
    assert_eq!(g.replacements, 1);
    assert_eq!(g.in_service, 3);
    let at = |ms: f64| SimTime::from_millis_f64(ms);
    let crashed = log.iter().find(|e| matches!(e.kind, LogKind::Crashed { .. })).unwrap();
    assert_eq!(crashed.at, at(205_000.0));
    let LogKind::Crashed { node } = crashed.kind else {
        unreachable!()
    };
    assert_eq!(s.topology().shown(node), s.topology().node_ix("web").unwrap());
    let unhealthy = log
        .iter()
        .find(|e| {
            e.kind
                == LogKind::Instance {
                    node,
                    what: InstanceEvent::Unhealthy,
                }
        })
        .unwrap();
    assert_eq!(unhealthy.at, at(230_000.0));
    let registered = log
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                LogKind::Instance {
                    what: InstanceEvent::Registered,
                    ..
                }
            )
        })
        .find(|e| e.at > unhealthy.at)
        .unwrap();
    assert_eq!(
        registered.at,
        at(270_000.0),
        "detection + boot 30 s + registration 10 s"
    );
    // Until detection the balancer still sent it requests: they were refused.
    assert!(r.failed_by_reason.refused > 0);
}

#[test]
fn a_replaced_service_comes_back_after_detection_and_boot() {
    let v = json!({
        "version": 1, "name": "healing", "seed": 1, "duration_ms": 120000,
        "nodes": [
            {"id": "users", "x": 0, "y": 0, "spec": {"kind": "client"}},
            {"id": "web", "x": 200, "y": 0, "spec": {"kind": "service", "workers": 4, "crash_at_ms": 12000,
                "replace": {"health_check_ms": 5000, "unhealthy_after": 2, "boot_ms": 20000}}}
        ],
        "edges": [{"from": "users", "to": "web", "latency": {"type": "constant", "ms": 1}}],
        "workload": {"arrival": {"type": "poisson", "rate_rps": 50}}
    });
    let (_, s, log) = run(&v, 1);
    let web = s.topology().node_ix("web").unwrap();
    let at = |ms: f64| SimTime::from_millis_f64(ms);
    // Probes at 15 and 20 s fail: noticed at 20 s, serving again at 40 s.
    let unhealthy = log
        .iter()
        .find(|e| {
            e.kind
                == LogKind::Instance {
                    node: web,
                    what: InstanceEvent::Unhealthy,
                }
        })
        .unwrap();
    assert_eq!(unhealthy.at, at(20_000.0));
    let replaced = log
        .iter()
        .find(|e| {
            e.kind
                == LogKind::Instance {
                    node: web,
                    what: InstanceEvent::Replaced,
                }
        })
        .unwrap();
    assert_eq!(replaced.at, at(40_000.0));
    assert!(s.is_up(web));
}

#[test]
fn a_resize_restarts_with_the_new_sizes_workers_and_price() {
    let v = json!({
        "version": 1, "name": "resize", "seed": 1, "duration_ms": 100000,
        "nodes": [
            {"id": "users", "x": 0, "y": 0, "spec": {"kind": "client"}},
            {"id": "web", "x": 200, "y": 0, "spec": {"kind": "service", "workers": 2, "instance_size": "large",
                "service_time": {"type": "constant", "ms": 10}}}
        ],
        "edges": [{"from": "users", "to": "web", "latency": {"type": "constant", "ms": 1}}],
        "workload": {"arrival": {"type": "poisson", "rate_rps": 150}},
        "faults": [{"action": "resize", "at_ms": 40000, "node": "web", "size": "2xlarge", "restart_ms": 10000}]
    });
    let mut s = sim(&v, 1);
    s.advance_to(SimTime::from_millis_f64(45_000.0));
    let web = s.topology().node_ix("web").unwrap();
    assert!(!s.is_up(web), "down while it restarts");
    assert_eq!(s.cost_per_hour(), Some(0.384));
    s.run_to_end();
    assert!(s.is_up(web));
    let r = s.report();
    // 2 workers at 10 ms serve 200/s: 150/s is 75% busy before; 8 workers after.
    let cost = r.cost.unwrap();
    let expected = 0.096 * 40.0 / 3600.0 + 0.384 * (s.now().0 as f64 / 1e9 - 40.0) / 3600.0;
    assert!(
        (cost.total_usd - expected).abs() < 2e-4,
        "{} vs {expected}",
        cost.total_usd
    );
    assert_eq!(cost.timeline.len(), 2);
    assert!(
        r.failed_by_reason.refused > 0,
        "requests during the restart are refused"
    );
}

#[test]
fn group_settings_and_actions_are_checked() {
    let bad = |group: Value, faults: Value| {
        let v = tier(100.0, 10.0, group, faults);
        scenario::load(&v.to_string())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert!(bad(json!({"min": 5, "max": 3}), json!([])).contains("group.min"));
    assert!(bad(json!({"boot_ms": -1}), json!([])).contains("group.boot_ms"));
    assert!(bad(json!({"max": 1000}), json!([])).contains("group.max"));
    assert!(bad(
        json!({}),
        json!([{"action": "scale", "at_ms": 1, "node": "web", "desired": 50}])
    )
    .contains("desired"));
    assert!(bad(
        json!({}),
        json!([{"action": "scale", "at_ms": 1, "node": "users", "desired": 2}])
    )
    .contains("scale"));
    assert!(bad(
        json!({}),
        json!([{"action": "resize", "at_ms": 1, "node": "web", "size": "xlarge"}])
    )
    .contains("resize"));
    assert!(bad(
        json!({}),
        json!([{"action": "resize", "at_ms": 1, "node": "web", "size": "huge"}])
    )
    .contains("huge"));
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let v = tier(
        210.0,
        300.0,
        json!({}),
        json!([{"action": "crash", "at_ms": 150000, "node": "web"}]),
    );
    let (a, _, la) = run(&v, 9);
    let (b, _, lb) = run(&v, 9);
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    assert_eq!(la, lb);
}

/// Users with sessions in the memory of a group's instances.
fn stateful_tier(store: &str) -> Value {
    let mut v = tier(
        150.0,
        200.0,
        json!({"desired": 3, "policy": "scheduled"}),
        json!([{"action": "crash", "at_ms": 100000, "node": "web"}]),
    );
    v["nodes"][0]["spec"]["sessions"] = json!({"users": 500});
    v["nodes"][1]["spec"]["sessions"] = json!({"store": store});
    v
}

#[test]
fn a_crashed_instance_loses_exactly_the_sessions_it_held_and_tokens_lose_none() {
    let v = stateful_tier("memory");
    let mut s = sim(&v, 4);
    s.advance_to(SimTime(SimTime::from_millis_f64(100_000.0).0 - 1));
    let before = s.report();
    // The crash takes the oldest serving instance: the first.
    let held = before.nodes.iter().find(|n| n.id == "web#1").unwrap().sessions.unwrap();
    assert!(held > 100, "the sticky group spread the users: {held} on web#1");
    assert_eq!(before.sessions.as_ref().unwrap().lost, 0);
    s.run_to_end();
    let after = s.report();
    let sessions = after.sessions.unwrap();
    assert_eq!(sessions.lost, held);
    // Users who come back after the crash find their session gone, once each.
    assert!(sessions.logged_out > 0 && sessions.logged_out <= held);
    let (tokens, _, _) = run(&stateful_tier("token"), 4);
    let t = tokens.sessions.unwrap();
    assert_eq!((t.lost, t.logged_out), (0, 0));
}

#[test]
fn presets_82_and_83_show_what_they_say() {
    let (healing, _) = run_preset("82-self-healing");
    assert_eq!(healing.groups[0].replacements, 1);
    assert_eq!(healing.groups[0].in_service, 4);
    let (r, _) = run_preset("83-scale-up-vs-out");
    let lane = |id: &str| r.by_client.iter().find(|c| c.client == id).unwrap().figures.clone();
    let (up, out) = (lane("up-users"), lane("out-users"));
    // One box down takes the whole lane down; one instance of eight, an eighth of it.
    assert!(
        up.failed > 10 * out.failed,
        "scale-up failed {}, scale-out {}",
        up.failed,
        out.failed
    );
    // Before that, one pooled queue waits less than eight small ones.
    assert!(up.mean_ms < out.mean_ms, "{} vs {}", up.mean_ms, out.mean_ms);
}
