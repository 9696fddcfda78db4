//! Bad input: every malformed scenario gets a typed error that names the problem, and none panics.

use serde_json::{json, Value};
use switchyard_core::scenario::{self, ScenarioError};
use switchyard_core::topology::Problem;
use switchyard_core::Sim;

fn base() -> Value {
    json!({
        "version": 1,
        "requests": 10,
        "nodes": [
            { "id": "c", "spec": { "kind": "client" } },
            { "id": "lb", "spec": { "kind": "load_balancer" } },
            { "id": "s", "spec": { "kind": "service" } }
        ],
        "edges": [ { "from": "c", "to": "lb" }, { "from": "lb", "to": "s" } ],
        "workload": { "arrival": { "type": "poisson", "rate_rps": 10 } }
    })
}

fn with(f: impl FnOnce(&mut Value)) -> String {
    let mut v = base();
    f(&mut v);
    v.to_string()
}

fn problem(e: &ScenarioError, want: impl Fn(&Problem) -> bool) -> bool {
    matches!(e, ScenarioError::Invalid(list) if list.iter().any(|v| want(&v.problem)))
}

#[test]
fn the_base_scenario_is_valid() {
    let (s, _) = scenario::load(&base().to_string()).unwrap();
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.run_to_end();
    assert_eq!(sim.report().completed, 10);
}

#[test]
fn malformed_scenarios_get_typed_errors() {
    type Check = Box<dyn Fn(&ScenarioError) -> bool>;
    let million_nodes = {
        let mut s = String::from(r#"{"version":1,"nodes":["#);
        for i in 0..1_000_000 {
            if i > 0 {
                s.push(',');
            }
            s.push_str(&format!(r#"{{"id":"n{i}","spec":{{"kind":"service"}}}}"#));
        }
        s.push_str("]}");
        s
    };
    let deep = format!(
        r#"{{"version":1,"nodes":{}{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let cases: Vec<(&str, String, Check)> = vec![
        (
            "empty input",
            String::new(),
            Box::new(|e| matches!(e, ScenarioError::Syntax { .. })),
        ),
        (
            "truncated JSON",
            base().to_string()[..40].to_string(),
            Box::new(|e| matches!(e, ScenarioError::Syntax { .. })),
        ),
        (
            "not JSON",
            "nodes: [client]".into(),
            Box::new(|e| matches!(e, ScenarioError::Syntax { .. })),
        ),
        (
            "missing version",
            with(|v| {
                v.as_object_mut().unwrap().remove("version");
            }),
            Box::new(|e| *e == ScenarioError::MissingVersion),
        ),
        (
            "newer version",
            with(|v| v["version"] = json!(99)),
            Box::new(|e| {
                *e == ScenarioError::NewerVersion {
                    found: 99,
                    supported: 1,
                }
            }),
        ),
        (
            "version zero",
            with(|v| v["version"] = json!(0)),
            Box::new(|e| matches!(e, ScenarioError::UnknownVersion { .. })),
        ),
        (
            "version is a string",
            with(|v| v["version"] = json!("v1")),
            Box::new(|e| matches!(e, ScenarioError::UnknownVersion { .. })),
        ),
        (
            "unknown node kind",
            with(|v| v["nodes"][2]["spec"]["kind"] = json!("mainframe")),
            Box::new(|e| matches!(e, ScenarioError::Schema { message, .. } if message.contains("mainframe"))),
        ),
        (
            "misspelt field",
            with(|v| v["nodes"][2]["spec"]["service_tme"] = json!({"type": "constant", "ms": 1})),
            Box::new(|e| matches!(e, ScenarioError::Schema { message, .. } if message.contains("service_tme"))),
        ),
        (
            "wrong type",
            with(|v| v["nodes"][2]["spec"]["workers"] = json!("many")),
            Box::new(|e| matches!(e, ScenarioError::Schema { .. })),
        ),
        (
            "negative rate",
            with(|v| v["workload"]["arrival"]["rate_rps"] = json!(-5)),
            Box::new(|e| problem(e, |p| matches!(p, Problem::InvalidRate { value, .. } if *value == -5.0))),
        ),
        (
            "zero rate",
            with(|v| v["workload"]["arrival"]["rate_rps"] = json!(0)),
            Box::new(|e| problem(e, |p| matches!(p, Problem::InvalidRate { .. }))),
        ),
        (
            "NaN",
            base().to_string().replace("\"rate_rps\":10", "\"rate_rps\":NaN"),
            Box::new(|e| matches!(e, ScenarioError::Syntax { .. })),
        ),
        (
            "number out of range",
            base().to_string().replace("\"rate_rps\":10", "\"rate_rps\":1e999"),
            Box::new(|e| matches!(e, ScenarioError::Syntax { .. } | ScenarioError::Schema { .. })),
        ),
        (
            "dangling edge",
            with(|v| v["edges"][1]["to"] = json!("ghost")),
            Box::new(|e| {
                problem(
                    e,
                    |p| matches!(p, Problem::DanglingEdge { missing } if missing == "ghost"),
                )
            }),
        ),
        (
            "cycle",
            with(|v| {
                v["edges"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"from": "s", "to": "lb"}))
            }),
            Box::new(|e| {
                problem(
                    e,
                    |p| matches!(p, Problem::Cycle { path } if path.contains(&"lb".to_string())),
                )
            }),
        ),
        (
            "10^6 nodes",
            million_nodes,
            Box::new(|e| problem(e, |p| matches!(p, Problem::TooManyNodes { limit: 1000, .. }))),
        ),
        (
            "10,000 levels of nesting",
            deep,
            Box::new(|e| matches!(e, ScenarioError::Syntax { .. } | ScenarioError::Schema { .. })),
        ),
        (
            "duplicate id",
            with(|v| v["nodes"][2]["id"] = json!("lb")),
            Box::new(|e| problem(e, |p| *p == Problem::DuplicateId)),
        ),
        (
            "balancer without backends",
            with(|v| {
                v["edges"].as_array_mut().unwrap().pop();
            }),
            Box::new(|e| problem(e, |p| matches!(p, Problem::MissingRoute { .. }))),
        ),
        (
            "no client",
            with(|v| {
                v["nodes"].as_array_mut().unwrap().remove(0);
                v["edges"].as_array_mut().unwrap().remove(0);
            }),
            Box::new(|e| problem(e, |p| *p == Problem::NoClient)),
        ),
        (
            "self loop",
            with(|v| v["edges"].as_array_mut().unwrap().push(json!({"from": "s", "to": "s"}))),
            Box::new(|e| problem(e, |p| *p == Problem::SelfLoop)),
        ),
        (
            "loss above one",
            with(|v| v["edges"][0]["loss"] = json!(2.0)),
            Box::new(|e| problem(e, |p| matches!(p, Problem::BadParameter { field: "loss", .. }))),
        ),
        (
            "zero workers",
            with(|v| v["nodes"][2]["spec"]["workers"] = json!(0)),
            Box::new(|e| problem(e, |p| matches!(p, Problem::BadParameter { field: "workers", .. }))),
        ),
        (
            "fault on a missing node",
            with(|v| v["faults"] = json!([{"action": "crash", "at_ms": 5, "node": "nope"}])),
            Box::new(|e| problem(e, |p| matches!(p, Problem::UnknownNode { id } if id == "nope"))),
        ),
        (
            "100,000-character id",
            with(|v| v["nodes"][2]["id"] = json!("x".repeat(100_000))),
            Box::new(|e| problem(e, |p| matches!(p, Problem::TextTooLong { field: "id", .. }))),
        ),
        (
            "absurd request count",
            with(|v| v["requests"] = json!(u64::MAX)),
            Box::new(|e| problem(e, |p| matches!(p, Problem::BadParameter { field: "requests", .. }))),
        ),
        (
            "negative service time",
            with(|v| v["nodes"][2]["spec"]["service_time"] = json!({"type": "constant", "ms": -1})),
            Box::new(|e| {
                problem(e, |p| {
                    matches!(
                        p,
                        Problem::BadParameter {
                            field: "service_time",
                            ..
                        }
                    )
                })
            }),
        ),
    ];
    assert!(cases.len() >= 15);
    for (name, text, check) in &cases {
        let outcome = std::panic::catch_unwind(|| scenario::load(text).map(|_| ()));
        let result = outcome.unwrap_or_else(|_| panic!("{name}: panicked"));
        let err = result.expect_err(name);
        assert!(check(&err), "{name}: unexpected error {err:?}");
        // Every error reads as a sentence for people.
        assert!(!err.to_string().is_empty());
    }
}

#[test]
fn validation_reports_every_problem_with_its_location() {
    let text = with(|v| {
        v["edges"][1]["to"] = json!("ghost");
        v["nodes"][2]["spec"]["workers"] = json!(0);
    });
    let Err(ScenarioError::Invalid(list)) = scenario::load(&text) else {
        panic!("expected invalid")
    };
    let msgs: Vec<String> = list.iter().map(|e| e.to_string()).collect();
    assert!(
        msgs.iter().any(|m| m.starts_with("edge \"lb\" -> \"ghost\"")),
        "{msgs:?}"
    );
    assert!(msgs.iter().any(|m| m.starts_with("node \"s\": workers")), "{msgs:?}");
}

fn svc(v: &mut Value) -> &mut Value {
    &mut v["nodes"][2]["spec"]
}

fn policy(v: &mut Value) -> &mut Value {
    &mut v["edges"][2]["policy"]
}

/// `base()` with a dependency `d` behind `s` (edge 2, `s -> d`) carrying an empty call policy.
fn with_dependency(f: impl FnOnce(&mut Value)) -> String {
    with(|v| {
        v["nodes"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "id": "d", "spec": { "kind": "service" } }));
        v["edges"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "from": "s", "to": "d", "policy": {} }));
        f(v)
    })
}

/// Every resilience setting of issue #19 out of its range is a typed error that names the field, never a
/// panic; the unchanged scenario with the policy edge is valid.
#[test]
fn resilience_settings_out_of_range_get_errors_naming_the_field() {
    let (s, _) = scenario::load(&with_dependency(|_| {})).unwrap();
    assert!(Sim::new(&s, 1).is_ok());
    let cases: Vec<(&str, String)> = vec![
        (
            "policy.timeout_ms",
            with_dependency(|v| policy(v)["timeout_ms"] = json!(-1)),
        ),
        (
            "policy.timeout_ms",
            with_dependency(|v| policy(v)["timeout_ms"] = json!(0)),
        ),
        (
            "policy.breaker.failure_rate",
            with_dependency(|v| policy(v)["breaker"] = json!({ "failure_rate": 2 })),
        ),
        (
            "consecutive_failures",
            with_dependency(|v| policy(v)["breaker"] = json!({ "consecutive_failures": 5, "failure_rate": 0.5 })),
        ),
        (
            "policy.breaker.open_ms",
            with_dependency(|v| policy(v)["breaker"] = json!({ "consecutive_failures": 5, "open_ms": -3 })),
        ),
        (
            "policy.retry.budget.ratio",
            with_dependency(|v| policy(v)["retry"] = json!({ "max_retries": 2, "budget": { "ratio": 1.5 } })),
        ),
        (
            "policy.retry.budget.burst",
            with_dependency(|v| policy(v)["retry"] = json!({ "max_retries": 2, "budget": { "burst": 2_000_000 } })),
        ),
        (
            "policy.max_concurrent",
            with_dependency(|v| policy(v)["max_concurrent"] = json!(0)),
        ),
        (
            "retry.budget.ratio",
            with(|v| v["nodes"][0]["spec"]["retry"] = json!({ "max_retries": 1, "budget": { "ratio": -0.1 } })),
        ),
        (
            "rate_limit.rate_rps",
            with(|v| svc(v)["rate_limit"] = json!({ "rate_rps": 0 })),
        ),
        (
            "rate_limit.rate_rps",
            with(|v| svc(v)["rate_limit"] = json!({ "rate_rps": 1e300 })),
        ),
        (
            "rate_limit.burst",
            with(|v| svc(v)["rate_limit"] = json!({ "rate_rps": 10, "burst": 0 })),
        ),
        (
            "rate_limit.window_ms",
            with(|v| svc(v)["rate_limit"] = json!({ "rate_rps": 10, "algorithm": "sliding_window", "window_ms": 1 })),
        ),
        (
            "rate_rps",
            with(|v| {
                v["nodes"][1]["spec"] = json!({ "kind": "rate_limiter", "rate_rps": -5 });
            }),
        ),
        (
            "shed.target_ms",
            with(|v| svc(v)["shed"] = json!({ "target_ms": 500, "interval_ms": 100 })),
        ),
        (
            "shed.interval_ms",
            with(|v| svc(v)["shed"] = json!({ "interval_ms": 0 })),
        ),
        ("error_rate", with(|v| svc(v)["error_rate"] = json!(2))),
        ("error_rate", with(|v| svc(v)["error_rate"] = json!(-0.5))),
        ("deadline_ms", with(|v| v["nodes"][0]["spec"]["deadline_ms"] = json!(0))),
        (
            "deadline_propagation",
            with(|v| v["nodes"][0]["spec"]["deadline_propagation"] = json!(true)),
        ),
        (
            "not from a load_balancer",
            with(|v| v["edges"][1]["policy"] = json!({ "timeout_ms": 100 })),
        ),
        (
            "not from a client",
            with(|v| v["edges"][0]["policy"] = json!({ "timeout_ms": 100 })),
        ),
    ];
    for (field, text) in cases {
        match scenario::load(&text) {
            Ok(_) => panic!("accepted a bad {field}: {text}"),
            Err(e) => {
                let message = e.to_string();
                assert!(
                    matches!(e, ScenarioError::Invalid(_) | ScenarioError::Schema { .. }),
                    "{field}: {e:?}"
                );
                assert!(message.contains(field), "the error names {field}: {message}");
            }
        }
    }
}

/// Every session setting of issue #20 out of its rules gets its typed error, naming the field; a shared store
/// that is one of the service's dependencies is valid and runs.
#[test]
fn session_settings_get_typed_errors() {
    let shared = |v: &mut Value| svc(v)["sessions"] = json!({ "store": "shared", "store_node": "d" });
    let users = |v: &mut Value| v["nodes"][0]["spec"]["sessions"] = json!({ "users": 100 });
    let (s, _) = scenario::load(&with_dependency(|v| {
        shared(v);
        users(v);
    }))
    .unwrap();
    let mut sim = Sim::new(&s, 1).unwrap();
    sim.run_to_end();
    assert_eq!(sim.report().sessions.map(|s| s.logins > 0), Some(true));

    let out_of_range = |value: f64| {
        move |p: &Problem| {
            *p == Problem::OutOfRange {
                field: "sessions.users".into(),
                value,
                min: 1.0,
                max: 1e6,
                unit: "users",
            }
        }
    };
    let bad = |field: &'static str, says: &'static str| move |p: &Problem| matches!(p, Problem::BadParameter { field: f, message } if *f == field && message.contains(says));
    type Check = Box<dyn Fn(&ScenarioError) -> bool>;
    let cases: Vec<(&str, String, Check)> = vec![
        (
            "no users",
            with(|v| v["nodes"][0]["spec"]["sessions"] = json!({ "users": 0 })),
            Box::new(move |e| problem(e, out_of_range(0.0))),
        ),
        (
            "a million and one users",
            with(|v| v["nodes"][0]["spec"]["sessions"] = json!({ "users": 1_000_001 })),
            Box::new(move |e| problem(e, out_of_range(1_000_001.0))),
        ),
        (
            "users missing",
            with(|v| v["nodes"][0]["spec"]["sessions"] = json!({})),
            Box::new(|e| matches!(e, ScenarioError::Schema { message, .. } if message.contains("users"))),
        ),
        (
            "store missing",
            with(|v| svc(v)["sessions"] = json!({})),
            Box::new(|e| matches!(e, ScenarioError::Schema { message, .. } if message.contains("store"))),
        ),
        (
            "an unknown store",
            with(|v| svc(v)["sessions"] = json!({ "store": "disk" })),
            Box::new(|e| matches!(e, ScenarioError::Schema { message, .. } if message.contains("disk"))),
        ),
        (
            "shared without store_node",
            with_dependency(|v| svc(v)["sessions"] = json!({ "store": "shared" })),
            Box::new(move |e| problem(e, bad("sessions.store_node", "needs store_node"))),
        ),
        (
            "store_node not a dependency",
            with_dependency(|v| svc(v)["sessions"] = json!({ "store": "shared", "store_node": "lb" })),
            Box::new(move |e| problem(e, bad("sessions.store_node", "not a dependency"))),
        ),
        (
            "store_node not a node",
            with_dependency(|v| svc(v)["sessions"] = json!({ "store": "shared", "store_node": "ghost" })),
            Box::new(move |e| problem(e, bad("sessions.store_node", "not a node"))),
        ),
        (
            "store_node a cache",
            with_dependency(|v| {
                v["nodes"][3]["spec"] = json!({ "kind": "cache", "capacity": 10, "read": "cache_aside" });
                v["edges"][2].as_object_mut().unwrap().remove("policy");
                shared(v);
            }),
            Box::new(move |e| problem(e, bad("sessions.store_node", "database or a service"))),
        ),
        (
            "store_node on memory sessions",
            with_dependency(|v| svc(v)["sessions"] = json!({ "store": "memory", "store_node": "d" })),
            Box::new(move |e| problem(e, bad("sessions.store_node", "only a shared store"))),
        ),
        (
            "store_node on a token",
            with_dependency(|v| svc(v)["sessions"] = json!({ "store": "token", "store_node": "d" })),
            Box::new(move |e| problem(e, bad("sessions.store_node", "only a shared store"))),
        ),
        (
            "a negative verify_ms",
            with(|v| svc(v)["sessions"] = json!({ "store": "token", "verify_ms": -0.1 })),
            Box::new(move |e| problem(e, bad("sessions.verify_ms", "finite number of milliseconds"))),
        ),
        (
            "verify_ms of 10^12",
            with(|v| svc(v)["sessions"] = json!({ "store": "token", "verify_ms": 1e12 })),
            Box::new(|e| {
                problem(
                    e,
                    |p| matches!(p, Problem::OutOfRange { field, value, .. } if field == "sessions.verify_ms" && *value == 1e12),
                )
            }),
        ),
        (
            "verify_ms on memory sessions",
            with(|v| svc(v)["sessions"] = json!({ "store": "memory", "verify_ms": 1 })),
            Box::new(move |e| problem(e, bad("sessions.verify_ms", "only a token"))),
        ),
        (
            "sessions on a database",
            with(|v| {
                svc(v)["kind"] = json!("database");
                svc(v)["sessions"] = json!({ "store": "memory" });
            }),
            Box::new(move |e| problem(e, bad("sessions", "only a service keeps sessions, not a database"))),
        ),
    ];
    for (name, text, check) in cases {
        let outcome = std::panic::catch_unwind(|| scenario::load(&text).map(|_| ()));
        let result = outcome.unwrap_or_else(|_| panic!("{name}: panicked"));
        let err = result.expect_err(name);
        assert!(check(&err), "{name}: unexpected error {err:?}");
    }
}
