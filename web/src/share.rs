//! Share links and autosave in the browser: which document the app opens at start, and keeping the URL
//! fragment, this tab's record and the autosave up to date as the user edits, at most once a second and at once
//! when the page is hidden or left.
//!
//! Three places hold the document, newest work first:
//! - the tab's record (`sessionStorage`, which a reload, Back and a restored tab keep and a new tab does not),
//!   with the fragments the address bar had around its last write, so that a reload of this tab's own address
//!   brings back its newest work even when the last write came too late to change the address being reloaded;
//! - the fragment (`#s=`, by `replaceState`), which carries the document as it is, problems and all;
//! - the autosave (`localStorage`), for a visit without a link. Only one tab writes it at a time: a tab that
//!   sees another tab write it stops, and says so (see [`listen`]).
//!
//! The link format and its limits are core's ([`switchyard_core::share`]); this module only moves text between
//! the document and the browser. Every browser access may fail (no `window`, a sandboxed frame without storage,
//! Safari refusing `replaceState` after 100 calls in 30 s) and each failure is ignored: sharing is a
//! convenience, never a reason for the editor to stop.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use switchyard_core::scenario::{self, Scenario};
use switchyard_core::share;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The `localStorage` key of the autosaved document.
pub const AUTOSAVE_KEY: &str = "switchyard:autosave";

/// The `sessionStorage` key of this tab's record: the fragment its last write replaced (if the previous write
/// had put it there; else empty), a line break, the fragment it wrote (empty if the browser refused it), a line
/// break, the document as pretty JSON.
pub const TAB_KEY: &str = "switchyard:tab";

/// At most one fragment write and one autosave per this many milliseconds.
pub const DEBOUNCE_MS: i32 = 1000;

/// What the app opens at start, and why not something else.
pub struct Boot {
    /// The document to open instead of preset 0, if any.
    pub doc: Option<Scenario>,
    /// For the banner: a link that did not decode (the problem in words), or that the last run crashed.
    pub error: Option<String>,
}

/// Decides the first document. Outside embeds: this tab's own newest work when the address is one this tab
/// wrote (a reload, Back, a restored tab); else the link in the fragment; else the autosave; else nothing (the
/// caller opens preset 0). A link that does not decode leaves the user where they were: the banner names the
/// problem over their work (the tab's, else the autosave), which the next edit would otherwise overwrite.
/// After a crash in this tab ([`crate::panic::CRASH_KEY`]) the work opens paused at the start, with a notice.
pub fn boot(use_storage: bool) -> Boot {
    let mut boot = first_document(use_storage);
    // The last run in this tab crashed: open its work paused at the start, not run to the link's moment.
    let crashed = use_storage
        && session().is_some_and(|s| {
            let marked = s.get_item(crate::panic::CRASH_KEY).ok().flatten().is_some();
            let _ = s.remove_item(crate::panic::CRASH_KEY);
            marked
        });
    if crashed {
        if let Some(view) = boot.doc.as_mut().and_then(|d| d.view.as_mut()) {
            view.at_ms = None;
        }
        boot.error = Some(
            boot.error
                .map_or_else(|| CRASH_NOTICE.to_owned(), |e| format!("{CRASH_NOTICE} {e}")),
        );
    }
    boot
}

/// What the banner says on the load after a crash.
pub const CRASH_NOTICE: &str = "Switchyard crashed last time with this work. It is open again, paused at the \
                                start: change what made it crash, or press Play to try again.";

fn first_document(use_storage: bool) -> Boot {
    let hash = location_hash().unwrap_or_default();
    let tab = if use_storage { tab_record() } else { None };
    if let Some(tab) = &tab {
        // An empty entry names no fragment (see `write`).
        if !hash.is_empty() && (hash == tab.link || hash == tab.prev) {
            return Boot {
                doc: Some(tab.doc.clone()),
                error: None,
            };
        }
    }
    let saved = || {
        tab.map(|t| t.doc)
            .or_else(|| if use_storage { load_autosave() } else { None })
    };
    if !hash.starts_with("#s=") {
        return Boot {
            doc: saved(),
            error: None,
        };
    }
    match open_link(&hash) {
        Ok(doc) => Boot {
            doc: Some(doc),
            error: None,
        },
        Err(error) => Boot {
            doc: saved(),
            error: Some(error),
        },
    }
}

/// The document of a `#s=` link, problems and all (work in progress is shared too; the editor lists its
/// problems), or what is wrong with the link, in words for the banner.
pub fn open_link(hash: &str) -> Result<Scenario, String> {
    share::decode_draft(hash).map_err(|e| format!("This share link could not be opened: {e}."))
}

/// The autosaved document, if there is one and it still parses. It need not validate: work in progress
/// (a cache not yet wired to its origin) comes back as it was left, with its problems listed.
pub fn load_autosave() -> Option<Scenario> {
    let text = storage()?.get_item(AUTOSAVE_KEY).ok().flatten()?;
    scenario::parse(&text).ok()
}

/// This tab's record (see [`TAB_KEY`]).
struct TabRecord {
    prev: String,
    link: String,
    doc: Scenario,
}

fn tab_record() -> Option<TabRecord> {
    let text = session()?.get_item(TAB_KEY).ok().flatten()?;
    let mut parts = text.splitn(3, '\n');
    let prev = parts.next()?.to_owned();
    let link = parts.next()?.to_owned();
    let doc = scenario::parse(parts.next()?).ok()?;
    Some(TabRecord { prev, link, doc })
}

/// `window.sessionStorage`, or `None` where it is missing or throws.
fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// `window.localStorage`, or `None` where it is missing or throws (sandboxed frames, disabled storage).
pub(crate) fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn location_hash() -> Option<String> {
    web_sys::window()?.location().hash().ok()
}

/// The page's address without query and fragment: `https://host/path`. Cut from `href`, because a
/// sandboxed frame's `origin` is `"null"`.
pub fn base_url() -> String {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let end = href.find(['?', '#']).unwrap_or(href.len());
    href[..end].to_owned()
}

/// The share link of a document: this page's address with `#s=v1.…`.
pub fn link(doc: &Scenario) -> String {
    format!("{}#s={}", base_url(), share::encode(doc))
}

/// The `<iframe>` snippet that embeds a document read-only. The sandbox gives the frame an opaque origin (no
/// `allow-same-origin`: it cannot reach the embedding page's storage or cookies, nor remove its own sandbox)
/// and lets its "Open in Switchyard" link open the editor in a new tab, outside the sandbox.
pub fn embed_snippet(doc: &Scenario) -> String {
    let title = if doc.name.is_empty() {
        "a scenario"
    } else {
        doc.name.as_str()
    };
    format!(
        "<iframe src=\"{}?embed=view#s={}\" width=\"100%\" height=\"420\" sandbox=\"{SANDBOX}\" \
         loading=\"lazy\" title=\"Switchyard: {}\"></iframe>",
        base_url(),
        share::encode(doc),
        escape_attr(title)
    )
}

/// The embed snippet's `sandbox` tokens: scripts (the app is wasm), and popups that escape the sandbox (the
/// "Open in Switchyard" link opens the full editor, which needs storage, in a new tab).
pub const SANDBOX: &str = "allow-scripts allow-popups allow-popups-to-escape-sandbox";

/// Escapes text for a double-quoted HTML attribute.
fn escape_attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// Writes the latest document to the fragment, the tab's record and (unless another tab has taken it over)
/// the autosave, at most once per [`DEBOUNCE_MS`]: the first change after a quiet second is written at once,
/// later ones when the second is over (the last wins), and a pending one at once when the page is hidden or
/// left ([`Saver::flush_now`]).
#[derive(Clone, Default)]
pub struct Saver {
    state: Rc<RefCell<SaverState>>,
}

#[derive(Default)]
struct SaverState {
    pending: Option<Rc<Scenario>>,
    /// A timer is set; it writes `pending` when it fires.
    timer: bool,
    last_write: Option<f64>,
    /// The fragment this page's last write put in the address bar.
    last_link: Option<String>,
    /// The last fragment the app took in that it did not write: the one it opened with, or one a `hashchange`
    /// handed it. Any other fragment in the address bar that this page did not write is a link the user just
    /// put there, whose `hashchange` the app has not handled yet: a write must not replace it.
    taken: Option<String>,
    /// Another tab wrote the autosave since this one did: leave it alone until the user says otherwise.
    superseded: bool,
}

impl Saver {
    /// A saver for the page as it opened: the fragment in the address bar now is taken in.
    pub fn new() -> Saver {
        let saver = Saver::default();
        saver.state.borrow_mut().taken = location_hash();
        saver
    }

    /// The app has dealt with `fragment`, a link put in the address bar. With `replaced`, it opened that link
    /// as the document: a write still waiting was for the work it replaced (which stays one undo away) and must
    /// not land on the new link.
    pub fn took(&self, fragment: String, replaced: bool) {
        let mut s = self.state.borrow_mut();
        s.taken = Some(fragment);
        if replaced {
            s.pending = None;
        }
    }

    /// Notes that the document is now `doc`.
    pub fn note(&self, doc: Rc<Scenario>) {
        let wait = {
            let mut s = self.state.borrow_mut();
            s.pending = Some(doc);
            if s.timer {
                return;
            }
            let since = s.last_write.map_or(f64::INFINITY, |t| now_ms() - t);
            if since >= f64::from(DEBOUNCE_MS) {
                None
            } else {
                Some((f64::from(DEBOUNCE_MS) - since.max(0.0)).ceil() as i32)
            }
        };
        match wait {
            None => flush(&self.state),
            Some(ms) => {
                let state = self.state.clone();
                let fire = Closure::once_into_js(move || flush(&state));
                let set = web_sys::window()
                    .map(|w| w.set_timeout_with_callback_and_timeout_and_arguments_0(fire.unchecked_ref(), ms.max(0)));
                self.state.borrow_mut().timer = matches!(set, Some(Ok(_)));
            }
        }
    }

    /// Writes a pending document now, whatever the time since the last write (the page is being hidden or
    /// left, and a timer may never fire).
    pub fn flush_now(&self) {
        if self.state.borrow().pending.is_some() {
            flush(&self.state);
        }
    }

    /// Stops (another tab wrote the autosave) or resumes writing the autosave.
    pub fn set_superseded(&self, superseded: bool) {
        self.state.borrow_mut().superseded = superseded;
    }

    /// Takes the autosave back for this tab: writes `doc` everywhere now.
    pub fn take_over(&self, doc: Rc<Scenario>) {
        {
            let mut s = self.state.borrow_mut();
            s.superseded = false;
            s.pending = Some(doc);
        }
        flush(&self.state);
    }
}

fn flush(state: &Rc<RefCell<SaverState>>) {
    let (doc, autosave) = {
        let mut s = state.borrow_mut();
        s.timer = false;
        (s.pending.take(), !s.superseded)
    };
    if let Some(doc) = doc {
        let (last_link, taken) = {
            let mut s = state.borrow_mut();
            (s.last_link.take(), s.taken.clone())
        };
        let link = write(&doc, autosave, last_link.as_deref(), taken.as_deref());
        state.borrow_mut().last_link = link;
    }
    // The second is counted from the end of this write, not its start: a write takes milliseconds (validation,
    // encoding), and counting from its start let the next link land that much less than a second later.
    state.borrow_mut().last_write = Some(now_ms());
}

/// One write: the fragment (by `replaceState`, so edits do not fill the history), the tab's record, and the
/// autosave when `autosave`. The fragment carries the document as it is, problems and all: it opens as a draft
/// whose problems the editor lists. Returns the fragment now in the address bar, if this write put it there.
///
/// The record names only fragments this page wrote: the one before (`last_link`, if the address still holds
/// it) and the one after. A fragment the user put there (a pasted link whose `hashchange` has not been handled
/// yet when the page is left) is not this tab's work: the write leaves it in the address bar, and a reload of
/// it opens the link.
fn write(doc: &Scenario, autosave: bool, last_link: Option<&str>, taken: Option<&str>) -> Option<String> {
    let window = web_sys::window()?;
    let before = location_hash().unwrap_or_default();
    let ours = last_link == Some(before.as_str());
    let pasted = before.starts_with("#s=") && !ours && taken != Some(before.as_str());
    let prev = if ours { before } else { String::new() };
    let fragment = format!("#s={}", share::encode(doc));
    if !pasted {
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&fragment));
        }
    }
    // Safari may refuse the `replaceState`: then the address is not this write's.
    let link = Some(location_hash().unwrap_or_default()).filter(|h| *h == fragment);
    let json = scenario::to_json_pretty(doc);
    if let Some(session) = session() {
        let shown = link.as_deref().unwrap_or_default();
        let _ = session.set_item(TAB_KEY, &format!("{prev}\n{shown}\n{json}"));
    }
    if autosave {
        if let Some(storage) = storage() {
            let _ = storage.set_item(AUTOSAVE_KEY, &json);
        }
    }
    link
}

/// Listens for what concerns the document from outside the app: the page being hidden or left (a pending
/// write is flushed: an edit made just before closing is kept), a new link pasted into the address bar
/// (`on_link` gets its fragment), and another tab writing the autosave (this tab stops autosaving, and
/// `on_other_tab` is told, so that two tabs never overwrite each other's work silently). The listeners end
/// when the returned values are dropped.
pub fn listen(
    saver: &Saver,
    on_link: impl Fn(String) + 'static,
    on_other_tab: impl Fn() + 'static,
) -> Vec<EventListener> {
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let s = saver.clone();
    out.push(EventListener::new(&window, "pagehide", move |_| s.flush_now()));
    if let Some(document) = window.document() {
        let s = saver.clone();
        let d = document.clone();
        out.push(EventListener::new(&document, "visibilitychange", move |_| {
            if d.hidden() {
                s.flush_now();
            }
        }));
    }
    out.push(EventListener::new(&window, "hashchange", move |_| {
        if let Some(hash) = location_hash().filter(|h| h.starts_with("#s=")) {
            on_link(hash);
        }
    }));
    let s = saver.clone();
    out.push(EventListener::new(&window, "storage", move |e| {
        // `storage` fires in the other tabs of this origin only, never in the one that wrote.
        // The autosave's key is only ever in `localStorage`; a removal (`newValue` null) is not a write.
        let get = |field: &str| js_sys::Reflect::get(e, &field.into()).ok().and_then(|v| v.as_string());
        if get("key").as_deref() == Some(AUTOSAVE_KEY) && get("newValue").is_some() {
            s.set_superseded(true);
            on_other_tab();
        }
    }));
    out
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

#[cfg(test)]
mod tests {
    use super::escape_attr;

    #[test]
    fn attribute_text_cannot_close_the_attribute() {
        assert_eq!(escape_attr(r#"a"><script>&"#), "a&quot;&gt;&lt;script&gt;&amp;");
    }
}
