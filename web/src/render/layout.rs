//! Where things are on screen: node positions from the scenario, the SVG `viewBox` that fits them, and the
//! transform from scenario coordinates to canvas pixels that matches the SVG's `xMidYMid meet`.

/// Half the width and height of a node's box, in scenario units: the core's, which places new nodes and
/// tidies layouts by these boxes.
pub use switchyard_core::scenario::layout::{NODE_HALF_H, NODE_HALF_W};
/// Space around the outermost nodes.
const MARGIN: f64 = 28.0;

/// Room for a node's label, in scenario units: from where it starts (right of the icon, 40 units in) to
/// just short of the output port on the right edge.
pub const LABEL_WIDTH: f64 = 2.0 * NODE_HALF_W - 40.0 - 14.0;
/// How much a label may be narrowed (SVG `textLength`) before it is cut instead: a fifth keeps it legible.
const MAX_SQUEEZE: f64 = 1.25;
/// The label's font size (`.node-label` in app.css), in scenario units.
const LABEL_FONT: f64 = 12.5;

/// A label as a node draws it: the text and, when it would run past [`LABEL_WIDTH`], the width to narrow it
/// to. A label up to a fifth too wide is drawn whole and narrowed; a longer one is cut at a character and
/// ends in "…" (the node's tooltip and its accessible name keep the whole label).
pub fn fit_label(label: &str) -> (String, Option<f64>) {
    if text_width(label) <= LABEL_WIDTH {
        return (label.to_owned(), None);
    }
    if text_width(label) <= LABEL_WIDTH * MAX_SQUEEZE {
        return (label.to_owned(), Some(LABEL_WIDTH));
    }
    let budget = LABEL_WIDTH * MAX_SQUEEZE - text_width("…");
    let mut width = 0.0;
    let mut cut = String::new();
    for c in label.chars() {
        width += char_width(c);
        if width > budget {
            break;
        }
        cut.push(c);
    }
    let mut out = cut.trim_end().to_owned();
    out.push('…');
    (out, Some(LABEL_WIDTH))
}

/// A generous estimate of `text`'s width in the label font (system sans-serif, semibold): the page cannot
/// measure text before it is drawn, and an estimate on the wide side only narrows a label a little more.
fn text_width(text: &str) -> f64 {
    text.chars().map(char_width).sum()
}

fn char_width(c: char) -> f64 {
    let em = match c {
        'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.3,
        ' ' | 'f' | 't' | 'r' | 'I' | '(' | ')' | '[' | ']' | '-' | '/' => 0.4,
        'm' | 'w' => 0.95,
        'M' | 'W' => 1.0,
        'A'..='Z' => 0.76,
        _ if c.is_ascii() => 0.66,
        // Anything else (accents, CJK, emoji) is assumed wide.
        _ => 1.0,
    };
    em * LABEL_FONT
}

/// Node centres (in topology order) and the box that holds them all.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub nodes: Vec<(f64, f64)>,
    /// `(x, y, width, height)` of the view box.
    pub view: (f64, f64, f64, f64),
}

impl Layout {
    pub fn new(nodes: Vec<(f64, f64)>) -> Layout {
        let (mut x0, mut y0, mut x1, mut y1) = (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
        for &(x, y) in &nodes {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
        if nodes.is_empty() {
            (x0, y0, x1, y1) = (0.0, 0.0, 0.0, 0.0);
        }
        let (x0, y0) = (x0 - NODE_HALF_W - MARGIN, y0 - NODE_HALF_H - MARGIN);
        let (x1, y1) = (x1 + NODE_HALF_W + MARGIN, y1 + NODE_HALF_H + MARGIN);
        Layout {
            nodes,
            view: (x0, y0, x1 - x0, y1 - y0),
        }
    }

    /// Node centres shown through a given camera `(x, y, width, height)`.
    pub fn with_view(nodes: Vec<(f64, f64)>, view: (f64, f64, f64, f64)) -> Layout {
        Layout { nodes, view }
    }

    /// The node whose box contains the point, topmost (last drawn) first.
    pub fn node_at(&self, (x, y): (f64, f64)) -> Option<usize> {
        self.nodes
            .iter()
            .rposition(|&(nx, ny)| (x - nx).abs() <= NODE_HALF_W && (y - ny).abs() <= NODE_HALF_H)
    }

    /// The nearest of `edges` (node index pairs, drawn as [`Layout::edge_segment`]) that passes within
    /// `within` of `p`, where a palette item dropped at `p` goes into the edge; none over a node.
    pub fn edge_near(&self, edges: &[(usize, usize)], p: (f64, f64), within: f64) -> Option<usize> {
        if self.node_at(p).is_some() {
            return None;
        }
        let n = self.nodes.len();
        edges
            .iter()
            .enumerate()
            .filter(|(_, &(a, b))| a < n && b < n)
            .map(|(k, &(a, b))| {
                let ((x1, y1), (x2, y2)) = self.edge_segment(a, b);
                let (dx, dy) = (x2 - x1, y2 - y1);
                let len2 = dx * dx + dy * dy;
                let t = if len2 > 0.0 {
                    (((p.0 - x1) * dx + (p.1 - y1) * dy) / len2).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let (ex, ey) = (p.0 - x1 - t * dx, p.1 - y1 - t * dy);
                (k, ex * ex + ey * ey)
            })
            .filter(|&(_, d2)| d2 <= within * within)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(k, _)| k)
    }

    /// The `viewBox` attribute.
    pub fn view_box(&self) -> String {
        let (x, y, w, h) = self.view;
        format!("{x} {y} {w} {h}")
    }

    /// The segment an edge is drawn along: centre to centre, trimmed to the two node boxes.
    pub fn edge_segment(&self, from: usize, to: usize) -> ((f64, f64), (f64, f64)) {
        let (a, b) = (self.nodes[from], self.nodes[to]);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        // The fraction of the centre-to-centre line that lies inside one box.
        let inside = {
            let tx = if dx.abs() > 1e-9 {
                NODE_HALF_W / dx.abs()
            } else {
                f64::INFINITY
            };
            let ty = if dy.abs() > 1e-9 {
                NODE_HALF_H / dy.abs()
            } else {
                f64::INFINITY
            };
            tx.min(ty).min(0.5)
        };
        (
            (a.0 + dx * inside, a.1 + dy * inside),
            (b.0 - dx * inside, b.1 - dy * inside),
        )
    }
}

/// Maps scenario coordinates to the pixels of a `width` × `height` surface, as `preserveAspectRatio="xMidYMid
/// meet"` does for the SVG: uniform scale, centred.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transform {
    pub scale: f64,
    pub dx: f64,
    pub dy: f64,
}

impl Transform {
    pub fn fit(view: (f64, f64, f64, f64), width: f64, height: f64) -> Transform {
        let (vx, vy, vw, vh) = view;
        let scale = (width / vw).min(height / vh);
        Transform {
            scale,
            dx: (width - vw * scale) / 2.0 - vx * scale,
            dy: (height - vh * scale) / 2.0 - vy * scale,
        }
    }

    pub fn apply(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (x * self.scale + self.dx, y * self.scale + self.dy)
    }

    /// From surface pixels back to scenario coordinates.
    pub fn invert(&self, (px, py): (f64, f64)) -> (f64, f64) {
        ((px - self.dx) / self.scale, (py - self.dy) / self.scale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_centres_the_view_box() {
        let t = Transform::fit((0.0, 0.0, 100.0, 50.0), 200.0, 200.0);
        assert_eq!(t.scale, 2.0);
        assert_eq!(t.apply((0.0, 0.0)), (0.0, 50.0));
        assert_eq!(t.apply((100.0, 50.0)), (200.0, 150.0));
        assert_eq!(t.invert((200.0, 150.0)), (100.0, 50.0));
    }

    #[test]
    fn node_at_hits_boxes_only() {
        let l = Layout::new(vec![(0.0, 0.0), (200.0, 0.0)]);
        assert_eq!(l.node_at((190.0, 10.0)), Some(1));
        assert_eq!(l.node_at((100.0, 0.0)), None);
    }

    #[test]
    fn a_drop_goes_into_the_nearest_edge_within_reach() {
        // 0 → 1 along y = 0, 0 → 2 down to y = 200.
        let l = Layout::new(vec![(0.0, 0.0), (400.0, 0.0), (0.0, 200.0)]);
        let edges = [(0, 1), (0, 2)];
        assert_eq!(l.edge_near(&edges, (200.0, 8.0), 12.0), Some(0));
        assert_eq!(l.edge_near(&edges, (5.0, 100.0), 12.0), Some(1));
        assert_eq!(l.edge_near(&edges, (200.0, 30.0), 12.0), None, "too far from either");
        assert_eq!(
            l.edge_near(&edges, (10.0, 10.0), 50.0),
            None,
            "over a node, not an edge"
        );
        assert_eq!(
            l.edge_near(&[(0, 9)], (200.0, 0.0), 12.0),
            None,
            "an edge to a missing node"
        );
    }

    #[test]
    fn edges_are_trimmed_to_the_boxes() {
        let l = Layout::new(vec![(0.0, 0.0), (200.0, 0.0)]);
        assert_eq!(l.edge_segment(0, 1), ((NODE_HALF_W, 0.0), (200.0 - NODE_HALF_W, 0.0)));
    }
}
