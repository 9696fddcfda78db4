//! `switchyard`: the command-line driver of the Switchyard engine. Each subcommand lives in its own
//! module with a `clap::Args` struct and a `run` function; `main` only dispatches and turns errors into
//! one line on stderr and a non-zero exit.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod ring;

#[derive(Parser, Debug)]
#[command(
    name = "switchyard",
    version,
    about = "Switchyard: a system-design simulator"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Place keys with a consistent-hashing algorithm; report balance and the keys moved by a change.
    Ring(ring::RingArgs),
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
        Command::Ring(args) => ring::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
