//! The capacity calculator: back-of-envelope sizing as code. [`plan`] turns a [`Sizing`] (daily users,
//! requests per user, read:write ratio, object size, peak factor) into request rates, storage and bandwidth;
//! [`suggest`] reads a design's own tiers (their workers and mean service times) and says how many instances
//! the peak needs at [`TARGET_UTILISATION`]; [`apply`] fills a design's clients with the plan's peak and read
//! mix. Plain arithmetic, no run: the run is what checks the estimate.
//!
//! The formulas ([`plan`]):
//! - average rps = DAU × requests per user / 86,400; peak rps = average × peak factor;
//! - reads are `r / (r + 1)` of requests and writes `1 / (r + 1)`, for `r` reads per write;
//! - storage per day = writes per day × object size; over the retention = per day × retention days;
//! - bandwidth at peak: out = peak reads/s × object size, in = peak writes/s × object size.

pub mod sizing;

pub use sizing::{Sizing, SizingError, DEFAULT_RETENTION_DAYS, SECONDS_PER_DAY};

use crate::node::NodeKind;
use crate::scenario::v1::{Arrival, Mix, NodeSpec, OpEntry, OpKind, Scenario, StationSpec, Workload};
use crate::topology::check::dist_from_v1;
use std::collections::BTreeMap;
use std::fmt;

/// The utilisation [`suggest`] sizes each tier for: 70% busy at the peak leaves headroom for bursts (queueing
/// delay grows as `ρ / (1 - ρ)`, so it roughly doubles from 70% to 82% and again to 91%).
pub const TARGET_UTILISATION: f64 = 0.7;

/// What a [`Sizing`] comes to: rates, storage and bandwidth (see the module's formulas).
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Requests per second over the whole day.
    pub avg_rps: f64,
    /// Requests per second in the busiest second: `avg_rps × peak_factor`.
    pub peak_rps: f64,
    /// The share of requests that read, `r / (r + 1)`.
    pub read_fraction: f64,
    /// Reads and writes per second at the peak.
    pub peak_read_rps: f64,
    pub peak_write_rps: f64,
    /// Writes per day.
    pub writes_per_day: f64,
    /// Bytes written per day: `writes_per_day × object_bytes`.
    pub storage_per_day_bytes: f64,
    /// The retention the total is for, in days.
    pub retention_days: f64,
    /// Bytes kept over the retention: `storage_per_day_bytes × retention_days`.
    pub storage_bytes: f64,
    /// Bytes per second served to readers at the peak: `peak_read_rps × object_bytes`.
    pub bandwidth_out_bps: f64,
    /// Bytes per second received from writers at the peak: `peak_write_rps × object_bytes`.
    pub bandwidth_in_bps: f64,
}

/// Computes the plan of a sizing (see the module's formulas). It does not validate: call [`Sizing::check`]
/// first where the inputs come from a user ([`apply`] does).
pub fn plan(s: &Sizing) -> Plan {
    let avg_rps = s.daily_active_users * s.requests_per_user / SECONDS_PER_DAY;
    let peak_rps = avg_rps * s.peak_factor;
    let read_fraction = s.reads_per_write / (s.reads_per_write + 1.0);
    let write_fraction = 1.0 / (s.reads_per_write + 1.0);
    let writes_per_day = s.daily_active_users * s.requests_per_user * write_fraction;
    let storage_per_day_bytes = writes_per_day * s.object_bytes;
    let retention_days = s.retention();
    Plan {
        avg_rps,
        peak_rps,
        read_fraction,
        peak_read_rps: peak_rps * read_fraction,
        peak_write_rps: peak_rps * write_fraction,
        writes_per_day,
        storage_per_day_bytes,
        retention_days,
        storage_bytes: storage_per_day_bytes * retention_days,
        bandwidth_out_bps: peak_rps * read_fraction * s.object_bytes,
        bandwidth_in_bps: peak_rps * write_fraction * s.object_bytes,
    }
}

/// One tier of a design and how many instances the plan's peak needs of it.
#[derive(Clone, Debug, PartialEq)]
pub struct TierSuggestion {
    /// The nodes of the tier: nodes of one kind fed by the same callers (web servers behind one balancer,
    /// shards behind one router), in document order.
    pub nodes: Vec<String>,
    /// The first node's label (else its id), without a trailing number when the tier has several nodes.
    pub name: String,
    pub kind: NodeKind,
    /// Requests per second that reach the tier at the peak (see [`suggest`] for what is assumed).
    pub load_rps: f64,
    /// Whether only some request classes reach the tier (its edges carry reads only, or writes only, …).
    pub classes: ClassLoad,
    /// Requests per second one instance serves when fully busy: workers / mean service time.
    pub instance_rps: f64,
    /// Instances the design has (an autoscaling group counts its starting size).
    pub instances: u32,
    /// Instances the load needs at [`TARGET_UTILISATION`]: `ceil(load / (0.7 × instance_rps))`, at least 1;
    /// `None` when a mean service time is infinite (a Pareto tail with `alpha <= 1`).
    pub needed: Option<u32>,
}

/// Which requests reach a tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClassLoad {
    /// Reads and writes.
    All,
    /// Only reads (static assets, API reads).
    Reads,
    /// Only writes (API writes, background jobs).
    Writes,
    /// Nothing reaches it.
    None,
}

impl ClassLoad {
    /// The words the CLI and the app print.
    pub const fn name(self) -> &'static str {
        match self {
            ClassLoad::All => "reads and writes",
            ClassLoad::Reads => "reads",
            ClassLoad::Writes => "writes",
            ClassLoad::None => "nothing",
        }
    }
}

/// Request classes in `workload::Class` order: static asset, API read, API write, background job.
type Rates = [f64; 4];
const READ_CLASSES: [usize; 2] = [0, 1];
const WRITE_CLASSES: [usize; 2] = [2, 3];

/// The rate a client's arrival process is sized by: the steady rate (Poisson, constant, on/off while on), a
/// spike's base, a ramp's final rate. [`apply`] scales every rate of a process by the same factor.
pub fn nominal_rps(a: &Arrival) -> f64 {
    match *a {
        Arrival::Constant { rate_rps } | Arrival::Poisson { rate_rps } | Arrival::OnOff { rate_rps, .. } => rate_rps,
        Arrival::Spike { base_rps, .. } => base_rps,
        Arrival::Ramp { to_rps, .. } => to_rps,
    }
}

fn scale_arrival(a: &mut Arrival, factor: f64) {
    match a {
        Arrival::Constant { rate_rps } | Arrival::Poisson { rate_rps } | Arrival::OnOff { rate_rps, .. } => {
            *rate_rps *= factor
        }
        Arrival::Spike {
            base_rps, spike_rps, ..
        } => {
            *base_rps *= factor;
            *spike_rps *= factor;
        }
        Arrival::Ramp { from_rps, to_rps, .. } => {
            *from_rps *= factor;
            *to_rps *= factor;
        }
    }
}

/// The clients of a scenario (indices) and the workload each sends.
fn clients(s: &Scenario) -> Vec<(usize, &Workload)> {
    s.nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| match &n.spec {
            NodeSpec::Client(c) => Some((i, c.workload.as_ref().unwrap_or(&s.workload))),
            _ => None,
        })
        .collect()
}

fn is_write_op(op: OpKind) -> bool {
    matches!(op, OpKind::Put | OpKind::Txn)
}

/// A workload's class shares, summing to 1 (all zeros when its weights are all zero).
fn class_shares(w: &Workload) -> Rates {
    let mut r = [0.0; 4];
    if w.ops.is_empty() {
        r = [
            w.mix.static_asset,
            w.mix.api_read,
            w.mix.api_write,
            w.mix.background_job,
        ];
    } else {
        for e in &w.ops {
            r[if is_write_op(e.op) { 2 } else { 1 }] += e.weight.unwrap_or(1.0);
        }
    }
    let total: f64 = r.iter().sum();
    if total > 0.0 && total.is_finite() {
        r.iter_mut().for_each(|x| *x /= total);
        r
    } else {
        [0.0; 4]
    }
}

/// How many instances a design's tiers need at the plan's peak, from the design's own numbers.
///
/// What it assumes, to stay arithmetic rather than a run:
/// - the peak enters through the clients, split between them in proportion to their current rates, each
///   client's reads and writes in its own mix's proportions within each group, re-weighted to the plan's
///   read:write ratio;
/// - a client, balancer, proxy, cache or CDN, shard router or queue sends each request down one of the
///   out-edges that carry its class (split evenly, or by edge `weight`); a service, database, directory,
///   worker pool or rate limiter calls every out-edge that carries the class; a rate limiter passes at most
///   its `rate_rps`;
/// - caches miss every time (the cold-cache worst case: a hit ratio is only known by running), so tiers
///   behind a cache are sized for everything the cache passes through;
/// - DNS is left out (clients cache answers for `dns_ttl_ms`, so its load is not the request rate);
/// - an instance serves `workers / mean service time` requests per second (the service time's mean, without a
///   database's index and engine costs, which depend on the operation). A worker is also held while its node
///   waits on its dependencies, so a service in front of slow calls serves fewer than that: for such a tier the
///   suggestion is a lower bound, and the run shows the real utilisation.
///
/// A tier is the station nodes (service, database, directory, worker pool) of one kind with the same callers.
pub fn suggest(plan: &Plan, s: &Scenario) -> Vec<TierSuggestion> {
    let n = s.nodes.len();
    let index: BTreeMap<&str, usize> = s.nodes.iter().enumerate().map(|(i, x)| (x.id.as_str(), i)).collect();
    // Out-edges: (target, class bit mask, weight); in-neighbours for the tiers and the order.
    let mut out: Vec<Vec<(usize, u8, f64)>> = vec![Vec::new(); n];
    let mut callers: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in &s.edges {
        let (Some(&a), Some(&b)) = (index.get(e.from.as_str()), index.get(e.to.as_str())) else {
            continue;
        };
        if a == b || matches!(s.nodes[b].spec, NodeSpec::Dns(_)) {
            continue;
        }
        let mask = e
            .classes
            .as_ref()
            .map_or(0b1111, |cs| cs.iter().fold(0u8, |m, c| m | 1 << (*c as u8)));
        out[a].push((b, mask, f64::from(e.weight.unwrap_or(1))));
        callers[b].push(a);
    }
    // What the clients send at the peak, per class.
    let mut inflow: Vec<Rates> = vec![[0.0; 4]; n];
    let cs = clients(s);
    let shares: Vec<(usize, f64, Rates)> = cs
        .iter()
        .map(|&(i, w)| (i, nominal_rps(&w.arrival).max(0.0), class_shares(w)))
        .collect();
    let total_rate: f64 = shares.iter().map(|x| x.1).sum();
    for group in [READ_CLASSES, WRITE_CLASSES] {
        let target = if group == READ_CLASSES {
            plan.peak_read_rps
        } else {
            plan.peak_write_rps
        };
        let weight = |rate: f64| {
            if total_rate > 0.0 && total_rate.is_finite() {
                rate / total_rate
            } else {
                1.0 / shares.len().max(1) as f64
            }
        };
        let have: f64 = shares
            .iter()
            .map(|(_, rate, sh)| weight(*rate) * group.iter().map(|&c| sh[c]).sum::<f64>())
            .sum();
        for (i, rate, sh) in &shares {
            for &c in &group {
                inflow[*i][c] += if have > 0.0 {
                    target * weight(*rate) * sh[c] / have
                } else if c == group[1] {
                    // No client sends this group yet: the plan's share goes to the group's API class.
                    target * weight(*rate)
                } else {
                    0.0
                };
            }
        }
    }
    // Kahn's order (document order among the ready), so a cycle's nodes simply get no flow.
    let mut indegree: Vec<usize> = callers.iter().map(Vec::len).collect();
    let mut ready: Vec<usize> = (0..n).rev().filter(|&i| indegree[i] == 0).collect();
    while let Some(u) = ready.pop() {
        let rates = inflow[u];
        let spec = &s.nodes[u].spec;
        let calls_all = matches!(
            spec,
            NodeSpec::Service(_)
                | NodeSpec::Database(_)
                | NodeSpec::Directory(_)
                | NodeSpec::WorkerPool(_)
                | NodeSpec::RateLimiter(_)
        );
        let pass = match spec {
            NodeSpec::RateLimiter(l) => {
                let total: f64 = rates.iter().sum();
                if total > l.rate_rps && total > 0.0 {
                    l.rate_rps / total
                } else {
                    1.0
                }
            }
            NodeSpec::Dns(_) => 0.0,
            _ => 1.0,
        };
        for (c, rate) in rates.iter().enumerate() {
            let carrying: Vec<&(usize, u8, f64)> = out[u].iter().filter(|e| e.1 & (1 << c) != 0).collect();
            let weights: f64 = carrying.iter().map(|e| e.2).sum();
            for &&(to, _, w) in &carrying {
                inflow[to][c] += rate * pass * if calls_all { 1.0 } else { w / weights };
            }
        }
        for &(to, _, _) in &out[u] {
            indegree[to] -= 1;
            if indegree[to] == 0 {
                // Keep the ready list sorted descending, so the smallest index pops first.
                let at = ready.partition_point(|&x| x > to);
                ready.insert(at, to);
            }
        }
    }
    // Tiers: station nodes grouped by kind and callers, in document order of their first node.
    let mut tiers: Vec<(NodeKind, Vec<usize>, Vec<usize>)> = Vec::new();
    for (i, node) in s.nodes.iter().enumerate() {
        if station(&node.spec).is_none() {
            continue;
        }
        let mut from = callers[i].clone();
        from.sort_unstable();
        from.dedup();
        let kind = node.spec.kind();
        match tiers.iter_mut().find(|t| t.0 == kind && t.1 == from) {
            Some(t) => t.2.push(i),
            None => tiers.push((kind, from, vec![i])),
        }
    }
    tiers
        .into_iter()
        .map(|(kind, _, members)| {
            let mut load = [0.0; 4];
            let mut capacity = 0.0;
            let mut instances = 0u32;
            for &i in &members {
                inflow[i].iter().enumerate().for_each(|(c, r)| load[c] += r);
                if let Some(st) = station(&s.nodes[i].spec) {
                    let count = st.group.as_ref().map_or(1, |g| g.desired.unwrap_or(g.min)).max(1);
                    let mean_s = dist_from_v1(&st.service_time).mean_ms() / 1_000.0;
                    let per = f64::from(st.workers) / mean_s;
                    capacity += per * f64::from(count);
                    instances = instances.saturating_add(count);
                }
            }
            let instance_rps = capacity / f64::from(instances.max(1));
            let load_rps: f64 = load.iter().sum();
            let reads: f64 = READ_CLASSES.iter().map(|&c| load[c]).sum();
            let writes: f64 = WRITE_CLASSES.iter().map(|&c| load[c]).sum();
            let classes = match (reads > 0.0, writes > 0.0) {
                (true, true) => ClassLoad::All,
                (true, false) => ClassLoad::Reads,
                (false, true) => ClassLoad::Writes,
                (false, false) => ClassLoad::None,
            };
            let needed = if instance_rps.is_nan() || instance_rps <= 0.0 {
                None
            } else if instance_rps.is_infinite() {
                Some(1)
            } else {
                let n = (load_rps / (TARGET_UTILISATION * instance_rps)).ceil();
                Some(n.clamp(1.0, f64::from(u32::MAX)) as u32)
            };
            let first = &s.nodes[members[0]];
            let label = first.label.as_deref().unwrap_or(&first.id);
            // A tier of numbered twins ("Web 1", "Web 2") is named without the number.
            let stem = label.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end();
            let name = if members.len() > 1 && !stem.is_empty() {
                stem
            } else {
                label
            };
            TierSuggestion {
                nodes: members.iter().map(|&i| s.nodes[i].id.clone()).collect(),
                name: name.to_owned(),
                kind,
                load_rps,
                classes,
                instance_rps,
                instances,
                needed,
            }
        })
        .collect()
}

/// The station spec of a node that forms tiers (service, database, directory, worker pool).
fn station(spec: &NodeSpec) -> Option<&StationSpec> {
    match spec {
        NodeSpec::Service(st) | NodeSpec::Database(st) | NodeSpec::Directory(st) | NodeSpec::WorkerPool(st) => Some(st),
        _ => None,
    }
}

/// The sizing chain in one sentence, every figure from `plan` (what a template's description quotes, and what
/// the CLI prints): users and requests, average and peak rates, reads and writes, storage and bandwidth.
pub fn summary(s: &Sizing, p: &Plan) -> String {
    format!(
        "{} daily users × {} requests = {} req/s on average, {} req/s at peak (×{}); {}:1 reads to writes = {} \
         reads/s and {} writes/s at peak; {} objects: {} written a day, {} over {} days; {}/s out and {}/s in at \
         peak.",
        grouped(s.daily_active_users),
        s.requests_per_user,
        rate(p.avg_rps),
        rate(p.peak_rps),
        s.peak_factor,
        s.reads_per_write,
        rate(p.peak_read_rps),
        rate(p.peak_write_rps),
        bytes(s.object_bytes),
        bytes(p.storage_per_day_bytes),
        bytes(p.storage_bytes),
        p.retention_days,
        bytes(p.bandwidth_out_bps),
        bytes(p.bandwidth_in_bps),
    )
}

/// The tiers' suggestions in one sentence: for each, the instances the peak needs at 70% busy and what the
/// design has (`At 70% busy the peak needs: API: 2 (has 3); Database: 1 (has 1).`).
pub fn tiers_summary(tiers: &[TierSuggestion]) -> String {
    let parts: Vec<String> = tiers
        .iter()
        .map(|t| {
            let needed = t.needed.map_or_else(|| "?".to_owned(), |n| n.to_string());
            format!("{}: {} (has {})", t.name, needed, t.instances)
        })
        .collect();
    format!("At 70% busy the peak needs: {}.", parts.join("; "))
}

/// One line per tier with its arithmetic: load, what an instance serves, instances needed and had.
pub fn tiers_detail(tiers: &[TierSuggestion]) -> Vec<String> {
    tiers
        .iter()
        .map(|t| {
            let needed = t
                .needed
                .map_or_else(|| "? (infinite mean service time)".to_owned(), |n| n.to_string());
            format!(
                "{} ({}): {} req/s of {} / (70% × {} req/s an instance) needs {}; has {}",
                t.name,
                t.kind.name(),
                rate(t.load_rps),
                t.classes.name(),
                rate(t.instance_rps),
                needed,
                t.instances
            )
        })
        .collect()
}

/// A count rounded to a whole number, with thousands separators (`1,234,567`).
pub fn grouped(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 && digits != "0" {
        out.insert(0, '-');
    }
    out
}

/// A rate: whole and grouped from 10 up, one decimal below (`2.5`).
pub fn rate(v: f64) -> String {
    if v.abs() >= 10.0 || !v.is_finite() {
        grouped(v)
    } else {
        format!("{v:.1}")
    }
}

/// A byte count in decimal units (B, KB, MB, GB, TB, PB), one decimal above bytes (`1.7 GB`).
pub fn bytes(v: f64) -> String {
    const UNITS: [&str; 5] = ["KB", "MB", "GB", "TB", "PB"];
    if !v.is_finite() || v.abs() < 1_000.0 {
        return format!("{} B", grouped(v));
    }
    let mut x = v / 1_000.0;
    let mut unit = 0;
    while x.abs() >= 1_000.0 && unit + 1 < UNITS.len() {
        x /= 1_000.0;
        unit += 1;
    }
    format!("{x:.1} {}", UNITS[unit])
}

/// Why [`apply`] could not fill a scenario.
#[derive(Clone, Debug, PartialEq)]
pub enum ApplyError {
    /// The sizing is out of bounds.
    Sizing(SizingError),
    /// The design has no client to fill.
    NoClients,
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApplyError::Sizing(e) => e.fmt(f),
            ApplyError::NoClients => f.write_str("the design has no client to fill: add a client node first"),
        }
    }
}

impl std::error::Error for ApplyError {}

/// Fills a scenario's clients from a sizing and records the sizing in `scenario.sizing`:
/// - the clients' rates are scaled by one factor so that they add up to the plan's peak, keeping their
///   proportions (each arrival process keeps its shape: a spike's base and spike scale together); clients that
///   send the scenario's default workload share its rate, so scaling it scales each of them. When the current
///   rates cannot be scaled (not positive), each client gets an even share as a Poisson process;
/// - every workload the clients send gets the plan's read fraction: reads (static assets and API reads, or
///   `ops` that read) take `r / (r + 1)` of the weight and writes (API writes and background jobs, or `put` and
///   `txn`) the rest, each group keeping its internal proportions (an absent group becomes `api_read`/`api_write`,
///   or `get`/`put`).
///
/// Returns the plan it applied.
pub fn apply(s: &mut Scenario, sizing: &Sizing) -> Result<Plan, ApplyError> {
    sizing.check().map_err(ApplyError::Sizing)?;
    let p = plan(sizing);
    let cs = clients(s);
    if cs.is_empty() {
        return Err(ApplyError::NoClients);
    }
    let count = cs.len() as f64;
    let total: f64 = cs.iter().map(|(_, w)| nominal_rps(&w.arrival)).sum();
    let uses_default = s
        .nodes
        .iter()
        .any(|n| matches!(&n.spec, NodeSpec::Client(c) if c.workload.is_none()));
    let scalable = total.is_finite() && total > 0.0 && cs.iter().all(|(_, w)| nominal_rps(&w.arrival) > 0.0);
    let fill = |w: &mut Workload| {
        if scalable {
            scale_arrival(&mut w.arrival, p.peak_rps / total);
        } else {
            w.arrival = Arrival::Poisson {
                rate_rps: p.peak_rps / count,
            };
        }
        set_read_fraction(w, p.read_fraction);
    };
    for n in &mut s.nodes {
        if let NodeSpec::Client(c) = &mut n.spec {
            if let Some(w) = &mut c.workload {
                fill(w);
            }
        }
    }
    if uses_default {
        fill(&mut s.workload);
    }
    s.sizing = Some(sizing.clone());
    Ok(p)
}

/// Re-weights a workload's reads and writes to `read_fraction` (see [`apply`]).
fn set_read_fraction(w: &mut Workload, read_fraction: f64) {
    let write_fraction = 1.0 - read_fraction;
    if w.ops.is_empty() {
        let m = &mut w.mix;
        let reads = m.static_asset + m.api_read;
        let writes = m.api_write + m.background_job;
        let fix = |a: &mut f64, b: &mut f64, have: f64, want: f64| {
            if want <= 0.0 {
                (*a, *b) = (0.0, 0.0);
            } else if have > 0.0 && have.is_finite() {
                *a *= want / have;
                *b *= want / have;
            } else {
                (*a, *b) = (0.0, want);
            }
        };
        let Mix {
            static_asset,
            api_read,
            api_write,
            background_job,
        } = m;
        fix(static_asset, api_read, reads, read_fraction);
        fix(background_job, api_write, writes, write_fraction);
    } else {
        let weight = |e: &OpEntry| e.weight.unwrap_or(1.0);
        let reads: f64 = w.ops.iter().filter(|e| !is_write_op(e.op)).map(weight).sum();
        let writes: f64 = w.ops.iter().filter(|e| is_write_op(e.op)).map(weight).sum();
        w.ops.retain(|e| {
            if is_write_op(e.op) {
                write_fraction > 0.0
            } else {
                read_fraction > 0.0
            }
        });
        for e in &mut w.ops {
            let (have, want) = if is_write_op(e.op) {
                (writes, write_fraction)
            } else {
                (reads, read_fraction)
            };
            e.weight = Some(if have > 0.0 { weight(e) * want / have } else { want });
        }
        for (op, have, want) in [
            (OpKind::Get, reads, read_fraction),
            (OpKind::Put, writes, write_fraction),
        ] {
            if want > 0.0 && (have.is_nan() || have <= 0.0) {
                w.ops.push(OpEntry {
                    op,
                    weight: Some(want),
                    rows: None,
                    tables: None,
                    depth: None,
                    degree: None,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario;

    fn sizing() -> Sizing {
        // 1,000,000 users × 8.64 requests a day = 100 requests/s on average.
        Sizing {
            daily_active_users: 1_000_000.0,
            requests_per_user: 8.64,
            reads_per_write: 4.0,
            object_bytes: 500.0,
            peak_factor: 3.0,
            retention_days: None,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn the_plan_is_the_hand_computation() {
        let p = plan(&sizing());
        let want = [
            ("avg", p.avg_rps, 100.0),
            ("peak", p.peak_rps, 300.0),
            ("read fraction", p.read_fraction, 0.8),
            ("reads", p.peak_read_rps, 240.0),
            ("writes", p.peak_write_rps, 60.0),
            ("writes/day", p.writes_per_day, 1_728_000.0),
            ("bytes/day", p.storage_per_day_bytes, 864_000_000.0),
            ("retention", p.retention_days, 365.0),
            ("bytes kept", p.storage_bytes, 315_360_000_000.0),
            ("out", p.bandwidth_out_bps, 120_000.0),
            ("in", p.bandwidth_in_bps, 30_000.0),
        ];
        for (what, got, expect) in want {
            assert!(close(got, expect), "{what}: {got} vs {expect}");
        }
        let p = plan(&Sizing {
            reads_per_write: 0.0,
            retention_days: Some(30.0),
            ..sizing()
        });
        assert_eq!((p.peak_read_rps, p.peak_write_rps), (0.0, 300.0));
        assert!(close(p.storage_bytes, 8.64e6 * 500.0 * 30.0), "{}", p.storage_bytes);
    }

    #[test]
    fn the_summary_quotes_the_plan() {
        let s = sizing();
        assert_eq!(
            summary(&s, &plan(&s)),
            "1,000,000 daily users × 8.64 requests = 100 req/s on average, 300 req/s at peak (×3); 4:1 reads to \
             writes = 240 reads/s and 60 writes/s at peak; 500 B objects: 864.0 MB written a day, 315.4 GB over 365 \
             days; 120.0 KB/s out and 30.0 KB/s in at peak."
        );
        let figures = [
            (grouped(0.4), "0"),
            (grouped(999.5), "1,000"),
            (grouped(1_234_567.0), "1,234,567"),
            (grouped(-1_234.0), "-1,234"),
            (rate(2.46), "2.5"),
            (rate(12.5), "12"),
            (bytes(999.0), "999 B"),
            (bytes(1_500.0), "1.5 KB"),
            (bytes(2e18), "2000.0 PB"),
        ];
        for (got, want) in figures {
            assert_eq!(got, want);
        }
    }

    #[test]
    fn bad_sizings_are_typed_errors() {
        use SizingError::*;
        let cases: [(Sizing, SizingError); 7] = [
            (
                Sizing {
                    daily_active_users: f64::NAN,
                    ..sizing()
                },
                NotFinite {
                    field: "sizing.daily_active_users",
                },
            ),
            (
                Sizing {
                    daily_active_users: 0.0,
                    ..sizing()
                },
                OutOfRange {
                    field: "sizing.daily_active_users",
                    value: 0.0,
                    min: 0.0,
                    max: sizing::MAX_DAU,
                    min_excluded: true,
                },
            ),
            (
                Sizing {
                    requests_per_user: -1.0,
                    ..sizing()
                },
                OutOfRange {
                    field: "sizing.requests_per_user",
                    value: -1.0,
                    min: 0.0,
                    max: sizing::MAX_REQUESTS_PER_USER,
                    min_excluded: true,
                },
            ),
            (
                Sizing {
                    reads_per_write: f64::INFINITY,
                    ..sizing()
                },
                NotFinite {
                    field: "sizing.reads_per_write",
                },
            ),
            (
                Sizing {
                    peak_factor: 0.5,
                    ..sizing()
                },
                OutOfRange {
                    field: "sizing.peak_factor",
                    value: 0.5,
                    min: 1.0,
                    max: 100.0,
                    min_excluded: false,
                },
            ),
            (
                Sizing {
                    retention_days: Some(0.0),
                    ..sizing()
                },
                OutOfRange {
                    field: "sizing.retention_days",
                    value: 0.0,
                    min: 0.0,
                    max: sizing::MAX_RETENTION_DAYS,
                    min_excluded: true,
                },
            ),
            (
                // Each input in range; together 1e9 × 1e4 / 86,400 × 10 ≈ 1.16e never-runs requests/s.
                Sizing {
                    daily_active_users: 1e9,
                    requests_per_user: 1e4,
                    peak_factor: 10.0,
                    ..sizing()
                },
                PeakTooHigh {
                    peak_rps: 1e9 * 1e4 / SECONDS_PER_DAY * 10.0,
                },
            ),
        ];
        for (s, want) in cases {
            assert_eq!(s.check(), Err(want.clone()), "{s:?}");
            assert!(!want.to_string().is_empty());
        }
        assert_eq!(sizing().check(), Ok(()));
        assert_eq!(Sizing::default().check(), Ok(()));
    }

    /// Users → balancer → two web servers → database; the web servers also put writes on a queue drained by a
    /// worker pool, and read through a cache in front of a second database.
    fn design() -> Scenario {
        scenario::parse(include_str!("testdata/tiers.json")).unwrap()
    }

    #[test]
    fn tiers_are_sized_from_their_own_workers_and_service_times() {
        let s = design();
        let tiers = suggest(&plan(&sizing()), &s);
        let rows: Vec<(Vec<&str>, ClassLoad, u32, Option<u32>)> = tiers
            .iter()
            .map(|t| {
                (
                    t.nodes.iter().map(String::as_str).collect(),
                    t.classes,
                    t.instances,
                    t.needed,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                // 300/s over instances of 8 / 20 ms = 400/s: 300 / 280 → 2.
                (vec!["web1", "web2"], ClassLoad::All, 2, Some(2)),
                // Every request: 300 / (0.7 × 16 / 5 ms = 2,240) → 1.
                (vec!["db"], ClassLoad::All, 1, Some(1)),
                // The writes only: 60/s over 2 / 20 ms = 100/s: 60 / 70 → 1.
                (vec!["pool"], ClassLoad::Writes, 1, Some(1)),
                // Reads through a cache that misses every time: 240 / (0.7 × 4 / 4 ms = 700) → 1.
                (vec!["db2"], ClassLoad::Reads, 1, Some(1)),
            ]
        );
        let web = &tiers[0];
        assert_eq!(web.name, "Web");
        assert!(close(web.load_rps, 300.0) && close(web.instance_rps, 400.0), "{web:?}");
        assert!(
            close(tiers[2].load_rps, 60.0) && close(tiers[3].load_rps, 240.0),
            "{tiers:?}"
        );

        // Ten times the traffic needs ten times the web tier, give or take the rounding: 3,000 / 280 → 11.
        let big = plan(&Sizing {
            daily_active_users: 1e7,
            ..sizing()
        });
        let tiers = suggest(&big, &s);
        assert_eq!(tiers[0].needed, Some(11));
        assert_eq!(tiers[1].needed, Some(2), "3,000 / 2,240");
        assert_eq!(tiers[2].needed, Some(9), "600 / 70");
    }

    #[test]
    fn a_rate_limiter_caps_what_reaches_the_tier_behind_it() {
        let mut s = design();
        s.nodes.push(
            scenario::parse(
                r#"{"version": 1, "nodes": [{"id": "rl", "spec": {"kind": "rate_limiter", "rate_rps": 150}}]}"#,
            )
            .unwrap()
            .nodes
            .remove(0),
        );
        s.edges[0].to = "rl".into();
        s.edges.push(crate::scenario::v1::Edge {
            from: "rl".into(),
            to: "lb".into(),
            latency: crate::scenario::v1::Dist::Constant { ms: 0.0 },
            loss: 0.0,
            weight: None,
            classes: None,
            policy: None,
        });
        let tiers = suggest(&plan(&sizing()), &s);
        assert!(close(tiers[0].load_rps, 150.0), "{:?}", tiers[0]);
    }

    #[test]
    fn apply_fills_the_clients_with_the_peak_and_the_read_mix() {
        // Two clients with their own workloads (1:3) and two sharing the default.
        let mut s = design();
        let client = |id: &str, rate: Option<f64>| {
            let w = rate.map_or(String::new(), |r| {
                format!(r#", "workload": {{"arrival": {{"type": "spike", "base_rps": {r}, "spike_rps": {}, "at_ms": 1, "duration_ms": 1}}, "mix": {{"static_asset": 1, "api_read": 3, "background_job": 2}}}}"#, r * 2.0)
            });
            scenario::parse(&format!(
                r#"{{"version": 1, "nodes": [{{"id": "{id}", "spec": {{"kind": "client"{w}}}}}]}}"#
            ))
            .unwrap()
            .nodes
            .remove(0)
        };
        s.nodes.push(client("a", Some(100.0)));
        s.nodes.push(client("b", Some(300.0)));
        s.nodes.push(client("c", None));
        for id in ["a", "b", "c"] {
            let mut e = s.edges[0].clone();
            e.from = id.into();
            s.edges.push(e);
        }
        let p = apply(&mut s, &sizing()).unwrap();
        assert_eq!(s.sizing, Some(sizing()));
        let rates: Vec<f64> = clients(&s).iter().map(|(_, w)| nominal_rps(&w.arrival)).collect();
        assert_eq!(rates.len(), 4);
        assert!(close(rates.iter().sum::<f64>(), p.peak_rps), "{rates:?}");
        // Proportions kept: 50 : 100 : 300 : 50.
        assert!(close(rates[1] * 3.0, rates[2]) && close(rates[0], rates[3]) && close(rates[0] * 2.0, rates[1]));
        let NodeSpec::Client(a) = &s.nodes[9].spec else {
            unreachable!()
        };
        let w = a.workload.as_ref().unwrap();
        assert!(matches!(w.arrival, Arrival::Spike { base_rps, spike_rps, .. } if close(spike_rps, 2.0 * base_rps)));
        // Reads 0.8 in the client's 1:3 proportions; writes 0.2, all background jobs (its only write class).
        let m = &w.mix;
        assert!(
            close(m.static_asset, 0.2) && close(m.api_read, 0.6) && close(m.background_job, 0.2) && m.api_write == 0.0,
            "{m:?}"
        );
        let d = &s.workload.mix;
        assert!(close(d.api_read, 0.8) && close(d.api_write, 0.2), "{d:?}");
        // The filled design still validates.
        crate::topology::Topology::build(&s).unwrap();
    }

    #[test]
    fn apply_sets_an_ops_mix_and_refuses_what_it_cannot_fill() {
        let mut s = design();
        s.workload.ops = vec![OpEntry {
            op: OpKind::Scan,
            weight: Some(3.0),
            rows: Some(10),
            tables: None,
            depth: None,
            degree: None,
        }];
        apply(&mut s, &sizing()).unwrap();
        let ops: Vec<(OpKind, f64)> = s.workload.ops.iter().map(|e| (e.op, e.weight.unwrap())).collect();
        assert_eq!(ops.len(), 2);
        assert!(ops[0].0 == OpKind::Scan && close(ops[0].1, 0.8), "{ops:?}");
        assert!(ops[1].0 == OpKind::Put && close(ops[1].1, 0.2), "{ops:?}");

        let bad = Sizing {
            peak_factor: f64::NAN,
            ..sizing()
        };
        let before = design();
        let mut s = before.clone();
        assert_eq!(
            apply(&mut s, &bad),
            Err(ApplyError::Sizing(SizingError::NotFinite {
                field: "sizing.peak_factor"
            }))
        );
        assert_eq!(s, before, "a refused sizing changes nothing");
        s.nodes.remove(0);
        assert_eq!(apply(&mut s, &sizing()), Err(ApplyError::NoClients));
    }

    #[test]
    fn validation_locates_a_bad_sizing() {
        let mut s = design();
        s.sizing = Some(Sizing {
            peak_factor: 0.5,
            ..sizing()
        });
        let errs = crate::topology::Topology::build(&s).unwrap_err();
        let text: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            ["scenario: sizing.peak_factor must be between 1 and 100, got 0.5"]
        );
        s.sizing = Some(sizing());
        crate::topology::Topology::build(&s).unwrap();
    }
}
