//! The plain data the components render, taken from the driver at one moment: the document, the run's
//! figures per node, class and client, the metrics series and the event log.

use std::rc::Rc;

use switchyard_core::metrics::{DbReport, GroupFigures, ShardRouterReport};
use switchyard_core::resilience::BreakerState;
use switchyard_core::scenario::Scenario;
use switchyard_core::topology::NodeKind;

use super::cap::CapCheck;
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
    /// The circuit breaker's state now on each edge of `edges`, one for one (`None`: no breaker, or no run).
    pub breakers: Vec<Option<BreakerState>>,
    /// Calls that succeeded within their client's deadline, when some client sets one (core's `goodput`).
    pub goodput: Option<u64>,
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
    /// the run, at most [`QUEUE_LINES`], each with its label.
    pub queue: Vec<(String, Vec<f64>)>,
}

/// How many nodes the queue-depth plot follows.
pub const QUEUE_LINES: usize = 3;

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
        snap.goodput = report.goodput;
        snap.p50_ms = report.latency_ms.p50;
        snap.p99_ms = report.latency_ms.p99;
        snap.mean_ms = report.latency_ms.mean;
        let topo = sim.topology();
        // A valid document's edges are the run's, in the same order.
        snap.breakers = (0..snap.edges.len()).map(|k| sim.breaker_state(k as u32)).collect();
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
            if let Some(g) = b.goodput_rps {
                out.goodput.push(g);
            }
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

#[cfg(test)]
mod tests {
    use super::super::Driver;
    use super::*;
    use switchyard_core::presets;

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
