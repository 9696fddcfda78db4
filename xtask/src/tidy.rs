//! Tidy checks that run as ordinary tests: the purity bans on `core/src`, the bundle-size bans on `web/src`
//! and the module-doc rule.

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
