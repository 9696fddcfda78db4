//! The tools every validation rule uses: the collector of problems ([`Errors`]) with its checks of times,
//! rates, distributions and texts, the workload's rules, and the conversions from the format's values. A leaf
//! of `topology`, so the node families (`crate::node`) validate their specs with it.

use super::problem::{Location, Problem, ValidationError};
use crate::dist::{Dist, DistError};
use crate::limits::{check_rate, RateError, MAX_KEYS, MAX_RATE_RPS, MAX_SIGMA, MAX_TIME_MS, MAX_WORKERS, MIN_TIME_MS};
use crate::scenario::v1::values as v1;
use crate::time::ms_to_nanos;
use crate::workload::Workload;

/// Every problem found so far: validation goes on after one, so an editor can mark every offending node at once.
pub(crate) struct Errors(pub(crate) Vec<ValidationError>);

impl Errors {
    pub(crate) fn push(&mut self, location: Location, problem: Problem) {
        self.0.push(ValidationError { location, problem });
    }
    pub(crate) fn bad(&mut self, location: &Location, field: &'static str, message: impl Into<String>) {
        self.push(
            location.clone(),
            Problem::BadParameter {
                field,
                message: message.into(),
            },
        );
    }
    pub(crate) fn range(
        &mut self,
        location: &Location,
        field: impl Into<String>,
        value: f64,
        (min, max): (f64, f64),
        unit: &'static str,
    ) {
        self.push(
            location.clone(),
            Problem::OutOfRange {
                field: field.into(),
                value,
                min,
                max,
                unit,
            },
        );
    }
    pub(crate) fn dist(&mut self, location: &Location, field: &'static str, d: &Dist) {
        match d.validate() {
            Ok(()) => {}
            Err(DistError::Malformed(m)) => self.bad(location, field, m),
            Err(DistError::OutOfRange {
                param,
                value,
                min,
                max,
                unit,
            }) => self.range(location, format!("{field}.{param}"), value, (min, max), unit),
        }
    }
    /// A node's service time, converted and checked.
    pub(crate) fn service_time(&mut self, location: &Location, d: &v1::Dist) -> Dist {
        let d = dist_from_v1(d);
        self.dist(location, "service_time", &d);
        d
    }
    pub(crate) fn ms(&mut self, location: &Location, field: &'static str, v: Option<f64>, allow_zero: bool) {
        if let Some(v) = v {
            if v.is_finite() && v > 0.0 && !(MIN_TIME_MS..=MAX_TIME_MS).contains(&v) {
                self.range(location, field, v, (MIN_TIME_MS, MAX_TIME_MS), "ms");
            } else if !v.is_finite() || v < 0.0 || (!allow_zero && v == 0.0) {
                let want = if allow_zero {
                    "zero or more"
                } else {
                    "greater than zero"
                };
                self.bad(
                    location,
                    field,
                    format!("must be a finite number of milliseconds, {want}, got {v}"),
                );
            }
        }
    }
    pub(crate) fn rate(&mut self, location: &Location, field: &'static str, v: f64) {
        match check_rate(v) {
            Ok(()) => {}
            Err(RateError::NotPositive) => self.push(location.clone(), Problem::InvalidRate { field, value: v }),
            Err(RateError::TooHigh) => self.range(location, field, v, (0.0, MAX_RATE_RPS), "requests/s"),
        }
    }
    pub(crate) fn text(&mut self, location: &Location, field: &'static str, s: &str, limit: usize) {
        if s.chars().count() > limit {
            self.push(location.clone(), Problem::TextTooLong { field, limit });
        }
    }
}

pub(crate) fn validate_workload(w: &v1::Workload, loc: &Location, errs: &mut Errors) -> Option<Workload> {
    let before = errs.0.len();
    match w.arrival {
        v1::Arrival::Constant { rate_rps } | v1::Arrival::Poisson { rate_rps } => errs.rate(loc, "rate_rps", rate_rps),
        v1::Arrival::OnOff {
            rate_rps,
            on_ms,
            off_ms,
        } => {
            errs.rate(loc, "rate_rps", rate_rps);
            errs.ms(loc, "on_ms", Some(on_ms), false);
            errs.ms(loc, "off_ms", Some(off_ms), true);
        }
        v1::Arrival::Spike {
            base_rps,
            spike_rps,
            at_ms,
            duration_ms,
        } => {
            errs.rate(loc, "base_rps", base_rps);
            errs.rate(loc, "spike_rps", spike_rps);
            errs.ms(loc, "at_ms", Some(at_ms), true);
            errs.ms(loc, "duration_ms", Some(duration_ms), false);
        }
        v1::Arrival::Ramp {
            from_rps,
            to_rps,
            over_ms,
        } => {
            if !(from_rps.is_finite() && from_rps >= 0.0) {
                errs.push(
                    loc.clone(),
                    Problem::InvalidRate {
                        field: "from_rps",
                        value: from_rps,
                    },
                );
            } else if from_rps > MAX_RATE_RPS {
                errs.range(loc, "from_rps", from_rps, (0.0, MAX_RATE_RPS), "requests/s");
            }
            errs.rate(loc, "to_rps", to_rps);
            errs.ms(loc, "over_ms", Some(over_ms), false);
        }
    }
    let count_ok = |count: u64, errs: &mut Errors| {
        if count == 0 || count > MAX_KEYS {
            errs.bad(
                loc,
                "keys.count",
                format!("must be between 1 and {MAX_KEYS}, got {count}"),
            );
        }
    };
    match w.keys {
        v1::Keys::Uniform { count } => count_ok(count, errs),
        v1::Keys::Zipf { count, alpha } => {
            count_ok(count, errs);
            if !(alpha.is_finite() && alpha > 0.0 && alpha <= 10.0) {
                errs.bad(loc, "keys.alpha", format!("must be in (0, 10], got {alpha}"));
            }
        }
        v1::Keys::Hotspot {
            count,
            hot_keys,
            hot_traffic,
        } => {
            count_ok(count, errs);
            for (field, v) in [("keys.hot_keys", hot_keys), ("keys.hot_traffic", hot_traffic)] {
                if !(v.is_finite() && v > 0.0 && v <= 1.0) {
                    errs.bad(loc, field, format!("must be a fraction in (0, 1], got {v}"));
                }
            }
        }
        v1::Keys::Sequential => {}
    }
    let m = &w.mix;
    let weights = [m.static_asset, m.api_read, m.api_write, m.background_job];
    if weights.iter().any(|v| !(v.is_finite() && *v >= 0.0)) {
        errs.bad(loc, "mix", "weights must be finite and not negative");
    } else if weights.iter().sum::<f64>() <= 0.0 {
        errs.bad(loc, "mix", "at least one request class needs a positive weight");
    }
    let sizes = w.message_bytes.iter().map(|s| ("message_bytes", s));
    for (field, size) in sizes.chain(w.message_bytes_by_class.values().map(|s| ("message_bytes_by_class", s))) {
        size_ok(size, field, loc, errs);
    }
    if errs.0.len() > before {
        return None;
    }
    Workload::from_v1(w)
}

/// The largest message size a workload may draw, in bytes (1 TiB).
const MAX_MESSAGE_BYTES: u64 = 1 << 40;

pub(crate) fn size_ok(size: &v1::Size, field: &'static str, loc: &Location, errs: &mut Errors) {
    let max = MAX_MESSAGE_BYTES;
    match *size {
        v1::Size::Constant { bytes } if bytes > max => {
            errs.bad(loc, field, format!("bytes must be at most {max}, got {bytes}"))
        }
        v1::Size::Uniform { min_bytes, max_bytes } if min_bytes > max_bytes || max_bytes > max => errs.bad(
            loc,
            field,
            format!("needs min_bytes <= max_bytes <= {max}, got {min_bytes} and {max_bytes}"),
        ),
        v1::Size::LogNormal { median_bytes, sigma }
            if !(median_bytes.is_finite()
                && median_bytes > 0.0
                && median_bytes <= max as f64
                && sigma.is_finite()
                && (0.0..=MAX_SIGMA).contains(&sigma)) =>
        {
            errs.bad(
                loc,
                field,
                format!(
                    "needs median_bytes in (0, {max}] and sigma in [0, {MAX_SIGMA}], got {median_bytes} and {sigma}"
                ),
            )
        }
        _ => {}
    }
}

pub(crate) fn workers(errs: &mut Errors, loc: &Location, field: &'static str, v: u32) {
    if v == 0 || v > MAX_WORKERS {
        errs.bad(loc, field, format!("must be between 1 and {MAX_WORKERS}, got {v}"));
    }
}

pub(crate) fn dist_from_v1(d: &v1::Dist) -> Dist {
    match *d {
        v1::Dist::Constant { ms } => Dist::Constant { ms },
        v1::Dist::Exponential { mean_ms } => Dist::Exponential { mean_ms },
        v1::Dist::Uniform { min_ms, max_ms } => Dist::Uniform { min_ms, max_ms },
        v1::Dist::LogNormal { median_ms, sigma } => Dist::LogNormal { median_ms, sigma },
        v1::Dist::Pareto { min_ms, alpha } => Dist::Pareto { min_ms, alpha },
    }
}

pub(crate) fn opt_ms(ms: Option<f64>) -> Option<u64> {
    ms.map(ms_to_nanos)
}
