//! Server-Sent Events: one long-lived HTTP response per client that the server writes events into. It is
//! one-way, and when the connection drops the browser reconnects after `retry` seconds and asks for what it
//! missed (`Last-Event-ID`), so updates during the gap arrive late, not never.

use super::{Channel, ChannelError, ChannelReport, Setup, Tally};
use crate::rng::SimRng;

/// Bytes of framing per event (`id: …\ndata: …\n\n` beyond the payload).
pub const EVENT_FRAMING_BYTES: u64 = 12;

#[derive(Clone, Debug, PartialEq)]
pub struct ServerSentEvents {
    /// Drops per connection per second (proxies and mobile networks cut idle streams).
    pub drop_rate: f64,
    /// Seconds the browser waits before reconnecting.
    pub retry: f64,
    pub connection_kb: f64,
}

impl Channel for ServerSentEvents {
    fn name(&self) -> &'static str {
        "sse"
    }

    fn validate(&self) -> Result<(), ChannelError> {
        if !(self.drop_rate.is_finite() && self.drop_rate >= 0.0 && self.drop_rate <= 100.0) {
            return Err(ChannelError("drop rate must be between 0 and 100 per second".into()));
        }
        if !(self.retry.is_finite() && self.retry >= 0.0 && self.retry <= 3600.0) {
            return Err(ChannelError("retry must be between 0 and 3600 seconds".into()));
        }
        Ok(())
    }

    fn run(&self, s: &Setup) -> ChannelReport {
        let mut tally = Tally::default();
        let mut rng = SimRng::derive(s.seed, 79);
        let l = s.latency;
        for updates in s.per_client() {
            // Connected intervals: [up, down), then a gap of retry + a round trip before the stream resumes.
            let mut up = l;
            let mut i = 0;
            while up < s.duration {
                tally.responses += 1;
                tally.header_bytes += 2 * s.header_bytes;
                let down = if self.drop_rate > 0.0 {
                    up - libm::log(rng.unit_open0()) / self.drop_rate
                } else {
                    f64::INFINITY
                };
                let end = down.min(s.duration);
                tally.connection_seconds += end - up;
                while i < updates.len() && updates[i] < down {
                    // Missed events are replayed as soon as the new stream opens.
                    tally.deliver(updates[i].max(up) - updates[i] + l);
                    tally.header_bytes += EVENT_FRAMING_BYTES;
                    i += 1;
                }
                up = down + self.retry + 2.0 * l;
            }
        }
        tally.report(self.name(), s, self.connection_kb)
    }
}
