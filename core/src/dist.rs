//! Time distributions for network latency and service time, sampled through `libm` so the same seed gives
//! bit-identical draws on native and wasm. Parameters are validated before the engine ever samples.

pub mod trig;
pub mod zipf;

use crate::limits::{MAX_PARETO_ALPHA, MAX_SIGMA, MAX_TIME_MS, MIN_PARETO_ALPHA, MIN_TIME_MS};
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
pub enum DistError {
    /// Not a finite number, negative, zero where it must be positive, or a maximum below its minimum.
    Malformed(String),
    /// A finite value outside the range the model honours (see [`crate::limits`]).
    OutOfRange {
        param: &'static str,
        value: f64,
        min: f64,
        max: f64,
        /// `"ms"`, or empty for a shape parameter.
        unit: &'static str,
    },
}

impl std::fmt::Display for DistError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DistError::Malformed(m) => f.write_str(m),
            DistError::OutOfRange {
                param,
                value,
                min,
                max,
                unit,
            } => write!(
                f,
                "{param} must be between {min} and {max}{}{unit}, got {value}",
                if unit.is_empty() { "" } else { " " }
            ),
        }
    }
}

impl Dist {
    pub const ZERO: Dist = Dist::Constant { ms: 0.0 };

    /// Checks the parameters are finite and within [`crate::limits`]: times zero or between
    /// [`MIN_TIME_MS`] and [`MAX_TIME_MS`], log-normal `sigma` at most [`MAX_SIGMA`], Pareto `alpha` between
    /// [`MIN_PARETO_ALPHA`] and [`MAX_PARETO_ALPHA`].
    pub fn validate(&self) -> Result<(), DistError> {
        fn finite_nonneg(name: &str, v: f64) -> Result<(), DistError> {
            if !v.is_finite() {
                return Err(DistError::Malformed(format!("{name} must be a finite number, got {v}")));
            }
            if v < 0.0 {
                return Err(DistError::Malformed(format!("{name} must not be negative, got {v}")));
            }
            Ok(())
        }
        fn positive(name: &str, v: f64) -> Result<(), DistError> {
            finite_nonneg(name, v)?;
            if v == 0.0 {
                return Err(DistError::Malformed(format!("{name} must be greater than zero")));
            }
            Ok(())
        }
        fn range(param: &'static str, v: f64, min: f64, max: f64, unit: &'static str) -> Result<(), DistError> {
            if (min..=max).contains(&v) {
                Ok(())
            } else {
                Err(DistError::OutOfRange {
                    param,
                    value: v,
                    min,
                    max,
                    unit,
                })
            }
        }
        /// A time: zero, or between one nanosecond and the longest time.
        fn time(param: &'static str, v: f64) -> Result<(), DistError> {
            if v == 0.0 {
                Ok(())
            } else {
                range(param, v, MIN_TIME_MS, MAX_TIME_MS, "ms")
            }
        }
        match *self {
            Dist::Constant { ms } => {
                finite_nonneg("ms", ms)?;
                time("ms", ms)
            }
            Dist::Exponential { mean_ms } => {
                positive("mean_ms", mean_ms)?;
                time("mean_ms", mean_ms)
            }
            Dist::Uniform { min_ms, max_ms } => {
                finite_nonneg("min_ms", min_ms)?;
                finite_nonneg("max_ms", max_ms)?;
                if max_ms < min_ms {
                    return Err(DistError::Malformed(format!(
                        "max_ms ({max_ms}) is below min_ms ({min_ms})"
                    )));
                }
                time("min_ms", min_ms)?;
                time("max_ms", max_ms)
            }
            Dist::LogNormal { median_ms, sigma } => {
                positive("median_ms", median_ms)?;
                finite_nonneg("sigma", sigma)?;
                time("median_ms", median_ms)?;
                range("sigma", sigma, 0.0, MAX_SIGMA, "")
            }
            Dist::Pareto { min_ms, alpha } => {
                positive("min_ms", min_ms)?;
                positive("alpha", alpha)?;
                time("min_ms", min_ms)?;
                range("alpha", alpha, MIN_PARETO_ALPHA, MAX_PARETO_ALPHA, "")
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

    /// Draws one duration in milliseconds, at most [`MAX_TIME_MS`] (a heavy tail is truncated there, so no
    /// draw puts an event years away or saturates the clock).
    pub fn sample_ms(&self, rng: &mut SimRng) -> f64 {
        let ms = match *self {
            Dist::Constant { ms } => ms,
            Dist::Exponential { mean_ms } => mean_ms * rng.exp1(),
            Dist::Uniform { min_ms, max_ms } => min_ms + (max_ms - min_ms) * rng.unit(),
            Dist::LogNormal { median_ms, sigma } => median_ms * libm::exp(sigma * std_normal(rng)),
            Dist::Pareto { min_ms, alpha } => min_ms / libm::pow(rng.unit_open0(), 1.0 / alpha),
        };
        ms.min(MAX_TIME_MS)
    }
}

/// A standard normal draw (Box–Muller; one value per call keeps the stream simple and reproducible).
pub fn std_normal(rng: &mut SimRng) -> f64 {
    let u1 = rng.unit_open0();
    let u2 = rng.unit();
    libm::sqrt(-2.0 * libm::log(u1)) * trig::cos(2.0 * std::f64::consts::PI * u2)
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
        let out_of_range = [
            (Dist::Constant { ms: 1e308 }, "ms"),
            (Dist::Constant { ms: 1e-300 }, "ms"),
            (Dist::Exponential { mean_ms: 1e11 }, "mean_ms"),
            (
                Dist::Uniform {
                    min_ms: 0.0,
                    max_ms: 2e9,
                },
                "max_ms",
            ),
            (
                Dist::LogNormal {
                    median_ms: 1.0,
                    sigma: 11.0,
                },
                "sigma",
            ),
            (
                Dist::Pareto {
                    min_ms: 1.0,
                    alpha: 0.01,
                },
                "alpha",
            ),
        ];
        for (d, want) in &out_of_range {
            assert!(
                matches!(d.validate(), Err(DistError::OutOfRange { param, .. }) if param == *want),
                "{d:?}: {:?}",
                d.validate()
            );
        }
    }

    #[test]
    fn heavy_tails_are_truncated_at_the_longest_time() {
        let d = Dist::Pareto {
            min_ms: 1.0,
            alpha: 0.1,
        };
        assert_eq!(d.validate(), Ok(()));
        let mut rng = SimRng::new(3);
        let max = (0..10_000).map(|_| d.sample_ms(&mut rng)).fold(0.0, f64::max);
        assert_eq!(max, MAX_TIME_MS);
    }
}
