//! Smoke test of the core on wasm32 in a real browser: the seeded generator gives the same stream there as
//! natively. Run by `cargo xtask test` through wasm-bindgen-test-runner in headless Chromium.
#![cfg(target_arch = "wasm32")]

use switchyard_core::rng::SimRng;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn first_draws(seed: u64) -> [u64; 3] {
    let mut rng = SimRng::new(seed);
    [rng.next_u64(), rng.next_u64(), rng.next_u64()]
}

#[wasm_bindgen_test]
fn same_seed_gives_the_native_stream() {
    // What `SimRng::new(42)` draws on x86_64: the browser must see the very same numbers.
    assert_eq!(
        first_draws(42),
        [0x92d6_e5d9_42f4_ad9b, 0x2220_622a_f23e_6e6f, 0x5b1e_9c79_7ef9_e726]
    );
    assert_ne!(first_draws(42), first_draws(43));
}

#[wasm_bindgen_test]
fn below_stays_in_range_and_covers_it() {
    let mut rng = SimRng::new(7);
    let mut seen = [false; 5];
    for _ in 0..1_000 {
        let v = rng.below(5);
        assert!(v < 5, "below(5) drew {v}");
        seen[v as usize] = true;
    }
    assert_eq!(seen, [true; 5], "1000 draws of below(5) should hit every value");
}
