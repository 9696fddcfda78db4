//! Virtual time. The engine counts integer nanoseconds from the start of a run; nothing here reads a clock.

use std::fmt;
use std::ops::{Add, Sub};

/// A point in virtual time, in nanoseconds since the start of the run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);
    pub const MAX: SimTime = SimTime(u64::MAX);

    pub const fn from_nanos(ns: u64) -> Self {
        SimTime(ns)
    }

    pub const fn from_micros(us: u64) -> Self {
        SimTime(us.saturating_mul(1_000))
    }

    pub const fn from_millis(ms: u64) -> Self {
        SimTime(ms.saturating_mul(1_000_000))
    }

    /// Milliseconds given as a float (as scenario files write them), rounded to the nearest nanosecond.
    /// Negative and non-finite inputs are clamped to zero; validation rejects them before they get here.
    pub fn from_millis_f64(ms: f64) -> Self {
        SimTime(ms_to_nanos(ms))
    }

    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    pub fn as_millis_f64(self) -> f64 {
        self.0 as f64 / 1e6
    }

    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e9
    }

    pub fn saturating_add(self, ns: u64) -> Self {
        SimTime(self.0.saturating_add(ns))
    }
}

/// Converts milliseconds to whole nanoseconds, clamping negative or non-finite values to zero and huge values
/// to `u64::MAX`.
pub fn ms_to_nanos(ms: f64) -> u64 {
    if ms.is_nan() || ms <= 0.0 {
        return 0;
    }
    let ns = ms * 1e6;
    if ns >= u64::MAX as f64 {
        u64::MAX
    } else {
        libm::round(ns) as u64
    }
}

impl Add<u64> for SimTime {
    type Output = SimTime;
    fn add(self, ns: u64) -> SimTime {
        self.saturating_add(ns)
    }
}

impl Sub for SimTime {
    type Output = u64;
    fn sub(self, other: SimTime) -> u64 {
        self.0.saturating_sub(other.0)
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3} ms", self.as_millis_f64())
    }
}
