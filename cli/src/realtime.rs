//! `switchyard realtime`: compare short polling, long polling, WebSockets and Server-Sent Events for C
//! clients receiving updates at a rate u, and print each mode's server load, empty responses, delivery delay,
//! open connections and header overhead.

use clap::{Args, ValueEnum};
use switchyard_core::realtime::{
    Audience, Channel, ChannelReport, LongPolling, ServerSentEvents, Setup, ShortPolling, WebSocket,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    Poll,
    LongPoll,
    Websocket,
    Sse,
    All,
}

#[derive(Args, Debug)]
pub struct RealtimeArgs {
    /// Which channel to simulate, or all of them side by side.
    #[arg(long, value_enum, default_value = "all")]
    pub mode: Mode,
    #[arg(long, default_value_t = 1000)]
    pub clients: u32,
    /// Updates per second (Poisson).
    #[arg(long, default_value_t = 1.0)]
    pub update_rate: f64,
    /// Every update goes to every client (default: each goes to one random client).
    #[arg(long)]
    pub broadcast: bool,
    /// Short-polling interval, ms.
    #[arg(long, default_value_t = 1000.0)]
    pub interval_ms: f64,
    /// Long-polling hold timeout, ms.
    #[arg(long, default_value_t = 30000.0)]
    pub hold_ms: f64,
    /// One-way network latency, ms.
    #[arg(long, default_value_t = 20.0)]
    pub latency_ms: f64,
    /// HTTP header bytes on each request and each response.
    #[arg(long, default_value_t = 500)]
    pub header_bytes: u64,
    /// SSE stream drops per connection per second.
    #[arg(long, default_value_t = 0.0)]
    pub sse_drop_rate: f64,
    /// Server memory per open connection, KiB.
    #[arg(long, default_value_t = 8.0)]
    pub connection_kb: f64,
    #[arg(long, default_value_t = 300.0)]
    pub duration_s: f64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: &RealtimeArgs) -> Result<(), String> {
    let setup = Setup {
        clients: a.clients,
        update_rate: a.update_rate,
        bursts: None,
        audience: if a.broadcast { Audience::All } else { Audience::One },
        latency: a.latency_ms / 1e3,
        header_bytes: a.header_bytes,
        duration: a.duration_s,
        seed: a.seed,
    };
    setup.validate().map_err(|e| e.0)?;
    let all: Vec<(Mode, Box<dyn Channel>)> = vec![
        (
            Mode::Poll,
            Box::new(ShortPolling {
                interval: a.interval_ms / 1e3,
            }),
        ),
        (
            Mode::LongPoll,
            Box::new(LongPolling {
                hold: a.hold_ms / 1e3,
                connection_kb: a.connection_kb,
            }),
        ),
        (
            Mode::Websocket,
            Box::new(WebSocket {
                connection_kb: a.connection_kb,
            }),
        ),
        (
            Mode::Sse,
            Box::new(ServerSentEvents {
                drop_rate: a.sse_drop_rate,
                retry: 3.0,
                connection_kb: a.connection_kb,
            }),
        ),
    ];
    let mut reports: Vec<ChannelReport> = Vec::new();
    for (mode, channel) in &all {
        if a.mode == Mode::All || a.mode == *mode {
            channel.validate().map_err(|e| e.0)?;
            reports.push(channel.run(&setup));
        }
    }
    if a.json {
        let out = if reports.len() == 1 {
            serde_json::to_string_pretty(&reports[0])
        } else {
            serde_json::to_string_pretty(&reports)
        };
        println!("{}", out.map_err(|e| e.to_string())?);
        return Ok(());
    }
    println!(
        "{} clients, {} updates/s to {}, {:.0} ms latency, {} s",
        a.clients,
        a.update_rate,
        if a.broadcast { "everyone" } else { "one client each" },
        a.latency_ms,
        a.duration_s
    );
    print!("{}", table(&reports));
    Ok(())
}

/// The modes side by side, one line each: what `switchyard realtime` and `switchyard run` (for a scenario
/// with a `realtime` block) print.
pub fn table(reports: &[ChannelReport]) -> String {
    let mut s = format!(
        "  {:<14} {:>12} {:>8} {:>12} {:>12} {:>10} {:>14}\n",
        "mode", "server req/s", "empty", "mean delay", "p99 delay", "open conns", "header B/s"
    );
    for r in reports {
        s.push_str(&format!(
            "  {:<14} {:>12.1} {:>7.1}% {:>9.1} ms {:>9.1} ms {:>10.0} {:>14.0}\n",
            r.mode,
            r.server_rps,
            r.empty_fraction * 100.0,
            r.mean_delay_ms,
            r.p99_delay_ms,
            r.open_connections,
            r.header_bytes_per_s
        ));
    }
    s
}
