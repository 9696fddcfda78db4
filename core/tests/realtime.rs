//! Real-time channels against each other and against simple theory: 1,000 clients, one update per second
//! addressed to a random client, a one-second polling interval.
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
