//! The app shell boots in a real browser: header, palette, canvas and play button render, and nothing
//! is logged as an error.

use switchyard_e2e::{Harness, Result};

const NODE_KINDS: [&str; 12] = [
    "client",
    "dns",
    "cdn",
    "load-balancer",
    "service",
    "cache",
    "database",
    "shard-router",
    "directory",
    "queue",
    "worker-pool",
    "proxy",
];

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
    assert_eq!(kinds, NODE_KINDS, "the palette lists every node kind");

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
    assert!(text.starts_with("Switchyard crashed: "), "{text}");
    assert!(text.contains("Reload the page"), "{text}");
    h.screenshot("crash-banner").await?;
    h.close().await
}
