//! Crashes: a panic, or a trap of the wasm, is a readable banner in the page rather than a frozen canvas.
//!
//! Two paths lead to the same banner (`<div role="alert" id="panic-banner">`):
//! - a build whose panics run the panic hook (the stable toolchain, the tests) shows the panic's message
//!   and logs it to the console;
//! - the release bundle is built with `-Cpanic=immediate-abort` (see `xtask/src/site.rs`), so a panic
//!   traps at once without running any hook. The trap reaches JavaScript as an uncaught
//!   `WebAssembly.RuntimeError`, in the `error` event (event handlers, animation frames) or the
//!   `unhandledrejection` event (promise jobs); a listener written in JavaScript, which does not need the
//!   trapped instance, shows the banner from there.

use std::panic::PanicHookInfo;

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(inline_js = r#"
export function watch_for_traps() {
  const show = (error) => {
    if (!(error instanceof WebAssembly.RuntimeError) || document.getElementById("panic-banner")) return;
    const banner = document.createElement("div");
    banner.id = "panic-banner";
    banner.setAttribute("role", "alert");
    banner.textContent = `Switchyard crashed: ${error.message}. Reload the page to start again; ` +
      "the details are in the browser console.";
    document.body.prepend(banner);
  };
  addEventListener("error", (e) => show(e.error));
  addEventListener("unhandledrejection", (e) => show(e.reason));
}
"#)]
extern "C" {
    fn watch_for_traps();
}

/// Installs the hook (Yew keeps a hook installed this way instead of its default one) and the trap watcher.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(hook));
    watch_for_traps();
}

fn hook(info: &PanicHookInfo<'_>) {
    console_error_panic_hook::hook(info);
    show_banner(&message(info));
}

/// The panic's payload and location, as one line.
fn message(info: &PanicHookInfo<'_>) -> String {
    let payload = info
        .payload()
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| info.payload().downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    match info.location() {
        Some(at) => format!("{payload} (at {}:{})", at.file(), at.line()),
        None => payload.to_owned(),
    }
}

/// Adds `<div role="alert" id="panic-banner">` to the body, built with plain DOM calls because Yew's
/// scheduler may be the thing that panicked. Does nothing if there is no document.
fn show_banner(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else {
        return;
    };
    if document.get_element_by_id("panic-banner").is_some() {
        return;
    }
    let Ok(banner) = document.create_element("div") else {
        return;
    };
    banner.set_id("panic-banner");
    let _ = banner.set_attribute("role", "alert");
    banner.set_text_content(Some(&format!(
        "Switchyard crashed: {message}. Reload the page to start again; the details are in the browser console."
    )));
    let _ = body.prepend_with_node_1(&banner);
}
