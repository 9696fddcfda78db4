//! The shard map: per shard router, each shard's load (requests routed) and data size (keys held) as bars,
//! the skew (max / mean) of both, cross-shard query latency, and what each rebalance moved.

use std::rc::Rc;

use switchyard_core::metrics::ShardRouterReport;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ShardMapProps {
    pub routers: Rc<Vec<ShardRouterReport>>,
    pub on_close: Callback<()>,
}

#[component]
pub fn ShardMap(props: &ShardMapProps) -> Html {
    let close = super::click(&props.on_close);
    html! {
        <div class="dialog-backdrop">
            <section class="dialog panel shard-map" role="dialog" aria-modal="true" aria-labelledby="shard-title"
                     data-testid="shard-map">
                <h2 id="shard-title">{ "Shard map" }</h2>
                if props.routers.is_empty() {
                    <p class="hint">{ "No shard router has routed anything yet: press play." }</p>
                }
                { for props.routers.iter().map(router) }
                <button type="button" class="tool" onclick={close}>{ "Close" }</button>
            </section>
        </div>
    }
}

fn router(r: &ShardRouterReport) -> Html {
    let max_load = r.shards.iter().map(|s| s.requests).max().unwrap_or(0).max(1) as f64;
    let max_keys = r.shards.iter().map(|s| s.keys).max().unwrap_or(0).max(1) as f64;
    let hot = |x: f64| if x > 1.3 { "bad" } else { "" };
    html! {
        <section class="shard-router" data-router={r.id.clone()}>
            <h3>{ format!("{} — {}", r.id, r.scheme) }</h3>
            <p class="skew">
                <span class={hot(r.load_skew)} data-testid="load-skew">{ format!("load skew {:.2}", r.load_skew) }</span>
                { " · " }
                <span class={hot(r.data_skew)}>{ format!("data skew {:.2}", r.data_skew) }</span>
                { " · " }
                <span class={hot(r.last_window_write_skew)}>{ format!("writes now {:.2}", r.last_window_write_skew) }</span>
                <span class="hint">{ " (max / mean; 1.00 is perfectly even)" }</span>
            </p>
            <table class="shard-table">
                <thead><tr><th scope="col">{ "shard" }</th><th scope="col">{ "load (requests)" }</th>
                           <th scope="col">{ "data (keys)" }</th><th scope="col">{ "p99" }</th></tr></thead>
                <tbody>
                    { for r.shards.iter().map(|s| html! {
                        <tr class={if s.active { "" } else { "inactive" }}>
                            <th scope="row">{ &s.node }{ if s.active { "" } else { " (removed)" } }</th>
                            <td><span class="bar"><span class="fill" style={format!("width:{:.1}%", s.requests as f64 / max_load * 100.0)}></span></span>{ s.requests }</td>
                            <td><span class="bar"><span class="fill" style={format!("width:{:.1}%", s.keys as f64 / max_keys * 100.0)}></span></span>{ s.keys }</td>
                            <td>{ format!("{:.1} ms", s.p99_ms) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if let Some(f) = &r.fanout {
                <p>{ format!("Cross-shard queries: {} (fan out and gather), p50 {:.1} ms, p99 {:.1} ms — as slow as the slowest shard.", f.queries, f.p50_ms, f.p99_ms) }</p>
            }
            if let Some(d) = &r.directory {
                <p>{ format!("Directory: {} lookups; router cache {} hits, {} misses.", d.lookups, d.cache_hits, d.cache_misses) }</p>
            }
            { for r.rebalances.iter().map(|b| html! {
                <p class="rebalance">{ format!("{:.1} s: {} {} — {} of {} keys moved ({:.1}%, {} bytes); {} copied so far.",
                    b.at_ms / 1000.0, b.action.replace('_', " "), b.shard, b.keys_moved, b.keys_total,
                    b.moved_fraction * 100.0, b.bytes_moved, r.migrated) }</p>
            }) }
        </section>
    }
}
