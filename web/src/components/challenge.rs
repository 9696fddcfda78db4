//! Challenges in the app: the gallery to pick one from, the goal panel that fills in while the run plays, and
//! the result card at the end (the score card `switchyard challenge check` prints, goal by goal).

use std::collections::BTreeMap;
use std::rc::Rc;

use switchyard_core::challenge::{self, GoalResult, Level, Metric, ScoreCard};
use yew::prelude::*;

use super::{click, click_action, dollars, thousands};
use crate::action::Action;
use crate::driver::ChallengeView;
use crate::progress::Best;

/// A measured value as the player reads it: `2,431 req/s`, `84.2 ms`, `99.95%`, `$1,234/month`, `3`.
pub fn value(metric: Metric, v: f64) -> String {
    match metric {
        Metric::ThroughputRps | Metric::GoodputRps => format!("{} req/s", thousands(v.max(0.0).round() as u64)),
        Metric::P50Ms | Metric::P90Ms | Metric::P99Ms | Metric::MeanMs => format!("{v:.1} ms"),
        Metric::Availability => format!("{:.2}%", v * 100.0),
        Metric::RealtimeServerRps => format!("{} req/s", thousands(v.max(0.0).round() as u64)),
        Metric::RealtimeP99DelayMs => format!("{v:.1} ms"),
        Metric::RealtimeMemoryMb => format!("{v:.1} MB"),
        Metric::CostPerMonthUsd => format!("{}/month", dollars(v)),
        Metric::Failed | Metric::LostWrites | Metric::StaleReads | Metric::Nodes | Metric::Workers => {
            thousands(v.max(0.0).round() as u64)
        }
    }
}

/// A goal's target: `at least 2,400 req/s`, `at most 120.0 ms`, `between … and …`.
pub fn target(g: &GoalResult) -> String {
    match (g.at_least, g.at_most) {
        (Some(a), Some(b)) => format!("between {} and {}", value(g.metric, a), value(g.metric, b)),
        (Some(a), None) => format!("at least {}", value(g.metric, a)),
        (None, Some(b)) => format!("at most {}", value(g.metric, b)),
        (None, None) => String::new(),
    }
}

/// Moves the keyboard focus to `target` once the dialog is shown (`autofocus` only works on a page's first load).
#[hook]
fn use_focus_on_open(target: &NodeRef) {
    let target = target.clone();
    use_effect_with((), move |_| {
        if let Some(el) = target.cast::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    });
}

/// A dialog's keydown handler: Escape emits `close`.
fn escape_closes(close: &Callback<()>) -> Callback<KeyboardEvent> {
    let close = close.clone();
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            close.emit(());
        }
    })
}

#[derive(Properties, PartialEq)]
pub struct ChallengePanelProps {
    pub view: Rc<ChallengeView>,
    /// The run has reached its end (the goals are final).
    pub finished: bool,
    pub on_action: Callback<Action>,
    /// Open the gallery.
    pub on_gallery: Callback<()>,
    /// How many design-review findings the design has (not dismissed): the review is a hint too.
    #[prop_or_default]
    pub findings: usize,
}

/// The goal panel: the brief, each goal with its target and what the run measures so far, the hints revealed
/// one at a time, and the ways on (the reference solution, another challenge, leaving).
#[component]
pub fn ChallengePanel(props: &ChallengePanelProps) -> Html {
    let v = &props.view;
    let a = &props.on_action;
    let state = if v.result.is_some() {
        "scored"
    } else if props.finished {
        "scoring"
    } else {
        "so far"
    };
    let more_hints = v.hints.len() < v.hint_count;
    html! {
        <section class="challenge panel" data-testid="challenge-panel" aria-labelledby="challenge-title"
                 data-challenge={v.id.clone()}>
            <h2 id="challenge-title">{ format!("Challenge: {}", v.title) }</h2>
            <p class="level">{ v.level }</p>
            <p class="brief">{ v.brief.clone() }</p>
            <p class="hint" data-testid="locked">
                { "Locked: the traffic, the faults, the run length, the seed and the clients" }
                if v.locked.is_empty() {
                    { ". " }
                } else {
                    { format!("; and {}. ", v.locked.join("; ")) }
                }
                { "The rest of the design is yours. Press Play or Run to end to score it." }
            </p>
            <h3>{ "Goals " }<span class="hint">{ format!("({state})") }</span></h3>
            <ul class="goals" data-testid="goals" aria-live="polite">
                { for v.goals.iter().map(|g| goal(g, false)) }
            </ul>
            if props.findings > 0 {
                <p class="hint" data-testid="challenge-review-note">
                    <button type="button" class="link" onclick={Callback::from(|_: MouseEvent| show_review())}>
                        { format!("The design review has {} finding{} on this design", props.findings,
                                  if props.findings == 1 { "" } else { "s" }) }
                    </button>{ ": single points of failure and missing safeguards." }
                </p>
            }
            if !v.hints.is_empty() {
                <h3>{ "Hints" }</h3>
                <ol class="hints" data-testid="hints">
                    { for v.hints.iter().map(|h| html! { <li>{ h.clone() }</li> }) }
                </ol>
            }
            <div class="row-buttons">
                <button type="button" class="tool" data-testid="hint" disabled={!more_hints}
                        onclick={click_action(a, || Action::ShowHint)}>
                    { if more_hints { format!("Hint ({} of {})", v.hints.len() + 1, v.hint_count) } else { "No more hints".to_owned() } }
                </button>
                <button type="button" class="tool" data-testid="challenge-reference"
                        onclick={click_action(a, || Action::ShowReference)}>{ "Reference solution" }</button>
                <button type="button" class="tool" data-testid="challenge-gallery-open"
                        onclick={click(&props.on_gallery)}>{ "All challenges" }</button>
                <button type="button" class="tool" data-testid="challenge-leave"
                        onclick={click_action(a, || Action::LeaveChallenge)}
                        title="Keep this design and stop the challenge">{ "Leave" }</button>
            </div>
        </section>
    }
}

/// Scrolls the design review into view and moves the focus to its heading's first finding.
fn show_review() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(review) = doc.get_element_by_id("review-title") {
        review.scroll_into_view();
    }
    if let Some(el) = doc
        .query_selector("[data-testid=finding] button")
        .ok()
        .flatten()
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        let _ = el.focus();
    }
}

/// One goal's line: pass or fail, the label, what was measured against the target.
fn goal(g: &GoalResult, final_: bool) -> Html {
    let mark = if g.pass { "✓" } else { "✗" };
    let status = if g.pass { "pass" } else { "fail" };
    html! {
        <li class={classes!("goal", status)} data-testid="goal" data-pass={g.pass.to_string()}>
            <span class="mark" aria-hidden="true">{ mark }</span>
            <span class="visually-hidden">{ if final_ { format!("{status}: ") } else { format!("{status} so far: ") } }</span>
            <span class="goal-label">{ g.label.clone() }</span>
            <span class="goal-value">{ format!("{} (target {})", value(g.metric, g.measured), target(g)) }</span>
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct ResultCardProps {
    pub card: Rc<ScoreCard>,
    pub title: String,
    pub on_action: Callback<Action>,
    /// Share the design (the link replays it inside the challenge).
    pub on_share: Callback<()>,
    pub on_close: Callback<()>,
}

/// The result card: the score, each goal's measured value and target, and the ways on. `data-score` holds the
/// card as the CLI's `--json` prints it, so tests compare the two byte for byte.
#[component]
pub fn ResultCard(props: &ResultCardProps) -> Html {
    let c = &props.card;
    let first = use_node_ref();
    use_focus_on_open(&first);
    let json = c.to_json();
    let headline = if c.solved {
        "Solved: every goal met.".to_owned()
    } else {
        format!(
            "{} of {} goals met. Change the design and run it again.",
            c.passed,
            c.goals.len()
        )
    };
    html! {
        <div class="dialog-backdrop">
            <section class="dialog panel result-card" role="dialog" aria-modal="true" aria-labelledby="result-title"
                     data-testid="result-card" data-score={json} data-solved={c.solved.to_string()}
                     onkeydown={escape_closes(&props.on_close)}>
                <h2 id="result-title">{ format!("{}: score {}", props.title, c.score) }</h2>
                <p class={if c.solved { "solved" } else { "unsolved" }} data-testid="result-headline">{ headline }</p>
                <ul class="goals">{ for c.goals.iter().map(|g| goal(g, true)) }</ul>
                <p class="hint">{ format!("Seed {}: the same design always gets this score, here and in ", c.seed) }
                    <code>{ "switchyard challenge check" }</code>{ "." }</p>
                <div class="row-buttons">
                    if c.solved {
                        <button type="button" class="tool" data-testid="result-share"
                                onclick={click(&props.on_share)}>{ "Share your solution" }</button>
                    }
                    <button type="button" class="tool" data-testid="result-reference"
                            onclick={let (a, c) = (props.on_action.clone(), props.on_close.clone());
                                     Callback::from(move |_: MouseEvent| { a.emit(Action::ShowReference); c.emit(()); })}>
                        { "See the reference solution" }</button>
                    <button type="button" class="tool" data-testid="result-close" ref={first}
                            onclick={click(&props.on_close)}>{ "Back to the design" }</button>
                </div>
            </section>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ChallengeGalleryProps {
    /// Each challenge's best attempt in this browser.
    pub progress: Rc<BTreeMap<String, Best>>,
    pub on_action: Callback<Action>,
    pub on_close: Callback<()>,
}

/// The gallery: every bundled challenge by level, easiest first, with this browser's progress on each.
#[component]
pub fn ChallengeGallery(props: &ChallengeGalleryProps) -> Html {
    let all = use_memo((), |_| challenge::bundled());
    let first = use_node_ref();
    use_focus_on_open(&first);
    let solved = all
        .iter()
        .filter(|c| props.progress.get(&c.id).is_some_and(|b| b.solved))
        .count();
    html! {
        <div class="dialog-backdrop">
            <section class="dialog panel gallery" role="dialog" aria-modal="true" aria-labelledby="gallery-title"
                     data-testid="challenge-gallery" onkeydown={escape_closes(&props.on_close)}>
                <h2 id="gallery-title">{ "Challenges" }</h2>
                <p class="hint">{ format!("Meet each challenge's goals under traffic and faults you cannot change. \
                                           {solved} of {} solved in this browser.", all.len()) }</p>
                { for Level::EVERY.iter().enumerate().map(|(n, &level)| {
                    let items: Vec<_> = all.iter().filter(|c| c.level == level).collect();
                    if items.is_empty() {
                        return Html::default();
                    }
                    html! {
                        <>
                            <h3>{ level.name() }</h3>
                            <ul class="gallery-list">
                                { for items.into_iter().enumerate().map(|(k, c)| {
                                    let best = props.progress.get(&c.id).copied();
                                    let badge = match best {
                                        Some(b) if b.solved => "solved".to_owned(),
                                        Some(b) => format!("best {}", b.score),
                                        None => "new".to_owned(),
                                    };
                                    let (a, close, id) = (props.on_action.clone(), props.on_close.clone(), c.id.clone());
                                    html! {
                                        <li>
                                            <button type="button" class="gallery-item" data-testid="challenge-item"
                                                    data-challenge={c.id.clone()}
                                                    ref={if n == 0 && k == 0 { first.clone() } else { NodeRef::default() }}
                                                    onclick={Callback::from(move |_: MouseEvent| {
                                                        a.emit(Action::StartChallenge(id.clone()));
                                                        close.emit(());
                                                    })}>
                                                <span class="gallery-title">{ c.title.clone() }</span>
                                                <span class={classes!("badge", best.filter(|b| b.solved).map(|_| "solved"))}>{ badge }</span>
                                                <span class="gallery-brief">{ c.brief.clone() }</span>
                                            </button>
                                        </li>
                                    }
                                }) }
                            </ul>
                        </>
                    }
                }) }
                <button type="button" class="tool" data-testid="gallery-close"
                        onclick={click(&props.on_close)}>{ "Close" }</button>
            </section>
        </div>
    }
}
