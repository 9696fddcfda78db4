//! `cargo xtask dist` and `cargo xtask serve`: the release build of the web app, and serving it locally.

use std::path::Path;
use std::process::Command;

use xtask::static_server::{self, StaticServer};

use crate::{cmd, setup};

/// What the size-tuned release build gives rustc for wasm32, besides rebuilding `std` with the profile's
/// settings (`-Zbuild-std`): no file names and lines in panic messages, and a panic that traps at once
/// instead of formatting a message nobody reads (the page shows a crash banner either way; see
/// `web/src/panic.rs`); and `Debug` formatting compiled to nothing (`-Zfmt-debug=none`), so no text a user
/// sees may come from `{:?}` (the wasm determinism tests, built this way, compare the engine's output).
pub const SIZE_RUSTFLAGS: &str = "-Zlocation-detail=none -Zfmt-debug=none -Zunstable-options -Cpanic=immediate-abort";

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

/// The cargo profile Trunk builds the wasm with: `data-cargo-profile-release` in `index.html`, tuned for size
/// in the root `Cargo.toml` (the `release` profile is tuned for the native CLI's speed).
pub const WASM_PROFILE: &str = "wasm-release";

/// `trunk build --release --offline` into `dist/`, with the tools from setup on `PATH`. The wasm is built by
/// the pinned nightly ([`setup::SIZE_NIGHTLY`]) with the settings of [`size_build_env`]. If that nightly
/// cannot be had, or the size-tuned build fails for any reason, the site is built by the stable toolchain
/// instead (it works the same, and is larger), with one line saying so and why: a size optimisation never
/// stops `serve` or `dist`. Returns how the wasm was compiled, in words.
///
/// Trunk runs cargo offline, so everything the build needs from the registry is fetched first, while online:
/// the workspace's crates, and for `-Zbuild-std` the standard library's own dependencies, which an empty
/// `CARGO_HOME` does not have (`cargo xtask test` checks this with one build from a fresh checkout).
pub fn build(root: &Path) -> Result<String, String> {
    fetch(root, Command::new("cargo").arg("fetch"), "the workspace's crates");
    let why_stable = match setup::size_toolchain(root) {
        Ok(toolchain) => {
            let mut std_deps = Command::new("cargo");
            std_deps.args(["fetch", "--target", "wasm32-unknown-unknown"]);
            size_build_env(&mut std_deps, root, &toolchain);
            fetch(
                root,
                &mut std_deps,
                "the standard library's dependencies for -Zbuild-std",
            );
            let mut size_tuned = trunk(root);
            size_build_env(&mut size_tuned, root, &toolchain);
            match cmd::run_keeping_first_error(&mut size_tuned) {
                Ok(()) => {
                    return Ok(format!(
                        "`{}` (installed as `{toolchain}`) with `-Zbuild-std=std,panic_abort`, \
                         `-Zbuild-std-features={SIZE_STD_FEATURES}` and `{SIZE_RUSTFLAGS}`",
                        setup::SIZE_NIGHTLY
                    ))
                }
                Err(why) => format!("the size-tuned build with {toolchain} failed: {why}"),
            }
        }
        Err(why) => format!("the size-tuned build's nightly is not available: {why}"),
    };
    eprintln!(
        "dist: building the site with the stable toolchain instead, because {why_stable} \
         (the site works the same; its .wasm is larger)"
    );
    cmd::run_keeping_first_error(&mut trunk(root))
        .map_err(|why| format!("trunk build --release --offline failed: {why}"))?;
    Ok(format!("the stable toolchain, because {why_stable}"))
}

/// `trunk build --release --offline` in `root`, not yet run.
fn trunk(root: &Path) -> Command {
    let mut trunk = Command::new("trunk");
    trunk
        .args(["build", "--release", "--offline"])
        .current_dir(root)
        .env("TRUNK_SKIP_VERSION_CHECK", "true")
        // Trunk's colour codes do not help in CI logs.
        .env("NO_COLOR", "true");
    trunk
}

/// Runs a `cargo fetch`; a failure is said in one line and is not fatal, since the crates may already be
/// cached (an offline machine with a warm cache still builds).
fn fetch(root: &Path, command: &mut Command, what: &str) {
    if !cmd::run(command.current_dir(root)) {
        eprintln!("dist: could not fetch {what}; the build goes on with the crates already cached");
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `key = value` lines of one `[section]` of a TOML file, as text.
    fn section<'a>(toml: &'a str, name: &str) -> Vec<&'a str> {
        let header = format!("[{name}]");
        toml.lines()
            .skip_while(|l| l.trim() != header)
            .skip(1)
            .take_while(|l| !l.trim_start().starts_with('['))
            .filter(|l| l.contains('='))
            .map(str::trim)
            .collect()
    }

    /// Trunk builds the wasm with the size-tuned profile; every other build (the CLI above all) uses the
    /// speed-tuned `release`.
    #[test]
    fn the_bundle_is_built_for_size_and_the_cli_for_speed() {
        let root = xtask::workspace_root();
        let index = std::fs::read_to_string(root.join("index.html")).unwrap();
        assert!(
            index.contains(&format!("data-cargo-profile-release=\"{WASM_PROFILE}\"")),
            "index.html must build the wasm with the `{WASM_PROFILE}` profile"
        );
        let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        let release = section(&manifest, "profile.release");
        assert!(release.contains(&"opt-level = 3"), "{release:?}");
        assert!(release.contains(&"lto = true"), "{release:?}");
        let wasm = section(&manifest, &format!("profile.{WASM_PROFILE}"));
        assert_eq!(wasm, ["inherits = \"release\"", "opt-level = \"z\""]);
    }

    /// `cargo xtask dist` (Trunk) copies the folders the app fetches from beside the page: the presets, and the
    /// tours core embeds (`switchyard_core::tour::BUNDLED`), each as `tours/{id}.json`.
    #[test]
    fn the_site_carries_the_presets_and_the_tours() {
        let root = xtask::workspace_root();
        let index = std::fs::read_to_string(root.join("index.html")).unwrap();
        for dir in ["presets", "tours"] {
            assert!(
                index.contains(&format!("<link data-trunk rel=\"copy-dir\" href=\"{dir}\" />")),
                "index.html must copy {dir}/ into the site"
            );
        }
        let core = std::fs::read_to_string(root.join("core/src/tour/mod.rs")).unwrap();
        let mut ids = 0;
        for entry in std::fs::read_dir(root.join("tours")).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let id = name.strip_suffix(".json").expect("only tours in tours/");
            assert!(
                core.contains(&format!("(\"{id}\", include_str!(\"../../../tours/{name}\"))")),
                "tours/{name} is not in tour::BUNDLED"
            );
            ids += 1;
        }
        assert!(ids >= 3, "{ids}");
    }
}
