//! Issue #17 end to end: a scenario asking for what the model cannot honour gets one `error:` line and exit
//! status 1; an overload the simulator cannot hold in memory runs to the end and says what it refused, in
//! the summary and in `--json`, the same bytes every time.

use std::process::Output;

mod common;
use common::{switchyard, temp_file};

fn scenario(rate_rps: f64, service_time: &str) -> String {
    format!(
        r#"{{"version":1,"duration_ms":1000,
            "nodes":[{{"id":"c","spec":{{"kind":"client"}}}},
                     {{"id":"s","spec":{{"kind":"service","workers":2,"service_time":{service_time}}}}}],
            "edges":[{{"from":"c","to":"s"}}],
            "workload":{{"arrival":{{"type":"poisson","rate_rps":{rate_rps}}}}}}}"#
    )
}

#[test]
fn a_value_out_of_range_is_one_error_line_and_exit_1() {
    let f = temp_file("huge.json", &scenario(10.0, r#"{"type":"exponential","mean_ms":1e11}"#));
    for cmd in ["run", "validate"] {
        let o = switchyard(&[cmd, f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{cmd}");
        assert!(o.stdout.is_empty(), "{cmd}");
        let e = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(e.lines().count(), 1, "{cmd}: {e}");
        assert!(
            e.starts_with("error: ")
                && e.trim_end().ends_with(
                    "node \"s\": service_time.mean_ms must be between 0.000001 and 1000000000 ms, got 100000000000"
                ),
            "{cmd}: {e}"
        );
    }
}

#[test]
fn an_overload_shows_what_it_refused_for_memory() {
    let f = temp_file("flood.json", &scenario(1e6, r#"{"type":"constant","ms":50}"#));
    let o = switchyard(&["run", f.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(s.lines().any(|l| l.trim_start().starts_with("memory limit ")), "{s}");

    let json = |o: &Output| -> String {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| !l.trim_start().starts_with("\"wall_ms\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let a = switchyard(&["run", f.to_str().unwrap(), "--json", "--seed", "3"]);
    let b = switchyard(&["run", f.to_str().unwrap(), "--json", "--seed", "3"]);
    assert!(a.status.success());
    assert_eq!(json(&a), json(&b));
    let v: serde_json::Value = serde_json::from_str(&String::from_utf8_lossy(&a.stdout)).unwrap();
    let refused = v["failed_by_reason"]["memory_limit"].as_u64().unwrap_or(0);
    assert!(refused > 0, "{v}");
    assert_eq!(
        v["issued"].as_u64(),
        Some(v["completed"].as_u64().unwrap() + v["failed"].as_u64().unwrap() + v["in_flight"].as_u64().unwrap())
    );
}
