//! The panic hook: logs the panic to the console and shows it in the page, so a crash is a readable banner
//! rather than a frozen canvas.

use std::panic::PanicHookInfo;

/// Installs the hook. Yew keeps a hook installed this way instead of its default one.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(hook));
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
