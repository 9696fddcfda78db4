//! Statistical cross-check against published numbers: Cloudflare pingora's TinyUFO hit-ratio benchmark
//! (`tinyufo/benches/bench_hit_ratio.rs`) replays 5×10^6 requests drawn from `rand_distr::Zipf::new(10_000,
//! 1.0)` (keys 1..=10,000) through the `lru` crate, get-then-push-on-miss, no warm-up, capacity in objects
//! (0.5%, 1%, 5%, 10%, 25% of the keys), and reports the LRU hit ratio. Our LRU on the same workload, with
//! our own seeded generator, must land within one percentage point of each of its numbers. On the same
//! trace, SIEVE, S3-FIFO, ARC and W-TinyLFU must beat LRU at 1%, and Belady's optimal every policy.
#![cfg(not(target_arch = "wasm32"))]

use std::num::NonZeroU64;

use switchyard_core::cache::{build, Belady, Capacity, Eviction, Policy, ZipfKeys};
use switchyard_core::SimTime;

const KEYS: u64 = 10_000;
const REQUESTS: usize = 5_000_000;
const SEED: u64 = 2024;

fn trace() -> Vec<u64> {
    ZipfKeys::new(KEYS, 1.0, SEED).unwrap().take(REQUESTS).collect()
}

fn objects(n: u64) -> Capacity {
    Capacity::objects(NonZeroU64::new(n).unwrap())
}

/// Hit ratio in percent.
fn replay(cache: &mut dyn Eviction, trace: &[u64]) -> f64 {
    let hits = trace
        .iter()
        .filter(|&&key| cache.access(key, 1, SimTime::ZERO).is_hit())
        .count();
    100.0 * hits as f64 / trace.len() as f64
}

fn hit_ratio(policy: Policy, capacity: u64, trace: &[u64]) -> f64 {
    let mut cache = match policy {
        Policy::Belady => Box::new(Belady::new(trace.to_vec(), objects(capacity)).unwrap()),
        online => build(online, objects(capacity), SEED).unwrap(),
    };
    replay(cache.as_mut(), trace)
}

#[test]
fn zipf_keys_cover_one_to_n_and_repeat_per_seed() {
    let keys: Vec<u64> = ZipfKeys::new(10, 1.0, 1).unwrap().take(10_000).collect();
    assert!(keys.iter().all(|k| (1..=10).contains(k)));
    assert!(keys.contains(&1) && keys.contains(&10));
    let again: Vec<u64> = ZipfKeys::new(10, 1.0, 1).unwrap().take(10_000).collect();
    assert_eq!(keys, again);
    // P(1) = 1 / H(10) = 0.3414 for alpha = 1.
    let ones = keys.iter().filter(|&&k| k == 1).count() as f64 / 10_000.0;
    assert!((ones - 0.3414).abs() < 0.02, "{ones}");
    assert!(ZipfKeys::new(10, -1.0, 1).is_err());
}

/// Replays every `(policy, capacity)` job on `trace`, one thread each (the machine may have several cores).
fn hit_ratios(jobs: &[(Policy, u64)], trace: &[u64]) -> Vec<f64> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .iter()
            .map(|&(policy, capacity)| scope.spawn(move || hit_ratio(policy, capacity, trace)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[test]
fn lru_matches_pingora_and_the_smart_policies_beat_it() {
    let trace = trace();
    // (capacity in objects, pingora's LRU hit ratio in percent)
    let pingora = [(50, 30.94), (100, 39.02), (500, 58.68), (1_000, 67.60), (2_500, 79.94)];
    let mut jobs: Vec<(Policy, u64)> = pingora.iter().map(|&(c, _)| (Policy::Lru, c)).collect();
    jobs.extend(Policy::ALL.iter().map(|&p| (p, 100)));
    let ratios = hit_ratios(&jobs, &trace);

    for ((capacity, published), ours) in pingora.into_iter().zip(&ratios) {
        eprintln!("lru capacity {capacity:>5}: {ours:.2}% (pingora {published:.2}%)");
        assert!(
            (ours - published).abs() < 1.0,
            "LRU at {capacity}: {ours:.2}% vs pingora {published:.2}%"
        );
    }

    let at_one_percent: Vec<(Policy, f64)> = Policy::ALL
        .into_iter()
        .zip(ratios[pingora.len()..].iter().copied())
        .collect();
    for (policy, ratio) in &at_one_percent {
        eprintln!("{policy:>8} at 1%: {ratio:.2}%");
    }
    let ratio = |p: Policy| at_one_percent.iter().find(|(q, _)| *q == p).unwrap().1;
    let lru = ratio(Policy::Lru);
    for better in [Policy::Sieve, Policy::S3Fifo, Policy::Arc, Policy::TinyLfu] {
        assert!(
            ratio(better) > lru,
            "{better} {:.2}% does not beat LRU {lru:.2}%",
            ratio(better)
        );
    }
    let belady = ratio(Policy::Belady);
    for (policy, r) in &at_one_percent {
        assert!(
            *policy == Policy::Belady || *r < belady,
            "{policy} {r:.2}% >= Belady {belady:.2}%"
        );
    }
}
