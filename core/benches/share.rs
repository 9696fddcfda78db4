//! Share links: encoding and decoding the 20-node topology of `tests/links/twenty-nodes.json`, and how fast
//! hostile links are refused (a deflate bomb stopped at the 1 MiB inflate limit, 10,000 levels of nesting).
//! `cargo bench -p switchyard-core --bench share`.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use criterion::{black_box, criterion_group, Criterion};
    use switchyard_core::{scenario, share};

    fn link_of(json: &[u8]) -> String {
        format!(
            "v1.{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(json, 10))
        )
    }

    fn twenty_nodes(c: &mut Criterion) {
        let text = include_str!("../../tests/links/twenty-nodes.json");
        let s = scenario::parse(text).expect("the committed scenario parses");
        let link = share::encode(&s);
        let mut group = c.benchmark_group("share_twenty_nodes");
        group.bench_function("encode", |b| b.iter(|| share::encode(black_box(&s))));
        group.bench_function("decode", |b| b.iter(|| share::decode(black_box(&link))));
        group.finish();
    }

    fn hostile(c: &mut Criterion) {
        let mut bomb = br#"{"version":1,"description":""#.to_vec();
        bomb.resize(bomb.len() + 8 * 1024 * 1024, b' ');
        bomb.extend_from_slice(br#"","nodes":[]}"#);
        let bomb = link_of(&bomb);
        let deep = format!(
            r#"{{"version":1,"nodes":{}{}}}"#,
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        let deep = link_of(deep.as_bytes());
        let mut group = c.benchmark_group("share_refuse");
        group.bench_function("deflate_bomb", |b| b.iter(|| share::decode(black_box(&bomb))));
        group.bench_function("nesting_10000", |b| b.iter(|| share::decode(black_box(&deep))));
        group.finish();
    }

    criterion_group!(benches, twenty_nodes, hostile);
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
