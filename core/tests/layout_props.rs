//! Properties of `switchyard_core::scenario::layout`: a new node's spot is clear of every node box and edge
//! line whenever the search area has room (checked with an independent segment–rectangle test), and the
//! tidy layout overlaps no two nodes, runs every edge not on a cycle left to right, is deterministic, moves
//! nothing but positions, and leaves the presets valid.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;

use proptest::prelude::*;
use switchyard_core::presets;
use switchyard_core::scenario::layout::{
    self, free_spot, place, tidy, NODE_HALF_H, NODE_HALF_W, SEARCH_RINGS, STEP_X, STEP_Y,
};
use switchyard_core::scenario::v1::NodeKind;
use switchyard_core::scenario::{self, edit, Scenario};
use switchyard_core::topology::Topology;

/// Which side of the line `a`→`b` the point `c` lies on (positive: left).
fn orient(a: (f64, f64), b: (f64, f64), c: (f64, f64)) -> f64 {
    (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
}

fn on_segment(a: (f64, f64), b: (f64, f64), c: (f64, f64)) -> bool {
    c.0 >= a.0.min(b.0) && c.0 <= a.0.max(b.0) && c.1 >= a.1.min(b.1) && c.1 <= a.1.max(b.1)
}

/// Two closed segments meet: the textbook orientation test, with the collinear cases.
fn segments_meet(p1: (f64, f64), p2: (f64, f64), q1: (f64, f64), q2: (f64, f64)) -> bool {
    let (d1, d2) = (orient(q1, q2, p1), orient(q1, q2, p2));
    let (d3, d4) = (orient(p1, p2, q1), orient(p1, p2, q2));
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0)) && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0)) {
        return true;
    }
    (d1 == 0.0 && on_segment(q1, q2, p1))
        || (d2 == 0.0 && on_segment(q1, q2, p2))
        || (d3 == 0.0 && on_segment(p1, p2, q1))
        || (d4 == 0.0 && on_segment(p1, p2, q2))
}

/// A node box at `c` grown by `pad` meets segment `p`–`q`: an end inside, or a crossing of one of its sides.
fn box_meets(c: (f64, f64), pad: f64, p: (f64, f64), q: (f64, f64)) -> bool {
    let (x0, x1, y0, y1) = (
        c.0 - NODE_HALF_W - pad,
        c.0 + NODE_HALF_W + pad,
        c.1 - NODE_HALF_H - pad,
        c.1 + NODE_HALF_H + pad,
    );
    let inside = |a: (f64, f64)| a.0 >= x0 && a.0 <= x1 && a.1 >= y0 && a.1 <= y1;
    let corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)];
    inside(p) || inside(q) || (0..4).any(|k| segments_meet(p, q, corners[k], corners[(k + 1) % 4]))
}

/// A new node at `c` keeps `pad` from every box and every edge line of `doc` (the independent reference).
fn clear(doc: &Scenario, c: (f64, f64), pad: f64) -> bool {
    let at = |id: &str| doc.nodes.iter().find(|n| n.id == id).map(|n| (n.x, n.y));
    let boxes = doc
        .nodes
        .iter()
        .all(|n| (c.0 - n.x).abs() >= 2.0 * NODE_HALF_W + pad || (c.1 - n.y).abs() >= 2.0 * NODE_HALF_H + pad);
    boxes
        && doc.edges.iter().all(|e| match (at(&e.from), at(&e.to)) {
            (Some(p), Some(q)) => !box_meets(c, pad, p, q),
            _ => true,
        })
}

/// A document of `nodes.len()` nodes (kind index, x, y) at the given positions, with the edges that `connect` accepts.
fn topology(nodes: &[(usize, i32, i32)], edges: &[(usize, usize)]) -> Scenario {
    let mut doc = edit::blank();
    for &(k, x, y) in nodes {
        let kind = NodeKind::ALL[k % NodeKind::ALL.len()];
        edit::add_node(&mut doc, kind.name(), f64::from(x), f64::from(y)).unwrap();
    }
    let n = doc.nodes.len();
    for &(a, b) in edges {
        if n > 0 {
            // Self-loops and repeats are refused, as in the editor.
            let _ = edit::connect(&mut doc, a % n, b % n);
        }
    }
    doc
}

fn arb_topology(max_nodes: usize, spread: i32) -> impl Strategy<Value = Scenario> {
    (
        prop::collection::vec((0..12usize, -spread..spread, -spread / 2..spread / 2), 0..max_nodes),
        prop::collection::vec((0..100usize, 0..100usize), 0..2 * max_nodes),
    )
        .prop_map(|(nodes, edges)| topology(&nodes, &edges))
}

/// The grid ring of the cell `c` around `anchor`.
fn ring_of(anchor: (f64, f64), c: (f64, f64)) -> i32 {
    let (i, j) = (((c.0 - anchor.0) / STEP_X).round(), ((c.1 - anchor.1) / STEP_Y).round());
    i.abs().max(j.abs()) as i32
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The spot found is clear of every box and edge; no cell of a nearer ring is clearly free; and when
    /// none is found, no cell of the search area is clearly free. ("Clearly": with half a unit to spare
    /// either way, so that boxes that just touch don't decide the test.)
    #[test]
    fn a_new_node_lands_clear_of_boxes_and_edges(
        doc in arb_topology(40, 700),
        ax in -700i32..700,
        ay in -350i32..350,
    ) {
        let anchor = (f64::from(ax), f64::from(ay));
        let found = free_spot(&doc, anchor);
        let limit = found.map_or(SEARCH_RINGS, |c| ring_of(anchor, c) - 1);
        if let Some(c) = found {
            prop_assert!(clear(&doc, c, layout::CLEARANCE - 0.5), "{c:?} is not clear");
            prop_assert_eq!((c.0.fract(), c.1.fract()), (0.0, 0.0));
        }
        for i in -limit..=limit {
            for j in -limit..=limit {
                let c = (anchor.0 + f64::from(i) * STEP_X, anchor.1 + f64::from(j) * STEP_Y);
                prop_assert!(!clear(&doc, c, layout::CLEARANCE + 0.5),
                    "{c:?} (ring {}) was free, but the search chose {found:?}", i.abs().max(j.abs()));
            }
        }
    }

    /// Same inputs, same spot; and `place` puts it beside the selected node when there is room.
    #[test]
    fn placement_is_deterministic(doc in arb_topology(20, 600), beside in 0..20usize) {
        let beside = (beside < doc.nodes.len()).then_some(beside);
        let a = place(&doc, "service", beside, (0.0, 0.0));
        prop_assert_eq!(a, place(&doc.clone(), "service", beside, (0.0, 0.0)));
    }

    #[test]
    fn tidy_layout_properties_hold_for_random_graphs(doc in arb_topology(30, 800)) {
        check_tidy(&doc).map_err(TestCaseError::fail)?;
    }
}

/// Nodes reachable from `from` over the document's edges.
fn reachable(doc: &Scenario, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_owned()];
    while let Some(v) = todo.pop() {
        for e in doc.edges.iter().filter(|e| e.from == v) {
            if seen.insert(e.to.clone()) {
                todo.push(e.to.clone());
            }
        }
    }
    seen
}

/// Tidies a copy of `doc` and checks the layout's promises.
fn check_tidy(doc: &Scenario) -> Result<Scenario, String> {
    let mut out = doc.clone();
    tidy(&mut out);
    let mut again = doc.clone();
    tidy(&mut again);
    if out != again {
        return Err("two tidies of the same document differ".into());
    }
    let positions = |d: &Scenario| {
        let mut d = d.clone();
        for n in &mut d.nodes {
            (n.x, n.y) = (0.0, 0.0);
        }
        d
    };
    if positions(&out) != positions(doc) {
        return Err("tidy changed more than positions".into());
    }
    for (i, a) in out.nodes.iter().enumerate() {
        for b in &out.nodes[i + 1..] {
            if (a.x - b.x).abs() < 2.0 * NODE_HALF_W + 20.0 && (a.y - b.y).abs() < 2.0 * NODE_HALF_H + 20.0 {
                return Err(format!(
                    "{} at ({}, {}) and {} at ({}, {}) overlap",
                    a.id, a.x, a.y, b.id, b.x, b.y
                ));
            }
        }
        if a.x.fract() != 0.0 || a.y.fract() != 0.0 {
            return Err(format!("{} is not at whole units: ({}, {})", a.id, a.x, a.y));
        }
    }
    let at = |id: &str| out.nodes.iter().find(|n| n.id == id).unwrap();
    for e in &out.edges {
        let on_cycle = reachable(&out, &e.to).contains(&e.from);
        if !on_cycle && at(&e.from).x >= at(&e.to).x {
            return Err(format!(
                "{} → {} is not on a cycle but does not run left to right",
                e.from, e.to
            ));
        }
    }
    // Clients nothing sends to stand in the leftmost column.
    let left = out.nodes.iter().map(|n| n.x).fold(f64::INFINITY, f64::min);
    for n in &out.nodes {
        if n.spec.kind_name() == "client" && !out.edges.iter().any(|e| e.to == n.id) && n.x != left {
            return Err(format!("client {} is not in the first column", n.id));
        }
    }
    Ok(out)
}

#[test]
fn tidy_layout_of_the_presets_keeps_them_valid_and_untangled() {
    for (name, json) in presets::ALL {
        let doc = scenario::parse(json).unwrap();
        let out = check_tidy(&doc).unwrap_or_else(|e| panic!("{name}: {e}"));
        Topology::build(&out).unwrap_or_else(|e| panic!("{name}: tidied preset is invalid: {e:?}"));
        // And through the file format: what the editor would save loads again.
        scenario::load(&scenario::to_json_pretty(&out)).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn a_chain_is_laid_out_as_one_row_left_to_right() {
    let doc = topology(
        &[(4, 300, 300), (0, 900, -50), (6, -20, 40), (3, 0, 0)],
        &[(1, 3), (3, 0), (0, 2)],
    );
    let mut out = doc.clone();
    tidy(&mut out);
    let xs: Vec<f64> = out.nodes.iter().map(|n| n.x).collect();
    let ys: BTreeSet<i64> = out.nodes.iter().map(|n| n.y as i64).collect();
    // client (1), lb (3), service (0), database (2), one column each, starting at the old left edge.
    assert_eq!(
        xs,
        [
            -20.0 + 2.0 * layout::LAYER_X,
            -20.0,
            -20.0 + 3.0 * layout::LAYER_X,
            -20.0 + layout::LAYER_X
        ]
    );
    assert_eq!(ys.len(), 1, "one row: {ys:?}");
}

#[test]
fn a_full_search_area_has_no_free_spot_and_place_falls_back_to_the_anchor() {
    let cells: Vec<(usize, i32, i32)> = (-SEARCH_RINGS..=SEARCH_RINGS)
        .flat_map(|i| (-SEARCH_RINGS..=SEARCH_RINGS).map(move |j| (4, i * STEP_X as i32, j * STEP_Y as i32)))
        .collect();
    let doc = topology(&cells, &[]);
    assert_eq!(free_spot(&doc, (0.0, 0.0)), None);
    assert_eq!(place(&doc, "cache", None, (0.4, -0.4)), (0.0, 0.0));
    // One cell freed in the outermost ring is found.
    let mut doc = doc;
    let gone: BTreeSet<usize> = [doc.nodes.len() - 1].into();
    edit::remove_nodes(&mut doc, &gone);
    let last = (f64::from(SEARCH_RINGS) * STEP_X, f64::from(SEARCH_RINGS) * STEP_Y);
    assert_eq!(free_spot(&doc, (0.0, 0.0)), Some(last));
}
