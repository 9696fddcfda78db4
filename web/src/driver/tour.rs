//! Guided tours in the editor and in embeds: playing a document's tour step by step, and recording one.
//!
//! Playing: core's [`tour::scenes`] gives each step's document, times and focus. Next shows the step's document
//! at [`Scene::start_ms`] (a replay, without animation) and then plays it, animated, to [`Scene::at_ms`], where
//! playback stops (or goes on, for a step that says `play`). Back, or a jump, replays the step's document
//! straight to `at_ms`. Both reach the same run, because a run is a pure function of its document and time:
//! that is what makes Back exact. Under reduced motion Next replays straight to `at_ms` too. Autoplay moves on
//! by itself once a step has arrived and its `wait_ms` has passed. Stepping through a tour is not an edit: the
//! undo history is untouched, and leaving the tour puts the tour's own document back.
//!
//! Recording: from the document as it is, the actions the user performs (crash, recover, partition, a rate
//! change, a parameter change, pausing at a time) are noted as the step's actions; "Add step" closes a step
//! with its narration, focus (the selection) and highlight; "Finish" puts the tour into the document as it was
//! when the recording started (the recorded faults live in the tour, not in the fault timeline), as one undo
//! step, so the share link carries it.

use std::rc::Rc;

use switchyard_core::scenario::v1::{Fault, Tour, TourAction, TourMetric, TourStep};
use switchyard_core::scenario::Scenario;
use switchyard_core::time::SimTime;
use switchyard_core::tour::{self, markup, Scene};

use super::camera::EMPTY_CAMERA;
use super::document::Step;
use super::Driver;
use crate::render::layout::Layout;

/// Scenario units of surroundings the camera keeps around a step's focus (both sides together).
const FOCUS_MARGIN: f64 = 800.0;

/// Real milliseconds a step's animated stretch lasts at most (unless the reader's speed is slower than that).
const STRETCH_REAL_MS: f64 = 5_000.0;

/// A tour being played.
pub(super) struct Playing {
    /// The document that carries the tour: what leaving the tour and sharing it give back.
    origin: Rc<Scenario>,
    scenes: Rc<Vec<Scene>>,
    step: usize,
    autoplay: bool,
    /// Real milliseconds autoplay still waits on this step once it has arrived.
    wait_left: f64,
}

/// A tour being recorded.
pub(super) struct Recording {
    /// The document as it was when the recording started: the tour goes into it.
    base: Scenario,
    steps: Vec<TourStep>,
    /// The actions of the step being recorded.
    actions: Vec<TourAction>,
    /// Where the recorded actions have moved the tour's time.
    at_ms: f64,
}

/// What the tour panel shows.
#[derive(Clone, Debug, PartialEq)]
pub struct TourView {
    pub title: String,
    /// The step shown, from 0.
    pub step: usize,
    pub steps: usize,
    pub step_title: String,
    /// The narration's paragraphs of styled spans (rendered as text, never as HTML).
    pub text: Rc<Vec<Vec<markup::Span>>>,
    /// Nodes the step points at (document indices).
    pub focus: Vec<usize>,
    /// The metrics readout the step points at: its `data-testid`.
    pub highlight: Option<&'static str>,
    pub autoplay: bool,
    /// The step's animation is over (the run is at the step's time, or playing on by the step's choice).
    pub arrived: bool,
}

/// What the recorder panel shows.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordView {
    /// Steps recorded so far.
    pub steps: usize,
    /// The step being recorded: its actions, in words.
    pub actions: Vec<String>,
}

/// The readout of the metrics panel a metric names (its `data-testid`).
pub fn readout(metric: TourMetric) -> &'static str {
    match metric {
        TourMetric::Completed => "completed",
        TourMetric::Failed => "failed",
        TourMetric::Throughput => "throughput",
        TourMetric::InFlight => "in-flight",
        TourMetric::P50 => "p50",
        TourMetric::P99 => "p99",
        TourMetric::Mean => "mean",
        TourMetric::Goodput => "goodput",
        TourMetric::Cost => "cost-total",
        TourMetric::HitRatio => "hit-ratio",
        TourMetric::QueueDepth => "queue-depth",
        TourMetric::StaleReads => "stale-reads",
        TourMetric::LostWrites => "lost-writes",
        TourMetric::SessionsLost => "sessions-lost",
        TourMetric::FailedByReason => "failed-by-reason",
    }
}

/// An action in words, for the recorder's list.
fn describe(a: &TourAction) -> String {
    match a {
        TourAction::Open { preset } => format!("open {preset}"),
        TourAction::PlayTo { at_ms } => format!("play to {:.1} s", at_ms / 1e3),
        TourAction::Play => "keep playing".into(),
        TourAction::Pause => "pause".into(),
        TourAction::Crash { node } => format!("crash {node}"),
        TourAction::Recover { node } => format!("recover {node}"),
        TourAction::Partition { groups } => format!("partition into {} groups", groups.len()),
        TourAction::Heal => "heal the partition".into(),
        TourAction::SetRate { node, rate_rps } => format!("{node} at {rate_rps} req/s"),
        TourAction::Set { node, key, value } => {
            format!(
                "set {}{key} = {value}",
                node.as_ref().map(|n| format!("{n}.")).unwrap_or_default()
            )
        }
        TourAction::Focus { nodes } => format!("focus {}", nodes.join(", ")),
        TourAction::Highlight { metric } => format!("highlight {}", readout(*metric)),
    }
}

impl Driver {
    /// The presets the document's tour opens, which must be fetched before [`Driver::start_tour`]; `None` when
    /// there is no tour to start (no tour, or one already playing).
    pub fn tour_wanted(&self) -> Option<Vec<String>> {
        (self.tour_requested && self.doc.tour.is_some() && self.tour.is_none() && self.recording.is_none())
            .then(|| tour::presets_needed(&self.doc))
    }

    /// Asks for the document's tour to start (again): the shell fetches what it opens, then
    /// [`Driver::start_tour`]. A document opened with a tour asks by itself.
    pub fn request_tour(&mut self) {
        self.tour_requested = self.doc.tour.is_some();
    }

    /// Starts the document's tour at its first step, with the presets it opens (name, JSON text). A tour that
    /// cannot play leaves the document as it is and says why.
    pub fn start_tour(&mut self, presets: &[(String, String)]) {
        self.tour_requested = false;
        if self.doc.tour.is_none() {
            return;
        }
        let resolve = |name: &str| presets.iter().find(|(n, _)| n == name).map(|(_, t)| t.clone());
        match tour::scenes(&self.doc, &resolve) {
            Ok(scenes) => {
                self.tour = Some(Playing {
                    origin: Rc::new(self.doc.clone()),
                    scenes: Rc::new(scenes),
                    step: 0,
                    autoplay: false,
                    wait_left: 0.0,
                });
                self.enter_step(0, true);
            }
            Err(e) => {
                // The document stays as it is, tour included; Play tour asks again.
                self.error = Some(format!("The tour cannot play: {e}. The design is unchanged."));
            }
        }
    }

    /// The next step, animated from where the previous one left the run.
    pub fn tour_next(&mut self) {
        if let Some(t) = &self.tour {
            if t.step + 1 < t.scenes.len() {
                let k = t.step + 1;
                self.enter_step(k, true);
            }
        }
    }

    /// The previous step, replayed exactly.
    pub fn tour_back(&mut self) {
        if let Some(t) = &self.tour {
            if t.step > 0 {
                let k = t.step - 1;
                self.enter_step(k, false);
            }
        }
    }

    /// Jumps to step `k` (replayed exactly).
    pub fn tour_go(&mut self, k: usize) {
        if self.tour.as_ref().is_some_and(|t| k < t.scenes.len()) {
            self.enter_step(k, false);
        }
    }

    pub fn set_autoplay(&mut self, on: bool) {
        if let Some(t) = &mut self.tour {
            t.autoplay = on;
            t.wait_left = t.scenes[t.step].wait_ms;
        }
    }

    /// Leaves the tour: the tour's own document comes back, paused at 0, with its tour (so the link keeps it).
    pub fn exit_tour(&mut self) {
        if let Some(t) = self.tour.take() {
            self.doc = Rc::unwrap_or_clone(t.origin);
            self.stop_at = None;
            self.play_after_seek = None;
            self.rebuild();
            self.fit();
        }
    }

    /// The document a share link should carry: during a tour, the tour's own document.
    pub fn shared_doc(&self) -> &Scenario {
        self.tour.as_ref().map_or(&self.doc, |t| &t.origin)
    }

    pub(super) fn tour_origin(&self) -> Option<Rc<Scenario>> {
        self.tour.as_ref().map(|t| t.origin.clone())
    }

    /// Shows step `k`: its document, camera and run. Forward (`animate`) starts the run at the step's start
    /// and plays it to the step's time; otherwise (and under reduced motion) it replays straight there.
    fn enter_step(&mut self, k: usize, animate: bool) {
        let Some(t) = &mut self.tour else { return };
        t.step = k;
        t.wait_left = t.scenes[k].wait_ms;
        let scene = t.scenes[k].clone();
        self.doc = scene.doc.clone();
        self.preset = None;
        self.selection = super::Selection::None;
        self.rebuild();
        self.stop_at = None;
        self.play_after_seek = None;
        self.focus_camera(&scene.focus);
        let animate = animate && !self.reduced_motion && scene.at_ms > scene.start_ms;
        let first = if animate { scene.start_ms } else { scene.at_ms };
        self.max_seen_ms = scene.at_ms;
        if first > 0.0 {
            self.seek(first);
        }
        if animate {
            self.play_after_seek = Some(SimTime::from_millis_f64(scene.at_ms));
            if first == 0.0 {
                self.begin_stretch();
            }
        } else if scene.playing && first == 0.0 {
            self.playing = true;
        } else if scene.playing {
            self.play_after_seek = Some(SimTime::from_millis_f64(scene.at_ms));
        }
    }

    /// Plays towards the step's time (from [`Driver::frame`] once the seek to the step's start has arrived).
    pub(super) fn begin_stretch(&mut self) {
        if let Some(at) = self.play_after_seek.take() {
            let now = self.sim.as_ref().map_or(SimTime::ZERO, |s| s.now());
            if now < at {
                self.stop_at = Some(at);
                self.playing = true;
                // However long the stretch, it plays in about STRETCH_REAL_MS of real time (or slower, at the
                // speed the reader chose).
                self.stretch_speed = Some((at.0 - now.0) as f64 / 1e6 / STRETCH_REAL_MS);
            } else {
                self.arrive();
            }
        }
    }

    /// The run reached the step's time: stop there, or play on when the step says so.
    pub(super) fn arrive(&mut self) {
        self.stop_at = None;
        self.stretch_speed = None;
        let go_on = self.tour.as_ref().is_some_and(|t| t.scenes[t.step].playing);
        self.playing = go_on && self.sim.as_ref().is_some_and(|s| !s.is_finished());
    }

    /// Autoplay's clock: once the step has arrived and its wait is over, the next step (the last one stops
    /// autoplay).
    pub(super) fn tour_tick(&mut self, real_dt_ms: f64) {
        let arrived = self.tour_arrived();
        let Some(t) = &mut self.tour else { return };
        if !t.autoplay || !arrived {
            return;
        }
        t.wait_left -= real_dt_ms;
        if t.wait_left > 0.0 {
            return;
        }
        if t.step + 1 < t.scenes.len() {
            self.tour_next();
        } else {
            t.autoplay = false;
        }
    }

    fn tour_arrived(&self) -> bool {
        self.seek.is_none() && self.stop_at.is_none() && self.play_after_seek.is_none()
    }

    /// Points the camera at `focus` (ids), keeping enough around them to see where they sit; the whole
    /// design when there is nothing to point at.
    fn focus_camera(&mut self, focus: &[String]) {
        self.fit();
        let points: Vec<(f64, f64)> = focus
            .iter()
            .filter_map(|id| self.doc.nodes.iter().find(|n| n.id == *id))
            .map(|n| (n.x, n.y))
            .collect();
        if points.is_empty() {
            return;
        }
        let (_, _, fw, fh) = self.camera;
        let (x, y, w, h) = Layout::new(points).view;
        // The focus with a wide margin, never closer than half the whole design: it stays in its surroundings,
        // and a small design stays whole (the highlight shows the focus).
        let w2 = (w + FOCUS_MARGIN).max(fw * 0.5).max(EMPTY_CAMERA.2 * 0.5);
        if w2 >= fw {
            return;
        }
        let h2 = w2 * fh / fw.max(1.0);
        let (cx, cy) = (x + w / 2.0, y + h / 2.0);
        self.camera = (cx - w2 / 2.0, cy - h2 / 2.0, w2, h2);
        self.relayout();
    }

    /// The tour panel's view, while a tour plays.
    pub(super) fn tour_view(&self) -> Option<TourView> {
        let t = self.tour.as_ref()?;
        let scene = &t.scenes[t.step];
        Some(TourView {
            title: t.origin.tour.as_ref().map(|x| x.title.clone()).unwrap_or_default(),
            step: t.step,
            steps: t.scenes.len(),
            step_title: scene.title.clone(),
            text: Rc::new(markup::parse(&scene.text)),
            focus: scene.focus.iter().filter_map(|id| self.doc_index(id)).collect(),
            highlight: scene.highlight.map(readout),
            autoplay: t.autoplay,
            arrived: self.tour_arrived(),
        })
    }

    // ---------------------------------------------------------------------------------------------------
    // Recording.

    /// Starts recording a tour over the document as it is now (a tour playing is left first).
    pub fn start_recording(&mut self) {
        self.exit_tour();
        let mut base = self.doc.clone();
        base.tour = None;
        self.recording = Some(Recording {
            base,
            steps: Vec::new(),
            actions: Vec::new(),
            at_ms: 0.0,
        });
        self.rebuild();
    }

    /// Notes that the run is now at the current time (before an action, or on pausing).
    fn note_time(&mut self) {
        let now = self.sim.as_ref().map_or(0.0, |s| s.now().as_millis_f64());
        if let Some(r) = &mut self.recording {
            if now > r.at_ms {
                r.actions.push(TourAction::PlayTo { at_ms: now });
                r.at_ms = now;
            }
        }
    }

    /// Notes an action performed while recording, at the run's current time.
    fn note(&mut self, action: TourAction) {
        if self.recording.is_some() {
            self.note_time();
            if let Some(r) = &mut self.recording {
                r.actions.push(action);
            }
        }
    }

    /// A fault broken in now, as a tour action (the kinds a tour can express).
    pub(super) fn note_fault(&mut self, fault: &Fault) {
        let action = match fault {
            Fault::Crash { node, .. } => TourAction::Crash { node: node.clone() },
            Fault::Recover { node, .. } => TourAction::Recover { node: node.clone() },
            Fault::Partition { groups, .. } => TourAction::Partition { groups: groups.clone() },
            Fault::Heal { .. } => TourAction::Heal,
            Fault::SetRate { node, rate_rps, .. } => TourAction::SetRate {
                node: node.clone(),
                rate_rps: *rate_rps,
            },
            _ => return,
        };
        self.note(action);
    }

    /// A parameter changed while recording: the change joins the step (it holds from time 0, as in the editor).
    pub(super) fn note_param(&mut self, node: Option<usize>, key: &str, value: Option<&serde_json::Value>) {
        let (Some(value), true) = (value, self.recording.is_some()) else {
            return;
        };
        let node = node.and_then(|i| self.doc.nodes.get(i)).map(|n| n.id.clone());
        self.note(TourAction::Set {
            node,
            key: key.to_owned(),
            value: value.clone(),
        });
    }

    /// After a parameter change while recording (which restarts the run with the new value), the run goes
    /// back to the time the recording had reached: what the tour's `set` will show.
    pub(super) fn resume_recording_time(&mut self) {
        let Some(at) = self.recording.as_ref().map(|r| r.at_ms) else {
            return;
        };
        if at > 0.0 && self.sim.as_ref().is_some_and(|s| s.now().as_millis_f64() < at) {
            self.max_seen_ms = self.max_seen_ms.max(at);
            self.seek(at);
        }
    }

    /// Pausing while recording marks the time the step plays to.
    pub(super) fn note_pause(&mut self) {
        if self.recording.is_some() {
            self.note_time();
        }
    }

    /// Closes the step being recorded with its title, narration and highlight; its focus is the selection.
    pub fn add_recorded_step(&mut self, title: String, text: String, highlight: Option<TourMetric>) {
        if self.recording.is_none() {
            return;
        }
        self.note_time();
        let focus: Vec<String> = self
            .selection
            .nodes()
            .into_iter()
            .filter_map(|i| self.doc.nodes.get(i).map(|n| n.id.clone()))
            .collect();
        let Some(r) = &mut self.recording else { return };
        let mut actions = std::mem::take(&mut r.actions);
        if !focus.is_empty() {
            actions.push(TourAction::Focus { nodes: focus });
        }
        if let Some(metric) = highlight {
            actions.push(TourAction::Highlight { metric });
        }
        r.steps.push(TourStep {
            title,
            text,
            actions,
            wait_ms: None,
        });
    }

    /// Puts the recorded tour into the document as it was when the recording started (one undo step), and
    /// plays it from its first step; a tour that does not play stays in the recorder and the banner says why.
    pub fn finish_recording(&mut self, title: String) {
        let Some(r) = self.recording.take() else { return };
        if r.steps.is_empty() {
            self.error = Some("Add at least one step (narration and Add step) before saving the tour.".into());
            self.recording = Some(r);
            return;
        }
        let mut doc = r.base.clone();
        doc.tour = Some(Tour {
            title,
            steps: r.steps.clone(),
        });
        // A recorded tour opens no preset (recording never `open`s), so nothing resolves: the bundle then carries
        // no preset text.
        if let Err(e) = tour::scenes(&doc, &|_| None) {
            self.error = Some(format!("The recorded tour does not play: {e}"));
            self.recording = Some(r);
            return;
        }
        self.push_undo(Step {
            doc: r.base.clone(),
            whole: None,
        });
        self.doc = doc;
        self.preset = None;
        self.rebuild();
        self.start_tour(&[]);
    }

    /// Stops recording and puts the document back as it was when the recording started.
    pub fn cancel_recording(&mut self) {
        if let Some(r) = self.recording.take() {
            self.doc = r.base;
            self.rebuild();
        }
    }

    pub(super) fn record_view(&self) -> Option<RecordView> {
        let r = self.recording.as_ref()?;
        Some(RecordView {
            steps: r.steps.len(),
            actions: r.actions.iter().map(describe).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::Snapshot;
    use switchyard_core::presets;
    use switchyard_core::scenario;

    /// Runs frames until the tour's step has arrived.
    fn arrive(d: &mut Driver) {
        for _ in 0..200_000 {
            if d.tour_arrived() {
                return;
            }
            d.frame(16.0, &|| false);
        }
        panic!("the step never arrived");
    }

    /// The run as the panels show it, less the event log's running numbers and the history.
    fn state(d: &Driver) -> (Snapshot, Vec<String>) {
        let mut s = d.snapshot();
        let log = s.log.iter().map(|l| l.1.clone()).collect();
        s.log.clear();
        (s.can_undo, s.can_redo, s.max_ms) = (false, false, 0.0);
        (s, log)
    }

    /// Steps through the whole tour of a started driver: the state at every step going forward (Next, animated
    /// unless motion is reduced), then Back from the end, checking each step shows the state it showed going
    /// forward. Returns the forward states.
    fn forward_then_back(d: &mut Driver, steps: usize, what: &str) -> Vec<(Snapshot, Vec<String>)> {
        let mut forward = vec![state(d)];
        for _ in 1..steps {
            d.tour_next();
            arrive(d);
            forward.push(state(d));
        }
        for k in (0..steps - 1).rev() {
            d.tour_back();
            arrive(d);
            assert_eq!(state(d), forward[k], "{what}: step {} after Back", k + 1);
        }
        forward
    }

    fn with_tour() -> Scenario {
        let mut doc = scenario::parse(presets::ALL[2].1).unwrap();
        doc.tour = Some(Tour {
            title: "Three servers".into(),
            steps: vec![
                TourStep {
                    title: "Start".into(),
                    text: "The **balancer** spreads load.".into(),
                    actions: vec![
                        TourAction::PlayTo { at_ms: 400.0 },
                        TourAction::Focus {
                            nodes: vec!["lb".into()],
                        },
                        TourAction::Highlight {
                            metric: TourMetric::P99,
                        },
                    ],
                    wait_ms: Some(50.0),
                },
                TourStep {
                    title: "Crash".into(),
                    text: "<b>app1</b> fails.".into(),
                    actions: vec![
                        TourAction::Crash { node: "app1".into() },
                        TourAction::PlayTo { at_ms: 900.0 },
                    ],
                    wait_ms: Some(50.0),
                },
                TourStep {
                    title: "Another design".into(),
                    text: "One server.".into(),
                    actions: vec![
                        TourAction::Open {
                            preset: "01-single-server".into(),
                        },
                        TourAction::PlayTo { at_ms: 300.0 },
                    ],
                    wait_ms: None,
                },
            ],
        });
        doc
    }

    fn started(reduced: bool) -> Driver {
        let mut d = Driver::new(reduced);
        d.open(with_tour());
        let wanted = d.tour_wanted().expect("a tour to start");
        assert_eq!(wanted, vec!["01-single-server".to_owned()]);
        let presets: Vec<(String, String)> = wanted
            .iter()
            .map(|n| (n.clone(), tour::bundled_preset(n).unwrap()))
            .collect();
        d.start_tour(&presets);
        arrive(&mut d);
        d
    }

    /// Stepping forward (animated) then back (replayed) shows byte-identical state at every step, with or
    /// without reduced motion, and that state is the scene's own replay.
    #[test]
    fn forward_then_back_is_byte_identical() {
        for reduced in [false, true] {
            let mut d = started(reduced);
            let scenes = tour::scenes(&with_tour(), &tour::bundled_preset).unwrap();
            let forward = forward_then_back(&mut d, scenes.len(), &format!("reduced motion {reduced}"));
            for (k, scene) in scenes.iter().enumerate() {
                assert_eq!(forward[k].0.now_ms, scene.at_ms);
                let sim = tour::replay(scene).unwrap();
                assert_eq!(forward[k].0.completed, sim.report().completed, "step {k}");
            }
            assert!(
                forward[1].0.nodes.iter().any(|n| n.id == "app1" && !n.up),
                "the crash shows"
            );
        }
    }

    /// A long stretch (a minute of virtual time at the default 0.2x) still plays in about five seconds of
    /// frames, and lands exactly on the step's time.
    #[test]
    fn a_long_stretch_plays_in_bounded_real_time() {
        let mut doc = with_tour();
        let steps = &mut doc.tour.as_mut().unwrap().steps;
        steps[0].actions[0] = TourAction::PlayTo { at_ms: 60_000.0 };
        steps.truncate(1);
        let frames = |doc: &Scenario| {
            let mut d = Driver::new(false);
            d.open(doc.clone());
            d.start_tour(&[]);
            let mut frames = 0;
            while !d.tour_arrived() {
                d.frame(16.0, &|| false);
                frames += 1;
                assert!(frames < 400, "the stretch took over {frames} frames");
            }
            assert_eq!(d.snapshot().now_ms, 60_000.0, "it lands on the step's time");
            frames
        };
        // The preset's traffic ends before 60 s: the step still arrives, at its time.
        assert!(doc.duration_ms.is_some_and(|ms| ms < 60_000.0));
        frames(&doc);
        doc.duration_ms = Some(120_000.0);
        let n = frames(&doc);
        assert!(n > 250, "the stretch animates ({n} frames)");
    }

    /// Every shipped tour in the app's driver: each step reached by Next (animated in frames) shows the state
    /// Back shows after the next step, and the step's own replay's figures.
    #[test]
    fn every_shipped_tour_steps_forward_and_back_identically() {
        for (id, json) in tour::BUNDLED {
            let doc = scenario::parse(json).unwrap();
            let mut d = Driver::new(false);
            d.open(doc.clone());
            let presets: Vec<(String, String)> = d
                .tour_wanted()
                .unwrap()
                .iter()
                .map(|n| (n.clone(), tour::bundled_preset(n).unwrap()))
                .collect();
            d.start_tour(&presets);
            arrive(&mut d);
            let scenes = tour::scenes(&doc, &tour::bundled_preset).unwrap();
            let forward = forward_then_back(&mut d, scenes.len(), id);
            for (k, scene) in scenes.iter().enumerate() {
                let sim = tour::replay(scene).unwrap();
                let r = sim.report();
                let s = &forward[k].0;
                assert_eq!((s.completed, s.failed), (r.completed, r.failed), "{id}: step {}", k + 1);
            }
        }
    }

    /// The panel's view: narration spans (markup as text), focus by index, the readout, the step counter;
    /// Next animates (the run is not there at once) unless motion is reduced.
    #[test]
    fn the_view_points_at_nodes_and_a_readout() {
        let mut d = started(false);
        let v = d.snapshot().tour.expect("a tour view");
        assert_eq!((v.step, v.steps, v.highlight), (0, 3, Some("p99")));
        assert_eq!(v.focus, vec![d.doc_index("lb").unwrap()]);
        assert_eq!(v.text[0][1].text, "balancer");
        d.tour_next();
        assert!(!d.snapshot().tour.unwrap().arrived, "Next animates the step");
        arrive(&mut d);
        let v = d.snapshot().tour.unwrap();
        assert_eq!(v.text[0][0].text, "<b>app1</b> fails.", "markup-like text stays text");
        assert_eq!(d.snapshot().now_ms, 900.0);
    }

    /// Autoplay moves on after each step's wait and stops at the last step; leaving gives the tour's document
    /// back with no undo step taken.
    #[test]
    fn autoplay_advances_and_exit_restores_the_document() {
        let mut d = started(true);
        d.set_autoplay(true);
        for _ in 0..10_000 {
            d.frame(16.0, &|| false);
            if d.snapshot().tour.as_ref().is_some_and(|t| t.step == 2 && !t.autoplay) {
                break;
            }
        }
        let v = d.snapshot().tour.unwrap();
        assert_eq!((v.step, v.autoplay), (2, false));
        assert!(!d.snapshot().can_undo, "touring is not an edit");
        assert_eq!(d.shared_doc(), &with_tour());
        d.exit_tour();
        assert!(d.snapshot().tour.is_none());
        assert_eq!(d.doc(), &with_tour());
    }

    /// A recorded tour holds what the user did (a crash at the time it happened, a parameter change, the
    /// pause time, the selection as focus), goes into the document as it was (the crash is not left in the
    /// fault timeline), and plays.
    #[test]
    fn recording_captures_actions_and_saves_a_playable_tour() {
        let mut d = Driver::new(true);
        d.load(2, presets::ALL[2].1);
        let before = d.doc().clone();
        d.start_recording();
        d.step_ms(500.0);
        let app1 = d.doc_index("app1").unwrap();
        d.toggle_node(app1);
        d.step_ms(300.0);
        d.toggle_play();
        d.toggle_play();
        d.select(super::super::Selection::Nodes([app1].into()));
        d.add_recorded_step("Crash".into(), "app1 goes **down**".into(), Some(TourMetric::Failed));
        d.set_node_param(d.doc_index("app2").unwrap(), "workers", Some(serde_json::json!(9)));
        d.add_recorded_step("More workers".into(), "app2 gets 9".into(), None);
        d.finish_recording("Mine".into());
        assert!(d.snapshot().error.is_none(), "{:?}", d.snapshot().error);
        let tour = d.shared_doc().tour.clone().expect("the tour is in the document");
        assert_eq!(
            d.shared_doc().faults,
            before.faults,
            "the crash lives in the tour, not the timeline"
        );
        let a = &tour.steps[0].actions;
        assert_eq!(a[0], TourAction::PlayTo { at_ms: 500.0 });
        assert_eq!(a[1], TourAction::Crash { node: "app1".into() });
        assert_eq!(a[2], TourAction::PlayTo { at_ms: 800.0 });
        assert!(a.contains(&TourAction::Focus {
            nodes: vec!["app1".into()]
        }));
        assert!(
            matches!(&tour.steps[1].actions[0], TourAction::Set { node: Some(n), key, .. } if n == "app2" && key == "workers")
        );
        assert_eq!(d.snapshot().tour.unwrap().steps, 2);
        d.undo();
        assert!(d.snapshot().tour.is_none(), "undo leaves the tour");
        assert_eq!(d.doc(), &before, "undo takes the tour back out");
    }
}
