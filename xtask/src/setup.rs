//! `cargo xtask setup`: installs the build and test tools that are missing or at the wrong version, and
//! nothing else, so a second run takes seconds.
//!
//! Everything comes from a package registry (crates.io, npm); Trunk is configured never to download.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd;

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const TRUNK_VERSION: &str = "0.21.14";
/// binaryen's major version; npm's `binaryen` package ships a `wasm-opt` that runs on Node.
const BINARYEN_VERSION: &str = "132";

/// Where cargo installs binaries: `$CARGO_HOME/bin`, else `~/.cargo/bin`.
pub fn cargo_bin() -> PathBuf {
    match std::env::var_os("CARGO_HOME") {
        Some(home) => PathBuf::from(home).join("bin"),
        None => home().join(".cargo/bin"),
    }
}

fn home() -> PathBuf {
    PathBuf::from(std::env::var_os("HOME").unwrap_or_else(|| "/root".into()))
}

/// Puts the cargo bin directory first on this process's `PATH`, so every tool this xtask runs (and every
/// tool those run, like Trunk running wasm-opt) finds what setup installed.
pub fn prepend_cargo_bin_to_path() {
    let mut paths = vec![cargo_bin()];
    if let Some(path) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&path).filter(|p| *p != cargo_bin()));
    }
    let joined = std::env::join_paths(paths).expect("PATH entries contain no separator");
    // Edition 2021, and xtask sets this before it starts any thread.
    std::env::set_var("PATH", joined);
}

pub fn run(root: &Path) -> Result<(), String> {
    wasm_target(root)?;
    trunk()?;
    wasm_bindgen(root)?;
    wasm_opt()?;
    Ok(())
}

fn wasm_target(root: &Path) -> Result<(), String> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run rustup: {e}"))?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|t| t.trim() == WASM_TARGET)
    {
        return present(&format!("rust target {WASM_TARGET}"));
    }
    install(
        &format!("rust target {WASM_TARGET}"),
        Command::new("rustup")
            .args(["target", "add", WASM_TARGET])
            .current_dir(root),
    )
}

/// The nightly that builds the release bundle (see `site::build`). It is dated so that the unstable flags it
/// is given keep their meaning; the machines carry it as the `nightly` channel (it also runs cargo-fuzz).
pub const SIZE_NIGHTLY: &str = "nightly-2026-05-19";

/// The installed toolchain that is [`SIZE_NIGHTLY`] with `rust-src` (which `-Zbuild-std` compiles), adding
/// what is missing: `nightly` when that channel is at the pinned date, else the dated toolchain. `Err` says
/// in words why it cannot be had; the site then builds with the stable toolchain.
pub fn size_toolchain(root: &Path) -> Result<String, String> {
    let date = SIZE_NIGHTLY.strip_prefix("nightly-").unwrap_or(SIZE_NIGHTLY);
    let is_pinned = |name: &str| {
        cmd::first_line(
            Command::new("rustc")
                .arg(format!("+{name}"))
                .arg("--version")
                .current_dir(root),
        )
        .is_some_and(|v| v.contains("-nightly") && v.contains(date))
    };
    let name = if is_pinned("nightly") {
        "nightly"
    } else {
        if !is_pinned(SIZE_NIGHTLY) {
            install(
                &format!("rust toolchain {SIZE_NIGHTLY}"),
                Command::new("rustup")
                    .args([
                        "toolchain",
                        "install",
                        SIZE_NIGHTLY,
                        "--profile",
                        "minimal",
                        "--component",
                        "rust-src",
                    ])
                    .current_dir(root),
            )?;
        }
        SIZE_NIGHTLY
    };
    let components = Command::new("rustup")
        .args(["component", "list", "--installed", "--toolchain", name])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run rustup: {e}"))?;
    if String::from_utf8_lossy(&components.stdout)
        .lines()
        .any(|c| c.trim() == "rust-src")
    {
        present(&format!("rust-src for {name} ({SIZE_NIGHTLY})"))?;
    } else {
        install(
            &format!("rust-src for {name}"),
            Command::new("rustup")
                .args(["component", "add", "rust-src", "--toolchain", name])
                .current_dir(root),
        )?;
    }
    Ok(name.to_owned())
}

fn trunk() -> Result<(), String> {
    let want = format!("trunk {TRUNK_VERSION}");
    if cmd::first_line(Command::new("trunk").arg("--version")).as_deref() == Some(&want) {
        return present(&want);
    }
    install(
        &want,
        Command::new("cargo").args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]),
    )
}

/// wasm-bindgen-cli must match the `wasm-bindgen` crate exactly: Trunk and wasm-bindgen-test-runner
/// refuse a mismatched schema.
fn wasm_bindgen(root: &Path) -> Result<(), String> {
    let version = pinned_wasm_bindgen(root)?;
    if let Some(locked) = locked_version(root, "wasm-bindgen") {
        if locked != version {
            return Err(format!(
                "Cargo.lock resolves wasm-bindgen {locked} but Cargo.toml pins ={version}: run `cargo update -p wasm-bindgen`"
            ));
        }
    }
    let cli = cmd::first_line(Command::new("wasm-bindgen").arg("--version"));
    let runner = cmd::first_line(Command::new("wasm-bindgen-test-runner").arg("--version"));
    let want = format!("wasm-bindgen {version}");
    if cli.as_deref() == Some(&want) && runner.as_deref() == Some(&format!("wasm-bindgen-test-runner {version}")) {
        return present(&format!("wasm-bindgen-cli {version}"));
    }
    // No --locked: the registry here lacks some of wasm-bindgen-cli's locked transitive versions.
    install(
        &format!("wasm-bindgen-cli {version}"),
        Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &version]),
    )
}

/// The version in `wasm-bindgen = "=X"` under the root `Cargo.toml`'s `[workspace.dependencies]`.
fn pinned_wasm_bindgen(root: &Path) -> Result<String, String> {
    let manifest = fs::read_to_string(root.join("Cargo.toml")).map_err(|e| format!("reading Cargo.toml: {e}"))?;
    parse_pin(&manifest).ok_or_else(|| "the root Cargo.toml must pin `wasm-bindgen = \"=X.Y.Z\"`".to_owned())
}

fn parse_pin(manifest: &str) -> Option<String> {
    manifest.lines().find_map(|line| {
        let value = line
            .strip_prefix("wasm-bindgen")?
            .trim_start()
            .strip_prefix('=')?
            .trim();
        let version = value.strip_prefix("\"=")?.strip_suffix('"')?;
        Some(version.to_owned())
    })
}

/// The version Cargo.lock resolves for `package`, if it is in the lock file once.
fn locked_version(root: &Path, package: &str) -> Option<String> {
    let lock = fs::read_to_string(root.join("Cargo.lock")).ok()?;
    let mut lines = lock.lines();
    let name = format!("name = \"{package}\"");
    lines.find(|line| *line == name)?;
    let version = lines.next()?.strip_prefix("version = \"")?.strip_suffix('"')?;
    Some(version.to_owned())
}

/// wasm-opt from npm's `binaryen` package, installed under `~/.cache/switchyard/binaryen`, with a small
/// wrapper script at `~/.cargo/bin/wasm-opt` (Debian's binaryen is too old for what rustc emits).
fn wasm_opt() -> Result<(), String> {
    let want = format!("wasm-opt version {BINARYEN_VERSION}");
    let reported = cmd::first_line(Command::new("wasm-opt").arg("--version"));
    if reported.as_deref().is_some_and(|v| v.starts_with(&want)) {
        return present(&want);
    }
    let prefix = home().join(".cache/switchyard/binaryen");
    fs::create_dir_all(&prefix).map_err(|e| format!("creating {}: {e}", prefix.display()))?;
    install(
        &format!("binaryen@{BINARYEN_VERSION} (npm)"),
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--no-save", "--prefix"])
            .arg(&prefix)
            .arg(format!("binaryen@{BINARYEN_VERSION}")),
    )?;
    let script = prefix.join("node_modules/binaryen/bin/wasm-opt");
    if !script.is_file() {
        return Err(format!("npm installed binaryen but {} is missing", script.display()));
    }
    let wrapper = cargo_bin().join("wasm-opt");
    let body = format!(
        "#!/bin/sh\n# Written by `cargo xtask setup`: wasm-opt from npm's binaryen@{BINARYEN_VERSION}.\nexec node \"{}\" \"$@\"\n",
        script.display()
    );
    write_executable(&wrapper, &body)?;
    match cmd::first_line(Command::new(&wrapper).arg("--version")) {
        Some(v) if v.starts_with(&want) => {
            eprintln!("setup: {} -> {v}", wrapper.display());
            Ok(())
        }
        other => Err(format!("{} reports {other:?}, expected {want}", wrapper.display())),
    }
}

fn write_executable(path: &Path, body: &str) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    fs::write(path, body).map_err(|e| format!("writing {}: {e}", path.display()))?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).map_err(|e| format!("chmod {}: {e}", path.display()))
}

fn present(what: &str) -> Result<(), String> {
    eprintln!("setup: {what}: present");
    Ok(())
}

fn install(what: &str, command: &mut Command) -> Result<(), String> {
    eprintln!("setup: {what}: installing");
    cmd::run_keeping_first_error(command).map_err(|why| format!("installing {what} failed ({why})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_exact_pin() {
        let manifest = "[workspace.dependencies]\nwasm-bindgen-futures = \"0.4\"\nwasm-bindgen = \"=0.2.130\"\n";
        assert_eq!(parse_pin(manifest).as_deref(), Some("0.2.130"));
        assert_eq!(parse_pin("wasm-bindgen = \"0.2\"\n"), None);
    }

    #[test]
    fn the_lock_file_agrees_with_the_pin() {
        let root = xtask::workspace_root();
        assert_eq!(locked_version(&root, "wasm-bindgen"), pinned_wasm_bindgen(&root).ok());
    }
}
