//! Real-time channels: how C clients learn about updates a server produces, by short polling, long polling,
//! WebSockets or Server-Sent Events. One [`Channel`] trait, one file per mode. Each update is addressed to one
//! client (a notification, a chat message) or broadcast to all; the model computes, exactly and per client,
//! when each update reaches its client, how many requests the server answers (and how many were empty), how
//! many connections stay open and how many header bytes the mode costs.

mod long_poll;
mod plan;
mod poll;
mod sse;
mod websocket;

use crate::rng::SimRng;
use hdrhistogram::Histogram;

pub use long_poll::LongPolling;
pub use plan::{Mode, Plan};
pub use poll::ShortPolling;
pub use sse::ServerSentEvents;
pub use websocket::WebSocket;

/// Who an update is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Each update goes to one client chosen at random.
    One,
    /// Each update goes to every client.
    All,
}

/// The shared parameters of a real-time scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Setup {
    pub clients: u32,
    /// Updates per second produced by the server, a Poisson process.
    pub update_rate: f64,
    /// When set, updates come in bursts: the rate applies during `on` seconds, then `off` seconds of silence.
    pub bursts: Option<(f64, f64)>,
    pub audience: Audience,
    /// One-way network latency, seconds.
    pub latency: f64,
    /// Bytes of HTTP headers on each request and on each response.
    pub header_bytes: u64,
    /// Length of the run, seconds.
    pub duration: f64,
    pub seed: u64,
}

/// Why a setup or a mode's parameters are unusable.
#[derive(Clone, Debug, PartialEq)]
pub struct ChannelError(pub String);

impl Setup {
    pub fn validate(&self) -> Result<(), ChannelError> {
        let bad = |m: &str| Err(ChannelError(m.to_string()));
        if self.clients == 0 || self.clients > 1_000_000 {
            return bad("clients must be between 1 and 1,000,000");
        }
        if !(self.update_rate.is_finite() && self.update_rate > 0.0 && self.update_rate <= 1e6) {
            return bad("update rate must be in (0, 10^6] per second");
        }
        if !(self.latency.is_finite() && self.latency >= 0.0 && self.latency <= 60.0) {
            return bad("latency must be between 0 and 60 seconds");
        }
        if !(self.duration.is_finite() && self.duration > 0.0 && self.duration <= 86_400.0) {
            return bad("duration must be in (0, 86400] seconds");
        }
        if let Some((on, off)) = self.bursts {
            if !(on.is_finite() && on > 0.0 && off.is_finite() && off >= 0.0) {
                return bad("bursts need a positive on time and a non-negative off time");
            }
        }
        // Every (update, recipient) pair is computed, so bound the work.
        let deliveries = self.update_rate
            * self.duration
            * if self.audience == Audience::All {
                f64::from(self.clients)
            } else {
                1.0
            };
        if deliveries > 5e7 {
            return bad("too many deliveries to simulate (more than 5x10^7): lower the rate, duration or audience");
        }
        Ok(())
    }

    /// The updates, as (time in seconds, recipient), recipient `u32::MAX` meaning everyone, sorted by time.
    pub fn updates(&self) -> Vec<(f64, u32)> {
        let mut rng = SimRng::derive(self.seed, 77);
        let mut out = Vec::new();
        let mut t = 0.0;
        loop {
            t += -libm::log(rng.unit_open0()) / self.update_rate;
            if let Some((on, off)) = self.bursts {
                let period = on + off;
                let phase = t % period;
                if phase >= on {
                    // Skip the silence; the exponential is memoryless, so restarting at the next "on" is exact.
                    t += period - phase;
                    continue;
                }
            }
            if t >= self.duration {
                return out;
            }
            let to = match self.audience {
                Audience::One => rng.below(u64::from(self.clients)) as u32,
                Audience::All => u32::MAX,
            };
            out.push((t, to));
        }
    }

    /// Each client's update times, sorted.
    pub fn per_client(&self) -> Vec<Vec<f64>> {
        let updates = self.updates();
        let mut per = vec![Vec::new(); self.clients as usize];
        for (t, to) in updates {
            if to == u32::MAX {
                for p in per.iter_mut() {
                    p.push(t);
                }
            } else {
                per[to as usize].push(t);
            }
        }
        per
    }
}

/// What a mode costs and delivers.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ChannelReport {
    pub mode: &'static str,
    pub clients: u32,
    pub updates_delivered: u64,
    /// Requests (polls, long-poll requests, connection handshakes) the server answered per second.
    pub server_rps: f64,
    pub responses: u64,
    pub empty_responses: u64,
    pub empty_fraction: f64,
    pub mean_delay_ms: f64,
    pub p99_delay_ms: f64,
    /// Connections the server holds open on average.
    pub open_connections: f64,
    /// Server memory for those connections, at `connection_kb` each.
    pub server_memory_kb: f64,
    pub header_bytes: u64,
    pub header_bytes_per_s: f64,
}

/// Accumulates the measurements of one mode.
pub struct Tally {
    delays: Histogram<u64>,
    delay_sum: f64,
    pub delivered: u64,
    pub responses: u64,
    pub empty: u64,
    pub header_bytes: u64,
    /// Connection-seconds held open.
    pub connection_seconds: f64,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            delays: Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("static bounds"),
            delay_sum: 0.0,
            delivered: 0,
            responses: 0,
            empty: 0,
            header_bytes: 0,
            connection_seconds: 0.0,
        }
    }
}

impl Tally {
    /// One update reached its client `delay` seconds after it was produced.
    pub fn deliver(&mut self, delay: f64) {
        self.delivered += 1;
        self.delay_sum += delay;
        self.delays.saturating_record(((delay * 1e6).round() as u64).max(1));
    }

    pub fn report(&self, mode: &'static str, s: &Setup, connection_kb: f64) -> ChannelReport {
        let r4 = crate::figures::round4;
        let open = self.connection_seconds / s.duration;
        ChannelReport {
            mode,
            clients: s.clients,
            updates_delivered: self.delivered,
            server_rps: r4(self.responses as f64 / s.duration),
            responses: self.responses,
            empty_responses: self.empty,
            empty_fraction: if self.responses == 0 {
                0.0
            } else {
                r4(self.empty as f64 / self.responses as f64)
            },
            mean_delay_ms: if self.delivered == 0 {
                0.0
            } else {
                r4(self.delay_sum / self.delivered as f64 * 1e3)
            },
            p99_delay_ms: if self.delivered == 0 {
                0.0
            } else {
                r4(self.delays.value_at_quantile(0.99) as f64 / 1e3)
            },
            open_connections: r4(open),
            server_memory_kb: r4(open * connection_kb),
            header_bytes: self.header_bytes,
            header_bytes_per_s: r4(self.header_bytes as f64 / s.duration),
        }
    }
}

/// A way of getting updates to clients.
pub trait Channel {
    fn name(&self) -> &'static str;
    fn validate(&self) -> Result<(), ChannelError>;
    /// Runs the setup through this mode.
    fn run(&self, s: &Setup) -> ChannelReport;
}
