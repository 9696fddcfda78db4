//! Project automation shared by the `xtask` binary and the e2e browser tests: where the workspace is, how
//! to run headless Chromium here, and a static file server for `dist/`.

pub mod browser;
#[cfg(test)]
mod modgraph;
pub mod static_server;
#[cfg(test)]
mod tidy;

use std::path::{Path, PathBuf};

/// The workspace root (the directory holding the root `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Where the release site is built (`Trunk.toml`'s `dist`).
pub fn dist_dir() -> PathBuf {
    workspace_root().join("dist")
}

/// The first executable called `name` on `PATH`.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}
