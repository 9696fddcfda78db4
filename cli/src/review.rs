//! `switchyard review`: the design review of a scenario (single points of failure and the checklist, see
//! `switchyard_core::review`), as aligned lines or JSON. Findings are advice, so the exit status is 0 whatever
//! they say; only a file that cannot be read or does not validate is an error.

use clap::Args;
use switchyard_core::review::{review, Finding};

#[derive(Args, Debug)]
pub struct ReviewArgs {
    /// Scenario file, `-` for standard input, or `preset:NAME`.
    pub scenario: String,
    /// Print JSON instead of lines.
    #[arg(long)]
    pub json: bool,
}

/// One finding as `--json` prints it.
#[derive(serde::Serialize)]
struct Out<'a> {
    rule: &'static str,
    severity: &'static str,
    node: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    edge: Option<Edge<'a>>,
    reason: &'a str,
    key: String,
}

#[derive(serde::Serialize)]
struct Edge<'a> {
    from: &'a str,
    to: &'a str,
}

pub fn run(a: &ReviewArgs) -> Result<(), String> {
    let (_, topology) = crate::run::load_topology(&a.scenario)?;
    let findings = review(&topology);
    let report = Report {
        source: &a.scenario,
        findings: findings.iter().map(out).collect(),
    };
    crate::print_report(a.json, &report, lines)
}

/// What `--json` prints: `{"findings": [...]}`.
#[derive(serde::Serialize)]
struct Report<'a> {
    #[serde(skip)]
    source: &'a str,
    findings: Vec<Out<'a>>,
}

fn out(f: &Finding) -> Out<'_> {
    Out {
        rule: f.rule.id(),
        severity: f.severity().name(),
        node: &f.node,
        edge: f.edge.as_ref().map(|(from, to)| Edge { from, to }),
        reason: &f.reason,
        key: f.key(),
    }
}

/// A heading, then one line per finding: severity, rule, where (a node, or `from -> to` for a call), why.
fn lines(r: &Report) -> String {
    let (src, findings) = (r.source, &r.findings);
    let n = findings.len();
    let mut s = match n {
        0 => format!("{src}: no findings"),
        1 => format!("{src}: 1 finding (advice: keep what you chose on purpose)"),
        _ => format!("{src}: {n} findings (advice: keep what you chose on purpose)"),
    };
    let place = |f: &Out| match &f.edge {
        Some(e) => format!("{} -> {}", e.from, e.to),
        None => f.node.to_string(),
    };
    let width = |len: &dyn Fn(&Out) -> usize| findings.iter().map(len).max().unwrap_or(0);
    let (rule_w, place_w) = (width(&|f| f.rule.len()), width(&|f| place(f).chars().count()));
    for f in findings {
        s.push_str(&format!(
            "\n  {:<6}  {:<rule_w$}  {:<place_w$}  {}",
            f.severity,
            f.rule,
            place(f),
            f.reason
        ));
    }
    s
}
