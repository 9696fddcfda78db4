//! The inspector: every parameter of the selected node (or edge, or of the scenario when nothing is
//! selected), each as a proper control with its unit and a one-line explanation. The list comes from core's
//! [`params`] descriptors, so what can be edited here is exactly what the scenario format holds. Live
//! actions sit under the parameters: crash, partition, a client's spike, an autoscaling group's "Scale to" and
//! a billed service's "Resize to", each a fault of the timeline.

use std::rc::Rc;

use serde_json::Value;
use switchyard_core::dbengine::{spec, Profile};
use switchyard_core::engine::GroupNow;
use switchyard_core::node as kinds;
use switchyard_core::scenario::edit;
use switchyard_core::scenario::params::{self, Control, Param};
use switchyard_core::scenario::v1::{codec, Dist, Fault, InstanceSize, Mix, NodeKind, NodeSpec};
use switchyard_core::scenario::Scenario;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::icons::{kind_icon, kind_label};
use crate::action::{Action, Dialog};
use crate::driver::{NodeView, Problem, Selection};

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub doc: Rc<Scenario>,
    pub selection: Selection,
    pub problems: Vec<Problem>,
    pub nodes: Vec<NodeView>,
    pub runnable: bool,
    /// Virtual time now, for faults injected live.
    pub now_ms: f64,
    pub on_action: Callback<Action>,
    /// Opens a specialised view of a node.
    pub on_open: Callback<Dialog>,
}

/// Where an edited parameter goes.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Target {
    Node(usize),
    Edge(usize),
    Cluster(usize),
    Scenario,
}

impl Target {
    fn action(self, key: &'static str, v: Option<Value>) -> Action {
        match self {
            Target::Node(i) => Action::SetNodeParam(i, key, v),
            Target::Edge(i) => Action::SetEdgeParam(i, key, v),
            Target::Cluster(i) => Action::SetClusterParam(i, key, v),
            Target::Scenario => Action::SetScenarioParam(key, v),
        }
    }

    /// The Yew key of the control for `param` of this target: another node's panel gets new controls.
    fn control_key(self, param: &str) -> String {
        match self {
            Target::Node(i) => format!("node-{i}-{param}"),
            Target::Edge(i) => format!("edge-{i}-{param}"),
            Target::Cluster(i) => format!("cluster-{i}-{param}"),
            Target::Scenario => format!("scenario-{param}"),
        }
    }
}

/// Brings the inspector into view when its top is off screen (on a narrow screen it sits below the canvas;
/// on a wide one, low in the side panel): scrolling only, so the keyboard focus stays on the canvas. The
/// canvas calls it as it selects a node; where the inspector starts does not depend on what it shows.
pub fn reveal() {
    let Some(window) = web_sys::window() else { return };
    let Some(el) = window.document().and_then(|d| d.get_element_by_id("inspector")) else {
        return;
    };
    let height = window.inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(0.0);
    let top = el.get_bounding_client_rect().top();
    // The heading and the first fields showing is in view enough. Else its top goes to the top of the screen
    // (less its scroll margin): "nearest" would align a short panel's bottom instead, and left a tall one's top
    // off screen when its contents changed just after.
    if top < 0.0 || top > height - 120.0 {
        let opts = web_sys::ScrollIntoViewOptions::new();
        opts.set_block(web_sys::ScrollLogicalPosition::Start);
        el.scroll_into_view_with_scroll_into_view_options(&opts);
    }
}

#[component]
pub fn Inspector(props: &InspectorProps) -> Html {
    let body = match &props.selection {
        Selection::Nodes(s) if s.len() == 1 => s.first().map_or_else(Html::default, |&i| node_panel(props, i)),
        Selection::Nodes(s) => {
            let del = super::click_action(&props.on_action, || Action::Delete);
            let copy = super::click_action(&props.on_action, || Action::Copy);
            let crash = super::click_action(&props.on_action, || Action::ToggleSelected);
            html! {
                <>
                    <h2>{ format!("{} nodes selected", s.len()) }</h2>
                    <p class="hint">{ "Drag one to move them all; arrow keys nudge; Ctrl+C copies." }</p>
                    <div class="row-buttons">
                        <button type="button" class="tool" onclick={copy}>{ "Copy" }</button>
                        <button type="button" class="tool" onclick={crash} disabled={!props.runnable}>
                            { "Crash / recover" }
                        </button>
                        <button type="button" class="tool danger" onclick={del}>{ "Delete" }</button>
                    </div>
                    <div class="row-buttons">
                        <button type="button" class="tool" data-testid="partition" disabled={!props.runnable}
                                onclick={super::click_action(&props.on_action, || Action::PartitionSelected)}
                                title="Cut these nodes off from the rest of the network now: messages between the two groups are dropped (P)">
                            { "Partition these off" }
                        </button>
                        <button type="button" class="tool" disabled={!props.runnable}
                                onclick={let at_ms = props.now_ms; props.on_action.reform(move |_: MouseEvent| Action::Inject(Fault::Heal { at_ms }))}>
                            { "Heal" }
                        </button>
                    </div>
                </>
            }
        }
        Selection::Edge(e) => edge_panel(props, *e),
        Selection::None => {
            let v = params::tree(&*props.doc).unwrap_or(Value::Null);
            html! {
                <>
                    <h2>{ "Scenario" }</h2>
                    <p class="hint">{ "Select a node or an edge to edit it. Press ? for keyboard shortcuts." }</p>
                    { controls(params::SCENARIO, &v, Target::Scenario, &props.on_action) }
                    { timeline(props) }
                </>
            }
        }
    };
    html! {
        <section class="inspector panel" data-testid="inspector" aria-label="Inspector" id="inspector">{ body }</section>
    }
}

fn node_panel(props: &InspectorProps, i: usize) -> Html {
    let Some(node) = props.doc.nodes.get(i) else {
        return Html::default();
    };
    let kind = node.spec.kind();
    let spec = params::tree(&node.spec).unwrap_or(Value::Null);
    let up = props.nodes.get(i).is_none_or(|n| n.up);
    let group = props.nodes.get(i).and_then(|n| n.group);
    let on_label = props
        .on_action
        .reform(move |e: Event| Action::SetLabel(i, input_value(&e)));
    let del = super::click_action(&props.on_action, || Action::Delete);
    let crash = super::click_index(&props.on_action, i, Action::ToggleNode);
    let connect_ref = NodeRef::default();
    let on_connect = {
        let r = connect_ref.clone();
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(to) = r
                .cast::<HtmlSelectElement>()
                .and_then(|s| s.value().parse::<usize>().ok())
            {
                on_action.emit(Action::Connect(i, to));
            }
        })
    };
    let problems: Vec<&Problem> = props.problems.iter().filter(|p| p.node == Some(i)).collect();
    html! {
        <>
            <h2 class="inspector-title">
                <span class="glyph">{ kind_icon(kind) }</span>
                { kind_label(kind) }
            </h2>
            { for problems.iter().map(|p| html! { <p class="problem" role="alert">{ format!("⚠ {}", p.message) }</p> }) }
            if props.runnable {
                if let Some(view) = props.nodes.get(i) {
                    { node_run(view) }
                }
            }
            <label class="field">
                <span class="name">{ "Label" }</span>
                <input type="text" data-param="label" value={node.label.clone().unwrap_or_default()}
                       maxlength="200" onchange={on_label} />
            </label>
            <p class="field-help">{ format!("id: {}", node.id) }</p>
            { controls(kinds::of(node.spec.kind()).params, &spec, Target::Node(i), &props.on_action) }
            <div class="field connect">
                <label for="connect-to" class="name">{ "Connect to" }</label>
                <select id="connect-to" data-testid="connect-to" ref={connect_ref}>
                    { for props.doc.nodes.iter().enumerate().filter(|(j, _)| *j != i).map(|(j, n)| html! {
                        <option value={j.to_string()}>{ n.label.clone().unwrap_or_else(|| n.id.clone()) }</option>
                    }) }
                </select>
                <button type="button" class="tool" data-testid="connect" onclick={on_connect}>{ "Connect" }</button>
            </div>
            if node.spec.kind_name() == "database" {
                { replication(props, i, &node.id) }
            }
            if node.spec.kind_name() == "shard_router" {
                <div class="row-buttons">
                    <button type="button" class="tool" data-testid="open-shards"
                            onclick={super::click_open(&props.on_open, Dialog::Shards)}
                            title="Per-shard load, data size and skew">{ "Shard map" }</button>
                </div>
            }
            if matches!(node.spec.kind_name(), "load_balancer" | "proxy") {
                <div class="row-buttons">
                    <button type="button" class="tool" data-testid="open-ring"
                            onclick={super::click_open(&props.on_open, Dialog::Ring(i))}
                            title="See how consistent hashing places keys on this balancer's backends">
                        { "Ring view" }
                    </button>
                </div>
            }
            if let Some(rate) = base_rate(&props.doc, i) {
                { spike_buttons(props, &node.id, rate) }
            }
            if let Some(g) = group {
                { scale_buttons(props, &node.id, g) }
            } else if let Some(size) = billed_size(&props.doc, i, props.now_ms) {
                { resize_control(props, &node.id, size) }
            }
            <div class="row-buttons">
                <button type="button" class="tool" data-testid="crash" onclick={crash} disabled={!props.runnable}
                        title={if group.is_some() {
                            "Crash its oldest serving instance now; the group replaces it (K)"
                        } else {
                            "Crash or recover this node now (K)"
                        }}>
                    { match (group, up) {
                        (Some(_), _) => "Crash an instance",
                        (None, true) => "Crash now",
                        (None, false) => "Recover now",
                    } }
                </button>
                <button type="button" class="tool" data-testid="partition" disabled={!props.runnable}
                        onclick={super::click_action(&props.on_action, || Action::PartitionSelected)}
                        title="Cut this node off from the rest of the network now (P)">{ "Partition off" }</button>
                <button type="button" class="tool danger" data-testid="delete" onclick={del}
                        title="Delete (Del)">{ "Delete" }</button>
            </div>
        </>
    }
}

/// A database's replication: which other databases it replicates with (a checkbox each; one in another
/// cluster is shown but cannot be ticked), its cluster's settings for the cluster's mode, and the CAP panel.
fn replication(props: &InspectorProps, i: usize, id: &str) -> Html {
    let doc = &props.doc;
    let cluster = edit::cluster_of(doc, id);
    let c = cluster.and_then(|c| doc.clusters.get(c));
    let v = c.and_then(|c| params::tree(c).ok()).unwrap_or(Value::Null);
    let mode = v.get("mode").and_then(Value::as_str).unwrap_or("async");
    let primary = c.filter(|_| mode != "quorum").and_then(|c| c.replicas.first());
    let hint = match (cluster, primary) {
        (None, _) => Some("Tick the databases this one replicates with: it becomes the primary."),
        (Some(_), Some(p)) if p == id => Some("This database is the primary."),
        _ => None,
    };
    html! {
        <section class="replication" data-testid="replication" aria-label="Replication">
            <h3>{ "Replication" }</h3>
            <div class="subset" role="group" aria-label="Replicates with" data-testid="replicates-with">
                { for doc.nodes.iter().enumerate().filter(|(j, n)| *j != i && n.spec.kind_name() == "database").map(|(j, n)| {
                    let theirs = edit::cluster_of(doc, &n.id);
                    let checked = theirs.is_some() && theirs == cluster;
                    let taken = theirs.is_some() && cluster.is_some() && theirs != cluster;
                    let onchange = props.on_action.reform(move |e: Event| Action::SetReplicates(i, j, self::checked(&e)));
                    let mut label = n.label.clone().unwrap_or_else(|| n.id.clone());
                    if primary == Some(&n.id) {
                        label.push_str(" (primary)");
                    }
                    html! {
                        <label class="check" title={taken.then_some("Replicates in another cluster")}>
                            <input type="checkbox" data-replica={n.id.clone()} {checked} disabled={taken} {onchange} />
                            { label }
                        </label>
                    }
                }) }
            </div>
            if let Some(hint) = hint {
                <p class="hint">{ hint }</p>
            }
            { for cluster.into_iter().flat_map(|k| params::CLUSTER.iter().filter(|p| params::cluster_param_applies(mode, p.key))
                .map(move |p| (k, p))).map(|(k, p)| control(p, &v, Target::Cluster(k), &props.on_action)) }
            <div class="row-buttons">
                if cluster.is_some() {
                    <button type="button" class="tool" data-testid="open-cap"
                            onclick={super::click_open(&props.on_open, Dialog::Cap)}
                            title="Availability against consistency for this replicated database">{ "CAP panel" }</button>
                }
            </div>
        </section>
    }
}

/// What the selected node did over the run so far: the per-node figures the metrics panel sums up.
fn node_run(n: &NodeView) -> Html {
    let r = &n.run;
    let count = super::metrics::thousands;
    let utilization = match n.workers {
        Some(_) => format!("{:.0}%", r.utilization * 100.0),
        None => format!("{:.1} in flight", r.utilization),
    };
    // One template for the six rows: each `html!` element is code in the bundle.
    let rows = [
        ("Arrived", "node-arrivals", count(r.arrivals)),
        ("Served", "node-served", count(r.served)),
        ("Turned away", "node-turned-away", count(r.turned_away)),
        ("Utilization (avg)", "node-utilization", utilization),
        ("Mean wait", "node-wait", format!("{:.2} ms", r.mean_wait_ms)),
        (
            "Queue mean / max",
            "node-queue",
            format!("{:.1} / {}", r.mean_queue, count(r.max_queue)),
        ),
    ];
    html! {
        <dl class="node-run" data-testid="node-run" aria-label="This node over the run so far">
            { for rows.into_iter().map(|(name, id, value)| html! {
                <div><dt>{ name }</dt><dd data-testid={id}>{ value }</dd></div>
            }) }
        </dl>
    }
}

fn edge_panel(props: &InspectorProps, k: usize) -> Html {
    let Some(edge) = props.doc.edges.get(k) else {
        return Html::default();
    };
    let v = params::tree(edge).unwrap_or(Value::Null);
    let del = super::click_action(&props.on_action, || Action::Delete);
    let name = |id: &str| {
        props
            .doc
            .nodes
            .iter()
            .find(|n| n.id == id)
            .and_then(|n| n.label.clone())
            .unwrap_or_else(|| id.to_owned())
    };
    html! {
        <>
            <h2>{ format!("Edge {} → {}", name(&edge.from), name(&edge.to)) }</h2>
            { for props.problems.iter().filter(|p| p.edge == Some(k)).map(|p| html! {
                <p class="problem" role="alert">{ format!("⚠ {}", p.message) }</p>
            }) }
            { for edit::shared_classes(&props.doc, k).into_iter().filter_map(|(other, classes)| {
                let to = props.doc.edges.get(other)?;
                let source = props.doc.nodes.iter().find(|n| n.id == edge.from)?;
                let rule = edit::shared_class_rule(&source.spec)?;
                let classes: Vec<&str> = classes.into_iter().map(params::class_label).collect();
                Some(html! {
                    <p class="hint shared" data-testid="shared-classes">
                        { format!("{} also take the edge to {}: {} {rule}.", capitalised(&classes.join(", ")),
                                  name(&to.to), name(&edge.from)) }
                    </p>
                })
            }) }
            { controls(params::EDGE, &v, Target::Edge(k), &props.on_action) }
            // What the caller does on this edge: timeouts, retries, a breaker, a bulkhead. Only a caller that
            // calls its dependencies as a service does takes one (or an edge that has one, to take it off).
            if edge.policy.is_some() || props.doc.nodes.iter().any(|n| n.id == edge.from && n.spec.calls_with_policy()) {
                { controls(kinds::calls::POLICY, &v, Target::Edge(k), &props.on_action) }
            }
            { link_buttons(props, &edge.from, &edge.to, &edge.latency) }
            <div class="row-buttons">
                <button type="button" class="tool danger" data-testid="delete" onclick={del}>{ "Delete edge" }</button>
            </div>
        </>
    }
}

/// `text` with its first letter upper-case. ASCII only (the text is core's request-class labels): Unicode
/// case mapping would bring its tables into the bundle.
fn capitalised(text: &str) -> String {
    let mut text = text.to_owned();
    if let Some(first) = text.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    text
}

/// The controls for a parameter list, hiding the members of groups that are switched off.
fn controls(list: &'static [Param], value: &Value, target: Target, on_action: &Callback<Action>) -> Html {
    html! {
        { for list.iter().filter(|p| visible(list, p, value)).map(|p| control(p, value, target, on_action)) }
    }
}

/// A parameter is shown unless it belongs to a group (`group.field`) that is absent, or it is a database
/// engine's setting that does not apply to the engine's profile (shown while set, so it can be cleared), or
/// a request mix's weight while operations replace the mix (shown while a mix is set, to remove it).
fn visible(list: &[Param], p: &Param, value: &Value) -> bool {
    let in_group = match p.key.rsplit_once('.') {
        Some((group, _))
            if list
                .iter()
                .any(|g| g.key == group && matches!(g.control, Control::Group(_))) =>
        {
            params::get(value, group).is_some()
        }
        _ => true,
    };
    let profile = params::get(value, "engine.profile").and_then(|v| codec::read::<Profile>(v).ok());
    let applies = match (p.key.strip_prefix("engine."), profile) {
        (Some(field), Some(profile)) => spec::applies(field, profile) || params::get(value, p.key).is_some(),
        _ => true,
    };
    let replaced = p.key.starts_with("workload.mix") && params::get(value, "workload.ops").is_some() && {
        // The mix left as it comes (reads only) is no mix: core takes operations with it.
        let mix = params::get(value, "workload.mix");
        mix.is_none() || mix == params::tree(&Mix::default()).ok().as_ref()
    };
    in_group && applies && !replaced
}

fn input_value(e: &Event) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .map(|i| i.value())
        .unwrap_or_default()
}

fn select_value(e: &Event) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

fn checked(e: &Event) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .is_some_and(|i| i.checked())
}

/// What a number field held when the user left it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Typed {
    /// Nothing: "none" for an optional parameter.
    Empty,
    /// Text that is not a finite number (`1e400`, letters).
    NotANumber,
    Number(f64),
}

/// The value a field may set, or why it refuses what was typed: a number field takes only what the model can
/// honour, and says so, rather than storing something else (an overflow as "none", an underflow as 0).
/// `range` is the parameter's `[min, max]` and whether it must be whole, where the descriptor gives one.
pub fn accept(typed: Typed, range: Option<(f64, f64, bool)>, optional: bool) -> Result<Option<f64>, String> {
    let bounds = |min: f64, max: f64| format!("from {} to {}", plain(min), plain(max));
    match (typed, range) {
        (Typed::Empty, _) if optional => Ok(None),
        (Typed::Empty, Some((min, max, _))) => Err(format!("This needs a value, {}.", bounds(min, max))),
        (Typed::Empty, None) => Err("This needs a value.".to_owned()),
        (Typed::NotANumber, Some((min, max, _))) => {
            Err(format!("Not a number this can use: type one {}.", bounds(min, max)))
        }
        (Typed::NotANumber, None) => Err("Not a number this can use: type digits, such as 250 or 1.5e3.".to_owned()),
        (Typed::Number(x), Some((min, max, whole))) if !(min..=max).contains(&x) || (whole && x.fract() != 0.0) => {
            let what = if whole { "a whole number" } else { "a number" };
            Err(format!(
                "{} is out of range: type {what} {}.",
                plain(x),
                bounds(min, max)
            ))
        }
        (Typed::Number(x), _) => Ok(Some(x)),
    }
}

/// A number as people write it: `1000000000` rather than `1e9`. (Rust's `Display` never uses exponent form;
/// the bundle keeps no `LowerExp` float formatting for the rare huge value.)
fn plain(x: f64) -> String {
    x.to_string()
}

/// What the user left in a number field.
fn typed(text: &str) -> Typed {
    if text.trim().is_empty() {
        return Typed::Empty;
    }
    crate::num::parse_f64(text).map_or(Typed::NotANumber, Typed::Number)
}

#[derive(Properties, PartialEq)]
struct NumberInputProps {
    #[prop_or_default]
    id: Option<String>,
    param: String,
    /// `[min, max]` and whether whole, where the descriptor gives a range.
    range: Option<(f64, f64, bool)>,
    /// The Up/Down step (1 where the descriptor gives none). A number, not text: parsing text with Rust's f64
    /// parser would put its tables back in the bundle (see `num.rs`).
    step: f64,
    value: String,
    optional: bool,
    on_value: Callback<Option<f64>>,
}

/// A number field that refuses what the model cannot honour, saying why under the field, and keeps the
/// refused text in view so the user can correct it. It is a text field (`inputmode="decimal"`), not
/// `type="number"`: the browser's number field reports text it cannot read (`1e400`) as an empty value, which
/// is how such text used to become "none". Up and Down step the value by the parameter's step.
#[component]
fn NumberInput(props: &NumberInputProps) -> Html {
    // The value the field showed, the refused text and why it was refused. A refusal holds while the document
    // keeps that value: an undo or another edit under the field ends it.
    let state = use_state(|| None::<(String, String, String)>);
    let refused = state
        .as_ref()
        .filter(|(shown, ..)| *shown == props.value)
        .map(|(_, text, why)| (text.clone(), why.clone()));
    let commit = {
        let (state, shown, range, optional, on_value) = (
            state.clone(),
            props.value.clone(),
            props.range,
            props.optional,
            props.on_value.clone(),
        );
        Callback::from(move |text: String| match accept(typed(&text), range, optional) {
            Ok(v) => {
                state.set(None);
                on_value.emit(v);
            }
            Err(why) => state.set(Some((shown.clone(), text, why))),
        })
    };
    let onchange = commit.reform(|e: Event| input_value(&e));
    let onkeydown = {
        let (commit, range) = (commit.clone(), props.range);
        let step = Some(props.step).filter(|s| *s > 0.0).unwrap_or(1.0);
        Callback::from(move |e: KeyboardEvent| {
            let sign = match e.key().as_str() {
                "ArrowUp" => 1.0,
                "ArrowDown" => -1.0,
                _ => return,
            };
            let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else {
                return;
            };
            let Typed::Number(now) = typed(&input.value()) else {
                return;
            };
            e.prevent_default();
            let next = range.map_or(now + sign * step, |(min, max, _)| (now + sign * step).clamp(min, max));
            commit.emit(plain(next));
        })
    };
    let error_id = format!("{}-error", props.param.replace('.', "-"));
    let value = refused
        .as_ref()
        .map_or_else(|| props.value.clone(), |(text, _)| text.clone());
    html! {
        <>
            <input id={props.id.clone()} type="text" inputmode="decimal" autocomplete="off" spellcheck="false"
                   data-param={props.param.clone()} {value}
                   placeholder={if props.optional { "none" } else { "" }}
                   aria-invalid={refused.is_some().then_some("true")}
                   aria-describedby={refused.is_some().then(|| error_id.clone())} {onchange} {onkeydown} />
            if let Some((_, why)) = refused {
                <span id={error_id} class="field-error" role="alert" data-testid="field-error">{ why }</span>
            }
        </>
    }
}

/// A subset of fixed options, one checkbox each (an edge's request classes). With `absent_means_all`, every
/// box on writes nothing (the format's "all"), and the last box on cannot go off: it is disabled and says why.
/// A plain function, not a component: it holds no state.
fn subset_input(
    p: &'static Param,
    id: String,
    param: String,
    options: &'static [(&'static str, &'static str)],
    absent_means_all: bool,
    value: Option<&Value>,
    on_value: Callback<Option<Value>>,
) -> Html {
    let on = |option: &str| match value {
        Some(Value::Array(list)) => list.iter().any(|v| v.as_str() == Some(option)),
        _ => absent_means_all,
    };
    let now: Vec<&'static str> = options.iter().map(|(v, _)| *v).filter(|v| on(v)).collect();
    let last_on = absent_means_all && now.len() == 1;
    html! {
        <div {id} class="subset" role="group" aria-label={p.label} data-param={param}>
            { for options.iter().map(|&(option, label)| {
                let checked = now.contains(&option);
                let onchange = {
                    let (now, on_value) = (now.clone(), on_value.clone());
                    Callback::from(move |e: Event| {
                        let turn_on = self::checked(&e);
                        let next: Vec<&str> = options
                            .iter()
                            .map(|(v, _)| *v)
                            .filter(|v| if *v == option { turn_on } else { now.contains(v) })
                            .collect();
                        on_value.emit(match next.len() {
                            n if absent_means_all && n == options.len() => None,
                            0 => None,
                            _ => Some(Value::from(next)),
                        });
                    })
                };
                let locked = last_on && checked;
                html! {
                    <label class="check" title={locked.then_some("At least one must stay on: to carry nothing, delete the edge.")}>
                        <input type="checkbox" data-option={option} {checked} disabled={locked} {onchange} />
                        { label }
                    </label>
                }
            }) }
        </div>
    }
}

fn show_number(v: Option<&Value>) -> String {
    v.and_then(Value::as_f64).map(|x| x.to_string()).unwrap_or_default()
}

fn control(p: &'static Param, value: &Value, target: Target, on_action: &Callback<Action>) -> Html {
    let key = p.key;
    let current = params::get(value, key);
    let id = format!("param-{}", key.replace('.', "-"));
    let on_value = on_action.reform(move |v: Option<Value>| target.action(key, v));
    let help = html! { <span class="field-help">{ p.help }</span> };
    if let Control::Group(default) = p.control {
        let onchange =
            on_value.reform(move |e: Event| checked(&e).then(|| serde_json::from_str(default).ok()).flatten());
        return html! {
            <label class="field group">
                <span class="name">
                    <input id={id} type="checkbox" data-param={key} checked={current.is_some()} {onchange} />
                    { p.label }
                </span>
                { help }
            </label>
        };
    }
    html! {
        <div class="field">
            <label for={id.clone()} class="name">{ p.label }{ unit(p) }</label>
            { input(p, current, id, key.to_owned(), target.control_key(key), on_value) }
            { help }
        </div>
    }
}

fn unit(p: &Param) -> Option<Html> {
    (!p.unit.is_empty()).then(|| html! { <span class="unit">{ p.unit }</span> })
}

/// The control for parameter `p` holding `current`: its element's `id`, its `data-param` (the parameter's
/// path), the Yew key of a stateful field, and where the new value goes (`None`: remove the key).
fn input(
    p: &'static Param,
    current: Option<&Value>,
    id: String,
    param: String,
    yew_key: String,
    on_value: Callback<Option<Value>>,
) -> Html {
    match p.control {
        Control::Int { min, max } | Control::Number { min, max, .. } => {
            let step = match p.control {
                Control::Number { step, .. } => step,
                _ => 1.0,
            };
            let whole = matches!(p.control, Control::Int { .. });
            let on_value = on_value.reform(|v: Option<f64>| v.map(params::number));
            html! {
                <NumberInput key={yew_key} id={id} {param} range={Some((min, max, whole))}
                             {step} value={show_number(current)} optional={p.optional} {on_value} />
            }
        }
        Control::Choice(options) => {
            let onchange = on_value.reform(move |e: Event| {
                let v = select_value(&e);
                (!v.is_empty()).then(|| Value::from(v))
            });
            let now = current.and_then(Value::as_str).unwrap_or("");
            // An option labelled "Name: what it trades off" (an engine's kind) has its line shown whole under
            // the select, which a narrow panel cuts short.
            let line = options
                .iter()
                .find(|(v, label)| *v == now && label.contains(": "))
                .map(|(_, label)| *label);
            html! {
                <>
                <select {id} data-param={param} {onchange}>
                    if p.optional || now.is_empty() {
                        <option value="" selected={now.is_empty()}>{ "none" }</option>
                    }
                    { for options.iter().map(|(v, label)| html! {
                        <option value={*v} selected={*v == now}>{ *label }</option>
                    }) }
                </select>
                if let Some(line) = line {
                    <span class="choice-line" data-testid="choice-line">{ line }</span>
                }
                </>
            }
        }
        Control::Group(default) => {
            let onchange =
                on_value.reform(move |e: Event| checked(&e).then(|| serde_json::from_str(default).ok()).flatten());
            html! { <input {id} type="checkbox" data-param={param} checked={current.is_some()} {onchange} /> }
        }
        Control::Bool(default) => {
            let onchange = on_value.reform(move |e: Event| Some(Value::Bool(checked(&e))));
            html! {
                <input {id} type="checkbox" data-param={param}
                       checked={current.and_then(Value::as_bool).unwrap_or(default)} {onchange} />
            }
        }
        Control::Subset {
            options,
            absent_means_all,
        } => subset_input(p, id, param, options, absent_means_all, current, on_value),
        Control::List { fields, default, shows } => {
            list_input(p, id, param, (fields, shows), default, current, &yew_key, on_value)
        }
        Control::FileOnly => {
            html! { <span class="field-help">{ "Edit this one in the scenario file." }</span> }
        }
        Control::Tagged(variants) => {
            let ty = current
                .and_then(|v| v.get("type"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let onchange = on_value.reform(move |e: Event| {
                let name = select_value(&e);
                variants.iter().find(|v| v.name == name).map(params::variant_default)
            });
            let fields = variants.iter().find(|v| v.name == ty).map(|v| v.fields).unwrap_or(&[]);
            let obj = current.cloned().unwrap_or(Value::Null);
            html! {
                <div class="tagged">
                    <select {id} data-param={param.clone()} {onchange}>
                        if p.optional || ty.is_empty() {
                            <option value="" selected={ty.is_empty()}>{ "none" }</option>
                        }
                        { for variants.iter().map(|v| html! {
                            <option value={v.name} selected={v.name == ty}>{ v.label }</option>
                        }) }
                    </select>
                    { for fields.iter().map(|&(f, _)| {
                        let shown = show_number(obj.get(f));
                        let obj = obj.clone();
                        let on_value = on_value.reform(move |x: Option<f64>| {
                            let mut o = obj.clone();
                            if let (Some(m), Some(x)) = (o.as_object_mut(), x) {
                                m.insert(f.to_owned(), params::number(x));
                            }
                            Some(o)
                        });
                        html! {
                            <label class="sub">
                                <span>{ f.replace('_', " ") }</span>
                                <NumberInput key={format!("{yew_key}.{f}")} param={format!("{param}.{f}")}
                                             range={None::<(f64, f64, bool)>} step={1.0} value={shown}
                                             optional={false} {on_value} />
                            </label>
                        }
                    }) }
                </div>
            }
        }
    }
}

/// Whether a list row shows a field (`Control::List`'s `shows`).
type RowShows = fn(&Value, &str) -> bool;

/// A list of objects, one row each (a workload's operations): each row's `fields` with the controls a
/// parameter has, their keys relative to the row, a "Remove" per row and an "Add" that appends `default`.
/// Every edit emits the whole new list; removing the last row removes the key. Rows are named after their
/// first field ("Operation 1"), and show only the fields `shows` allows for that row.
#[allow(clippy::too_many_arguments)]
fn list_input(
    p: &'static Param,
    id: String,
    param: String,
    (fields, shows): (&'static [Param], RowShows),
    default: &'static str,
    current: Option<&Value>,
    yew_key: &str,
    on_value: Callback<Option<Value>>,
) -> Html {
    let rows: Rc<Vec<Value>> = Rc::new(current.and_then(Value::as_array).cloned().unwrap_or_default());
    let noun = fields.first().map_or("Entry", |f| f.label);
    // Each edit emits the whole new list: `None` once it is empty.
    let emit = {
        let on_value = on_value.clone();
        move |next: Vec<Value>| on_value.emit((!next.is_empty()).then_some(Value::Array(next)))
    };
    let add = {
        let (rows, emit) = (rows.clone(), emit.clone());
        Callback::from(move |_: MouseEvent| {
            let mut next = (*rows).clone();
            next.extend(serde_json::from_str::<Value>(default).ok());
            emit(next);
        })
    };
    html! {
        <div id={id.clone()} class="list" role="group" aria-label={p.label} data-param={param.clone()}>
            { for rows.iter().enumerate().map(|(r, row)| {
                let name = format!("{noun} {}", r + 1);
                let remove = {
                    let (rows, emit) = (rows.clone(), emit.clone());
                    Callback::from(move |_: MouseEvent| {
                        let mut next = (*rows).clone();
                        next.remove(r);
                        emit(next);
                    })
                };
                html! {
                    <fieldset class="list-row" data-row={r.to_string()}>
                        <legend>{ name.clone() }</legend>
                        { for fields.iter().filter(|f| shows(row, f.key)).map(|f| {
                            let key = f.key;
                            let (rows, emit) = (rows.clone(), emit.clone());
                            let on_field = Callback::from(move |v: Option<Value>| {
                                let mut next = (*rows).clone();
                                if let Some(m) = next.get_mut(r).and_then(Value::as_object_mut) {
                                    match v {
                                        Some(x) => m.insert(key.to_owned(), x),
                                        None => m.remove(key),
                                    };
                                }
                                emit(next);
                            });
                            let fid = format!("{id}-{r}-{key}");
                            html! {
                                <div class="sub" title={f.help}>
                                    <label for={fid.clone()}>{ f.label }{ unit(f) }</label>
                                    { input(f, row.get(key), fid, format!("{param}.{r}.{key}"),
                                            format!("{yew_key}.{r}.{key}"), on_field) }
                                </div>
                            }
                        }) }
                        <button type="button" class="tool" data-testid="list-remove" onclick={remove}
                                aria-label={format!("Remove {name}")}>{ "Remove" }</button>
                    </fieldset>
                }
            }) }
            <button type="button" class="tool" data-testid="list-add" onclick={add}>
                { format!("Add {}", noun.to_ascii_lowercase()) }
            </button>
        </div>
    }
}

/// A client's request rate now, from its own workload or the scenario's (for spike / restore buttons).
fn base_rate(doc: &Scenario, i: usize) -> Option<f64> {
    let n = doc.nodes.get(i)?;
    let spec = params::tree(&n.spec).ok()?;
    if spec.get("kind")?.as_str()? != "client" {
        return None;
    }
    let arrival = match params::get(&spec, "workload.arrival") {
        Some(a) => a.clone(),
        None => params::tree(&doc.workload.arrival).ok()?,
    };
    ["rate_rps", "base_rps", "from_rps"]
        .iter()
        .find_map(|k| arrival.get(*k).and_then(Value::as_f64))
}

fn spike_buttons(props: &InspectorProps, id: &str, rate: f64) -> Html {
    let at_ms = props.now_ms;
    let fault = |rate_rps: f64| {
        let node = id.to_owned();
        props.on_action.reform(move |_: MouseEvent| {
            Action::Inject(Fault::SetRate {
                at_ms,
                node: node.clone(),
                rate_rps,
            })
        })
    };
    html! {
        <div class="row-buttons" aria-label="Traffic">
            <button type="button" class="tool" data-testid="spike" onclick={fault(rate * 5.0)} disabled={!props.runnable}
                    title="Multiply this client's rate by five, now (a timeline entry)">{ "Spike ×5 now" }</button>
            <button type="button" class="tool" onclick={fault(rate)} disabled={!props.runnable}
                    title="Back to the configured rate, now">{ format!("Rate back to {rate} rps") }</button>
        </div>
    }
}

/// An autoscaling group's size, changed now: − and + set the size it aims for one lower or higher (within
/// its bounds), a `scale` fault of the timeline. Its policy may change it again later, as it would after a
/// scheduled action.
fn scale_buttons(props: &InspectorProps, id: &str, g: GroupNow) -> Html {
    let at_ms = props.now_ms;
    let to = |desired: u32| {
        let node = id.to_owned();
        props.on_action.reform(move |_: MouseEvent| {
            Action::Inject(Fault::Scale {
                at_ms,
                node: node.clone(),
                desired,
            })
        })
    };
    let (down, up) = (g.desired.saturating_sub(1), g.desired + 1);
    html! {
        <div class="row-buttons scale" role="group" aria-label="Scale to" data-testid="scale">
            <span class="name">{ "Scale to" }</span>
            <button type="button" class="tool" data-testid="scale-in" onclick={to(down)}
                    disabled={!props.runnable || g.desired <= g.min} aria-label={format!("Scale in to {down}")}
                    title="Aim for one instance fewer, now (not below the minimum)">{ "−" }</button>
            <output data-testid="scale-desired" data-desired={g.desired.to_string()}>
                { format!("{} of {}–{}", g.desired, g.min, g.max) }
            </output>
            <button type="button" class="tool" data-testid="scale-out" onclick={to(up)}
                    disabled={!props.runnable || g.desired >= g.max} aria-label={format!("Scale out to {up}")}
                    title="Aim for one instance more, now (not above the maximum)">{ "+" }</button>
        </div>
    }
}

/// The instance size a service outside a group runs at now, if it has one: its spec's, or the last resize
/// of the timeline before `now_ms`.
fn billed_size(doc: &Scenario, i: usize, now_ms: f64) -> Option<InstanceSize> {
    let n = doc.nodes.get(i)?;
    let NodeSpec::Service(s) = &n.spec else { return None };
    if s.group.is_some() {
        return None;
    }
    // The latest by time (the timeline need not be in order; of two at once, the later entry).
    let mut latest: Option<(f64, InstanceSize)> = None;
    for f in &doc.faults {
        if let Fault::Resize { at_ms, node, size, .. } = f {
            if *node == n.id && *at_ms <= now_ms && latest.is_none_or(|(t, _)| *at_ms >= t) {
                latest = Some((*at_ms, *size));
            }
        }
    }
    latest.map(|(_, size)| size).or(s.instance_size)
}

/// Vertical scaling now: pick another instance size and restart the service as it (down for the default
/// restart), a `resize` fault of the timeline. The choice is committed by the button, so moving through the
/// list with the keyboard restarts nothing.
fn resize_control(props: &InspectorProps, id: &str, now: InstanceSize) -> Html {
    let sizes = kinds::of(NodeKind::Service)
        .params
        .iter()
        .find_map(|p| match p.control {
            Control::Choice(options) if p.key == "instance_size" => Some(options),
            _ => None,
        })
        .unwrap_or(&[]);
    let select = NodeRef::default();
    let on_resize = {
        let (select, node, at_ms) = (select.clone(), id.to_owned(), props.now_ms);
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| {
            let picked = select
                .cast::<HtmlSelectElement>()
                .map(|s| s.value())
                .unwrap_or_default();
            if let Some(size) = size_named(&picked) {
                on_action.emit(Action::Inject(Fault::Resize {
                    at_ms,
                    node: node.clone(),
                    size,
                    restart_ms: None,
                }));
            }
        })
    };
    html! {
        <div class="field connect" data-testid="resize">
            <label for="resize-to" class="name">{ "Resize to" }</label>
            <select id="resize-to" data-testid="resize-to" ref={select} disabled={!props.runnable}>
                { for sizes.iter().filter(|(v, _)| size_named(v) != Some(now)).map(|(v, label)| html! {
                    <option value={*v}>{ *label }</option>
                }) }
            </select>
            <button type="button" class="tool" data-testid="resize-now" onclick={on_resize} disabled={!props.runnable}
                    title="Restart this service as an instance of that size now: what it holds fails, it is down for a minute, then serves with workers scaled by vCPUs">
                { "Resize now" }
            </button>
        </div>
    }
}

/// The instance size the format names `name`.
fn size_named(name: &str) -> Option<InstanceSize> {
    codec::read(&Value::from(name)).ok()
}

fn link_buttons(props: &InspectorProps, from: &str, to: &str, latency: &Dist) -> Html {
    let at_ms = props.now_ms;
    let (from, to) = (from.to_owned(), to.to_owned());
    let slow = {
        let (from, to) = (from.clone(), to.clone());
        props.on_action.reform(move |_: MouseEvent| {
            Action::Inject(Fault::SetLatency {
                at_ms,
                from: from.clone(),
                to: to.clone(),
                latency: Dist::Constant { ms: 200.0 },
            })
        })
    };
    let lossy = {
        let (from, to) = (from.clone(), to.clone());
        props.on_action.reform(move |_: MouseEvent| {
            Action::Inject(Fault::SetLoss {
                at_ms,
                from: from.clone(),
                to: to.clone(),
                loss: 0.2,
            })
        })
    };
    let heal = {
        let latency = latency.clone();
        props.on_action.reform(move |_: MouseEvent| {
            Action::Inject(Fault::SetLatency {
                at_ms,
                from: from.clone(),
                to: to.clone(),
                latency: latency.clone(),
            })
        })
    };
    html! {
        <div class="row-buttons" aria-label="Break this link">
            <button type="button" class="tool" data-testid="link-slow" onclick={slow} disabled={!props.runnable}
                    title="Make this link take 200 ms each way, from now (a timeline entry)">{ "Slow now" }</button>
            <button type="button" class="tool" data-testid="link-lossy" onclick={lossy} disabled={!props.runnable}
                    title="Drop 20% of messages on this link, from now">{ "Lossy now" }</button>
            <button type="button" class="tool" onclick={heal} disabled={!props.runnable}
                    title="Restore the configured latency, now">{ "Restore latency" }</button>
        </div>
    }
}

/// The fault timeline of the document: every scheduled or injected fault, removable.
fn timeline(props: &InspectorProps) -> Html {
    let faults = &props.doc.faults;
    html! {
        <section class="timeline" data-testid="fault-timeline" aria-label="Fault timeline">
            <h3>{ format!("Fault timeline ({})", faults.len()) }</h3>
            if faults.is_empty() {
                <p class="hint">{ "Faults you inject while running (crash, slow link, spike) are recorded here and saved with the scenario." }</p>
            } else {
                <ol>
                    { for faults.iter().enumerate().map(|(i, f)| {
                        let remove = super::click_index(&props.on_action, i, Action::RemoveFault);
                        html! {
                            <li>
                                <span>{ describe(f) }</span>
                                <button type="button" class="tool" onclick={remove}
                                        aria-label={format!("Remove: {}", describe(f))}>{ "×" }</button>
                            </li>
                        }
                    }) }
                </ol>
            }
        </section>
    }
}

/// One fault in words.
fn describe(f: &Fault) -> String {
    let t = format!("{:.1} s", f.at_ms() / 1000.0);
    match f {
        Fault::Crash { node, .. } => format!("{t}: crash {node}"),
        Fault::Recover { node, .. } => format!("{t}: recover {node}"),
        Fault::SetRate { node, rate_rps, .. } => format!("{t}: {node} sends {rate_rps} rps"),
        Fault::SetLatency { from, to, .. } => format!("{t}: latency of {from} → {to} changes"),
        Fault::SetLoss { from, to, loss, .. } => format!("{t}: {from} → {to} loses {:.0}%", loss * 100.0),
        Fault::AddShard { router, shard, .. } => format!("{t}: {router} adds shard {shard}"),
        Fault::RemoveShard { router, shard, .. } => format!("{t}: {router} removes shard {shard}"),
        Fault::Partition { groups, .. } => {
            let sides: Vec<String> = groups.iter().map(|g| format!("[{}]", g.join(", "))).collect();
            format!("{t}: network partition {}", sides.join(" | "))
        }
        Fault::Heal { .. } => format!("{t}: partition heals"),
        Fault::Scale { node, desired, .. } => format!("{t}: {node} scales to {desired} instances"),
        Fault::Resize { node, size, .. } => format!("{t}: {node} restarts as {}", size.vcpus_label()),
    }
}

#[cfg(test)]
mod tests {
    use super::{accept, Typed};

    #[test]
    fn a_number_field_takes_only_what_the_model_can_honour() {
        let workers = Some((1.0, 1e9, true));
        let ms = Some((0.0, 1e6, false));
        let refused = |typed, range, optional| accept(typed, range, optional).unwrap_err();
        // What the model can honour goes through as typed.
        assert_eq!(accept(Typed::Number(4.0), workers, false), Ok(Some(4.0)));
        assert_eq!(accept(Typed::Number(0.25), ms, false), Ok(Some(0.25)));
        assert_eq!(accept(Typed::Number(1e9), workers, false), Ok(Some(1e9)));
        // Empty is "none" only where the parameter may be absent.
        assert_eq!(accept(Typed::Empty, ms, true), Ok(None));
        assert_eq!(
            refused(Typed::Empty, workers, false),
            "This needs a value, from 1 to 1000000000."
        );
        // `1e400` (infinite) is refused, not stored as "none".
        assert_eq!(
            refused(Typed::NotANumber, ms, true),
            "Not a number this can use: type one from 0 to 1000000."
        );
        assert_eq!(
            refused(Typed::NotANumber, None, false),
            "Not a number this can use: type digits, such as 250 or 1.5e3."
        );
        // `1e-400` reads as 0: below the range, refused rather than stored as 0 workers.
        assert_eq!(
            refused(Typed::Number(0.0), workers, false),
            "0 is out of range: type a whole number from 1 to 1000000000."
        );
        assert_eq!(
            refused(Typed::Number(2.5), workers, false),
            "2.5 is out of range: type a whole number from 1 to 1000000000."
        );
        assert_eq!(
            refused(Typed::Number(1e20), ms, false),
            "100000000000000000000 is out of range: type a number from 0 to 1000000."
        );
        assert_eq!(
            refused(Typed::Number(-1.0), ms, true),
            "-1 is out of range: type a number from 0 to 1000000."
        );
        // Without a range (a distribution's own fields), any finite number goes through to core's validation.
        assert_eq!(accept(Typed::Number(-3.0), None, false), Ok(Some(-3.0)));
    }
}
