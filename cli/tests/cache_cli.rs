//! End-to-end tests of `switchyard cache`: the real binary on small traces written to a temp directory.

use std::num::NonZeroU64;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use switchyard_core::cache::{build, Belady, Capacity, Eviction, Policy, ZipfKeys};
use switchyard_core::SimTime;

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("switchyard-cache-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, file: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(file);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn switchyard(trace: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .arg("cache")
        .arg(trace)
        .args(args)
        .output()
        .unwrap()
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The error line of a failed run; checks it failed cleanly.
fn failure(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !out.status.success(),
        "expected failure, got {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        out.stdout.is_empty(),
        "printed a report as well: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    stderr
}

fn keys(n: usize) -> Vec<u64> {
    ZipfKeys::new(500, 1.0, 9).unwrap().take(n).collect()
}

fn lines(keys: &[u64], fmt: impl Fn(u64) -> String) -> String {
    keys.iter().map(|&k| fmt(k) + "\n").collect()
}

/// Hits of `policy` on `keys` through the library, for comparison with the binary.
fn library_hits(policy: Policy, capacity: u64, keys: &[u64]) -> u64 {
    let cap = Capacity::objects(NonZeroU64::new(capacity).unwrap());
    let mut cache: Box<dyn Eviction> = match policy {
        Policy::Belady => Box::new(Belady::new(keys.to_vec(), cap).unwrap()),
        online => build(online, cap, 0).unwrap(),
    };
    keys.iter()
        .filter(|&&k| cache.access(k, 1, SimTime::ZERO).is_hit())
        .count() as u64
}

fn field(report: &Value, name: &str) -> u64 {
    report[name].as_u64().unwrap_or_else(|| panic!("no {name} in {report}"))
}

fn check_counts(report: &Value, requests: u64) {
    let (hits, misses) = (field(report, "hits"), field(report, "misses"));
    assert_eq!(field(report, "requests"), requests, "{report}");
    assert_eq!(hits + misses, requests, "{report}");
    let miss_ratio = report["miss_ratio"].as_f64().unwrap();
    assert!((miss_ratio - misses as f64 / requests as f64).abs() < 1e-12, "{report}");
    assert!(report["wall_ms"].as_f64().unwrap() >= 0.0, "{report}");
}

#[test]
fn txt_replay_reports_what_the_library_computes() {
    let dir = TempDir::new("txt");
    let keys = keys(20_000);
    let trace = dir.write("trace.txt", lines(&keys, |k| k.to_string()));
    let report = json(&switchyard(&trace, &["--policy", "lru", "--capacity", "50", "--json"]));
    check_counts(&report, keys.len() as u64);
    assert_eq!(report["policy"], "lru");
    assert_eq!(field(&report, "capacity"), 50);
    assert_eq!(report["unit"], "objects");
    assert_eq!(field(&report, "hits"), library_hits(Policy::Lru, 50, &keys));
}

#[test]
fn string_keys_hash_consistently_and_crlf_and_blank_lines_are_ignored() {
    let dir = TempDir::new("strings");
    let keys = keys(5_000);
    let numeric = dir.write("numeric.txt", lines(&keys, |k| k.to_string()));
    let named = dir.write("named.txt", lines(&keys, |k| format!("  user:{k}\r\n")));
    let args = ["--policy", "sieve", "--capacity", "40", "--json"];
    let (a, b) = (json(&switchyard(&numeric, &args)), json(&switchyard(&named, &args)));
    check_counts(&b, keys.len() as u64);
    assert_eq!(field(&a, "hits"), field(&b, "hits"));
}

#[test]
fn all_policies_come_back_as_an_array_with_belady_on_top() {
    let dir = TempDir::new("all");
    let keys = keys(10_000);
    let trace = dir.write("trace.txt", lines(&keys, |k| k.to_string()));
    let reports = json(&switchyard(&trace, &["--policy", "all", "--capacity", "30", "--json"]));
    let reports = reports.as_array().unwrap();
    let names: Vec<&str> = reports.iter().map(|r| r["policy"].as_str().unwrap()).collect();
    let expected: Vec<&str> = Policy::ALL.iter().map(|p| p.name()).collect();
    assert_eq!(names, expected);
    let belady = field(&reports[11], "hits");
    for (report, policy) in reports.iter().zip(Policy::ALL) {
        check_counts(report, keys.len() as u64);
        assert_eq!(field(report, "hits"), library_hits(policy, 30, &keys), "{policy}");
        assert!(field(report, "hits") <= belady, "{report}");
    }
}

#[test]
fn table_output_lists_every_policy() {
    let dir = TempDir::new("table");
    let trace = dir.write("trace.txt", "1\n2\n1\n3\n1\n");
    let out = switchyard(&trace, &["--policy", "all", "--capacity", "2"]);
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.starts_with("policy"), "{table}");
    for policy in Policy::ALL {
        assert!(
            table.lines().any(|l| l.starts_with(policy.name())),
            "{policy} missing:\n{table}"
        );
    }
}

#[test]
fn csv_columns_by_name_or_number_and_byte_capacity() {
    let dir = TempDir::new("csv");
    let keys = keys(3_000);
    let rows: String = keys
        .iter()
        .enumerate()
        .map(|(t, k)| format!("{t},\"obj,{k}\",{}\n", 100 + k % 7 * 50))
        .collect();
    let trace = dir.write("trace.csv", format!("time,key,size\n{rows}"));
    let by_name = json(&switchyard(
        &trace,
        &[
            "--key-col",
            "key",
            "--size-col",
            "size",
            "--bytes",
            "--capacity",
            "5000",
            "--json",
        ],
    ));
    let by_number = json(&switchyard(
        &trace,
        &[
            "--key-col",
            "1",
            "--size-col",
            "2",
            "--bytes",
            "--capacity",
            "5000",
            "--json",
        ],
    ));
    check_counts(&by_name, keys.len() as u64);
    assert_eq!(by_name["unit"], "bytes");
    assert_eq!(field(&by_name, "hits"), field(&by_number, "hits"));
    // In byte mode the sizes matter: the same capacity in objects holds far more.
    let objects = json(&switchyard(
        &trace,
        &["--key-col", "key", "--capacity", "5000", "--json"],
    ));
    assert!(field(&objects, "hits") > field(&by_name, "hits"));
}

#[test]
fn bad_input_fails_with_one_clear_line() {
    let dir = TempDir::new("bad");
    let good = dir.write("good.txt", "1\n2\n");
    let cases: Vec<(PathBuf, Vec<&str>, &str)> = vec![
        (dir.0.join("missing.txt"), vec!["--capacity", "3"], "cannot open trace"),
        (good.clone(), vec!["--capacity", "0"], "--capacity"),
        (
            good.clone(),
            vec!["--capacity", "3", "--policy", "nope"],
            "unknown cache policy 'nope'",
        ),
        (
            good.clone(),
            vec!["--capacity", "3", "--bytes"],
            "--bytes needs object sizes",
        ),
        (
            good.clone(),
            vec!["--capacity", "3", "--size-col", "1"],
            "--size-col needs --format csv",
        ),
        (
            dir.write("garbage.txt", b"1\n2\n\xff\xfe\xfd\n".as_slice()),
            vec!["--capacity", "3"],
            "line 3: the key is not valid UTF-8",
        ),
        (
            dir.write("cols.csv", "a,b\n1,2\n"),
            vec!["--capacity", "3", "--key-col", "c"],
            "--key-col 'c' is neither a column name",
        ),
        (
            dir.write("short.csv", "a,b\n1,2\n3\n"),
            vec!["--capacity", "3", "--key-col", "b"],
            "line 3: has 1 field, column 1 is missing",
        ),
        (
            dir.write("size.csv", "k,s\n1,10\n2,-4\n"),
            vec!["--capacity", "3", "--size-col", "s", "--bytes"],
            "line 3: size '-4'",
        ),
    ];
    for (trace, args, message) in cases {
        let stderr = failure(&switchyard(&trace, &args));
        assert!(stderr.contains(message), "{args:?}: expected '{message}' in {stderr}");
    }
}
