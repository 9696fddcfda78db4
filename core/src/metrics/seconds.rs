//! The per-second series `switchyard run --json` prints as `per_second`: one row per second of virtual time
//! with the figures a resilience run is read by (throughput beside goodput, failures by reason, p50 and p99,
//! calls in flight, breakers not closed), so a run can be plotted outside the app. Unlike the time-series
//! buckets it never changes width; it stops after [`MAX_SECONDS`] rows and says so.

use super::{ns_to_ms, FailReason, MAX_LATENCY_NS};
use hdrhistogram::Histogram;
use serde::Serialize;
use std::collections::BTreeMap;

/// The most rows kept (an hour of virtual time).
pub const MAX_SECONDS: usize = 3_600;
const SECOND: u64 = 1_000_000_000;

/// One second of the run.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SecondRow {
    /// The second's start, in seconds from the run's start.
    pub t_s: u64,
    /// Client attempts started (first tries and retries).
    pub attempts: u64,
    /// Calls that succeeded.
    pub throughput: u64,
    /// Calls that succeeded within their client's deadline (all successes when no client sets one).
    pub goodput: u64,
    /// Calls that failed, by reason (reasons with none left out).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub failed: BTreeMap<&'static str, u64>,
    /// Latency of the second's successful calls.
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Calls in flight at the second's end.
    pub in_flight: u64,
    /// Circuit breakers not closed at the second's end, by edge (`from->to`): `open` or `half_open`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub breakers: BTreeMap<String, &'static str>,
}

/// The series being recorded.
#[derive(Clone, Debug)]
pub struct Seconds {
    rows: Vec<SecondRow>,
    end: u64,
    attempts: u64,
    ok: u64,
    good: u64,
    failed: [u64; FailReason::ALL.len()],
    hist: Histogram<u64>,
    /// The run went on past [`MAX_SECONDS`].
    pub truncated: bool,
}

impl Default for Seconds {
    fn default() -> Self {
        Seconds {
            rows: Vec::new(),
            end: SECOND,
            attempts: 0,
            ok: 0,
            good: 0,
            failed: [0; FailReason::ALL.len()],
            hist: Histogram::new_with_bounds(1, MAX_LATENCY_NS, 2).expect("static bounds are valid"),
            truncated: false,
        }
    }
}

impl Seconds {
    /// When the open second ends: an event at or after it must [`Seconds::roll`] first.
    #[inline]
    pub fn end(&self) -> u64 {
        self.end
    }

    pub(crate) fn attempt(&mut self) {
        self.attempts += 1;
    }

    pub(crate) fn ok(&mut self, latency_ns: u64, good: bool) {
        self.ok += 1;
        self.good += u64::from(good);
        self.hist.saturating_record(latency_ns.clamp(1, MAX_LATENCY_NS));
    }

    pub(crate) fn failed(&mut self, reason: FailReason) {
        self.failed[reason as usize] += 1;
    }

    /// Closes every second that ended by `now`, with `in_flight` calls and `breakers` not closed at its end.
    pub(crate) fn roll(
        &mut self,
        now: u64,
        in_flight: u64,
        mut breakers: impl FnMut() -> BTreeMap<String, &'static str>,
    ) {
        while now >= self.end {
            if self.rows.len() >= MAX_SECONDS {
                self.truncated = true;
                self.end = u64::MAX;
                return;
            }
            let row = self.row(in_flight, breakers());
            self.rows.push(row);
            self.attempts = 0;
            self.ok = 0;
            self.good = 0;
            self.failed = [0; FailReason::ALL.len()];
            self.hist.reset();
            self.end = self.end.saturating_add(SECOND);
        }
    }

    fn row(&self, in_flight: u64, breakers: BTreeMap<String, &'static str>) -> SecondRow {
        let q = |q: f64| {
            if self.hist.is_empty() {
                0.0
            } else {
                ns_to_ms(self.hist.value_at_quantile(q))
            }
        };
        SecondRow {
            t_s: self.end / SECOND - 1,
            attempts: self.attempts,
            throughput: self.ok,
            goodput: self.good,
            failed: FailReason::ALL
                .iter()
                .filter(|r| self.failed[**r as usize] > 0)
                .map(|r| (r.name(), self.failed[*r as usize]))
                .collect(),
            p50_ms: q(0.5),
            p99_ms: q(0.99),
            in_flight,
            breakers,
        }
    }

    /// The closed rows, then the open second's (partial) row if anything happened in it.
    pub fn rows(&self, in_flight: u64, breakers: BTreeMap<String, &'static str>) -> Vec<SecondRow> {
        let mut out = self.rows.clone();
        let busy = self.attempts + self.ok + self.failed.iter().sum::<u64>() > 0;
        if !self.truncated && busy {
            out.push(self.row(in_flight, breakers));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_count_each_second_and_carry_in_flight_through_quiet_ones() {
        let mut s = Seconds::default();
        s.attempt();
        s.ok(2_000_000, true);
        s.ok(4_000_000, false);
        s.failed(FailReason::Timeout);
        // Nothing happens in second 1; the next event is at 2.5 s.
        s.roll(2_500_000_000, 3, BTreeMap::new);
        s.attempt();
        let rows = s.rows(1, BTreeMap::new());
        assert_eq!(rows.len(), 3);
        assert_eq!(
            (rows[0].t_s, rows[0].attempts, rows[0].throughput, rows[0].goodput),
            (0, 1, 2, 1)
        );
        assert_eq!(rows[0].failed.get("timeout"), Some(&1));
        assert!((rows[0].p99_ms - 4.0).abs() < 0.05, "p99 {}", rows[0].p99_ms);
        assert_eq!((rows[1].t_s, rows[1].throughput, rows[1].in_flight), (1, 0, 3));
        assert!(rows[1].failed.is_empty());
        assert_eq!((rows[2].t_s, rows[2].attempts, rows[2].in_flight), (2, 1, 1));
    }

    #[test]
    fn the_series_stops_at_its_cap_and_says_so() {
        let mut s = Seconds::default();
        s.roll(u64::MAX / 2, 0, BTreeMap::new);
        assert!(s.truncated);
        assert_eq!(s.rows(0, BTreeMap::new()).len(), MAX_SECONDS);
        assert_eq!(s.end(), u64::MAX, "nothing rolls any more");
    }
}
