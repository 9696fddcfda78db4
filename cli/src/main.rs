//! `switchyard`: the command-line driver of the Switchyard engine. Each subcommand lives in its own module
//! with a `clap::Args` struct and a `run` function; `main` only dispatches and turns errors into one line on
//! stderr: exit status 2 for a malformed command line, 1 for bad input or a failed run. Nothing panics on
//! bad input.

mod cache;
mod challenge;
mod link;
mod realtime;
mod review;
mod ring;
mod run;
mod shard;
mod size;
mod tour;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "switchyard",
    version,
    about = "Switchyard: simulate system-design topologies from the terminal."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a scenario and print a summary (or JSON).
    Run(run::RunArgs),
    /// Check a scenario file and report every problem with its location.
    Validate(run::ValidateArgs),
    /// Review a scenario's design: single points of failure and common omissions (advice; exit status 0).
    Review(review::ReviewArgs),
    /// List the bundled presets, or print one as JSON.
    Presets(run::PresetsArgs),
    /// Place keys with a consistent-hashing algorithm; report balance and the keys moved by a change.
    Ring(ring::RingArgs),
    /// Replay a request trace through cache eviction policies and report hit ratios.
    Cache(cache::CacheArgs),
    /// Compare short polling, long polling, WebSockets and Server-Sent Events.
    Realtime(realtime::RealtimeArgs),
    /// Partition keys over shards with a sharding scheme; report skew and the keys moved by adding shards.
    Shard(shard::ShardArgs),
    /// Back-of-envelope sizing: daily users to request rates, storage, bandwidth and instances per tier.
    Size(size::SizeArgs),
    /// Encode a scenario as a share-link fragment, or decode one back to JSON.
    Link(link::LinkArgs),
    /// List the challenges, or score a design against one.
    Challenge(challenge::ChallengeArgs),
    /// Play a guided tour step by step: narration, focus and the metrics at each step (or --list the bundled ones).
    Tour(tour::TourArgs),
}

/// Checks `1 <= value <= max` for a count flag.
pub(crate) fn in_range(flag: &str, value: u64, max: u64) -> Result<(), String> {
    if value == 0 {
        Err(format!("{flag} must be at least 1"))
    } else if value > max {
        Err(format!("{flag} {value} is too many (at most {max})"))
    } else {
        Ok(())
    }
}

/// Prints a report as one line of JSON, or as the subcommand's readable summary.
/// Prints `text` and a newline on stdout.
pub(crate) fn print_text(text: &str) -> Result<(), String> {
    use std::io::Write;
    writeln!(std::io::stdout(), "{text}").map_err(|e| format!("writing the report: {e}"))
}

pub(crate) fn print_report<T: serde::Serialize>(
    json: bool,
    report: &T,
    summary: fn(&T) -> String,
) -> Result<(), String> {
    use std::io::Write;
    let text = if json {
        serde_json::to_string(report).map_err(|e| e.to_string())?
    } else {
        summary(report)
    };
    writeln!(std::io::stdout(), "{text}").map_err(|e| format!("writing the report: {e}"))
}

/// A clap error as one line: its message and any hint such as the possible values, without the usage.
fn one_line(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    rendered
        .lines()
        .map(str::trim)
        .take_while(|line| !line.starts_with("Usage:"))
        .filter(|line| !line.is_empty() && !line.starts_with("For more information"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            eprintln!("{}", one_line(&e));
            return ExitCode::from(2);
        }
        // --help and --version print to stdout and succeed.
        Err(e) => e.exit(),
    };
    let result = match &cli.command {
        Command::Run(a) => run::run(a),
        Command::Validate(a) => run::validate(a),
        Command::Review(a) => review::run(a),
        Command::Presets(a) => run::presets(a),
        Command::Ring(a) => ring::run(a),
        Command::Cache(a) => cache::run(a),
        Command::Realtime(a) => realtime::run(a),
        Command::Shard(a) => shard::run(a),
        Command::Size(a) => size::run(a),
        Command::Link(a) => link::run(a),
        Command::Challenge(a) => challenge::run(a),
        Command::Tour(a) => tour::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
