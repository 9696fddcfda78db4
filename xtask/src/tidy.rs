//! Tidy checks that run as ordinary tests: the purity bans on `core/src`, the bundle-size bans on `web/src`,
//! the module-doc rule, no import cycles among any crate's modules (`modgraph`), and no list of node kinds
//! besides the registry.

use std::fs;
use std::path::{Path, PathBuf};

use crate::workspace_root;

/// What `core/src` must never mention, and why. Comment lines are exempt so that docs can name the bans.
const CORE_BANS: &[(&str, &str)] = &[
    ("web_sys", "core has no browser dependency"),
    ("js_sys", "core has no browser dependency"),
    ("wasm_bindgen", "core has no browser dependency"),
    ("gloo", "core has no browser dependency"),
    ("Instant::now", "core reads no clock: time is a SimTime passed in"),
    ("SystemTime", "core reads no clock: time is a SimTime passed in"),
    ("thread_rng", "all randomness comes from the scenario seed"),
    ("rand::rng(", "all randomness comes from the scenario seed"),
    ("from_entropy", "all randomness comes from the scenario seed"),
    ("RandomState", "iteration order must not depend on a random hasher"),
    (
        "HashMap",
        "iterate a Vec, BTreeMap or IndexMap: HashMap order is not deterministic",
    ),
];

/// Source trees whose every `.rs` file must open with a `//!` module doc.
const DOCUMENTED: &[&str] = &["core/src", "cli/src", "web/src", "xtask/src", "tests/src"];

#[test]
fn core_is_pure() {
    let root = workspace_root();
    let mut problems = Vec::new();
    for file in rust_files(&root.join("core/src")) {
        let text = fs::read_to_string(&file).unwrap();
        problems.extend(banned_items(&relative(&root, &file), &text));
    }
    assert!(problems.is_empty(), "core/src must stay pure:\n{}", problems.join("\n"));
}

/// Code in `web/src` that would put Rust's exact float parser (a 10 KB table of powers of five) or exponent
/// float formatting into the wasm bundle; numbers typed by users go through `web/src/num.rs` instead.
const WEB_BANS: &[(&str, &str)] = &[
    (
        "parse::<f64>",
        "Rust's f64 parser is 13 KB of bundle: read typed numbers with num::parse_f64",
    ),
    (
        "parse::<f32>",
        "Rust's float parser is 13 KB of bundle: read typed numbers with num::parse_f64",
    ),
    (
        ":e}",
        "exponent float formatting adds to the bundle: Display a float instead",
    ),
];

#[test]
fn web_keeps_heavy_float_code_out_of_the_bundle() {
    let root = workspace_root();
    let mut problems = Vec::new();
    for file in rust_files(&root.join("web/src")) {
        let text = fs::read_to_string(&file).unwrap();
        problems.extend(banned(&relative(&root, &file), &text, WEB_BANS, "web"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_module_has_a_doc() {
    let root = workspace_root();
    let mut problems = Vec::new();
    for dir in DOCUMENTED {
        for file in rust_files(&root.join(dir)) {
            let text = fs::read_to_string(&file).unwrap();
            if !text.starts_with("//!") {
                problems.push(format!(
                    "{}:1: missing `//!` module doc (say what this module is for)",
                    relative(&root, &file)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The one list of node kind names is `NodeKind::name` in this file; everything else reads it or the registry
/// built on it (`core/src/scenario/kinds.rs`).
const KIND_NAMES_HOME: &str = "core/src/node/mod.rs";

/// Source trees searched for another list of kind names.
const KIND_LIST_TREES: &[&str] = &["core", "web", "cli", "tests", "xtask"];

/// Lines naming this many kinds or more (as `"load_balancer"` or `"load-balancer"`) within
/// [`KIND_LIST_LINES`] of each other are a list of them.
const KIND_LIST_MIN: usize = 6;
const KIND_LIST_LINES: usize = 16;

#[test]
fn no_list_of_node_kinds_but_the_registry() {
    let root = workspace_root();
    let names = kind_names(&fs::read_to_string(root.join(KIND_NAMES_HOME)).unwrap());
    assert!(names.len() >= 12, "read {names:?} from {KIND_NAMES_HOME}");
    let mut problems = Vec::new();
    for tree in KIND_LIST_TREES {
        for file in rust_files(&root.join(tree)) {
            let rel = relative(&root, &file);
            if rel == KIND_NAMES_HOME || rel.contains("/target/") {
                continue;
            }
            let text = fs::read_to_string(&file).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            for (at, window) in lines.windows(KIND_LIST_LINES.min(lines.len())).enumerate() {
                let named = kinds_named(&names, &window.join("\n"));
                if named.len() >= KIND_LIST_MIN {
                    problems.push(format!(
                        "{rel}:{}: names {} node kinds ({}): read `NodeKind::ALL` or `node::KINDS` instead",
                        at + 1,
                        named.len(),
                        named.join(", ")
                    ));
                    break;
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The names in the rows of the `kinds!` list (`Variant(Spec) = "name" {`).
fn kind_names(home: &str) -> Vec<String> {
    let Some(start) = home.find("\nkinds! {") else {
        return Vec::new();
    };
    home[start..]
        .lines()
        .skip(2)
        .take_while(|l| *l != "}")
        .filter(|l| l.starts_with("    ") && !l.starts_with("     "))
        .filter_map(|l| l.split(") = \"").nth(1)?.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// The kinds of `names` that `text` spells as a string literal, with `_` or `-`.
fn kinds_named<'a>(names: &'a [String], text: &str) -> Vec<&'a str> {
    names
        .iter()
        .filter(|n| text.contains(&format!("\"{n}\"")) || text.contains(&format!("\"{}\"", n.replace('_', "-"))))
        .map(String::as_str)
        .collect()
}

#[test]
fn a_list_of_kinds_is_found_in_either_spelling() {
    let names: Vec<String> = ["client", "load_balancer", "worker_pool"].map(String::from).into();
    let text = r#"const K: [&str; 3] = ["client", "load-balancer", "worker_pool"]; // "dns""#;
    assert_eq!(kinds_named(&names, text), ["client", "load_balancer", "worker_pool"]);
    assert_eq!(kinds_named(&names, "add_node(doc, \"clients\")"), Vec::<&str>::new());
    let home = "x\nkinds! {\n    A(ASpec) = \"client\" {\n        label: \"A\",\n        icon: \"M0\",\n    },\n    \
                B(BSpec) = \"load_balancer\" {\n        params: P,\n    },\n}\nC(CSpec) = \"dns\" {\n";
    assert_eq!(kind_names(home), ["client", "load_balancer"]);
}

/// Source trees whose modules must not import each other in a ring (see `modgraph` for what counts).
const ACYCLIC: &[&str] = &["core/src", "web/src", "cli/src", "xtask/src"];

#[test]
fn no_import_cycles() {
    let root = workspace_root();
    let name = |m: &crate::modgraph::Module| if m.is_empty() { "crate".to_owned() } else { m.join("::") };
    let mut problems = Vec::new();
    for src in ACYCLIC {
        for ring in crate::modgraph::cycles(&crate::modgraph::graph(&root.join(src))) {
            let edges: Vec<String> = ring
                .iter()
                .map(|(a, b)| format!("{} -> {}", name(a), name(b)))
                .collect();
            problems.push(format!(
                "{src}: modules import each other in a ring: {}",
                edges.join(", ")
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// One `file:line: ...` message per item of `CORE_BANS` on a non-comment line.
fn banned_items(file: &str, text: &str) -> Vec<String> {
    banned(file, text, CORE_BANS, "core")
}

/// One `file:line: ...` message per item of `bans` on a non-comment line.
fn banned(file: &str, text: &str, bans: &[(&str, &str)], place: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        for (item, why) in bans {
            if line.contains(item) {
                problems.push(format!("{file}:{}: banned `{item}` in {place} ({why})", number + 1));
            }
        }
    }
    problems
}

fn relative(root: &Path, file: &Path) -> String {
    file.strip_prefix(root).unwrap_or(file).display().to_string()
}

/// Every `.rs` file under `dir`, sorted; nothing if `dir` does not exist.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn bans_name_the_file_line_and_item_and_skip_comments() {
    let text = "//! Never `HashMap` here.\nuse std::collections::HashMap;\n    // Instant::now is banned\nlet t = std::time::Instant::now();\n";
    assert_eq!(
        banned_items("core/src/x.rs", text),
        [
            "core/src/x.rs:2: banned `HashMap` in core (iterate a Vec, BTreeMap or IndexMap: HashMap order is not deterministic)",
            "core/src/x.rs:4: banned `Instant::now` in core (core reads no clock: time is a SimTime passed in)",
        ]
    );
}
