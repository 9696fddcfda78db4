//! `switchyard tour`: every bundled tour plays by id, `tour:ID` and file; `--json` is deterministic and carries
//! the figures core's `Readout` computes at each step; `--step` picks one; narration is plain text; a bad tour
//! is one `error:` line naming the step and action; `validate` checks a tour; `--list` names the tours.

use switchyard_core::scenario;
use switchyard_core::tour::{self, Readout};

mod common;
use common::{stderr, stdout, switchyard, temp_file};

#[test]
fn list_names_every_bundled_tour_with_title_and_steps() {
    let out = switchyard(&["tour", "--list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), tour::BUNDLED.len(), "{text}");
    for ((id, json), line) in tour::BUNDLED.iter().zip(text.lines()) {
        let t = scenario::parse(json).unwrap().tour.unwrap();
        assert!(line.starts_with(id), "{line}");
        assert!(line.contains(&t.title), "{line}");
        assert!(line.ends_with(&format!("({} steps)", t.steps.len())), "{line}");
    }
}

/// `--json` is an array with one object per step, the metrics being core's readout of `tour::replay`; the same
/// bytes for every way of naming the tour and on every run.
#[test]
fn json_steps_carry_core_s_readout_and_are_deterministic() {
    for (id, json) in tour::BUNDLED {
        let doc = scenario::parse(json).unwrap();
        let scenes = tour::scenes(&doc, &tour::bundled_preset).unwrap();
        let out = switchyard(&["tour", id, "--json"]);
        assert!(out.status.success(), "{id}: {}", stderr(&out));
        let steps: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let steps = steps.as_array().unwrap();
        assert_eq!(steps.len(), scenes.len(), "{id}");
        for (s, scene) in steps.iter().zip(&scenes) {
            let want = serde_json::to_value(Readout::of(&tour::replay(scene).unwrap())).unwrap();
            assert_eq!(s["metrics"], want, "{id} step {}", s["step"]);
            assert_eq!(s["at_ms"], scene.at_ms, "{id}");
            assert_eq!(s["title"], scene.title.as_str());
            let text = s["text"].as_str().unwrap();
            assert!(
                !text.contains("**") && !text.contains('`'),
                "{id}: markup left in {text}"
            );
        }
        let again = switchyard(&["tour", &format!("tour:{id}"), "--json"]);
        assert_eq!(out.stdout, again.stdout, "{id}: tour:ID differs");
        let path = temp_file(&format!("{id}.json"), json);
        let from_file = switchyard(&["tour", path.to_str().unwrap(), "--json"]);
        assert_eq!(out.stdout, from_file.stdout, "{id}: the file differs");
    }
}

#[test]
fn step_picks_one_step_and_text_shows_narration_focus_and_metrics() {
    let out = switchyard(&["tour", "cap", "--step", "2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Step 2/6"), "{text}");
    assert!(!text.contains("Step 1/6") && !text.contains("Step 3/6"), "{text}");
    assert!(text.contains("focus      clients-b, db4, db5"), "{text}");
    assert!(text.contains("highlight  failed"), "{text}");
    // The narration is plain text: the markup's stars are gone, its words kept.
    assert!(text.contains("That is C over A."), "{text}");
    assert!(text.contains("73 failed"), "{text}");
    let one = switchyard(&["tour", "cap", "--step", "2", "--json"]);
    let all = switchyard(&["tour", "cap", "--json"]);
    let one: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    let all: serde_json::Value = serde_json::from_slice(&all.stdout).unwrap();
    assert_eq!(one.as_array().unwrap().as_slice(), &all.as_array().unwrap()[1..2]);
}

/// Hostile narration comes out as the characters it is.
#[test]
fn markup_or_script_in_narration_is_printed_as_text() {
    let mut doc: serde_json::Value = serde_json::from_str(&tour::bundled_preset("01-single-server").unwrap()).unwrap();
    doc["tour"] = serde_json::json!({"title": "x", "steps": [
        {"text": "<script>alert(1)</script> **bold** and `code`", "actions": [{"do": "play_to", "at_ms": 100}]}
    ]});
    let path = temp_file("hostile-tour.json", &doc.to_string());
    let out = switchyard(&["tour", path.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["text"], "<script>alert(1)</script> bold and code");
}

fn one_error_line(args: &[&str]) -> String {
    let out = switchyard(args);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stdout(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: "), "{err}");
    err
}

#[test]
fn bad_tours_are_one_error_line_with_the_step_and_action() {
    let mut doc: serde_json::Value = serde_json::from_str(&tour::bundled_preset("03-load-balancer").unwrap()).unwrap();
    doc["tour"] = serde_json::json!({"title": "x", "steps": [
        {"text": "a", "actions": [{"do": "play_to", "at_ms": 100}]},
        {"text": "b", "actions": [{"do": "focus", "nodes": ["lb"]}, {"do": "crash", "node": "ghost"}]}
    ]});
    let path = temp_file("bad-tour.json", &doc.to_string());
    let p = path.to_str().unwrap();
    let err = one_error_line(&["tour", p]);
    assert!(err.contains("tour step 2, action 2: no node `ghost`"), "{err}");
    // validate reports the same problem.
    let err = one_error_line(&["validate", p]);
    assert!(err.contains("tour step 2, action 2: no node `ghost`"), "{err}");

    let err = one_error_line(&["tour", "tour:nope"]);
    assert!(err.contains("no bundled tour named \"nope\""), "{err}");
    let err = one_error_line(&["tour", "journey", "--step", "99"]);
    assert!(err.contains("--step 99: the tour has 12 steps"), "{err}");
    let err = one_error_line(&["tour", "preset:01-single-server"]);
    assert!(err.contains("has no tour"), "{err}");
    let err = one_error_line(&["tour", "no/such/file.json"]);
    assert!(err.contains("cannot open no/such/file.json"), "{err}");
}

#[test]
fn validate_counts_a_good_tour_steps() {
    let path = temp_file("journey.json", tour::bundled("journey").unwrap());
    let out = switchyard(&["validate", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("a tour of 12 steps"), "{}", stdout(&out));
}
