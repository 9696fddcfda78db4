//! `switchyard`: the command-line driver of the Switchyard engine. Every subcommand prints one clear error
//! line and exits non-zero on bad input; none of them panics on it.

mod run;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "switchyard",
    version,
    about = "Simulate system-design topologies: run, validate, compare."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario and print a summary (or JSON).
    Run(run::RunArgs),
    /// Check a scenario file and report every problem with its location.
    Validate(run::ValidateArgs),
    /// List the bundled presets, or print one as JSON.
    Presets(run::PresetsArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Run(a) => run::run(a),
        Command::Validate(a) => run::validate(a),
        Command::Presets(a) => run::presets(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}
