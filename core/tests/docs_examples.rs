//! Every JSON example in `docs/scenario.md` that is a node, an edge, a workload, a fault list, a realtime
//! block or a whole scenario must parse with the real types, and every scenario in `docs/examples/` must load
//! and validate, so the documentation cannot drift from the format.
#![cfg(not(target_arch = "wasm32"))]

use switchyard_core::scenario::v1;

#[test]
fn every_documented_example_parses() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/scenario.md")).unwrap();
    let mut kinds = std::collections::BTreeSet::new();
    let mut checked = 0;
    for block in doc.split("```json").skip(1) {
        let text = block.split("```").next().unwrap().trim();
        if text.contains("...") {
            continue;
        }
        let wrapped;
        let text =
            if text.starts_with("\"faults\"") || text.starts_with("\"realtime\"") || text.starts_with("\"clusters\"") {
                wrapped = format!("{{{text}}}");
                &wrapped
            } else {
                text
            };
        let v: serde_json::Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
        if v.get("spec").is_some() {
            let n: v1::Node = serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}: {text}"));
            kinds.insert(n.spec.kind_name());
        } else if v.get("from").is_some() {
            serde_json::from_value::<v1::Edge>(v).unwrap_or_else(|e| panic!("{e}: {text}"));
        } else if v.get("arrival").is_some() {
            serde_json::from_value::<v1::Workload>(v).unwrap_or_else(|e| panic!("{e}: {text}"));
        } else if let Some(c) = v.get("clusters") {
            serde_json::from_value::<Vec<v1::Cluster>>(c.clone()).unwrap_or_else(|e| panic!("{e}: {text}"));
        } else if let Some(f) = v.get("faults") {
            serde_json::from_value::<Vec<v1::Fault>>(f.clone()).unwrap_or_else(|e| panic!("{e}: {text}"));
        } else if let Some(r) = v.get("realtime") {
            let r: v1::Realtime = serde_json::from_value(r.clone()).unwrap_or_else(|e| panic!("{e}: {text}"));
            switchyard_core::realtime::Plan::from_v1(&r, None).unwrap_or_else(|e| panic!("{e:?}: {text}"));
        } else {
            panic!("unrecognised example: {text}");
        }
        checked += 1;
    }
    for k in switchyard_core::scenario::v1::NodeKind::ALL.map(|k| k.name()) {
        assert!(kinds.contains(k), "docs/scenario.md has no example of a {k} node");
    }
    assert!(checked >= 15, "{checked}");
}

#[test]
fn every_example_scenario_loads() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/examples");
    let mut names: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    let mut n = 0;
    for path in names.iter().filter(|p| p.extension().is_some_and(|e| e == "json")) {
        let text = std::fs::read_to_string(path).unwrap();
        switchyard_core::scenario::load(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        n += 1;
    }
    assert!(n >= 1, "no examples in {dir}");
}
