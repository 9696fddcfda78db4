//! WebSocket: one persistent, bidirectional connection per client after a single HTTP upgrade. The server
//! pushes each update the moment it exists, paying a few bytes of frame header instead of HTTP headers, and
//! holds memory for every open connection.

use super::{Channel, ChannelError, ChannelReport, Setup, Tally};

/// Bytes of WebSocket frame header on a small server-to-client message.
pub const FRAME_HEADER_BYTES: u64 = 2;

#[derive(Clone, Debug, PartialEq)]
pub struct WebSocket {
    /// Server memory per open connection, KiB.
    pub connection_kb: f64,
}

impl Channel for WebSocket {
    fn name(&self) -> &'static str {
        "websocket"
    }

    fn validate(&self) -> Result<(), ChannelError> {
        if self.connection_kb.is_finite() && self.connection_kb >= 0.0 {
            Ok(())
        } else {
            Err(ChannelError(
                "connection memory must be a non-negative number of KiB".into(),
            ))
        }
    }

    fn run(&self, s: &Setup) -> ChannelReport {
        let mut tally = Tally::default();
        for updates in s.per_client() {
            // The upgrade handshake: one request and one response with headers.
            tally.responses += 1;
            tally.header_bytes += 2 * s.header_bytes;
            tally.connection_seconds += s.duration;
            for _ in &updates {
                tally.deliver(s.latency);
                tally.header_bytes += FRAME_HEADER_BYTES;
            }
        }
        tally.report(self.name(), s, self.connection_kb)
    }
}
