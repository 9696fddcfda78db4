//! Long polling: each client keeps one request waiting at the server. An update answers it at once; with no
//! update the server answers empty after `hold` seconds. Either way the client reconnects immediately, so
//! an update that lands while a client is between requests waits a round trip.

use super::{Channel, ChannelError, ChannelReport, Setup, Tally};

#[derive(Clone, Debug, PartialEq)]
pub struct LongPolling {
    /// Seconds the server holds a request before answering empty.
    pub hold: f64,
    /// Server memory per held request, KiB.
    pub connection_kb: f64,
}

impl Channel for LongPolling {
    fn name(&self) -> &'static str {
        "long_polling"
    }

    fn validate(&self) -> Result<(), ChannelError> {
        if self.hold.is_finite() && self.hold >= 0.001 && self.hold <= 3600.0 {
            Ok(())
        } else {
            Err(ChannelError("hold timeout must be between 1 ms and an hour".into()))
        }
    }

    fn run(&self, s: &Setup) -> ChannelReport {
        let mut tally = Tally::default();
        let l = s.latency;
        for updates in s.per_client() {
            // The first request reaches the server at l.
            let mut at = l;
            let mut i = 0;
            while at < s.duration {
                let deadline = at + self.hold;
                tally.responses += 1;
                tally.header_bytes += 2 * s.header_bytes;
                let held = if i < updates.len() && updates[i] <= deadline {
                    (updates[i] - at).max(0.0)
                } else {
                    self.hold
                };
                tally.connection_seconds += held.min(s.duration - at);
                if i < updates.len() && updates[i] <= deadline {
                    // Answered by an update: every update already waiting goes in this response.
                    let send = updates[i].max(at);
                    while i < updates.len() && updates[i] <= send {
                        tally.deliver(send - updates[i] + l);
                        i += 1;
                    }
                    at = send + 2.0 * l;
                } else {
                    tally.empty += 1;
                    at = deadline + 2.0 * l;
                }
            }
        }
        tally.report(self.name(), s, self.connection_kb)
    }
}
