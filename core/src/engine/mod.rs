//! The discrete-event engine, in the quinn-proto shape: [`Sim::new`] from a scenario and a seed, then
//! [`Sim::apply`] commands at a virtual time, [`Sim::advance_to`] a time, ask [`Sim::next_wakeup`], and
//! [`Sim::drain_events`] for the hop stream and the event log. It never reads a clock.
//!
//! A request travels hop by hop: network delay on each edge, a queue for a worker, service time, calls to the
//! node's dependencies, and a response back along the same edges. Each node keeps a stack frame on the
//! request, so responses unwind the path. Clients time out and retry with backoff and jitter (retry storms
//! emerge on their own), bounded queues drop, crashed nodes refuse new requests and fail the ones they held.

mod balancer;
mod cache_node;
mod client;
mod commands;
mod db;
mod group;
mod log;
mod netsplit;
mod queue;
mod report;
mod resilience;
mod sessions;
mod setup;
mod shard;
mod slab;
mod storage;
mod tasks;

use crate::cache::{Capacity, Eviction};
use crate::limits::{check_rate, loss_ok, MAX_RATE_RPS};
use crate::metrics::{
    ns_to_ms, per_second, round4, BreakerReport, CacheReport, ClassReport, ClientReport, EdgeReport, FailReason,
    FailedReport, LatencyReport, Metrics, NodeReport, Report, SessionsReport, TaskReport,
};
use crate::node::{Refusal, Step, View};
use crate::rng::{mix64, SimRng};
use crate::routing::{Backend, Balancer, Pick};
use crate::scenario::{self, Scenario, ScenarioError};
use crate::time::SimTime;
use crate::topology::{BalanceCfg, Behavior, EdgeIx, NodeIx, NodeKind, SessionCfg, Topology};
use crate::workload::{Class, Workload};
use hdrhistogram::Histogram;
use queue::EventQueue;
use slab::{Handle, Slab};
use std::collections::VecDeque;
use std::fmt;
use std::num::NonZeroU64;

pub use crate::dist::Dist;
use commands::command_from_fault;
pub use commands::{Command, CommandError};
pub use group::{GroupNow, InstanceEvent};
use log::LogBuf;
pub use log::{LogEntry, LogKind};

const NONE: u32 = u32::MAX;
const NOT_QUEUED: u64 = u64::MAX;
/// The most hop records buffered between two drains; beyond it new hops are counted, not stored.
pub const HOP_BUFFER: usize = 200_000;
/// How many time-series buckets a run aims for when the scenario does not set `metrics.bucket_ms`.
const TARGET_BUCKETS: f64 = 200.0;

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
    /// The user who made the request (its index among all stateful clients' users), if its client has users.
    pub user: Option<u32>,
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
    /// An attempt of a call on a policy edge timed out.
    HopTimeout {
        hc: Handle<resilience::HopCall>,
        attempt: u32,
    },
    /// A call on a policy edge retries after its backoff.
    HopRetry {
        hc: Handle<resilience::HopCall>,
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
    /// Row-lock timeouts, round trips and compactions of storage engines.
    Storage(storage::StorageEv),
    /// A write-back cache writes a dirty key to its origin.
    CacheFlush {
        node: u32,
        epoch: u32,
        key: u64,
    },
    /// An autoscaling group's policy samples and decides (every second).
    GroupTick {
        group: u32,
    },
    /// An instance's boot, registration, warm-up or drain is over, or its crash is noticed.
    Instance {
        group: u32,
        slot: u32,
        gen: u32,
    },
    /// A service replaced on crash: its crash is noticed, or its replacement booted.
    Replace {
        node: NodeIx,
        epoch: u32,
        booted: bool,
    },
    /// A resized service's restart is over.
    Restart {
        node: NodeIx,
        epoch: u32,
    },
}

/// A queued task's life across deliveries (copies of it may be in flight at once).
#[derive(Clone, Copy, Debug)]
struct TaskState {
    queue: NodeIx,
    key: u64,
    class: Class,
    /// The database operation of the request it carries.
    op: Option<crate::dbengine::DbOp>,
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
    /// A service with a shared session store: where it is with the user's session (`sessions::SESSION_*`).
    session: u8,
}

impl Frame {
    /// A frame at `node`, reached by `edge` (`NONE` for a request's root) at `step`, holding no worker, sent
    /// nowhere yet.
    fn at(node: NodeIx, edge: EdgeIx, epoch: u32, step: u32) -> Frame {
        Frame {
            node,
            edge,
            epoch,
            holding: false,
            step,
            pos: NONE,
            sent: 0,
            session: sessions::SESSION_UNASKED,
        }
    }
}

/// What a request is for: who hears its answer when it unwinds to its root frame, or is lost.
#[derive(Clone, Copy, Debug)]
enum Purpose {
    /// Attempt `attempt` (from 1) of a client call.
    Attempt { call: Handle<Call>, attempt: u32 },
    /// Attempt `attempt` (from 1) of a call on policy edge `edge`; its caller's request waits for it. The edge
    /// is kept here so that an answer arriving after its call is over still counts as a late answer there.
    Hop {
        hc: Handle<resilience::HopCall>,
        attempt: u32,
        edge: EdgeIx,
    },
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
    /// When whoever waits for this request gives up (`u64::MAX`: no deadline travels with it).
    deadline: u64,
    outcome: Outcome,
    /// The origin (database) that last served this request and the key's version there.
    seen: (NodeIx, u64),
    /// The user who made it (`NONE`: its client has no users).
    user: u32,
    /// The database operation it performs (`None`: a get or put by its class).
    op: Option<crate::dbengine::DbOp>,
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
    /// The user who made the call (`NONE`: its client has no users); its retries are theirs too.
    user: u32,
    /// The operation of its client's `ops` mix it performs (`NO_OP`: the client has none).
    op: u8,
}

/// A call of a client without an `ops` mix.
const NO_OP: u8 = u8::MAX;

struct ClientState {
    node: NodeIx,
    workload: Workload,
    rng: SimRng,
    next_at: f64,
    dns_edge: Option<EdgeIx>,
    resolved_until: u64,
    /// The retry budget of a client whose retry policy has one.
    budget: Option<crate::resilience::RetryBudget>,
    /// A stateful client's users.
    users: Option<sessions::UserDraw>,
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
    /// The node's rate limit state (unused without one).
    limiter: crate::resilience::Limiter,
    /// When its queue was last seen empty (load shedding's overload test).
    last_empty: u64,
    /// It has a rate limit to check on arrival.
    guarded: bool,
    /// Requests served at once now (a resize changes it); `None` is unbounded.
    workers: Option<u32>,
    /// Service times are divided by this (a warming instance's is below 1).
    speed: f64,
    /// Its instance size after a resize.
    size: Option<crate::topology::InstanceSize>,
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
    /// A policy edge's breaker, budget and counters.
    rt: Option<Box<resilience::EdgeRt>>,
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
    hop_calls: Slab<resilience::HopCall>,
    /// Some client propagates its deadline, so nodes check requests' deadlines.
    deadlines_travel: bool,
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
    /// Per node: a database's storage engine state (`None` for nodes without an engine).
    storage: Vec<Option<Box<storage::Storage>>>,
    db: db::DbState,
    split: netsplit::Netsplit,
    /// Cache entries' versions and dirty state, coalescing waiters, origin key versions.
    caches: cache_node::Caches,
    /// Autoscaling groups, self-healing and the bill.
    elastic: group::Elastic,
    /// Users and their sessions (`None` when no client has users).
    sessions: Option<sessions::Sessions>,
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

    /// Messages waiting in the queue nodes right now; `None` when the topology has no queue.
    pub fn queued_messages(&self) -> Option<u64> {
        let mut queues =
            (0..self.topo.nodes.len() as u32).filter(|&i| self.topo.nodes[i as usize].kind == NodeKind::Queue);
        let first = queues.next()?;
        Some(
            std::iter::once(first)
                .chain(queues)
                .map(|i| self.load(i).1 as u64)
                .sum(),
        )
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
        #[cfg(feature = "per-second")]
        if at >= self.metrics.seconds.end() {
            self.roll_seconds(at);
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
            Ev::HopTimeout { hc, attempt } => self.on_hop_timeout(hc, attempt),
            Ev::HopRetry { hc } => self.on_hop_retry(hc),
            Ev::Retry { call } => {
                if self.calls.is_live(call) {
                    let call = call.index();
                    self.calls[call].awaiting_retry = false;
                    if self.at_memory_limit() {
                        let (client, class) = self.call_group(call);
                        self.metrics
                            .call_failed(self.now, FailReason::MemoryLimit, client, class);
                        self.metrics.op_event(client, self.calls[call].op, None, true);
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
            Ev::Storage(ev) => self.on_storage_event(ev),
            Ev::CacheFlush { node, epoch, key } => self.on_cache_flush(node, epoch, key),
            Ev::GroupTick { group } => self.on_group_tick(group),
            Ev::Instance { group, slot, gen } => self.on_instance(group, slot, gen),
            Ev::Replace { node, epoch, booted } => self.on_replace(node, epoch, booted),
            Ev::Restart { node, epoch } => self.on_restart(node, epoch),
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
            deadline: u64::MAX,
            outcome: Outcome::Ok,
            seen: (NONE, 0),
            user: NONE,
            op: None,
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
        r.deadline = u64::MAX;
        r.outcome = Outcome::Ok;
        r.seen = (NONE, 0);
        r.user = NONE;
        r.op = None;
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
            user: (r.user != NONE).then_some(r.user),
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
        self.reqs[req].frames.push(Frame::at(to, edge, 0, 0));
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
        if self.nodes[ni].guarded && !self.admit_arrival(req, ni) {
            return;
        }
        let st = &mut self.nodes[ni];
        let limit = st.workers;
        if limit.is_none_or(|w| st.busy < w) {
            self.start_service(req, node);
        } else if self.topo.nodes[ni]
            .queue_capacity
            .is_none_or(|q| st.waiting.len() < q as usize)
        {
            self.metrics.nodes[ni].touch(self.now, st.busy, st.waiting.len() + st.backlog.len());
            if st.waiting.is_empty() {
                st.last_empty = self.now;
            }
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

    /// A worker of `node` takes `req`, unless the request's deadline has passed: then it is dropped unserved
    /// (its caller has given up) and this returns false.
    fn start_service(&mut self, req: u32, node: NodeIx) -> bool {
        let ni = node as usize;
        if self.deadlines_travel && self.reqs[req].deadline <= self.now {
            self.reqs[req].queued_at = NOT_QUEUED;
            self.metrics.nodes[ni].expired += 1;
            self.respond(req, Outcome::Fail(FailReason::DeadlineExceeded));
            return false;
        }
        let Some(verify_ns) = self.session_on_take(req, node) else {
            return false;
        };
        let engine = self.topo.nodes[ni].engine.is_some();
        let (extra_ns, locks) = if engine {
            match self.storage_plan(ni, req) {
                storage::Plan::Serve { extra_ns, cost } => (extra_ns, cost.locks_row),
                storage::Plan::Refuse(reason) => {
                    self.reqs[req].queued_at = NOT_QUEUED;
                    self.respond(req, Outcome::Fail(reason));
                    return false;
                }
            }
        } else {
            (self.index_ns(ni, req), false)
        };
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
        let mut dt = if d.is_zero() {
            0
        } else {
            d.sample_ns(&mut self.nodes[ni].rng)
        }
        .saturating_add(extra_ns)
        .saturating_add(verify_ns);
        let mut speed = self.nodes[ni].speed;
        if engine {
            speed *= self.storage_speed(ni);
        }
        if speed != 1.0 {
            dt = (dt as f64 / speed).min(crate::limits::MAX_TIME_MS * 1e6) as u64;
        }
        if engine {
            if !locks {
                self.storage_worked(ni, req, dt);
            } else if self.storage_lock(ni, req, dt) {
                // It waits for its row lock, holding the worker; its service starts when the lock is its.
                return true;
            }
        }
        if dt == 0 {
            self.on_service_done(req);
        } else {
            let req = self.reqs.handle(req);
            self.queue.push(self.now + dt, Ev::ServiceDone { req });
        }
        true
    }

    fn on_service_done(&mut self, req: u32) {
        let f = *self.top(req);
        let n = &self.nodes[f.node as usize];
        if !n.up || n.epoch != f.epoch {
            self.fail_from_dead(req);
            return;
        }
        if self.topo.nodes[f.node as usize].engine.is_some() && self.storage_served(req, f.node) {
            return;
        }
        self.finish_service(req);
    }

    /// The node on top has served `req` (a storage engine's round trips included): count it and go on.
    fn finish_service(&mut self, req: u32) {
        let f = *self.top(req);
        let n = &self.nodes[f.node as usize];
        if !n.up || n.epoch != f.epoch {
            self.fail_from_dead(req);
            return;
        }
        self.metrics.nodes[f.node as usize].served += 1;
        if self.topo.nodes[f.node as usize].admission.error_rate > 0.0 && self.service_error(req, f.node as usize) {
            return;
        }
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
    /// from the dependency it called. Its family decides the step ([`Behavior::proceed`]) from what
    /// [`NodeView`] shows it; the engine carries it out.
    fn proceed(&mut self, req: u32) {
        if self.top(req).session == sessions::SESSION_ASKED && !self.session_answered(req) {
            return;
        }
        let mut aside_checked = false;
        loop {
            let f = *self.top(req);
            let view = NodeView {
                sim: self,
                req,
                node: f.node,
                step: f.step,
                aside_checked,
            };
            match self.topo.nodes[f.node as usize].behavior.proceed(&view) {
                Step::Idle => {}
                Step::Call { pos } => {
                    self.top_mut(req).step = pos as u32 + 1;
                    self.call(req, f.node, pos);
                }
                Step::Session { pos } => {
                    self.top_mut(req).session = sessions::SESSION_ASKED;
                    self.call(req, f.node, pos);
                }
                Step::Respond => self.respond(req, Outcome::Ok),
                Step::Relay => {
                    let o = self.reqs[req].outcome;
                    self.respond(req, o);
                }
                Step::Refuse(why) => {
                    let m = &mut self.metrics.nodes[f.node as usize];
                    let reason = match why {
                        Refusal::TooLarge => {
                            m.too_large += 1;
                            FailReason::TooLarge
                        }
                        Refusal::QueueFull => {
                            m.dropped += 1;
                            FailReason::QueueFull
                        }
                        Refusal::MemoryLimit => FailReason::MemoryLimit,
                    };
                    self.respond(req, Outcome::Fail(reason));
                }
                Step::Forward => self.forward_once(req, 0, |sim| sim.choose(req)),
                Step::Enqueue => self.enqueue(req, f.node),
                Step::CacheAside => {
                    if !self.cache_aside_step(req) {
                        aside_checked = true;
                        continue;
                    }
                }
                Step::Cache => self.cache_proceed(req),
                Step::Shard => self.shard_proceed(req),
                Step::Replica => self.db_proceed(req),
            }
            return;
        }
    }

    /// The node on top of `req` calls the dependency on its out-edge at `pos`, unless the request's deadline
    /// has passed.
    fn call(&mut self, req: u32, node: NodeIx, pos: usize) {
        let e = self.topo.out_edges[node as usize][pos];
        if self.deadlines_travel && self.reqs[req].deadline <= self.now {
            // Its caller has given up: the rest of the work would be for nobody.
            self.metrics.nodes[node as usize].expired += 1;
            self.respond(req, Outcome::Fail(FailReason::DeadlineExceeded));
        } else if self.topo.edges[e as usize].policy.is_some() {
            self.hop_call(req, e);
        } else {
            self.send(req, e);
        }
    }

    fn on_response(&mut self, req: u32) {
        self.settle_backend(req);
        let f = *self.top(req);
        let ni = f.node as usize;
        let r = &self.reqs[req];
        if r.frames.len() == 1 {
            match r.purpose {
                Purpose::Attempt { .. } => self.client_response(req),
                Purpose::Hop { .. } => self.hop_response(req),
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
        while let Some(next) = self.next_waiting(ni) {
            if self.reqs.is_live(next) && self.start_service(next.index(), node) {
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
            Purpose::Hop { hc, attempt, .. } => {
                self.free_req(req);
                self.hop_lost(hc, attempt, reason);
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
}

/// What a node sees of the simulation while its family decides its next step with a request: the request and
/// the node's own situation (quinn-proto's borrow view).
struct NodeView<'a> {
    sim: &'a Sim,
    req: u32,
    node: NodeIx,
    step: u32,
    aside_checked: bool,
}

impl View for NodeView<'_> {
    fn class(&self) -> Class {
        self.sim.reqs[self.req].class
    }
    fn bytes(&self) -> u64 {
        self.sim.reqs[self.req].bytes
    }
    fn step(&self) -> u32 {
        self.step
    }
    fn admits(&self, pos: usize) -> Option<bool> {
        let topo = &self.sim.topo;
        let e = *topo.out_edges[self.node as usize].get(pos)?;
        Some(topo.edges[e as usize].admits(self.class()))
    }
    fn backlog(&self) -> usize {
        self.sim.nodes[self.node as usize].backlog.len()
    }
    fn memory_full(&self) -> bool {
        self.sim.at_memory_limit()
    }
    fn replica(&self) -> bool {
        self.sim.db.is_replica(self.node)
    }
    fn aside_checked(&self) -> bool {
        self.aside_checked
    }
    fn session_store(&self) -> Option<usize> {
        let cfg = self.sim.topo.nodes[self.node as usize].sessions?;
        cfg.store_pos.map(|p| p as usize)
    }
    fn session_due(&self) -> bool {
        self.sim.reqs[self.req].user != NONE
            && self.sim.sessions.is_some()
            && self.sim.top(self.req).session == sessions::SESSION_UNASKED
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
