//! Page-load benchmark: how long the release build takes from navigation to the app's first render, in
//! headless Chromium over loopback. Prints `bench: <measure> = <value>` lines for `cargo xtask bench`.

use switchyard_e2e::{Harness, Result};

const RUNS: usize = 10;

/// Milliseconds from navigation start to the `switchyard:first-render` mark the app sets.
const FIRST_RENDER: &str =
    "const m = performance.getEntriesByName('switchyard:first-render')[0]; return m ? m.startTime : null;";

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let h = Harness::start().await?;
    let mut samples = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        h.open("/").await?;
        h.wait_for("[data-testid=palette] [data-kind]").await?;
        let ms = h.eval(FIRST_RENDER).await?;
        samples.push(ms.as_f64().expect("the app sets the switchyard:first-render mark"));
    }
    let cold = samples[0];
    let mut warm = samples[1..].to_vec();
    warm.sort_by(f64::total_cmp);
    println!("bench: first render, cold cache = {cold:.1} ms");
    println!(
        "bench: first render, warm cache (median of {}) = {:.1} ms",
        warm.len(),
        warm[warm.len() / 2]
    );
    println!("bench: first render, warm cache (min) = {:.1} ms", warm[0]);
    h.close().await
}
