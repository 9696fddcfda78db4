//! End-to-end tests of `switchyard shard`: the JSON report's fields, key movement on adding a ninth shard
//! (mod-N vs consistent hashing vs directory), and bad input that gets one `error:` line and a non-zero exit.

use serde_json::Value;

mod common;
use common::switchyard;

fn report(args: &[&str]) -> Value {
    let out = switchyard(args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

fn moved_fraction(scheme: &str, extra: &[&str]) -> f64 {
    let mut args = vec![
        "shard", "--scheme", scheme, "--shards", "8", "--keys", "50000", "--add", "1", "--json",
    ];
    args.extend_from_slice(extra);
    report(&args)["moved_fraction"]
        .as_f64()
        .expect("moved_fraction is a number")
}

#[test]
fn json_has_the_documented_fields_for_every_scheme() {
    for scheme in [
        "range",
        "modn",
        "consistent",
        "list",
        "roundrobin",
        "composite",
        "directory",
    ] {
        let v = report(&[
            "shard", "--scheme", scheme, "--shards", "4", "--keys", "2000", "--add", "1", "--json",
        ]);
        for field in [
            "scheme",
            "shards",
            "keys",
            "skew",
            "moved_fraction",
            "moved_keys",
            "wall_ms",
        ] {
            assert!(v.get(field).is_some(), "{scheme}: missing {field}");
        }
        assert_eq!(v["scheme"], scheme);
        assert!(v["skew"].as_f64().unwrap() >= 1.0);
        let fanout = if scheme == "roundrobin" { 5 } else { 1 };
        assert_eq!(v["lookup_fanout"], fanout, "{scheme}");
    }
}

#[test]
fn adding_a_ninth_shard_moves_most_keys_with_modn_few_with_consistent_and_only_migrated_ones_with_a_directory() {
    assert!(moved_fraction("modn", &[]) > 0.8);
    let consistent = moved_fraction("consistent", &[]);
    assert!((0.05..=0.25).contains(&consistent), "{consistent}");
    assert_eq!(moved_fraction("directory", &[]), 0.0);
    assert_eq!(moved_fraction("directory", &["--migrate", "0.2"]), 0.2);
}

#[test]
fn zipf_skew_counts_requests_and_runs_are_deterministic() {
    let args = [
        "shard", "--scheme", "modn", "--shards", "8", "--keys", "20000", "--dist", "zipf:1.2", "--json",
    ];
    let (a, b) = (report(&args), report(&args));
    assert_eq!(a["skew"], b["skew"]);
    assert_eq!(a["keys"], 20000);
    assert!(a["distinct_keys"].as_u64().unwrap() < 20000);
    // The hottest key alone takes a large share of the requests, so its shard stands out.
    assert!(a["skew"].as_f64().unwrap() > 1.5, "{}", a["skew"]);
}

#[test]
fn bad_input_is_one_error_line_and_a_nonzero_exit() {
    let cases: [&[&str]; 7] = [
        &["shard", "--scheme", "modn", "--shards", "0", "--keys", "10"],
        &["shard", "--scheme", "modn", "--shards", "8", "--keys", "0"],
        &[
            "shard", "--scheme", "modn", "--shards", "8", "--keys", "10", "--dist", "zipf:-1",
        ],
        &[
            "shard", "--scheme", "modn", "--shards", "8", "--keys", "10", "--dist", "normal",
        ],
        &[
            "shard",
            "--scheme",
            "modn",
            "--shards",
            "8",
            "--keys",
            "10",
            "--add",
            "1",
            "--migrate",
            "0.5",
        ],
        &[
            "shard",
            "--scheme",
            "composite",
            "--shards",
            "2",
            "--keys",
            "10",
            "--regions",
            "3",
        ],
        &["shard", "--scheme", "hashring", "--shards", "8", "--keys", "10"],
    ];
    for args in cases {
        let out = switchyard(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("error:"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
