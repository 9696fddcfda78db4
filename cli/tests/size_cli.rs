//! `switchyard size`: the plan from flags, a template's plan and tier suggestions, `--apply`, `--json`, and
//! readable errors for bad input.

mod common;
use common::{stderr, stdout, switchyard, temp_file};

const FLAGS: [&str; 10] = [
    "--dau",
    "864000",
    "--per-user",
    "20",
    "--reads-per-write",
    "100",
    "--object-bytes",
    "500",
    "--peak",
    "3",
];

#[test]
fn flags_print_the_plan() {
    let o = switchyard(&[&["size"][..], &FLAGS].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "Plan: 864,000 daily users × 20 requests = 200 req/s on average, 600 req/s at peak (×3); 100:1 reads to \
         writes = 594 reads/s and 5.9 writes/s at peak; 500 B objects: 85.5 MB written a day, 31.2 GB over 365 \
         days; 297.0 KB/s out and 3.0 KB/s in at peak.\n"
    );
    let o = switchyard(&[&["size", "--json"][..], &FLAGS].concat());
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["plan"]["avg_rps"], 200.0);
    assert_eq!(v["plan"]["peak_rps"], 600.0);
    assert_eq!(v["sizing"]["retention_days"], 365.0);
    assert!(v.get("tiers").is_none(), "no design, no tiers");
}

#[test]
fn a_template_gets_its_tiers_and_apply_fills_its_clients() {
    let o = switchyard(&["size", "preset:100-url-shortener"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("600 req/s at peak"), "{text}");
    assert!(
        text.contains("At 70% busy the peak needs: API: 1 (has 2); Links database: 2 (has 1)."),
        "{text}"
    );

    // Twice the users: the filled file's client sends twice the peak, and keeps the new sizing.
    let out = std::env::temp_dir().join(format!("switchyard-size-{}.json", std::process::id()));
    let out_s = out.to_str().unwrap();
    let o = switchyard(&["size", "preset:100-url-shortener", "--dau", "1728000", "--apply", out_s]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("the clients send 1,200 req/s at peak"),
        "{}",
        stdout(&o)
    );
    let s = switchyard_core::scenario::parse(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(s.sizing.as_ref().unwrap().daily_active_users, 1_728_000.0);
    let rate = switchyard_core::capacity::nominal_rps(&s.workload.arrival);
    assert!((rate - 1_200.0).abs() < 1e-6, "{rate}");
    let o = switchyard(&["validate", out_s]);
    assert!(o.status.success(), "{}", stderr(&o));
    let _ = std::fs::remove_file(out);
}

#[test]
fn bad_input_is_one_readable_line() {
    let cases: [(&[&str], &str); 5] = [
        (&["size", "--dau", "1000"], "missing --per-user"),
        (
            &[
                "size",
                "--dau",
                "0",
                "--per-user",
                "1",
                "--reads-per-write",
                "1",
                "--object-bytes",
                "1",
                "--peak",
                "2",
            ],
            "--dau must be above 0",
        ),
        (
            &[
                "size",
                "--dau",
                "1e9",
                "--per-user",
                "1e5",
                "--reads-per-write",
                "1",
                "--object-bytes",
                "1",
                "--peak",
                "10",
            ],
            "above the 10000000 the engine runs",
        ),
        (
            &["size", "preset:01-single-server"],
            "the scenario has no `sizing` block",
        ),
        (
            &["size", "--apply", "x.json", "--dau", "1"],
            "--apply needs a scenario file",
        ),
    ];
    for (args, want) in cases {
        let o = switchyard(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = stderr(&o);
        assert!(
            err.starts_with("error: ") && err.contains(want) && err.lines().count() == 1,
            "{args:?}: {err}"
        );
    }
    // A file whose sizing is out of range is refused where it is.
    let bad = temp_file(
        "bad-sizing.json",
        &switchyard_core::presets::get("100-url-shortener")
            .unwrap()
            .replace("\"peak_factor\": 3", "\"peak_factor\": 0.5"),
    );
    let o = switchyard(&["size", bad.to_str().unwrap()]);
    assert!(
        stderr(&o).contains("sizing.peak_factor must be between 1 and 100, got 0.5"),
        "{}",
        stderr(&o)
    );
}
