//! Short polling: every client asks "anything new?" every `interval` seconds (each at its own random phase).
//! An update waits for the next poll to reach the server; most polls come back empty when updates are rare.

use super::{Channel, ChannelError, ChannelReport, Setup, Tally};
use crate::rng::SimRng;

#[derive(Clone, Debug, PartialEq)]
pub struct ShortPolling {
    /// Seconds between polls.
    pub interval: f64,
}

impl Channel for ShortPolling {
    fn name(&self) -> &'static str {
        "short_polling"
    }

    fn validate(&self) -> Result<(), ChannelError> {
        if self.interval.is_finite() && self.interval >= 0.001 && self.interval <= 3600.0 {
            Ok(())
        } else {
            Err(ChannelError("poll interval must be between 1 ms and an hour".into()))
        }
    }

    fn run(&self, s: &Setup) -> ChannelReport {
        let mut tally = Tally::default();
        let mut rng = SimRng::derive(s.seed, 78);
        let (p, l) = (self.interval, s.latency);
        for updates in s.per_client() {
            let phase = rng.unit() * p;
            // Polls leave at phase + k*p and reach the server at phase + k*p + l.
            let polls = ((s.duration - phase) / p).floor().max(0.0) as u64 + 1;
            let mut nonempty = 0u64;
            let mut last_poll = u64::MAX;
            for &t in &updates {
                let k = ((t - phase - l) / p).ceil().max(0.0) as u64;
                let arrive = phase + k as f64 * p + l;
                tally.deliver(arrive - t + l);
                if k != last_poll {
                    nonempty += 1;
                    last_poll = k;
                }
            }
            tally.responses += polls;
            tally.empty += polls.saturating_sub(nonempty);
            tally.header_bytes += polls * 2 * s.header_bytes;
        }
        tally.report(self.name(), s, 0.0)
    }
}
