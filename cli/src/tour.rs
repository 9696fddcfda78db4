//! `switchyard tour`: play a guided tour step by step without a browser. For each step it prints the
//! narration as plain text (markup stripped), where the step leaves the run, what it points at, and the metrics
//! panel's readouts there, from [`tour::replay`] (the state Back shows, which going forward reaches too). A
//! tour is a scenario file with a `tour`, or a bundled tour by id (`journey` or `tour:journey`).

use clap::Args;
use serde::Serialize;
use switchyard_core::scenario::v1::TourMetric;
use switchyard_core::tour::{self, markup, Readout, Scene};

use crate::run::read_source;

#[derive(Args, Debug)]
pub struct TourArgs {
    /// A scenario file with a tour, `-` for standard input, or a bundled tour's id (`journey`, `tour:journey`).
    #[arg(required_unless_present = "list")]
    pub tour: Option<String>,
    /// Print a JSON array, one object per step, instead of text.
    #[arg(long)]
    pub json: bool,
    /// Only this step (counted from 1).
    #[arg(long)]
    pub step: Option<usize>,
    /// List the bundled tours with their titles and step counts.
    #[arg(long, conflicts_with_all = ["tour", "step", "json"])]
    pub list: bool,
}

/// One step as `--json` prints it.
#[derive(Serialize)]
struct StepOut<'a> {
    step: usize,
    title: &'a str,
    /// The narration as plain text: paragraphs separated by a blank line, markup stripped.
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    preset: Option<&'a str>,
    start_ms: f64,
    at_ms: f64,
    playing: bool,
    focus: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    highlight: Option<&'static str>,
    metrics: Readout,
}

/// The scenario text of a tour argument: `tour:ID`, a bundled id that names no file, or a file (or `-`).
fn source(arg: &str) -> Result<String, String> {
    if let Some(id) = arg.strip_prefix("tour:") {
        return tour::bundled(id)
            .map(str::to_owned)
            .ok_or_else(|| format!("no bundled tour named \"{id}\" (see `switchyard tour --list`)"));
    }
    match tour::bundled(arg) {
        Some(text) if !std::path::Path::new(arg).exists() => Ok(text.to_owned()),
        _ => read_source(arg),
    }
}

/// The narration as plain text: each paragraph's spans joined, paragraphs separated by a blank line.
pub(crate) fn plain(text: &str) -> String {
    markup::parse(text)
        .iter()
        .map(|p| p.iter().map(|s| s.text.as_str()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A metric's name as a tour file spells it.
fn metric_name(m: TourMetric) -> &'static str {
    // Unit variants in declaration order, as `NAMES` lists them.
    TourMetric::NAMES[m as usize]
}

pub fn run(a: &TourArgs) -> Result<(), String> {
    if a.list {
        return list();
    }
    let src = a.tour.as_deref().unwrap_or_default();
    let text = source(src)?;
    let doc = load_text(src, &text)?;
    if doc.tour.is_none() {
        return Err(format!("{src}: the scenario has no tour"));
    }
    let scenes = tour::scenes(&doc, &tour::bundled_preset).map_err(|e| format!("{src}: {e}"))?;
    let picked: Vec<usize> = match a.step {
        None => (0..scenes.len()).collect(),
        Some(n) if (1..=scenes.len()).contains(&n) => vec![n - 1],
        Some(n) => {
            return Err(format!(
                "--step {n}: the tour has {} steps (counted from 1)",
                scenes.len()
            ))
        }
    };
    let mut steps = Vec::with_capacity(picked.len());
    for &i in &picked {
        let scene = &scenes[i];
        let sim = tour::replay(scene).map_err(|e| format!("{src}: tour step {}: {e}", i + 1))?;
        steps.push(StepOut {
            step: i + 1,
            title: &scene.title,
            text: plain(&scene.text),
            preset: scene.preset.as_deref(),
            start_ms: scene.start_ms,
            at_ms: scene.at_ms,
            playing: scene.playing,
            focus: &scene.focus,
            highlight: scene.highlight.map(metric_name),
            metrics: Readout::of(&sim),
        });
    }
    if a.json {
        let text = serde_json::to_string_pretty(&steps).map_err(|e| e.to_string())?;
        return crate::print_text(&text);
    }
    let title = doc.tour.as_ref().map(|t| t.title.as_str()).unwrap_or_default();
    let mut out = format!(
        "{} ({} steps)\n",
        if title.is_empty() { src } else { title },
        scenes.len()
    );
    for s in &steps {
        out.push('\n');
        out.push_str(&step_text(s, scenes.len(), &scenes[s.step - 1]));
    }
    crate::print_text(out.trim_end())
}

/// Parses and validates a tour's scenario text, with the CLI's wording for errors.
fn load_text(src: &str, text: &str) -> Result<switchyard_core::Scenario, String> {
    switchyard_core::scenario::load(text)
        .map(|(s, _)| s)
        .map_err(|e| crate::run::describe(src, &e))
}

fn step_text(s: &StepOut, total: usize, scene: &Scene) -> String {
    let mut out = format!("Step {}/{total}", s.step);
    if !s.title.is_empty() {
        out.push_str(&format!(": {}", s.title));
    }
    out.push('\n');
    let mut at = format!("  at {} ms", num(s.at_ms));
    if let Some(p) = s.preset {
        at.push_str(&format!(" of {p}"));
    }
    if scene.start_ms != scene.at_ms {
        at.push_str(&format!(" (plays from {} ms)", num(scene.start_ms)));
    }
    if s.playing {
        at.push_str(", then keeps playing");
    }
    out.push_str(&at);
    out.push('\n');
    if !s.focus.is_empty() {
        out.push_str(&format!("  focus      {}\n", s.focus.join(", ")));
        for n in s.metrics.nodes.iter().filter(|n| s.focus.contains(&n.id)) {
            let load = match n.workers {
                Some(w) => format!("{w} workers {:.1}% busy", n.utilization * 100.0),
                None => format!("{:.1} in flight on average", n.utilization),
            };
            out.push_str(&format!(
                "             {:<12} {} arrived, {} served, {load}{}\n",
                n.id,
                n.arrivals,
                n.served,
                if n.up { "" } else { ", DOWN" }
            ));
        }
    }
    if let Some(h) = s.highlight {
        out.push_str(&format!("  highlight  {h}\n"));
    }
    for para in s.text.split("\n\n") {
        out.push_str(&format!("  | {para}\n"));
    }
    let m = &s.metrics;
    out.push_str(&format!(
        "  metrics    {} completed, {} failed, {} in flight; throughput {:.1} req/s; p50 {:.3} ms, p99 {:.3} ms\n",
        m.completed, m.failed, m.in_flight, m.throughput_rps, m.p50_ms, m.p99_ms
    ));
    let mut extra = Vec::new();
    if let Some(h) = m.hit_ratio {
        extra.push(format!("hit ratio {:.1}%", h * 100.0));
    }
    if let Some(n) = m.stale_reads {
        extra.push(format!("stale reads {n}"));
    }
    if let Some(n) = m.lost_writes {
        extra.push(format!("lost writes {n}"));
    }
    if let Some(n) = m.queued {
        extra.push(format!("queued {n}"));
    }
    if let Some(n) = m.goodput {
        extra.push(format!("goodput {n}"));
    }
    if !m.down.is_empty() {
        extra.push(format!("down: {}", m.down.join(", ")));
    }
    if !extra.is_empty() {
        out.push_str(&format!("             {}\n", extra.join("; ")));
    }
    if let Some(r) = &m.recent {
        out.push_str(&format!(
            "  last bucket {}..{} ms: {} completed, {} failed, {:.1} req/s, p99 {:.3} ms\n",
            num(r.from_ms),
            num(r.to_ms),
            r.completed,
            r.failed,
            r.throughput_rps,
            r.p99_ms
        ));
    }
    out
}

/// A time in ms without a needless fraction.
fn num(ms: f64) -> String {
    if ms.fract() == 0.0 && ms.abs() < 1e15 {
        format!("{}", ms as i64)
    } else {
        format!("{ms}")
    }
}

fn list() -> Result<(), String> {
    let mut out = String::new();
    for (id, text) in tour::BUNDLED {
        let doc = switchyard_core::scenario::parse(text).map_err(|e| format!("bundled tour {id}: {e}"))?;
        let t = doc.tour.as_ref();
        let title = t.map(|t| t.title.as_str()).unwrap_or_default();
        let steps = t.map_or(0, |t| t.steps.len());
        out.push_str(&format!("{id:<10} {title} ({steps} steps)\n"));
    }
    crate::print_text(out.trim_end())
}
