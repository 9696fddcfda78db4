//! Challenges (#22, the format and scoring): every bundled challenge's reference solution meets every goal and its
//! starting design misses at least one; a score is the same bytes every time; the traffic, faults, seed and
//! clients are the challenge's whatever the design says; malformed challenges are typed errors.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value};
use switchyard_core::challenge::{self, ChallengeError};

fn bundled() -> Vec<(&'static str, challenge::Challenge)> {
    challenge::ALL
        .iter()
        .map(|&(id, text)| (id, challenge::parse(text).unwrap_or_else(|e| panic!("{id}: {e}"))))
        .collect()
}

#[test]
fn every_reference_solves_its_challenge_and_every_start_does_not() {
    assert!(!challenge::ALL.is_empty());
    for (id, ch) in bundled() {
        assert_eq!(ch.id, id, "the file's id is its name");
        let reference = challenge::score(&ch, &ch.reference).unwrap();
        assert!(reference.solved, "{id}: the reference fails: {reference:?}");
        assert_eq!(reference.score, 100);
        let start = challenge::score(&ch, &ch.start).unwrap();
        assert!(!start.solved, "{id}: the starting design already passes: {start:?}");
        assert!(start.score < 100);
    }
}

#[test]
fn a_score_is_the_same_bytes_every_time() {
    for (_, ch) in bundled() {
        let a = challenge::score(&ch, &ch.reference).unwrap().to_json();
        let b = challenge::score(&ch, &ch.reference).unwrap().to_json();
        assert_eq!(a, b);
    }
}

fn scale() -> Value {
    serde_json::from_str(challenge::get("scale-10x").unwrap()).unwrap()
}

#[test]
fn the_traffic_seed_and_clients_are_locked() {
    let ch = challenge::parse(&scale().to_string()).unwrap();
    let honest = challenge::score(&ch, &ch.start).unwrap();
    // A design that quietly lowers the traffic, changes the seed and the client's timeout is scored as if it
    // had not: its score card is the start's, byte for byte.
    let mut cheat = scale()["start"].clone();
    cheat["workload"]["arrival"]["rate_rps"] = json!(10);
    cheat["seed"] = json!(12345);
    cheat["duration_ms"] = json!(1000);
    cheat["nodes"][0]["spec"]["timeout_ms"] = json!(100000);
    let cheat = switchyard_core::scenario::parse(&cheat.to_string()).unwrap();
    assert_eq!(challenge::score(&ch, &cheat).unwrap().to_json(), honest.to_json());
    // Dropping the client the traffic comes from is an error that names it.
    let mut gone = scale()["reference"].clone();
    gone["nodes"][0]["id"] = json!("someone");
    gone["edges"][0]["from"] = json!("someone");
    let gone = switchyard_core::scenario::parse(&gone.to_string()).unwrap();
    assert_eq!(
        challenge::score(&ch, &gone),
        Err(ChallengeError::MissingClient("users".into()))
    );
}

#[test]
fn component_goals_count_the_design_s_nodes() {
    let mut v = scale();
    v["goals"] = json!([
        {"metric": "nodes", "kind": "load_balancer", "at_least": 1, "label": "a balancer"},
        {"metric": "nodes", "kind": "service", "at_most": 6, "label": "at most six servers"},
        {"metric": "nodes", "kind": "cache", "at_most": 0, "label": "no cache"}
    ]);
    let ch = challenge::parse(&v.to_string()).unwrap();
    let r = challenge::score(&ch, &ch.reference).unwrap();
    let measured: Vec<f64> = r.goals.iter().map(|g| g.measured).collect();
    assert_eq!(measured, [1.0, 6.0, 0.0]);
    assert!(r.solved);
    let s = challenge::score(&ch, &ch.start).unwrap();
    assert_eq!(s.passed, 2, "no balancer in the start: {s:?}");
    assert_eq!(s.score, 66);
}

#[test]
fn malformed_challenges_are_typed_errors() {
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut v = scale();
        f(&mut v);
        challenge::parse(&v.to_string())
    };
    assert_eq!(edit(&|v| v["version"] = json!(2)), Err(ChallengeError::Version(2)));
    assert!(matches!(
        edit(&|v| v["goals"][0] = json!({"metric": "p99_ms", "label": "no bound"})),
        Err(ChallengeError::BadGoal { index: 0, .. })
    ));
    assert!(matches!(
        edit(&|v| v["goals"][1] = json!({"metric": "nodes", "kind": "spaceship", "at_least": 1, "label": "x"})),
        Err(ChallengeError::BadGoal { index: 1, .. })
    ));
    assert!(matches!(
        edit(&|v| v["goals"][0]["kind"] = json!("cache")),
        Err(ChallengeError::BadGoal { index: 0, .. })
    ));
    assert!(matches!(
        edit(&|v| v["goals"] = json!([])),
        Err(ChallengeError::Format(_))
    ));
    assert!(matches!(
        edit(&|v| v["surprise"] = json!(1)),
        Err(ChallengeError::Format(_))
    ));
    assert!(matches!(
        edit(&|v| v["reference"]["nodes"][1]["spec"]["workers"] = json!(0)),
        Err(ChallengeError::Scenario { which: "reference", .. })
    ));
    assert!(matches!(challenge::parse("{not json"), Err(ChallengeError::Format(_))));
}

/// Every bundled challenge's reference and start, scored: the lines of `tests/challenges/scores.jsonl`, each the
/// bytes `switchyard challenge check CHALLENGE reference|start --json` prints.
fn score_lines() -> String {
    let mut out = String::new();
    for (_, ch) in bundled() {
        for design in [&ch.reference, &ch.start] {
            out.push_str(&challenge::score(&ch, design).unwrap().to_json());
            out.push('\n');
        }
    }
    out
}

/// The scores are pinned: `tests/challenges/scores.jsonl` holds them, the wasm build checks that it computes the
/// same bytes in a browser (`wasm_determinism.rs`), and the app's result card is checked against the CLI in the
/// e2e test. `SWITCHYARD_BLESS=1` rewrites the file after an intended change.
#[test]
fn scores_match_the_pinned_file() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/challenges/scores.jsonl");
    let got = score_lines();
    if std::env::var_os("SWITCHYARD_BLESS").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing; run with SWITCHYARD_BLESS=1", path.display()));
    for (k, (g, w)) in got.lines().zip(want.lines()).enumerate() {
        assert_eq!(g, w, "line {} of scores.jsonl", k + 1);
    }
    assert_eq!(got.lines().count(), want.lines().count());
}

/// The score card's JSON comes from the scenario codec's writer (no serde in the bundle); serde's derive, the
/// oracle the codec is tested against, writes the same bytes for every bundled challenge's cards, and the
/// challenge files read by the codec equal what serde's derive reads.
#[test]
fn the_codec_writes_and_reads_what_serde_does() {
    for (id, text) in challenge::ALL {
        let ch = challenge::parse(text).unwrap();
        for design in [&ch.reference, &ch.start] {
            let card = challenge::score(&ch, design).unwrap();
            assert_eq!(card.to_json(), serde_json::to_string(&card).unwrap(), "{id}");
        }
        let oracle: challenge::ChallengeFile = serde_json::from_str(text).unwrap();
        assert_eq!(oracle.goals, ch.goals, "{id}");
        assert_eq!(oracle.hints, ch.hints, "{id}");
        assert_eq!(oracle.start, ch.start, "{id}");
        assert_eq!(oracle.reference, ch.reference, "{id}");
    }
}
