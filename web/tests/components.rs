//! Component tests: real Yew components mounted one at a time into a fresh `<div>` in headless Chromium, fed
//! props taken from a real [`Driver`] (presets opened, run for virtual time, nodes crashed), then checked
//! against the numbers and descriptors core computes. Callbacks record the [`Action`]s a click or a change
//! emits, and the tests feed those back into the driver to check core accepts them. Run by `cargo xtask test`
//! through wasm-bindgen-test-runner; natively this file compiles to nothing.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use serde_json::Value;
use switchyard_core::challenge;
use switchyard_core::dbengine::{spec, Profile};
use switchyard_core::engine::{GroupNow, Sim};
use switchyard_core::node as kinds;
use switchyard_core::presets;
use switchyard_core::ring::{Algo, Config, Server, ServerId, Snapshot as RingSnapshot};
use switchyard_core::scenario;
use switchyard_core::scenario::params::{self, Control, Param};
use switchyard_core::scenario::v1::{codec, Fault, InstanceSize};
use switchyard_core::time::SimTime;
use switchyard_core::topology::NodeKind;
use switchyard_web::action::Action;
use switchyard_web::app::{shortcut, Shortcut};
use switchyard_web::components::icons::kind_label;
use switchyard_web::components::{dollars, thousands};
use switchyard_web::components::{
    file_stem, Banner, BannerProps, Canvas, CanvasProps, CapPanel, CapPanelProps, EventLog, EventLogProps, Inspector,
    InspectorProps, Metrics, MetricsProps, Palette, PaletteProps, Presets, PresetsProps, RingView, RingViewProps,
    ShardMap, ShardMapProps, Shortcuts, ShortcutsProps,
};
use switchyard_web::components::{
    ChallengeGallery, ChallengeGalleryProps, ChallengePanel, ChallengePanelProps, ResultCard, ResultCardProps, Review,
    ReviewProps,
};
use switchyard_web::components::{TourPanel, TourPanelProps};
use switchyard_web::driver::{Driver, Selection, Snapshot};
use switchyard_web::render::layout::fit_label;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement, KeyboardEvent, KeyboardEventInit};
use yew::{AppHandle, BaseComponent, Callback, NodeRef, Renderer};

wasm_bindgen_test_configure!(run_in_browser);

// ---- harness ------------------------------------------------------------------------------------------------

/// Lets Yew's scheduler (and effects) run: a few `setTimeout(0)` turns of the event loop.
async fn settle() {
    for _ in 0..4 {
        let p = js_sys::Promise::new(&mut |resolve, _| {
            web_sys::window()
                .expect("a window")
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
                .expect("setTimeout");
        });
        JsFuture::from(p).await.expect("the timeout resolves");
    }
}

/// A component mounted in its own `<div>` on `<body>`; unmounted and removed on drop.
struct Mounted<C: BaseComponent> {
    root: Element,
    handle: Option<AppHandle<C>>,
}

impl<C: BaseComponent> Drop for Mounted<C> {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            h.destroy();
        }
        self.root.remove();
    }
}

impl<C: BaseComponent> Mounted<C> {
    fn all(&self, selector: &str) -> Vec<Element> {
        all(&self.root, selector)
    }

    fn one(&self, selector: &str) -> Element {
        one(&self.root, selector)
    }

    fn find(&self, selector: &str) -> Option<Element> {
        self.root.query_selector(selector).expect("a valid selector")
    }
}

async fn mount<C: BaseComponent>(props: C::Properties) -> Mounted<C> {
    let doc = web_sys::window().and_then(|w| w.document()).expect("a document");
    let root = doc.create_element("div").expect("a div");
    doc.body().expect("a body").append_child(&root).expect("appended");
    let handle = Renderer::<C>::with_root_and_props(root.clone(), props).render();
    settle().await;
    Mounted {
        root,
        handle: Some(handle),
    }
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).expect("a valid selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.dyn_into::<Element>().expect("an element"))
        .collect()
}

fn one(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .expect("a valid selector")
        .unwrap_or_else(|| panic!("nothing matches `{selector}`"))
}

fn text(el: &Element) -> String {
    el.text_content().unwrap_or_default()
}

fn attr(el: &Element, name: &str) -> String {
    el.get_attribute(name)
        .unwrap_or_else(|| panic!("<{}> has no {name}", el.tag_name()))
}

/// A callback that records what it is given.
fn recorder<T: 'static>() -> (Callback<T>, Rc<RefCell<Vec<T>>>) {
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    (Callback::from(move |x| l.borrow_mut().push(x)), log)
}

/// Fires a bubbling `change` event, as the browser does when a field is committed.
fn fire_change(el: &Element) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let e = web_sys::Event::new_with_event_init_dict("change", &init).expect("an event");
    el.dispatch_event(&e).expect("dispatched");
}

fn click(el: &Element) {
    el.dyn_ref::<HtmlElement>().expect("an HTML element").click();
}

fn preset(id: &str) -> usize {
    presets::ALL
        .iter()
        .position(|(name, _)| *name == id)
        .unwrap_or_else(|| panic!("no preset {id}"))
}

/// A driver on preset `id`, paused at zero, no animation.
fn driver_on(id: &str) -> Driver {
    let mut d = Driver::new(true);
    let index = preset(id);
    d.load(index, presets::ALL[index].1);
    assert!(d.snapshot().runnable, "{id} runs");
    d
}

/// Runs the driver `ms` of virtual time further, in 100 ms steps (each bounded like a frame).
fn run(d: &mut Driver, ms: f64) {
    for _ in 0..(ms / 100.0).round() as u64 {
        d.step_ms(100.0);
    }
}

fn canvas_props(v: &Snapshot, on_action: Callback<Action>) -> CanvasProps {
    CanvasProps {
        nodes: v.nodes.clone(),
        edges: v.edges.clone(),
        breakers: v.breakers.clone(),
        layout: v.layout.clone(),
        dots: NodeRef::default(),
        sample_every: v.sample_every,
        reduced_motion: v.reduced_motion,
        selection: v.selection.clone(),
        problems: v.problems.clone(),
        error: v.error.clone(),
        can_undo: v.can_undo,
        can_redo: v.can_redo,
        on_action,
        on_help: Callback::noop(),
        focus: v.tour.as_ref().map(|t| t.focus.clone()).unwrap_or_default(),
    }
}

fn metrics_props(v: &Snapshot) -> MetricsProps {
    MetricsProps {
        completed: v.completed,
        failed: v.failed,
        throughput_rps: v.throughput_rps,
        p50_ms: v.p50_ms,
        p99_ms: v.p99_ms,
        mean_ms: v.mean_ms,
        in_flight: v.in_flight,
        issued: v.issued,
        goodput: v.goodput,
        finished: v.finished,
        nodes: v.nodes.clone(),
        by_class: v.by_class.clone(),
        by_client: v.by_client.clone(),
        series: v.series.clone(),
        hit_ratio: v.hit_ratio,
        stale_reads: v.stale_reads,
        lost_writes: v.lost_writes,
        queued: v.queued,
        realtime: v.realtime.clone(),
        cost_usd: v.cost_usd,
        cost_per_hour: v.cost_per_hour,
        sessions: v.sessions.clone(),
        by_op: v.by_op.clone(),
        engines: v.engines.clone(),
        failed_by_reason: v.failed_by_reason.clone(),
        highlight: v.tour.as_ref().and_then(|t| t.highlight),
    }
}

fn inspector_props(v: &Snapshot, on_action: Callback<Action>) -> InspectorProps {
    InspectorProps {
        doc: v.doc.clone(),
        selection: v.selection.clone(),
        problems: v.problems.clone(),
        nodes: v.nodes.clone(),
        runnable: v.runnable,
        now_ms: v.now_ms,
        on_action,
        on_open: Callback::noop(),
    }
}

// ---- canvas -------------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn canvas_draws_every_node_of_every_preset_as_a_named_focusable_element() {
    let mut d = Driver::new(true);
    for (index, &(id, json)) in presets::ALL.iter().enumerate() {
        d.load(index, json);
        let v = d.snapshot();
        let doc = d.doc().clone();
        assert!(!doc.nodes.is_empty(), "{id} has nodes");
        let m = mount::<Canvas>(canvas_props(&v, Callback::noop())).await;
        let drawn = m.all("g.node");
        assert_eq!(drawn.len(), doc.nodes.len(), "{id}: one <g class=node> per node");
        for (g, n) in drawn.iter().zip(&doc.nodes) {
            assert_eq!(attr(g, "data-node"), n.id, "{id}: nodes drawn in document order");
            assert_eq!(attr(g, "tabindex"), "0", "{id}/{}: focusable", n.id);
            assert_eq!(attr(g, "role"), "button", "{id}/{}", n.id);
            let label = n.label.clone().unwrap_or_else(|| n.id.clone());
            let kind = kind_label(n.spec.kind());
            let aria = attr(g, "aria-label");
            assert!(
                aria.starts_with(&format!("{label} ({kind}), up")),
                "{id}/{}: aria-label {aria:?} names the node, its kind and its state",
                n.id
            );
            // The label as drawn: whole, or cut with "…" when it is too long for the box; the tooltip has it all.
            let shown = text(&one(g, "text.node-label"));
            assert_eq!(shown, fit_label(&label).0, "{id}/{}: visible label", n.id);
            assert!(
                shown == label || label.starts_with(shown.trim_end_matches('…')),
                "{id}/{}: {shown:?} is the start of {label:?}",
                n.id
            );
            assert!(text(&one(g, "title")).starts_with(&label), "{id}/{}: tooltip", n.id);
            // Measured by the browser: the label ends before the output port, so it never runs into the next node.
            let label_box = one(g, "text.node-label")
                .unchecked_into::<web_sys::SvgGraphicsElement>()
                .get_b_box()
                .unwrap();
            let port_left = attr(&one(g, "circle.port"), "cx").parse::<f64>().unwrap() - 7.0;
            assert!(
                f64::from(label_box.x() + label_box.width()) <= port_left,
                "{id}/{}: {label:?} ends at {} past the port at {port_left}",
                n.id,
                label_box.x() + label_box.width()
            );
        }
        assert_eq!(
            m.all("g.edge").len(),
            doc.edges.len(),
            "{id}: one <g class=edge> per edge"
        );
        for g in m.all("g.edge") {
            assert_eq!(attr(&g, "tabindex"), "0", "{id}: edges are focusable too");
        }
    }
}

#[wasm_bindgen_test]
async fn canvas_draws_a_crashed_node_as_down_and_the_rest_as_up() {
    let mut d = driver_on("03-load-balancer");
    run(&mut d, 500.0);
    let doc = d.doc().clone();
    let victim = doc
        .nodes
        .iter()
        .position(|n| n.spec.kind() == NodeKind::Service)
        .expect("a service behind the balancer");
    d.toggle_node(victim);
    run(&mut d, 200.0);
    let v = d.snapshot();
    assert!(!v.nodes[victim].up, "the driver reports the crashed node down");
    let m = mount::<Canvas>(canvas_props(&v, Callback::noop())).await;
    for (i, g) in m.all("g.node").iter().enumerate() {
        let class = attr(g, "class");
        let aria = attr(g, "aria-label");
        let sub = text(&one(g, "text.node-kind"));
        if i == victim {
            assert!(class.split(' ').any(|c| c == "down"), "crashed node's class {class:?}");
            assert_eq!(attr(g, "data-up"), "false");
            assert!(aria.contains(", down"), "crashed node's aria-label {aria:?}");
            assert!(sub.ends_with("· down"), "crashed node's caption {sub:?}");
        } else {
            assert!(
                !class.split(' ').any(|c| c == "down"),
                "node {i} is up: class {class:?}"
            );
            assert_eq!(attr(g, "data-up"), "true", "node {i}");
            assert!(aria.contains(", up"), "node {i}: {aria:?}");
        }
    }
    // The metrics panel agrees: the crashed node's utilization meter says "down".
    let m = mount::<Metrics>(metrics_props(&v)).await;
    let meter = one(
        &m.one(&format!("li[data-util='{}']", doc.nodes[victim].id)),
        "[role=meter]",
    );
    assert_eq!(attr(&meter, "aria-valuetext"), "down");
}

#[wasm_bindgen_test]
async fn enter_on_a_canvas_node_selects_it() {
    let d = driver_on("02-web-db-split");
    let v = d.snapshot();
    let (on_action, log) = recorder();
    let m = mount::<Canvas>(canvas_props(&v, on_action)).await;
    let nodes = m.all("g.node");
    let target = nodes.len() - 1;
    let init = KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    let e = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("an event");
    nodes[target].dispatch_event(&e).expect("dispatched");
    settle().await;
    let log = log.borrow();
    assert_eq!(log.len(), 1, "one action for one key press");
    match &log[0] {
        Action::Select(Selection::Nodes(s)) => assert_eq!(*s, BTreeSet::from([target])),
        _ => panic!("Enter on a node should select it"),
    }
}

/// How a breaker's label spells core's state name.
fn breaker_words(state: &str) -> String {
    format!("breaker {}", state.replace('_', "-"))
}

/// Preset 62's breaker on Checkout -> Payments: its label on the edge shows the state core's own run of the
/// preset reports at the same moment (closed before Payments hangs at 10 s, open or probing at 15 s, closed
/// again at 35 s), in words and as `data-state`; the edges without a breaker carry no label.
#[wasm_bindgen_test]
async fn canvas_labels_a_breakers_state_on_its_edge_as_core_reports_it() {
    let id = "62-circuit-breaker";
    let mut d = driver_on(id);
    let mut at = 0.0;
    let mut states = Vec::new();
    for ms in [5_000.0, 15_000.0, 35_000.0] {
        run(&mut d, ms - at);
        at = ms;
        let v = d.snapshot();
        assert_eq!(v.now_ms, ms);
        let (doc, report) = core_run(id, ms);
        let with: Vec<_> = report.edges.iter().filter(|e| e.breaker.is_some()).collect();
        assert_eq!(with.len(), 1, "one edge has a breaker");
        let state = with[0].breaker.as_ref().unwrap().state;
        let k = doc
            .edges
            .iter()
            .position(|e| e.from == with[0].from && e.to == with[0].to)
            .expect("the breaker's edge");
        let m = mount::<Canvas>(canvas_props(&v, Callback::noop())).await;
        let labels = m.all("[data-testid^=breaker-]");
        assert_eq!(labels.len(), 1, "{ms} ms: one label, on the one edge with a breaker");
        let label = m.one(&format!("[data-edge='{k}'] [data-testid=breaker-{k}]"));
        assert_eq!(attr(&label, "data-state"), state, "{ms} ms: core's state");
        assert_eq!(
            text(&label)
                .trim_start_matches(|c: char| !c.is_ascii_alphabetic())
                .trim(),
            breaker_words(state),
            "{ms} ms: the state in words"
        );
        assert!(
            attr(&m.one(&format!("[data-edge='{k}']")), "aria-label").contains(&breaker_words(state)),
            "{ms} ms: the edge tells assistive tech"
        );
        states.push(state);
    }
    assert_eq!(states[0], "closed", "before Payments hangs");
    assert!(
        states[1] == "open" || states[1] == "half_open",
        "at 15 s the breaker fails fast or probes: {}",
        states[1]
    );
    assert_eq!(states[2], "closed", "after Payments recovers");
}

/// Preset 60's clients set a deadline: the throughput plot draws goodput (dashed, with its key) from the same
/// per-bucket figures core's run of the preset has, and the readouts show core's goodput with its share of the
/// calls issued. A preset without deadlines draws and shows no goodput.
#[wasm_bindgen_test]
async fn goodput_is_plotted_and_read_out_when_clients_set_deadlines() {
    let id = "60-retry-storm";
    let ms = 30_000.0;
    let mut d = driver_on(id);
    run(&mut d, ms);
    let v = d.snapshot();
    let (_, sim) = core_sim(id, ms);
    let expected: Vec<f64> = sim.metrics().series.iter().filter_map(|b| b.goodput_rps).collect();
    assert_eq!(expected.len(), sim.metrics().series.len(), "every bucket has goodput");
    assert_eq!(v.series.goodput, expected, "the plot's goodput is core's");
    assert!(
        expected.iter().any(|&g| g > 0.0) && expected.last() < Some(&1.0),
        "the storm's goodput collapses after the spike: {expected:?}"
    );
    let report = sim.report();
    let goodput = report.goodput.expect("a goodput figure");

    let m = mount::<Metrics>(metrics_props(&v)).await;
    let key = m.one("[data-testid=rate-plot] + .plot-key [data-line=goodput]");
    assert_eq!(text(&key).trim(), "goodput");
    assert!(
        attr(&key, "class").split_whitespace().any(|c| c == "dashed"),
        "goodput is dashed"
    );
    let lines: Vec<String> = m
        .all("[data-testid=rate-plot] + .plot-key [data-line]")
        .iter()
        .map(|l| attr(l, "data-line"))
        .collect();
    assert_eq!(lines, ["throughput", "goodput", "errors"]);
    assert_eq!(
        text(&m.one("[data-testid=goodput]")),
        format!(
            "{} · {:.0}%",
            thousands(goodput),
            goodput as f64 / report.issued as f64 * 100.0
        )
    );
    drop(m);

    let mut d = driver_on("01-single-server");
    run(&mut d, 2_000.0);
    let v = d.snapshot();
    assert!(v.series.goodput.is_empty() && v.goodput.is_none());
    let m = mount::<Metrics>(metrics_props(&v)).await;
    assert!(m.find("[data-line=goodput]").is_none(), "no goodput without deadlines");
    assert!(m.find("[data-testid=goodput]").is_none());
    assert!(m
        .find("[data-testid=rate-plot] + .plot-key [data-line=throughput]")
        .is_some());
}

// ---- autoscaling groups ------------------------------------------------------------------------------------

/// The autoscaling scenario: 210 rps on instances that serve 100 rps each, target utilization 0.6, from one
/// instance; new ones boot for 30 s, register for 10 s and warm up for 30 s.
const AUTOSCALE: &str = include_str!("autoscale.json");

/// A driver on the autoscaling scenario, paused at zero; `motion` samples hops for the dots.
fn autoscale_driver(motion: bool) -> (scenario::Scenario, Driver) {
    let doc = scenario::parse(AUTOSCALE).expect("the scenario parses");
    let mut d = Driver::new(!motion);
    d.open(doc.clone());
    assert!(d.snapshot().runnable, "the scenario runs");
    (doc, d)
}

/// The badge's sizes, as its attributes give them: instances, in service, desired, booting.
fn badge_sizes(badge: &Element) -> [u32; 4] {
    ["data-instances", "data-in-service", "data-desired", "data-booting"]
        .map(|a| attr(badge, a).parse().unwrap_or_else(|_| panic!("{a} is not a count")))
}

/// A group is drawn once, as a stack with a badge: before the run the size it starts at (one of twenty), one
/// copy behind it; mid scale-out core's `group_now` (instances of max, how many boot), two copies behind it,
/// and its accessible name says so. No instance is drawn as a node of its own.
#[wasm_bindgen_test]
async fn canvas_draws_a_group_as_a_stack_whose_badge_reads_cores_group_now() {
    let (doc, mut d) = autoscale_driver(false);
    let v = d.snapshot();
    let m = mount::<Canvas>(canvas_props(&v, Callback::noop())).await;
    assert_eq!(m.all("g.node").len(), doc.nodes.len(), "one node per document node");
    let badge = m.one("[data-testid=group-web]");
    assert_eq!(badge_sizes(&badge), [1, 1, 1, 0]);
    assert_eq!(text(&one(&badge, "text")), "1/20");
    assert!(
        badge.query_selector(".group-hint").unwrap().is_none(),
        "nothing boots yet"
    );
    let web = m.one("g.node[data-node=web]");
    assert_eq!(attr(&one(&web, ".stack"), "data-depth"), "1");
    assert_eq!(m.all(".group-badge").len(), 1, "only web is a group");
    drop(m);

    run(&mut d, 150_000.0);
    let v = d.snapshot();
    let sim = core_sim_of(&doc, 150_000.0);
    let g: GroupNow = sim.group_now(1).expect("web is a group");
    assert!(g.booting > 0 && g.instances > 2, "mid scale-out: {g:?}");
    let m = mount::<Canvas>(canvas_props(&v, Callback::noop())).await;
    assert_eq!(
        m.all("g.node").len(),
        doc.nodes.len(),
        "instances are not drawn as nodes"
    );
    let badge = m.one("[data-testid=group-web]");
    assert_eq!(
        badge_sizes(&badge),
        [g.instances, g.in_service + g.warming, g.desired, g.booting],
        "the badge is core's group"
    );
    assert_eq!(text(&one(&badge, "text")), format!("{}/{}", g.instances, g.max));
    let hint = text(&one(&badge, ".group-hint"));
    assert!(hint.starts_with(&format!("+{} booting", g.booting)), "{hint:?}");
    let web = m.one("g.node[data-node=web]");
    assert_eq!(attr(&one(&web, ".stack"), "data-depth"), "2");
    assert_eq!(all(&web, ".stack rect").len(), 2);
    let aria = attr(&web, "aria-label");
    assert!(
        aria.contains(&format!(
            "autoscaling group: {}/{} instances, +{} booting",
            g.instances, g.max, g.booting
        )),
        "{aria:?}"
    );
}

/// The dots of a group's instances are drawn on the group: every hop the driver hands the canvas lies
/// between two drawn nodes (so the renderer draws all of them), and the group's calls to the database are
/// among them, though core's own hops name the instances.
#[wasm_bindgen_test]
async fn hops_from_instances_are_drawn_on_the_group() {
    let (doc, mut d) = autoscale_driver(true);
    let drawn_nodes = doc.nodes.len() as u32;
    let canvas: web_sys::HtmlCanvasElement = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|doc| doc.create_element("canvas").ok())
        .and_then(|c| c.dyn_into().ok())
        .expect("a canvas");
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|doc| doc.body())
        .expect("a body")
        .append_child(&canvas)
        .expect("appended");
    let (mut hops, mut drawn, mut calls) = (0, 0, 0);
    for _ in 0..200 {
        d.step_ms(5.0);
        let (in_flight, now) = d.dots();
        assert!(
            in_flight
                .iter()
                .all(|h| h.from < drawn_nodes && h.to < drawn_nodes && h.from != h.to),
            "every hop is between drawn nodes"
        );
        calls += in_flight.iter().filter(|h| (h.from, h.to) == (1, 2)).count();
        hops += in_flight.len();
        drawn += switchyard_web::render::dots::draw(&canvas, d.layout(), in_flight, now);
    }
    canvas.remove();
    assert!(hops > 100, "{hops} hops seen");
    assert_eq!(drawn, hops, "every hop is drawn");
    assert!(calls > 0, "the group's calls to the database are drawn on its edge");

    let mut sim = Sim::new(&doc, doc.seed).expect("runs");
    sim.set_hop_sampling(1);
    while sim.next_wakeup().is_some_and(|t| t <= SimTime::from_millis_f64(1000.0)) {
        sim.step();
    }
    let mut raw = Vec::new();
    sim.drain_hops(&mut raw);
    assert!(
        raw.iter().any(|h| h.from >= drawn_nodes),
        "core's hops come from instances"
    );
}

/// Pixels of plot canvas `id` within 40 of colour `rgb` in each channel.
fn pixels_near(root: &Element, id: &str, rgb: [u8; 3]) -> usize {
    let canvas: web_sys::HtmlCanvasElement = one(root, &format!("[data-testid={id}]")).dyn_into().expect("a canvas");
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
        .expect("a 2d context");
    let data = ctx
        .get_image_data(0.0, 0.0, f64::from(canvas.width()), f64::from(canvas.height()))
        .expect("image data")
        .data();
    data.chunks_exact(4)
        .filter(|p| p[3] > 200 && (0..3).all(|i| p[i].abs_diff(rgb[i]) < 40))
        .count()
}

/// A run with a group plots its size over time (instances solid, in service dashed, one colour per group)
/// and, its instances being billed, the cost per hour; the readouts show core's bill so far and its rate.
/// A run without groups or bills shows neither.
#[wasm_bindgen_test]
async fn the_size_plot_and_the_bill_show_when_the_run_has_groups() {
    let (doc, mut d) = autoscale_driver(false);
    run(&mut d, 200_000.0);
    let v = d.snapshot();
    let sim = core_sim_of(&doc, 200_000.0);
    let report = sim.report();
    let cost = report.cost.expect("billed");
    let m = mount::<Metrics>(metrics_props(&v)).await;
    let lines: Vec<(String, bool)> = m
        .all("[data-testid=group-plot] + .plot-key [data-line]")
        .iter()
        .map(|l| {
            (
                attr(l, "data-line"),
                l.get_attribute("class").is_some_and(|c| c.contains("dashed")),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [("Web instances".to_owned(), false), ("Web in service".to_owned(), true)]
    );
    let series = &sim.metrics().series;
    let instances: Vec<f64> = series.iter().map(|b| f64::from(b.instances[0])).collect();
    assert_eq!(v.series.groups[0].instances, instances, "the plot's sizes are core's");
    assert!(
        instances.first() == Some(&1.0) && instances.iter().any(|&n| n >= 4.0),
        "the group grows: {instances:?}"
    );
    // The group's colour (#2563eb) and the cost's (#0f766e) are drawn.
    assert!(pixels_near(&m.root, "group-plot", [0x25, 0x63, 0xeb]) > 50);
    assert!(m.find("[data-testid=cost-plot] + .plot-key [data-line=cost]").is_some());
    assert!(pixels_near(&m.root, "cost-plot", [0x0f, 0x76, 0x6e]) > 50);
    assert_eq!(text(&m.one("[data-testid=cost-total]")), dollars(cost.total_usd));
    assert_eq!(
        text(&m.one("[data-testid=cost-rate]")),
        format!("{}/h", dollars(cost.per_hour))
    );
    assert!(cost.total_usd > 0.0 && cost.per_hour > 0.0);
    drop(m);

    let mut d = driver_on("01-single-server");
    run(&mut d, 2_000.0);
    let m = mount::<Metrics>(metrics_props(&d.snapshot())).await;
    assert!(m.find("[data-testid=group-plot]").is_none(), "no groups, no size plot");
    assert!(m.find("[data-testid=cost-plot]").is_none());
    assert!(m.find("[data-testid=cost-total]").is_none(), "nothing billed, no bill");
}

/// The fault timeline's entries, as the scenario panel lists them.
async fn timeline_entries(d: &Driver) -> Vec<String> {
    let mut v = d.snapshot();
    v.selection = Selection::None;
    let m = mount::<Inspector>(inspector_props(&v, Callback::noop())).await;
    m.all("[data-testid=fault-timeline] li span").iter().map(text).collect()
}

/// A group's inspector scales it live: − and + inject a `scale` fault one below or above the size it aims
/// for, which core applies (the group aims for it, launches, and the timeline lists it); − is disabled at the
/// minimum. The group offers no resize; crashing it crashes an instance.
#[wasm_bindgen_test]
async fn inspector_scales_a_group_live() {
    let (_, mut d) = autoscale_driver(false);
    d.select(Selection::Nodes([1].into()));
    let v = d.snapshot();
    let m = mount::<Inspector>(inspector_props(&v, Callback::noop())).await;
    assert!(
        m.one("[data-testid=scale-in]").has_attribute("disabled"),
        "at its minimum it cannot scale in"
    );
    assert!(!m.one("[data-testid=scale-out]").has_attribute("disabled"));
    assert!(
        m.find("[data-testid=resize]").is_none(),
        "a group is scaled, not resized"
    );
    assert_eq!(text(&m.one("[data-testid=crash]")), "Crash an instance");
    drop(m);

    run(&mut d, 20_000.0);
    let v = d.snapshot();
    let before = v.nodes[1].group.expect("a group");
    let (on_action, log) = recorder();
    let m = mount::<Inspector>(inspector_props(&v, on_action)).await;
    assert_eq!(
        attr(&m.one("[data-testid=scale-desired]"), "data-desired"),
        before.desired.to_string()
    );
    click(&m.one("[data-testid=scale-out]"));
    settle().await;
    let action = log.borrow_mut().pop().expect("an action");
    let Action::Inject(fault) = action else {
        panic!("expected an injected fault, got {}", action_name(&action))
    };
    assert_eq!(
        fault,
        Fault::Scale {
            at_ms: v.now_ms,
            node: "web".to_owned(),
            desired: before.desired + 1,
        }
    );
    d.inject(fault);
    let after = d.snapshot().nodes[1].group.expect("a group");
    assert_eq!(after.desired, before.desired + 1, "core took it");
    assert_eq!(after.instances, before.instances + 1, "and launched an instance");
    assert_eq!(after.booting, before.booting + 1);
    assert!(d.snapshot().log.iter().any(|(_, l)| l.contains("Web scales out")));
    assert!(
        timeline_entries(&d)
            .await
            .contains(&format!("20.0 s: web scales to {} instances", before.desired + 1)),
        "the timeline lists it"
    );
}

/// A billed service outside a group resizes live: the choice offers every other size, the button injects a
/// `resize` fault to the one picked, core restarts the service at it (down for the restart, logged), the
/// timeline lists it, and the choice then leaves out the new size.
#[wasm_bindgen_test]
async fn inspector_resizes_a_billed_service_live() {
    let mut d = driver_on("01-single-server");
    let i = d
        .doc()
        .nodes
        .iter()
        .position(|n| n.spec.kind() == NodeKind::Service)
        .expect("a service");
    d.select(Selection::Nodes([i].into()));
    let m = mount::<Inspector>(inspector_props(&d.snapshot(), Callback::noop())).await;
    assert!(
        m.find("[data-testid=resize]").is_none(),
        "not billed, no size to change"
    );
    assert!(m.find("[data-testid=scale]").is_none(), "not a group");
    drop(m);

    d.set_node_param(i, "instance_size", Some(Value::from("large")));
    run(&mut d, 1_000.0);
    let v = d.snapshot();
    let (on_action, log) = recorder();
    let m = mount::<Inspector>(inspector_props(&v, on_action)).await;
    let options: Vec<String> = m
        .all("[data-testid=resize-to] option")
        .iter()
        .map(|o| attr(o, "value"))
        .collect();
    assert_eq!(
        options,
        ["xlarge", "2xlarge", "4xlarge", "8xlarge"],
        "every size but its own"
    );
    let select = m.one("[data-testid=resize-to]");
    select.dyn_ref::<HtmlSelectElement>().unwrap().set_value("2xlarge");
    fire_change(&select);
    settle().await;
    assert!(log.borrow().is_empty(), "choosing restarts nothing");
    click(&m.one("[data-testid=resize-now]"));
    settle().await;
    let action = log.borrow_mut().pop().expect("an action");
    let Action::Inject(fault) = action else {
        panic!("expected an injected fault, got {}", action_name(&action))
    };
    let id = d.doc().nodes[i].id.clone();
    assert_eq!(
        fault,
        Fault::Resize {
            at_ms: v.now_ms,
            node: id.clone(),
            size: InstanceSize::X2large,
            restart_ms: None,
        }
    );
    d.inject(fault);
    let v = d.snapshot();
    assert!(!v.nodes[i].up, "it restarts");
    assert!(
        v.log.iter().any(|(_, l)| l.contains("restarting as 2xlarge (8 vCPU)")),
        "{:?}",
        v.log
    );
    assert_eq!(
        v.cost_per_hour,
        Some(InstanceSize::X2large.hourly_usd()),
        "billed at the new size"
    );
    assert!(timeline_entries(&d)
        .await
        .contains(&format!("1.0 s: {id} restarts as 2xlarge (8 vCPU)")));
    let m = mount::<Inspector>(inspector_props(&d.snapshot(), Callback::noop())).await;
    let options: Vec<String> = m
        .all("[data-testid=resize-to] option")
        .iter()
        .map(|o| attr(o, "value"))
        .collect();
    assert_eq!(
        options,
        ["large", "xlarge", "4xlarge", "8xlarge"],
        "now it is a 2xlarge"
    );
}

// ---- inspector ----------------------------------------------------------------------------------------------

/// A parameter is shown unless it sits in a group (`group.field`) that is switched off (absent).
fn shown(list: &[Param], p: &Param, spec: &Value) -> bool {
    match p.key.rsplit_once('.') {
        Some((group, _))
            if list
                .iter()
                .any(|g| g.key == group && matches!(g.control, Control::Group(_))) =>
        {
            params::get(spec, group).is_some()
        }
        _ => true,
    }
}

/// The kinds' JSON names, in palette order.
fn kind_names() -> [&'static str; NodeKind::ALL.len()] {
    NodeKind::ALL.map(NodeKind::name)
}

/// A blank document with one node of every palette kind; node `i` is `kind_names()[i]`.
fn every_kind() -> Driver {
    let mut d = Driver::new(true);
    d.new_blank();
    for kind in kind_names() {
        d.add_node(kind, None);
    }
    assert_eq!(d.doc().nodes.len(), NodeKind::ALL.len());
    d
}

#[wasm_bindgen_test]
async fn inspector_shows_every_parameter_core_describes_with_its_unit_and_explanation() {
    let mut d = every_kind();
    let mut checked = 0;
    for (i, kind) in kind_names().iter().enumerate() {
        d.select(Selection::Nodes([i].into()));
        let v = d.snapshot();
        let spec = params::tree(&v.doc.nodes[i].spec).expect("a spec tree");
        let list = kinds::named(kind).expect("a kind").params;
        let m = mount::<Inspector>(inspector_props(&v, Callback::noop())).await;
        assert_eq!(
            text(&m.one("h2.inspector-title")),
            kind_label(v.doc.nodes[i].spec.kind()),
            "{kind}: the title names the kind"
        );
        for p in list.iter().filter(|p| shown(list, p, &spec)) {
            let id = format!("param-{}", p.key.replace('.', "-"));
            let help = match p.control {
                Control::Group(_) => {
                    let input = m.one(&format!("#{id}"));
                    assert_eq!(attr(&input, "type"), "checkbox", "{kind}.{}", p.key);
                    let field = input.closest("label.field").unwrap().expect("inside its label");
                    assert!(text(&one(&field, ".name")).contains(p.label), "{kind}.{}: label", p.key);
                    assert_eq!(
                        input.dyn_ref::<HtmlInputElement>().unwrap().checked(),
                        params::get(&spec, p.key).is_some(),
                        "{kind}.{}: the checkbox says whether the group is on",
                        p.key
                    );
                    all(&field, ".field-help")
                }
                _ => {
                    let label = m.one(&format!("label[for='{id}']"));
                    assert_eq!(
                        text(&label),
                        format!("{}{}", p.label, p.unit),
                        "{kind}.{}: label and unit",
                        p.key
                    );
                    if !p.unit.is_empty() {
                        assert_eq!(text(&one(&label, ".unit")), p.unit, "{kind}.{}", p.key);
                    }
                    if p.control != Control::FileOnly {
                        let control = m.one(&format!("#{id}"));
                        assert_eq!(attr(&control, "data-param"), p.key, "{kind}: the control is labelled");
                    }
                    all(&label.parent_element().expect("a field"), ":scope > .field-help")
                }
            };
            assert_eq!(
                help.last().map(text).as_deref(),
                Some(p.help),
                "{kind}.{}: its one-line explanation",
                p.key
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 3 * NodeKind::ALL.len(),
        "only {checked} parameters over {} kinds",
        NodeKind::ALL.len()
    );
}

/// A whole number in `[min, max]` other than `now`.
fn another_int(now: Option<f64>, min: f64, max: f64) -> f64 {
    let now = now.unwrap_or(min - 1.0);
    let up = now.floor() + 1.0;
    if up >= min && up <= max {
        up
    } else {
        (now - 1.0).max(min)
    }
}

#[wasm_bindgen_test]
async fn inspector_controls_emit_the_edit_core_applies() {
    let mut d = every_kind();
    let mut edits = 0;
    for (i, kind) in kind_names().iter().enumerate() {
        d.select(Selection::Nodes([i].into()));
        let v = d.snapshot();
        let spec = params::tree(&v.doc.nodes[i].spec).expect("a spec tree");
        let list = kinds::named(kind).expect("a kind").params;
        let visible: Vec<&Param> = list.iter().filter(|p| shown(list, p, &spec)).collect();
        let (on_action, log) = recorder();
        let m = mount::<Inspector>(inspector_props(&v, on_action)).await;

        // The first whole-number field: type another value and commit it.
        if let Some(p) = visible.iter().find(|p| matches!(p.control, Control::Int { .. })) {
            let Control::Int { min, max } = p.control else {
                unreachable!()
            };
            let now = params::get(&spec, p.key).and_then(Value::as_f64);
            let next = another_int(now, min, max);
            let input = m.one(&format!("input[data-param='{}']", p.key));
            input
                .dyn_ref::<HtmlInputElement>()
                .unwrap()
                .set_value(&next.to_string());
            fire_change(&input);
            settle().await;
            let action = log
                .borrow_mut()
                .pop()
                .unwrap_or_else(|| panic!("{kind}.{}: no action", p.key));
            match action {
                Action::SetNodeParam(n, key, Some(value)) => {
                    assert_eq!((n, key), (i, p.key), "{kind}: the action names the node and the key");
                    assert_eq!(value.as_f64(), Some(next), "{kind}.{}", p.key);
                    d.set_node_param(n, key, Some(value));
                }
                _ => panic!("{kind}.{}: expected SetNodeParam", p.key),
            }
            let after = params::tree(&d.doc().nodes[i].spec).unwrap();
            assert_eq!(
                params::get(&after, p.key).and_then(Value::as_f64),
                Some(next),
                "{kind}.{}: core took it",
                p.key
            );
            edits += 1;
        }

        // The first choice: pick an option it is not on.
        if let Some(p) = visible.iter().find(|p| matches!(p.control, Control::Choice(_))) {
            let Control::Choice(options) = p.control else {
                unreachable!()
            };
            let now = params::get(&spec, p.key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let (pick, _) = options.iter().find(|(o, _)| *o != now).expect("another option");
            let select = m.one(&format!("select[data-param='{}']", p.key));
            assert_eq!(
                select.dyn_ref::<HtmlSelectElement>().unwrap().value(),
                now,
                "{kind}.{}: shows the current choice",
                p.key
            );
            select.dyn_ref::<HtmlSelectElement>().unwrap().set_value(pick);
            fire_change(&select);
            settle().await;
            let action = log
                .borrow_mut()
                .pop()
                .unwrap_or_else(|| panic!("{kind}.{}: no action", p.key));
            match action {
                Action::SetNodeParam(n, key, Some(Value::String(s))) => {
                    assert_eq!((n, key, s.as_str()), (i, p.key, *pick), "{kind}");
                    d.set_node_param(n, key, Some(Value::String(s)));
                }
                _ => panic!("{kind}.{}: expected SetNodeParam with a string", p.key),
            }
            let after = params::tree(&d.doc().nodes[i].spec).unwrap();
            assert_eq!(
                params::get(&after, p.key).and_then(Value::as_str),
                Some(*pick),
                "{kind}.{}",
                p.key
            );
            edits += 1;
        }
        assert!(
            d.snapshot().error.is_none(),
            "{kind}: core refused an edit: {:?}",
            d.snapshot().error
        );
    }
    assert!(
        edits >= NodeKind::ALL.len(),
        "only {edits} edits made over {} kinds",
        NodeKind::ALL.len()
    );
}

/// What a group walk edits: a node or an edge.
#[derive(Clone, Copy, Debug)]
enum Walk {
    Node(usize),
    Edge(usize),
}

/// The parameter tree of what `at` names, as the inspector reads it.
fn tree_of(d: &Driver, at: Walk) -> Value {
    match at {
        Walk::Node(i) => params::tree(&d.doc().nodes[i].spec),
        Walk::Edge(k) => params::tree(&d.doc().edges[k]),
    }
    .expect("a parameter tree")
}

/// The value an inspector action for `at` and `key` carries; panics on any other action.
fn edit_of(at: Walk, key: &str, action: Action) -> Option<Value> {
    match (at, action) {
        (Walk::Node(i), Action::SetNodeParam(n, k, v)) if n == i && k == key => v,
        (Walk::Edge(e), Action::SetEdgeParam(n, k, v)) if n == e && k == key => v,
        (_, a) => panic!("{at:?}.{key}: expected its edit, got {}", action_name(&a)),
    }
}

fn apply(d: &mut Driver, at: Walk, key: &str, value: Option<Value>) {
    match at {
        Walk::Node(i) => d.set_node_param(i, key, value),
        Walk::Edge(k) => d.set_edge_param(k, key, value),
    }
    assert!(
        d.snapshot().error.is_none(),
        "{at:?}.{key}: core refused the edit: {:?}",
        d.snapshot().error
    );
}

/// Mounts the inspector on `d`'s selection, types another whole number into `p`'s field and commits it, feeds
/// the edit to core and checks core took it.
async fn edit_number(d: &mut Driver, at: Walk, p: &Param) {
    let (Control::Int { min, max } | Control::Number { min, max, .. }) = p.control else {
        panic!("{}: not a number field", p.key)
    };
    let now = params::get(&tree_of(d, at), p.key).and_then(Value::as_f64);
    let next = another_int(now, min.ceil(), max.floor());
    let v = d.snapshot();
    let (on_action, log) = recorder();
    let m = mount::<Inspector>(inspector_props(&v, on_action)).await;
    let input = m.one(&format!("input[data-param='{}']", p.key));
    input
        .dyn_ref::<HtmlInputElement>()
        .unwrap()
        .set_value(&next.to_string());
    fire_change(&input);
    settle().await;
    let action = log.borrow_mut().pop().unwrap_or_else(|| panic!("{}: no edit", p.key));
    let value = edit_of(at, p.key, action);
    assert_eq!(value.as_ref().and_then(Value::as_f64), Some(next), "{}", p.key);
    apply(d, at, p.key, value);
    assert_eq!(
        params::get(&tree_of(d, at), p.key).and_then(Value::as_f64),
        Some(next),
        "{}: core took it",
        p.key
    );
}

/// Switches on, one at a time, every group of `list` the panel shows while it is off (a nested group once its
/// parent is on): its checkbox emits the group's default object, core takes it, the panel then shows the
/// group's fields, and the first number among them edits. Returns the groups switched on, in order.
async fn switch_on_every_group(d: &mut Driver, at: Walk, list: &'static [Param]) -> Vec<&'static str> {
    let mut on = Vec::new();
    loop {
        let tree = tree_of(d, at);
        let Some(g) = list.iter().find(|p| {
            matches!(p.control, Control::Group(_)) && shown(list, p, &tree) && params::get(&tree, p.key).is_none()
        }) else {
            break;
        };
        let Control::Group(default) = g.control else {
            unreachable!()
        };
        let default: Value = serde_json::from_str(default).expect("a JSON default");
        let v = d.snapshot();
        let (on_action, log) = recorder();
        let m = mount::<Inspector>(inspector_props(&v, on_action)).await;
        // The group's fields with a control (a file-only one has just its label and a note).
        let members = |p: &&Param| {
            p.key.rsplit_once('.').map(|(group, _)| group) == Some(g.key) && p.control != Control::FileOnly
        };
        for p in list.iter().filter(members) {
            assert!(
                m.find(&format!("[data-param='{}']", p.key)).is_none(),
                "{}: hidden while {} is off",
                p.key,
                g.key
            );
        }
        let b = m.one(&format!("#param-{}", g.key.replace('.', "-")));
        assert!(!b.dyn_ref::<HtmlInputElement>().unwrap().checked(), "{}: off", g.key);
        b.dyn_ref::<HtmlInputElement>().unwrap().set_checked(true);
        fire_change(&b);
        settle().await;
        let action = log.borrow_mut().pop().unwrap_or_else(|| panic!("{}: no edit", g.key));
        let value = edit_of(at, g.key, action);
        assert_eq!(
            value.as_ref(),
            Some(&default),
            "{}: the checkbox adds the default",
            g.key
        );
        apply(d, at, g.key, value);
        let tree = tree_of(d, at);
        for (field, x) in default.as_object().expect("an object") {
            assert_eq!(
                params::get(&tree, &format!("{}.{field}", g.key)).and_then(Value::as_f64),
                x.as_f64(),
                "{}.{field}: core took the default",
                g.key
            );
        }
        drop(m);

        let v = d.snapshot();
        let m = mount::<Inspector>(inspector_props(&v, Callback::noop())).await;
        let fields: Vec<&Param> = list.iter().filter(members).collect();
        assert!(!fields.is_empty(), "{}: a group with fields", g.key);
        for p in &fields {
            assert!(
                m.find(&format!("[data-param='{}']", p.key)).is_some(),
                "{}: shown once {} is on",
                p.key,
                g.key
            );
        }
        drop(m);
        if let Some(p) = fields
            .iter()
            .find(|p| matches!(p.control, Control::Int { .. } | Control::Number { .. }))
        {
            edit_number(d, at, p).await;
        }
        on.push(g.key);
    }
    on
}

/// The resilience settings in the inspector: an edge's call policy with its retries, retry budget and breaker
/// (nested groups), a service's rate limit, load shedding, replacement on crash and autoscaling group, and a
/// client's retries, retry budget and deadline. Each group's checkbox adds its default, its fields appear and edit, and core takes every edit;
/// unchecking the policy removes it whole.
#[wasm_bindgen_test]
async fn inspector_switches_on_and_edits_every_resilience_group() {
    // Preset 62's Checkout -> Payments edge, its policy cleared first.
    let mut d = driver_on("62-circuit-breaker");
    let k = d
        .doc()
        .edges
        .iter()
        .position(|e| e.policy.is_some())
        .expect("an edge with a call policy");
    d.set_edge_param(k, "policy", None);
    d.select(Selection::Edge(k));
    let on = switch_on_every_group(&mut d, Walk::Edge(k), kinds::calls::POLICY).await;
    for key in ["policy", "policy.retry", "policy.retry.budget", "policy.breaker"] {
        assert!(on.contains(&key), "{key} switched on: {on:?}");
    }
    assert!(d.snapshot().runnable, "the edited policy runs");
    // Unchecking the policy removes it, nested groups and all.
    let v = d.snapshot();
    let (on_action, log) = recorder();
    let m = mount::<Inspector>(inspector_props(&v, on_action)).await;
    let b = m.one("#param-policy");
    b.dyn_ref::<HtmlInputElement>().unwrap().set_checked(false);
    fire_change(&b);
    settle().await;
    let action = log.borrow_mut().pop().expect("an edit");
    assert_eq!(edit_of(Walk::Edge(k), "policy", action), None);
    drop(m);

    // A service's admission groups and a client's retry groups, from the blank document of every kind.
    let mut d = every_kind();
    let names = kind_names();
    for (kind, wanted) in [
        // The elastic groups too: self-healing and the autoscaling group (#20).
        ("service", &["rate_limit", "shed", "replace", "group"][..]),
        ("client", &["retry", "retry.budget"][..]),
        ("rate_limiter", &[][..]),
    ] {
        let i = names.iter().position(|n| *n == kind).expect("the kind");
        d.select(Selection::Nodes([i].into()));
        let list = kinds::named(kind).expect("a kind").params;
        let on = switch_on_every_group(&mut d, Walk::Node(i), list).await;
        for key in wanted {
            assert!(on.contains(key), "{kind}.{key} switched on: {on:?}");
        }
    }
    // The client's deadline, which goodput is counted against, is a number field that edits.
    let client = names.iter().position(|n| *n == "client").expect("a client");
    d.select(Selection::Nodes([client].into()));
    let deadline = kinds::named("client")
        .expect("the client kind")
        .params
        .iter()
        .find(|p| p.key == "deadline_ms")
        .expect("a deadline parameter");
    edit_number(&mut d, Walk::Node(client), deadline).await;
}

/// A client and a relational database, the client sending its own workload (no operations yet).
const CLIENT_AND_DB: &str = r#"{"version": 1, "name": "ops", "duration_ms": 2000,
  "nodes": [{"id": "app", "spec": {"kind": "client", "workload": {}}},
            {"id": "db", "spec": {"kind": "database", "engine": {"profile": "relational"}}}],
  "edges": [{"from": "app", "to": "db"}]}"#;

/// A driver on [`CLIENT_AND_DB`] with node `i` selected.
fn ops_driver(i: usize) -> Driver {
    let mut d = Driver::new(true);
    d.open(scenario::parse(CLIENT_AND_DB).expect("the scenario parses"));
    assert!(d.snapshot().runnable, "it runs");
    d.select(Selection::Nodes([i].into()));
    d
}

/// The inspector on `d`'s selection, and what it emits.
async fn inspect(d: &Driver) -> (Mounted<Inspector>, Rc<RefCell<Vec<Action>>>) {
    let (on_action, log) = recorder();
    let m = mount::<Inspector>(inspector_props(&d.snapshot(), on_action)).await;
    (m, log)
}

/// Takes the inspector's one edit of node `i`'s `key`, checks its value is `want`, feeds it to core and
/// checks core's document holds it and runs.
async fn take_edit(d: &mut Driver, i: usize, key: &str, log: &RefCell<Vec<Action>>, want: Option<Value>) {
    settle().await;
    let action = {
        let mut log = log.borrow_mut();
        assert_eq!(log.len(), 1, "{key}: one edit");
        log.pop().expect("an edit")
    };
    let value = edit_of(Walk::Node(i), key, action);
    assert_eq!(value, want, "{key}: the edit's value");
    apply(d, Walk::Node(i), key, value);
    assert_eq!(
        params::get(&tree_of(d, Walk::Node(i)), key),
        want.as_ref(),
        "{key}: core's document holds it"
    );
    assert!(d.snapshot().runnable, "{key}: {:?}", d.snapshot().problems);
}

fn set_text(el: &Element, text: &str) {
    el.dyn_ref::<HtmlInputElement>().expect("an input").set_value(text);
    fire_change(el);
}

fn set_choice(el: &Element, value: &str) {
    el.dyn_ref::<HtmlSelectElement>().expect("a select").set_value(value);
    fire_change(el);
}

/// A client's operations are a list in the inspector: "Add operation" appends core's default entry, each
/// row's fields edit with the controls core describes (keys relative to the row), "Remove" takes a row out,
/// and every edit is the whole new list at `workload.ops` (no key once the list is empty), which core takes.
#[wasm_bindgen_test]
async fn inspector_list_control_adds_edits_and_removes_operations() {
    let ops = kinds::named("client")
        .expect("the client kind")
        .params
        .iter()
        .find(|p| p.key == "workload.ops")
        .expect("a client's operations");
    let Control::List { fields, default, shows } = ops.control else {
        panic!("workload.ops is a list")
    };
    let default: Value = serde_json::from_str(default).expect("a JSON default");
    let mut d = ops_driver(0);

    let (m, log) = inspect(&d).await;
    let list = m.one("#param-workload-ops");
    assert_eq!(attr(&list, "data-param"), "workload.ops");
    assert_eq!(
        (attr(&list, "role"), attr(&list, "aria-label")),
        ("group".into(), ops.label.into())
    );
    assert_eq!(text(&m.one("label[for='param-workload-ops']")), ops.label);
    assert!(m.all(".list-row").is_empty(), "no rows yet");
    assert!(
        m.find("[data-param='workload.mix']").is_some(),
        "the request mix, while there are no operations"
    );
    let add = m.one("[data-testid=list-add]");
    assert_eq!(
        (text(&add), attr(&add, "type")),
        ("Add operation".into(), "button".into())
    );
    click(&add);
    take_edit(
        &mut d,
        0,
        "workload.ops",
        &log,
        Some(Value::Array(vec![default.clone()])),
    )
    .await;
    drop(m);

    // One row: every member a get uses has its control, labelled, with its key relative to the row; the sizes
    // only other operations use are not shown.
    let (m, _) = inspect(&d).await;
    let rows = m.all(".list-row");
    assert_eq!(rows.len(), 1);
    assert_eq!(text(&one(&rows[0], "legend")), "Operation 1");
    assert!(
        m.find("[data-param^='workload.mix']").is_none(),
        "operations replace the mix as it comes: its weights are not shown"
    );
    let get = serde_json::json!({"op": "get"});
    for f in fields.iter().filter(|f| !shows(&get, f.key)) {
        assert!(
            rows[0]
                .query_selector(&format!("[data-param='workload.ops.0.{}']", f.key))
                .unwrap()
                .is_none(),
            "{}: means nothing to a get",
            f.key
        );
    }
    let shown: Vec<&str> = fields.iter().filter(|f| shows(&get, f.key)).map(|f| f.key).collect();
    assert_eq!(shown, ["op", "weight"]);
    for f in fields.iter().filter(|f| shows(&get, f.key)) {
        let id = format!("param-workload-ops-0-{}", f.key);
        let control = one(&rows[0], &format!("#{id}"));
        assert_eq!(attr(&control, "data-param"), format!("workload.ops.0.{}", f.key));
        assert!(
            matches!(control.tag_name().as_str(), "INPUT" | "SELECT"),
            "{}: a form control",
            f.key
        );
        assert_eq!(
            text(&one(&rows[0], &format!("label[for='{id}']"))),
            format!("{}{}", f.label, f.unit),
            "{}: labelled",
            f.key
        );
    }
    drop(m);
    // A mix of its own set beside operations stays in view, next to core's problem, so it can be removed.
    let mix = Some(serde_json::json!({"api_write": 1}));
    d.set_node_param(0, "workload.mix", mix);
    assert!(!d.snapshot().runnable, "core refuses a mix beside operations");
    let (m, _) = inspect(&d).await;
    assert!(m.find("[data-param='workload.mix.api_write']").is_some());
    drop(m);
    d.undo();
    assert!(d.snapshot().runnable);

    let (m, log) = inspect(&d).await;
    let rows = m.all(".list-row");
    let op = one(&rows[0], "[data-param='workload.ops.0.op']");
    assert_eq!(op.dyn_ref::<HtmlSelectElement>().unwrap().value(), "get");
    set_choice(&op, "join");
    take_edit(
        &mut d,
        0,
        "workload.ops",
        &log,
        Some(serde_json::json!([{"op": "join"}])),
    )
    .await;
    drop(m);

    let (m, log) = inspect(&d).await;
    set_text(&m.one("[data-param='workload.ops.0.tables']"), "3");
    take_edit(
        &mut d,
        0,
        "workload.ops",
        &log,
        Some(serde_json::json!([{"op": "join", "tables": 3}])),
    )
    .await;
    drop(m);

    let (m, log) = inspect(&d).await;
    click(&m.one("[data-testid=list-add]"));
    let two = serde_json::json!([{"op": "join", "tables": 3}, default]);
    take_edit(&mut d, 0, "workload.ops", &log, Some(two)).await;
    drop(m);

    let (m, log) = inspect(&d).await;
    assert_eq!(m.all(".list-row").len(), 2);
    set_text(&m.one("[data-param='workload.ops.1.weight']"), "2.5");
    let weighted = serde_json::json!([{"op": "join", "tables": 3}, {"op": "get", "weight": 2.5}]);
    take_edit(&mut d, 0, "workload.ops", &log, Some(weighted)).await;
    drop(m);

    // Emptying an optional field takes the member out of its row.
    let (m, log) = inspect(&d).await;
    set_text(&m.one("[data-param='workload.ops.0.tables']"), "");
    let plain = serde_json::json!([{"op": "join"}, {"op": "get", "weight": 2.5}]);
    take_edit(&mut d, 0, "workload.ops", &log, Some(plain)).await;
    drop(m);

    let (m, log) = inspect(&d).await;
    let removes = m.all("[data-testid=list-remove]");
    let names: Vec<String> = removes.iter().map(|b| attr(b, "aria-label")).collect();
    assert_eq!(names, ["Remove Operation 1", "Remove Operation 2"]);
    click(&removes[0]);
    take_edit(
        &mut d,
        0,
        "workload.ops",
        &log,
        Some(serde_json::json!([{"op": "get", "weight": 2.5}])),
    )
    .await;
    drop(m);

    let (m, log) = inspect(&d).await;
    click(&m.one("[data-testid=list-remove]"));
    take_edit(&mut d, 0, "workload.ops", &log, None).await;
    drop(m);
    let (m, _) = inspect(&d).await;
    assert!(m.all(".list-row").is_empty(), "the last row removed, the list is empty");
    assert!(m.find("[data-param='workload.mix']").is_some(), "the mix is back");
}

/// A database's engine: the profile is a choice whose options are core's one-line trade-offs, and the panel
/// shows only the settings core says apply to the chosen profile; a setting of another profile left set
/// stays in view, next to core's problem, so it can be cleared.
#[wasm_bindgen_test]
async fn inspector_shows_an_engines_trade_off_and_only_its_profiles_settings() {
    let list = kinds::named("database").expect("the database kind").params;
    let profile = list.iter().find(|p| p.key == "engine.profile").expect("a profile");
    let Control::Choice(options) = profile.control else {
        panic!("the profile is a choice")
    };
    let settings: Vec<&Param> = list
        .iter()
        .filter(|p| p.key.starts_with("engine.") && p.key != "engine.profile")
        .collect();
    let mut d = ops_driver(1);
    for (k, name) in Profile::NAMES.iter().enumerate() {
        let (m, log) = inspect(&d).await;
        let select = m.one("#param-engine-profile");
        let picked = select
            .dyn_ref::<HtmlSelectElement>()
            .unwrap()
            .selected_options()
            .item(0)
            .expect("one picked");
        let line = options.iter().find(|(v, _)| v == name).expect("an option").1;
        assert_eq!(text(&picked), line, "{name}: its one line on the trade-off");
        let field = select.parent_element().expect("its field");
        assert_eq!(
            text(&one(&field, "[data-testid=choice-line]")),
            line,
            "{name}: shown whole"
        );
        assert_eq!(text(&one(&field, ".field-help")), profile.help);
        let now: Profile = codec::read(&Value::from(*name)).expect("a profile");
        let applies = |p: &Param| spec::applies(&p.key["engine.".len()..], now);
        for p in &settings {
            assert_eq!(
                m.find(&format!("[data-param='{}']", p.key)).is_some(),
                applies(p),
                "{name}: {} shown exactly when it applies",
                p.key
            );
        }
        assert!(
            settings.iter().filter(|p| applies(p)).count() >= 2,
            "{name} has settings of its own"
        );
        let next = Profile::NAMES[(k + 1) % Profile::NAMES.len()];
        set_choice(&select, next);
        take_edit(&mut d, 1, "engine.profile", &log, Some(next.into())).await;
    }
    assert_eq!(
        params::get(&tree_of(&d, Walk::Node(1)), "engine.profile"),
        Some(&"relational".into())
    );
    // A relational setting left set on a key-value engine stays in view, with core's problem.
    apply(&mut d, Walk::Node(1), "engine.join", Some("hash".into()));
    d.set_node_param(1, "engine.profile", Some("key_value".into()));
    assert!(
        !d.snapshot().runnable,
        "core refuses a join strategy on a key-value store"
    );
    let (m, _) = inspect(&d).await;
    assert!(
        m.find("[data-param='engine.join']").is_some(),
        "the stray setting can be cleared"
    );
    assert!(m.find("[data-param='engine.op_ms']").is_some());
    assert!(m.find("[data-param='engine.commit_ms']").is_none());
    let problems: Vec<String> = m.all("p.problem").iter().map(text).collect();
    assert!(
        problems.iter().any(|p| p.contains("applies to a relational engine")),
        "{problems:?}"
    );
}

// ---- palette ------------------------------------------------------------------------------------------------

/// A whole-number field refuses a value outside its range, and a fraction, with a message under the field
/// and no edit; a good value then goes through and the message goes away.
#[wasm_bindgen_test]
async fn inspector_refuses_numbers_the_model_cannot_honour_and_says_why() {
    let mut d = every_kind();
    let mut refused = 0;
    for (i, kind) in kind_names().iter().enumerate() {
        d.select(Selection::Nodes([i].into()));
        let v = d.snapshot();
        let spec = params::tree(&v.doc.nodes[i].spec).expect("a spec tree");
        let list = kinds::named(kind).expect("a kind").params;
        let Some(p) = list
            .iter()
            .filter(|p| shown(list, p, &spec))
            .find(|p| matches!(p.control, Control::Int { min, .. } if min >= 1.0))
        else {
            continue;
        };
        let Control::Int { min, max } = p.control else {
            unreachable!()
        };
        let (on_action, log) = recorder();
        let m = mount::<Inspector>(inspector_props(&v, on_action)).await;
        let input = m.one(&format!("input[data-param='{}']", p.key));
        let field = input.parent_element().expect("a field");
        let out_of_range = |x: f64| format!("{x} is out of range: type a whole number from {min} to {max}.");
        for (bad, why) in [
            ((min - 1.0).to_string(), out_of_range(min - 1.0)),
            ((min + 0.5).to_string(), out_of_range(min + 0.5)),
            // Overflows to infinity: not stored as "none".
            (
                "1e400".to_owned(),
                format!("Not a number this can use: type one from {min} to {max}."),
            ),
            // Underflows to 0.
            ("1e-400".to_owned(), out_of_range(0.0)),
            (
                "twelve".to_owned(),
                format!("Not a number this can use: type one from {min} to {max}."),
            ),
        ] {
            input.dyn_ref::<HtmlInputElement>().unwrap().set_value(&bad);
            fire_change(&input);
            settle().await;
            assert!(log.borrow().is_empty(), "{kind}.{}: {bad} was refused, no edit", p.key);
            let error = one(&field, "[data-testid='field-error']");
            assert_eq!(text(&error), why, "{kind}.{}", p.key);
            assert_eq!(attr(&error, "role"), "alert", "{kind}: the refusal is announced");
            assert_eq!(attr(&input, "aria-invalid"), "true", "{kind}.{}", p.key);
            assert_eq!(
                input.dyn_ref::<HtmlInputElement>().unwrap().value(),
                bad,
                "{kind}.{}: the refused text stays to be corrected",
                p.key
            );
        }
        input.dyn_ref::<HtmlInputElement>().unwrap().set_value(&min.to_string());
        fire_change(&input);
        settle().await;
        assert!(
            matches!(log.borrow().last(), Some(Action::SetNodeParam(n, key, Some(x))) if *n == i && *key == p.key && x.as_f64() == Some(min)),
            "{kind}.{}: a value in range goes through",
            p.key
        );
        assert!(
            all(&field, "[data-testid='field-error']").is_empty(),
            "{kind}: the refusal is gone"
        );
        refused += 1;
    }
    assert!(refused >= 3, "only {refused} kinds have a whole-number field from 1");
}

/// An edge's request classes are checkboxes: turning one off writes the list core takes, every box on
/// writes nothing ("all"), the last box on is disabled with the reason, and the inspector says which classes a
/// sibling edge also carries and what the source node does with them.
#[wasm_bindgen_test]
async fn inspector_edits_an_edges_classes_and_shows_what_its_siblings_share() {
    let mut d = Driver::new(true);
    d.new_blank();
    for kind in ["client", "cdn", "service"] {
        d.add_node(kind, None);
    }
    d.connect(0, 1);
    d.connect(0, 2);
    let to_api = 1;
    d.select(Selection::Edge(to_api));
    let v = d.snapshot();
    let (on_action, log) = recorder();
    let m = mount::<Inspector>(inspector_props(&v, on_action)).await;
    let boxes = m.all("[data-param='classes'] input[type=checkbox]");
    let options: Vec<String> = boxes.iter().map(|b| attr(b, "data-option")).collect();
    assert_eq!(options, ["static_asset", "api_read", "api_write", "background_job"]);
    assert!(
        boxes.iter().all(|b| b.dyn_ref::<HtmlInputElement>().unwrap().checked()),
        "an edge without classes carries all of them"
    );
    let client = d.doc().nodes[0]
        .label
        .clone()
        .unwrap_or_else(|| d.doc().nodes[0].id.clone());
    let cdn = d.doc().nodes[1]
        .label
        .clone()
        .unwrap_or_else(|| d.doc().nodes[1].id.clone());
    assert_eq!(
        text(&m.one("[data-testid='shared-classes']")),
        format!(
            "Static assets, API reads, API writes, background jobs also take the edge to {cdn}: {client} picks one \
             of these edges for each request, with its strategy."
        )
    );

    // Static assets go to the CDN only: turn them off on the API's edge.
    boxes[0].dyn_ref::<HtmlInputElement>().unwrap().set_checked(false);
    fire_change(&boxes[0]);
    settle().await;
    let action = log.borrow_mut().pop().expect("an edit");
    let Action::SetEdgeParam(k, "classes", Some(list)) = action else {
        panic!("expected the edge's classes");
    };
    assert_eq!(k, to_api);
    assert_eq!(list, serde_json::json!(["api_read", "api_write", "background_job"]));
    d.set_edge_param(k, "classes", Some(list));
    assert_eq!(
        d.doc().edges[to_api].classes.as_ref().map(Vec::len),
        Some(3),
        "core took it"
    );
    drop(m);

    // With one class left, it cannot go off.
    d.set_edge_param(to_api, "classes", Some(serde_json::json!(["api_read"])));
    let v = d.snapshot();
    let (on_action, log) = recorder();
    let m = mount::<Inspector>(inspector_props(&v, on_action)).await;
    assert_eq!(
        text(&m.one("[data-testid='shared-classes']")),
        format!("API reads also take the edge to {cdn}: {client} picks one of these edges for each request, with its strategy.")
    );
    let read = m.one("[data-param='classes'] input[data-option='api_read']");
    let read = read.dyn_ref::<HtmlInputElement>().unwrap();
    assert!(read.checked() && read.disabled(), "the last class on cannot go off");
    let why = attr(&read.parent_element().expect("its label"), "title");
    assert!(why.starts_with("At least one must stay on"), "{why}");
    assert!(log.borrow().is_empty());
    for option in ["static_asset", "api_write", "background_job"] {
        let b = m.one(&format!("[data-param='classes'] input[data-option='{option}']"));
        assert!(
            !b.dyn_ref::<HtmlInputElement>().unwrap().disabled(),
            "{option} can go on"
        );
    }
    drop(m);
    // Turning every box on writes nothing: the format's "all".
    for option in ["static_asset", "api_write", "background_job"] {
        let v = d.snapshot();
        let (on_action, log) = recorder();
        let m = mount::<Inspector>(inspector_props(&v, on_action)).await;
        let b = m.one(&format!("[data-param='classes'] input[data-option='{option}']"));
        b.dyn_ref::<HtmlInputElement>().unwrap().set_checked(true);
        fire_change(&b);
        settle().await;
        let Some(Action::SetEdgeParam(_, _, v)) = log.borrow_mut().pop() else {
            panic!("an edit for {option}");
        };
        d.set_edge_param(to_api, "classes", v);
    }
    assert_eq!(d.doc().edges[to_api].classes, None, "all classes on is the default");
}

#[wasm_bindgen_test]
async fn palette_offers_every_kind_and_adds_the_one_activated() {
    let (on_action, log) = recorder();
    let m = mount::<Palette>(PaletteProps { on_action }).await;
    let items = m.all("button.palette-item");
    assert_eq!(items.len(), NodeKind::ALL.len(), "one entry per kind core can add");
    let mut d = Driver::new(true);
    d.new_blank();
    for (k, (item, kind)) in items.iter().zip(kind_names()).enumerate() {
        assert_eq!(attr(item, "data-kind"), kind.replace('_', "-"), "entry {k}");
        let path = one(item, "svg.icon path");
        assert!(attr(&path, "d").len() > 10, "{kind}: an icon");
        let label = text(&one(item, ".label"));
        assert!(!label.is_empty(), "{kind}: a label");
        assert_eq!(attr(item, "aria-label"), format!("Add {label}"), "{kind}");
        click(item);
        settle().await;
        let action = log
            .borrow_mut()
            .pop()
            .unwrap_or_else(|| panic!("{kind}: clicking emitted nothing"));
        match action {
            Action::AddNode(added, None) => {
                assert_eq!(added, kind);
                d.add_node(added, None);
            }
            _ => panic!("{kind}: clicking should add a node in the middle of the view"),
        }
        let node = d.doc().nodes.last().expect("a node was added");
        assert_eq!(node.spec.kind_name(), kind, "core added the kind the entry names");
        assert_eq!(
            kind_label(node.spec.kind()),
            label,
            "the palette and the canvas name it alike"
        );
    }
    assert_eq!(d.doc().nodes.len(), NodeKind::ALL.len());
}

/// Nodes added from the palette land where a diagram would put them: each new kind to the right of the
/// selected node, and a node of the selected node's kind (another replica) below it, so that a client, a load
/// balancer, three services and a database come out as a row with the services in a column, no two overlapping.
#[wasm_bindgen_test]
fn palette_places_a_new_kind_to_the_right_and_a_sibling_below() {
    let mut d = Driver::new(true);
    d.new_blank();
    for kind in ["client", "load_balancer", "service", "service", "service", "database"] {
        d.add_node(kind, None);
    }
    let at: Vec<(f64, f64)> = d.doc().nodes.iter().map(|n| (n.x, n.y)).collect();
    let (client, lb, s1, s2, s3, db) = (at[0], at[1], at[2], at[3], at[4], at[5]);
    assert!(
        lb.0 > client.0 && lb.1 == client.1,
        "the balancer right of the client: {at:?}"
    );
    assert!(
        s1.0 > lb.0 && s1.1 == lb.1,
        "the first service right of the balancer: {at:?}"
    );
    assert!(
        s2.0 == s1.0 && s2.1 > s1.1,
        "the second service below the first: {at:?}"
    );
    assert!(s3.0 == s1.0 && s3.1 > s2.1, "the third below the second: {at:?}");
    assert!(
        db.0 > s3.0 && db.1 == s3.1,
        "the database right of the last service: {at:?}"
    );
    for (i, a) in at.iter().enumerate() {
        for b in &at[i + 1..] {
            assert!(a != b, "two nodes on one spot: {at:?}");
        }
    }
}

// ---- metrics ------------------------------------------------------------------------------------------------

/// Digits of a `1,234`-style readout.
fn count(s: &str) -> u64 {
    s.replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("{s:?} is not a count"))
}

/// Preset `id` run by core alone to `ms` of virtual time: the figures the app must show.
fn core_run(id: &str, ms: f64) -> (scenario::Scenario, switchyard_core::metrics::Report) {
    let (doc, sim) = core_sim(id, ms);
    let report = sim.report();
    (doc, report)
}

/// Preset `id`'s simulation, run by core alone to `ms` of virtual time.
fn core_sim(id: &str, ms: f64) -> (scenario::Scenario, Sim) {
    let doc = scenario::parse(presets::ALL[preset(id)].1).expect("the preset parses");
    let sim = core_sim_of(&doc, ms);
    (doc, sim)
}

/// A document's simulation, run by core alone to `ms` of virtual time.
fn core_sim_of(doc: &scenario::Scenario, ms: f64) -> Sim {
    let mut sim = Sim::new(doc, doc.seed).expect("the document runs");
    let end = SimTime::from_millis_f64(ms);
    while sim.next_wakeup().is_some_and(|t| t <= end) {
        sim.step();
    }
    sim.advance_to(end);
    sim
}

/// The sessions readouts are core's counts of the same run: sessions in server memory lose some when Web 2
/// crashes at 10 s, in signed tokens none; runs without users show none.
#[wasm_bindgen_test]
async fn sessions_readouts_equal_cores_report_of_the_same_run() {
    for id in ["70-sessions-sticky", "72-sessions-token"] {
        let mut d = driver_on(id);
        run(&mut d, 15_000.0);
        let v = d.snapshot();
        let (_, sim) = core_sim(id, 15_000.0);
        let s = sim.report().sessions.expect("the preset's clients have users");
        let m = mount::<Metrics>(metrics_props(&v)).await;
        assert_eq!(
            text(&m.one("[data-testid=sessions]")),
            format!("{} · {}", thousands(s.users), thousands(s.active)),
            "{id}: users and sessions"
        );
        assert_eq!(
            count(&text(&m.one("[data-testid=sessions-lost]"))),
            s.lost,
            "{id}: lost"
        );
        assert_eq!(
            count(&text(&m.one("[data-testid=logged-out]"))),
            s.logged_out,
            "{id}: logged out"
        );
        if id == "70-sessions-sticky" {
            assert!(s.lost > 0, "the crash loses the sessions in Web 2's memory");
        } else {
            assert_eq!(s.lost, 0, "tokens live in no server");
        }
    }
    let mut d = driver_on("01-single-server");
    run(&mut d, 1_000.0);
    let m = mount::<Metrics>(metrics_props(&d.snapshot())).await;
    assert!(
        m.find("[data-testid=sessions]").is_none(),
        "no users, no sessions readout"
    );
}

/// Four clients on four databases, one of each engine with something to show: row locks with a timeout
/// (lock waits, aborts), a key-value store with too little memory that refuses new keys and cannot scan
/// (out of memory, unsupported), a wide-column log that flushes and compacts, a document store whose
/// denormalized copies are read stale.
const ENGINES: &str = include_str!("engines.json");

/// A latency as the panel shows it (restated: whole milliseconds from 100 up, else one decimal).
fn panel_ms(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0} ms")
    } else {
        format!("{v:.1} ms")
    }
}

/// An engine's service time: three decimals below a millisecond.
fn service_ms(v: f64) -> String {
    if v >= 1.0 {
        panel_ms(v)
    } else {
        format!("{v:.3} ms")
    }
}

/// The per-operation table, each database's engine readouts and the failures by reason are core's figures of
/// the same run; a run without operations or engines shows none of them.
#[wasm_bindgen_test]
async fn operation_and_engine_readouts_equal_cores_report_of_the_same_run() {
    let doc = scenario::parse(ENGINES).expect("the scenario parses");
    let mut d = Driver::new(true);
    d.open(doc.clone());
    run(&mut d, 3_000.0);
    let v = d.snapshot();
    let report = core_sim_of(&doc, 3_000.0).report();
    let m = mount::<Metrics>(metrics_props(&v)).await;
    let label = |id: &str| {
        let n = doc.nodes.iter().find(|n| n.id == id).expect("a node");
        n.label.clone().unwrap_or_else(|| n.id.clone())
    };

    // One row per client and operation, named by both (several clients have operations).
    let rows: Vec<(String, Vec<String>)> = m
        .all("[data-testid=by-op] tbody tr")
        .iter()
        .map(|tr| (attr(tr, "data-row"), all(tr, "td").iter().map(text).collect()))
        .collect();
    let want: Vec<(String, Vec<String>)> = report
        .by_op
        .iter()
        .map(|o| {
            let g = &o.figures;
            let cells = vec![
                format!("{:.0}", g.throughput_rps),
                panel_ms(g.mean_ms),
                panel_ms(g.p50_ms),
                panel_ms(g.p99_ms),
                thousands(g.failed),
            ];
            (format!("{} · {}", label(&o.client), o.op), cells)
        })
        .collect();
    assert_eq!(rows, want, "by operation");
    assert_eq!(want.len(), 10, "every client's operations");
    let heads: Vec<String> = m.all("[data-testid=by-op] thead th").iter().map(text).collect();
    assert_eq!(heads, ["operation", "req/s", "mean", "p50", "p99", "failed"]);

    assert_eq!(report.engines.len(), 4);
    for e in &report.engines {
        let block = m.one(&format!("[data-testid=engine-{}]", e.node));
        let kind = e.profile.replace('_', "-");
        assert_eq!(text(&one(&block, "h3")), format!("{} · {kind} engine", label(&e.node)));
        // Each operation: how many it served and their mean service time.
        let ops: Vec<(String, Vec<String>)> = all(&block, "[data-testid=engine-ops] tbody tr")
            .iter()
            .map(|tr| (attr(tr, "data-row"), all(tr, "td").iter().map(text).collect()))
            .collect();
        let want: Vec<(String, Vec<String>)> = e
            .ops
            .iter()
            .map(|o| {
                (
                    o.op.to_owned(),
                    vec![thousands(o.served), service_ms(o.mean_service_ms)],
                )
            })
            .collect();
        assert_eq!(ops, want, "{}: operations", e.node);
        // Each readout shows core's figure exactly when core has something to say there.
        let nonzero = |n: u64| (n > 0).then(|| thousands(n));
        let locks = e.transactions + e.aborts > 0;
        let readouts = [
            ("unsupported", nonzero(e.unsupported)),
            ("aborts", nonzero(e.aborts)),
            ("refused-full", nonzero(e.refused_full)),
            ("stale-copies", nonzero(e.stale_reads)),
            ("transactions", locks.then(|| thousands(e.transactions))),
            ("lock-waits", locks.then(|| thousands(e.lock_waits))),
            (
                "lock-wait",
                locks.then(|| {
                    format!(
                        "{} · {}",
                        service_ms(e.lock_wait_mean_ms),
                        service_ms(e.lock_wait_max_ms)
                    )
                }),
            ),
            (
                "runs",
                e.runs.zip(e.max_runs).map(|(now, max)| format!("{now} · {max}")),
            ),
            ("compactions", e.runs.map(|_| thousands(e.compactions))),
            ("keys", e.keys.map(thousands)),
            ("evictions", e.keys.map(|_| thousands(e.evictions))),
            (
                "hits",
                (e.hits + e.misses > 0).then(|| format!("{} · {}", thousands(e.hits), thousands(e.misses))),
            ),
        ];
        for (id, want) in readouts {
            let shown = block
                .query_selector(&format!("[data-testid={id}]"))
                .unwrap()
                .map(|el| text(&el));
            assert_eq!(shown, want, "{}: {id}", e.node);
        }
        // What each engine of the scenario is there to show.
        match e.profile {
            "relational" => assert!(e.lock_waits > 0 && e.aborts > 0, "hot rows wait and time out: {e:?}"),
            "key_value" => assert!(
                e.refused_full > 0 && e.unsupported > 0 && e.keys.is_some(),
                "full, and no scans: {e:?}"
            ),
            "wide_column" => assert!(e.compactions > 0, "the log compacts: {e:?}"),
            "document" => assert!(e.stale_reads > 0, "copies read while rewritten: {e:?}"),
            other => panic!("no {other} engine in the scenario"),
        }
    }

    // Failures by reason: core's non-zero reasons (read from its JSON), the engines' own among them.
    let shown: BTreeSet<(String, u64)> = text(&m.one("[data-testid=failed-by-reason]"))
        .split(" · ")
        .map(|part| {
            let (reason, n) = part.rsplit_once(' ').expect("a reason and a count");
            (reason.to_owned(), count(n))
        })
        .collect();
    let json = serde_json::to_value(&report.failed_by_reason).expect("the report's JSON");
    let want: BTreeSet<(String, u64)> = json
        .as_object()
        .expect("an object")
        .iter()
        .filter_map(|(k, n)| Some((k.replace('_', " "), n.as_u64().filter(|n| *n > 0)?)))
        .collect();
    assert_eq!(shown, want, "failed by reason");
    for reason in ["unsupported", "aborted", "out of memory"] {
        assert!(shown.iter().any(|(r, _)| r == reason), "{reason} in {shown:?}");
    }
    drop(m);

    let mut d = driver_on("01-single-server");
    run(&mut d, 1_000.0);
    let m = mount::<Metrics>(metrics_props(&d.snapshot())).await;
    assert!(m.find("[data-testid=by-op]").is_none(), "no operations, no table");
    assert!(m.find("section.engine").is_none(), "no engines, no readouts");
}

/// The by-class and by-client tables show core's rows of the same run, by class name and by the client's
/// label, and only when there is more than one row.
#[wasm_bindgen_test]
async fn breakdown_tables_equal_cores_report_of_the_same_run() {
    for (id, ms) in [("07-cdn", 3_000.0), ("30-lb-slow-backend", 2_000.0)] {
        let mut d = driver_on(id);
        run(&mut d, ms);
        let v = d.snapshot();
        let (doc, report) = core_run(id, ms);
        let m = mount::<Metrics>(metrics_props(&v)).await;
        let rows = |table: &str| -> Vec<(String, u64, String)> {
            m.all(&format!("[data-testid={table}] tbody tr"))
                .iter()
                .map(|tr| {
                    let done = count(&text(&all(tr, "td")[0]));
                    (attr(tr, "data-row"), done, text(&all(tr, "td")[2]))
                })
                .collect()
        };
        let want = |names: Vec<String>, figs: Vec<&switchyard_core::metrics::GroupFigures>| {
            let all: Vec<(String, u64, String)> = names
                .into_iter()
                .zip(figs)
                .map(|(n, g)| {
                    (
                        n,
                        g.completed,
                        if g.p50_ms >= 100.0 {
                            format!("{:.0} ms", g.p50_ms)
                        } else {
                            format!("{:.1} ms", g.p50_ms)
                        },
                    )
                })
                .collect();
            if all.len() > 1 {
                all
            } else {
                vec![]
            }
        };
        let classes = want(
            report.by_class.iter().map(|c| c.class.replace('_', " ")).collect(),
            report.by_class.iter().map(|c| &c.figures).collect(),
        );
        let labels = report
            .by_client
            .iter()
            .map(|c| {
                doc.nodes
                    .iter()
                    .find(|n| n.id == c.client)
                    .unwrap()
                    .label
                    .clone()
                    .unwrap_or_else(|| c.client.clone())
            })
            .collect();
        let clients = want(labels, report.by_client.iter().map(|c| &c.figures).collect());
        assert_eq!(rows("by-class"), classes, "{id}: by class");
        assert_eq!(rows("by-client"), clients, "{id}: by client");
        assert!(
            !classes.is_empty() || !clients.is_empty(),
            "{id} has a breakdown to show"
        );
        // The queue plot is there exactly when some node queued.
        assert_eq!(
            m.find("[data-testid=queue-plot]").is_some(),
            !v.series.queue.is_empty(),
            "{id}"
        );
    }
}

#[wasm_bindgen_test]
async fn metrics_readouts_equal_cores_report_of_the_same_run() {
    for (id, ms) in [("04-cache", 3_000.0), ("01-single-server", 3_000.0)] {
        let mut d = driver_on(id);
        run(&mut d, ms);
        let v = d.snapshot();
        let (doc, report) = core_run(id, ms);
        assert!(
            report.completed > 100,
            "{id}: {} completed by {ms} ms",
            report.completed
        );

        let m = mount::<Metrics>(metrics_props(&v)).await;
        let completed = m.one("[data-testid=completed]");
        assert_eq!(count(&text(&completed)), report.completed, "{id}: completed");
        assert_eq!(attr(&completed, "data-value"), report.completed.to_string(), "{id}");
        assert_eq!(
            count(&text(&m.one("[data-testid=failed]"))),
            report.failed,
            "{id}: failed"
        );
        assert_eq!(
            text(&m.one("[data-testid=throughput]")),
            format!("{:.0} req/s", report.throughput_rps),
            "{id}: throughput"
        );
        assert_eq!(
            count(&text(&m.one("[data-testid=in-flight]"))),
            report.in_flight,
            "{id}"
        );
        let (hits, misses) = report
            .nodes
            .iter()
            .filter_map(|n| n.cache.as_ref())
            .fold((0, 0), |(h, m), c| (h + c.hits, m + c.misses));
        match m.find("[data-testid=hit-ratio]") {
            Some(el) => {
                assert!(hits > 0 && misses > 0, "{id}: a cache that both hits and misses");
                assert_eq!(
                    text(&el),
                    format!("{:.1}%", hits as f64 / (hits + misses) as f64 * 100.0),
                    "{id}: hit ratio"
                );
            }
            None => assert_eq!(hits + misses, 0, "{id}: has caches but shows no hit ratio"),
        }
        if id == "04-cache" {
            assert!(
                m.find("[data-testid=hit-ratio]").is_some(),
                "the cache preset shows its hit ratio"
            );
        }
        // One utilization meter per node, in order.
        let meters: Vec<String> = m.all("li[data-util]").iter().map(|li| attr(li, "data-util")).collect();
        let ids: Vec<String> = doc.nodes.iter().map(|n| n.id.clone()).collect();
        assert_eq!(meters, ids, "{id}: a meter per node");
        // The mean, which queueing formulas predict, is shown too.
        let mean = report.latency_ms.mean;
        assert!(mean > 0.0, "{id}: a mean latency");
        let shown = if mean >= 100.0 {
            format!("{mean:.0} ms")
        } else {
            format!("{mean:.1} ms")
        };
        assert_eq!(text(&m.one("[data-testid=mean]")), shown, "{id}: mean latency");
        assert_eq!(
            text(&m.one("[data-testid=util-title]")),
            "Utilization",
            "{id}: live while running"
        );
        drop(m);

        // Once the run has ended, the meters show the run's averages, not the idle last moment.
        let mut props = metrics_props(&v);
        props.finished = true;
        let m = mount::<Metrics>(props).await;
        assert_eq!(
            text(&m.one("[data-testid=util-title]")),
            "Utilization (run average)",
            "{id}"
        );
        let mut checked = 0;
        for (n, view) in report.nodes.iter().zip(&v.nodes) {
            if view.workers.is_none() {
                continue;
            }
            let meter = m.one(&format!("li[data-util='{}'] [role=meter]", n.id));
            let pct = (n.utilization * 100.0).clamp(0.0, 100.0);
            assert_eq!(
                attr(&meter, "aria-valuenow"),
                format!("{pct:.0}"),
                "{id}.{}: run average",
                n.id
            );
            checked += 1;
        }
        assert!(checked > 0, "{id}: a node with workers");
    }
}

/// The inspector shows what the selected node did over the run, core's per-node figures.
#[wasm_bindgen_test]
async fn inspector_shows_the_selected_nodes_figures_over_the_run() {
    let id = "11-queue-limit";
    let ms = 20_000.0;
    let mut d = driver_on(id);
    run(&mut d, ms);
    let (_, report) = core_run(id, ms);
    let mut turned_away_somewhere = false;
    for (i, n) in report.nodes.iter().enumerate() {
        d.select(Selection::Nodes([i].into()));
        let v = d.snapshot();
        let m = mount::<Inspector>(inspector_props(&v, Callback::noop())).await;
        assert_eq!(
            count(&text(&m.one("[data-testid=node-arrivals]"))),
            n.arrivals,
            "{}: arrivals",
            n.id
        );
        assert_eq!(
            count(&text(&m.one("[data-testid=node-served]"))),
            n.served,
            "{}: served",
            n.id
        );
        let away = n.dropped + n.refused + n.too_large;
        assert_eq!(count(&text(&m.one("[data-testid=node-turned-away]"))), away, "{}", n.id);
        assert_eq!(
            text(&m.one("[data-testid=node-queue]")),
            format!("{:.1} / {}", n.mean_queue, thousands(n.max_queue)),
            "{}: queue",
            n.id
        );
        turned_away_somewhere |= away > 0;
    }
    assert!(turned_away_somewhere, "{id}: the full queue turns jobs away");
}

// ---- banner -------------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn banner_renders_hostile_markup_as_text() {
    let message = r#"<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> link broken"#.to_owned();
    let (on_empty, empties) = recorder();
    let (on_dismiss, dismissals) = recorder();
    let m = mount::<Banner>(BannerProps {
        message: message.clone(),
        on_empty,
        on_dismiss,
    })
    .await;
    assert!(m.find("img").is_none(), "an <img> was created from the message");
    assert!(m.find("script").is_none(), "a <script> was created from the message");
    assert_eq!(text(&m.one("[role=alert] p")), message, "the message is shown verbatim");
    let pwned = js_sys::Reflect::get(&web_sys::window().unwrap(), &"__pwned".into()).unwrap();
    assert!(pwned.is_undefined(), "the message's handler ran");
    click(&m.one("[data-testid=link-error-dismiss]"));
    settle().await;
    assert_eq!((empties.borrow().len(), dismissals.borrow().len()), (0, 1));
    click(&m.one("[data-testid=link-error-empty]"));
    settle().await;
    assert_eq!((empties.borrow().len(), dismissals.borrow().len()), (1, 1));
}

// ---- shortcuts ----------------------------------------------------------------------------------------------

/// The editing actions the keyboard must reach, by name.
const EDITING: [&str; 11] = [
    "Undo",
    "Redo",
    "Copy",
    "Paste",
    "SelectAll",
    "Delete",
    "MoveSelected",
    "Pan",
    "Zoom",
    "Fit",
    "NewBlank",
];

fn action_name(a: &Action) -> &'static str {
    match a {
        Action::Undo => "Undo",
        Action::Redo => "Redo",
        Action::Copy => "Copy",
        Action::Paste => "Paste",
        Action::SelectAll => "SelectAll",
        Action::Delete => "Delete",
        Action::MoveSelected(..) => "MoveSelected",
        Action::Pan(..) => "Pan",
        Action::Zoom(..) => "Zoom",
        Action::Fit => "Fit",
        Action::NewBlank => "NewBlank",
        Action::TogglePlay => "TogglePlay",
        Action::StepEvent => "StepEvent",
        Action::StepMs(_) => "StepMs",
        Action::ToggleSelected => "ToggleSelected",
        Action::PartitionSelected => "PartitionSelected",
        _ => "other",
    }
}

/// The ways the list may write a key (`ArrowLeft` → `Arrow keys`, Ctrl with `Z` → `Ctrl+Shift+Z`). `=` and `_`
/// are the same physical keys as `+` and `-`, which the list names; a capital may be listed as its letter.
fn written(key: &str, ctrl: bool, shift: bool) -> Vec<String> {
    let letter = key.len() == 1 && key.chars().all(|c| c.is_ascii_alphabetic());
    let base = match key {
        " " => "Space".to_owned(),
        "Escape" => "Esc".to_owned(),
        "=" => "+".to_owned(),
        "_" => "-".to_owned(),
        k if k.starts_with("Arrow") => "Arrow keys".to_owned(),
        k if letter => k.to_ascii_uppercase(),
        k => k.to_owned(),
    };
    match (ctrl, shift && letter) {
        (true, true) => vec![format!("Ctrl+Shift+{base}")],
        (true, false) => vec![format!("Ctrl+{base}")],
        (false, true) => vec![format!("Shift+{base}"), base],
        (false, false) => vec![base],
    }
}

#[wasm_bindgen_test]
async fn shortcut_list_names_every_key_the_handler_understands() {
    let m = mount::<Shortcuts>(ShortcutsProps {
        on_close: Callback::noop(),
    })
    .await;
    let listed: Vec<String> = m.all("dt kbd").iter().map(text).collect();
    assert!(!listed.is_empty(), "the list is empty");
    // `Ctrl+Z / Ctrl+Shift+Z or Ctrl+Y` lists three keys.
    let names: BTreeSet<String> = listed
        .iter()
        .flat_map(|k| k.split(" / ").flat_map(|part| part.split(" or ")))
        .map(|k| k.trim().to_owned())
        .collect();
    let mut keys: Vec<String> = (0x21u8..0x7f).map(|c| (c as char).to_string()).collect();
    for k in [
        " ",
        "Escape",
        "Delete",
        "Backspace",
        "Enter",
        "Tab",
        "ArrowLeft",
        "ArrowRight",
        "ArrowUp",
        "ArrowDown",
    ] {
        keys.push(k.to_owned());
    }
    let mut reached = BTreeSet::new();
    let mut probed = 0;
    for key in &keys {
        // A letter typed with Shift arrives as its capital; Shift on an arrow moves further.
        let shifts: &[bool] = if key.starts_with("Arrow") {
            &[false, true]
        } else if key.len() == 1 && key.chars().all(|c| c.is_ascii_uppercase()) {
            &[true]
        } else {
            &[false]
        };
        for &shift in shifts {
            for ctrl in [false, true] {
                for nothing_selected in [true, false] {
                    let init = KeyboardEventInit::new();
                    init.set_key(key);
                    init.set_ctrl_key(ctrl);
                    init.set_shift_key(shift);
                    let e = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
                    probed += 1;
                    let Some(s) = shortcut(&e, nothing_selected) else {
                        continue;
                    };
                    let name = match &s {
                        Shortcut::Do(a) => action_name(a),
                        Shortcut::Help => "Help",
                        Shortcut::Close => "Close",
                    };
                    reached.insert(name);
                    let forms = written(key, ctrl, shift);
                    assert!(
                        forms.iter().any(|w| names.contains(w)),
                        "{key:?} (ctrl {ctrl}, shift {shift}) does {name}, but the list names none of {forms:?}: \
                         {names:?}"
                    );
                }
            }
        }
    }
    assert!(probed > 300, "probed only {probed} keys");
    for name in EDITING {
        assert!(reached.contains(name), "no key reaches {name}");
    }
}

// ---- ring view, shard map -----------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn ring_view_shows_cores_key_shares_and_the_keys_that_move() {
    let d = driver_on("03-load-balancer");
    let doc = d.doc().clone();
    let lb = doc
        .nodes
        .iter()
        .find(|n| n.spec.kind() == NodeKind::LoadBalancer)
        .expect("a balancer");
    let backends: Vec<String> = doc
        .edges
        .iter()
        .filter(|e| e.from == lb.id)
        .filter_map(|e| doc.nodes.iter().find(|n| n.id == e.to))
        .map(|n| n.label.clone().unwrap_or_else(|| n.id.clone()))
        .collect();
    assert!(backends.len() >= 2, "the balancer has backends");
    let n = backends.len() as u32;
    let m = mount::<RingView>(RingViewProps {
        title: lb.id.clone(),
        backends: backends.clone(),
        on_close: Callback::noop(),
    })
    .await;
    let selects = m.all("select");
    assert_eq!(selects[0].dyn_ref::<HtmlSelectElement>().unwrap().value(), "ring");
    let vnodes: u32 = selects[1]
        .dyn_ref::<HtmlSelectElement>()
        .unwrap()
        .value()
        .parse()
        .unwrap();

    let mut cfg = Config::new(Algo::Ring);
    cfg.vnodes = vnodes;
    let mut p = cfg.build().unwrap();
    let servers: Vec<Server> = (0..n)
        .map(|i| Server {
            id: ServerId(i),
            weight: 1,
        })
        .collect();
    p.add_all(&servers).unwrap();
    let shares = p.shares();
    let rows = m.all("[data-testid=ring-shares] li");
    assert_eq!(rows.len(), shares.len());
    for (row, s) in rows.iter().zip(&shares) {
        assert_eq!(text(&one(row, ".util-label")), backends[s.server.0 as usize]);
        assert_eq!(text(&one(row, ".util-value")), format!("{:.1}%", s.fraction * 100.0));
    }
    let circle = attr(&m.one("[data-testid=ring-circle]"), "aria-label");
    assert!(
        circle.starts_with(&format!("Hash ring with {} virtual nodes", p.points().len())),
        "{circle}"
    );
    assert_eq!(p.points().len(), (vnodes * n) as usize);

    // Add a server: one more share row, and the moved-key count core's diff gives.
    let keys: Vec<u64> = (0..400).collect();
    let before = RingSnapshot::lookup(&*p, keys).unwrap();
    p.add(ServerId(n), 1).unwrap();
    let (movement, _) = before.diff(&*p).unwrap();
    click(&m.one("[data-testid=ring-add]"));
    settle().await;
    assert_eq!(m.all("[data-testid=ring-shares] li").len(), n as usize + 1);
    let moved = text(&m.one("[data-testid=ring-moved]"));
    let fraction = movement.fraction();
    assert!(fraction > 0.0 && fraction < 0.7, "adding one server moved {fraction}");
    assert!(
        moved.starts_with(&format!(
            "{} of 400 sample keys moved ({:.1}%)",
            (fraction * 400.0).round(),
            fraction * 100.0
        )),
        "{moved}"
    );
}

#[wasm_bindgen_test]
async fn shard_map_bars_match_cores_per_shard_counts() {
    let mut d = driver_on("06-shards");
    run(&mut d, 3_000.0);
    let v = d.snapshot();
    assert!(!v.shard_routers.is_empty(), "the shard preset has a router");
    let m = mount::<ShardMap>(ShardMapProps {
        routers: v.shard_routers.clone(),
        on_close: Callback::noop(),
    })
    .await;
    let sections = m.all("section.shard-router");
    assert_eq!(sections.len(), v.shard_routers.len());
    for (section, r) in sections.iter().zip(v.shard_routers.iter()) {
        assert_eq!(attr(section, "data-router"), r.id);
        assert_eq!(
            text(&one(section, "[data-testid=load-skew]")),
            format!("load skew {:.2}", r.load_skew)
        );
        let rows = all(section, "tbody tr");
        assert_eq!(rows.len(), r.shards.len(), "{}: a row per shard", r.id);
        let total: u64 = r.shards.iter().map(|s| s.requests).sum();
        assert!(total > 0, "{}: routed nothing in 3 s", r.id);
        let max = r.shards.iter().map(|s| s.requests).max().unwrap() as f64;
        for (row, s) in rows.iter().zip(&r.shards) {
            assert!(text(&one(row, "th")).starts_with(&s.node));
            let cells = all(row, "td");
            assert_eq!(text(&cells[0]), s.requests.to_string(), "{}: load", s.node);
            assert_eq!(text(&cells[1]), s.keys.to_string(), "{}: keys", s.node);
            let width = attr(&one(&cells[0], ".fill"), "style");
            assert_eq!(
                width,
                format!("width:{:.1}%", s.requests as f64 / max * 100.0),
                "{}",
                s.node
            );
        }
    }
}

#[wasm_bindgen_test]
async fn cap_panel_shows_cores_counts_and_the_checkers_verdict() {
    for id in ["12-partition-cp", "13-partition-ap"] {
        let mut d = driver_on(id);
        // Past the partition (1 s) and its healing (2 s).
        run(&mut d, 2_500.0);
        d.check_consistency();
        let v = d.snapshot();
        assert!(!v.databases.is_empty(), "{id}: a replicated cluster");
        let check = v.cap_check.clone().expect("a verdict after check_consistency");
        let (on_action, log) = recorder();
        let m = mount::<CapPanel>(CapPanelProps {
            databases: v.databases.clone(),
            check: Some(check.clone()),
            runnable: v.runnable,
            now_ms: v.now_ms,
            on_action,
            on_close: Callback::noop(),
        })
        .await;
        let pct = |x: f64| format!("{:.1}%", x * 100.0);
        for db in v.databases.iter() {
            let section = m.one(&format!("section.cap-cluster[data-cluster='{}']", db.cluster));
            assert_eq!(
                text(&one(&section, "h3")),
                format!(
                    "{} — {} replication, {}",
                    db.cluster,
                    db.mode,
                    db.consistency.to_uppercase()
                ),
                "{id}"
            );
            let rows = all(&section, "tbody tr");
            assert_eq!(rows.len(), 1 + db.by_side.len(), "{id}: all, then one row per side");
            assert!(db.all.ops > 0, "{id}: no operations in 2.5 s");
            let cells: Vec<String> = all(&rows[0], "td").iter().map(text).collect();
            assert_eq!(
                cells,
                [
                    db.all.ops.to_string(),
                    pct(db.all.availability),
                    db.all.unavailable.to_string(),
                    db.all.stale_reads.to_string()
                ],
                "{id}: the `all` row"
            );
            for (row, side) in rows[1..].iter().zip(&db.by_side) {
                assert_eq!(text(&one(row, "th")), side.side, "{id}");
                assert_eq!(
                    text(&all(row, "td")[0]),
                    side.counts.ops.to_string(),
                    "{id}/{}",
                    side.side
                );
            }
        }
        let verdict = m.one("[data-testid=cap-verdict]");
        let class = attr(&verdict, "class");
        let expected = match &check.report.linearizable {
            Value::Bool(true) => "ok",
            Value::Bool(false) => "bad",
            _ => "unknown",
        };
        assert!(
            class.split(' ').any(|c| c == expected),
            "{id}: verdict class {class:?}, core says {expected}"
        );
        assert!(
            text(&verdict).contains(&format!("availability {}", pct(check.report.availability))),
            "{id}: {}",
            text(&verdict)
        );
        // A violation is drawn as one bar per operation core names.
        assert_eq!(all(&verdict, "line.op").len(), check.ops.len(), "{id}");
        assert_eq!(check.report.violation.is_some(), !check.ops.is_empty(), "{id}");
        click(&m.one("[data-testid=cap-check]"));
        settle().await;
        assert!(
            matches!(log.borrow().as_slice(), [Action::CheckConsistency]),
            "{id}: the check button asks for a check"
        );
    }
}

#[wasm_bindgen_test]
async fn presets_gallery_lists_every_preset_and_picks_the_one_chosen() {
    let chosen = preset("04-cache");
    let doc = scenario::parse(presets::ALL[chosen].1).unwrap();
    let (on_select, picked) = recorder();
    let m = mount::<Presets>(PresetsProps {
        selected: Some(chosen),
        description: Some(doc.description.clone().into()),
        fetching: None,
        on_select,
        on_blank: Callback::noop(),
        on_challenges: Callback::noop(),
        on_capacity: Callback::noop(),
    })
    .await;
    let options = m.all("select[data-testid=preset-select] option:not([value=''])");
    assert_eq!(options.len(), presets::ALL.len(), "one option per shipped preset");
    for (o, &(id, json)) in options.iter().zip(presets::ALL) {
        let doc = scenario::parse(json).expect("every preset parses");
        assert_eq!(attr(o, "value"), id);
        assert_eq!(text(o), doc.name, "{id}: the option shows the scenario's name");
    }
    assert_eq!(text(&m.one("[data-testid=preset-description]")), doc.description);
    let select = m.one("select[data-testid=preset-select]");
    assert_eq!(
        select.dyn_ref::<HtmlSelectElement>().unwrap().value(),
        presets::ALL[chosen].0
    );
    // Choose another: the callback gets its index in `presets::ALL`.
    let other = preset("06-shards");
    select
        .dyn_ref::<HtmlSelectElement>()
        .unwrap()
        .set_value(presets::ALL[other].0);
    fire_change(&select);
    settle().await;
    assert_eq!(*picked.borrow(), [other]);
    assert_eq!(
        attr(&m.one("[data-testid=presets]"), "data-preset"),
        presets::ALL[chosen].0
    );

    // While the chosen preset is fetched, the gallery says so in place of the description.
    let m = mount::<Presets>(PresetsProps {
        selected: Some(chosen),
        description: Some(doc.description.clone().into()),
        fetching: Some(other),
        on_select: Callback::noop(),
        on_blank: Callback::noop(),
        on_challenges: Callback::noop(),
        on_capacity: Callback::noop(),
    })
    .await;
    assert_eq!(
        text(&m.one("[data-testid=preset-fetching]")),
        format!("Opening {}…", presets::NAMES[other].1)
    );
    assert!(m.all("[data-testid=preset-description]").is_empty());
}

#[wasm_bindgen_test]
async fn event_log_narrates_the_drivers_events_newest_first() {
    let mut d = driver_on("03-load-balancer");
    run(&mut d, 500.0);
    let victim = d
        .doc()
        .nodes
        .iter()
        .position(|n| n.spec.kind() == NodeKind::Service)
        .expect("a service");
    d.toggle_node(victim);
    run(&mut d, 1_000.0);
    d.toggle_node(victim);
    run(&mut d, 500.0);
    let v = d.snapshot();
    let label = &v.nodes[victim].label;
    let named: Vec<&String> = v
        .log
        .iter()
        .map(|(_, l)| l)
        .filter(|l| l.contains(label.as_str()))
        .collect();
    assert!(
        named.len() >= 2,
        "the crash and the recovery of {label} are logged: {:?}",
        v.log
    );
    let m = mount::<EventLog>(EventLogProps { lines: v.log.clone() }).await;
    let shown: Vec<String> = m.all("[data-testid=event-log] li").iter().map(text).collect();
    let expected: Vec<String> = v.log.iter().rev().map(|(_, l)| l.clone()).collect();
    assert_eq!(shown, expected);
    assert!(
        m.find(".hint").is_none(),
        "the empty-log hint is gone once something happened"
    );
}

/// Numbers typed into fields go through the browser's parser (`num::parse_f64`) rather than Rust's: it must
/// accept exactly the decimal texts Rust accepts, give the same value, and refuse the rest.
#[wasm_bindgen_test]
fn typed_numbers_parse_as_rust_parses_them() {
    use switchyard_web::num::parse_f64;
    let decimal = [
        "0",
        "12",
        "-3",
        "+4",
        "0.5",
        ".5",
        "5.",
        "1e3",
        "1E-3",
        "-2.5e+2",
        "  7  ",
        "100000000000000000000",
        "0.1",
        "0.30000000000000004",
        "123456.789",
        "1e-320",
        "1.7976931348623157e308",
    ];
    for t in decimal {
        let rust: f64 = t.trim().parse().unwrap();
        assert_eq!(parse_f64(t).map(f64::to_bits), Some(rust.to_bits()), "{t:?}");
    }
    // Hex, blanks, non-finite values and junk are not numbers, though `Number()` takes some of them.
    let refused = [
        "",
        "   ",
        "abc",
        "1e",
        "12abc",
        "0x10",
        "0b1",
        "Infinity",
        "-Infinity",
        "NaN",
        "1e999",
        "1,5",
        "1_0",
    ];
    for t in refused {
        assert_eq!(parse_f64(t), None, "{t:?}");
    }
}

// ---- share dialog -------------------------------------------------------------------------------------------

/// Download names keep letters and digits of any script: in the browser, characters outside ASCII are
/// classified by the page's regular expressions (`\p{Alphabetic}`, `\p{N}`), as `char::is_alphanumeric` does
/// natively.
#[wasm_bindgen_test]
fn file_names_keep_letters_and_digits_of_any_script() {
    let mut doc = scenario::parse(r#"{"version":1,"nodes":[],"edges":[]}"#).expect("an empty scenario parses");
    for (name, want) in [
        ("Cache: read-through (LRU)", "cache-read-through-lru"),
        ("Café № 2 — Ωμέγα ٣", "café-2-Ωμέγα-٣"),
        ("東京 ⅻ 𝟘 😀 x", "東京-ⅻ-𝟘-x"),
        ("!!!", "scenario"),
    ] {
        doc.name = name.into();
        assert_eq!(file_stem(&doc), want, "{name}");
        let native: String = name
            .chars()
            .map(|c| if c.is_alphanumeric() { 'a' } else { ' ' })
            .collect();
        let browser: String = name
            .chars()
            .map(|c| if !file_stem_keeps(c) { ' ' } else { 'a' })
            .collect();
        assert_eq!(browser, native, "{name}");
    }
}

/// Whether `file_stem` keeps the character `c` (as a one-character name).
fn file_stem_keeps(c: char) -> bool {
    let mut doc = scenario::parse(r#"{"version":1,"nodes":[],"edges":[]}"#).expect("an empty scenario parses");
    doc.name = c.to_string();
    file_stem(&doc) != "scenario"
}

// ---- challenges and the design review (#22) -----------------------------------------------------------------

/// The gallery lists every bundled challenge under its level, easiest first, with this browser's progress as
/// badges; choosing one emits `StartChallenge` with its id, which the driver opens as an attempt.
#[wasm_bindgen_test]
async fn the_gallery_lists_every_challenge_by_level_with_progress() {
    let all = challenge::bundled();
    let first = all[0].id.clone();
    let progress: std::collections::BTreeMap<_, _> = [
        (
            first.clone(),
            switchyard_web::progress::Best {
                score: 100,
                solved: true,
            },
        ),
        (
            all[1].id.clone(),
            switchyard_web::progress::Best {
                score: 33,
                solved: false,
            },
        ),
    ]
    .into();
    let (on_action, log) = recorder();
    let (on_close, closed) = recorder();
    let m = mount::<ChallengeGallery>(ChallengeGalleryProps {
        progress: Rc::new(progress),
        on_action,
        on_close,
    })
    .await;
    let items = m.all("[data-testid=challenge-item]");
    let ids: Vec<String> = items.iter().map(|i| attr(i, "data-challenge")).collect();
    assert_eq!(ids, all.iter().map(|c| c.id.clone()).collect::<Vec<_>>());
    let badges: Vec<String> = m.all(".badge").iter().map(text).collect();
    assert_eq!(badges[0], "solved");
    assert_eq!(badges[1], "best 33");
    assert!(badges[2..].iter().all(|b| b == "new"), "{badges:?}");
    let levels: Vec<String> = m.all("h3").iter().map(text).collect();
    assert_eq!(levels.first().map(String::as_str), Some("first steps"));
    assert!(text(&m.one("p.hint")).contains(&format!("1 of {} solved", all.len())));
    click(&items[2]);
    settle().await;
    let Some(Action::StartChallenge(id)) = log.borrow_mut().pop() else {
        panic!("no StartChallenge")
    };
    assert_eq!(id, all[2].id);
    assert_eq!(closed.borrow().len(), 1, "choosing closes the gallery");
    let mut d = Driver::new(true);
    d.start_challenge(&id);
    assert_eq!(d.snapshot().challenge.map(|c| c.id.clone()), Some(id));
}

/// The goal panel shows each goal as core's `challenge::evaluate` measures it on the run so far, with its target;
/// the hint button reveals hints one at a time (fed back through the driver) and says when there are no more.
#[wasm_bindgen_test]
async fn the_goal_panel_shows_cores_live_measurements_and_hints() {
    let ch = challenge::bundled().into_iter().next().unwrap();
    let mut d = Driver::new(true);
    d.start_challenge(&ch.id);
    run(&mut d, 2_000.0);
    let (on_action, log) = recorder();
    let panel = |d: &Driver, on_action: Callback<Action>| ChallengePanelProps {
        view: d.snapshot().challenge.expect("an attempt"),
        finished: false,
        on_action,
        on_gallery: Callback::noop(),
        findings: 2,
    };
    let m = mount::<ChallengePanel>(panel(&d, on_action.clone())).await;
    let v = d.snapshot().challenge.unwrap();
    let goals = m.all("[data-testid=goal]");
    assert_eq!(goals.len(), ch.goals.len());
    for (el, g) in goals.iter().zip(&v.goals) {
        assert_eq!(attr(el, "data-pass"), g.pass.to_string());
        let shown = text(el);
        assert!(shown.contains(&g.label), "{shown}");
        assert!(
            shown.contains(&switchyard_web::components::challenge_value(g.metric, g.measured)),
            "{shown} shows {}",
            g.measured
        );
    }
    assert!(text(&m.one("h3")).contains("so far"));
    assert!(text(&m.one("[data-testid=challenge-review-note]")).contains("design review has 2 findings"));
    drop(m);
    // Each round: the panel as the driver now is, its hint button pressed, the action fed back.
    for k in 0..=ch.hints.len() {
        let m = mount::<ChallengePanel>(panel(&d, on_action.clone())).await;
        let shown: Vec<String> = m.all("[data-testid=hints] li").iter().map(text).collect();
        let want: Vec<String> = ch.hints.iter().take(k).map(|h| h.text.clone()).collect();
        assert_eq!(shown, want);
        let button = m.one("[data-testid=hint]");
        if k == ch.hints.len() {
            assert_eq!(text(&button), "No more hints");
            assert!(button.has_attribute("disabled"));
            break;
        }
        assert_eq!(text(&button), format!("Hint ({} of {})", k + 1, ch.hints.len()));
        click(&button);
        settle().await;
        let Some(Action::ShowHint) = log.borrow_mut().pop() else {
            panic!("no ShowHint")
        };
        d.show_hint();
    }
}

/// The result card carries core's score card as the CLI prints it (`data-score`), every goal with its measured
/// value and target, the headline saying how many were met, and "share" only for a solved design.
#[wasm_bindgen_test]
async fn the_result_card_is_cores_score_card() {
    let ch = challenge::bundled().into_iter().next().unwrap();
    for (design, solved) in [(&ch.start, false), (&ch.reference, true)] {
        let card = Rc::new(challenge::score(&ch, design).unwrap());
        let m = mount::<ResultCard>(ResultCardProps {
            card: card.clone(),
            title: ch.title.clone(),
            on_action: Callback::noop(),
            on_share: Callback::noop(),
            on_close: Callback::noop(),
        })
        .await;
        let root = m.one("[data-testid=result-card]");
        assert_eq!(attr(&root, "data-score"), card.to_json());
        assert_eq!(attr(&root, "data-solved"), solved.to_string());
        assert_eq!(card.solved, solved);
        let goals = m.all("[data-testid=goal]");
        assert_eq!(goals.len(), card.goals.len());
        for (el, g) in goals.iter().zip(&card.goals) {
            assert_eq!(attr(el, "data-pass"), g.pass.to_string());
        }
        assert!(text(&m.one("h2")).ends_with(&format!("score {}", card.score)));
        assert_eq!(m.all("[data-testid=result-share]").len(), usize::from(solved));
    }
}

/// The review lists the findings core's `review` makes of the design, by node label and reason; Dismiss emits
/// the finding's key, which the driver then hides (and counts as dismissed).
#[wasm_bindgen_test]
async fn the_review_lists_cores_findings_and_dismisses_them() {
    let mut d = driver_on("03-load-balancer");
    let v = d.snapshot();
    let scenario = d.doc().clone();
    let core = switchyard_core::review::review_scenario(&scenario).expect("the preset validates");
    assert!(!core.is_empty(), "the preset has something to review");
    let (on_action, log) = recorder();
    let m = mount::<Review>(ReviewProps {
        findings: v.findings.clone(),
        dismissed: v.dismissed,
        runnable: v.runnable,
        on_action,
    })
    .await;
    let items = m.all("[data-testid=finding]");
    assert_eq!(items.len(), core.len());
    for (el, f) in items.iter().zip(&core) {
        assert_eq!(attr(el, "data-rule"), f.rule.id());
        assert!(text(el).contains(&f.reason), "{}", text(el));
    }
    click(&m.one("[data-testid=finding] [data-testid=dismiss-finding]"));
    settle().await;
    let Some(Action::DismissFinding(key)) = log.borrow_mut().pop() else {
        panic!("no DismissFinding")
    };
    assert_eq!(key, core[0].key());
    d.dismiss_finding(key);
    let after = d.snapshot();
    assert_eq!((after.findings.len(), after.dismissed), (core.len() - 1, 1));
}

// ---- tours ------------------------------------------------------------------------------------------------

/// The first shipped tour, started in a driver with the presets it opens (no animation), then at step `k`.
fn touring(k: usize) -> Driver {
    let doc = scenario::parse(switchyard_core::tour::BUNDLED[0].1).expect("the tour parses");
    let mut d = Driver::new(true);
    d.open(doc);
    let wanted = d.tour_wanted().expect("the tour asks to start");
    let texts: Vec<(String, String)> = wanted
        .iter()
        .map(|n| {
            (
                n.clone(),
                switchyard_core::tour::bundled_preset(n).expect("a bundled preset"),
            )
        })
        .collect();
    d.start_tour(&texts);
    d.tour_go(k);
    for _ in 0..100_000 {
        if !d.snapshot().seeking {
            break;
        }
        d.frame(16.0, &|| false);
    }
    d
}

/// The tour panel shows core's narration of the step as text (strong, emphasis and code as elements, nothing
/// else), the step count, and its buttons emit the tour's actions, Back disabled on the first step; the
/// canvas and the metrics highlight what the step points at.
#[wasm_bindgen_test]
async fn the_tour_panel_shows_cores_narration_and_steps() {
    let scenes = switchyard_core::tour::scenes(
        &scenario::parse(switchyard_core::tour::BUNDLED[0].1).unwrap(),
        &switchyard_core::tour::bundled_preset,
    )
    .unwrap();
    // A middle step (Back and Next both enabled) that points at nodes and a readout.
    let k = (1..scenes.len() - 1)
        .find(|&k| !scenes[k].focus.is_empty() && scenes[k].highlight.is_some() && scenes[k].text.contains("**"))
        .expect("a middle step with focus, a highlight and strong text");
    let d = touring(k);
    let v = d.snapshot();
    let tour = v.tour.clone().expect("a tour view");
    let (on_action, log) = recorder::<Action>();
    let m = mount::<TourPanel>(TourPanelProps {
        view: tour.clone(),
        on_action: on_action.clone(),
        can_leave: true,
    })
    .await;
    assert_eq!(
        text(&one(&m.root, "[data-testid=tour-count]")),
        format!("Step {} of {}", k + 1, scenes.len())
    );
    let want: String = switchyard_core::tour::markup::parse(&scenes[k].text)
        .iter()
        .map(|p| p.iter().map(|s| s.text.as_str()).collect::<String>())
        .collect();
    assert_eq!(text(&one(&m.root, "[data-testid=tour-text]")), want);
    let tags: BTreeSet<String> = all(&m.root, "[data-testid=tour-text] *")
        .iter()
        .map(|e| e.tag_name())
        .collect();
    assert!(
        tags.iter().all(|t| ["P", "STRONG", "EM", "CODE"].contains(&t.as_str())),
        "{tags:?}"
    );
    assert!(tags.contains("STRONG"));
    click(&one(&m.root, "[data-testid=tour-next]"));
    click(&one(&m.root, "[data-testid=tour-back]"));
    settle().await;
    assert!(matches!(&log.borrow()[..], [Action::TourNext, Action::TourBack]));

    let canvas = mount::<Canvas>(canvas_props(&v, Callback::noop())).await;
    let focused: BTreeSet<String> = all(&canvas.root, "[data-node].focus")
        .iter()
        .map(|e| attr(e, "data-node"))
        .collect();
    let want: BTreeSet<String> = scenes[k].focus.iter().cloned().collect();
    assert_eq!(focused, want, "the canvas highlights the step's nodes");
    let metrics = mount::<Metrics>(metrics_props(&v)).await;
    let lit = one(&metrics.root, ".readouts .highlight [data-testid]");
    assert_eq!(attr(&lit, "data-testid"), tour.highlight.unwrap());

    let first = touring(0).snapshot().tour.unwrap();
    let m0 = mount::<TourPanel>(TourPanelProps {
        view: first,
        on_action,
        can_leave: false,
    })
    .await;
    assert!(one(&m0.root, "[data-testid=tour-back]").has_attribute("disabled"));
    assert!(m0.find("[data-testid=tour-exit]").is_none(), "an embed has no Leave");
}
