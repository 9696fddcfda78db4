//! `switchyard challenge`: list the bundled challenges, and score a design against one with the same seeded run
//! the app uses, so the CLI and the app print the same score card.

use crate::run::{load, read_source};
use clap::{Args, Subcommand};
use switchyard_core::challenge::{self, Challenge, ScoreCard};

#[derive(Args, Debug)]
pub struct ChallengeArgs {
    #[command(subcommand)]
    pub command: ChallengeCommand,
}

#[derive(Subcommand, Debug)]
pub enum ChallengeCommand {
    /// List the bundled challenges.
    List,
    /// Run a design under a challenge's locked traffic and faults and score every goal.
    Check {
        /// The challenge: a file, `-`, or `challenge:ID` for a bundled one.
        challenge: String,
        /// The design: a scenario file, `-`, `preset:NAME`, or `reference` / `start` for the challenge's own.
        solution: String,
        /// Print the score card as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn load_challenge(src: &str) -> Result<Challenge, String> {
    let text = match src.strip_prefix("challenge:") {
        Some(id) => challenge::get(id)
            .map(str::to_string)
            .ok_or_else(|| format!("no challenge named \"{id}\" (see `switchyard challenge list`)"))?,
        None => read_source(src)?,
    };
    challenge::parse(&text).map_err(|e| format!("{src}: {e}"))
}

pub fn run(a: &ChallengeArgs) -> Result<(), String> {
    match &a.command {
        ChallengeCommand::List => {
            for (id, json) in challenge::ALL {
                let c = challenge::parse(json).map_err(|e| format!("challenge {id}: {e}"))?;
                println!("{id:<24} {:<12} {}", c.level.name(), c.title);
            }
            Ok(())
        }
        ChallengeCommand::Check {
            challenge,
            solution,
            json,
        } => {
            let ch = load_challenge(challenge)?;
            let design = match solution.as_str() {
                "reference" => ch.reference.clone(),
                "start" => ch.start.clone(),
                other => load(other)?,
            };
            let card = challenge::score(&ch, &design).map_err(|e| format!("{solution}: {e}"))?;
            let text = if *json { card.to_json() } else { card_text(&card) };
            crate::print_text(&text)
        }
    }
}

/// The score card as the app shows it: each goal with its target and what the run measured.
fn card_text(c: &ScoreCard) -> String {
    let mut s = format!(
        "{} (seed {}): {} of {} goals, score {}{}\n",
        c.challenge,
        c.seed,
        c.passed,
        c.goals.len(),
        c.score,
        if c.solved { ", solved" } else { "" }
    );
    for g in &c.goals {
        let target = match (g.at_least, g.at_most) {
            (Some(a), Some(b)) => format!("between {a} and {b}"),
            (Some(a), None) => format!("at least {a}"),
            (None, Some(b)) => format!("at most {b}"),
            (None, None) => String::new(),
        };
        s.push_str(&format!(
            "  {} {}: measured {} (target {target})\n",
            if g.pass { "pass" } else { "FAIL" },
            g.label,
            g.measured
        ));
    }
    s.pop();
    s
}
