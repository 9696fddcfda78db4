//! A scenario's `realtime` block as a validated plan: the shared [`Setup`] and the modes to run, built from
//! `scenario::v1::Realtime` and run with the run's seed, so `switchyard run` reports the channels alongside
//! the topology's own results.

use super::{
    Audience, Channel, ChannelError, ChannelReport, LongPolling, ServerSentEvents, Setup, ShortPolling, WebSocket,
};
use crate::scenario::v1;

/// Seconds an SSE client waits before reconnecting (the browser's default `retry`).
const SSE_RETRY_S: f64 = 3.0;
/// The most (update, recipient) pairs a scenario's plan may compute.
const MAX_DELIVERIES: f64 = 1e7;
/// The most long-poll requests or SSE reconnections a plan may simulate.
const MAX_STEPS: f64 = 5e7;

/// One configured channel.
#[derive(Clone, Debug, PartialEq)]
pub enum Mode {
    Poll(ShortPolling),
    LongPoll(LongPolling),
    WebSocket(WebSocket),
    Sse(ServerSentEvents),
}

impl Mode {
    fn channel(&self) -> &dyn Channel {
        match self {
            Mode::Poll(c) => c,
            Mode::LongPoll(c) => c,
            Mode::WebSocket(c) => c,
            Mode::Sse(c) => c,
        }
    }
}

/// A validated `realtime` block.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The setup, with seed 0: [`Plan::run`] supplies the run's seed.
    pub setup: Setup,
    pub modes: Vec<Mode>,
}

impl Plan {
    /// Validates the block. `default_duration_ms` is the scenario's own duration, if it has one. The error
    /// names the field that is wrong.
    pub fn from_v1(r: &v1::Realtime, default_duration_ms: Option<f64>) -> Result<Plan, (&'static str, String)> {
        let ms = |field: &'static str, v: Option<f64>, default: f64| -> Result<f64, (&'static str, String)> {
            let v = v.unwrap_or(default);
            if v.is_finite() && v >= 0.0 {
                Ok(v / 1e3)
            } else {
                Err((field, format!("must be a finite, non-negative number of ms, got {v}")))
            }
        };
        let bursts = match &r.bursts {
            Some(b) => Some((
                ms("bursts.on_ms", Some(b.on_ms), 0.0)?,
                ms("bursts.off_ms", Some(b.off_ms), 0.0)?,
            )),
            None => None,
        };
        let setup = Setup {
            clients: r.clients,
            update_rate: r.updates_per_s,
            bursts,
            audience: if r.broadcast { Audience::All } else { Audience::One },
            latency: ms("latency_ms", r.latency_ms, 20.0)?,
            header_bytes: r.header_bytes.unwrap_or(500),
            duration: ms("duration_ms", r.duration_ms.or(default_duration_ms), 300_000.0)?,
            seed: 0,
        };
        setup.validate().map_err(|ChannelError(m)| ("realtime", m))?;
        // A scenario (a share link, too) is built on load, in the browser as well: a tighter bound than the
        // CLI's.
        let deliveries = setup.update_rate * setup.duration * if r.broadcast { f64::from(setup.clients) } else { 1.0 };
        if deliveries > MAX_DELIVERIES {
            return Err((
                "realtime",
                "too many deliveries for a scenario (more than 10^7): lower the rate, duration or audience".into(),
            ));
        }
        if r.modes.is_empty() {
            return Err(("modes", "list at least one mode".into()));
        }
        let kb = r.connection_kb.unwrap_or(8.0);
        if !(kb.is_finite() && (0.0..=1e6).contains(&kb)) {
            return Err(("connection_kb", format!("must be between 0 and 10^6, got {kb}")));
        }
        let mut modes = Vec::with_capacity(r.modes.len());
        for m in &r.modes {
            let (field, mode) = match m {
                v1::RealtimeMode::Poll => (
                    "poll_interval_ms",
                    Mode::Poll(ShortPolling {
                        interval: ms("poll_interval_ms", r.poll_interval_ms, 1000.0)?,
                    }),
                ),
                v1::RealtimeMode::LongPoll => (
                    "hold_timeout_ms",
                    Mode::LongPoll(LongPolling {
                        hold: ms("hold_timeout_ms", r.hold_timeout_ms, 30_000.0)?,
                        connection_kb: kb,
                    }),
                ),
                v1::RealtimeMode::Websocket => ("connection_kb", Mode::WebSocket(WebSocket { connection_kb: kb })),
                v1::RealtimeMode::Sse => (
                    "sse_drop_rate",
                    Mode::Sse(ServerSentEvents {
                        drop_rate: r.sse_drop_rate.unwrap_or(0.0),
                        retry: SSE_RETRY_S,
                        connection_kb: kb,
                    }),
                ),
            };
            mode.channel().validate().map_err(|ChannelError(e)| (field, e))?;
            // Long polls and SSE reconnections are simulated one by one: bound the work as `Setup` does.
            let c = f64::from(setup.clients) * setup.duration;
            let steps = match &mode {
                Mode::LongPoll(l) => c / l.hold,
                Mode::Sse(e) => c * e.drop_rate,
                _ => 0.0,
            };
            if steps > MAX_STEPS {
                return Err((
                    field,
                    format!("too many {} to simulate (more than 5x10^7)", mode.channel().name()),
                ));
            }
            if !modes.contains(&mode) {
                modes.push(mode);
            }
        }
        Ok(Plan { setup, modes })
    }

    /// Runs every mode with `seed`, in the order the block lists them.
    pub fn run(&self, seed: u64) -> Vec<ChannelReport> {
        let setup = Setup {
            seed,
            ..self.setup.clone()
        };
        self.modes.iter().map(|m| m.channel().run(&setup)).collect()
    }
}
