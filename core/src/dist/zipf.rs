//! Zipf's distribution over ranks `1..=n`: rank `k` with probability proportional to `1 / k^s`. The algorithm
//! and its constants are `rand_distr` 0.5's (rejection-inversion, Hörmann and Derflinger), with its
//! floating-point maths through `libm`. `rand_distr` does its maths through `num_traits::Float`, which uses the
//! platform's maths library as soon as any crate turns on num-traits' `std` feature (hdrhistogram does): glibc
//! natively, a port of musl's on wasm, which may round differently. Here both targets run the same code.

use rand::{Rng, RngCore};

/// Why a Zipf distribution cannot be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZipfError {
    /// The exponent is negative or not a number.
    STooSmall,
    /// Fewer than one rank.
    NTooSmall,
}

impl std::fmt::Display for ZipfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ZipfError::STooSmall => "s < 0 or is NaN in Zipf distribution",
            ZipfError::NTooSmall => "n < 1 in Zipf distribution",
        })
    }
}

/// A Zipf distribution over `1..=n` with exponent `s`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Zipf {
    s: f64,
    t: f64,
    q: f64,
}

impl Zipf {
    pub fn new(n: f64, s: f64) -> Result<Zipf, ZipfError> {
        if s.is_nan() || s < 0.0 {
            return Err(ZipfError::STooSmall);
        }
        if n < 1.0 {
            return Err(ZipfError::NTooSmall);
        }
        let q = if s != 1.0 { 1.0 / (1.0 - s) } else { 0.0 };
        let t = if s != 1.0 {
            (libm::pow(n, 1.0 - s) - s) * q
        } else {
            1.0 + libm::log(n)
        };
        Ok(Zipf { s, t, q })
    }

    fn inv_cdf(&self, p: f64) -> f64 {
        let pt = p * self.t;
        if pt <= 1.0 {
            pt
        } else if self.s != 1.0 {
            libm::pow(pt * (1.0 - self.s) + self.s, self.q)
        } else {
            libm::exp(pt - 1.0)
        }
    }

    /// A rank in `1..=n` (as a float, as `rand_distr` returns it), drawing two or more uniforms from `rng`.
    pub fn sample<R: RngCore>(&self, rng: &mut R) -> f64 {
        loop {
            let inv_b = self.inv_cdf(rng.random::<f64>());
            let x = libm::floor(inv_b + 1.0);
            let mut ratio = libm::pow(x, -self.s);
            if x > 1.0 {
                ratio *= libm::pow(inv_b, self.s);
            }
            let y = rng.random::<f64>();
            if y < ratio {
                return x;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_pcg::Pcg64Mcg;

    #[test]
    fn bad_parameters_are_errors() {
        assert_eq!(Zipf::new(10.0, -1.0), Err(ZipfError::STooSmall));
        assert_eq!(Zipf::new(10.0, f64::NAN), Err(ZipfError::STooSmall));
        assert_eq!(Zipf::new(0.5, 1.0), Err(ZipfError::NTooSmall));
    }

    /// Rank frequencies follow `k^-s / H(n, s)`, for `s` below, at and above 1.
    #[test]
    fn ranks_follow_the_law() {
        let n = 20u64;
        for s in [0.0, 0.7, 1.0, 1.3] {
            let z = Zipf::new(n as f64, s).unwrap();
            let mut rng = Pcg64Mcg::seed_from_u64(42);
            let draws = 200_000;
            let mut counts = vec![0u64; n as usize + 1];
            for _ in 0..draws {
                let k = z.sample(&mut rng);
                assert!((1.0..=n as f64).contains(&k) && k.fract() == 0.0, "{k}");
                counts[k as usize] += 1;
            }
            let h: f64 = (1..=n).map(|k| (k as f64).powf(-s)).sum();
            for k in 1..=n {
                let p = (k as f64).powf(-s) / h;
                let expect = p * draws as f64;
                let sd = (draws as f64 * p * (1.0 - p)).sqrt();
                let got = counts[k as usize] as f64;
                assert!((got - expect).abs() < 5.0 * sd, "s {s}, rank {k}: {got} vs {expect:.0}");
            }
        }
    }

    /// Where the platform's maths agrees with libm, the draws are `rand_distr`'s own.
    #[test]
    fn draws_match_rand_distr() {
        use rand_distr::Distribution;
        for (n, s) in [(10_000.0, 0.99), (1_000.0, 1.0), (50.0, 1.5), (7.0, 0.0)] {
            let ours = Zipf::new(n, s).unwrap();
            let theirs = rand_distr::Zipf::new(n, s).unwrap();
            let (mut a, mut b) = (Pcg64Mcg::seed_from_u64(9), Pcg64Mcg::seed_from_u64(9));
            let mut same = 0;
            for _ in 0..10_000 {
                if ours.sample(&mut a) == theirs.sample(&mut b) {
                    same += 1;
                }
            }
            assert!(same >= 9_990, "n {n}, s {s}: {same} of 10000 draws agree");
        }
    }
}
