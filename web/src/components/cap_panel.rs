//! The CAP panel: for each replicated database cluster, availability (the share of operations that succeeded)
//! next to consistency (stale reads, lost writes, and the linearizability checker's verdict), per side of the
//! partition. A violation's operations are drawn on a timeline, invoke to completion, so the overlap that makes
//! the history impossible is visible.

use std::rc::Rc;

use switchyard_core::metrics::DbReport;
use yew::prelude::*;

use crate::action::Action;
use crate::driver::CapCheck;

#[derive(Properties, PartialEq)]
pub struct CapPanelProps {
    pub databases: Rc<Vec<DbReport>>,
    pub check: Option<Rc<CapCheck>>,
    pub runnable: bool,
    pub now_ms: f64,
    pub on_action: Callback<Action>,
    pub on_close: Callback<()>,
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

#[component]
pub fn CapPanel(props: &CapPanelProps) -> Html {
    let close = super::click(&props.on_close);
    let check = super::click_action(&props.on_action, || Action::CheckConsistency);
    let heal = {
        let at_ms = props.now_ms;
        props
            .on_action
            .reform(move |_: MouseEvent| Action::Inject(switchyard_core::scenario::v1::Fault::Heal { at_ms }))
    };
    html! {
        <div class="dialog-backdrop">
            <section class="dialog panel cap-panel" role="dialog" aria-modal="true" aria-labelledby="cap-title"
                     data-testid="cap-panel">
                <h2 id="cap-title">{ "CAP panel: availability against consistency" }</h2>
                if props.databases.is_empty() {
                    <p class="hint">{ "No replicated database here yet: this scenario has no clusters, or the run has not started." }</p>
                }
                { for props.databases.iter().map(|d| html! {
                    <section class="cap-cluster" data-cluster={d.cluster.clone()}>
                        <h3>{ format!("{} — {} replication, {}", d.cluster, d.mode, d.consistency.to_ascii_uppercase()) }</h3>
                        <table class="cap-table">
                            <thead><tr>
                                <th scope="col">{ "side" }</th><th scope="col">{ "ops" }</th>
                                <th scope="col">{ "availability" }</th><th scope="col">{ "unavailable" }</th>
                                <th scope="col">{ "stale reads" }</th>
                            </tr></thead>
                            <tbody>
                                <tr class="all">
                                    <th scope="row">{ "all" }</th><td>{ d.all.ops }</td>
                                    <td>{ bar(d.all.availability) }</td><td>{ d.all.unavailable }</td>
                                    <td>{ d.all.stale_reads }</td>
                                </tr>
                                { for d.by_side.iter().map(|s| html! {
                                    <tr>
                                        <th scope="row">{ &s.side }</th><td>{ s.counts.ops }</td>
                                        <td>{ bar(s.counts.availability) }</td><td>{ s.counts.unavailable }</td>
                                        <td>{ s.counts.stale_reads }</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                        <p class="cap-facts">
                            { format!("{} lost writes · {} failovers", d.lost_writes, d.failovers) }
                        </p>
                    </section>
                }) }
                <div class="row-buttons">
                    <button type="button" class="tool" data-testid="cap-check" onclick={check}
                            disabled={!props.runnable || props.databases.is_empty()}
                            title="Run the linearizability checker over the history so far">{ "Check linearizability now" }</button>
                    <button type="button" class="tool" onclick={heal} disabled={!props.runnable}
                            title="End any network partition now (a timeline entry)">{ "Heal partition now" }</button>
                </div>
                if let Some(c) = &props.check {
                    { verdict(c) }
                }
                <button type="button" class="tool" onclick={close}>{ "Close" }</button>
            </section>
        </div>
    }
}

fn bar(x: f64) -> Html {
    html! {
        <span class="cap-bar" title={pct(x)}>
            <span class="bar"><span class="fill" style={format!("width:{:.1}%", x * 100.0)}></span></span>
            <span>{ pct(x) }</span>
        </span>
    }
}

fn verdict(c: &CapCheck) -> Html {
    let r = &c.report;
    let (text, class) = match &r.linearizable {
        serde_json::Value::Bool(true) => (
            "Linearizable: every operation fits one order consistent with real time.",
            "ok",
        ),
        serde_json::Value::Bool(false) => ("Not linearizable: no single order explains what clients saw.", "bad"),
        _ => (
            "Unknown: the checker's search budget ran out before a verdict.",
            "unknown",
        ),
    };
    let span = c
        .ops
        .iter()
        .flat_map(|o| [o.invoked_ms, o.completed_ms.unwrap_or(o.invoked_ms)])
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), t| (a.min(t), b.max(t)));
    let (t0, t1) = if span.0.is_finite() {
        (span.0, span.1.max(span.0 + 1e-3))
    } else {
        (0.0, 1.0)
    };
    let x = |t: f64| 10.0 + (t - t0) / (t1 - t0) * 480.0;
    html! {
        <section class={classes!("cap-verdict", class)} data-testid="cap-verdict" role="status">
            <p><strong>{ text }</strong></p>
            <p class="hint">{ format!("{} stale reads · {} lost writes · availability {}", r.stale_reads, r.lost_writes, pct(r.availability)) }</p>
            if let Some(v) = &r.violation {
                <p>{ format!("Violation on cluster {}, key {}: the {} operations below cannot be ordered.", v.cluster, v.key, c.ops.len()) }</p>
                <svg class="cap-timeline" viewBox={format!("0 0 500 {}", 24 * c.ops.len() + 24)} role="img"
                     aria-label="The violating operations on a timeline, from invocation to completion">
                    { for c.ops.iter().enumerate().map(|(i, o)| {
                        let y = 12 + 24 * i;
                        let (a, b) = (x(o.invoked_ms), x(o.completed_ms.unwrap_or(t1)));
                        html! {
                            <g>
                                <line x1={format!("{a:.1}")} x2={format!("{:.1}", b.max(a + 2.0))} y1={y.to_string()} y2={y.to_string()}
                                      class={if o.completed_ms.is_some() { "op" } else { "op open" }} />
                                // Labels of operations late in the window end at their bar, so they are not cut off.
                                <text x={format!("{:.1}", if a > 250.0 { b.max(a + 2.0) } else { a })} y={(y - 4).to_string()}
                                      text-anchor={if a > 250.0 { "end" } else { "start" }} class="op-label">
                                    { format!("client {}: {} → {} ({:.1}–{} ms)", o.client, o.what, o.outcome, o.invoked_ms,
                                              o.completed_ms.map_or("…".to_owned(), |t| format!("{t:.1}"))) }
                                </text>
                            </g>
                        }
                    }) }
                </svg>
            }
        </section>
    }
}
