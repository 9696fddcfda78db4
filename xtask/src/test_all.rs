//! `cargo xtask test`: every check CI runs, in order. Each step runs even if an earlier one failed; the
//! last line printed is `N passed, M failed`, where a failing non-test step (fmt, clippy, a build) counts
//! as one failure. Exits non-zero if anything failed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use xtask::browser;

use crate::cmd::{self, Counts};
use crate::{chromium, fresh, setup, site};

struct Outcome {
    name: &'static str,
    ok: bool,
    /// `None` for steps that are not test runs.
    counts: Option<Counts>,
    seconds: f64,
    note: String,
}

#[derive(Default)]
struct Report {
    outcomes: Vec<Outcome>,
}

impl Report {
    /// Runs a step that is not a test run: it passes or it is one failure.
    fn step(&mut self, name: &'static str, f: impl FnOnce() -> Result<(), String>) -> bool {
        banner(name);
        let start = Instant::now();
        let result = f();
        let note = result.as_ref().err().cloned().unwrap_or_default();
        if !note.is_empty() {
            eprintln!("error: {note}");
        }
        self.push(name, result.is_ok(), None, start, note)
    }

    /// Runs a test command and counts what it reports. A failing exit with no failed test (a compile
    /// error, a crashed runner) and a run that reports no tests at all each count as one failure.
    fn tests(&mut self, name: &'static str, command: &mut Command) -> bool {
        banner(name);
        let start = Instant::now();
        let (exited_ok, counts) = cmd::run_tests(command);
        let note = match (exited_ok, counts.suites) {
            (_, 0) => "reported no test results".to_owned(),
            (false, _) if counts.failed == 0 => "failed outside any test".to_owned(),
            _ => String::new(),
        };
        let ok = exited_ok && counts.suites > 0 && counts.failed == 0;
        self.push(name, ok, Some(counts), start, note)
    }

    /// Records a step that could not run because an earlier one failed.
    fn blocked(&mut self, name: &'static str, why: &str) {
        banner(name);
        eprintln!("error: not run: {why}");
        self.outcomes.push(Outcome {
            name,
            ok: false,
            counts: None,
            seconds: 0.0,
            note: format!("not run: {why}"),
        });
    }

    fn push(&mut self, name: &'static str, ok: bool, counts: Option<Counts>, start: Instant, note: String) -> bool {
        let seconds = start.elapsed().as_secs_f64();
        self.outcomes.push(Outcome {
            name,
            ok,
            counts,
            seconds,
            note,
        });
        ok
    }

    /// `(passed, failed)` over all steps.
    fn totals(&self) -> (u64, u64) {
        self.outcomes.iter().fold((0, 0), |(passed, failed), o| match o.counts {
            Some(c) => (passed + c.passed, failed + c.failed + u64::from(!o.ok && c.failed == 0)),
            None => (passed, failed + u64::from(!o.ok)),
        })
    }

    fn print(&self) {
        println!("\n== xtask test summary ==");
        for o in &self.outcomes {
            let counts = o
                .counts
                .map(|c| format!("{} passed, {} failed", c.passed, c.failed))
                .unwrap_or_default();
            let verdict = if o.ok { "ok  " } else { "FAIL" };
            println!("{verdict}  {:<30} {:>7.1}s  {counts}  {}", o.name, o.seconds, o.note);
        }
        let (passed, failed) = self.totals();
        println!("{passed} passed, {failed} failed");
    }
}

fn banner(name: &str) {
    eprintln!("\n== {name} ==");
}

fn cargo(root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new("cargo");
    command.args(args).current_dir(root);
    command
}

/// Runs every step; true if all passed.
pub fn run(root: &Path) -> bool {
    let mut report = Report::default();
    report.step("setup", || setup::run(root));
    report.step("fmt", || {
        ok_or(
            cmd::run(&mut cargo(root, &["fmt", "--all", "--check"])),
            "cargo fmt --all --check",
        )
    });
    report.step("clippy", || {
        let args = ["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"];
        ok_or(cmd::run(&mut cargo(root, &args)), "clippy found problems")
    });
    report.step("clippy (web, wasm32)", || {
        let args = [
            "clippy",
            "-p",
            "switchyard-web",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ];
        ok_or(
            cmd::run(&mut cargo(root, &args)),
            "clippy found problems in the wasm build",
        )
    });
    report.tests(
        "native tests",
        &mut cargo(
            root,
            &["test", "--workspace", "--exclude", "switchyard-e2e", "--no-fail-fast"],
        ),
    );
    let browser_ready = report.step("chromium", chromium::ensure);
    for (package, name) in [
        ("switchyard-core", "core tests (wasm32, chromium)"),
        ("switchyard-web", "web component tests (wasm32, chromium)"),
    ] {
        if !browser_ready {
            report.blocked(name, "Chromium is not installed");
            continue;
        }
        match wasm_test_command(root, package, &["--tests"]) {
            Ok(mut command) => {
                report.tests(name, &mut command);
            }
            Err(why) => {
                report.step(name, || Err(why));
            }
        }
    }
    // The release bundle's engine is compiled differently from the tests' (see `site::size_build_env`): its
    // determinism tests run once more, built exactly that way.
    let name = "core determinism tests (wasm32, release bundle's build)";
    match (browser_ready, setup::size_toolchain(root)) {
        (false, _) => report.blocked(name, "Chromium is not installed"),
        // Without the nightly the bundle is built like the tests above, which covered it.
        (_, Err(_)) => {
            report.step(name, || {
                eprintln!("not needed: without the pinned nightly the bundle is built like the wasm tests above");
                Ok(())
            });
        }
        (true, Ok(toolchain)) => match wasm_test_command(
            root,
            "switchyard-core",
            &[
                "--profile",
                site::WASM_PROFILE,
                "--test",
                "wasm_determinism",
                "--test",
                "wasm_smoke",
            ],
        ) {
            Ok(mut command) => {
                site::size_build_env(&mut command, root, &toolchain);
                // A test harness needs libtest rebuilt too, and tests that abort rather than unwind.
                command
                    .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort,test")
                    .env("CARGO_UNSTABLE_PANIC_ABORT_TESTS", "true");
                report.tests(name, &mut command);
            }
            Err(why) => {
                report.step(name, || Err(why));
            }
        },
    }
    let built = report.step("release site build", || site::build(root).map(drop));
    match (browser_ready, built) {
        (true, true) => {
            report.tests(
                "e2e browser tests",
                &mut cargo(root, &["test", "-p", "switchyard-e2e", "--no-fail-fast"]),
            );
        }
        (false, _) => report.blocked("e2e browser tests", "Chromium is not installed"),
        (_, false) => report.blocked("e2e browser tests", "the release site did not build"),
    }
    report.step("release site build, fresh checkout, empty CARGO_HOME", || {
        fresh::check(root)
    });
    report.print();
    report.totals().1 == 0
}

fn ok_or(ok: bool, message: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(message.to_owned())
    }
}

/// `cargo test -p <package>` for wasm32, run by wasm-bindgen-test-runner in headless Chromium: core's wasm
/// tests, and the web crate's component tests. The runner adds `headless` and `no-sandbox` itself; the rest
/// of our flags go in through a `webdriver.json` capabilities file. `--tests` leaves out doctests, which run
/// natively.
fn wasm_test_command(root: &Path, package: &str, targets: &[&str]) -> Result<Command, String> {
    let driver = browser::chromedriver().ok_or("chromedriver is not on PATH")?;
    let capabilities = write_webdriver_json(root)?;
    let mut command = cargo(
        root,
        &[
            "test",
            "-p",
            package,
            "--target",
            "wasm32-unknown-unknown",
            "--no-fail-fast",
        ],
    );
    command.args(targets);
    command
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
        .env("CHROMEDRIVER", driver)
        .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", capabilities)
        // The default 20 s is tight for a cold Chromium on a loaded two-core machine.
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    Ok(command)
}

fn write_webdriver_json(root: &Path) -> Result<PathBuf, String> {
    let capabilities = serde_json::json!({ "goog:chromeOptions": browser::chrome_options(&[]) });
    let dir = root.join("target/xtask");
    let path = dir.join("webdriver.json");
    fs::create_dir_all(&dir)
        .and_then(|()| fs::write(&path, capabilities.to_string()))
        .map_err(|e| format!("writing {}: {e}", path.display()))?;
    Ok(path)
}
