//! Lookup cost of each placement algorithm at 100 servers (the ring and bounded loads with 160 vnodes
//! each), over seeded random keys, and the cost of adding a 101st server.
//! `cargo bench -p switchyard-core --bench ring`.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::{black_box, criterion_group, BatchSize, Criterion, Throughput};
    use switchyard_core::ring::{Algo, Config, Placement, Server, ServerId};
    use switchyard_core::rng::SimRng;

    const SERVERS: u32 = 100;
    const KEYS: usize = 4096;

    fn placement(algo: Algo) -> Box<dyn Placement> {
        let mut p = Config::new(algo).build().expect("default config is valid");
        let servers: Vec<Server> = (0..SERVERS)
            .map(|id| Server {
                id: ServerId(id),
                weight: 1,
            })
            .collect();
        p.add_all(&servers).expect("fresh ids");
        p
    }

    fn keys(seed: u64) -> Vec<u64> {
        let mut rng = SimRng::new(seed);
        (0..KEYS).map(|_| rng.next_u64()).collect()
    }

    /// Criterion reports time per batch of `KEYS` lookups and, with the throughput set, lookups per second;
    /// ns per lookup is the batch time over `KEYS`.
    fn lookup(c: &mut Criterion) {
        let mut group = c.benchmark_group("lookup_100_servers");
        group.throughput(Throughput::Elements(KEYS as u64));
        let keys = keys(42);
        for algo in Algo::ALL {
            let mut p = placement(algo);
            if algo == Algo::Bounded {
                // A loaded ring: lookups of new keys walk past full servers.
                for key in 0..100_000 {
                    p.assign(key).expect("servers exist");
                }
            }
            group.bench_function(algo.name(), |b| {
                b.iter(|| {
                    let mut acc = 0u32;
                    for &k in &keys {
                        acc ^= p.lookup(black_box(k)).map(|s| s.0).unwrap_or(0);
                    }
                    acc
                })
            });
        }
        group.finish();
    }

    fn change(c: &mut Criterion) {
        let mut group = c.benchmark_group("add_one_server_to_100");
        group.sample_size(20);
        for algo in Algo::ALL {
            group.bench_function(algo.name(), |b| {
                b.iter_batched(
                    || placement(algo),
                    |mut p| p.add(ServerId(SERVERS), 1).map(|_| p),
                    BatchSize::LargeInput,
                )
            });
        }
        group.finish();
    }

    criterion_group!(benches, lookup, change);
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
