//! Valid but hostile documents, opened as links the way a user would: heavy tails, enormous times and overload
//! with unbounded queues. Each either runs with bounded memory (overload is refused and counted) or is refused
//! by validation with its problem on the node; the page never traps, and the editor stays usable.

use serde_json::{json, Value};
use switchyard_core::{presets, scenario, share};
use switchyard_e2e::{Harness, Result};

/// The wasm instance's linear memory, in bytes: what the engine has taken from the browser.
const WASM_MEMORY: &str = "return window.wasmBindings.default().then((w) => w.memory.buffer.byteLength)";

/// Preset 03 (a balancer in front of three services and a database) with `edit` applied to its JSON.
fn preset_03(edit: impl FnOnce(&mut Value)) -> scenario::Scenario {
    let (_, text) = presets::ALL.iter().find(|(id, _)| id.starts_with("03")).unwrap();
    let mut v: Value = serde_json::from_str(text).unwrap();
    edit(&mut v);
    scenario::parse(&v.to_string()).unwrap_or_else(|e| panic!("a valid-format document: {e}"))
}

fn service_time(v: &mut Value, dist: Value) {
    for node in v["nodes"].as_array_mut().unwrap() {
        if node["spec"]["kind"] == "service" {
            node["spec"]["service_time"] = dist.clone();
        }
    }
}

#[tokio::test]
async fn hostile_documents_run_bounded_or_are_refused_and_never_trap() -> Result<()> {
    let h = Harness::start().await?;
    let at = |ms: f64| json!({"zoom": 1.0, "pan_x": 500.0, "pan_y": 300.0, "at_ms": ms});
    let cases: Vec<(&str, scenario::Scenario, Option<&str>)> = vec![
        (
            "pareto alpha 0.5 service times, run to 20 s",
            preset_03(|v| {
                service_time(v, json!({"type": "pareto", "min_ms": 5, "alpha": 0.5}));
                v["view"] = at(20_000.0);
            }),
            None,
        ),
        (
            "log-normal sigma 5 service times, run to 20 s",
            preset_03(|v| {
                service_time(v, json!({"type": "log_normal", "median_ms": 5, "sigma": 5}));
                v["view"] = at(20_000.0);
            }),
            None,
        ),
        (
            "exponential service times with a mean of 10^11 ms",
            preset_03(|v| service_time(v, json!({"type": "exponential", "mean_ms": 1e11}))),
            Some("service_time.mean_ms must be between"),
        ),
        (
            "10^6 requests per second into unbounded queues, run to 5 s",
            preset_03(|v| {
                v["workload"]["arrival"]["rate_rps"] = json!(1_000_000);
                v["view"] = at(5_000.0);
            }),
            None,
        ),
    ];
    for (name, doc, refused) in cases {
        h.open(&format!("/#s={}", share::encode(&doc))).await?;
        h.wait_for("[data-testid=canvas] [data-node]").await?;
        match refused {
            Some(problem) => {
                let shown = h
                    .poll(
                        // A node's problem is its tooltip, whole (the line under it may be cut short).
                        "return [...document.querySelectorAll('[data-testid=problems] li, \
                           [data-testid=canvas] [data-node] > title')].map((e) => e.textContent).join('\\n')",
                        |v| v.as_str().is_some_and(|t| t.contains(problem)),
                    )
                    .await?;
                assert!(shown.as_str().unwrap_or_default().contains(problem), "{name}: {shown}");
            }
            None => {
                // The link runs to its moment, then stops there.
                let want = doc.view.as_ref().and_then(|v| v.at_ms).unwrap_or(0.0);
                h.poll(
                    "return document.querySelector('[data-testid=clock]')?.textContent ?? ''",
                    |v| {
                        v.as_str()
                            .and_then(|t| t.split_once(':'))
                            .and_then(|(m, s)| Some(m.parse::<f64>().ok()? * 60e3 + s.parse::<f64>().ok()? * 1e3))
                            .is_some_and(|ms| ms >= want)
                    },
                )
                .await?;
            }
        }
        assert!(h.find_all("#panic-banner").await?.is_empty(), "{name}: no crash");
        let bytes = h.eval(WASM_MEMORY).await?.as_f64().unwrap_or(f64::NAN);
        println!("hostile: {name}: wasm memory {:.1} MB", bytes / 1e6);
        assert!(bytes < 512e6, "{name}: the wasm holds {bytes} bytes");
        // The editor is still usable: add a node.
        let before = h.find_all("[data-testid=canvas] [data-node]").await?.len();
        h.click("[data-testid=palette] [data-kind=client]").await?;
        h.poll_number(
            "return document.querySelectorAll('[data-testid=canvas] [data-node]').length",
            |n| n as usize == before + 1,
        )
        .await?;
    }
    h.assert_no_console_errors().await?;
    h.close().await
}
