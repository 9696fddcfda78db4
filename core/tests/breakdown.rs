//! The per-class and per-client breakdowns of a report: their rows add up to the run's counts on every preset
//! and on random scenarios with failures and retries, they come in class and topology order, and their mean
//! latencies match queueing theory lane by lane and class by class.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use serde_json::{json, Value};
use switchyard_core::metrics::{GroupFigures, Report};
use switchyard_core::workload::Class;
use switchyard_core::{presets, scenario, Sim};

fn run_json(text: &str, seed: u64) -> (Report, Vec<String>) {
    let (s, _) = scenario::load(text).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Sim::new(&s, seed).unwrap();
    sim.run_to_end();
    let clients = s
        .nodes
        .iter()
        .filter(|n| matches!(n.spec, scenario::v1::NodeSpec::Client(_)))
        .map(|n| n.id.clone())
        .collect();
    (sim.report(), clients)
}

/// Sums `issued`, `completed`, `failed` over rows.
fn sums<'a>(rows: impl Iterator<Item = &'a GroupFigures>) -> (u64, u64, u64) {
    rows.fold((0, 0, 0), |(i, c, f), g| (i + g.issued, c + g.completed, f + g.failed))
}

/// The breakdown invariants of one report, as a message on the first that fails.
fn check(r: &Report, clients: &[String]) -> Result<(), String> {
    // Clients: every call has one, so the rows add up exactly, in topology order.
    let ids: Vec<&str> = r.by_client.iter().map(|c| c.client.as_str()).collect();
    if ids != clients.iter().map(String::as_str).collect::<Vec<_>>() {
        return Err(format!("client rows {ids:?}, client nodes {clients:?}"));
    }
    let (i, c, f) = sums(r.by_client.iter().map(|c| &c.figures));
    if (i, c, f) != (r.issued, r.completed, r.failed) {
        return Err(format!(
            "clients add up to {:?}, run {:?}",
            (i, c, f),
            (r.issued, r.completed, r.failed)
        ));
    }
    // Classes: only those that occurred, in class order; calls refused at the memory limit before a class
    // was drawn are in none (all of them failed, so `completed` is exact).
    let order: Vec<usize> = r
        .by_class
        .iter()
        .map(|k| {
            Class::ALL
                .iter()
                .position(|c| c.name() == k.class)
                .expect("a known class")
        })
        .collect();
    if !order.windows(2).all(|w| w[0] < w[1]) || r.by_class.iter().any(|k| k.figures.issued == 0) {
        return Err(format!("class rows {:?}", r.by_class));
    }
    let (i, c, f) = sums(r.by_class.iter().map(|k| &k.figures));
    let unclassified = r.issued - i;
    if c != r.completed || r.failed - f != unclassified || unclassified > r.failed_by_reason.memory_limit {
        return Err(format!(
            "classes add up to {:?}, run {:?} with {} memory-limit failures",
            (i, c, f),
            (r.issued, r.completed, r.failed),
            r.failed_by_reason.memory_limit
        ));
    }
    for g in r
        .by_class
        .iter()
        .map(|k| &k.figures)
        .chain(r.by_client.iter().map(|c| &c.figures))
    {
        if g.completed + g.failed > g.issued || (g.completed > 0 && !(g.p50_ms <= g.p99_ms && g.mean_ms > 0.0)) {
            return Err(format!("row {g:?}"));
        }
    }
    Ok(())
}

#[test]
fn every_preset_breaks_its_calls_down_without_losing_any() {
    for (name, text) in presets::ALL {
        let (r, clients) = run_json(text, 7);
        check(&r, &clients).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!r.by_class.is_empty() || r.issued == 0, "{name}");
    }
}

#[derive(Debug, Clone)]
struct Cfg {
    /// Per client: weights of the four classes (at least one non-zero) and the arrival rate.
    clients: Vec<([u8; 4], f64)>,
    workers: u32,
    queue: Option<u32>,
    timeout_ms: Option<f64>,
    retries: u32,
    crash_at: f64,
}

fn cfg() -> impl Strategy<Value = Cfg> {
    (
        prop::collection::vec(
            (
                prop::array::uniform4(0..4u8).prop_filter("one class at least", |w| w.iter().any(|&x| x > 0)),
                20.0..400.0f64,
            ),
            1..4,
        ),
        1..4u32,
        prop::option::of(1..50u32),
        prop::option::of(5.0..200.0f64),
        0..3u32,
        50.0..900.0f64,
    )
        .prop_map(|(clients, workers, queue, timeout_ms, retries, crash_at)| Cfg {
            clients,
            workers,
            queue,
            timeout_ms,
            retries,
            crash_at,
        })
}

/// Clients with their own mixes and rates into one lossy server that crashes and recovers.
fn scenario(c: &Cfg) -> Value {
    let mut server = json!({"kind": "service", "workers": c.workers,
        "service_time": {"type": "exponential", "mean_ms": 4}});
    if let Some(q) = c.queue {
        server["queue_capacity"] = json!(q);
    }
    let mut nodes = vec![json!({"id": "server", "spec": server})];
    let mut edges = vec![];
    for (i, (w, rate)) in c.clients.iter().enumerate() {
        let mix: serde_json::Map<String, Value> = Class::ALL
            .iter()
            .zip(w)
            .filter(|(_, &w)| w > 0)
            .map(|(k, &w)| (k.name().to_owned(), json!(w)))
            .collect();
        let mut spec = json!({"kind": "client", "workload": {
            "arrival": {"type": "poisson", "rate_rps": rate},
            "keys": {"type": "uniform", "count": 100}, "mix": mix}});
        if let Some(t) = c.timeout_ms {
            spec["timeout_ms"] = json!(t);
        }
        if c.retries > 0 {
            spec["retry"] = json!({"max_retries": c.retries, "backoff_base_ms": 5, "backoff_max_ms": 50,
                                   "jitter": "full"});
        }
        nodes.push(json!({"id": format!("client{i}"), "spec": spec}));
        edges.push(json!({"from": format!("client{i}"), "to": "server",
                          "latency": {"type": "constant", "ms": 1}, "loss": 0.01}));
    }
    json!({
        "version": 1, "duration_ms": 1500, "nodes": nodes, "edges": edges,
        "workload": {"arrival": {"type": "poisson", "rate_rps": 1}},
        "faults": [{"action": "crash", "at_ms": c.crash_at, "node": "server"},
                   {"action": "recover", "at_ms": c.crash_at + 150.0, "node": "server"}]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn the_breakdowns_add_up_to_the_run(c in cfg(), seed in 0..1000u64) {
        let text = scenario(&c).to_string();
        let (r, clients) = run_json(&text, seed);
        prop_assert!(r.issued > 0);
        prop_assert_eq!(check(&r, &clients), Ok(()));
        // The classes that occurred are exactly those some client draws from.
        let drawn: Vec<&str> = Class::ALL
            .iter()
            .enumerate()
            .filter(|(k, _)| c.clients.iter().any(|(w, _)| w[*k] > 0))
            .map(|(_, k)| k.name())
            .collect();
        let got: Vec<&str> = r.by_class.iter().map(|k| k.class).collect();
        // A class drawn rarely at a low rate may not occur in a short run; none occurs that no client draws.
        prop_assert!(got.iter().all(|k| drawn.contains(k)), "{:?} vs {:?}", got, drawn);
        prop_assert_eq!(run_json(&text, seed).0, r);
    }
}

/// Two independent M/M/1 lanes. Lane `a` sends only static assets at 50/s to a server with mean service
/// 10 ms (mu 100/s, rho 0.5): mean time in system 1/(mu - lambda) = 20 ms. Lane `b` sends api reads and
/// writes half and half at 50/s to a server with mean service 5 ms (mu 200/s, rho 0.25): 1/150 s = 6.67 ms.
/// Within an M/M/1 lane the class does not change the service, so each class's mean is its lane's.
///
/// Tolerance: the sample mean of an M/M/1 over a run of length t has relative standard deviation about
/// sqrt(2 rho (1 + rho) / ((1 - rho)^4 mu t)) / L with L = rho / (1 - rho) (Whitt, "Planning queueing
/// simulations", 1989, for the time-average number in system; Little's law carries it to the time in
/// system). With 400,000 calls a lane (t = 8,000 s) that is 0.55% for lane `a` and 0.33% for lane `b`; half
/// of lane `b` in each class makes it at most about 0.5%. 3% is over five standard deviations for every row,
/// and a call counted under the wrong lane or class moves a mean by a factor of three.
#[test]
fn each_lane_and_class_mean_matches_its_m_m_1() {
    let lane = |mix: Value, mean_ms: f64, id: &str| {
        (
            json!({"id": format!("client_{id}"), "spec": {"kind": "client", "workload": {
                "arrival": {"type": "poisson", "rate_rps": 50},
                "keys": {"type": "uniform", "count": 1000}, "mix": mix}}}),
            json!({"id": format!("server_{id}"), "spec": {"kind": "service", "workers": 1,
                "service_time": {"type": "exponential", "mean_ms": mean_ms}}}),
            json!({"from": format!("client_{id}"), "to": format!("server_{id}")}),
        )
    };
    let (ca, sa, ea) = lane(json!({"static_asset": 1}), 10.0, "a");
    let (cb, sb, eb) = lane(json!({"api_read": 1, "api_write": 1}), 5.0, "b");
    let text = json!({
        "version": 1, "requests": 800_000, "nodes": [ca, sa, cb, sb], "edges": [ea, eb],
        "workload": {"arrival": {"type": "poisson", "rate_rps": 1}}
    })
    .to_string();
    let (r, clients) = run_json(&text, 3);
    check(&r, &clients).unwrap();
    assert_eq!(r.completed, 800_000);
    let (a, b) = (1000.0 / (100.0 - 50.0), 1000.0 / (200.0 - 50.0));
    let want = [("client_a", a), ("client_b", b)];
    for (row, (id, t)) in r.by_client.iter().zip(want) {
        assert_eq!(row.client, id);
        let err = (row.figures.mean_ms - t).abs() / t;
        assert!(err < 0.03, "{id}: mean {} ms vs theory {t:.3} ms", row.figures.mean_ms);
        assert!(
            row.figures.issued.abs_diff(400_000) < 4_000,
            "{id}: {}",
            row.figures.issued
        );
    }
    let want = [("static_asset", a), ("api_read", b), ("api_write", b)];
    assert_eq!(r.by_class.len(), 3, "{:?}", r.by_class);
    for (row, (class, t)) in r.by_class.iter().zip(want) {
        assert_eq!(row.class, class);
        let err = (row.figures.mean_ms - t).abs() / t;
        assert!(
            err < 0.03,
            "{class}: mean {} ms vs theory {t:.3} ms",
            row.figures.mean_ms
        );
    }
    // Time in system of an M/M/1 is exponential: its median is ln 2 times its mean (two-figure histogram).
    let p50 = r.by_class[0].figures.p50_ms;
    assert!(
        (p50 - a * std::f64::consts::LN_2).abs() / (a * std::f64::consts::LN_2) < 0.04,
        "p50 {p50}"
    );
}

/// Preset 07 says static requests finish in a few milliseconds at the CDN edge while API calls pay the long
/// trip to the origin: the static class's median is far below the API classes'.
#[test]
fn the_cdn_preset_serves_static_assets_faster_than_api_calls() {
    let (r, _) = run_json(presets::get("07-cdn").unwrap(), 7);
    let row = |name: &str| &r.by_class.iter().find(|k| k.class == name).unwrap().figures;
    let (st, api) = (row("static_asset"), row("api_read"));
    assert!(
        st.p50_ms * 5.0 < api.p50_ms,
        "static p50 {} vs api p50 {}",
        st.p50_ms,
        api.p50_ms
    );
    assert!(
        st.mean_ms < api.mean_ms,
        "static mean {} vs api mean {}",
        st.mean_ms,
        api.mean_ms
    );
}
