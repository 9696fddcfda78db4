//! The generic cache shared by every policy: entry storage, capacity accounting, lazy TTL expiry and the
//! eviction report. A policy is a [`Strategy`]: a few hooks that keep its own queues in order and choose
//! victims, so each policy file holds only what makes that policy different.

use std::fmt;

use super::slab::{Node, Slab, Slot};
use super::{Access, Capacity, Evicted, Eviction, Insert};
use crate::SimTime;

/// The hooks a policy implements. The driver calls them in this order on a miss that inserts:
/// `on_request`, `admit`, then `victim` + `unlink` until the entry fits, then `on_insert`.
pub trait Strategy {
    /// Per-entry policy state (a list tag, a frequency, a reference bit, ...).
    type Meta: Copy + Default + fmt::Debug;

    fn name(&self) -> &'static str;

    /// Every lookup (`get` or `access`), hit or miss, before the cache is searched.
    #[inline]
    fn on_request(&mut self, _key: u64) {}

    /// `slot` was looked up (or re-inserted with the same cost) and is resident.
    fn on_hit(&mut self, slab: &mut Slab<Self::Meta>, slot: Slot);

    /// Whether to admit a new entry of `cost` units when `free` units are free. A policy may also note
    /// where the entry should go (ARC and S3-FIFO consult their ghosts here).
    #[inline]
    fn admit(&mut self, _slab: &Slab<Self::Meta>, _key: u64, _cost: u64, _free: u64) -> bool {
        true
    }

    /// A new entry was stored in `slot`; link it into the policy's queues.
    fn on_insert(&mut self, slab: &mut Slab<Self::Meta>, slot: Slot);

    /// The next resident to evict to make room for a new entry of `incoming` units. The policy may reorder
    /// its queues while looking; it must not unlink the victim (the driver calls [`Strategy::unlink`]).
    /// `None` only if nothing is resident.
    fn victim(&mut self, slab: &mut Slab<Self::Meta>, incoming: u64) -> Option<Slot>;

    /// `slot` is leaving the cache (evicted, expired or removed): drop it from the policy's queues.
    fn unlink(&mut self, slab: &mut Slab<Self::Meta>, slot: Slot);

    /// Checks the policy's own invariants against the stored entries.
    #[cfg(any(test, debug_assertions))]
    fn validate(&self, slab: &Slab<Self::Meta>) -> Result<(), String>;
}

/// A policy that can be built from a capacity and a seed alone (every policy except Belady's).
pub trait Online: Strategy + Sized {
    fn create(capacity: Capacity, seed: u64) -> Self;
}

/// A cache run by the policy `S`. Use it through [`Eviction`]; the policy modules name the concrete types
/// (`Lru`, `Sieve`, ...).
#[derive(Clone, Debug)]
pub struct Cache<S: Strategy> {
    slab: Slab<S::Meta>,
    capacity: Capacity,
    used: u64,
    evicted: Vec<Evicted>,
    strategy: S,
}

#[inline]
fn is_expired(expires: SimTime, now: SimTime) -> bool {
    now >= expires && expires != SimTime::MAX
}

impl<S: Online> Cache<S> {
    /// An empty cache (seed 0 for the policies that draw random numbers).
    pub fn new(capacity: Capacity) -> Self {
        Self::with_seed(capacity, 0)
    }

    /// An empty cache whose random choices (if any) come from `seed`.
    pub fn with_seed(capacity: Capacity, seed: u64) -> Self {
        Cache::from_strategy(capacity, S::create(capacity, seed))
    }
}

impl<S: Strategy> Cache<S> {
    pub(crate) fn from_strategy(capacity: Capacity, strategy: S) -> Self {
        Cache {
            slab: Slab::new(),
            capacity,
            used: 0,
            evicted: Vec::new(),
            strategy,
        }
    }

    fn take_out(&mut self, slot: Slot) -> Node<S::Meta> {
        self.strategy.unlink(&mut self.slab, slot);
        let node = self.slab.remove(slot);
        self.used -= u64::from(node.cost);
        node
    }

    fn evict(&mut self, slot: Slot, now: SimTime) {
        let node = self.take_out(slot);
        self.evicted.push(Evicted {
            key: node.key,
            size: node.size,
            expired: is_expired(node.expires, now),
        });
    }

    /// Finds a live entry, expiring it (and reporting that) if its deadline has passed.
    #[inline]
    fn lookup(&mut self, key: u64, now: SimTime) -> Option<Slot> {
        let slot = self.slab.find(key)?;
        if is_expired(self.slab[slot].expires, now) {
            self.evict(slot, now);
            return None;
        }
        Some(slot)
    }

    /// Stores `key`, which is not resident, evicting as the policy decides. Returns whether it was admitted.
    fn put_absent(&mut self, key: u64, size: u32, expires: SimTime, now: SimTime) -> bool {
        let cost = self.capacity.cost(size);
        let (cost64, limit) = (u64::from(cost), self.capacity.limit());
        if cost64 > limit || !self.strategy.admit(&self.slab, key, cost64, limit - self.used) {
            return false;
        }
        while self.used + cost64 > limit {
            match self.strategy.victim(&mut self.slab, cost64) {
                Some(victim) => self.evict(victim, now),
                None => return false,
            }
        }
        let slot = self.slab.insert(key, size, cost, expires);
        self.used += cost64;
        self.strategy.on_insert(&mut self.slab, slot);
        true
    }

    fn put(&mut self, key: u64, size: u32, expires: SimTime, now: SimTime) -> bool {
        if let Some(slot) = self.lookup(key, now) {
            if self.slab[slot].cost == self.capacity.cost(size) {
                let node = &mut self.slab[slot];
                node.size = size;
                node.expires = expires;
                self.strategy.on_hit(&mut self.slab, slot);
                return true;
            }
            // A different cost is a new object under an old key: the old one is replaced, not evicted.
            self.take_out(slot);
        }
        self.put_absent(key, size, expires, now)
    }
}

impl<S: Strategy> Eviction for Cache<S> {
    fn name(&self) -> &'static str {
        self.strategy.name()
    }

    fn capacity(&self) -> Capacity {
        self.capacity
    }

    fn len(&self) -> usize {
        self.slab.len()
    }

    fn used(&self) -> u64 {
        self.used
    }

    fn contains(&self, key: u64, now: SimTime) -> bool {
        self.slab
            .find(key)
            .is_some_and(|slot| !is_expired(self.slab[slot].expires, now))
    }

    fn get(&mut self, key: u64, now: SimTime) -> bool {
        self.evicted.clear();
        self.strategy.on_request(key);
        match self.lookup(key, now) {
            Some(slot) => {
                self.strategy.on_hit(&mut self.slab, slot);
                true
            }
            None => false,
        }
    }

    fn insert(&mut self, key: u64, size: u32, expires: Option<SimTime>, now: SimTime) -> Insert<'_> {
        self.evicted.clear();
        let admitted = self.put(key, size, expires.unwrap_or(SimTime::MAX), now);
        Insert {
            admitted,
            evicted: &self.evicted,
        }
    }

    #[inline]
    fn access(&mut self, key: u64, size: u32, now: SimTime) -> Access<'_> {
        self.evicted.clear();
        self.strategy.on_request(key);
        if let Some(slot) = self.lookup(key, now) {
            self.strategy.on_hit(&mut self.slab, slot);
            return Access::Hit;
        }
        let admitted = self.put_absent(key, size, SimTime::MAX, now);
        Access::Miss {
            admitted,
            evicted: &self.evicted,
        }
    }

    fn remove(&mut self, key: u64) -> bool {
        self.evicted.clear();
        match self.slab.find(key) {
            Some(slot) => {
                self.take_out(slot);
                true
            }
            None => false,
        }
    }

    fn evicted(&self) -> &[Evicted] {
        &self.evicted
    }

    #[cfg(any(test, debug_assertions))]
    fn validate(&self) -> Result<(), String> {
        self.slab.validate()?;
        let mut sum = 0u64;
        for (_, node) in self.slab.live() {
            if node.cost != self.capacity.cost(node.size) {
                return Err(format!(
                    "key {} has cost {} for size {}",
                    node.key, node.cost, node.size
                ));
            }
            sum += u64::from(node.cost);
        }
        if sum != self.used {
            return Err(format!("used is {} but entries cost {sum}", self.used));
        }
        if self.used > self.capacity.limit() {
            return Err(format!("used {} exceeds capacity {}", self.used, self.capacity.limit()));
        }
        self.strategy
            .validate(&self.slab)
            .map_err(|e| format!("{}: {e}", self.strategy.name()))
    }
}
