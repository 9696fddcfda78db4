//! `switchyard link encode|decode`: turn a scenario into a share-link fragment (`#s=v1.…`) and back, with the
//! limits and typed errors of `switchyard_core::share`.

use clap::{Args, Subcommand};
use std::io::Read;
use switchyard_core::{scenario, share};

#[derive(Args, Debug)]
pub struct LinkArgs {
    #[command(subcommand)]
    pub command: LinkCommand,
}

#[derive(Subcommand, Debug)]
pub enum LinkCommand {
    /// Print the share-link fragment (`#s=v1.…`) of a scenario; its length goes to stderr.
    Encode {
        /// Scenario file, `-` for standard input, or `preset:NAME`.
        scenario: String,
    },
    /// Print the scenario JSON inside a link: a fragment (`#s=v1.…`, `v1.…`), a whole URL, or a file holding one.
    Decode {
        /// The fragment, a URL ending in one, or a file (`-` for standard input) that holds it.
        link: String,
    },
}

pub fn run(a: &LinkArgs) -> Result<(), String> {
    match &a.command {
        LinkCommand::Encode { scenario } => {
            let s = crate::run::load(scenario)?;
            let fragment = format!("#s={}", share::encode(&s));
            println!("{fragment}");
            eprintln!("{} characters", fragment.len());
            Ok(())
        }
        LinkCommand::Decode { link } => {
            let text = read_link(link)?;
            // A whole URL: the fragment is what follows `#s=`.
            let fragment = match text.find("#s=") {
                Some(i) => &text[i..],
                None => text.as_str(),
            };
            let s = share::decode(fragment).map_err(|e| format!("{}: {e}", shown(link)))?;
            println!("{}", scenario::to_json_pretty(&s));
            Ok(())
        }
    }
}

/// The link itself, or the contents of the file it names. At most one byte more than a link may hold is read,
/// so an oversized file is reported by `decode` as too large without being read whole.
fn read_link(arg: &str) -> Result<String, String> {
    let limit = share::MAX_FRAGMENT_BYTES as u64 + 1;
    let mut text = String::new();
    let read = if arg == "-" {
        std::io::stdin().take(limit).read_to_string(&mut text)
    } else if std::path::Path::new(arg).is_file() {
        let f = std::fs::File::open(arg).map_err(|e| format!("cannot open {arg}: {e}"))?;
        f.take(limit).read_to_string(&mut text)
    } else {
        return Ok(arg.to_string());
    };
    read.map_err(|e| format!("cannot read {arg}: {e}"))?;
    Ok(text)
}

/// What names the link in an error: the argument, shortened when it is the link itself.
fn shown(arg: &str) -> String {
    if arg.chars().count() <= 40 {
        arg.to_string()
    } else {
        let head: String = arg.chars().take(37).collect();
        format!("{head}…")
    }
}
