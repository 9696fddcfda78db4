//! The metrics panel: completed, failed, throughput and latency (p50, p99, mean) readouts, per-node
//! utilization bars (run averages once the run has ended), the run broken down by request class and by client
//! (when there is more than one) and by operation (runs whose workloads have database operations), each
//! database engine's figures (service time per operation, transactions, lock waits and aborts, and the
//! counters of its kind of store), the failures by reason, and plots over time: p50/p99, throughput and errors, the queue depth of
//! the nodes that queued the most, and, in runs that have them, autoscaling groups' sizes and what the billed
//! instances cost per hour (with the total so far and the rate now among the readouts).

use std::rc::Rc;

use switchyard_core::metrics::EngineReport;
use switchyard_core::realtime::ChannelReport;
use yew::prelude::*;

use crate::driver::{EngineRow, GroupRow, NodeView, OpRow, Series};
use crate::render::plot::{
    self, COST_COLOUR, ERRORS_COLOUR, GOODPUT_COLOUR, GROUP_COLOURS, P50_COLOUR, P99_COLOUR, QUEUE_COLOURS,
    THROUGHPUT_COLOUR,
};

#[derive(Properties, PartialEq)]
pub struct MetricsProps {
    /// The readout a tour step points at (its `data-testid`).
    #[prop_or_default]
    pub highlight: Option<&'static str>,
    pub completed: u64,
    pub failed: u64,
    pub throughput_rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Mean latency of completed requests, what queueing formulas predict.
    #[prop_or_default]
    pub mean_ms: f64,
    pub in_flight: u64,
    /// Calls issued so far, and those that succeeded within their client's deadline (when some client sets one).
    #[prop_or_default]
    pub issued: u64,
    #[prop_or_default]
    pub goodput: Option<u64>,
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
    /// What the billed instances have cost so far, and cost per hour now, in dollars (runs with any).
    #[prop_or_default]
    pub cost_usd: Option<f64>,
    #[prop_or_default]
    pub cost_per_hour: Option<f64>,
    /// Users and sessions (runs where a client has users).
    #[prop_or_default]
    pub sessions: Option<switchyard_core::metrics::SessionsReport>,
    /// The calls of each operation of each client with database operations.
    #[prop_or_default]
    pub by_op: Rc<Vec<OpRow>>,
    /// Databases with a storage engine.
    #[prop_or_default]
    pub engines: Rc<Vec<EngineRow>>,
    /// Failures by reason, the reasons that occurred.
    #[prop_or_default]
    pub failed_by_reason: Rc<Vec<(&'static str, u64)>>,
}

/// Dollars as a bill shows them: cents, or four decimals below a cent so a short run's cost is not `$0.00`.
pub fn dollars(usd: f64) -> String {
    if usd > 0.0 && usd < 0.01 {
        format!("${usd:.4}")
    } else {
        format!("${usd:.2}")
    }
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

/// One plot of the panel: what the canvas draws and the key under it shows.
struct Plot<'a> {
    title: &'static str,
    id: &'static str,
    unit: &'static str,
    t: &'a [f64],
    lines: Vec<plot::Line<'a>>,
}

/// The most plots the panel draws.
const PLOTS: usize = 5;

/// The panel's plots, in order: latency, throughput and errors, (when some node queued) queue depth, (when
/// the run has autoscaling groups) their sizes, and (when something is billed) the cost per hour.
fn plots(s: &Series) -> Vec<Plot<'_>> {
    let line = |label, colour, values| plot::Line {
        label,
        colour,
        values,
        dashed: false,
    };
    let mut out = vec![
        Plot {
            title: "Latency over time",
            id: "latency-plot",
            unit: "ms",
            t: &s.lat_t,
            lines: vec![line("p50", P50_COLOUR, &s.p50), line("p99", P99_COLOUR, &s.p99)],
        },
        Plot {
            title: "Throughput and errors over time",
            id: "rate-plot",
            unit: "/s",
            t: &s.t,
            lines: vec![
                line("throughput", THROUGHPUT_COLOUR, &s.throughput),
                line("errors", ERRORS_COLOUR, &s.errors),
            ],
        },
    ];
    // Goodput when some client sets a deadline: every bucket carries it then.
    if !s.goodput.is_empty() && s.goodput.len() == s.t.len() {
        out[1].title = "Throughput, goodput and errors over time";
        out[1].lines.insert(
            1,
            plot::Line {
                dashed: true,
                ..line("goodput", GOODPUT_COLOUR, &s.goodput)
            },
        );
    }
    if !s.queue.is_empty() {
        out.push(Plot {
            title: "Queue depth over time",
            id: "queue-plot",
            unit: "",
            t: &s.t,
            lines: s
                .queue
                .iter()
                .zip(QUEUE_COLOURS)
                .map(|((l, v), c)| line(l, c, v))
                .collect(),
        });
    }
    // Each group's instances (solid: what is billed) and those taking requests (dashed, in its colour).
    if !s.groups.is_empty() {
        let mut lines = Vec::new();
        for (g, c) in s.groups.iter().zip(GROUP_COLOURS) {
            lines.push(line(&g.labels[0], c, &g.instances));
            lines.push(plot::Line {
                dashed: true,
                ..line(&g.labels[1], c, &g.in_service)
            });
        }
        out.push(Plot {
            title: "Instances over time",
            id: "group-plot",
            unit: "",
            t: &s.t,
            lines,
        });
    }
    if !s.cost.is_empty() && s.cost.len() == s.t.len() {
        out.push(Plot {
            title: "Cost per hour over time",
            id: "cost-plot",
            unit: " $/h",
            t: &s.t,
            lines: vec![line("cost", COST_COLOUR, &s.cost)],
        });
    }
    out
}

/// A table's head: column names with their tooltips.
type Head<'a> = &'a [(&'static str, &'static str)];

/// One table template for the real-time channels, the breakdowns by class, client and operation and an
/// engine's operations, one template per kind of cell (each `html!` element is code in the bundle); a row is
/// its name and a cell per other column. Untitled when `title` is empty. Not inlined into its callers, which
/// would copy it (measured: the bundle is smaller so).
#[inline(never)]
fn table(title: &str, id: &str, head: Head, rows: Vec<(String, Vec<String>)>) -> Html {
    let mut ths: Vec<Html> = Vec::new();
    for (h, tip) in head {
        ths.push(html! { <th scope="col" title={*tip}>{ *h }</th> });
    }
    let mut trs: Vec<Html> = Vec::new();
    for (name, cells) in rows {
        let mut tds: Vec<Html> = vec![html! { <th scope="row">{ name.clone() }</th> }];
        for t in cells {
            tds.push(html! { <td>{ t }</td> });
        }
        trs.push(html! { <tr data-row={name}>{ for tds }</tr> });
    }
    html! {
        <>
        if !title.is_empty() {
            <h3>{ title }</h3>
        }
        <table class="rt-table" data-testid={id.to_owned()}>
            <thead><tr>{ for ths }</tr></thead>
            <tbody>{ for trs }</tbody>
        </table>
        </>
    }
}

/// The by-class or by-client table, when it has more than one row.
#[inline(never)]
fn breakdown(title: &str, column: &'static str, id: &'static str, rows: &[GroupRow]) -> Html {
    if rows.len() < 2 {
        return html! {};
    }
    let head = [
        (column, ""),
        ("done", ""),
        ("failed", ""),
        ("p50", ""),
        ("p99", ""),
        ("mean", ""),
    ];
    let mut out = Vec::new();
    for (name, g) in rows {
        let cells = vec![
            thousands(g.completed),
            thousands(g.failed),
            ms(g.p50_ms),
            ms(g.p99_ms),
            ms(g.mean_ms),
        ];
        out.push((name.clone(), cells));
    }
    table(title, id, &head, out)
}

/// A short time to three decimals below a millisecond (an engine's service times are fractions of one).
fn fine_ms(v: f64) -> String {
    if v >= 1.0 {
        ms(v)
    } else {
        format!("{v:.3} ms")
    }
}

/// The per-operation table: each client's operations (named `client · op` when several clients have some).
#[inline(never)]
fn by_op(rows: &[OpRow]) -> Html {
    if rows.is_empty() {
        return html! {};
    }
    let several = rows.iter().any(|(c, ..)| *c != rows[0].0);
    let head = [
        ("operation", ""),
        ("req/s", "completions per second"),
        ("mean", ""),
        ("p50", ""),
        ("p99", ""),
        ("failed", ""),
    ];
    let mut out = Vec::new();
    for (client, op, g) in rows {
        let name = if several {
            format!("{client} · {op}")
        } else {
            (*op).to_owned()
        };
        let cells = vec![
            format!("{:.0}", g.throughput_rps),
            ms(g.mean_ms),
            ms(g.p50_ms),
            ms(g.p99_ms),
            thousands(g.failed),
        ];
        out.push((name, cells));
    }
    table("By operation", "by-op", &head, out)
}

/// One database engine's figures: a table of its operations (how many it served, their mean service time)
/// and readouts of what it refused and the counters of its kind of store that have something to say: row
/// locks where transactions ran, sorted runs and compactions (wide-column), memory (key-value), copies read
/// stale (document).
#[inline(never)]
fn engine(label: &str, e: &EngineReport) -> Html {
    let mut ops = Vec::new();
    for o in &e.ops {
        ops.push((o.op.to_owned(), vec![thousands(o.served), fine_ms(o.mean_service_ms)]));
    }
    let head = [
        ("operation", ""),
        ("served", ""),
        ("mean service", "worker time per operation, lock waits excluded"),
    ];
    let mut rows: Vec<(&str, &str, &str, String)> = Vec::new();
    // A count, shown when it is not zero, in red.
    let mut bad = |name, id, n: u64| {
        if n > 0 {
            rows.push((name, id, "value bad", thousands(n)));
        }
    };
    bad("Unsupported", "unsupported", e.unsupported);
    bad("Aborts", "aborts", e.aborts);
    bad("Refused (memory full)", "refused-full", e.refused_full);
    bad("Stale reads (copies)", "stale-copies", e.stale_reads);
    if e.transactions + e.aborts > 0 {
        rows.push(("Transactions", "transactions", "value", thousands(e.transactions)));
        rows.push(("Lock waits", "lock-waits", "value", thousands(e.lock_waits)));
        rows.push((
            "Lock wait mean · max",
            "lock-wait",
            "value",
            format!("{} · {}", fine_ms(e.lock_wait_mean_ms), fine_ms(e.lock_wait_max_ms)),
        ));
    }
    if let (Some(now), Some(max)) = (e.runs, e.max_runs) {
        rows.push(("Sorted runs now · max", "runs", "value", format!("{now} · {max}")));
        rows.push(("Compactions", "compactions", "value", thousands(e.compactions)));
    }
    if let Some(keys) = e.keys {
        rows.push(("Keys held", "keys", "value", thousands(keys)));
        rows.push(("Evictions", "evictions", "value", thousands(e.evictions)));
    }
    if e.hits + e.misses > 0 {
        let hits = format!("{} · {}", thousands(e.hits), thousands(e.misses));
        rows.push(("Hits · misses", "hits", "value", hits));
    }
    let title = format!("{label} · {} engine", e.profile.replace('_', "-"));
    html! {
        <section class="engine" data-testid={format!("engine-{}", e.node)} aria-label={title.clone()}>
            <h3>{ title }</h3>
            { table("", "engine-ops", &head, ops) }
            <dl class="readouts">
                { for rows.into_iter().map(|(name, id, class, value)| html! {
                    <div><dt>{ name }</dt><dd {class} data-testid={id}>{ value }</dd></div>
                }) }
            </dl>
        </section>
    }
}

#[component]
pub fn Metrics(props: &MetricsProps) -> Html {
    let refs: [NodeRef; PLOTS] = [
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    ];
    // Hover: which plot, at which x offset; the readout it produced.
    let hover = use_state(|| None::<(u8, f64)>);
    let readout = use_state_eq(|| None::<String>);
    {
        let (refs, readout) = (refs.clone(), readout.clone());
        use_effect_with((props.series.clone(), *hover), move |(series, hover)| {
            let axis = web_sys::window()
                .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
                .is_some_and(|m| m.matches());
            let axis = if axis { "#9aa3b0" } else { "#5b6472" };
            let mut text = None;
            for (k, p) in plots(series).iter().enumerate() {
                if let Some(c) = refs[k].cast::<web_sys::HtmlCanvasElement>() {
                    let at = hover.filter(|h| usize::from(h.0) == k).map(|h| h.1);
                    text = text.or(plot::draw(&c, p.t, &p.lines, p.unit, axis, at));
                }
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
    // Goodput: successes within their deadline, and their share of the calls issued.
    if let Some(g) = props.goodput {
        let share = g as f64 / props.issued.max(1) as f64 * 100.0;
        readouts.push((
            "Goodput (share of issued)",
            "goodput",
            "value",
            format!("{} · {share:.0}%", thousands(g)),
        ));
    }
    // The bill: what the billed instances have cost so far, and cost per hour now.
    if let (Some(total), Some(rate)) = (props.cost_usd, props.cost_per_hour) {
        readouts.push(("Cost so far", "cost-total", "value", dollars(total)));
        readouts.push(("Cost now", "cost-rate", "value", format!("{}/h", dollars(rate))));
    }
    // Sessions: how many users, how many still logged in, and what losing an instance cost them.
    if let Some(s) = &props.sessions {
        readouts.push((
            "Users · logged in",
            "sessions",
            "value",
            format!("{} · {}", thousands(s.users), thousands(s.active)),
        ));
        let bad = |n: u64| if n > 0 { "value bad" } else { "value" };
        readouts.push(("Sessions lost", "sessions-lost", bad(s.lost), thousands(s.lost)));
        readouts.push(("Logged out", "logged-out", bad(s.logged_out), thousands(s.logged_out)));
    }
    // What the failures were, when there were any: a new kind of failure (an engine's `unsupported`,
    // `aborted`, `out_of_memory`) reads as itself, not as "failed".
    if !props.failed_by_reason.is_empty() {
        let mut parts = Vec::new();
        for (reason, n) in props.failed_by_reason.iter() {
            parts.push(format!("{} {}", reason.replace('_', " "), thousands(*n)));
        }
        readouts.push((
            "Failed by reason",
            "failed-by-reason",
            "value bad reasons",
            parts.join(" · "),
        ));
    }
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
    let mut plot_html: Vec<Html> = Vec::new();
    for (k, (p, r)) in plots(&props.series).into_iter().zip(refs).enumerate() {
        let mut key: Vec<Html> = Vec::new();
        for l in &p.lines {
            key.push(html! {
                <span class={l.dashed.then_some("dashed")} style={format!("--c:{}", l.colour)} data-line={l.label.to_owned()}>
                    { l.label }
                </span>
            });
        }
        plot_html.push(html! {
            <>
            <h3>{ p.title }</h3>
            <canvas class="plot" ref={r} role="img" data-testid={p.id} aria-label={p.title}
                    onmousemove={on_move(k as u8)} onmouseleave={on_leave.clone()} />
            <div class="plot-key">{ for key }</div>
            </>
        });
    }
    html! {
        <section class="metrics panel" data-testid="metrics" aria-labelledby="metrics-title">
            <h2 id="metrics-title">{ "Metrics" }</h2>
            <dl class="readouts">
                <div class={(props.highlight == Some("completed")).then_some("highlight")}><dt>{ "Completed" }</dt><dd class="value" data-testid="completed" data-value={props.completed.to_string()}>{ thousands(props.completed) }</dd></div>
                { for readouts.into_iter().map(|(name, id, class, value)| html! {
                    <div class={(props.highlight == Some(id)).then_some("highlight")}><dt>{ name }</dt><dd {class} data-testid={id}>{ value }</dd></div>
                }) }
            </dl>
            if !props.realtime.is_empty() {
                { table("Real-time channels", "realtime", &[
                    ("mode", ""),
                    ("req/s", "requests per second at the server"),
                    ("empty", "share of responses with no update"),
                    ("mean ms", "mean delay from update to client"),
                    ("p99 ms", "p99 delay from update to client"),
                    ("conns", "connections held open"),
                ], {
                    let mut rows = Vec::new();
                    for r in props.realtime.iter() {
                        rows.push((r.mode.replace('_', " "), vec![
                            format!("{:.0}", r.server_rps),
                            format!("{:.0}%", r.empty_fraction * 100.0),
                            format!("{:.0}", r.mean_delay_ms),
                            format!("{:.0}", r.p99_delay_ms),
                            format!("{:.0}", r.open_connections),
                        ]));
                    }
                    rows
                }) }
            }
            { breakdown("By class", "class", "by-class", &props.by_class) }
            { breakdown("By client", "client", "by-client", &props.by_client) }
            { by_op(&props.by_op) }
            { for props.engines.iter().map(|(label, e)| engine(label, e)) }
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
            { for plot_html }
            <p class="plot-readout" data-testid="plot-readout" aria-live="polite">
                { (*readout).clone().unwrap_or_else(|| "Hover a plot to read its values.".to_owned()) }
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::{dollars, thousands};

    #[test]
    fn dollars_show_cents_or_what_is_under_a_cent() {
        assert_eq!(dollars(0.0), "$0.00");
        assert_eq!(dollars(0.1149), "$0.11");
        assert_eq!(dollars(0.0042), "$0.0042");
        assert_eq!(dollars(12.5), "$12.50");
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
