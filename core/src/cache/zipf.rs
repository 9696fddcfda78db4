//! A seeded stream of Zipf-distributed keys over `1..=n`, for cache experiments, tests and benchmarks.
//! It samples [`crate::dist::zipf::Zipf`] (libm maths, so the same on native and wasm) with the engine's PCG.

use crate::dist::zipf::Zipf;

use super::CacheError;
use crate::rng::SimRng;

/// Keys `1..=n`, key `k` drawn with probability proportional to `1 / k^alpha`.
#[derive(Clone, Debug)]
pub struct ZipfKeys {
    rng: SimRng,
    zipf: Zipf,
}

impl ZipfKeys {
    pub fn new(n: u64, alpha: f64, seed: u64) -> Result<Self, CacheError> {
        let zipf = Zipf::new(n as f64, alpha).map_err(|e| CacheError::BadZipf(e.to_string()))?;
        Ok(ZipfKeys {
            rng: SimRng::new(seed),
            zipf,
        })
    }
}

impl Iterator for ZipfKeys {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        Some(self.zipf.sample(self.rng.inner()) as u64)
    }
}
