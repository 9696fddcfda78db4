//! Sticky sessions: the first request of a session (identified by its key) is placed round robin and
//! remembered; later requests of that session go to the same backend while it stays healthy, and move (once)
//! when it does not.

use super::{nth_eligible, Backend, Balancer, Pick};
use crate::rng::SimRng;
use std::collections::BTreeMap;

/// The most sessions remembered; beyond it the oldest placements are forgotten, as a real table would expire.
const MAX_SESSIONS: usize = 100_000;

/// Session affinity.
#[derive(Debug, Default)]
pub struct Sticky {
    table: BTreeMap<u64, usize>,
    order: std::collections::VecDeque<u64>,
    next: u64,
}

impl Balancer for Sticky {
    fn name(&self) -> &'static str {
        "sticky"
    }
    fn pick(&mut self, req: Pick, backends: &[Backend], _: &mut SimRng) -> Option<usize> {
        if let Some(&i) = self.table.get(&req.key) {
            if backends.get(i).is_some_and(|b| b.eligible) {
                return Some(i);
            }
        }
        let i = nth_eligible(backends, self.next)?;
        self.next = self.next.wrapping_add(1);
        if self.table.insert(req.key, i).is_none() {
            self.order.push_back(req.key);
            if self.order.len() > MAX_SESSIONS {
                if let Some(old) = self.order.pop_front() {
                    self.table.remove(&old);
                }
            }
        }
        Some(i)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::backends;
    use super::*;

    #[test]
    fn sessions_stick_and_move_only_when_their_backend_fails() {
        let mut bs = backends(3);
        let mut s = Sticky::default();
        let mut rng = SimRng::new(0);
        let first: Vec<usize> = (0..30)
            .map(|k| s.pick(Pick { key: k, source: 0 }, &bs, &mut rng).unwrap())
            .collect();
        let again: Vec<usize> = (0..30)
            .map(|k| s.pick(Pick { key: k, source: 0 }, &bs, &mut rng).unwrap())
            .collect();
        assert_eq!(first, again);
        bs[1].eligible = false;
        let after: Vec<usize> = (0..30)
            .map(|k| s.pick(Pick { key: k, source: 0 }, &bs, &mut rng).unwrap())
            .collect();
        for k in 0..30 {
            if first[k] == 1 {
                assert_ne!(after[k], 1);
            } else {
                assert_eq!(after[k], first[k], "session {k} moved without cause");
            }
        }
    }
}
