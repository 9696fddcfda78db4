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
