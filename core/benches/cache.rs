//! Cost of one cache access per policy: a fresh cache of 1,000 objects (1% of the keys) replays a seeded
//! Zipf(1.0) trace of 10^6 requests over 10^5 keys, so the figure includes the cold start, every miss's
//! evictions, and the dynamic dispatch an engine would pay through `Box<dyn Eviction>`. Criterion reports
//! the time per replay and requests per second; ns per access = time / 10^6.
#![cfg_attr(target_arch = "wasm32", allow(unused))]

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;
    use std::num::NonZeroU64;
    use std::time::Duration;

    use criterion::{BatchSize, Criterion, Throughput};
    use switchyard_core::cache::{build_with_trace, Capacity, Eviction, Policy, ZipfKeys};
    use switchyard_core::SimTime;

    const KEYS: u64 = 100_000;
    const REQUESTS: usize = 1_000_000;
    const CAPACITY: u64 = KEYS / 100;

    pub fn access(c: &mut Criterion) {
        let trace: Vec<u64> = ZipfKeys::new(KEYS, 1.0, 1).unwrap().take(REQUESTS).collect();
        let capacity = Capacity::objects(NonZeroU64::new(CAPACITY).unwrap());
        let mut group = c.benchmark_group("access zipf1.0 1e5keys 1pct");
        group
            .throughput(Throughput::Elements(REQUESTS as u64))
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        for policy in Policy::ALL {
            group.bench_function(policy.name(), |b| {
                b.iter_batched(
                    || build_with_trace(policy, capacity, 1, trace.clone()).unwrap(),
                    |mut cache: Box<dyn Eviction + Send>| {
                        let mut hits = 0u64;
                        for &key in &trace {
                            hits += u64::from(cache.access(key, 1, SimTime::ZERO).is_hit());
                        }
                        black_box(hits)
                    },
                    BatchSize::PerIteration,
                )
            });
        }
        group.finish();
    }
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_group!(benches, native::access);
#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
