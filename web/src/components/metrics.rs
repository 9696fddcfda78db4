//! The metrics panel: completed, failed, throughput and latency (p50, p99, mean) readouts, per-node
//! utilization bars (run averages once the run has ended), the run broken down by request class and by client
//! (when there is more than one), and plots over time: p50/p99, throughput and errors, and the queue depth of
//! the nodes that queued the most.

use std::rc::Rc;

use switchyard_core::realtime::ChannelReport;
use yew::prelude::*;

use crate::driver::{GroupRow, NodeView, Series};
use crate::render::plot::{self, ERRORS_COLOUR, P50_COLOUR, P99_COLOUR, QUEUE_COLOURS, THROUGHPUT_COLOUR};

#[derive(Properties, PartialEq)]
pub struct MetricsProps {
    pub completed: u64,
    pub failed: u64,
    pub throughput_rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Mean latency of completed requests, what queueing formulas predict.
    #[prop_or_default]
    pub mean_ms: f64,
    pub in_flight: u64,
    /// The run has reached its end: utilization shows run averages, not the last moment's.
    #[prop_or_default]
    pub finished: bool,
    pub nodes: Vec<NodeView>,
    /// The run per request class and per client; a table is shown when it has more than one row.
    #[prop_or_default]
    pub by_class: Rc<Vec<GroupRow>>,
    #[prop_or_default]
    pub by_client: Rc<Vec<GroupRow>>,
    pub series: Rc<Series>,
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
    let lat_ref = use_node_ref();
    let rate_ref = use_node_ref();
    let queue_ref = use_node_ref();
    // Hover: which plot, at which x offset; the readout it produced.
    let hover = use_state(|| None::<(u8, f64)>);
    let readout = use_state_eq(|| None::<String>);
    {
        let (lat_ref, rate_ref, queue_ref, readout) =
            (lat_ref.clone(), rate_ref.clone(), queue_ref.clone(), readout.clone());
        use_effect_with((props.series.clone(), *hover), move |(series, hover)| {
            let axis = web_sys::window()
                .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
                .is_some_and(|m| m.matches());
            let axis = if axis { "#9aa3b0" } else { "#5b6472" };
            let at = |k: u8| hover.filter(|h| h.0 == k).map(|h| h.1);
            let mut text = None;
            if let Some(c) = lat_ref.cast::<web_sys::HtmlCanvasElement>() {
                let lines = [
                    plot::Line {
                        label: "p50",
                        colour: P50_COLOUR,
                        values: &series.p50,
                    },
                    plot::Line {
                        label: "p99",
                        colour: P99_COLOUR,
                        values: &series.p99,
                    },
                ];
                text = text.or(plot::draw(&c, &series.lat_t, &lines, "ms", axis, at(0)));
            }
            if let Some(c) = rate_ref.cast::<web_sys::HtmlCanvasElement>() {
                let lines = [
                    plot::Line {
                        label: "throughput",
                        colour: THROUGHPUT_COLOUR,
                        values: &series.throughput,
                    },
                    plot::Line {
                        label: "errors",
                        colour: ERRORS_COLOUR,
                        values: &series.errors,
                    },
                ];
                text = text.or(plot::draw(&c, &series.t, &lines, "/s", axis, at(1)));
            }
            if let Some(c) = queue_ref.cast::<web_sys::HtmlCanvasElement>() {
                let lines: Vec<plot::Line> = series
                    .queue
                    .iter()
                    .zip(QUEUE_COLOURS)
                    .map(|((label, values), colour)| plot::Line { label, colour, values })
                    .collect();
                text = text.or(plot::draw(&c, &series.t, &lines, "", axis, at(2)));
            }
            readout.set(text);
        });
    }
    let on_move = |k: u8| {
        let hover = hover.clone();
        Callback::from(move |e: MouseEvent| hover.set(Some((k, f64::from(e.offset_x())))))
    };
    let on_leave = {
        let hover = hover.clone();
        Callback::from(move |_: MouseEvent| hover.set(None))
    };
    // One template for the readouts (name, test id, class, value): each `html!` element is code in the bundle.
    let mut readouts: Vec<(&str, &str, &str, String)> = vec![
        (
            "Failed",
            "failed",
            if props.failed > 0 { "value bad" } else { "value" },
            thousands(props.failed),
        ),
        (
            "Throughput",
            "throughput",
            "value",
            format!("{:.0} req/s", props.throughput_rps),
        ),
        ("In flight", "in-flight", "value", thousands(props.in_flight)),
        ("p50 latency", "p50", "value", ms(props.p50_ms)),
        ("p99 latency", "p99", "value", ms(props.p99_ms)),
        ("Mean latency", "mean", "value", ms(props.mean_ms)),
    ];
    if let Some(h) = props.hit_ratio {
        readouts.push(("Cache hit ratio", "hit-ratio", "value", format!("{:.1}%", h * 100.0)));
    }
    if let Some(q) = props.queued {
        readouts.push(("Queue depth", "queue-depth", "value", thousands(q)));
    }
    if props.stale_reads > 0 || props.lost_writes > 0 {
        readouts.push(("Stale reads", "stale-reads", "value bad", thousands(props.stale_reads)));
        readouts.push(("Lost writes", "lost-writes", "value bad", thousands(props.lost_writes)));
    }
    // One template for both breakdown tables, and one for their rows.
    let table = |title: &str, column: &str, id: &str, rows: &[GroupRow]| {
        if rows.len() < 2 {
            return html! {};
        }
        html! {
            <>
            <h3>{ title }</h3>
            <table class="rt-table" data-testid={id.to_owned()}>
                <thead><tr><th scope="col">{ column }</th><th scope="col">{ "done" }</th>
                    <th scope="col">{ "failed" }</th><th scope="col">{ "p50" }</th>
                    <th scope="col">{ "p99" }</th><th scope="col">{ "mean" }</th></tr></thead>
                <tbody>
                    { for rows.iter().map(|(name, g)| html! {
                        <tr data-row={name.clone()}>
                            <th scope="row">{ name }</th>
                            <td>{ thousands(g.completed) }</td>
                            <td>{ thousands(g.failed) }</td>
                            <td data-p50={g.p50_ms.to_string()}>{ ms(g.p50_ms) }</td>
                            <td>{ ms(g.p99_ms) }</td>
                            <td>{ ms(g.mean_ms) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            </>
        }
    };
    html! {
        <section class="metrics panel" data-testid="metrics" aria-labelledby="metrics-title">
            <h2 id="metrics-title">{ "Metrics" }</h2>
            <dl class="readouts">
                <div><dt>{ "Completed" }</dt><dd class="value" data-testid="completed" data-value={props.completed.to_string()}>{ thousands(props.completed) }</dd></div>
                { for readouts.into_iter().map(|(name, id, class, value)| html! {
                    <div><dt>{ name }</dt><dd {class} data-testid={id}>{ value }</dd></div>
                }) }
            </dl>
            if !props.realtime.is_empty() {
                <h3>{ "Real-time channels" }</h3>
                <table class="rt-table" data-testid="realtime">
                    <thead><tr><th scope="col">{ "mode" }</th>
                        <th scope="col" title="requests per second at the server">{ "req/s" }</th>
                        <th scope="col" title="share of responses with no update">{ "empty" }</th>
                        <th scope="col" title="mean delay from update to client">{ "mean ms" }</th>
                        <th scope="col" title="p99 delay from update to client">{ "p99 ms" }</th>
                        <th scope="col" title="connections held open">{ "conns" }</th></tr></thead>
                    <tbody>
                        { for props.realtime.iter().map(|r| html! {
                            <tr>
                                <th scope="row">{ r.mode.replace('_', " ") }</th>
                                <td>{ format!("{:.0}", r.server_rps) }</td>
                                <td>{ format!("{:.0}%", r.empty_fraction * 100.0) }</td>
                                <td>{ format!("{:.0}", r.mean_delay_ms) }</td>
                                <td>{ format!("{:.0}", r.p99_delay_ms) }</td>
                                <td>{ format!("{:.0}", r.open_connections) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            { table("By class", "class", "by-class", &props.by_class) }
            { table("By client", "client", "by-client", &props.by_client) }
            <h3 data-testid="util-title">{ if props.finished { "Utilization (run average)" } else { "Utilization" } }</h3>
            <ul class="util">
                { for props.nodes.iter().map(|n| {
                    // After the end, the run's averages: the last moment of a finished run is idle.
                    let (up, now) = if props.finished { (true, n.run.utilization) } else { (n.up, n.utilization) };
                    // Nodes without a worker limit report requests in flight, not a share of workers.
                    let (pct, text) = match n.workers {
                        _ if !up => (0.0, "down".to_owned()),
                        Some(_) => {
                            let pct = (now * 100.0).clamp(0.0, 100.0);
                            (pct, format!("{pct:.0}%"))
                        }
                        None if props.finished => (0.0, format!("{now:.1} avg")),
                        None => (0.0, format!("{now:.0} live")),
                    };
                    let class = classes!("bar", (!up).then_some("down"), n.workers.is_none().then_some("na"),
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
            <canvas class="plot" ref={lat_ref} role="img" data-testid="latency-plot"
                    onmousemove={on_move(0)} onmouseleave={on_leave.clone()}
                    aria-label={format!("p50 and p99 latency over time; now p50 {} and p99 {}", ms(props.p50_ms), ms(props.p99_ms))} />
            <div class="plot-key">
                <span style={format!("--c:{P50_COLOUR}")}>{ "p50" }</span>
                <span style={format!("--c:{P99_COLOUR}")}>{ "p99" }</span>
            </div>
            <h3>{ "Throughput and errors over time" }</h3>
            <canvas class="plot" ref={rate_ref} role="img" data-testid="rate-plot"
                    onmousemove={on_move(1)} onmouseleave={on_leave.clone()}
                    aria-label={format!("Throughput and errors per second over time; now {:.0} requests per second", props.throughput_rps)} />
            <div class="plot-key">
                <span style={format!("--c:{THROUGHPUT_COLOUR}")}>{ "throughput" }</span>
                <span style={format!("--c:{ERRORS_COLOUR}")}>{ "errors" }</span>
            </div>
            if !props.series.queue.is_empty() {
                <h3>{ "Queue depth over time" }</h3>
                <canvas class="plot" ref={queue_ref} role="img" data-testid="queue-plot"
                        onmousemove={on_move(2)} onmouseleave={on_leave.clone()}
                        aria-label="Requests waiting over time at the nodes that queued the most" />
                <div class="plot-key">
                    { for props.series.queue.iter().zip(QUEUE_COLOURS).map(|((label, _), c)| html! {
                        <span style={format!("--c:{c}")}>{ label }</span>
                    }) }
                </div>
            }
            <p class="plot-readout" data-testid="plot-readout" aria-live="polite">
                { (*readout).clone().unwrap_or_else(|| "Hover a plot to read its values.".to_owned()) }
            </p>
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
