//! Linearizability checker throughput on seeded synthetic histories (executions of real registers, so
//! linearizable unless corrupted on purpose). History generation is outside the timed loop.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use switchyard_core::history::synth::{self, Workload};
use switchyard_core::history::{check, stale_reads, CheckOptions, History, Op, Outcome, Verdict};

fn workload(clients: usize, ops: usize, keys: u64, info_ratio: f64) -> Workload {
    Workload {
        clients,
        ops_per_client: ops / clients,
        keys,
        read_ratio: 0.5,
        cas_ratio: 0.1,
        fail_ratio: 0.01,
        info_ratio,
    }
}

fn history(seed: u64, workload: &Workload) -> History {
    synth::execute(&synth::random_scripts(seed, workload))
}

/// `history` with its middle acknowledged read changed to a value nobody wrote.
fn corrupted(history: &History) -> History {
    let reads: Vec<_> = history
        .iter()
        .filter(|(_, op)| op.op() == Op::Read && matches!(op.outcome(), Outcome::Ok(_)))
        .map(|(id, _)| id)
        .collect();
    let victim = reads[reads.len() / 2];
    let mut copy = history.clone();
    copy.amend(victim, Outcome::Ok(Some(u64::MAX))).unwrap();
    copy
}

fn bench(c: &mut Criterion) {
    let options = CheckOptions::default();
    let mut group = c.benchmark_group("lincheck");
    let cases = [
        ("10k_ops_100_keys_8_clients", workload(8, 10_000, 100, 0.01)),
        ("10k_ops_100_keys_8_clients_10pct_info", workload(8, 10_000, 100, 0.10)),
        ("10k_ops_10_keys_10_clients", workload(10, 10_000, 10, 0.01)),
        ("2k_ops_1_key_10_clients", workload(10, 2_000, 1, 0.01)),
    ];
    for (name, workload) in cases {
        let history = history(1, &workload);
        assert_eq!(check(&history, &options), Verdict::Linearizable, "{name}");
        group.bench_function(name, |b| b.iter(|| check(black_box(&history), &options)));
    }

    // A violation: finding it, then shrinking it to the one corrupted read.
    let history = corrupted(&history(1, &workload(8, 10_000, 100, 0.01)));
    let verdict = check(&history, &options);
    assert!(
        matches!(verdict, Verdict::NotLinearizable { minimal: true, .. }),
        "{verdict:?}"
    );
    group.bench_function("10k_ops_100_keys_violation_explained", |b| {
        b.iter(|| check(black_box(&history), &options))
    });

    group.bench_function("10k_ops_100_keys_stale_reads", |b| {
        b.iter(|| stale_reads(black_box(&history)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
