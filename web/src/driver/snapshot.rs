//! The plain data the components render, taken from the driver at one moment: the document, the run's
//! figures per node, class, client and database operation, its database engines and failures by reason, the
//! metrics series and the event log.
//!
//! An autoscaling group's instances are nodes of the running topology (after the document's), but the page
//! draws a group once: a group's node shows its instances together (their sizes, load and figures), and the
//! rest of the page never sees an instance.

use std::rc::Rc;

use switchyard_core::engine::{GroupNow, Sim};
use switchyard_core::metrics::{
    DbReport, EngineReport, FailReason, FailedReport, GroupFigures, GroupReport, NodeReport, ShardRouterReport,
};
use switchyard_core::resilience::BreakerState;
use switchyard_core::scenario::v1::NodeSpec;
use switchyard_core::scenario::Scenario;
use switchyard_core::topology::{NodeIx, NodeKind, Topology};

use super::cap::CapCheck;
use super::challenge::{ChallengeView, FindingView};
use super::problem::Problem;
use super::selection::Selection;
use super::{Driver, Horizon};
use crate::render::layout::Layout;

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
    /// An autoscaling group's instances by phase and their load now (core's `Sim::group_now`); before a run
    /// exists, the size it is configured to start at. `None` for a node that is not a group. A group's
    /// `busy`, `queued`, `workers` and `utilization` above are its serving instances' together.
    pub group: Option<GroupNow>,
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

/// One row of the per-operation table: the client's label, the operation, and its calls (core's `by_op`).
pub type OpRow = (String, &'static str, GroupFigures);

/// A database with a storage engine: its label and what core reports of its engine.
pub type EngineRow = (String, EngineReport);

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
    /// The calls of each operation of each client with an `ops` mix (core's `by_op`).
    pub by_op: Rc<Vec<OpRow>>,
    /// Databases with a storage engine, in topology order (core's `engines`).
    pub engines: Rc<Vec<EngineRow>>,
    /// The run's failures by reason, the reasons that occurred, in core's order of reasons.
    pub failed_by_reason: Rc<Vec<(&'static str, u64)>>,
    pub nodes: Vec<NodeView>,
    pub edges: Vec<(usize, usize)>,
    /// The circuit breaker's state now on each edge of `edges`, one for one (`None`: no breaker, or no run).
    pub breakers: Vec<Option<BreakerState>>,
    /// Calls that succeeded within their client's deadline, when some client sets one (core's `goodput`).
    pub goodput: Option<u64>,
    /// What the billed instances have cost so far and cost per hour now, in dollars (runs with any).
    pub cost_usd: Option<f64>,
    pub cost_per_hour: Option<f64>,
    /// Users of stateful clients and what happened to their sessions (runs where a client has users).
    pub sessions: Option<switchyard_core::metrics::SessionsReport>,
    pub layout: Option<Rc<Layout>>,
    /// `(t_ms, p50_ms, p99_ms)` per completed metrics bucket.
    pub series: Rc<Series>,
    /// Newest last, each with a running number as key.
    pub log: Vec<(u64, String)>,
    /// Hops of one request in this many are animated (0: animation off).
    pub sample_every: u64,
    pub reduced_motion: bool,
    pub error: Option<String>,
    /// The attempt at a challenge: its goals measured on the run so far, its hints, its score card at the end.
    pub challenge: Option<Rc<ChallengeView>>,
    /// The design review's findings that are not dismissed, and how many are.
    /// The tour being played: its step, narration and what it points at.
    pub tour: Option<Rc<super::TourView>>,
    /// The tour being recorded.
    pub record: Option<super::RecordView>,
    /// The document's tour should start: the presets it opens, for the shell to fetch.
    pub tour_wanted: Option<Vec<String>>,
    /// The document has a tour (playing or not).
    pub has_tour: bool,
    /// While a tour plays, the document that carries it: what a share link and the autosave keep.
    pub tour_doc: Option<Rc<Scenario>>,
    pub findings: Rc<Vec<FindingView>>,
    pub dismissed: usize,
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
    /// Successes within their deadline per second, every bucket; empty when no client sets a deadline.
    pub goodput: Vec<f64>,
    /// Queue length (time-averaged over each bucket, every bucket) of the nodes that queued the most over
    /// the run, at most [`QUEUE_LINES`], each with its label (a group's instances queue together).
    pub queue: Vec<(String, Vec<f64>)>,
    /// The first [`GROUP_LINES`] autoscaling groups' sizes at each bucket's end, every bucket.
    pub groups: Vec<GroupSizes>,
    /// What the billed instances cost per hour at each bucket's end, every bucket; empty when nothing is billed.
    pub cost: Vec<f64>,
}

/// An autoscaling group's size over time, one value per metrics bucket.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupSizes {
    /// The lines' names: `<label> instances` and `<label> in service`.
    pub labels: [String; 2],
    /// Launched and not terminated (booting, serving or draining): what is billed.
    pub instances: Vec<f64>,
    /// Taking requests (warming up or in service).
    pub in_service: Vec<f64>,
}

/// How many nodes the queue-depth plot follows.
pub const QUEUE_LINES: usize = 3;
/// How many autoscaling groups the size plot follows.
pub const GROUP_LINES: usize = 3;

impl Driver {
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
        snap.tour = self.tour_view().map(Rc::new);
        snap.record = self.record_view();
        snap.tour_wanted = self.tour_wanted();
        snap.has_tour = self.shared_doc().tour.is_some();
        snap.tour_doc = self.tour_origin();
        let (findings, dismissed) = self.findings();
        snap.findings = Rc::new(findings);
        snap.dismissed = dismissed;
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
                    kind: n.spec.kind(),
                    up: true,
                    utilization: 0.0,
                    busy: 0,
                    queued: 0,
                    workers: None,
                    run: NodeRun::default(),
                    side: None,
                    group: configured_group(&n.spec),
                })
                .collect();
            snap.challenge = self.challenge_view(None).map(Rc::new);
            return snap;
        };
        let report = sim.report();
        snap.challenge = self.challenge_view(Some(&report)).map(Rc::new);
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
        snap.hit_ratio = report.cache_hit_ratio();
        snap.stale_reads = report.stale_reads_total();
        snap.lost_writes = report.lost_writes_total();
        snap.realtime = Rc::new(report.realtime.clone().unwrap_or_default());
        snap.databases = Rc::new(report.databases.clone());
        snap.shard_routers = Rc::new(report.shard_routers.clone());
        snap.cap_check = self.cap_check.clone();
        snap.issued = report.issued;
        snap.completed = report.completed;
        snap.failed = report.failed;
        snap.in_flight = report.in_flight;
        snap.throughput_rps = report.throughput_rps;
        snap.goodput = report.goodput;
        snap.cost_usd = report.cost.as_ref().map(|c| c.total_usd);
        snap.cost_per_hour = report.cost.as_ref().map(|c| c.per_hour);
        snap.sessions = report.sessions.clone();
        snap.p50_ms = report.latency_ms.p50;
        snap.p99_ms = report.latency_ms.p99;
        snap.mean_ms = report.latency_ms.mean;
        let topo = sim.topology();
        // A valid document's edges are the run's, in the same order. A group's edge is its instances' copies
        // (a breaker each): it shows the least closed of them.
        let severity = |b: &BreakerState| match b {
            BreakerState::Closed => 0,
            BreakerState::HalfOpen => 1,
            BreakerState::Open => 2,
        };
        snap.breakers = (0..snap.edges.len() as u32)
            .map(|k| match topo.copies.get(&k) {
                Some(copies) => copies.iter().filter_map(|&c| sim.breaker_state(c)).max_by_key(severity),
                None => sim.breaker_state(k),
            })
            .collect();
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
        let label = |id: &str| {
            topo.node_ix(id)
                .map_or_else(|| id.to_owned(), |ix| topo.node(ix).label.clone())
        };
        snap.by_op = Rc::new(
            report
                .by_op
                .iter()
                .map(|o| (label(&o.client), o.op, o.figures.clone()))
                .collect(),
        );
        snap.engines = Rc::new(report.engines.iter().map(|e| (label(&e.node), e.clone())).collect());
        snap.failed_by_reason = Rc::new(reasons(&report.failed_by_reason));
        // The document's nodes are the run's first ones, in order; groups' instances follow them.
        let declared = topo.declared_nodes();
        snap.nodes = topo.nodes[..declared]
            .iter()
            .enumerate()
            .map(|(i, def)| {
                let ix = i as NodeIx;
                let r = &report.nodes[i];
                let mut view = NodeView {
                    id: def.id.clone(),
                    label: def.label.clone(),
                    kind: def.kind,
                    up: sim.is_up(ix),
                    utilization: last
                        .and_then(|b| b.utilization.get(i).copied())
                        .unwrap_or(r.utilization),
                    busy: 0,
                    queued: 0,
                    workers: def.workers,
                    side: sim.partition_side(ix),
                    run: NodeRun {
                        arrivals: r.arrivals,
                        served: r.served,
                        turned_away: r.dropped + r.refused + r.too_large,
                        utilization: r.utilization,
                        mean_wait_ms: r.mean_wait_ms,
                        mean_queue: r.mean_queue,
                        max_queue: r.max_queue,
                    },
                    group: None,
                };
                (view.busy, view.queued) = sim.load(ix);
                if let Some(g) = sim.group_now(ix) {
                    let r = report.groups.iter().find(|r| r.id == def.id);
                    group_view(&mut view, g, sim, ix, &report.nodes, r);
                }
                view
            })
            .collect();
        snap.queued = sim.queued_messages();
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
            if let Some(g) = b.goodput_rps {
                out.goodput.push(g);
            }
        }
        // The nodes with the most queue over the run (ties in topology order; a group's instances count as the
        // group), found by a few passes for the largest left rather than a sort (a sort is a lot of code in the
        // bundle), then their columns.
        let mut area = vec![0.0; declared];
        for b in series {
            for (i, q) in b.queue.iter().enumerate() {
                if let Some(a) = area.get_mut(topo.shown(i as NodeIx) as usize) {
                    *a += q;
                }
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
            let column = series.iter().map(|b| shown_sum(topo, &b.queue, i)).collect();
            out.queue.push((topo.nodes[i].label.clone(), column));
        }
        // Each group's size at each bucket's end: launched instances from the bucket, in service from the
        // group's timeline (the sizes after each change).
        for (k, g) in report.groups.iter().enumerate().take(GROUP_LINES) {
            let label = topo
                .node_ix(&g.id)
                .map_or(g.id.as_str(), |ix| topo.node(ix).label.as_str());
            let mut sizes = GroupSizes {
                labels: [format!("{label} instances"), format!("{label} in service")],
                ..GroupSizes::default()
            };
            for b in series {
                sizes.instances.push(b.instances.get(k).copied().map_or(0.0, f64::from));
                let end = b.t_ms + width_s * 1000.0;
                let at = g.timeline.iter().take_while(|p| p.t_ms <= end).last();
                sizes.in_service.push(at.map_or(0.0, |p| f64::from(p.in_service)));
            }
            out.groups.push(sizes);
        }
        if series.iter().all(|b| b.cost_per_hour.is_some()) {
            out.cost = series.iter().filter_map(|b| b.cost_per_hour).collect();
        }
        snap.series = Rc::new(out);
        snap
    }

    pub(super) fn doc_index(&self, id: &str) -> Option<usize> {
        self.doc.nodes.iter().position(|n| n.id == id)
    }
}

/// What a document's service says a group starts with, before any run exists: its desired size (min when
/// absent), all of it in service.
fn configured_group(spec: &NodeSpec) -> Option<GroupNow> {
    let NodeSpec::Service(s) = spec else { return None };
    let g = s.group.as_ref()?;
    let desired = g.desired.unwrap_or(g.min);
    Some(GroupNow {
        desired,
        min: g.min,
        max: g.max,
        instances: desired,
        in_service: desired,
        ..GroupNow::default()
    })
}

/// The reasons calls failed for, with their counts, those that occurred, in [`FailReason::ALL`]'s order.
fn reasons(f: &FailedReport) -> Vec<(&'static str, u64)> {
    use FailReason as R;
    let counts = [
        (R::Refused, f.refused),
        (R::QueueFull, f.queue_full),
        (R::Timeout, f.timeout),
        (R::Crashed, f.crashed),
        (R::Lost, f.lost),
        (R::TooLarge, f.too_large),
        (R::Unavailable, f.unavailable),
        (R::MemoryLimit, f.memory_limit),
        (R::Error, f.error),
        (R::RateLimited, f.rate_limited),
        (R::Shed, f.shed),
        (R::CircuitOpen, f.circuit_open),
        (R::BulkheadFull, f.bulkhead_full),
        (R::DeadlineExceeded, f.deadline_exceeded),
        (R::LoggedOut, f.logged_out),
        (R::Unsupported, f.unsupported),
        (R::Aborted, f.aborted),
        (R::OutOfMemory, f.out_of_memory),
    ];
    counts
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(r, n)| (r.name(), n))
        .collect()
}

/// The sum of a per-node column over the nodes drawn as node `i` (itself, or a group and its instances).
fn shown_sum(topo: &Topology, column: &[f64], i: usize) -> f64 {
    column
        .iter()
        .enumerate()
        .filter(|&(k, _)| topo.shown(k as NodeIx) as usize == i)
        .map(|(_, v)| v)
        .sum()
}

/// Makes a group's node show its instances together: their load now, and their figures over the run (the
/// group's own node only balances, so arrivals and what it refused are its own, the rest its instances').
/// Utilization over the run is busy worker time over the workers' billed time, so instances that were off
/// for part of the run do not dilute it.
fn group_view(
    view: &mut NodeView,
    g: GroupNow,
    sim: &Sim,
    ix: NodeIx,
    nodes: &[NodeReport],
    report: Option<&GroupReport>,
) {
    view.group = Some(g);
    view.busy = g.busy;
    view.queued = g.queued;
    view.workers = Some(g.workers);
    view.utilization = if g.workers == 0 {
        0.0
    } else {
        f64::from(g.busy) / f64::from(g.workers)
    };
    let topo = sim.topology();
    let members: Vec<&NodeReport> = topo
        .nodes
        .iter()
        .zip(nodes)
        .filter(|(def, _)| def.member_of == Some(ix))
        .map(|(_, r)| r)
        .collect();
    let run = &mut view.run;
    let served: u64 = members.iter().map(|r| r.served).sum();
    run.served = served;
    run.turned_away += members.iter().map(|r| r.dropped + r.refused + r.too_large).sum::<u64>();
    run.mean_wait_ms = if served == 0 {
        0.0
    } else {
        members.iter().map(|r| r.mean_wait_ms * r.served as f64).sum::<f64>() / served as f64
    };
    run.mean_queue = members.iter().map(|r| r.mean_queue).sum();
    run.max_queue = members.iter().map(|r| r.max_queue).max().unwrap_or(0);
    // Each instance's utilization is over the whole run: busy time over (elapsed × its workers).
    let elapsed_h = sim.now().as_millis_f64() / 3.6e6;
    run.utilization = match report {
        Some(r) if r.instance_hours > 0.0 => {
            members.iter().map(|m| m.utilization).sum::<f64>() * elapsed_h / r.instance_hours
        }
        _ => 0.0,
    };
}

#[cfg(test)]
mod tests {
    use super::super::Driver;
    use super::*;
    use switchyard_core::presets;
    use switchyard_core::scenario;
    use switchyard_core::time::SimTime;

    /// The web tests' autoscaling scenario: 210 rps on a group of instances that serve 100 rps each, target
    /// utilization 0.6, starting at one instance.
    const AUTOSCALE: &str = include_str!("../../tests/autoscale.json");

    /// The scenario run by core alone to `ms`.
    fn core_at(doc: &Scenario, ms: f64) -> Sim {
        let mut sim = Sim::new(doc, doc.seed).expect("the scenario runs");
        sim.advance_to(SimTime::from_millis_f64(ms));
        sim
    }

    /// A group is one node of the page: before the run it shows the size it starts at; mid scale-out it shows
    /// core's `group_now` (instances launched, some booting) with its instances' load and figures together;
    /// the size plot has core's per-bucket instance counts, with fewer in service while new ones boot; the
    /// bill is core's; no instance appears in the queue plot.
    #[test]
    fn a_group_is_one_node_showing_its_instances_together_and_its_size_over_time() {
        let doc = scenario::parse(AUTOSCALE).expect("the scenario parses");
        let mut d = Driver::new(true);
        d.open(doc.clone());
        let v = d.snapshot();
        assert_eq!(v.nodes.len(), doc.nodes.len(), "instances are not nodes of the page");
        let g = v.nodes[1].group.expect("web is a group");
        assert_eq!((g.desired, g.instances, g.in_service, g.max), (1, 1, 1, 20));
        assert!(v.nodes[0].group.is_none() && v.nodes[2].group.is_none());

        for _ in 0..15 {
            d.step_ms(10_000.0);
        }
        let v = d.snapshot();
        assert_eq!(v.now_ms, 150_000.0);
        let sim = core_at(&doc, 150_000.0);
        let g = v.nodes[1].group.expect("web is a group");
        assert_eq!(Some(g), sim.group_now(1), "the page's group is core's");
        assert!(g.instances > 2 && g.booting > 0, "mid scale-out: {g:?}");
        let web = &v.nodes[1];
        assert_eq!((web.busy, web.queued, web.workers), (g.busy, g.queued, Some(g.workers)));
        assert!(g.workers > 0 && web.utilization == f64::from(g.busy) / f64::from(g.workers));

        let report = sim.report();
        let instances = &report.nodes[doc.nodes.len()..];
        assert_eq!(web.run.served, instances.iter().map(|n| n.served).sum::<u64>());
        assert_eq!(web.run.arrivals, report.nodes[1].arrivals);
        assert!(web.run.served > 0 && web.run.utilization > 0.0 && web.run.utilization <= 1.0);

        let series = &sim.metrics().series;
        assert_eq!(v.series.groups.len(), 1);
        let sizes = &v.series.groups[0];
        assert_eq!(sizes.labels, ["Web instances", "Web in service"]);
        let core: Vec<f64> = series.iter().map(|b| f64::from(b.instances[0])).collect();
        assert_eq!(sizes.instances, core, "the plot's instances are core's");
        assert_eq!(sizes.in_service.len(), core.len());
        assert!(sizes.in_service.iter().zip(&core).all(|(s, i)| s <= i));
        assert!(
            sizes.in_service.iter().zip(&core).any(|(s, i)| s < i),
            "new instances boot before they serve: {:?}",
            sizes.in_service
        );
        assert_eq!(sizes.instances.first(), Some(&1.0));

        let cost = report.cost.expect("the instances are billed");
        assert_eq!(
            (v.cost_usd, v.cost_per_hour),
            (Some(cost.total_usd), Some(cost.per_hour))
        );
        assert!((cost.per_hour - 0.096 * f64::from(g.instances)).abs() < 1e-9);
        let rates: Vec<f64> = series.iter().map(|b| b.cost_per_hour.expect("a rate")).collect();
        assert_eq!(v.series.cost, rates);

        assert!(!v.series.queue.is_empty(), "the overloaded group queues");
        assert!(
            v.series.queue.iter().all(|(label, _)| !label.contains('#')),
            "{:?}",
            v.series.queue
        );
    }

    /// Hops from and to instances are drawn on the group's node: every hop the canvas gets is between two
    /// of the page's nodes, along an edge of the document, though core's hops name instances.
    #[test]
    fn hops_of_instances_are_drawn_on_the_group() {
        let doc = scenario::parse(AUTOSCALE).expect("the scenario parses");
        let mut sim = Sim::new(&doc, doc.seed).expect("the scenario runs");
        sim.set_hop_sampling(1);
        while sim.next_wakeup().is_some_and(|t| t <= SimTime::from_millis_f64(1000.0)) {
            sim.step();
        }
        let mut raw = Vec::new();
        sim.drain_hops(&mut raw);
        assert!(
            raw.iter().any(|h| h.from >= 3 || h.to >= 3),
            "core's hops name instances"
        );

        let mut d = Driver::new(false);
        d.open(doc.clone());
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..400 {
            d.step_ms(5.0);
            for h in d.dots().0 {
                seen.insert((h.from, h.to));
            }
        }
        let edges: Vec<(u32, u32)> = d.snapshot().edges.iter().map(|&(a, b)| (a as u32, b as u32)).collect();
        for &(a, b) in &seen {
            assert!(
                edges.contains(&(a, b)) || edges.contains(&(b, a)),
                "a hop {a} -> {b} off the document's edges"
            );
        }
        for pair in [(0, 1), (1, 2), (2, 1), (1, 0)] {
            assert!(seen.contains(&pair), "{pair:?} drawn: {seen:?}");
        }
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
}
