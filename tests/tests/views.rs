//! Breaking things and reading the specialised views: a crashed service behind health checks stops costing
//! errors after the detection delay; the CAP panel gives the checker's verdict for CP and AP; the shard map
//! shows a hot shard's skew.

use switchyard_e2e::{Context, Harness, Result};

async fn number(h: &Harness, testid: &str) -> Result<u64> {
    let text = h
        .wait_for(&format!("[data-testid={testid}]"))
        .await?
        .text()
        .await
        .unwrap();
    Ok(text
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or(0))
}

/// Presses "+100 ms" `n` times: virtual time moves by exactly that much, whatever the machine's speed.
async fn step(h: &Harness, n: usize) -> Result<()> {
    for _ in 0..n {
        h.click("[data-testid=step-100ms]").await?;
    }
    Ok(())
}

#[tokio::test]
async fn after_the_health_check_delay_a_crashed_service_costs_no_more_errors() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.choose_preset("31-web-server-fails").await?;
    step(&h, 10).await?;
    assert!(number(&h, "completed").await? > 0, "traffic flows");
    h.click("[data-testid=canvas] [data-node=web1] rect").await?;
    h.click("[data-testid=crash]").await?;
    h.wait_for("[data-testid=canvas] [data-node=web1][data-up=false]")
        .await?;
    // Probes every 1 s, three failures to mark it down: detection within about 3.2 s.
    step(&h, 40).await?;
    let (failed, completed) = (number(&h, "failed").await?, number(&h, "completed").await?);
    assert!(failed > 0, "the detection window cost some errors");
    step(&h, 20).await?;
    let (failed2, completed2) = (number(&h, "failed").await?, number(&h, "completed").await?);
    assert_eq!(failed2, failed, "no errors after the load balancer marked web1 down");
    assert!(
        completed2 > completed + 100,
        "the other servers keep serving: {completed} -> {completed2}"
    );
    h.screenshot("health-check-crash").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

async fn verdict(h: &Harness, preset: &str) -> Result<String> {
    h.choose_preset(preset).await?;
    h.click("[data-testid=run-to-end]").await?;
    h.wait_for("[data-testid=clock] .done").await?;
    h.click("[data-testid=canvas] [data-node=db1] rect").await?;
    h.click("[data-testid=open-cap]").await?;
    h.wait_for("[data-testid=cap-panel] [data-cluster]").await?;
    h.click("[data-testid=cap-check]").await?;
    let text = h.wait_for("[data-testid=cap-verdict]").await?.text().await.unwrap();
    h.screenshot(&format!("cap-{preset}")).await?;
    Ok(text)
}

#[tokio::test]
async fn the_cap_panel_shows_cp_linearizable_and_ap_not() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    let cp = verdict(&h, "12-partition-cp").await?;
    assert!(cp.starts_with("Linearizable"), "CP: {cp}");
    let panel = h.wait_for("[data-testid=cap-panel]").await?.text().await.unwrap();
    assert!(
        panel.contains("side 2"),
        "availability per side of the partition: {panel}"
    );
    h.open("/").await?;
    let ap = verdict(&h, "13-partition-ap").await?;
    assert!(ap.starts_with("Not linearizable"), "AP: {ap}");
    assert!(
        !h.find_all(".cap-timeline .op").await?.is_empty(),
        "the violating operations are drawn"
    );
    h.assert_no_console_errors().await?;
    h.close().await
}

#[tokio::test]
async fn the_shard_map_shows_the_hot_shard() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.choose_preset("50-hot-shard").await?;
    step(&h, 30).await?;
    h.click("[data-testid=canvas] [data-node=router] rect").await?;
    h.click("[data-testid=open-shards]").await?;
    let skew = h.wait_for("[data-testid=load-skew]").await?.text().await.unwrap();
    let x: f64 = skew.trim_start_matches("load skew ").parse().unwrap_or(0.0);
    assert!(x > 1.3, "a celebrity key makes one shard hot: {skew}");
    h.screenshot("shard-map").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

#[tokio::test]
async fn screenshots_at_phone_and_desktop_widths_in_both_themes() -> Result<()> {
    let h = Harness::start().await?;
    for (theme, dark) in [("light", false), ("dark", true)] {
        h.emulate_media(&[("prefers-color-scheme", if dark { "dark" } else { "light" })])
            .await?;
        for (w, hgt) in [(1440, 900), (360, 780)] {
            h.client().set_window_size(w, hgt).await.context("sizing the window")?;
            h.open("/").await?;
            h.choose_preset("04-cache").await?;
            step(&h, 20).await?;
            let width = h
                .eval("return [document.documentElement.scrollWidth, window.innerWidth];")
                .await?;
            let (scroll, inner) = (width[0].as_f64().unwrap(), width[1].as_f64().unwrap());
            assert!(scroll <= inner, "{w}px {theme}: the page is {scroll}px wide");
            h.screenshot(&format!("layout-{w}-{theme}")).await?;
        }
    }
    h.assert_no_console_errors().await?;
    h.close().await
}

#[tokio::test]
async fn the_polling_vs_push_preset_compares_the_four_channels() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.choose_preset("40-polling-vs-push").await?;
    let rows = h.find_all("[data-testid=realtime] tbody tr").await?;
    assert_eq!(rows.len(), 4, "short polling, long polling, WebSocket and SSE");
    let short = rows[0].text().await.unwrap();
    assert!(
        short.starts_with("short polling 1000"),
        "1,000 clients polling once a second: {short}"
    );
    h.screenshot("realtime").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

#[tokio::test]
async fn hovering_a_plot_reads_out_its_values() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.choose_preset("03-load-balancer").await?;
    step(&h, 30).await?;
    let plot = h.wait_for("[data-testid=rate-plot]").await?;
    h.client()
        .execute(
            "const c = arguments[0], r = c.getBoundingClientRect(); \
             c.dispatchEvent(new MouseEvent('mousemove', { clientX: r.left + r.width * 0.6, clientY: r.top + 20, bubbles: true }));",
            vec![serde_json::to_value(&plot).unwrap()],
        )
        .await
        .context("hovering the throughput plot")?;
    let text = h.wait_for("[data-testid=plot-readout]").await?.text().await.unwrap();
    assert!(
        text.starts_with("at ") && text.contains("throughput"),
        "readout: {text}"
    );
    h.assert_no_console_errors().await?;
    h.close().await
}

/// A network partition is drawn on the canvas while it is in force: every node in a group says which side it is
/// on, a note lists the sides, and links between the sides are drawn cut; the heal takes it all away.
#[tokio::test]
async fn the_canvas_draws_a_partition_while_it_is_in_force() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    // Preset 13 splits five replicas 3 | 2 from 1 s to 2 s; its clients talk only to their own side.
    h.choose_preset("13-partition-ap").await?;
    assert!(h.find_all("[data-testid=partition-note]").await?.is_empty());
    step(&h, 15).await?;
    for (node, side) in [("clients-a", "A"), ("db1", "A"), ("clients-b", "B"), ("db5", "B")] {
        h.wait_for(&format!("[data-testid=canvas] [data-node='{node}'][data-side={side}]"))
            .await
            .context(&format!("{node} on side {side}"))?;
    }
    let label = h
        .wait_for("[data-testid=canvas] [data-node=db4]")
        .await?
        .attr("aria-label")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(label.contains("partition side B"), "{label}");
    let note = h.wait_for("[data-testid=partition-note]").await?.text().await.unwrap();
    assert!(note.starts_with("Network partition — A: Clients"), "{note}");
    assert!(note.contains(" | B: "), "{note}");
    h.screenshot("partition-drawn").await?;
    step(&h, 10).await?;
    h.poll_number(
        "return document.querySelectorAll('[data-testid=canvas] [data-side]').length",
        |n| n == 0.0,
    )
    .await?;
    assert!(h.find_all("[data-testid=partition-note]").await?.is_empty(), "healed");

    // Cutting the users off from the balancer through the inspector cuts the link between them.
    h.choose_preset("03-load-balancer").await?;
    step(&h, 3).await?;
    h.click("[data-testid=canvas] [data-node=client] rect").await?;
    h.click("[data-testid=partition]").await?;
    let cut = h
        .poll_number(
            "return document.querySelectorAll('[data-testid=canvas] .edge.cut').length",
            |n| n > 0.0,
        )
        .await?;
    assert_eq!(cut, 1.0, "only the users' link crosses");
    h.screenshot("partition-cut-link").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

/// The p50 cell of a breakdown table's row (`10.6 ms`), in milliseconds.
async fn row_p50(h: &Harness, table: &str, row: &str) -> Result<f64> {
    let td = h
        .wait_for(&format!("[data-testid={table}] tr[data-row='{row}'] td:nth-of-type(3)"))
        .await?;
    let text = td.text().await.unwrap();
    Ok(text.trim_end_matches(" ms").parse().unwrap_or(f64::NAN))
}

#[tokio::test]
async fn the_cdn_preset_shows_static_assets_faster_than_api_calls_by_class() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.choose_preset("07-cdn").await?;
    h.click("[data-testid=run-to-end]").await?;
    h.wait_for("[data-testid=clock] .done").await?;
    let rows = h.find_all("[data-testid=by-class] tbody tr").await?;
    assert_eq!(rows.len(), 3, "static assets, API reads and API writes");
    let (st, api) = (
        row_p50(&h, "by-class", "static asset").await?,
        row_p50(&h, "by-class", "api read").await?,
    );
    // Static assets come from the CDN edge, API calls make the long trip to the origin.
    assert!(st > 0.0 && st * 5.0 < api, "static p50 {st} ms, api read p50 {api} ms");
    assert!(
        h.find_all("[data-testid=by-client]").await?.is_empty(),
        "one client: no per-client table"
    );
    h.eval("document.querySelector('[data-testid=by-class]').scrollIntoView()")
        .await?;
    h.screenshot("by-class-cdn").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

#[tokio::test]
async fn the_slow_backend_preset_shows_each_lane_and_the_slow_servers_queue() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.choose_preset("30-lb-slow-backend").await?;
    h.click("[data-testid=run-to-end]").await?;
    h.wait_for("[data-testid=clock] .done").await?;
    let rows = h.find_all("[data-testid=by-client] tbody tr").await?;
    let mut names = vec![];
    for r in &rows {
        names.push(r.attr("data-row").await.unwrap().unwrap_or_default());
    }
    assert_eq!(
        names,
        [
            "Users (round robin)",
            "Users (least response time)",
            "Users (power of two)"
        ]
    );
    // The description: round robin keeps feeding the slow server, so its lane's p50 is the highest.
    let rr = row_p50(&h, "by-client", "Users (round robin)").await?;
    let lrt = row_p50(&h, "by-client", "Users (least response time)").await?;
    assert!(rr > lrt, "round robin p50 {rr} ms, least response time p50 {lrt} ms");
    assert!(
        h.find_all("[data-testid=by-class]").await?.is_empty(),
        "one class: no per-class table"
    );
    let plot = h.wait_for("[data-testid=queue-plot]").await?;
    h.client()
        .execute(
            "const c = arguments[0]; c.scrollIntoView(); \
             const s = c.getBoundingClientRect(); \
             c.dispatchEvent(new MouseEvent('mousemove', { clientX: s.left + s.width * 0.5, clientY: s.top + 20, bubbles: true }));",
            vec![serde_json::to_value(&plot).unwrap()],
        )
        .await
        .context("hovering the queue plot")?;
    let text = h
        .poll(
            "return document.querySelector('[data-testid=plot-readout]').textContent",
            |v| v.as_str().is_some_and(|t| t.starts_with("at ")),
        )
        .await?;
    assert!(text.as_str().unwrap().contains("App A (slow)"), "readout: {text}");
    h.screenshot("by-client-queue-plot").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

/// A viewport of `w` × `h` CSS pixels, as a phone's (DevTools device emulation: the window size would
/// include the browser's own bars).
async fn viewport(h: &Harness, w: u32, hgt: u32, mobile: bool) -> Result<()> {
    h.cdp(
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({ "width": w, "height": hgt, "deviceScaleFactor": 1, "mobile": mobile }),
    )
    .await?;
    Ok(())
}

/// `[top, bottom]` of the element matching `css` in the viewport, the viewport's height and the page's
/// scroll position.
async fn place_of(h: &Harness, css: &str) -> Result<(f64, f64, f64, f64)> {
    let v = h
        .eval(&format!(
            "const r = document.querySelector(\"{css}\").getBoundingClientRect(); \
             return [r.top, r.bottom, window.innerHeight, window.scrollY];"
        ))
        .await?;
    let n = |i: usize| v[i].as_f64().unwrap_or(f64::NAN);
    Ok((n(0), n(1), n(2), n(3)))
}

/// On a 390 × 844 phone the canvas, the run controls, the preset list and (once a node is selected) the
/// inspector's heading and first fields are all in the first screenful, with no scrolling.
#[tokio::test]
async fn on_a_phone_the_presets_and_the_inspector_are_in_the_first_screen() -> Result<()> {
    let h = Harness::start().await?;
    viewport(&h, 390, 844, true).await?;
    h.open("/").await?;
    h.choose_preset("04-cache").await?;
    h.screenshot("phone-390-preset").await?;
    for css in [
        "[data-testid=play]",
        "[data-testid=canvas-region]",
        "[data-testid=preset-select]",
    ] {
        let (top, bottom, screen, _) = place_of(&h, css).await?;
        assert!(
            top >= 0.0 && bottom <= screen,
            "{css} spans {top}..{bottom} of a {screen}px screen"
        );
    }
    let node = h.wait_for("[data-testid=canvas] [data-node='app2'] rect").await?;
    node.click().await.context("selecting app2")?;
    h.wait_for("[data-testid=canvas] [data-node='app2'][aria-pressed=true]")
        .await?;
    h.wait_for("[data-testid=inspector] .inspector-title").await?;
    let (top, _, screen, scrolled) = place_of(&h, "[data-testid=inspector]").await?;
    assert!(
        // Its heading and first figures show, not just its top edge.
        top >= 0.0 && top <= screen - 160.0,
        "the inspector starts at {top}px of a {screen}px screen (scrolled {scrolled}px)"
    );
    let (canvas_top, ..) = place_of(&h, "[data-testid=canvas-region]").await?;
    assert!(
        canvas_top >= 0.0,
        "the canvas is still on screen: its top is at {canvas_top}px"
    );
    h.screenshot("phone-390-selected").await?;
    // The desktop keeps its three columns.
    viewport(&h, 1440, 900, false).await?;
    let columns = h
        .eval("return getComputedStyle(document.querySelector('.shell')).gridTemplateColumns.split(' ').length;")
        .await?;
    assert_eq!(columns.as_u64(), Some(3), "desktop grid columns");
    h.assert_no_console_errors().await?;
    h.close().await
}

/// Where the inspector sits below the fold (a short, narrow window: the side panel, then the canvas, then the
/// metrics, in a page that scrolls), selecting a node from the keyboard scrolls it into view and leaves the
/// focus on the node.
#[tokio::test]
async fn selecting_a_node_brings_the_inspector_into_view_without_taking_the_focus() -> Result<()> {
    let h = Harness::start().await?;
    viewport(&h, 1000, 560, false).await?;
    h.open("/").await?;
    h.choose_preset("04-cache").await?;
    let (top, _, screen, _) = place_of(&h, "[data-testid=inspector]").await?;
    assert!(
        top > screen - 120.0,
        "the setup needs the inspector off screen: top {top} of {screen}"
    );
    let node = h.wait_for("[data-testid=canvas] [data-node='cache']").await?;
    node.send_keys(&fantoccini::key::Key::Enter.to_string()).await.unwrap();
    h.wait_for("[data-testid=canvas] [data-node='cache'][aria-pressed=true]")
        .await?;
    let top = h
        .poll_number(
            "return document.querySelector('[data-testid=inspector]').getBoundingClientRect().top;",
            |t| (0.0..screen - 120.0).contains(&t),
        )
        .await?;
    let focused = h
        .eval("return document.activeElement.getAttribute('data-node');")
        .await?;
    assert_eq!(
        focused.as_str(),
        Some("cache"),
        "the focus stays on the node (inspector at {top}px)"
    );
    h.screenshot("inspector-scrolled-into-view").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

/// A long label is readable: on the canvas it is cut with "…" and whole in the tooltip and the accessible
/// name; in the utilization list it wraps instead of being cut.
#[tokio::test]
async fn long_labels_are_readable() -> Result<()> {
    const LONG: &str = "Primary database (eu-west)";
    let h = Harness::start().await?;
    h.open("/").await?;
    h.choose_preset("04-cache").await?;
    h.wait_for("[data-testid=canvas] [data-node='db'] rect")
        .await?
        .click()
        .await
        .unwrap();
    let label = h.wait_for("[data-testid=inspector] [data-param=label]").await?;
    label.clear().await.unwrap();
    label.send_keys(&format!("{LONG}\n")).await.unwrap();
    let g = h.wait_for("[data-testid=canvas] [data-node='db']").await?;
    h.poll(
        "return document.querySelector(\"[data-node='db'] title\").textContent;",
        |v| v.as_str().is_some_and(|t| t.contains(LONG)),
    )
    .await?;
    let aria = g.attr("aria-label").await.unwrap().unwrap_or_default();
    assert!(aria.contains(LONG), "accessible name {aria:?}");
    step(&h, 5).await?;
    let util = h.wait_for("[data-util='db'] .util-label").await?;
    h.screenshot("long-labels").await?;
    assert_eq!(util.attr("title").await.unwrap().as_deref(), Some(LONG));
    // Every character is shown: the box is as wide as its text needs (it wraps rather than overflows).
    let fits = h
        .eval(
            "const e = document.querySelector(\"[data-util='db'] .util-label\"); \
               return [e.scrollWidth <= e.clientWidth, e.scrollHeight <= e.clientHeight + 1];",
        )
        .await?;
    assert_eq!(fits[0].as_bool(), Some(true), "no horizontal overflow: {fits}");
    assert_eq!(fits[1].as_bool(), Some(true), "no vertical overflow: {fits}");
    h.assert_no_console_errors().await?;
    h.close().await
}
