//! Nothing a user does loses their work: opening a preset or a blank canvas is one undo away from the work it
//! replaced; a reload brings back the newest work, problems and all, even an edit made just before it; leaving
//! or closing the tab right after an edit keeps it; a link pasted into the address bar opens as an undoable
//! replacement (and a broken one leaves the work alone); and two tabs never overwrite each other's autosave
//! silently.

use switchyard_core::presets;
use switchyard_core::scenario::{self, Scenario};
use switchyard_core::share;
use switchyard_e2e::{Context, Harness, Result};

/// A preset's id and scenario by id prefix (`"03"`).
fn preset(prefix: &str) -> (&'static str, Scenario) {
    let (id, json) = presets::ALL
        .iter()
        .find(|(id, _)| id.starts_with(prefix))
        .expect("the preset exists");
    (id, scenario::parse(json).expect("presets parse"))
}

const NODES: &str = "return document.querySelectorAll('[data-testid=canvas] [data-node]').length";

/// Waits until the canvas shows `n` nodes.
async fn wait_nodes(h: &Harness, n: usize) -> Result<()> {
    h.poll_number(NODES, |v| v == n as f64).await.map(drop)
}

/// Whether node `id` is on the canvas now.
async fn has_node(h: &Harness, id: &str) -> Result<bool> {
    let found = h
        .eval(&format!(
            "return document.querySelector(\"[data-testid=canvas] [data-node='{id}']\") !== null"
        ))
        .await?;
    Ok(found == true)
}

/// Adds a node of `kind` from the palette.
async fn add(h: &Harness, kind: &str) -> Result<()> {
    h.click(&format!("[data-testid=palette] [data-kind={kind}]")).await
}

/// Presses a key on the document, as the keyboard shortcuts hear it.
async fn press(h: &Harness, key: &str, ctrl: bool, shift: bool) -> Result<()> {
    h.eval(&format!(
        "document.activeElement && document.activeElement.blur(); \
         document.dispatchEvent(new KeyboardEvent('keydown', {{key: '{key}', ctrlKey: {ctrl}, shiftKey: {shift}}})); \
         return 0"
    ))
    .await
    .map(drop)
}

/// A script that returns 1 when the autosave holds node `id`, else 0.
fn autosave_has(id: &str) -> String {
    format!("const s = localStorage.getItem('switchyard:autosave'); return s && s.includes('\"{id}\"') ? 1 : 0")
}

/// Waits until the autosave holds (`true`) or lacks (`false`) node `id`.
async fn wait_autosave(h: &Harness, id: &str, holds: bool) -> Result<()> {
    let want = if holds { 1.0 } else { 0.0 };
    h.poll_number(&autosave_has(id), |v| v == want).await.map(drop)
}

/// Waits until this tab's address bar carries a document with node `id` (a draft link: problems allowed).
async fn wait_link_has(h: &Harness, id: &str) -> Result<()> {
    h.poll("return location.hash", |v| {
        share::decode_draft(v.as_str().unwrap_or_default()).is_ok_and(|d| d.nodes.iter().any(|n| n.id == id))
    })
    .await
    .map(drop)
}

/// From here on the page's throttled write can only happen when the page is hidden or left: the clock the
/// throttle reads stands still before any write (so the next write always waits), and timers that wait are
/// never run (Yew's own zero-delay yields still are).
async fn hold_throttled_writes(h: &Harness) -> Result<()> {
    h.eval(
        "performance.now = () => 0; const real = window.setTimeout.bind(window); \
         window.setTimeout = (f, ms, ...a) => (ms > 0 ? 0 : real(f, ms, ...a)); return 0",
    )
    .await
    .map(drop)
}

/// The preset 01 document with a cache added: invalid (the cache has no origin), and the user's work.
async fn make_work(h: &Harness) -> Result<usize> {
    h.open("/").await?;
    let (_, p01) = preset("01");
    wait_nodes(h, p01.nodes.len()).await?;
    add(h, "cache").await?;
    wait_nodes(h, p01.nodes.len() + 1).await?;
    wait_autosave(h, "cache-1", true).await?;
    Ok(p01.nodes.len() + 1)
}

#[tokio::test]
async fn a_preset_then_undo_brings_the_work_back() -> Result<()> {
    let h = Harness::start().await?;
    let work = make_work(&h).await?;
    let (id03, p03) = preset("03");
    h.choose_preset(id03).await?;
    wait_nodes(&h, p03.nodes.len()).await?;
    // The autosave follows what is on screen; undo is what keeps the work.
    wait_autosave(&h, "cache-1", false).await?;
    press(&h, "z", true, false).await?;
    wait_nodes(&h, work).await?;
    assert!(has_node(&h, "cache-1").await?, "undo brought the work back");
    wait_autosave(&h, "cache-1", true).await?;
    wait_link_has(&h, "cache-1").await?;
    // Redo opens the preset again.
    press(&h, "z", true, true).await?;
    wait_nodes(&h, p03.nodes.len()).await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

#[tokio::test]
async fn new_then_undo_brings_the_work_back() -> Result<()> {
    let h = Harness::start().await?;
    let work = make_work(&h).await?;
    h.click("[data-testid=new-blank]").await?;
    wait_nodes(&h, 0).await?;
    press(&h, "z", true, false).await?;
    wait_nodes(&h, work).await?;
    assert!(has_node(&h, "cache-1").await?, "undo brought the work back");
    wait_autosave(&h, "cache-1", true).await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

/// The document has a problem (a cache without an origin) when the page is reloaded, and its last edit came
/// too soon after the previous write to have been written: the reload still shows that last edit.
#[tokio::test]
async fn a_reload_with_an_invalid_document_brings_back_the_newest_work() -> Result<()> {
    let h = Harness::start().await?;
    let work = make_work(&h).await?;
    // The address bar carries the document with its problem (a draft link).
    wait_link_has(&h, "cache-1").await?;
    h.reload().await?;
    wait_nodes(&h, work).await?;
    assert!(has_node(&h, "cache-1").await?);
    h.wait_for("[data-testid=play][disabled]").await?;
    assert!(h.find_all("[data-testid=link-error]").await?.is_empty(), "no banner");

    // An edit that is written, then a second one held back by the throttle, then at once a reload.
    add(&h, "proxy").await?;
    wait_autosave(&h, "proxy-1", true).await?;
    hold_throttled_writes(&h).await?;
    add(&h, "queue").await?;
    wait_nodes(&h, work + 2).await?;
    assert_eq!(
        h.eval(&autosave_has("queue-1")).await?,
        0,
        "the edit is waiting for its write"
    );
    h.reload().await?;
    wait_nodes(&h, work + 2).await?;
    assert!(has_node(&h, "queue-1").await? && has_node(&h, "cache-1").await?);
    h.assert_no_console_errors().await?;
    h.close().await
}

/// An edit made less than a second after the previous write waits for its turn; leaving the page, or closing
/// the tab, before then writes it at once (`pagehide`).
#[tokio::test]
async fn an_edit_just_before_leaving_or_closing_is_kept() -> Result<()> {
    let h = Harness::start().await?;
    let work = make_work(&h).await?;
    hold_throttled_writes(&h).await?;
    add(&h, "queue").await?;
    wait_nodes(&h, work + 1).await?;
    assert_eq!(h.eval(&autosave_has("queue-1")).await?, 0, "the edit is waiting");
    // Leave for another page of the site (a 404), then come back without a link.
    h.open("/elsewhere").await?;
    assert_eq!(h.eval(&autosave_has("queue-1")).await?, 1, "written on the way out");
    let _ = h.console_errors().await?;
    h.open("/").await?;
    wait_nodes(&h, work + 1).await?;
    assert!(has_node(&h, "queue-1").await?);

    // The same with the tab closed: another tab opens the app afterwards.
    add(&h, "proxy").await?;
    wait_autosave(&h, "proxy-1", true).await?;
    hold_throttled_writes(&h).await?;
    add(&h, "database").await?;
    wait_nodes(&h, work + 3).await?;
    assert_eq!(h.eval(&autosave_has("database-1")).await?, 0, "the edit is waiting");
    let other = h.client().new_window(true).await.context("opening a tab")?;
    h.client().close_window().await.context("closing the editing tab")?;
    h.client()
        .switch_to_window(other.handle)
        .await
        .context("switching to the new tab")?;
    h.open("/").await?;
    wait_nodes(&h, work + 3).await?;
    assert!(has_node(&h, "database-1").await?, "the closed tab's last edit is kept");
    // The detour's 404 page is plain text without an icon, so Chromium may ask for /favicon.ico, and may log that
    // 404 after the drain above. The app's own pages name their icon and never ask for it.
    let errors: Vec<String> = h
        .console_errors()
        .await?
        .into_iter()
        .filter(|e| !e.contains("/favicon.ico "))
        .collect();
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    h.close().await
}

#[tokio::test]
async fn a_pasted_link_opens_and_undo_returns_to_the_work() -> Result<()> {
    let h = Harness::start().await?;
    let work = make_work(&h).await?;
    let (_, p03) = preset("03");
    // Pasting a link into the address bar of the open tab: the same page with another fragment.
    h.open(&format!("/#s={}", share::encode(&p03))).await?;
    wait_nodes(&h, p03.nodes.len()).await?;
    press(&h, "z", true, false).await?;
    wait_nodes(&h, work).await?;
    assert!(has_node(&h, "cache-1").await?, "undo brought the work back");
    // The address bar follows the document again, not the pasted link.
    wait_link_has(&h, "cache-1").await?;

    // A link that does not decode: the banner, and the work stays.
    h.open("/#s=v1.!!!notbase64").await?;
    let banner = h.wait_for("[data-testid=link-error]").await?;
    let text = banner.text().await.context("reading the banner")?;
    assert!(text.contains("not base64url"), "{text}");
    assert_eq!(h.eval(NODES).await?, work);
    assert!(has_node(&h, "cache-1").await?);

    // A link pasted and the page reloaded before its `hashchange` was handled, while an edit waits for its
    // write: the reload opens the link (the tab's record only answers for addresses the tab wrote), and the
    // edit is not lost either: it was written on the way out.
    add(&h, "proxy").await?;
    wait_autosave(&h, "proxy-1", true).await?;
    hold_throttled_writes(&h).await?;
    add(&h, "queue").await?;
    wait_nodes(&h, work + 2).await?;
    h.eval(&format!(
        "history.replaceState(null, '', '#s={}'); setTimeout(() => location.reload(), 0); return 0",
        share::encode(&p03)
    ))
    .await?;
    wait_nodes(&h, p03.nodes.len()).await?;
    assert!(!has_node(&h, "queue-1").await?);
    assert_eq!(h.eval(&autosave_has("queue-1")).await?, 1);
    h.assert_no_console_errors().await?;
    h.close().await
}

/// A waiting write that lands after a link is put in the address bar but before the app has handled its
/// `hashchange` leaves the link there: the app then opens the link, and a reload opens it too. (The write used
/// to replace the link with the old work's fragment, so the `hashchange` found the old work and a reload
/// opened it: the share link test failed this way now and then.)
#[tokio::test]
async fn a_write_waiting_when_a_link_is_pasted_does_not_replace_the_link() -> Result<()> {
    let h = Harness::start().await?;
    let work = make_work(&h).await?;
    let (_, p03) = preset("03");
    hold_throttled_writes(&h).await?;
    add(&h, "queue").await?;
    wait_nodes(&h, work + 1).await?;
    let link = format!("#s={}", share::encode(&p03));
    // The fragment changes (its `hashchange` is queued, not yet run), then the waiting write lands at once,
    // as it does when a timer fires or the page is hidden.
    let after = h
        .eval(&format!(
            "location.hash = '{link}'; window.dispatchEvent(new Event('pagehide')); return location.hash"
        ))
        .await?;
    assert_eq!(
        after.as_str(),
        Some(link.as_str()),
        "the write left the pasted link in place"
    );
    wait_nodes(&h, p03.nodes.len()).await?;
    // The work was written on the way (the autosave), and is one undo away.
    wait_autosave(&h, "queue-1", true).await?;
    h.reload().await?;
    wait_nodes(&h, p03.nodes.len()).await?;
    h.assert_no_console_errors().await?;
    h.close().await
}

/// Two tabs on one browser profile: when one writes the autosave, the other stops autosaving and says so;
/// its edits stay in its own address bar; it can take the autosave back or open the other tab's work.
#[tokio::test]
async fn two_tabs_do_not_overwrite_each_other_silently() -> Result<()> {
    let h = Harness::start().await?;
    let work = make_work(&h).await?;
    let a = h.client().window().await.context("the first tab")?;
    let b = h
        .client()
        .new_window(true)
        .await
        .context("opening a second tab")?
        .handle;
    h.client().switch_to_window(b.clone()).await.context("to tab B")?;
    h.open("/").await?;
    wait_nodes(&h, work).await?;
    add(&h, "queue").await?;
    wait_autosave(&h, "queue-1", true).await?;

    // Tab A heard it: a banner, and A's next edit reaches A's address bar but not the autosave.
    h.client().switch_to_window(a.clone()).await.context("to tab A")?;
    h.wait_for("[data-testid=other-tab]").await?;
    h.screenshot("lost-work-other-tab").await?;
    add(&h, "database").await?;
    wait_link_has(&h, "database-1").await?;
    assert_eq!(
        h.eval(&autosave_has("database-1")).await?,
        0,
        "A left the autosave alone"
    );
    assert_eq!(h.eval(&autosave_has("queue-1")).await?, 1, "it is still B's");

    // A takes it back; now B is told.
    h.click("[data-testid=other-tab-take-over]").await?;
    wait_autosave(&h, "database-1", true).await?;
    assert!(h.find_all("[data-testid=other-tab]").await?.is_empty());
    h.client().switch_to_window(b).await.context("to tab B")?;
    h.wait_for("[data-testid=other-tab]").await?;
    // B opens A's work in its place; undo returns B's own.
    h.click("[data-testid=other-tab-open]").await?;
    wait_nodes(&h, work + 1).await?;
    assert!(has_node(&h, "database-1").await? && !has_node(&h, "queue-1").await?);
    press(&h, "z", true, false).await?;
    wait_nodes(&h, work + 1).await?;
    assert!(has_node(&h, "queue-1").await? && !has_node(&h, "database-1").await?);
    h.assert_no_console_errors().await?;
    h.close().await
}
