//! Uniformly random choice, and random choice in proportion to weight.

use super::{eligible, nth_eligible, Backend, Balancer, Pick};
use crate::rng::SimRng;

/// A random eligible backend, optionally weighted.
#[derive(Debug)]
pub struct Random {
    pub weighted: bool,
}

impl Balancer for Random {
    fn name(&self) -> &'static str {
        if self.weighted {
            "weighted_random"
        } else {
            "random"
        }
    }
    fn pick(&mut self, _: Pick, backends: &[Backend], rng: &mut SimRng) -> Option<usize> {
        if !self.weighted {
            let n = eligible(backends).count() as u64;
            if n == 0 {
                return None;
            }
            return nth_eligible(backends, rng.below(n));
        }
        let total: u64 = eligible(backends).map(|i| u64::from(backends[i].weight.max(1))).sum();
        if total == 0 {
            return None;
        }
        let mut r = rng.below(total);
        for i in eligible(backends) {
            let w = u64::from(backends[i].weight.max(1));
            if r < w {
                return Some(i);
            }
            r -= w;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::backends;
    use super::*;

    #[test]
    fn weighted_random_follows_weights() {
        let mut bs = backends(2);
        bs[0].weight = 3;
        let mut r = Random { weighted: true };
        let mut rng = SimRng::new(4);
        let n = 40_000;
        let zeros = (0..n)
            .filter(|_| r.pick(Pick { key: 0, source: 0 }, &bs, &mut rng) == Some(0))
            .count();
        let share = zeros as f64 / n as f64;
        assert!((share - 0.75).abs() < 0.01, "{share}");
    }
}
