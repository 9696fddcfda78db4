//! Makes sure headless Chromium and its matching chromedriver are installed before any browser step.
//! Installs them with apt when running as root; otherwise says exactly what to install. Never skips.

use std::process::Command;

use xtask::browser;

use crate::cmd;

const INSTALL: &str = "apt-get update && apt-get install -y chromium chromium-driver";

pub fn ensure() -> Result<(), String> {
    if browser::chromium().is_none() || browser::chromedriver().is_none() {
        if !is_root() {
            return Err(format!(
                "the browser tests need Chromium and chromedriver; install them with `sudo {INSTALL}`"
            ));
        }
        eprintln!("chromium: missing; installing with apt");
        let apt = |args: &[&str]| {
            cmd::run(
                Command::new("apt-get")
                    .args(args)
                    .env("DEBIAN_FRONTEND", "noninteractive"),
            )
        };
        if !(apt(&["update"]) && apt(&["install", "-y", "chromium", "chromium-driver"])) {
            return Err(format!(
                "`{INSTALL}` failed; install Chromium and chromedriver, then rerun"
            ));
        }
    }
    let (Some(chromium), Some(driver)) = (browser::chromium(), browser::chromedriver()) else {
        return Err(format!(
            "Chromium or chromedriver is still not on PATH after `{INSTALL}`"
        ));
    };
    let version =
        |path| cmd::first_line(Command::new(path).arg("--version")).unwrap_or_else(|| "unknown version".into());
    eprintln!("chromium: {} ({})", version(&chromium), chromium.display());
    eprintln!("chromium: {} ({})", version(&driver), driver.display());
    Ok(())
}

fn is_root() -> bool {
    cmd::first_line(Command::new("id").arg("-u")).as_deref() == Some("0")
}
