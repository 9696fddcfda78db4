//! End-to-end tests of `switchyard review`: findings as lines and as JSON, exit status 0 with findings and
//! without, and bad input that gets one `error:` line and exit status 1.

mod common;
use common::{stderr, stdout, switchyard, temp_file};

#[test]
fn findings_are_printed_and_the_exit_status_is_zero() {
    let o = switchyard(&["review", "preset:01-single-server"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "preset:01-single-server: 1 finding (advice: keep what you chose on purpose)"
    );
    assert_eq!(
        lines[1].split_whitespace().take(3).collect::<Vec<_>>(),
        ["high", "single_point_of_failure", "server"]
    );
    assert!(lines[1].ends_with("Every request from client needs server: if it fails, nothing gets through"));
    assert_eq!(lines.len(), 2);
}

#[test]
fn json_lists_each_finding_with_its_key_and_is_deterministic() {
    let args = ["review", "preset:64-timeout-cascade", "--json"];
    let o = switchyard(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let findings = v["findings"].as_array().unwrap();
    let call = findings
        .iter()
        .find(|f| f["rule"] == "retry_without_budget_or_jitter" && f["node"] == "api")
        .expect("api's retries to db");
    assert_eq!(call["edge"], serde_json::json!({"from": "api", "to": "db"}));
    assert_eq!(call["severity"], "medium");
    assert_eq!(call["key"], r#"["retry_without_budget_or_jitter","api","db"]"#);
    let node = findings
        .iter()
        .find(|f| f["rule"] == "single_point_of_failure")
        .unwrap();
    assert!(node.get("edge").is_none(), "{node}");
    for key in ["rule", "severity", "node", "reason", "key"] {
        assert!(findings.iter().all(|f| f[key].is_string()), "{key}");
    }
    assert_eq!(stdout(&switchyard(&args)), stdout(&o));
}

#[test]
fn a_design_with_nothing_to_say_says_so() {
    let file = temp_file(
        "redundant.json",
        r#"{"version": 1,
            "nodes": [
              {"id": "users", "spec": {"kind": "client", "timeout_ms": 1000, "strategy": "failover",
                                       "health_check": {"interval_ms": 500}}},
              {"id": "lb1", "spec": {"kind": "load_balancer", "health_check": {"interval_ms": 1000}}},
              {"id": "lb2", "spec": {"kind": "load_balancer", "health_check": {"interval_ms": 1000}}},
              {"id": "web", "spec": {"kind": "service", "group": {"min": 2, "max": 4}}}
            ],
            "edges": [
              {"from": "users", "to": "lb1"}, {"from": "users", "to": "lb2"},
              {"from": "lb1", "to": "web"}, {"from": "lb2", "to": "web"}
            ]}"#,
    );
    let path = file.to_str().unwrap();
    let o = switchyard(&["review", path]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim_end(), format!("{path}: no findings"));
    let o = switchyard(&["review", path, "--json"]);
    assert_eq!(stdout(&o).trim_end(), r#"{"findings":[]}"#);
}

#[test]
fn bad_input_gets_one_clear_line() {
    let truncated = temp_file("truncated.json", r#"{"version":1,"nodes":["#);
    let invalid = temp_file(
        "invalid.json",
        r#"{"version": 1, "nodes": [{"id": "c", "spec": {"kind": "client"}}], "edges": [{"from": "c", "to": "x"}]}"#,
    );
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["review", "/definitely/not/here.json"], "cannot open"),
        (vec!["review", truncated.to_str().unwrap()], "not valid JSON"),
        (vec!["review", invalid.to_str().unwrap(), "--json"], "\"x\""),
        (vec!["review", "preset:nope"], "no preset named"),
    ];
    for (args, want) in cases {
        let o = switchyard(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let e = stderr(&o);
        assert!(e.starts_with("error: ") && e.contains(want), "{args:?}: {e}");
        assert!(!e.contains("panicked"), "{args:?}: {e}");
        assert!(stdout(&o).is_empty(), "{args:?}");
    }
}
