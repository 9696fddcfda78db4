//! Where nodes go on the plane: a free spot for a new node, clear of the other nodes' boxes and of the edges
//! drawn between them, and a tidy left-to-right layout of a whole topology by layers. Both are pure functions
//! of the document; the editor uses the first when a node is added without a position and the second for
//! its "Tidy layout" action. Only positions change: the model (and a run of it) stays as it is.

use super::v1::{NodeSpec, Scenario};

/// Half the width and height of a node's box, in scenario units, as the web app draws it.
pub const NODE_HALF_W: f64 = 76.0;
pub const NODE_HALF_H: f64 = 26.0;
/// Clear space kept between a new node's box and the other boxes and edges.
pub const CLEARANCE: f64 = 12.0;
/// The grid a new node's spot is searched on: one node and a gap, across and down.
pub const STEP_X: f64 = 2.0 * NODE_HALF_W + 40.0;
pub const STEP_Y: f64 = 2.0 * NODE_HALF_H + 36.0;
/// How many rings of grid cells around the anchor are searched for a free spot.
pub const SEARCH_RINGS: i32 = 12;
/// Distance between two layers (centre to centre) and between two nodes of a layer, in a tidy layout.
pub const LAYER_X: f64 = 2.0 * NODE_HALF_W + 100.0;
pub const ROW_Y: f64 = 2.0 * NODE_HALF_H + 44.0;

/// True if the box of a node centred at `c`, grown by `pad` on every side, overlaps the box of a node
/// centred at `other`.
pub fn boxes_overlap(c: (f64, f64), other: (f64, f64), pad: f64) -> bool {
    (c.0 - other.0).abs() < 2.0 * NODE_HALF_W + pad && (c.1 - other.1).abs() < 2.0 * NODE_HALF_H + pad
}

/// True if the segment `p`–`q` passes through the box of a node centred at `c`, grown by `pad`: the segment
/// is clipped to the box's slab in x, then in y (Liang–Barsky), and something of it must remain.
pub fn box_meets_segment(c: (f64, f64), pad: f64, p: (f64, f64), q: (f64, f64)) -> bool {
    let (hw, hh) = (NODE_HALF_W + pad, NODE_HALF_H + pad);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (start, delta, lo, hi) in [
        (p.0, q.0 - p.0, c.0 - hw, c.0 + hw),
        (p.1, q.1 - p.1, c.1 - hh, c.1 + hh),
    ] {
        if delta == 0.0 {
            if start < lo || start > hi {
                return false;
            }
            continue;
        }
        let (a, b) = ((lo - start) / delta, (hi - start) / delta);
        let (a, b) = if a < b { (a, b) } else { (b, a) };
        t0 = t0.max(a);
        t1 = t1.min(b);
        if t0 > t1 {
            return false;
        }
    }
    true
}

/// Each edge as a pair of node indices (edges that name a missing node, and self-loops, are left out).
fn edge_indices(doc: &Scenario) -> Vec<(usize, usize)> {
    let index = |id: &str| doc.nodes.iter().position(|n| n.id == id);
    let mut out = Vec::with_capacity(doc.edges.len());
    for e in &doc.edges {
        if let (Some(a), Some(b)) = (index(&e.from), index(&e.to)) {
            if a != b {
                out.push((a, b));
            }
        }
    }
    out
}

/// True if a new node centred at `c` would keep [`CLEARANCE`] from every node's box and every edge's line
/// (drawn centre to centre) of `doc`.
pub fn is_free(doc: &Scenario, c: (f64, f64)) -> bool {
    let segments = edge_indices(doc);
    free_among(doc, &segments, c)
}

fn free_among(doc: &Scenario, segments: &[(usize, usize)], c: (f64, f64)) -> bool {
    let at = |i: usize| (doc.nodes[i].x, doc.nodes[i].y);
    doc.nodes.iter().all(|n| !boxes_overlap(c, (n.x, n.y), CLEARANCE))
        && segments
            .iter()
            .all(|&(a, b)| !box_meets_segment(c, CLEARANCE, at(a), at(b)))
}

/// The nearest spot to `anchor` on a grid of node-sized cells around it (searched ring by ring, up to
/// [`SEARCH_RINGS`] out; within a ring the nearest cell, then the highest, then the leftmost) where a new
/// node is clear of every box and edge of `doc`, in whole units; `None` when the whole search area is taken.
pub fn free_spot(doc: &Scenario, anchor: (f64, f64)) -> Option<(f64, f64)> {
    let segments = edge_indices(doc);
    let (ax, ay) = (anchor.0.round(), anchor.1.round());
    for ring in 0..=SEARCH_RINGS {
        let (mut best, mut spot) = (f64::INFINITY, None);
        for j in -ring..=ring {
            for i in -ring..=ring {
                let (dx, dy) = (f64::from(i) * STEP_X, f64::from(j) * STEP_Y);
                let dist = dx * dx + dy * dy;
                // Rows are scanned top to bottom and cells left to right, so the first of equals stays.
                if i.abs().max(j.abs()) == ring && dist < best && free_among(doc, &segments, (ax + dx, ay + dy)) {
                    (best, spot) = (dist, Some((ax + dx, ay + dy)));
                }
            }
        }
        if spot.is_some() {
            return spot;
        }
    }
    None
}

/// Where the search for a new node of `kind` starts: beside the node the user is working on, else the middle
/// of the view. The flow reads left to right, so a new node goes to the right of the selected one; one of the
/// same kind is a sibling (another replica behind the same balancer) and goes below it, so that a tier of
/// servers stands in a column.
pub fn anchor(doc: &Scenario, kind: &str, beside: Option<usize>, centre: (f64, f64)) -> (f64, f64) {
    match beside.and_then(|i| doc.nodes.get(i)) {
        Some(n) if n.spec.kind_name() == kind => (n.x, n.y + STEP_Y),
        Some(n) => (n.x + STEP_X, n.y),
        None => centre,
    }
}

/// Where a new node of `kind` goes: the free spot nearest its [`anchor`], or the anchor itself when the
/// search area is full.
pub fn place(doc: &Scenario, kind: &str, beside: Option<usize>, centre: (f64, f64)) -> (f64, f64) {
    let a = anchor(doc, kind, beside, centre);
    free_spot(doc, a).unwrap_or((a.0.round(), a.1.round()))
}

/// The layer of each node in a tidy layout: 0 for the sources (clients first), then the longest path to
/// each node over the edges left once cycles are broken (an edge back to a node on the depth-first path is
/// set aside, in a search that starts from the clients, then the other sources, then the remaining nodes).
/// Also returns each node's predecessors over the edges kept; each lies in a lower layer.
pub fn layers(doc: &Scenario) -> (Vec<usize>, Vec<Vec<usize>>) {
    let n = doc.nodes.len();
    let edges = edge_indices(doc);
    // Out-edges by edge index, so that a back edge can be flagged.
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut rank = vec![0usize; n];
    for (k, &(a, b)) in edges.iter().enumerate() {
        out[a].push(k);
        rank[b] = 1;
    }
    // Clients nothing sends to, other clients, other sources, the rest.
    for (i, node) in doc.nodes.iter().enumerate() {
        if !matches!(node.spec, NodeSpec::Client(_)) {
            rank[i] += 2;
        }
    }
    // Iterative depth-first search; `state` 0 = unseen, 1 = on the path, 2 = done.
    let mut state = vec![0u8; n];
    let mut back = vec![false; edges.len()];
    let mut finish = Vec::with_capacity(n);
    for r in 0..4 {
        for root in 0..n {
            if rank[root] != r || state[root] != 0 {
                continue;
            }
            state[root] = 1;
            let mut stack = vec![(root, 0usize)];
            while let Some(&mut (v, ref mut k)) = stack.last_mut() {
                if let Some(&e) = out[v].get(*k) {
                    *k += 1;
                    let w = edges[e].1;
                    if state[w] == 0 {
                        state[w] = 1;
                        stack.push((w, 0));
                    } else if state[w] == 1 {
                        back[e] = true;
                    }
                } else {
                    state[v] = 2;
                    finish.push(v);
                    stack.pop();
                }
            }
        }
    }
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, &(a, b)) in edges.iter().enumerate() {
        if !back[k] {
            preds[b].push(a);
        }
    }
    // Reverse finishing order is a topological order of the kept edges.
    let mut layer = vec![0usize; n];
    for &v in finish.iter().rev() {
        for &u in &preds[v] {
            layer[v] = layer[v].max(layer[u] + 1);
        }
    }
    (layer, preds)
}

/// Lays the topology out left to right by layers ([`layers`]): each layer a column, [`LAYER_X`] apart, its
/// rows [`ROW_Y`] apart and centred on the same line (an edge that skips layers takes a row in each). The first column keeps the order the nodes have on
/// screen (top to bottom); every later column is ordered by the mean row of each node's predecessors (the
/// barycenter heuristic), which untangles most crossings. The layout is placed where the old one was (same
/// left edge, same vertical middle). Only `x` and `y` change.
pub fn tidy(doc: &mut Scenario) {
    let n = doc.nodes.len();
    if n == 0 {
        return;
    }
    let (mut layer, mut preds) = layers(doc);
    let depth = layer.iter().copied().max().unwrap_or(0) + 1;
    // An edge across several layers gets a placeholder in each layer between (the "dummy" nodes of
    // Sugiyama's method): it takes a row there, so the edge has a lane of its own instead of running
    // through the nodes of those layers. Vertices past `n` are placeholders; `screen_y` orders them as their
    // edge's source.
    let mut screen_y: Vec<f64> = doc.nodes.iter().map(|n| n.y).collect();
    for b in 0..n {
        for k in 0..preds[b].len() {
            let a = preds[b][k];
            let mut from = a;
            for d in layer[a] + 1..layer[b] {
                preds.push(vec![from]);
                layer.push(d);
                screen_y.push(doc.nodes[a].y);
                from = preds.len() - 1;
            }
            preds[b][k] = from;
        }
    }
    let vertices = preds.len();
    // Row of each vertex within its column, and its sort key: the mean row of its predecessors (which sit
    // in earlier columns, so their rows are known), then its place on screen. Vertices with no predecessor
    // (the sources, and anything only reached through a cycle) keep their on-screen order, below the rest.
    let mut row = vec![0.0f64; vertices];
    let mut key = vec![(f64::INFINITY, 0.0f64); vertices];
    for d in 0..depth {
        let mut members: Vec<usize> = Vec::new();
        for i in 0..vertices {
            if layer[i] != d {
                continue;
            }
            if !preds[i].is_empty() {
                let sum: f64 = preds[i].iter().map(|&u| row[u]).sum();
                key[i].0 = sum / preds[i].len() as f64;
            }
            key[i].1 = screen_y[i];
            // An insertion sort (stable: vertices come in index order), written out because the library's
            // sorts cost the web bundle more code than a column's few members are worth.
            let mut m = members.len();
            while m > 0 && {
                let (x, y) = (key[i], key[members[m - 1]]);
                x.0.total_cmp(&y.0).then(x.1.total_cmp(&y.1)).is_lt()
            } {
                m -= 1;
            }
            members.insert(m, i);
        }
        let count = members.len() as f64;
        for (k, &i) in members.iter().enumerate() {
            // Centred rows, so that a column's barycenter sits on the same line as its neighbours'.
            row[i] = k as f64 - (count - 1.0) / 2.0;
        }
    }
    let left = doc.nodes.iter().map(|n| n.x).fold(f64::INFINITY, f64::min);
    let (top, bottom) = doc
        .nodes
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(t, b), n| (t.min(n.y), b.max(n.y)));
    let middle = ((top + bottom) / 2.0).round();
    let left = left.round();
    for (i, node) in doc.nodes.iter_mut().enumerate() {
        node.x = left + layer[i] as f64 * LAYER_X;
        // Half rows (an even column) land on whole units: ROW_Y is even.
        node.y = middle + row[i] * ROW_Y;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::edit;

    #[test]
    fn a_segment_through_a_box_meets_it_and_one_beside_it_does_not() {
        let c = (0.0, 0.0);
        // Straight through, corner to corner, and ending inside.
        assert!(box_meets_segment(c, 0.0, (-200.0, 0.0), (200.0, 0.0)));
        assert!(box_meets_segment(c, 0.0, (-200.0, -100.0), (200.0, 100.0)));
        assert!(box_meets_segment(c, 0.0, (-200.0, 0.0), (0.0, 0.0)));
        // Above, stopping short, and a vertical one to the side.
        assert!(!box_meets_segment(c, 0.0, (-200.0, 40.0), (200.0, 40.0)));
        assert!(!box_meets_segment(c, 0.0, (-300.0, 0.0), (-100.0, 0.0)));
        assert!(!box_meets_segment(c, 0.0, (90.0, -100.0), (90.0, 100.0)));
        // The clearance counts: 30 above the box's middle is inside a box grown by 12 (half height 38).
        assert!(box_meets_segment(c, CLEARANCE, (-200.0, 30.0), (200.0, 30.0)));
    }

    #[test]
    fn a_new_node_beside_a_connected_one_avoids_the_edge_to_its_right() {
        let mut doc = edit::blank();
        let c = edit::add_node(&mut doc, "client", 0.0, 0.0).unwrap();
        let s = edit::add_node(&mut doc, "service", 2.0 * STEP_X, 0.0).unwrap();
        edit::connect(&mut doc, c, s).unwrap();
        // Right of the client is on the client → service edge; the spot found is off it.
        let spot = place(&doc, "database", Some(c), (0.0, 0.0));
        assert_ne!(spot, (STEP_X, 0.0));
        assert!(is_free(&doc, spot));
        assert!(
            (spot.0 - STEP_X).abs() <= STEP_X && (spot.1).abs() <= STEP_Y,
            "still next to it: {spot:?}"
        );
        // A second client goes below the first, which is free.
        assert_eq!(place(&doc, "client", Some(c), (0.0, 0.0)), (0.0, STEP_Y));
    }

    #[test]
    fn an_edge_across_layers_gets_a_lane_of_its_own() {
        let mut doc = edit::blank();
        for k in ["client", "load_balancer", "service", "database"] {
            edit::add_node(&mut doc, k, 0.0, 0.0).unwrap();
        }
        // A chain, and a shortcut from the client to the end of it.
        for (a, b) in [(0, 1), (1, 2), (2, 3), (0, 3)] {
            edit::connect(&mut doc, a, b).unwrap();
        }
        tidy(&mut doc);
        let at = |i: usize| (doc.nodes[i].x, doc.nodes[i].y);
        for middle in [1, 2] {
            assert!(
                !box_meets_segment(at(middle), 0.0, at(0), at(3)),
                "the client → database edge runs through node {middle}: {:?}",
                (0..4).map(at).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn layers_follow_the_edges_and_a_cycle_is_broken_once() {
        let mut doc = edit::blank();
        for k in ["service", "client", "load_balancer", "service", "database"] {
            edit::add_node(&mut doc, k, 0.0, 0.0).unwrap();
        }
        // client → lb → service-2 → db, lb → service-1 → db, and db → lb closing a cycle.
        for (a, b) in [(1, 2), (2, 3), (2, 0), (3, 4), (0, 4), (4, 2)] {
            edit::connect(&mut doc, a, b).unwrap();
        }
        let (layer, preds) = layers(&doc);
        assert_eq!(layer, [2, 0, 1, 2, 3]);
        assert_eq!(
            preds.iter().map(Vec::len).sum::<usize>(),
            5,
            "only db → lb is set aside"
        );
        assert_eq!(preds[2], [1]);
    }
}
