//! Running child processes: echo the command line, run it, and (for test runners) tee its output while
//! counting the results.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

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
    use super::parse_result_line;

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
