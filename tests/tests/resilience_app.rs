//! The resilience presets in the browser (#19): the retry storm's throughput plot draws goodput beside
//! throughput, and the same storm with a retry budget keeps more of its calls good; the circuit breaker's label
//! on its edge reads open or half-open while Payments hangs. Screenshots: `retry-storm-before.png`,
//! `retry-storm-after.png` and `breaker-open.png` in `target/e2e/`.

use switchyard_e2e::{Context, Harness, Result};

/// Pixels of the throughput plot near the goodput line's colour (`#7c3aed`).
const GOODPUT_PIXELS: &str = "
    const c = document.querySelector('[data-testid=rate-plot]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3] > 200 && Math.abs(d[i] - 124) < 40 && Math.abs(d[i + 1] - 58) < 40
            && Math.abs(d[i + 2] - 237) < 40) n++;
    }
    return n;";

/// The percentage in the goodput readout, `1,234 · 56%`.
fn share(readout: &str) -> f64 {
    readout
        .split_once('·')
        .and_then(|(_, rest)| rest.trim().strip_suffix('%'))
        .and_then(|pct| pct.parse().ok())
        .unwrap_or_else(|| panic!("no share in the goodput readout {readout:?}"))
}

#[tokio::test]
async fn the_retry_storm_plots_goodput_and_a_retry_budget_keeps_more_of_it() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    let mut shares = Vec::new();
    for (id, shot) in [
        ("60-retry-storm", "retry-storm-before"),
        ("61-retry-storm-budget", "retry-storm-after"),
    ] {
        h.choose_preset(id).await?;
        h.click("[data-testid=run-to-end]").await?;
        h.wait_for("[data-testid=clock] .done").await?;
        let key = h
            .wait_for("[data-testid=rate-plot] + .plot-key [data-line=goodput].dashed")
            .await
            .context(&format!("{id}: the throughput plot's key names goodput"))?;
        assert_eq!(key.text().await.unwrap().trim(), "goodput");
        let drawn = h.poll_number(GOODPUT_PIXELS, |n| n > 50.0).await?;
        let readout = h.wait_for("[data-testid=goodput]").await?.text().await.unwrap();
        println!("{id}: goodput {readout}; {drawn} goodput pixels on the plot");
        shares.push(share(&readout));
        h.eval("document.querySelector('[data-testid=rate-plot]').scrollIntoView({block: 'center'}); return 0")
            .await?;
        h.screenshot(shot).await?;
        assert!(h.find_all("#panic-banner").await?.is_empty(), "{id}: no panic banner");
        h.assert_no_console_errors().await?;
    }
    assert!(
        shares[1] > shares[0] + 10.0,
        "the retry budget keeps more calls good: {}% without, {}% with",
        shares[0],
        shares[1]
    );
    h.close().await
}

#[tokio::test]
async fn the_breaker_label_reads_open_while_payments_hangs() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.choose_preset("62-circuit-breaker").await?;
    let label = h
        .wait_for("[data-testid^=breaker-][data-state=closed]")
        .await
        .context("the breaker's label before the run")?;
    assert!(label.text().await.unwrap().contains("breaker closed"));

    // Run to the end, then scrub back to 15 s: Payments has hung since 10 s.
    h.click("[data-testid=run-to-end]").await?;
    h.wait_for("[data-testid=clock] .done").await?;
    h.eval(
        "const s = document.querySelector('[data-testid=scrubber]');
         s.value = '15000';
         s.dispatchEvent(new Event('change', {bubbles: true}));
         return 0",
    )
    .await?;
    h.poll(
        "return document.querySelector('[data-testid=clock]').textContent",
        |v| v.as_str() == Some("0:15.000"),
    )
    .await?;
    let label = h
        .wait_for("[data-testid^=breaker-][data-state=open], [data-testid^=breaker-][data-state=half_open]")
        .await
        .context("the breaker's label at 15 s")?;
    let state = label.attr("data-state").await.unwrap().unwrap_or_default();
    let text = label.text().await.unwrap();
    let words = if state == "open" {
        "breaker open"
    } else {
        "breaker half-open"
    };
    assert!(text.contains(words), "{state}: the label reads {text:?}");
    let edge = h
        .find_all("[data-testid=canvas] [data-edge] [data-testid^=breaker-]")
        .await?;
    assert_eq!(edge.len(), 1, "one label, on the edge with the breaker");
    println!("at 15 s: {text}");
    h.screenshot("breaker-open").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}
