//! The embeddable widget's whole page (`?embed=view` or `?embed=play`): the canvas, play/pause, the key
//! metrics, a crash/recover button for the selected node in `play` mode, and a link that opens the same
//! scenario in the full editor. It plays by itself while it is on screen (an `IntersectionObserver`) and
//! pauses when scrolled away, except under `prefers-reduced-motion`, where it waits for the play button.
//! A scenario with a tour is a story embed (`?embed=story` reads as `view`): the tour panel sits under the
//! canvas with Back and Next, and the canvas highlights what each step points at.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::{Canvas, TourPanel};
use crate::action::Action;
use crate::driver::{Selection, Snapshot};
use crate::embed::Embed;
use crate::share;

#[derive(Properties, PartialEq)]
pub struct EmbedBarProps {
    pub mode: Embed,
    pub view: Rc<Snapshot>,
    /// The overlay canvas for the request dots (drawn by the app's animation loop).
    pub dots: NodeRef,
    pub on_action: Callback<Action>,
}

/// The full editor's address for the scenario on screen: this page without `?embed`, same fragment.
fn editor_url() -> String {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    format!("{}{hash}", share::base_url())
}

#[component]
pub fn EmbedBar(props: &EmbedBarProps) -> Html {
    let root = use_node_ref();
    {
        // Autoplay while visible; never with reduced motion.
        let root = root.clone();
        let on_action = props.on_action.clone();
        let reduced = props.view.reduced_motion;
        use_effect_with((), move |_| {
            let observer = root.cast::<web_sys::Element>().filter(|_| !reduced).and_then(|el| {
                let cb = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                    let visible = entries.iter().any(|e| {
                        e.dyn_into::<web_sys::IntersectionObserverEntry>()
                            .is_ok_and(|e| e.is_intersecting())
                    });
                    on_action.emit(Action::Play(visible));
                });
                let observer = web_sys::IntersectionObserver::new(cb.as_ref().unchecked_ref()).ok()?;
                observer.observe(&el);
                Some((observer, cb))
            });
            move || {
                if let Some((observer, _cb)) = observer {
                    observer.disconnect();
                }
            }
        });
    }
    let v = &props.view;
    let on_play = super::click_action(&props.on_action, || Action::TogglePlay);
    let selected = match &v.selection {
        Selection::Nodes(set) if set.len() == 1 => set.first().copied(),
        _ => None,
    };
    let toggle = (props.mode == Embed::Play).then_some(()).and(selected).and_then(|n| {
        let node = v.nodes.get(n)?;
        let label = format!("{} {}", if node.up { "Crash" } else { "Recover" }, node.label);
        let onclick = super::click_index(&props.on_action, n, Action::ToggleNode);
        Some(html! {
            <button type="button" class="ctl" data-testid="embed-toggle" {onclick}>{ label }</button>
        })
    });
    html! {
        <div class={classes!("embed", v.tour.is_some().then_some("story"))} ref={root}
             data-embed={if props.mode == Embed::Play { "play" } else { "view" }}>
            <div class="embed-bar" role="toolbar" aria-label="Playback">
                <button type="button" class="play" data-testid="play" aria-pressed={v.playing.to_string()}
                        disabled={!v.runnable || v.finished} onclick={on_play}>
                    { if v.playing { "❚❚ Pause" } else { "▶ Play" } }
                </button>
                { toggle }
                <dl class="embed-metrics">
                    <div><dt>{ "Completed" }</dt><dd data-testid="completed">{ v.completed }</dd></div>
                    <div><dt>{ "Throughput" }</dt>
                        <dd data-testid="throughput">{ format!("{:.0} req/s", v.throughput_rps) }</dd></div>
                    <div><dt>{ "p99" }</dt><dd data-testid="p99">{ format!("{:.1} ms", v.p99_ms) }</dd></div>
                </dl>
                <a class="embed-open" data-testid="open-in-switchyard" href={editor_url()} target="_blank"
                   rel="noopener">{ "Open in Switchyard" }</a>
            </div>
            <Canvas nodes={v.nodes.clone()} edges={v.edges.clone()} layout={v.layout.clone()} dots={props.dots.clone()}
                    sample_every={v.sample_every} reduced_motion={v.reduced_motion}
                    selection={v.selection.clone()} problems={v.problems.clone()} error={v.error.clone()}
                    can_undo={false} can_redo={false} on_action={props.on_action.clone()}
                    on_help={Callback::from(|()| ())}
                    focus={v.tour.as_ref().map(|t| t.focus.clone()).unwrap_or_default()} />
            if let Some(t) = v.tour.clone() {
                <TourPanel view={t} on_action={props.on_action.clone()} can_leave={false} />
            }
        </div>
    }
}
