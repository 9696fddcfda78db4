//! The back-of-envelope inputs a design is sized from ([`Sizing`], the scenario's `sizing` block) and their
//! bounds. A leaf of the format, like the node kinds' specs: `scenario::v1` and topology validation use it
//! without reaching into the calculator in [`super`].

use crate::limits::MAX_RATE_RPS;
use crate::scenario::v1::codec::json_spec;
use std::fmt;

/// Seconds in a day: the average request rate is the daily requests over it.
pub const SECONDS_PER_DAY: f64 = 86_400.0;
/// How long written objects are kept when `retention_days` is absent: a year, the usual horizon of a
/// back-of-envelope storage estimate.
pub const DEFAULT_RETENTION_DAYS: f64 = 365.0;

/// The most daily active users a sizing may name (more than there are people).
pub const MAX_DAU: f64 = 1e10;
/// The most requests one user may make in a day (one every 86 ms, all day).
pub const MAX_REQUESTS_PER_USER: f64 = 1e6;
/// The highest read:write ratio (a million reads per write is "read-only" for any estimate).
pub const MAX_READS_PER_WRITE: f64 = 1e6;
/// The largest average object, in bytes (1 TB).
pub const MAX_OBJECT_BYTES: f64 = 1e12;
/// The range of the peak factor: the peak is at least the average, and at most 100 times it.
pub const MIN_PEAK_FACTOR: f64 = 1.0;
pub const MAX_PEAK_FACTOR: f64 = 100.0;
/// The longest retention, in days (a century).
pub const MAX_RETENTION_DAYS: f64 = 36_500.0;

json_spec! {
    /// The back-of-envelope inputs a design was sized from: who uses it, how often, what they read and
    /// write, and how peaky the day is. [`super::plan`] turns them into request rates, storage and bandwidth.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Sizing {
        /// People who use the service on a given day.
        pub daily_active_users: f64 = req,
        /// Requests each of them makes in a day (reads and writes together).
        pub requests_per_user: f64 = req,
        /// Reads per write: 100 means a 100:1 read-heavy mix, 0 means writes only.
        pub reads_per_write: f64 = req,
        /// Average size of an object written, and of a response read, in bytes.
        pub object_bytes: f64 = req,
        /// The busiest second's rate over the day's average (at least 1).
        pub peak_factor: f64 = req,
        /// How long written objects are kept, for the storage estimate (365 days when absent).
        pub retention_days: Option<f64> = opt,
    }
}

impl Default for Sizing {
    /// A modest regional service: 100,000 users making 20 requests a day, 10 reads per write, 1 KB objects,
    /// a peak three times the average (what the app's capacity dialog starts from).
    fn default() -> Self {
        Sizing {
            daily_active_users: 100_000.0,
            requests_per_user: 20.0,
            reads_per_write: 10.0,
            object_bytes: 1_000.0,
            peak_factor: 3.0,
            retention_days: None,
        }
    }
}

/// Why a [`Sizing`] cannot be planned from. `field` is the member's path in a scenario (`sizing.peak_factor`).
#[derive(Clone, Debug, PartialEq)]
pub enum SizingError {
    /// Not a finite number (NaN or infinite).
    NotFinite { field: &'static str },
    /// A finite number outside `min..=max` (`min` itself excluded when `min_excluded`: "above zero").
    OutOfRange {
        field: &'static str,
        value: f64,
        min: f64,
        max: f64,
        min_excluded: bool,
    },
    /// The inputs are each in range but together ask for a peak above [`MAX_RATE_RPS`].
    PeakTooHigh { peak_rps: f64 },
}

impl fmt::Display for SizingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            SizingError::NotFinite { field } => write!(f, "{field} must be a finite number"),
            SizingError::OutOfRange {
                field,
                value,
                min,
                max,
                min_excluded,
            } => {
                let low = if min_excluded { "above" } else { "at least" };
                write!(f, "{field} must be {low} {min} and at most {max}, got {value}")
            }
            SizingError::PeakTooHigh { peak_rps } => write!(
                f,
                "sizing: these inputs peak at {peak_rps:.0} requests/s, above the {MAX_RATE_RPS:.0} the engine \
                 runs; size a region or a cell rather than the world"
            ),
        }
    }
}

impl std::error::Error for SizingError {}

impl Sizing {
    /// The retention in days, with its default.
    pub fn retention(&self) -> f64 {
        self.retention_days.unwrap_or(DEFAULT_RETENTION_DAYS)
    }

    /// Checks every input against its bound, in declaration order, and the peak rate they imply against
    /// [`MAX_RATE_RPS`]; the first problem is returned.
    pub fn check(&self) -> Result<(), SizingError> {
        // (path, value, min, max, min excluded)
        let rows = [
            ("sizing.daily_active_users", self.daily_active_users, 0.0, MAX_DAU, true),
            (
                "sizing.requests_per_user",
                self.requests_per_user,
                0.0,
                MAX_REQUESTS_PER_USER,
                true,
            ),
            (
                "sizing.reads_per_write",
                self.reads_per_write,
                0.0,
                MAX_READS_PER_WRITE,
                false,
            ),
            ("sizing.object_bytes", self.object_bytes, 0.0, MAX_OBJECT_BYTES, false),
            (
                "sizing.peak_factor",
                self.peak_factor,
                MIN_PEAK_FACTOR,
                MAX_PEAK_FACTOR,
                false,
            ),
        ];
        let retention = self
            .retention_days
            .map(|d| ("sizing.retention_days", d, 0.0, MAX_RETENTION_DAYS, true));
        for (field, value, min, max, min_excluded) in rows.into_iter().chain(retention) {
            if !value.is_finite() {
                return Err(SizingError::NotFinite { field });
            }
            let low_ok = if min_excluded { value > min } else { value >= min };
            if !low_ok || value > max {
                return Err(SizingError::OutOfRange {
                    field,
                    value,
                    min,
                    max,
                    min_excluded,
                });
            }
        }
        let peak_rps = self.daily_active_users * self.requests_per_user / SECONDS_PER_DAY * self.peak_factor;
        if peak_rps > MAX_RATE_RPS {
            return Err(SizingError::PeakTooHigh { peak_rps });
        }
        Ok(())
    }
}
