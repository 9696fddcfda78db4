//! `cargo xtask dist` and `cargo xtask serve`: the release build of the web app, and serving it locally.

use std::path::Path;
use std::process::Command;

use xtask::static_server::StaticServer;

use crate::{cmd, setup};

/// `trunk build --release --offline` into `dist/`, with the tools from setup on `PATH`.
pub fn build(root: &Path) -> Result<(), String> {
    let ok = cmd::run(
        Command::new("trunk")
            .args(["build", "--release", "--offline"])
            .current_dir(root)
            .env("TRUNK_SKIP_VERSION_CHECK", "true")
            // Trunk's colour codes do not help in CI logs.
            .env("NO_COLOR", "true"),
    );
    if ok {
        Ok(())
    } else {
        Err("trunk build --release --offline failed".to_owned())
    }
}

pub fn dist(root: &Path) -> Result<(), String> {
    setup::run(root)?;
    build(root)?;
    eprintln!("dist: built {}", xtask::dist_dir().display());
    Ok(())
}

pub fn serve(root: &Path, port: u16) -> Result<(), String> {
    dist(root)?;
    let server =
        StaticServer::start(&xtask::dist_dir(), port).map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    println!("serving {}", server.url());
    server.wait();
    Ok(())
}
