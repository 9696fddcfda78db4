//! `switchyard ring`: place keys with one of the `switchyard_core::ring` algorithms, optionally add or
//! remove servers, and report the balance (cv and max/mean of keys per server) and the keys that moved.
//!
//! Keys are `--keys` u64 values drawn from the core's PCG seeded with `--seed` (the placement then hashes
//! each with XXH3). The initial servers have ids `0..nodes`; `--add M` adds ids `nodes..nodes+M`;
//! `--remove M` removes `M` of the initial servers picked by a seeded shuffle. Every input is checked
//! before any work starts, so bad arguments give one error line, never a panic.

use crate::in_range;
use std::fmt::Write as _;
use std::time::Instant;

use clap::{Args, ValueEnum};
use serde::Serialize;
use switchyard_core::ring::{Algo, Config, LoadStats, Placement, Server, ServerId, MAX_POINTS};
use switchyard_core::rng::SimRng;

/// Upper bounds on the inputs: past these a run would take minutes or gigabytes.
const MAX_NODES: u64 = 100_000;
const MAX_VNODES: u64 = 10_000;
const MAX_KEYS: u64 = 100_000_000;
/// Bounded loads keeps a map entry per key.
const MAX_BOUNDED_KEYS: u64 = 10_000_000;
/// Estimated elementary steps (hashes, point moves) a run may take: ~a minute at worst.
const MAX_WORK: f64 = 2e10;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AlgoArg {
    /// Classic consistent-hash ring with virtual nodes.
    Ring,
    /// Jump consistent hash.
    Jump,
    /// Rendezvous (highest random weight) hashing.
    Rendezvous,
    /// Maglev hashing (table size 65 537).
    Maglev,
    /// hash mod N, the baseline.
    Modn,
    /// Consistent hashing with bounded loads.
    Bounded,
}

impl AlgoArg {
    fn algo(self) -> Algo {
        match self {
            AlgoArg::Ring => Algo::Ring,
            AlgoArg::Jump => Algo::Jump,
            AlgoArg::Rendezvous => Algo::Rendezvous,
            AlgoArg::Maglev => Algo::Maglev,
            AlgoArg::Modn => Algo::ModN,
            AlgoArg::Bounded => Algo::Bounded,
        }
    }
}

/// Place keys on servers and measure balance and movement.
#[derive(Args, Clone, Debug)]
pub struct RingArgs {
    /// Placement algorithm.
    #[arg(long, value_enum)]
    pub algo: AlgoArg,
    /// Servers to start with (ids 0..N).
    #[arg(long, value_name = "N")]
    pub nodes: u64,
    /// Virtual nodes per server, for ring and bounded [default: 160].
    #[arg(long, value_name = "V")]
    pub vnodes: Option<u64>,
    /// Keys to place (seeded random u64s).
    #[arg(long, value_name = "K")]
    pub keys: u64,
    /// Then add M servers and count the keys that move.
    #[arg(long, value_name = "M", conflicts_with = "remove")]
    pub add: Option<u64>,
    /// Then remove M of the servers (picked by the seed) and count the keys that move.
    #[arg(long, value_name = "M")]
    pub remove: Option<u64>,
    /// Seed for the keys and for which servers are removed.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Bounded loads' balance factor c: no server holds more than ⌈c × mean⌉ keys.
    #[arg(long, value_name = "C", default_value_t = 1.25)]
    pub load_factor: f64,
    /// Print one JSON object instead of a summary.
    #[arg(long)]
    pub json: bool,
}

#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "lowercase")]
enum ChangeKind {
    Add,
    Remove,
}

#[derive(Debug, Serialize)]
struct Change {
    kind: ChangeKind,
    servers: u64,
}

/// What `--json` prints. `cv` and `max_over_mean` describe keys per server after the change, if any.
#[derive(Debug, Serialize)]
struct Report {
    algo: &'static str,
    nodes: u64,
    nodes_after: u64,
    vnodes: Option<u32>,
    load_factor: Option<f64>,
    keys: u64,
    seed: u64,
    change: Option<Change>,
    cv: f64,
    max_over_mean: f64,
    moved_keys: Option<u64>,
    moved_fraction: Option<f64>,
    /// The least any placement could move: M/(N+M) on add, M/N on remove.
    minimal_moved_fraction: Option<f64>,
    wall_ms: f64,
}

/// The validated inputs.
#[derive(Debug)]
struct Plan {
    config: Config,
    nodes: u32,
    keys: u64,
    change: Option<(ChangeKind, u32)>,
}

fn plan(args: &RingArgs) -> Result<Plan, String> {
    let algo = args.algo.algo();
    in_range("--nodes", args.nodes, MAX_NODES)?;
    in_range("--keys", args.keys, MAX_KEYS)?;
    if algo == Algo::Bounded && args.keys > MAX_BOUNDED_KEYS {
        return Err(format!(
            "--keys {} is too many for bounded, which keeps state per key (at most {MAX_BOUNDED_KEYS})",
            args.keys
        ));
    }
    let vnodes = args.vnodes.unwrap_or(160);
    in_range("--vnodes", vnodes, MAX_VNODES)?;
    if !(args.load_factor.is_finite() && (1.0..=1000.0).contains(&args.load_factor)) {
        return Err(format!("--load-factor {} must be between 1 and 1000", args.load_factor));
    }
    let change = match (args.add, args.remove) {
        (Some(_), Some(_)) => return Err("give --add or --remove, not both".into()),
        (Some(0), None) | (None, Some(0)) => return Err("--add/--remove must be at least 1".into()),
        (Some(m), None) if m > MAX_NODES => return Err(format!("--add {m} is too many (at most {MAX_NODES})")),
        (None, Some(m)) if m >= args.nodes => {
            return Err(format!(
                "--remove {m} would leave no servers (there are only {})",
                args.nodes
            ))
        }
        (Some(m), None) => Some((ChangeKind::Add, m as u32)),
        (None, Some(m)) => Some((ChangeKind::Remove, m as u32)),
        (None, None) => None,
    };
    let servers = args.nodes + args.add.unwrap_or(0);
    if algo.uses_vnodes() && servers * vnodes > MAX_POINTS {
        return Err(format!(
            "{servers} servers x {vnodes} vnodes is {} ring points (at most {MAX_POINTS})",
            servers * vnodes
        ));
    }
    let config = Config {
        vnodes: vnodes as u32,
        load_factor: args.load_factor,
        ..Config::new(algo)
    };
    let plan = Plan {
        config,
        nodes: args.nodes as u32,
        keys: args.keys,
        change,
    };
    let work = plan.work();
    if work > MAX_WORK {
        return Err(format!(
            "this run would take about {:.1e} steps (at most {MAX_WORK:.0e}); use fewer --keys, --nodes, --vnodes or servers to add/remove",
            work
        ));
    }
    Ok(plan)
}

impl Plan {
    /// A rough count of elementary steps: two lookups per key, and the rebuilds (one for the initial
    /// servers, one for the change: servers are added and removed in bulk).
    fn work(&self) -> f64 {
        let changes = self.change.map_or(0.0, |(_, m)| f64::from(m));
        let servers = f64::from(self.nodes) + changes;
        let keys = self.keys as f64;
        // Sorting the points and refilling the table cost a few dozen steps per element.
        let points = 32.0 * servers * f64::from(self.config.vnodes);
        let table = 32.0 * self.config.table_size as f64;
        let (per_key, rebuild) = match self.config.algo {
            Algo::Ring => (1.0, points),
            Algo::Bounded => (2.0, points + keys),
            Algo::Rendezvous => (servers, servers),
            Algo::Maglev => (1.0, table),
            Algo::Jump | Algo::ModN => (1.0, servers),
        };
        2.0 * keys * per_key + 2.0 * rebuild
    }
}

fn keys(seed: u64, count: u64) -> impl Iterator<Item = u64> {
    let mut rng = SimRng::new(seed);
    (0..count).map(move |_| rng.next_u64())
}

fn load_stats(placement: &dyn Placement, owners: &[ServerId]) -> LoadStats {
    let servers = placement.servers();
    let mut counts = vec![0u64; servers.len()];
    for owner in owners {
        if let Ok(i) = servers.binary_search_by_key(owner, |s| s.id) {
            counts[i] += 1;
        }
    }
    LoadStats::from_counts(&counts)
}

fn execute(plan: &Plan, seed: u64) -> Result<Report, String> {
    let start = Instant::now();
    let algo = plan.config.algo;
    let mut placement = plan.config.build().map_err(|e| e.to_string())?;
    let servers = |ids: std::ops::Range<u32>| -> Vec<Server> {
        ids.map(|id| Server {
            id: ServerId(id),
            weight: 1,
        })
        .collect()
    };
    placement
        .add_all(&servers(0..plan.nodes))
        .map_err(|e| format!("adding {} servers: {e}", plan.nodes))?;
    let mut owners = Vec::with_capacity(plan.keys as usize);
    for key in keys(seed, plan.keys) {
        owners.push(placement.assign(key).map_err(|e| e.to_string())?);
    }

    let mut moved = None;
    if let Some((kind, m)) = plan.change {
        match kind {
            ChangeKind::Add => placement
                .add_all(&servers(plan.nodes..plan.nodes + m))
                .map_err(|e| format!("adding {m} servers: {e}"))?,
            ChangeKind::Remove => {
                // A seeded partial Fisher–Yates shuffle picks which of the initial servers go.
                let mut ids: Vec<ServerId> = (0..plan.nodes).map(ServerId).collect();
                let mut rng = SimRng::derive(seed, 1);
                for i in 0..m as usize {
                    let j = i + rng.below((ids.len() - i) as u64) as usize;
                    ids.swap(i, j);
                }
                placement
                    .remove_all(&ids[..m as usize])
                    .map_err(|e| format!("removing {m} servers: {e}"))?;
            }
        }
        let mut count = 0u64;
        for (key, owner) in keys(seed, plan.keys).zip(owners.iter_mut()) {
            let now = placement.lookup(key).map_err(|e| e.to_string())?;
            if now != *owner {
                count += 1;
                *owner = now;
            }
        }
        moved = Some(count);
    }

    let stats = load_stats(placement.as_ref(), &owners);
    let minimal = plan.change.map(|(kind, m)| {
        let (n, m) = (f64::from(plan.nodes), f64::from(m));
        match kind {
            ChangeKind::Add => m / (n + m),
            ChangeKind::Remove => m / n,
        }
    });
    Ok(Report {
        algo: algo.name(),
        nodes: u64::from(plan.nodes),
        nodes_after: placement.len() as u64,
        vnodes: algo.uses_vnodes().then_some(plan.config.vnodes),
        load_factor: (algo == Algo::Bounded).then_some(plan.config.load_factor),
        keys: plan.keys,
        seed,
        change: plan.change.map(|(kind, servers)| Change {
            kind,
            servers: u64::from(servers),
        }),
        cv: stats.cv,
        max_over_mean: stats.max_over_mean,
        moved_keys: moved,
        moved_fraction: moved.map(|m| m as f64 / plan.keys as f64),
        minimal_moved_fraction: minimal,
        wall_ms: start.elapsed().as_secs_f64() * 1e3,
    })
}

fn summary(r: &Report) -> String {
    let mut s = format!("{}: {} servers", r.algo, r.nodes);
    if let Some(v) = r.vnodes {
        let _ = write!(s, " x {v} vnodes");
    }
    if let Some(c) = r.load_factor {
        let _ = write!(s, ", c = {c}");
    }
    let _ = writeln!(s, ", {} keys (seed {})", r.keys, r.seed);
    if let (Some(change), Some(moved), Some(fraction), Some(minimal)) =
        (&r.change, r.moved_keys, r.moved_fraction, r.minimal_moved_fraction)
    {
        let verb = match change.kind {
            ChangeKind::Add => "added",
            ChangeKind::Remove => "removed",
        };
        let _ = writeln!(
            s,
            "  {verb} {} -> {} servers: {moved} keys moved ({:.2}%; the minimum is {:.2}%)",
            change.servers,
            r.nodes_after,
            fraction * 100.0,
            minimal * 100.0
        );
    }
    let _ = writeln!(s, "  keys per server: cv {:.4}, max/mean {:.4}", r.cv, r.max_over_mean);
    let _ = write!(s, "  took {:.1} ms", r.wall_ms);
    s
}

/// Runs `switchyard ring`: validates the arguments, places the keys, applies the change, prints the report.
pub fn run(args: &RingArgs) -> Result<(), String> {
    let plan = plan(args)?;
    let report = execute(&plan, args.seed)?;
    crate::print_report(args.json, &report, summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(algo: AlgoArg, nodes: u64, keys: u64) -> RingArgs {
        RingArgs {
            algo,
            nodes,
            vnodes: None,
            keys,
            add: None,
            remove: None,
            seed: 1,
            load_factor: 1.25,
            json: true,
        }
    }

    fn report(a: &RingArgs) -> Report {
        execute(&plan(a).unwrap(), a.seed).unwrap()
    }

    #[test]
    fn bad_arguments_are_one_line_errors() {
        let cases: Vec<(RingArgs, &str)> = vec![
            (args(AlgoArg::Ring, 0, 10), "--nodes must be at least 1"),
            (
                RingArgs {
                    vnodes: Some(0),
                    ..args(AlgoArg::Ring, 3, 10)
                },
                "--vnodes must be at least 1",
            ),
            (
                RingArgs {
                    remove: Some(3),
                    ..args(AlgoArg::Jump, 3, 10)
                },
                "--remove 3 would leave no servers (there are only 3)",
            ),
            (
                args(AlgoArg::Modn, 3, 100_000_001),
                "--keys 100000001 is too many (at most 100000000)",
            ),
            (args(AlgoArg::Maglev, 3, 0), "--keys must be at least 1"),
            (
                RingArgs {
                    load_factor: 0.5,
                    ..args(AlgoArg::Bounded, 3, 10)
                },
                "--load-factor 0.5 must be between 1 and 1000",
            ),
        ];
        for (a, expect) in cases {
            assert_eq!(plan(&a).err().as_deref(), Some(expect));
        }
        let huge = args(AlgoArg::Rendezvous, 100_000, 100_000_000);
        assert!(plan(&huge).unwrap_err().starts_with("this run would take about"));
        let maglev = RingArgs {
            add: Some(2),
            ..args(AlgoArg::Maglev, 65_536, 10)
        };
        let err = execute(&plan(&maglev).unwrap(), 1).unwrap_err();
        assert_eq!(
            err,
            "adding 2 servers: a Maglev table of 65537 entries holds at most 65537 servers"
        );
    }

    #[test]
    fn report_fields_follow_the_change() {
        let plain = report(&args(AlgoArg::Ring, 10, 10_000));
        assert_eq!(
            (plain.moved_keys, plain.moved_fraction, plain.vnodes),
            (None, None, Some(160))
        );
        assert!(plain.cv > 0.0 && plain.cv < 0.2 && plain.max_over_mean >= 1.0);

        let added = report(&RingArgs {
            add: Some(1),
            ..args(AlgoArg::Jump, 10, 20_000)
        });
        let fraction = added.moved_fraction.unwrap();
        assert!((fraction - 1.0 / 11.0).abs() < 0.02, "{fraction}");
        assert_eq!((added.nodes_after, added.vnodes), (11, None));

        let modn = report(&RingArgs {
            remove: Some(1),
            ..args(AlgoArg::Modn, 10, 20_000)
        });
        assert!(modn.moved_fraction.unwrap() > 0.5);
        assert_eq!(modn.minimal_moved_fraction, Some(0.1));
    }

    #[test]
    fn runs_are_deterministic_given_the_seed() {
        let a = RingArgs {
            remove: Some(2),
            ..args(AlgoArg::Bounded, 8, 5_000)
        };
        let (r1, r2) = (report(&a), report(&a));
        assert_eq!((r1.moved_keys, r1.cv.to_bits()), (r2.moved_keys, r2.cv.to_bits()));
        let other = report(&RingArgs { seed: 2, ..a });
        assert_ne!(other.cv.to_bits(), r1.cv.to_bits());
    }

    #[test]
    fn json_has_the_documented_fields() {
        let r = report(&RingArgs {
            add: Some(1),
            ..args(AlgoArg::Maglev, 5, 1_000)
        });
        let v: serde_json::Value = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        for field in [
            "algo",
            "nodes",
            "keys",
            "cv",
            "max_over_mean",
            "moved_keys",
            "moved_fraction",
            "wall_ms",
        ] {
            assert!(v.get(field).is_some(), "missing {field}");
        }
        assert_eq!(v["change"]["kind"], "add");
        assert!(summary(&r).contains("keys moved"));
    }
}
