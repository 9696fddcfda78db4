//! Crashes: a panic, or a trap of the wasm, is a readable banner in the page rather than a frozen canvas.
//!
//! Two paths lead to the same banner (`<div role="alert" id="panic-banner">` with a Reload button), and both
//! mark the tab as crashed so that the reload opens the work paused at the start ([`CRASH_KEY`]):
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
    if (error instanceof WebAssembly.RuntimeError) crashed(error.message);
  };
  addEventListener("error", (e) => show(e.error));
  addEventListener("unhandledrejection", (e) => show(e.reason));
}

export function crashed(message) {
  try { sessionStorage.setItem("switchyard:crashed", "1"); } catch (_) {}
  if (document.getElementById("panic-banner")) return;
  const banner = document.createElement("div");
  banner.id = "panic-banner";
  banner.setAttribute("role", "alert");
  banner.textContent = `Switchyard crashed (${message}). Your work is kept: reload the page to get it back, ` +
    "opened paused at the start. ";
  const reload = document.createElement("button");
  reload.type = "button";
  reload.textContent = "Reload";
  reload.addEventListener("click", () => location.reload());
  banner.append(reload);
  document.body.prepend(banner);
}
"#)]
extern "C" {
    fn watch_for_traps();
    /// Marks this tab as crashed (see [`CRASH_KEY`]) and shows the banner once, with a Reload button. Plain
    /// DOM calls: Yew's scheduler may be the thing that failed.
    fn crashed(message: &str);
}

/// The `sessionStorage` key a crash sets. The next load of the tab takes it (`share::boot`) and opens the work
/// paused at time zero, without running to the link's saved moment, so a document that crashed the engine
/// cannot crash it again on every reload.
pub const CRASH_KEY: &str = "switchyard:crashed";

/// Installs the hook (Yew keeps a hook installed this way instead of its default one) and the trap watcher.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(hook));
    watch_for_traps();
}

/// Under `-Cpanic=immediate-abort` no hook ever runs: the trap watcher shows the banner. The hook installed
/// is then an empty one (so that Yew does not install its default), and the message code is not in the bundle.
#[cfg(panic = "immediate-abort")]
fn hook(_: &PanicHookInfo<'_>) {}

#[cfg(not(panic = "immediate-abort"))]
fn hook(info: &PanicHookInfo<'_>) {
    console_error_panic_hook::hook(info);
    crashed(&message(info));
}

/// The panic's payload and location, as one line.
#[cfg(not(panic = "immediate-abort"))]
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
