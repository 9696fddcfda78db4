//! `switchyard run`, `validate` and `presets`: load a scenario (a file, `-` for stdin, or `preset:NAME`), run it
//! on the engine, and print a readable summary or JSON.

use clap::Args;
use std::io::Read;
use std::time::Instant;
use switchyard_core::metrics::{ConsistencyReport, EngineReport, GroupFigures, Report};
use switchyard_core::scenario::{self, Scenario, ScenarioError};
use switchyard_core::topology::Topology;
use switchyard_core::{presets, Sim};

/// The largest scenario file read, in bytes.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Scenario file, `-` for standard input, or `preset:NAME`.
    pub scenario: String,
    /// Override the scenario's seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Override the number of requests (and drop the scenario's duration limit).
    #[arg(long)]
    pub requests: Option<u64>,
    /// Print JSON instead of a summary.
    #[arg(long)]
    pub json: bool,
    /// Include the per-bucket time series in the JSON.
    #[arg(long)]
    pub series: bool,
    /// Check the replicated databases' histories: linearizability, stale reads, lost writes, availability.
    #[arg(long)]
    pub check: bool,
}

#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// Scenario file, `-` for standard input, or `preset:NAME`.
    pub scenario: String,
}

#[derive(Args, Debug)]
pub struct PresetsArgs {
    /// Print this preset's JSON.
    pub name: Option<String>,
}

/// Reads the scenario text from a file, stdin or a bundled preset, with a size limit.
pub(crate) fn read_source(src: &str) -> Result<String, String> {
    if let Some(name) = src.strip_prefix("preset:") {
        return presets::get(name)
            .map(str::to_string)
            .ok_or_else(|| format!("no preset named \"{name}\" (see `switchyard presets`)"));
    }
    let mut text = String::new();
    let read = if src == "-" {
        std::io::stdin().take(MAX_FILE_BYTES + 1).read_to_string(&mut text)
    } else {
        let f = std::fs::File::open(src).map_err(|e| format!("cannot open {src}: {e}"))?;
        f.take(MAX_FILE_BYTES + 1).read_to_string(&mut text)
    };
    read.map_err(|e| format!("cannot read {src}: {e}"))?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(format!("{src} is larger than {} MiB", MAX_FILE_BYTES / 1024 / 1024));
    }
    Ok(text)
}

pub(crate) fn describe(src: &str, e: &ScenarioError) -> String {
    match e {
        ScenarioError::Invalid(errors) if errors.len() > 1 => {
            let mut s = format!("{src}: {} problems:", errors.len());
            for e in errors {
                s.push_str(&format!("\n  - {e}"));
            }
            s
        }
        e => format!("{src}: {e}"),
    }
}

pub(crate) fn load(src: &str) -> Result<Scenario, String> {
    load_topology(src).map(|(s, _)| s)
}

/// Reads and validates a scenario: the document and the topology built from it.
pub(crate) fn load_topology(src: &str) -> Result<(Scenario, Topology), String> {
    let text = read_source(src)?;
    scenario::load(&text).map_err(|e| describe(src, &e))
}

pub fn run(a: &RunArgs) -> Result<(), String> {
    let mut s = load(&a.scenario)?;
    if let Some(n) = a.requests {
        s.requests = Some(n);
        s.duration_ms = None;
    }
    let seed = a.seed.unwrap_or(s.seed);
    let mut sim = Sim::new(&s, seed).map_err(|e| describe(&a.scenario, &e))?;
    if a.check && !sim.has_clusters() {
        return Err(format!(
            "{}: --check needs a replicated database (a \"clusters\" entry) to check",
            a.scenario
        ));
    }
    let started = Instant::now();
    sim.run_to_end();
    let report = sim.report();
    let check = a
        .check
        .then(|| sim.check_consistency(&switchyard_core::history::CheckOptions::default()));
    let wall_ms = started.elapsed().as_secs_f64() * 1e3;
    if a.json {
        #[derive(serde::Serialize)]
        struct Out<'a> {
            #[serde(flatten)]
            report: &'a Report,
            #[serde(skip_serializing_if = "Option::is_none")]
            series: Option<&'a [switchyard_core::metrics::Bucket]>,
            #[serde(flatten, skip_serializing_if = "Option::is_none")]
            check: Option<&'a ConsistencyReport>,
            /// One row per second of virtual time, for plotting outside the app.
            per_second: Vec<switchyard_core::metrics::seconds::SecondRow>,
            #[serde(skip_serializing_if = "std::ops::Not::not")]
            per_second_truncated: bool,
            wall_ms: f64,
        }
        let out = Out {
            report: &report,
            check: check.as_ref(),
            per_second: sim.per_second(),
            per_second_truncated: sim.per_second_truncated(),
            series: a.series.then(|| sim.metrics().series.as_slice()),
            wall_ms: (wall_ms * 1000.0).round() / 1000.0,
        };
        println!("{}", serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?);
    } else {
        // Unbounded nodes (no worker limit) report mean busy connections, not a fraction of workers.
        let unbounded: Vec<bool> = sim.topology().nodes.iter().map(|n| n.workers.is_none()).collect();
        print!("{}", summary(&report, &unbounded, wall_ms));
        if let Some(c) = &check {
            print!("{}", check_summary(c));
        }
    }
    Ok(())
}

fn check_summary(c: &ConsistencyReport) -> String {
    let verdict = match &c.linearizable {
        serde_json::Value::Bool(true) => "yes".to_string(),
        serde_json::Value::Bool(false) => match &c.violation {
            Some(v) => format!(
                "NO (cluster {}, key {}: operations {:?} conflict)",
                v.cluster, v.key, v.ops
            ),
            None => "NO".to_string(),
        },
        _ => "unknown (the search ran out of budget)".to_string(),
    };
    let mut s = format!(
        "  check
    linearizable  {verdict}
"
    );
    s.push_str(&format!(
        "    stale reads   {}
    lost writes   {}
    availability  {:.2}%",
        c.stale_reads,
        c.lost_writes,
        c.availability * 100.0
    ));
    for (side, a) in &c.availability_by_side {
        s.push_str(&format!("  ({side} {:.2}%)", a * 100.0));
    }
    s.push('\n');
    s
}

/// The readable summary; `unbounded[i]` says node `i` has no worker limit.
fn summary(r: &Report, unbounded: &[bool], wall_ms: f64) -> String {
    let mut s = String::new();
    let title = if r.scenario.is_empty() { "scenario" } else { &r.scenario };
    s.push_str(&format!("{title} (seed {})\n", r.seed));
    s.push_str(&format!(
        "  requests   {} issued, {} completed, {} failed, {} in flight\n",
        r.issued, r.completed, r.failed, r.in_flight
    ));
    if r.failed > 0 {
        let f = &r.failed_by_reason;
        s.push_str(&format!(
            "  failures   refused {}, queue full {}, timeout {}, crashed {}, lost {}, unavailable {}\n",
            f.refused, f.queue_full, f.timeout, f.crashed, f.lost, f.unavailable
        ));
        if f.too_large > 0 {
            s.push_str(&format!("             too large for a queue {}\n", f.too_large));
        }
        let resilience = [
            ("error", f.error),
            ("rate limited", f.rate_limited),
            ("shed", f.shed),
            ("circuit open", f.circuit_open),
            ("bulkhead full", f.bulkhead_full),
            ("deadline exceeded", f.deadline_exceeded),
            ("logged out", f.logged_out),
            ("unsupported", f.unsupported),
            ("aborted", f.aborted),
            ("out of memory", f.out_of_memory),
        ];
        let shown: Vec<String> = resilience
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(what, n)| format!("{what} {n}"))
            .collect();
        if !shown.is_empty() {
            s.push_str(&format!("             {}\n", shown.join(", ")));
        }
        if f.memory_limit > 0 {
            s.push_str(&format!(
                "             memory limit {} (refused: the run held the most live requests or pending events it may)\n",
                f.memory_limit
            ));
        }
    }
    if r.retries > 0 {
        s.push_str(&format!("  retries    {} ({} attempts)\n", r.retries, r.attempts));
    }
    if r.retries_denied > 0 {
        s.push_str(&format!(
            "             {} retries refused by the retry budget\n",
            r.retries_denied
        ));
    }
    if let (Some(g), Some(rps)) = (r.goodput, r.goodput_rps) {
        s.push_str(&format!(
            "  goodput    {g} calls within their deadline ({rps:.1} req/s, {:.1}% of issued)\n",
            if r.issued == 0 {
                0.0
            } else {
                g as f64 * 100.0 / r.issued as f64
            }
        ));
    }
    for g in &r.groups {
        s.push_str(&format!(
            "  group {}: {} instances ({} serving, desired {}, {}..{}), peak {}, {} scale-outs, {} scale-ins, {} replaced, {:.2} instance-hours\n",
            g.id, g.instances, g.in_service, g.desired, g.min, g.max, g.peak, g.scale_outs, g.scale_ins, g.replacements, g.instance_hours
        ));
    }
    if let Some(c) = &r.cost {
        s.push_str(&format!(
            "  cost       ${:.4} (${:.3}/h at the end, ${:.3}/h on average)\n",
            c.total_usd, c.per_hour, c.mean_per_hour
        ));
    }
    if let Some(u) = &r.sessions {
        s.push_str(&format!(
            "  sessions   {} users, {} active; {} logins, {} lost, {} requests logged out\n",
            u.users, u.active, u.logins, u.lost, u.logged_out
        ));
    }
    for e in &r.edges {
        s.push_str(&format!(
            "  calls {} -> {}: {} calls, {} attempts ({:.2} per call, {:.2} per client call), {} timeouts, {} late answers",
            e.from, e.to, e.calls, e.attempts, e.attempts_per_call, e.attempts_per_client_call, e.timeouts, e.late_answers
        ));
        if e.budget_denied > 0 {
            s.push_str(&format!(", {} retries refused by the budget", e.budget_denied));
        }
        if e.bulkhead_full > 0 {
            s.push_str(&format!(", {} refused by the bulkhead", e.bulkhead_full));
        }
        if let Some(b) = &e.breaker {
            s.push_str(&format!(
                "; breaker {} now, opened {} times, {:.0} ms not closed, {} calls failed fast",
                b.state, b.opened, b.not_closed_ms, e.circuit_open
            ));
        }
        s.push('\n');
    }
    s.push_str(&format!(
        "  throughput {:.1} req/s; the run ended at {:.1} ms of virtual time\n",
        r.throughput_rps, r.elapsed_ms
    ));
    let l = &r.latency_ms;
    s.push_str(&format!(
        "  latency    mean {:.3} ms  p50 {:.3}  p90 {:.3}  p99 {:.3}  p99.9 {:.3}  max {:.3}\n",
        l.mean, l.p50, l.p90, l.p99, l.p999, l.max
    ));
    // The breakdowns only say something new when there is more than one row.
    if r.by_class.len() > 1 {
        s.push_str("  by class\n");
        for c in &r.by_class {
            s.push_str(&group_line(c.class, &c.figures));
        }
    }
    if r.by_client.len() > 1 {
        s.push_str("  by client\n");
        for c in &r.by_client {
            s.push_str(&group_line(&c.client, &c.figures));
        }
    }
    if !r.by_op.is_empty() {
        s.push_str("  by operation\n");
        for o in &r.by_op {
            s.push_str(&group_line(
                &format!("{:<24}", format!("{} {}", o.client, o.op)),
                &o.figures,
            ));
        }
    }
    for e in &r.engines {
        s.push_str(&engine_lines(e));
    }
    s.push_str("  nodes\n");
    for (i, n) in r.nodes.iter().enumerate() {
        let load = if unbounded.get(i).copied().unwrap_or(false) {
            format!("in flight {:.1}", n.utilization)
        } else {
            format!("util {:>5.1}%", n.utilization * 100.0)
        };
        let mut line = format!(
            "    {:<16} {:<13} {load}  queue avg {:.2} max {}  wait {:.3} ms",
            n.id, n.kind, n.mean_queue, n.max_queue, n.mean_wait_ms
        );
        if let Some(c) = &n.cache {
            line.push_str(&format!(
                "  hit ratio {:.1}%  origin {} req",
                c.hit_ratio * 100.0,
                c.origin_requests
            ));
            for (n, what) in [
                (c.stale_reads, "stale reads"),
                (c.lost_writes, "lost writes"),
                (c.coalesced, "coalesced"),
            ] {
                if n > 0 {
                    line.push_str(&format!("  {n} {what}"));
                }
            }
        }
        if !n.up {
            line.push_str("  DOWN");
        }
        s.push_str(&line);
        s.push('\n');
    }
    if let Some(t) = &r.tasks {
        s.push_str(&format!(
            "  tasks      {} enqueued, {} done (mean {:.3} ms), {} failed, {} lost\n",
            t.enqueued, t.completed, t.mean_latency_ms, t.failed, t.lost
        ));
    }
    if let Some(rt) = &r.realtime {
        s.push_str("  realtime channels\n");
        s.push_str(&crate::realtime::table(rt));
    }
    for sr in &r.shard_routers {
        let load: Vec<String> = sr
            .shards
            .iter()
            .filter(|x| x.active)
            .map(|x| format!("{} {}", x.node, x.requests))
            .collect();
        s.push_str(&format!(
            "  shards     {} ({}): load skew {:.2}, data skew {:.2}; requests {}\n",
            sr.id,
            sr.scheme,
            sr.load_skew,
            sr.data_skew,
            load.join(", ")
        ));
        for b in &sr.rebalances {
            s.push_str(&format!(
                "             {} {} at {:.0} ms: {} of {} keys moved ({:.1}%, {} bytes); {} copied\n",
                b.action,
                b.shard,
                b.at_ms,
                b.keys_moved,
                b.keys_total,
                b.moved_fraction * 100.0,
                b.bytes_moved,
                sr.migrated
            ));
        }
        if let Some(f) = &sr.fanout {
            s.push_str(&format!(
                "             {} cross-shard queries: p50 {:.3} ms  p99 {:.3} ms, {} failed\n",
                f.queries, f.p50_ms, f.p99_ms, f.failed
            ));
        }
        if let Some(d) = &sr.directory {
            s.push_str(&format!(
                "             directory: {} lookups, router cache {} hits / {} misses\n",
                d.lookups, d.cache_hits, d.cache_misses
            ));
        }
    }
    for d in &r.databases {
        s.push_str(&format!(
            "  database   {} ({} {}): {} ops, availability {:.2}%, {} stale reads, {} lost writes, {} failovers\n",
            d.cluster,
            d.mode,
            d.consistency,
            d.all.ops,
            d.all.availability * 100.0,
            d.all.stale_reads,
            d.lost_writes,
            d.failovers
        ));
        for side in &d.by_side {
            s.push_str(&format!(
                "    {:<12} {} ops, {} ok, {} unavailable, availability {:.2}%, {} stale reads\n",
                side.side,
                side.counts.ops,
                side.counts.ok,
                side.counts.unavailable,
                side.counts.availability * 100.0,
                side.counts.stale_reads
            ));
        }
    }
    s.push_str(&format!("  {} events in {:.1} ms of wall time\n", r.events, wall_ms));
    s
}

/// A database's storage engine: what each operation cost its workers, then what its profile keeps count of.
fn engine_lines(e: &EngineReport) -> String {
    let ops: Vec<String> = e
        .ops
        .iter()
        .map(|o| format!("{} {:.3} ms", o.op, o.mean_service_ms))
        .collect();
    let mut s = format!(
        "  engine {} ({}): worker time per op {}\n",
        e.node,
        e.profile,
        ops.join(", ")
    );
    let mut extra = Vec::new();
    for u in &e.unsupported_ops {
        extra.push(format!("unsupported {} ({}): {}", u.op, u.refused, u.reason));
    }
    if e.transactions > 0 {
        extra.push(format!(
            "transactions {}, lock waits {} (mean {:.3} ms, max {:.3} ms), aborts {}",
            e.transactions, e.lock_waits, e.lock_wait_mean_ms, e.lock_wait_max_ms, e.aborts
        ));
    }
    if let (Some(runs), Some(max)) = (e.runs, e.max_runs) {
        extra.push(format!(
            "sorted runs {runs} (at most {max}), flushes {}, compactions {}",
            e.flushes, e.compactions
        ));
    }
    if let Some(keys) = e.keys {
        extra.push(format!(
            "keys {keys}, hits {}, misses {}, evicted {}, refused (full) {}",
            e.hits, e.misses, e.evictions, e.refused_full
        ));
    }
    if e.stale_reads > 0 {
        extra.push(format!("stale denormalized reads {}", e.stale_reads));
    }
    for x in extra {
        s.push_str(&format!("    {x}\n"));
    }
    s
}

/// One row of the per-class or per-client breakdown.
fn group_line(name: &str, g: &GroupFigures) -> String {
    format!(
        "    {name:<16} {:>7} issued, {:>7} completed, {:>6} failed  mean {:.3} ms  p50 {:.3}  p99 {:.3}\n",
        g.issued, g.completed, g.failed, g.mean_ms, g.p50_ms, g.p99_ms
    )
}

pub fn validate(a: &ValidateArgs) -> Result<(), String> {
    let s = load(&a.scenario)?;
    // A tour is checked as it would play: every step's actions carried out and every step's design built.
    let steps = switchyard_core::tour::scenes(&s, &switchyard_core::tour::bundled_preset)
        .map_err(|e| format!("{}: {e}", a.scenario))?
        .len();
    let tour = if steps > 0 {
        format!(", a tour of {steps} steps")
    } else {
        String::new()
    };
    println!(
        "{}: ok ({} nodes, {} edges, {} fault entries{tour})",
        a.scenario,
        s.nodes.len(),
        s.edges.len(),
        s.faults.len()
    );
    Ok(())
}

pub fn presets(a: &PresetsArgs) -> Result<(), String> {
    match &a.name {
        Some(name) => {
            let text = presets::get(name).ok_or_else(|| format!("no preset named \"{name}\""))?;
            print!("{text}");
        }
        None => {
            for (name, text) in presets::ALL {
                let title = scenario::parse(text).map(|s| s.name).unwrap_or_default();
                println!("{name:<24} {title}");
            }
        }
    }
    Ok(())
}
