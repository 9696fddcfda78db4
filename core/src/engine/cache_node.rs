//! The cache node's behaviour: reads through a real eviction policy, the three write policies
//! (write-around, write-through, write-back with delayed flushes that a crash loses), invalidation of cached
//! copies when an origin serves a write (or, switched off, stale reads), and collapsed forwarding of
//! concurrent misses (`coalesce`).
//!
//! Staleness is measured, not assumed: every plain database origin holds a version per key, bumped when it
//! serves a write. A request carries the version it saw at the origin back to the cache that filled from it,
//! and a hit on a copy older than the origin's current version is a stale read.

use super::slab::Handle;
use super::{Frame, Outcome, Purpose, Req, Sim, NONE};
use crate::scenario::v1::{ReadPolicy, WritePolicy};
use crate::time::SimTime;
use crate::topology::{Behavior, NodeIx, NodeKind, Topology};
use crate::workload::Class;
use std::collections::BTreeMap;

/// Frame steps of a request at a cache node.
const FETCHING: u32 = 1;
const WRITING_AROUND: u32 = 2;
const WRITING_THROUGH: u32 = 3;
/// Parked behind another request's fetch of the same key.
const WAITING: u32 = 4;
const FLUSHING: u32 = 5;

/// A service's frame step while it talks to a cache-aside cache: the low bits are the next dependency
/// position (as for any station), `ASIDE_SHIFT` bits up hold the cache's position plus one while the value
/// read from the database still has to be stored, and `FILLING` marks the store in flight.
const POS_MASK: u32 = 0xFFFF;
const ASIDE_SHIFT: u32 = 16;
const FILLING: u32 = 1 << 31;

/// What a cache knows about one resident key beyond its eviction policy.
#[derive(Clone, Copy, Debug)]
struct Entry {
    /// The origin the copy came from (`NONE` when no versioned origin served it) and its version there.
    origin: NodeIx,
    version: u64,
    /// Writes acknowledged but not yet flushed to the origin (write-back only).
    dirty: u32,
}

impl Default for Entry {
    fn default() -> Self {
        Entry {
            origin: NONE,
            version: 0,
            dirty: 0,
        }
    }
}

/// One cache node's side state.
#[derive(Debug, Default)]
struct CacheNode {
    entries: BTreeMap<u64, Entry>,
    /// With `coalesce`: keys with an origin fetch in flight, and the requests waiting for it.
    inflight: BTreeMap<u64, Vec<Handle<Req>>>,
}

/// The engine's cache state: per cache node entries and waiters, and per (origin, key) versions.
#[derive(Debug)]
pub(super) struct Caches {
    nodes: Vec<CacheNode>,
    /// Cache nodes, in topology order (the invalidation broadcast's audience).
    caches: Vec<NodeIx>,
    versions: BTreeMap<(NodeIx, u64), u64>,
}

impl Caches {
    pub(super) fn new(topo: &Topology) -> Caches {
        Caches {
            nodes: (0..topo.nodes.len()).map(|_| CacheNode::default()).collect(),
            caches: topo
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| matches!(n.behavior, Behavior::Cache(_)))
                .map(|(i, _)| i as NodeIx)
                .collect(),
            versions: BTreeMap::new(),
        }
    }
}

impl Sim {
    fn cache_cfg(&self, node: NodeIx) -> Option<&crate::topology::CacheCfg> {
        match &self.topo.nodes[node as usize].behavior {
            Behavior::Cache(c) => Some(c),
            _ => None,
        }
    }

    /// True when a write of `key` would add a version beyond [`crate::limits::MAX_VERSIONED_KEYS`]: the
    /// topology has caches, the map is full, and no plain database has seen the key.
    pub(super) fn versions_full(&self, key: u64) -> bool {
        !self.caches.caches.is_empty()
            && self.caches.versions.len() >= crate::limits::MAX_VERSIONED_KEYS
            && !self
                .topo
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.kind == NodeKind::Database)
                .any(|(i, _)| self.caches.versions.contains_key(&(i as NodeIx, key)))
    }

    /// A plain database finished serving `req`: a write bumps the key's version there (and drops other
    /// caches' copies when they invalidate); either way the request carries the version it saw.
    pub(super) fn origin_served(&mut self, req: u32, node: NodeIx) {
        if self.caches.caches.is_empty() {
            // Versions only matter to caches: without one, a run keeps no per-key state here.
            return;
        }
        let def = &self.topo.nodes[node as usize];
        if def.kind != NodeKind::Database || !matches!(def.behavior, Behavior::Station) {
            return;
        }
        let (key, class) = {
            let r = &self.reqs[req];
            (r.key, r.class)
        };
        if !class.is_write() {
            let v = self.caches.versions.get(&(node, key)).copied().unwrap_or(0);
            self.reqs[req].seen = (node, v);
            return;
        }
        let v = {
            let v = self.caches.versions.entry((node, key)).or_insert(0);
            *v += 1;
            *v
        };
        self.reqs[req].seen = (node, v);
        // Invalidation: every other cache holding a clean copy from this origin drops it. The caches on the
        // write's own path handle their copy by their write policy.
        for i in 0..self.caches.caches.len() {
            let c = self.caches.caches[i];
            let on_path = self.reqs[req].frames.iter().any(|f| f.node == c);
            if on_path || !self.cache_cfg(c).is_some_and(|cfg| cfg.invalidate) {
                continue;
            }
            let cn = &mut self.caches.nodes[c as usize];
            if cn.entries.get(&key).is_some_and(|e| e.origin == node && e.dirty == 0) {
                cn.entries.remove(&key);
                if let Some(s) = self.nodes[c as usize].store.as_mut() {
                    s.remove(key);
                }
            }
        }
    }

    /// The cache on top of the request's stack continues: after its lookup service, or when its origin
    /// answered.
    pub(super) fn cache_proceed(&mut self, req: u32) {
        let f = *self.top(req);
        let node = f.node;
        let ni = node as usize;
        let Some(cfg) = self.cache_cfg(node) else { return };
        let (write, invalidate, coalesce, flush_ns) = (cfg.write, cfg.invalidate, cfg.coalesce, cfg.flush_ns);
        let aside = cfg.read == ReadPolicy::CacheAside;
        let (class, key, outcome, seen) = {
            let r = &self.reqs[req];
            (r.class, r.key, r.outcome, r.seen)
        };
        if aside && f.step == 0 {
            // A store from the service, or a write the service tells the cache about: no origin involved.
            // The service is the nearest station below (a balancer may sit between it and the cache).
            let caller = self.reqs[req]
                .frames
                .iter()
                .rev()
                .skip(1)
                .find(|fr| matches!(self.topo.nodes[fr.node as usize].behavior, Behavior::Station))
                .map_or(0, |fr| fr.step);
            if caller & FILLING != 0 {
                self.fill(node, key, seen, 0, flush_ns);
                self.respond(req, Outcome::Ok);
                return;
            }
            if class.is_write() {
                if invalidate {
                    self.drop_copy(node, key);
                }
                self.respond(req, Outcome::Ok);
                return;
            }
        }
        match f.step {
            0 if class.is_write() => match write {
                WritePolicy::WriteAround => {
                    if invalidate {
                        self.drop_copy(node, key);
                    }
                    self.top_mut(req).step = WRITING_AROUND;
                    self.send_to_origin(req, node, class);
                }
                WritePolicy::WriteThrough => {
                    self.top_mut(req).step = WRITING_THROUGH;
                    self.send_to_origin(req, node, class);
                }
                WritePolicy::WriteBack => {
                    // Absorbed: stored dirty and acknowledged now; the origin hears of it at the flush.
                    self.fill(node, key, (NONE, 0), 1, flush_ns);
                    self.respond(req, Outcome::Ok);
                }
            },
            0 => {
                let now = SimTime(self.now);
                let hit = self.nodes[ni].store.as_mut().is_some_and(|s| s.get(key, now));
                self.after_store_call(node);
                self.metrics.lookup(hit);
                if hit {
                    self.metrics.nodes[ni].hits += 1;
                    let stale = self.caches.nodes[ni].entries.get(&key).is_some_and(|e| {
                        e.dirty == 0
                            && e.origin != NONE
                            && e.version < self.caches.versions.get(&(e.origin, key)).copied().unwrap_or(0)
                    });
                    if stale {
                        self.metrics.nodes[ni].stale_reads += 1;
                        self.respond(req, Outcome::Stale);
                    } else {
                        self.respond(req, Outcome::Hit);
                    }
                    return;
                }
                self.metrics.nodes[ni].misses += 1;
                if !aside && self.admitted(node, class).next().is_none() {
                    // No origin carries this class: nothing to fetch from (and nobody to lead a fetch).
                    self.respond(req, Outcome::Fail(crate::metrics::FailReason::Refused));
                    return;
                }
                if aside {
                    // The service reads the database itself, then stores the value here.
                    self.respond(req, Outcome::Miss);
                    return;
                }
                if coalesce {
                    if let Some(waiters) = self.caches.nodes[ni].inflight.get_mut(&key) {
                        waiters.push(self.reqs.handle(req));
                        self.metrics.nodes[ni].coalesced += 1;
                        self.top_mut(req).step = WAITING;
                        return;
                    }
                    self.caches.nodes[ni].inflight.insert(key, Vec::new());
                }
                self.top_mut(req).step = FETCHING;
                self.send_to_origin(req, node, class);
            }
            FETCHING => {
                let waiters = if coalesce {
                    self.caches.nodes[ni].inflight.remove(&key).unwrap_or_default()
                } else {
                    Vec::new()
                };
                let answer = if outcome.is_failure() {
                    outcome
                } else {
                    self.fill(node, key, seen, 0, flush_ns);
                    Outcome::Miss
                };
                self.respond(req, answer);
                for w in waiters {
                    if self.is_waiting_at(w, node) {
                        self.respond(w.index(), answer);
                    }
                }
            }
            WRITING_AROUND | WRITING_THROUGH => {
                if !outcome.is_failure() && f.step == WRITING_THROUGH {
                    self.fill(node, key, seen, 0, flush_ns);
                }
                let o = if outcome.is_failure() { outcome } else { Outcome::Ok };
                self.respond(req, o);
            }
            _ => self.respond(req, outcome),
        }
    }

    /// A service's dependency answered, and a cache-aside cache is involved: after a hit the service skips
    /// its next dependency (the database behind the cache); after a miss it reads that dependency, then
    /// stores what it read in the cache. Returns true when it sent the request on (the caller waits).
    pub(super) fn cache_aside_step(&mut self, req: u32) -> bool {
        let f = *self.top(req);
        let node = f.node;
        let (class, outcome) = {
            let r = &self.reqs[req];
            (r.class, r.outcome)
        };
        if f.step & FILLING != 0 {
            // The store is done: carry on after the database.
            self.top_mut(req).step = f.step & POS_MASK;
            return false;
        }
        let next = f.step & POS_MASK;
        let cache_pos = f.step >> ASIDE_SHIFT;
        if cache_pos != 0 {
            // The database answered a read the cache missed: store the value in the cache.
            let e = self.topo.out_edges[node as usize][cache_pos as usize - 1];
            self.top_mut(req).step = next | FILLING;
            self.send(req, e);
            return true;
        }
        let answered = self.topo.out_edges[node as usize][next as usize - 1];
        if !self.is_cache_aside(self.topo.edges[answered as usize].to) {
            return false;
        }
        let after = self.admitted(node, class).find(|&(pos, _)| pos >= next as usize);
        match (outcome, after) {
            (Outcome::Hit | Outcome::Stale, Some((pos, _))) => {
                self.top_mut(req).step = pos as u32 + 1;
                false
            }
            (Outcome::Miss, Some((pos, e))) => {
                self.top_mut(req).step = (pos as u32 + 1) | (next << ASIDE_SHIFT);
                self.send(req, e);
                true
            }
            _ => false,
        }
    }

    /// A cache-aside cache, or a balancer whose every backend is one (a distributed cache-aside tier).
    fn is_cache_aside(&self, node: NodeIx) -> bool {
        let aside = |n: NodeIx| self.cache_cfg(n).is_some_and(|c| c.read == ReadPolicy::CacheAside);
        match &self.topo.nodes[node as usize].behavior {
            Behavior::Cache(_) => aside(node),
            Behavior::Balancer(_) => {
                let outs = &self.topo.out_edges[node as usize];
                !outs.is_empty() && outs.iter().all(|&e| aside(self.topo.edges[e as usize].to))
            }
            _ => false,
        }
    }

    fn is_waiting_at(&self, req: Handle<Req>, node: NodeIx) -> bool {
        self.reqs.is_live(req) && {
            let f = self.top(req.index());
            f.node == node && f.step == WAITING && f.epoch == self.nodes[node as usize].epoch
        }
    }

    /// Invalidates this cache's own copy of `key` (a dirty one is flushed first, so no write is dropped).
    fn drop_copy(&mut self, node: NodeIx, key: u64) {
        let ni = node as usize;
        if let Some(s) = self.nodes[ni].store.as_mut() {
            s.remove(key);
        }
        if let Some(e) = self.caches.nodes[ni].entries.remove(&key) {
            if e.dirty > 0 {
                self.send_flush(node, key, e.dirty);
            }
        }
    }

    /// Sends a request from the cache to its origin, counting it as origin load.
    fn send_to_origin(&mut self, req: u32, node: NodeIx, class: Class) {
        self.metrics.nodes[node as usize].origin_requests += 1;
        self.metrics.bucket_origin += 1;
        self.forward_first(req, node, class);
    }

    /// Stores `key` (a fill from `seen`, or `dirty` new write-back writes), settling what the store evicted.
    fn fill(&mut self, node: NodeIx, key: u64, seen: (NodeIx, u64), dirty: u32, flush_ns: u64) {
        let ni = node as usize;
        let now = self.now;
        let ttl = self.cache_cfg(node).and_then(|c| c.ttl_ns);
        let mut resident = false;
        if let Some(s) = self.nodes[ni].store.as_mut() {
            let expires = ttl.map(|t| SimTime(now.saturating_add(t)));
            let ins = s.insert(key, 1, expires, SimTime(now));
            resident = ins.admitted;
            // Expired entries leaving the cache are not capacity evictions.
            let ev = ins.evicted.iter().filter(|e| !e.expired).count();
            self.metrics.nodes[ni].evictions += ev as u64;
        }
        self.after_store_call(node);
        let epoch = self.nodes[ni].epoch;
        let e = self.caches.nodes[ni].entries.entry(key).or_default();
        if dirty > 0 {
            let was_clean = e.dirty == 0;
            e.dirty += dirty;
            if !resident {
                let n = e.dirty;
                self.caches.nodes[ni].entries.remove(&key);
                self.send_flush(node, key, n);
            } else if was_clean {
                self.queue
                    .push(now.saturating_add(flush_ns), super::Ev::CacheFlush { node, epoch, key });
            }
        } else if e.dirty == 0 {
            e.origin = seen.0;
            e.version = seen.1;
            if !resident {
                self.caches.nodes[ni].entries.remove(&key);
            }
        }
    }

    /// Entries the last store call pushed out lose their side state; dirty ones are flushed on the way out.
    fn after_store_call(&mut self, node: NodeIx) {
        let ni = node as usize;
        let Some(s) = self.nodes[ni].store.as_ref() else { return };
        if s.evicted().is_empty() {
            return;
        }
        let gone: Vec<u64> = s.evicted().iter().map(|e| e.key).collect();
        for k in gone {
            if self.nodes[ni]
                .store
                .as_ref()
                .is_some_and(|s| s.contains(k, SimTime(self.now)))
            {
                continue;
            }
            if let Some(e) = self.caches.nodes[ni].entries.remove(&k) {
                if e.dirty > 0 {
                    self.send_flush(node, k, e.dirty);
                }
            }
        }
    }

    /// Writes `writes` acknowledged writes of `key` to the origin, as one request no client waits for.
    fn send_flush(&mut self, node: NodeIx, key: u64, writes: u32) {
        if self.admitted(node, Class::ApiWrite).next().is_none() {
            self.metrics.nodes[node as usize].lost_writes += u64::from(writes);
            return;
        }
        let req = self.alloc_req(Purpose::Flush { writes }, key, Class::ApiWrite);
        let epoch = self.nodes[node as usize].epoch;
        self.reqs[req].frames.push(Frame::at(node, NONE, epoch, FLUSHING));
        self.send_to_origin(req, node, Class::ApiWrite);
    }

    /// A dirty key's flush delay is over.
    pub(super) fn on_cache_flush(&mut self, node: NodeIx, epoch: u32, key: u64) {
        let ni = node as usize;
        if !self.nodes[ni].up || self.nodes[ni].epoch != epoch {
            return;
        }
        let Some(e) = self.caches.nodes[ni].entries.get_mut(&key) else {
            return;
        };
        if e.dirty == 0 {
            return;
        }
        let n = std::mem::take(&mut e.dirty);
        self.send_flush(node, key, n);
    }

    /// The origin answered a flush.
    pub(super) fn flush_done(&mut self, req: u32, writes: u32) {
        let (node, epoch, key, outcome, seen) = {
            let r = &self.reqs[req];
            (r.frames[0].node, r.frames[0].epoch, r.key, r.outcome, r.seen)
        };
        self.free_req(req);
        let ni = node as usize;
        let alive = self.nodes[ni].up && self.nodes[ni].epoch == epoch;
        if outcome.is_failure() {
            // The origin refused: the writes are dirty again, or lost if the cache is gone.
            let flush_ns = self.cache_cfg(node).map_or(0, |c| c.flush_ns);
            let resident = alive
                && self.nodes[ni]
                    .store
                    .as_ref()
                    .is_some_and(|s| s.contains(key, SimTime(self.now)));
            if resident {
                let e = self.caches.nodes[ni].entries.entry(key).or_default();
                let was_clean = e.dirty == 0;
                e.dirty += writes;
                if was_clean {
                    self.queue.push(
                        self.now.saturating_add(flush_ns),
                        super::Ev::CacheFlush { node, epoch, key },
                    );
                }
            } else {
                self.metrics.nodes[ni].lost_writes += u64::from(writes);
            }
            return;
        }
        if alive {
            if let Some(e) = self.caches.nodes[ni].entries.get_mut(&key) {
                if e.dirty == 0 {
                    e.origin = seen.0;
                    e.version = seen.1;
                }
            }
        }
    }

    /// A request vanished (a lost message): a lost flush loses its writes, and a coalescing cache whose
    /// fetch it was hands the fetch to one of the requests waiting for it.
    pub(super) fn cache_request_gone(&mut self, req: u32, frames: &[Frame]) {
        let (purpose, key) = {
            let r = &self.reqs[req];
            (r.purpose, r.key)
        };
        if let Purpose::Flush { writes } = purpose {
            if let Some(f) = frames.first() {
                self.metrics.nodes[f.node as usize].lost_writes += u64::from(writes);
            }
            return;
        }
        for f in frames {
            let ni = f.node as usize;
            let leader = f.step == FETCHING
                && self.nodes[ni].up
                && self.nodes[ni].epoch == f.epoch
                && self.cache_cfg(f.node).is_some_and(|c| c.coalesce);
            if !leader {
                continue;
            }
            let Some(mut waiters) = self.caches.nodes[ni].inflight.remove(&key) else {
                continue;
            };
            waiters.retain(|&w| self.is_waiting_at(w, f.node));
            if waiters.is_empty() {
                continue;
            }
            let next = waiters.remove(0).index();
            self.caches.nodes[ni].inflight.insert(key, waiters);
            let class = self.reqs[next].class;
            self.top_mut(next).step = FETCHING;
            self.send_to_origin(next, f.node, class);
        }
    }

    /// A cache crashed: its dirty writes are lost, its side state is gone, and the requests parked behind
    /// its fetches are returned for the caller to fail.
    pub(super) fn cache_crashed(&mut self, node: NodeIx) -> Vec<Handle<Req>> {
        let ni = node as usize;
        if self.cache_cfg(node).is_none() {
            return Vec::new();
        }
        let cn = &mut self.caches.nodes[ni];
        let lost: u64 = cn.entries.values().map(|e| u64::from(e.dirty)).sum();
        cn.entries.clear();
        let waiters: Vec<Handle<Req>> = std::mem::take(&mut cn.inflight).into_values().flatten().collect();
        self.metrics.nodes[ni].lost_writes += lost;
        waiters
    }
}
