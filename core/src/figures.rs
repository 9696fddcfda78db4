//! How the reports round their figures: below `metrics` and `realtime`, which both report, so that neither
//! imports the other for it.

/// Rounds to 4 decimal places so printed figures stay readable (and identical on every target).
pub(crate) fn round4(v: f64) -> f64 {
    if v.is_finite() {
        libm::round(v * 1e4) / 1e4
    } else {
        0.0
    }
}
