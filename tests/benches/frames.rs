//! Animation benchmark: frame times with more than ten thousand request dots in flight, and the longest
//! main-thread task while "run to end" simulates over a million requests. Loads the `95-firehose` preset in
//! headless Chromium, measures `requestAnimationFrame` timestamps and a `longtask` PerformanceObserver, and
//! prints `bench: <measure> = <value>` lines for `cargo xtask bench`.

use std::time::Duration;

use switchyard_e2e::{Context, Harness, Result};

/// Collects rAF timestamps for `ms` milliseconds, plus the dot count seen each frame; resolves with both.
const FRAMES: &str = r#"
const done = arguments[arguments.length - 1];
const ms = arguments[0];
const stamps = [], dots = [];
const canvas = document.querySelector('[data-testid=dots]');
const start = performance.now();
function tick(t) {
  stamps.push(t);
  dots.push(Number(canvas.getAttribute('data-dots') || 0));
  if (t - start < ms) requestAnimationFrame(tick); else done({ stamps, dots });
}
requestAnimationFrame(tick);
"#;

/// Starts a long-task observer; tasks over 50 ms land in `window.__longtasks`.
const OBSERVE: &str = r#"
window.__longtasks = [];
new PerformanceObserver(list => {
  for (const e of list.getEntries()) window.__longtasks.push(e.duration);
}).observe({ type: 'longtask', buffered: false });
return true;
"#;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Flags that lift Chromium's 60 Hz frame pacing: `requestAnimationFrame` then fires as soon as the previous
/// frame is done, so the interval between two frames is the time one frame takes.
const UNPACED: &[&str] = &["--disable-gpu-vsync", "--disable-frame-rate-limit"];

/// Opens the firehose at 1x in a 1440 px window, plays it until the wire is full, and measures `ms` of frames:
/// the sorted intervals between `requestAnimationFrame` timestamps and the sorted dot counts.
async fn frames(h: &Harness, ms: u64) -> Result<(Vec<f64>, Vec<f64>)> {
    h.client()
        .set_window_size(1440, 900)
        .await
        .context("sizing the window")?;
    h.open("/").await?;
    h.wait_for("[data-testid=preset-select]")
        .await?
        .select_by_value("95-firehose")
        .await
        .context("choosing the firehose preset")?;
    h.wait_for("[data-testid=speed]")
        .await?
        .select_by_value("1")
        .await
        .context("real-time speed")?;
    h.wait_for("[data-testid=play][aria-pressed=false]")
        .await?
        .click()
        .await
        .unwrap();
    // Let the wire fill: 400 ms of virtual time at 1x, then some.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let r = h
        .client()
        .execute_async(FRAMES, vec![serde_json::json!(ms)])
        .await
        .context("measuring frames")?;
    let numbers = |key: &str| -> Vec<f64> {
        let mut v: Vec<f64> = r[key]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_f64()).collect())
            .unwrap_or_default();
        v.sort_by(f64::total_cmp);
        v
    };
    // Timestamps only grow, so sorting them changes nothing.
    let stamps = numbers("stamps");
    let mut gaps: Vec<f64> = stamps.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort_by(f64::total_cmp);
    if gaps.is_empty() {
        return Err("no frames were measured".to_string()).context("measuring frames");
    }
    Ok((gaps, numbers("dots")))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    // Frame pacing off first: what a frame costs.
    let unpaced = Harness::start_with_flags(UNPACED).await?;
    let (gaps, dots) = frames(&unpaced, 5000).await?;
    unpaced.close().await?;
    println!("bench: unpaced frames measured = {}", gaps.len());
    println!("bench: unpaced dots in flight (median) = {:.0}", percentile(&dots, 0.5));
    println!("bench: unpaced frame time, median = {:.1} ms", percentile(&gaps, 0.5));
    println!("bench: unpaced frame time, p95 = {:.1} ms", percentile(&gaps, 0.95));

    // Then at the display's 60 Hz, as a user sees it: a frame that overran shows as a 33 ms interval.
    let h = Harness::start().await?;
    let (gaps, dots) = frames(&h, 5000).await?;
    println!("bench: frames measured = {}", gaps.len());
    println!("bench: dots in flight (median) = {:.0}", percentile(&dots, 0.5));
    println!("bench: frame time, median = {:.1} ms", percentile(&gaps, 0.5));
    println!("bench: frame time, p95 = {:.1} ms", percentile(&gaps, 0.95));

    // Run to the end: about 1.2 million requests, in bounded slices per frame.
    h.eval(OBSERVE).await?;
    let t0 = std::time::Instant::now();
    h.wait_for("[data-testid=run-to-end]").await?.click().await.unwrap();
    h.client()
        .wait()
        .at_most(Duration::from_secs(300))
        .for_element(fantoccini::Locator::Css("[data-testid=clock] .done"))
        .await
        .context("waiting for the run to end")?;
    let wall = t0.elapsed().as_secs_f64();
    let completed = h
        .wait_for("[data-testid=completed]")
        .await?
        .attr("data-value")
        .await
        .unwrap()
        .unwrap_or_default();
    let long = h.eval("return window.__longtasks;").await?;
    let long: Vec<f64> = long
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_f64())
        .collect();
    let worst = long.iter().copied().fold(0.0, f64::max);
    println!("bench: run to end, requests completed = {completed}");
    println!("bench: run to end, wall time = {wall:.1} s");
    println!("bench: run to end, main-thread tasks over 50 ms = {}", long.len());
    println!("bench: run to end, longest task over 50 ms = {worst:.0} ms (0 means none)");
    h.close().await
}
