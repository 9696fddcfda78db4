//! Golden scenarios: each `tests/scenarios/<name>/scenario.json` must produce exactly the report in
//! `expected.json` beside it. Set `SWITCHYARD_BLESS=1` to rewrite the expectations after an intended change
//! (and say why in the commit). The wasm test `wasm_determinism.rs` checks the same files in a browser.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;
use switchyard_core::Sim;

#[test]
fn golden_scenarios_match_their_expected_reports() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios");
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    assert!(names.len() >= 3, "golden scenarios missing from {}", dir.display());
    let bless = std::env::var_os("SWITCHYARD_BLESS").is_some();
    for case in names {
        let text = std::fs::read_to_string(case.join("scenario.json")).unwrap();
        let mut sim = Sim::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", case.display()));
        sim.run_to_end();
        let got = sim.report().to_json_pretty() + "\n";
        let expected_path = case.join("expected.json");
        if bless {
            std::fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{} is missing; run with SWITCHYARD_BLESS=1", expected_path.display()));
        assert!(got == want, "{} changed:\n{got}", case.display());
    }
}
