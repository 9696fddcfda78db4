//! The discrete-event engine, in the quinn-proto shape: [`Sim::new`] from a scenario and a seed, then
//! [`Sim::apply`] commands at a virtual time, [`Sim::advance_to`] a time, ask [`Sim::next_wakeup`], and
//! [`Sim::drain_events`] for the hop stream and the event log. It never reads a clock.
//!
//! A request travels hop by hop: network delay on each edge, a queue for a worker, service time, calls to the
//! node's dependencies, and a response back along the same edges. Each node keeps a stack frame on the
//! request, so responses unwind the path. Clients time out and retry with backoff and jitter (retry storms
//! emerge on their own), bounded queues drop, crashed nodes refuse new requests and fail the ones they held.

mod cache_node;
mod db;
mod netsplit;
mod queue;
mod shard;
mod slab;

use crate::cache::{Capacity, Eviction};
use crate::limits::{check_rate, loss_ok, MAX_RATE_RPS};
use crate::metrics::{
    ns_to_ms, per_second, round4, CacheReport, ClassReport, ClientReport, FailReason, FailedReport, LatencyReport,
    Metrics, NodeReport, Report, TaskReport,
};
use crate::rng::{mix64, SimRng};
use crate::routing::{Backend, Balancer, Pick};
use crate::scenario::{self, Scenario, ScenarioError};
use crate::time::SimTime;
use crate::topology::{BalanceCfg, Behavior, EdgeIx, NodeIx, NodeKind, Topology};
use crate::workload::{Class, Workload};
use hdrhistogram::Histogram;
use queue::EventQueue;
use slab::{Handle, Slab};
use std::collections::VecDeque;
use std::fmt;
use std::num::NonZeroU64;

pub use crate::dist::Dist;

const NONE: u32 = u32::MAX;
const NOT_QUEUED: u64 = u64::MAX;
/// The most hop records buffered between two drains; beyond it new hops are counted, not stored.
pub const HOP_BUFFER: usize = 200_000;
/// How many time-series buckets a run aims for when the scenario does not set `metrics.bucket_ms`.
const TARGET_BUCKETS: f64 = 200.0;

/// A runtime command, applied at a virtual time. Fault timeline entries become these.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Crash {
        node: NodeIx,
    },
    Recover {
        node: NodeIx,
    },
    SetRate {
        node: NodeIx,
        rate_rps: f64,
    },
    SetLatency {
        edge: EdgeIx,
        latency: Dist,
    },
    SetLoss {
        edge: EdgeIx,
        loss: f64,
    },
    /// A shard router starts placing keys on `shard` (one of its out-edges); keys that move are copied.
    AddShard {
        router: NodeIx,
        shard: NodeIx,
    },
    /// A shard router stops placing keys on `shard`; its keys are copied to their new shards.
    RemoveShard {
        router: NodeIx,
        shard: NodeIx,
    },
    /// Split the nodes into groups; messages between groups are dropped. Nodes in no group reach all.
    Partition {
        groups: Vec<Vec<NodeIx>>,
    },
    /// End the partition.
    Heal,
}

/// Why a command was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum CommandError {
    UnknownNode(NodeIx),
    UnknownEdge(EdgeIx),
    NotAClient(NodeIx),
    BadValue(String),
    /// Commands apply at the current time or later; the past is fixed.
    InThePast {
        now: SimTime,
        at: SimTime,
    },
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::UnknownNode(n) => write!(f, "no node with index {n}"),
            CommandError::UnknownEdge(e) => write!(f, "no edge with index {e}"),
            CommandError::NotAClient(n) => write!(f, "node {n} is not a client"),
            CommandError::BadValue(m) => f.write_str(m),
            CommandError::InThePast { now, at } => write!(f, "cannot apply a command at {at}: it is already {now}"),
        }
    }
}

impl std::error::Error for CommandError {}

/// How a hop ended, for colouring the animation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Hit,
    Miss,
    /// A read answered with an older version than the newest acknowledged write: a replicated database's
    /// lagging replica, or a cache hit on an entry its origin has since overwritten.
    Stale,
    Fail(FailReason),
}

impl Outcome {
    fn is_failure(self) -> bool {
        matches!(self, Outcome::Fail(_))
    }

    pub fn name(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Hit => "hit",
            Outcome::Miss => "miss",
            Outcome::Stale => "stale",
            Outcome::Fail(r) => r.name(),
        }
    }
}

/// What travelled on a hop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HopKind {
    Request,
    Response(Outcome),
    /// The network lost this message.
    Lost,
}

/// One message on one edge: the animation's unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hop {
    pub req: u64,
    pub from: NodeIx,
    pub to: NodeIx,
    pub depart: SimTime,
    pub arrive: SimTime,
    pub kind: HopKind,
}

/// Something that happened to the system, for the event log.
#[derive(Clone, Debug, PartialEq)]
pub enum LogKind {
    Crashed {
        node: NodeIx,
    },
    Recovered {
        node: NodeIx,
    },
    RateChanged {
        node: NodeIx,
        rate_rps: f64,
    },
    LatencyChanged {
        edge: EdgeIx,
    },
    LossChanged {
        edge: EdgeIx,
        loss: f64,
    },
    /// Clients stopped issuing new requests (duration or request budget reached).
    GenerationEnded,
    /// Active health checks of `node` marked its backend down.
    MarkedDown {
        node: NodeIx,
        backend: NodeIx,
    },
    /// Active health checks of `node` brought its backend back.
    MarkedUp {
        node: NodeIx,
        backend: NodeIx,
    },
    /// Passive health checks of `node` ejected its backend after consecutive errors.
    Ejected {
        node: NodeIx,
        backend: NodeIx,
    },
    /// A shard router added (or removed) a shard; `keys_moved` of the keys written so far change shard.
    Rebalanced {
        router: NodeIx,
        shard: NodeIx,
        added: bool,
        keys_moved: u64,
    },
    /// The network split into this many groups.
    Partitioned {
        groups: usize,
    },
    Healed,
    /// A replica became its cluster's primary after a failover.
    Promoted {
        node: NodeIx,
    },
}

/// A log entry.
#[derive(Clone, Debug, PartialEq)]
pub struct LogEntry {
    pub at: SimTime,
    pub kind: LogKind,
}

impl LogEntry {
    /// A sentence for people.
    pub fn describe(&self, t: &Topology) -> String {
        let name = |n: NodeIx| t.nodes.get(n as usize).map_or("?", |d| d.label.as_str()).to_string();
        let what = match &self.kind {
            LogKind::Crashed { node } => format!("{} crashed", name(*node)),
            LogKind::Recovered { node } => format!("{} recovered", name(*node)),
            LogKind::RateChanged { node, rate_rps } => format!("{} now sends {rate_rps} requests/s", name(*node)),
            LogKind::LatencyChanged { edge } => format!("latency changed on {}", t.edge_name(*edge)),
            LogKind::LossChanged { edge, loss } => {
                format!("loss on {} is now {:.1}%", t.edge_name(*edge), loss * 100.0)
            }
            LogKind::GenerationEnded => "clients stopped sending new requests".to_string(),
            LogKind::MarkedDown { node, backend } => {
                format!("{}'s health checks marked {} down", name(*node), name(*backend))
            }
            LogKind::MarkedUp { node, backend } => {
                format!("{}'s health checks marked {} up", name(*node), name(*backend))
            }
            LogKind::Ejected { node, backend } => {
                format!("{} ejected {} after consecutive errors", name(*node), name(*backend))
            }
            LogKind::Rebalanced {
                router,
                shard,
                added,
                keys_moved,
            } => format!(
                "{} {} {}: {keys_moved} keys move",
                name(*router),
                if *added { "added" } else { "removed" },
                name(*shard)
            ),
            LogKind::Partitioned { groups } => format!("the network split into {groups} groups"),
            LogKind::Healed => "the network partition healed".to_string(),
            LogKind::Promoted { node } => format!("{} was promoted to primary", name(*node)),
        };
        format!("[{}] {what}", self.at)
    }
}

/// What [`Sim::drain_events`] returns.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Hop(Hop),
    Log(LogEntry),
}

#[derive(Clone, Copy, Debug)]
enum Ev {
    Generate {
        client: u32,
    },
    Arrive {
        req: Handle<Req>,
    },
    ServiceDone {
        req: Handle<Req>,
    },
    Response {
        req: Handle<Req>,
    },
    Timeout {
        call: Handle<Call>,
        attempt: u32,
    },
    Retry {
        call: Handle<Call>,
    },
    Timeline {
        index: u32,
    },
    Probe {
        node: u32,
        pos: u32,
    },
    /// A task's visibility timeout for one delivery.
    Visibility {
        task: u64,
        delivery: u32,
    },
    /// A failed task's backoff is over.
    TaskRetry {
        task: u64,
    },
    /// A shard router copies the next migrating key.
    ShardMigrate {
        router: NodeIx,
    },
    /// Replication traffic, coordinator timeouts and elections of replicated databases.
    Db(db::DbEv),
    /// A write-back cache writes a dirty key to its origin.
    CacheFlush {
        node: u32,
        epoch: u32,
        key: u64,
    },
}

/// A queued task's life across deliveries (copies of it may be in flight at once).
#[derive(Clone, Copy, Debug)]
struct TaskState {
    queue: NodeIx,
    key: u64,
    class: Class,
    born: u64,
    /// Copies in the backlog or with workers.
    live: u32,
    deliveries: u32,
    failures: u32,
    done: bool,
}

#[derive(Clone, Copy, Debug)]
struct Frame {
    node: NodeIx,
    /// The edge the request took to reach this node (`NONE` at the root).
    edge: EdgeIx,
    epoch: u32,
    holding: bool,
    step: u32,
    /// The backend (position among this node's out-edges) a balancing node sent the request to.
    pos: u32,
    /// When it was sent there, for response-time tracking.
    sent: u64,
}

/// What a request is for: who hears its answer when it unwinds to its root frame, or is lost.
#[derive(Clone, Copy, Debug)]
enum Purpose {
    /// Attempt `attempt` (from 1) of a client call.
    Attempt { call: Handle<Call>, attempt: u32 },
    /// A copy of queued task `id` (its key in `Sim::tasks`; copies share it).
    Task { id: u64 },
    /// A write-back cache writes `writes` acknowledged writes of the key to its origin; no client waits.
    Flush { writes: u32 },
    /// One part of the cross-shard query `query`, which the router answers when all parts are back.
    QueryPart { query: Handle<Req> },
    /// A shard migration's copy of a key: the read on the shard it left (`write` false), then the write on
    /// the shard in slot `to` of its router.
    Migration { to: u32, write: bool },
}

#[derive(Debug)]
struct Req {
    id: u64,
    purpose: Purpose,
    key: u64,
    class: Class,
    /// The message's size in bytes (0 when the workload sets none).
    bytes: u64,
    born: u64,
    queued_at: u64,
    sampled: bool,
    outcome: Outcome,
    /// The origin (database) that last served this request and the key's version there.
    seen: (NodeIx, u64),
    frames: Vec<Frame>,
}

#[derive(Debug, Default)]
struct Call {
    client: u32,
    key: u64,
    class: Option<Class>,
    bytes: u64,
    start: u64,
    attempt: u32,
    awaiting_retry: bool,
}

struct ClientState {
    node: NodeIx,
    workload: Workload,
    rng: SimRng,
    next_at: f64,
    dns_edge: Option<EdgeIx>,
    resolved_until: u64,
}

struct NodeState {
    up: bool,
    epoch: u32,
    busy: u32,
    waiting: VecDeque<Handle<Req>>,
    rng: SimRng,
    rr: u32,
    store: Option<Box<dyn Eviction + Send>>,
    backlog: VecDeque<Handle<Req>>,
    in_transit: u32,
    client: u32,
    balancer: Option<Box<dyn Balancer>>,
    backends: Vec<BackendState>,
}

/// A balancing node's view of one backend (one out-edge).
#[derive(Clone, Copy, Debug, Default)]
struct BackendState {
    in_flight: u32,
    down: bool,
    successes: u32,
    failures: u32,
    consecutive_errors: u32,
    ejected_until: u64,
}

struct EdgeState {
    latency: Dist,
    loss: f64,
}

/// The event log between two drains, capped at [`crate::limits::MAX_LOG_ENTRIES`] entries.
#[derive(Default)]
struct LogBuf {
    entries: Vec<LogEntry>,
    dropped: u64,
}

impl LogBuf {
    fn push(&mut self, e: LogEntry) {
        if self.entries.len() < crate::limits::MAX_LOG_ENTRIES {
            self.entries.push(e);
        } else {
            self.dropped += 1;
        }
    }
}

/// A running simulation.
pub struct Sim {
    topo: Topology,
    name: String,
    seed: u64,
    now: u64,
    queue: EventQueue<Ev>,
    net_rng: SimRng,
    nodes: Vec<NodeState>,
    edges: Vec<EdgeState>,
    clients: Vec<ClientState>,
    reqs: Slab<Req>,
    calls: Slab<Call>,
    next_req_id: u64,
    stop_at: u64,
    budget: Option<u64>,
    generation_ended: bool,
    /// Clients whose arrivals are over (generation ends when all are).
    clients_done: u32,
    timeline: Vec<(u64, Command)>,
    metrics: Metrics,
    hop_every: u64,
    hops: Vec<Hop>,
    hops_dropped: u64,
    log: LogBuf,
    events: u64,
    busy_scratch: Vec<(u32, usize)>,
    /// For each worker pool, the queues that feed it (computed once; empty for other nodes).
    feeders: Vec<Vec<NodeIx>>,
    scratch_backends: Vec<Backend>,
    tasks: std::collections::BTreeMap<u64, TaskState>,
    next_task: u64,
    /// The `realtime` block's results (computed once, when the simulation is built).
    realtime: Option<Vec<crate::realtime::ChannelReport>>,
    /// Per node: a shard router's placement and counters (`None` for other nodes).
    shards: Vec<Option<Box<shard::ShardState>>>,
    db: db::DbState,
    split: netsplit::Netsplit,
    /// Cache entries' versions and dirty state, coalescing waiters, origin key versions.
    caches: cache_node::Caches,
}

impl Sim {
    /// Validates `scenario` and builds a simulation seeded with `seed` (the scenario's own seed is ignored
    /// here, so drivers decide which one wins).
    pub fn new(scenario: &Scenario, seed: u64) -> Result<Sim, ScenarioError> {
        let topo = Topology::build(scenario).map_err(ScenarioError::Invalid)?;
        Ok(Sim::from_topology(scenario, topo, seed))
    }

    /// Parses, validates and builds from JSON text, with the scenario's own seed.
    pub fn from_json(text: &str) -> Result<Sim, ScenarioError> {
        let (s, topo) = scenario::load(text)?;
        let seed = s.seed;
        Ok(Sim::from_topology(&s, topo, seed))
    }

    fn from_topology(s: &Scenario, topo: Topology, seed: u64) -> Sim {
        let n = topo.nodes.len();
        let mut nodes = Vec::with_capacity(n);
        let mut clients = Vec::new();
        for (i, def) in topo.nodes.iter().enumerate() {
            let mut client = NONE;
            if let Behavior::Client(cfg) = &def.behavior {
                client = clients.len() as u32;
                let dns_edge = topo.out_edges[i]
                    .iter()
                    .copied()
                    .find(|&e| topo.nodes[topo.edges[e as usize].to as usize].kind == NodeKind::Dns);
                clients.push(ClientState {
                    node: i as NodeIx,
                    workload: cfg.workload.clone(),
                    rng: SimRng::derive(seed, 1_000_000 + i as u64),
                    next_at: 0.0,
                    dns_edge,
                    resolved_until: 0,
                });
            }
            let store = match &def.behavior {
                Behavior::Cache(c) => new_store(c, seed, i),
                _ => None,
            };
            let balance = match &def.behavior {
                Behavior::Balancer(b) => Some(*b),
                Behavior::Client(c) => Some(c.balance),
                _ => None,
            };
            let outs = topo.out_edges[i].len();
            nodes.push(NodeState {
                balancer: balance.map(|b| b.strategy.build(outs, b.balance_factor)),
                backends: vec![BackendState::default(); if balance.is_some() { outs } else { 0 }],
                up: true,
                epoch: 0,
                busy: 0,
                waiting: VecDeque::new(),
                rng: SimRng::derive(seed, 2_000_000 + i as u64),
                rr: 0,
                store,
                backlog: VecDeque::new(),
                in_transit: 0,
                client,
            });
        }
        let edges = topo
            .edges
            .iter()
            .map(|e| EdgeState {
                latency: e.latency.clone(),
                loss: e.loss,
            })
            .collect();

        let stop_at = s.duration_ms.map_or(u64::MAX, |ms| SimTime::from_millis_f64(ms).0);
        // With neither a duration nor a request budget, run ten virtual seconds.
        let stop_at = if s.duration_ms.is_none() && s.requests.is_none() {
            10_000_000_000
        } else {
            stop_at
        };
        let bucket_ns = match &s.metrics {
            Some(m) => SimTime::from_millis_f64(m.bucket_ms).0,
            None => {
                let rate: f64 = clients.iter().map(|c| c.workload.arrival.mean_rate()).sum();
                let horizon_ns = match s.requests {
                    Some(r) if stop_at == u64::MAX => r as f64 / rate.max(1e-9) * 1e9,
                    Some(r) => (stop_at as f64).min(r as f64 / rate.max(1e-9) * 1e9),
                    None => stop_at as f64,
                };
                nice_bucket(horizon_ns / TARGET_BUCKETS)
            }
        };

        let mut timeline = Vec::new();
        for f in &s.faults {
            if let Some(cmd) = command_from_fault(&topo, f) {
                timeline.push((SimTime::from_millis_f64(f.at_ms()).0, cmd));
            }
        }
        for (i, def) in topo.nodes.iter().enumerate() {
            if let Some(t) = def.crash_at {
                timeline.push((t.0, Command::Crash { node: i as NodeIx }));
            }
        }
        timeline.sort_by_key(|(t, _)| *t);

        let metrics = Metrics::new(n, clients.len(), bucket_ns.max(1_000_000));
        let client_nodes: Vec<NodeIx> = clients.iter().map(|c| c.node).collect();
        let mut sim = Sim {
            name: s.name.clone(),
            seed,
            now: 0,
            queue: EventQueue::new(),
            net_rng: SimRng::derive(seed, 1),
            nodes,
            edges,
            clients,
            reqs: Slab::default(),
            calls: Slab::default(),
            next_req_id: 0,
            stop_at,
            budget: s.requests,
            generation_ended: false,
            clients_done: 0,
            timeline,
            metrics,
            hop_every: 0,
            hops: Vec::new(),
            hops_dropped: 0,
            log: LogBuf::default(),
            events: 0,
            busy_scratch: vec![(0, 0); n],
            feeders: {
                let mut f = vec![Vec::new(); n];
                for (q, def) in topo.nodes.iter().enumerate() {
                    if matches!(def.behavior, Behavior::Queue(_)) {
                        for &e in &topo.out_edges[q] {
                            f[topo.edges[e as usize].to as usize].push(q as NodeIx);
                        }
                    }
                }
                f
            },
            scratch_backends: Vec::new(),
            tasks: std::collections::BTreeMap::new(),
            next_task: 0,
            realtime: topo.realtime.as_ref().map(|p| p.run(seed)),
            shards: topo
                .nodes
                .iter()
                .enumerate()
                .map(|(i, def)| match &def.behavior {
                    Behavior::ShardRouter(cfg) => shard::ShardState::new(s, &topo, i as NodeIx, cfg, seed),
                    _ => None,
                })
                .collect(),
            db: db::DbState::new(&topo, seed, &client_nodes),
            split: netsplit::Netsplit::default(),
            caches: cache_node::Caches::new(&topo),
            topo,
        };
        for i in 0..sim.timeline.len() {
            let at = sim.timeline[i].0;
            sim.queue.push(at, Ev::Timeline { index: i as u32 });
        }
        for c in 0..sim.clients.len() {
            sim.schedule_next_arrival(c as u32);
        }
        for node in 0..n {
            if let Some(h) = sim.balance_cfg(node as NodeIx).and_then(|b| b.health) {
                for pos in 0..sim.topo.out_edges[node].len() {
                    sim.queue.push(
                        h.interval_ns,
                        Ev::Probe {
                            node: node as u32,
                            pos: pos as u32,
                        },
                    );
                }
            }
        }
        sim
    }

    // ----- the driver API ---------------------------------------------------------------------------------

    pub fn topology(&self) -> &Topology {
        &self.topo
    }

    pub fn now(&self) -> SimTime {
        SimTime(self.now)
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Events processed so far.
    pub fn events_processed(&self) -> u64 {
        self.events
    }

    /// The time of the next pending event, if any.
    pub fn next_wakeup(&self) -> Option<SimTime> {
        self.queue.peek_time().map(SimTime)
    }

    /// True when nothing is left to happen.
    pub fn is_finished(&self) -> bool {
        self.queue.is_empty()
    }

    /// Processes every event up to and including `t`, then sets the clock to `t`.
    pub fn advance_to(&mut self, t: SimTime) {
        while let Some(at) = self.queue.peek_time() {
            if at > t.0 {
                break;
            }
            self.step();
        }
        if t.0 > self.now && t.0 != u64::MAX {
            self.now = t.0;
        }
    }

    /// Processes at most `max_events` events (a bounded slice for a frame budget). Returns how many ran.
    pub fn run_events(&mut self, max_events: u64) -> u64 {
        let mut n = 0;
        while n < max_events && self.step() {
            n += 1;
        }
        n
    }

    /// Runs until nothing is left to happen.
    pub fn run_to_end(&mut self) {
        while self.step() {}
    }

    /// Applies a command at virtual time `now` (processing everything before it first).
    pub fn apply(&mut self, now: SimTime, cmd: Command) -> Result<(), CommandError> {
        if now.0 < self.now {
            return Err(CommandError::InThePast {
                now: SimTime(self.now),
                at: now,
            });
        }
        self.check_command(&cmd)?;
        // Events strictly before `now` happen first; the command then takes effect at `now`.
        while let Some(at) = self.queue.peek_time() {
            if at >= now.0 {
                break;
            }
            self.step();
        }
        self.now = now.0;
        self.execute(cmd);
        Ok(())
    }

    /// Applies a fault timeline entry now (its `at_ms` is ignored): what the editor does when the user
    /// breaks something live, after adding the same entry to the document's timeline.
    pub fn apply_fault(&mut self, fault: &crate::scenario::v1::Fault) -> Result<(), CommandError> {
        let cmd = command_from_fault(&self.topo, fault).ok_or_else(|| {
            CommandError::BadValue("the fault names a node or edge that is not in this topology".to_owned())
        })?;
        self.apply(SimTime(self.now), cmd)
    }

    /// Records every `every`-th request's hops (chosen by a hash of the request id, so a sampled request shows
    /// its whole path). Zero turns the hop stream off, which is the default.
    pub fn set_hop_sampling(&mut self, every: u64) {
        self.hop_every = every;
    }

    /// Hops that did not fit the buffer because nobody drained it.
    pub fn hops_dropped(&self) -> u64 {
        self.hops_dropped
    }

    /// Log entries that did not fit the buffer because nobody drained it.
    pub fn log_dropped(&self) -> u64 {
        self.log.dropped
    }

    /// Takes the hop stream and the event log accumulated since the last drain.
    pub fn drain_events(&mut self) -> Vec<Event> {
        let mut out: Vec<Event> = std::mem::take(&mut self.log.entries)
            .into_iter()
            .map(Event::Log)
            .collect();
        out.extend(self.hops.drain(..).map(Event::Hop));
        out
    }

    /// Takes only the hops (cheaper for a renderer).
    pub fn drain_hops(&mut self, into: &mut Vec<Hop>) {
        into.append(&mut self.hops);
    }

    /// Takes only the event log.
    pub fn drain_log(&mut self) -> Vec<LogEntry> {
        std::mem::take(&mut self.log.entries)
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Whether a node is up.
    pub fn is_up(&self, node: NodeIx) -> bool {
        self.nodes.get(node as usize).is_some_and(|n| n.up)
    }

    /// Which side of the network partition in force a node is on (counted from 0), or `None` when no partition
    /// is in force or the node is in no group (it reaches every side).
    pub fn partition_side(&self, node: NodeIx) -> Option<u32> {
        self.split.group_of(node)
    }

    /// Busy workers and queued requests of a node right now.
    pub fn load(&self, node: NodeIx) -> (u32, usize) {
        self.nodes
            .get(node as usize)
            .map_or((0, 0), |n| (n.busy, n.waiting.len() + n.backlog.len()))
    }

    /// The summary of the run so far.
    pub fn report(&self) -> Report {
        let m = &self.metrics;
        let elapsed = self.now.max(m.last_completion);
        // Throughput is over the time calls were completing, not the idle tail where stale timers fire.
        let secs = if m.last_completion > 0 {
            m.last_completion
        } else {
            elapsed
        } as f64
            / 1e9;
        let nodes = self
            .topo
            .nodes
            .iter()
            .zip(&m.nodes)
            .zip(&self.nodes)
            .map(|((def, st), ns)| {
                let mut st = st.clone();
                st.touch(elapsed, ns.busy, ns.waiting.len() + ns.backlog.len());
                let workers = def.workers.map_or(1.0, f64::from);
                let cache = match &def.behavior {
                    Behavior::Cache(c) => Some(CacheReport {
                        hits: st.hits,
                        misses: st.misses,
                        hit_ratio: ratio(st.hits, st.hits + st.misses),
                        evictions: st.evictions,
                        bytes_served: st.hits.saturating_mul(c.object_bytes),
                        origin_requests: st.origin_requests,
                        stale_reads: st.stale_reads,
                        lost_writes: st.lost_writes,
                        coalesced: st.coalesced,
                    }),
                    _ => None,
                };
                NodeReport {
                    id: def.id.clone(),
                    kind: def.kind.name(),
                    up: ns.up,
                    arrivals: st.arrivals,
                    served: st.served,
                    dropped: st.dropped,
                    refused: st.refused,
                    too_large: st.too_large,
                    utilization: if elapsed == 0 {
                        0.0
                    } else {
                        round4(st.busy_area as f64 / (elapsed as f64 * workers))
                    },
                    mean_queue: if elapsed == 0 {
                        0.0
                    } else {
                        round4(st.queue_area as f64 / elapsed as f64)
                    },
                    max_queue: st.max_queue,
                    mean_wait_ms: if st.waits == 0 {
                        0.0
                    } else {
                        round4(st.wait_sum_ns as f64 / st.waits as f64 / 1e6)
                    },
                    cache,
                }
            })
            .collect();
        let has_queue = self.topo.nodes.iter().any(|n| n.kind == NodeKind::Queue);
        let f = &m.failed;
        Report {
            scenario: self.name.clone(),
            seed: self.seed,
            issued: m.issued,
            completed: m.completed,
            failed: m.failed_total(),
            failed_by_reason: FailedReport {
                refused: f[FailReason::Refused as usize],
                queue_full: f[FailReason::QueueFull as usize],
                timeout: f[FailReason::Timeout as usize],
                crashed: f[FailReason::Crashed as usize],
                lost: f[FailReason::Lost as usize],
                too_large: f[FailReason::TooLarge as usize],
                unavailable: f[FailReason::Unavailable as usize],
                memory_limit: f[FailReason::MemoryLimit as usize],
            },
            attempts: m.attempts,
            retries: m.retries,
            in_flight: m.in_flight,
            throughput_rps: per_second(m.completed, secs),
            elapsed_ms: ns_to_ms(elapsed),
            latency_ms: LatencyReport {
                mean: round4(m.mean_latency_ns() / 1e6),
                p50: ns_to_ms(m.quantile_ns(0.5)),
                p90: ns_to_ms(m.quantile_ns(0.9)),
                p99: ns_to_ms(m.quantile_ns(0.99)),
                p999: ns_to_ms(m.quantile_ns(0.999)),
                max: ns_to_ms(if m.completed == 0 { 0 } else { m.latency.max() }),
            },
            by_class: Class::ALL
                .iter()
                .map(|&c| (c, &m.by_class[c as usize]))
                .filter(|(_, g)| g.issued > 0)
                .map(|(c, g)| ClassReport {
                    class: c.name(),
                    figures: g.figures(secs),
                })
                .collect(),
            by_client: self
                .clients
                .iter()
                .zip(&m.by_client)
                .map(|(c, g)| ClientReport {
                    client: self.topo.nodes[c.node as usize].id.clone(),
                    figures: g.figures(secs),
                })
                .collect(),
            mean_in_flight: round4(m.mean_in_flight(SimTime(elapsed))),
            events: self.events,
            nodes,
            tasks: has_queue.then(|| TaskReport {
                enqueued: m.tasks.enqueued,
                completed: m.tasks.completed,
                failed: m.tasks.failed,
                lost: m.tasks.lost,
                redelivered: m.tasks.redelivered,
                duplicates: m.tasks.duplicates,
                retried: m.tasks.retried,
                dead_lettered: m.tasks.dead_lettered,
                p99_latency_ms: m
                    .tasks
                    .latency
                    .as_ref()
                    .map_or(0.0, |h| ns_to_ms(h.value_at_quantile(0.99))),
                mean_latency_ms: if m.tasks.completed == 0 {
                    0.0
                } else {
                    round4(m.tasks.latency_sum_ns as f64 / m.tasks.completed as f64 / 1e6)
                },
            }),
            realtime: self.realtime.clone(),
            shard_routers: self.shard_reports(),
            databases: self.db_reports(),
        }
    }

    // ----- the event loop ---------------------------------------------------------------------------------

    /// Processes one event. Returns false when nothing is left.
    pub fn step(&mut self) -> bool {
        let Some((at, ev)) = self.queue.pop() else { return false };
        if at >= self.metrics.bucket_end {
            for (slot, n) in self.busy_scratch.iter_mut().zip(&self.nodes) {
                *slot = (n.busy, n.waiting.len() + n.backlog.len());
            }
            let merges = self.metrics.merges;
            self.metrics.roll_buckets(at, &self.topo, &self.busy_scratch);
            for _ in merges..self.metrics.merges {
                // Shard routers' windows share the series' width: they merge with it.
                for st in self.shards.iter_mut().flatten() {
                    st.coarsen();
                }
            }
        }
        self.now = at;
        self.events += 1;
        match ev {
            Ev::Generate { client } => self.on_generate(client),
            Ev::Arrive { req } => {
                if self.reqs.is_live(req) {
                    self.on_arrive(req.index());
                }
            }
            Ev::ServiceDone { req } => {
                if self.reqs.is_live(req) {
                    self.on_service_done(req.index());
                }
            }
            Ev::Response { req } => {
                if self.reqs.is_live(req) {
                    self.on_response(req.index());
                }
            }
            Ev::Timeout { call, attempt } => self.on_timeout(call, attempt),
            Ev::Retry { call } => {
                if self.calls.is_live(call) {
                    let call = call.index();
                    self.calls[call].awaiting_retry = false;
                    if self.at_memory_limit() {
                        let (client, class) = self.call_group(call);
                        self.metrics
                            .call_failed(self.now, FailReason::MemoryLimit, client, class);
                        self.db_call_failed(call, FailReason::MemoryLimit);
                        self.free_call(call);
                    } else {
                        self.start_attempt(call);
                    }
                }
            }
            Ev::Probe { node, pos } => self.on_probe(node, pos),
            Ev::Visibility { task, delivery } => self.on_visibility(task, delivery),
            Ev::TaskRetry { task } => {
                if self.tasks.get(&task).is_some_and(|t| !t.done) {
                    self.requeue(task, false);
                }
            }
            Ev::ShardMigrate { router } => self.on_shard_migrate(router),
            Ev::Db(ev) => self.on_db_event(ev),
            Ev::CacheFlush { node, epoch, key } => self.on_cache_flush(node, epoch, key),
            Ev::Timeline { index } => {
                let cmd = self.timeline[index as usize].1.clone();
                self.execute(cmd);
            }
        }
        true
    }

    /// True when the run holds as many live requests or pending events as it may
    /// ([`crate::limits::MAX_LIVE_REQUESTS`], [`crate::limits::MAX_PENDING_EVENTS`]): new calls, retries and
    /// queue messages are then refused with [`FailReason::MemoryLimit`], so an overload never grows memory
    /// without bound. Work already in the system carries on.
    fn at_memory_limit(&self) -> bool {
        self.reqs.live() >= crate::limits::MAX_LIVE_REQUESTS || self.queue.len() >= crate::limits::MAX_PENDING_EVENTS
    }

    // ----- clients ----------------------------------------------------------------------------------------

    fn schedule_next_arrival(&mut self, client: u32) {
        let c = &mut self.clients[client as usize];
        if let Some(next) = c.workload.arrival.next_after(c.next_at, &mut c.rng) {
            c.next_at = next;
            let at = if next >= u64::MAX as f64 { u64::MAX } else { next as u64 };
            if at < self.stop_at {
                self.queue.push(at, Ev::Generate { client });
                return;
            }
        }
        self.end_generation();
    }

    fn end_generation(&mut self) {
        self.clients_done += 1;
        // With several clients, generation ends with the last one (health probes wait for it to stop).
        if !self.generation_ended && self.clients_done as usize >= self.clients.len() {
            self.generation_ended = true;
            self.log.push(LogEntry {
                at: SimTime(self.now),
                kind: LogKind::GenerationEnded,
            });
        }
    }

    fn on_generate(&mut self, client: u32) {
        if let Some(b) = self.budget {
            if self.metrics.issued >= b {
                self.generation_ended = false;
                self.end_generation_all();
                return;
            }
        }
        let node = self.clients[client as usize].node;
        if self.nodes[node as usize].up && (self.at_memory_limit() || self.db_history_full(client)) {
            // The run holds all it may: the call is refused before it takes any memory (or draws a class).
            self.metrics.call_started(self.now, client, None);
            self.metrics
                .call_failed(self.now, FailReason::MemoryLimit, client, None);
        } else if self.nodes[node as usize].up {
            let c = &mut self.clients[client as usize];
            let key = c.workload.keys.sample(&mut c.rng);
            let class = c.workload.mix.sample(&mut c.rng);
            let bytes = c.workload.message_bytes(class, &mut c.rng);
            if class.is_write() && self.versions_full(key) {
                self.metrics.call_started(self.now, client, Some(class));
                self.metrics
                    .call_failed(self.now, FailReason::MemoryLimit, client, Some(class));
                self.schedule_next_arrival(client);
                return;
            }
            let call = self.alloc_call(client, key, class);
            self.calls[call].bytes = bytes;
            self.metrics.call_started(self.now, client, Some(class));
            self.db_invoke(call);
            self.start_attempt(call);
        }
        self.schedule_next_arrival(client);
    }

    fn end_generation_all(&mut self) {
        if !self.generation_ended {
            self.generation_ended = true;
            self.log.push(LogEntry {
                at: SimTime(self.now),
                kind: LogKind::GenerationEnded,
            });
        }
    }

    fn alloc_call(&mut self, client: u32, key: u64, class: Class) -> u32 {
        let (h, c) = self.calls.alloc(Call::default);
        c.client = client;
        c.key = key;
        c.class = Some(class);
        c.start = self.now;
        c.attempt = 0;
        c.awaiting_retry = false;
        h.index()
    }

    fn free_call(&mut self, call: u32) {
        self.calls.free(call);
    }

    fn start_attempt(&mut self, call: u32) {
        let (client, key, class, attempt, bytes) = {
            let c = &mut self.calls[call];
            c.attempt += 1;
            (c.client, c.key, c.class.unwrap_or(Class::ApiRead), c.attempt, c.bytes)
        };
        let call = self.calls.handle(call);
        self.metrics.attempts += 1;
        if attempt > 1 {
            self.metrics.retries += 1;
        }
        let node = self.clients[client as usize].node;
        let req = self.alloc_req(Purpose::Attempt { call, attempt }, key, class);
        self.reqs[req].bytes = bytes;
        let epoch = self.nodes[node as usize].epoch;
        self.reqs[req].frames.push(Frame {
            node,
            edge: NONE,
            epoch,
            holding: false,
            step: 0,
            pos: NONE,
            sent: 0,
        });
        if let Behavior::Client(cfg) = &self.topo.nodes[node as usize].behavior {
            if let Some(t) = cfg.timeout_ns {
                self.queue
                    .push(self.now.saturating_add(t), Ev::Timeout { call, attempt });
            }
        }
        self.client_next(req);
    }

    /// The client's own steps: resolve DNS when the cached answer is stale, then send to the target.
    fn client_next(&mut self, req: u32) {
        let (node, step, class) = {
            let r = &self.reqs[req];
            let f = r.frames[0];
            (f.node, f.step, r.class)
        };
        let client = self.nodes[node as usize].client as usize;
        if step == 0 {
            let c = &self.clients[client];
            if let Some(dns) = c.dns_edge {
                if c.resolved_until <= self.now {
                    self.reqs[req].frames[0].step = 1;
                    self.send(req, dns);
                    return;
                }
            }
        }
        self.reqs[req].frames[0].step = 2;
        let _ = class;
        match self.choose(req) {
            Some(e) => self.send(req, e),
            // Every target is marked down (validation guarantees one exists for each class).
            None => self.client_attempt_failed(req, FailReason::Refused),
        }
    }

    fn balance_cfg(&self, node: NodeIx) -> Option<BalanceCfg> {
        match &self.topo.nodes[node as usize].behavior {
            Behavior::Balancer(b) => Some(*b),
            Behavior::Client(c) => Some(c.balance),
            _ => None,
        }
    }

    /// The balancing node on top of the request's stack picks a backend with its strategy, among the
    /// out-edges that carry the request's class and that health checks have not taken out. Records the choice
    /// in the frame and returns the edge.
    fn choose(&mut self, req: u32) -> Option<EdgeIx> {
        let (class, key, root) = {
            let r = &self.reqs[req];
            (r.class, r.key, r.frames[0].node)
        };
        let node = self.top(req).node;
        let ni = node as usize;
        let is_client = self.topo.nodes[ni].kind == NodeKind::Client;
        if let [e] = self.topo.out_edges[ni][..] {
            // One backend: no strategy has a choice to make, only eligibility to check.
            let ed = &self.topo.edges[e as usize];
            let dns = is_client && self.topo.nodes[ed.to as usize].kind == NodeKind::Dns;
            let now = self.now;
            let b = self.nodes[ni].backends.first_mut()?;
            if !ed.admits(class) || dns || b.down || b.ejected_until > now {
                return None;
            }
            b.in_flight += 1;
            let f = self.top_mut(req);
            f.pos = 0;
            f.sent = now;
            return Some(e);
        }
        let region = self.topo.nodes[root as usize].region.as_deref();
        let mut views = std::mem::take(&mut self.scratch_backends);
        views.clear();
        for (pos, &e) in self.topo.out_edges[ni].iter().enumerate() {
            let ed = &self.topo.edges[e as usize];
            let target = &self.topo.nodes[ed.to as usize];
            let st = self.nodes[ni].backends.get(pos).copied().unwrap_or_default();
            views.push(Backend {
                weight: ed.weight,
                in_flight: st.in_flight,
                eligible: ed.admits(class)
                    && !(is_client && target.kind == NodeKind::Dns)
                    && !st.down
                    && st.ejected_until <= self.now,
                local: region.is_some() && target.region.as_deref() == region,
                distance_ms: self.edges[e as usize].latency.mean_ms(),
            });
        }
        let pick = Pick {
            key,
            source: u64::from(root),
        };
        let st = &mut self.nodes[ni];
        let chosen = match st.balancer.as_mut() {
            Some(b) => b.pick(pick, &views, &mut st.rng),
            None => crate::routing::nth_eligible(&views, 0),
        };
        self.scratch_backends = views;
        let pos = chosen?;
        if let Some(b) = self.nodes[ni].backends.get_mut(pos) {
            b.in_flight += 1;
        }
        let now = self.now;
        let f = self.top_mut(req);
        f.pos = pos as u32;
        f.sent = now;
        Some(self.topo.out_edges[ni][pos])
    }

    /// The answer from the backend a balancing node chose has arrived: settle in-flight counts, feed the
    /// strategy's response-time view and the passive health check.
    fn settle_backend(&mut self, req: u32) {
        let outcome = self.reqs[req].outcome;
        let f = *self.top(req);
        if f.pos == NONE {
            return;
        }
        self.top_mut(req).pos = NONE;
        let ni = f.node as usize;
        let pos = f.pos as usize;
        let ok = !outcome.is_failure();
        let rtt = self.now - f.sent;
        let outlier = self.balance_cfg(f.node).and_then(|b| b.outlier);
        let now = self.now;
        let st = &mut self.nodes[ni];
        if let Some(b) = st.balancer.as_mut() {
            b.observe(pos, rtt, ok);
        }
        let Some(bs) = st.backends.get_mut(pos) else { return };
        bs.in_flight = bs.in_flight.saturating_sub(1);
        // Only failures the backend itself caused count against it (a full queue or a refusal upstream
        // of it still is the backend's answer).
        if ok {
            bs.consecutive_errors = 0;
        } else {
            bs.consecutive_errors += 1;
            if let Some(o) = outlier {
                if bs.consecutive_errors >= o.consecutive_errors && bs.ejected_until <= now {
                    bs.ejected_until = now.saturating_add(o.ejection_ns);
                    bs.consecutive_errors = 0;
                    self.log.push(LogEntry {
                        at: SimTime(now),
                        kind: LogKind::Ejected {
                            node: f.node,
                            backend: self.topo.edges[self.topo.out_edges[ni][pos] as usize].to,
                        },
                    });
                }
            }
        }
    }

    /// An active health probe from `node` to its backend at `pos`: it succeeds when the backend is up and
    /// the round trip fits the probe timeout. `fall` failures in a row mark it down, `rise` successes up.
    fn on_probe(&mut self, node: u32, pos: u32) {
        let Some(h) = self.balance_cfg(node).and_then(|b| b.health) else {
            return;
        };
        let ni = node as usize;
        let e = self.topo.out_edges[ni][pos as usize];
        let target = self.topo.edges[e as usize].to;
        if self.nodes[ni].up {
            let rtt = self.traverse(e).zip(self.traverse(e)).map(|(a, b)| a + b);
            let ok = self.nodes[target as usize].up && rtt.is_some_and(|t| t <= h.timeout_ns);
            let at = SimTime(self.now);
            let bs = &mut self.nodes[ni].backends[pos as usize];
            if ok {
                bs.failures = 0;
                bs.successes += 1;
                if bs.down && bs.successes >= h.rise {
                    bs.down = false;
                    self.log.push(LogEntry {
                        at,
                        kind: LogKind::MarkedUp { node, backend: target },
                    });
                }
            } else {
                bs.successes = 0;
                bs.failures += 1;
                if !bs.down && bs.failures >= h.fall {
                    bs.down = true;
                    self.log.push(LogEntry {
                        at,
                        kind: LogKind::MarkedDown { node, backend: target },
                    });
                }
            }
        }
        // Probing stops once clients are done and nothing is in flight, so runs end.
        if !self.generation_ended || self.metrics.in_flight > 0 {
            self.queue
                .push(self.now.saturating_add(h.interval_ns), Ev::Probe { node, pos });
        }
    }

    fn client_response(&mut self, req: u32) {
        let (call, attempt, outcome, step) = {
            let r = &self.reqs[req];
            let Purpose::Attempt { call, attempt } = r.purpose else {
                unreachable!("a client hears only its own attempts")
            };
            (call, attempt, r.outcome, r.frames[0].step)
        };
        let current = self
            .calls
            .get(call)
            .is_some_and(|c| c.attempt == attempt && !c.awaiting_retry);
        let call = call.index();
        if !current {
            // A late answer to an attempt that already timed out: the work was wasted.
            self.free_req(req);
            return;
        }
        if let Outcome::Fail(reason) = outcome {
            self.client_attempt_failed(req, reason);
            return;
        }
        if step == 1 {
            let node = self.reqs[req].frames[0].node;
            let client = self.nodes[node as usize].client as usize;
            if let Behavior::Client(cfg) = &self.topo.nodes[node as usize].behavior {
                let ttl = cfg.dns_ttl_ns.unwrap_or(0);
                self.clients[client].resolved_until = self.now.saturating_add(ttl);
            }
            self.client_next(req);
            return;
        }
        let start = self.calls[call].start;
        let (client, class) = self.call_group(call);
        self.metrics.call_ok(self.now, self.now - start, client, class);
        self.db_call_ok(call, req);
        self.free_call(call);
        self.free_req(req);
    }

    /// An attempt failed with `reason`: retry after backoff if the policy allows, else fail the call.
    fn client_attempt_failed(&mut self, req: u32, reason: FailReason) {
        let (call, node) = {
            let r = &self.reqs[req];
            let Purpose::Attempt { call, .. } = r.purpose else {
                unreachable!("a client hears only its own attempts")
            };
            (call.index(), r.frames[0].node)
        };
        self.free_req(req);
        self.call_attempt_failed(call, node, reason);
    }

    fn call_attempt_failed(&mut self, call: u32, node: NodeIx, reason: FailReason) {
        let attempt = self.calls[call].attempt;
        let client = self.nodes[node as usize].client as usize;
        if let Behavior::Client(cfg) = &self.topo.nodes[node as usize].behavior {
            if let Some(r) = &cfg.retry {
                if attempt <= r.max_retries {
                    let exp = r.base_ns.saturating_mul(1u64 << (attempt - 1).min(40));
                    let delay = exp.min(r.max_ns);
                    let rng = &mut self.clients[client].rng;
                    let delay = match r.jitter {
                        crate::scenario::v1::Jitter::None => delay,
                        crate::scenario::v1::Jitter::Full => (delay as f64 * rng.unit()) as u64,
                        crate::scenario::v1::Jitter::Equal => delay / 2 + ((delay / 2) as f64 * rng.unit()) as u64,
                    };
                    self.calls[call].awaiting_retry = true;
                    let call = self.calls.handle(call);
                    self.queue.push(self.now.saturating_add(delay), Ev::Retry { call });
                    return;
                }
            }
        }
        let (client, class) = self.call_group(call);
        self.metrics.call_failed(self.now, reason, client, class);
        self.db_call_failed(call, reason);
        self.free_call(call);
    }

    /// The client and request class a call is counted under in the per-client and per-class metrics.
    fn call_group(&self, call: u32) -> (u32, Option<Class>) {
        let c = &self.calls[call];
        (c.client, c.class)
    }

    fn on_timeout(&mut self, call: Handle<Call>, attempt: u32) {
        let Some(c) = self.calls.get(call) else {
            return;
        };
        if c.attempt != attempt || c.awaiting_retry {
            return;
        }
        let node = self.clients[c.client as usize].node;
        let call = call.index();
        // The attempt's request stays in the system (servers keep working on it); its answer will be ignored.
        self.call_attempt_failed(call, node, FailReason::Timeout);
    }

    // ----- requests ---------------------------------------------------------------------------------------

    /// A new request for `purpose`, without frames yet; it returns the request's slot.
    fn alloc_req(&mut self, purpose: Purpose, key: u64, class: Class) -> u32 {
        let id = self.next_req_id;
        self.next_req_id += 1;
        let sampled = self.hop_every != 0 && mix64(id ^ self.seed).is_multiple_of(self.hop_every);
        let (h, r) = self.reqs.alloc(|| Req {
            id: 0,
            purpose,
            key: 0,
            class: Class::ApiRead,
            bytes: 0,
            born: 0,
            queued_at: NOT_QUEUED,
            sampled: false,
            outcome: Outcome::Ok,
            seen: (NONE, 0),
            frames: Vec::with_capacity(8),
        });
        r.id = id;
        r.purpose = purpose;
        r.key = key;
        r.class = class;
        r.bytes = 0;
        r.born = self.now;
        r.queued_at = NOT_QUEUED;
        r.sampled = sampled;
        r.outcome = Outcome::Ok;
        r.seen = (NONE, 0);
        r.frames.clear();
        h.index()
    }

    fn free_req(&mut self, req: u32) {
        self.reqs.free(req).frames.clear();
    }

    fn hop(&mut self, req: u32, from: NodeIx, to: NodeIx, arrive: u64, kind: HopKind) {
        let r = &self.reqs[req];
        if !r.sampled {
            return;
        }
        if self.hops.len() >= HOP_BUFFER {
            self.hops_dropped += 1;
            return;
        }
        self.hops.push(Hop {
            req: r.id,
            from,
            to,
            depart: SimTime(self.now),
            arrive: SimTime(arrive),
            kind,
        });
    }

    /// Draws the network delay of one traversal of `edge`, or `None` if the message is lost.
    fn traverse(&mut self, edge: EdgeIx) -> Option<u64> {
        let ed = &self.topo.edges[edge as usize];
        if self.split.cut(ed.from, ed.to) {
            return None;
        }
        let e = &self.edges[edge as usize];
        if e.loss > 0.0 && self.net_rng.chance(e.loss) {
            return None;
        }
        Some(if e.latency.is_zero() {
            0
        } else {
            e.latency.sample_ns(&mut self.net_rng)
        })
    }

    /// Sends the request down `edge` from the node on top of its stack.
    fn send(&mut self, req: u32, edge: EdgeIx) {
        let (from, to) = {
            let e = &self.topo.edges[edge as usize];
            (e.from, e.to)
        };
        let h = self.reqs.handle(req);
        self.reqs[req].frames.push(Frame {
            node: to,
            edge,
            epoch: 0,
            holding: false,
            step: 0,
            pos: NONE,
            sent: 0,
        });
        match self.traverse(edge) {
            Some(d) => {
                let at = self.now.saturating_add(d);
                self.hop(req, from, to, at, HopKind::Request);
                self.queue.push(at, Ev::Arrive { req: h });
            }
            None => {
                self.hop(req, from, to, self.now, HopKind::Lost);
                self.reqs[req].frames.pop();
                if self.topo.nodes[to as usize].kind == NodeKind::WorkerPool {
                    let n = &mut self.nodes[to as usize];
                    n.in_transit = n.in_transit.saturating_sub(1);
                }
                self.kill(req, FailReason::Lost);
            }
        }
    }

    fn on_arrive(&mut self, req: u32) {
        let node = self.top(req).node;
        let ni = node as usize;
        self.metrics.nodes[ni].arrivals += 1;
        if self.topo.nodes[ni].kind == NodeKind::WorkerPool {
            let n = &mut self.nodes[ni];
            n.in_transit = n.in_transit.saturating_sub(1);
        }
        if !self.nodes[ni].up {
            self.metrics.nodes[ni].refused += 1;
            self.respond(req, Outcome::Fail(FailReason::Refused));
            return;
        }
        let epoch = self.nodes[ni].epoch;
        self.top_mut(req).epoch = epoch;
        let limit = self.topo.nodes[ni].workers;
        let st = &mut self.nodes[ni];
        if limit.is_none_or(|w| st.busy < w) {
            self.start_service(req, node);
        } else if self.topo.nodes[ni]
            .queue_capacity
            .is_none_or(|q| st.waiting.len() < q as usize)
        {
            self.metrics.nodes[ni].touch(self.now, st.busy, st.waiting.len() + st.backlog.len());
            st.waiting.push_back(self.reqs.handle(req));
            self.reqs[req].queued_at = self.now;
            let q = (st.waiting.len() + st.backlog.len()) as u64;
            let ms = &mut self.metrics.nodes[ni];
            ms.max_queue = ms.max_queue.max(q);
        } else {
            self.metrics.nodes[ni].dropped += 1;
            self.respond(req, Outcome::Fail(FailReason::QueueFull));
        }
    }

    fn start_service(&mut self, req: u32, node: NodeIx) {
        let ni = node as usize;
        let st = &mut self.nodes[ni];
        self.metrics.nodes[ni].touch(self.now, st.busy, st.waiting.len() + st.backlog.len());
        st.busy += 1;
        let queued_at = std::mem::replace(&mut self.reqs[req].queued_at, NOT_QUEUED);
        let m = &mut self.metrics.nodes[ni];
        m.waits += 1;
        if queued_at != NOT_QUEUED {
            m.wait_sum_ns += (self.now - queued_at) as u128;
        }
        self.top_mut(req).holding = true;
        let d = &self.topo.nodes[ni].service_time;
        let dt = if d.is_zero() {
            0
        } else {
            d.sample_ns(&mut self.nodes[ni].rng)
        }
        .saturating_add(self.index_ns(ni, req));
        if dt == 0 {
            self.on_service_done(req);
        } else {
            let req = self.reqs.handle(req);
            self.queue.push(self.now + dt, Ev::ServiceDone { req });
        }
    }

    fn on_service_done(&mut self, req: u32) {
        let f = *self.top(req);
        let n = &self.nodes[f.node as usize];
        if !n.up || n.epoch != f.epoch {
            self.fail_from_dead(req);
            return;
        }
        self.metrics.nodes[f.node as usize].served += 1;
        self.origin_served(req, f.node);
        self.proceed(req);
    }

    /// Out-edges of `node` that carry `class`, as the `k`-th such edge from position `from`.
    fn admitted(&self, node: NodeIx, class: Class) -> impl Iterator<Item = (usize, EdgeIx)> + '_ {
        self.topo.out_edges[node as usize]
            .iter()
            .copied()
            .enumerate()
            .filter(move |&(_, e)| self.topo.edges[e as usize].admits(class))
    }

    /// The node on top of the stack continues with its behaviour: after service, or after a successful answer
    /// from the dependency it called.
    fn proceed(&mut self, req: u32) {
        let f = *self.top(req);
        let ni = f.node as usize;
        let (class, key) = {
            let r = &self.reqs[req];
            (r.class, r.key)
        };
        match &self.topo.nodes[ni].behavior {
            Behavior::Client(_) => {}
            Behavior::Station if self.db.is_replica(f.node) => self.db_proceed(req),
            Behavior::Station => {
                // A cache-aside cache answered (or took a fill): the service skips or reads and fills.
                if f.step > 0 && self.cache_aside_step(req) {
                    return;
                }
                let f = *self.top(req);
                // Call each dependency in order, then answer.
                let next = self.admitted(f.node, class).find(|&(pos, _)| pos >= f.step as usize);
                match next {
                    Some((pos, e)) => {
                        self.top_mut(req).step = pos as u32 + 1;
                        self.send(req, e);
                    }
                    None => self.respond(req, Outcome::Ok),
                }
            }
            Behavior::Balancer(_) => self.forward_once(req, f.step, |sim| sim.choose(req)),
            Behavior::Cache(_) => self.cache_proceed(req),
            Behavior::ShardRouter(_) => self.shard_proceed(req),
            Behavior::Queue(q) => {
                if q.max_message_bytes.is_some_and(|m| self.reqs[req].bytes > m) {
                    self.metrics.nodes[ni].too_large += 1;
                    self.respond(req, Outcome::Fail(FailReason::TooLarge));
                    return;
                }
                let capacity = q.capacity;
                let st = &self.nodes[ni];
                if capacity.is_some_and(|c| st.backlog.len() as u64 >= c) {
                    self.metrics.nodes[ni].dropped += 1;
                    self.respond(req, Outcome::Fail(FailReason::QueueFull));
                    return;
                }
                if self.at_memory_limit() {
                    self.respond(req, Outcome::Fail(FailReason::MemoryLimit));
                    return;
                }
                // Enqueue a task of its own, acknowledge the producer at once, and let workers pull.
                let id = self.next_task;
                self.next_task += 1;
                let task = self.alloc_req(Purpose::Task { id }, key, class);
                self.tasks.insert(
                    id,
                    TaskState {
                        queue: f.node,
                        key,
                        class,
                        born: self.now,
                        live: 1,
                        deliveries: 0,
                        failures: 0,
                        done: false,
                    },
                );
                self.reqs[task].frames.push(Frame {
                    node: f.node,
                    edge: NONE,
                    epoch: self.nodes[ni].epoch,
                    holding: false,
                    step: 0,
                    pos: NONE,
                    sent: 0,
                });
                let st = &mut self.nodes[ni];
                self.metrics.nodes[ni].touch(self.now, st.busy, st.waiting.len() + st.backlog.len());
                st.backlog.push_back(self.reqs.handle(task));
                let q = (st.waiting.len() + st.backlog.len()) as u64;
                let ms = &mut self.metrics.nodes[ni];
                ms.max_queue = ms.max_queue.max(q);
                self.metrics.tasks.enqueued += 1;
                self.respond(req, Outcome::Ok);
                self.dispatch(f.node);
            }
        }
    }

    /// A node that forwards each request to one downstream (`pick`) and passes the answer back: balancers
    /// and shard routers. With nothing to pick, it answers with an error itself.
    fn forward_once(&mut self, req: u32, step: u32, pick: impl FnOnce(&mut Self) -> Option<EdgeIx>) {
        if step == 0 {
            self.top_mut(req).step = 1;
            match pick(self) {
                Some(e) => self.send(req, e),
                None => self.respond(req, Outcome::Fail(FailReason::Refused)),
            }
        } else {
            let o = self.reqs[req].outcome;
            self.respond(req, o);
        }
    }

    /// Sends to the first (round-robin among several) admitted downstream: a cache's origin.
    fn forward_first(&mut self, req: u32, node: NodeIx, class: Class) {
        let n = self.admitted(node, class).count() as u32;
        let st = &mut self.nodes[node as usize];
        let pick = st.rr % n.max(1);
        st.rr = st.rr.wrapping_add(1);
        let edge = self.admitted(node, class).nth(pick as usize).map(|x| x.1);
        match edge {
            Some(e) => self.send(req, e),
            None => self.respond(req, Outcome::Fail(FailReason::Refused)),
        }
    }

    /// Hands queued tasks to worker pools with a free worker.
    fn dispatch(&mut self, queue: NodeIx) {
        let qi = queue as usize;
        if !self.nodes[qi].up {
            return;
        }
        let pools: Vec<EdgeIx> = self.topo.out_edges[qi].clone();
        let mut stalled = 0;
        while !self.nodes[qi].backlog.is_empty() && stalled < pools.len() {
            let st = &mut self.nodes[qi];
            let e = pools[st.rr as usize % pools.len()];
            st.rr = st.rr.wrapping_add(1);
            let pool = self.topo.edges[e as usize].to as usize;
            let p = &self.nodes[pool];
            let workers = self.topo.nodes[pool].workers.unwrap_or(u32::MAX) as usize;
            let committed = p.busy as usize + p.waiting.len() + p.in_transit as usize;
            if !p.up || committed >= workers {
                stalled += 1;
                continue;
            }
            stalled = 0;
            let st = &mut self.nodes[qi];
            self.metrics.nodes[qi].touch(self.now, st.busy, st.waiting.len() + st.backlog.len());
            let Some(task) = st.backlog.pop_front() else {
                break;
            };
            if !self.reqs.is_live(task) {
                continue;
            }
            let task = task.index();
            self.nodes[pool].in_transit += 1;
            let id = self.task_of(task);
            if let Some(t) = self.tasks.get_mut(&id) {
                t.deliveries += 1;
                let delivery = t.deliveries;
                if let Some(v) = self.queue_cfg(queue).and_then(|q| q.visibility_ns) {
                    self.queue
                        .push(self.now.saturating_add(v), Ev::Visibility { task: id, delivery });
                }
            }
            self.send(task, e);
        }
    }

    /// The task that `req`, taken from a queue's backlog, is a copy of.
    fn task_of(&self, req: u32) -> u64 {
        match self.reqs[req].purpose {
            Purpose::Task { id } => id,
            _ => unreachable!("a queue's backlog holds only tasks"),
        }
    }

    fn queue_cfg(&self, node: NodeIx) -> Option<crate::topology::QueueCfg> {
        match &self.topo.nodes[node as usize].behavior {
            Behavior::Queue(q) => Some(*q),
            _ => None,
        }
    }

    /// A fresh copy of task `id` joins its queue's backlog (at the front for a redelivery).
    fn requeue(&mut self, id: u64, front: bool) {
        let Some(t) = self.tasks.get(&id).copied() else { return };
        let qi = t.queue as usize;
        if !self.nodes[qi].up {
            return;
        }
        let copy = self.alloc_req(Purpose::Task { id }, t.key, t.class);
        let epoch = self.nodes[qi].epoch;
        let r = &mut self.reqs[copy];
        r.born = t.born;
        r.frames.push(Frame {
            node: t.queue,
            edge: NONE,
            epoch,
            holding: false,
            step: 0,
            pos: NONE,
            sent: 0,
        });
        let copy = self.reqs.handle(copy);
        if let Some(t) = self.tasks.get_mut(&id) {
            t.live += 1;
        }
        let st = &mut self.nodes[qi];
        self.metrics.nodes[qi].touch(self.now, st.busy, st.waiting.len() + st.backlog.len());
        if front {
            st.backlog.push_front(copy);
        } else {
            st.backlog.push_back(copy);
        }
        self.dispatch(t.queue);
    }

    /// No worker acknowledged delivery `delivery` of the task in time: hand it out again.
    fn on_visibility(&mut self, id: u64, delivery: u32) {
        let Some(t) = self.tasks.get(&id) else { return };
        if t.done || t.deliveries != delivery {
            return;
        }
        self.metrics.tasks.redelivered += 1;
        self.requeue(id, true);
    }

    /// One copy of a task left the system (done, failed or vanished).
    fn task_copy_gone(&mut self, id: u64) {
        if let Some(t) = self.tasks.get_mut(&id) {
            t.live = t.live.saturating_sub(1);
            if t.live == 0 && t.done {
                self.tasks.remove(&id);
            }
        }
    }

    /// A copy of a task vanished (its worker died, or a message was lost): with a visibility timeout the
    /// queue will hand it out again; without one it is lost.
    fn task_vanished(&mut self, id: u64, queue: NodeIx) {
        let at_least_once = self.queue_cfg(queue).is_some_and(|q| q.visibility_ns.is_some());
        if let Some(t) = self.tasks.get_mut(&id) {
            if !at_least_once && !t.done {
                t.done = true;
                self.metrics.tasks.lost += 1;
            }
        }
        self.task_copy_gone(id);
    }

    fn on_response(&mut self, req: u32) {
        self.settle_backend(req);
        let f = *self.top(req);
        let ni = f.node as usize;
        let r = &self.reqs[req];
        if r.frames.len() == 1 {
            match r.purpose {
                Purpose::Attempt { .. } => self.client_response(req),
                Purpose::Task { id } => self.task_done(req, id),
                Purpose::Flush { writes } => self.flush_done(req, writes),
                Purpose::QueryPart { .. } | Purpose::Migration { .. } => self.shard_internal_done(req, false),
            }
            return;
        }
        let n = &self.nodes[ni];
        if !n.up || n.epoch != f.epoch {
            self.fail_from_dead(req);
            return;
        }
        // A cache sees its origin's failures too: requests waiting on its fetch must hear of them.
        if self.reqs[req].outcome.is_failure() && !matches!(self.topo.nodes[ni].behavior, Behavior::Cache(_)) {
            let o = self.reqs[req].outcome;
            self.respond(req, o);
        } else {
            self.proceed(req);
        }
    }

    fn task_done(&mut self, task: u32, id: u64) {
        let queue = self.top(task).node;
        let outcome = self.reqs[task].outcome;
        self.free_req(task);
        match outcome {
            // The worker died holding it: silence, as far as the queue can tell.
            Outcome::Fail(FailReason::Crashed) => self.task_vanished(id, queue),
            Outcome::Fail(_) => {
                self.metrics.tasks.failed += 1;
                let cfg = self.queue_cfg(queue);
                if let Some(t) = self.tasks.get_mut(&id) {
                    if !t.done {
                        // This delivery is settled: its visibility timeout must not hand it out again too.
                        t.deliveries += 1;
                        t.failures += 1;
                        let max = cfg.map_or(1, |q| q.max_attempts);
                        if t.failures >= max {
                            t.done = true;
                            self.metrics.tasks.dead_lettered += 1;
                        } else {
                            self.metrics.tasks.retried += 1;
                            let backoff = cfg
                                .map_or(0, |q| q.backoff_ns)
                                .saturating_mul(1 << (t.failures - 1).min(20));
                            self.queue
                                .push(self.now.saturating_add(backoff), Ev::TaskRetry { task: id });
                        }
                    }
                }
                self.task_copy_gone(id);
            }
            _ => {
                if let Some(t) = self.tasks.get_mut(&id) {
                    if t.done {
                        self.metrics.tasks.duplicates += 1;
                    } else {
                        t.done = true;
                        let latency = self.now - t.born;
                        let m = &mut self.metrics.tasks;
                        m.completed += 1;
                        m.latency_sum_ns += latency as u128;
                        m.latency
                            .get_or_insert_with(|| {
                                Histogram::new_with_bounds(1, 86_400_000_000_000, 3).expect("static bounds")
                            })
                            .saturating_record(latency.max(1));
                    }
                }
                self.task_copy_gone(id);
            }
        }
        self.dispatch(queue);
    }

    /// The node on top answers: it frees its worker, pops its frame and sends the response to its caller.
    fn respond(&mut self, req: u32, outcome: Outcome) {
        let f = *self.top(req);
        if f.holding {
            self.release(f.node);
        }
        self.reply_upstream(req, f, outcome);
    }

    /// The node on top crashed while holding the request: the caller sees the connection reset.
    fn fail_from_dead(&mut self, req: u32) {
        let f = *self.top(req);
        self.reply_upstream(req, f, Outcome::Fail(FailReason::Crashed));
    }

    fn reply_upstream(&mut self, req: u32, f: Frame, outcome: Outcome) {
        self.reqs[req].frames.pop();
        self.reqs[req].outcome = outcome;
        let caller = self.top(req).node;
        match self.traverse(f.edge) {
            Some(d) => {
                let at = self.now.saturating_add(d);
                self.hop(req, f.node, caller, at, HopKind::Response(outcome));
                let req = self.reqs.handle(req);
                self.queue.push(at, Ev::Response { req });
            }
            None => {
                self.hop(req, f.node, caller, self.now, HopKind::Lost);
                self.kill(req, FailReason::Lost);
            }
        }
    }

    /// Frees a worker of `node` and starts the next waiting request, if any.
    fn release(&mut self, node: NodeIx) {
        let ni = node as usize;
        let st = &mut self.nodes[ni];
        self.metrics.nodes[ni].touch(self.now, st.busy, st.waiting.len() + st.backlog.len());
        st.busy = st.busy.saturating_sub(1);
        while let Some(next) = self.nodes[ni].waiting.pop_front() {
            if self.reqs.is_live(next) {
                self.start_service(next.index(), node);
                break;
            }
        }
        // A worker came free: the queues feeding this pool may hand it a task.
        for k in 0..self.feeders[ni].len() {
            let q = self.feeders[ni][k];
            self.dispatch(q);
        }
    }

    /// A message was lost: nobody upstream hears back. Held workers are released (as a per-hop timeout
    /// would), and the call fails now unless its client has a timeout of its own, which then fires.
    fn kill(&mut self, req: u32, reason: FailReason) {
        let frames: Vec<Frame> = self.reqs[req].frames.clone();
        for f in frames.iter() {
            let n = &mut self.nodes[f.node as usize];
            if f.pos != NONE && n.epoch == f.epoch {
                if let Some(b) = n.backends.get_mut(f.pos as usize) {
                    b.in_flight = b.in_flight.saturating_sub(1);
                }
            }
        }
        for f in frames.iter().skip(1) {
            let n = &self.nodes[f.node as usize];
            if f.holding && n.up && n.epoch == f.epoch {
                self.release(f.node);
            }
        }
        self.cache_request_gone(req, &frames);
        let r = &self.reqs[req];
        let root = r.frames.first().map_or(0, |f| f.node);
        let (call, attempt) = match r.purpose {
            Purpose::Attempt { call, attempt } => (call, attempt),
            Purpose::Task { id } => {
                self.free_req(req);
                self.task_vanished(id, root);
                self.dispatch(root);
                return;
            }
            Purpose::Flush { .. } => {
                self.free_req(req);
                return;
            }
            Purpose::QueryPart { .. } | Purpose::Migration { .. } => {
                self.shard_internal_done(req, true);
                return;
            }
        };
        let node = root;
        self.free_req(req);
        let Some(c) = self.calls.get(call) else {
            return;
        };
        if c.attempt != attempt || c.awaiting_retry {
            return;
        }
        let call = call.index();
        let has_timeout = matches!(&self.topo.nodes[node as usize].behavior,
            Behavior::Client(cfg) if cfg.timeout_ns.is_some());
        if !has_timeout {
            self.call_attempt_failed(call, node, reason);
        }
    }

    fn top(&self, req: u32) -> &Frame {
        self.reqs[req].frames.last().expect("a live request always has a frame")
    }

    fn top_mut(&mut self, req: u32) -> &mut Frame {
        self.reqs[req]
            .frames
            .last_mut()
            .expect("a live request always has a frame")
    }

    // ----- commands ---------------------------------------------------------------------------------------

    fn check_command(&self, cmd: &Command) -> Result<(), CommandError> {
        let n = self.topo.nodes.len() as u32;
        let m = self.topo.edges.len() as u32;
        match *cmd {
            Command::Crash { node } | Command::Recover { node } if node >= n => Err(CommandError::UnknownNode(node)),
            Command::SetRate { node, .. } if node >= n => Err(CommandError::UnknownNode(node)),
            Command::SetRate { node, .. } if self.nodes[node as usize].client == NONE => {
                Err(CommandError::NotAClient(node))
            }
            Command::SetRate { rate_rps, .. } if check_rate(rate_rps).is_err() => Err(CommandError::BadValue(format!(
                "rate must be in (0, {MAX_RATE_RPS}] requests/s, got {rate_rps}"
            ))),
            Command::SetLatency { edge, .. } | Command::SetLoss { edge, .. } if edge >= m => {
                Err(CommandError::UnknownEdge(edge))
            }
            Command::SetLatency { ref latency, .. } => latency
                .validate()
                .map_err(|e| CommandError::BadValue(format!("latency: {e}"))),
            Command::SetLoss { loss, .. } if !loss_ok(loss) => Err(CommandError::BadValue(format!(
                "loss must be between 0 and 1, got {loss}"
            ))),
            Command::AddShard { router, shard } | Command::RemoveShard { router, shard } => {
                if router >= n || shard >= n {
                    Err(CommandError::UnknownNode(router.max(shard)))
                } else if !self.is_shard_of(router, shard) {
                    Err(CommandError::BadValue(format!(
                        "node {shard} is not a shard of shard router {router}"
                    )))
                } else {
                    Ok(())
                }
            }
            Command::Partition { .. } => self.check_partition(cmd),
            _ => Ok(()),
        }
    }

    fn execute(&mut self, cmd: Command) {
        let at = SimTime(self.now);
        match cmd {
            Command::Crash { node } => {
                let ni = node as usize;
                if !self.nodes[ni].up {
                    return;
                }
                let st = &mut self.nodes[ni];
                self.metrics.nodes[ni].touch(self.now, st.busy, st.waiting.len() + st.backlog.len());
                st.up = false;
                st.epoch = st.epoch.wrapping_add(1);
                st.busy = 0;
                for b in &mut st.backends {
                    b.in_flight = 0;
                }
                // An in-memory cache comes back empty.
                if let Behavior::Cache(c) = &self.topo.nodes[ni].behavior {
                    st.store = new_store(c, self.seed ^ u64::from(st.epoch), ni);
                }
                let waiting: Vec<Handle<Req>> = st.waiting.drain(..).collect();
                let backlog: Vec<Handle<Req>> = st.backlog.drain(..).collect();
                // Dirty write-back entries die with it; requests waiting on its fetches fail below.
                let coalesced = self.cache_crashed(node);
                self.log.push(LogEntry {
                    at,
                    kind: LogKind::Crashed { node },
                });
                self.shard_crashed(node);
                self.db_on_crash(node);
                for r in waiting.into_iter().chain(coalesced) {
                    if self.reqs.is_live(r) {
                        self.fail_from_dead(r.index());
                    }
                }
                for t in backlog {
                    if self.reqs.is_live(t) {
                        let t = t.index();
                        let id = self.task_of(t);
                        self.free_req(t);
                        // The queue's memory is gone: no redelivery can save these.
                        if let Some(ts) = self.tasks.get_mut(&id) {
                            if !ts.done {
                                ts.done = true;
                                self.metrics.tasks.lost += 1;
                            }
                        }
                        self.task_copy_gone(id);
                    }
                }
            }
            Command::Recover { node } => {
                let ni = node as usize;
                if self.nodes[ni].up {
                    return;
                }
                let st = &mut self.nodes[ni];
                self.metrics.nodes[ni].touch(self.now, st.busy, st.waiting.len() + st.backlog.len());
                st.up = true;
                self.db_on_recover(node);
                self.log.push(LogEntry {
                    at,
                    kind: LogKind::Recovered { node },
                });
                // Queues feeding a recovered worker pool can hand it work again.
                for q in 0..self.topo.nodes.len() {
                    if matches!(self.topo.nodes[q].behavior, Behavior::Queue(_)) {
                        self.dispatch(q as NodeIx);
                    }
                }
            }
            Command::SetRate { node, rate_rps } => {
                let client = self.nodes[node as usize].client;
                if client != NONE {
                    self.clients[client as usize].workload.arrival.set_rate(rate_rps);
                    self.log.push(LogEntry {
                        at,
                        kind: LogKind::RateChanged { node, rate_rps },
                    });
                }
            }
            Command::SetLatency { edge, latency } => {
                self.edges[edge as usize].latency = latency;
                self.log.push(LogEntry {
                    at,
                    kind: LogKind::LatencyChanged { edge },
                });
            }
            Command::SetLoss { edge, loss } => {
                self.edges[edge as usize].loss = loss;
                self.log.push(LogEntry {
                    at,
                    kind: LogKind::LossChanged { edge, loss },
                });
            }
            Command::AddShard { router, shard } | Command::RemoveShard { router, shard } => {
                let added = matches!(cmd, Command::AddShard { .. });
                // A refused change (the last shard, a region's last shard) leaves placement as it was.
                if let Ok(keys_moved) = self.rebalance(router, shard, added) {
                    self.log.push(LogEntry {
                        at,
                        kind: LogKind::Rebalanced {
                            router,
                            shard,
                            added,
                            keys_moved,
                        },
                    });
                }
            }
            Command::Partition { groups } => self.partition(groups),
            Command::Heal => self.heal(),
        }
    }
}

/// A cache node's store: its configured eviction policy over object-count capacity, seeded per node.
fn new_store(c: &crate::topology::CacheCfg, seed: u64, node: usize) -> Option<Box<dyn Eviction + Send>> {
    let capacity = Capacity::objects(NonZeroU64::new(c.capacity.max(1))?);
    crate::cache::build(c.policy, capacity, crate::rng::mix64(seed ^ (3_000_000 + node as u64))).ok()
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        round4(a as f64 / b as f64)
    }
}

/// Rounds a bucket width up to 1, 2 or 5 times a power of ten milliseconds.
fn nice_bucket(ns: f64) -> u64 {
    let ms = (ns / 1e6).max(1.0);
    let mut base = 1.0;
    while base * 10.0 <= ms {
        base *= 10.0;
    }
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .find(|m| base * m >= ms)
        .unwrap_or(10.0);
    (base * step * 1e6) as u64
}

fn command_from_fault(t: &Topology, f: &crate::scenario::v1::Fault) -> Option<Command> {
    use crate::scenario::v1::Fault;
    use crate::topology::dist_from_v1;
    Some(match f {
        Fault::Crash { node, .. } => Command::Crash { node: t.node_ix(node)? },
        Fault::Recover { node, .. } => Command::Recover { node: t.node_ix(node)? },
        Fault::SetRate { node, rate_rps, .. } => Command::SetRate {
            node: t.node_ix(node)?,
            rate_rps: *rate_rps,
        },
        Fault::SetLatency { from, to, latency, .. } => Command::SetLatency {
            edge: t.edge_ix(t.node_ix(from)?, t.node_ix(to)?)?,
            latency: dist_from_v1(latency),
        },
        Fault::SetLoss { from, to, loss, .. } => Command::SetLoss {
            edge: t.edge_ix(t.node_ix(from)?, t.node_ix(to)?)?,
            loss: *loss,
        },
        Fault::AddShard { router, shard, .. } => Command::AddShard {
            router: t.node_ix(router)?,
            shard: t.node_ix(shard)?,
        },
        Fault::RemoveShard { router, shard, .. } => Command::RemoveShard {
            router: t.node_ix(router)?,
            shard: t.node_ix(shard)?,
        },
        Fault::Partition { groups, .. } => Command::Partition {
            groups: groups
                .iter()
                .map(|g| g.iter().map(|id| t.node_ix(id)).collect::<Option<Vec<_>>>())
                .collect::<Option<Vec<_>>>()?,
        },
        Fault::Heal { .. } => Command::Heal,
    })
}
