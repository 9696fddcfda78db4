//! The presets drive the real engine in the browser: choosing `03-load-balancer` and pressing play completes
//! requests, crashing a service (select it, then "Crash now") shows it down and narrates the crash, and the layout
//! fits a 360 px wide phone.

use std::time::Duration;

use fantoccini::Locator;
use switchyard_e2e::{Context, Harness, Result, DEADLINE};

#[tokio::test]
async fn load_balancer_preset_runs_and_a_crash_is_shown() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.choose_preset("03-load-balancer").await?;
    let watch = h.wait_for("[data-testid=preset-description]").await?;
    assert!(
        watch.text().await.unwrap().contains("three servers"),
        "the gallery shows what to watch"
    );
    assert_eq!(
        h.find_all("[data-testid=canvas] [data-node]").await?.len(),
        6,
        "six nodes are drawn"
    );

    h.click("[data-testid=play][aria-pressed=false]").await?;
    h.wait_for("[data-testid=play][aria-pressed=true]").await?;
    // The readout carries its count in `data-value`; wait until it is no longer zero.
    let completed = h.wait_for("[data-testid=completed]:not([data-value='0'])").await?;
    let n: u64 = completed
        .attr("data-value")
        .await
        .unwrap()
        .unwrap_or_default()
        .parse()
        .unwrap();
    assert!(n > 0, "requests completed");
    assert!(h.find_all("#panic-banner").await?.is_empty(), "no panic banner");
    h.assert_no_console_errors().await?;
    h.screenshot("preset-running").await?;

    let app = h
        .wait_for("[data-testid=canvas] [data-node=app2][data-up=true] rect")
        .await?;
    app.click().await.context("selecting App 2")?;
    h.wait_for("[data-testid=crash]")
        .await?
        .click()
        .await
        .context("crashing App 2 from the inspector")?;
    let down = h
        .wait_for("[data-testid=canvas] [data-node=app2][data-up=false]")
        .await?;
    assert!(
        down.text().await.unwrap().contains("down"),
        "the crashed node says it is down"
    );
    assert!(
        down.attr("aria-label")
            .await
            .unwrap()
            .unwrap_or_default()
            .contains("down"),
        "and tells assistive tech"
    );
    h.client()
        .wait()
        .at_most(DEADLINE)
        .every(Duration::from_millis(50))
        .for_element(Locator::XPath(
            "//ol[@data-testid='event-log']/li[contains(., 'App 2 crashed')]",
        ))
        .await
        .context("waiting for the event log to mention the crash")?;
    h.screenshot("preset-crashed").await?;

    // Run to the end in bounded slices: the clock says done and the failures of the crash are counted.
    h.click("[data-testid=run-to-end]").await?;
    h.wait_for("[data-testid=clock] .done").await?;
    let failed = h.wait_for("[data-testid=failed]").await?.text().await.unwrap();
    assert_ne!(failed.trim(), "0", "the crash failed some requests");
    h.screenshot("preset-finished").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

#[tokio::test]
async fn narrow_layout_has_no_horizontal_overflow() -> Result<()> {
    let h = Harness::start().await?;
    h.client()
        .set_window_size(360, 800)
        .await
        .context("resizing the window")?;
    h.open("/").await?;
    h.wait_for("[data-testid=canvas] [data-node]").await?;
    h.click("[data-testid=play]").await?;
    h.wait_for("[data-testid=completed]:not([data-value='0'])").await?;
    let width = h
        .eval("return [document.documentElement.scrollWidth, window.innerWidth];")
        .await?;
    let (scroll, inner) = (width[0].as_f64().unwrap(), width[1].as_f64().unwrap());
    assert!(scroll <= inner, "the page is {scroll}px wide in a {inner}px window");
    h.screenshot("narrow-360").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

#[tokio::test]
async fn dark_theme_with_reduced_motion_shows_counters_without_dots() -> Result<()> {
    let h = Harness::start().await?;
    h.emulate_media(&[("prefers-color-scheme", "dark"), ("prefers-reduced-motion", "reduce")])
        .await?;
    h.open("/").await?;
    let legend = h.wait_for("[data-testid=legend]").await?;
    assert!(
        legend.text().await.unwrap().contains("Reduced motion"),
        "the legend says the dots are off"
    );
    h.choose_preset("04-cache").await?;
    h.click("[data-testid=play]").await?;
    h.wait_for("[data-testid=completed]:not([data-value='0'])").await?;
    let bg = h
        .eval("return getComputedStyle(document.body).backgroundColor;")
        .await?;
    assert_eq!(bg, "rgb(17, 20, 24)", "the dark palette applies");
    h.screenshot("dark-reduced-motion").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

#[tokio::test]
async fn every_preset_loads_and_completes_requests() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.wait_for("[data-testid=preset-select]").await?;
    let mut ids = Vec::new();
    for option in h.find_all("[data-testid=preset-select] option:not([disabled])").await? {
        ids.push(option.attr("value").await.unwrap().unwrap_or_default());
    }
    assert!(ids.len() >= 12, "the gallery lists the presets: {ids:?}");
    for id in &ids {
        h.choose_preset(id).await?;
        h.wait_for("[data-testid=speed]")
            .await?
            .select_by_value("10")
            .await
            .context("speeding up")?;
        h.click("[data-testid=play][aria-pressed=false]").await?;
        h.wait_for("[data-testid=completed]:not([data-value='0'])")
            .await
            .context(&format!("{id} completes a request"))?;
        h.click("[data-testid=play][aria-pressed=true]").await?;
        let errors = h.console_errors().await?;
        assert!(errors.is_empty(), "{id}: console errors: {errors:#?}");
        assert!(h.find_all("#panic-banner").await?.is_empty(), "{id}: no panic banner");
    }
    h.close().await
}

/// The firehose preset does what its text says: more messages are on the wire than the animation draws, so the
/// legend under the canvas says it samples ("showing 1 in N requests") while the counters stay exact.
#[tokio::test]
async fn the_firehose_preset_samples_its_animation() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.choose_preset("95-firehose").await?;
    let text = h
        .wait_for("[data-testid=preset-description]")
        .await?
        .text()
        .await
        .unwrap();
    assert!(text.contains("showing 1 in N requests"), "{text}");
    h.wait_for("[data-testid=speed]")
        .await?
        .select_by_value("1")
        .await
        .context("choosing 1x")?;
    h.click("[data-testid=play][aria-pressed=false]").await?;
    let shown = h
        .poll(
            "return document.querySelector('[data-testid=sampling]')?.textContent ?? null",
            |v| v.as_str().is_some_and(|s| s.starts_with("showing 1 in ")),
        )
        .await?;
    h.screenshot("firehose-sampling").await?;
    println!("{shown}");
    h.assert_no_console_errors().await?;
    h.close().await
}

/// The presets besides the first are fetched when chosen. One that cannot be fetched (offline, a broken deploy)
/// leaves the work as it was, and a banner says why; choosing again once the network is back opens it.
#[tokio::test]
async fn a_preset_that_cannot_be_fetched_says_so_and_keeps_the_work() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.wait_for("[data-testid=presets][data-preset='01-single-server']")
        .await?;
    h.click("[data-testid=palette] [data-kind=cache]").await?;
    let work = h.find_all("[data-testid=canvas] [data-node]").await?.len();
    h.eval("window.__fetch = window.fetch; window.fetch = () => Promise.reject(new TypeError('Failed to fetch')); return 0")
        .await?;
    h.wait_for("[data-testid=preset-select]")
        .await?
        .select_by_value("04-cache")
        .await
        .context("choosing 04-cache")?;
    let banner = h.wait_for("[data-testid=link-error]").await?.text().await.unwrap();
    assert!(
        banner.contains("Could not fetch the preset 04-cache: Failed to fetch"),
        "the banner says what failed: {banner}"
    );
    assert_eq!(
        h.find_all("[data-testid=canvas] [data-node]").await?.len(),
        work,
        "the work on the canvas is untouched"
    );
    h.wait_for("[data-testid=canvas] [data-node='cache-1']").await?;
    h.screenshot("preset-fetch-failed").await?;

    h.eval("window.fetch = window.__fetch; return 0").await?;
    h.click("[data-testid=link-error-dismiss]").await?;
    h.choose_preset("04-cache").await?;
    let nodes = h.find_all("[data-testid=canvas] [data-node]").await?.len();
    assert_ne!(nodes, work, "04-cache replaced the work");
    h.close().await
}
