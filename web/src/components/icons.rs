//! The node kinds' line icons (their path data is in core's registry, `node::KINDS`), drawn on a 24×24
//! grid with `currentColor` strokes.

use switchyard_core::node as kinds;
use switchyard_core::topology::NodeKind;
use yew::prelude::*;

/// The human label of a kind.
pub fn kind_label(kind: NodeKind) -> &'static str {
    kinds::of(kind).label
}

/// A standalone icon (an `<svg>` for HTML).
pub fn kind_icon(kind: NodeKind) -> Html {
    html! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d={kinds::of(kind).icon} />
        </svg>
    }
}

/// The icon as a `<g>` inside another SVG, `size` units wide with its top-left corner at `(x, y)`.
pub fn kind_icon_at(kind: NodeKind, x: f64, y: f64, size: f64) -> Html {
    let transform = format!("translate({x} {y}) scale({})", size / 24.0);
    html! {
        <g class="icon" {transform} aria-hidden="true"><path d={kinds::of(kind).icon} /></g>
    }
}
