//! The classic-design templates and the capacity calculator in a real browser: a template opens from the preset
//! list with its sizing write-up; the Capacity dialog shows core's plan for the design's sizing, recomputes it as
//! an input changes, and "Fill clients" gives exactly the design core's `capacity::apply` makes.

use switchyard_core::capacity;
use switchyard_core::presets;
use switchyard_core::scenario::{self, Scenario};
use switchyard_core::share;
use switchyard_e2e::{Context, Harness, Result};

fn preset(id: &str) -> Scenario {
    let (_, json) = presets::ALL.iter().find(|(n, _)| *n == id).expect("the preset exists");
    scenario::parse(json).expect("presets parse")
}

/// The document the page's link holds, once `accept` takes it.
async fn page_doc(h: &Harness, accept: impl Fn(&Scenario) -> bool) -> Result<Scenario> {
    let decode = |v: &serde_json::Value| {
        v.as_str()
            .and_then(|s| s.strip_prefix("#s="))
            .and_then(|s| share::decode(s).ok())
    };
    let hash = h
        .poll("return location.hash", |v| decode(v).is_some_and(|d| accept(&d)))
        .await?;
    decode(&hash).ok_or("no scenario").context("the page's link")
}

#[tokio::test]
async fn templates_open_with_their_sizing_and_the_calculator_fills_the_clients() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    for (id, shot) in [
        ("100-url-shortener", "template-url-shortener"),
        ("103-video-streaming-cdn", "template-video-cdn"),
    ] {
        h.choose_preset(id).await?;
        let doc = preset(id);
        let sizing = doc.sizing.clone().expect("a template carries its sizing");
        let text = h
            .wait_for("[data-testid=preset-description]")
            .await?
            .text()
            .await
            .context("description")?;
        assert!(
            text.contains(&capacity::summary(&sizing, &capacity::plan(&sizing))),
            "{id}: {text}"
        );
        assert!(text.contains("Try breaking"), "{id}: {text}");
        h.poll_number(
            "return document.querySelectorAll('[data-testid=canvas] [data-node]').length",
            |n| n == doc.nodes.len() as f64,
        )
        .await?;
        h.screenshot(shot).await?;
    }

    // The calculator on the video template: core's plan, then a doubled audience, then Fill clients.
    let doc = preset("103-video-streaming-cdn");
    let mut sizing = doc.sizing.clone().unwrap();
    h.click("[data-testid=capacity-open]").await?;
    let plan = h
        .wait_for("[data-testid=capacity-plan]")
        .await?
        .text()
        .await
        .context("the plan")?;
    assert_eq!(plan, capacity::summary(&sizing, &capacity::plan(&sizing)));
    sizing.daily_active_users *= 2.0;
    let dau = h.wait_for("#capacity-dau").await?;
    dau.clear().await.context("clearing the users")?;
    dau.send_keys(&sizing.daily_active_users.to_string())
        .await
        .context("typing the users")?;
    let want = capacity::summary(&sizing, &capacity::plan(&sizing));
    h.poll(
        "return document.querySelector('[data-testid=capacity-plan]').textContent",
        |v| v.as_str() == Some(want.as_str()),
    )
    .await?;
    h.screenshot("capacity-dialog").await?;
    h.click("[data-testid=capacity-fill]").await?;
    let mut expected = doc.clone();
    capacity::apply(&mut expected, &sizing).expect("core applies the sizing");
    let got = page_doc(&h, |d| d.sizing == expected.sizing).await?;
    assert_eq!(got.nodes, expected.nodes, "the page's clients are core's");
    assert_eq!(got.workload, expected.workload);
    h.assert_no_console_errors().await?;
    h.close().await
}
