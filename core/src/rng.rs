//! Seeded randomness. One scenario seed feeds a root generator, which hands independent sub-seeds to the
//! sub-systems (each client's workload, the network, each node), so adding a node does not perturb the
//! draws of another. The generator is PCG-64 (MCG): the same stream on 32- and 64-bit targets.

use rand::{RngCore, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// The engine's random source.
#[derive(Clone, Debug)]
pub struct SimRng(Pcg64Mcg);

impl SimRng {
    pub fn new(seed: u64) -> Self {
        SimRng(Pcg64Mcg::seed_from_u64(seed))
    }

    /// A generator for a named sub-system, derived from this seed and a stream number, independent of how
    /// many draws the parent has made.
    pub fn derive(seed: u64, stream: u64) -> Self {
        SimRng::new(mix64(seed ^ mix64(stream.wrapping_add(0x9E37_79B9_7F4A_7C15))))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A uniform draw in `[0, 1)` with 53 bits of precision.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform draw in `(0, 1]`, safe to take the logarithm of.
    pub fn unit_open0(&mut self) -> f64 {
        1.0 - self.unit()
    }

    /// A uniform integer in `[0, n)` (Lemire's method, without the platform-dependent `usize` paths).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let mut m = (self.next_u64() as u128) * (n as u128);
        let mut lo = m as u64;
        if lo < n {
            let threshold = n.wrapping_neg() % n;
            while lo < threshold {
                m = (self.next_u64() as u128) * (n as u128);
                lo = m as u64;
            }
        }
        (m >> 64) as u64
    }

    /// A standard exponential draw (mean 1), by the ziggurat method (`rand_distr::Exp1`): a table lookup and
    /// a compare almost always, a logarithm (through libm, so identical on every target) only in the tail.
    pub fn exp1(&mut self) -> f64 {
        use rand_distr::Distribution;
        rand_distr::Exp1.sample(&mut self.0)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.unit() < p
    }

    pub(crate) fn inner(&mut self) -> &mut Pcg64Mcg {
        &mut self.0
    }
}

/// SplitMix64's finaliser: a fixed, fast 64-bit mixer used for sub-seeds and deterministic sampling.
pub const fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut rng = SimRng::new(7);
        let mut seen = [0u32; 5];
        for _ in 0..10_000 {
            let v = rng.below(5);
            assert!(v < 5);
            seen[v as usize] += 1;
        }
        for count in seen {
            assert!((1_700..2_300).contains(&count), "{seen:?}");
        }
    }

    #[test]
    fn derived_streams_differ_and_repeat() {
        let a1 = SimRng::derive(1, 1).next_u64();
        let a2 = SimRng::derive(1, 1).next_u64();
        let b = SimRng::derive(1, 2).next_u64();
        assert_eq!(a1, a2);
        assert_ne!(a1, b);
    }

    #[test]
    fn unit_is_in_half_open_interval() {
        let mut rng = SimRng::new(3);
        for _ in 0..10_000 {
            let u = rng.unit();
            assert!((0.0..1.0).contains(&u));
            let v = rng.unit_open0();
            assert!(v > 0.0 && v <= 1.0);
        }
    }
}
