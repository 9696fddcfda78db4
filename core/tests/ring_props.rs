//! Property and statistical tests of `ring`: key movement on add/remove against the theory (1/(n+1) for a
//! consistent hash, n/(n+1) for `hash mod n`), and balance against 1/√v (classic ring) and max/mean
//! (Maglev, bounded loads).
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, RngSeed};
use switchyard_core::ring::hash::server_hash;
use switchyard_core::ring::maglev::DEFAULT_TABLE_SIZE;
use switchyard_core::ring::{
    Algo, BoundedLoads, ClassicRing, Config, Maglev, Movement, Placement, Server, ServerId, Snapshot, Tracked,
};

/// Every proptest here draws its cases from this seed, so a run is reproducible; the committed failures in
/// `ring_props.regressions` are replayed before the seeded cases.
const PROPTEST_SEED: u64 = 0x5257_4E47_5052_4F50; // "RWNGPROP"

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

/// Maglev's Pseudocode 1 (Eisenbud et al., NSDI 2016, §3.4), written out naively: each backend's
/// preference list is `permutation[j] = (offset + j · skip) mod M` with `offset = h1 mod M` and
/// `skip = h2 mod (M − 1) + 1`, and the backends (`ids`, in id order) take turns claiming their next
/// preferred empty entry until the table is full.
fn naive_maglev(ids: &[u32], m: u64) -> Vec<ServerId> {
    let offset = |id: u32| server_hash(ServerId(id), 1) % m;
    let skip = |id: u32| server_hash(ServerId(id), 2) % (m - 1) + 1;
    let permutation = |id: u32, j: u64| (offset(id) + j * skip(id)) % m;
    let mut next = vec![0u64; ids.len()];
    let mut entry: Vec<Option<ServerId>> = vec![None; m as usize];
    let mut filled = 0;
    loop {
        for (i, &id) in ids.iter().enumerate() {
            let mut c = permutation(id, next[i]);
            while entry[c as usize].is_some() {
                next[i] += 1;
                c = permutation(id, next[i]);
            }
            entry[c as usize] = Some(ServerId(id));
            next[i] += 1;
            filled += 1;
            if filled == m {
                return entry.into_iter().map(|e| e.expect("full")).collect();
            }
        }
    }
}

/// A Maglev table (default size) over `ids`, built in one refill.
fn maglev(ids: &[u32]) -> Maglev {
    let mut p = Maglev::new();
    let servers: Vec<Server> = ids
        .iter()
        .map(|&id| Server {
            id: ServerId(id),
            weight: 1,
        })
        .collect();
    p.add_all(&servers).expect("distinct ids");
    p
}

/// Slot-level movement between two tables: (slots taken by or from `changed`, slots that changed hands
/// between the other servers).
fn slot_moves(before: &Maglev, after: &Maglev, changed: ServerId) -> (usize, usize) {
    let moved = before.table().iter().zip(after.table()).filter(|(b, a)| b != a);
    moved.fold((0, 0), |(own, churn), (b, a)| {
        if *b == changed || *a == changed {
            (own + 1, churn)
        } else {
            (own, churn + 1)
        }
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
        rng_seed: RngSeed::Fixed(PROPTEST_SEED),
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

    /// Maglev is only nearly minimal (see `ring::maglev`). What the table guarantees, and holds for every
    /// cluster: the added server takes ⌊M/(n+1)⌋ or ⌈M/(n+1)⌉ slots, so ~1/(n+1) of the keys move onto it,
    /// and every key of a removed server moves. The churn between unchanged servers has no such guarantee:
    /// it is ~0.1–0.5% of the keys for a typical cluster (`maglev_typical_churn_is_small`), but when two
    /// servers share a skip (probability 1/(M − 1) per pair) they walk the same cyclic order and up to one
    /// whole share changes hands (`maglev_shared_skip_churns_a_whole_share`). Measured over 400 clusters
    /// per n with a forced shared skip, n in 2..39: add churn at most 1.08/(n+1), remove churn at most
    /// 1.15/n of the slots (the excess is the ~0.4% typical churn). The bound below is one share plus 2%
    /// (for that and the sampling noise of 10^4 keys, sd ≤ 0.5%), so a total of at most ~2× the minimum;
    /// a table reassigned at random on each change would move ~n/(n+1) of the keys and fail it.
    #[test]
    fn maglev_is_nearly_minimal((ids, new, first) in cluster(), pick in any::<prop::sample::Index>()) {
        let n = ids.len() as f64;
        let mut t = tracked(Algo::Maglev, &ids, first);
        let m = t.add(ServerId(new), 1).unwrap();
        let onto = m.moves.iter().filter(|mv| mv.to == ServerId(new)).count() as f64 / m.keys as f64;
        prop_assert!(band(onto, 1.0 / (n + 1.0)), "add moved {} onto the new server at n = {}", onto, n);
        let churn = churn_among_others(m, ServerId(new));
        prop_assert!(churn <= 1.0 / (n + 1.0) + 0.02, "add churn {} at n = {}", churn, n);

        let mut t = tracked(Algo::Maglev, &ids, first);
        let victim = ServerId(ids[pick.index(ids.len())]);
        let owned = t.snapshot().owners().iter().filter(|&&o| o == victim).count();
        prop_assert!(band(owned as f64 / KEYS as f64, 1.0 / n), "victim owned {} keys at n = {}", owned, n);
        let m = t.remove(victim).unwrap();
        prop_assert_eq!(m.moves.iter().filter(|mv| mv.from == victim).count(), owned);
        let churn = churn_among_others(m, victim);
        prop_assert!(churn <= 1.0 / n + 0.02, "remove churn {} at n = {}", churn, n);
    }

    /// The table is exactly the paper's Pseudocode 1 run over the members in id order (tables of 7 and 251
    /// slots too, where servers run out of preferred slots quickly and the search wraps often).
    #[test]
    fn maglev_matches_the_papers_pseudocode(
        ids in prop::collection::btree_set(any::<u32>(), 1..40),
        m in prop::sample::select(vec![7u64, 251, 65_537]),
    ) {
        let ids: Vec<u32> = ids.into_iter().take(m as usize).collect();
        let mut p = Maglev::with_table_size(m).unwrap();
        let servers: Vec<Server> = ids.iter().map(|&id| Server { id: ServerId(id), weight: 1 }).collect();
        p.add_all(&servers).unwrap();
        prop_assert!(p.table() == naive_maglev(&ids, m).as_slice(), "table differs from the pseudocode");
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

/// The failure that exposed the shared-skip case (persisted in `ring_props.regressions`): with n = 3,
/// servers 2463171542 and 3509784922 both get skip 39 858 (offsets 9 628 and 1 918), so their preference
/// lists are the same cycle through the table from different starting points, and they split that cycle
/// into runs. Adding a fourth server shortens every run and shifts the boundaries: 16 242 of the 65 537
/// slots (24.8%) change hands among the three old servers, besides the 16 384 (25.0%) the new server takes
/// (on the failing key range: 2 553 + 2 503 of 10^4 keys, 50.6% moved). That is the paper's algorithm
/// (the naive pseudocode gives the same table), not a bug: the churn is one share, as
/// `maglev_is_nearly_minimal` allows. Removing the server that shares no skip churns 20 984 slots (32.0%,
/// again about one share, 1/n).
#[test]
fn maglev_shared_skip_churns_a_whole_share() {
    let ids = [2_463_171_542u32, 3_509_784_922, 3_698_792_803];
    let new = 3_165_857_913u32;
    let m = DEFAULT_TABLE_SIZE;
    let skip = |id: u32| server_hash(ServerId(id), 2) % (m - 1) + 1;
    assert_eq!((skip(ids[0]), skip(ids[1])), (39_858, 39_858));
    let before = maglev(&ids);
    let after = maglev(&[ids[0], ids[1], ids[2], new]);
    assert!(before.table() == naive_maglev(&ids, m).as_slice());
    assert!(after.table() == naive_maglev(&[ids[0], new, ids[1], ids[2]], m).as_slice());
    assert_eq!(slot_moves(&before, &after, ServerId(new)), (16_384, 16_242));
    let without_third = maglev(&ids[..2]);
    assert_eq!(slot_moves(&before, &without_third, ServerId(ids[2])), (21_845, 20_984));
}

/// splitmix64: a fixed stream of cluster ids for the statistical test below.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The typical Maglev churn, measured exactly on the table (no key sampling) over 50 seeded clusters per
/// n: adding or removing a server moves a median of ~0.05% (n = 3) to ~0.4% (n = 40) of the slots between
/// servers that did not change. The tail comes from skips in a small ratio (s_a = ±s_b, ±2·s_b, 9·s_a =
/// −5·s_b, …), which correlate two preference lists: over 3 000 random clusters with n in 1..40 the two
/// above 1% were of that kind (1.4% and 2.2%), and here 1 in 50 clusters reaches 1–1.8% at n = 3..6.
/// Asserted per n and per kind of change: median under 0.6%, at most 5 of 50 clusters at 1% or more, at
/// most 1 at 2% or more (a sharing-skip pair, ~n²/2 in 65 536, is the usual way to get there).
#[test]
fn maglev_typical_churn_is_small() {
    let mut state = 0x4D41_474C_4556_u64; // "MAGLEV"
    let m = DEFAULT_TABLE_SIZE as f64;
    for n in [3usize, 4, 5, 6, 8, 10, 20, 40] {
        let mut adds = Vec::new();
        let mut removes = Vec::new();
        for _ in 0..50 {
            let mut ids: Vec<u32> = Vec::new();
            while ids.len() < n + 1 {
                let id = splitmix(&mut state) as u32;
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            let new = ids.pop().expect("n + 1 ids");
            let before = maglev(&ids);
            let (_, churn) = slot_moves(&before, &maglev(&[ids.as_slice(), &[new]].concat()), ServerId(new));
            adds.push(churn as f64 / m);
            let victim = ids[(splitmix(&mut state) % n as u64) as usize];
            let rest: Vec<u32> = ids.iter().copied().filter(|&id| id != victim).collect();
            let (_, churn) = slot_moves(&before, &maglev(&rest), ServerId(victim));
            removes.push(churn as f64 / m);
        }
        for (what, churns) in [("add", &mut adds), ("remove", &mut removes)] {
            churns.sort_by(f64::total_cmp);
            let (median, worst) = (churns[churns.len() / 2], churns[churns.len() - 1]);
            let over = churns.iter().filter(|&&c| c >= 0.01).count();
            println!("n = {n}: {what} churn median {median:.4}, worst {worst:.4}, {over} of 50 at 1% or more");
            assert!(median < 0.006, "n = {n}: {what} churn median {median}");
            assert!(
                over <= 2,
                "n = {n}: {over} clusters with {what} churn of 1% or more: {churns:?}"
            );
        }
    }
}
