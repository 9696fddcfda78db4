//! Consistent hashing as a balancing strategy: the eligible backends sit on a classic ring (160 points per
//! unit of weight, from [`crate::ring`]), and a request goes to the owner of its key. When a backend leaves or
//! joins only its keys move, so per-backend caches stay warm. With bounded loads (HAProxy's
//! `hash-balance-factor`), a backend already above `factor × average` in-flight requests is skipped for the
//! next one clockwise, capping hot-key overload at the price of a little locality.

use super::{Backend, Balancer, Pick};
use crate::ring::{ClassicRing, Placement, ServerId};
use crate::rng::SimRng;

/// Points per unit of weight.
const VNODES: u32 = 160;

/// Consistent hashing, optionally with bounded loads.
#[derive(Debug)]
pub struct ConsistentHash {
    /// `None` for plain consistent hashing; the balance factor (at least 1) for bounded loads.
    bound: Option<f64>,
    ring: Option<ClassicRing>,
    /// The (eligible, weight) membership the ring was built for.
    members: Vec<(bool, u32)>,
}

impl ConsistentHash {
    pub fn new(bound: Option<f64>) -> Self {
        ConsistentHash {
            bound,
            ring: None,
            members: Vec::new(),
        }
    }

    fn sync(&mut self, backends: &[Backend]) {
        let now: Vec<(bool, u32)> = backends.iter().map(|b| (b.eligible, b.weight.max(1))).collect();
        if self.ring.is_some() && now == self.members {
            return;
        }
        let ring = self
            .ring
            .get_or_insert_with(|| ClassicRing::new(VNODES).expect("VNODES is not zero"));
        let want: Vec<ServerId> = now
            .iter()
            .enumerate()
            .filter(|(_, m)| m.0)
            .map(|(i, _)| ServerId(i as u32))
            .collect();
        let gone: Vec<ServerId> = ring
            .servers()
            .iter()
            .map(|s| s.id)
            .filter(|id| !want.contains(id))
            .collect();
        // Membership changes are applied as removals and additions, so unchanged members keep their points.
        let _ = ring.remove_all(&gone);
        for id in want {
            let w = now[id.0 as usize].1;
            match ring.servers().iter().find(|s| s.id == id) {
                Some(s) if s.weight == w => {}
                Some(_) => {
                    let _ = ring.remove(id);
                    let _ = ring.add(id, w);
                }
                None => {
                    let _ = ring.add(id, w);
                }
            }
        }
        self.members = now;
    }
}

impl Balancer for ConsistentHash {
    fn name(&self) -> &'static str {
        if self.bound.is_some() {
            "bounded_consistent_hash"
        } else {
            "consistent_hash"
        }
    }

    fn pick(&mut self, req: Pick, backends: &[Backend], _: &mut SimRng) -> Option<usize> {
        self.sync(backends);
        let ring = self.ring.as_ref()?;
        let Some(factor) = self.bound else {
            return ring.lookup(req.key).ok().map(|s| s.0 as usize);
        };
        let eligible: Vec<&Backend> = backends.iter().filter(|b| b.eligible).collect();
        let total: u64 = eligible.iter().map(|b| u64::from(b.in_flight)).sum::<u64>() + 1;
        let weight: u64 = eligible.iter().map(|b| u64::from(b.weight.max(1))).sum::<u64>().max(1);
        let mut first = None;
        for s in ring.walk(req.key) {
            let i = s.0 as usize;
            first.get_or_insert(i);
            let b = &backends[i];
            // Capacity of this backend with the new request counted: ceil(factor × total × w / W).
            let cap = (factor * total as f64 * f64::from(b.weight.max(1)) / weight as f64).ceil() as u64;
            if u64::from(b.in_flight) < cap {
                return Some(i);
            }
        }
        first
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::backends;
    use super::*;

    #[test]
    fn only_the_departed_backends_keys_move() {
        let mut bs = backends(5);
        let mut ch = ConsistentHash::new(None);
        let mut rng = SimRng::new(0);
        let before: Vec<usize> = (0..2000)
            .map(|k| ch.pick(Pick { key: k, source: 0 }, &bs, &mut rng).unwrap())
            .collect();
        bs[2].eligible = false;
        let after: Vec<usize> = (0..2000)
            .map(|k| ch.pick(Pick { key: k, source: 0 }, &bs, &mut rng).unwrap())
            .collect();
        for k in 0..2000 {
            if before[k] != 2 {
                assert_eq!(before[k], after[k], "key {k} moved without cause");
            } else {
                assert_ne!(after[k], 2);
            }
        }
        assert!(before.iter().filter(|&&b| b == 2).count() > 200);
    }

    #[test]
    fn bounded_loads_skip_an_overloaded_owner() {
        let mut bs = backends(4);
        let mut plain = ConsistentHash::new(None);
        let mut rng = SimRng::new(0);
        let owner = plain.pick(Pick { key: 7, source: 0 }, &bs, &mut rng).unwrap();
        bs[owner].in_flight = 20;
        let mut bounded = ConsistentHash::new(Some(1.25));
        let got = bounded.pick(Pick { key: 7, source: 0 }, &bs, &mut rng).unwrap();
        assert_ne!(got, owner, "a backend far above the average is skipped");
        bs[owner].in_flight = 0;
        assert_eq!(bounded.pick(Pick { key: 7, source: 0 }, &bs, &mut rng), Some(owner));
    }
}
