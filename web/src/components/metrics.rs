//! The metrics panel: completed, failed, throughput and latency readouts, per-node utilization bars, and the
//! p50/p99 plot over time.

use std::rc::Rc;

use switchyard_core::realtime::ChannelReport;
use yew::prelude::*;

use crate::driver::NodeView;
use crate::render::plot::{self, P50_COLOUR, P99_COLOUR};

#[derive(Properties, PartialEq)]
pub struct MetricsProps {
    pub completed: u64,
    pub failed: u64,
    pub throughput_rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub in_flight: u64,
    pub nodes: Vec<NodeView>,
    pub series: Rc<Vec<(f64, f64, f64)>>,
    /// Hits over lookups across every cache, when there are caches.
    #[prop_or_default]
    pub hit_ratio: Option<f64>,
    /// Stale reads and lost writes across caches and replicated databases.
    #[prop_or_default]
    pub stale_reads: u64,
    #[prop_or_default]
    pub lost_writes: u64,
    /// Messages queued across queue nodes, now.
    #[prop_or_default]
    pub queued: Option<u64>,
    /// The scenario's real-time channel comparison, one row per mode.
    #[prop_or_default]
    pub realtime: Rc<Vec<ChannelReport>>,
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn ms(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0} ms")
    } else {
        format!("{v:.1} ms")
    }
}

#[component]
pub fn Metrics(props: &MetricsProps) -> Html {
    let plot_ref = use_node_ref();
    {
        let plot_ref = plot_ref.clone();
        use_effect_with(props.series.clone(), move |series| {
            if let Some(canvas) = plot_ref.cast::<web_sys::HtmlCanvasElement>() {
                let axis = web_sys::window()
                    .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
                    .is_some_and(|m| m.matches());
                plot::draw(&canvas, series, if axis { "#9aa3b0" } else { "#5b6472" });
            }
        });
    }
    let failed_class = classes!("value", (props.failed > 0).then_some("bad"));
    html! {
        <section class="metrics panel" data-testid="metrics" aria-labelledby="metrics-title">
            <h2 id="metrics-title">{ "Metrics" }</h2>
            <dl class="readouts">
                <div><dt>{ "Completed" }</dt><dd class="value" data-testid="completed" data-value={props.completed.to_string()}>{ thousands(props.completed) }</dd></div>
                <div><dt>{ "Failed" }</dt><dd class={failed_class} data-testid="failed">{ thousands(props.failed) }</dd></div>
                <div><dt>{ "Throughput" }</dt><dd class="value" data-testid="throughput">{ format!("{:.0} req/s", props.throughput_rps) }</dd></div>
                <div><dt>{ "In flight" }</dt><dd class="value" data-testid="in-flight">{ thousands(props.in_flight) }</dd></div>
                <div><dt>{ "p50 latency" }</dt><dd class="value" data-testid="p50">{ ms(props.p50_ms) }</dd></div>
                <div><dt>{ "p99 latency" }</dt><dd class="value" data-testid="p99">{ ms(props.p99_ms) }</dd></div>
                if let Some(h) = props.hit_ratio {
                    <div><dt>{ "Cache hit ratio" }</dt><dd class="value" data-testid="hit-ratio">{ format!("{:.1}%", h * 100.0) }</dd></div>
                }
                if let Some(q) = props.queued {
                    <div><dt>{ "Queue depth" }</dt><dd class="value" data-testid="queue-depth">{ thousands(q) }</dd></div>
                }
                if props.stale_reads > 0 || props.lost_writes > 0 {
                    <div><dt>{ "Stale reads" }</dt><dd class="value bad" data-testid="stale-reads">{ thousands(props.stale_reads) }</dd></div>
                    <div><dt>{ "Lost writes" }</dt><dd class="value bad" data-testid="lost-writes">{ thousands(props.lost_writes) }</dd></div>
                }
            </dl>
            if !props.realtime.is_empty() {
                <h3>{ "Real-time channels" }</h3>
                <table class="rt-table" data-testid="realtime">
                    <thead><tr><th scope="col">{ "mode" }</th><th scope="col">{ "server req/s" }</th>
                        <th scope="col">{ "empty" }</th><th scope="col">{ "mean delay" }</th>
                        <th scope="col">{ "p99 delay" }</th><th scope="col">{ "open conns" }</th></tr></thead>
                    <tbody>
                        { for props.realtime.iter().map(|r| html! {
                            <tr>
                                <th scope="row">{ r.mode.replace('_', " ") }</th>
                                <td>{ format!("{:.0}", r.server_rps) }</td>
                                <td>{ format!("{:.0}%", r.empty_fraction * 100.0) }</td>
                                <td>{ ms(r.mean_delay_ms) }</td>
                                <td>{ ms(r.p99_delay_ms) }</td>
                                <td>{ format!("{:.0}", r.open_connections) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            <h3>{ "Utilization" }</h3>
            <ul class="util">
                { for props.nodes.iter().map(|n| {
                    // Nodes without a worker limit report requests in flight, not a share of workers.
                    let (pct, text) = match n.workers {
                        _ if !n.up => (0.0, "down".to_owned()),
                        Some(_) => {
                            let pct = (n.utilization * 100.0).clamp(0.0, 100.0);
                            (pct, format!("{pct:.0}%"))
                        }
                        None => (0.0, format!("{:.0} live", n.utilization)),
                    };
                    let class = classes!("bar", (!n.up).then_some("down"), n.workers.is_none().then_some("na"),
                                         (pct > 85.0).then_some("hot"));
                    html! {
                        <li data-util={n.id.clone()}>
                            <span class="util-label" title={n.label.clone()}>{ &n.label }</span>
                            <span {class} role="meter" aria-label={format!("{} utilization", n.label)}
                                  aria-valuemin="0" aria-valuemax="100" aria-valuenow={format!("{pct:.0}")}
                                  aria-valuetext={text.clone()}>
                                <span class="fill" style={format!("width:{pct:.1}%")} />
                            </span>
                            <span class="util-value">{ text }</span>
                        </li>
                    }
                }) }
            </ul>
            <h3>{ "Latency over time" }</h3>
            <canvas class="plot" ref={plot_ref} role="img"
                    aria-label={format!("p50 and p99 latency over time; now p50 {} and p99 {}", ms(props.p50_ms), ms(props.p99_ms))} />
            <div class="plot-key">
                <span style={format!("--c:{P50_COLOUR}")}>{ "p50" }</span>
                <span style={format!("--c:{P99_COLOUR}")}>{ "p99" }</span>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
