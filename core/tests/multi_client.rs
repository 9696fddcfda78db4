//! Runs with several clients end: health probes keep rescheduling only while some client still generates
//! or calls are in flight, so `run_to_end` returns once the last client stops.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::json;
use switchyard_core::engine::{Event, LogKind};
use switchyard_core::{scenario, Sim};

#[test]
fn a_run_with_two_clients_and_health_checks_ends_after_the_last_client_stops() {
    let v = json!({
        "version": 1, "duration_ms": 1000,
        "nodes": [
            {"id": "a", "spec": {"kind": "client", "workload": {"arrival": {"type": "poisson", "rate_rps": 100}}}},
            {"id": "b", "spec": {"kind": "client", "workload": {"arrival": {"type": "poisson", "rate_rps": 50}}}},
            {"id": "lb", "spec": {"kind": "load_balancer", "health_check": {"interval_ms": 100}}},
            {"id": "s1", "spec": {"kind": "service"}},
            {"id": "s2", "spec": {"kind": "service"}}
        ],
        "edges": [{"from": "a", "to": "lb"}, {"from": "b", "to": "lb"}, {"from": "lb", "to": "s1"}, {"from": "lb", "to": "s2"}]
    });
    let (s, _) = scenario::load(&v.to_string()).unwrap();
    let mut sim = Sim::new(&s, 3).unwrap();
    // Bounded: a run whose probes never stop would use up the budget and fail the assertion below.
    let mut events = 0;
    while events < 2_000_000 {
        let n = sim.run_events(100_000);
        if n == 0 {
            break;
        }
        events += n;
    }
    assert!(sim.is_finished(), "still running after {events} events");
    let r = sim.report();
    assert!(r.completed > 100 && r.in_flight == 0, "{} completed", r.completed);
    let ended: Vec<_> = sim
        .drain_events()
        .into_iter()
        .filter_map(|e| match e {
            Event::Log(l) if l.kind == LogKind::GenerationEnded => Some(l.at.0),
            _ => None,
        })
        .collect();
    assert_eq!(ended.len(), 1, "one end of generation, when the last client stops");
    assert!(ended[0] > 900_000_000 && ended[0] <= 1_000_000_000, "{ended:?}");
}
