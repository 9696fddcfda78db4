//! The share dialog's files and clipboard in a real browser, and the embed's play-while-visible rule:
//! Download JSON gives back the open scenario, Import JSON opens a file (and a malformed one leaves the
//! topology alone and says why), Export SVG and PNG look like the canvas, Copy puts the link on the
//! clipboard, and an embed below the fold waits until it is scrolled into view and pauses when scrolled away.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;
use switchyard_core::presets;
use switchyard_core::scenario::{self, Scenario};
use switchyard_core::share;
use switchyard_e2e::{Context, Downloads, Harness, Result, DEADLINE};

/// A preset's id and scenario by id prefix (`"03"`).
fn preset(prefix: &str) -> (&'static str, &'static str, Scenario) {
    let (id, json) = presets::ALL
        .iter()
        .find(|(id, _)| id.starts_with(prefix))
        .expect("the preset exists");
    (id, json, scenario::parse(json).expect("presets parse"))
}

/// The number of nodes drawn on the canvas.
async fn node_count(h: &Harness) -> Result<usize> {
    Ok(h.find_all("[data-testid=canvas] [data-node]").await?.len())
}

/// Opens the editor on preset `prefix` and its share dialog.
async fn open_dialog_on(h: &Harness, prefix: &str) -> Result<Scenario> {
    let (id, _, doc) = preset(prefix);
    h.open("/").await?;
    h.choose_preset(id).await?;
    h.wait_for(&format!("[data-testid=canvas] [data-node='{}']", doc.nodes[0].id))
        .await?;
    assert_eq!(node_count(h).await?, doc.nodes.len());
    h.click("[data-testid=share]").await?;
    h.wait_for("[data-testid=share-dialog]").await?;
    Ok(doc)
}

#[tokio::test]
async fn download_json_gives_back_the_open_scenario() -> Result<()> {
    let h = Harness::start().await?;
    let downloads = Downloads::start(&h, "json").await?;
    let expected = open_dialog_on(&h, "04").await?;
    h.click("[data-testid=download-json]").await?;
    let (path, bytes) = downloads.wait(".json").await?;
    assert_eq!(
        path.file_name().and_then(|n| n.to_str()),
        Some("4-a-cache-in-front-of-the-database.json"),
        "named after the scenario"
    );
    let mut got = scenario::parse(std::str::from_utf8(&bytes).context("the file is UTF-8")?)
        .context("parsing the downloaded JSON")?;
    // The dialog's document carries the camera and playback position, as its link does.
    assert!(got.view.is_some(), "the file keeps the view");
    got.view = None;
    assert_eq!(got, expected, "the file is the open preset");
    h.assert_no_console_errors().await?;
    h.close().await
}

/// Writes `text` to a file named `name` in a scratch dir and returns its absolute path.
fn scratch_file(name: &str, text: &str) -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("switchyard-e2e-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).context("creating a scratch dir")?;
    let path = dir.join(name);
    std::fs::write(&path, text).context("writing a scratch file")?;
    Ok(path)
}

async fn import(h: &Harness, path: &Path) -> Result<()> {
    h.wait_for("[data-testid=import-json]")
        .await?
        .send_keys(&path.display().to_string())
        .await
        .context("choosing a file to import")
}

#[tokio::test]
async fn import_json_opens_the_file_and_a_malformed_file_keeps_the_topology() -> Result<()> {
    let h = Harness::start().await?;
    let before = open_dialog_on(&h, "03").await?;
    let (_, json, other) = preset("06");
    assert_ne!(before.nodes.len(), other.nodes.len(), "the presets differ in size");
    import(&h, &scratch_file("shards.json", json)?).await?;
    h.wait_for(&format!("[data-testid=canvas] [data-node='{}']", other.nodes[0].id))
        .await?;
    assert_eq!(
        node_count(&h).await?,
        other.nodes.len(),
        "the imported topology is shown"
    );
    assert!(
        h.find_all("[data-testid=share-dialog]").await?.is_empty(),
        "the dialog closed"
    );
    assert!(h.find_all("[data-testid=link-error]").await?.is_empty(), "no banner");

    h.click("[data-testid=share]").await?;
    import(&h, &scratch_file("broken.json", "{\"version\": 1, \"nodes\": [")?).await?;
    let banner = h.wait_for("[data-testid=link-error]").await?;
    assert_eq!(banner.attr("role").await.unwrap().as_deref(), Some("alert"));
    let text = banner.text().await.unwrap();
    assert!(
        text.contains("broken.json could not be imported"),
        "the banner names the file: {text}"
    );
    assert_eq!(node_count(&h).await?, other.nodes.len(), "the topology is kept");
    for node in &other.nodes {
        h.wait_for(&format!("[data-testid=canvas] [data-node='{}']", node.id))
            .await?;
    }
    h.assert_no_console_errors().await?;
    h.close().await
}

/// The on-screen labels of the canvas's nodes, in order.
const LIVE_LABELS: &str =
    "return [...document.querySelectorAll('[data-testid=canvas] .node-label')].map(e => e.textContent)";

#[tokio::test]
async fn exported_svg_is_self_contained_and_shows_every_label() -> Result<()> {
    let h = Harness::start().await?;
    let downloads = Downloads::start(&h, "svg").await?;
    // Crash a node first, so a state class (`.down`) has to come through too.
    let doc = open_dialog_on(&h, "03").await?;
    h.click("[data-testid=share-close]").await?;
    let down = &doc.nodes[1].id;
    h.click(&format!("[data-testid=canvas] [data-node='{down}'] rect"))
        .await?;
    h.eval("document.activeElement.blur(); document.dispatchEvent(new KeyboardEvent('keydown', {key: 'k'})); return 0")
        .await?;
    h.wait_for(&format!("[data-testid=canvas] [data-node='{down}'].down"))
        .await?;
    h.click("[data-testid=share]").await?;
    h.click("[data-testid=export-svg]").await?;
    let (path, bytes) = downloads.wait(".svg").await?;
    assert_eq!(
        path.file_name().and_then(|n| n.to_str()),
        Some("3-a-load-balancer-and-three-app-servers.svg")
    );
    let svg = String::from_utf8(bytes).context("the SVG is UTF-8")?;
    keep("files-export.svg", svg.as_bytes())?;
    assert!(!svg.contains("var(--"), "no CSS variables left to resolve");
    assert!(!svg.contains("class=\"port\""), "the edge ports are left out");

    // Parse it with the browser's XML parser, away from the app's stylesheet, and compare with the canvas.
    let live_labels = h.eval(LIVE_LABELS).await?;
    let live = h
        .eval(&format!(
            "const q = s => getComputedStyle(document.querySelector(s)); \
             return [q('[data-testid=canvas] [data-node=\"{down}\"] .node-label').fill, \
                     q('[data-testid=canvas] [data-node=\"{}\"] rect').stroke, \
                     q('[data-testid=canvas] .edge-line').stroke]",
            doc.nodes[0].id
        ))
        .await?;
    let parsed = h
        .eval(&format!(
            "const doc = new DOMParser().parseFromString({}, 'image/svg+xml'); \
             const err = doc.querySelector('parsererror'); \
             if (err) return {{ error: err.textContent }}; \
             const frame = document.createElement('iframe'); \
             document.body.append(frame); \
             const svg = frame.contentDocument.importNode(doc.documentElement, true); \
             frame.contentDocument.body.append(svg); \
             const q = s => frame.contentWindow.getComputedStyle(svg.querySelector(s)); \
             const out = {{ \
               root: doc.documentElement.localName, \
               labels: [...svg.querySelectorAll('.node-label')].map(e => e.textContent), \
               styled: svg.querySelectorAll('[style]').length, \
               colours: [q('[data-node=\"{down}\"] .node-label').fill, q('[data-node=\"{}\"] rect').stroke, \
                         q('.edge-line').stroke], \
             }}; \
             frame.remove(); \
             return out;",
            serde_json::to_string(&svg).unwrap(),
            doc.nodes[0].id
        ))
        .await?;
    assert!(parsed.get("error").is_none(), "the SVG is well-formed XML: {parsed}");
    assert_eq!(parsed["root"], "svg");
    assert_eq!(parsed["labels"], live_labels, "every node label is in the file");
    assert_eq!(
        parsed["labels"].as_array().map(Vec::len),
        Some(doc.nodes.len()),
        "{parsed}"
    );
    assert!(parsed["styled"].as_u64().unwrap_or(0) >= 10, "inline styles: {parsed}");
    // A frame without the stylesheet draws the down node's label, a node's border and an edge in the
    // canvas's colours.
    assert_eq!(parsed["colours"], live, "the file's colours are the canvas's");
    h.assert_no_console_errors().await?;
    h.close().await
}

/// Saves `bytes` as `target/e2e/<name>` to look at.
fn keep(name: &str, bytes: &[u8]) -> Result<()> {
    let dir = xtask::workspace_root().join("target/e2e");
    std::fs::create_dir_all(&dir).context("creating target/e2e")?;
    std::fs::write(dir.join(name), bytes).context("keeping a copy")
}

/// The width and height in a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    const MAGIC: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
    if png.len() < 24 || png[..8] != MAGIC || &png[12..16] != b"IHDR" {
        return None;
    }
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    Some((be(&png[16..20]), be(&png[20..24])))
}

#[tokio::test]
async fn exported_png_is_twice_the_canvas_size_in_its_colours() -> Result<()> {
    assert_eq!(png_size(b"not a png at all, not at all"), None);
    let h = Harness::start().await?;
    // The dark theme, so the file has to carry the theme's colours rather than SVG defaults or light ones.
    h.emulate_media(&[("prefers-color-scheme", "dark")]).await?;
    let downloads = Downloads::start(&h, "png").await?;
    let doc = open_dialog_on(&h, "04").await?;
    let id = &doc.nodes[0].id;
    // The canvas's size and a point inside a node's box (below its text), in CSS pixels from its corner, and
    // the colours there.
    let live = h
        .eval(&format!(
            "const svg = document.querySelector('[data-testid=canvas]').getBoundingClientRect(); \
             const rect = document.querySelector('[data-testid=canvas] [data-node=\"{id}\"] rect'); \
             const r = rect.getBoundingClientRect(); \
             return {{ w: svg.width, h: svg.height, x: r.left + r.width / 2 - svg.left, y: r.bottom - 4 - svg.top, \
                      node: getComputedStyle(rect).fill, \
                      bg: getComputedStyle(document.body).backgroundColor }}"
        ))
        .await?;
    h.click("[data-testid=export-png]").await?;
    let (path, png) = downloads.wait(".png").await?;
    assert_eq!(
        path.file_name().and_then(|n| n.to_str()),
        Some("4-a-cache-in-front-of-the-database.png")
    );
    keep("files-export.png", &png)?;
    let (w, hgt) = png_size(&png).ok_or("not a PNG").context("reading the PNG header")?;
    let (cw, ch) = (live["w"].as_f64().unwrap_or(0.0), live["h"].as_f64().unwrap_or(0.0));
    eprintln!("canvas {cw}x{ch} CSS px, PNG {w}x{hgt}");
    assert!(
        (f64::from(w) - 2.0 * cw).abs() <= 1.0 && (f64::from(hgt) - 2.0 * ch).abs() <= 1.0,
        "PNG {w}x{hgt} for a {cw}x{ch} canvas"
    );
    // Decode it in the browser and read two pixels: a corner (the background) and the inside of the node.
    let pixels = h
        .eval(&format!(
            "return (async () => {{ \
               const img = new Image(); \
               img.src = URL.createObjectURL(new Blob([new Uint8Array({})], {{ type: 'image/png' }})); \
               await img.decode(); \
               const c = document.createElement('canvas'); c.width = img.width; c.height = img.height; \
               const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0); \
               const at = (x, y) => [...ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data.slice(0, 3)]; \
               return [at(4, 4), at(2 * {}, 2 * {})]; \
             }})()",
            serde_json::to_string(&png).unwrap(),
            live["x"],
            live["y"]
        ))
        .await?;
    let rgb = |css: &serde_json::Value| -> Vec<u64> {
        css.as_str()
            .unwrap_or_default()
            .trim_start_matches("rgb(")
            .trim_end_matches(')')
            .split(", ")
            .filter_map(|c| c.parse().ok())
            .collect()
    };
    let (bg, node) = (rgb(&live["bg"]), rgb(&live["node"]));
    eprintln!("pixels {pixels}; background {bg:?}, node {node:?}");
    assert_eq!(bg, vec![0x11, 0x14, 0x18], "the dark theme is on");
    let px = |i: usize| -> Vec<u64> {
        pixels[i]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_u64()).collect())
            .unwrap_or_default()
    };
    let close =
        |a: &[u64], b: &[u64]| a.len() == 3 && b.len() == 3 && a.iter().zip(b).all(|(x, y)| x.abs_diff(*y) <= 2);
    assert!(close(&px(0), &bg), "the corner is the canvas background: {pixels}");
    assert!(close(&px(1), &node), "the node's box is the node colour: {pixels}");
    assert!(
        !close(&bg, &node),
        "the two colours differ, so the check can tell them apart"
    );
    h.assert_no_console_errors().await?;
    h.close().await
}

#[tokio::test]
async fn copy_puts_the_link_on_the_clipboard() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.cdp(
        "Browser.grantPermissions",
        json!({ "origin": h.url(""), "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"] }),
    )
    .await?;
    open_dialog_on(&h, "03").await?;
    // Something else on the clipboard first, so reading the link back proves Copy wrote it.
    h.eval("return navigator.clipboard.writeText('before').then(() => 0)")
        .await?;
    assert!(
        h.find_all("[data-testid=copy-link] + .hint").await?.is_empty(),
        "no note before copying"
    );
    h.click("[data-testid=copy-link]").await?;
    let note = h
        .wait_for("[data-testid=copy-link] + .hint")
        .await?
        .text()
        .await
        .unwrap();
    assert_eq!(note.trim(), "Copied.");
    let link = h
        .eval("return document.querySelector('[data-testid=share-link]').value")
        .await?;
    let clip = h
        .poll("return navigator.clipboard.readText()", |c| c == &link)
        .await
        .context("the clipboard holds the link")?;
    assert_eq!(clip, link, "the clipboard holds the link");
    let link = link.as_str().unwrap_or_default();
    let decoded = share::decode(&link[link.find('#').unwrap_or(0)..]).context("decoding the copied link")?;
    assert_eq!(decoded.nodes.len(), preset("03").2.nodes.len());
    h.assert_no_console_errors().await?;
    h.close().await
}

/// The embed frame `i` of the page, entered, evaluates `script` and is left again.
async fn in_frame(h: &Harness, i: u16, script: &str) -> Result<serde_json::Value> {
    h.client().enter_frame(i).await.context("entering an embed")?;
    let v = h.eval(script).await;
    h.client().enter_parent_frame().await.context("leaving the embed")?;
    v
}

/// Polls `script` in frame `i` until `accept` takes its number; returns it.
async fn poll_frame(h: &Harness, i: u16, script: &str, accept: impl Fn(f64) -> bool) -> Result<f64> {
    let start = Instant::now();
    loop {
        let v = in_frame(h, i, script).await?.as_f64().unwrap_or(f64::NAN);
        if accept(v) {
            return Ok(v);
        }
        if start.elapsed() > DEADLINE {
            return Err(format!("frame {i} stayed at {v} for {DEADLINE:?}")).context(script);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

const COMPLETED: &str =
    "const c = document.querySelector('[data-testid=completed]'); return c ? Number(c.textContent) : -1";
const PLAYING: &str = "const p = document.querySelector('[data-testid=play]'); \
                       return p ? (p.getAttribute('aria-pressed') === 'true' ? 1 : 0) : -1";

/// Two embeds, one at the top of a page and one below the fold. The visible one running is the clock: the
/// other must not have moved while it ran, must run once scrolled to, and must stop once scrolled away.
#[tokio::test]
async fn an_embed_plays_only_while_it_is_on_screen() -> Result<()> {
    let h = Harness::start_with_headers(vec![("Access-Control-Allow-Origin".into(), "*".into())]).await?;
    let frame = |prefix: &str| {
        format!(
            "<iframe sandbox=\"allow-scripts allow-popups allow-popups-to-escape-sandbox\" width=\"900\" \
             height=\"300\" src=\"{}\"></iframe>",
            h.url(&format!("/?embed=view#s={}", share::encode(&preset(prefix).2)))
        )
    };
    // A page of the same server to host them (a 404, whose console error is read and dropped here).
    h.open("/embed-host").await?;
    let _ = h.console_errors().await?;
    let page = format!("{}<div style=\"height: 3000px\"></div>{}", frame("03"), frame("04"));
    h.eval(&format!(
        "document.body.insertAdjacentHTML('beforeend', {}); \
         document.querySelectorAll('iframe').forEach(f => f.addEventListener('load', () => f.dataset.loaded = 1)); \
         return 0",
        serde_json::to_string(&page).unwrap()
    ))
    .await?;
    for i in 0..2u16 {
        h.poll_number(
            &format!("return document.querySelectorAll('iframe')[{i}].dataset.loaded ? 1 : 0"),
            |v| v > 0.0,
        )
        .await?;
        poll_frame(&h, i, "return document.querySelectorAll('[data-node]').length", |v| {
            v > 0.0
        })
        .await?;
    }
    let (top, below) = (0, 1);

    // While the top one completes 200 requests, the one below the fold stays paused at zero.
    poll_frame(&h, top, COMPLETED, |v| v >= 200.0).await?;
    assert_eq!(in_frame(&h, below, COMPLETED).await?, 0, "off screen, nothing ran");
    assert_eq!(in_frame(&h, below, PLAYING).await?, 0, "off screen, paused");

    // Scrolled into view (which takes the top one off screen), it plays.
    h.eval("document.querySelectorAll('iframe')[1].scrollIntoView(); return 0")
        .await?;
    poll_frame(&h, below, COMPLETED, |v| v > 0.0).await?;
    poll_frame(&h, top, PLAYING, |v| v == 0.0).await?;

    // Scrolled away again, it pauses and its count stops, while the top one runs on by 200 more.
    h.eval("window.scrollTo(0, 0); return 0").await?;
    poll_frame(&h, below, PLAYING, |v| v == 0.0).await?;
    let stopped = in_frame(&h, below, COMPLETED).await?;
    let from = poll_frame(&h, top, COMPLETED, |v| v >= 0.0).await?;
    let to = poll_frame(&h, top, COMPLETED, |v| v >= from + 200.0).await?;
    let later = in_frame(&h, below, COMPLETED).await?;
    eprintln!("below the fold: stopped at {stopped}, {later} after the top embed went from {from} to {to}");
    assert!(stopped.as_f64().is_some_and(|c| c > 0.0), "it had run: {stopped}");
    assert_eq!(later, stopped, "paused off screen");
    let errors: Vec<String> = h
        .console_errors()
        .await?
        .into_iter()
        .filter(|e| !e.contains("/favicon.ico"))
        .collect();
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    h.close().await
}
