//! The import graph of a crate's modules, for the tidy test that keeps it free of cycles.
//!
//! A node is a module file (`a/b.rs` or `a/b/mod.rs` is `a::b`; `lib.rs`/`main.rs` is the crate root). An edge
//! `a -> b` is a path in `a` outside its `#[cfg(test)] mod tests` that names `b` or an item in it: a `use`
//! (braces expanded) or an inline `crate::`/`super::`/`self::` path, or a child module named bare. A path to an
//! ancestor of `a` is not an edge: a child using its parent's items (the trait a family of files implements,
//! the error type of a module) is how Rust modules are built, while a parent reaching into a child and the
//! child reaching back through a sibling is a cycle. Text-based: comments are dropped, macros are not expanded.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// A module path below the crate root, e.g. `["scenario", "codec"]`; empty for the root.
pub type Module = Vec<String>;

/// The module graph: each module and the modules it imports.
pub fn graph(src: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut files = BTreeMap::new();
    collect(src, src, &mut files);
    let modules: BTreeSet<Module> = files.keys().cloned().collect();
    files
        .iter()
        .map(|(me, text)| {
            let targets = paths(&code(text))
                .iter()
                .filter_map(|p| resolve(me, p, &modules))
                .filter(|t| t != me && !me.starts_with(t))
                .collect();
            (me.clone(), targets)
        })
        .collect()
}

/// The groups of modules that import each other in a ring (strongly connected components with more than one
/// module), each sorted, with the edges inside it.
pub fn cycles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<(Module, Module)>> {
    // Kosaraju: finish order on the graph, then components on the reversed graph.
    let mut order = Vec::new();
    let mut seen = BTreeSet::new();
    for start in graph.keys() {
        finish(start, graph, &mut seen, &mut order);
    }
    let mut reversed: BTreeMap<&Module, Vec<&Module>> = BTreeMap::new();
    for (from, tos) in graph {
        for to in tos {
            reversed.entry(to).or_default().push(from);
        }
    }
    let mut assigned = BTreeSet::new();
    let mut out = Vec::new();
    for root in order.iter().rev() {
        if assigned.contains(root) {
            continue;
        }
        let mut component = BTreeSet::new();
        let mut stack = vec![*root];
        while let Some(m) = stack.pop() {
            if assigned.insert(m) {
                component.insert(m);
                stack.extend(reversed.get(m).into_iter().flatten().copied());
            }
        }
        if component.len() > 1 {
            let edges = component
                .iter()
                .flat_map(|&from| {
                    let inside = |to: &&Module| component.contains(to);
                    graph[from]
                        .iter()
                        .filter(inside)
                        .map(move |to| (from.clone(), to.clone()))
                })
                .collect();
            out.push(edges);
        }
    }
    out
}

/// Depth-first finish order, without recursion (a deep module chain must not overflow the stack).
fn finish<'a>(
    start: &'a Module,
    graph: &'a BTreeMap<Module, BTreeSet<Module>>,
    seen: &mut BTreeSet<&'a Module>,
    order: &mut Vec<&'a Module>,
) {
    if !seen.insert(start) {
        return;
    }
    let mut stack = vec![(start, graph[start].iter())];
    while let Some((m, next)) = stack.last_mut() {
        match next.next() {
            Some(to) if seen.insert(to) => {
                let it = graph.get(to).map_or_else(|| EMPTY.iter(), |s| s.iter());
                stack.push((to, it));
            }
            Some(_) => {}
            None => {
                order.push(m);
                stack.pop();
            }
        }
    }
}

static EMPTY: BTreeSet<Module> = BTreeSet::new();

fn collect(src: &Path, dir: &Path, out: &mut BTreeMap<Module, String>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(src, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(src).unwrap_or(&path).with_extension("");
            let mut module: Module = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
            if module
                .last()
                .is_some_and(|l| matches!(l.as_str(), "mod" | "lib" | "main"))
            {
                module.pop();
            }
            out.insert(module, fs::read_to_string(&path).unwrap_or_default());
        }
    }
}

/// The file's code without its test module and comments.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
    text.lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every module path the code names: `use` items (braces expanded) and inline `crate::`/`super::`/`self::`
/// paths.
fn paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    // A `use` item starts its line (after any visibility), and runs to its `;`.
    let mut offset = 0;
    for line in code.split_inclusive('\n') {
        let item = line.trim_start();
        let item = ["pub(crate) ", "pub(super) ", "pub "]
            .iter()
            .find_map(|v| item.strip_prefix(v))
            .unwrap_or(item);
        if let Some(tree) = item.strip_prefix("use ") {
            let at = offset + (line.len() - tree.len());
            let tail = &code[at..];
            let end = tail.find(';').unwrap_or(tail.len());
            // One space between words, none around punctuation: `a::{b as c, d}`.
            let tree = tail[..end].split_whitespace().collect::<Vec<_>>().join(" ");
            let tree = tree.replace(", ", ",").replace("{ ", "{").replace(" }", "}");
            expand(&[], &tree, &mut out);
        }
        offset += line.len();
    }
    for start in ["crate::", "super::", "self::"] {
        let mut rest = code;
        while let Some(at) = find_word(rest, start) {
            let tail = &rest[at..];
            let len = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(tail.len());
            out.push(
                tail[..len]
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            );
            rest = &tail[len..];
        }
    }
    out
}

/// The position of `word` in `text` where it does not continue an identifier.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let at = from + i;
        let before = text[..at].chars().next_back();
        if !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

/// The paths of a `use` tree such as `a::{b,c::{d as e}}` (spaces only around `as`), each with `prefix` in front.
fn expand(prefix: &[String], tree: &str, out: &mut Vec<Vec<String>>) {
    let Some(open) = tree.find('{') else {
        let head = tree.split(" as ").next().unwrap_or(tree);
        let mut p = prefix.to_vec();
        p.extend(
            head.split("::")
                .filter(|s| !s.is_empty() && *s != "*")
                .map(str::to_owned),
        );
        out.push(p);
        return;
    };
    let mut p = prefix.to_vec();
    p.extend(tree[..open].split("::").filter(|s| !s.is_empty()).map(str::to_owned));
    let close = tree.rfind('}').filter(|&c| c > open).unwrap_or(tree.len());
    let inner = &tree[open + 1..close];
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                expand(&p, &inner[start..i], out);
                start = i + 1;
            }
            _ => {}
        }
    }
    expand(&p, &inner[start..], out);
}

/// The deepest module that `path`, written in `me`, names; `None` for another crate's path.
fn resolve(me: &Module, path: &[String], modules: &BTreeSet<Module>) -> Option<Module> {
    let (mut base, mut segs) = match path.first().map(String::as_str) {
        Some("crate") => (Vec::new(), &path[1..]),
        Some("self") => (me.clone(), &path[1..]),
        Some("super") => {
            let mut base = me.clone();
            let mut segs = path;
            while segs.first().is_some_and(|s| s == "super") {
                base.pop();
                segs = &segs[1..];
            }
            (base, segs)
        }
        Some(first) if modules.contains(&[me.as_slice(), &[first.to_owned()]].concat()) => (me.clone(), path),
        _ => return None,
    };
    while let Some((seg, rest)) = segs.split_first() {
        base.push(seg.clone());
        if !modules.contains(&base) {
            base.pop();
            break;
        }
        segs = rest;
    }
    Some(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(path: &str) -> Module {
        path.split("::").filter(|s| !s.is_empty()).map(str::to_owned).collect()
    }

    #[test]
    fn use_trees_expand_and_resolve_to_the_deepest_module() {
        let mut out = Vec::new();
        expand(&[], "crate::{a::{B,c::D},e}", &mut out);
        assert_eq!(out, [m("crate::a::B"), m("crate::a::c::D"), m("crate::e")]);
        assert_eq!(
            paths("use crate::a::c as v1;\nuse crate::{\n    e as f,\n    a,\n};\n"),
            [
                m("crate::a::c"),
                m("crate::e"),
                m("crate::a"),
                m("crate"),
                m("crate::a::c"),
                m("crate")
            ]
        );
        let modules: BTreeSet<Module> = [m(""), m("a"), m("a::c"), m("e"), m("x::y")].into();
        assert_eq!(resolve(&m("x::y"), &m("crate::a::c::D"), &modules), Some(m("a::c")));
        assert_eq!(resolve(&m("x::y"), &m("super::super::e"), &modules), Some(m("e")));
        assert_eq!(resolve(&m("a"), &m("c::D"), &modules), Some(m("a::c")));
        assert_eq!(resolve(&m("a"), &m("serde::Deserialize"), &modules), None);
    }

    #[test]
    fn a_ring_of_imports_is_one_cycle_and_a_child_using_its_parent_is_none() {
        let graph: BTreeMap<Module, BTreeSet<Module>> = [
            (m("a"), [m("b")].into()),
            (m("b"), [m("c")].into()),
            (m("c"), [m("a")].into()),
            (m("d"), [m("a")].into()),
            (m("p"), [m("p::q")].into()),
            (m("p::q"), BTreeSet::new()),
        ]
        .into();
        let found = cycles(&graph);
        assert_eq!(found.len(), 1, "{found:?}");
        let mut edges = found[0].clone();
        edges.sort();
        assert_eq!(edges, [(m("a"), m("b")), (m("b"), m("c")), (m("c"), m("a"))]);

        let code = "use super::Trait;\nuse crate::p::q::Item; // crate::d\n";
        let found = paths(&super::code(code));
        assert_eq!(
            found,
            [
                m("super::Trait"),
                m("crate::p::q::Item"),
                m("crate::p::q::Item"),
                m("super::Trait")
            ]
        );
    }
}
