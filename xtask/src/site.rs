//! `cargo xtask dist` and `cargo xtask serve`: the release build of the web app, and serving it locally.

use std::path::Path;
use std::process::Command;

use xtask::static_server::{self, StaticServer};

use crate::{cmd, setup};

/// What the size-tuned release build gives rustc for wasm32, besides rebuilding `std` with the profile's
/// settings (`-Zbuild-std`): no file names and lines in panic messages, and a panic that traps at once
/// instead of formatting a message nobody reads (the page shows a crash banner either way; see
/// `web/src/panic.rs`).
pub const SIZE_RUSTFLAGS: &str = "-Zlocation-detail=none -Zunstable-options -Cpanic=immediate-abort";

/// The standard library's own size mode: smaller sorts and formatting code, the same results. The one
/// difference a program can see is the order of equal elements after an unstable sort; core sorts only
/// whole values that way (or unique keys), and `cargo xtask test` runs core's wasm determinism tests built
/// exactly like this to show the engine's bytes do not change.
pub const SIZE_STD_FEATURES: &str = "optimize_for_size";

/// Points a cargo command that builds for wasm32 at the pinned nightly and the size settings above, in the
/// target directory `target/site/` (so that it never invalidates the stable builds).
pub fn size_build_env(command: &mut Command, root: &Path, toolchain: &str) {
    command
        .env("RUSTUP_TOOLCHAIN", toolchain)
        .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
        .env("CARGO_UNSTABLE_BUILD_STD_FEATURES", SIZE_STD_FEATURES)
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", SIZE_RUSTFLAGS)
        .env("CARGO_TARGET_DIR", root.join("target/site"));
}

/// `trunk build --release --offline` into `dist/`, with the tools from setup on `PATH`. The wasm is built
/// by the pinned nightly ([`setup::SIZE_NIGHTLY`]) with the settings of [`size_build_env`]; without that
/// nightly it is built by the stable toolchain, works the same, and is larger. Returns how the wasm was
/// compiled, in words.
pub fn build(root: &Path) -> Result<String, String> {
    let mut trunk = Command::new("trunk");
    trunk
        .args(["build", "--release", "--offline"])
        .current_dir(root)
        .env("TRUNK_SKIP_VERSION_CHECK", "true")
        // Trunk's colour codes do not help in CI logs.
        .env("NO_COLOR", "true");
    let how = match setup::size_toolchain(root) {
        Some(toolchain) => {
            size_build_env(&mut trunk, root, &toolchain);
            format!(
                "`{}` (installed as `{toolchain}`) with `-Zbuild-std=std,panic_abort`, \
                 `-Zbuild-std-features={SIZE_STD_FEATURES}` and `{SIZE_RUSTFLAGS}`",
                setup::SIZE_NIGHTLY
            )
        }
        None => "the stable toolchain (the pinned nightly was not available)".to_owned(),
    };
    if cmd::run(&mut trunk) {
        Ok(how)
    } else {
        Err("trunk build --release --offline failed".to_owned())
    }
}

/// Setup, then the release build; returns how the wasm was compiled (see [`build`]).
pub fn dist(root: &Path) -> Result<String, String> {
    setup::run(root)?;
    let how = build(root)?;
    eprintln!("dist: built {} (wasm by {how})", xtask::dist_dir().display());
    Ok(how)
}

/// Builds the site and serves it, with the header an embed on another origin needs
/// ([`static_server::embed_headers`]).
pub fn serve(root: &Path, port: u16) -> Result<(), String> {
    dist(root)?;
    let server = StaticServer::start_with_headers(&xtask::dist_dir(), port, static_server::embed_headers())
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    println!("serving {}", server.url());
    server.wait();
    Ok(())
}
