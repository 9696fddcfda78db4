//! `switchyard size`: the capacity calculator (`switchyard_core::capacity`). From five back-of-envelope inputs
//! on the command line it prints the plan (request rates, storage, bandwidth); from a scenario file it uses the
//! file's `sizing` (flags override single inputs) and also prints how many instances each tier of the design
//! needs at the peak; `--apply OUT` writes the scenario with its clients filled from the plan.

use clap::Args;
use switchyard_core::capacity::{self, Plan, Sizing, TierSuggestion};
use switchyard_core::scenario;

#[derive(Args, Debug)]
pub struct SizeArgs {
    /// Scenario file, `-` for standard input, or `preset:NAME`: size its design (from its `sizing`).
    pub scenario: Option<String>,
    /// Daily active users.
    #[arg(long)]
    pub dau: Option<f64>,
    /// Requests per user per day.
    #[arg(long = "per-user")]
    pub per_user: Option<f64>,
    /// Reads per write (100 means 100:1).
    #[arg(long = "reads-per-write")]
    pub reads_per_write: Option<f64>,
    /// Average object (and response) size in bytes.
    #[arg(long = "object-bytes")]
    pub object_bytes: Option<f64>,
    /// Peak over average (at least 1).
    #[arg(long)]
    pub peak: Option<f64>,
    /// Days written objects are kept, for the storage total (365 when absent).
    #[arg(long = "retention-days")]
    pub retention_days: Option<f64>,
    /// Write the scenario with its clients filled from the plan to this file (needs a scenario).
    #[arg(long, value_name = "OUT")]
    pub apply: Option<String>,
    /// Print JSON instead of lines.
    #[arg(long)]
    pub json: bool,
}

/// What `--json` prints.
#[derive(serde::Serialize)]
struct Report {
    sizing: SizingOut,
    plan: PlanOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    tiers: Option<Vec<TierOut>>,
    #[serde(skip)]
    text: String,
}

#[derive(serde::Serialize)]
struct SizingOut {
    daily_active_users: f64,
    requests_per_user: f64,
    reads_per_write: f64,
    object_bytes: f64,
    peak_factor: f64,
    retention_days: f64,
}

#[derive(serde::Serialize)]
struct PlanOut {
    avg_rps: f64,
    peak_rps: f64,
    read_fraction: f64,
    peak_read_rps: f64,
    peak_write_rps: f64,
    writes_per_day: f64,
    storage_per_day_bytes: f64,
    storage_bytes: f64,
    bandwidth_out_bytes_per_s: f64,
    bandwidth_in_bytes_per_s: f64,
}

#[derive(serde::Serialize)]
struct TierOut {
    name: String,
    kind: &'static str,
    nodes: Vec<String>,
    load_rps: f64,
    classes: &'static str,
    instance_rps: f64,
    instances: u32,
    needed: Option<u32>,
}

/// The sizing the flags give, on top of `base` (a file's `sizing`), or an error naming what is missing.
fn sizing_from(a: &SizeArgs, base: Option<&Sizing>) -> Result<Sizing, String> {
    let pick = |flag: Option<f64>, from: Option<f64>, name: &str| {
        flag.or(from).ok_or_else(|| {
            if a.scenario.is_some() {
                format!("the scenario has no `sizing` block: give --dau, --per-user, --reads-per-write, --object-bytes and --peak (missing {name})")
            } else {
                format!("missing {name}: give --dau, --per-user, --reads-per-write, --object-bytes and --peak, or a scenario file with a `sizing` block")
            }
        })
    };
    let s = Sizing {
        daily_active_users: pick(a.dau, base.map(|b| b.daily_active_users), "--dau")?,
        requests_per_user: pick(a.per_user, base.map(|b| b.requests_per_user), "--per-user")?,
        reads_per_write: pick(a.reads_per_write, base.map(|b| b.reads_per_write), "--reads-per-write")?,
        object_bytes: pick(a.object_bytes, base.map(|b| b.object_bytes), "--object-bytes")?,
        peak_factor: pick(a.peak, base.map(|b| b.peak_factor), "--peak")?,
        retention_days: a.retention_days.or(base.and_then(|b| b.retention_days)),
    };
    s.check().map_err(|e| {
        // Name the flag, not the file's member, when the value came from a flag.
        let text = e.to_string();
        let flags = [
            ("sizing.daily_active_users", a.dau, "--dau"),
            ("sizing.requests_per_user", a.per_user, "--per-user"),
            ("sizing.reads_per_write", a.reads_per_write, "--reads-per-write"),
            ("sizing.object_bytes", a.object_bytes, "--object-bytes"),
            ("sizing.peak_factor", a.peak, "--peak"),
            ("sizing.retention_days", a.retention_days, "--retention-days"),
        ];
        flags
            .iter()
            .find(|(member, flag, _)| flag.is_some() && text.starts_with(member))
            .map_or(text.clone(), |(member, _, name)| text.replacen(member, name, 1))
    })?;
    Ok(s)
}

pub fn run(a: &SizeArgs) -> Result<(), String> {
    let loaded = match &a.scenario {
        Some(src) => Some(crate::run::load(src)?),
        None => None,
    };
    if a.apply.is_some() && loaded.is_none() {
        return Err("--apply needs a scenario file to fill".to_owned());
    }
    let sizing = sizing_from(a, loaded.as_ref().and_then(|s| s.sizing.as_ref()))?;
    let plan = capacity::plan(&sizing);
    let tiers = loaded.as_ref().map(|s| capacity::suggest(&plan, s));
    if let (Some(out), Some(mut s)) = (&a.apply, loaded) {
        capacity::apply(&mut s, &sizing).map_err(|e| e.to_string())?;
        scenario::load(&scenario::to_json_pretty(&s)).map_err(|e| format!("the filled scenario: {e}"))?;
        std::fs::write(out, scenario::to_json_pretty(&s) + "\n").map_err(|e| format!("cannot write {out}: {e}"))?;
    }
    let mut text = format!("Plan: {}", capacity::summary(&sizing, &plan));
    if let Some(t) = &tiers {
        text.push('\n');
        text.push_str(&capacity::tiers_summary(t));
        for line in capacity::tiers_detail(t) {
            text.push_str("\n  ");
            text.push_str(&line);
        }
    }
    if let Some(out) = &a.apply {
        text.push_str(&format!(
            "\nWrote {out}: the clients send {} req/s at peak.",
            capacity::rate(plan.peak_rps)
        ));
    }
    let report = Report {
        sizing: sizing_out(&sizing),
        plan: plan_out(&plan),
        tiers: tiers.map(|t| t.iter().map(tier_out).collect()),
        text,
    };
    crate::print_report(a.json, &report, |r| r.text.clone())
}

fn sizing_out(s: &Sizing) -> SizingOut {
    SizingOut {
        daily_active_users: s.daily_active_users,
        requests_per_user: s.requests_per_user,
        reads_per_write: s.reads_per_write,
        object_bytes: s.object_bytes,
        peak_factor: s.peak_factor,
        retention_days: s.retention(),
    }
}

fn plan_out(p: &Plan) -> PlanOut {
    PlanOut {
        avg_rps: p.avg_rps,
        peak_rps: p.peak_rps,
        read_fraction: p.read_fraction,
        peak_read_rps: p.peak_read_rps,
        peak_write_rps: p.peak_write_rps,
        writes_per_day: p.writes_per_day,
        storage_per_day_bytes: p.storage_per_day_bytes,
        storage_bytes: p.storage_bytes,
        bandwidth_out_bytes_per_s: p.bandwidth_out_bps,
        bandwidth_in_bytes_per_s: p.bandwidth_in_bps,
    }
}

fn tier_out(t: &TierSuggestion) -> TierOut {
    TierOut {
        name: t.name.clone(),
        kind: t.kind.name(),
        nodes: t.nodes.clone(),
        load_rps: t.load_rps,
        classes: t.classes.name(),
        instance_rps: t.instance_rps,
        instances: t.instances,
        needed: t.needed,
    }
}
