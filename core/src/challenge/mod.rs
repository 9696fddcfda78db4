//! Challenges: a starting design, traffic and faults the player cannot change, goals to meet, hints, and a
//! reference solution. [`score`] runs a player's design under the challenge's locked traffic and faults, with the
//! challenge's seed, and measures each goal: the same design always gets the same [`ScoreCard`], byte for byte,
//! in the CLI (`switchyard challenge check`) and in the app.
//!
//! What is locked: the start scenario's workload, fault timeline, duration, request budget and seed, its
//! client nodes (the traffic sources, by id), and its real-time clients, updates and network (the delivery
//! modes, poll interval and long-poll hold are the design's), and the settings of start nodes a challenge names
//! in `locked_params` (their hardware, say). A locked node that traffic reaches in the start must stay in the
//! traffic's path ([`Challenge::check_design`]): unplugging it and adding a faster twin is refused. Everything
//! else (servers, caches, databases, edges, their settings) is the player's design; component goals (`nodes`,
//! `workers`) count only what traffic reaches.
//!
//! A challenge file is JSON (`challenges/*.json`), versioned like a scenario; its two designs (`start`,
//! `reference`) are scenarios in the `scenario::v1` format.

use crate::metrics::Report;
use crate::scenario::v1::codec::{self, json_enum, json_spec};
use crate::scenario::{Scenario, ScenarioError};
use crate::topology::Topology;
use crate::Sim;
use std::fmt;

/// The challenge format version this module reads.
pub const VERSION: u32 = 1;

/// Hours in a month, for monthly cost (AWS prices a month as 730 hours).
pub const HOURS_PER_MONTH: f64 = 730.0;

/// The most goals, hints and bytes of text a challenge may hold.
const MAX_GOALS: usize = 32;
const MAX_HINTS: usize = 32;
const MAX_TEXT: usize = 4_000;
/// The most nodes with locked settings, and locked settings per node.
const MAX_LOCKED: usize = 64;

json_enum! {
    /// How hard a challenge is, in the gallery's order.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
    pub enum Level {
        FirstSteps = "first_steps",
        Easy = "easy",
        Medium = "medium",
        Hard = "hard",
    }
}

impl Level {
    /// Every level, easiest first.
    pub const EVERY: [Level; 4] = [Level::FirstSteps, Level::Easy, Level::Medium, Level::Hard];

    /// The level as people read it ("first steps").
    pub const fn name(self) -> &'static str {
        match self {
            Level::FirstSteps => "first steps",
            Level::Easy => "easy",
            Level::Medium => "medium",
            Level::Hard => "hard",
        }
    }
}

json_enum! {
    /// What a goal measures.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Metric {
        /// Completed calls per second.
        ThroughputRps = "throughput_rps",
        P50Ms = "p50_ms",
        P90Ms = "p90_ms",
        P99Ms = "p99_ms",
        MeanMs = "mean_ms",
        /// Completed calls over answered calls (completed or failed), 0..1: over issued calls once the run is over.
        Availability = "availability",
        /// Calls that failed, for any reason.
        Failed = "failed",
        /// Calls that succeeded within their client's deadline, per second.
        GoodputRps = "goodput_rps",
        /// The run's mean cost per hour times 730.
        CostPerMonthUsd = "cost_per_month_usd",
        /// Acknowledged writes lost: replicated databases' and write-back caches'.
        LostWrites = "lost_writes",
        /// Reads that returned an older version than the newest acknowledged: databases' and caches'.
        StaleReads = "stale_reads",
        /// Nodes of `kind` in the design that traffic reaches (a required or forbidden component): see
        /// [`reached`].
        Nodes = "nodes",
        /// Workers of the nodes of `kind` that traffic reaches, added up (an autoscaling group counts its starting
        /// instances): a bound on the hardware, so a goal is met by the design rather than by more machines.
        Workers = "workers",
        /// Real-time updates: requests per second the server answers, in the worst of the delivery modes the
        /// design lists (`realtime.modes`).
        RealtimeServerRps = "realtime_server_rps",
        /// Real-time updates: the p99 delay from an update to its client, in the worst listed mode.
        RealtimeP99DelayMs = "realtime_p99_delay_ms",
        /// Real-time updates: server memory for open connections, MB, in the worst listed mode.
        RealtimeMemoryMb = "realtime_memory_mb",
    }
}

impl Metric {
    /// Whether a goal on this metric names the node kind it counts.
    pub const fn takes_kind(self) -> bool {
        matches!(self, Metric::Nodes | Metric::Workers)
    }
}

json_spec! {
    /// One goal: a metric with a lower bound, an upper bound, or both.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Goal {
        pub metric: Metric = req,
        pub at_least: Option<f64> = opt,
        pub at_most: Option<f64> = opt,
        /// `nodes` and `workers` only: the node kind counted (`cache`, `database`, `load_balancer`…).
        pub kind: Option<String> = opt,
        /// What the goal means to the player ("p99 under 200 ms").
        pub label: String = req,
    }
}

json_spec! {
    /// A hint, shown on request, one at a time in order.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Hint {
        pub text: String = req,
    }
}

json_spec! {
    /// Settings of one node of the start design that a design may not change: its hardware, say, so a goal is
    /// met by the design and not by a faster machine. Each is a parameter's key as the inspector names it
    /// (`workers`, `service_time`, `instance_size`, `hourly_usd`, `engine.page_ms`); scoring puts back the start's
    /// value (or its absence).
    #[derive(Clone, Debug, PartialEq)]
    pub struct LockedParams {
        pub node: String = req,
        pub params: Vec<String> = list_req(MAX_LOCKED),
    }
}

json_spec! {
    /// A challenge file as written (read by the scenario codec: no serde derive reaches the bundle).
    #[derive(Clone, Debug, PartialEq)]
    pub struct ChallengeFile {
        pub version: u32 = req,
        pub id: String = req,
        pub title: String = req,
        pub level: Level = req,
        pub brief: String = req,
        pub goals: Vec<Goal> = list_req(MAX_GOALS),
        pub hints: Vec<Hint> = list(MAX_HINTS) skip_if Vec::is_empty
            => serde(default, skip_serializing_if = "Vec::is_empty"),
        pub start: Scenario = req,
        pub reference: Scenario = req,
        /// Settings of the start's nodes the design may not change.
        pub locked_params: Vec<LockedParams> = list(MAX_LOCKED) skip_if Vec::is_empty
            => serde(default, skip_serializing_if = "Vec::is_empty"),
    }
}

/// A validated challenge.
#[derive(Clone, Debug, PartialEq)]
pub struct Challenge {
    pub id: String,
    pub title: String,
    pub level: Level,
    pub brief: String,
    pub goals: Vec<Goal>,
    pub hints: Vec<Hint>,
    /// The design the player starts from; its traffic, faults, run length, seed and clients are locked.
    pub start: Scenario,
    /// A design that meets every goal.
    pub reference: Scenario,
    /// Settings of the start's nodes the design may not change.
    pub locked_params: Vec<LockedParams>,
}

/// Why a challenge or a design could not be scored.
#[derive(Clone, Debug, PartialEq)]
pub enum ChallengeError {
    /// Not valid JSON, or not the shape of a challenge.
    Format(String),
    /// Written by a newer Switchyard (or no version this one knows).
    Version(u32),
    /// A goal that cannot be measured (no bound, `kind` on a metric that takes none…).
    BadGoal { index: usize, why: String },
    /// A design inside the challenge, or the player's, is not a valid scenario.
    Scenario { which: &'static str, error: ScenarioError },
    /// The player's design dropped a client the challenge's traffic comes from.
    MissingClient(String),
    /// The player's design dropped, or changed the kind of, a node whose settings the challenge locks.
    MissingLocked { node: String, kind: &'static str },
    /// The player's design no longer sends traffic to a node whose settings the challenge locks (and whose
    /// start design does): unplugging it and adding an unlocked twin is not a design.
    Unplugged(String),
}

impl fmt::Display for ChallengeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChallengeError::Format(m) => write!(f, "not a valid challenge: {m}"),
            ChallengeError::Version(v) => write!(f, "challenge version {v} is not one this Switchyard reads ({VERSION})"),
            ChallengeError::BadGoal { index, why } => write!(f, "goals[{index}]: {why}"),
            ChallengeError::Scenario { which, error } => write!(f, "{which}: {error}"),
            ChallengeError::MissingClient(id) => write!(
                f,
                "the design has no client `{id}`: the challenge's traffic comes from it, keep it (its settings are locked)"
            ),
            ChallengeError::Unplugged(node) => write!(
                f,
                "no traffic reaches `{node}` any more: the challenge locks its settings, so it stays in the path \
                 (put new nodes beside it, not in its place)"
            ),
            ChallengeError::MissingLocked { node, kind } => write!(
                f,
                "the design has no {kind} `{node}`: the challenge locks some of its settings, keep it (as a {kind})"
            ),
        }
    }
}

impl std::error::Error for ChallengeError {}

fn too_long(what: &str, s: &str) -> Result<(), ChallengeError> {
    if s.len() > MAX_TEXT {
        return Err(ChallengeError::Format(format!(
            "{what} is longer than {MAX_TEXT} bytes"
        )));
    }
    Ok(())
}

/// Parses and checks a challenge file.
pub fn parse(text: &str) -> Result<Challenge, ChallengeError> {
    let tree = codec::parse_tree(text).map_err(|e| ChallengeError::Format(e.to_string()))?;
    // The version first, so a newer file gets that said rather than a complaint about fields this one lacks.
    match tree.get("version").map(|v| v.as_u64()) {
        Some(Some(v)) if v == u64::from(VERSION) => {}
        Some(Some(v)) => return Err(ChallengeError::Version(u32::try_from(v).unwrap_or(u32::MAX))),
        _ => return Err(ChallengeError::Format("a challenge needs \"version\": 1".into())),
    }
    // A design that does not read is said to be the design's problem, with the scenario's own message.
    for which in ["start", "reference"] {
        if let Some(design) = tree.get(which) {
            codec::read::<Scenario>(design).map_err(|error| ChallengeError::Scenario { which, error })?;
        }
    }
    let f: ChallengeFile = codec::read(&tree).map_err(|e| ChallengeError::Format(e.to_string()))?;
    for (what, s) in [("id", &f.id), ("title", &f.title), ("brief", &f.brief)] {
        too_long(what, s)?;
    }
    if f.goals.is_empty() || f.goals.len() > MAX_GOALS {
        return Err(ChallengeError::Format(format!(
            "1 to {MAX_GOALS} goals, got {}",
            f.goals.len()
        )));
    }
    if f.hints.len() > MAX_HINTS {
        return Err(ChallengeError::Format(format!("at most {MAX_HINTS} hints")));
    }
    for h in &f.hints {
        too_long("a hint", &h.text)?;
    }
    for (index, g) in f.goals.iter().enumerate() {
        check_goal(g).map_err(|why| ChallengeError::BadGoal { index, why })?;
    }
    for (which, s) in [("start", &f.start), ("reference", &f.reference)] {
        if s.version != crate::scenario::v1::VERSION {
            return Err(ChallengeError::Scenario {
                which,
                error: ScenarioError::UnknownVersion {
                    found: s.version.to_string(),
                },
            });
        }
        Topology::build(s).map_err(|e| ChallengeError::Scenario {
            which,
            error: ScenarioError::Invalid(e),
        })?;
    }
    for (index, l) in f.locked_params.iter().enumerate() {
        check_locked(l, &f.start).map_err(|why| ChallengeError::Format(format!("locked_params[{index}]: {why}")))?;
    }
    if f.locked_params.len() > MAX_LOCKED {
        return Err(ChallengeError::Format(format!("at most {MAX_LOCKED} locked_params")));
    }
    Ok(Challenge {
        locked_params: f.locked_params,
        start: f.start,
        reference: f.reference,
        id: f.id,
        title: f.title,
        level: f.level,
        brief: f.brief,
        goals: f.goals,
        hints: f.hints,
    })
}

/// A locked node exists in the start, and each locked key is one of its kind's parameters (or set in the start).
fn check_locked(l: &LockedParams, start: &Scenario) -> Result<(), String> {
    let node = start
        .nodes
        .iter()
        .find(|n| n.id == l.node)
        .ok_or_else(|| format!("the start has no node `{}`", l.node))?;
    if l.params.is_empty() || l.params.len() > MAX_LOCKED {
        return Err(format!("1 to {MAX_LOCKED} params"));
    }
    let kind = node.spec.kind();
    let tree = crate::scenario::params::tree(&node.spec)?;
    let known = crate::node::named(kind.name()).map_or(&[][..], |k| k.params);
    for key in &l.params {
        let top = key.split('.').next().unwrap_or_default();
        let ok = crate::scenario::params::get(&tree, key).is_some()
            || known.iter().any(|p| p.key == key.as_str() || p.key == top);
        if !ok {
            return Err(format!("`{key}` is not a setting of {} `{}`", kind.name(), l.node));
        }
    }
    Ok(())
}

fn check_goal(g: &Goal) -> Result<(), String> {
    if g.at_least.is_none() && g.at_most.is_none() {
        return Err("a goal needs at_least, at_most or both".into());
    }
    for b in [g.at_least, g.at_most].into_iter().flatten() {
        if !b.is_finite() {
            return Err(format!("bounds must be finite numbers, got {b}"));
        }
    }
    match (g.metric.takes_kind(), &g.kind) {
        (true, None) => Err("a nodes or workers goal names the kind it counts".into()),
        (true, Some(k)) if crate::node::NodeKind::from_name(k).is_none() => Err(format!("no node kind `{k}`")),
        (false, Some(_)) => Err("only a nodes or workers goal names a kind".into()),
        _ => Ok(()),
    }
}

json_spec! {
    /// One goal's outcome.
    #[derive(Clone, Debug, PartialEq)]
    pub struct GoalResult {
        pub label: String = req,
        pub metric: Metric = req,
        pub at_least: Option<f64> = opt,
        pub at_most: Option<f64> = opt,
        /// What the run measured.
        pub measured: f64 = req,
        pub pass: bool = req,
    }
}

json_spec! {
    /// A design's result on a challenge. [`ScoreCard::to_json`] is what `switchyard challenge check --json` prints
    /// and what the app's result card carries.
    #[derive(Clone, Debug, PartialEq)]
    pub struct ScoreCard {
        pub challenge: String = req,
        pub seed: u64 = req,
        pub goals: Vec<GoalResult> = list_req(MAX_GOALS),
        pub passed: u32 = req,
        /// Passed goals out of all, 0 to 100.
        pub score: u32 = req,
        /// Every goal passed.
        pub solved: bool = req,
    }
}

impl ScoreCard {
    /// The card as compact JSON: the same bytes everywhere (the CLI, the app, `tests/challenges/scores.jsonl`).
    pub fn to_json(&self) -> String {
        String::from_utf8(codec::write(self, false)).unwrap_or_default()
    }
}

impl Challenge {
    /// The player's design with the challenge's locked parts put back: workload, faults, run length, request
    /// budget, seed, the client nodes' settings (by id), real-time's clients, updates and network, and the
    /// settings `locked_params` names.
    pub fn locked(&self, design: &Scenario) -> Result<Scenario, ChallengeError> {
        let mut s = design.clone();
        let st = &self.start;
        s.workload = st.workload.clone();
        s.faults = st.faults.clone();
        s.duration_ms = st.duration_ms;
        s.requests = st.requests;
        s.seed = st.seed;
        // Real-time updates: the clients, the updates and the network are the challenge's; how they are
        // delivered (the modes, the poll interval, the long-poll hold) is the design's.
        s.realtime = st.realtime.clone().map(|mut rt| {
            if let Some(mine) = &design.realtime {
                rt.modes = mine.modes.clone();
                rt.poll_interval_ms = mine.poll_interval_ms;
                rt.hold_timeout_ms = mine.hold_timeout_ms;
            }
            rt
        });
        s.challenge = Some(self.id.clone());
        for c in st
            .nodes
            .iter()
            .filter(|n| n.spec.kind() == crate::node::NodeKind::Client)
        {
            let Some(mine) = s.nodes.iter_mut().find(|n| n.id == c.id) else {
                return Err(ChallengeError::MissingClient(c.id.clone()));
            };
            mine.spec = c.spec.clone();
        }
        for l in &self.locked_params {
            let Some(theirs) = st.nodes.iter().find(|n| n.id == l.node) else {
                continue;
            };
            let kind = theirs.spec.kind();
            let missing = || ChallengeError::MissingLocked {
                node: l.node.clone(),
                kind: kind.name(),
            };
            let mine = s.nodes.iter_mut().find(|n| n.id == l.node).ok_or_else(missing)?;
            if mine.spec.kind() != kind {
                return Err(missing());
            }
            let from = crate::scenario::params::tree(&theirs.spec).map_err(ChallengeError::Format)?;
            let mut to = crate::scenario::params::tree(&mine.spec).map_err(ChallengeError::Format)?;
            for key in &l.params {
                crate::scenario::params::put(&mut to, key, crate::scenario::params::get(&from, key).cloned());
            }
            mine.spec = crate::scenario::params::from_tree(&to).map_err(ChallengeError::Format)?;
        }
        Ok(s)
    }
}

impl Challenge {
    /// Checks the locked design's validated topology `t`: each node with locked settings that traffic reaches in
    /// the start is reached in the design too.
    pub fn check_design(&self, t: &Topology) -> Result<(), ChallengeError> {
        if self.locked_params.is_empty() {
            return Ok(());
        }
        let start = Topology::build(&self.start).map_err(|e| ChallengeError::Scenario {
            which: "start",
            error: ScenarioError::Invalid(e),
        })?;
        let (was, is) = (reached(&start), reached(t));
        for l in &self.locked_params {
            let ix = |t: &Topology| t.nodes.iter().position(|n| n.id == l.node);
            let before = ix(&start).is_some_and(|i| was[i]);
            let now = ix(t).is_some_and(|i| is[i]);
            if before && !now {
                return Err(ChallengeError::Unplugged(l.node.clone()));
            }
        }
        Ok(())
    }
}

/// Runs `design` under the challenge's locked traffic and faults and measures every goal.
pub fn score(ch: &Challenge, design: &Scenario) -> Result<ScoreCard, ChallengeError> {
    let s = ch.locked(design)?;
    let scenario_error = |error| ChallengeError::Scenario { which: "design", error };
    let mut sim = Sim::new(&s, s.seed).map_err(scenario_error)?;
    ch.check_design(sim.topology())?;
    while sim.run_events(100_000) > 0 {}
    Ok(card(ch, &s, evaluate(ch, &sim.report(), sim.topology(), &s)))
}

/// Each goal measured in `report`, a run of the locked design `s` (complete, or so far: the app's goal panel
/// fills in live from the run it plays), whose validated topology is `t`.
pub fn evaluate(ch: &Challenge, report: &Report, t: &Topology, s: &Scenario) -> Vec<GoalResult> {
    ch.goals
        .iter()
        .map(|g| {
            let measured = measure(g, report, t, s);
            let pass = g.at_least.is_none_or(|b| measured >= b) && g.at_most.is_none_or(|b| measured <= b);
            GoalResult {
                label: g.label.clone(),
                metric: g.metric,
                at_least: g.at_least,
                at_most: g.at_most,
                measured,
                pass,
            }
        })
        .collect()
}

/// The score card of goals measured on the locked design `s`.
fn card(ch: &Challenge, s: &Scenario, goals: Vec<GoalResult>) -> ScoreCard {
    let passed = goals.iter().filter(|g| g.pass).count();
    ScoreCard {
        challenge: ch.id.clone(),
        seed: s.seed,
        score: (passed * 100 / goals.len().max(1)) as u32,
        solved: passed == goals.len(),
        passed: passed as u32,
        goals,
    }
}

/// The bundled challenges, parsed, easiest first (a bundled file that does not parse is left out; the tests
/// check that none does not).
pub fn bundled() -> Vec<Challenge> {
    let mut all: Vec<Challenge> = ALL.iter().filter_map(|(_, json)| parse(json).ok()).collect();
    all.sort_by_key(|c| c.level);
    all
}

/// What `g` measures in a run's report (and, for component goals, in the design).
fn measure(g: &Goal, r: &Report, t: &Topology, s: &Scenario) -> f64 {
    let l = &r.latency_ms;
    let worst = |f: fn(&crate::realtime::ChannelReport) -> f64| r.realtime.iter().flatten().map(f).fold(0.0, f64::max);
    match g.metric {
        Metric::ThroughputRps => r.throughput_rps,
        Metric::P50Ms => l.p50,
        Metric::P90Ms => l.p90,
        Metric::P99Ms => l.p99,
        Metric::MeanMs => l.mean,
        // Of the calls answered so far, how many succeeded: a run in progress has calls in flight, which are
        // neither (at the end of a run none is left, and this is completed over issued).
        Metric::Availability => {
            let answered = r.completed + r.failed;
            if answered == 0 {
                0.0
            } else {
                crate::metrics::round4(r.completed as f64 / answered as f64)
            }
        }
        Metric::Failed => r.failed as f64,
        Metric::GoodputRps => r.goodput_rps.unwrap_or(r.throughput_rps),
        Metric::CostPerMonthUsd => r
            .cost
            .as_ref()
            .map_or(0.0, |c| crate::metrics::round4(c.mean_per_hour * HOURS_PER_MONTH)),
        Metric::LostWrites => {
            let db: u64 = r.databases.iter().map(|d| d.lost_writes).sum();
            let cache: u64 = r
                .nodes
                .iter()
                .filter_map(|n| n.cache.as_ref())
                .map(|c| c.lost_writes)
                .sum();
            (db + cache) as f64
        }
        Metric::StaleReads => {
            let db: u64 = r.databases.iter().map(|d| d.all.stale_reads).sum();
            let cache: u64 = r
                .nodes
                .iter()
                .filter_map(|n| n.cache.as_ref())
                .map(|c| c.stale_reads)
                .sum();
            (db + cache) as f64
        }
        Metric::Nodes | Metric::Workers => count(g, t, s),
        Metric::RealtimeServerRps => worst(|c| c.server_rps),
        Metric::RealtimeP99DelayMs => worst(|c| c.p99_delay_ms),
        Metric::RealtimeMemoryMb => crate::metrics::round4(worst(|c| c.server_memory_kb) / 1024.0),
    }
}

/// A `nodes` or `workers` goal's count: the nodes of its kind, or their workers, among those traffic reaches.
fn count(g: &Goal, t: &Topology, s: &Scenario) -> f64 {
    let kind = g.kind.as_deref().and_then(crate::node::NodeKind::from_name);
    let reach = reached(t);
    let on = |ix: Option<crate::topology::NodeIx>| ix.is_some_and(|ix| reach[ix as usize]);
    match g.metric {
        Metric::Workers => {
            // A group's topology holds `max` instances, its first `desired` launched at the start.
            let mut launched = std::collections::BTreeMap::<crate::topology::NodeIx, u32>::new();
            let mut sum = 0.0;
            for (ix, n) in t.nodes.iter().enumerate() {
                if Some(n.kind) != kind || !reach[ix] {
                    continue;
                }
                if let Some(group) = n.member_of {
                    let k = launched.entry(group).or_insert(0);
                    *k += 1;
                    let desired = t.node(group).elastic.group.as_ref().map_or(0, |c| c.desired);
                    if *k > desired {
                        continue;
                    }
                }
                sum += f64::from(n.workers.unwrap_or(0));
            }
            sum
        }
        // The design's nodes as drawn: an autoscaling group is one node.
        _ => s
            .nodes
            .iter()
            .filter(|n| Some(n.spec.kind()) == kind && on(t.node_ix(&n.id)))
            .count() as f64,
    }
}

/// Which nodes of `t` traffic can reach: the clients, whatever their edges lead to, and every replica of a
/// cluster one of whose replicas is reached. A node nothing reaches does no work, so a component goal does not
/// count it: a server left on the canvas but unplugged is not "three web servers", and its workers are not
/// the design's hardware.
pub fn reached(t: &Topology) -> Vec<bool> {
    let mut seen = vec![false; t.nodes.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (ix, n) in t.nodes.iter().enumerate() {
        if n.kind == crate::node::NodeKind::Client {
            seen[ix] = true;
            stack.push(ix);
        }
    }
    loop {
        while let Some(ix) = stack.pop() {
            for &e in &t.out_edges[ix] {
                let to = t.edges[e as usize].to as usize;
                if !seen[to] {
                    seen[to] = true;
                    stack.push(to);
                }
            }
        }
        // A cluster's replicas replicate to one another: one reached, all are.
        for c in &t.clusters {
            if c.replicas.iter().any(|&r| seen[r as usize]) {
                for &r in &c.replicas {
                    if !seen[r as usize] {
                        seen[r as usize] = true;
                        stack.push(r as usize);
                    }
                }
            }
        }
        if stack.is_empty() {
            return seen;
        }
    }
}

/// The challenges shipped with Switchyard, embedded from `challenges/*.json`: `(id, JSON text)`, easiest first.
pub const ALL: &[(&str, &str)] = &[
    ("scale-10x", include_str!("../../../challenges/scale-10x.json")),
    ("split-web-db", include_str!("../../../challenges/split-web-db.json")),
    (
        "survive-a-crash",
        include_str!("../../../challenges/survive-a-crash.json"),
    ),
    ("cache-for-p99", include_str!("../../../challenges/cache-for-p99.json")),
    ("read-replicas", include_str!("../../../challenges/read-replicas.json")),
    ("cdn-offload", include_str!("../../../challenges/cdn-offload.json")),
    (
        "fix-the-stampede",
        include_str!("../../../challenges/fix-the-stampede.json"),
    ),
    (
        "cp-through-a-partition",
        include_str!("../../../challenges/cp-through-a-partition.json"),
    ),
    (
        "ap-through-a-partition",
        include_str!("../../../challenges/ap-through-a-partition.json"),
    ),
    (
        "shard-the-hot-table",
        include_str!("../../../challenges/shard-the-hot-table.json"),
    ),
    (
        "absorb-a-spike",
        include_str!("../../../challenges/absorb-a-spike.json"),
    ),
    (
        "choose-the-database",
        include_str!("../../../challenges/choose-the-database.json"),
    ),
    (
        "no-single-balancer",
        include_str!("../../../challenges/no-single-balancer.json"),
    ),
    (
        "survive-a-retry-storm",
        include_str!("../../../challenges/survive-a-retry-storm.json"),
    ),
    (
        "timeout-cascade",
        include_str!("../../../challenges/timeout-cascade.json"),
    ),
    (
        "autoscale-under-budget",
        include_str!("../../../challenges/autoscale-under-budget.json"),
    ),
    ("realtime-100k", include_str!("../../../challenges/realtime-100k.json")),
];

/// The JSON of the bundled challenge with this id.
pub fn get(id: &str) -> Option<&'static str> {
    ALL.iter().find(|(n, _)| *n == id).map(|(_, j)| *j)
}
