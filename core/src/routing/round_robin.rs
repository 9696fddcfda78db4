//! Round robin, and nginx's smooth weighted round robin (each pick adds every weight to a running score,
//! takes the highest, and subtracts the total from it: weights 5,1,1 give a,a,b,a,c,a,a rather than bursts).

use super::{eligible, nth_eligible, Backend, Balancer, Pick};
use crate::rng::SimRng;

/// Each eligible backend in turn.
#[derive(Debug, Default)]
pub struct RoundRobin {
    next: u64,
}

impl Balancer for RoundRobin {
    fn name(&self) -> &'static str {
        "round_robin"
    }
    fn pick(&mut self, _: Pick, backends: &[Backend], _: &mut SimRng) -> Option<usize> {
        let i = nth_eligible(backends, self.next)?;
        self.next = self.next.wrapping_add(1);
        Some(i)
    }
}

/// nginx's smooth weighted round robin.
#[derive(Debug)]
pub struct SmoothWeighted {
    current: Vec<i64>,
}

impl SmoothWeighted {
    pub fn new(n: usize) -> Self {
        SmoothWeighted { current: vec![0; n] }
    }
}

impl Balancer for SmoothWeighted {
    fn name(&self) -> &'static str {
        "weighted_round_robin"
    }
    fn pick(&mut self, _: Pick, backends: &[Backend], _: &mut SimRng) -> Option<usize> {
        self.current.resize(backends.len(), 0);
        let mut total = 0i64;
        let mut best: Option<usize> = None;
        for i in eligible(backends) {
            let w = i64::from(backends[i].weight.max(1));
            self.current[i] += w;
            total += w;
            if best.is_none_or(|b| self.current[i] > self.current[b]) {
                best = Some(i);
            }
        }
        let b = best?;
        self.current[b] -= total;
        Some(b)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::backends;
    use super::*;

    #[test]
    fn smooth_weighted_matches_nginx_sequence() {
        let mut bs = backends(3);
        bs[0].weight = 5;
        let mut s = SmoothWeighted::new(3);
        let mut rng = SimRng::new(0);
        let seq: Vec<usize> = (0..7)
            .map(|_| s.pick(Pick { key: 0, source: 0 }, &bs, &mut rng).unwrap())
            .collect();
        assert_eq!(seq, vec![0, 0, 1, 0, 2, 0, 0]);
    }

    #[test]
    fn round_robin_cycles_over_eligible_backends() {
        let mut bs = backends(3);
        bs[1].eligible = false;
        let mut r = RoundRobin::default();
        let mut rng = SimRng::new(0);
        let seq: Vec<usize> = (0..4)
            .map(|_| r.pick(Pick { key: 0, source: 0 }, &bs, &mut rng).unwrap())
            .collect();
        assert_eq!(seq, vec![0, 2, 0, 2]);
    }
}
