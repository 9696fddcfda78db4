//! `switchyard shard`: partition a key set with one of the `switchyard_core::partition` schemes, optionally
//! add shards (and, for the directory, migrate keys onto them), and report the skew and the keys that moved.
//!
//! What is placed (`--dist`):
//! - `uniform`: `--keys K` distinct u64 keys drawn from the core's PCG seeded with `--seed`;
//! - `sequential`: the keys `0..K`, in order (timestamps or sequence numbers);
//! - `zipf:A`: `K` requests drawn from Zipf(A) over the key space `1..=K` (rank `r` is key `r`); the
//!   distinct keys requested are placed once each, in key order, and each carries its request count.
//!
//! Item `i` (round robin's write sequence number) is the `i`-th key in that order. The shards have ids
//! `0..N`; range splits `[0, end)` evenly, `end` being `2^64` for uniform keys and one past the largest key
//! otherwise. `--add M` adds M shards (range: splits the widest ranges); `--migrate F` (directory only)
//! then moves the first `⌈F × keys⌉` placed keys onto the new shards, dealt out in turn.
//!
//! Reported: `skew` = max / mean over the initial shards of the keys per shard, each distinct key counting
//! 1, except under `zipf:A`, where each counts its requests (so skew is the request load); `skew_after`
//! the same after `--add`; `moved_keys` = distinct keys whose shard changed, `moved_fraction` = that over
//! the distinct keys. Every input is checked before any work starts: bad arguments give one error line.

use crate::in_range;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::time::Instant;

use clap::{Args, ValueEnum};
use serde::Serialize;
use switchyard_core::cache::ZipfKeys;
use switchyard_core::partition::{self, diff, locate_all, record_all, Config, Partitioner, Scheme, ShardId};
use switchyard_core::rng::SimRng;

/// Upper bounds on the inputs: past these a run takes minutes or gigabytes (the directory keeps a table
/// entry per key; consistent hashing 160 ring points per shard).
const MAX_SHARDS: u64 = 10_000;
const MAX_KEYS: u64 = 10_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemeArg {
    /// Range partitioning over evenly spaced split points.
    Range,
    /// hash(key) mod N.
    Modn,
    /// Consistent hashing on the classic ring (160 vnodes per shard).
    Consistent,
    /// List partitioning by region code key mod R.
    List,
    /// Round robin: item i to shard i mod N (reads query every shard).
    #[value(name = "roundrobin")]
    RoundRobin,
    /// List by region, then hash within the region's shards.
    Composite,
    /// A key -> shard lookup table; keys move only when migrated.
    Directory,
}

impl SchemeArg {
    fn scheme(self) -> Scheme {
        match self {
            SchemeArg::Range => Scheme::Range,
            SchemeArg::Modn => Scheme::ModN,
            SchemeArg::Consistent => Scheme::Consistent,
            SchemeArg::List => Scheme::List,
            SchemeArg::RoundRobin => Scheme::RoundRobin,
            SchemeArg::Composite => Scheme::Composite,
            SchemeArg::Directory => Scheme::Directory,
        }
    }
}

/// Partition keys over shards and measure skew and movement.
#[derive(Args, Clone, Debug)]
pub struct ShardArgs {
    /// Partitioning scheme.
    #[arg(long, value_enum)]
    pub scheme: SchemeArg,
    /// Shards to start with (ids 0..N).
    #[arg(long, value_name = "N")]
    pub shards: u64,
    /// Keys to place (for zipf:A, requests to draw).
    #[arg(long, value_name = "K")]
    pub keys: u64,
    /// Key pattern: uniform, sequential or zipf:A.
    #[arg(long, value_name = "DIST", default_value = "uniform")]
    pub dist: String,
    /// Then add M shards and count the keys that move.
    #[arg(long, value_name = "M")]
    pub add: Option<u64>,
    /// Directory only, with --add: migrate this fraction of the keys onto the new shards.
    #[arg(long, value_name = "F")]
    pub migrate: Option<f64>,
    /// Region codes for list [default: 4 x N] and composite [default: min(4, N)].
    #[arg(long, value_name = "R")]
    pub regions: Option<u64>,
    /// Seed for the keys.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Print one JSON object instead of a summary.
    #[arg(long)]
    pub json: bool,
}

/// A parsed `--dist`.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Dist {
    Uniform,
    Sequential,
    Zipf(f64),
}

impl Dist {
    fn parse(s: &str) -> Result<Dist, String> {
        match s {
            "uniform" => Ok(Dist::Uniform),
            "sequential" => Ok(Dist::Sequential),
            _ => {
                let a = s
                    .strip_prefix("zipf:")
                    .ok_or_else(|| format!("--dist {s:?} is not uniform, sequential or zipf:A"))?;
                match a.parse::<f64>() {
                    Ok(a) if a.is_finite() && a > 0.0 && a <= 100.0 => Ok(Dist::Zipf(a)),
                    _ => Err(format!(
                        "--dist {s:?}: the Zipf exponent A must be a number in (0, 100]"
                    )),
                }
            }
        }
    }
}

/// What `--json` prints (see the module doc for what each count counts).
#[derive(Debug, Serialize)]
struct Report {
    scheme: &'static str,
    dist: String,
    shards: u64,
    shards_after: u64,
    keys: u64,
    distinct_keys: u64,
    seed: u64,
    lookup_fanout: u64,
    skew: f64,
    skew_after: Option<f64>,
    moved_keys: Option<u64>,
    moved_fraction: Option<f64>,
    migrated_keys: Option<u64>,
    wall_ms: f64,
}

/// The validated inputs.
#[derive(Debug)]
struct Plan {
    config: Config,
    dist: Dist,
    keys: u64,
    add: Option<u32>,
    migrate: Option<f64>,
}

fn plan(args: &ShardArgs) -> Result<Plan, String> {
    let scheme = args.scheme.scheme();
    in_range("--shards", args.shards, MAX_SHARDS)?;
    in_range("--keys", args.keys, MAX_KEYS)?;
    let dist = Dist::parse(&args.dist)?;
    if let Some(m) = args.add {
        in_range("--add", m, MAX_SHARDS)?;
    }
    if let Some(f) = args.migrate {
        if scheme != Scheme::Directory {
            return Err(format!(
                "--migrate needs --scheme directory ({} has no table to migrate in)",
                scheme
            ));
        }
        if args.add.is_none() {
            return Err("--migrate needs --add (keys migrate onto the added shards)".into());
        }
        if !(f.is_finite() && (0.0..=1.0).contains(&f)) {
            return Err(format!("--migrate {f} must be a fraction between 0 and 1"));
        }
    }
    if let Some(r) = args.regions {
        if !matches!(scheme, Scheme::List | Scheme::Composite) {
            return Err(format!("--regions applies to list and composite, not {scheme}"));
        }
        in_range("--regions", r, partition::MAX_REGIONS)?;
    }
    let range_end = match dist {
        Dist::Uniform => 1 << 64,
        Dist::Sequential => u128::from(args.keys),
        Dist::Zipf(_) => u128::from(args.keys) + 1,
    };
    let config = Config {
        regions: args.regions,
        range_end,
        ..Config::new(scheme, args.shards as u32)
    };
    // Build once here so a scheme's own refusals (too few shards for the regions, ...) come before any work.
    config.build().map_err(|e| e.to_string())?;
    Ok(Plan {
        config,
        dist,
        keys: args.keys,
        add: args.add.map(|m| m as u32),
        migrate: args.migrate,
    })
}

/// The distinct keys to place, in placement order, and each key's weight (request count) under Zipf.
fn key_set(dist: Dist, count: u64, seed: u64) -> Result<(Vec<u64>, Option<Vec<u64>>), String> {
    Ok(match dist {
        Dist::Sequential => ((0..count).collect(), None),
        Dist::Uniform => {
            let mut rng = SimRng::new(seed);
            let mut seen = BTreeSet::new();
            let mut keys = Vec::with_capacity(count as usize);
            while (keys.len() as u64) < count {
                let k = rng.next_u64();
                if seen.insert(k) {
                    keys.push(k);
                }
            }
            (keys, None)
        }
        Dist::Zipf(a) => {
            let mut requests: BTreeMap<u64, u64> = BTreeMap::new();
            for k in ZipfKeys::new(count, a, seed)
                .map_err(|e| e.to_string())?
                .take(count as usize)
            {
                *requests.entry(k).or_default() += 1;
            }
            let (keys, weights) = requests.into_iter().unzip();
            (keys, Some(weights))
        }
    })
}

fn execute(plan: &Plan, seed: u64) -> Result<Report, String> {
    let start = Instant::now();
    let err = |e: partition::PartitionError| e.to_string();
    let (keys, weights) = key_set(plan.dist, plan.keys, seed)?;
    let mut p = plan.config.build().map_err(err)?;
    let before = record_all(&mut p, &keys).map_err(err)?;
    let skew = partition::skew(p.shards(), &before, weights.as_deref()).skew;

    let (mut skew_after, mut moved, mut migrated) = (None, None, None);
    if let Some(m) = plan.add {
        let added = (0..m)
            .map(|_| p.add_shard())
            .collect::<Result<Vec<ShardId>, _>>()
            .map_err(err)?;
        if let Some(f) = plan.migrate {
            let chosen = ((f * keys.len() as f64).ceil() as usize).min(keys.len());
            let mut count = 0;
            for (j, to) in added.iter().enumerate() {
                let batch: Vec<u64> = keys[..chosen].iter().skip(j).step_by(added.len()).copied().collect();
                count += p.migrate(&batch, *to).map_err(err)?;
            }
            migrated = Some(count);
        }
        let after = locate_all(&p, &keys).map_err(err)?;
        skew_after = Some(partition::skew(p.shards(), &after, weights.as_deref()).skew);
        moved = Some(diff(&before, &after));
    }
    Ok(Report {
        scheme: plan.config.scheme.name(),
        dist: match plan.dist {
            Dist::Uniform => "uniform".into(),
            Dist::Sequential => "sequential".into(),
            Dist::Zipf(a) => format!("zipf:{a}"),
        },
        shards: u64::from(plan.config.shards),
        shards_after: p.shards().len() as u64,
        keys: plan.keys,
        distinct_keys: keys.len() as u64,
        seed,
        lookup_fanout: p.lookup_fanout() as u64,
        skew,
        skew_after,
        moved_keys: moved.map(|m| m.moved),
        moved_fraction: moved.map(|m| m.fraction()),
        migrated_keys: migrated,
        wall_ms: start.elapsed().as_secs_f64() * 1e3,
    })
}

fn summary(r: &Report) -> String {
    let mut s = format!(
        "{}: {} shards, {} keys ({}, {} distinct, seed {})\n",
        r.scheme, r.shards, r.keys, r.dist, r.distinct_keys, r.seed
    );
    let _ = writeln!(
        s,
        "  skew (max/mean per shard) {:.4}; a read queries {} shard(s)",
        r.skew, r.lookup_fanout
    );
    if let (Some(moved), Some(fraction), Some(after)) = (r.moved_keys, r.moved_fraction, r.skew_after) {
        let _ = writeln!(
            s,
            "  added -> {} shards: {moved} keys moved ({:.2}%), skew {:.4}",
            r.shards_after,
            fraction * 100.0,
            after
        );
    }
    if let Some(m) = r.migrated_keys {
        let _ = writeln!(s, "  migrated {m} keys onto the new shards");
    }
    let _ = write!(s, "  took {:.1} ms", r.wall_ms);
    s
}

/// Runs `switchyard shard`: validates the arguments, places the keys, adds shards, prints the report.
pub fn run(args: &ShardArgs) -> Result<(), String> {
    let plan = plan(args)?;
    let report = execute(&plan, args.seed)?;
    crate::print_report(args.json, &report, summary)
}
