//! Property and statistical tests of `ring`: key movement on add/remove against the theory (1/(n+1) for a
//! consistent hash, n/(n+1) for `hash mod n`), and balance against 1/√v (classic ring) and max/mean
//! (Maglev, bounded loads).
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use switchyard_core::ring::{
    Algo, BoundedLoads, ClassicRing, Config, Movement, Placement, ServerId, Snapshot, Tracked,
};

/// Keys per case: at n = 40 the new server gets ~250 of them (binomial sd ~16), so the [0.5, 2] band is
/// many standard deviations wide even with the ring's own share variance (cv 1/√160 ≈ 0.08) on top.
const KEYS: u64 = 10_000;

fn build(algo: Algo, ids: &[u32]) -> Box<dyn Placement> {
    let mut p = Config::new(algo).build().expect("default config");
    for &id in ids {
        p.add(ServerId(id), 1).expect("distinct ids");
    }
    p
}

fn tracked(algo: Algo, ids: &[u32], first_key: u64) -> Tracked<Box<dyn Placement>> {
    let keys = (0..KEYS).map(|k| first_key.wrapping_add(k)).collect();
    Tracked::new(build(algo, ids), keys).expect("servers exist")
}

/// Keys that moved between servers other than `changed` (churn a minimal algorithm never causes).
fn churn_among_others(m: &Movement, changed: ServerId) -> f64 {
    m.moves
        .iter()
        .filter(|mv| mv.from != changed && mv.to != changed)
        .count() as f64
        / m.keys as f64
}

/// A set of 3..40 distinct server ids (in random order, which matters for jump and modn), an id not in
/// it, and where the key range starts.
fn cluster() -> impl Strategy<Value = (Vec<u32>, u32, u64)> {
    (
        prop::collection::btree_set(any::<u32>(), 3..40),
        any::<u32>(),
        any::<u64>(),
    )
        .prop_filter("new id must be fresh", |(ids, new, _)| !ids.contains(new))
        .prop_flat_map(|(ids, new, first)| {
            (
                Just(ids.into_iter().collect::<Vec<_>>()).prop_shuffle(),
                Just(new),
                Just(first),
            )
        })
}

fn band(fraction: f64, expect: f64) -> bool {
    (0.5 * expect..=2.0 * expect).contains(&fraction)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        // Failing cases are saved beside this file (ring_props.regressions) and replayed first.
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..ProptestConfig::default()
    })]

    /// Ring (160 vnodes), jump and rendezvous: adding a server moves ~1/(n+1) of the keys, all onto it.
    #[test]
    fn adding_a_server_moves_one_over_n_plus_one_onto_it((ids, new, first) in cluster()) {
        let n = ids.len() as f64;
        for algo in [Algo::Ring, Algo::Jump, Algo::Rendezvous] {
            let mut t = tracked(algo, &ids, first);
            let m = t.add(ServerId(new), 1).unwrap();
            prop_assert!(m.all_onto(ServerId(new)), "{}: a key moved elsewhere", algo);
            prop_assert!(band(m.fraction(), 1.0 / (n + 1.0)), "{}: moved {} at n = {}", algo, m.fraction(), n);
        }
    }

    /// Ring and rendezvous: removing any server moves exactly its keys; jump: removing the last bucket's.
    #[test]
    fn removing_a_server_moves_exactly_its_keys((ids, _, first) in cluster(), pick in any::<prop::sample::Index>()) {
        for algo in [Algo::Ring, Algo::Rendezvous, Algo::Jump] {
            let mut t = tracked(algo, &ids, first);
            let victim = ServerId(match algo {
                Algo::Jump => *ids.last().unwrap(), // the last bucket (ids were added in this order)
                _ => ids[pick.index(ids.len())],
            });
            let owned = t.snapshot().owners().iter().filter(|&&o| o == victim).count();
            let m = t.remove(victim).unwrap();
            prop_assert!(m.all_from(&[victim]), "{}: a key of another server moved", algo);
            prop_assert_eq!(m.moved(), owned, "{}: not all of the victim's keys moved", algo);
            prop_assert!(band(m.fraction(), 1.0 / ids.len() as f64), "{}: moved {}", algo, m.fraction());
        }
    }

    /// Jump with an arbitrary removal: the last bucket's server is swapped into the hole, so the victim's
    /// keys and the last server's keys move, (2n − 3)/(n(n − 1)) ≈ 2/n of all keys, and nothing else.
    #[test]
    fn jump_arbitrary_removal_costs_about_two_over_n((ids, _, first) in cluster(), pick in any::<prop::sample::Index>()) {
        let victim = ServerId(ids[pick.index(ids.len() - 1)]); // any but the last bucket
        let last = ServerId(*ids.last().unwrap());
        let mut t = tracked(Algo::Jump, &ids, first);
        let owned = t.snapshot().owners().iter().filter(|&&o| o == victim).count();
        let m = t.remove(victim).unwrap();
        prop_assert!(m.all_from(&[victim, last]));
        prop_assert_eq!(m.moves.iter().filter(|mv| mv.from == victim).count(), owned);
        let n = ids.len() as f64;
        let expect = (2.0 * n - 3.0) / (n * (n - 1.0));
        prop_assert!(band(m.fraction(), expect), "moved {} expected ≈ {}", m.fraction(), expect);
    }

    /// Weighted ring and rendezvous stay minimal: a weighted add moves keys only onto the new server, a
    /// weighted remove only the removed server's keys, and the moved share tracks w / Σw.
    #[test]
    fn weighted_changes_stay_minimal(
        weighted in prop::collection::btree_map(any::<u32>(), 1u32..5, 3..20),
        new_weight in 1u32..5,
        first in any::<u64>(),
    ) {
        let new = ServerId(weighted.keys().max().unwrap().wrapping_add(1));
        prop_assume!(!weighted.contains_key(&new.0));
        let total: u32 = weighted.values().sum();
        for algo in [Algo::Ring, Algo::Rendezvous] {
            let mut p = Config::new(algo).build().unwrap();
            for (&id, &w) in &weighted {
                p.add(ServerId(id), w).unwrap();
            }
            let mut t = Tracked::new(p, (0..KEYS).map(|k| first.wrapping_add(k)).collect()).unwrap();
            let m = t.add(new, new_weight).unwrap().clone();
            prop_assert!(m.all_onto(new), "{}", algo);
            let expect = f64::from(new_weight) / f64::from(total + new_weight);
            prop_assert!(band(m.fraction(), expect), "{}: moved {} expected {}", algo, m.fraction(), expect);
            let back = t.remove(new).unwrap();
            prop_assert!(back.all_from(&[new]), "{}", algo);
            prop_assert_eq!(back.moved(), m.moved());
        }
    }

    /// Maglev is only nearly minimal (see `ring::maglev`). What holds: every key of a removed server
    /// moves, an added server gets ~1/(n+1) of the keys, and the churn between servers that did not change
    /// stays under 2% of the keys (measured: at most 0.55% over 150 random clusters with n in 3..40).
    #[test]
    fn maglev_is_nearly_minimal((ids, new, first) in cluster(), pick in any::<prop::sample::Index>()) {
        let n = ids.len() as f64;
        let mut t = tracked(Algo::Maglev, &ids, first);
        let m = t.add(ServerId(new), 1).unwrap();
        prop_assert!(band(m.fraction(), 1.0 / (n + 1.0)), "add moved {}", m.fraction());
        prop_assert!(churn_among_others(m, ServerId(new)) < 0.02, "add churn {}", churn_among_others(m, ServerId(new)));

        let mut t = tracked(Algo::Maglev, &ids, first);
        let victim = ServerId(ids[pick.index(ids.len())]);
        let owned = t.snapshot().owners().iter().filter(|&&o| o == victim).count();
        let m = t.remove(victim).unwrap();
        prop_assert_eq!(m.moves.iter().filter(|mv| mv.from == victim).count(), owned);
        prop_assert!(churn_among_others(m, victim) < 0.02, "remove churn {}", churn_among_others(m, victim));
    }

    /// `hash mod n`: going from n to n + 1 servers moves n/(n+1) of the keys; dropping the last slot
    /// moves (n − 1)/n. Binomial sd at 10 000 keys is at most 0.005, so ±0.025 is five of them.
    #[test]
    fn modn_moves_almost_everything((ids, new, first) in cluster()) {
        let n = ids.len() as f64;
        let mut t = tracked(Algo::ModN, &ids, first);
        let added = t.add(ServerId(new), 1).unwrap().fraction();
        prop_assert!((added - n / (n + 1.0)).abs() < 0.025, "add moved {} at n = {}", added, n);
        let removed = t.remove(ServerId(new)).unwrap().fraction();
        prop_assert!((removed - n / (n + 1.0)).abs() < 0.025, "remove moved {}", removed);
        let mut t = tracked(Algo::ModN, &ids, first);
        let dropped = t.remove(ServerId(*ids.last().unwrap())).unwrap().fraction();
        prop_assert!((dropped - (n - 1.0) / n).abs() < 0.025, "dropping the last slot moved {}", dropped);
    }

    /// Bounded loads (c = 1.25): never over capacity, every removed key moves, and the cascades keep the
    /// total movement within 2.5× the minimum (measured: at most 1.6× over 150 random clusters).
    #[test]
    fn bounded_loads_cap_load_and_cascade_a_little((ids, new, first) in cluster(), pick in any::<prop::sample::Index>()) {
        let n = ids.len() as f64;
        let mut t = tracked(Algo::Bounded, &ids, first);
        let cap = |servers: f64| (1.25 * KEYS as f64 / servers).ceil();
        prop_assert!(t.load_stats().max as f64 <= cap(n));
        let m = t.add(ServerId(new), 1).unwrap().fraction();
        prop_assert!(m <= 2.5 / (n + 1.0), "add moved {}", m);
        prop_assert!(t.load_stats().max as f64 <= cap(n + 1.0));
        let victim = ServerId(ids[pick.index(ids.len())]);
        let owned = t.snapshot().owners().iter().filter(|&&o| o == victim).count();
        let m = t.remove(victim).unwrap();
        prop_assert!(m.moves.iter().filter(|mv| mv.from == victim).count() == owned);
        prop_assert!(m.fraction() <= 2.5 / n, "remove moved {}", m.fraction());
        prop_assert!(t.load_stats().max as f64 <= cap(n));
    }
}

/// The classic result: with v vnodes per server, a server's share of the circle has coefficient of variation
/// ≈ 1/√v. Exactly: the n·v points cut the circle into Dirichlet(1, …, 1) spacings and a server owns v of
/// them, so its share is Beta(v, (n−1)v): mean 1/n and
///
/// ```text
/// cv_arc² = (n − 1) / (n·v + 1)            (≈ (1 − 1/n) / v; 5% below 1/√v at n = 10)
/// ```
///
/// Counting K keys adds binomial noise: `cv² = cv_arc² (1 − 1/K) + (n − 1)/K` (the population variance
/// over the n servers with the exact mean K/n is unbiased for one server's variance). At n = 10,
/// K = 10^5 that is 0.2987, 0.0953, 0.0315 for v = 10, 100, 1000, i.e. −5.5%, −4.7%, −0.4% from 1/√v.
///
/// One ring has only 10 servers, so its cv is itself an estimate with ~24% relative error
/// (1/√(2(n−1))): measured over 64 rings, only 42–46 of 64 single rings land within 25% of 1/√v (the
/// worst at v = 10 was 0.18 against 0.316). The assertion is therefore on the RMS cv over 256 rings of
/// 10 servers with disjoint ids (sampling error ≈ 1.5%): within 25% of 1/√v, as asked, and within 8% of
/// the exact value above (measured: 0.2969, 0.0968, 0.0318).
#[test]
fn classic_ring_cv_is_one_over_root_v() {
    const N: u32 = 10;
    const K: u64 = 100_000;
    const RINGS: u32 = 256;
    let keys: Vec<u64> = (0..K).collect();
    for v in [10u32, 100, 1000] {
        let n = f64::from(N);
        let cv_arc2 = (n - 1.0) / (n * f64::from(v) + 1.0);
        let exact = (cv_arc2 * (1.0 - 1.0 / K as f64) + (n - 1.0) / K as f64).sqrt();
        let mut sum_sq = 0.0;
        for r in 0..RINGS {
            let mut ring = ClassicRing::new(v).unwrap();
            for id in 0..N {
                ring.add(ServerId(r * 1_000 + id), 1).unwrap();
            }
            let cv = Snapshot::lookup(&ring, keys.clone())
                .unwrap()
                .load_stats(ring.servers())
                .cv;
            sum_sq += cv * cv;
        }
        let rms = (sum_sq / f64::from(RINGS)).sqrt();
        let target = 1.0 / f64::from(v).sqrt();
        println!(
            "v = {v}: RMS cv {rms:.4}, 1/√v {target:.4} ({:+.1}%), exact {exact:.4}",
            (rms / target - 1.0) * 100.0
        );
        assert!(
            (rms / target - 1.0).abs() <= 0.25,
            "v = {v}: RMS cv {rms} vs 1/√v {target}"
        );
        assert!(
            (rms / exact - 1.0).abs() <= 0.08,
            "v = {v}: RMS cv {rms} vs exact {exact}"
        );
    }
}

/// Maglev's table gives every server ⌊M/n⌋ or ⌈M/n⌉ slots, so with 10 servers and 10^5 keys the key
/// counts are binomial around 10^4 (sd 95, 1%): max/mean ≤ 1.05 holds with room; the table alone is
/// within 1 + n/M.
#[test]
fn maglev_max_over_mean_is_at_most_1_05() {
    let ids: Vec<u32> = (0..10).collect();
    let p = build(Algo::Maglev, &ids);
    let stats = Snapshot::lookup(&p, (0..100_000).collect())
        .unwrap()
        .load_stats(p.servers());
    println!(
        "maglev 10 servers, 10^5 keys: max/mean {:.4}, cv {:.4}",
        stats.max_over_mean, stats.cv
    );
    assert!(stats.max_over_mean <= 1.05, "{stats:?}");
    let shares = p.shares();
    let max_share = shares.iter().map(|s| s.fraction).fold(0.0, f64::max);
    assert!(max_share * 10.0 <= 1.0 + 10.0 / 65_537.0, "{shares:?}");
    // The contrast: a 10-server classic ring with 10 vnodes is far less even.
    let mut sparse = ClassicRing::new(10).unwrap();
    for &id in &ids {
        sparse.add(ServerId(id), 1).unwrap();
    }
    let sparse_stats = Snapshot::lookup(&sparse, (0..100_000).collect())
        .unwrap()
        .load_stats(sparse.servers());
    assert!(sparse_stats.max_over_mean > 1.1, "{sparse_stats:?}");
}

/// Bounded loads keep max/mean at or under c where a plain ring with few vnodes does not.
#[test]
fn bounded_loads_max_over_mean_is_at_most_c() {
    for c in [1.05, 1.25, 2.0] {
        let mut b = BoundedLoads::new(10, c).unwrap();
        for id in 0..10 {
            b.add(ServerId(id), 1).unwrap();
        }
        let stats = Snapshot::assign(&mut b, (0..50_000).collect())
            .unwrap()
            .load_stats(b.servers());
        assert!(stats.max as f64 <= (c * 5_000.0).ceil(), "c = {c}: {stats:?}");
    }
}
