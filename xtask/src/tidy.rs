//! Tidy checks that run as ordinary tests: the purity bans on `core/src`, the bundle-size bans on `web/src`,
//! the module-doc rule, and no import cycles among the web crate's modules.

use std::collections::{BTreeMap, BTreeSet};
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
const KIND_NAMES_HOME: &str = "core/src/scenario/v1.rs";

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
                        "{rel}:{}: names {} node kinds ({}): read `NodeKind::ALL` or `scenario::kinds::KINDS` instead",
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

/// The names in the `=> "name"` arms of `fn name` in `NodeKind`'s impl.
fn kind_names(v1: &str) -> Vec<String> {
    let Some(start) = v1.find("pub const fn name(self)") else {
        return Vec::new();
    };
    v1[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("    }"))
        .filter_map(|l| l.split("=> \"").nth(1)?.split('"').next())
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
    let v1 = "    pub const fn name(self) -> &'static str {\n        match self {\n            A => \"client\",\n            B => \"load_balancer\",\n        }\n    }\n";
    assert_eq!(kind_names(v1), ["client", "load_balancer"]);
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

/// The modules of a crate each of its top-level modules names by a `crate::` path (`use crate::a::B;`,
/// `crate::a::f()`, `use crate::{a, b};`), outside comments: `(module, file text)` in, module -> modules out.
/// The crate root (`lib`, `main`) is left out: it declares the modules rather than using them.
fn crate_imports(files: &[(String, String)]) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in files {
        if module == "lib" || module == "main" {
            continue;
        }
        let uses = graph.entry(module.clone()).or_default();
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (at, _) in line.match_indices("crate::") {
                if line[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let rest = &line[at + "crate::".len()..];
                let names = match rest.strip_prefix('{') {
                    Some(group) => group.split('}').next().unwrap_or_default().split(',').collect(),
                    None => vec![rest],
                };
                for name in names {
                    let name: String = name
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() && name != *module {
                        uses.insert(name);
                    }
                }
            }
        }
    }
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for uses in graph.values_mut() {
        uses.retain(|m| modules.contains(m));
    }
    graph
}

/// A cycle of the graph (`[a, b, a]`), if it has one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit<'a>(
        node: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        done: &mut BTreeSet<&'a str>,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| *n == node) {
            let mut cycle: Vec<String> = path[at..].iter().map(|n| n.to_string()).collect();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if !done.insert(node) {
            return None;
        }
        path.push(node);
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, done, path) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|n| visit(n, graph, &mut done, &mut Vec::new()))
}

/// The top-level modules of `src` (`src/a.rs` and everything under `src/a/` are module `a`) with their text.
fn top_level_modules(src: &Path) -> Vec<(String, String)> {
    rust_files(src)
        .into_iter()
        .map(|file| {
            let inside = file.strip_prefix(src).unwrap();
            let first = inside.components().next().unwrap().as_os_str().to_string_lossy();
            let module = first.strip_suffix(".rs").unwrap_or(&first).to_owned();
            (module, fs::read_to_string(&file).unwrap())
        })
        .collect()
}

/// The web crate's modules import each other without cycles (ARCHITECTURE.md): components and the embed
/// filter speak `action`, never `app`, the component that renders them.
#[test]
fn web_modules_import_without_cycles() {
    let graph = crate_imports(&top_level_modules(&workspace_root().join("web/src")));
    assert!(graph["app"].contains("components"), "the graph is read: {graph:?}");
    assert_eq!(find_cycle(&graph), None, "{graph:?}");
}

#[test]
fn imports_are_read_from_paths_and_groups_and_cycles_are_found() {
    let files = |texts: &[(&str, &str)]| -> Vec<(String, String)> {
        texts.iter().map(|(m, t)| (m.to_string(), t.to_string())).collect()
    };
    let graph = crate_imports(&files(&[
        ("lib", "pub mod a;"),
        ("a", "use crate::b::X;\n// use crate::c;\nlet y = crate::a::f();"),
        ("b", "use crate::{c, a::Y};\nuse other_crate::a;"),
        ("c", "use switchyard_crate::a;"),
    ]));
    let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<String>>();
    assert_eq!(graph["a"], names(&["b"]));
    assert_eq!(graph["b"], names(&["a", "c"]));
    assert_eq!(graph["c"], names(&[]));
    assert!(!graph.contains_key("lib"));
    assert_eq!(find_cycle(&graph), Some(vec!["a".into(), "b".into(), "a".into()]));
    let graph = crate_imports(&files(&[("a", "use crate::b;"), ("b", "use crate::c;"), ("c", "")]));
    assert_eq!(find_cycle(&graph), None);
}
