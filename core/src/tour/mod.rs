//! Guided tours: what each step of a scenario's [`Tour`] shows, as plain data ([`Scene`]), so the app, an embed
//! and the CLI play the same story and Back lands exactly where the reader was.
//!
//! A step's actions run in order on a cursor: the document (the scenario, or a preset a step `open`s) and a
//! virtual time (where the last `play_to` left it). Faults (`crash`, `recover`, `partition`, `heal`,
//! `set_rate`) join the document's fault timeline at the cursor's time; `set` changes a parameter, which holds
//! from time 0 (the run is replayed with it, as when the editor changes one). So a step's [`Scene`] is a
//! document, a time and what to point at, and its run is a pure function of them: [`replay`] builds it from
//! scratch (Back) and a driver that animates from [`Scene::start_ms`] to [`Scene::at_ms`] over the same
//! document reaches the same bytes (tested over every shipped tour).

pub mod markup;
pub mod readout;

use crate::limits::MAX_TIME_MS;
use crate::scenario::v1::{Fault, Tour, TourAction, TourMetric, TourStep};
use crate::scenario::{self, params, Scenario, ScenarioError};
use crate::time::SimTime;
use crate::topology::Topology;
use crate::Sim;
use std::fmt;

pub use crate::scenario::v1::tour::{MAX_ACTIONS, MAX_STEPS, MAX_TEXT};
pub use readout::{NodeReadout, Readout, Recent};

/// The tours shipped with Switchyard, `(id, JSON text)`, embedded from `tours/*.json` so the CLI and the tests
/// read the very files the site serves (`cargo xtask dist` copies `tours/` beside `presets/`; the web app
/// fetches `tours/{id}.json`). Each is a version 1 scenario carrying a `tour`.
pub const BUNDLED: &[(&str, &str)] = &[
    ("journey", include_str!("../../../tours/journey.json")),
    ("failures", include_str!("../../../tours/failures.json")),
    ("cap", include_str!("../../../tours/cap.json")),
];

/// Each bundled tour's id and title (its `tour.title`), in the order of [`BUNDLED`]: what a driver lists before
/// it has fetched any of them. A test keeps it in line with the files.
pub const TITLES: &[(&str, &str)] = &[
    ("journey", "From one server to queues and workers"),
    ("failures", "Five failures, and what absorbs them"),
    ("cap", "CAP under a partition: refuse or answer stale"),
];

/// The JSON text of the bundled tour `id`.
pub fn bundled(id: &str) -> Option<&'static str> {
    BUNDLED.iter().find(|(n, _)| *n == id).map(|(_, text)| *text)
}

/// Autoplay's pause on a step whose `wait_ms` is absent.
pub const DEFAULT_WAIT_MS: f64 = 6_000.0;

/// What one step shows: the document and virtual time its actions reach, whether the run goes on playing, and
/// what the step points at.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    pub title: String,
    pub text: String,
    /// The document at this step (without the tour): the scenario or an opened preset, with the tour's faults
    /// and changes so far.
    pub doc: Scenario,
    /// The preset this scene's document came from, when a step opened one.
    pub preset: Option<String>,
    /// Where the step's animation starts: the previous step's time, or 0 after an `open`.
    pub start_ms: f64,
    /// Where the step's actions leave the run.
    pub at_ms: f64,
    /// The run goes on playing after the step's actions (`play`).
    pub playing: bool,
    /// Nodes to put in view and highlight (ids of `doc`).
    pub focus: Vec<String>,
    pub highlight: Option<TourMetric>,
    /// Autoplay's pause on this step, ms of real time.
    pub wait_ms: f64,
}

/// Why a tour cannot play. Steps and actions are counted from 1, as a reader counts them.
#[derive(Clone, Debug, PartialEq)]
pub enum TourError {
    /// A tour with no step.
    Empty,
    TooManySteps(usize),
    /// An action of a step cannot be carried out.
    Action {
        step: usize,
        action: usize,
        why: String,
    },
    /// A step's narration is longer than [`MAX_TEXT`] bytes, or the step has more than [`MAX_ACTIONS`] actions.
    TooLong {
        step: usize,
        what: &'static str,
    },
    /// The document a step reaches does not run.
    Scene {
        step: usize,
        error: ScenarioError,
    },
}

impl fmt::Display for TourError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TourError::Empty => write!(f, "the tour has no steps"),
            TourError::TooManySteps(n) => write!(f, "the tour has {n} steps; at most {MAX_STEPS} are allowed"),
            TourError::Action { step, action, why } => write!(f, "tour step {step}, action {action}: {why}"),
            TourError::TooLong { step, what } => write!(f, "tour step {step}: {what}"),
            TourError::Scene { step, error } => write!(f, "tour step {step}: the design does not run: {error}"),
        }
    }
}

impl std::error::Error for TourError {}

/// The scenes of `doc`'s tour (none when it has no tour). `preset` returns a bundled preset's JSON text by
/// name (the CLI and tests read [`crate::presets::ALL`]; the web app fetches them first).
pub fn scenes(doc: &Scenario, preset: &dyn Fn(&str) -> Option<String>) -> Result<Vec<Scene>, TourError> {
    let Some(tour) = &doc.tour else {
        return Ok(Vec::new());
    };
    scenes_of(tour, doc, preset)
}

/// The presets a document's tour opens, in order of first use: what a driver must have before [`scenes`].
pub fn presets_needed(doc: &Scenario) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for step in doc.tour.iter().flat_map(|t| &t.steps) {
        for a in &step.actions {
            if let TourAction::Open { preset } = a {
                if !out.contains(preset) {
                    out.push(preset.clone());
                }
            }
        }
    }
    out
}

/// The bundled presets by name, for [`scenes`] (native drivers and tests).
pub fn bundled_preset(name: &str) -> Option<String> {
    crate::presets::ALL
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| (*text).to_owned())
}

fn scenes_of(tour: &Tour, doc: &Scenario, preset: &dyn Fn(&str) -> Option<String>) -> Result<Vec<Scene>, TourError> {
    if tour.steps.is_empty() {
        return Err(TourError::Empty);
    }
    if tour.steps.len() > MAX_STEPS {
        return Err(TourError::TooManySteps(tour.steps.len()));
    }
    let mut cur = bare(doc.clone());
    let mut source: Option<String> = None;
    let mut t = 0.0;
    let mut out = Vec::with_capacity(tour.steps.len());
    for (i, step) in tour.steps.iter().enumerate() {
        let n = i + 1;
        check_sizes(n, step)?;
        let mut scene = Scene {
            title: step.title.clone(),
            text: step.text.clone(),
            doc: Scenario::default(),
            preset: None,
            start_ms: t,
            at_ms: t,
            playing: false,
            focus: Vec::new(),
            highlight: None,
            wait_ms: DEFAULT_WAIT_MS,
        };
        if let Some(w) = step.wait_ms {
            if !(w.is_finite() && (0.0..=600_000.0).contains(&w)) {
                return Err(TourError::Action {
                    step: n,
                    action: 0,
                    why: format!("wait_ms must be between 0 and 600000, got {w}"),
                });
            }
            scene.wait_ms = w;
        }
        for (j, action) in step.actions.iter().enumerate() {
            let fail = |why: String| TourError::Action {
                step: n,
                action: j + 1,
                why,
            };
            act(action, &mut cur, &mut source, &mut t, &mut scene, preset).map_err(fail)?;
        }
        if let Err(errors) = Topology::build(&cur) {
            return Err(TourError::Scene {
                step: n,
                error: ScenarioError::Invalid(errors),
            });
        }
        scene.at_ms = t;
        scene.doc = cur.clone();
        scene.preset = source.clone();
        out.push(scene);
    }
    Ok(out)
}

fn check_sizes(n: usize, step: &TourStep) -> Result<(), TourError> {
    if step.text.len() > MAX_TEXT || step.title.len() > MAX_TEXT {
        return Err(TourError::TooLong {
            step: n,
            what: "the narration is longer than 4000 bytes",
        });
    }
    if step.actions.len() > MAX_ACTIONS {
        return Err(TourError::TooLong {
            step: n,
            what: "more than 50 actions",
        });
    }
    Ok(())
}

/// A document as a scene holds it: no tour, no camera (the tour points the camera).
fn bare(mut doc: Scenario) -> Scenario {
    doc.tour = None;
    doc.view = None;
    doc
}

/// Carries out one action on the cursor (`cur` at time `t`) and the scene being built.
fn act(
    action: &TourAction,
    cur: &mut Scenario,
    source: &mut Option<String>,
    t: &mut f64,
    scene: &mut Scene,
    preset: &dyn Fn(&str) -> Option<String>,
) -> Result<(), String> {
    let has = |cur: &Scenario, id: &str| -> Result<(), String> {
        if cur.nodes.iter().any(|n| n.id == id) {
            Ok(())
        } else {
            Err(format!("no node `{id}` in the design"))
        }
    };
    let at_ms = *t;
    match action {
        TourAction::Open { preset: name } => {
            let text = preset(name).ok_or_else(|| format!("no bundled preset `{name}`"))?;
            let doc = scenario::parse(&text).map_err(|e| format!("preset `{name}`: {e}"))?;
            *cur = bare(doc);
            *source = Some(name.clone());
            *t = 0.0;
            scene.start_ms = 0.0;
        }
        TourAction::PlayTo { at_ms: to } => {
            if !(to.is_finite() && *to <= MAX_TIME_MS) {
                return Err(format!("play_to must be a time up to {MAX_TIME_MS} ms, got {to}"));
            }
            if *to < *t {
                return Err(format!(
                    "play_to {to} ms goes back in time: the tour is already at {t} ms"
                ));
            }
            *t = *to;
        }
        TourAction::Play => scene.playing = true,
        TourAction::Pause => scene.playing = false,
        TourAction::Crash { node } | TourAction::Recover { node } => {
            has(cur, node)?;
            let node = node.clone();
            cur.faults.push(if matches!(action, TourAction::Crash { .. }) {
                Fault::Crash { at_ms, node }
            } else {
                Fault::Recover { at_ms, node }
            });
        }
        TourAction::Partition { groups } => {
            for id in groups.iter().flatten() {
                has(cur, id)?;
            }
            cur.faults.push(Fault::Partition {
                at_ms,
                groups: groups.clone(),
            });
        }
        TourAction::Heal => cur.faults.push(Fault::Heal { at_ms }),
        TourAction::SetRate { node, rate_rps } => {
            has(cur, node)?;
            cur.faults.push(Fault::SetRate {
                at_ms,
                node: node.clone(),
                rate_rps: *rate_rps,
            });
        }
        TourAction::Set { node, key, value } => match node {
            Some(id) => {
                has(cur, id)?;
                let n = cur.nodes.iter_mut().find(|n| n.id == *id).expect("checked above");
                n.spec = params::set(&n.spec, key, Some(value.clone())).map_err(|e| format!("{id}.{key}: {e}"))?;
            }
            None => {
                let tour = cur.tour.take();
                *cur = params::set(cur, key, Some(value.clone())).map_err(|e| format!("{key}: {e}"))?;
                cur.tour = tour;
            }
        },
        TourAction::Focus { nodes } => {
            for id in nodes {
                has(cur, id)?;
            }
            scene.focus = nodes.clone();
        }
        TourAction::Highlight { metric } => scene.highlight = Some(*metric),
    }
    Ok(())
}

/// The run of a scene from scratch: its document at time 0, run to [`Scene::at_ms`]. What Back shows.
pub fn replay(scene: &Scene) -> Result<Sim, ScenarioError> {
    let mut sim = Sim::new(&scene.doc, scene.doc.seed)?;
    run_to(&mut sim, scene.at_ms);
    Ok(sim)
}

/// Runs every event due by `ms` and moves the clock there: what the app's seek does.
pub fn run_to(sim: &mut Sim, ms: f64) {
    let target = SimTime::from_millis_f64(ms);
    while sim.next_wakeup().is_some_and(|t| t <= target) {
        sim.step();
    }
    sim.advance_to(target);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::v1::{TourStep, View};

    fn tour_of(steps: Vec<Vec<TourAction>>) -> Scenario {
        let mut doc = scenario::parse(crate::presets::ALL[2].1).expect("preset 03 parses");
        doc.view = Some(View {
            zoom: 1.0,
            pan_x: 0.0,
            pan_y: 0.0,
            at_ms: None,
        });
        doc.tour = Some(Tour {
            title: "t".into(),
            steps: steps
                .into_iter()
                .map(|actions| TourStep {
                    title: String::new(),
                    text: "x".into(),
                    actions,
                    wait_ms: None,
                })
                .collect(),
        });
        doc
    }

    /// Faults land at the cursor's time, scenes carry start and end times, and an `open` restarts the clock.
    #[test]
    fn actions_move_a_cursor_through_documents_and_time() {
        let doc = tour_of(vec![
            vec![TourAction::PlayTo { at_ms: 500.0 }],
            vec![
                TourAction::Crash { node: "app1".into() },
                TourAction::PlayTo { at_ms: 900.0 },
                TourAction::Play,
            ],
            vec![TourAction::Open {
                preset: "01-single-server".into(),
            }],
        ]);
        let s = scenes(&doc, &bundled_preset).expect("the tour plays");
        assert_eq!((s[0].start_ms, s[0].at_ms), (0.0, 500.0));
        assert_eq!((s[1].start_ms, s[1].at_ms, s[1].playing), (500.0, 900.0, true));
        assert!(matches!(&s[1].doc.faults[..], [Fault::Crash { at_ms, node }] if *at_ms == 500.0 && node == "app1"));
        assert_eq!((s[2].start_ms, s[2].at_ms), (0.0, 0.0));
        assert_eq!(s[2].preset.as_deref(), Some("01-single-server"));
        assert!(s.iter().all(|s| s.doc.tour.is_none() && s.doc.view.is_none()));
    }

    /// Each way an action can be wrong is a typed error naming its step and action, counted from 1.
    #[test]
    fn bad_actions_are_typed_errors_with_their_place() {
        let cases: Vec<(TourAction, &str)> = vec![
            (TourAction::Crash { node: "nope".into() }, "no node `nope`"),
            (TourAction::PlayTo { at_ms: f64::NAN }, "play_to must be a time"),
            (
                TourAction::Open {
                    preset: "../etc/passwd".into(),
                },
                "no bundled preset",
            ),
            (
                TourAction::Set {
                    node: Some("app1".into()),
                    key: "workers".into(),
                    value: serde_json::json!("many"),
                },
                "app1.workers",
            ),
            (
                TourAction::Focus {
                    nodes: vec!["ghost".into()],
                },
                "no node `ghost`",
            ),
        ];
        for (action, expect) in cases {
            let doc = tour_of(vec![vec![TourAction::PlayTo { at_ms: 10.0 }], vec![action]]);
            match scenes(&doc, &bundled_preset) {
                Err(TourError::Action {
                    step: 2,
                    action: 1,
                    why,
                }) => assert!(why.contains(expect), "{why}"),
                other => panic!("expected an action error with {expect:?}, got {other:?}"),
            }
        }
        let back = tour_of(vec![vec![
            TourAction::PlayTo { at_ms: 10.0 },
            TourAction::PlayTo { at_ms: 5.0 },
        ]]);
        assert!(matches!(
            scenes(&back, &bundled_preset),
            Err(TourError::Action { step: 1, action: 2, .. })
        ));
        assert_eq!(scenes(&tour_of(vec![]), &bundled_preset), Err(TourError::Empty));
    }

    /// A parameter change holds from time 0, and a change that breaks the design is refused with the step.
    #[test]
    fn set_changes_the_document_and_a_broken_scene_is_refused() {
        let doc = tour_of(vec![vec![TourAction::Set {
            node: Some("app1".into()),
            key: "workers".into(),
            value: serde_json::json!(7),
        }]]);
        let s = scenes(&doc, &bundled_preset).expect("plays");
        let spec = scenario::to_json(&s[0].doc.nodes.iter().find(|n| n.id == "app1").unwrap().spec, false);
        assert!(String::from_utf8(spec).unwrap().contains("\"workers\":7"));
        let broken = tour_of(vec![vec![TourAction::SetRate {
            node: "app1".into(),
            rate_rps: -1.0,
        }]]);
        assert!(matches!(
            scenes(&broken, &bundled_preset),
            Err(TourError::Scene { step: 1, .. })
        ));
    }
}
