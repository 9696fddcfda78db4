//! Fidelity against queueing theory: M/M/1 mean time in system, M/M/c mean wait (Erlang C) and Little's law,
//! each over at least 10^6 requests through the real engine.
#![cfg(not(target_arch = "wasm32"))]

use switchyard_core::scenario::{self, v1};
use switchyard_core::{presets, Sim};

fn preset(name: &str) -> v1::Scenario {
    scenario::parse(presets::get(name).unwrap()).unwrap()
}

/// Sets the arrival rate and the service rate of a one-server preset.
fn tune(s: &mut v1::Scenario, lambda: f64, mu: f64, requests: u64) {
    s.workload.arrival = v1::Arrival::Poisson { rate_rps: lambda };
    s.requests = Some(requests);
    let v1::NodeSpec::Service(st) = &mut s.nodes[1].spec else {
        panic!("preset shape changed")
    };
    st.service_time = v1::Dist::Exponential { mean_ms: 1000.0 / mu };
}

fn rel_err(got: f64, want: f64) -> f64 {
    (got - want).abs() / want
}

#[test]
fn mm1_mean_time_in_system_matches_one_over_mu_minus_lambda() {
    for (rho, seed) in [(0.5, 11), (0.8, 12)] {
        let mu = 100.0;
        let lambda = rho * mu;
        let mut s = preset("mm1");
        tune(&mut s, lambda, mu, 2_000_000);
        let mut sim = Sim::new(&s, seed).unwrap();
        sim.run_to_end();
        let r = sim.report();
        assert_eq!(r.completed, 2_000_000);
        let want_ms = 1000.0 / (mu - lambda);
        let err = rel_err(r.latency_ms.mean, want_ms);
        assert!(
            err < 0.02,
            "rho {rho}: mean {} ms vs theory {want_ms} ms ({:.2}% off)",
            r.latency_ms.mean,
            err * 100.0
        );
    }
}

/// Erlang C: the probability that an arrival waits in an M/M/c queue with offered load `a = lambda/mu`.
fn erlang_c(c: u32, a: f64) -> f64 {
    let rho = a / c as f64;
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..c {
        term *= a / k as f64;
        sum += term;
    }
    let top = term * a / c as f64 / (1.0 - rho);
    top / (sum + top)
}

#[test]
fn mmc_mean_wait_matches_erlang_c() {
    let (c, mu) = (4u32, 100.0);
    let lambda = 0.8 * c as f64 * mu;
    let mut s = preset("mmc");
    tune(&mut s, lambda, mu, 2_000_000);
    let mut sim = Sim::new(&s, 21).unwrap();
    sim.run_to_end();
    let r = sim.report();
    let wq_ms = erlang_c(c, lambda / mu) / (c as f64 * mu - lambda) * 1000.0;
    let got = r.nodes[1].mean_wait_ms;
    assert!(rel_err(got, wq_ms) < 0.03, "mean wait {got} ms vs Erlang C {wq_ms} ms");
    // And the whole time in system is the wait plus one mean service time.
    assert!(rel_err(r.latency_ms.mean, wq_ms + 10.0) < 0.03, "{}", r.latency_ms.mean);
}

#[test]
fn littles_law_holds_on_the_mmc_preset() {
    let mut s = preset("mmc");
    s.requests = Some(1_000_000);
    let mut sim = Sim::new(&s, 31).unwrap();
    sim.run_to_end();
    let r = sim.report();
    // L is measured as a time integral of calls in flight; lambda and W from completions: independent paths.
    let l = r.mean_in_flight;
    let lambda_w = r.throughput_rps * r.latency_ms.mean / 1000.0;
    assert!(rel_err(l, lambda_w) < 0.02, "L = {l}, lambda*W = {lambda_w}");
}

#[test]
fn erlang_c_helper_matches_a_textbook_value() {
    // c = 2, a = 1 (rho = 0.5): C = 1/3.
    assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
}
