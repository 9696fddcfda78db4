//! Storage engines at run time: the operation each request performs on a `database` node with an `engine`, what
//! it costs there ([`crate::dbengine`]), and what a cost formula cannot hold by itself:
//! - **row locks**: a transaction takes its key's row lock when a worker takes it, waits for it in FIFO order
//!   while holding the worker, and keeps it until its service ends; a waiter past `lock_timeout_ms` aborts;
//! - **an LSM tree**: every `memtable_rows` writes flush a new sorted run, which every later read checks; at
//!   `compaction_threshold` runs a compaction merges them while the node serves at `1 - compaction_share`
//!   of its speed;
//! - **a key-value store's memory**: the keys it holds (LRU); full, it evicts or refuses new keys;
//! - **denormalized copies**: while a write rewrites the copies of an entity, a read of them is stale;
//! - **round trips**: a document store's join answers only after its extra queries' waits, without a worker.
//!
//! Requests without an operation (workloads with a class `mix`) are a `get` when they read and a `put` when
//! they write.

use super::slab::Handle;
use super::{Ev, FailReason, Outcome, Req, Sim};
use crate::cache::{Capacity, Eviction};
use crate::dbengine::{DbOp, EngineCfg, OpCost, Profile, WhenFull, OP_KINDS};
use crate::metrics::{round4, EngineOpReport, EngineReport, UnsupportedReport};
use crate::scenario::v1::values::OpKind;
use crate::time::SimTime;
use crate::topology::NodeIx;
use std::collections::{BTreeMap, VecDeque};
use std::num::NonZeroU64;

/// A storage engine's own events.
#[derive(Clone, Copy, Debug)]
pub(super) enum StorageEv {
    /// A transaction waiting for a row lock gives up (if it still waits: the lock of its key's row at the node
    /// on top of its stack).
    LockTimeout { req: Handle<Req> },
    /// A document store's join has waited for its extra round trips.
    RoundTrips { req: Handle<Req> },
    /// A compaction of the LSM tree is over.
    CompactionDone { node: NodeIx, epoch: u32 },
}

/// A transaction waiting for a row lock: its worker time once it has the lock, and since when it waits.
#[derive(Clone, Copy, Debug)]
struct Waiter {
    req: Handle<Req>,
    dt: u64,
    since: u64,
}

/// A held row lock: its holder (the request id) and the queue behind it.
#[derive(Debug, Default)]
struct RowLock {
    holder: u64,
    waiters: VecDeque<Waiter>,
}

/// Counters of one engine.
#[derive(Clone, Debug, Default)]
struct EngineStats {
    /// Per operation (in [`OP_KINDS`] order): served, and the workers' time spent on them.
    served: [u64; 8],
    service_ns: [u128; 8],
    unsupported: u64,
    /// Per operation (in [`OP_KINDS`] order): requests refused as unsupported.
    unsupported_by_op: [u64; 8],
    /// Transactions that took a row lock, those that had to wait for it, and their waits.
    locked: u64,
    lock_waits: u64,
    lock_wait_ns: u128,
    lock_wait_max_ns: u64,
    aborts: u64,
    flushes: u64,
    compactions: u64,
    max_runs: u32,
    hits: u64,
    misses: u64,
    evictions: u64,
    refused_full: u64,
    stale_reads: u64,
}

/// One database's engine state.
pub(super) struct Storage {
    locks: BTreeMap<u64, RowLock>,
    /// Wide-column: sorted runs on disk, writes in the memtable, and whether a compaction runs.
    runs: u32,
    memtable: u32,
    compacting: bool,
    /// The runs the running compaction merges (those there when it started).
    merging: u32,
    /// Key-value with a memory limit: the keys it holds.
    keys: Option<Box<dyn Eviction + Send>>,
    /// Document, denormalized: keys whose copies a write is rewriting now (how many such writes).
    updating: BTreeMap<u64, u32>,
    stats: EngineStats,
}

fn op_slot(k: OpKind) -> usize {
    OP_KINDS.iter().position(|&x| x == k).unwrap_or(0)
}

fn new_keys(cfg: &EngineCfg, seed: u64, node: usize) -> Option<Box<dyn Eviction + Send>> {
    let cap = Capacity::objects(NonZeroU64::new(cfg.capacity?)?);
    crate::cache::build(
        crate::cache::Policy::Lru,
        cap,
        crate::rng::mix64(seed ^ (7_000_000 + node as u64)),
    )
    .ok()
}

impl Storage {
    pub(super) fn new(cfg: &EngineCfg, seed: u64, node: usize) -> Storage {
        Storage {
            locks: BTreeMap::new(),
            runs: u32::from(cfg.profile == Profile::WideColumn),
            memtable: 0,
            compacting: false,
            merging: 0,
            keys: new_keys(cfg, seed, node),
            updating: BTreeMap::new(),
            stats: EngineStats {
                max_runs: u32::from(cfg.profile == Profile::WideColumn),
                ..EngineStats::default()
            },
        }
    }
}

/// What a request may cost its database: the service to add, or why it fails before taking a worker.
pub(super) enum Plan {
    Serve { extra_ns: u64, cost: OpCost },
    Refuse(FailReason),
}

impl Sim {
    /// The operation `req` performs: its workload's, or a get or put by its class.
    fn op_of(&self, req: u32) -> DbOp {
        let r = &self.reqs[req];
        r.op.unwrap_or_else(|| DbOp::simple(if r.class.is_write() { OpKind::Put } else { OpKind::Get }))
    }

    /// Before a worker takes `req` at engine node `ni`: its cost, or its refusal (unsupported, out of memory),
    /// counted.
    pub(super) fn storage_plan(&mut self, ni: usize, req: u32) -> Plan {
        let op = self.op_of(req);
        let key = self.reqs[req].key;
        let (cfg, st) = match (&self.topo.nodes[ni].engine, self.storage[ni].as_deref_mut()) {
            (Some(c), Some(s)) => (c, s),
            _ => {
                return Plan::Serve {
                    extra_ns: 0,
                    cost: OpCost::default(),
                }
            }
        };
        let cost = match cfg.cost(&op, st.runs) {
            Ok(c) => c,
            Err(_) => {
                st.stats.unsupported += 1;
                st.stats.unsupported_by_op[op_slot(op.kind)] += 1;
                return Plan::Refuse(FailReason::Unsupported);
            }
        };
        let now = SimTime(self.now);
        if let Some(keys) = st.keys.as_mut() {
            if op.kind == OpKind::Get {
                if keys.get(key, now) {
                    st.stats.hits += 1;
                } else {
                    st.stats.misses += 1;
                }
            } else if !keys.contains(key, now) && keys.len() as u64 >= keys.capacity().limit() {
                if cfg.when_full == WhenFull::Refuse {
                    st.stats.refused_full += 1;
                    return Plan::Refuse(FailReason::OutOfMemory);
                }
                keys.insert(key, 1, None, now);
                st.stats.evictions += keys.evicted().len() as u64;
            } else {
                keys.insert(key, 1, None, now);
            }
        }
        match op.kind {
            OpKind::Put if cfg.profile == Profile::Document && cfg.joins == crate::dbengine::DocJoins::Denormalized => {
                *st.updating.entry(key).or_insert(0) += 1;
            }
            OpKind::Join if st.updating.contains_key(&key) => st.stats.stale_reads += 1,
            OpKind::Put if cfg.profile == Profile::WideColumn => {
                st.memtable += 1;
            }
            _ => {}
        }
        Plan::Serve {
            extra_ns: cost.service_ns as u64,
            cost,
        }
    }

    /// The node's speed factor from its engine (a compaction takes a share of it).
    pub(super) fn storage_speed(&self, ni: usize) -> f64 {
        match (&self.topo.nodes[ni].engine, self.storage[ni].as_deref()) {
            (Some(c), Some(s)) if s.compacting => 1.0 - c.compaction_share,
            _ => 1.0,
        }
    }

    /// A transaction's worker took `req` with `dt` of work: it takes its row lock, or waits for it (true: it
    /// waits, its service starts when the lock is its).
    pub(super) fn storage_lock(&mut self, ni: usize, req: u32, dt: u64) -> bool {
        let (key, id) = (self.reqs[req].key, self.reqs[req].id);
        let h = self.reqs.handle(req);
        let now = self.now;
        let timeout = self.topo.nodes[ni].engine.as_ref().and_then(|c| c.lock_timeout_ns);
        let Some(st) = self.storage[ni].as_deref_mut() else {
            return false;
        };
        match st.locks.get_mut(&key) {
            None => {
                st.locks.insert(
                    key,
                    RowLock {
                        holder: id,
                        waiters: VecDeque::new(),
                    },
                );
                st.stats.locked += 1;
                self.storage_worked(ni, req, dt);
                false
            }
            Some(lock) => {
                // Its service has not started: it is counted served when it has the lock (an abort never is).
                lock.waiters.push_back(Waiter { req: h, dt, since: now });
                if let Some(t) = timeout {
                    self.queue
                        .push(now.saturating_add(t), Ev::Storage(StorageEv::LockTimeout { req: h }));
                }
                true
            }
        }
    }

    /// A worker finished `req` at engine node `ni` after `dt_ns` of work (counted when it started): its
    /// lock passes on, the LSM flushes, the copies are current. True when the answer must first wait for
    /// round trips (then the worker is free now and [`StorageEv::RoundTrips`] continues).
    pub(super) fn storage_served(&mut self, req: u32, node: NodeIx) -> bool {
        let ni = node as usize;
        let op = self.op_of(req);
        let (key, id) = (self.reqs[req].key, self.reqs[req].id);
        let Some(cfg) = self.topo.nodes[ni].engine.as_deref() else {
            return false;
        };
        let (delay, memtable_rows, threshold, compact_per_row) = (
            cfg.cost(&op, 0).map_or(0.0, |c| c.delay_ns) as u64,
            cfg.memtable_rows,
            cfg.compaction_threshold,
            cfg.compact_ns_per_row,
        );
        let locks = cfg.cost(&op, 0).is_ok_and(|c| c.locks_row);
        let epoch = self.nodes[ni].epoch;
        let now = self.now;
        let Some(st) = self.storage[ni].as_deref_mut() else {
            return false;
        };
        if op.kind == OpKind::Put {
            if let Some(n) = st.updating.get_mut(&key) {
                *n -= 1;
                if *n == 0 {
                    st.updating.remove(&key);
                }
            }
        }
        // The LSM's memtable is full: each memtable_rows of its writes become a sorted run (writes beyond them,
        // started meanwhile, stay for the next); enough runs start a compaction.
        while cfg_is_wide(&self.topo.nodes[ni].engine) && st.memtable >= memtable_rows {
            st.memtable -= memtable_rows;
            st.runs += 1;
            st.stats.flushes += 1;
            st.stats.max_runs = st.stats.max_runs.max(st.runs);
            if st.runs >= threshold && !st.compacting {
                st.compacting = true;
                st.merging = st.runs;
                st.stats.compactions += 1;
                let rows = f64::from(st.runs) * f64::from(memtable_rows);
                let dur = (rows * compact_per_row).min(crate::limits::MAX_TIME_MS * 1e6) as u64;
                self.queue.push(
                    now.saturating_add(dur.max(1)),
                    Ev::Storage(StorageEv::CompactionDone { node, epoch }),
                );
            }
        }
        if locks {
            self.unlock(ni, key, id);
        }
        if delay > 0 {
            let f = self.top_mut(req);
            if f.holding {
                f.holding = false;
                self.release(node);
            }
            let h = self.reqs.handle(req);
            self.queue.push(
                self.now.saturating_add(delay),
                Ev::Storage(StorageEv::RoundTrips { req: h }),
            );
            return true;
        }
        false
    }

    /// Counts a worker's time on an operation at engine node `ni`.
    pub(super) fn storage_worked(&mut self, ni: usize, req: u32, dt: u64) {
        let k = op_slot(self.op_of(req).kind);
        if let Some(st) = self.storage[ni].as_deref_mut() {
            st.stats.served[k] += 1;
            st.stats.service_ns[k] += u128::from(dt);
        }
    }

    /// The lock of row `key` at `ni` passes from request `id` to its first live waiter, whose service starts.
    fn unlock(&mut self, ni: usize, key: u64, id: u64) {
        let now = self.now;
        let Some(st) = self.storage[ni].as_deref_mut() else {
            return;
        };
        let Some(lock) = st.locks.get_mut(&key) else {
            return;
        };
        if lock.holder != id {
            return;
        }
        while let Some(w) = lock.waiters.pop_front() {
            if !self.reqs.is_live(w.req) {
                continue;
            }
            let req = w.req.index();
            lock.holder = self.reqs[req].id;
            let wait = now - w.since;
            st.stats.locked += 1;
            st.stats.lock_waits += 1;
            st.stats.lock_wait_ns += u128::from(wait);
            st.stats.lock_wait_max_ns = st.stats.lock_wait_max_ns.max(wait);
            self.queue
                .push(now.saturating_add(w.dt), Ev::ServiceDone { req: w.req });
            self.storage_worked(ni, req, w.dt);
            return;
        }
        st.locks.remove(&key);
    }

    pub(super) fn on_storage_event(&mut self, ev: StorageEv) {
        match ev {
            StorageEv::LockTimeout { req } => {
                if !self.reqs.is_live(req) {
                    return;
                }
                let (ni, key) = (self.top(req.index()).node as usize, self.reqs[req.index()].key);
                let Some(st) = self.storage[ni].as_deref_mut() else {
                    return;
                };
                let Some(lock) = st.locks.get_mut(&key) else {
                    return;
                };
                let Some(pos) = lock.waiters.iter().position(|w| w.req == req) else {
                    return;
                };
                lock.waiters.remove(pos);
                st.stats.aborts += 1;
                self.respond(req.index(), Outcome::Fail(FailReason::Aborted));
            }
            StorageEv::RoundTrips { req } => {
                if self.reqs.is_live(req) {
                    self.finish_service(req.index());
                }
            }
            StorageEv::CompactionDone { node, epoch } => {
                let ni = node as usize;
                if self.nodes[ni].epoch != epoch {
                    return;
                }
                if let Some(st) = self.storage[ni].as_deref_mut() {
                    // The merged runs become one; runs flushed meanwhile stay.
                    st.compacting = false;
                    st.runs = st.runs.saturating_sub(st.merging) + 1;
                }
            }
        }
    }

    /// A crashed engine node: transactions waiting for its locks fail with it; a key-value store's memory is
    /// gone; an LSM tree keeps its runs (they are on disk) but its compaction stops.
    pub(super) fn storage_crashed(&mut self, node: NodeIx) {
        let ni = node as usize;
        let seed = self.seed ^ u64::from(self.nodes[ni].epoch);
        let Some(cfg) = self.topo.nodes[ni].engine.as_deref() else {
            return;
        };
        let keys = new_keys(cfg, seed, ni);
        let Some(st) = self.storage[ni].as_deref_mut() else {
            return;
        };
        let waiters: Vec<Handle<Req>> = std::mem::take(&mut st.locks)
            .into_values()
            .flat_map(|l| l.waiters.into_iter().map(|w| w.req))
            .collect();
        st.keys = keys;
        st.updating.clear();
        st.compacting = false;
        for r in waiters {
            if self.reqs.is_live(r) {
                self.fail_from_dead(r.index());
            }
        }
    }

    /// One entry per engine node, in topology order.
    pub(super) fn engine_reports(&self) -> Vec<EngineReport> {
        let mut out = Vec::new();
        for (ni, st) in self.storage.iter().enumerate() {
            let (Some(st), Some(cfg)) = (st.as_deref(), self.topo.nodes[ni].engine.as_deref()) else {
                continue;
            };
            let s = &st.stats;
            let ms = |ns: u128, n: u64| {
                if n == 0 {
                    0.0
                } else {
                    round4(ns as f64 / n as f64 / 1e6)
                }
            };
            let wide = cfg.profile == Profile::WideColumn;
            out.push(EngineReport {
                node: self.topo.nodes[ni].id.clone(),
                profile: crate::dbengine::spec::Profile::NAMES[profile_ix(cfg.profile)],
                ops: OP_KINDS
                    .iter()
                    .enumerate()
                    .filter(|&(k, _)| s.served[k] > 0)
                    .map(|(k, &op)| EngineOpReport {
                        op: crate::dbengine::op_name(op),
                        served: s.served[k],
                        mean_service_ms: ms(s.service_ns[k], s.served[k]),
                    })
                    .collect(),
                unsupported: s.unsupported,
                unsupported_ops: OP_KINDS
                    .iter()
                    .enumerate()
                    .filter(|&(k, _)| s.unsupported_by_op[k] > 0)
                    .map(|(k, &op)| UnsupportedReport {
                        op: crate::dbengine::op_name(op),
                        refused: s.unsupported_by_op[k],
                        reason: cfg.cost(&DbOp::simple(op), 0).err().unwrap_or(""),
                    })
                    .collect(),
                transactions: s.locked,
                lock_waits: s.lock_waits,
                lock_wait_mean_ms: ms(s.lock_wait_ns, s.locked),
                lock_wait_max_ms: round4(s.lock_wait_max_ns as f64 / 1e6),
                aborts: s.aborts,
                runs: wide.then_some(st.runs),
                max_runs: wide.then_some(s.max_runs),
                flushes: s.flushes,
                compactions: s.compactions,
                keys: st.keys.as_ref().map(|k| k.len() as u64),
                hits: s.hits,
                misses: s.misses,
                evictions: s.evictions,
                refused_full: s.refused_full,
                stale_reads: s.stale_reads,
            });
        }
        out
    }
}

fn cfg_is_wide(c: &Option<Box<EngineCfg>>) -> bool {
    c.as_deref().is_some_and(|c| c.profile == Profile::WideColumn)
}

fn profile_ix(p: Profile) -> usize {
    [
        Profile::Relational,
        Profile::KeyValue,
        Profile::Document,
        Profile::WideColumn,
        Profile::Graph,
    ]
    .iter()
    .position(|&x| x == p)
    .unwrap_or(0)
}
