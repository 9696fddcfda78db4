//! The editor, driven like a user: build a topology on a blank canvas with clicks and keys only, run it,
//! and use the keyboard paths (shortcut list, undo, delete).

use fantoccini::key::Key;
use switchyard_e2e::{Context, Harness, Result};

/// Selects node `id` by clicking it, then connects it to each node index in `targets` through the inspector
/// (none: just selects it).
async fn connect(h: &Harness, id: &str, targets: &[usize]) -> Result<()> {
    h.select_node(id).await?;
    for t in targets {
        h.wait_for("[data-testid=connect-to]")
            .await?
            .select_by_value(&t.to_string())
            .await
            .context("choosing the target")?;
        h.click("[data-testid=connect]").await?;
    }
    Ok(())
}

#[tokio::test]
async fn a_topology_built_by_ui_alone_runs() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.click("[data-testid=new-blank]").await?;
    h.wait_for("[data-testid=problems]").await?;
    assert!(
        h.find_all("[data-testid=canvas] [data-node]").await?.is_empty(),
        "the canvas starts empty"
    );

    // client (0) -> load balancer (1) -> three services (2, 3, 4) -> database (5)
    for kind in ["client", "load-balancer", "service", "service", "service", "database"] {
        h.wait_for(&format!("[data-testid=palette] [data-kind={kind}]"))
            .await?
            .click()
            .await
            .unwrap();
    }
    assert_eq!(h.find_all("[data-testid=canvas] [data-node]").await?.len(), 6);
    connect(&h, "client-1", &[1]).await?;
    connect(&h, "load-balancer-1", &[2, 3, 4]).await?;
    for s in ["service-1", "service-2", "service-3"] {
        connect(&h, s, &[5]).await?;
    }
    assert_eq!(
        h.find_all("[data-testid=canvas] [data-edge]").await?.len(),
        7,
        "seven edges drawn"
    );
    assert!(
        h.find_all("[data-testid=problems]").await?.is_empty(),
        "the topology validates"
    );

    // Pick a strategy in the inspector, as a user would.
    connect(&h, "load-balancer-1", &[]).await?;
    h.wait_for("[data-param=strategy]")
        .await?
        .select_by_value("least_connections")
        .await
        .context("choosing least connections")?;
    h.screenshot("editor-built").await?;

    h.click("[data-testid=play][aria-pressed=false]").await?;
    h.wait_for("[data-testid=completed]:not([data-value='0'])").await?;
    let text = h.wait_for("[data-testid=throughput]").await?.text().await.unwrap();
    let rps: f64 = text.trim_end_matches(" req/s").replace(',', "").parse().unwrap_or(0.0);
    assert!(rps > 0.0, "throughput readout {text:?}");
    h.screenshot("editor-running").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

#[tokio::test]
async fn keyboard_paths_show_shortcuts_delete_and_undo() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    let before = h.find_all("[data-testid=canvas] [data-node]").await?.len();
    assert!(before > 0);
    let body = h.wait_for("body").await?;
    body.send_keys("?").await.unwrap();
    let list = h.wait_for("[data-testid=shortcut-list]").await?;
    assert!(list.text().await.unwrap().contains("undo"), "the list names undo");
    h.screenshot("shortcuts").await?;
    body.send_keys(&Key::Escape.to_string()).await.unwrap();

    // Focus the first node, select it with Enter, delete it with Delete, bring it back with Ctrl+Z.
    let first = h.wait_for("[data-testid=canvas] [data-node]").await?;
    let id = first.attr("data-node").await.unwrap().unwrap_or_default();
    first.send_keys(&Key::Enter.to_string()).await.unwrap();
    h.wait_for(&format!("[data-node='{id}'][aria-pressed=true]")).await?;
    first.send_keys(&Key::Delete.to_string()).await.unwrap();
    h.client()
        .wait()
        .for_element(fantoccini::Locator::Css("[data-testid=undo]:not([disabled])"))
        .await
        .context("undo enabled")?;
    assert_eq!(
        h.find_all("[data-testid=canvas] [data-node]").await?.len(),
        before - 1,
        "deleted"
    );
    let body = h.wait_for("body").await?;
    body.send_keys(&format!("{}z", Key::Control)).await.unwrap();
    h.wait_for(&format!("[data-testid=canvas] [data-node='{id}']")).await?;
    assert_eq!(
        h.find_all("[data-testid=canvas] [data-node]").await?.len(),
        before,
        "undone"
    );

    // Space plays and pauses while a node has the focus (Enter is what selects it).
    let node = h.wait_for(&format!("[data-testid=canvas] [data-node='{id}']")).await?;
    node.send_keys(" ").await.unwrap();
    h.wait_for("[data-testid=play][aria-pressed=true]").await?;
    let node = h.wait_for(&format!("[data-testid=canvas] [data-node='{id}']")).await?;
    node.send_keys(" ").await.unwrap();
    h.wait_for("[data-testid=play][aria-pressed=false]").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

#[tokio::test]
async fn live_faults_join_the_timeline_and_the_scrubber_replays() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.choose_preset("03-load-balancer").await?;
    h.click("[data-testid=play][aria-pressed=false]").await?;
    h.wait_for("[data-testid=completed]:not([data-value='0'])").await?;
    // Make the first edge slow while it runs.
    // Edges are focusable: select the first with Enter (a horizontal line has no area to click on).
    select_edge(&h, 0).await?;
    h.click("[data-testid=link-slow]").await?;
    let body = h.wait_for("body").await?;
    body.send_keys(&Key::Escape.to_string()).await.unwrap();
    let timeline = h.wait_for("[data-testid=fault-timeline] li").await?;
    assert!(
        timeline.text().await.unwrap().contains("latency"),
        "the live fault is a timeline entry"
    );
    h.click("[data-testid=play][aria-pressed=true]").await?;

    // Scrub back to 50 ms: the run replays from zero to there.
    h.eval(
        "const s = document.querySelector('[data-testid=scrubber]'); s.value = '50'; \
         s.dispatchEvent(new Event('change', { bubbles: true })); return s.max;",
    )
    .await?;
    h.client()
        .wait()
        .for_element(fantoccini::Locator::XPath(
            "//output[@data-testid='clock'][starts-with(normalize-space(.), '0:00.050')]",
        ))
        .await
        .context("the clock shows the scrubbed-to time")?;
    h.screenshot("scrubbed").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

#[tokio::test]
async fn the_ring_view_shows_keys_moving_when_a_server_joins() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.choose_preset("03-load-balancer").await?;
    h.click("[data-testid=canvas] [data-node=lb] rect").await?;
    h.click("[data-testid=open-ring]").await?;
    h.wait_for("[data-testid=ring-circle]").await?;
    assert_eq!(
        h.find_all("[data-testid=ring-shares] li").await?.len(),
        3,
        "three backends share the ring"
    );
    h.click("[data-testid=ring-add]").await?;
    let moved = h.wait_for("[data-testid=ring-moved]").await?.text().await.unwrap();
    let pct: f64 = moved
        .split('(')
        .nth(1)
        .and_then(|s| s.split('%').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or(-1.0);
    // 1/(n+1) = 25% in expectation for 3 -> 4 servers; 16 vnodes and 400 keys leave room for noise.
    assert!((10.0..=40.0).contains(&pct), "moved {pct}% ({moved})");
    assert!(
        !h.find_all(".ring-key.moved").await?.is_empty(),
        "moved keys are highlighted"
    );
    h.screenshot("ring-view").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

#[tokio::test]
async fn two_fingers_pinch_to_zoom() -> Result<()> {
    let h = Harness::start().await?;
    h.cdp(
        "Emulation.setTouchEmulationEnabled",
        serde_json::json!({ "enabled": true, "maxTouchPoints": 2 }),
    )
    .await?;
    h.open("/").await?;
    h.choose_preset("03-load-balancer").await?;
    // Two fingers on the empty plane (above the nodes), spreading apart.
    let view_width = |v: serde_json::Value| -> f64 {
        v.as_str()
            .unwrap_or("")
            .split(' ')
            .nth(2)
            .and_then(|w| w.parse().ok())
            .unwrap_or(0.0)
    };
    let get = "return document.querySelector('[data-testid=canvas]').getAttribute('viewBox');";
    let before = view_width(h.eval(get).await?);
    let r = h
        .eval("const r = document.querySelector('[data-testid=canvas]').getBoundingClientRect(); return [r.left + r.width * 0.3, r.top + r.height * 0.12];")
        .await?;
    let (cx, cy) = (r[0].as_f64().unwrap(), r[1].as_f64().unwrap());
    let touch = |ty: &'static str, d: f64| {
        let points = if ty == "touchEnd" {
            serde_json::json!([])
        } else {
            serde_json::json!([{ "x": cx - d, "y": cy, "id": 1 }, { "x": cx + d, "y": cy, "id": 2 }])
        };
        serde_json::json!({ "type": ty, "touchPoints": points })
    };
    h.cdp("Input.dispatchTouchEvent", touch("touchStart", 40.0)).await?;
    for d in [60.0, 80.0, 100.0, 120.0] {
        h.cdp("Input.dispatchTouchEvent", touch("touchMove", d)).await?;
    }
    h.cdp("Input.dispatchTouchEvent", touch("touchEnd", 0.0)).await?;
    let after = view_width(h.eval(get).await?);
    assert!(
        after < before * 0.6,
        "spreading two fingers zooms in: view width {before} -> {after}"
    );
    h.assert_no_console_errors().await?;
    h.close().await
}

/// A number the model cannot honour, typed as a user types it, is refused under the field with a reason,
/// and the document keeps its value (before, `1e400` in an optional field became "none" and `1e-400` workers
/// became 0).
#[tokio::test]
async fn the_inspector_refuses_numbers_the_model_cannot_honour() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.choose_preset("11-queue-limit").await?;
    connect(&h, "api", &[]).await?;
    for (typed, reason) in [
        ("1e400", "Not a number this can use: type one from 1 to 100000."),
        ("1e-400", "0 is out of range: type a whole number from 1 to 100000."),
        ("2.5", "2.5 is out of range: type a whole number from 1 to 100000."),
    ] {
        let workers = h.wait_for("input[data-param=workers]").await?;
        workers.clear().await.context("clearing workers")?;
        workers.send_keys(typed).await.context("typing")?;
        workers
            .send_keys(&Key::Tab.to_string())
            .await
            .context("leaving the field")?;
        let shown = h
            .poll(
                "return document.querySelector('[data-testid=field-error]')?.textContent ?? null",
                |v| v.as_str() == Some(reason),
            )
            .await?;
        assert_eq!(shown.as_str(), Some(reason), "typed {typed}");
        if typed == "1e400" {
            h.screenshot("field-refused").await?;
        }
    }
    // The document kept 16 workers: select another node and come back.
    connect(&h, "client", &[]).await?;
    connect(&h, "api", &[]).await?;
    let workers = h.wait_for("input[data-param=workers]").await?;
    assert_eq!(workers.prop("value").await.unwrap().as_deref(), Some("16"));
    assert!(h.find_all("[data-testid=field-error]").await?.is_empty());
    h.assert_no_console_errors().await?;
    h.close().await
}

/// A client that sends static assets to a CDN and the rest to its API, wired with the keyboard and the
/// inspector only: the edge's classes are checkboxes, and the inspector says what the two edges share until
/// they share nothing.
#[tokio::test]
async fn edge_classes_are_set_in_the_inspector() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.click("[data-testid=new-blank]").await?;
    for kind in ["client", "cdn", "service"] {
        h.wait_for(&format!("[data-testid=palette] [data-kind={kind}]"))
            .await?
            .click()
            .await
            .unwrap();
    }
    connect(&h, "client-1", &[1, 2]).await?;
    // The service is the CDN's origin too.
    connect(&h, "cdn-1", &[2]).await?;
    // Select the client's edge to the service (edge 1) with the keyboard.
    select_edge(&h, 1).await?;
    let hint = h.wait_for("[data-testid=shared-classes]").await?.text().await.unwrap();
    assert!(
        hint.starts_with("Static assets, API reads, API writes, background jobs also take the edge to Cdn 1"),
        "{hint}"
    );
    h.screenshot("edge-classes-shared").await?;
    h.click("[data-param=classes] input[data-option=static_asset]").await?;
    // The other edge carries only static assets.
    select_edge(&h, 0).await?;
    for option in ["api_read", "api_write", "background_job"] {
        h.click(&format!("[data-param=classes] input[data-option={option}]"))
            .await?;
        h.wait_for(&format!(
            "[data-param=classes] input[data-option={option}]:not(:checked)"
        ))
        .await?;
    }
    h.poll_number(
        "return document.querySelectorAll('[data-testid=shared-classes]').length",
        |n| n == 0.0,
    )
    .await?;
    h.screenshot("edge-classes").await?;
    h.click("[data-testid=play][aria-pressed=false]").await?;
    h.wait_for("[data-testid=completed]:not([data-value='0'])").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

/// Selects edge `k` from the keyboard: focus it, press Enter. (WebDriver refuses element commands on a
/// horizontal edge, whose box has no height.)
async fn select_edge(h: &Harness, k: usize) -> Result<()> {
    h.eval(&format!(
        "document.querySelector(\"[data-testid=canvas] [data-edge='{k}']\").focus(); return null;"
    ))
    .await?;
    press_enter(h).await?;
    h.wait_for(&format!("[data-testid=canvas] [data-edge='{k}'].selected"))
        .await
        .map(drop)
}

/// Presses Enter on whatever has the focus.
async fn press_enter(h: &Harness) -> Result<()> {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let enter = KeyActions::new("keyboard".into())
        .then(KeyAction::Down {
            value: Key::Enter.into(),
        })
        .then(KeyAction::Up {
            value: Key::Enter.into(),
        });
    h.client().perform_actions(enter).await.context("pressing Enter")
}

/// With a database selected, ticks `replica` in its Replication section and has the cluster's replicas serve
/// reads.
async fn replicate_reading_from(h: &Harness, replica: &str) -> Result<()> {
    h.click(&format!("[data-testid=replication] input[data-replica='{replica}']"))
        .await?;
    h.wait_for(&format!(
        "[data-testid=replication] input[data-replica='{replica}']:checked"
    ))
    .await?;
    h.wait_for("[data-testid=replication] [data-param=read_from]")
        .await?
        .select_by_value("replica")
        .await
        .context("reads from the replica")
}

/// Clicks a palette item.
async fn palette(h: &Harness, kind: &str) -> Result<()> {
    h.wait_for(&format!("[data-testid=palette] [data-kind={kind}]"))
        .await?
        .click()
        .await
        .context(&format!("adding a {kind}"))
}

/// The seed progression's steps built through the UI alone: client → web → database; a cache put into the
/// web → database edge with the keyboard path (edge selected, palette item), a load balancer dropped onto the
/// client → web edge with the mouse path, a second database made to replicate with the first in the inspector
/// and read from; the run shows the replica serving and the cluster's operations in the CAP panel.
#[tokio::test]
async fn nodes_go_into_edges_and_databases_replicate() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.click("[data-testid=new-blank]").await?;
    // Each click puts the new node right of the selected one: client (0) → service (1) → database (2).
    for kind in ["client", "service", "database"] {
        palette(&h, kind).await?;
    }
    connect(&h, "client-1", &[1]).await?;
    connect(&h, "service-1", &[2]).await?;

    // Keyboard path: Enter on the service → database edge selects it, then Enter on the palette's cache.
    select_edge(&h, 1).await?;
    h.wait_for("[data-testid=palette] [data-kind=cache]")
        .await?
        .send_keys(&Key::Enter.to_string())
        .await
        .context("Enter on the palette's cache")?;
    h.wait_for("[data-testid=canvas] [data-node='cache-1'][aria-pressed=true]")
        .await?;
    let ends = "return [...document.querySelectorAll('[data-testid=canvas] [data-edge]')].map(e => e.getAttribute('aria-label'))";
    let edges = h.eval(ends).await?;
    let labels: Vec<&str> = edges.as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
    assert_eq!(labels.len(), 3, "{labels:?}");
    assert!(
        labels.contains(&"Edge Service 1 to Cache 1. Enter selects it."),
        "{labels:?}"
    );
    assert!(
        labels.contains(&"Edge Cache 1 to Database 1. Enter selects it."),
        "{labels:?}"
    );
    assert!(
        !labels.iter().any(|l| l.contains("Service 1 to Database")),
        "{labels:?}"
    );

    // Mouse path: drop a load balancer on the middle of the client → service edge.
    h.eval(
        "const line = document.querySelector('[data-testid=canvas] [data-edge=\"0\"] .edge-line'); \
         const r = line.getBoundingClientRect(); const dt = new DataTransfer(); \
         dt.setData('text/plain', 'load_balancer'); \
         const at = { clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, dataTransfer: dt, bubbles: true, cancelable: true }; \
         line.dispatchEvent(new DragEvent('dragover', at)); line.dispatchEvent(new DragEvent('drop', at)); return null;",
    )
    .await?;
    h.wait_for("[data-testid=canvas] [data-node='load-balancer-1'][aria-pressed=true]")
        .await?;
    let labels = h.eval(ends).await?;
    let labels: Vec<&str> = labels.as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
    assert!(
        labels.contains(&"Edge Client 1 to Load balancer 1. Enter selects it."),
        "{labels:?}"
    );
    assert!(
        labels.contains(&"Edge Load balancer 1 to Service 1. Enter selects it."),
        "{labels:?}"
    );
    // Both inserts are undoable: undo the balancer, redo it.
    h.click("[data-testid=undo]").await?;
    h.poll_number(
        "return document.querySelectorAll('[data-testid=canvas] [data-node]').length",
        |n| n == 4.0,
    )
    .await?;
    h.click("[data-testid=redo]").await?;
    h.wait_for("[data-testid=canvas] [data-node='load-balancer-1']").await?;

    // A second database below the first (nodes: client 0, service 1, database 2, cache 3, balancer 4,
    // database 5), made to replicate from the first database's inspector; reads served by the replica reached.
    connect(&h, "database-1", &[]).await?;
    palette(&h, "database").await?;
    connect(&h, "database-1", &[]).await?;
    replicate_reading_from(&h, "database-2").await?;
    h.wait_for("[data-testid=replication] [data-param=mode]")
        .await?
        .select_by_value("semi_sync")
        .await
        .context("semi-sync replication")?;
    // The cache's misses take turns between the two databases.
    connect(&h, "cache-1", &[5]).await?;
    connect(&h, "database-1", &[]).await?;
    let section = h.wait_for("[data-testid=replication]").await?;
    let text = section.text().await.unwrap();
    assert!(text.contains("This database is the primary."), "{text}");
    assert_eq!(
        h.wait_for("[data-testid=replication] [data-param=mode]")
            .await?
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("semi_sync")
    );
    assert!(
        h.find_all("[data-testid=replication] [data-param=n]").await?.is_empty(),
        "quorum settings are hidden outside the quorum mode"
    );
    assert!(
        h.find_all("[data-testid=problems]").await?.is_empty(),
        "the topology validates"
    );
    h.eval("document.querySelector('[data-testid=replication]').scrollIntoView(); return null;")
        .await?;
    h.screenshot("replication-section").await?;

    // Run it to the end: the replica served requests, and the cluster recorded operations.
    h.click("[data-testid=play][aria-pressed=false]").await?;
    h.wait_for("[data-testid=completed]:not([data-value='0'])").await?;
    h.click("[data-testid=play][aria-pressed=true]").await?;
    connect(&h, "database-2", &[]).await?;
    let arrivals = h
        .poll_number(
            "return Number((document.querySelector('[data-testid=node-arrivals]')?.textContent ?? '0').replace(/,/g, ''))",
            |n| n > 0.0,
        )
        .await?;
    assert!(arrivals > 0.0, "the replica took requests");
    let text = h.wait_for("[data-testid=replication]").await?.text().await.unwrap();
    assert!(text.contains("Database 1 (primary)"), "{text}");
    h.click("[data-testid=open-cap]").await?;
    let ops = h
        .poll_number(
            "return Number(document.querySelector('[data-testid=cap-panel] [data-cluster] tr.all td')?.textContent ?? '0')",
            |n| n > 0.0,
        )
        .await?;
    assert!(ops > 0.0, "the cluster recorded operations");
    h.screenshot("replication-cap").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

/// Node boxes `(id, left, top, width, height)` and edge lines `(x1, y1, x2, y2)` as the canvas draws them, in
/// scenario units.
async fn drawing(h: &Harness) -> Result<(Vec<(String, [f64; 4])>, Vec<[f64; 4]>)> {
    let v = h
        .eval(
            "const n = a => +a; \
             const boxes = [...document.querySelectorAll('[data-testid=canvas] [data-node]')].map(g => { \
               const r = g.querySelector('rect'); \
               return [g.getAttribute('data-node'), ['x', 'y', 'width', 'height'].map(k => n(r.getAttribute(k)))]; }); \
             const lines = [...document.querySelectorAll('[data-testid=canvas] .edge-line')] \
               .map(l => ['x1', 'y1', 'x2', 'y2'].map(k => n(l.getAttribute(k)))); \
             return [boxes, lines];",
        )
        .await?;
    let four = |a: &serde_json::Value| -> [f64; 4] { std::array::from_fn(|i| a[i].as_f64().unwrap_or(f64::NAN)) };
    let boxes = v[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b[0].as_str().unwrap_or_default().to_owned(), four(&b[1])))
        .collect();
    let lines = v[1].as_array().unwrap().iter().map(four).collect();
    Ok((boxes, lines))
}

/// The box `[left, top, width, height]`'s inside, shrunk by `inset`, meets the segment (Liang–Barsky).
fn box_meets_line(b: [f64; 4], inset: f64, l: [f64; 4]) -> bool {
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, d, lo, hi) in [
        (l[0], l[2] - l[0], b[0] + inset, b[0] + b[2] - inset),
        (l[1], l[3] - l[1], b[1] + inset, b[1] + b[3] - inset),
    ] {
        if d == 0.0 {
            if p < lo || p > hi {
                return false;
            }
            continue;
        }
        let (a, c) = ((lo - p) / d, (hi - p) / d);
        t0 = t0.max(a.min(c));
        t1 = t1.min(a.max(c));
        if t0 > t1 {
            return false;
        }
    }
    true
}

fn overlap(a: [f64; 4], b: [f64; 4]) -> bool {
    a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]
}

/// Nodes added from the palette next to the selected node, or in the middle of the view, land off every
/// edge and every other node.
#[tokio::test]
async fn added_nodes_do_not_land_on_edges_or_nodes() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.choose_preset("07-cdn").await?;
    let (before, _) = drawing(&h).await?;
    // Beside the client (whose edges fan out to the right), beside the balancer, and with nothing selected.
    for (beside, kind) in [
        (Some("client"), "service"),
        (Some("lb"), "cache"),
        (Some("cdn"), "cdn"),
        (None, "queue"),
    ] {
        match beside {
            Some(id) => connect(&h, id, &[]).await?,
            None => h
                .wait_for("body")
                .await?
                .send_keys(&Key::Escape.to_string())
                .await
                .unwrap(),
        }
        let count = h.find_all("[data-testid=canvas] [data-node]").await?.len();
        h.click(&format!("[data-testid=palette] [data-kind={kind}]")).await?;
        h.poll_number(
            "return document.querySelectorAll('[data-testid=canvas] [data-node]').length;",
            |n| n == (count + 1) as f64,
        )
        .await?;
    }
    let (boxes, lines) = drawing(&h).await?;
    let added: Vec<&(String, [f64; 4])> = boxes
        .iter()
        .filter(|(id, _)| before.iter().all(|(o, _)| o != id))
        .collect();
    assert_eq!(added.len(), 4, "{boxes:?}");
    for (id, b) in &added {
        for l in &lines {
            assert!(!box_meets_line(*b, 1.0, *l), "{id} at {b:?} lies on the edge {l:?}");
        }
        for (other, o) in boxes.iter().filter(|(o, _)| o != id) {
            assert!(!overlap(*b, *o), "{id} at {b:?} overlaps {other} at {o:?}");
        }
    }
    h.screenshot("added-nodes").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

/// "Tidy" lays a tangled topology out left to right with no two nodes overlapping; every edge then runs
/// left to right; the run keeps going; one undo puts every node back; T does the same from the keyboard.
#[tokio::test]
async fn tidy_layout_untangles_and_undoes_in_one_step() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.choose_preset("07-cdn").await?;
    // Tangle it with the arrow keys (Shift: 50 units a press): the database onto the balancer, the origin
    // onto the first app server.
    for (id, key, presses) in [("db", Key::Left, 10), ("origin", Key::Down, 4)] {
        connect(&h, id, &[]).await?;
        let node = h.wait_for(&format!("[data-testid=canvas] [data-node='{id}']")).await?;
        let keys: String = std::iter::once(Key::Shift.to_string())
            .chain((0..presses).map(|_| key.to_string()))
            .collect();
        node.send_keys(&keys).await.unwrap();
    }
    let (tangled, _) = drawing(&h).await?;
    let overlaps = |b: &[(String, [f64; 4])]| {
        let mut n = 0;
        for (i, (_, x)) in b.iter().enumerate() {
            n += b[i + 1..].iter().filter(|(_, y)| overlap(*x, *y)).count();
        }
        n
    };
    assert!(overlaps(&tangled) > 0, "the setup piles nodes up: {tangled:?}");
    h.screenshot("tidy-before").await?;
    h.click("[data-testid=play][aria-pressed=false]").await?;
    h.wait_for("[data-testid=completed]:not([data-value='0'])").await?;
    h.click("[data-testid=tidy]").await?;
    let tidy = h
        .poll(
            "return [...document.querySelectorAll('[data-testid=canvas] [data-node] rect')].map(r => r.getAttribute('x') + ',' + r.getAttribute('y')).join(' ');",
            |_| true,
        )
        .await?;
    let (boxes, lines) = drawing(&h).await?;
    assert_eq!(overlaps(&boxes), 0, "after tidy: {boxes:?}");
    for l in &lines {
        assert!(l[0] < l[2], "edge {l:?} runs left to right");
    }
    assert!(
        h.find_all("[data-testid=play][aria-pressed=true]").await?.len() == 1,
        "tidying only moves nodes: the run goes on"
    );
    h.screenshot("tidy-after").await?;
    let body = h.wait_for("body").await?;
    body.send_keys(&format!("{}z", Key::Control)).await.unwrap();
    h.poll(
        "return [...document.querySelectorAll('[data-testid=canvas] [data-node] rect')].map(r => r.getAttribute('x') + ',' + r.getAttribute('y')).join(' ');",
        |v| *v != tidy,
    )
    .await?;
    let (undone, _) = drawing(&h).await?;
    assert_eq!(undone, tangled, "one undo puts every node back");
    h.wait_for("body").await?.send_keys("t").await.unwrap();
    h.poll(
        "return [...document.querySelectorAll('[data-testid=canvas] [data-node] rect')].map(r => r.getAttribute('x') + ',' + r.getAttribute('y')).join(' ');",
        |v| *v == tidy,
    )
    .await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

/// A node's "Arrived" figure in the inspector (selecting the node first).
async fn arrived(h: &Harness, id: &str) -> Result<f64> {
    connect(h, id, &[]).await?;
    let text = h.wait_for("[data-testid=node-arrivals]").await?.text().await.unwrap();
    Ok(text.replace(',', "").parse().unwrap_or(-1.0))
}

/// Clicks the empty plane (its top-left corner), which selects nothing: the inspector shows the scenario.
async fn deselect(h: &Harness) -> Result<()> {
    h.eval(
        "const svg = document.querySelector('[data-testid=canvas]'); const r = svg.getBoundingClientRect(); \
         const at = { clientX: r.left + 3, clientY: r.top + 3, button: 0, pointerId: 7, isPrimary: true, bubbles: true }; \
         svg.dispatchEvent(new PointerEvent('pointerdown', at)); svg.dispatchEvent(new PointerEvent('pointerup', at)); \
         return null;",
    )
    .await?;
    h.wait_for("[data-testid=inspector] input[data-param='workload.mix.api_read']")
        .await?;
    Ok(())
}

/// Runs the scenario to its end (a change of the model restarts it at 0 first).
async fn run_to_end(h: &Harness) -> Result<()> {
    h.click("[data-testid=run-to-end]").await?;
    h.wait_for("[data-testid=clock] .done").await?;
    Ok(())
}

/// Index of the edge from `from` to `to` by the canvas's aria-labels.
async fn edge_index(h: &Harness, from: &str, to: &str) -> Result<usize> {
    let labels = h
        .eval("return [...document.querySelectorAll('[data-testid=canvas] [data-edge]')].map(e => [e.dataset.edge, e.getAttribute('aria-label')])")
        .await?;
    let want = format!("Edge {from} to {to}.");
    labels
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p[1].as_str().is_some_and(|l| l.starts_with(&want)))
        .and_then(|p| p[0].as_str()?.parse().ok())
        .ok_or(format!("in {labels}"))
        .context(&format!("no edge {want}"))
}

/// Sets the selected edge's classes to exactly `keep` by clicking the checkboxes that differ.
async fn edge_classes(h: &Harness, keep: &[&str]) -> Result<()> {
    for option in ["static_asset", "api_read", "api_write", "background_job"] {
        let css = format!("[data-param=classes] input[data-option={option}]");
        let on = h.wait_for(&css).await?.prop("checked").await.unwrap().as_deref() == Some("true");
        if on != keep.contains(&option) {
            h.click(&css).await?;
            h.wait_for(&format!("{css}{}", if on { ":not(:checked)" } else { ":checked" }))
                .await?;
        }
    }
    Ok(())
}

/// Types `value` into the number field for `param` and leaves it.
async fn type_number(h: &Harness, param: &str, value: &str) -> Result<()> {
    let field = h.wait_for(&format!("input[data-param='{param}']")).await?;
    field.clear().await.context("clearing")?;
    field.send_keys(value).await.context("typing")?;
    field
        .send_keys(&Key::Tab.to_string())
        .await
        .context("leaving the field")?;
    h.poll(
        &format!("return document.querySelector(\"input[data-param='{param}']\")?.value ?? null"),
        |v| v.as_str() == Some(value),
    )
    .await?;
    Ok(())
}

/// `part / whole` is within `tol` of `want`.
fn share(part: f64, whole: f64, want: f64, tol: f64, what: &str) {
    assert!(whole > 0.0, "{what}: nothing arrived");
    let s = part / whole;
    assert!(
        (s - want).abs() <= tol,
        "{what}: {part} of {whole} is {s:.3}, want {want} ± {tol}"
    );
}

/// The seed progression, built through the UI alone, each step run to its end and its routing checked in the
/// inspector's per-node figures: a single server; web and database split; a load balancer over three servers;
/// a cache; a read replica; a CDN for static assets; a queue with workers for background jobs.
#[tokio::test]
async fn the_seed_progression_is_built_in_the_editor_and_routes_as_intended() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.click("[data-testid=new-blank]").await?;
    // A 20-second run (2,000 requests at the default 100 per second) with skewed keys, so a cache can hit.
    type_number(&h, "duration_ms", "20000").await?;
    h.wait_for("select[data-param='workload.keys']")
        .await?
        .select_by_value("zipf")
        .await
        .context("zipf keys")?;

    // 1. A single server: client (0) → service (1).
    palette(&h, "client").await?;
    palette(&h, "service").await?;
    connect(&h, "client-1", &[1]).await?;
    run_to_end(&h).await?;
    let issued = arrived(&h, "service-1").await?;
    assert!(issued > 1_500.0, "the server took {issued} requests");
    assert_eq!(h.wait_for("[data-testid=failed]").await?.text().await.unwrap(), "0");

    // 2. Split web and database: service (1) → database (2); every request reads from it.
    palette(&h, "database").await?;
    connect(&h, "service-1", &[2]).await?;
    run_to_end(&h).await?;
    share(
        arrived(&h, "database-1").await?,
        arrived(&h, "service-1").await?,
        1.0,
        0.01,
        "database per request",
    );

    // 3. A load balancer (3) into the client → service edge, and two more servers (4, 5) behind it.
    select_edge(&h, edge_index(&h, "Client 1", "Service 1").await?).await?;
    h.wait_for("[data-testid=palette] [data-kind=load-balancer]")
        .await?
        .send_keys(&Key::Enter.to_string())
        .await
        .context("inserting the balancer")?;
    h.wait_for("[data-testid=canvas] [data-node='load-balancer-1']").await?;
    palette(&h, "service").await?;
    palette(&h, "service").await?;
    connect(&h, "load-balancer-1", &[4, 5]).await?;
    connect(&h, "service-2", &[2]).await?;
    connect(&h, "service-3", &[2]).await?;
    assert!(
        h.find_all("[data-testid=problems]").await?.is_empty(),
        "step 3 validates"
    );
    run_to_end(&h).await?;
    let lb = arrived(&h, "load-balancer-1").await?;
    for s in ["service-1", "service-2", "service-3"] {
        share(arrived(&h, s).await?, lb, 1.0 / 3.0, 0.02, s);
    }

    // 4. A cache (6) into each server's database edge: the first by insertion, the others rewired to it.
    select_edge(&h, edge_index(&h, "Service 1", "Database 1").await?).await?;
    h.wait_for("[data-testid=palette] [data-kind=cache]")
        .await?
        .send_keys(&Key::Enter.to_string())
        .await
        .context("inserting the cache")?;
    h.wait_for("[data-testid=canvas] [data-node='cache-1']").await?;
    for s in ["Service 2", "Service 3"] {
        select_edge(&h, edge_index(&h, s, "Database 1").await?).await?;
        h.click("[data-testid=delete]").await?;
    }
    connect(&h, "service-2", &[6]).await?;
    connect(&h, "service-3", &[6]).await?;
    assert!(
        h.find_all("[data-testid=problems]").await?.is_empty(),
        "step 4 validates"
    );
    run_to_end(&h).await?;
    let (cache, db) = (arrived(&h, "cache-1").await?, arrived(&h, "database-1").await?);
    share(cache, lb, 1.0, 0.02, "every request reaches the cache");
    assert!(db < cache * 0.9, "the cache absorbs reads: database {db} of {cache}");
    let hit = h.wait_for("[data-testid=hit-ratio]").await?.text().await.unwrap();
    assert!(hit != "0.0%", "hit ratio {hit}");

    // 5. A read replica (7) of the database, which the cache's misses reach in turn.
    palette(&h, "database").await?;
    connect(&h, "database-1", &[]).await?;
    replicate_reading_from(&h, "database-2").await?;
    connect(&h, "cache-1", &[7]).await?;
    assert!(
        h.find_all("[data-testid=problems]").await?.is_empty(),
        "step 5 validates"
    );
    run_to_end(&h).await?;
    let (primary, replica) = (arrived(&h, "database-1").await?, arrived(&h, "database-2").await?);
    share(
        replica,
        primary + replica,
        0.5,
        0.05,
        "the replica serves its turn of the misses",
    );

    // 6. Static assets (half the traffic) go to a CDN (8) with its own origin (9); the rest to the balancer.
    deselect(&h).await?;
    type_number(&h, "workload.mix.static_asset", "1").await?;
    palette(&h, "cdn").await?;
    palette(&h, "service").await?;
    connect(&h, "client-1", &[8]).await?;
    connect(&h, "cdn-1", &[9]).await?;
    select_edge(&h, edge_index(&h, "Client 1", "Cdn 1").await?).await?;
    edge_classes(&h, &["static_asset"]).await?;
    select_edge(&h, edge_index(&h, "Client 1", "Load balancer 1").await?).await?;
    edge_classes(&h, &["api_read", "api_write", "background_job"]).await?;
    assert!(
        h.find_all("[data-testid=problems]").await?.is_empty(),
        "step 6 validates"
    );
    run_to_end(&h).await?;
    let (cdn, lb) = (arrived(&h, "cdn-1").await?, arrived(&h, "load-balancer-1").await?);
    share(cdn, cdn + lb, 0.5, 0.05, "static assets at the CDN");
    assert!(
        arrived(&h, "service-4").await? < cdn,
        "the CDN's origin sees only its misses"
    );

    // 7. Background jobs (a third of the traffic) go from the servers to a queue (10) that workers (11) drain.
    deselect(&h).await?;
    type_number(&h, "workload.mix.background_job", "1").await?;
    palette(&h, "queue").await?;
    palette(&h, "worker-pool").await?;
    connect(&h, "queue-1", &[11]).await?;
    for s in ["Service 1", "Service 2", "Service 3"] {
        connect(&h, &s.to_lowercase().replace(' ', "-"), &[10]).await?;
        select_edge(&h, edge_index(&h, s, "Queue 1").await?).await?;
        edge_classes(&h, &["background_job"]).await?;
        select_edge(&h, edge_index(&h, s, "Cache 1").await?).await?;
        edge_classes(&h, &["api_read", "api_write"]).await?;
    }
    assert!(
        h.find_all("[data-testid=problems]").await?.is_empty(),
        "step 7 validates"
    );
    run_to_end(&h).await?;
    let (lb, queue, cache) = (
        arrived(&h, "load-balancer-1").await?,
        arrived(&h, "queue-1").await?,
        arrived(&h, "cache-1").await?,
    );
    share(queue, lb, 0.5, 0.05, "background jobs at the queue");
    share(cache, lb, 0.5, 0.05, "API reads at the cache");
    assert!(arrived(&h, "worker-pool-1").await? > 0.0, "workers took jobs");
    h.screenshot("seed-progression").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}
