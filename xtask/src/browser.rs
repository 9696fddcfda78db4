//! Headless Chromium as this project runs it: the flags, and where the browser and its driver are.

use std::path::PathBuf;

use crate::find_on_path;

/// Flags for headless Chromium on these machines. We run as root (hence `--no-sandbox`) with no network
/// beyond loopback, so everything that phones home is switched off; without that Chromium floods the
/// closed network and slows every page load.
pub const HEADLESS_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// WebDriver's `goog:chromeOptions` for headless Chromium: [`HEADLESS_FLAGS`] then `extra`, and the
/// binary if one is found.
pub fn chrome_options(extra: &[String]) -> serde_json::Value {
    let args: Vec<String> = HEADLESS_FLAGS
        .iter()
        .map(|f| f.to_string())
        .chain(extra.iter().cloned())
        .collect();
    let mut options = serde_json::json!({ "args": args });
    if let Some(chromium) = chromium() {
        options["binary"] = chromium.display().to_string().into();
    }
    options
}

/// The Chromium binary: `$CHROMIUM` if set, else `chromium` on `PATH`.
pub fn chromium() -> Option<PathBuf> {
    from_env_or_path("CHROMIUM", "chromium")
}

/// The chromedriver binary: `$CHROMEDRIVER` if set, else `chromedriver` on `PATH`.
pub fn chromedriver() -> Option<PathBuf> {
    from_env_or_path("CHROMEDRIVER", "chromedriver")
}

fn from_env_or_path(var: &str, name: &str) -> Option<PathBuf> {
    match std::env::var_os(var) {
        Some(path) => Some(PathBuf::from(path)).filter(|p| p.is_file()),
        None => find_on_path(name),
    }
}
