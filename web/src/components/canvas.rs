//! The canvas region: the topology as SVG (nodes at their scenario positions, edges as arrows, fitted to the
//! camera) with a `<canvas>` layered over it for the request dots, and the dots' legend. It is also the editor:
//! drag nodes to move them, drag from a node's port to connect it, drag the plane to pan, wheel to zoom, and
//! drop palette items to add them (onto an edge: into it). An autoscaling group is drawn once, as a stack of
//! node boxes with a badge of its size.

use std::rc::Rc;

use yew::prelude::*;

use switchyard_core::engine::GroupNow;
use switchyard_core::node as kinds;
use switchyard_core::resilience::BreakerState;
use web_sys::{DragEvent, KeyboardEvent, PointerEvent, WheelEvent};

use super::icons::{kind_icon_at, kind_label};
use crate::action::Action;
use crate::driver::{NodeView, Problem, Selection};
use crate::render::dots::Mark;
use crate::render::layout::{fit_label, Layout, Transform, NODE_HALF_H, NODE_HALF_W};

#[derive(Properties, PartialEq)]
pub struct CanvasProps {
    pub nodes: Vec<NodeView>,
    pub edges: Vec<(usize, usize)>,
    /// The circuit breaker's state on each edge, one for one with `edges` (`None`: the edge has none).
    #[prop_or_default]
    pub breakers: Vec<Option<BreakerState>>,
    pub layout: Option<Rc<Layout>>,
    /// The overlay canvas, which the animation loop draws on.
    pub dots: NodeRef,
    pub sample_every: u64,
    pub reduced_motion: bool,
    pub selection: Selection,
    pub problems: Vec<Problem>,
    /// The last refused edit, if any.
    pub error: Option<String>,
    pub can_undo: bool,
    pub can_redo: bool,
    pub on_action: Callback<Action>,
    pub on_help: Callback<()>,
    /// Nodes a tour step points at (highlighted).
    #[prop_or_default]
    pub focus: Vec<usize>,
}

/// A pointer gesture in progress.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Gesture {
    /// Dragging the selected nodes: where the pointer went down, in scenario units.
    Move { from: (f64, f64), moved: bool },
    /// Dragging a new edge out of a node's port.
    Wire { from: usize },
    /// Dragging the empty plane: the pointer's last position in pixels.
    Pan { last: (f64, f64), moved: bool },
    /// Two fingers on the plane: their last distance apart, in pixels.
    Pinch { span: f64 },
}

/// The pointers down on the canvas, by id, at their last client position (for pinch zoom).
type Pointers = Vec<(i32, (f64, f64))>;

fn span(p: &Pointers) -> Option<(f64, (f64, f64))> {
    let (a, b) = (p.first()?.1, p.get(1)?.1);
    Some((
        ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt(),
        ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0),
    ))
}

/// Where a pointer event is, in scenario coordinates, given the SVG element it happened over.
fn to_scenario(svg: &web_sys::Element, view: (f64, f64, f64, f64), x: i32, y: i32) -> (f64, f64) {
    let r = svg.get_bounding_client_rect();
    Transform::fit(view, r.width().max(1.0), r.height().max(1.0)).invert((x as f64 - r.left(), y as f64 - r.top()))
}

#[component]
pub fn Canvas(props: &CanvasProps) -> Html {
    let layout = props.layout.clone().unwrap_or_else(|| Rc::new(Layout::new(Vec::new())));
    let svg_ref = use_node_ref();
    let gesture = use_mut_ref(|| None::<Gesture>);
    let pointers = use_mut_ref(Pointers::new);
    // The live offset of the nodes being dragged, and the loose end of an edge being drawn.
    let offset = use_state(|| (0.0f64, 0.0f64));
    let wire_end = use_state(|| None::<(f64, f64)>);
    let selected = props.selection.nodes();
    let shown = props.nodes.len() == layout.nodes.len() && !props.nodes.is_empty();

    // Positions with the drag preview applied.
    let positions: Vec<(f64, f64)> = layout
        .nodes
        .iter()
        .enumerate()
        .map(|(i, &(x, y))| {
            if selected.contains(&i) {
                (x + offset.0, y + offset.1)
            } else {
                (x, y)
            }
        })
        .collect();
    let shown_layout = Layout::with_view(positions.clone(), layout.view);

    let point = {
        let svg_ref = svg_ref.clone();
        let view = layout.view;
        move |e: &PointerEvent| {
            svg_ref
                .cast::<web_sys::Element>()
                .map(|svg| to_scenario(&svg, view, e.client_x(), e.client_y()))
        }
    };

    let on_node_down = {
        let on_action = props.on_action.clone();
        let gesture = gesture.clone();
        let point = point.clone();
        let selected = selected.clone();
        let svg_ref = svg_ref.clone();
        move |i: usize, e: PointerEvent| {
            if e.button() != 0 {
                return;
            }
            e.stop_propagation();
            if e.shift_key() {
                on_action.emit(Action::ToggleInSelection(i));
                return;
            }
            if !selected.contains(&i) {
                on_action.emit(Action::Select(Selection::Nodes([i].into())));
                super::inspector::reveal();
            }
            if let (Some(from), Some(svg)) = (point(&e), svg_ref.cast::<web_sys::Element>()) {
                let _ = svg.set_pointer_capture(e.pointer_id());
                *gesture.borrow_mut() = Some(Gesture::Move { from, moved: false });
            }
        }
    };

    let on_port_down = {
        let gesture = gesture.clone();
        let wire_end = wire_end.clone();
        let point = point.clone();
        let svg_ref = svg_ref.clone();
        move |i: usize, e: PointerEvent| {
            e.stop_propagation();
            if let Some(svg) = svg_ref.cast::<web_sys::Element>() {
                let _ = svg.set_pointer_capture(e.pointer_id());
            }
            *gesture.borrow_mut() = Some(Gesture::Wire { from: i });
            wire_end.set(point(&e));
        }
    };

    let on_down = {
        let gesture = gesture.clone();
        let svg_ref = svg_ref.clone();
        let pointers = pointers.clone();
        Callback::from(move |e: PointerEvent| {
            if e.button() != 0 {
                return;
            }
            let mut ps = pointers.borrow_mut();
            ps.retain(|(id, _)| *id != e.pointer_id());
            ps.push((e.pointer_id(), (f64::from(e.client_x()), f64::from(e.client_y()))));
            if let Some((d, _)) = span(&ps) {
                *gesture.borrow_mut() = Some(Gesture::Pinch { span: d });
                return;
            }
            if let Some(svg) = svg_ref.cast::<web_sys::Element>() {
                let _ = svg.set_pointer_capture(e.pointer_id());
            }
            *gesture.borrow_mut() = Some(Gesture::Pan {
                last: (e.client_x() as f64, e.client_y() as f64),
                moved: false,
            });
        })
    };

    let on_move = {
        let gesture = gesture.clone();
        let pointers = pointers.clone();
        let offset = offset.clone();
        let wire_end = wire_end.clone();
        let point = point.clone();
        let on_action = props.on_action.clone();
        let svg_ref = svg_ref.clone();
        let view = layout.view;
        Callback::from(move |e: PointerEvent| {
            if let Some(p) = pointers.borrow_mut().iter_mut().find(|(id, _)| *id == e.pointer_id()) {
                p.1 = (f64::from(e.client_x()), f64::from(e.client_y()));
            }
            let mut g = gesture.borrow_mut();
            match g.as_mut() {
                Some(Gesture::Pinch { span: last }) => {
                    if let (Some((d, mid)), Some(svg)) = (span(&pointers.borrow()), svg_ref.cast::<web_sys::Element>())
                    {
                        if *last > 0.0 && (d - *last).abs() > 0.5 {
                            let at = to_scenario(&svg, view, mid.0 as i32, mid.1 as i32);
                            on_action.emit(Action::Zoom(d / *last, Some(at)));
                            *last = d;
                        }
                    }
                }
                Some(Gesture::Move { from, moved }) => {
                    if let Some(p) = point(&e) {
                        let d = (p.0 - from.0, p.1 - from.1);
                        if d.0.abs() + d.1.abs() > 2.0 {
                            *moved = true;
                        }
                        if *moved {
                            offset.set(d);
                        }
                    }
                }
                Some(Gesture::Wire { .. }) => wire_end.set(point(&e)),
                Some(Gesture::Pan { last, moved }) => {
                    let (x, y) = (e.client_x() as f64, e.client_y() as f64);
                    let Some(svg) = svg_ref.cast::<web_sys::Element>() else {
                        return;
                    };
                    let r = svg.get_bounding_client_rect();
                    let scale = Transform::fit(view, r.width().max(1.0), r.height().max(1.0)).scale;
                    let (dx, dy) = ((x - last.0) / scale, (y - last.1) / scale);
                    if dx.abs() + dy.abs() > 0.5 {
                        *moved = true;
                        *last = (x, y);
                        on_action.emit(Action::Pan(-dx, -dy));
                    }
                }
                None => {}
            }
        })
    };

    let on_up = {
        let gesture = gesture.clone();
        let pointers = pointers.clone();
        let offset = offset.clone();
        let wire_end = wire_end.clone();
        let point = point.clone();
        let on_action = props.on_action.clone();
        let layout = layout.clone();
        Callback::from(move |e: PointerEvent| {
            pointers.borrow_mut().retain(|(id, _)| *id != e.pointer_id());
            let g = gesture.borrow_mut().take();
            match g {
                Some(Gesture::Move { moved: true, .. }) => {
                    let (dx, dy) = *offset;
                    offset.set((0.0, 0.0));
                    on_action.emit(Action::MoveSelected(dx, dy));
                }
                Some(Gesture::Wire { from }) => {
                    wire_end.set(None);
                    if let Some(to) = point(&e).and_then(|p| layout.node_at(p)) {
                        if to != from {
                            on_action.emit(Action::Connect(from, to));
                        }
                    }
                }
                Some(Gesture::Pan { moved: false, .. }) => on_action.emit(Action::Select(Selection::None)),
                _ => offset.set((0.0, 0.0)),
            }
        })
    };

    let on_wheel = {
        let on_action = props.on_action.clone();
        let svg_ref = svg_ref.clone();
        let view = layout.view;
        Callback::from(move |e: WheelEvent| {
            let at = svg_ref
                .cast::<web_sys::Element>()
                .map(|svg| to_scenario(&svg, view, e.client_x(), e.client_y()));
            let factor = (-e.delta_y() * 0.0015).exp();
            on_action.emit(Action::Zoom(factor, at));
        })
    };

    // A palette item dropped on an edge goes into it.
    let edge_under = {
        let svg_ref = svg_ref.clone();
        let (layout, edges) = (layout.clone(), props.edges.clone());
        move |e: &DragEvent| {
            let at = svg_ref
                .cast::<web_sys::Element>()
                .map(|svg| to_scenario(&svg, layout.view, e.client_x(), e.client_y()));
            (at, at.and_then(|p| layout.edge_near(&edges, p, DROP_REACH)))
        }
    };
    let on_dragover = Callback::from(|e: DragEvent| e.prevent_default());
    let on_drop = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            let kind = e
                .data_transfer()
                .and_then(|d| d.get_data("text/plain").ok())
                .and_then(|k| palette_kind(&k));
            let Some(kind) = kind else { return };
            on_action.emit(match edge_under(&e) {
                (at, Some(edge)) if kind != "client" => Action::InsertOnEdge(edge, kind, at),
                (at, _) => Action::AddNode(kind, at),
            });
        })
    };

    let node_problem = |i: usize| {
        props
            .problems
            .iter()
            .find(|p| p.node == Some(i))
            .map(|p| p.message.clone())
    };
    let edge_problem = |i: usize| props.problems.iter().any(|p| p.edge == Some(i));
    let general: Vec<&Problem> = props
        .problems
        .iter()
        .filter(|p| p.node.is_none() && p.edge.is_none())
        .collect();
    let act = |a: fn() -> Action| super::click_action(&props.on_action, a);
    // The partition in force, side by side: replication between databases crosses it without an edge to cut.
    let mut sides: Vec<(u32, Vec<&str>)> = Vec::new();
    for n in &props.nodes {
        if let Some(s) = n.side {
            match sides.iter_mut().find(|(k, _)| *k == s) {
                Some((_, names)) => names.push(&n.label),
                None => sides.push((s, vec![&n.label])),
            }
        }
    }
    sides.sort_by_key(|(k, _)| *k);
    let partition = (!sides.is_empty()).then(|| {
        let sides: Vec<String> = sides
            .iter()
            .map(|(k, names)| format!("{}: {}", side_name(*k), names.join(", ")))
            .collect();
        format!("Network partition — {}", sides.join(" | "))
    });

    html! {
        <main class="canvas-region" data-testid="canvas-region" ondragover={on_dragover} ondrop={on_drop}>
            <div class="canvas-tools" role="toolbar" aria-label="Edit">
                <button type="button" class="tool" data-testid="undo" disabled={!props.can_undo}
                        onclick={act(|| Action::Undo)} title="Undo (Ctrl+Z)">{ "Undo" }</button>
                <button type="button" class="tool" data-testid="redo" disabled={!props.can_redo}
                        onclick={act(|| Action::Redo)} title="Redo (Ctrl+Shift+Z)">{ "Redo" }</button>
                <button type="button" class="tool" data-testid="zoom-out" onclick={act(|| Action::Zoom(0.8, None))}
                        title="Zoom out (-)" aria-label="Zoom out">{ "−" }</button>
                <button type="button" class="tool" data-testid="zoom-in" onclick={act(|| Action::Zoom(1.25, None))}
                        title="Zoom in (+)" aria-label="Zoom in">{ "+" }</button>
                <button type="button" class="tool" data-testid="fit" onclick={act(|| Action::Fit)}
                        title="Fit to view (F)">{ "Fit" }</button>
                <button type="button" class="tool" data-testid="tidy" onclick={act(|| Action::Tidy)}
                        title="Tidy layout, left to right (T)">{ "Tidy" }</button>
                <button type="button" class="tool" data-testid="shortcuts" onclick={super::click(&props.on_help)}
                        title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">{ "?" }</button>
            </div>
            if let Some(e) = &props.error {
                <p class="canvas-note error" role="alert" data-testid="edit-error">{ e }</p>
            }
            if let Some(p) = partition {
                <p class="canvas-note partition" role="status" data-testid="partition-note">{ p }</p>
            }
            if !general.is_empty() {
                <ul class="canvas-note problems" data-testid="problems" role="status">
                    { for general.iter().map(|p| html! { <li>{ &p.message }</li> }) }
                </ul>
            }
            <svg class="canvas" data-testid="canvas" role="group" aria-label="Topology" ref={svg_ref}
                 xmlns="http://www.w3.org/2000/svg" viewBox={layout.view_box()}
                 preserveAspectRatio="xMidYMid meet"
                 onpointerdown={on_down} onpointermove={on_move} onpointerup={on_up.clone()}
                 onpointercancel={on_up} onwheel={on_wheel}>
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7"
                            orient="auto-start-reverse">
                        <path d="M0 0L10 5L0 10z" class="arrow-head" />
                    </marker>
                </defs>
                if shown {
                    <g class="edges">
                        { for props.edges.iter().enumerate().map(|(k, &(a, b))| {
                            let ((x1, y1), (x2, y2)) = shown_layout.edge_segment(a, b);
                            // A link whose ends are on two sides of the partition in force carries nothing.
                            let side = |i: usize| props.nodes.get(i).and_then(|n| n.side);
                            let cut = matches!((side(a), side(b)), (Some(x), Some(y)) if x != y);
                            let class = classes!(
                                "edge",
                                (props.selection == Selection::Edge(k)).then_some("selected"),
                                edge_problem(k).then_some("invalid"),
                                cut.then_some("cut"),
                            );
                            let on_action = props.on_action.clone();
                            let onpointerdown = Callback::from(move |e: PointerEvent| {
                                e.stop_propagation();
                                on_action.emit(Action::Select(Selection::Edge(k)));
                            });
                            let on_action = props.on_action.clone();
                            let onkeydown = Callback::from(move |e: KeyboardEvent| {
                                if e.key() == "Enter" {
                                    e.prevent_default();
                                    on_action.emit(Action::Select(Selection::Edge(k)));
                                }
                            });
                            let name = |i: usize| props.nodes.get(i).map_or("?", |n| n.label.as_str());
                            let breaker = props.breakers.get(k).copied().flatten();
                            let aria = format!("Edge {} to {}{}{}. Enter selects it.", name(a), name(b),
                                               if cut { ", cut by the network partition" } else { "" },
                                               breaker.map(|b| format!(", {}", breaker_text(b))).unwrap_or_default());
                            html! {
                                <g {class} data-edge={k.to_string()} tabindex="0" role="button" aria-label={aria}
                                   {onkeydown}>
                                    <line class="edge-hit" x1={x1.to_string()} y1={y1.to_string()}
                                          x2={x2.to_string()} y2={y2.to_string()} {onpointerdown} />
                                    <line class="edge-line" x1={x1.to_string()} y1={y1.to_string()}
                                          x2={x2.to_string()} y2={y2.to_string()} marker-end="url(#arrow)" />
                                    if cut {
                                        // A cross at the middle of the cut link, big enough to see under dots.
                                        <path class="cut-mark" d={{
                                            let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
                                            format!("M{} {}l12 12m0-12l-12 12", mx - 6.0, my - 6.0)
                                        }} />
                                    }
                                    if let Some(b) = breaker {
                                        { breaker_label(k, b, ((x1 + x2) / 2.0, (y1 + y2) / 2.0)) }
                                    }
                                </g>
                            }
                        }) }
                    </g>
                    if let (Some(Gesture::Wire { from }), Some(end)) = (*gesture.borrow(), *wire_end) {
                        <line class="wire" x1={(positions[from].0 + NODE_HALF_W).to_string()}
                              y1={positions[from].1.to_string()} x2={end.0.to_string()} y2={end.1.to_string()} />
                    }
                    <g class="nodes">
                        { for props.nodes.iter().enumerate().map(|(i, n)| {
                            let down = on_node_down.clone();
                            let port = on_port_down.clone();
                            node(NodeProps {
                                i,
                                n,
                                at: positions[i],
                                selected: selected.contains(&i),
                                focus: props.focus.contains(&i),
                                problem: node_problem(i),
                                on_down: Callback::from(move |e| down(i, e)),
                                on_port: Callback::from(move |e| port(i, e)),
                                on_action: &props.on_action,
                            })
                        }) }
                    </g>
                } else {
                    <text x={(layout.view.0 + layout.view.2 / 2.0).to_string()}
                          y={(layout.view.1 + layout.view.3 / 2.0).to_string()}
                          text-anchor="middle" class="canvas-empty">
                        { "Empty canvas: add components from the palette (click, or drag them here)" }
                    </text>
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

/// How near an edge (in scenario units) a dropped palette item goes into it.
const DROP_REACH: f64 = 16.0;

/// The palette kind named by a drag payload.
fn palette_kind(name: &str) -> Option<&'static str> {
    kinds::named(name).map(|row| row.name())
}

struct NodeProps<'a> {
    i: usize,
    n: &'a NodeView,
    at: (f64, f64),
    selected: bool,
    /// A tour step points at it.
    focus: bool,
    problem: Option<String>,
    on_down: Callback<PointerEvent>,
    on_port: Callback<PointerEvent>,
    on_action: &'a Callback<Action>,
}

/// One node: a focusable rounded box with its icon, label and kind, and a port to drag edges from. Click
/// selects it (Shift adds to the selection); Enter does the same from the keyboard.
fn node(p: NodeProps<'_>) -> Html {
    let NodeProps {
        i,
        n,
        at: (x, y),
        selected,
        focus,
        problem,
        on_down,
        on_port,
        on_action,
    } = p;
    let onkeydown = {
        let on_action = on_action.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                on_action.emit(if e.shift_key() {
                    Action::ToggleInSelection(i)
                } else {
                    Action::Select(Selection::Nodes([i].into()))
                });
                super::inspector::reveal();
            }
        })
    };
    let kind = kind_label(n.kind);
    let state = if n.up { "up" } else { "down" };
    let mut aria = format!("{} ({kind}), {state}", n.label);
    if let Some(side) = n.side {
        aria.push_str(&format!(", partition side {}", side_name(side)));
    }
    if selected {
        aria.push_str(", selected");
    }
    let group = n.group.map(|g| (g, group_words(&g)));
    if let Some((_, (badge, hint))) = &group {
        aria.push_str(&format!(", autoscaling group: {badge} instances"));
        if !hint.is_empty() {
            aria.push_str(&format!(", {hint}"));
        }
    }
    if let Some(p) = &problem {
        aria.push_str(". Problem: ");
        aria.push_str(p);
    }
    aria.push_str(if group.is_some() {
        ". Enter selects; K crashes an instance."
    } else {
        ". Enter selects; K crashes or recovers."
    });
    let class = classes!(
        "node",
        (!n.up).then_some("down"),
        selected.then_some("selected"),
        focus.then_some("focus"),
        problem.is_some().then_some("invalid")
    );
    let (left, top) = (x - NODE_HALF_W, y - NODE_HALF_H);
    let (shown, squeeze) = fit_label(&n.label);
    let mut sub = kind.to_owned();
    if !n.up {
        sub.push_str(" · down");
    }
    if let Some(side) = n.side {
        sub.push_str(" · side ");
        sub.push(side_name(side));
    }
    html! {
        <g {class} tabindex="0" role="button" aria-label={aria} aria-pressed={selected.to_string()}
           data-node={n.id.clone()} data-up={n.up.to_string()} data-side={n.side.map(|s| side_name(s).to_string())}
           onpointerdown={on_down} {onkeydown}>
            <title>{ problem.clone().unwrap_or_else(|| format!("{} — drag to move; drag the port to connect", n.label)) }</title>
            if let Some((g, _)) = &group {
                { stack(g, left, top) }
            }
            <rect x={left.to_string()} y={top.to_string()} width={(2.0 * NODE_HALF_W).to_string()}
                  height={(2.0 * NODE_HALF_H).to_string()} rx="10" />
            { kind_icon_at(n.kind, left + 10.0, y - 11.0, 22.0) }
            <text class="node-label" x={(left + 40.0).to_string()} y={(y - 3.0).to_string()}
                  textLength={squeeze.map(|w| w.to_string())}
                  lengthAdjust={squeeze.map(|_| "spacingAndGlyphs")}>{ shown }</text>
            <text class="node-kind" x={(left + 40.0).to_string()} y={(y + 13.0).to_string()}>{ sub }</text>
            <circle class="port" data-port={n.id.clone()} cx={(x + NODE_HALF_W).to_string()} cy={y.to_string()} r="7"
                    onpointerdown={on_port} aria-hidden="true" />
            if let Some((g, words)) = group {
                { group_badge(&n.id, &g, words, left, top, problem.is_none()) }
            }
            if let Some(p) = problem {
                <text class="node-problem" x={left.to_string()} y={(y + NODE_HALF_H + 16.0).to_string()}>
                    { format!("⚠ {}", truncate(&p, 48)) }
                </text>
            }
        </g>
    }
}

/// How far each copy of a group's box sits up and to the right of the one in front of it.
const STACK_STEP: f64 = 6.0;

/// A group's size in words: the badge (`4/10`: instances launched of the most it may have) and what is on
/// its way in or out (`+2 booting · 1 draining`; empty when nothing is).
fn group_words(g: &GroupNow) -> (String, String) {
    let mut hint = Vec::new();
    for (n, what) in [
        (g.booting, "booting"),
        (g.warming, "warming up"),
        (g.draining, "draining"),
        (g.crashed, "crashed"),
    ] {
        if n > 0 {
            let sign = if what == "booting" { "+" } else { "" };
            hint.push(format!("{sign}{n} {what}"));
        }
    }
    (format!("{}/{}", g.instances, g.max), hint.join(" · "))
}

/// The copies of a group's box behind it: one for a group of one instance or none, two for more.
fn stack(g: &GroupNow, left: f64, top: f64) -> Html {
    let depth = if g.instances > 1 { 2 } else { 1 };
    html! {
        <g class="stack" data-depth={depth.to_string()} aria-hidden="true">
            { for (1..=depth).rev().map(|d| {
                let off = STACK_STEP * f64::from(d);
                html! {
                    <rect x={(left + off).to_string()} y={(top - off).to_string()} width={(2.0 * NODE_HALF_W).to_string()}
                          height={(2.0 * NODE_HALF_H).to_string()} rx="10" />
                }
            }) }
        </g>
    }
}

/// A group's badge over the top right of its stack (`4/10`), and under the box what is booting, warming up,
/// draining or crashed (`with_hint`: unless a problem is written there). Its attributes give the sizes to
/// tests: instances launched, taking requests (warming up or in service), and the size it aims for.
fn group_badge(id: &str, g: &GroupNow, (badge, hint): (String, String), left: f64, top: f64, with_hint: bool) -> Html {
    let w = 7.5 * badge.len() as f64 + 14.0;
    let right = left + 2.0 * NODE_HALF_W + 2.0 * STACK_STEP + 6.0;
    let y = top - 2.0 * STACK_STEP - 8.0;
    html! {
        <g class="group-badge" data-testid={format!("group-{id}")} data-instances={g.instances.to_string()}
           data-in-service={(g.in_service + g.warming).to_string()} data-desired={g.desired.to_string()}
           data-max={g.max.to_string()} data-booting={g.booting.to_string()} data-draining={g.draining.to_string()}>
            <rect x={(right - w).to_string()} y={y.to_string()} width={w.to_string()} height="20" rx="10" />
            <text x={(right - w / 2.0).to_string()} y={(y + 14.5).to_string()} text-anchor="middle">{ badge }</text>
            if with_hint && !hint.is_empty() {
                <text class="group-hint" x={left.to_string()} y={(top + 2.0 * NODE_HALF_H + 16.0).to_string()}>
                    { hint }
                </text>
            }
        </g>
    }
}

/// A breaker's state in words, as its label on the edge reads.
fn breaker_text(state: BreakerState) -> &'static str {
    match state {
        BreakerState::Closed => "breaker closed",
        BreakerState::Open => "breaker open",
        BreakerState::HalfOpen => "breaker half-open",
    }
}

/// The label of edge `k`'s circuit breaker, above the edge's middle `at`: a pill whose border is coloured by
/// the state (green closed, red open, amber half-open) and whose text names it, so the colour is never all it
/// says.
fn breaker_label(k: usize, state: BreakerState, at: (f64, f64)) -> Html {
    let text = breaker_text(state);
    let w = 7.5 * text.len() as f64 + 14.0;
    let (x, y) = (at.0 - w / 2.0, at.1 - 30.0);
    html! {
        <g class={classes!("breaker", state.name())} data-testid={format!("breaker-{k}")} data-state={state.name()}>
            <rect x={x.to_string()} y={y.to_string()} width={w.to_string()} height="20" rx="10" />
            <text x={at.0.to_string()} y={(y + 14.5).to_string()} text-anchor="middle">{ text }</text>
        </g>
    }
}

/// A partition side as people name them: A, B, C…
fn side_name(side: u32) -> char {
    char::from_u32(u32::from(b'A') + side % 26).unwrap_or('?')
}

/// At most `n` characters, with an ellipsis when cut.
fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// The legend's swatch for a mark, drawn as the canvas draws it: one outline per mark, filled or stroked (one
/// template for all of them: each `html!` element is code in the bundle).
fn legend_mark(mark: Mark) -> Html {
    let (d, filled, width) = match mark {
        Mark::Request => ("M3 6a3 3 0 1 0 6 0a3 3 0 1 0-6 0", false, "1.6"),
        Mark::Ok => ("M2 6a4 4 0 1 0 8 0a4 4 0 1 0-8 0", true, "0"),
        Mark::Hit => ("M2.5 2.5h7v7h-7z", true, "0"),
        Mark::Stale => ("M2.5 2.5h7v7h-7z", false, "1.8"),
        Mark::Miss => ("M6 1L11 6L6 11L1 6z", true, "0"),
        Mark::Fail => ("M2 2L10 10M10 2L2 10", false, "2"),
        Mark::RateLimited => ("M6 1.5L10.5 10H1.5z", false, "1.6"),
        Mark::Shed => ("M1.5 6H10.5", false, "2.6"),
        Mark::CircuitOpen => ("M6 1.5V10.5", false, "2.6"),
    };
    let c = mark.colour();
    let (fill, stroke) = if filled { (c, "none") } else { ("none", c) };
    html! {
        <svg class="swatch" viewBox="0 0 12 12" aria-hidden="true">
            <path {d} {fill} {stroke} stroke-width={width} />
        </svg>
    }
}
