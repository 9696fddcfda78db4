//! Determinism across targets: the golden scenarios, run inside a browser's wasm engine, must produce the
//! very bytes the native run pinned in `tests/scenarios/*/expected.json`.
#![cfg(target_arch = "wasm32")]

use switchyard_core::Sim;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn check(scenario: &str, expected: &str) {
    let mut sim = Sim::from_json(scenario).expect("golden scenario loads");
    sim.run_to_end();
    assert_eq!(sim.report().to_json_pretty() + "\n", expected);
}

#[wasm_bindgen_test]
fn crash_retry_matches_native_bytes() {
    check(
        include_str!("../../tests/scenarios/crash-retry/scenario.json"),
        include_str!("../../tests/scenarios/crash-retry/expected.json"),
    );
}

#[wasm_bindgen_test]
fn cache_matches_native_bytes() {
    check(
        include_str!("../../tests/scenarios/cache/scenario.json"),
        include_str!("../../tests/scenarios/cache/expected.json"),
    );
}

#[wasm_bindgen_test]
fn queue_workers_matches_native_bytes() {
    check(
        include_str!("../../tests/scenarios/queue-workers/scenario.json"),
        include_str!("../../tests/scenarios/queue-workers/expected.json"),
    );
}

#[wasm_bindgen_test]
fn queue_sizes_realtime_matches_native_bytes() {
    check(
        include_str!("../../tests/scenarios/queue-sizes-realtime/scenario.json"),
        include_str!("../../tests/scenarios/queue-sizes-realtime/expected.json"),
    );
}

#[wasm_bindgen_test]
fn sharding_matches_native_bytes() {
    check(
        include_str!("../../tests/scenarios/sharding/scenario.json"),
        include_str!("../../tests/scenarios/sharding/expected.json"),
    );
}

#[wasm_bindgen_test]
fn resilience_matches_native_bytes() {
    check(
        include_str!("../../tests/scenarios/resilience/scenario.json"),
        include_str!("../../tests/scenarios/resilience/expected.json"),
    );
}

#[wasm_bindgen_test]
fn sessions_matches_native_bytes() {
    check(
        include_str!("../../tests/scenarios/sessions/scenario.json"),
        include_str!("../../tests/scenarios/sessions/expected.json"),
    );
}

#[wasm_bindgen_test]
fn elastic_matches_native_bytes() {
    check(
        include_str!("../../tests/scenarios/elastic/scenario.json"),
        include_str!("../../tests/scenarios/elastic/expected.json"),
    );
}

#[wasm_bindgen_test]
fn databases_match_native_bytes() {
    check(
        include_str!("../../tests/scenarios/databases/scenario.json"),
        include_str!("../../tests/scenarios/databases/expected.json"),
    );
}

/// Challenge scores in the browser are the bytes the CLI prints: every bundled challenge's reference and start,
/// scored here, against `tests/challenges/scores.jsonl` (which the native test pins to the CLI's own scoring).
#[wasm_bindgen_test]
fn challenge_scores_match_native_bytes() {
    use switchyard_core::challenge;
    let want = include_str!("../../tests/challenges/scores.jsonl");
    let mut got = String::new();
    for (id, json) in challenge::ALL {
        let ch = challenge::parse(json).unwrap_or_else(|e| panic!("{id}: {e}"));
        for design in [&ch.reference, &ch.start] {
            got.push_str(&challenge::score(&ch, design).unwrap().to_json());
            got.push('\n');
        }
    }
    assert_eq!(got, want);
}
