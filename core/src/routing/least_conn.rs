//! Least connections: the backend with the fewest requests in flight (relative to its weight when weighted),
//! ties broken by position so runs are reproducible.

use super::{eligible, Backend, Balancer, Pick};
use crate::rng::SimRng;

/// Fewest in-flight requests wins.
#[derive(Debug)]
pub struct LeastConnections {
    pub weighted: bool,
}

impl Balancer for LeastConnections {
    fn name(&self) -> &'static str {
        if self.weighted {
            "weighted_least_connections"
        } else {
            "least_connections"
        }
    }
    fn pick(&mut self, _: Pick, backends: &[Backend], _: &mut SimRng) -> Option<usize> {
        // Compare in_flight_a * w_b against in_flight_b * w_a to stay in integers.
        let w = |b: &Backend| if self.weighted { u64::from(b.weight.max(1)) } else { 1 };
        eligible(backends).min_by(|&a, &b| {
            let (ba, bb) = (&backends[a], &backends[b]);
            (u64::from(ba.in_flight) * w(bb))
                .cmp(&(u64::from(bb.in_flight) * w(ba)))
                .then(a.cmp(&b))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::backends;
    use super::*;

    #[test]
    fn picks_the_least_loaded_relative_to_weight() {
        let mut bs = backends(3);
        bs[0].in_flight = 4;
        bs[1].in_flight = 3;
        bs[2].in_flight = 5;
        let mut rng = SimRng::new(0);
        let p = Pick { key: 0, source: 0 };
        assert_eq!(LeastConnections { weighted: false }.pick(p, &bs, &mut rng), Some(1));
        bs[2].weight = 4; // 5/4 < 3/1
        assert_eq!(LeastConnections { weighted: true }.pick(p, &bs, &mut rng), Some(2));
    }
}
