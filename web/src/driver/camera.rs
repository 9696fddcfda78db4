//! The camera (the part of the plane the canvas shows: zoom, pan, fit, and the view a share link carries)
//! and where new nodes go: a free spot, into an edge, or the whole topology tidied.

use std::collections::BTreeSet;
use std::rc::Rc;

use switchyard_core::scenario::{self, edit, Scenario};

use super::selection::Selection;
use super::Driver;
use crate::render::layout::{Layout, NODE_HALF_H, NODE_HALF_W};

/// The part of the plane the canvas shows: `(x, y, width, height)` in scenario units.
pub(super) type Camera = (f64, f64, f64, f64);

/// Scenario units across the view at zoom 1 (a share link's `view.zoom`).
pub const VIEW_UNITS: f64 = 1_000.0;

/// The document as a share link carries it: with the camera and the playback position in its `view`.
pub fn link_doc(doc: &Scenario, camera: (f64, f64, f64, f64), now_ms: f64) -> Scenario {
    let (x, y, w, h) = camera;
    Scenario {
        view: Some(switchyard_core::scenario::v1::View {
            zoom: VIEW_UNITS / w.max(1.0),
            pan_x: (x + w / 2.0).round(),
            pan_y: (y + h / 2.0).round(),
            at_ms: (now_ms > 0.0).then_some(now_ms),
        }),
        ..doc.clone()
    }
}

/// The camera over an empty canvas.
pub(super) const EMPTY_CAMERA: (f64, f64, f64, f64) = (-480.0, -300.0, 960.0, 600.0);

impl Driver {
    /// The camera fitted to the whole topology.
    pub fn fit(&mut self) {
        self.camera = if self.doc.nodes.is_empty() {
            EMPTY_CAMERA
        } else {
            Layout::new(self.doc.nodes.iter().map(|n| (n.x, n.y)).collect()).view
        };
        self.relayout();
    }

    /// Zooms by `factor` (> 1 zooms in) around `(x, y)`, or the middle of the view.
    pub fn zoom(&mut self, factor: f64, at: Option<(f64, f64)>) {
        let (x, y, w, h) = self.camera;
        let (px, py) = at.unwrap_or((x + w / 2.0, y + h / 2.0));
        let f = factor.clamp(0.1, 10.0);
        let (nw, nh) = ((w / f).clamp(100.0, 40_000.0), (h / f).clamp(60.0, 24_000.0));
        let (fx, fy) = ((px - x) / w, (py - y) / h);
        self.camera = (px - fx * nw, py - fy * nh, nw, nh);
        self.relayout();
    }

    /// Moves the view by `(dx, dy)` scenario units.
    pub fn pan(&mut self, dx: f64, dy: f64) {
        self.camera.0 += dx;
        self.camera.1 += dy;
        self.relayout();
    }

    pub(super) fn relayout(&mut self) {
        self.layout = Rc::new(Layout::with_view(
            self.doc.nodes.iter().map(|n| (n.x, n.y)).collect(),
            self.camera,
        ));
    }

    pub fn layout(&self) -> &Rc<Layout> {
        &self.layout
    }

    /// Adds a node of `kind` at `(x, y)`, or at the middle of the view, and selects it. With an edge selected
    /// and no place given (the palette clicked, or Enter on it), the node goes into that edge instead.
    pub fn add_node(&mut self, kind: &str, at: Option<(f64, f64)>) {
        if let (&Selection::Edge(e), None, false) = (&self.selection, at, kind == "client") {
            self.insert_on_edge(e, kind, None);
            return;
        }
        let (x, y) = at.unwrap_or_else(|| self.free_spot(kind));
        self.edit(|doc, sel| {
            let i = edit::add_node(doc, kind, x, y).map_err(|e| e.to_string())?;
            *sel = Selection::Nodes([i].into());
            Ok(())
        });
        let (cx, cy, w, h) = self.camera;
        let inside =
            x - NODE_HALF_W >= cx && x + NODE_HALF_W <= cx + w && y - NODE_HALF_H >= cy && y + NODE_HALF_H <= cy + h;
        if !inside {
            self.fit();
        }
    }

    /// Where a node added without a position goes: the nearest spot clear of every node and edge, beside the
    /// one selected node or around the middle of the view (see `scenario::layout::place`).
    fn free_spot(&self, kind: &str) -> (f64, f64) {
        let (x, y, w, h) = self.camera;
        let beside = match &self.selection {
            Selection::Nodes(s) if s.len() == 1 => s.first().copied(),
            _ => None,
        };
        scenario::layout::place(&self.doc, kind, beside, (x + w / 2.0, y + h / 2.0))
    }

    /// Lays the whole topology out left to right by layers, as one undo step that only moves nodes (a run
    /// goes on), and fits the view to it.
    pub fn tidy(&mut self) {
        self.edit(|doc, _| {
            scenario::layout::tidy(doc);
            Ok(())
        });
        self.fit();
    }

    /// Puts a new node of `kind` into `edge` (A → N → B) and selects it. It goes where it was dropped, or
    /// halfway along the edge; where that overlaps a node and B stands right of A, every node right of A's
    /// column moves right to make a column's room for it, so a row A → B becomes A → N → B.
    pub fn insert_on_edge(&mut self, edge: usize, kind: &str, at: Option<(f64, f64)>) {
        let pos = |id: &str| self.doc.nodes.iter().find(|n| n.id == id).map(|n| (n.x, n.y));
        let Some((a, b)) = self
            .doc
            .edges
            .get(edge)
            .and_then(|e| Some((pos(&e.from)?, pos(&e.to)?)))
        else {
            return;
        };
        let want = at.unwrap_or(((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0));
        let sx = scenario::layout::STEP_X;
        // The edge itself goes away, so only the other boxes need to be clear of the spot.
        let clear = |p: (f64, f64)| {
            self.doc
                .nodes
                .iter()
                .all(|n| !scenario::layout::boxes_overlap(p, (n.x, n.y), 0.0))
        };
        let (spot, room) = if clear(want) {
            (want, 0.0)
        } else if b.0 > a.0 && b.0 < a.0 + 2.0 * sx {
            ((a.0 + sx, want.1), a.0 + 2.0 * sx - b.0)
        } else {
            (scenario::layout::place(&self.doc, kind, None, want), 0.0)
        };
        let right: BTreeSet<usize> = if room > 0.0 {
            (0..self.doc.nodes.len())
                .filter(|&i| self.doc.nodes[i].x > a.0 + 1.0)
                .collect()
        } else {
            BTreeSet::new()
        };
        self.edit(|doc, sel| {
            edit::move_nodes(doc, &right, room, 0.0);
            let n = edit::insert_on_edge(doc, edge, kind, spot.0, spot.1).map_err(|e| e.to_string())?;
            *sel = Selection::Nodes([n].into());
            Ok(())
        });
        let (cx, cy, w, h) = self.camera;
        let outside = self.doc.nodes.iter().any(|n| {
            n.x - NODE_HALF_W < cx || n.x + NODE_HALF_W > cx + w || n.y - NODE_HALF_H < cy || n.y + NODE_HALF_H > cy + h
        });
        if outside {
            self.fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::CELL;
    use super::*;
    use switchyard_core::presets;

    /// With an edge selected, a palette click puts the new node into it, moving the nodes right of the caller
    /// over to make room; one undo brings the document back. A client is never put into an edge.
    #[test]
    fn the_palette_inserts_into_the_selected_edge_as_one_undo_step() {
        let mut d = super::super::chain();
        d.select(Selection::Edge(1));
        let before = d.doc().clone();
        d.add_node("cache", None);
        let doc = d.doc();
        let at = |id: &str| doc.nodes.iter().find(|n| n.id == id).map(|n| (n.x, n.y));
        assert_eq!(at("cache-1"), Some((2.0 * CELL.0, 0.0)), "where the database stood");
        assert_eq!(at("database-1"), Some((3.0 * CELL.0, 0.0)), "moved right to make room");
        assert_eq!(at("service-1"), Some((CELL.0, 0.0)));
        let ends: Vec<(&str, &str)> = doc.edges.iter().map(|e| (e.from.as_str(), e.to.as_str())).collect();
        assert_eq!(
            ends,
            [
                ("client-1", "service-1"),
                ("service-1", "cache-1"),
                ("cache-1", "database-1")
            ]
        );
        assert_eq!(d.selection(), &Selection::Nodes([3].into()), "the new node is selected");
        assert!(d.snapshot().problems.is_empty(), "{:?}", d.snapshot().problems);
        d.undo();
        assert_eq!(d.doc(), &before);
        d.select(Selection::Edge(0));
        d.add_node("client", None);
        assert_eq!(
            (d.doc().nodes.len(), d.doc().edges.len()),
            (4, 2),
            "a client is added beside"
        );
    }

    /// Tidying a playing preset's layout keeps the run where it is and is one undo step; a node added with
    /// no position lands clear of the edges.
    #[test]
    fn tidy_layout_keeps_the_run_and_undoes_in_one_step() {
        let mut d = Driver::new(true);
        d.load(4, presets::ALL[4].1);
        d.step_ms(300.0);
        let (at, before) = (d.snapshot().now_ms, d.doc().clone());
        d.tidy();
        let v = d.snapshot();
        assert_eq!(v.now_ms, at, "tidying only moves nodes");
        assert_ne!(d.doc(), &before, "the preset's layout changed");
        d.undo();
        assert_eq!(d.doc(), &before, "one undo step puts every node back");
        d.select(Selection::None);
        d.add_node("cache", None);
        let last = d.doc().nodes.len() - 1;
        let mut rest = d.doc().clone();
        let added = rest.nodes.remove(last);
        assert!(scenario::layout::is_free(&rest, (added.x, added.y)), "{added:?}");
    }
}
