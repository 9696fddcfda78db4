//! Running child processes: echo the command line, run it, and (for test runners) tee its output while
//! counting the results.

use std::io::{BufRead, BufReader};
use std::process::{Command, ExitStatus, Stdio};

/// Echoes `$ program args…` so a log shows exactly what ran.
pub fn echo(cmd: &Command) {
    let mut line = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    eprintln!("$ {line}");
}

/// Runs `cmd` with inherited stdio; true if it exited 0.
pub fn run(cmd: &mut Command) -> bool {
    echo(cmd);
    match cmd.stdin(Stdio::null()).status() {
        Ok(status) => status.success(),
        Err(err) => {
            eprintln!("error: could not run {:?}: {err}", cmd.get_program());
            false
        }
    }
}

/// Runs `cmd` like [`run`], copying its output through while keeping the first line that reports an error,
/// so a caller can say in one line why a build failed. `Err` holds that line (cargo's own `error: …` when
/// there is one, since Trunk's `ERROR` lines only say that cargo failed), or the exit status.
pub fn run_keeping_first_error(cmd: &mut Command) -> Result<(), String> {
    let (mut cargo_error, mut other_error) = (None, None);
    let status = run_watching_output(cmd, |line| match error_in(line) {
        Some(ErrorLine::Cargo(text)) if cargo_error.is_none() => cargo_error = Some(text.to_owned()),
        Some(ErrorLine::Other(text)) if other_error.is_none() => other_error = Some(text.to_owned()),
        _ => {}
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(cargo_error
            .or(other_error)
            .unwrap_or_else(|| format!("exited with {status}")))
    }
}

/// Runs `cmd` with its stdout and stderr copied through line by line, each line also handed to `watch`
/// (Trunk prints cargo's errors on either).
pub fn run_watching_output(cmd: &mut Command, mut watch: impl FnMut(&str)) -> Result<ExitStatus, String> {
    echo(cmd);
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("could not run {:?}: {err}", cmd.get_program()))?;
    let (lines, received) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().expect("stdout is piped");
    let out_lines = lines.clone();
    let out = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = out_lines.send((false, line));
        }
    });
    let stderr = child.stderr.take().expect("stderr is piped");
    let err = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines.send((true, line));
        }
    });
    // Ends when both readers have hung up.
    for (is_stderr, line) in received {
        if is_stderr {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
        watch(&line);
    }
    let _ = (out.join(), err.join());
    child
        .wait()
        .map_err(|err| format!("waiting for {:?}: {err}", cmd.get_program()))
}

#[derive(Debug, PartialEq)]
enum ErrorLine<'a> {
    /// cargo's or rustc's `error: …` / `error[E…]: …`, perhaps indented under another tool's report.
    Cargo(&'a str),
    /// A log line at level `ERROR` (Trunk's, after a timestamp): what follows the level.
    Other(&'a str),
}

fn error_in(line: &str) -> Option<ErrorLine<'_>> {
    let line = line.trim();
    if line.starts_with("error:") || line.starts_with("error[") {
        return Some(ErrorLine::Cargo(line));
    }
    let mut words = line.splitn(3, ' ').filter(|w| !w.is_empty());
    let (first, second) = (words.next()?, words.next());
    let rest = |after: &str| line.split_once(after).map_or("", |(_, r)| r.trim());
    match (first, second) {
        ("ERROR", _) => Some(ErrorLine::Other(rest("ERROR"))),
        (_, Some("ERROR")) => Some(ErrorLine::Other(rest("ERROR"))),
        _ => None,
    }
}

/// The first line of `cmd`'s stdout, or `None` if it cannot run or fails. For `--version` probes.
pub fn first_line(cmd: &mut Command) -> Option<String> {
    let output = cmd.stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    Some(text.lines().next().unwrap_or_default().trim().to_owned())
}

/// Test results summed over every `test result:` line a runner printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
    /// How many `test result:` lines were seen.
    pub suites: u64,
}

/// Runs a test command, copying its stdout through while counting results. Returns whether it exited 0.
pub fn run_tests(cmd: &mut Command) -> (bool, Counts) {
    echo(cmd);
    let mut child = match cmd.stdin(Stdio::null()).stdout(Stdio::piped()).spawn() {
        Ok(child) => child,
        Err(err) => {
            eprintln!("error: could not run {:?}: {err}", cmd.get_program());
            return (false, Counts::default());
        }
    };
    let mut counts = Counts::default();
    let stdout = child.stdout.take().expect("stdout is piped");
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        println!("{line}");
        if let Some((passed, failed)) = parse_result_line(&line) {
            counts.passed += passed;
            counts.failed += failed;
            counts.suites += 1;
        }
    }
    let ok = child.wait().is_ok_and(|status| status.success());
    (ok, counts)
}

/// `(passed, failed)` from a libtest summary such as
/// `test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s`
/// (wasm-bindgen-test-runner prints the same shape).
pub fn parse_result_line(line: &str) -> Option<(u64, u64)> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let (_verdict, rest) = rest.split_once(". ")?;
    let count = |label: &str| {
        rest.split(';')
            .map(str::trim)
            .find_map(|part| part.strip_suffix(label)?.trim().parse::<u64>().ok())
    };
    Some((count(" passed")?, count(" failed")?))
}

#[cfg(test)]
mod tests {
    use super::{error_in, parse_result_line, ErrorLine};

    #[test]
    fn recognises_the_lines_that_report_an_error() {
        use ErrorLine::{Cargo, Other};
        for (line, expect) in [
            (
                "error: no matching package named `wasip1` found",
                Some(Cargo("error: no matching package named `wasip1` found")),
            ),
            (
                "       error: simulated failure",
                Some(Cargo("error: simulated failure")),
            ),
            (
                "error[E0425]: cannot find value `x` in this scope",
                Some(Cargo("error[E0425]: cannot find value `x` in this scope")),
            ),
            (
                "2026-12-06T18:24:27.246648Z ERROR error from build pipeline",
                Some(Other("error from build pipeline")),
            ),
            ("error from build pipeline", None),
            (
                "  = note: offline mode (via `--offline`) can cause surprising resolution failures",
                None,
            ),
            ("warning: unused variable: `error`", None),
            ("   Compiling error-chain v0.12.4", None),
        ] {
            assert_eq!(error_in(line), expect, "{line}");
        }
    }

    #[test]
    fn parses_libtest_and_wasm_runner_summaries() {
        for (line, expect) in [
            (
                "test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s",
                Some((3, 0)),
            ),
            (
                "test result: FAILED. 10 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.20s",
                Some((10, 2)),
            ),
            (
                "test result: ok. 1 passed; 0 failed; 0 ignored; 0 filtered out; finished in 0.02s",
                Some((1, 0)),
            ),
            ("running 3 tests", None),
            ("test result: garbled", None),
        ] {
            assert_eq!(parse_result_line(line), expect, "{line}");
        }
    }
}
