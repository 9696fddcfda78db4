//! The driver: owns one running [`Sim`] and turns the shell's actions into engine commands. It advances
//! virtual time by `real_dt × speed` in bounded slices, keeps the sampled hops that are in flight for the
//! animation, and takes [`Snapshot`]s (plain data) for the components to render.

use std::collections::VecDeque;
use std::rc::Rc;

use switchyard_core::engine::{Command, Hop, Sim};
use switchyard_core::presets;
use switchyard_core::scenario;
use switchyard_core::time::SimTime;
use switchyard_core::topology::NodeKind;

use crate::render::layout::Layout;

/// The most events processed in one animation frame, so the page never freezes.
pub const EVENTS_PER_FRAME: u64 = 20_000;
/// Aim for at most this many dots in flight; sampling coarsens beyond it.
const MAX_DOTS: usize = 2_000;
/// Log lines kept for the event log.
const LOG_LINES: usize = 100;
/// A frame longer than this (a background tab) counts as this long.
const MAX_FRAME_MS: f64 = 100.0;

/// Playback speeds offered, as multiples of real time.
pub const SPEEDS: [f64; 10] = [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 50.0, 100.0, 1000.0];
pub const DEFAULT_SPEED: f64 = 0.2;

/// A preset's name and its "what to watch" text, for the gallery.
#[derive(Clone, Debug, PartialEq)]
pub struct PresetInfo {
    pub id: &'static str,
    pub name: String,
    pub description: String,
}

/// Every preset, in shipping order. A preset that fails to load is listed with its error as description.
pub fn preset_infos() -> Vec<PresetInfo> {
    presets::ALL
        .iter()
        .map(|&(id, json)| match scenario::load(json) {
            Ok((s, _)) => PresetInfo {
                id,
                name: s.name,
                description: s.description,
            },
            Err(e) => PresetInfo {
                id,
                name: id.to_owned(),
                description: format!("does not load: {e}"),
            },
        })
        .collect()
}

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
}

/// Everything the components render, taken from the driver at one moment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    pub preset: usize,
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
    pub nodes: Vec<NodeView>,
    pub edges: Vec<(usize, usize)>,
    pub layout: Option<Rc<Layout>>,
    /// `(t_ms, p50_ms, p99_ms)` per completed metrics bucket.
    pub series: Rc<Vec<(f64, f64, f64)>>,
    /// Newest last, each with a running number as key.
    pub log: Vec<(u64, String)>,
    /// Hops of one request in this many are animated (0: animation off).
    pub sample_every: u64,
    pub reduced_motion: bool,
    pub error: Option<String>,
}

pub struct Driver {
    preset: usize,
    sim: Option<Sim>,
    layout: Rc<Layout>,
    /// The scenario's `duration_ms` or request budget, for the fast-forward progress.
    horizon: Horizon,
    pub playing: bool,
    pub speed: f64,
    fast_forward: bool,
    sample_every: u64,
    reduced_motion: bool,
    hops: Vec<Hop>,
    log: VecDeque<(u64, String)>,
    log_seq: u64,
    error: Option<String>,
}

#[derive(Clone, Copy, Debug)]
enum Horizon {
    Millis(f64),
    Requests(u64),
    Unknown,
}

impl Driver {
    pub fn new(reduced_motion: bool) -> Driver {
        let mut d = Driver {
            preset: 0,
            sim: None,
            layout: Rc::new(Layout::new(Vec::new())),
            horizon: Horizon::Unknown,
            playing: false,
            speed: DEFAULT_SPEED,
            fast_forward: false,
            sample_every: 1,
            reduced_motion,
            hops: Vec::new(),
            log: VecDeque::new(),
            log_seq: 0,
            error: None,
        };
        d.load(0);
        d
    }

    /// Loads preset `index` afresh, paused at time zero. Also what "reset" does.
    pub fn load(&mut self, index: usize) {
        self.preset = index.min(presets::ALL.len().saturating_sub(1));
        self.playing = false;
        self.fast_forward = false;
        self.hops.clear();
        self.log.clear();
        self.error = None;
        self.sample_every = 1;
        let (_, json) = presets::ALL[self.preset];
        match scenario::load(json).and_then(|(s, topo)| {
            let positions = topo
                .nodes
                .iter()
                .map(|def| {
                    s.nodes
                        .iter()
                        .find(|n| n.id == def.id)
                        .map_or((0.0, 0.0), |n| (n.x, n.y))
                })
                .collect();
            self.layout = Rc::new(Layout::new(positions));
            self.horizon = match (s.duration_ms, s.requests) {
                (Some(ms), _) => Horizon::Millis(ms),
                (None, Some(n)) => Horizon::Requests(n),
                _ => Horizon::Unknown,
            };
            Sim::new(&s, s.seed)
        }) {
            Ok(mut sim) => {
                sim.set_hop_sampling(if self.reduced_motion { 0 } else { self.sample_every });
                self.sim = Some(sim);
            }
            Err(e) => {
                self.sim = None;
                self.error = Some(format!("Could not load {}: {e}", presets::ALL[self.preset].0));
            }
        }
    }

    pub fn reset(&mut self) {
        self.load(self.preset);
    }

    pub fn toggle_play(&mut self) {
        if self.sim.as_ref().is_some_and(Sim::is_finished) {
            self.playing = false;
            return;
        }
        self.playing = !self.playing;
        self.fast_forward = false;
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

    /// Crashes `node` if it is up, recovers it if it is down: `Command::Crash` / `Command::Recover` now.
    pub fn toggle_node(&mut self, node: usize) {
        let Some(sim) = &mut self.sim else { return };
        let ix = node as u32;
        let cmd = if sim.is_up(ix) {
            Command::Crash { node: ix }
        } else {
            Command::Recover { node: ix }
        };
        if let Err(e) = sim.apply(sim.now(), cmd) {
            self.push_log(format!("refused: {e}"));
        }
        self.drain_log();
    }

    /// Advances by one animation frame of `real_dt_ms`. Returns true if anything changed.
    pub fn frame(&mut self, real_dt_ms: f64) -> bool {
        let Some(sim) = &mut self.sim else { return false };
        if self.fast_forward {
            sim.run_events(EVENTS_PER_FRAME);
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
        let mut budget = EVENTS_PER_FRAME;
        while budget > 0 && sim.next_wakeup().is_some_and(|t| t <= target) {
            sim.step();
            budget -= 1;
        }
        if budget > 0 {
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

    fn drain_log(&mut self) {
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
            ..Snapshot::default()
        };
        let Some(sim) = &self.sim else { return snap };
        let report = sim.report();
        let series = &sim.metrics().series;
        let last = series.last();
        snap.now_ms = sim.now().as_millis_f64();
        snap.finished = sim.is_finished();
        snap.fast_forward = self.fast_forward.then(|| match self.horizon {
            Horizon::Millis(ms) if ms > 0.0 => (snap.now_ms / ms).clamp(0.0, 0.99),
            Horizon::Requests(n) if n > 0 => (report.issued as f64 / n as f64).clamp(0.0, 0.99),
            _ => 0.0,
        });
        snap.issued = report.issued;
        snap.completed = report.completed;
        snap.failed = report.failed;
        snap.in_flight = report.in_flight;
        snap.throughput_rps = report.throughput_rps;
        snap.p50_ms = report.latency_ms.p50;
        snap.p99_ms = report.latency_ms.p99;
        let topo = sim.topology();
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
                }
            })
            .collect();
        snap.edges = topo.edges.iter().map(|e| (e.from as usize, e.to as usize)).collect();
        // A bucket with no completions has no latency to plot.
        snap.series = Rc::new(
            series
                .iter()
                .filter(|b| b.completed > 0)
                .map(|b| (b.t_ms, b.p50_ms, b.p99_ms))
                .collect(),
        );
        snap
    }
}
