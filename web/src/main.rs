//! The `switchyard-web` binary that Trunk builds: starts the app in the browser.

#[cfg(target_arch = "wasm32")]
fn main() {
    switchyard_web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("switchyard-web runs in the browser: start it with `cargo xtask serve`");
    std::process::exit(2);
}
