//! The share dialog: the document's link and its length, an `<iframe>` snippet for embedding, and file
//! exchange (download and import the scenario JSON, export the canvas as SVG or PNG). Everything is built in
//! the browser from the document; nothing is uploaded.

use std::rc::Rc;

use switchyard_core::scenario::{self, Scenario};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::driver::Problem;
use crate::{export, share};

#[derive(Properties, PartialEq)]
pub struct ShareDialogProps {
    pub doc: Rc<Scenario>,
    /// The document's problems: a link to it still opens, with the same problems listed.
    #[prop_or_default]
    pub problems: Vec<Problem>,
    pub on_close: Callback<()>,
    /// An imported file that loaded and validated.
    pub on_import: Callback<Scenario>,
    /// A file that did not import: the problem in words.
    pub on_error: Callback<String>,
}

/// Copies the text of a field: the clipboard where allowed, and the text is selected either way so that
/// Ctrl+C works where the clipboard is refused.
fn copy_field(field: &NodeRef) {
    let Some(t) = field.cast::<HtmlTextAreaElement>() else {
        return;
    };
    t.select();
    let text = t.value();
    if let Some(window) = web_sys::window() {
        // `writeText` rejects without permission or focus; the selection is the fallback.
        let promise = window.navigator().clipboard().write_text(&text);
        wasm_bindgen_futures::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        });
    }
}

/// Offers `text` as a file download named `name`.
fn download(name: &str, mime: &str, text: &str) {
    download_url(
        name,
        &format!("data:{mime};charset=utf-8,{}", js_sys::encode_uri_component(text)),
    );
}

/// Offers the `data:` URL `href` as a file download named `name`.
fn download_url(name: &str, href: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(a) = doc.create_element("a") else { return };
    let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() else {
        return;
    };
    a.set_href(href);
    a.set_download(name);
    a.click();
}

/// Whether `c` may stand in a file name: a letter or digit of any script (`char::is_alphanumeric`). In the
/// browser, a character outside ASCII is asked of the page's regular expressions, whose `\p{Alphabetic}` and
/// `\p{N}` are the same two Unicode properties, so the bundle carries no copy of their tables.
#[cfg(target_arch = "wasm32")]
fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || (!c.is_ascii() && unicode_word_char(c.encode_utf8(&mut [0; 4])))
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(
    inline_js = r"export function unicode_word_char(c) { return /^[\p{Alphabetic}\p{N}]$/u.test(c); }"
)]
extern "C" {
    fn unicode_word_char(c: &str) -> bool;
}

#[cfg(not(target_arch = "wasm32"))]
fn word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// A file name from the scenario's name: lower case, words joined by `-`.
pub fn file_stem(doc: &Scenario) -> String {
    let mut stem = String::new();
    for c in doc.name.chars() {
        if word_char(c) {
            stem.push(c.to_ascii_lowercase());
        } else if !stem.is_empty() && !stem.ends_with('-') {
            stem.push('-');
        }
    }
    let stem = stem.trim_end_matches('-');
    if stem.is_empty() {
        "scenario".to_owned()
    } else {
        stem.to_owned()
    }
}

#[component]
pub fn ShareDialog(props: &ShareDialogProps) -> Html {
    let link = share::link(&props.doc);
    let snippet = share::embed_snippet(&props.doc);
    let link_ref = use_node_ref();
    let embed_ref = use_node_ref();
    let copied = use_state(|| None::<&'static str>);

    let on_copy_link = {
        let (r, copied) = (link_ref.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            copy_field(&r);
            copied.set(Some("link"));
        })
    };
    let on_copy_embed = {
        let (r, copied) = (embed_ref.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            copy_field(&r);
            copied.set(Some("embed"));
        })
    };
    let on_json = {
        let doc = props.doc.clone();
        Callback::from(move |_: MouseEvent| {
            download(
                &format!("{}.json", file_stem(&doc)),
                "application/json",
                &scenario::to_json_pretty(&doc),
            )
        })
    };
    let on_svg = {
        let doc = props.doc.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some((svg, _, _)) = export::canvas_svg(1.0) {
                download(&format!("{}.svg", file_stem(&doc)), "image/svg+xml", &svg);
            }
        })
    };
    let on_png = {
        let (doc, on_error) = (props.doc.clone(), props.on_error.clone());
        Callback::from(move |_: MouseEvent| {
            let name = format!("{}.png", file_stem(&doc));
            let on_error = on_error.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match export::canvas_png().await {
                    Some(url) => download_url(&name, &url),
                    // For example a Content-Security-Policy without `img-src data:` (see docs/share.md).
                    None => on_error.emit(format!(
                        "{name} could not be made: the browser refused to draw the canvas."
                    )),
                }
            });
        })
    };
    let on_file = {
        let (on_import, on_error) = (props.on_import.clone(), props.on_error.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let (on_import, on_error) = (on_import.clone(), on_error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let name = file.name();
                let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
                match text.ok().and_then(|t| t.as_string()) {
                    Some(text) => match scenario::load(&text) {
                        Ok((doc, _)) => on_import.emit(doc),
                        Err(e) => on_error.emit(format!("{name} could not be imported: {e}")),
                    },
                    None => on_error.emit(format!("{name} could not be read.")),
                }
            });
        })
    };
    let on_close = super::click(&props.on_close);
    let note = |what: &str| (*copied == Some(what)).then_some(html! { <span class="hint">{ " Copied." }</span> });

    html! {
        <div class="dialog-backdrop">
            <section class="dialog share-dialog" role="dialog" aria-modal="true" aria-labelledby="share-title"
                     data-testid="share-dialog">
                <h2 id="share-title">{ "Share" }</h2>
                <p class="hint">{ "The link holds the whole scenario; nothing is uploaded." }</p>
                if let Some(first) = props.problems.first() {
                    <div class="problem share-warning" role="alert" data-testid="share-warning">
                        <strong>{ match props.problems.len() {
                            1 => "This scenario has a problem, so it does not run.".to_owned(),
                            n => format!("This scenario has {n} problems, so it does not run."),
                        } }</strong>
                        { if props.problems.len() == 1 {
                            " The link and the embed still open it as it is, and whoever opens them sees the same \
                              problem: "
                        } else {
                            " The link and the embed still open it as it is, and whoever opens them sees the same \
                              problems, the first of them: "
                        } }
                        <q>{ first.message.clone() }</q>
                    </div>
                }
                <label for="share-link">{ "Link" }</label>
                <textarea id="share-link" data-testid="share-link" readonly=true rows="3" ref={link_ref}
                          value={link.clone()} />
                <p class="hint"><span data-testid="share-length">{ link.chars().count() }</span>{ " characters" }</p>
                <div class="row-buttons">
                    <button type="button" class="ctl" data-testid="copy-link" onclick={on_copy_link}>{ "Copy" }</button>
                    { note("link") }
                </div>
                <h3>{ "Embed" }</h3>
                <textarea data-testid="embed-snippet" aria-label="Embed code" readonly=true rows="4" ref={embed_ref}
                          value={snippet} />
                <div class="row-buttons">
                    <button type="button" class="ctl" data-testid="copy-embed" onclick={on_copy_embed}>{ "Copy" }</button>
                    { note("embed") }
                </div>
                <h3>{ "Files" }</h3>
                <div class="row-buttons">
                    <button type="button" class="ctl" data-testid="download-json" onclick={on_json}>{ "Download JSON" }</button>
                    <label class="ctl file-button">
                        { "Import JSON" }
                        <input type="file" data-testid="import-json" accept=".json,application/json" onchange={on_file} />
                    </label>
                    <button type="button" class="ctl" data-testid="export-svg" onclick={on_svg}>{ "Export SVG" }</button>
                    <button type="button" class="ctl" data-testid="export-png" onclick={on_png}>{ "Export PNG" }</button>
                </div>
                <div class="row-buttons dialog-end">
                    <button type="button" class="ctl" data-testid="share-close" onclick={on_close}>{ "Close" }</button>
                </div>
            </section>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::file_stem;
    use switchyard_core::scenario::Scenario;

    #[test]
    fn file_names_come_from_the_scenario_name() {
        let mut doc: Scenario = switchyard_core::scenario::parse(r#"{"version":1,"nodes":[],"edges":[]}"#).unwrap();
        doc.name = "Cache: read-through (LRU)".into();
        assert_eq!(file_stem(&doc), "cache-read-through-lru");
        doc.name = "!!!".into();
        assert_eq!(file_stem(&doc), "scenario");
        // Letters and digits of any script stay (only ASCII is lower-cased).
        doc.name = "Café № 2 — Ωμέγα ٣".into();
        assert_eq!(file_stem(&doc), "café-2-Ωμέγα-٣");
    }
}
