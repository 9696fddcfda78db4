//! Autoscaling in the browser (#20): the ramp's web tier is drawn as a stack whose badge grows while the run
//! plays; mid scale-out (scrubbed to 20:30, an eighth instance booting) the badge, the size plot and the bill
//! show it, and its inspector scales it out by one; the scale-up preset's big instance is resized live.
//! Screenshots: `autoscale-ramp.png` and `scale-up-vs-out.png` in `target/e2e/`.

use switchyard_e2e::{Context, Harness, Result};

/// The web tier's badge's sizes: instances, in service, desired, booting.
const BADGE: &str = "
    const b = document.querySelector('[data-testid=group-web]');
    return ['instances', 'inService', 'desired', 'booting'].map(k => Number(b.dataset[k]));";

/// Pixels of the size plot near the group's colour (`#2563eb`).
const GROUP_PIXELS: &str = "
    const c = document.querySelector('[data-testid=group-plot]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3] > 200 && Math.abs(d[i] - 37) < 40 && Math.abs(d[i + 1] - 99) < 40
            && Math.abs(d[i + 2] - 235) < 40) n++;
    }
    return n;";

async fn badge(h: &Harness) -> Result<Vec<u64>> {
    let v = h.eval(BADGE).await?;
    Ok(v.as_array()
        .map(|a| a.iter().filter_map(|x| x.as_u64()).collect())
        .unwrap_or_default())
}

#[tokio::test]
async fn the_ramps_stack_grows_and_mid_scale_out_shows_a_booting_instance() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.choose_preset("80-autoscale-ramp").await?;
    let b = h
        .wait_for("[data-testid=group-web]")
        .await
        .context("the web tier's badge")?;
    assert_eq!(
        b.text().await.unwrap().trim(),
        "2/12",
        "it starts at its minimum of two"
    );
    assert_eq!(badge(&h).await?, [2, 2, 2, 0]);

    // Play fast until the policy launches a third instance: the badge grows while the run plays.
    h.wait_for("[data-testid=speed]")
        .await?
        .select_by_value("1000")
        .await
        .context("choosing 1000× speed")?;
    h.click("[data-testid=play]").await?;
    h.poll_number(
        "return Number(document.querySelector('[data-testid=group-web]').dataset.instances)",
        |n| n >= 3.0,
    )
    .await
    .context("the badge grows while the run plays")?;
    h.click("[data-testid=play]").await?;
    let grown = badge(&h).await?;
    println!("while playing: instances, in service, desired, booting = {grown:?}");
    assert!(grown[0] >= 3 && grown[2] >= 3, "{grown:?}");

    // Run to the end, then scrub back to 20:30: the eighth instance launched at 20:00 and is still booting.
    h.click("[data-testid=run-to-end]").await?;
    h.wait_for("[data-testid=clock] .done").await?;
    h.eval(
        "const s = document.querySelector('[data-testid=scrubber]');
         s.value = '1230000';
         s.dispatchEvent(new Event('change', {bubbles: true}));
         return 0",
    )
    .await?;
    h.poll(
        "return document.querySelector('[data-testid=clock]').textContent",
        |v| v.as_str() == Some("20:30.000"),
    )
    .await?;
    assert_eq!(
        badge(&h).await?,
        [8, 7, 8, 1],
        "eight launched, seven serving, one booting"
    );
    let size = h.wait_for("[data-testid=group-web] > text").await?;
    assert_eq!(size.text().await.unwrap().trim(), "8/12");
    let hint = h.wait_for("[data-testid=group-web] .group-hint").await?;
    assert_eq!(hint.text().await.unwrap().trim(), "+1 booting");
    let stack = h.find_all("[data-node=web] .stack rect").await?;
    assert_eq!(stack.len(), 2, "two copies of the box behind it");
    let lines = h.find_all("[data-testid=group-plot] + .plot-key [data-line]").await?;
    assert_eq!(lines.len(), 2, "instances and in service");
    let drawn = h.poll_number(GROUP_PIXELS, |n| n > 50.0).await?;
    let total = h.wait_for("[data-testid=cost-total]").await?.text().await.unwrap();
    let rate = h.wait_for("[data-testid=cost-rate]").await?.text().await.unwrap();
    assert_eq!(rate, "$0.77/h", "eight m5.large instances at $0.096/h");
    assert!(total.starts_with('$') && total != "$0.00", "{total}");
    println!("at 20:30: badge 8/12, +1 booting; {drawn} group-colour pixels on the size plot; cost {total}, {rate}");
    h.eval(
        "document.querySelector('[data-node=web]').scrollIntoView({block: 'center'});
         document.querySelector('[data-testid=group-plot]').scrollIntoView({block: 'center'});
         return 0",
    )
    .await?;
    h.screenshot("autoscale-ramp").await?;

    // Scale it out by hand from its inspector: it aims for nine and launches a ninth, booting.
    h.select_node("web").await?;
    let desired = h.wait_for("[data-testid=scale-desired]").await?;
    assert_eq!(desired.text().await.unwrap().trim(), "8 of 2–12");
    h.click("[data-testid=scale-out]").await?;
    h.wait_for("[data-testid=group-web][data-desired='9'][data-instances='9'][data-booting='2']")
        .await
        .context("the group aims for nine and boots a second instance")?;
    assert!(h.find_all("#panic-banner").await?.is_empty(), "no panic banner");
    h.assert_no_console_errors().await?;
    h.close().await
}

/// Scale up against scale out (preset 83), changed live from the inspector: the big instance resizes to an
/// m5.8xlarge (it restarts, the log says so, the bill rises by the difference, the fault timeline lists it);
/// the group of exactly eight cannot be scaled either way. Screenshot: `scale-up-vs-out.png`.
#[tokio::test]
async fn the_inspector_resizes_a_service_live() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.choose_preset("83-scale-up-vs-out").await?;
    for _ in 0..5 {
        h.click("[data-testid=step-100ms]").await?;
    }
    let rate = h.wait_for("[data-testid=cost-rate]").await?.text().await.unwrap();
    assert_eq!(rate, "$1.54/h", "one m5.4xlarge and eight m5.large at $0.768/h each");

    h.select_node("big").await?;
    h.wait_for("[data-testid=resize-to]")
        .await?
        .select_by_value("8xlarge")
        .await
        .context("choosing 8xlarge")?;
    h.click("[data-testid=resize-now]").await?;
    h.wait_for("[data-testid=canvas] [data-node=big][data-up=false]")
        .await
        .context("the big instance restarts")?;
    h.poll(
        "return document.querySelector('[data-testid=event-log]').textContent",
        |v| {
            v.as_str()
                .is_some_and(|t| t.contains("restarting as 8xlarge (32 vCPU)"))
        },
    )
    .await
    .context("the log narrates the resize")?;
    let rate = h.wait_for("[data-testid=cost-rate]").await?.text().await.unwrap();
    assert_eq!(rate, "$2.30/h", "$1.536 + $0.768 an hour");

    h.select_node("small").await?;
    for button in ["scale-in", "scale-out"] {
        let b = h.wait_for(&format!("[data-testid={button}]")).await?;
        assert!(
            b.attr("disabled").await.unwrap().is_some(),
            "{button}: its bounds are eight and eight"
        );
    }
    // Escape clears the selection: the scenario panel lists both actions in its fault timeline.
    h.eval("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true})); return 0")
        .await?;
    let entries = h
        .poll(
            "return [...document.querySelectorAll('[data-testid=fault-timeline] li span')].map(s => s.textContent)",
            |v| v.as_array().is_some_and(|a| a.len() == 3),
        )
        .await
        .context("the timeline lists the two crashes and the resize")?;
    let entries: Vec<&str> = entries.as_array().unwrap().iter().filter_map(|e| e.as_str()).collect();
    println!("fault timeline: {entries:?}");
    assert!(entries[2].ends_with("big restarts as 8xlarge (32 vCPU)"), "{entries:?}");
    h.screenshot("scale-up-vs-out").await?;
    assert!(h.find_all("#panic-banner").await?.is_empty(), "no panic banner");
    h.assert_no_console_errors().await?;
    h.close().await
}
