//! The fresh-machine step of `cargo xtask test`: `cargo xtask dist` in a fresh checkout with an empty
//! `CARGO_HOME`, so that a registry cache warmed by earlier builds cannot hide a crate the release build
//! forgets to fetch before Trunk runs cargo offline (as happened with `-Zbuild-std`: the standard library's
//! own dependencies were never fetched on a new machine).
//!
//! The checkout holds the files git tracks, plus the untracked ones it does not ignore, as the working tree
//! has them: in CI, a fresh clone of main. Tools already installed (Trunk, wasm-bindgen, wasm-opt, the
//! toolchains) are reused from `PATH`; every crate comes from the registry.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{cmd, setup};

/// Builds the site in a fresh checkout and checks that it is there. When this machine can build the
/// size-tuned bundle, the fresh build must be size-tuned too: falling back to stable would hide the very
/// failure this step looks for.
pub fn check(root: &Path) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("switchyard-fresh-{}", std::process::id()));
    let result = build_in(root, &dir);
    // The checkout's target directory is a few hundred megabytes; nothing in it is wanted afterwards.
    if let Err(e) = fs::remove_dir_all(&dir) {
        eprintln!("fresh: could not remove {}: {e}", dir.display());
    }
    result
}

fn build_in(root: &Path, dir: &Path) -> Result<(), String> {
    let files = checkout(root, dir)?;
    let cargo_home = dir.join("cargo-home");
    fs::create_dir_all(&cargo_home).map_err(|e| format!("creating {}: {e}", cargo_home.display()))?;
    eprintln!(
        "fresh: {files} files in {}, CARGO_HOME={} (empty)",
        dir.display(),
        cargo_home.display()
    );
    let want_size_tuned = setup::size_toolchain(root).is_ok();
    let mut built_by = None;
    let mut dist = Command::new("cargo");
    dist.args(["xtask", "dist"])
        .current_dir(dir)
        .env("CARGO_HOME", &cargo_home)
        .env_remove("CARGO_TARGET_DIR")
        // The parent `cargo xtask test` sets these for itself; the fresh build must choose on its own.
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO");
    let status = cmd::run_watching_output(&mut dist, |line| {
        if let Some(how) = line
            .strip_prefix("dist: built ")
            .and_then(|l| l.split_once("(wasm by "))
        {
            built_by = Some(how.1.trim_end_matches(')').to_owned());
        }
    })?;
    if !status.success() {
        return Err(format!(
            "`cargo xtask dist` in a fresh checkout with an empty CARGO_HOME {status}"
        ));
    }
    let built_by = built_by.ok_or("`cargo xtask dist` did not say how it built the wasm")?;
    let wasm = wasm_in(&dir.join("dist"))?;
    eprintln!("fresh: built {} by {built_by}", wasm.display());
    if want_size_tuned && !built_by.starts_with(&format!("`{}`", setup::SIZE_NIGHTLY)) {
        return Err(format!(
            "this machine builds the size-tuned bundle, but a fresh checkout fell back to {built_by}"
        ));
    }
    Ok(())
}

/// Copies what a clone would check out (tracked files, and untracked ones git does not ignore, as they are
/// in the working tree) from `root` to `dir`. Returns how many files it copied.
fn checkout(root: &Path, dir: &Path) -> Result<usize, String> {
    let listed = Command::new("git")
        .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git ls-files: {e}"))?;
    if !listed.status.success() {
        return Err("git ls-files failed: the fresh-checkout step needs a git checkout".into());
    }
    let mut copied = 0;
    for name in listed.stdout.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let name = String::from_utf8_lossy(name);
        let from = root.join(&*name);
        // Deleted in the working tree but not yet in the index: a clone of the next commit lacks it too.
        if !from.is_file() {
            continue;
        }
        let to = dir.join(&*name);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("creating {}: {e}", parent.display()))?;
        }
        fs::copy(&from, &to).map_err(|e| format!("copying {}: {e}", from.display()))?;
        copied += 1;
    }
    Ok(copied)
}

fn wasm_in(dist: &Path) -> Result<PathBuf, String> {
    let entries = fs::read_dir(dist).map_err(|e| format!("the fresh build made no {}: {e}", dist.display()))?;
    let index = dist.join("index.html");
    if !index.is_file() {
        return Err(format!("the fresh build made no {}", index.display()));
    }
    entries
        .filter_map(|e| Some(e.ok()?.path()))
        .find(|p| p.extension().is_some_and(|x| x == "wasm"))
        .ok_or_else(|| format!("the fresh build put no .wasm in {}", dist.display()))
}
