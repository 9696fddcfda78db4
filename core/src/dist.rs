//! Time distributions for network latency and service time, sampled through `libm` so the same seed gives
//! bit-identical draws on native and wasm. Parameters are validated before the engine ever samples.

use crate::rng::SimRng;
use crate::time::ms_to_nanos;

/// A distribution of durations, in milliseconds as scenario files write them.
#[derive(Clone, Debug, PartialEq)]
pub enum Dist {
    /// Always `ms`.
    Constant { ms: f64 },
    /// Exponential with the given mean (memoryless: the M in M/M/1).
    Exponential { mean_ms: f64 },
    /// Uniform on `[min_ms, max_ms]`.
    Uniform { min_ms: f64, max_ms: f64 },
    /// Log-normal with the given median and shape `sigma` (a long right tail, like real service times).
    LogNormal { median_ms: f64, sigma: f64 },
    /// Pareto (type I) with scale `min_ms` and shape `alpha`: a heavy tail.
    Pareto { min_ms: f64, alpha: f64 },
}

/// What is wrong with a distribution's parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct DistError(pub String);

impl Dist {
    pub const ZERO: Dist = Dist::Constant { ms: 0.0 };

    /// Checks the parameters are finite and in range.
    pub fn validate(&self) -> Result<(), DistError> {
        fn finite_nonneg(name: &str, v: f64) -> Result<(), DistError> {
            if !v.is_finite() {
                return Err(DistError(format!("{name} must be a finite number, got {v}")));
            }
            if v < 0.0 {
                return Err(DistError(format!("{name} must not be negative, got {v}")));
            }
            Ok(())
        }
        fn positive(name: &str, v: f64) -> Result<(), DistError> {
            finite_nonneg(name, v)?;
            if v == 0.0 {
                return Err(DistError(format!("{name} must be greater than zero")));
            }
            Ok(())
        }
        match *self {
            Dist::Constant { ms } => finite_nonneg("ms", ms),
            Dist::Exponential { mean_ms } => positive("mean_ms", mean_ms),
            Dist::Uniform { min_ms, max_ms } => {
                finite_nonneg("min_ms", min_ms)?;
                finite_nonneg("max_ms", max_ms)?;
                if max_ms < min_ms {
                    return Err(DistError(format!("max_ms ({max_ms}) is below min_ms ({min_ms})")));
                }
                Ok(())
            }
            Dist::LogNormal { median_ms, sigma } => {
                positive("median_ms", median_ms)?;
                finite_nonneg("sigma", sigma)
            }
            Dist::Pareto { min_ms, alpha } => {
                positive("min_ms", min_ms)?;
                positive("alpha", alpha)
            }
        }
    }

    /// The mean in milliseconds (infinite for a Pareto tail with `alpha <= 1`).
    pub fn mean_ms(&self) -> f64 {
        match *self {
            Dist::Constant { ms } => ms,
            Dist::Exponential { mean_ms } => mean_ms,
            Dist::Uniform { min_ms, max_ms } => (min_ms + max_ms) / 2.0,
            Dist::LogNormal { median_ms, sigma } => median_ms * libm::exp(sigma * sigma / 2.0),
            Dist::Pareto { min_ms, alpha } => {
                if alpha <= 1.0 {
                    f64::INFINITY
                } else {
                    alpha * min_ms / (alpha - 1.0)
                }
            }
        }
    }

    /// True when every draw is zero, so the engine can skip sampling.
    pub fn is_zero(&self) -> bool {
        matches!(*self, Dist::Constant { ms } if ms == 0.0)
    }

    /// Draws one duration in nanoseconds.
    pub fn sample_ns(&self, rng: &mut SimRng) -> u64 {
        ms_to_nanos(self.sample_ms(rng))
    }

    /// Draws one duration in milliseconds.
    pub fn sample_ms(&self, rng: &mut SimRng) -> f64 {
        match *self {
            Dist::Constant { ms } => ms,
            Dist::Exponential { mean_ms } => mean_ms * rng.exp1(),
            Dist::Uniform { min_ms, max_ms } => min_ms + (max_ms - min_ms) * rng.unit(),
            Dist::LogNormal { median_ms, sigma } => median_ms * libm::exp(sigma * std_normal(rng)),
            Dist::Pareto { min_ms, alpha } => min_ms / libm::pow(rng.unit_open0(), 1.0 / alpha),
        }
    }
}

/// A standard normal draw (Box–Muller; one value per call keeps the stream simple and reproducible).
pub fn std_normal(rng: &mut SimRng) -> f64 {
    let u1 = rng.unit_open0();
    let u2 = rng.unit();
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_of(d: &Dist, n: usize) -> f64 {
        let mut rng = SimRng::new(11);
        (0..n).map(|_| d.sample_ms(&mut rng)).sum::<f64>() / n as f64
    }

    #[test]
    fn sample_means_match_theory() {
        let cases = [
            Dist::Constant { ms: 3.0 },
            Dist::Exponential { mean_ms: 2.0 },
            Dist::Uniform {
                min_ms: 1.0,
                max_ms: 5.0,
            },
            Dist::LogNormal {
                median_ms: 1.0,
                sigma: 0.5,
            },
            Dist::Pareto {
                min_ms: 1.0,
                alpha: 3.0,
            },
        ];
        for d in &cases {
            let m = mean_of(d, 200_000);
            let want = d.mean_ms();
            assert!((m - want).abs() / want < 0.02, "{d:?}: sample mean {m}, theory {want}");
        }
    }

    #[test]
    fn validation_rejects_bad_parameters() {
        let bad = [
            Dist::Constant { ms: -1.0 },
            Dist::Constant { ms: f64::NAN },
            Dist::Exponential { mean_ms: 0.0 },
            Dist::Exponential { mean_ms: f64::INFINITY },
            Dist::Uniform {
                min_ms: 5.0,
                max_ms: 1.0,
            },
            Dist::LogNormal {
                median_ms: 1.0,
                sigma: -0.1,
            },
            Dist::Pareto {
                min_ms: 1.0,
                alpha: 0.0,
            },
        ];
        for d in &bad {
            assert!(d.validate().is_err(), "{d:?} should be rejected");
        }
        assert_eq!(Dist::ZERO.validate(), Ok(()));
    }
}
