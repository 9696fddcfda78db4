//! Engine throughput: discrete events per second on the M/M/1 preset (rho = 0.8), the number
//! `cargo xtask bench` sets beside SimPy running the same model.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use switchyard_core::scenario;
use switchyard_core::{presets, Sim};

fn mm1(c: &mut Criterion) {
    let (mut s, _) = scenario::load(presets::get("mm1").unwrap()).unwrap();
    s.requests = Some(100_000);
    let events = {
        let mut sim = Sim::new(&s, 1).unwrap();
        sim.run_to_end();
        sim.events_processed()
    };
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(events));
    g.sample_size(20);
    g.bench_function("mm1_100k_requests", |b| {
        b.iter(|| {
            let mut sim = Sim::new(&s, 1).unwrap();
            sim.run_to_end();
            sim.events_processed()
        })
    });
    let (cache, _) = scenario::load(presets::get("04-cache").unwrap()).unwrap();
    let events = {
        let mut sim = Sim::new(&cache, 1).unwrap();
        sim.run_to_end();
        sim.events_processed()
    };
    g.throughput(Throughput::Elements(events));
    g.bench_function("preset_04_cache", |b| {
        b.iter(|| {
            let mut sim = Sim::new(&cache, 1).unwrap();
            sim.run_to_end();
            sim.events_processed()
        })
    });
    g.finish();
}

criterion_group!(benches, mm1);
criterion_main!(benches);
