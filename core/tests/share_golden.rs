//! Golden share links: `tests/links/v1/*.txt` were written once by `switchyard link encode` and must decode
//! to the scenario they came from forever (`tests/links/<name>.json`, frozen copies of presets or hand-made). A change to
//! the format that breaks one of them breaks links people have already shared.

use std::path::{Path, PathBuf};
use switchyard_core::scenario::{self, Scenario};
use switchyard_core::{presets, share};

fn links_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/links")
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The scenario a golden link was made from: a frozen copy in `tests/links/<name>.json` (for presets, the preset
/// as it was when its link was written, so later edits to a preset never invalidate a link already shared).
fn source(name: &str) -> Scenario {
    let text = read(&links_dir().join(format!("{name}.json")));
    scenario::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn golden_links() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(links_dir().join("v1"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), read(&p)))
        .collect();
    out.sort();
    out
}

#[test]
fn every_golden_link_decodes_to_its_source() {
    let links = golden_links();
    assert!(links.len() >= presets::ALL.len() + 2, "{} golden links", links.len());
    for (name, text) in &links {
        assert!(text.starts_with("#s=v1."), "{name}: {text}");
        let decoded = share::decode(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(decoded, source(name), "{name}");
    }
}

#[test]
fn every_preset_has_a_golden_link() {
    let names: Vec<String> = golden_links().into_iter().map(|(n, _)| n).collect();
    for (preset, _) in presets::ALL {
        assert!(
            names.iter().any(|n| n == preset),
            "no tests/links/v1/{preset}.txt; write it with `switchyard link encode presets/{preset}.json` and freeze its source as tests/links/{preset}.json"
        );
    }
}

#[test]
fn the_unicode_link_keeps_every_script() {
    let s = share::decode(&read(&links_dir().join("v1/unicode-labels.txt"))).unwrap();
    assert_eq!(s.name, "Ünïcödé — 日本語 🚦");
    let labels: Vec<&str> = s.nodes.iter().filter_map(|n| n.label.as_deref()).collect();
    assert_eq!(labels, ["Пользователи 👥", "サービス ⚙️", "قاعدة البيانات"]);
}

#[test]
fn a_typical_twenty_node_topology_fits_in_two_thousand_characters() {
    let s = source("twenty-nodes");
    assert_eq!(s.nodes.len(), 20);
    assert!(s.nodes.iter().all(|n| n.label.is_some()), "every node is labelled");
    let fragment = format!("#s={}", share::encode(&s));
    assert!(fragment.len() <= 2_000, "{} characters", fragment.len());
    // And well under the compressed size of its JSON: deflate does the work, not a lucky small scenario.
    let json = serde_json::to_string(&s).unwrap();
    assert!(
        json.len() > 2 * fragment.len(),
        "JSON {} vs link {}",
        json.len(),
        fragment.len()
    );
    assert_eq!(share::decode(&fragment), Ok(s));
}

#[test]
fn re_encoding_a_golden_link_round_trips() {
    // The bytes of a fresh encoding may change with the compressor, but it must decode to the same scenario.
    for (name, text) in golden_links() {
        let s = share::decode(&text).unwrap();
        assert_eq!(share::decode(&share::encode(&s)).as_ref(), Ok(&s), "{name}");
    }
}

#[test]
fn the_example_in_docs_share_md_is_the_mm1_preset() {
    let doc = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/share.md"));
    let examples: Vec<&str> = doc.lines().filter(|l| l.starts_with("#s=v1.")).collect();
    assert_eq!(examples.len(), 1, "docs/share.md shows one link");
    assert_eq!(share::decode(examples[0]), Ok(source("mm1")));
}

/// The README's embed snippet is a link people copy: it must decode to a valid scenario (the M/M/1 preset as it
/// was when the snippet was written) and keep the sandbox the share dialog gives (`web/src/share.rs`, `SANDBOX`).
#[test]
fn the_readme_embed_snippet_works() {
    let readme = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"));
    let section = readme
        .split("## Share and embed")
        .nth(1)
        .expect("the README has a \"Share and embed\" section");
    let iframe = section
        .split("<iframe ")
        .nth(1)
        .and_then(|s| s.split("</iframe>").next())
        .expect("the section has an iframe snippet");
    // Scripts, and a way out for its "Open in Switchyard" link (a new tab outside the sandbox); never
    // `allow-same-origin`, which with `allow-scripts` would let the frame remove its own sandbox.
    assert!(
        iframe.contains("sandbox=\"allow-scripts allow-popups allow-popups-to-escape-sandbox\""),
        "{iframe}"
    );
    assert!(!iframe.contains("allow-same-origin"), "{iframe}");
    assert!(iframe.contains("?embed=view#s=v1."), "{iframe}");
    let fragment = iframe
        .split('#')
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the src has a fragment");
    let s = share::decode(&format!("#{fragment}")).unwrap_or_else(|e| panic!("the README's link: {e}"));
    let (_, topology) = scenario::load(&scenario::to_json_pretty(&s)).expect("the README's scenario is valid");
    assert!(!topology.nodes.is_empty());
    assert!(
        iframe.contains(&format!("title=\"Switchyard: {}\"", s.name)),
        "{iframe}"
    );
}
