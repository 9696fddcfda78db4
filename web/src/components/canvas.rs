//! The canvas region: the topology as SVG (nodes at their scenario positions, edges as arrows, fitted to the
//! view) with a `<canvas>` layered over it for the request dots, and the dots' legend.

use std::rc::Rc;

use yew::prelude::*;

use super::icons::{kind_icon_at, kind_label};
use crate::driver::NodeView;
use crate::render::dots::Mark;
use crate::render::layout::{Layout, NODE_HALF_H, NODE_HALF_W};

#[derive(Properties, PartialEq)]
pub struct CanvasProps {
    pub nodes: Vec<NodeView>,
    pub edges: Vec<(usize, usize)>,
    pub layout: Option<Rc<Layout>>,
    /// The overlay canvas, which the animation loop draws on.
    pub dots: NodeRef,
    pub sample_every: u64,
    pub reduced_motion: bool,
    pub on_toggle: Callback<usize>,
}

#[component]
pub fn Canvas(props: &CanvasProps) -> Html {
    let layout = props.layout.clone().unwrap_or_else(|| Rc::new(Layout::new(Vec::new())));
    let shown = props.nodes.len() == layout.nodes.len() && !props.nodes.is_empty();
    html! {
        <main class="canvas-region" data-testid="canvas-region">
            <svg class="canvas" data-testid="canvas" role="group" aria-label="Topology"
                 xmlns="http://www.w3.org/2000/svg" viewBox={layout.view_box()}
                 preserveAspectRatio="xMidYMid meet">
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7"
                            orient="auto-start-reverse">
                        <path d="M0 0L10 5L0 10z" class="arrow-head" />
                    </marker>
                </defs>
                if shown {
                    <g class="edges">
                        { for props.edges.iter().map(|&(a, b)| {
                            let ((x1, y1), (x2, y2)) = layout.edge_segment(a, b);
                            html! {
                                <line class="edge" x1={x1.to_string()} y1={y1.to_string()}
                                      x2={x2.to_string()} y2={y2.to_string()} marker-end="url(#arrow)" />
                            }
                        }) }
                    </g>
                    <g class="nodes">
                        { for props.nodes.iter().enumerate().map(|(i, n)| node(i, n, layout.nodes[i], &props.on_toggle)) }
                    </g>
                } else {
                    <text x="0" y="0" text-anchor="middle" class="canvas-empty">{ "Empty topology" }</text>
                }
            </svg>
            <canvas class="dots" data-testid="dots" ref={props.dots.clone()} aria-hidden="true" />
            <div class="legend" data-testid="legend">
                if props.reduced_motion {
                    <span>{ "Reduced motion: request dots are off; the counters still update." }</span>
                } else {
                    <ul>
                        { for Mark::ALL.iter().map(|&(mark, label)| html! {
                            <li>{ legend_mark(mark) }{ label }</li>
                        }) }
                    </ul>
                    <span class="sampling" data-testid="sampling">
                        { if props.sample_every <= 1 {
                            "showing every request".to_owned()
                        } else {
                            format!("showing 1 in {} requests", props.sample_every)
                        } }
                    </span>
                }
            </div>
        </main>
    }
}

/// One node: a focusable rounded box with its icon, label and kind; click or Enter crashes or recovers it.
fn node(i: usize, n: &NodeView, (x, y): (f64, f64), on_toggle: &Callback<usize>) -> Html {
    let onclick = on_toggle.reform(move |_: MouseEvent| i);
    let onkeydown = {
        let on_toggle = on_toggle.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                on_toggle.emit(i);
            }
        })
    };
    let kind = kind_label(n.kind);
    let state = if n.up { "up" } else { "down" };
    let action = if n.up { "crash" } else { "recover" };
    let aria = format!("{} ({kind}), {state}. Press Enter to {action} it.", n.label);
    let class = classes!("node", (!n.up).then_some("down"));
    let (left, top) = (x - NODE_HALF_W, y - NODE_HALF_H);
    let sub = if n.up {
        kind.to_owned()
    } else {
        format!("{kind} · down")
    };
    html! {
        <g {class} tabindex="0" role="button" aria-label={aria} data-node={n.id.clone()} data-up={n.up.to_string()}
           {onclick} {onkeydown}>
            <title>{ format!("{} — click to {action}", n.label) }</title>
            <rect x={left.to_string()} y={top.to_string()} width={(2.0 * NODE_HALF_W).to_string()}
                  height={(2.0 * NODE_HALF_H).to_string()} rx="10" />
            { kind_icon_at(n.kind, left + 10.0, y - 11.0, 22.0) }
            <text class="node-label" x={(left + 40.0).to_string()} y={(y - 3.0).to_string()}>{ &n.label }</text>
            <text class="node-kind" x={(left + 40.0).to_string()} y={(y + 13.0).to_string()}>{ sub }</text>
        </g>
    }
}

/// The legend's swatch for a mark, drawn as the canvas draws it.
fn legend_mark(mark: Mark) -> Html {
    let c = mark.colour();
    let shape = match mark {
        Mark::Request => html! { <circle cx="6" cy="6" r="3" fill="none" stroke={c} stroke-width="1.6" /> },
        Mark::Ok => html! { <circle cx="6" cy="6" r="4" fill={c} /> },
        Mark::Hit => html! { <rect x="2.5" y="2.5" width="7" height="7" fill={c} /> },
        Mark::Miss => html! { <path d="M6 1L11 6L6 11L1 6z" fill={c} /> },
        Mark::Stale => {
            html! { <rect x="2.5" y="2.5" width="7" height="7" fill="none" stroke={c} stroke-width="1.8" /> }
        }
        Mark::Fail => html! { <path d="M2 2L10 10M10 2L2 10" stroke={c} stroke-width="2" /> },
    };
    html! { <svg class="swatch" viewBox="0 0 12 12" aria-hidden="true">{ shape }</svg> }
}
