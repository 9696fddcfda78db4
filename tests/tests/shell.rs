//! The app shell boots in a real browser: header, palette, canvas and play button render, and nothing
//! is logged as an error.

use switchyard_core::{presets, scenario, share};
use switchyard_e2e::{Context, Harness, Result};

#[tokio::test]
async fn shell_renders_without_console_errors() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    let header = h.wait_for("#app-header").await?;
    assert!(
        header.text().await.unwrap().contains("Switchyard"),
        "the header names the app"
    );

    let mut kinds = Vec::new();
    for item in h.find_all("[data-testid=palette] [data-kind]").await? {
        kinds.push(item.attr("data-kind").await.unwrap().unwrap_or_default());
    }
    let registry: Vec<String> = switchyard_core::node::KINDS.iter().map(|k| k.slug()).collect();
    assert_eq!(
        kinds, registry,
        "the palette lists every node kind, in the registry's order"
    );

    let canvas = h.wait_for("main [data-testid=canvas]").await?;
    assert_eq!(canvas.tag_name().await.unwrap(), "svg", "the canvas is an SVG surface");

    let play = h.wait_for("[data-testid=play]").await?;
    assert_eq!(play.text().await.unwrap().trim_start_matches('▶').trim(), "Play");
    assert!(h.find_all("#panic-banner").await?.is_empty(), "no panic banner");

    let errors = h.console_errors().await?;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    h.screenshot("shell").await?;
    h.close().await
}

#[tokio::test]
async fn play_toggles_to_pause_and_back() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    let play = h.wait_for("[data-testid=play][aria-pressed=false]").await?;
    play.click().await.unwrap();
    let pause = h.wait_for("[data-testid=play][aria-pressed=true]").await?;
    assert!(pause.text().await.unwrap().ends_with("Pause"));
    pause.click().await.unwrap();
    h.wait_for("[data-testid=play][aria-pressed=false]").await?;
    assert!(h.console_errors().await?.is_empty());
    h.close().await
}

/// Guards the zero-errors assertions above: a failed load must show up as a console error.
#[tokio::test]
async fn console_errors_are_seen() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/no-such-page").await?;
    let errors = h.console_errors().await?;
    assert!(
        errors.iter().any(|e| e.contains("404")),
        "expected a 404 in the console, got {errors:#?}"
    );
    h.close().await
}

/// A crash of the wasm is a banner, not a frozen page. The release bundle traps on a panic without running
/// any hook (`-Cpanic=immediate-abort`), so this causes a real trap: an allocation request the allocator
/// cannot serve, which aborts. It runs in a timer, so the trap is uncaught, as a trap in an event handler is.
#[tokio::test]
async fn a_trap_in_the_wasm_shows_the_crash_banner() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.wait_for("[data-testid=canvas]").await?;
    assert!(
        h.find_all("#panic-banner").await?.is_empty(),
        "no banner before the crash"
    );
    // The glue's init returns the running instance's exports when called again.
    h.eval(
        "window.wasmBindings.default().then((wasm) => \
           setTimeout(() => wasm.__wbindgen_malloc(0xfffffff0, 8)))",
    )
    .await?;
    let banner = h.wait_for("#panic-banner[role=alert]").await?;
    let text = banner.text().await.unwrap();
    assert!(text.starts_with("Switchyard crashed ("), "{text}");
    assert!(text.contains("reload the page to get it back"), "{text}");
    h.screenshot("crash-banner").await?;
    h.close().await
}

/// A document that crashed the engine does not crash it again on every reload: the page after a crash opens
/// the work paused at the start (not run to the link's saved moment) and says why.
#[tokio::test]
async fn the_load_after_a_crash_opens_the_work_paused_at_the_start() -> Result<()> {
    let h = Harness::start().await?;
    let (_, json) = presets::ALL.iter().find(|(id, _)| id.starts_with("03")).unwrap();
    let mut doc = scenario::parse(json).unwrap();
    doc.view = Some(scenario::v1::View {
        zoom: 1.0,
        pan_x: 500.0,
        pan_y: 300.0,
        at_ms: Some(4_000.0),
    });
    h.open(&format!("/#s={}", share::encode(&doc))).await?;
    // The link runs to its moment: 4 s.
    h.poll(
        "return document.querySelector('[data-testid=clock]')?.textContent ?? ''",
        |v| v.as_str().is_some_and(|t| t.starts_with("0:04")),
    )
    .await?;
    h.eval(
        "window.wasmBindings.default().then((wasm) => \
           setTimeout(() => wasm.__wbindgen_malloc(0xfffffff0, 8)))",
    )
    .await?;
    h.wait_for("#panic-banner[role=alert] button")
        .await?
        .click()
        .await
        .context("Reload")?;
    let notice = h.wait_for("[data-testid=link-error]").await?;
    let text = notice.text().await.unwrap();
    assert!(text.contains("crashed last time with this work"), "{text}");
    assert!(
        h.find_all("#panic-banner").await?.is_empty(),
        "no crash after the reload"
    );
    let clock = h.wait_for("[data-testid=clock]").await?.text().await.unwrap();
    assert_eq!(clock, "0:00.000", "paused at the start, not run to the link's 4 s");
    assert_eq!(
        h.find_all("[data-testid=canvas] [data-node]").await?.len(),
        doc.nodes.len(),
        "the work is back"
    );
    h.screenshot("after-crash").await?;
    // A second reload is an ordinary one: the notice was for the load after the crash only.
    h.reload().await?;
    h.wait_for("[data-testid=canvas] [data-node]").await?;
    assert!(h.find_all("[data-testid=link-error]").await?.is_empty());
    h.close().await
}
