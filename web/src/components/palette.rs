//! The palette: the kinds of node a topology can contain. A placeholder list until the engine exports its
//! node kinds; then this renders those.

use yew::prelude::*;

/// `(label, data-kind, glyph)` for each node kind, in palette order.
const KINDS: [(&str, &str, &str); 12] = [
    ("Client", "client", "CL"),
    ("DNS", "dns", "DN"),
    ("CDN", "cdn", "CD"),
    ("Load balancer", "load-balancer", "LB"),
    ("Service", "service", "SV"),
    ("Cache", "cache", "CA"),
    ("Database", "database", "DB"),
    ("Shard router", "shard-router", "SR"),
    ("Directory", "directory", "DI"),
    ("Queue", "queue", "QU"),
    ("Worker pool", "worker-pool", "WP"),
    ("Proxy", "proxy", "PX"),
];

#[component]
pub fn Palette() -> Html {
    html! {
        <aside class="palette" data-testid="palette" aria-label="Node palette">
            <h2>{ "Components" }</h2>
            <ul>
                { for KINDS.iter().map(|&(label, kind, glyph)| html! {
                    <li class="palette-item" data-kind={kind} title={label}>
                        <span class="glyph" aria-hidden="true">{ glyph }</span>
                        <span class="label">{ label }</span>
                    </li>
                }) }
            </ul>
        </aside>
    }
}
