//! The shipped guided tours (`tours/*.json`, `tour::BUNDLED`): each parses and plays, its narration is within
//! limits and well-formed markup, and — the acceptance test of issue #23 — stepping forward then back returns
//! byte-identical state at every step of every tour. A golden file pins each step's figures, and a table of
//! malformed tours checks each is a typed error, not a panic.

use serde_json::{json, Value};
use switchyard_core::scenario::{self, v1::TourAction, Scenario, ScenarioError};
use switchyard_core::tour::{self, markup, Readout, Scene, TourError};
use switchyard_core::Sim;

/// Every bundled tour, parsed, with its scenes.
fn bundled() -> Vec<(&'static str, Scenario, Vec<Scene>)> {
    tour::BUNDLED
        .iter()
        .map(|(id, text)| {
            let doc = scenario::parse(text).unwrap_or_else(|e| panic!("{id}: {e}"));
            let scenes = tour::scenes(&doc, &tour::bundled_preset).unwrap_or_else(|e| panic!("{id}: {e}"));
            (*id, doc, scenes)
        })
        .collect()
}

#[test]
fn every_bundled_tour_parses_plays_and_has_well_formed_narration() {
    assert_eq!(tour::BUNDLED.len(), tour::TITLES.len());
    for ((id, doc, scenes), (title_id, title)) in bundled().iter().zip(tour::TITLES) {
        assert_eq!(id, title_id);
        let t = doc.tour.as_ref().expect("a tour");
        assert_eq!(t.title, *title, "{id}: TITLES is out of line with the file");
        assert_eq!(
            tour::bundled(id),
            Some(tour::BUNDLED.iter().find(|b| b.0 == *id).unwrap().1)
        );
        // Loading validates the file's own design too: it runs as a plain scenario.
        scenario::load(tour::bundled(id).unwrap()).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(scenes.len() >= 5, "{id}: {} steps", scenes.len());
        for (k, (scene, step)) in scenes.iter().zip(&t.steps).enumerate() {
            let at = format!("{id} step {}", k + 1);
            assert!(!scene.title.is_empty(), "{at}: no title");
            assert!(scene.text.len() <= 600, "{at}: narration of {} bytes", scene.text.len());
            let sentences = scene.text.matches(". ").count() + 1;
            assert!((1..=5).contains(&sentences), "{at}: {sentences} sentences");
            let paras = markup::parse(&scene.text);
            assert!(!paras.is_empty(), "{at}: empty narration");
            // Every marker is closed: no star or backtick survives as literal text.
            for span in paras.iter().flatten() {
                assert!(
                    !span.text.contains('*') && !span.text.contains('`'),
                    "{at}: unclosed markup in {:?}",
                    span.text
                );
            }
            // Each step plays somewhere and points at something.
            assert!(
                scene.at_ms > scene.start_ms || k == 0 || scene.preset != scenes[k - 1].preset,
                "{at}"
            );
            assert!(scene.highlight.is_some(), "{at}: nothing highlighted");
            assert!(
                step.actions.iter().any(|a| matches!(a, TourAction::PlayTo { .. })),
                "{at}"
            );
        }
    }
}

/// A tour file's own design is the first preset it opens (name, description and tour aside), so the file runs
/// as that preset where tours are unknown, and step 1 shows what the file holds.
#[test]
fn each_tour_file_holds_the_preset_its_first_step_opens() {
    for (id, doc, scenes) in bundled() {
        let first = scenes[0].preset.as_deref().expect("step 1 opens a preset");
        let mut own = doc.clone();
        let mut preset = scenario::parse(&tour::bundled_preset(first).unwrap()).unwrap();
        own.tour = None;
        for d in [&mut own, &mut preset] {
            d.name.clear();
            d.description.clear();
        }
        assert_eq!(own, preset, "{id}: its design is not {first}'s");
    }
}

/// Everything cheap that a run's state shows: the report, the clock and the event count, the next wakeup,
/// each node's up flag, partition side and load, the time series and the per-second rows.
fn state(sim: &Sim) -> String {
    use std::fmt::Write;
    let mut s = sim.report().to_json_pretty();
    let _ = writeln!(
        s,
        "\nnow {:?} events {} next {:?} hops dropped {} log dropped {}",
        sim.now(),
        sim.events_processed(),
        sim.next_wakeup(),
        sim.hops_dropped(),
        sim.log_dropped()
    );
    for i in 0..sim.topology().nodes.len() as u32 {
        let _ = writeln!(
            s,
            "node {i} up {} side {:?} load {:?}",
            sim.is_up(i),
            sim.partition_side(i),
            sim.load(i)
        );
    }
    s.push_str(&serde_json::to_string(&sim.metrics().series).unwrap());
    s.push_str(&serde_json::to_string(&sim.per_second()).unwrap());
    s
}

/// Animation frames' speeds (virtual ms per real ms), varied from frame to frame as a reader's would be.
const SPEEDS: [f64; 6] = [0.2, 1.0, 5.0, 0.5, 2.5, 1.7];

/// Plays `sim` to `to_ms` the way the app's frames do: many small `run_to`s, each 16.7 ms of real time at a
/// speed, the last clamped at the step's time. Returns the frames taken.
fn animate(sim: &mut Sim, to_ms: f64, salt: usize) -> usize {
    let mut frames = 0;
    loop {
        let now = sim.now().as_millis_f64();
        if now >= to_ms {
            return frames;
        }
        let speed = SPEEDS[(frames * 7 + salt) % SPEEDS.len()];
        tour::run_to(sim, (now + 16.7 * speed).min(to_ms));
        frames += 1;
    }
}

/// The state each step reaches going forward as a driver does: continuing the previous step's run when the
/// step changed nothing but the time, else building its document's run and seeking to the step's start, then
/// animating to the step's time.
fn forward(scenes: &[Scene], salt: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(scenes.len());
    let mut sim: Option<Sim> = None;
    for (k, scene) in scenes.iter().enumerate() {
        let same_run = k > 0 && scenes[k - 1].doc == scene.doc && scenes[k - 1].at_ms == scene.start_ms;
        if !same_run || sim.is_none() {
            let mut fresh = Sim::new(&scene.doc, scene.doc.seed).expect("the step's design runs");
            tour::run_to(&mut fresh, scene.start_ms);
            sim = Some(fresh);
        }
        let sim = sim.as_mut().unwrap();
        let frames = animate(sim, scene.at_ms, salt + k);
        assert!(
            frames > 0 || scene.at_ms == scene.start_ms,
            "step {} did not animate",
            k + 1
        );
        out.push(state(sim));
    }
    out
}

/// The acceptance test: for every shipped tour and every step k, the state going forward to k (animated in
/// frames), then forward to k+1, then Back to k (`tour::replay`) is byte-identical to where the reader was; and
/// every step's forward state is what `replay` builds.
#[test]
fn stepping_forward_then_back_returns_byte_identical_state() {
    for (id, _, scenes) in bundled() {
        let fwd = forward(&scenes, id.len());
        for k in 0..scenes.len() {
            let replayed = state(&tour::replay(&scenes[k]).unwrap());
            assert!(fwd[k] == replayed, "{id} step {}: forward and replay differ", k + 1);
            if k + 1 < scenes.len() {
                // Forward to k+1 was taken (fwd[k + 1]); Back to k is a replay of k.
                let back = state(&tour::replay(&scenes[k]).unwrap());
                assert!(back == fwd[k], "{id}: back from step {} to {} differs", k + 2, k + 1);
            }
        }
    }
}

/// The state really depends on what the test compares: another seed, or stopping one frame short, changes the
/// bytes (so the equality above is not vacuous).
#[test]
fn the_compared_state_tells_runs_apart() {
    let (_, _, scenes) = bundled().remove(0);
    let scene = &scenes[1];
    let base = state(&tour::replay(scene).unwrap());
    let mut other = Sim::new(&scene.doc, scene.doc.seed + 1).unwrap();
    tour::run_to(&mut other, scene.at_ms);
    assert_ne!(base, state(&other), "another seed gives the same bytes");
    let mut short = Sim::new(&scene.doc, scene.doc.seed).unwrap();
    tour::run_to(&mut short, scene.at_ms - 16.7);
    assert_ne!(base, state(&short), "an earlier time gives the same bytes");
}

/// Each step's figures from `replay`, one JSON line per step: what `tests/tours/steps.jsonl` pins.
fn step_lines() -> String {
    let mut out = String::new();
    for (id, _, scenes) in bundled() {
        for (k, scene) in scenes.iter().enumerate() {
            let r = Readout::of(&tour::replay(scene).unwrap());
            let mut line = json!({
                "tour": id,
                "step": k + 1,
                "preset": scene.preset,
                "at_ms": scene.at_ms,
                "completed": r.completed,
                "failed": r.failed,
                "p99_ms": r.p99_ms,
            });
            let extra: [(&str, Option<Value>); 4] = [
                ("hit_ratio", r.hit_ratio.map(|x| json!(x))),
                ("stale_reads", r.stale_reads.map(|x| json!(x))),
                ("lost_writes", r.lost_writes.map(|x| json!(x))),
                ("queued", r.queued.map(|x| json!(x))),
            ];
            for (name, v) in extra {
                if let Some(v) = v {
                    line[name] = v;
                }
            }
            out.push_str(&line.to_string());
            out.push('\n');
        }
    }
    out
}

/// The figures every step shows are pinned (the narration quotes them): `SWITCHYARD_BLESS=1` rewrites
/// `tests/tours/steps.jsonl` after an intended change, which then shows in review next to the narration.
#[test]
fn step_figures_match_the_pinned_file() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/tours/steps.jsonl");
    let got = step_lines();
    if std::env::var_os("SWITCHYARD_BLESS").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing; run with SWITCHYARD_BLESS=1", path.display()));
    for (k, (g, w)) in got.lines().zip(want.lines()).enumerate() {
        assert_eq!(g, w, "line {} of steps.jsonl", k + 1);
    }
    assert_eq!(got.lines().count(), want.lines().count());
}

// ---------------------------------------------------------------------------------------------------------
// Malformed tours.

/// A small valid tour document over preset 03, as JSON to break.
fn base() -> Value {
    let mut doc: Value = serde_json::from_str(&tour::bundled_preset("03-load-balancer").unwrap()).unwrap();
    doc["tour"] = json!({"title": "t", "steps": [
        {"text": "one", "actions": [{"do": "play_to", "at_ms": 100}]},
        {"text": "two", "actions": [{"do": "play_to", "at_ms": 200}]},
    ]});
    doc
}

/// What a malformed tour must give.
enum Want {
    /// A parse error at this path (a prefix of it).
    Schema(&'static str),
    /// A tour error that `check` accepts.
    Tour(fn(&TourError) -> bool),
}

fn action_error(step: usize, action: usize, why: &'static str) -> impl Fn(&TourError) -> bool {
    move |e| matches!(e, TourError::Action { step: s, action: a, why: w } if *s == step && *a == action && w.contains(why))
}

#[test]
fn malformed_tours_are_typed_errors() {
    type Edit = fn(&mut Value);
    let cases: Vec<(&str, Edit, Want)> = vec![
        (
            "unknown action",
            |d| d["tour"]["steps"][1]["actions"][0] = json!({"do": "explode"}),
            Want::Schema("tour.steps[1].actions[0]"),
        ),
        (
            "unknown node",
            |d| d["tour"]["steps"][1]["actions"][0] = json!({"do": "crash", "node": "ghost"}),
            Want::Tour(|e| action_error(2, 1, "no node `ghost`")(e)),
        ),
        (
            "play_to backwards",
            |d| d["tour"]["steps"][1]["actions"][0]["at_ms"] = json!(50),
            Want::Tour(|e| action_error(2, 1, "goes back in time")(e)),
        ),
        (
            "play_to past the time limit",
            |d| d["tour"]["steps"][0]["actions"][0]["at_ms"] = json!(1e300),
            Want::Tour(|e| action_error(1, 1, "play_to must be a time")(e)),
        ),
        (
            "play_to not a number",
            |d| d["tour"]["steps"][0]["actions"][0]["at_ms"] = json!("soon"),
            Want::Schema("tour.steps[0].actions[0].at_ms"),
        ),
        (
            "unknown preset",
            |d| d["tour"]["steps"][1]["actions"][0] = json!({"do": "open", "preset": "../../etc/passwd"}),
            Want::Tour(|e| action_error(2, 1, "no bundled preset")(e)),
        ),
        (
            "huge narration",
            |d| d["tour"]["steps"][1]["text"] = json!("x".repeat(tour::MAX_TEXT + 1)),
            Want::Tour(|e| matches!(e, TourError::TooLong { step: 2, .. })),
        ),
        (
            "too many steps",
            |d| d["tour"]["steps"] = json!(vec![json!({"text": "s"}); tour::MAX_STEPS + 1]),
            Want::Tour(|e| matches!(e, TourError::TooManySteps(n) if *n == tour::MAX_STEPS + 1)),
        ),
        (
            "too many actions",
            |d| d["tour"]["steps"][0]["actions"] = json!(vec![json!({"do": "pause"}); tour::MAX_ACTIONS + 1]),
            Want::Tour(|e| matches!(e, TourError::TooLong { step: 1, .. })),
        ),
        (
            "no steps",
            |d| d["tour"]["steps"] = json!([]),
            Want::Tour(|e| *e == TourError::Empty),
        ),
        (
            "bad metric name",
            |d| d["tour"]["steps"][0]["actions"][0] = json!({"do": "highlight", "metric": "vibes"}),
            Want::Schema("tour.steps[0].actions[0].metric"),
        ),
        (
            "set with a bad value",
            |d| {
                d["tour"]["steps"][1]["actions"][0] =
                    json!({"do": "set", "node": "app1", "key": "workers", "value": "lots"})
            },
            Want::Tour(|e| action_error(2, 1, "app1.workers")(e)),
        ),
        (
            "a step whose design does not run",
            |d| d["tour"]["steps"][1]["actions"][0] = json!({"do": "set_rate", "node": "client", "rate_rps": -5}),
            Want::Tour(
                |e| matches!(e, TourError::Scene { step: 2, error: ScenarioError::Invalid(v) } if !v.is_empty()),
            ),
        ),
        (
            "partition naming an unknown node",
            |d| d["tour"]["steps"][1]["actions"][0] = json!({"do": "partition", "groups": [["app1"], ["nope"]]}),
            Want::Tour(|e| action_error(2, 1, "no node `nope`")(e)),
        ),
        (
            "wait_ms out of range",
            |d| d["tour"]["steps"][0]["wait_ms"] = json!(-1),
            Want::Tour(|e| action_error(1, 0, "wait_ms")(e)),
        ),
        (
            "a step without narration",
            |d| {
                d["tour"]["steps"][0].as_object_mut().unwrap().remove("text");
            },
            Want::Schema("tour.steps[0]"),
        ),
        (
            "focus on a node of another preset",
            |d| {
                d["tour"]["steps"][1]["actions"] =
                    json!([{"do": "open", "preset": "01-single-server"}, {"do": "focus", "nodes": ["app1"]}]);
            },
            Want::Tour(|e| action_error(2, 2, "no node `app1`")(e)),
        ),
    ];
    assert!(cases.len() >= 10);
    let mut doc = base();
    let text = doc.to_string();
    let ok = scenario::parse(&text).unwrap();
    assert_eq!(
        tour::scenes(&ok, &tour::bundled_preset).unwrap().len(),
        2,
        "the base tour plays"
    );
    for (name, edit, want) in cases {
        doc = base();
        edit(&mut doc);
        let parsed = scenario::parse(&doc.to_string());
        match (parsed, want) {
            (Err(ScenarioError::Schema { path, .. }), Want::Schema(p)) => {
                assert!(path.starts_with(p), "{name}: error at {path}, expected {p}")
            }
            (Ok(s), Want::Tour(check)) => match tour::scenes(&s, &tour::bundled_preset) {
                Err(e) => {
                    assert!(check(&e), "{name}: {e:?}");
                    assert!(!e.to_string().is_empty());
                }
                Ok(_) => panic!("{name}: the tour plays"),
            },
            (got, _) => panic!("{name}: {got:?}"),
        }
    }
}

/// NaN and infinities cannot be written in JSON; a tour built in memory (the app's recorder) with one is
/// refused all the same.
#[test]
fn non_finite_times_are_refused() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut doc = scenario::parse(&base().to_string()).unwrap();
        let t = doc.tour.as_mut().unwrap();
        t.steps[0].actions[0] = TourAction::PlayTo { at_ms: bad };
        let e = tour::scenes(&doc, &tour::bundled_preset).unwrap_err();
        assert!(action_error(1, 1, "play_to must be a time")(&e), "{bad}: {e:?}");
        doc.tour.as_mut().unwrap().steps[0].actions[0] = TourAction::PlayTo { at_ms: 10.0 };
        doc.tour.as_mut().unwrap().steps[0].wait_ms = Some(bad);
        let e = tour::scenes(&doc, &tour::bundled_preset).unwrap_err();
        assert!(action_error(1, 0, "wait_ms")(&e), "{bad}: {e:?}");
    }
}
