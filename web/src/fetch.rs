//! The presets other than the first, fetched from the site's `presets/` folder when the user opens one (the
//! bundle embeds only `switchyard_core::presets::FIRST` and the names; see there), and the shipped tours from
//! its `tours/` folder.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The JSON text of preset `id`, from `presets/{id}.json` beside the page; the error says what went wrong, in
/// words, for the banner.
pub async fn preset(id: &str) -> Result<String, String> {
    text("presets", "preset", id).await
}

/// The JSON text of the shipped tour `id`, from `tours/{id}.json` beside the page.
pub async fn tour(id: &str) -> Result<String, String> {
    text("tours", "tour", id).await
}

/// The text of `{folder}/{id}.json` beside the page; the error names `what` it was, for the banner.
async fn text(folder: &str, what: &str, id: &str) -> Result<String, String> {
    let failed = |why: &str| format!("Could not fetch the {what} {id}: {why}. Your work is unchanged.");
    let window = web_sys::window().ok_or_else(|| failed("no window"))?;
    let response = JsFuture::from(window.fetch_with_str(&format!("{folder}/{id}.json")))
        .await
        .map_err(|e| failed(&reason(&e)))?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| failed("no response"))?;
    if !response.ok() {
        return Err(failed(&format!("the server answered {}", response.status())));
    }
    let text = response.text().map_err(|e| failed(&reason(&e)))?;
    let text = JsFuture::from(text).await.map_err(|e| failed(&reason(&e)))?;
    text.as_string().ok_or_else(|| failed("the answer is not text"))
}

/// A rejected promise's reason as text: the message of an `Error` (a network failure is a `TypeError`).
fn reason(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the request failed".to_owned())
}
