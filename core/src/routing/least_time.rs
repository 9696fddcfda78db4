//! Least response time: an exponentially weighted moving average of each backend's observed round trips,
//! scaled by its active requests plus one (the "peak EWMA" idea from Finagle and Linkerd): a slow backend
//! is avoided even when it has few connections.

use super::{eligible, Backend, Balancer, Pick};
use crate::rng::SimRng;

/// The weight of the newest observation in the moving average.
const ALPHA: f64 = 0.2;

/// Lowest `ewma × (in_flight + 1)` wins; backends never observed count as fastest, so each gets tried.
#[derive(Debug)]
pub struct LeastResponseTime {
    ewma_ns: Vec<f64>,
}

impl LeastResponseTime {
    pub fn new(n: usize) -> Self {
        LeastResponseTime { ewma_ns: vec![0.0; n] }
    }
}

impl Balancer for LeastResponseTime {
    fn name(&self) -> &'static str {
        "least_response_time"
    }
    fn pick(&mut self, _: Pick, backends: &[Backend], _: &mut SimRng) -> Option<usize> {
        self.ewma_ns.resize(backends.len(), 0.0);
        let cost = |i: usize| self.ewma_ns[i] * f64::from(backends[i].in_flight + 1);
        eligible(backends).min_by(|&a, &b| cost(a).total_cmp(&cost(b)).then(a.cmp(&b)))
    }
    fn observe(&mut self, i: usize, rtt_ns: u64, _ok: bool) {
        if i >= self.ewma_ns.len() {
            self.ewma_ns.resize(i + 1, 0.0);
        }
        let e = &mut self.ewma_ns[i];
        *e = if *e == 0.0 {
            rtt_ns as f64
        } else {
            *e + ALPHA * (rtt_ns as f64 - *e)
        };
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::backends;
    use super::*;

    #[test]
    fn avoids_the_slow_backend() {
        let bs = backends(2);
        let mut b = LeastResponseTime::new(2);
        b.observe(0, 50_000_000, true);
        b.observe(1, 5_000_000, true);
        let mut rng = SimRng::new(0);
        assert_eq!(b.pick(Pick { key: 0, source: 0 }, &bs, &mut rng), Some(1));
    }
}
