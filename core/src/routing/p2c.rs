//! Power of two choices (Mitzenmacher): sample two distinct eligible backends at random and take the one with
//! fewer requests in flight. Exponentially better maximum load than one random choice, at the cost of one
//! extra look.

use super::{eligible, nth_eligible, Backend, Balancer, Pick};
use crate::rng::SimRng;

/// The less loaded of two random backends.
#[derive(Debug)]
pub struct PowerOfTwo;

impl Balancer for PowerOfTwo {
    fn name(&self) -> &'static str {
        "power_of_two"
    }
    fn pick(&mut self, _: Pick, backends: &[Backend], rng: &mut SimRng) -> Option<usize> {
        let n = eligible(backends).count() as u64;
        match n {
            0 => None,
            1 => nth_eligible(backends, 0),
            _ => {
                let a = rng.below(n);
                let b = (a + 1 + rng.below(n - 1)) % n;
                let (a, b) = (nth_eligible(backends, a)?, nth_eligible(backends, b)?);
                Some(if backends[b].in_flight < backends[a].in_flight {
                    b
                } else {
                    a
                })
            }
        }
    }
}

/// Balls into bins: throws `balls` one by one, each to the less loaded of `choices` random bins (1 = plain
/// random), and returns the maximum load. The theory check for this strategy.
pub fn max_load(bins: usize, balls: usize, choices: usize, rng: &mut SimRng) -> u32 {
    let mut load = vec![0u32; bins];
    for _ in 0..balls {
        let mut best = rng.below(bins as u64) as usize;
        for _ in 1..choices {
            let other = rng.below(bins as u64) as usize;
            if load[other] < load[best] {
                best = other;
            }
        }
        load[best] += 1;
    }
    load.into_iter().max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balls_into_bins_matches_theory() {
        // n = 10^6 balls into 10^6 bins. One random choice: max load ~ ln n / ln ln n (about 8 in practice);
        // two choices: ln ln n / ln 2 + O(1) (about 4).
        let n = 1_000_000;
        let one = max_load(n, n, 1, &mut SimRng::new(1));
        let two = max_load(n, n, 2, &mut SimRng::new(2));
        assert!((7..=11).contains(&one), "one choice: max load {one}");
        assert!(two <= 5, "two choices: max load {two}");
    }
}
