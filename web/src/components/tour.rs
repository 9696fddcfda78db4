//! The tour panel (a step's narration with Back, Next, a step counter, autoplay and Leave), the tours list
//! (the shipped tours, Play tour and Record a tour), and the recorder (narration, focus and highlight of the
//! step being recorded). Narration is rendered from core's markup spans as text nodes: nothing in it ever
//! becomes HTML.

use std::rc::Rc;

use switchyard_core::scenario::v1::TourMetric;
use switchyard_core::tour::markup::{Span, Style};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::action::Action;
use crate::driver::{RecordView, TourView};

#[derive(Properties, PartialEq)]
pub struct TourPanelProps {
    pub view: Rc<TourView>,
    pub on_action: Callback<Action>,
    /// Offer "Leave tour" (the editor does; an embed has nowhere else to go).
    #[prop_or(true)]
    pub can_leave: bool,
}

/// One span of narration, as text in its element.
fn span(s: &Span) -> Html {
    let text = s.text.clone();
    match s.style {
        Style::Plain => html! { { text } },
        Style::Strong => html! { <strong>{ text }</strong> },
        Style::Emphasis => html! { <em>{ text }</em> },
        Style::Code => html! { <code>{ text }</code> },
    }
}

#[component]
pub fn TourPanel(props: &TourPanelProps) -> Html {
    let v = &props.view;
    let last = v.step + 1 >= v.steps;
    let on_back = super::click_action(&props.on_action, || Action::TourBack);
    let on_next = super::click_action(&props.on_action, || Action::TourNext);
    let on_leave = super::click_action(&props.on_action, || Action::ExitTour);
    let on_autoplay = {
        let on = !v.autoplay;
        props.on_action.reform(move |_: Event| Action::TourAutoplay(on))
    };
    // Keyboard: the arrow keys step while the focus is in the panel.
    let onkeydown = props.on_action.reform(|e: KeyboardEvent| match e.key().as_str() {
        "ArrowRight" | "PageDown" => {
            e.prevent_default();
            e.stop_propagation();
            Action::TourNext
        }
        "ArrowLeft" | "PageUp" => {
            e.prevent_default();
            e.stop_propagation();
            Action::TourBack
        }
        _ => Action::Refresh,
    });
    html! {
        <section class="tour panel" data-testid="tour" aria-labelledby="tour-title" data-step={v.step.to_string()}
                 data-arrived={v.arrived.to_string()} {onkeydown}>
            <h2 id="tour-title">{ if v.title.is_empty() { "Tour".to_owned() } else { v.title.clone() } }</h2>
            <p class="tour-count" data-testid="tour-count">{ format!("Step {} of {}", v.step + 1, v.steps) }</p>
            if !v.step_title.is_empty() {
                <h3 data-testid="tour-step-title">{ v.step_title.clone() }</h3>
            }
            <div class="narration" data-testid="tour-text" aria-live="polite">
                { for v.text.iter().map(|p| html! { <p>{ for p.iter().map(span) }</p> }) }
            </div>
            <div class="tour-controls" role="toolbar" aria-label="Tour steps">
                <button type="button" class="ctl" data-testid="tour-back" disabled={v.step == 0} onclick={on_back}
                        title="Previous step (←)">{ "← Back" }</button>
                <button type="button" class="play" data-testid="tour-next" disabled={last} onclick={on_next}
                        title="Next step (→)">{ if v.arrived || last { "Next →" } else { "Next → (playing…)" } }</button>
                <label class="tour-auto">
                    <input type="checkbox" data-testid="tour-autoplay" checked={v.autoplay} onchange={on_autoplay} />
                    { " Autoplay" }
                </label>
                if props.can_leave {
                    <button type="button" class="ctl" data-testid="tour-exit" onclick={on_leave}>{ "Leave tour" }</button>
                }
            </div>
        </section>
    }
}

/// A shipped tour: its id (file stem under `tours/`) and title.
pub type TourEntry = (&'static str, &'static str);

#[derive(Properties, PartialEq)]
pub struct ToursProps {
    /// The shipped tours.
    pub tours: &'static [TourEntry],
    /// Open a shipped tour (by id).
    pub on_open: Callback<&'static str>,
    /// The document has a tour that is not playing.
    pub can_play: bool,
    pub on_action: Callback<Action>,
}

/// The tours list of the side panel.
#[component]
pub fn Tours(props: &ToursProps) -> Html {
    let on_play = super::click_action(&props.on_action, || Action::RequestTour);
    let on_record = super::click_action(&props.on_action, || Action::StartRecording);
    html! {
        <section class="tours panel" data-testid="tours" aria-labelledby="tours-title">
            <h2 id="tours-title">{ "Guided tours" }</h2>
            <ul class="tour-list">
                { for props.tours.iter().map(|&(id, title)| {
                    let onclick = props.on_open.reform(move |_: MouseEvent| id);
                    html! { <li><button type="button" class="tool" data-tour={id} {onclick}>{ title }</button></li> }
                }) }
            </ul>
            <div class="preset-row">
                if props.can_play {
                    <button type="button" class="tool" data-testid="tour-play" onclick={on_play}>{ "Play this design's tour" }</button>
                }
                <button type="button" class="tool" data-testid="tour-record" onclick={on_record}
                        title="Perform actions, type the narration, and save the tour in the design and its link">
                    { "Record a tour" }
                </button>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct RecorderProps {
    pub view: RecordView,
    pub on_action: Callback<Action>,
}

/// The readouts a recorded step can highlight: (JSON name, label).
const HIGHLIGHTS: &[(TourMetric, &str)] = &[
    (TourMetric::P99, "p99 latency"),
    (TourMetric::P50, "p50 latency"),
    (TourMetric::Throughput, "Throughput"),
    (TourMetric::Failed, "Failed"),
    (TourMetric::Completed, "Completed"),
    (TourMetric::HitRatio, "Cache hit ratio"),
    (TourMetric::QueueDepth, "Queue depth"),
    (TourMetric::StaleReads, "Stale reads"),
    (TourMetric::Cost, "Cost"),
];

fn input_value(r: &NodeRef) -> String {
    r.cast::<HtmlInputElement>().map(|e| e.value()).unwrap_or_default()
}

/// The recorder: what the step being recorded holds, its narration, and Add step / Save / Cancel.
#[component]
pub fn Recorder(props: &RecorderProps) -> Html {
    let (title, text, highlight, tour_title) = (use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref());
    let on_add = {
        let (title, text, highlight) = (title.clone(), text.clone(), highlight.clone());
        props.on_action.reform(move |_: MouseEvent| {
            let body = text
                .cast::<HtmlTextAreaElement>()
                .map(|e| e.value())
                .unwrap_or_default();
            let metric = highlight
                .cast::<HtmlSelectElement>()
                .and_then(|s| usize::try_from(s.selected_index() - 1).ok())
                .and_then(|i| HIGHLIGHTS.get(i))
                .map(|h| h.0);
            // The fields clear for the next step.
            if let Some(t) = text.cast::<HtmlTextAreaElement>() {
                t.set_value("");
            }
            let step_title = input_value(&title);
            if let Some(t) = title.cast::<HtmlInputElement>() {
                t.set_value("");
            }
            Action::AddRecordedStep(step_title, body, metric)
        })
    };
    let on_save = {
        let tour_title = tour_title.clone();
        props
            .on_action
            .reform(move |_: MouseEvent| Action::FinishRecording(input_value(&tour_title)))
    };
    let on_cancel = super::click_action(&props.on_action, || Action::CancelRecording);
    let v = &props.view;
    html! {
        <section class="recorder panel" data-testid="recorder" aria-labelledby="recorder-title">
            <h2 id="recorder-title">{ format!("Recording a tour · step {}", v.steps + 1) }</h2>
            <p class="what-to-watch">
                { "Play, pause, crash or recover nodes, partition, change settings: each is noted in this step. \
                   Select the nodes the step is about, write what the reader should see, then Add step." }
            </p>
            <ol class="recorded" data-testid="recorded-actions">
                { for v.actions.iter().map(|a| html! { <li>{ a.clone() }</li> }) }
            </ol>
            <label class="field">{ "Step title" }<input type="text" ref={title} data-testid="record-step-title" maxlength="200" /></label>
            <label class="field">{ "Narration (**strong**, *emphasis*, `code`)" }
                <textarea ref={text} data-testid="record-text" rows="4" maxlength="4000" /></label>
            <label class="field">{ "Highlight" }
                <select ref={highlight} data-testid="record-highlight">
                    <option value="">{ "(none)" }</option>
                    { for HIGHLIGHTS.iter().map(|(_, label)| html! { <option>{ *label }</option> }) }
                </select></label>
            <div class="preset-row">
                <button type="button" class="ctl" data-testid="record-add" onclick={on_add}>{ "Add step" }</button>
            </div>
            <label class="field">{ "Tour title" }<input type="text" ref={tour_title} data-testid="record-title" maxlength="200" /></label>
            <div class="preset-row">
                <button type="button" class="play" data-testid="record-save" disabled={v.steps == 0} onclick={on_save}>
                    { format!("Save tour ({} steps)", v.steps) }</button>
                <button type="button" class="ctl" data-testid="record-cancel" onclick={on_cancel}>{ "Cancel" }</button>
            </div>
        </section>
    }
}
