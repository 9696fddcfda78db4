//! The `switchyard-web` binary that Trunk builds: starts the app in the browser.

/// Talc in place of std's dlmalloc: a smaller bundle (the allocator is part of every page load) and faster
/// allocation. The engine's results do not depend on the allocator.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
fn main() {
    switchyard_web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("switchyard-web runs in the browser: start it with `cargo xtask serve`");
    std::process::exit(2);
}
