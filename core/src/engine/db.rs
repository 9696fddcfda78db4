//! Replicated databases: the `database` nodes of a [`ClusterCfg`] each hold a real key-value register per key,
//! and the replica a request reaches coordinates it.
//!
//! - **Primary/replica** (`async`, `sync`, `semi_sync`): writes go to the primary (forwarded by a replica
//!   coordinator), which applies them, replicates them to every other replica and acknowledges at once
//!   (`async`), after one replica applied them (`semi_sync`) or after all did (`sync`). Reads go to the primary
//!   or are served by the coordinator's own copy (`read_from: replica`). When the primary crashes, the live
//!   replica with the newest data is promoted after the election timeout; acknowledged writes it never
//!   received are rolled back and counted as lost. A recovered old primary rejoins as a replica and copies
//!   the primary's data.
//! - **Quorum** (leaderless): the coordinator sends a write with a timestamp version to the `n` replicas of
//!   the key and acknowledges after `w` applied it; a read asks the `n` replicas and returns the newest of the
//!   first `r` answers (last-write-wins), with optional read repair.
//! - **CP / AP**: a CP coordinator that cannot reach its primary or quorum within `op_timeout` fails the
//!   operation `unavailable`. An AP coordinator then settles for what answered (at least one replica), or
//!   in primary modes serves from and writes to its own copy.
//! - **Healing**: when a partition heals, replicas exchange their data (anti-entropy); for each key the newest
//!   version wins everywhere; when two sides both acknowledged writes of a key during the partition, the
//!   older side's is discarded: a lost update.
//!
//! Every client operation on a cluster is recorded in a Jepsen-style [`History`] (invoke at the client, complete
//! when the client hears back: `ok` with the value read, `fail` for a failed read, `info` for a failed or
//! timed-out write, which may have taken effect), for the checkers in [`crate::history`].

use super::slab::{Handle, Slab};
use super::{FailReason, LogEntry, LogKind, Outcome, Purpose, Req, Sim, NONE};
use crate::history::{self, ClientId, History, Op, OpId};
use crate::metrics::{round4, ConsistencyReport, DbCounts, DbReport, DbSide, Violation};
use crate::rng::{mix64, SimRng};
use crate::time::SimTime;
use crate::topology::cluster::{ClusterCfg, Consistency, ReadFrom, ReplicationMode};
use crate::topology::{NodeIx, Topology};
use std::collections::{BTreeMap, BTreeSet};

/// A write's timestamp: virtual time, then a per-cluster sequence number (unique). `ZERO` is "never written".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Version {
    ts: u64,
    seq: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cell {
    ver: Version,
    value: u64,
}

/// An engine event of the databases.
#[derive(Clone, Copy, Debug)]
pub(super) enum DbEv {
    Deliver { msg: u32 },
    OpTimeout { op: Handle<CoordOp> },
    Election { cluster: u32, term: u32 },
}

#[derive(Clone, Copy, Debug)]
enum Body {
    /// `hint`: the replica this write was meant for, when the receiver stands in for it (else `NONE`).
    /// `op`: the operation to acknowledge, if any.
    Write {
        op: Option<Handle<CoordOp>>,
        key: u64,
        cell: Cell,
        hint: u32,
    },
    WriteAck {
        op: Handle<CoordOp>,
    },
    Read {
        op: Handle<CoordOp>,
        key: u64,
    },
    ReadReply {
        op: Handle<CoordOp>,
        cell: Option<Cell>,
    },
    /// A coordinator asks the primary to run an operation (`write: None` is a read).
    Forward {
        op: Handle<CoordOp>,
        key: u64,
        write: Option<u64>,
    },
    /// The primary's answer: `ok`, with the cell read or written.
    ForwardReply {
        op: Handle<CoordOp>,
        ok: bool,
        cell: Option<Cell>,
    },
}

#[derive(Clone, Copy, Debug)]
struct Msg {
    cluster: u32,
    from: u32,
    to: u32,
    /// The sender's epoch: replication still in its lag window when the sender crashes is never shipped.
    epoch: u32,
    body: Body,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    /// A client request held by the coordinator's worker.
    Client { req: Handle<Req>, id: u64 },
    /// A replica forwarded it to this primary.
    Forward { from: u32, op: Handle<CoordOp> },
}

#[derive(Clone, Debug)]
pub(super) struct CoordOp {
    done: bool,
    cluster: u32,
    /// The coordinating replica (position in the cluster).
    at: u32,
    key: u64,
    /// The write's value, or `None` for a read.
    write: Option<u64>,
    cell: Option<Cell>,
    needed: u32,
    acks: u32,
    /// Read answers so far: (replica, cell), for the newest value and read repair.
    replies: Vec<(u32, Option<Cell>)>,
    origin: Origin,
}

/// How a recorded client operation ended, for the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Pending,
    Ok,
    Unavailable,
    Failed,
}

struct ClusterState {
    cfg: ClusterCfg,
    stores: Vec<BTreeMap<u64, Cell>>,
    /// Per replica, the newest version it applied (how up to date it is, for elections).
    applied: Vec<Version>,
    primary: Option<u32>,
    term: u32,
    next_seq: u64,
    /// Hinted handoff: (holder, intended replica, key, cell) for writes a stand-in took under a sloppy quorum.
    hints: Vec<(u32, u32, u64, Cell)>,
    /// Acknowledged writes (key, version) not known to be lost.
    acked: BTreeSet<(u64, Version)>,
    /// The newest acknowledged write of each key (ground truth for colouring stale reads).
    latest_acked: BTreeMap<u64, Version>,
    lost_writes: u64,
    failovers: u64,
    history: History,
    /// Per recorded operation: the side its client stood on (0 = connected) and how it ended.
    ops: Vec<(u32, Status)>,
}

/// The state of every cluster, and the client operations in flight on them.
pub(super) struct DbState {
    clusters: Vec<ClusterState>,
    /// Per node: (cluster, replica position), or `None`.
    member: Vec<Option<(u32, u32)>>,
    /// Per client: the cluster its requests reach, if any.
    client_cluster: Vec<Option<u32>>,
    msgs: Vec<Msg>,
    free_msgs: Vec<u32>,
    ops: Slab<CoordOp>,
    rng: SimRng,
    /// Per call slot: (call generation, cluster, recorded operation).
    calls: Vec<(u32, u32, OpId)>,
    /// What the database answered each client request (by request id): the cell a read saw, or the write.
    observed: BTreeMap<u64, Option<Cell>>,
}

impl DbState {
    pub(super) fn new(topo: &Topology, seed: u64, client_nodes: &[NodeIx]) -> DbState {
        let mut member = vec![None; topo.nodes.len()];
        let clusters: Vec<ClusterState> = topo
            .clusters
            .iter()
            .enumerate()
            .map(|(c, cfg)| {
                for (i, &n) in cfg.replicas.iter().enumerate() {
                    member[n as usize] = Some((c as u32, i as u32));
                }
                let size = cfg.replicas.len();
                ClusterState {
                    cfg: cfg.clone(),
                    stores: vec![BTreeMap::new(); size],
                    applied: vec![Version::default(); size],
                    primary: cfg.has_primary().then_some(0),
                    term: 0,
                    next_seq: 0,
                    hints: Vec::new(),
                    acked: BTreeSet::new(),
                    latest_acked: BTreeMap::new(),
                    lost_writes: 0,
                    failovers: 0,
                    history: History::new(),
                    ops: Vec::new(),
                }
            })
            .collect();
        // Each client's operations belong to the first cluster its requests can reach (breadth first).
        let client_cluster = client_nodes
            .iter()
            .map(|&start| {
                if clusters.is_empty() {
                    return None;
                }
                let mut seen = vec![false; topo.nodes.len()];
                let mut queue = std::collections::VecDeque::from([start]);
                seen[start as usize] = true;
                while let Some(n) = queue.pop_front() {
                    if let Some((c, _)) = member[n as usize] {
                        return Some(c);
                    }
                    for &e in &topo.out_edges[n as usize] {
                        let to = topo.edges[e as usize].to;
                        if !std::mem::replace(&mut seen[to as usize], true) {
                            queue.push_back(to);
                        }
                    }
                }
                None
            })
            .collect();
        DbState {
            clusters,
            member,
            client_cluster,
            msgs: Vec::new(),
            free_msgs: Vec::new(),
            ops: Slab::default(),
            rng: SimRng::derive(seed, 4_000_000),
            calls: Vec::new(),
            observed: BTreeMap::new(),
        }
    }

    /// Whether `node` is a replica of some cluster.
    #[inline]
    pub(super) fn is_replica(&self, node: NodeIx) -> bool {
        self.member.get(node as usize).is_some_and(Option::is_some)
    }

    fn apply(&mut self, c: u32, at: u32, key: u64, cell: Cell) {
        let cl = &mut self.clusters[c as usize];
        let slot = cl.stores[at as usize].entry(key).or_insert(cell);
        if cell.ver > slot.ver {
            *slot = cell;
        }
        let a = &mut cl.applied[at as usize];
        *a = (*a).max(cell.ver);
    }
}

/// The value a client call writes: unique per call slot and generation.
fn write_value(call: u32, call_gen: u32) -> u64 {
    (u64::from(call_gen) << 32) | u64::from(call)
}

impl Sim {
    // ----- client side: the history ------------------------------------------------------------------------

    /// True when `client`'s calls reach a cluster and the run has recorded all the operations it may
    /// ([`crate::limits::MAX_HISTORY_OPS`]).
    pub(super) fn db_history_full(&self, client: u32) -> bool {
        self.db.client_cluster.get(client as usize).copied().flatten().is_some()
            && self.db.clusters.iter().map(|c| c.ops.len()).sum::<usize>() >= crate::limits::MAX_HISTORY_OPS
    }

    /// A client started a call: record its invocation if its requests reach a cluster.
    pub(super) fn db_invoke(&mut self, call: u32) {
        let (client, key, class) = {
            let c = &self.calls[call];
            (c.client, c.key, c.class)
        };
        let gen = self.calls.handle(call).gen();
        let Some(cluster) = self.db.client_cluster.get(client as usize).copied().flatten() else {
            return;
        };
        let node = self.clients[client as usize].node;
        let op = if class.is_some_and(|c| c.is_write()) {
            Op::Write(write_value(call, gen))
        } else {
            Op::Read
        };
        let side = self.split.group_of(node).map_or(0, |g| g + 1);
        let cl = &mut self.db.clusters[cluster as usize];
        let id = cl.history.invoke(ClientId(u64::from(node)), key, op, SimTime(self.now));
        cl.ops.push((side, Status::Pending));
        let slots = &mut self.db.calls;
        if slots.len() <= call as usize {
            slots.resize(call as usize + 1, (0, NONE, id));
        }
        slots[call as usize] = (gen, cluster, id);
    }

    fn db_recorded(&self, call: u32) -> Option<(u32, OpId)> {
        let &(gen, cluster, id) = self.db.calls.get(call as usize)?;
        (cluster != NONE && gen == self.calls.handle(call).gen()).then_some((cluster, id))
    }

    /// A client call succeeded with the answer carried by `req`.
    pub(super) fn db_call_ok(&mut self, call: u32, req: u32) {
        let seen = self.db.observed.remove(&self.reqs[req].id);
        let Some((cluster, id)) = self.db_recorded(call) else {
            return;
        };
        let cl = &mut self.db.clusters[cluster as usize];
        let is_read = cl.history.get(id).is_some_and(|o| o.op() == Op::Read);
        // An answer that never touched the database (a cache hit, a queue's acknowledgement) says nothing
        // about the register: indeterminate.
        let outcome = match seen {
            Some(cell) if is_read => history::Outcome::Ok(cell.map(|c| c.value)),
            Some(_) => history::Outcome::Ok(None),
            None => history::Outcome::Info,
        };
        let _ = cl.history.complete(id, outcome, SimTime(self.now));
        cl.ops[id.index()].1 = Status::Ok;
        self.db.calls[call as usize].1 = NONE;
    }

    /// A client call failed for good.
    pub(super) fn db_call_failed(&mut self, call: u32, reason: FailReason) {
        let Some((cluster, id)) = self.db_recorded(call) else {
            return;
        };
        let cl = &mut self.db.clusters[cluster as usize];
        let is_read = cl.history.get(id).is_some_and(|o| o.op() == Op::Read);
        // A failed write may have been applied by some replica: indeterminate. A failed read changed nothing.
        let outcome = if is_read {
            history::Outcome::Fail
        } else {
            history::Outcome::Info
        };
        let _ = cl.history.complete(id, outcome, SimTime(self.now));
        cl.ops[id.index()].1 = if reason == FailReason::Unavailable {
            Status::Unavailable
        } else {
            Status::Failed
        };
        self.db.calls[call as usize].1 = NONE;
    }

    // ----- coordinator --------------------------------------------------------------------------------------

    /// A replica served a request: it coordinates the operation (called from `proceed`).
    pub(super) fn db_proceed(&mut self, req: u32) {
        let f = *self.top(req);
        if f.step != 0 {
            return;
        }
        self.top_mut(req).step = 1;
        let Some((cluster, at)) = self.db.member[f.node as usize] else {
            return;
        };
        let (key, class, id) = {
            let r = &self.reqs[req];
            (r.key, r.class, r.id)
        };
        // A write no client call made (a queued task, a flush, a shard's internal request) writes the
        // value of no call slot.
        let (call, call_gen) = match self.root_purpose(req) {
            Purpose::Attempt { call, .. } => (call.index(), call.gen()),
            _ => (NONE, 0),
        };
        let write = class.is_write().then(|| write_value(call, call_gen));
        let req = self.reqs.handle(req);
        let op = self.alloc_op(cluster, at, key, write, Origin::Client { req, id });
        self.start_op(op);
    }

    fn alloc_op(&mut self, cluster: u32, at: u32, key: u64, write: Option<u64>, origin: Origin) -> u32 {
        let (op, o) = self.db.ops.alloc(|| CoordOp {
            done: false,
            cluster,
            at,
            key,
            write,
            cell: None,
            needed: 0,
            acks: 0,
            replies: Vec::new(),
            origin,
        });
        o.done = false;
        o.cluster = cluster;
        o.at = at;
        o.key = key;
        o.write = write;
        o.cell = None;
        o.needed = 0;
        o.acks = 0;
        o.replies.clear();
        o.origin = origin;
        let timeout = self.db.clusters[cluster as usize].cfg.op_timeout_ns;
        self.queue
            .push(self.now.saturating_add(timeout), super::Ev::Db(DbEv::OpTimeout { op }));
        op.index()
    }

    fn new_cell(&mut self, cluster: u32, value: u64) -> Cell {
        let cl = &mut self.db.clusters[cluster as usize];
        cl.next_seq += 1;
        Cell {
            ver: Version {
                ts: self.now,
                seq: cl.next_seq,
            },
            value,
        }
    }

    /// The replicas holding `key` in quorum mode: `n` in a row from a position picked by the key's hash.
    fn preference(cfg: &ClusterCfg, key: u64) -> impl Iterator<Item = u32> {
        let size = cfg.replicas.len() as u64;
        let first = mix64(key) % size;
        (0..u64::from(cfg.n)).map(move |i| ((first + i) % size) as u32)
    }

    /// Where a quorum operation goes: the key's `n` replicas, each paired with `NONE`; under a sloppy quorum,
    /// a replica the coordinator cannot reach (down, or across the partition) is replaced by the next
    /// reachable replica outside the list, paired with the one it stands in for.
    fn targets(&self, cfg: &ClusterCfg, at: u32, key: u64) -> Vec<(u32, u32)> {
        let pref: Vec<u32> = Self::preference(cfg, key).collect();
        if !cfg.sloppy_quorum {
            return pref.into_iter().map(|p| (p, NONE)).collect();
        }
        let here = cfg.replicas[at as usize];
        let reachable = |r: u32| {
            let node = cfg.replicas[r as usize];
            self.nodes[node as usize].up && !self.split.cut(here, node)
        };
        let size = cfg.replicas.len() as u32;
        let first = pref.first().copied().unwrap_or(0);
        let mut spares = (cfg.n..size).map(|i| (first + i) % size).filter(|&r| reachable(r));
        pref.iter()
            .map(|&p| {
                if reachable(p) {
                    (p, NONE)
                } else {
                    spares.next().map_or((p, NONE), |s| (s, p))
                }
            })
            .collect()
    }

    /// Stand-ins hand their hinted writes to the replicas they were meant for, where both are up and connected.
    pub(super) fn hand_off(&mut self) {
        for c in 0..self.db.clusters.len() {
            let hints = std::mem::take(&mut self.db.clusters[c].hints);
            let mut kept = Vec::new();
            for (holder, target, key, cell) in hints {
                let cfg = &self.db.clusters[c].cfg;
                let (h, t) = (cfg.replicas[holder as usize], cfg.replicas[target as usize]);
                if self.nodes[h as usize].up && self.nodes[t as usize].up && !self.split.cut(h, t) {
                    self.db.apply(c as u32, target, key, cell);
                } else {
                    kept.push((holder, target, key, cell));
                }
            }
            self.db.clusters[c].hints = kept;
        }
    }

    fn start_op(&mut self, op: u32) {
        let (cluster, at, key, write) = {
            let o = &self.db.ops[op];
            (o.cluster, o.at, o.key, o.write)
        };
        let h = self.db.ops.handle(op);
        let cfg = self.db.clusters[cluster as usize].cfg.clone();
        if cfg.mode == ReplicationMode::Quorum {
            let pref = self.targets(&cfg, at, key);
            match write {
                Some(value) => {
                    let cell = self.new_cell(cluster, value);
                    let o = &mut self.db.ops[op];
                    o.cell = Some(cell);
                    o.needed = cfg.w;
                    for (to, hint) in pref {
                        self.db_send(
                            cluster,
                            at,
                            to,
                            Body::Write {
                                op: Some(h),
                                key,
                                cell,
                                hint,
                            },
                        );
                    }
                }
                None => {
                    self.db.ops[op].needed = cfg.r;
                    for (to, _) in pref {
                        self.db_send(cluster, at, to, Body::Read { op: h, key });
                    }
                }
            }
            return;
        }
        let primary = self.db.clusters[cluster as usize].primary;
        let local_read = write.is_none() && (cfg.read_from == ReadFrom::Replica || primary == Some(at));
        if local_read {
            let cell = self.db.clusters[cluster as usize].stores[at as usize]
                .get(&key)
                .copied();
            self.finish_op(op, true, cell);
        } else if primary == Some(at) {
            let value = write.unwrap_or_default();
            self.primary_write(op, value);
        } else if let Some(p) = primary {
            self.db_send(cluster, at, p, Body::Forward { op: h, key, write });
        }
        // With no primary (an election is pending) the operation waits for its timeout.
    }

    /// The primary (or, in AP mode, any replica cut off from it) applies a write and replicates it.
    fn primary_write(&mut self, op: u32, value: u64) {
        let (cluster, at, key) = {
            let o = &self.db.ops[op];
            (o.cluster, o.at, o.key)
        };
        let h = self.db.ops.handle(op);
        let cell = self.new_cell(cluster, value);
        let cfg = &self.db.clusters[cluster as usize].cfg;
        let others = cfg.replicas.len() as u32 - 1;
        let needed = match cfg.mode {
            ReplicationMode::Sync => others,
            ReplicationMode::SemiSync => others.min(1),
            _ => 0,
        };
        // A synchronous primary makes a write visible only once it commits (no dirty reads).
        if needed == 0 {
            self.db.apply(cluster, at, key, cell);
        }
        let o = &mut self.db.ops[op];
        o.cell = Some(cell);
        o.needed = needed;
        for to in 0..=others {
            if to != at {
                self.db_send(
                    cluster,
                    at,
                    to,
                    Body::Write {
                        op: (needed > 0).then_some(h),
                        key,
                        cell,
                        hint: NONE,
                    },
                );
            }
        }
        if needed == 0 {
            self.finish_op(op, true, Some(cell));
        }
    }

    /// The operation is settled: answer the client (or the forwarding replica). Late answers still feed
    /// read repair until the operation's timeout frees it.
    fn finish_op(&mut self, op: u32, ok: bool, cell: Option<Cell>) {
        let o = &mut self.db.ops[op];
        if o.done {
            return;
        }
        o.done = true;
        let (cluster, at, key, write, origin) = (o.cluster, o.at, o.key, o.write, o.origin);
        let repairs: Vec<u32> = if ok && write.is_none() && self.db.clusters[cluster as usize].cfg.read_repair {
            o.replies
                .iter()
                .filter(|(_, c)| c.map(|c| c.ver) < cell.map(|c| c.ver))
                .map(|&(r, _)| r)
                .collect()
        } else {
            Vec::new()
        };
        if let Some(cell) = cell {
            for to in repairs {
                self.db_send(
                    cluster,
                    at,
                    to,
                    Body::Write {
                        op: None,
                        key,
                        cell,
                        hint: NONE,
                    },
                );
            }
        }
        match origin {
            Origin::Forward { from, op } => {
                self.db_send(cluster, at, from, Body::ForwardReply { op, ok, cell });
            }
            Origin::Client { req, id } => {
                let cl = &mut self.db.clusters[cluster as usize];
                let mut stale = false;
                if ok {
                    match (write, cell) {
                        (Some(_), Some(c)) => {
                            cl.acked.insert((key, c.ver));
                            let latest = cl.latest_acked.entry(key).or_default();
                            *latest = (*latest).max(c.ver);
                        }
                        _ => {
                            stale = cl.latest_acked.get(&key).copied().unwrap_or_default()
                                > cell.map(|c| c.ver).unwrap_or_default();
                        }
                    }
                    self.db.observed.insert(id, cell);
                }
                if !self.reqs.is_live(req) {
                    return;
                }
                let req = req.index();
                let f = *self.top(req);
                let n = &self.nodes[f.node as usize];
                if !n.up || n.epoch != f.epoch {
                    self.fail_from_dead(req);
                } else if !ok {
                    self.respond(req, Outcome::Fail(FailReason::Unavailable));
                } else if stale {
                    self.respond(req, Outcome::Stale);
                } else {
                    self.respond(req, Outcome::Ok);
                }
            }
        }
    }

    /// The coordinator gave up waiting: CP fails, AP settles for what it has.
    fn op_timed_out(&mut self, op: u32) {
        let o = &self.db.ops[op];
        let (cluster, at, key, write) = (o.cluster, o.at, o.key, o.write);
        if o.done {
            return;
        }
        let cfg = &self.db.clusters[cluster as usize].cfg;
        if cfg.consistency == Consistency::Cp {
            self.finish_op(op, false, None);
            return;
        }
        if cfg.mode == ReplicationMode::Quorum {
            let best = o.replies.iter().filter_map(|r| r.1).max_by_key(|c| c.ver);
            match write {
                Some(_) if o.acks > 0 => {
                    let cell = o.cell;
                    self.finish_op(op, true, cell);
                }
                None if !o.replies.is_empty() => self.finish_op(op, true, best),
                _ => self.finish_op(op, false, None),
            }
            return;
        }
        // Primary modes, AP: the coordinator's own copy serves.
        match write {
            Some(_) if o.cell.is_some() => {
                // The primary sent it out; the replicas that answered are all it can have. It commits.
                let cell = o.cell;
                if let Some(cell) = cell {
                    self.db.apply(cluster, at, key, cell);
                }
                self.finish_op(op, true, cell);
            }
            Some(value) => {
                let cell = self.new_cell(cluster, value);
                self.db.apply(cluster, at, key, cell);
                let size = self.db.clusters[cluster as usize].cfg.replicas.len() as u32;
                for to in (0..size).filter(|&to| to != at) {
                    self.db_send(
                        cluster,
                        at,
                        to,
                        Body::Write {
                            op: None,
                            key,
                            cell,
                            hint: NONE,
                        },
                    );
                }
                self.finish_op(op, true, Some(cell));
            }
            None => {
                let cell = self.db.clusters[cluster as usize].stores[at as usize]
                    .get(&key)
                    .copied();
                self.finish_op(op, true, cell);
            }
        }
    }

    // ----- messages -----------------------------------------------------------------------------------------

    /// Sends a replication message between two replicas of `cluster` (delivered at once to oneself).
    fn db_send(&mut self, cluster: u32, from: u32, to: u32, body: Body) {
        let sender = self.db.clusters[cluster as usize].cfg.replicas[from as usize];
        let epoch = self.nodes[sender as usize].epoch;
        let msg = Msg {
            cluster,
            from,
            to,
            epoch,
            body,
        };
        if from == to {
            self.db_deliver(msg);
            return;
        }
        let cl = &self.db.clusters[cluster as usize];
        let (a, b) = (cl.cfg.replicas[from as usize], cl.cfg.replicas[to as usize]);
        if self.split.cut(a, b) {
            return;
        }
        let d = if cl.cfg.link_latency.is_zero() {
            0
        } else {
            cl.cfg.link_latency.sample_ns(&mut self.db.rng)
        };
        let ix = match self.db.free_msgs.pop() {
            Some(ix) => {
                self.db.msgs[ix as usize] = msg;
                ix
            }
            None => {
                self.db.msgs.push(msg);
                (self.db.msgs.len() - 1) as u32
            }
        };
        self.queue
            .push(self.now.saturating_add(d), super::Ev::Db(DbEv::Deliver { msg: ix }));
    }

    pub(super) fn on_db_event(&mut self, ev: DbEv) {
        match ev {
            DbEv::Deliver { msg } => {
                let m = self.db.msgs[msg as usize];
                self.db.free_msgs.push(msg);
                let cl = &self.db.clusters[m.cluster as usize];
                let (a, b) = (cl.cfg.replicas[m.from as usize], cl.cfg.replicas[m.to as usize]);
                // A partition that began in flight, or a crashed receiver, loses the message; so does a crash
                // of the sender while the message was still in its replication lag.
                let shipped = self.nodes[a as usize].epoch == m.epoch;
                if !self.split.cut(a, b) && self.nodes[b as usize].up && shipped {
                    self.db_deliver(m);
                }
            }
            DbEv::OpTimeout { op } => {
                if self.db.ops.is_live(op) {
                    self.op_timed_out(op.index());
                    self.db.ops.free(op.index());
                }
            }
            DbEv::Election { cluster, term } => self.election(cluster, term),
        }
    }

    fn db_deliver(&mut self, m: Msg) {
        let c = m.cluster;
        match m.body {
            Body::Write { op, key, cell, hint } => {
                self.db.apply(c, m.to, key, cell);
                if hint != NONE {
                    self.db.clusters[c as usize].hints.push((m.to, hint, key, cell));
                }
                if let Some(op) = op {
                    self.db_send(c, m.to, m.from, Body::WriteAck { op });
                }
            }
            Body::WriteAck { op } => {
                if self.db.ops.is_live(op) {
                    let op = op.index();
                    let o = &mut self.db.ops[op];
                    o.acks += 1;
                    if o.acks >= o.needed && !o.done {
                        let (at, key, cell) = (o.at, o.key, o.cell);
                        if let Some(cell) = cell.filter(|_| self.db.clusters[c as usize].cfg.has_primary()) {
                            self.db.apply(c, at, key, cell);
                        }
                        self.finish_op(op, true, cell);
                    }
                }
            }
            Body::Read { op, key } => {
                let cell = self.db.clusters[c as usize].stores[m.to as usize].get(&key).copied();
                self.db_send(c, m.to, m.from, Body::ReadReply { op, cell });
            }
            Body::ReadReply { op, cell } => {
                if !self.db.ops.is_live(op) {
                    return;
                }
                let op = op.index();
                let o = &mut self.db.ops[op];
                o.replies.push((m.from, cell));
                if o.done {
                    // A late answer: repair it if it is behind what the read returned.
                    let (at, key, best) = (o.at, o.key, o.cell);
                    if self.db.clusters[c as usize].cfg.read_repair {
                        if let Some(best) = best.filter(|b| cell.map(|c| c.ver) < Some(b.ver)) {
                            self.db_send(
                                c,
                                at,
                                m.from,
                                Body::Write {
                                    op: None,
                                    key,
                                    cell: best,
                                    hint: NONE,
                                },
                            );
                        }
                    }
                } else if o.replies.len() as u32 >= o.needed {
                    let best = o.replies.iter().filter_map(|r| r.1).max_by_key(|c| c.ver);
                    o.cell = best;
                    self.finish_op(op, true, best);
                }
            }
            Body::Forward { op, key, write } => {
                if self.db.clusters[c as usize].primary != Some(m.to) {
                    return;
                }
                let sub = self.alloc_op(c, m.to, key, write, Origin::Forward { from: m.from, op });
                self.start_op(sub);
            }
            Body::ForwardReply { op, ok, cell } => {
                if self.db.ops.get(op).is_some_and(|o| !o.done) {
                    let op = op.index();
                    if ok {
                        self.db.ops[op].cell = cell;
                        self.finish_op(op, true, cell);
                    } else if self.db.clusters[c as usize].cfg.consistency == Consistency::Cp {
                        self.finish_op(op, false, None);
                    }
                }
            }
        }
    }

    // ----- failover and healing -----------------------------------------------------------------------------

    /// A node crashed: if it was a primary, an election follows after the timeout.
    pub(super) fn db_on_crash(&mut self, node: NodeIx) {
        let Some((c, at)) = self.db.member[node as usize] else {
            return;
        };
        let cl = &mut self.db.clusters[c as usize];
        if cl.primary == Some(at) {
            cl.primary = None;
            cl.term += 1;
            let term = cl.term;
            let at = self.now.saturating_add(cl.cfg.election_timeout_ns);
            self.queue.push(at, super::Ev::Db(DbEv::Election { cluster: c, term }));
        }
    }

    /// A node recovered: an old primary rejoins as a replica and copies the primary's data (its own writes
    /// that never replicated are rolled back).
    pub(super) fn db_on_recover(&mut self, node: NodeIx) {
        let Some((c, at)) = self.db.member[node as usize] else {
            return;
        };
        let cl = &mut self.db.clusters[c as usize];
        if let Some(p) = cl.primary.filter(|&p| p != at) {
            cl.stores[at as usize] = cl.stores[p as usize].clone();
            cl.applied[at as usize] = cl.applied[p as usize];
        }
        self.hand_off();
    }

    fn election(&mut self, c: u32, term: u32) {
        let cl = &self.db.clusters[c as usize];
        if cl.term != term || cl.primary.is_some() {
            return;
        }
        let up = |i: usize| self.nodes[cl.cfg.replicas[i] as usize].up;
        // The most up-to-date live replica wins (the lowest position among equals).
        let winner = (0..cl.cfg.replicas.len())
            .filter(|&i| up(i))
            .max_by_key(|&i| (cl.applied[i], std::cmp::Reverse(i)));
        let Some(w) = winner else {
            let at = self.now.saturating_add(cl.cfg.election_timeout_ns);
            self.queue.push(at, super::Ev::Db(DbEv::Election { cluster: c, term }));
            return;
        };
        let node = cl.cfg.replicas[w];
        let cl = &mut self.db.clusters[c as usize];
        // Acknowledged writes the new primary never received are gone.
        let store = &cl.stores[w];
        let lost: Vec<(u64, Version)> = cl
            .acked
            .iter()
            .filter(|&&(key, ver)| store.get(&key).is_none_or(|cell| cell.ver < ver))
            .copied()
            .collect();
        for l in &lost {
            cl.acked.remove(l);
        }
        cl.lost_writes += lost.len() as u64;
        cl.primary = Some(w as u32);
        cl.failovers += 1;
        // Live replicas follow the new primary's history.
        for i in 0..cl.cfg.replicas.len() {
            if i != w && self.nodes[cl.cfg.replicas[i] as usize].up {
                cl.stores[i] = cl.stores[w].clone();
                cl.applied[i] = cl.applied[w];
            }
        }
        self.log.push(LogEntry {
            at: SimTime(self.now),
            kind: LogKind::Promoted { node },
        });
    }

    /// The partition is healing: anti-entropy makes every live replica hold the newest version of each key.
    /// A side whose newest version of a key was a write acknowledged during the partition, beaten by another
    /// side's acknowledged write, lost that update.
    pub(super) fn db_on_heal(&mut self) {
        let since = self.split.since;
        for c in 0..self.db.clusters.len() {
            let cl = &self.db.clusters[c];
            let live: Vec<usize> = (0..cl.cfg.replicas.len())
                .filter(|&i| self.nodes[cl.cfg.replicas[i] as usize].up)
                .collect();
            let keys: BTreeSet<u64> = live.iter().flat_map(|&i| cl.stores[i].keys().copied()).collect();
            let mut lost = 0;
            let mut merged = Vec::new();
            for key in keys {
                // Newest version per side.
                let mut sides: BTreeMap<u32, Cell> = BTreeMap::new();
                for &i in &live {
                    let side = self.split.group_of(cl.cfg.replicas[i]).unwrap_or(NONE);
                    if let Some(&cell) = cl.stores[i].get(&key) {
                        let s = sides.entry(side).or_insert(cell);
                        if cell.ver > s.ver {
                            *s = cell;
                        }
                    }
                }
                let Some(winner) = sides.values().max_by_key(|c| c.ver).copied() else {
                    continue;
                };
                // A conflict: both sides acknowledged a write during the partition; the older one is discarded.
                // (A failed write that reached a few replicas can win too, but it was never acknowledged: the
                // history holds it as indeterminate, and no update is lost to it that a client was promised.)
                let acked = |c: &Cell| c.ver.ts >= since && cl.acked.contains(&(key, c.ver));
                if acked(&winner) {
                    lost += sides.values().filter(|s| s.ver < winner.ver && acked(s)).count() as u64;
                }
                merged.push((key, winner));
            }
            for (key, cell) in merged {
                for &i in &live {
                    self.db.apply(c as u32, i as u32, key, cell);
                }
            }
            self.db.clusters[c].lost_writes += lost;
        }
    }

    // ----- results ------------------------------------------------------------------------------------------

    /// The recorded history of client operations on each cluster, by cluster id.
    pub fn db_histories(&self) -> Vec<(&str, &History)> {
        self.db
            .clusters
            .iter()
            .map(|c| (c.cfg.id.as_str(), &c.history))
            .collect()
    }

    /// Runs the linearizability checker over every cluster's history, and sums the counters of the report.
    pub fn check_consistency(&self, options: &history::CheckOptions) -> ConsistencyReport {
        let mut linearizable = serde_json::Value::Bool(true);
        let mut violation = None;
        for cl in &self.db.clusters {
            match history::check(&cl.history, options) {
                history::Verdict::Linearizable => {}
                history::Verdict::NotLinearizable { key, ops, .. } => {
                    if violation.is_none() {
                        violation = Some(Violation {
                            cluster: cl.cfg.id.clone(),
                            key,
                            ops: ops.iter().map(|o| o.index()).collect(),
                        });
                    }
                    linearizable = serde_json::Value::Bool(false);
                }
                _ => {
                    if linearizable == serde_json::Value::Bool(true) {
                        linearizable = serde_json::Value::String("unknown".into());
                    }
                }
            }
        }
        let reports = self.db_reports();
        let (mut ops, mut ok) = (0, 0);
        let mut sides: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for r in &reports {
            ops += r.all.ops;
            ok += r.all.ok;
            for s in &r.by_side {
                let e = sides.entry(s.side.clone()).or_default();
                e.0 += s.counts.ops;
                e.1 += s.counts.ok;
            }
        }
        let ratio = |ok: u64, ops: u64| if ops == 0 { 0.0 } else { round4(ok as f64 / ops as f64) };
        ConsistencyReport {
            linearizable,
            violation,
            stale_reads: reports.iter().map(|r| r.all.stale_reads).sum(),
            lost_writes: reports.iter().map(|r| r.lost_writes).sum(),
            availability: ratio(ok, ops),
            availability_by_side: sides.into_iter().map(|(k, (ops, ok))| (k, ratio(ok, ops))).collect(),
        }
    }

    /// Whether the scenario has replicated databases to check.
    pub fn has_clusters(&self) -> bool {
        !self.db.clusters.is_empty()
    }

    pub(super) fn db_reports(&self) -> Vec<DbReport> {
        self.db
            .clusters
            .iter()
            .map(|cl| {
                let stale: BTreeSet<usize> = history::stale_reads(&cl.history).iter().map(|o| o.index()).collect();
                let mut all = DbCounts::default();
                let mut sides: BTreeMap<u32, DbCounts> = BTreeMap::new();
                for (i, (op, &(side, status))) in cl.history.iter().zip(&cl.ops).enumerate() {
                    let is_read = op.1.op() == Op::Read;
                    for counts in [&mut all, sides.entry(side).or_default()] {
                        counts.ops += 1;
                        match status {
                            Status::Ok => {
                                counts.ok += 1;
                                if is_read && matches!(op.1.outcome(), history::Outcome::Ok(_)) {
                                    counts.reads_ok += 1;
                                }
                            }
                            Status::Unavailable => counts.unavailable += 1,
                            Status::Failed | Status::Pending => counts.other_failures += 1,
                        }
                        if stale.contains(&i) {
                            counts.stale_reads += 1;
                        }
                    }
                }
                let finish = |mut c: DbCounts| {
                    c.availability = if c.ops == 0 {
                        0.0
                    } else {
                        round4(c.ok as f64 / c.ops as f64)
                    };
                    c
                };
                DbReport {
                    cluster: cl.cfg.id.clone(),
                    mode: match cl.cfg.mode {
                        ReplicationMode::Async => "async",
                        ReplicationMode::Sync => "sync",
                        ReplicationMode::SemiSync => "semi_sync",
                        ReplicationMode::Quorum => "quorum",
                    },
                    consistency: match cl.cfg.consistency {
                        Consistency::Cp => "cp",
                        Consistency::Ap => "ap",
                    },
                    all: finish(all),
                    lost_writes: cl.lost_writes,
                    failovers: cl.failovers,
                    by_side: sides
                        .into_iter()
                        .map(|(side, counts)| DbSide {
                            side: if side == 0 {
                                "connected".to_string()
                            } else {
                                format!("side {side}")
                            },
                            counts: finish(counts),
                        })
                        .collect(),
                }
            })
            .collect()
    }
}
