//! `cargo xtask dist` and `cargo xtask serve`: the release build of the web app, and serving it locally.

use std::path::Path;
use std::process::Command;

use xtask::static_server::StaticServer;

use crate::{cmd, setup};

/// What the size-tuned release build gives rustc for wasm32, besides rebuilding `std` with the profile's
/// settings (`-Zbuild-std`): no file names and lines in panic messages, and a panic that traps at once
/// instead of formatting a message nobody reads (the page shows a crash banner either way; see
/// `web/src/panic.rs`). Together they take about 46 KB gzip off the bundle; BENCHMARKS.md has the figure.
pub const SIZE_RUSTFLAGS: &str = "-Zlocation-detail=none -Zunstable-options -Cpanic=immediate-abort";

/// `trunk build --release --offline` into `dist/`, with the tools from setup on `PATH`. The wasm is built
/// by the pinned nightly ([`setup::SIZE_NIGHTLY`]) with [`SIZE_RUSTFLAGS`], in its own target directory so
/// that it never invalidates the stable builds of the tests; without that nightly it is built by the stable
/// toolchain, works the same, and is larger. Returns how the wasm was compiled, in words.
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
            let how = format!(
                "`{}` (installed as `{toolchain}`) with `-Zbuild-std=std,panic_abort` and `{SIZE_RUSTFLAGS}`",
                setup::SIZE_NIGHTLY
            );
            trunk
                .env("RUSTUP_TOOLCHAIN", toolchain)
                .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
                .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", SIZE_RUSTFLAGS)
                .env("CARGO_TARGET_DIR", root.join("target/site"));
            how
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

pub fn serve(root: &Path, port: u16) -> Result<(), String> {
    dist(root)?;
    let server =
        StaticServer::start(&xtask::dist_dir(), port).map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    println!("serving {}", server.url());
    server.wait();
    Ok(())
}
