//! The driver: owns one running [`Sim`] and turns the shell's actions into engine commands. It advances
//! virtual time by `real_dt × speed` in bounded slices, keeps the sampled hops that are in flight for the
//! animation, and takes [`Snapshot`]s (plain data) for the components to render.

use std::collections::VecDeque;
use std::rc::Rc;

use std::collections::BTreeSet;

use switchyard_core::engine::{Hop, Sim};
use switchyard_core::history::{CheckOptions, Op as HOp, Outcome as HOutcome};
use switchyard_core::metrics::{ConsistencyReport, DbReport, GroupFigures, ShardRouterReport};
use switchyard_core::presets;
use switchyard_core::scenario::edit::{self, Clip};
use switchyard_core::scenario::v1::{Fault, NodeSpec};
use switchyard_core::scenario::{self, params, Scenario, ScenarioError};
use switchyard_core::time::SimTime;
use switchyard_core::topology::{Location, NodeKind, Problem as TopoProblem, ValidationError};

use crate::render::layout::{Layout, NODE_HALF_H, NODE_HALF_W};

/// The most events processed in one animation frame; the frame's time budget usually stops it sooner.
pub const EVENTS_PER_FRAME: u64 = 200_000;
/// Aim for at most this many dots in flight; sampling coarsens beyond it.
const MAX_DOTS: usize = 16_000;
/// Log lines kept for the event log.
const LOG_LINES: usize = 100;
/// A frame longer than this (a background tab) counts as this long.
const MAX_FRAME_MS: f64 = 100.0;

/// Playback speeds offered, as multiples of real time.
pub const SPEEDS: [f64; 10] = [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 50.0, 100.0, 1000.0];
pub const DEFAULT_SPEED: f64 = 0.2;

/// One node as the components show it.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    pub id: String,
    pub label: String,
    pub kind: NodeKind,
    pub up: bool,
    /// Busy share of the workers in the latest metrics bucket (in-flight requests for unbounded nodes).
    pub utilization: f64,
    pub busy: u32,
    pub queued: usize,
    /// `None` for nodes without a worker limit (clients, balancers, queues), whose utilization is a count.
    pub workers: Option<u32>,
    /// What the node did over the run so far (core's per-node report).
    pub run: NodeRun,
    /// The side of the network partition in force the node is on (`None`: no partition, or it reaches all).
    pub side: Option<u32>,
}

/// One node's figures over the run so far, from core's `NodeReport`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeRun {
    pub arrivals: u64,
    pub served: u64,
    /// Turned away: dropped by a full queue, refused, or too large.
    pub turned_away: u64,
    /// Busy workers over workers (busy connections for unbounded nodes), averaged over the run.
    pub utilization: f64,
    pub mean_wait_ms: f64,
    pub mean_queue: f64,
    pub max_queue: u64,
}

/// One row of the metrics panel's per-class or per-client table: the class name or the client's label.
pub type GroupRow = (String, GroupFigures);

/// Everything the components render, taken from the driver at one moment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// The preset the document came from, while unedited.
    pub preset: Option<usize>,
    pub doc: Rc<Scenario>,
    pub selection: Selection,
    pub problems: Vec<Problem>,
    pub can_undo: bool,
    pub can_redo: bool,
    /// The document is valid and a run exists.
    pub runnable: bool,
    pub hit_ratio: Option<f64>,
    pub stale_reads: u64,
    pub lost_writes: u64,
    pub queued: Option<u64>,
    pub realtime: Rc<Vec<switchyard_core::realtime::ChannelReport>>,
    /// Replicated database clusters: availability and consistency per side (for the CAP panel).
    pub databases: Rc<Vec<DbReport>>,
    /// Shard routers: per-shard load and data size, skew and rebalances (for the shard map).
    pub shard_routers: Rc<Vec<ShardRouterReport>>,
    /// The last linearizability check of the run, if the user asked for one since it was built.
    pub cap_check: Option<Rc<CapCheck>>,
    /// How far the run has reached: the scrubber's span.
    pub max_ms: f64,
    pub seeking: bool,
    pub playing: bool,
    pub speed: f64,
    pub now_ms: f64,
    pub finished: bool,
    /// `Some(fraction)` while running to the end.
    pub fast_forward: Option<f64>,
    pub issued: u64,
    pub completed: u64,
    pub failed: u64,
    /// Calls issued and not yet answered.
    pub in_flight: u64,
    pub throughput_rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub mean_ms: f64,
    /// The run's calls per request class that occurred and per client (core's `by_class`, `by_client`).
    pub by_class: Rc<Vec<GroupRow>>,
    pub by_client: Rc<Vec<GroupRow>>,
    pub nodes: Vec<NodeView>,
    pub edges: Vec<(usize, usize)>,
    pub layout: Option<Rc<Layout>>,
    /// `(t_ms, p50_ms, p99_ms)` per completed metrics bucket.
    pub series: Rc<Series>,
    /// Newest last, each with a running number as key.
    pub log: Vec<(u64, String)>,
    /// Hops of one request in this many are animated (0: animation off).
    pub sample_every: u64,
    pub reduced_motion: bool,
    pub error: Option<String>,
}

/// What is selected in the editor.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Selection {
    #[default]
    None,
    Nodes(BTreeSet<usize>),
    Edge(usize),
}

impl Selection {
    /// The selected nodes (empty unless nodes are selected).
    pub fn nodes(&self) -> BTreeSet<usize> {
        match self {
            Selection::Nodes(s) => s.clone(),
            _ => BTreeSet::new(),
        }
    }
}

/// The most undo steps kept.
const UNDO_DEPTH: usize = 200;

/// The part of the plane the canvas shows: `(x, y, width, height)` in scenario units.
type Camera = (f64, f64, f64, f64);

/// One undo (or redo) step: the document as it was. A step that replaced the whole document (a preset, New,
/// an imported file, a pasted link) also keeps the preset it came from and the camera that showed it, so
/// that undoing it brings the previous work back as it was on screen.
struct Step {
    doc: Scenario,
    whole: Option<(Option<usize>, Camera)>,
}

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
}

/// Events processed between two looks at the clock.
const CHUNK: u64 = 512;

/// Runs events due by `target` (every event, when `None`) in chunks until none is left — then returns true —
/// or the frame is out of time, or [`EVENTS_PER_FRAME`] ran.
fn run_until(sim: &mut Sim, target: Option<SimTime>, out_of_time: &dyn Fn() -> bool) -> bool {
    let mut ran = 0;
    loop {
        let mut n = 0;
        while n < CHUNK && sim.next_wakeup().is_some_and(|t| target.is_none_or(|g| t <= g)) {
            sim.step();
            n += 1;
        }
        ran += n;
        if n < CHUNK {
            return true;
        }
        if ran >= EVENTS_PER_FRAME || out_of_time() {
            return false;
        }
    }
}

/// The metrics time series, one value per bucket, as columns the plots draw.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    /// Latency: only buckets that completed something.
    pub lat_t: Vec<f64>,
    pub p50: Vec<f64>,
    pub p99: Vec<f64>,
    /// Throughput and errors per second, every bucket.
    pub t: Vec<f64>,
    pub throughput: Vec<f64>,
    pub errors: Vec<f64>,
    /// Queue length (time-averaged over each bucket, every bucket) of the nodes that queued the most over
    /// the run, at most [`QUEUE_LINES`], each with its label.
    pub queue: Vec<(String, Vec<f64>)>,
}

/// How many nodes the queue-depth plot follows.
pub const QUEUE_LINES: usize = 3;

/// The checker's verdict and the operations of the first violation, for the CAP panel's timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct CapCheck {
    pub report: ConsistencyReport,
    pub ops: Vec<CapOp>,
}

/// One operation of a violation.
#[derive(Clone, Debug, PartialEq)]
pub struct CapOp {
    pub client: u64,
    pub what: String,
    pub outcome: String,
    pub invoked_ms: f64,
    pub completed_ms: Option<f64>,
}

/// One validation problem, placed on what it names.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub node: Option<usize>,
    pub edge: Option<usize>,
    pub message: String,
}

#[derive(Clone, Copy, Debug)]
enum Horizon {
    Millis(f64),
    Requests(u64),
    Unknown,
}

/// Scenario units across the view at zoom 1 (a share link's `view.zoom`).
pub const VIEW_UNITS: f64 = 1_000.0;

/// The document as a share link carries it: with the camera and the playback position in its `view`.
pub fn link_doc(doc: &Scenario, camera: (f64, f64, f64, f64), now_ms: f64) -> Scenario {
    let (x, y, w, h) = camera;
    Scenario {
        view: Some(switchyard_core::scenario::v1::View {
            zoom: VIEW_UNITS / w.max(1.0),
            pan_x: (x + w / 2.0).round(),
            pan_y: (y + h / 2.0).round(),
            at_ms: (now_ms > 0.0).then_some(now_ms),
        }),
        ..doc.clone()
    }
}

/// The camera over an empty canvas.
const EMPTY_CAMERA: (f64, f64, f64, f64) = (-480.0, -300.0, 960.0, 600.0);

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
        self.doc = doc;
        self.preset = None;
        self.selection = Selection::None;
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
        self.hops.clear();
        self.log.clear();
        self.error = None;
        self.sample_every = 1;
        self.problems.clear();
        let s = &self.doc;
        self.horizon = match (s.duration_ms, s.requests) {
            (Some(ms), _) => Horizon::Millis(ms),
            (None, Some(n)) => Horizon::Requests(n),
            _ => Horizon::Unknown,
        };
        self.relayout();
        let s = &self.doc;
        match Sim::new(s, s.seed) {
            Ok(mut sim) => {
                sim.set_hop_sampling(if self.reduced_motion { 0 } else { self.sample_every });
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

    /// Applies an edit to the document as one undo step; a refused edit changes nothing and says why.
    pub fn edit(&mut self, f: impl FnOnce(&mut Scenario, &mut Selection) -> Result<(), String>) {
        let before = self.doc.clone();
        let mut selection = self.selection.clone();
        match f(&mut self.doc, &mut selection) {
            Ok(()) if self.doc != before => {
                let moved = moved_only(&before, &self.doc);
                self.push_undo(Step {
                    doc: before,
                    whole: None,
                });
                self.preset = None;
                self.selection = selection;
                self.clamp_selection();
                if self.sim.is_some() && moved {
                    // Moving nodes changes the picture, not the model: the run goes on where it is.
                    self.relayout();
                } else {
                    let was_at = self.sim.as_ref().map(|s| s.now().as_millis_f64()).filter(|t| *t > 0.0);
                    self.rebuild();
                    if let Some(t) = was_at {
                        self.push_log(format!(
                            "The scenario changed at {:.1} s, so the run restarted from 0 with it.",
                            t / 1e3
                        ));
                    }
                }
            }
            Ok(()) => self.selection = selection,
            Err(e) => {
                self.doc = before;
                self.error = Some(e);
            }
        }
    }

    pub fn undo(&mut self) {
        if let Some(step) = self.undo.pop() {
            let back = self.restore(step);
            self.redo.push(back);
        }
    }

    pub fn redo(&mut self) {
        if let Some(step) = self.redo.pop() {
            let back = self.restore(step);
            self.undo.push(back);
        }
    }

    /// Puts back the document of `step` (and, for a whole-document step, its preset and camera); returns the
    /// step that undoes this.
    fn restore(&mut self, step: Step) -> Step {
        let back = Step {
            doc: std::mem::replace(&mut self.doc, step.doc),
            whole: step.whole.map(|_| (self.preset, self.camera)),
        };
        if let Some((preset, camera)) = step.whole {
            self.preset = preset;
            self.camera = camera;
            self.selection = Selection::None;
        }
        self.clamp_selection();
        self.rebuild();
        back
    }

    fn clamp_selection(&mut self) {
        let n = self.doc.nodes.len();
        self.selection = match std::mem::take(&mut self.selection) {
            Selection::Nodes(s) => {
                let s: BTreeSet<usize> = s.into_iter().filter(|&i| i < n).collect();
                if s.is_empty() {
                    Selection::None
                } else {
                    Selection::Nodes(s)
                }
            }
            Selection::Edge(e) if e < self.doc.edges.len() => Selection::Edge(e),
            _ => Selection::None,
        };
    }

    pub fn select(&mut self, selection: Selection) {
        self.selection = selection;
        self.clamp_selection();
    }

    /// Adds or removes one node from the selection (shift-click).
    pub fn toggle_selected(&mut self, node: usize) {
        let mut s = self.selection.nodes();
        if !s.remove(&node) {
            s.insert(node);
        }
        self.select(Selection::Nodes(s));
    }

    pub fn select_all(&mut self) {
        self.select(Selection::Nodes((0..self.doc.nodes.len()).collect()));
    }

    /// Adds a node of `kind` at `(x, y)`, or at the middle of the view, and selects it. With an edge selected
    /// and no place given (the palette clicked, or Enter on it), the node goes into that edge instead.
    pub fn add_node(&mut self, kind: &str, at: Option<(f64, f64)>) {
        if let (&Selection::Edge(e), None, false) = (&self.selection, at, kind == "client") {
            self.insert_on_edge(e, kind, None);
            return;
        }
        let (x, y) = at.unwrap_or_else(|| self.free_spot(kind));
        self.edit(|doc, sel| {
            let i = edit::add_node(doc, kind, x, y).map_err(|e| e.to_string())?;
            *sel = Selection::Nodes([i].into());
            Ok(())
        });
        let (cx, cy, w, h) = self.camera;
        let inside =
            x - NODE_HALF_W >= cx && x + NODE_HALF_W <= cx + w && y - NODE_HALF_H >= cy && y + NODE_HALF_H <= cy + h;
        if !inside {
            self.fit();
        }
    }

    /// Where a node added without a position goes: the nearest spot clear of every node and edge, beside the
    /// one selected node or around the middle of the view (see `scenario::layout::place`).
    fn free_spot(&self, kind: &str) -> (f64, f64) {
        let (x, y, w, h) = self.camera;
        let beside = match &self.selection {
            Selection::Nodes(s) if s.len() == 1 => s.first().copied(),
            _ => None,
        };
        scenario::layout::place(&self.doc, kind, beside, (x + w / 2.0, y + h / 2.0))
    }

    /// Lays the whole topology out left to right by layers, as one undo step that only moves nodes (a run
    /// goes on), and fits the view to it.
    pub fn tidy(&mut self) {
        self.edit(|doc, _| {
            scenario::layout::tidy(doc);
            Ok(())
        });
        self.fit();
    }

    /// Puts a new node of `kind` into `edge` (A → N → B) and selects it. It goes where it was dropped, or
    /// halfway along the edge; where that overlaps a node and B stands right of A, every node right of A's
    /// column moves right to make a column's room for it, so a row A → B becomes A → N → B.
    pub fn insert_on_edge(&mut self, edge: usize, kind: &str, at: Option<(f64, f64)>) {
        let pos = |id: &str| self.doc.nodes.iter().find(|n| n.id == id).map(|n| (n.x, n.y));
        let Some((a, b)) = self
            .doc
            .edges
            .get(edge)
            .and_then(|e| Some((pos(&e.from)?, pos(&e.to)?)))
        else {
            return;
        };
        let want = at.unwrap_or(((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0));
        let sx = scenario::layout::STEP_X;
        // The edge itself goes away, so only the other boxes need to be clear of the spot.
        let clear = |p: (f64, f64)| {
            self.doc
                .nodes
                .iter()
                .all(|n| !scenario::layout::boxes_overlap(p, (n.x, n.y), 0.0))
        };
        let (spot, room) = if clear(want) {
            (want, 0.0)
        } else if b.0 > a.0 && b.0 < a.0 + 2.0 * sx {
            ((a.0 + sx, want.1), a.0 + 2.0 * sx - b.0)
        } else {
            (scenario::layout::place(&self.doc, kind, None, want), 0.0)
        };
        let right: BTreeSet<usize> = if room > 0.0 {
            (0..self.doc.nodes.len())
                .filter(|&i| self.doc.nodes[i].x > a.0 + 1.0)
                .collect()
        } else {
            BTreeSet::new()
        };
        self.edit(|doc, sel| {
            edit::move_nodes(doc, &right, room, 0.0);
            let n = edit::insert_on_edge(doc, edge, kind, spot.0, spot.1).map_err(|e| e.to_string())?;
            *sel = Selection::Nodes([n].into());
            Ok(())
        });
        let (cx, cy, w, h) = self.camera;
        let outside = self.doc.nodes.iter().any(|n| {
            n.x - NODE_HALF_W < cx || n.x + NODE_HALF_W > cx + w || n.y - NODE_HALF_H < cy || n.y + NODE_HALF_H > cy + h
        });
        if outside {
            self.fit();
        }
    }

    /// Makes databases `node` and `other` replicate together, or not.
    pub fn set_replicates(&mut self, node: usize, other: usize, on: bool) {
        self.edit(|doc, _| edit::set_replicates(doc, node, other, on).map_err(|e| e.to_string()));
    }

    /// Sets one parameter of a cluster.
    pub fn set_cluster_param(&mut self, cluster: usize, key: &str, value: Option<serde_json::Value>) {
        self.edit(|doc, _| {
            let c = doc.clusters.get_mut(cluster).ok_or("no such cluster")?;
            *c = params::set_cluster(c, key, value).map_err(|e| format!("{}: {e}", c.id))?;
            Ok(())
        });
    }

    /// Connects two nodes. The new edge is selected, unless the source alone was selected (connecting one node
    /// to several in a row keeps it selected).
    pub fn connect(&mut self, from: usize, to: usize) {
        let keep = self.selection == Selection::Nodes([from].into());
        self.edit(|doc, sel| {
            let e = edit::connect(doc, from, to).map_err(|e| e.to_string())?;
            if !keep {
                *sel = Selection::Edge(e);
            }
            Ok(())
        });
    }

    pub fn move_selected(&mut self, dx: f64, dy: f64) {
        let nodes = self.selection.nodes();
        if nodes.is_empty() {
            return;
        }
        self.edit(|doc, _| {
            edit::move_nodes(doc, &nodes, dx, dy);
            Ok(())
        });
    }

    pub fn delete_selected(&mut self) {
        match self.selection.clone() {
            Selection::Nodes(nodes) => self.edit(|doc, sel| {
                edit::remove_nodes(doc, &nodes);
                *sel = Selection::None;
                Ok(())
            }),
            Selection::Edge(e) => self.edit(|doc, sel| {
                edit::remove_edge(doc, e).map_err(|e| e.to_string())?;
                *sel = Selection::None;
                Ok(())
            }),
            Selection::None => {}
        }
    }

    pub fn copy(&mut self) {
        let nodes = self.selection.nodes();
        if !nodes.is_empty() {
            self.clip = Some(edit::copy(&self.doc, &nodes));
        }
    }

    pub fn paste(&mut self) {
        let Some(clip) = self.clip.clone() else { return };
        self.edit(|doc, sel| {
            let added = edit::paste(doc, &clip, 40.0, 40.0).map_err(|e| e.to_string())?;
            *sel = Selection::Nodes(added.into_iter().collect());
            Ok(())
        });
        // Pasting again cascades further.
        if let Some(c) = &mut self.clip {
            for n in &mut c.nodes {
                n.x += 40.0;
                n.y += 40.0;
            }
        }
    }

    /// Sets one parameter of a node's spec.
    pub fn set_node_param(&mut self, node: usize, key: &str, value: Option<serde_json::Value>) {
        self.edit(|doc, _| {
            let n = doc.nodes.get_mut(node).ok_or("no such node")?;
            n.spec = params::set(&n.spec, key, value).map_err(|e| format!("{}: {e}", n.id))?;
            Ok(())
        });
    }

    pub fn set_edge_param(&mut self, edge: usize, key: &str, value: Option<serde_json::Value>) {
        self.edit(|doc, _| {
            let e = doc.edges.get_mut(edge).ok_or("no such edge")?;
            *e = params::set_edge(e, key, value)?;
            Ok(())
        });
    }

    pub fn set_scenario_param(&mut self, key: &str, value: Option<serde_json::Value>) {
        self.edit(|doc, _| {
            *doc = params::set_scenario(doc, key, value)?;
            Ok(())
        });
    }

    pub fn set_label(&mut self, node: usize, label: String) {
        self.edit(|doc, _| {
            let n = doc.nodes.get_mut(node).ok_or("no such node")?;
            n.label = (!label.trim().is_empty()).then_some(label);
            Ok(())
        });
    }

    /// The camera fitted to the whole topology.
    pub fn fit(&mut self) {
        self.camera = if self.doc.nodes.is_empty() {
            EMPTY_CAMERA
        } else {
            Layout::new(self.doc.nodes.iter().map(|n| (n.x, n.y)).collect()).view
        };
        self.relayout();
    }

    /// Zooms by `factor` (> 1 zooms in) around `(x, y)`, or the middle of the view.
    pub fn zoom(&mut self, factor: f64, at: Option<(f64, f64)>) {
        let (x, y, w, h) = self.camera;
        let (px, py) = at.unwrap_or((x + w / 2.0, y + h / 2.0));
        let f = factor.clamp(0.1, 10.0);
        let (nw, nh) = ((w / f).clamp(100.0, 40_000.0), (h / f).clamp(60.0, 24_000.0));
        let (fx, fy) = ((px - x) / w, (py - y) / h);
        self.camera = (px - fx * nw, py - fy * nh, nw, nh);
        self.relayout();
    }

    /// Moves the view by `(dx, dy)` scenario units.
    pub fn pan(&mut self, dx: f64, dy: f64) {
        self.camera.0 += dx;
        self.camera.1 += dy;
        self.relayout();
    }

    /// A new undo step (the oldest beyond [`UNDO_DEPTH`] goes); a new edit ends what redo could bring back.
    fn push_undo(&mut self, step: Step) {
        self.undo.push(step);
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    fn relayout(&mut self) {
        self.layout = Rc::new(Layout::with_view(
            self.doc.nodes.iter().map(|n| (n.x, n.y)).collect(),
            self.camera,
        ));
    }

    pub fn selection(&self) -> &Selection {
        &self.selection
    }

    pub fn doc(&self) -> &Scenario {
        &self.doc
    }

    pub fn toggle_play(&mut self) {
        if self.sim.as_ref().is_none_or(Sim::is_finished) {
            self.playing = false;
            return;
        }
        self.playing = !self.playing;
        self.fast_forward = false;
    }

    /// Processes exactly one event, paused.
    pub fn step_event(&mut self) {
        self.playing = false;
        let Some(sim) = &mut self.sim else { return };
        sim.step();
        self.collect_hops();
    }

    /// Advances virtual time by `ms`, paused (bounded like a frame, so a dense run cannot freeze the page).
    pub fn step_ms(&mut self, ms: f64) {
        self.playing = false;
        let Some(sim) = &mut self.sim else { return };
        let target = SimTime(sim.now().0.saturating_add((ms * 1e6) as u64));
        let mut budget = EVENTS_PER_FRAME;
        while budget > 0 && sim.next_wakeup().is_some_and(|t| t <= target) {
            sim.step();
            budget -= 1;
        }
        if budget > 0 {
            sim.advance_to(target);
        }
        self.collect_hops();
    }

    fn collect_hops(&mut self) {
        self.touch();
        let Some(sim) = &mut self.sim else { return };
        sim.drain_hops(&mut self.hops);
        let now = sim.now();
        self.hops.retain(|h| h.arrive > now);
        self.drain_log();
    }

    pub fn run_to_end(&mut self) {
        if self.sim.as_ref().is_some_and(|s| !s.is_finished()) {
            self.fast_forward = true;
            self.playing = false;
            self.hops.clear();
            if let Some(sim) = &mut self.sim {
                sim.set_hop_sampling(0);
            }
        }
    }

    /// Crashes `node` if it is up, recovers it if it is down, now.
    pub fn toggle_node(&mut self, node: usize) {
        let Some(sim) = &self.sim else { return };
        let Some(id) = self.doc.nodes.get(node).map(|n| n.id.clone()) else {
            return;
        };
        let at_ms = sim.now().as_millis_f64();
        self.inject(if sim.is_up(node as u32) {
            Fault::Crash { at_ms, node: id }
        } else {
            Fault::Recover { at_ms, node: id }
        });
    }

    /// Breaks something now: the fault goes into the document's timeline (so it is saved, shared and replayed
    /// by the scrubber) and into the running simulation, without restarting it. Undo takes it back out.
    pub fn inject(&mut self, fault: Fault) {
        let Some(sim) = &mut self.sim else { return };
        match sim.apply_fault(&fault) {
            Ok(()) => {
                self.undo.push(Step {
                    doc: self.doc.clone(),
                    whole: None,
                });
                self.redo.clear();
                self.preset = None;
                // Before the run starts, breaking something changes how the scenario begins: say so, since it is
                // saved and shared with the document like any timeline entry.
                if sim.now().0 == 0 {
                    self.push_log(
                        "At 0 ms this is how the run starts: it is saved in the fault timeline (Undo removes it)."
                            .to_owned(),
                    );
                }
                self.doc.faults.push(fault);
            }
            Err(e) => self.push_log(format!("refused: {e}")),
        }
        self.drain_log();
    }

    /// Cuts the selected nodes off from the others (a partition fault now, on the timeline).
    pub fn partition_selected(&mut self) {
        let chosen = self.selection.nodes();
        let Some(sim) = &self.sim else { return };
        if chosen.is_empty() || chosen.len() == self.doc.nodes.len() {
            self.error = Some("Select some nodes, not all of them, to partition them off from the rest.".to_owned());
            return;
        }
        let (inside, outside): (Vec<_>, Vec<_>) =
            self.doc.nodes.iter().enumerate().partition(|(i, _)| chosen.contains(i));
        let ids =
            |v: Vec<(usize, &switchyard_core::scenario::v1::Node)>| v.into_iter().map(|(_, n)| n.id.clone()).collect();
        let at_ms = sim.now().as_millis_f64();
        self.inject(Fault::Partition {
            at_ms,
            groups: vec![ids(inside), ids(outside)],
        });
    }

    /// Runs the linearizability checker over every cluster's history so far (the CAP panel's "Check now").
    pub fn check_consistency(&mut self) {
        let Some(sim) = &self.sim else { return };
        let report = sim.check_consistency(&CheckOptions::default());
        let mut ops = Vec::new();
        if let Some(v) = &report.violation {
            if let Some((_, h)) = sim.db_histories().into_iter().find(|(id, _)| *id == v.cluster) {
                for &i in &v.ops {
                    if let Some((_, op)) = h.iter().nth(i) {
                        let what = match op.op() {
                            HOp::Read => "read".to_owned(),
                            HOp::Write(x) => format!("write {x}"),
                            HOp::Cas { expected, new } => format!("cas {expected}→{new}"),
                        };
                        let outcome = match op.outcome() {
                            HOutcome::Ok(Some(x)) if matches!(op.op(), HOp::Read) => format!("ok, read {x}"),
                            HOutcome::Ok(None) if matches!(op.op(), HOp::Read) => "ok, read nothing".to_owned(),
                            HOutcome::Ok(_) => "ok".to_owned(),
                            HOutcome::Fail => "fail".to_owned(),
                            HOutcome::Info => "info (timed out)".to_owned(),
                        };
                        ops.push(CapOp {
                            client: op.client().0,
                            what,
                            outcome,
                            invoked_ms: op.invoked_at().as_millis_f64(),
                            completed_ms: op.completion().map(|(_, t)| t.as_millis_f64()),
                        });
                    }
                }
            }
        }
        self.cap_check = Some(Rc::new(CapCheck { report, ops }));
    }

    /// Jumps to virtual time `ms` of this run: forward by running without animation, backward by replaying
    /// the document from zero (the run is deterministic, and live faults are in the document's timeline).
    pub fn seek(&mut self, ms: f64) {
        let Some(sim) = &self.sim else { return };
        let target = SimTime::from_millis_f64(ms.clamp(0.0, self.max_seen_ms.max(0.0)));
        if target < sim.now() {
            let keep = self.max_seen_ms;
            self.rebuild_run();
            self.max_seen_ms = keep;
        }
        self.playing = false;
        self.fast_forward = false;
        self.hops.clear();
        self.seek = Some(target);
        if let Some(sim) = &mut self.sim {
            sim.set_hop_sampling(0);
        }
    }

    /// Advances by one animation frame of `real_dt_ms`. Returns true if anything changed.
    /// `out_of_time` says when this frame's time budget is spent: events run in small chunks until the run
    /// reaches its target or the budget ends, so a slow machine (or a huge scenario) lags in virtual time
    /// instead of freezing the page.
    pub fn frame(&mut self, real_dt_ms: f64, out_of_time: &dyn Fn() -> bool) -> bool {
        let Some(sim) = &mut self.sim else { return false };
        if let Some(target) = self.seek {
            if run_until(sim, Some(target), out_of_time) {
                sim.advance_to(target);
                self.seek = None;
                sim.set_hop_sampling(if self.reduced_motion { 0 } else { self.sample_every });
            }
            self.drain_log();
            return true;
        }
        if self.fast_forward {
            run_until(sim, None, out_of_time);
            if sim.is_finished() {
                self.fast_forward = false;
                sim.set_hop_sampling(if self.reduced_motion { 0 } else { self.sample_every });
            }
            self.drain_log();
            return true;
        }
        if !self.playing {
            return false;
        }
        let dt_ns = (real_dt_ms.clamp(0.0, MAX_FRAME_MS) * self.speed * 1e6) as u64;
        let target = SimTime(sim.now().0.saturating_add(dt_ns));
        if run_until(sim, Some(target), out_of_time) {
            sim.advance_to(target);
        }
        if sim.is_finished() {
            self.playing = false;
        }
        let before = self.hops.len();
        sim.drain_hops(&mut self.hops);
        let fresh = self.hops.len() - before;
        let now = sim.now();
        self.hops.retain(|h| h.arrive > now);
        self.tune_sampling(fresh);
        self.drain_log();
        true
    }

    /// Coarsens the hop sampling when too many dots are in flight (or arrive per frame), refines it when few.
    fn tune_sampling(&mut self, fresh: usize) {
        if self.reduced_motion {
            return;
        }
        let Some(sim) = &mut self.sim else { return };
        let in_flight = self.hops.len();
        let every = if in_flight > MAX_DOTS || fresh > 10 * MAX_DOTS {
            self.sample_every.saturating_mul(2)
        } else if in_flight < MAX_DOTS / 8 && fresh < MAX_DOTS && self.sample_every > 1 {
            self.sample_every / 2
        } else {
            self.sample_every
        };
        if every != self.sample_every {
            self.sample_every = every;
            sim.set_hop_sampling(every);
        }
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

    /// The hops in flight and the virtual time, for the dot renderer.
    pub fn dots(&self) -> (&[Hop], SimTime) {
        match &self.sim {
            Some(sim) if !self.reduced_motion && !self.fast_forward => (&self.hops, sim.now()),
            _ => (&[], SimTime::ZERO),
        }
    }

    pub fn layout(&self) -> &Rc<Layout> {
        &self.layout
    }

    pub fn snapshot(&self) -> Snapshot {
        let mut snap = Snapshot {
            preset: self.preset,
            playing: self.playing,
            speed: self.speed,
            log: self.log.iter().cloned().collect(),
            sample_every: if self.reduced_motion { 0 } else { self.sample_every },
            reduced_motion: self.reduced_motion,
            error: self.error.clone(),
            layout: Some(self.layout.clone()),
            doc: Rc::new(self.doc.clone()),
            selection: self.selection.clone(),
            problems: self.problems.clone(),
            can_undo: !self.undo.is_empty(),
            can_redo: !self.redo.is_empty(),
            runnable: self.sim.is_some(),
            ..Snapshot::default()
        };
        snap.edges = self
            .doc
            .edges
            .iter()
            .filter_map(|e| Some((self.doc_index(&e.from)?, self.doc_index(&e.to)?)))
            .collect();
        let Some(sim) = &self.sim else {
            snap.nodes = self
                .doc
                .nodes
                .iter()
                .map(|n| NodeView {
                    id: n.id.clone(),
                    label: n.label.clone().unwrap_or_else(|| n.id.clone()),
                    kind: kind_of(&n.spec),
                    up: true,
                    utilization: 0.0,
                    busy: 0,
                    queued: 0,
                    workers: None,
                    run: NodeRun::default(),
                    side: None,
                })
                .collect();
            return snap;
        };
        let report = sim.report();
        let series = &sim.metrics().series;
        let last = series.last();
        snap.now_ms = sim.now().as_millis_f64();
        snap.max_ms = self.max_seen_ms.max(snap.now_ms);
        snap.seeking = self.seek.is_some();
        snap.finished = sim.is_finished();
        snap.fast_forward = self.fast_forward.then(|| match self.horizon {
            Horizon::Millis(ms) if ms > 0.0 => (snap.now_ms / ms).clamp(0.0, 0.99),
            Horizon::Requests(n) if n > 0 => (report.issued as f64 / n as f64).clamp(0.0, 0.99),
            _ => 0.0,
        });
        let caches: Vec<_> = report.nodes.iter().filter_map(|n| n.cache.as_ref()).collect();
        let (hits, misses) = caches.iter().fold((0, 0), |(h, m), c| (h + c.hits, m + c.misses));
        snap.hit_ratio = (hits + misses > 0).then(|| hits as f64 / (hits + misses) as f64);
        snap.stale_reads = caches.iter().map(|c| c.stale_reads).sum::<u64>()
            + report.databases.iter().map(|d| d.all.stale_reads).sum::<u64>();
        snap.lost_writes = caches.iter().map(|c| c.lost_writes).sum::<u64>()
            + report.databases.iter().map(|d| d.lost_writes).sum::<u64>();
        snap.realtime = Rc::new(report.realtime.clone().unwrap_or_default());
        snap.databases = Rc::new(report.databases.clone());
        snap.shard_routers = Rc::new(report.shard_routers.clone());
        snap.cap_check = self.cap_check.clone();
        snap.issued = report.issued;
        snap.completed = report.completed;
        snap.failed = report.failed;
        snap.in_flight = report.in_flight;
        snap.throughput_rps = report.throughput_rps;
        snap.p50_ms = report.latency_ms.p50;
        snap.p99_ms = report.latency_ms.p99;
        snap.mean_ms = report.latency_ms.mean;
        let topo = sim.topology();
        snap.by_class = Rc::new(
            report
                .by_class
                .iter()
                .map(|c| (c.class.replace('_', " "), c.figures.clone()))
                .collect(),
        );
        // Core's client rows are in topology order: the client nodes', one for one.
        let clients = topo.nodes.iter().filter(|n| n.kind == NodeKind::Client);
        snap.by_client = Rc::new(
            clients
                .zip(&report.by_client)
                .map(|(n, c)| (n.label.clone(), c.figures.clone()))
                .collect(),
        );
        snap.nodes = topo
            .nodes
            .iter()
            .enumerate()
            .map(|(i, def)| {
                let (busy, queued) = sim.load(i as u32);
                NodeView {
                    id: def.id.clone(),
                    label: def.label.clone(),
                    kind: def.kind,
                    up: sim.is_up(i as u32),
                    utilization: last
                        .and_then(|b| b.utilization.get(i).copied())
                        .unwrap_or(report.nodes[i].utilization),
                    busy,
                    queued,
                    workers: def.workers,
                    side: sim.partition_side(i as u32),
                    run: {
                        let r = &report.nodes[i];
                        NodeRun {
                            arrivals: r.arrivals,
                            served: r.served,
                            turned_away: r.dropped + r.refused + r.too_large,
                            utilization: r.utilization,
                            mean_wait_ms: r.mean_wait_ms,
                            mean_queue: r.mean_queue,
                            max_queue: r.max_queue,
                        }
                    },
                }
            })
            .collect();
        let queues: Vec<usize> = (0..topo.nodes.len())
            .filter(|&i| topo.nodes[i].kind == NodeKind::Queue)
            .collect();
        snap.queued = (!queues.is_empty()).then(|| queues.iter().map(|&i| sim.load(i as u32).1 as u64).sum());
        // A bucket with no completions has no latency to plot.
        let mut out = Series::default();
        // Buckets are stamped with their start and all share one width.
        let width_s = series
            .windows(2)
            .map(|w| w[1].t_ms - w[0].t_ms)
            .find(|d| *d > 0.0)
            .map_or(1.0, |d| d / 1000.0);
        for b in series {
            if b.completed > 0 {
                out.lat_t.push(b.t_ms);
                out.p50.push(b.p50_ms);
                out.p99.push(b.p99_ms);
            }
            out.t.push(b.t_ms);
            out.throughput.push(b.throughput_rps);
            out.errors.push(b.failed as f64 / width_s);
        }
        // The nodes with the most queue over the run (ties in topology order), found by a few passes for the
        // largest left rather than a sort (a sort is a lot of code in the bundle), then their columns.
        let mut area = vec![0.0; topo.nodes.len()];
        for b in series {
            for (a, q) in area.iter_mut().zip(&b.queue) {
                *a += q;
            }
        }
        for _ in 0..QUEUE_LINES {
            let mut top = None;
            for (i, &a) in area.iter().enumerate() {
                if a > 0.0 && top.is_none_or(|t: usize| a > area[t]) {
                    top = Some(i);
                }
            }
            let Some(i) = top else { break };
            area[i] = 0.0;
            let column = series.iter().map(|b| b.queue.get(i).copied().unwrap_or(0.0)).collect();
            out.queue.push((topo.nodes[i].label.clone(), column));
        }
        snap.series = Rc::new(out);
        snap
    }

    fn doc_index(&self, id: &str) -> Option<usize> {
        self.doc.nodes.iter().position(|n| n.id == id)
    }
}

/// The node kind of a spec.
pub fn kind_of(spec: &NodeSpec) -> NodeKind {
    match spec {
        NodeSpec::Client(_) => NodeKind::Client,
        NodeSpec::Dns(_) => NodeKind::Dns,
        NodeSpec::Cdn(_) => NodeKind::Cdn,
        NodeSpec::LoadBalancer(_) => NodeKind::LoadBalancer,
        NodeSpec::Service(_) => NodeKind::Service,
        NodeSpec::Cache(_) => NodeKind::Cache,
        NodeSpec::Database(_) => NodeKind::Database,
        NodeSpec::ShardRouter(_) => NodeKind::ShardRouter,
        NodeSpec::Directory(_) => NodeKind::Directory,
        NodeSpec::Queue(_) => NodeKind::Queue,
        NodeSpec::WorkerPool(_) => NodeKind::WorkerPool,
        NodeSpec::Proxy(_) => NodeKind::Proxy,
    }
}

/// True when `b` is `a` with only node positions changed.
fn moved_only(a: &Scenario, b: &Scenario) -> bool {
    a.nodes.len() == b.nodes.len() && {
        let mut b = b.clone();
        for (n, was) in b.nodes.iter_mut().zip(&a.nodes) {
            (n.x, n.y) = (was.x, was.y);
        }
        b == *a
    }
}

/// Places a validation error on the node or edge it names, naming them as the canvas does (by label).
fn place(doc: &Scenario, e: &ValidationError) -> Problem {
    let node_ix = |id: &str| doc.nodes.iter().position(|n| n.id == id);
    let name = |id: &str| {
        doc.nodes
            .iter()
            .find(|n| n.id == id)
            .and_then(|n| n.label.clone())
            .unwrap_or_else(|| id.to_owned())
    };
    let (node, edge, on) = match &e.location {
        Location::Node(id) => (node_ix(id), None, Some(name(id))),
        Location::Workload(Some(id)) => (node_ix(id), None, Some(format!("{}'s workload", name(id)))),
        Location::Edge { from, to } => (
            None,
            doc.edges.iter().position(|x| x.from == *from && x.to == *to),
            Some(format!("{} → {}", name(from), name(to))),
        ),
        _ => (None, None, None),
    };
    let message = match (&e.problem, on) {
        (TopoProblem::NoNodes, _) => {
            "The canvas is empty: add a client and the servers it calls, from the palette.".to_owned()
        }
        (problem, Some(on)) => format!("{on}: {problem}"),
        (_, None) => e.to_string(),
    };
    Problem { node, edge, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One grid cell of the editor's placement, across and down.
    const CELL: (f64, f64) = (scenario::layout::STEP_X, scenario::layout::STEP_Y);

    /// Moving a node while a run plays keeps the run where it is; changing the model restarts it, and the
    /// event log says so.
    #[test]
    fn moving_keeps_the_run_and_a_change_of_model_restarts_it_saying_so() {
        let mut d = Driver::new(true);
        d.load(0, presets::ALL[0].1);
        d.step_ms(500.0);
        let at = d.snapshot().now_ms;
        assert!(at >= 500.0, "the run advanced: {at}");
        d.select(Selection::Nodes([0].into()));
        d.move_selected(40.0, 0.0);
        let v = d.snapshot();
        assert_eq!(v.now_ms, at, "a move keeps the run's time");
        assert!(v.can_undo, "the move is an undo step");
        assert!(!v.log.iter().any(|(_, l)| l.contains("restarted")));
        d.set_node_param(1, "workers", Some(serde_json::json!(3)));
        let v = d.snapshot();
        assert_eq!(v.now_ms, 0.0, "a change of model restarts the run");
        assert!(
            v.log
                .iter()
                .any(|(_, l)| l.starts_with("The scenario changed at ") && l.ends_with("restarted from 0 with it.")),
            "{:?}",
            v.log
        );
    }

    /// Crashing a node before the run starts writes a crash at 0 ms into the timeline, and the event log says
    /// that it is saved with the document; later crashes say nothing extra. A partition puts the nodes on sides.
    #[test]
    fn breaking_at_time_zero_says_it_is_saved_and_a_partition_has_sides() {
        let mut d = Driver::new(true);
        d.load(2, presets::ALL[2].1);
        let saved = |d: &Driver| {
            d.snapshot()
                .log
                .iter()
                .filter(|(_, l)| l.contains("saved in the fault timeline"))
                .count()
        };
        d.toggle_node(2);
        assert!(matches!(d.doc().faults.last(), Some(Fault::Crash { at_ms, .. }) if *at_ms == 0.0));
        assert_eq!(saved(&d), 1);
        assert!(!d.snapshot().nodes[2].up);
        d.toggle_node(2);
        assert_eq!(saved(&d), 2, "recovering it at 0 ms is a start state too");
        d.step_ms(300.0);
        d.toggle_node(3);
        assert_eq!(saved(&d), 2, "a crash during the run is not narrated as a start state");
        assert!(d.snapshot().nodes.iter().all(|n| n.side.is_none()));
        d.select(Selection::Nodes([0, 1].into()));
        d.partition_selected();
        let sides: Vec<Option<u32>> = d.snapshot().nodes.iter().map(|n| n.side).collect();
        assert_eq!(&sides[..2], &[Some(0), Some(0)]);
        assert!(sides[2..].iter().all(|s| *s == Some(1)), "{sides:?}");
    }

    /// Preset 30's lanes are its clients: the panel gets one row per lane, by label, that add up to the run,
    /// and the queue plot follows the round-robin lane's slow server first (it is the one that queues).
    #[test]
    fn lanes_have_their_own_rows_and_the_slow_servers_queue_is_plotted() {
        let mut d = Driver::new(true);
        let slow = presets::ALL.iter().position(|p| p.0 == "30-lb-slow-backend").unwrap();
        d.load(slow, presets::ALL[slow].1);
        d.step_ms(6000.0);
        let v = d.snapshot();
        let names: Vec<&str> = v.by_client.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "Users (round robin)",
                "Users (least response time)",
                "Users (power of two)"
            ]
        );
        assert_eq!(v.by_client.iter().map(|r| r.1.completed).sum::<u64>(), v.completed);
        assert_eq!(v.by_class.len(), 1, "one class: {:?}", v.by_class);
        let q = &v.series.queue;
        assert!(!q.is_empty() && q.len() <= QUEUE_LINES);
        assert_eq!(
            q[0].0,
            "App A (slow)",
            "{:?}",
            q.iter().map(|l| &l.0).collect::<Vec<_>>()
        );
        assert!(q.iter().all(|l| l.1.len() == v.series.t.len()));
        assert!(q[0].1.iter().copied().fold(0.0, f64::max) > 1.0, "{:?}", q[0].1);
    }

    /// With an edge selected, a palette click puts the new node into it, moving the nodes right of the caller
    /// over to make room; one undo brings the document back. A client is never put into an edge.
    #[test]
    fn the_palette_inserts_into_the_selected_edge_as_one_undo_step() {
        let mut d = Driver::new(true);
        d.new_blank();
        for (k, kind) in ["client", "service", "database"].into_iter().enumerate() {
            d.add_node(kind, Some((k as f64 * CELL.0, 0.0)));
        }
        d.connect(0, 1);
        d.connect(1, 2);
        d.select(Selection::Edge(1));
        let before = d.doc().clone();
        d.add_node("cache", None);
        let doc = d.doc();
        let at = |id: &str| doc.nodes.iter().find(|n| n.id == id).map(|n| (n.x, n.y));
        assert_eq!(at("cache-1"), Some((2.0 * CELL.0, 0.0)), "where the database stood");
        assert_eq!(at("database-1"), Some((3.0 * CELL.0, 0.0)), "moved right to make room");
        assert_eq!(at("service-1"), Some((CELL.0, 0.0)));
        let ends: Vec<(&str, &str)> = doc.edges.iter().map(|e| (e.from.as_str(), e.to.as_str())).collect();
        assert_eq!(
            ends,
            [
                ("client-1", "service-1"),
                ("service-1", "cache-1"),
                ("cache-1", "database-1")
            ]
        );
        assert_eq!(d.selection(), &Selection::Nodes([3].into()), "the new node is selected");
        assert!(d.snapshot().problems.is_empty(), "{:?}", d.snapshot().problems);
        d.undo();
        assert_eq!(d.doc(), &before);
        d.select(Selection::Edge(0));
        d.add_node("client", None);
        assert_eq!(
            (d.doc().nodes.len(), d.doc().edges.len()),
            (4, 2),
            "a client is added beside"
        );
    }

    /// The inspector's replication edits are undo steps like any other.
    #[test]
    fn replication_edits_are_undoable() {
        let mut d = Driver::new(true);
        d.new_blank();
        d.add_node("client", Some((0.0, 0.0)));
        d.add_node("database", Some((CELL.0, 0.0)));
        d.add_node("database", Some((CELL.0, CELL.1)));
        d.connect(0, 1);
        let before = d.doc().clone();
        d.set_replicates(1, 2, true);
        assert_eq!(d.doc().clusters.len(), 1);
        d.set_cluster_param(0, "mode", Some(serde_json::json!("sync")));
        assert_eq!(
            d.doc().clusters[0].mode,
            switchyard_core::scenario::v1::ReplicationMode::Sync
        );
        d.set_replicates(1, 2, false);
        assert!(d.doc().clusters.is_empty(), "two databases, one leaves: no cluster");
        d.set_replicates(1, 0, true);
        assert!(d.snapshot().error.is_some_and(|e| e.contains("not a database")));
        for _ in 0..3 {
            d.undo();
        }
        assert_eq!(d.doc(), &before);
    }

    /// Tidying a playing preset's layout keeps the run where it is and is one undo step; a node added with
    /// no position lands clear of the edges.
    #[test]
    fn tidy_layout_keeps_the_run_and_undoes_in_one_step() {
        let mut d = Driver::new(true);
        d.load(4, presets::ALL[4].1);
        d.step_ms(300.0);
        let (at, before) = (d.snapshot().now_ms, d.doc().clone());
        d.tidy();
        let v = d.snapshot();
        assert_eq!(v.now_ms, at, "tidying only moves nodes");
        assert_ne!(d.doc(), &before, "the preset's layout changed");
        d.undo();
        assert_eq!(d.doc(), &before, "one undo step puts every node back");
        d.select(Selection::None);
        d.add_node("cache", None);
        let last = d.doc().nodes.len() - 1;
        let mut rest = d.doc().clone();
        let added = rest.nodes.remove(last);
        assert!(scenario::layout::is_free(&rest, (added.x, added.y)), "{added:?}");
    }

    /// A problem on a node or edge names it as the canvas does, by label, not by its id.
    #[test]
    fn problems_name_nodes_by_their_labels() {
        let mut d = Driver::new(true);
        d.new_blank();
        d.add_node("client", None);
        d.add_node("cache", None);
        d.connect(0, 1);
        d.set_label(1, "Hot cache".to_owned());
        let v = d.snapshot();
        let on_cache: Vec<&str> = v
            .problems
            .iter()
            .filter(|p| p.node == Some(1))
            .map(|p| p.message.as_str())
            .collect();
        assert!(!on_cache.is_empty(), "a cache without an origin has a problem");
        for m in &on_cache {
            assert!(m.starts_with("Hot cache: "), "{m}");
            assert!(!m.contains("cache-1"), "{m}");
        }
        d.set_edge_param(0, "loss", Some(serde_json::json!(2.0)));
        let v = d.snapshot();
        let on_edge: Vec<&str> = v
            .problems
            .iter()
            .filter(|p| p.edge == Some(0))
            .map(|p| p.message.as_str())
            .collect();
        let client = d.doc().nodes[0].label.clone().unwrap();
        assert!(
            on_edge
                .iter()
                .any(|m| m.starts_with(&format!("{client} → Hot cache: loss"))),
            "{on_edge:?}"
        );
    }

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
