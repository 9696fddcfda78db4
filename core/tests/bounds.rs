//! Nothing a user opens can crash the engine or eat unbounded memory (issue #17). Hostile but well-formed
//! scenarios get the exact typed error that names the field and its allowed range.

use serde_json::{json, Value};
use switchyard_core::engine::{Command, CommandError};
use switchyard_core::limits;
use switchyard_core::scenario::{self, ScenarioError};
use switchyard_core::topology::{Location, Problem, ValidationError};
use switchyard_core::{Sim, SimTime};

fn base() -> Value {
    json!({
        "version": 1,
        "duration_ms": 1000,
        "nodes": [
            { "id": "c", "spec": { "kind": "client" } },
            { "id": "lb", "spec": { "kind": "load_balancer" } },
            { "id": "s", "spec": { "kind": "service", "workers": 4,
                "service_time": { "type": "exponential", "mean_ms": 5 } } }
        ],
        "edges": [ { "from": "c", "to": "lb" }, { "from": "lb", "to": "s" } ],
        "workload": { "arrival": { "type": "poisson", "rate_rps": 100 } }
    })
}

fn with(f: impl FnOnce(&mut Value)) -> String {
    let mut v = base();
    f(&mut v);
    v.to_string()
}

fn only_error(text: &str) -> ValidationError {
    match scenario::load(text) {
        Err(ScenarioError::Invalid(list)) if list.len() == 1 => list.into_iter().next().unwrap(),
        other => panic!("expected exactly one validation error, got {other:?}"),
    }
}

fn range(field: &str, value: f64, min: f64, max: f64, unit: &'static str) -> Problem {
    Problem::OutOfRange {
        field: field.to_owned(),
        value,
        min,
        max,
        unit,
    }
}

fn node(id: &str) -> Location {
    Location::Node(id.to_owned())
}

fn bad(field: &'static str) -> impl Fn(&Problem) -> bool {
    move |p| matches!(p, Problem::BadParameter { field: f, .. } if *f == field)
}

#[test]
fn values_the_model_cannot_honour_are_refused_naming_the_field_and_range() {
    let (t_min, t_max) = (limits::MIN_TIME_MS, limits::MAX_TIME_MS);
    let st = |v: &mut Value, d: Value| v["nodes"][2]["spec"]["service_time"] = d;
    let cases: Vec<(&str, String, Location, Problem)> = vec![
        (
            "exponential mean of 10^11 ms",
            with(|v| st(v, json!({"type": "exponential", "mean_ms": 1e11}))),
            node("s"),
            range("service_time.mean_ms", 1e11, t_min, t_max, "ms"),
        ),
        (
            "service time 1e308 (was run as 0 ms)",
            with(|v| st(v, json!({"type": "constant", "ms": 1e308}))),
            node("s"),
            range("service_time.ms", 1e308, t_min, t_max, "ms"),
        ),
        (
            "service time below a nanosecond (would round to 0)",
            with(|v| st(v, json!({"type": "constant", "ms": 1e-300}))),
            node("s"),
            range("service_time.ms", 1e-300, t_min, t_max, "ms"),
        ),
        (
            "log-normal sigma 50",
            with(|v| st(v, json!({"type": "log_normal", "median_ms": 1, "sigma": 50}))),
            node("s"),
            range("service_time.sigma", 50.0, 0.0, limits::MAX_SIGMA, ""),
        ),
        (
            "Pareto alpha 0.01",
            with(|v| st(v, json!({"type": "pareto", "min_ms": 1, "alpha": 0.01}))),
            node("s"),
            range(
                "service_time.alpha",
                0.01,
                limits::MIN_PARETO_ALPHA,
                limits::MAX_PARETO_ALPHA,
                "",
            ),
        ),
        (
            "edge latency up to 10^10 ms",
            with(|v| v["edges"][0]["latency"] = json!({"type": "uniform", "min_ms": 1, "max_ms": 1e10})),
            Location::Edge {
                from: "c".into(),
                to: "lb".into(),
            },
            range("latency.max_ms", 1e10, t_min, t_max, "ms"),
        ),
        (
            "rate of 10^8 requests per second",
            with(|v| v["workload"]["arrival"]["rate_rps"] = json!(1e8)),
            Location::Workload(None),
            range("rate_rps", 1e8, 0.0, limits::MAX_RATE_RPS, "requests/s"),
        ),
        (
            "timeout of 10^12 ms",
            with(|v| v["nodes"][0]["spec"]["timeout_ms"] = json!(1e12)),
            node("c"),
            range("timeout_ms", 1e12, t_min, t_max, "ms"),
        ),
        (
            "duration of 10^300 ms",
            with(|v| v["duration_ms"] = json!(1e300)),
            Location::Scenario,
            range("duration_ms", 1e300, t_min, t_max, "ms"),
        ),
        (
            "bucket of 10^10 ms",
            with(|v| v["metrics"] = json!({"bucket_ms": 1e10})),
            Location::Scenario,
            range("metrics.bucket_ms", 1e10, 1.0, t_max, "ms"),
        ),
        (
            "coordinate 1e300",
            with(|v| v["nodes"][1]["x"] = json!(1e300)),
            node("lb"),
            range("x", 1e300, -limits::MAX_COORD, limits::MAX_COORD, ""),
        ),
        (
            "zoom 1e-9",
            with(|v| v["view"] = json!({"zoom": 1e-9, "pan_x": 0, "pan_y": 0})),
            Location::Scenario,
            range("view.zoom", 1e-9, limits::MIN_ZOOM, limits::MAX_ZOOM, ""),
        ),
        (
            "ramp from 10^9 requests per second",
            with(|v| v["workload"]["arrival"] = json!({"type": "ramp", "from_rps": 1e9, "to_rps": 10, "over_ms": 100})),
            Location::Workload(None),
            range("from_rps", 1e9, 0.0, limits::MAX_RATE_RPS, "requests/s"),
        ),
    ];
    for (name, text, location, problem) in cases {
        let e = only_error(&text);
        assert_eq!(e.location, location, "{name}");
        assert_eq!(e.problem, problem, "{name}");
        let line = e.to_string();
        assert!(line.contains("must be between"), "{name}: {line}");
    }

    // Limits that were already there keep their own errors.
    let older: Vec<(&str, String, &'static str)> = vec![
        (
            "a million workers",
            with(|v| v["nodes"][2]["spec"]["workers"] = json!(1_000_000)),
            "workers",
        ),
        (
            "a billion queue slots",
            with(|v| v["nodes"][2]["spec"]["queue_capacity"] = json!(1_000_000_000u64)),
            "queue_capacity",
        ),
        (
            "a cache of 10^12 objects",
            with(|v| v["nodes"][1] = json!({"id": "lb", "spec": {"kind": "cache", "capacity": 1_000_000_000_000u64}})),
            "capacity",
        ),
        (
            "a mean of 1e-400 ms (reads as zero)",
            with(|v| st(v, json!({"type": "exponential", "mean_ms": 1e-400}))),
            "service_time",
        ),
        (
            "bucket of half a millisecond",
            with(|v| v["metrics"] = json!({"bucket_ms": 0.5})),
            "metrics.bucket_ms",
        ),
    ];
    for (name, text, field) in older {
        let e = only_error(&text);
        assert!(bad(field)(&e.problem), "{name}: {e:?}");
    }

    // Workers are integers: 1e-400 is not one, and the codec says where.
    let text = with(|v| v["nodes"][2]["spec"]["workers"] = json!(0)).replace("\"workers\":0", "\"workers\":1e-400");
    match scenario::load(&text) {
        Err(ScenarioError::Schema { path, .. }) => assert_eq!(path, "nodes[2].spec.workers"),
        other => panic!("1e-400 workers: {other:?}"),
    }
}

#[test]
fn commands_share_the_scenario_limits() {
    let (s, _) = scenario::load(&base().to_string()).unwrap();
    let mut sim = Sim::new(&s, 1).unwrap();
    let too_fast = limits::MAX_RATE_RPS * 10.0;
    let e = sim
        .apply(
            SimTime::ZERO,
            Command::SetRate {
                node: 0,
                rate_rps: too_fast,
            },
        )
        .unwrap_err();
    assert!(
        matches!(&e, CommandError::BadValue(m) if m.contains("1e8") || m.contains("100000000")),
        "{e}"
    );
    assert_eq!(
        sim.apply(
            SimTime::ZERO,
            Command::SetRate {
                node: 0,
                rate_rps: limits::MAX_RATE_RPS,
            },
        ),
        Ok(())
    );
    let e = sim
        .apply(
            SimTime::ZERO,
            Command::SetLatency {
                edge: 0,
                latency: switchyard_core::dist::Dist::Constant { ms: 1e308 },
            },
        )
        .unwrap_err();
    assert!(
        matches!(&e, CommandError::BadValue(m) if m.contains("ms must be between")),
        "{e}"
    );
}
