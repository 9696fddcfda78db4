//! Properties of `switchyard_core::partition`: key movement on adding a shard (mod-N vs consistent vs
//! directory), the range hot spot under sequential keys, round-robin's read fan-out, determinism, and
//! `validate()` after every operation of random op sequences.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use switchyard_core::partition::{
    diff, locate_all, record_all, skew, Config, Directory, PartitionError, Partitioner, Range, RoundRobin, Scheme,
    ShardId,
};
use switchyard_core::rng::SimRng;

fn random_keys(seed: u64, n: usize) -> Vec<u64> {
    let mut rng = SimRng::new(seed);
    (0..n).map(|_| rng.next_u64()).collect()
}

/// The fraction of `keys` that move when one shard is added to `shards`.
fn moved_on_add(scheme: Scheme, shards: u32, keys: &[u64]) -> f64 {
    let mut p = Config::new(scheme, shards).build().unwrap();
    let before = record_all(&mut p, keys).unwrap();
    p.add_shard().unwrap();
    p.validate().unwrap();
    diff(&before, &locate_all(&p, keys).unwrap()).fraction()
}

#[test]
fn adding_a_ninth_shard_moves_most_keys_with_modn_and_few_with_consistent_hashing() {
    let keys = random_keys(7, 50_000);
    let modn = moved_on_add(Scheme::ModN, 8, &keys);
    let consistent = moved_on_add(Scheme::Consistent, 8, &keys);
    assert!(modn > 0.8, "modn moved {modn}");
    assert!((0.05..=0.25).contains(&consistent), "consistent moved {consistent}");
    assert_eq!(moved_on_add(Scheme::Directory, 8, &keys), 0.0);
}

#[test]
fn directory_moves_exactly_the_migrated_keys() {
    let keys = random_keys(8, 20_000);
    let mut d = Directory::new(8).unwrap();
    let before = record_all(&mut d, &keys).unwrap();
    let new = d.add_shard().unwrap();
    assert_eq!(diff(&before, &locate_all(&d, &keys).unwrap()).moved, 0);
    let chosen: Vec<u64> = keys.iter().copied().step_by(10).collect();
    assert_eq!(d.migrate(&chosen, new).unwrap(), chosen.len() as u64);
    d.validate().unwrap();
    let after = locate_all(&d, &keys).unwrap();
    for (i, (&b, &a)) in before.iter().zip(&after).enumerate() {
        let migrated = i % 10 == 0;
        assert_eq!(a != b, migrated, "key {i}");
        assert_eq!(a == new, migrated, "key {i}");
    }
    assert_eq!(diff(&before, &after).fraction(), 0.1);
    assert_eq!(
        d.migrate(&chosen, ShardId(99)),
        Err(PartitionError::UnknownShard(ShardId(99)))
    );
}

#[test]
fn sequential_keys_make_a_range_hot_spot_that_hashing_spreads() {
    let n = 100_000u64;
    let keys: Vec<u64> = (0..n).collect();
    let window = &keys[(n * 9 / 10) as usize..];
    let range = Range::even(8, u128::from(n)).unwrap();
    let owners = locate_all(&range, window).unwrap();
    let hot = skew(range.shards(), &owners, None);
    assert!(hot.max as f64 > 0.9 * window.len() as f64, "{hot:?}");

    let modn = Config::new(Scheme::ModN, 8).build().unwrap();
    let spread = skew(modn.shards(), &locate_all(&modn, window).unwrap(), None);
    assert!(spread.skew < 1.3, "{spread:?}");
    let all = skew(modn.shards(), &locate_all(&modn, &keys).unwrap(), None);
    assert!(all.skew < 1.3, "{all:?}");
}

#[test]
fn round_robin_reads_fan_out_to_every_shard_and_the_others_to_one() {
    let mut rr = RoundRobin::new(8).unwrap();
    assert_eq!(rr.lookup_fanout(), 8);
    rr.add_shard().unwrap();
    assert_eq!(rr.lookup_fanout(), 9);
    let owners = record_all(&mut rr, &[5; 18]).unwrap();
    assert_eq!(skew(rr.shards(), &owners, None).skew, 1.0);
    for scheme in Scheme::ALL.into_iter().filter(|&s| s != Scheme::RoundRobin) {
        assert_eq!(Config::new(scheme, 8).build().unwrap().lookup_fanout(), 1, "{scheme}");
    }
}

#[test]
fn bad_input_is_a_typed_error() {
    assert_eq!(
        Range::new(&[10, 10]).err(),
        Some(PartitionError::BadSplitPoints { index: 1 })
    );
    assert_eq!(
        Range::new(&[0]).err(),
        Some(PartitionError::BadSplitPoints { index: 0 })
    );
    for scheme in Scheme::ALL {
        assert_eq!(
            Config::new(scheme, 0).build().err(),
            Some(PartitionError::NoShards),
            "{scheme}"
        );
        let mut one = Config::new(scheme, 1).build().unwrap();
        assert_eq!(one.remove_shard(ShardId(0)), Err(PartitionError::LastShard), "{scheme}");
        assert_eq!(
            one.remove_shard(ShardId(7)),
            Err(PartitionError::UnknownShard(ShardId(7)))
        );
    }
    let mut narrow = Range::new(&[1]).unwrap();
    assert_eq!(
        narrow.split(ShardId(0)),
        Err(PartitionError::RangeTooNarrow(ShardId(0)))
    );
    let composite = Config {
        regions: Some(4),
        ..Config::new(Scheme::Composite, 3)
    };
    assert_eq!(
        composite.build().err(),
        Some(PartitionError::TooFewShards { shards: 3, regions: 4 })
    );
    let mut modn = Config::new(Scheme::ModN, 2).build().unwrap();
    assert_eq!(
        modn.migrate(&[1], ShardId(0)),
        Err(PartitionError::MigrationUnsupported(Scheme::ModN))
    );
}

#[derive(Clone, Debug)]
enum Op {
    Add,
    /// Remove the shard at this position (mod the count).
    Remove(usize),
    /// Migrate these keys to the shard at this position (directory only; an error elsewhere).
    Migrate(Vec<u64>, usize),
    Record(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Add),
        2 => any::<usize>().prop_map(Op::Remove),
        1 => (prop::collection::vec(any::<u64>(), 0..5), any::<usize>()).prop_map(|(k, s)| Op::Migrate(k, s)),
        2 => any::<u64>().prop_map(Op::Record),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_op_keeps_the_invariants_and_placements_are_deterministic(
        scheme in prop::sample::select(Scheme::ALL.to_vec()),
        shards in 1u32..6,
        ops in prop::collection::vec(op(), 0..24),
        keys in prop::collection::vec(any::<u64>(), 1..40),
    ) {
        let config = Config { regions: Some(u64::from(shards.min(3))), ..Config::new(scheme, shards) };
        let mut p = config.build().unwrap();
        let mut twin = config.build().unwrap();
        p.validate().unwrap();
        for (i, op) in ops.iter().enumerate() {
            let at = |k: usize, p: &dyn Partitioner| p.shards()[k % p.shards().len()];
            let (r1, r2) = match op {
                Op::Add => (p.add_shard().map(|_| 0), twin.add_shard().map(|_| 0)),
                Op::Remove(k) => {
                    let s = at(*k, p.as_ref());
                    (p.remove_shard(s).map(|_| 0), twin.remove_shard(s).map(|_| 0))
                }
                Op::Migrate(keys, k) => {
                    let s = at(*k, p.as_ref());
                    (p.migrate(keys, s), twin.migrate(keys, s))
                }
                Op::Record(key) => (
                    p.record(i as u64, *key).map(|s| u64::from(s.0)),
                    twin.record(i as u64, *key).map(|s| u64::from(s.0)),
                ),
            };
            prop_assert_eq!(&r1, &r2);
            if r1.is_err() {
                prop_assert_eq!(p.shards(), twin.shards());
            }
            p.validate().map_err(TestCaseError::fail)?;
            prop_assert!(!p.shards().is_empty());
            let placed = locate_all(&p, &keys).unwrap();
            prop_assert_eq!(&placed, &locate_all(&twin, &keys).unwrap());
            for s in &placed {
                prop_assert!(p.shards().binary_search(s).is_ok(), "{} is not a member", s);
            }
        }
    }
}
