//! Share links, the share dialog and the embeddable widget in a real browser: hostile links leave a usable
//! editor, labels from a link stay text, three sandboxed embeds run side by side, the site boots under the
//! documented Content-Security-Policy, and a preset's link is short and reopens the same topology.

use std::io::Write;
use std::process::{Command, Stdio};

use switchyard_core::presets;
use switchyard_core::scenario::{self, Scenario};
use switchyard_core::share;
use switchyard_e2e::{Context, Downloads, Harness, Result, DEADLINE};
use xtask::static_server::StaticServer;

/// The share dialog's embed sandbox: scripts, and popups that leave the sandbox (its "Open in Switchyard"
/// link); no `allow-same-origin`.
const SANDBOX: &str = "allow-scripts allow-popups allow-popups-to-escape-sandbox";

/// A preset's scenario by id prefix (`"03"`).
fn preset(prefix: &str) -> Scenario {
    let (_, json) = presets::ALL
        .iter()
        .find(|(id, _)| id.starts_with(prefix))
        .expect("the preset exists");
    scenario::parse(json).expect("presets parse")
}

/// The number of nodes drawn on the canvas.
async fn node_count(h: &Harness) -> Result<usize> {
    Ok(h.find_all("[data-testid=canvas] [data-node]").await?.len())
}

#[tokio::test]
async fn a_hostile_link_shows_the_banner_and_the_editor_stays_usable() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/#s=v1.!!!notbase64").await?;
    let banner = h.wait_for("[data-testid=link-error]").await?;
    assert_eq!(banner.attr("role").await.unwrap().as_deref(), Some("alert"));
    let text = banner.text().await.unwrap();
    assert!(
        text.contains("the link is damaged: its payload is not base64url text"),
        "the banner names the problem: {text}"
    );
    h.wait_for("[data-testid=canvas] [data-node]").await?;
    let before = node_count(&h).await?;
    h.wait_for("[data-testid=palette] [data-kind=client]")
        .await?
        .click()
        .await
        .unwrap();
    assert_eq!(node_count(&h).await?, before + 1, "the palette still adds nodes");

    h.wait_for("[data-testid=link-error-empty]")
        .await?
        .click()
        .await
        .unwrap();
    assert!(
        h.find_all("[data-testid=link-error]").await?.is_empty(),
        "the banner closes"
    );
    assert_eq!(node_count(&h).await?, 0, "an empty canvas");
    h.wait_for("[data-testid=palette] [data-kind=client]")
        .await?
        .click()
        .await
        .unwrap();
    assert_eq!(node_count(&h).await?, 1);
    h.screenshot("share-hostile-link").await?;
    let errors = h.console_errors().await?;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    h.close().await
}

const HOSTILE_LABELS: [&str; 3] = [
    "<img src=x onerror=alert(1)>",
    "<svg onload=window.__pwned=1>",
    "javascript:alert(1)",
];

/// A broken link must not cost the user their work: the banner shows over the autosaved document, which is
/// still the autosave afterwards.
#[tokio::test]
async fn a_hostile_link_keeps_the_previous_local_work() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.wait_for("[data-testid=canvas] [data-node]").await?;
    h.wait_for("[data-testid=palette] [data-kind=cache]")
        .await?
        .click()
        .await
        .unwrap();
    const SAVED: &str =
        "const s = localStorage.getItem('switchyard:autosave'); return s && s.includes('\"cache-1\"') ? 1 : 0";
    h.poll_number(SAVED, |v| v > 0.0).await?;
    let work = node_count(&h).await?;
    assert_eq!(work, preset("01").nodes.len() + 1);

    h.open("/#s=v1.!!!notbase64").await?;
    h.reload().await?;
    h.wait_for("[data-testid=link-error]").await?;
    h.wait_for("[data-testid=canvas] [data-node='cache-1']").await?;
    assert_eq!(node_count(&h).await?, work, "the editor shows the previous work");
    assert_eq!(h.eval(SAVED).await?, 1, "the autosave still holds it");
    h.screenshot("share-hostile-keeps-work").await?;
    let errors = h.console_errors().await?;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    h.close().await
}

#[tokio::test]
async fn labels_from_a_link_render_as_text() -> Result<()> {
    let mut doc = preset("03");
    assert!(doc.nodes.len() >= HOSTILE_LABELS.len());
    for (node, label) in doc.nodes.iter_mut().zip(HOSTILE_LABELS) {
        node.label = Some(label.to_owned());
    }
    doc.name = "<script>window.__pwned=2</script>".to_owned();
    let h = Harness::start().await?;
    h.open(&format!("/#s={}", share::encode(&doc))).await?;
    h.wait_for("[data-testid=canvas] [data-node]").await?;
    // Each label is the text of its node's tooltip, whole, and the start of the text drawn in the box (which
    // cuts a label too long for it): text nodes, not markup.
    let shown = h
        .eval(
            "return [...document.querySelectorAll('[data-testid=canvas] [data-node]')]\
               .map(g => [g.querySelector('title').textContent, g.querySelector('.node-label').textContent])",
        )
        .await?;
    let shown: Vec<(String, String)> = serde_json::from_value(shown).context("reading the labels")?;
    for label in HOSTILE_LABELS {
        assert!(
            shown.iter().any(|(title, drawn)| title.starts_with(label)
                && !drawn.is_empty()
                && label.starts_with(drawn.trim_end_matches('…'))),
            "{label:?} is shown as text among {shown:?}"
        );
    }
    assert!(
        h.find_all("[data-testid=canvas] img, [data-testid=canvas] svg")
            .await?
            .is_empty(),
        "no element was made from a label"
    );
    let injected = h
        .eval("return document.querySelectorAll('img, script:not([type]), [onload], [onerror]').length")
        .await?;
    assert_eq!(injected, 0, "no element came from a label");
    assert_eq!(h.eval("return typeof window.__pwned").await?, "undefined");
    assert!(h.find_all("[data-testid=link-error]").await?.is_empty());
    h.screenshot("share-hostile-labels").await?;
    h.close().await
}

#[tokio::test]
async fn the_share_dialog_link_is_short_and_reopens_the_same_topology() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    let (id, _) = presets::ALL.iter().find(|(id, _)| id.starts_with("03")).unwrap();
    h.choose_preset(id).await?;
    h.wait_for("[data-testid=canvas] [data-node]").await?;
    let nodes = node_count(&h).await?;
    assert_eq!(nodes, preset("03").nodes.len());

    h.wait_for("[data-testid=share]").await?.click().await.unwrap();
    h.wait_for("[data-testid=share-dialog]").await?;
    let link = h
        .eval("return document.querySelector('[data-testid=share-link]').value")
        .await?;
    let link = link.as_str().unwrap_or_default().to_owned();
    let shown: usize = h
        .wait_for("[data-testid=share-length]")
        .await?
        .text()
        .await
        .unwrap()
        .parse()
        .context("reading the length")?;
    assert_eq!(shown, link.chars().count(), "the dialog shows the link's length");
    assert!(shown <= 2000, "preset 03's link is {shown} characters");
    eprintln!("preset 03 link: {shown} characters");
    let snippet = h
        .eval("return document.querySelector('[data-testid=embed-snippet]').value")
        .await?;
    let snippet = snippet.as_str().unwrap_or_default();
    assert!(
        snippet.starts_with("<iframe src=\"")
            && snippet.contains("?embed=view#s=v1.")
            && snippet.contains(&format!("sandbox=\"{SANDBOX}\"")),
        "embed snippet: {snippet}"
    );
    h.screenshot("share-dialog").await?;

    // A new load of the link, from a blank canvas, reproduces the topology.
    h.wait_for("[data-testid=share-close]").await?.click().await.unwrap();
    h.wait_for("[data-testid=new-blank]").await?.click().await.unwrap();
    assert_eq!(node_count(&h).await?, 0);
    let fragment = &link[link.find('#').ok_or("no `#`").context("the link's fragment")?..];
    h.open(&format!("/{fragment}")).await?;
    h.reload().await?;
    h.wait_for("[data-testid=canvas] [data-node]").await?;
    assert_eq!(node_count(&h).await?, nodes, "the link reopens the same nodes");
    let errors = h.console_errors().await?;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    h.close().await
}

/// Polls `location.hash` until it is a link that decodes to a scenario `accept`s, and returns that scenario.
async fn wait_for_link(h: &Harness, accept: impl Fn(&Scenario) -> bool) -> Result<Scenario> {
    let hash = h
        .poll("return location.hash", |v| {
            share::decode(v.as_str().unwrap_or_default()).is_ok_and(|doc| accept(&doc))
        })
        .await
        .context("waiting for the link to follow the edit")?;
    share::decode(hash.as_str().unwrap_or_default()).context("decoding the fragment")
}

/// Safari throws after 100 `replaceState` calls in 30 s, so a burst of edits writes the link at most once a
/// second, and the last write still carries the last edit.
#[tokio::test]
async fn a_burst_of_edits_writes_the_link_at_most_once_a_second() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    let first = h.wait_for("[data-testid=canvas] [data-node]").await?;
    let id = first.attr("data-node").await.unwrap().unwrap_or_default();
    let x0 = preset("01")
        .nodes
        .iter()
        .find(|n| n.id == id)
        .map(|n| n.x)
        .unwrap_or_default();
    h.eval(
        "window.__writes = []; const real = history.replaceState.bind(history); \
         history.replaceState = (...a) => { window.__writes.push(performance.now()); return real(...a); }; return 0",
    )
    .await?;
    first.click().await.context("selecting a node")?;
    h.eval("document.activeElement.blur(); return 0").await?;
    // Thirty moves of 10 units, one every 50 ms, pressed by the page itself so the burst is really 1.5 s long.
    h.eval(
        "let n = 0; const t = setInterval(() => { \
           document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight'})); \
           if (++n === 30) clearInterval(t); }, 50); return 0",
    )
    .await?;
    let last = wait_for_link(&h, |d| {
        d.nodes.iter().any(|n| n.id == id && (n.x - (x0 + 300.0)).abs() < 1e-9)
    })
    .await?;
    assert_eq!(last.nodes.len(), preset("01").nodes.len());
    let writes: Vec<f64> = h
        .eval("return window.__writes")
        .await?
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_f64()).collect())
        .unwrap_or_default();
    // Writes start during the burst (the first edit is written at once) and then come a second apart: about
    // three for 1.5 s of edits, where writing every edit would make thirty.
    assert!((2..=4).contains(&writes.len()), "{} writes: {writes:?}", writes.len());
    for pair in writes.windows(2) {
        assert!(
            pair[1] - pair[0] >= 990.0,
            "two writes {:.0} ms apart: {writes:?}",
            pair[1] - pair[0]
        );
    }
    h.close().await
}

#[tokio::test]
async fn edits_update_the_fragment_and_the_autosave_restores_them() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    let first = h.wait_for("[data-testid=canvas] [data-node]").await?;
    assert_eq!(
        h.eval("return location.hash").await?,
        "",
        "opening a preset writes no link"
    );
    let id = first.attr("data-node").await.unwrap().unwrap_or_default();
    let before = preset("01");
    let x0 = before
        .nodes
        .iter()
        .find(|n| n.id == id)
        .map(|n| n.x)
        .unwrap_or_default();

    // A valid edit (move a node 10 units right) reaches the link.
    first.click().await.context("selecting a node")?;
    h.eval("document.activeElement.blur(); return 0").await?;
    h.client()
        .execute(
            "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight'})); return 0",
            vec![],
        )
        .await
        .context("pressing ArrowRight")?;
    let moved = wait_for_link(&h, |d| d.nodes.iter().any(|n| n.id == id && n.x != x0)).await?;
    let x1 = moved.nodes.iter().find(|n| n.id == id).map(|n| n.x).unwrap_or_default();
    assert!((x1 - x0 - 10.0).abs() < 1e-9, "moved from {x0} to {x1}");

    // An edit that leaves the document invalid (a cache without an origin) is autosaved, and the link carries
    // it too, as a draft that opens with its problems listed.
    let nodes = node_count(&h).await?;
    h.wait_for("[data-testid=palette] [data-kind=cache]")
        .await?
        .click()
        .await
        .unwrap();
    assert_eq!(node_count(&h).await?, nodes + 1);
    // The autosave and the fragment are written together: once the autosave holds the cache, the fragment's
    // turn has passed too.
    h.poll_number(
        "const s = localStorage.getItem('switchyard:autosave'); return s && s.includes('\"cache-1\"') ? 1 : 0",
        |v| v > 0.0,
    )
    .await?;
    let hash = h.eval("return location.hash").await?;
    let hash = hash.as_str().unwrap_or_default();
    assert!(share::decode(hash).is_err(), "the document is not valid");
    let link = share::decode_draft(hash).context("decoding the page's link as a draft")?;
    assert_eq!(link.nodes.len(), nodes + 1, "the link carries the newest document");

    // A plain load of the page (no link) restores the autosave, problems and all (so nothing to play).
    h.open("/").await?;
    h.reload().await?;
    h.wait_for("[data-testid=canvas] [data-node]").await?;
    assert_eq!(node_count(&h).await?, nodes + 1, "the autosave restored the edit");
    h.wait_for("[data-testid=play][disabled]").await?;
    let errors = h.console_errors().await?;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    h.close().await
}

/// Three embeds of three presets in one page, sandboxed exactly as the Share dialog's snippet is
/// (`sandbox` without `allow-same-origin`, so each frame has an opaque origin and fetches the site's files cross-origin),
/// each running its own scenario read-only.
#[tokio::test]
async fn three_sandboxed_embeds_run_side_by_side() -> Result<()> {
    // What an opaque-origin embed needs: its module script, stylesheet and wasm are cross-origin fetches.
    let h = Harness::start_with_headers(vec![("Access-Control-Allow-Origin".into(), "*".into())]).await?;
    let ids = ["01", "03", "04"];
    let frames: Vec<String> = ids
        .iter()
        .map(|id| {
            format!(
                "<iframe sandbox=\"{SANDBOX}\" width=\"900\" height=\"280\" src=\"{}\"></iframe>",
                h.url(&format!("/?embed=view#s={}", share::encode(&preset(id))))
            )
        })
        .collect();
    // A page of the same server to host them (a 404, whose console error is read and dropped here).
    h.open("/embed-host").await?;
    let _ = h.console_errors().await?;
    // All three at once, as a page that has them in its markup loads them.
    h.eval(&format!(
        "document.body.insertAdjacentHTML('beforeend', {}); \
         document.querySelectorAll('iframe').forEach(f => f.addEventListener('load', () => f.dataset.loaded = 1)); \
         return 0",
        serde_json::to_string(&frames.concat()).unwrap()
    ))
    .await?;
    for i in 0..frames.len() {
        // Enter a frame once its document has loaded, or WebDriver is left in the frame's first blank page.
        h.poll_number(
            &format!("return document.querySelectorAll('iframe')[{i}].dataset.loaded ? 1 : 0"),
            |v| v > 0.0,
        )
        .await?;
        h.client().enter_frame(i as u16).await.context("entering an embed")?;
        h.wait_for("[data-testid=canvas] [data-node]").await?;
        h.client().enter_parent_frame().await.context("leaving the embed")?;
    }
    let mut seen = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        h.client().enter_frame(i as u16).await.context("entering an embed")?;
        assert!(
            h.find_all("[data-testid=palette]").await?.is_empty(),
            "no palette in an embed"
        );
        assert!(
            h.find_all("[data-testid=inspector]").await?.is_empty(),
            "no inspector in an embed"
        );
        let styled = h
            .eval("return getComputedStyle(document.querySelector('.embed')).display")
            .await?;
        assert_eq!(styled, "grid", "the stylesheet loaded in the frame");
        let nodes = node_count(&h).await?;
        h.wait_for("[data-testid=canvas] [data-node]")
            .await?
            .click()
            .await
            .context("clicking a node")?;
        h.eval("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Delete'})); return 0")
            .await?;
        assert_eq!(node_count(&h).await?, nodes, "Delete does nothing in a read-only embed");
        let completed = h
            .poll_number(
                "return Number(document.querySelector('[data-testid=completed]').textContent)",
                |v| v > 0.0,
            )
            .await?;
        let href = h
            .wait_for("[data-testid=open-in-switchyard]")
            .await?
            .attr("href")
            .await
            .unwrap();
        assert!(
            href.as_deref()
                .is_some_and(|u| !u.contains("embed") && u.contains("#s=v1.")),
            "the editor link drops `embed` and keeps the scenario: {href:?}"
        );
        let throughput = h.wait_for("[data-testid=throughput]").await?.text().await.unwrap();
        seen.push((*id, completed, throughput));
        h.client().enter_parent_frame().await.context("leaving the embed")?;
    }
    h.screenshot("share-three-embeds").await?;
    eprintln!("embeds: {seen:?}");
    let distinct = |a: &(&str, f64, String), b: &(&str, f64, String)| a.1 != b.1 || a.2 != b.2;
    assert!(
        distinct(&seen[0], &seen[1]) && distinct(&seen[1], &seen[2]) && distinct(&seen[0], &seen[2]),
        "each embed runs its own scenario: {seen:?}"
    );
    // The host page is a 404, and Chromium asks it for `/favicon.ico` (another 404) at its own pace.
    let errors: Vec<String> = h
        .console_errors()
        .await?
        .into_iter()
        .filter(|e| !e.contains("/favicon.ico"))
        .collect();
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    h.close().await
}

/// The Base64 of `bytes` (standard alphabet, padded), as CSP hash sources are written.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `'sha256-…'` of the inline loader in `dist/index.html`, as docs/share.md computes it.
fn inline_loader_hash() -> Result<String> {
    let html = std::fs::read_to_string(xtask::dist_dir().join("index.html")).context("reading dist/index.html")?;
    let open = "<script type=\"module\">";
    let start = html.find(open).ok_or("none").context("the inline module script")? + open.len();
    let len = html[start..]
        .find("</script>")
        .ok_or("none")
        .context("the end of the inline script")?;
    let mut child = Command::new("openssl")
        .args(["dgst", "-sha256", "-binary"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("running openssl")?;
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(&html.as_bytes()[start..start + len])
        .context("hashing the script")?;
    let out = child.wait_with_output().context("running openssl")?;
    assert_eq!(out.stdout.len(), 32, "a SHA-256 digest");
    Ok(format!("'sha256-{}'", base64(&out.stdout)))
}

#[tokio::test]
async fn the_site_boots_under_the_documented_csp() -> Result<()> {
    assert_eq!(base64(b"any carnal pleas"), "YW55IGNhcm5hbCBwbGVhcw==");
    assert_eq!(base64(b"Man"), "TWFu");
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {}; style-src 'self'; \
         style-src-attr 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'none'; frame-ancestors 'self'",
        inline_loader_hash()?
    );
    let h = Harness::start_with_headers(vec![("Content-Security-Policy".into(), policy)]).await?;
    let linked = preset("04");
    h.open(&format!("/#s={}", share::encode(&linked))).await?;
    h.wait_for("[data-testid=canvas] [data-node]").await?;
    assert_eq!(
        node_count(&h).await?,
        linked.nodes.len(),
        "the app rendered the linked scenario"
    );
    h.wait_for("[data-testid=play][aria-pressed=false]")
        .await?
        .click()
        .await
        .unwrap();
    h.poll_number(
        "return Number(document.querySelector('[data-testid=completed]').dataset.value)",
        |v| v > 0.0,
    )
    .await?;
    // Export PNG draws the SVG as a `data:` image, which `img-src` has to allow.
    let downloads = Downloads::start(&h, "csp").await?;
    h.click("[data-testid=share]").await?;
    h.click("[data-testid=export-png]").await?;
    let (_, png) = downloads.wait(".png").await?;
    assert!(png.starts_with(b"\x89PNG"), "a PNG came out");
    // The gallery fetches a preset from `presets/`, which `connect-src` has to allow.
    h.click("[data-testid=share-close]").await?;
    h.choose_preset("06-shards").await?;
    assert_eq!(
        node_count(&h).await?,
        preset("06").nodes.len(),
        "the fetched preset opened"
    );
    // CSP violations are logged as console errors; Chrome's note about `integrity` on a wasm preload is a
    // warning, not an error.
    let errors = h.console_errors().await?;
    assert!(
        errors.is_empty(),
        "console errors (CSP violations among them): {errors:#?}"
    );
    h.close().await
}

/// Under `prefers-reduced-motion` an embed on screen does not start by itself: sixty frames after it rendered
/// it is still paused at zero, and it runs once the reader presses play. (Without the preference the same
/// embed plays while visible: `an_embed_plays_only_while_it_is_on_screen` in files.rs.)
#[tokio::test]
async fn an_embed_waits_for_play_under_reduced_motion() -> Result<()> {
    let h = Harness::start().await?;
    h.emulate_media(&[("prefers-reduced-motion", "reduce")]).await?;
    h.open(&format!("/?embed=view#s={}", share::encode(&preset("01"))))
        .await?;
    h.wait_for("[data-testid=canvas] [data-node]").await?;
    h.client()
        .execute_async(
            "const done = arguments[arguments.length - 1]; let n = 0; \
             const f = () => (++n < 60 ? requestAnimationFrame(f) : done(n)); requestAnimationFrame(f);",
            vec![],
        )
        .await
        .context("waiting sixty frames")?;
    h.wait_for("[data-testid=play][aria-pressed=false]").await?;
    assert_eq!(h.wait_for("[data-testid=completed]").await?.text().await.unwrap(), "0");
    h.click("[data-testid=play]").await?;
    h.poll_number(
        "return Number(document.querySelector('[data-testid=completed]').textContent)",
        |v| v > 0.0,
    )
    .await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

#[tokio::test]
async fn a_play_embed_crashes_and_recovers_the_selected_node() -> Result<()> {
    let h = Harness::start().await?;
    let doc = preset("03");
    h.open(&format!("/?embed=play#s={}", share::encode(&doc))).await?;
    let id = &doc.nodes[1].id;
    h.wait_for(&format!("[data-testid=canvas] [data-node='{id}'] rect"))
        .await?
        .click()
        .await
        .context("selecting a node")?;
    let toggle = h.wait_for("[data-testid=embed-toggle]").await?;
    assert!(toggle.text().await.unwrap().starts_with("Crash"));
    toggle.click().await.context("crashing it")?;
    h.wait_for(&format!("[data-testid=canvas] [data-node='{id}'].down"))
        .await?;
    h.wait_for("[data-testid=embed-toggle]")
        .await?
        .click()
        .await
        .context("recovering it")?;
    h.wait_for(&format!("[data-testid=canvas] [data-node='{id}']:not(.down)"))
        .await?;
    assert!(
        h.find_all("[data-testid=palette]").await?.is_empty(),
        "the topology stays locked"
    );
    let errors = h.console_errors().await?;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    h.close().await
}

#[tokio::test]
async fn a_link_keeps_the_camera_and_the_playback_position() -> Result<()> {
    let mut doc = preset("03");
    doc.view = Some(switchyard_core::scenario::v1::View {
        zoom: 2.0,
        pan_x: 400.0,
        pan_y: 240.0,
        at_ms: Some(500.0),
    });
    let h = Harness::start().await?;
    h.open(&format!("/#s={}", share::encode(&doc))).await?;
    h.client()
        .wait()
        .at_most(DEADLINE)
        .for_element(fantoccini::Locator::XPath(
            "//output[@data-testid='clock'][starts-with(normalize-space(.), '0:00.500')]",
        ))
        .await
        .context("the run opens at the link's playback position")?;
    let view = h
        .eval("return document.querySelector('[data-testid=canvas]').getAttribute('viewBox');")
        .await?;
    let parts: Vec<f64> = view
        .as_str()
        .unwrap_or("")
        .split(' ')
        .filter_map(|x| x.parse().ok())
        .collect();
    assert_eq!(parts.len(), 4, "{view}");
    assert!((parts[2] - 500.0).abs() < 1e-6, "zoom 2 shows 500 units across: {view}");
    assert!(
        (parts[0] + parts[2] / 2.0 - 400.0).abs() < 1e-6,
        "centred on pan_x: {view}"
    );
    assert!(number_completed(&h).await? > 0, "the run really went to 500 ms");
    h.assert_no_console_errors().await?;
    h.close().await
}

async fn number_completed(h: &Harness) -> Result<u64> {
    let v = h
        .wait_for("[data-testid=completed]")
        .await?
        .attr("data-value")
        .await
        .unwrap();
    Ok(v.and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// A document with a problem can be shared (work in progress is worth sharing): the dialog says so plainly, and
/// whoever opens the link gets the document as it was, with the same problem listed, and no error banner.
#[tokio::test]
async fn sharing_a_document_with_problems_warns_and_the_link_opens_as_it_is() -> Result<()> {
    let h = Harness::start().await?;
    h.open("/").await?;
    h.wait_for("[data-testid=canvas] [data-node]").await?;
    h.click("[data-testid=palette] [data-kind=cache]").await?;
    h.wait_for("[data-testid=canvas] [data-node='cache-1']").await?;
    h.click("[data-testid=share]").await?;
    let warning = h.wait_for("[data-testid=share-warning]").await?;
    assert_eq!(warning.attr("role").await.unwrap().as_deref(), Some("alert"));
    let text = warning.text().await.context("reading the warning")?;
    assert!(
        text.contains("does not run") && text.contains("sees the same problem") && text.contains("Cache 1: "),
        "{text}"
    );
    h.screenshot("share-dialog-warning").await?;
    let link = h
        .eval("return document.querySelector('[data-testid=share-link]').value")
        .await?;
    let link = link.as_str().unwrap_or_default().to_owned();
    let fragment = &link[link.find('#').ok_or("no `#`").context("the link's fragment")?..];
    let doc = share::decode_draft(fragment).context("the link decodes as a draft")?;
    assert!(doc.nodes.iter().any(|n| n.id == "cache-1"));

    // The recipient: a new tab (no history of this document) opening the link.
    let tab = h.client().new_window(true).await.context("opening a tab")?;
    h.client()
        .switch_to_window(tab.handle)
        .await
        .context("switching tabs")?;
    h.client().goto(&link).await.context("opening the link")?;
    h.wait_for("[data-testid=canvas] [data-node='cache-1']").await?;
    assert_eq!(node_count(&h).await?, doc.nodes.len());
    assert!(
        h.find_all("[data-testid=link-error]").await?.is_empty(),
        "no error banner"
    );
    h.wait_for("[data-testid=play][disabled]").await?;
    // The problem is drawn on the node it names.
    h.wait_for("[data-testid=canvas] [data-node='cache-1'].invalid").await?;
    h.screenshot("share-recipient-draft").await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

/// The share dialog's embed snippet, in a page of another origin: the frame is sandboxed exactly as the snippet
/// says, its link targets a new tab, and clicking it opens the full editor on the same document.
#[tokio::test]
async fn the_embed_opens_the_editor_in_a_new_tab() -> Result<()> {
    let h = Harness::start_with_headers(vec![("Access-Control-Allow-Origin".into(), "*".into())]).await?;
    let (id, _) = presets::ALL.iter().find(|(id, _)| id.starts_with("03")).unwrap();
    h.open("/").await?;
    h.choose_preset(id).await?;
    let nodes = preset("03").nodes.len();
    h.poll_number(
        "return document.querySelectorAll('[data-testid=canvas] [data-node]').length",
        |v| v == nodes as f64,
    )
    .await?;
    h.click("[data-testid=share]").await?;
    let snippet = h
        .eval("return document.querySelector('[data-testid=embed-snippet]').value")
        .await?;
    let snippet = snippet.as_str().unwrap_or_default().to_owned();
    assert!(snippet.contains(&format!("sandbox=\"{SANDBOX}\"")), "{snippet}");
    assert!(!snippet.contains("allow-same-origin"), "{snippet}");

    // A page on another origin (another port) with the snippet in its markup.
    let dir = std::env::temp_dir().join(format!("switchyard-e2e-host-{}", std::process::id()));
    std::fs::create_dir_all(&dir).context("creating the host page's dir")?;
    std::fs::write(
        dir.join("index.html"),
        format!("<!doctype html><html><head><link rel=\"icon\" href=\"data:,\"></head><body>{snippet}</body></html>"),
    )
    .context("writing the host page")?;
    let host = StaticServer::start(&dir, 0).context("serving the host page")?;
    h.client().goto(&host.url()).await.context("opening the host page")?;
    let tokens = h
        .poll(
            "const f = document.querySelector('iframe'); \
             return f && f.contentWindow ? [...f.sandbox].join(' ') : ''",
            |v| v.as_str().is_some_and(|s| !s.is_empty()),
        )
        .await?;
    assert_eq!(tokens, SANDBOX, "the frame is sandboxed as the snippet says");
    h.client().enter_frame(0).await.context("entering the embed")?;
    h.wait_for("[data-testid=canvas] [data-node]").await?;
    let anchor = h.wait_for("[data-testid=open-in-switchyard]").await?;
    assert_eq!(anchor.attr("target").await.unwrap().as_deref(), Some("_blank"));
    assert_eq!(anchor.attr("rel").await.unwrap().as_deref(), Some("noopener"));
    let before = h.client().windows().await.context("listing windows")?;
    anchor.click().await.context("clicking Open in Switchyard")?;
    let start = std::time::Instant::now();
    let opened = loop {
        let now = h.client().windows().await.context("listing windows")?;
        if let Some(w) = now.into_iter().find(|w| !before.contains(w)) {
            break w;
        }
        assert!(start.elapsed() < DEADLINE, "no new window opened");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    h.client()
        .switch_to_window(opened)
        .await
        .context("switching to the editor")?;
    h.poll_number(
        "return document.querySelectorAll('[data-testid=canvas] [data-node]').length",
        |v| v == nodes as f64,
    )
    .await?;
    let url = h.client().current_url().await.context("reading the editor's address")?;
    assert!(
        !url.as_str().contains("embed") && url.as_str().contains("#s=v1."),
        "{url}"
    );
    h.wait_for("[data-testid=palette]").await?;
    h.assert_no_console_errors().await?;
    drop(host);
    let _ = std::fs::remove_dir_all(&dir);
    h.close().await
}
