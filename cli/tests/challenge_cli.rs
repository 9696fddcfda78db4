//! `switchyard challenge`: the CLI prints the same score card core computes (the bytes of its JSON), fails a
//! starting design and solves with the reference; a bad challenge or a missing client is one `error:` line.

use switchyard_core::challenge;

mod common;
use common::switchyard;

#[test]
fn check_prints_core_s_score_card() {
    let ch = challenge::parse(challenge::get("scale-10x").unwrap()).unwrap();
    for which in ["start", "reference"] {
        let out = switchyard(&["challenge", "check", "challenge:scale-10x", which, "--json"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let design = if which == "start" { &ch.start } else { &ch.reference };
        let card = challenge::score(&ch, design).unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap().trim_end(), card.to_json());
    }
    let text = switchyard(&["challenge", "check", "challenge:scale-10x", "reference"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("3 of 3 goals, score 100, solved"), "{text}");
    let list = String::from_utf8(switchyard(&["challenge", "list"]).stdout).unwrap();
    assert!(list.contains("scale-10x"), "{list}");
}

/// The CLI prints, for every bundled challenge's reference and start, the very line `tests/challenges/scores.jsonl`
/// pins, which the wasm build computes in a browser too (`core/tests/wasm_determinism.rs`): the app's scores and
/// the CLI's are the same bytes.
#[test]
fn check_prints_the_pinned_scores() {
    let pinned = include_str!("../../tests/challenges/scores.jsonl");
    let mut lines = pinned.lines();
    for (id, _) in challenge::ALL {
        for which in ["reference", "start"] {
            let out = switchyard(&["challenge", "check", &format!("challenge:{id}"), which, "--json"]);
            assert!(
                out.status.success(),
                "{id} {which}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let want = lines
                .next()
                .unwrap_or_else(|| panic!("scores.jsonl has no line for {id} {which}"));
            assert_eq!(String::from_utf8(out.stdout).unwrap().trim_end(), want, "{id} {which}");
        }
    }
    assert_eq!(
        lines.next(),
        None,
        "scores.jsonl has a line per challenge's reference and start"
    );
}

#[test]
fn bad_input_is_one_error_line() {
    let out = switchyard(&["challenge", "check", "challenge:nope", "reference"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: no challenge named \"nope\""), "{err}");
    let out = switchyard(&["challenge", "check", "challenge:scale-10x", "preset:mm1"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("has no client `users`"), "{err}");
}
