//! Consistent hashing with bounded loads (Mirrokni, Thorup & Zadimoghaddam, SODA 2018; the scheme behind
//! HAProxy's `hash-balance-factor` and Vimeo's and Google Cloud Pub/Sub's balancers).
//!
//! A classic ring ([`ClassicRing`]) plus a load per server. With `m` keys assigned after the new one, a
//! server of weight `w` has capacity `⌈c · m · w / W⌉` (`W` the total weight; `⌈c · m / n⌉` unweighted,
//! i.e. `c` times the average load). A key goes to the first server clockwise from its hash that is below
//! capacity. The capacities add up to at least `c · m ≥ m`, so there is always room, and no server ever holds
//! more than `c` times its fair share: max/mean ≤ `c` (up to the ceiling).
//!
//! **It is stateful**, so beside [`Placement::lookup`] (where an assigned key is, or where a new one would
//! go now) it has [`Placement::assign`] (route a key and count it) and [`Placement::release`] (forget it and
//! free its capacity, moving nothing, as a load balancer does when a request finishes).
//!
//! When a server is added or removed, the keys still assigned are re-placed from scratch in their arrival
//! order on the new ring: the result is what the same arrivals would have produced had the new server set
//! been there all along, independent of the history of server changes. Unlike the classic ring this can
//! move keys between servers that did not change: filling the new server's arcs frees capacity that
//! lets keys that overflowed return to their first choice, and a removed server's keys overflow
//! onward (cascades). The paper bounds the expected moves per update by `O(1/ε²)` times the minimum for
//! `c = 1 + ε`; the tests measure it.
//!
//! `c` is kept to a thousandth. If the last server is removed every assignment is dropped.

use std::collections::BTreeMap;

use super::classic::ClassicRing;
use super::hash::key_hash;
use super::{Algo, Placement, Point, RingError, Server, ServerId, Share};

/// Consistent hashing with bounded loads over a classic ring.
#[derive(Clone, Debug)]
pub struct BoundedLoads {
    ring: ClassicRing,
    /// The balance factor `c`, in thousandths (1 000 ..= 1 000 000).
    c_milli: u64,
    /// Per member, in the order of `ring.servers()`: keys assigned.
    loads: Vec<u64>,
    /// Per ring point: the member position of its owner (saves a search per step of the walk).
    owner_pos: Vec<u32>,
    /// Assigned key → (arrival number, server).
    by_key: BTreeMap<u64, (u64, ServerId)>,
    /// Arrival number → key, for re-placing in arrival order.
    by_arrival: BTreeMap<u64, u64>,
    next_arrival: u64,
    /// The most keys assigned at once since the last re-placement; loads are bounded by its capacities.
    high_water: u64,
}

impl BoundedLoads {
    /// An empty ring with `vnodes` points per unit of weight and balance factor `c` (finite, in `[1, 1000]`).
    /// Errors: [`RingError::ZeroVnodes`], [`RingError::BadLoadFactor`].
    pub fn new(vnodes: u32, c: f64) -> Result<Self, RingError> {
        if !(c.is_finite() && (1.0..=1000.0).contains(&c)) {
            return Err(RingError::BadLoadFactor);
        }
        Ok(BoundedLoads {
            ring: ClassicRing::new(vnodes)?,
            c_milli: libm::round(c * 1000.0) as u64,
            loads: Vec::new(),
            owner_pos: Vec::new(),
            by_key: BTreeMap::new(),
            by_arrival: BTreeMap::new(),
            next_arrival: 0,
            high_water: 0,
        })
    }

    /// The balance factor `c` (to a thousandth).
    pub fn load_factor(&self) -> f64 {
        self.c_milli as f64 / 1000.0
    }

    /// The underlying ring (its points and arcs are what the key would get without the bound).
    pub fn ring(&self) -> &ClassicRing {
        &self.ring
    }

    /// How many keys are assigned.
    pub fn assigned(&self) -> usize {
        self.by_key.len()
    }

    /// Keys assigned to each member, sorted by id.
    pub fn loads(&self) -> Vec<(ServerId, u64)> {
        self.ring
            .servers()
            .iter()
            .zip(&self.loads)
            .map(|(s, &l)| (s.id, l))
            .collect()
    }

    /// The capacity of a server of weight `weight` when `m` keys are assigned: `⌈c · m · w / W⌉`.
    fn capacity(&self, weight: u32, m: u64) -> u64 {
        // The total weight is at most MAX_POINTS, so the denominator fits; the numerator usually does too.
        let den = 1000 * self.ring.total_weight().max(1);
        match self
            .c_milli
            .checked_mul(m)
            .and_then(|x| x.checked_mul(u64::from(weight)))
        {
            Some(num) => num.div_ceil(den),
            None => {
                let num = u128::from(self.c_milli) * u128::from(m) * u128::from(weight);
                num.div_ceil(u128::from(den)) as u64
            }
        }
    }

    /// The member position that a key with hash `h` goes to when it makes `m` keys assigned.
    fn pick(&self, h: u64, m: u64) -> usize {
        let servers = self.ring.servers();
        let points = self.ring.point_count();
        let mut i = self.ring.successor(h);
        for _ in 0..points {
            let pos = self.owner_pos[i] as usize;
            if self.loads[pos] < self.capacity(servers[pos].weight, m) {
                return pos;
            }
            i += 1;
            if i == points {
                i = 0;
            }
        }
        // Unreachable: capacities sum to at least m > current total load, and every member has points.
        // Fall back to the least loaded member rather than panic.
        (0..servers.len()).min_by_key(|&p| self.loads[p]).unwrap_or(0)
    }

    fn owner_positions(ring: &ClassicRing) -> Vec<u32> {
        let servers = ring.servers();
        (0..ring.point_count())
            .map(|i| servers.binary_search_by_key(&ring.owner(i), |s| s.id).unwrap_or(0) as u32)
            .collect()
    }

    /// Re-places every assigned key, in arrival order, on the current ring.
    fn replace_all(&mut self) {
        self.owner_pos = BoundedLoads::owner_positions(&self.ring);
        self.loads = vec![0; self.ring.len()];
        if self.ring.is_empty() {
            self.by_key.clear();
            self.by_arrival.clear();
            self.high_water = 0;
            return;
        }
        let mut placed = 0u64;
        let servers: Vec<ServerId> = self.ring.servers().iter().map(|s| s.id).collect();
        let arrivals: Vec<u64> = self.by_arrival.values().copied().collect();
        for key in arrivals {
            placed += 1;
            let pos = self.pick(key_hash(key), placed);
            self.loads[pos] += 1;
            if let Some(slot) = self.by_key.get_mut(&key) {
                slot.1 = servers[pos];
            }
        }
        self.high_water = placed;
    }
}

impl Placement for BoundedLoads {
    fn algo(&self) -> Algo {
        Algo::Bounded
    }

    fn servers(&self) -> &[Server] {
        self.ring.servers()
    }

    /// Re-places the assigned keys once (an empty list changes nothing).
    fn add_all(&mut self, servers: &[Server]) -> Result<(), RingError> {
        self.ring.add_all(servers)?;
        if !servers.is_empty() {
            self.replace_all();
        }
        Ok(())
    }

    /// Re-places the assigned keys once (an empty list changes nothing).
    fn remove_all(&mut self, servers: &[ServerId]) -> Result<(), RingError> {
        self.ring.remove_all(servers)?;
        if !servers.is_empty() {
            self.replace_all();
        }
        Ok(())
    }

    fn lookup(&self, key: u64) -> Result<ServerId, RingError> {
        if let Some(&(_, server)) = self.by_key.get(&key) {
            return Ok(server);
        }
        if self.ring.is_empty() {
            return Err(RingError::NoServers);
        }
        let pos = self.pick(key_hash(key), self.by_key.len() as u64 + 1);
        Ok(self.ring.servers()[pos].id)
    }

    fn assign(&mut self, key: u64) -> Result<ServerId, RingError> {
        if let Some(&(_, server)) = self.by_key.get(&key) {
            return Ok(server);
        }
        if self.ring.is_empty() {
            return Err(RingError::NoServers);
        }
        let m = self.by_key.len() as u64 + 1;
        let pos = self.pick(key_hash(key), m);
        let server = self.ring.servers()[pos].id;
        self.loads[pos] += 1;
        self.by_key.insert(key, (self.next_arrival, server));
        self.by_arrival.insert(self.next_arrival, key);
        self.next_arrival += 1;
        self.high_water = self.high_water.max(m);
        Ok(server)
    }

    fn release(&mut self, key: u64) -> Result<(), RingError> {
        let (arrival, server) = self.by_key.remove(&key).ok_or(RingError::UnknownKey(key))?;
        self.by_arrival.remove(&arrival);
        if let Ok(pos) = self.ring.servers().binary_search_by_key(&server, |s| s.id) {
            self.loads[pos] -= 1;
        }
        Ok(())
    }

    fn shares(&self) -> Vec<Share> {
        self.ring.shares()
    }

    fn points(&self) -> Vec<Point> {
        self.ring.points()
    }

    #[cfg(any(test, debug_assertions))]
    fn validate(&self) -> Result<(), String> {
        self.ring.validate()?;
        let servers = self.ring.servers();
        if self.loads.len() != servers.len() {
            return Err("one load per member expected".into());
        }
        if self.owner_pos != BoundedLoads::owner_positions(&self.ring) {
            return Err("point owner positions are stale".into());
        }
        if self.by_key.len() != self.by_arrival.len() {
            return Err("key and arrival maps differ in size".into());
        }
        let mut counts = vec![0u64; servers.len()];
        for (key, &(arrival, server)) in &self.by_key {
            if self.by_arrival.get(&arrival) != Some(key) {
                return Err(format!("key {key} is missing from the arrival order"));
            }
            match servers.binary_search_by_key(&server, |s| s.id) {
                Ok(pos) => counts[pos] += 1,
                Err(_) => return Err(format!("key {key} is assigned to non-member {server}")),
            }
        }
        if counts != self.loads {
            return Err(format!("loads {:?} but assignments count {counts:?}", self.loads));
        }
        if self.high_water < self.by_key.len() as u64 {
            return Err("high-water mark below the current key count".into());
        }
        for (s, &load) in servers.iter().zip(&self.loads) {
            let cap = self.capacity(s.weight, self.high_water);
            if load > cap {
                return Err(format!("{} holds {load} keys, over its capacity {cap}", s.id));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_factors() {
        for c in [0.0, 0.99, f64::NAN, f64::INFINITY, 1e9] {
            assert_eq!(BoundedLoads::new(10, c).unwrap_err(), RingError::BadLoadFactor, "{c}");
        }
        assert_eq!(BoundedLoads::new(0, 1.25).unwrap_err(), RingError::ZeroVnodes);
        let mut b = BoundedLoads::new(10, 1.25).unwrap();
        assert_eq!(b.assign(1), Err(RingError::NoServers));
        assert_eq!(b.release(1), Err(RingError::UnknownKey(1)));
    }

    #[test]
    fn no_server_exceeds_c_times_the_mean() {
        let mut b = BoundedLoads::new(40, 1.1).unwrap();
        for id in 0..10 {
            b.add(ServerId(id), 1).unwrap();
        }
        for key in 0..10_000 {
            b.assign(key).unwrap();
        }
        b.validate().unwrap();
        let max = b.loads().iter().map(|&(_, l)| l).max().unwrap();
        assert!(max <= 1_100, "max load {max} over ⌈1.1 · 1000⌉");
        // Without the bound, 40 vnodes leave the busiest of 10 servers far above 1.1× the mean.
        let ring_max = (0..10_000)
            .map(|k| b.ring().lookup(k).unwrap())
            .fold(BTreeMap::<ServerId, u64>::new(), |mut m, s| {
                *m.entry(s).or_default() += 1;
                m
            })
            .into_values()
            .max()
            .unwrap();
        assert!(ring_max > 1_150, "plain ring max {ring_max}");
    }

    #[test]
    fn lookup_previews_assign_and_release_frees_capacity() {
        let mut b = BoundedLoads::new(8, 1.0).unwrap();
        b.add(ServerId(1), 1).unwrap();
        b.add(ServerId(2), 1).unwrap();
        for key in 0..100 {
            let preview = b.lookup(key).unwrap();
            assert_eq!(b.assign(key).unwrap(), preview);
        }
        // c = 1: exactly 50 each.
        assert_eq!(b.loads(), vec![(ServerId(1), 50), (ServerId(2), 50)]);
        b.release(7).unwrap();
        b.validate().unwrap();
        assert_eq!(b.assigned(), 99);
    }

    #[test]
    fn server_changes_replay_arrivals_in_order() {
        let mut direct = BoundedLoads::new(16, 1.2).unwrap();
        let mut changed = BoundedLoads::new(16, 1.2).unwrap();
        for id in [1, 2, 3] {
            direct.add(ServerId(id), 1).unwrap();
            changed.add(ServerId(id), 1).unwrap();
        }
        changed.add(ServerId(4), 1).unwrap();
        for key in 0..3_000 {
            direct.assign(key).unwrap();
            changed.assign(key).unwrap();
        }
        changed.remove(ServerId(4)).unwrap();
        changed.validate().unwrap();
        assert!((0..3_000).all(|k| direct.lookup(k) == changed.lookup(k)));
        changed.remove(ServerId(1)).unwrap();
        changed.remove(ServerId(2)).unwrap();
        changed.remove(ServerId(3)).unwrap();
        changed.validate().unwrap();
        assert_eq!(changed.assigned(), 0);
    }
}
