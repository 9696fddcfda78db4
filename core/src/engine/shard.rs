//! Shard routers in the engine: placement through a [`Partitioner`] (or by request class, for vertical
//! partitioning), directory lookups with an optional router cache, cross-shard queries that fan out and
//! gather, rebalancing (a shard added or removed at runtime, its moved keys copied as migration traffic), and
//! the per-shard load and data size behind each router's skew. Also the database index cost model's hook.
//!
//! A request at a router walks these steps (the router's frame `step`):
//! `0` arrived; `1` waiting for the directory; `STEP_SHARD + slot` sent to shard `slot` (its position among
//! the router's shard edges); `STEP_GATHER` waiting for the parts of a cross-shard query. Internal requests
//! (the parts of a query, migration copies) have a root frame at the router and a [`Purpose`] that says so,
//! so their answers come back here and not to a client or a queue.

use super::slab::Handle;
use super::{Ev, Frame, Outcome, Purpose, Req, Sim, NONE};
use crate::cache::{Capacity, Eviction};
use crate::metrics::{
    ns_to_ms, round4, FailReason, FanoutReport, RebalanceReport, ShardReport, ShardRouterReport, ShardWindow,
};
use crate::partition::{PartitionError, Partitioner, ShardId};
use crate::scenario::v1;
use crate::time::SimTime;
use crate::topology::{Behavior, EdgeIx, NodeIx, NodeKind, ShardCfg, ShardMode, Topology};
use crate::workload::Class;
use hdrhistogram::Histogram;
use std::collections::{BTreeMap, VecDeque};
use std::num::NonZeroU64;

const STEP_DIRECTORY: u32 = 1;
const STEP_SHARD: u32 = 16;
const STEP_GATHER: u32 = 2;

fn hist() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 86_400_000_000_000, 3).expect("static bounds")
}

/// One shard edge of a router.
struct Slot {
    edge: EdgeIx,
    node: NodeIx,
    active: bool,
    requests: u64,
    writes: u64,
    keys: u64,
    rtt: Histogram<u64>,
}

/// A cross-shard query waiting for its parts.
struct Gather {
    query: Handle<Req>,
    remaining: u32,
    failed: Option<Outcome>,
    start: u64,
}

/// The runtime state of one shard router.
pub(super) struct ShardState {
    part: Option<Box<dyn Partitioner + Send>>,
    /// Active members: partitioner id → slot.
    members: BTreeMap<ShardId, usize>,
    slots: Vec<Slot>,
    directory: Option<EdgeIx>,
    /// Written keys: key → (write index, slot that holds it).
    data: BTreeMap<u64, (u64, usize)>,
    write_index: u64,
    cache: Option<Box<dyn Eviction + Send>>,
    cache_hits: u64,
    cache_misses: u64,
    directory_lookups: u64,
    gathers: BTreeMap<u32, Gather>,
    fanout: Histogram<u64>,
    fanout_queries: u64,
    fanout_failed: u64,
    /// Key copies still to make: `(key, from slot, to slot)`.
    migration: VecDeque<(u64, usize, usize)>,
    migrating: bool,
    migrated: u64,
    migration_failed: u64,
    rebalances: Vec<RebalanceReport>,
    windows: Vec<ShardWindow>,
}

impl ShardState {
    /// The state of router `node` from its validated configuration and the shards it starts with.
    pub(super) fn new(
        s: &v1::Scenario,
        topo: &Topology,
        node: NodeIx,
        cfg: &ShardCfg,
        seed: u64,
    ) -> Option<Box<ShardState>> {
        let initial = crate::topology::initial_shards(s, topo, node);
        let mut slots = Vec::new();
        let mut members = BTreeMap::new();
        let mut directory = None;
        for &e in &topo.out_edges[node as usize] {
            let to = topo.edges[e as usize].to;
            if topo.nodes[to as usize].kind == NodeKind::Directory {
                directory = directory.or(Some(e));
                continue;
            }
            let active = initial.contains(&e);
            if active {
                members.insert(ShardId(members.len() as u32), slots.len());
            }
            slots.push(Slot {
                edge: e,
                node: to,
                active,
                requests: 0,
                writes: 0,
                keys: 0,
                rtt: hist(),
            });
        }
        // Validation built this partitioner already; a failure here cannot happen for a valid topology.
        let part = match cfg.partitioner(members.len() as u32) {
            Some(Ok(p)) => Some(p),
            Some(Err(_)) => return None,
            None => None,
        };
        let cache = cfg.cache.and_then(|(capacity, _)| new_cache(capacity, seed, node));
        Some(Box::new(ShardState {
            part,
            members,
            slots,
            directory,
            data: BTreeMap::new(),
            write_index: 0,
            cache,
            cache_hits: 0,
            cache_misses: 0,
            directory_lookups: 0,
            gathers: BTreeMap::new(),
            fanout: hist(),
            fanout_queries: 0,
            fanout_failed: 0,
            migration: VecDeque::new(),
            migrating: false,
            migrated: 0,
            migration_failed: 0,
            rebalances: Vec::new(),
            windows: Vec::new(),
        }))
    }

    /// The slot holding `key` for a request of `class`; writes record it (round robin and the directory
    /// remember where a write went).
    fn place(&mut self, topo: &Topology, key: u64, class: Class) -> Option<usize> {
        let Some(part) = self.part.as_mut() else {
            // Vertical: the first active shard whose edge carries the class.
            return self
                .slots
                .iter()
                .position(|s| s.active && topo.edges[s.edge as usize].admits(class));
        };
        let id = if class.is_write() {
            let index = self.write_index;
            self.write_index += 1;
            part.record(index, key)
        } else {
            // A read of a key written before finds it where it was written (round robin's index).
            let index = self.data.get(&key).map_or(0, |&(i, _)| i);
            part.locate(index, key)
        };
        id.ok().and_then(|id| self.members.get(&id).copied())
    }

    fn window(&mut self, bucket: usize) -> &mut ShardWindow {
        let n = self.slots.len();
        while self.windows.len() <= bucket {
            let keys = self.slots.iter().map(|s| s.keys).collect();
            self.windows.push(ShardWindow {
                t_ms: 0.0,
                load: vec![0; n],
                writes: vec![0; n],
                keys,
            });
        }
        &mut self.windows[bucket]
    }

    /// Merges the windows in pairs when the run's time series doubles its bucket width: loads and writes
    /// add up, keys are the later window's (held at its end).
    pub(super) fn coarsen(&mut self) {
        let old = std::mem::take(&mut self.windows);
        let mut it = old.into_iter();
        while let Some(mut a) = it.next() {
            if let Some(b) = it.next() {
                for (x, y) in a.load.iter_mut().zip(&b.load) {
                    *x += y;
                }
                for (x, y) in a.writes.iter_mut().zip(&b.writes) {
                    *x += y;
                }
                a.keys = b.keys;
            }
            self.windows.push(a);
        }
    }

    /// Counts a request routed to `slot` (and, for a write, the key it stores there).
    fn count(&mut self, bucket: usize, slot: usize, key: u64, write: bool) {
        self.slots[slot].requests += 1;
        if write {
            self.slots[slot].writes += 1;
            let index = self.write_index.saturating_sub(1);
            match self.data.insert(key, (index, slot)) {
                None => self.slots[slot].keys += 1,
                Some((_, old)) if old != slot => {
                    self.slots[old].keys -= 1;
                    self.slots[slot].keys += 1;
                }
                Some(_) => {}
            }
        }
        self.window(bucket).load[slot] += 1;
        if write {
            let w = &mut self.windows[bucket];
            w.writes[slot] += 1;
            for (k, s) in w.keys.iter_mut().zip(&self.slots) {
                *k = s.keys;
            }
        }
    }
}

/// An empty LRU cache of directory answers for router `node`.
fn new_cache(capacity: u64, seed: u64, node: NodeIx) -> Option<Box<dyn Eviction + Send>> {
    let cap = Capacity::objects(NonZeroU64::new(capacity)?);
    crate::cache::build(
        crate::cache::Policy::Lru,
        cap,
        crate::rng::mix64(seed ^ (5_000_000 + u64::from(node))),
    )
    .ok()
}

/// `max / mean` of the values (1 when all are zero or there are none).
fn skew_of(v: &[u64]) -> f64 {
    if v.is_empty() {
        return 1.0;
    }
    let max = *v.iter().max().unwrap_or(&0) as f64;
    let mean = v.iter().sum::<u64>() as f64 / v.len() as f64;
    if mean == 0.0 {
        1.0
    } else {
        round4(max / mean)
    }
}

impl Sim {
    fn shard(&mut self, router: NodeIx) -> &mut ShardState {
        self.shards[router as usize]
            .as_deref_mut()
            .expect("a shard router has shard state")
    }

    fn shard_cfg(&self, router: NodeIx) -> &ShardCfg {
        match &self.topo.nodes[router as usize].behavior {
            Behavior::ShardRouter(c) => c,
            _ => unreachable!("shard_cfg of a node that is not a shard router"),
        }
    }

    fn bucket(&self) -> usize {
        (self.now / self.metrics.bucket_ns.max(1)) as usize
    }

    /// The router on top of the request's stack continues: the `Behavior::ShardRouter` arm of `proceed`.
    pub(super) fn shard_proceed(&mut self, req: u32) {
        let f = *self.top(req);
        let router = f.node;
        let (class, key) = {
            let r = &self.reqs[req];
            (r.class, r.key)
        };
        match f.step {
            0 => {
                let cfg = self.shard_cfg(router);
                let fanout_class = cfg.fanout_classes & class.bit() != 0;
                let now = SimTime(self.now);
                let st = self.shard(router);
                let rr_read = !class.is_write() && st.part.as_ref().is_some_and(|p| p.lookup_fanout() > 1);
                if fanout_class || rr_read {
                    self.fan_out(req, router);
                    return;
                }
                if let Some(e) = st.directory {
                    let cached = st.cache.as_mut().is_some_and(|c| c.get(key, now));
                    if st.cache.is_some() {
                        if cached {
                            st.cache_hits += 1;
                        } else {
                            st.cache_misses += 1;
                        }
                    }
                    if !cached {
                        st.directory_lookups += 1;
                        self.top_mut(req).step = STEP_DIRECTORY;
                        self.send(req, e);
                        return;
                    }
                }
                self.route(req, router);
            }
            STEP_DIRECTORY => {
                // The directory answered: remember the answer, then go to the shard.
                let ttl = self.shard_cfg(router).cache.and_then(|(_, ttl)| ttl);
                let now = self.now;
                if let Some(c) = self.shard(router).cache.as_mut() {
                    let expires = ttl.map(|t| SimTime(now.saturating_add(t)));
                    c.insert(key, 1, expires, SimTime(now));
                }
                self.route(req, router);
            }
            step => {
                // The shard answered.
                if step >= STEP_SHARD {
                    let rtt = self.now - f.sent;
                    let slot = (step - STEP_SHARD) as usize;
                    if let Some(s) = self.shard(router).slots.get_mut(slot) {
                        s.rtt.saturating_record(rtt.max(1));
                    }
                }
                let o = self.reqs[req].outcome;
                self.respond(req, o);
            }
        }
    }

    /// True when writing `key` through `router` would track a new key beyond
    /// [`crate::limits::MAX_SHARD_KEYS`] (over all routers).
    fn shard_keys_full(&self, router: NodeIx, key: u64) -> bool {
        let known = self.shards[router as usize]
            .as_deref()
            .is_some_and(|st| st.data.contains_key(&key));
        !known && self.shards.iter().flatten().map(|st| st.data.len()).sum::<usize>() >= crate::limits::MAX_SHARD_KEYS
    }

    /// Sends the request to the shard that holds its key.
    fn route(&mut self, req: u32, router: NodeIx) {
        let (class, key) = {
            let r = &self.reqs[req];
            (r.class, r.key)
        };
        if class.is_write() && self.shard_keys_full(router, key) {
            self.respond(req, Outcome::Fail(FailReason::MemoryLimit));
            return;
        }
        let bucket = self.bucket();
        let topo = &self.topo;
        let st = self.shards[router as usize].as_deref_mut().expect("shard state");
        let Some(slot) = st.place(topo, key, class) else {
            self.respond(req, Outcome::Fail(FailReason::Refused));
            return;
        };
        st.count(bucket, slot, key, class.is_write());
        let edge = st.slots[slot].edge;
        let now = self.now;
        let f = self.top_mut(req);
        f.step = STEP_SHARD + slot as u32;
        f.sent = now;
        self.send(req, edge);
    }

    /// A cross-shard query: one part to each of `fanout_shards` shards (all active ones by default),
    /// starting at the key's own shard; the answer waits for the slowest part.
    fn fan_out(&mut self, req: u32, router: NodeIx) {
        let (class, key) = {
            let r = &self.reqs[req];
            (r.class, r.key)
        };
        let query = self.reqs.handle(req);
        let k = self.shard_cfg(router).fanout_shards;
        let bucket = self.bucket();
        let st = self.shards[router as usize].as_deref_mut().expect("shard state");
        let active: Vec<usize> = st.members.values().copied().collect();
        let n = active.len();
        let k = k.map_or(n, |k| (k as usize).min(n));
        let start = st
            .part
            .as_ref()
            .and_then(|p| p.locate(0, key).ok())
            .and_then(|id| st.members.get(&id))
            .and_then(|slot| active.iter().position(|s| s == slot))
            .unwrap_or(0);
        let targets: Vec<usize> = (0..k).map(|i| active[(start + i) % n]).collect();
        if targets.is_empty() {
            self.respond(req, Outcome::Fail(FailReason::Refused));
            return;
        }
        for &slot in &targets {
            st.count(bucket, slot, key, false);
        }
        st.fanout_queries += 1;
        st.gathers.insert(
            req,
            Gather {
                query,
                remaining: targets.len() as u32,
                failed: None,
                start: self.now,
            },
        );
        self.top_mut(req).step = STEP_GATHER;
        for slot in targets {
            let edge = self.shard(router).slots[slot].edge;
            self.spawn(
                router,
                key,
                class,
                Purpose::QueryPart { query },
                STEP_SHARD + slot as u32,
                edge,
            );
        }
    }

    /// Starts an internal request of `router` with its root frame there, and sends it down `edge`.
    fn spawn(&mut self, router: NodeIx, key: u64, class: Class, purpose: Purpose, step: u32, edge: EdgeIx) {
        let child = self.alloc_req(purpose, key, class);
        if let Purpose::QueryPart { query } = purpose {
            // A part of a user's query is that user's.
            self.reqs[child].user = self.reqs.get(query).map_or(NONE, |q| q.user);
            self.reqs[child].op = self.reqs.get(query).and_then(|q| q.op);
        }
        let epoch = self.nodes[router as usize].epoch;
        let now = self.now;
        self.reqs[child].frames.push(Frame {
            sent: now,
            ..Frame::at(router, NONE, epoch, step)
        });
        self.send(child, edge);
    }

    /// An internal request came back to its router (`on_response` with only the root frame left), or was
    /// lost (`kill`, with `lost` set): it is freed here.
    pub(super) fn shard_internal_done(&mut self, req: u32, lost: bool) {
        let (purpose, outcome, key) = {
            let r = &self.reqs[req];
            let o = if lost {
                Outcome::Fail(FailReason::Lost)
            } else {
                r.outcome
            };
            (r.purpose, o, r.key)
        };
        let f = self.reqs[req].frames.first().copied();
        self.free_req(req);
        let Some(f) = f else { return };
        let router = f.node;
        let query = match purpose {
            Purpose::QueryPart { query } => query,
            Purpose::Migration { to, write } => {
                self.migration_step(router, key, to, write, outcome);
                return;
            }
            Purpose::Attempt { .. } | Purpose::Hop { .. } | Purpose::Task { .. } | Purpose::Flush { .. } => {
                unreachable!("a shard router's internal request")
            }
        };
        let ok = !outcome.is_failure();
        let now = self.now;
        let st = self.shard(router);
        if ok && f.step >= STEP_SHARD {
            if let Some(s) = st.slots.get_mut((f.step - STEP_SHARD) as usize) {
                s.rtt.saturating_record((now - f.sent).max(1));
            }
        }
        let parent = query.index();
        let Some(g) = st.gathers.get_mut(&parent) else { return };
        g.remaining -= 1;
        if !ok && g.failed.is_none() {
            g.failed = Some(outcome);
        }
        if g.remaining > 0 {
            return;
        }
        let g = st.gathers.remove(&parent).expect("present");
        if !self.reqs.is_live(g.query) {
            return;
        }
        let top = *self.top(parent);
        let n = &self.nodes[router as usize];
        if top.node != router || !n.up || n.epoch != top.epoch {
            self.fail_from_dead(parent);
            return;
        }
        let st = self.shard(router);
        match g.failed {
            Some(o) => {
                st.fanout_failed += 1;
                self.respond(parent, o);
            }
            None => {
                st.fanout.saturating_record((now - g.start).max(1));
                self.respond(parent, Outcome::Ok);
            }
        }
    }

    /// A crashed shard router forgets its cached directory answers: it comes back with a cold cache.
    pub(super) fn shard_crashed(&mut self, node: NodeIx) {
        let Some(Behavior::ShardRouter(cfg)) = self.topo.nodes.get(node as usize).map(|d| &d.behavior) else {
            return;
        };
        let capacity = cfg.cache.map(|(c, _)| c);
        let epoch = self.nodes[node as usize].epoch;
        let seed = self.seed;
        if let (Some(capacity), Some(st)) = (capacity, self.shards[node as usize].as_deref_mut()) {
            st.cache = new_cache(capacity, seed ^ u64::from(epoch), node);
        }
    }

    // ----- database indexes -----------------------------------------------------------------------------------

    /// What the table behind `node` adds to a request's service time.
    pub(super) fn index_ns(&self, node: usize, req: u32) -> u64 {
        self.topo.nodes[node]
            .index
            .map_or(0, |ix| ix.extra_ns(self.reqs[req].class.is_write()))
    }

    // ----- rebalancing ---------------------------------------------------------------------------------------

    /// Whether `shard` is one of `router`'s shard edges.
    pub(super) fn is_shard_of(&self, router: NodeIx, shard: NodeIx) -> bool {
        self.shards
            .get(router as usize)
            .and_then(|s| s.as_deref())
            .is_some_and(|st| st.slots.iter().any(|s| s.node == shard))
    }

    /// Adds or removes a shard of `router` now: re-places every written key, counts those that moved and
    /// queues their copies as migration traffic. Returns the keys moved, or why the partitioner refused.
    pub(super) fn rebalance(&mut self, router: NodeIx, shard: NodeIx, add: bool) -> Result<u64, PartitionError> {
        let now = self.now;
        let value_bytes = self.shard_cfg(router).value_bytes;
        let st = self.shard(router);
        let Some(slot) = st.slots.iter().position(|s| s.node == shard) else {
            return Ok(0);
        };
        if st.slots[slot].active == add {
            return Ok(0);
        }
        match st.part.as_mut() {
            Some(part) => {
                if add {
                    let id = part.add_shard()?;
                    st.members.insert(id, slot);
                } else {
                    let id = st
                        .members
                        .iter()
                        .find(|(_, &s)| s == slot)
                        .map(|(&id, _)| id)
                        .expect("an active slot is a member");
                    part.remove_shard(id)?;
                    st.members.remove(&id);
                }
            }
            None => {
                if !add && st.slots.iter().filter(|s| s.active).count() == 1 {
                    return Err(PartitionError::LastShard);
                }
            }
        }
        st.slots[slot].active = add;
        // Re-place every written key.
        let mut moved = 0u64;
        let total = st.data.len() as u64;
        let mut moves = Vec::new();
        if let Some(part) = st.part.as_ref() {
            for (&key, &(index, owner)) in st.data.iter() {
                let to = part.locate(index, key).ok().and_then(|id| st.members.get(&id).copied());
                if let Some(to) = to.filter(|&to| to != owner) {
                    moves.push((key, owner, to));
                }
            }
        } else if !add {
            // Vertical: the removed table's rows go to the first remaining shard.
            let to = st.slots.iter().position(|s| s.active);
            for (&key, &(_, owner)) in st.data.iter() {
                if let Some(to) = to.filter(|_| owner == slot) {
                    moves.push((key, owner, to));
                }
            }
        }
        for (key, from, to) in moves {
            moved += 1;
            st.slots[from].keys -= 1;
            st.slots[to].keys += 1;
            if let Some(d) = st.data.get_mut(&key) {
                d.1 = to;
            }
            st.migration.push_back((key, from, to));
        }
        let id = self.topo.nodes[shard as usize].id.clone();
        let st = self.shard(router);
        st.rebalances.push(RebalanceReport {
            at_ms: ns_to_ms(now),
            action: if add { "add_shard" } else { "remove_shard" },
            shard: id,
            keys_total: total,
            keys_moved: moved,
            moved_fraction: if total == 0 {
                0.0
            } else {
                round4(moved as f64 / total as f64)
            },
            bytes_moved: moved.saturating_mul(value_bytes),
        });
        if !st.migrating && !st.migration.is_empty() {
            st.migrating = true;
            self.queue.push(now, Ev::ShardMigrate { router });
        }
        Ok(moved)
    }

    /// The next key copy of a migration, one every `migration_gap_ns`: a read of the key on the shard it
    /// left, then (in [`Self::migration_step`]) a write on the shard it moved to.
    pub(super) fn on_shard_migrate(&mut self, router: NodeIx) {
        let gap = self.shard_cfg(router).migration_gap_ns;
        let st = self.shard(router);
        let Some((key, from, to)) = st.migration.pop_front() else {
            st.migrating = false;
            return;
        };
        let edge = st.slots[from].edge;
        let copy = Purpose::Migration {
            to: to as u32,
            write: false,
        };
        self.spawn(router, key, Class::ApiRead, copy, STEP_SHARD + from as u32, edge);
        self.queue
            .push(self.now.saturating_add(gap), Ev::ShardMigrate { router });
    }

    fn migration_step(&mut self, router: NodeIx, key: u64, to: u32, write: bool, outcome: Outcome) {
        let st = self.shard(router);
        if outcome.is_failure() {
            st.migration_failed += 1;
        } else if write {
            st.migrated += 1;
        } else {
            let edge = st.slots[to as usize].edge;
            self.spawn(
                router,
                key,
                Class::ApiWrite,
                Purpose::Migration { to, write: true },
                STEP_SHARD + to,
                edge,
            );
        }
    }

    // ----- report --------------------------------------------------------------------------------------------

    pub(super) fn shard_reports(&self) -> Vec<ShardRouterReport> {
        let bucket_ms = ns_to_ms(self.metrics.bucket_ns);
        self.shards
            .iter()
            .enumerate()
            .filter_map(|(i, st)| st.as_deref().map(|st| (i, st)))
            .map(|(i, st)| {
                let def = &self.topo.nodes[i];
                let scheme = match self.shard_cfg(i as NodeIx).mode {
                    ShardMode::Horizontal(s) => s.name(),
                    ShardMode::Vertical => "vertical",
                };
                let active: Vec<&Slot> = st.slots.iter().filter(|s| s.active).collect();
                let load: Vec<u64> = active.iter().map(|s| s.requests).collect();
                let keys: Vec<u64> = active.iter().map(|s| s.keys).collect();
                let last = st.windows.last();
                ShardRouterReport {
                    id: def.id.clone(),
                    scheme,
                    shards: st
                        .slots
                        .iter()
                        .map(|s| ShardReport {
                            node: self.topo.nodes[s.node as usize].id.clone(),
                            active: s.active,
                            requests: s.requests,
                            writes: s.writes,
                            keys: s.keys,
                            p99_ms: if s.rtt.is_empty() {
                                0.0
                            } else {
                                ns_to_ms(s.rtt.value_at_quantile(0.99))
                            },
                        })
                        .collect(),
                    load_skew: skew_of(&load),
                    data_skew: skew_of(&keys),
                    last_window_write_skew: last.map_or(1.0, |w| skew_of(&w.writes)),
                    directory: st.directory.map(|_| crate::metrics::DirectoryReport {
                        lookups: st.directory_lookups,
                        cache_hits: st.cache_hits,
                        cache_misses: st.cache_misses,
                    }),
                    fanout: (st.fanout_queries > 0).then(|| FanoutReport {
                        queries: st.fanout_queries,
                        failed: st.fanout_failed,
                        p50_ms: if st.fanout.is_empty() {
                            0.0
                        } else {
                            ns_to_ms(st.fanout.value_at_quantile(0.5))
                        },
                        p99_ms: if st.fanout.is_empty() {
                            0.0
                        } else {
                            ns_to_ms(st.fanout.value_at_quantile(0.99))
                        },
                    }),
                    rebalances: st.rebalances.clone(),
                    migrated: st.migrated,
                    migration_failed: st.migration_failed,
                    migration_pending: st.migration.len() as u64,
                    series: st
                        .windows
                        .iter()
                        .enumerate()
                        .map(|(b, w)| ShardWindow {
                            t_ms: round4(b as f64 * bucket_ms),
                            ..w.clone()
                        })
                        .collect(),
                }
            })
            .collect()
    }
}
