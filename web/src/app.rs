//! The root component: lays out the header, the side panels and the canvas, and owns the shell's state.
//!
//! The state is a reducer over one [`Driver`]: each action maps onto an engine command (load a preset, play,
//! crash a node, …), then takes a fresh [`Snapshot`] for rendering. One persistent animation-frame loop
//! advances virtual time, draws the request dots, and refreshes the snapshot a few times a second.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use yew::prelude::*;

use switchyard_core::presets;
use switchyard_core::scenario::Scenario;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;

use crate::action::{Action, Dialog};
use crate::components::{
    emit_action, Banner, Canvas, CapPanel, CapacityDialog, ChallengeGallery, ChallengePanel, EmbedBar, EventLog,
    Header, Inspector, Metrics, OtherTabBanner, Palette, Presets, Recorder, ResultCard, Review, RingView, ShardMap,
    ShareDialog, Shortcuts, TourPanel, Tours,
};
use crate::driver::{Driver, Selection, Snapshot};
use crate::embed::Embed;
use crate::fetch;
use crate::hooks::{prefers_reduced_motion, use_animation_frame};
use crate::render::dots;
use crate::share;

/// Main-thread time one frame may spend running the simulation.
const FRAME_BUDGET_MS: f64 = 8.0;

/// `performance.now()`, or 0 where there is none.
fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

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
    fn new(doc: Option<Scenario>) -> Shell {
        let mut driver = Driver::new(prefers_reduced_motion());
        if let Some(doc) = doc {
            driver.open(doc);
        }
        let view = Rc::new(driver.snapshot());
        Shell {
            driver: Rc::new(RefCell::new(driver)),
            view,
        }
    }
}

impl Reducible for Shell {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let view = {
            let mut d = self.driver.borrow_mut();
            match action {
                Action::LoadPreset(i, json) => d.load(i, &json),
                Action::NewBlank => d.new_blank(),
                Action::Open(doc) => d.replace(*doc),
                Action::TogglePlay => d.toggle_play(),
                Action::Play(on) => {
                    if d.playing != on {
                        d.toggle_play();
                    }
                }
                Action::SetSpeed(s) => d.speed = s,
                Action::Reset => d.reset(),
                Action::RunToEnd => d.run_to_end(),
                Action::StepEvent => d.step_event(),
                Action::StepMs(ms) => d.step_ms(ms),
                Action::ToggleNode(n) => d.toggle_node(n),
                Action::ToggleSelected => {
                    for n in d.selection().nodes() {
                        d.toggle_node(n);
                    }
                }
                Action::Refresh => {}
                Action::Select(s) => d.select(s),
                Action::ToggleInSelection(n) => d.toggle_selected(n),
                Action::SelectAll => d.select_all(),
                Action::AddNode(kind, at) => d.add_node(kind, at),
                Action::InsertOnEdge(e, kind, at) => d.insert_on_edge(e, kind, at),
                Action::SetReplicates(a, b, on) => d.set_replicates(a, b, on),
                Action::SetClusterParam(c, key, v) => d.set_cluster_param(c, key, v),
                Action::Connect(a, b) => d.connect(a, b),
                Action::MoveSelected(dx, dy) => d.move_selected(dx, dy),
                Action::Delete => d.delete_selected(),
                Action::Copy => d.copy(),
                Action::Paste => d.paste(),
                Action::Undo => d.undo(),
                Action::Redo => d.redo(),
                Action::SetNodeParam(n, key, v) => d.set_node_param(n, key, v),
                Action::SetEdgeParam(e, key, v) => d.set_edge_param(e, key, v),
                Action::SetScenarioParam(key, v) => d.set_scenario_param(key, v),
                Action::SetLabel(n, label) => d.set_label(n, label),
                Action::Seek(ms) => d.seek(ms),
                Action::Inject(f) => d.inject(f),
                Action::RemoveFault(i) => d.edit(|doc, _| {
                    if i < doc.faults.len() {
                        doc.faults.remove(i);
                    }
                    Ok(())
                }),
                Action::CheckConsistency => d.check_consistency(),
                Action::ApplySizing(s) => d.apply_sizing(&s),
                Action::PartitionSelected => d.partition_selected(),
                Action::Zoom(f, at) => d.zoom(f, at),
                Action::Pan(dx, dy) => d.pan(dx, dy),
                Action::Fit => d.fit(),
                Action::Tidy => d.tidy(),
                Action::StartChallenge(id) => d.start_challenge(&id),
                Action::ShowHint => d.show_hint(),
                Action::ShowReference => d.show_reference(),
                Action::LeaveChallenge => d.leave_challenge(),
                Action::DismissFinding(key) => d.dismiss_finding(key),
                Action::RestoreFindings => d.restore_findings(),
                Action::RequestTour => d.request_tour(),
                Action::StartTour(presets) => d.start_tour(&presets),
                Action::TourNext => d.tour_next(),
                Action::TourBack => d.tour_back(),
                Action::TourGo(k) => d.tour_go(k),
                Action::TourAutoplay(on) => d.set_autoplay(on),
                Action::ExitTour => d.exit_tour(),
                Action::StartRecording => d.start_recording(),
                Action::AddRecordedStep(title, text, metric) => d.add_recorded_step(title, text, metric),
                Action::FinishRecording(title) => d.finish_recording(title),
                Action::CancelRecording => d.cancel_recording(),
            }
            // A challenge's run that reached its end is scored (once).
            d.settle();
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
    let embed = *use_memo((), |_| Embed::current());
    // The first document and any problem with the link, decided once; embeds never touch storage.
    let boot = use_memo((), move |_| {
        let b = share::boot(!embed.is_embed());
        (RefCell::new(b.doc), b.error)
    });
    let shell = {
        let boot = boot.clone();
        use_reducer(move || Shell::new(boot.0.borrow_mut().take()))
    };
    let banner = {
        let boot = boot.clone();
        use_state(move || boot.1.clone())
    };
    // The newest preset choice: a fetch that comes back after a later choice is dropped.
    let preset_choice = use_mut_ref(|| 0_u32);
    // The preset being fetched, for the gallery to say so.
    let fetching = use_state(|| None::<usize>);
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
                // Leave room for drawing and layout in a 60 Hz frame.
                let start = now_ms();
                let changed = d.frame(dt, &|| now_ms() - start > FRAME_BUDGET_MS);
                if let Some(canvas) = dots_ref.cast::<web_sys::HtmlCanvasElement>() {
                    let (hops, now) = d.dots();
                    let drawn = dots::draw(&canvas, d.layout(), hops, now);
                    // The frame benchmark reads how many dots are on screen.
                    let _ = canvas.set_attribute("data-dots", &drawn.to_string());
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

    let help = use_state(|| false);
    let dialog = use_state(|| None::<Dialog>);
    // The score card the user closed (the card shows until then), and the progress kept in this browser.
    let result_seen = use_state(|| None::<Rc<switchyard_core::challenge::ScoreCard>>);
    let progress = use_state(|| {
        Rc::new(if embed.is_embed() {
            Default::default()
        } else {
            crate::progress::load()
        })
    });
    {
        let progress = progress.clone();
        let card = shell.view.challenge.as_ref().and_then(|c| c.result.clone());
        use_effect_with(card.map(RcEq), move |card| {
            if let (Some(RcEq(card)), false) = (card, embed.is_embed()) {
                progress.set(Rc::new(crate::progress::record(card)));
            }
        });
    }
    let on_open = {
        let dialog = dialog.clone();
        Callback::from(move |d: Dialog| dialog.set(Some(d)))
    };
    let on_action = {
        let d = shell.dispatcher();
        Callback::from(move |a: Action| {
            if embed.allows(&a) {
                d.dispatch(a)
            }
        })
    };
    // Another tab wrote the autosave, so this one stopped: the banner asks which work to keep.
    let other_tab = use_state(|| false);
    let saver = use_memo((), |_| share::Saver::new());
    {
        // Keep the link in the fragment, the tab's record and the autosave up to date, at most once a second;
        // not for the document as opened, and never in an embed.
        let saver = saver.clone();
        let first = use_mut_ref(|| true);
        let kept = shell.view.tour_doc.clone().unwrap_or_else(|| shell.view.doc.clone());
        use_effect_with(kept, move |doc| {
            if !std::mem::replace(&mut *first.borrow_mut(), false) && !embed.is_embed() {
                saver.note(doc.clone());
            }
        });
    }
    {
        // Flush on leaving, follow a link pasted into the address bar, notice another tab's autosave.
        let (saver, dispatch, banner, other_tab) =
            (saver.clone(), shell.dispatcher(), banner.clone(), other_tab.clone());
        let driver = shell.driver.clone();
        let took = (*saver).clone();
        use_effect_with((), move |_| {
            let listeners = (!embed.is_embed()).then(|| {
                share::listen(
                    &saver,
                    move |hash| match share::open_link(&hash) {
                        Ok(mut doc) => {
                            let view = doc.view.take();
                            let replaced = doc != *driver.borrow().doc();
                            if replaced {
                                doc.view = view;
                                dispatch.dispatch(Action::Open(Box::new(doc)));
                            }
                            took.took(hash, replaced);
                        }
                        // The current work stays; the banner says what is wrong with the link.
                        Err(message) => {
                            took.took(hash, false);
                            banner.set(Some(message));
                        }
                    },
                    move || other_tab.set(true),
                )
            });
            move || drop(listeners)
        });
    }
    {
        // Keyboard shortcuts, on the whole document, except while typing in a field.
        let on_action = on_action.clone();
        let help = help.clone();
        let selection_empty = shell.view.selection == Selection::None;
        use_effect_with(selection_empty, move |_| {
            let listener = web_sys::window().and_then(|w| w.document()).map(|doc| {
                let opts = gloo_events::EventListenerOptions::enable_prevent_default();
                gloo_events::EventListener::new_with_options(&doc, "keydown", opts, move |e| {
                    let Some(e) = e.dyn_ref::<KeyboardEvent>() else { return };
                    if typing(e) {
                        return;
                    }
                    if let Some(action) = shortcut(e, selection_empty) {
                        e.prevent_default();
                        match action {
                            Shortcut::Help => help.set(!*help),
                            Shortcut::Close => {
                                help.set(false);
                                on_action.emit(Action::Select(Selection::None));
                            }
                            Shortcut::Do(a) => on_action.emit(a),
                        }
                    }
                })
            });
            move || drop(listener)
        });
    }
    let v = &shell.view;
    let on_play = emit_action(&on_action, || Action::TogglePlay);
    let on_reset = emit_action(&on_action, || Action::Reset);
    let on_run_to_end = emit_action(&on_action, || Action::RunToEnd);
    let on_speed = on_action.reform(Action::SetSpeed);
    let on_select = {
        let (on_action, banner, fetching) = (on_action.clone(), banner.clone(), fetching.clone());
        Callback::from(move |index: usize| {
            let Some(&(id, _)) = presets::NAMES.get(index) else {
                return;
            };
            let choice = {
                let mut latest = preset_choice.borrow_mut();
                *latest += 1;
                *latest
            };
            if id == presets::FIRST.0 {
                fetching.set(None);
                on_action.emit(Action::LoadPreset(index, presets::FIRST.1.to_owned()));
                return;
            }
            fetching.set(Some(index));
            let (on_action, banner, fetching, preset_choice) = (
                on_action.clone(),
                banner.clone(),
                fetching.clone(),
                preset_choice.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let fetched = fetch::preset(id).await;
                if *preset_choice.borrow() != choice {
                    return;
                }
                fetching.set(None);
                match fetched {
                    Ok(json) => on_action.emit(Action::LoadPreset(index, json)),
                    Err(message) => banner.set(Some(message)),
                }
            });
        })
    };
    let on_help = {
        let help = help.clone();
        Callback::from(move |()| help.set(!*help))
    };
    {
        // A document with a tour to start: fetch the presets it opens, then start it (a failed fetch leaves the
        // tour to say which preset it could not open).
        let (on_action, banner) = (on_action.clone(), banner.clone());
        use_effect_with(v.tour_wanted.clone(), move |wanted| {
            if let Some(names) = wanted.clone() {
                wasm_bindgen_futures::spawn_local(async move {
                    let mut presets = Vec::new();
                    for name in names {
                        match fetch::preset(&name).await {
                            Ok(json) => presets.push((name, json)),
                            Err(message) => banner.set(Some(message)),
                        }
                    }
                    on_action.emit(Action::StartTour(presets));
                });
            }
        });
    }

    if embed.is_embed() {
        return html! {
            <EmbedBar mode={embed} view={v.clone()} dots={dots_ref} on_action={on_action.clone()} />
        };
    }
    let on_open_tour = {
        let (on_action, banner) = (on_action.clone(), banner.clone());
        Callback::from(move |id: &'static str| {
            let (on_action, banner) = (on_action.clone(), banner.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match fetch::tour(id).await.and_then(|json| {
                    switchyard_core::scenario::parse(&json).map_err(|e| format!("The tour {id} does not open: {e}"))
                }) {
                    Ok(doc) => on_action.emit(Action::Open(Box::new(doc))),
                    Err(message) => banner.set(Some(message)),
                }
            });
        })
    };
    let on_share = {
        let dialog = dialog.clone();
        Callback::from(move |()| dialog.set(Some(Dialog::Share)))
    };
    let on_gallery = {
        let dialog = dialog.clone();
        Callback::from(move |()| dialog.set(Some(Dialog::Challenges)))
    };
    let result = v.challenge.as_ref().and_then(|c| c.result.clone());
    // The result card shows each new score card until it is closed; every card counts toward the progress.
    let show_result = result
        .as_ref()
        .filter(|r| !result_seen.as_ref().is_some_and(|seen| Rc::ptr_eq(seen, r)))
        .cloned();
    let close_result = {
        let (result_seen, result) = (result_seen.clone(), result.clone());
        Callback::from(move |()| result_seen.set(result.clone()))
    };
    let close_banner = {
        let banner = banner.clone();
        Callback::from(move |()| banner.set(None))
    };
    let on_take_over = {
        let (saver, other_tab, doc) = (saver.clone(), other_tab.clone(), v.doc.clone());
        Callback::from(move |()| {
            saver.take_over(doc.clone());
            other_tab.set(false);
        })
    };
    let on_open_theirs = {
        let (saver, other_tab, a) = (saver.clone(), other_tab.clone(), on_action.clone());
        Callback::from(move |()| {
            saver.set_superseded(false);
            if let Some(doc) = share::load_autosave() {
                a.emit(Action::Open(Box::new(doc)));
            }
            other_tab.set(false);
        })
    };
    html! {
        <div class="shell">
            if banner.is_some() || *other_tab {
                <div class="banners">
                    if let Some(message) = (*banner).clone() {
                        <Banner {message} on_dismiss={close_banner.clone()}
                                on_empty={let (a, c) = (on_action.clone(), close_banner.clone());
                                          Callback::from(move |()| { a.emit(Action::NewBlank); c.emit(()); })} />
                    }
                    if *other_tab {
                        <OtherTabBanner {on_take_over} {on_open_theirs} />
                    }
                </div>
            }
            <Header playing={v.playing} speed={v.speed} now_ms={v.now_ms} finished={v.finished}
                    runnable={v.runnable} max_ms={v.max_ms} seeking={v.seeking} fast_forward={v.fast_forward} {on_play} {on_speed} {on_reset}
                    {on_run_to_end} on_action={on_action.clone()} {on_share} />
            <aside class="side" aria-label="Presets and components">
                if let Some(c) = v.challenge.clone() {
                    <ChallengePanel view={c} finished={v.finished} on_action={on_action.clone()} on_gallery={on_gallery.clone()}
                                    findings={v.findings.len()} />
                }
                if let Some(t) = v.tour.clone() {
                    <TourPanel view={t} on_action={on_action.clone()} />
                }
                if let Some(r) = v.record.clone() {
                    <Recorder view={r} on_action={on_action.clone()} />
                }
                <Presets on_challenges={on_gallery.clone()} on_capacity={let d = dialog.clone(); Callback::from(move |()| d.set(Some(Dialog::Capacity)))} selected={v.preset} fetching={*fetching} description={v.preset.map(|_| AttrValue::from(v.doc.description.clone()))} {on_select}
                         on_blank={emit_action(&on_action, || Action::NewBlank)} />
                <Palette on_action={on_action.clone()} />
                <Inspector doc={v.doc.clone()} selection={v.selection.clone()} problems={v.problems.clone()}
                           nodes={v.nodes.clone()} runnable={v.runnable} now_ms={v.now_ms}
                           on_action={on_action.clone()} {on_open} />
                // After the inspector: on a phone the editor's own panels come first.
                <Tours tours={switchyard_core::tour::TITLES} on_open={on_open_tour}
                       can_play={v.has_tour && v.tour.is_none() && v.record.is_none()} on_action={on_action.clone()} />
            </aside>
            <Canvas nodes={v.nodes.clone()} edges={v.edges.clone()} breakers={v.breakers.clone()}
                    layout={v.layout.clone()} dots={dots_ref}
                    sample_every={v.sample_every} reduced_motion={v.reduced_motion}
                    selection={v.selection.clone()} problems={v.problems.clone()} error={v.error.clone()}
                    can_undo={v.can_undo} can_redo={v.can_redo} on_action={on_action.clone()} {on_help}
                    focus={v.tour.as_ref().map(|t| t.focus.clone()).unwrap_or_default()} />
            <aside class="stats" aria-label="Metrics and events">
                <Metrics completed={v.completed} failed={v.failed} throughput_rps={v.throughput_rps}
                         p50_ms={v.p50_ms} p99_ms={v.p99_ms} mean_ms={v.mean_ms} finished={v.finished}
                         in_flight={v.in_flight} issued={v.issued} goodput={v.goodput}
                         cost_usd={v.cost_usd} cost_per_hour={v.cost_per_hour} sessions={v.sessions.clone()}
                         nodes={v.nodes.clone()} series={v.series.clone()}
                         by_class={v.by_class.clone()} by_client={v.by_client.clone()}
                         by_op={v.by_op.clone()} engines={v.engines.clone()}
                         failed_by_reason={v.failed_by_reason.clone()}
                         hit_ratio={v.hit_ratio} stale_reads={v.stale_reads} lost_writes={v.lost_writes}
                         queued={v.queued} realtime={v.realtime.clone()}
                         highlight={v.tour.as_ref().and_then(|t| t.highlight)} />
                <Review findings={v.findings.clone()} dismissed={v.dismissed} runnable={v.runnable}
                        on_action={on_action.clone()} />
                <EventLog lines={v.log.clone()} />
            </aside>
            if let Some(Dialog::Ring(i)) = *dialog {
                <RingView title={v.nodes.get(i).map(|n| n.label.clone()).unwrap_or_default()}
                          backends={backends(&v.doc, i)}
                          on_close={let d = dialog.clone(); Callback::from(move |()| d.set(None))} />
            }
            if *dialog == Some(Dialog::Cap) {
                <CapPanel databases={v.databases.clone()} check={v.cap_check.clone()} runnable={v.runnable}
                          now_ms={v.now_ms} on_action={on_action.clone()}
                          on_close={let d = dialog.clone(); Callback::from(move |()| d.set(None))} />
            }
            if *dialog == Some(Dialog::Shards) {
                <ShardMap routers={v.shard_routers.clone()}
                          on_close={let d = dialog.clone(); Callback::from(move |()| d.set(None))} />
            }
            if let Some(Dialog::Share) = *dialog {
                <ShareDialog problems={v.problems.clone()} doc={Rc::new(crate::driver::link_doc(v.tour_doc.as_deref().unwrap_or(&v.doc), v.layout.as_ref().map_or((0.0, 0.0, 1.0, 1.0), |l| l.view), v.now_ms))}
                             on_close={let d = dialog.clone(); Callback::from(move |()| d.set(None))}
                             on_import={let (a, d) = (on_action.clone(), dialog.clone());
                                        Callback::from(move |doc| { a.emit(Action::Open(Box::new(doc))); d.set(None); })}
                             on_error={let (b, d) = (banner.clone(), dialog.clone());
                                       Callback::from(move |m| { b.set(Some(m)); d.set(None); })} />
            }
            if *dialog == Some(Dialog::Capacity) {
                <CapacityDialog doc={v.doc.clone()} on_action={on_action.clone()}
                                on_close={let d = dialog.clone(); Callback::from(move |()| d.set(None))} />
            }
            if *dialog == Some(Dialog::Challenges) {
                <ChallengeGallery progress={(*progress).clone()} on_action={on_action.clone()}
                                  on_close={let d = dialog.clone(); Callback::from(move |()| d.set(None))} />
            }
            if let (Some(card), Some(c)) = (show_result, v.challenge.as_ref()) {
                <ResultCard {card} title={c.title.clone()} on_action={on_action.clone()}
                            on_share={let (d, close) = (dialog.clone(), close_result.clone());
                                      Callback::from(move |()| { close.emit(()); d.set(Some(Dialog::Share)); })}
                            on_close={close_result.clone()} />
            }
            if *help {
                <Shortcuts on_close={let h = help.clone(); Callback::from(move |()| h.set(false))} />
            }
        </div>
    }
}

/// An `Rc` compared by pointer: the effect that records progress runs once per new score card.
#[derive(Clone)]
struct RcEq<T>(Rc<T>);

impl<T> PartialEq for RcEq<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The labels of a node's downstream nodes, in edge order.
fn backends(doc: &switchyard_core::scenario::Scenario, i: usize) -> Vec<String> {
    let Some(id) = doc.nodes.get(i).map(|n| n.id.as_str()) else {
        return Vec::new();
    };
    doc.edges
        .iter()
        .filter(|e| e.from == id)
        .filter_map(|e| doc.nodes.iter().find(|n| n.id == e.to))
        .map(|n| n.label.clone().unwrap_or_else(|| n.id.clone()))
        .collect()
}

/// True while the user types in a form field, where keys are text, not shortcuts.
fn typing(e: &KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
}

/// What a key does, according to [`shortcut`].
pub enum Shortcut {
    /// Show or hide the shortcut list.
    Help,
    /// Close the list and clear the selection.
    Close,
    /// Dispatch this action.
    Do(Action),
}

/// Nudge distance of the arrow keys, in scenario units (Shift: five times more).
const NUDGE: f64 = 10.0;

/// The keyboard map, shown by [`Shortcuts`]: each editing action has a key.
pub fn shortcut(e: &KeyboardEvent, nothing_selected: bool) -> Option<Shortcut> {
    let ctrl = e.ctrl_key() || e.meta_key();
    let shift = e.shift_key();
    let step = if shift { 5.0 * NUDGE } else { NUDGE };
    let key = e.key();
    let a = match (ctrl, key.as_str()) {
        (true, "z") | (true, "Z") if shift => Action::Redo,
        (true, "z") | (true, "Z") => Action::Undo,
        (true, "y") => Action::Redo,
        (true, "c") => Action::Copy,
        (true, "v") => Action::Paste,
        (true, "a") => Action::SelectAll,
        (false, "?") => return Some(Shortcut::Help),
        (false, "Escape") => return Some(Shortcut::Close),
        (false, "Delete") | (false, "Backspace") => Action::Delete,
        (false, " ") if !focus_on_control(e) => Action::TogglePlay,
        (false, "s") => Action::StepEvent,
        (false, "S") => Action::StepMs(100.0),
        (false, "k") | (false, "K") => Action::ToggleSelected,
        (false, "p") | (false, "P") => Action::PartitionSelected,
        (false, "+") | (false, "=") => Action::Zoom(1.25, None),
        (false, "-") | (false, "_") => Action::Zoom(0.8, None),
        (false, "0") | (false, "f") => Action::Fit,
        (false, "n") => Action::NewBlank,
        (false, "t") => Action::Tidy,
        (false, "ArrowLeft") if nothing_selected => Action::Pan(-4.0 * step, 0.0),
        (false, "ArrowRight") if nothing_selected => Action::Pan(4.0 * step, 0.0),
        (false, "ArrowUp") if nothing_selected => Action::Pan(0.0, -4.0 * step),
        (false, "ArrowDown") if nothing_selected => Action::Pan(0.0, 4.0 * step),
        (false, "ArrowLeft") => Action::MoveSelected(-step, 0.0),
        (false, "ArrowRight") => Action::MoveSelected(step, 0.0),
        (false, "ArrowUp") => Action::MoveSelected(0.0, -step),
        (false, "ArrowDown") => Action::MoveSelected(0.0, step),
        _ => return None,
    };
    Some(Shortcut::Do(a))
}

/// Space on a focused button presses the button; only elsewhere does it play or pause. A node or edge of the
/// canvas is not such a button: Enter selects it, and Space still plays or pauses, so a keyboard user can
/// watch the node they are on.
fn focus_on_control(e: &KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            let on_canvas = el.has_attribute("data-node") || el.has_attribute("data-edge");
            !on_canvas && (matches!(el.tag_name().as_str(), "BUTTON" | "A") || el.get_attribute("role").is_some())
        })
}

/// Records a `switchyard:first-render` performance mark, which the page-load benchmark reads.
fn mark_first_render() {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark("switchyard:first-render");
    }
}
