//! The root component: lays out the header, the side panels and the canvas, and owns the shell's state.
//!
//! The state is a reducer over one [`Driver`]: each action maps onto an engine command (load a preset, play,
//! crash a node, …), then takes a fresh [`Snapshot`] for rendering. One persistent animation-frame loop
//! advances virtual time, draws the request dots, and refreshes the snapshot a few times a second.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use yew::prelude::*;

use crate::components::{Canvas, EventLog, Header, Metrics, Palette, Presets};
use crate::driver::{preset_infos, Driver, Snapshot};
use crate::hooks::{prefers_reduced_motion, use_animation_frame};
use crate::render::dots;

/// How often the panels re-render while playing.
const REFRESH_MS: f64 = 100.0;

/// The shell's state: the driver (shared with the animation loop) and the latest snapshot of it.
pub struct Shell {
    driver: Rc<RefCell<Driver>>,
    pub view: Rc<Snapshot>,
}

impl PartialEq for Shell {
    fn eq(&self, other: &Shell) -> bool {
        Rc::ptr_eq(&self.driver, &other.driver) && self.view == other.view
    }
}

impl Shell {
    fn new() -> Shell {
        let driver = Driver::new(prefers_reduced_motion());
        let view = Rc::new(driver.snapshot());
        Shell {
            driver: Rc::new(RefCell::new(driver)),
            view,
        }
    }
}

pub enum Action {
    LoadPreset(usize),
    TogglePlay,
    SetSpeed(f64),
    Reset,
    RunToEnd,
    /// Crash the node if it is up, recover it if it is down.
    ToggleNode(usize),
    /// Time moved on: take a new snapshot.
    Refresh,
}

impl Reducible for Shell {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let view = {
            let mut d = self.driver.borrow_mut();
            match action {
                Action::LoadPreset(i) => d.load(i),
                Action::TogglePlay => d.toggle_play(),
                Action::SetSpeed(s) => d.speed = s,
                Action::Reset => d.reset(),
                Action::RunToEnd => d.run_to_end(),
                Action::ToggleNode(n) => d.toggle_node(n),
                Action::Refresh => {}
            }
            d.snapshot()
        };
        if view == *self.view {
            return self;
        }
        Rc::new(Shell {
            driver: self.driver.clone(),
            view: Rc::new(view),
        })
    }
}

#[component]
pub fn App() -> Html {
    let shell = use_reducer(Shell::new);
    let presets = use_memo((), |_| preset_infos());
    let dots_ref = use_node_ref();

    {
        let driver = shell.driver.clone();
        let dispatch = shell.dispatcher();
        let dots_ref = dots_ref.clone();
        let last = Cell::new(None::<f64>);
        let since_refresh = Cell::new(0.0);
        let stale = Cell::new(false);
        use_animation_frame(move |ts| {
            let dt = last.replace(Some(ts)).map_or(0.0, |prev| ts - prev);
            let changed = {
                let mut d = driver.borrow_mut();
                let changed = d.frame(dt);
                if let Some(canvas) = dots_ref.cast::<web_sys::HtmlCanvasElement>() {
                    let (hops, now) = d.dots();
                    dots::draw(&canvas, d.layout(), hops, now);
                }
                changed
            };
            // Re-render the panels at most every REFRESH_MS, and once more after the last change.
            stale.set(stale.get() || changed);
            since_refresh.set(since_refresh.get() + dt);
            if stale.get() && since_refresh.get() >= REFRESH_MS {
                since_refresh.set(0.0);
                stale.set(false);
                dispatch.dispatch(Action::Refresh);
            }
        });
    }
    use_effect_with((), |_| mark_first_render());

    let cb = |make: fn() -> Action| {
        let d = shell.dispatcher();
        Callback::from(move |_: ()| d.dispatch(make()))
    };
    let on_play = cb(|| Action::TogglePlay);
    let on_reset = cb(|| Action::Reset);
    let on_run_to_end = cb(|| Action::RunToEnd);
    let on_speed = {
        let d = shell.dispatcher();
        Callback::from(move |s| d.dispatch(Action::SetSpeed(s)))
    };
    let on_select = {
        let d = shell.dispatcher();
        Callback::from(move |i| d.dispatch(Action::LoadPreset(i)))
    };
    let on_toggle = {
        let d = shell.dispatcher();
        Callback::from(move |n| d.dispatch(Action::ToggleNode(n)))
    };
    let v = &shell.view;

    html! {
        <div class="shell">
            <Header playing={v.playing} speed={v.speed} now_ms={v.now_ms} finished={v.finished}
                    fast_forward={v.fast_forward} {on_play} {on_speed} {on_reset} {on_run_to_end} />
            <aside class="side" aria-label="Presets and components">
                <Presets presets={presets.clone()} selected={v.preset} {on_select} />
                if let Some(e) = &v.error {
                    <p class="error" role="alert">{ e }</p>
                }
                <Palette />
            </aside>
            <Canvas nodes={v.nodes.clone()} edges={v.edges.clone()} layout={v.layout.clone()} dots={dots_ref}
                    sample_every={v.sample_every} reduced_motion={v.reduced_motion} {on_toggle} />
            <aside class="stats" aria-label="Metrics and events">
                <Metrics completed={v.completed} failed={v.failed} throughput_rps={v.throughput_rps}
                         p50_ms={v.p50_ms} p99_ms={v.p99_ms}
                         in_flight={v.in_flight} nodes={v.nodes.clone()} series={v.series.clone()} />
                <EventLog lines={v.log.clone()} />
            </aside>
        </div>
    }
}

/// Records a `switchyard:first-render` performance mark, which the page-load benchmark reads.
fn mark_first_render() {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark("switchyard:first-render");
    }
}
