//! Real-time channels against each other and against simple theory: 1,000 clients, one update per second
//! addressed to a random client, a one-second polling interval; directly and through a scenario's `realtime`
//! block.
#![cfg(not(target_arch = "wasm32"))]

use switchyard_core::realtime::{
    Audience, Channel, ChannelReport, LongPolling, ServerSentEvents, Setup, ShortPolling, WebSocket,
};

fn setup() -> Setup {
    Setup {
        clients: 1000,
        update_rate: 1.0,
        bursts: None,
        audience: Audience::One,
        latency: 0.02,
        header_bytes: 500,
        duration: 600.0,
        seed: 4,
    }
}

fn run(c: &dyn Channel) -> ChannelReport {
    c.validate().unwrap();
    c.run(&setup())
}

#[test]
fn polling_versus_push() {
    let poll = run(&ShortPolling { interval: 1.0 });
    let long = run(&LongPolling {
        hold: 30.0,
        connection_kb: 8.0,
    });
    let ws = run(&WebSocket { connection_kb: 8.0 });
    let sse = run(&ServerSentEvents {
        drop_rate: 0.0,
        retry: 3.0,
        connection_kb: 8.0,
    });
    for r in [&poll, &long, &ws, &sse] {
        assert_eq!(r.updates_delivered, poll.updates_delivered, "{} lost updates", r.mode);
    }
    assert_polling_vs_push(&poll, &long, &ws);
    // Theory: a poll finds an update half an interval later on average, plus the trip back.
    assert!((poll.mean_delay_ms - 520.0).abs() < 40.0, "{}", poll.mean_delay_ms);
    assert!((poll.server_rps - 1000.0).abs() < 5.0, "{}", poll.server_rps);
    // Long polling: about one request per hold timeout per client, plus one per update.
    assert!(
        (long.server_rps - (1000.0 / 30.04 + 1.0)).abs() < 3.0,
        "{}",
        long.server_rps
    );
    assert!(long.mean_delay_ms < 30.0, "{}", long.mean_delay_ms);
    assert_eq!(ws.open_connections, 1000.0);
    assert!(ws.header_bytes_per_s < poll.header_bytes_per_s / 100.0);
    assert!((sse.mean_delay_ms - 20.0).abs() < 0.5);
}

#[test]
fn dropped_sse_streams_deliver_late_not_never() {
    let steady = ServerSentEvents {
        drop_rate: 0.0,
        retry: 3.0,
        connection_kb: 8.0,
    }
    .run(&setup());
    let flaky = ServerSentEvents {
        drop_rate: 0.05,
        retry: 3.0,
        connection_kb: 8.0,
    }
    .run(&setup());
    assert_eq!(flaky.updates_delivered, steady.updates_delivered);
    assert!(flaky.mean_delay_ms > steady.mean_delay_ms);
    assert!(flaky.responses > 1000 * 20, "reconnects: {}", flaky.responses);
}

#[test]
fn broadcast_reaches_everyone() {
    let mut s = setup();
    s.audience = Audience::All;
    s.duration = 20.0;
    let ws = WebSocket { connection_kb: 8.0 }.run(&s);
    let per_client = s.updates().len() as u64;
    assert_eq!(ws.updates_delivered, per_client * 1000);
}

#[test]
fn bad_parameters_are_errors() {
    let mut s = setup();
    s.clients = 0;
    assert!(s.validate().is_err());
    let mut s = setup();
    s.audience = Audience::All;
    s.duration = 86_400.0;
    assert!(
        s.validate().is_err(),
        "10^5 updates to 1000 clients each is refused, not attempted"
    );
    assert!(ShortPolling { interval: 0.0 }.validate().is_err());
    assert!(LongPolling {
        hold: f64::NAN,
        connection_kb: 1.0
    }
    .validate()
    .is_err());
    assert!(ServerSentEvents {
        drop_rate: -1.0,
        retry: 1.0,
        connection_kb: 1.0
    }
    .validate()
    .is_err());
}

/// The acceptance comparison, through a scenario file's `realtime` block and `Sim::report`.
#[test]
fn polling_versus_push_through_the_scenario_path() {
    let text = include_str!("../../docs/examples/polling-vs-push.json");
    let (s, _) = switchyard_core::scenario::load(text).unwrap();
    let mut sim = switchyard_core::Sim::new(&s, s.seed).unwrap();
    sim.run_to_end();
    let report = sim.report();
    let rt = report.realtime.as_ref().expect("the block is reported");
    let modes: Vec<&str> = rt.iter().map(|r| r.mode).collect();
    assert_eq!(modes, ["short_polling", "long_polling", "websocket", "sse"]);
    let (poll, long, ws) = (&rt[0], &rt[1], &rt[2]);
    assert_eq!(poll.clients, 1000);
    assert_polling_vs_push(poll, long, ws);
    // The block is the very model `realtime::Channel` runs: same setup and seed, same numbers.
    let direct = ShortPolling { interval: 1.0 }.run(&Setup {
        duration: 600.0,
        ..setup()
    });
    assert_eq!(poll, &direct);
    // And it is in the JSON report.
    let json = report.to_json_pretty();
    assert!(json.contains("\"realtime\": [") && json.contains("\"empty_fraction\""));
    // The topology ran as usual.
    assert!(report.completed > 500);
}

#[test]
fn a_realtime_block_defaults_to_all_modes_and_the_scenario_duration_and_rejects_bad_values() {
    use serde_json::json;
    let base = |rt: serde_json::Value| {
        json!({"version": 1, "duration_ms": 60000, "nodes": [{"id": "c", "spec": {"kind": "client"}}, {"id": "s", "spec": {"kind": "service"}}],
               "edges": [{"from": "c", "to": "s"}], "workload": {"arrival": {"type": "constant", "rate_rps": 1}},
               "realtime": rt})
        .to_string()
    };
    let (_, topo) = switchyard_core::scenario::load(&base(json!({"clients": 10, "updates_per_s": 2}))).unwrap();
    let plan = topo.realtime.unwrap();
    assert_eq!(plan.modes.len(), 4);
    assert_eq!(plan.setup.duration, 60.0);
    for (rt, field) in [
        (json!({"clients": 10, "updates_per_s": 1, "modes": []}), "modes"),
        (
            json!({"clients": 10, "updates_per_s": 1, "modes": ["poll"], "poll_interval_ms": 0}),
            "poll_interval_ms",
        ),
        (json!({"clients": 0, "updates_per_s": 1}), "clients"),
        (
            json!({"clients": 100000, "updates_per_s": 10, "broadcast": true, "modes": ["websocket"]}),
            "deliveries",
        ),
        (
            json!({"clients": 1000000, "updates_per_s": 1, "modes": ["long_poll"], "hold_timeout_ms": 1, "duration_ms": 86400000}),
            "hold_timeout_ms",
        ),
    ] {
        let err = switchyard_core::scenario::load(&base(rt.clone())).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("realtime"), "{rt}: {msg}");
        assert!(msg.contains(field) || field == "clients", "{rt}: {msg}");
    }
    assert!(switchyard_core::scenario::load(&base(json!({"clients": 1, "updates_per_s": 1, "mode": "poll"}))).is_err());
}

/// The polling-vs-push claims: short polling asks the server at least 10x as often as long polling, at
/// least 90% of its answers are empty, and a WebSocket delivers in under a tenth of polling's mean delay.
fn assert_polling_vs_push(poll: &ChannelReport, long: &ChannelReport, ws: &ChannelReport) {
    assert!(poll.updates_delivered > 500);
    assert!(
        poll.server_rps >= 10.0 * long.server_rps,
        "polling {} req/s, long polling {}",
        poll.server_rps,
        long.server_rps
    );
    assert!(poll.empty_fraction >= 0.9, "{}", poll.empty_fraction);
    assert!(
        ws.mean_delay_ms < poll.mean_delay_ms / 10.0,
        "ws {} ms, polling {} ms",
        ws.mean_delay_ms,
        poll.mean_delay_ms
    );
}
