//! The `switchyard` binary end to end: run, validate and presets, determinism of `--json`, and bad input that
//! gets one clear error line and a non-zero exit, never a panic.

use std::path::PathBuf;

mod common;
use common::{stderr, stdout, switchyard, temp_file};

fn without_wall_ms(json: &str) -> String {
    json.lines()
        .filter(|l| !l.trim_start().starts_with("\"wall_ms\""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn run_json_has_the_documented_keys_and_is_deterministic() {
    let args = ["run", "preset:mmc", "--requests", "20000", "--seed", "9", "--json"];
    let a = switchyard(&args);
    assert!(a.status.success(), "{}", stderr(&a));
    let v: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    for key in ["completed", "failed", "throughput_rps", "events", "wall_ms"] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    for q in ["mean", "p50", "p90", "p99", "p999"] {
        assert!(v["latency_ms"][q].as_f64().unwrap() > 0.0, "latency_ms.{q}");
    }
    assert_eq!(v["completed"], 20000);
    let b = switchyard(&args);
    assert_eq!(without_wall_ms(&stdout(&a)), without_wall_ms(&stdout(&b)));
    let c = switchyard(&["run", "preset:mmc", "--requests", "20000", "--seed", "10", "--json"]);
    assert_ne!(without_wall_ms(&stdout(&a)), without_wall_ms(&stdout(&c)));
}

#[test]
fn run_json_matches_the_golden_report() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios/crash-retry");
    let o = switchyard(&["run", dir.join("scenario.json").to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let want = std::fs::read_to_string(dir.join("expected.json")).unwrap();
    // The CLI prints the engine's report plus wall_ms (the only field a clock touches).
    let got = without_wall_ms(&stdout(&o));
    let want = want.trim_end().trim_end_matches('}').trim_end();
    assert!(
        got.starts_with(want),
        "CLI output differs from the golden report:\n{got}"
    );
}

#[test]
fn summary_is_readable() {
    let o = switchyard(&["run", "preset:04-cache"]);
    assert!(o.status.success());
    let s = stdout(&o);
    assert!(s.contains("latency    mean"), "{s}");
    assert!(s.contains("hit ratio"), "{s}");
}

/// A node with a worker limit reports its utilization as a percentage; a node without one (a load balancer)
/// reports the mean number of requests it holds, which is not a fraction of anything.
#[test]
fn summary_gives_unbounded_nodes_requests_in_flight_not_a_percentage() {
    let o = switchyard(&["run", "preset:03-load-balancer"]);
    assert!(o.status.success());
    let s = stdout(&o);
    let line = |kind: &str| {
        s.lines()
            .find(|l| l.split_whitespace().nth(1) == Some(kind))
            .unwrap_or("")
            .to_string()
    };
    let lb = line("load_balancer");
    assert!(lb.contains("in flight") && !lb.contains('%'), "{s}");
    let pct: f64 = line("service")
        .split("util")
        .nth(1)
        .and_then(|r| r.trim_start().split('%').next())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(-1.0);
    assert!((0.0..=100.0).contains(&pct), "{s}");
}

#[test]
fn summary_names_the_writes_a_write_back_cache_lost() {
    let o = switchyard(&["run", "preset:22-cache-write-policies"]);
    assert!(o.status.success());
    let s = stdout(&o);
    let line = |id: &str| {
        s.lines()
            .find(|l| l.trim_start().starts_with(id))
            .unwrap_or("")
            .to_string()
    };
    assert!(line("cache_back").contains("lost writes"), "{s}");
    assert!(!line("cache_through").contains("lost writes"), "{s}");
}

/// A run with users prints its sessions line, with the report's numbers; a run without users prints none.
#[test]
fn summary_counts_users_and_sessions() {
    let o = switchyard(&["run", "preset:70-sessions-sticky"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    let json = switchyard(&["run", "preset:70-sessions-sticky", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let n = |k: &str| v["sessions"][k].as_u64().unwrap();
    let want = format!(
        "  sessions   {} users, {} active; {} logins, {} lost, {} requests logged out\n",
        n("users"),
        n("active"),
        n("logins"),
        n("lost"),
        n("logged_out")
    );
    assert!(n("lost") > 0 && s.contains(&want), "{want}\n{s}");
    assert!(s.contains("logged out "), "the failure reason is named: {s}");
    let plain = stdout(&switchyard(&["run", "preset:31-web-server-fails"]));
    assert!(!plain.contains("sessions"), "{plain}");
}

#[test]
fn validate_accepts_presets_and_locates_problems() {
    let o = switchyard(&["validate", "preset:08-queue-workers"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("ok (5 nodes"));
    let bad = temp_file(
        "bad.json",
        r#"{"version":1,"nodes":[{"id":"c","spec":{"kind":"client"}},{"id":"lb","spec":{"kind":"load_balancer"}}],
            "edges":[{"from":"c","to":"lb"},{"from":"lb","to":"gone"}]}"#,
    );
    let o = switchyard(&["validate", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("edge \"lb\" -> \"gone\": connects to \"gone\", which does not exist"),
        "{e}"
    );
}

#[test]
fn bad_input_gets_one_clear_line_and_no_panic() {
    let truncated = temp_file("truncated.json", r#"{"version":1,"nodes":["#);
    let binary = temp_file("binary.json", "\u{0}\u{1}\u{2}garbage");
    let newer = temp_file("newer.json", r#"{"version":7,"nodes":[]}"#);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["run", "/definitely/not/here.json"], "cannot open"),
        (vec!["run", truncated.to_str().unwrap()], "not valid JSON"),
        (vec!["run", binary.to_str().unwrap()], "not valid JSON"),
        (
            vec!["validate", newer.to_str().unwrap()],
            "newer than this Switchyard supports",
        ),
        (vec!["run", "preset:nope"], "no preset named"),
    ];
    for (args, want) in cases {
        let o = switchyard(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let e = stderr(&o);
        assert!(e.starts_with("error: ") && e.contains(want), "{args:?}: {e}");
        assert!(!e.contains("panicked"), "{args:?}: {e}");
        assert_eq!(e.trim_end().lines().count(), 1, "{args:?}: {e}");
    }
}

#[test]
fn presets_are_listed_and_printable() {
    let o = switchyard(&["presets"]);
    let s = stdout(&o);
    for name in ["mm1", "mmc", "01-single-server", "08-queue-workers"] {
        assert!(s.contains(name), "{s}");
    }
    let o = switchyard(&["presets", "mm1"]);
    assert!(stdout(&o).contains("\"version\": 1"));
}

#[test]
fn realtime_compares_the_four_channels() {
    let o = switchyard(&["realtime", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let modes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["mode"].as_str().unwrap())
        .collect();
    assert_eq!(modes, ["short_polling", "long_polling", "websocket", "sse"]);
    let o = switchyard(&["realtime", "--clients", "0"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error: clients must be"), "{}", stderr(&o));
}

#[test]
fn run_reports_a_realtime_block_and_size_rejections() {
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/examples/polling-vs-push.json");
    let o = switchyard(&["run", example.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rt = v["realtime"].as_array().expect("a realtime list");
    let modes: Vec<&str> = rt.iter().map(|m| m["mode"].as_str().unwrap()).collect();
    assert_eq!(modes, ["short_polling", "long_polling", "websocket", "sse"]);
    let rps = |i: usize| rt[i]["server_rps"].as_f64().unwrap();
    assert!(rps(0) >= 10.0 * rps(1), "{} vs {}", rps(0), rps(1));
    // The summary prints the modes side by side.
    let o = switchyard(&["run", example.to_str().unwrap()]);
    let text = stdout(&o);
    assert!(
        text.contains("realtime channels") && text.contains("short_polling"),
        "{text}"
    );

    let golden =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios/queue-sizes-realtime/scenario.json");
    let o = switchyard(&["run", golden.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("too large for a queue"), "{}", stdout(&o));
    // A bad block is one error line naming it, exit 1.
    let bad = temp_file(
        "bad-realtime.json",
        r#"{"version": 1, "nodes": [{"id": "c", "spec": {"kind": "client"}}, {"id": "s", "spec": {"kind": "service"}}],
            "edges": [{"from": "c", "to": "s"}], "realtime": {"clients": 10, "updates_per_s": 1, "modes": []}}"#,
    );
    let o = switchyard(&["run", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("realtime") && stderr(&o).contains("modes"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn run_prints_each_shard_router_and_what_its_rebalance_moved() {
    let o = switchyard(&["run", "preset:51-modn-vs-consistent"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let moved: Vec<f64> = out
        .lines()
        .filter(|l| l.contains("add_shard"))
        .map(|l| {
            let pct = l.split('(').nth(1).unwrap().split('%').next().unwrap();
            pct.parse().unwrap()
        })
        .collect();
    assert_eq!(moved.len(), 2, "{out}");
    // hash mod N first (4 -> 5 shards moves about 80%), then the consistent ring (about 20%).
    assert!(moved[0] > 70.0 && moved[1] < 30.0, "{moved:?}\n{out}");
    assert!(out.contains("shards     modn (modn)"), "{out}");
}

#[test]
fn run_check_reports_the_cap_trade_off_of_the_partition_presets() {
    let field = |json: &serde_json::Value, k: &str| json.get(k).cloned().unwrap_or(serde_json::Value::Null);
    let cp = switchyard(&["run", "preset:12-partition-cp", "--check", "--json"]);
    assert!(cp.status.success(), "{}", stderr(&cp));
    let cp: serde_json::Value = serde_json::from_str(&stdout(&cp)).unwrap();
    let ap = switchyard(&["run", "preset:13-partition-ap", "--check", "--json"]);
    assert!(ap.status.success(), "{}", stderr(&ap));
    let ap: serde_json::Value = serde_json::from_str(&stdout(&ap)).unwrap();
    assert_eq!(field(&cp, "linearizable"), serde_json::json!(true));
    assert_eq!(field(&ap, "linearizable"), serde_json::json!(false));
    assert_eq!(field(&cp, "stale_reads"), serde_json::json!(0));
    assert!(field(&ap, "stale_reads").as_u64().unwrap() > 10);
    // The CP minority side is cut off from its quorum; the AP one keeps answering.
    let side2 = |j: &serde_json::Value| j["availability_by_side"]["side 2"].as_f64().unwrap();
    assert!(side2(&cp) < 0.1, "{}", side2(&cp));
    assert!(side2(&ap) > 0.99, "{}", side2(&ap));
    assert!(field(&ap, "lost_writes").is_u64());

    let text = switchyard(&["run", "preset:12-partition-cp", "--check"]);
    assert!(text.status.success());
    assert!(stdout(&text).contains("linearizable  yes"), "{}", stdout(&text));
    let none = switchyard(&["run", "preset:01-single-server", "--check"]);
    assert_eq!(none.status.code(), Some(1));
    assert!(
        stderr(&none).contains("--check needs a replicated database"),
        "{}",
        stderr(&none)
    );
}
