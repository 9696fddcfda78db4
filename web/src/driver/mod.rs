//! The driver: owns the user's document and one running [`Sim`] built from it, and turns the shell's actions
//! into document edits and engine commands. It advances virtual time by `real_dt × speed` in bounded slices,
//! keeps the sampled hops that are in flight for the animation, and takes [`Snapshot`]s (plain data) for the
//! components to render. It uses no browser API, so all of it is tested natively.
//!
//! One file per concern: `document.rs` (edits, undo and redo), `selection.rs` (selection and clipboard),
//! `camera.rs` (zoom, pan, fit and where new nodes go), `playback.rs` (play, step, seek, run to the end),
//! `faults.rs` (breaking something now), `cap.rs` (the consistency check), `problem.rs` (validation errors
//! placed on what they name) and `snapshot.rs` (what the components render). This file holds the [`Driver`]
//! with the state they share, and opening a document in place of the current one.

use std::collections::VecDeque;
use std::rc::Rc;

use switchyard_core::engine::{Hop, Sim};
use switchyard_core::presets;
use switchyard_core::scenario::edit::{self, Clip};
use switchyard_core::scenario::{self, Scenario, ScenarioError};
use switchyard_core::time::SimTime;

use crate::render::layout::Layout;

mod camera;
mod cap;
mod challenge;
mod document;
mod faults;
mod playback;
mod problem;
mod selection;
mod snapshot;
mod tour;

pub use camera::{link_doc, VIEW_UNITS};
pub use cap::{CapCheck, CapOp};
pub use challenge::{ChallengeView, FindingView};
pub use playback::{DEFAULT_SPEED, EVENTS_PER_FRAME, SPEEDS};
pub use problem::Problem;
pub use selection::Selection;
pub use snapshot::{
    EngineRow, GroupRow, GroupSizes, NodeRun, NodeView, OpRow, Series, Snapshot, GROUP_LINES, QUEUE_LINES,
};
pub use tour::{readout, RecordView, TourView};

use camera::{Camera, EMPTY_CAMERA};
use document::Step;
use problem::place;

/// Log lines kept for the event log.
const LOG_LINES: usize = 100;

/// The editor's whole state: the document and its history, the selection, the clipboard, the camera, and
/// the run built from the document with its playback state.
pub struct Driver {
    /// The user's document: what is edited, saved and shared. The running [`Sim`] is built from it.
    doc: Scenario,
    /// The preset the document came from, while it is unedited.
    preset: Option<usize>,
    sim: Option<Sim>,
    /// Why the document does not run, by the node or edge it names.
    problems: Vec<Problem>,
    layout: Rc<Layout>,
    /// The part of the plane the canvas shows: `(x, y, width, height)` in scenario units.
    camera: Camera,
    undo: Vec<Step>,
    redo: Vec<Step>,
    selection: Selection,
    clip: Option<Clip>,
    /// The scenario's `duration_ms` or request budget, for the fast-forward progress.
    horizon: Horizon,
    pub playing: bool,
    pub speed: f64,
    fast_forward: bool,
    /// The last consistency check (cleared when the run is rebuilt).
    cap_check: Option<Rc<CapCheck>>,
    /// Scrubbing: run without animation until this virtual time.
    seek: Option<SimTime>,
    /// The furthest virtual time this document's run has reached, which the scrubber spans.
    max_seen_ms: f64,
    sample_every: u64,
    reduced_motion: bool,
    hops: Vec<Hop>,
    log: VecDeque<(u64, String)>,
    log_seq: u64,
    error: Option<String>,
    /// The attempt at the challenge the document names, if it names one.
    attempt: Option<challenge::Attempt>,
    /// The design review of the run's topology (empty without a run).
    review: Rc<Vec<switchyard_core::review::Finding>>,
    /// Findings the user dismissed, while this document is open.
    dismissed: challenge::Dismissed,
    /// The tour being played, if one is.
    tour: Option<tour::Playing>,
    /// The tour being recorded, if one is.
    recording: Option<tour::Recording>,
    /// The document's tour should start (the shell fetches the presets it opens first).
    tour_requested: bool,
    /// Playback stops here (a tour step's time).
    stop_at: Option<SimTime>,
    /// The speed of a tour step's animated stretch, when faster than the reader's.
    stretch_speed: Option<f64>,
    /// Once the seek in progress arrives, play to this time (a tour step's animated stretch).
    play_after_seek: Option<SimTime>,
}

/// How long the run is meant to go, for the fast-forward progress.
#[derive(Clone, Copy, Debug)]
enum Horizon {
    Millis(f64),
    Requests(u64),
    Unknown,
}

/// The document of preset `id` (its JSON text), or `None` with the reason in `error`.
fn preset_doc(id: &str, json: &str, error: &mut Option<String>) -> Option<Scenario> {
    match scenario::parse(json) {
        Ok(doc) => Some(doc),
        Err(e) => {
            *error = Some(format!("Could not load {id}: {e}"));
            None
        }
    }
}

impl Driver {
    pub fn new(reduced_motion: bool) -> Driver {
        let mut d = Driver {
            doc: edit::blank(),
            preset: None,
            sim: None,
            problems: Vec::new(),
            layout: Rc::new(Layout::new(Vec::new())),
            camera: EMPTY_CAMERA,
            undo: Vec::new(),
            redo: Vec::new(),
            selection: Selection::None,
            clip: None,
            horizon: Horizon::Unknown,
            playing: false,
            speed: DEFAULT_SPEED,
            fast_forward: false,
            seek: None,
            max_seen_ms: 0.0,
            cap_check: None,
            sample_every: 1,
            reduced_motion,
            hops: Vec::new(),
            log: VecDeque::new(),
            log_seq: 0,
            error: None,
            attempt: None,
            review: Rc::new(Vec::new()),
            dismissed: Default::default(),
            tour: None,
            recording: None,
            tour_requested: false,
            stop_at: None,
            stretch_speed: None,
            play_after_seek: None,
        };
        if let Some(doc) = preset_doc(presets::FIRST.0, presets::FIRST.1, &mut d.error) {
            d.open(doc);
            d.preset = Some(0);
        }
        d
    }

    /// Loads preset `index` of [`presets::NAMES`] from its JSON text (which the app fetches), paused at time
    /// zero, with the camera fitted to it, in place of the document: one undo step brings the previous document
    /// back.
    pub fn load(&mut self, index: usize, json: &str) {
        let index = index.min(presets::NAMES.len().saturating_sub(1));
        if let Some(doc) = preset_doc(presets::NAMES[index].0, json, &mut self.error) {
            self.replace(doc);
            self.preset = Some(index);
        }
    }

    /// Opens the first document (the one the page starts with): history cleared, see [`Driver::show`].
    pub fn open(&mut self, doc: Scenario) {
        self.undo.clear();
        self.redo.clear();
        self.show(doc);
    }

    /// Opens a document (a preset, New, an imported file, a pasted link) in place of the current one, as one
    /// undo step: nothing the user had is lost by opening something else. See [`Driver::show`].
    pub fn replace(&mut self, doc: Scenario) {
        let mut bare = doc.clone();
        bare.view = None;
        if bare != self.doc {
            self.push_undo(Step {
                doc: self.doc.clone(),
                whole: Some((self.preset, self.camera)),
            });
        }
        self.show(doc);
    }

    /// Shows `doc`: the camera where its `view` puts it (fitted when it has none), and the run at the view's
    /// playback position (zero when none).
    fn show(&mut self, mut doc: Scenario) {
        let view = doc.view.take();
        self.tour = None;
        self.recording = None;
        self.tour_requested = doc.tour.is_some();
        self.doc = doc;
        self.preset = None;
        self.selection = Selection::None;
        self.dismissed.clear();
        self.rebuild();
        match &view {
            Some(v) if v.zoom.is_finite() && v.zoom > 0.0 && v.pan_x.is_finite() && v.pan_y.is_finite() => {
                let w = (VIEW_UNITS / v.zoom).clamp(100.0, 40_000.0);
                let h = w * EMPTY_CAMERA.3 / EMPTY_CAMERA.2;
                self.camera = (v.pan_x - w / 2.0, v.pan_y - h / 2.0, w, h);
                self.relayout();
            }
            _ => self.fit(),
        }
        if let Some(at) = view.and_then(|v| v.at_ms).filter(|t| t.is_finite() && *t > 0.0) {
            self.max_seen_ms = at;
            self.seek(at);
        }
    }

    /// A blank canvas in place of the document (one undo step brings it back).
    pub fn new_blank(&mut self) {
        self.replace(edit::blank());
    }

    /// Rebuilds the run from the document: paused at time zero, problems recomputed.
    fn rebuild(&mut self) {
        self.rebuild_run();
        self.max_seen_ms = 0.0;
    }

    /// A fresh run of the document at time zero (the scrubber's reach is kept by [`Driver::seek`]).
    fn rebuild_run(&mut self) {
        self.cap_check = None;
        self.playing = false;
        self.fast_forward = false;
        self.seek = None;
        self.stop_at = None;
        self.stretch_speed = None;
        self.play_after_seek = None;
        self.hops.clear();
        self.log.clear();
        self.error = None;
        self.sample_every = 1;
        self.problems.clear();
        self.review = Rc::new(Vec::new());
        self.sync_challenge();
        let s = &self.doc;
        self.horizon = match (s.duration_ms, s.requests) {
            (Some(ms), _) => Horizon::Millis(ms),
            (None, Some(n)) => Horizon::Requests(n),
            _ => Horizon::Unknown,
        };
        self.relayout();
        if !self.problems.is_empty() {
            // The challenge's locked run cannot be built from this design (see `sync_challenge`).
            self.sim = None;
            return;
        }
        let s = &self.doc;
        match Sim::new(s, s.seed) {
            Ok(mut sim) => {
                if let Some(message) = self.challenge_refuses(sim.topology()) {
                    self.sim = None;
                    self.problems.push(Problem {
                        node: None,
                        edge: None,
                        message,
                    });
                    return;
                }
                sim.set_hop_sampling(if self.reduced_motion { 0 } else { self.sample_every });
                self.review = Rc::new(switchyard_core::review::review(sim.topology()));
                self.sim = Some(sim);
            }
            Err(ScenarioError::Invalid(errors)) => {
                self.sim = None;
                self.problems = errors.iter().map(|e| place(&self.doc, e)).collect();
            }
            Err(e) => {
                self.sim = None;
                self.problems.push(Problem {
                    node: None,
                    edge: None,
                    message: e.to_string(),
                });
            }
        }
    }

    pub fn reset(&mut self) {
        self.rebuild();
    }

    /// Extends the scrubber's reach to the run's current time.
    fn touch(&mut self) {
        if let Some(sim) = &self.sim {
            self.max_seen_ms = self.max_seen_ms.max(sim.now().as_millis_f64());
        }
    }

    fn drain_log(&mut self) {
        self.touch();
        let Some(sim) = &mut self.sim else { return };
        let lines: Vec<String> = sim.drain_log().iter().map(|e| e.describe(sim.topology())).collect();
        for line in lines {
            self.push_log(line);
        }
    }

    fn push_log(&mut self, line: String) {
        self.log_seq += 1;
        self.log.push_back((self.log_seq, line));
        while self.log.len() > LOG_LINES {
            self.log.pop_front();
        }
    }
}

/// One grid cell of the editor's placement, across and down.
#[cfg(test)]
const CELL: (f64, f64) = (scenario::layout::STEP_X, scenario::layout::STEP_Y);

/// A blank document holding a client → service → database chain along one row, built through the driver.
#[cfg(test)]
fn chain() -> Driver {
    let mut d = Driver::new(true);
    d.new_blank();
    for (k, kind) in ["client", "service", "database"].into_iter().enumerate() {
        d.add_node(kind, Some((k as f64 * CELL.0, 0.0)));
    }
    d.connect(0, 1);
    d.connect(1, 2);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Opening a preset, New or another document replaces the work as one undo step: undo brings back the
    /// document, its preset and its camera; redo opens the replacement again; reopening the same document
    /// adds no step.
    #[test]
    fn replacing_the_document_is_one_undo_step() {
        let mut d = Driver::new(true);
        d.add_node("cache", Some((0.0, 0.0)));
        d.zoom(2.0, None);
        let (work, camera) = (d.doc().clone(), d.camera);
        d.load(2, presets::ALL[2].1);
        assert_eq!(d.snapshot().preset, Some(2));
        assert_ne!(d.doc(), &work);
        d.undo();
        assert_eq!((d.doc(), d.camera, d.snapshot().preset), (&work, camera, None));
        d.redo();
        assert_eq!(d.snapshot().preset, Some(2));
        d.undo();
        d.new_blank();
        assert!(d.doc().nodes.is_empty());
        d.undo();
        assert_eq!(d.doc(), &work);
        let steps = d.undo.len();
        d.replace(work.clone());
        assert_eq!(d.undo.len(), steps, "the same document again is no step");
        d.open(work);
        assert!(!d.snapshot().can_undo, "the first document starts the history");
    }
}
