//! Switchyard's browser front end: a thin Yew shell. It renders the engine's state and turns clicks into
//! engine commands; the simulation itself lives in `switchyard-core`.
//!
//! The crate compiles for the host too (so `cargo clippy --workspace` checks it), but only a wasm32 build
//! in a browser can [`start`].

pub mod action;
pub mod app;
pub mod components;
pub mod driver;
pub mod embed;
pub mod export;
mod fetch;
pub mod hooks;
pub mod num;
mod panic;
pub mod progress;
pub mod render;
pub mod share;

/// Installs the panic hook and mounts the app on `<body>`.
pub fn start() {
    panic::install();
    yew::Renderer::<app::App>::new().render();
}
