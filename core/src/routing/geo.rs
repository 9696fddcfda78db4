//! Geographic routing: backends in the client's own region first (round robin among them); when none of
//! those is healthy, the nearest other backend, measured by the mean latency of the edge to it.

use super::{eligible, Backend, Balancer, Pick};
use crate::rng::SimRng;

/// Nearest healthy region first, then fallback.
#[derive(Debug, Default)]
pub struct Geographic {
    next: u64,
}

impl Balancer for Geographic {
    fn name(&self) -> &'static str {
        "geographic"
    }
    fn pick(&mut self, _: Pick, backends: &[Backend], _: &mut SimRng) -> Option<usize> {
        let local: Vec<usize> = eligible(backends).filter(|&i| backends[i].local).collect();
        if !local.is_empty() {
            let i = local[(self.next % local.len() as u64) as usize];
            self.next = self.next.wrapping_add(1);
            return Some(i);
        }
        eligible(backends).min_by(|&a, &b| {
            backends[a]
                .distance_ms
                .total_cmp(&backends[b].distance_ms)
                .then(a.cmp(&b))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::backends;
    use super::*;

    #[test]
    fn prefers_local_then_nearest() {
        let mut bs = backends(3);
        bs[2].local = true;
        bs[0].distance_ms = 80.0;
        bs[1].distance_ms = 30.0;
        let mut g = Geographic::default();
        let mut rng = SimRng::new(0);
        let p = Pick { key: 0, source: 0 };
        assert_eq!(g.pick(p, &bs, &mut rng), Some(2));
        bs[2].eligible = false;
        assert_eq!(g.pick(p, &bs, &mut rng), Some(1));
    }
}
