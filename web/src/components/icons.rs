//! Simple line icons for the node kinds, drawn on a 24×24 grid with `currentColor` strokes.

use switchyard_core::topology::NodeKind;
use yew::prelude::*;

/// The kinds in palette order, with their label and the slug the page uses (`data-kind`).
pub const KINDS: [(NodeKind, &str, &str); 12] = [
    (NodeKind::Client, "Client", "client"),
    (NodeKind::Dns, "DNS", "dns"),
    (NodeKind::Cdn, "CDN", "cdn"),
    (NodeKind::LoadBalancer, "Load balancer", "load-balancer"),
    (NodeKind::Service, "Service", "service"),
    (NodeKind::Cache, "Cache", "cache"),
    (NodeKind::Database, "Database", "database"),
    (NodeKind::ShardRouter, "Shard router", "shard-router"),
    (NodeKind::Directory, "Directory", "directory"),
    (NodeKind::Queue, "Queue", "queue"),
    (NodeKind::WorkerPool, "Worker pool", "worker-pool"),
    (NodeKind::Proxy, "Proxy", "proxy"),
];

/// The human label of a kind.
pub fn kind_label(kind: NodeKind) -> &'static str {
    KINDS.iter().find(|k| k.0 == kind).map_or("Node", |k| k.1)
}

/// The SVG path data of a kind's icon.
fn path(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Client => "M3 5h18v11H3z M8 20h8 M12 16v4",
        NodeKind::Dns => {
            "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z M3 12h18 M12 3c3.5 3 3.5 15 0 18 M12 3c-3.5 3-3.5 15 0 18"
        }
        NodeKind::Cdn => "M7 18h10a4 4 0 0 0 .5-8a6 6 0 0 0-11.4 1.6A3.3 3.3 0 0 0 7 18z",
        NodeKind::LoadBalancer => "M3 12h6 M9 12l5-6h7 M9 12h12 M9 12l5 6h7",
        NodeKind::Service => "M4 4h16v7H4z M4 13h16v7H4z M8 7.5h2 M8 16.5h2",
        NodeKind::Cache => "M13 2L5 14h6l-1 8l8-12h-6z",
        NodeKind::Database => {
            "M4 6c0-3.5 16-3.5 16 0v12c0 3.5-16 3.5-16 0z M4 6c0 3.5 16 3.5 16 0 M4 12c0 3.5 16 3.5 16 0"
        }
        NodeKind::ShardRouter => "M12 3v5 M12 8l-7 6 M12 8v6 M12 8l7 6 M3 15h4v5H3z M10 15h4v5h-4z M17 15h4v5h-4z",
        NodeKind::Directory => "M5 3h13v16H7a2 2 0 0 0-2 2z M5 21a2 2 0 0 1 2-2 M9 7h6 M9 11h6",
        NodeKind::Queue => "M2 8h5v8H2z M9.5 8h5v8h-5z M17 8h5v8h-5z",
        NodeKind::WorkerPool => {
            "M3.5 10a2.5 2.5 0 1 0 5 0a2.5 2.5 0 1 0-5 0z M9.5 10a2.5 2.5 0 1 0 5 0a2.5 2.5 0 1 0-5 0z \
             M15.5 10a2.5 2.5 0 1 0 5 0a2.5 2.5 0 1 0-5 0z M3 18h18"
        }
        NodeKind::Proxy => "M12 3l8 3v6c0 5-3.5 8-8 9c-4.5-1-8-4-8-9V6z",
    }
}

/// A standalone icon (an `<svg>` for HTML).
pub fn kind_icon(kind: NodeKind) -> Html {
    html! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d={path(kind)} />
        </svg>
    }
}

/// The icon as a `<g>` inside another SVG, `size` units wide with its top-left corner at `(x, y)`.
pub fn kind_icon_at(kind: NodeKind, x: f64, y: f64, size: f64) -> Html {
    let transform = format!("translate({x} {y}) scale({})", size / 24.0);
    html! {
        <g class="icon" {transform} aria-hidden="true"><path d={path(kind)} /></g>
    }
}
