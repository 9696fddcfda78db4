//! Load balancing: one [`Balancer`] trait, one file per strategy. A load balancer, a proxy or a smart client
//! asks its balancer to pick among its backends; only backends that carry the request's class and that health
//! checks have not taken out are eligible. Balancers keep their own state (cursors, EWMAs, session tables)
//! and draw randomness only from the generator they are handed.

mod consistent;
mod failover;
mod geo;
mod hash;
mod least_conn;
mod least_time;
mod p2c;
mod random;
mod round_robin;
mod sticky;

use crate::rng::SimRng;
use std::fmt;

pub use consistent::ConsistentHash;
pub use failover::Failover;
pub use geo::Geographic;
pub use hash::{KeyHash, SourceHash};
pub use least_conn::LeastConnections;
pub use least_time::LeastResponseTime;
pub use p2c::{max_load, PowerOfTwo};
pub use random::Random;
pub use round_robin::{RoundRobin, SmoothWeighted};
pub use sticky::Sticky;

/// What a balancer sees of one backend.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backend {
    /// Relative capacity (the edge's `weight`, at least 1).
    pub weight: u32,
    /// Requests this balancer has sent to the backend and not yet heard back from.
    pub in_flight: u32,
    /// Carries the request's class and is not marked down by health checks.
    pub eligible: bool,
    /// The backend is in the same region as the request's client.
    pub local: bool,
    /// Mean one-way latency of the edge to it, in milliseconds (the distance for geographic routing).
    pub distance_ms: f64,
}

/// What a balancer knows about the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pick {
    /// The key the request touches (URL hash, shard key, session id).
    pub key: u64,
    /// A stable id of the client that sent it (its "IP address").
    pub source: u64,
}

/// A load-balancing strategy.
pub trait Balancer: fmt::Debug {
    fn name(&self) -> &'static str;
    /// The index of the chosen backend, or `None` when no backend is eligible.
    fn pick(&mut self, req: Pick, backends: &[Backend], rng: &mut SimRng) -> Option<usize>;
    /// Observes a finished request on backend `i`: its round-trip time and whether it succeeded.
    fn observe(&mut self, _i: usize, _rtt_ns: u64, _ok: bool) {}
}

/// The strategies a scenario can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strategy {
    RoundRobin,
    WeightedRoundRobin,
    Random,
    WeightedRandom,
    LeastConnections,
    WeightedLeastConnections,
    LeastResponseTime,
    PowerOfTwo,
    SourceHash,
    KeyHash,
    Geographic,
    Sticky,
    Failover,
    ConsistentHash,
    BoundedConsistentHash,
}

impl Strategy {
    pub const ALL: [Strategy; 15] = [
        Strategy::RoundRobin,
        Strategy::WeightedRoundRobin,
        Strategy::Random,
        Strategy::WeightedRandom,
        Strategy::LeastConnections,
        Strategy::WeightedLeastConnections,
        Strategy::LeastResponseTime,
        Strategy::PowerOfTwo,
        Strategy::SourceHash,
        Strategy::KeyHash,
        Strategy::Geographic,
        Strategy::Sticky,
        Strategy::Failover,
        Strategy::ConsistentHash,
        Strategy::BoundedConsistentHash,
    ];

    /// The HAProxy default `hash-balance-factor` of 125%.
    pub const DEFAULT_BALANCE_FACTOR: f64 = 1.25;

    /// A fresh balancer of this strategy for `n` backends (`balance_factor` bounds the consistent hash).
    pub fn build(self, n: usize, balance_factor: f64) -> Box<dyn Balancer> {
        match self {
            Strategy::RoundRobin => Box::new(RoundRobin::default()),
            Strategy::WeightedRoundRobin => Box::new(SmoothWeighted::new(n)),
            Strategy::Random => Box::new(Random { weighted: false }),
            Strategy::WeightedRandom => Box::new(Random { weighted: true }),
            Strategy::LeastConnections => Box::new(LeastConnections { weighted: false }),
            Strategy::WeightedLeastConnections => Box::new(LeastConnections { weighted: true }),
            Strategy::LeastResponseTime => Box::new(LeastResponseTime::new(n)),
            Strategy::PowerOfTwo => Box::new(PowerOfTwo),
            Strategy::SourceHash => Box::new(SourceHash),
            Strategy::KeyHash => Box::new(KeyHash),
            Strategy::Geographic => Box::new(Geographic::default()),
            Strategy::Sticky => Box::new(Sticky::default()),
            Strategy::Failover => Box::new(Failover),
            Strategy::ConsistentHash => Box::new(ConsistentHash::new(None)),
            Strategy::BoundedConsistentHash => Box::new(ConsistentHash::new(Some(balance_factor))),
        }
    }
}

/// Indices of the eligible backends.
pub(crate) fn eligible(backends: &[Backend]) -> impl Iterator<Item = usize> + '_ {
    backends.iter().enumerate().filter(|(_, b)| b.eligible).map(|(i, _)| i)
}

/// The `k`-th eligible backend, counting cyclically.
pub(crate) fn nth_eligible(backends: &[Backend], k: u64) -> Option<usize> {
    let n = eligible(backends).count() as u64;
    if n == 0 {
        return None;
    }
    eligible(backends).nth((k % n) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn backends(n: usize) -> Vec<Backend> {
        vec![
            Backend {
                weight: 1,
                in_flight: 0,
                eligible: true,
                local: false,
                distance_ms: 1.0
            };
            n
        ]
    }

    #[test]
    fn no_strategy_picks_an_ineligible_backend() {
        let mut bs = backends(5);
        bs[1].eligible = false;
        bs[3].eligible = false;
        let mut rng = SimRng::new(1);
        for s in Strategy::ALL {
            let mut b = s.build(bs.len(), 1.25);
            for k in 0..200u64 {
                let i = b.pick(Pick { key: k, source: k % 3 }, &bs, &mut rng).unwrap();
                assert!(bs[i].eligible, "{s:?} picked {i}");
                b.observe(i, 1_000_000, true);
            }
        }
    }

    #[test]
    fn every_strategy_reports_none_when_nothing_is_eligible() {
        let mut bs = backends(3);
        for b in &mut bs {
            b.eligible = false;
        }
        let mut rng = SimRng::new(1);
        for s in Strategy::ALL {
            assert_eq!(
                s.build(3, 1.25).pick(Pick { key: 1, source: 1 }, &bs, &mut rng),
                None,
                "{s:?}"
            );
        }
    }
}
