//! Share links and autosave in the browser: which document the app opens at start (a `#s=` link, else the
//! autosaved document, else preset 0), and keeping the URL fragment and `localStorage` up to date as the user
//! edits, at most once a second.
//!
//! The link format and its limits are core's ([`switchyard_core::share`]); this module only moves text between
//! the document and the browser. Every browser access may fail (no `window`, a sandboxed frame without storage,
//! Safari refusing `replaceState` after 100 calls in 30 s) and each failure is ignored: sharing is a
//! convenience, never a reason for the editor to stop.

use std::cell::RefCell;
use std::rc::Rc;

use switchyard_core::scenario::{self, Scenario};
use switchyard_core::share;
use switchyard_core::topology::Topology;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The `localStorage` key of the autosaved document.
pub const AUTOSAVE_KEY: &str = "switchyard:autosave";

/// At most one fragment write and one autosave per this many milliseconds.
pub const DEBOUNCE_MS: i32 = 1000;

/// What the app opens at start, and why not something else.
pub struct Boot {
    /// The document to open instead of preset 0, if any.
    pub doc: Option<Scenario>,
    /// A link that did not decode: the problem in words, for the banner.
    pub error: Option<String>,
}

/// Decides the first document: the link in the fragment, else (outside embeds) the autosave, else nothing
/// (the caller opens preset 0). A link that does not decode leaves the user where they were: the banner names
/// the problem over their autosaved work, which the next edit would otherwise overwrite.
pub fn boot(use_storage: bool) -> Boot {
    let saved = || if use_storage { load_autosave() } else { None };
    match location_hash().filter(|h| h.starts_with("#s=")) {
        Some(hash) => match share::decode(&hash) {
            Ok(doc) => Boot {
                doc: Some(doc),
                error: None,
            },
            Err(e) => Boot {
                doc: saved(),
                error: Some(format!("This share link could not be opened: {e}.")),
            },
        },
        None => Boot {
            doc: saved(),
            error: None,
        },
    }
}

/// The autosaved document, if there is one and it still parses. It need not validate: work in progress
/// (a cache not yet wired to its origin) comes back as it was left, with its problems listed.
fn load_autosave() -> Option<Scenario> {
    let text = storage()?.get_item(AUTOSAVE_KEY).ok().flatten()?;
    scenario::parse(&text).ok()
}

/// `window.localStorage`, or `None` where it is missing or throws (sandboxed frames, disabled storage).
fn storage() -> Option<web_sys::Storage> {
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

/// Writes the latest document to the fragment and to `localStorage`, at most once per [`DEBOUNCE_MS`]: the
/// first change after a quiet second is written at once, later ones when the second is over (the last wins).
#[derive(Default)]
pub struct Saver {
    state: Rc<RefCell<SaverState>>,
}

#[derive(Default)]
struct SaverState {
    pending: Option<Rc<Scenario>>,
    /// A timer is set; it writes `pending` when it fires.
    timer: bool,
    last_write: Option<f64>,
}

impl Saver {
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
}

fn flush(state: &Rc<RefCell<SaverState>>) {
    let doc = {
        let mut s = state.borrow_mut();
        s.timer = false;
        s.pending.take()
    };
    if let Some(doc) = doc {
        write(&doc);
    }
    // The second is counted from the end of this write, not its start: a write takes milliseconds (validation,
    // encoding), and counting from its start let the next link land that much less than a second later.
    state.borrow_mut().last_write = Some(now_ms());
}

/// One write: the autosave, and the fragment (by `replaceState`, so edits do not fill the history). Links
/// only carry valid scenarios (decoding validates), so while the document has problems the fragment keeps
/// its last valid state.
fn write(doc: &Scenario) {
    let Some(window) = web_sys::window() else { return };
    if Topology::build(doc).is_ok() {
        let fragment = format!("#s={}", share::encode(doc));
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&fragment));
        }
    }
    if let Some(storage) = storage() {
        let _ = storage.set_item(AUTOSAVE_KEY, &scenario::to_json_pretty(doc));
    }
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
