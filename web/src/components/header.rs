//! The top bar: the app's name and the playback controls (play/pause, speed, reset, run to end, clock).

use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::action::Action;
use crate::driver::SPEEDS;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub playing: bool,
    pub speed: f64,
    pub now_ms: f64,
    pub finished: bool,
    /// `Some(fraction)` while running to the end.
    pub fast_forward: Option<f64>,
    pub on_play: Callback<()>,
    pub on_speed: Callback<f64>,
    pub on_reset: Callback<()>,
    pub on_run_to_end: Callback<()>,
    /// The document is valid, so there is a run to play.
    pub runnable: bool,
    /// The furthest time the run has reached, and whether a scrub is in progress.
    pub max_ms: f64,
    pub seeking: bool,
    pub on_action: Callback<Action>,
    /// Opens the share dialog.
    pub on_share: Callback<()>,
}

/// A speed as the menu shows it: `0.1×`, `1×`, `1000×`.
fn speed_label(speed: f64) -> String {
    format!("{speed}×")
}

/// Virtual time as `m:ss.mmm`.
pub fn clock(now_ms: f64) -> String {
    let total = now_ms.max(0.0);
    let minutes = (total / 60_000.0).floor();
    let seconds = total / 1000.0 - minutes * 60.0;
    format!("{minutes:.0}:{seconds:06.3}")
}

/// The colour theme: the system's, or forced.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    fn next(self) -> Theme {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// Sets `data-theme` on `<html>`, which the stylesheet's variables follow.
    fn apply(self) {
        let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        else {
            return;
        };
        let _ = match self {
            Theme::System => root.remove_attribute("data-theme"),
            other => root.set_attribute("data-theme", other.label()),
        };
    }
}

#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let on_click = super::click(&props.on_play);
    let on_reset = super::click(&props.on_reset);
    let on_end = super::click(&props.on_run_to_end);
    let on_speed = props.on_speed.reform(|e: Event| {
        e.target()
            .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            .and_then(|s| SPEEDS.get(s.selected_index().max(0) as usize).copied())
            .unwrap_or(1.0)
    });
    let label = if props.playing { "Pause" } else { "Play" };
    let theme = use_state(|| Theme::System);
    let on_theme = {
        let theme = theme.clone();
        Callback::from(move |_: MouseEvent| {
            let next = theme.next();
            next.apply();
            theme.set(next);
        })
    };
    let busy = props.fast_forward.is_some() || props.seeking;
    let stuck = busy || props.finished || !props.runnable;
    let on_step = super::click_action(&props.on_action, || Action::StepEvent);
    let on_seek = props.on_action.reform(|e: Event| {
        let v = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|i| i.value_as_number())
            .filter(|v| v.is_finite())
            .unwrap_or(0.0);
        Action::Seek(v)
    });
    let on_step_ms = super::click_action(&props.on_action, || Action::StepMs(100.0));
    html! {
        <header id="app-header" class="app-header" data-testid="header">
            <div class="brand">
                <svg class="brand-mark" viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M3 7h7l4 10h7M3 17h7l4-10h7" />
                </svg>
                <h1>{ "Switchyard" }</h1>
                <span class="tagline">{ "system-design simulator" }</span>
            </div>
            <div class="controls" role="toolbar" aria-label="Run controls">
                <button
                    id="play"
                    class="play"
                    data-testid="play"
                    type="button"
                    aria-pressed={props.playing.to_string()}
                    disabled={stuck}
                    onclick={on_click}
                >
                    <span class="play-icon" aria-hidden="true">
                        { if props.playing { "❚❚" } else { "▶" } }
                    </span>
                    { label }
                </button>
                <button class="ctl" type="button" data-testid="step-event" onclick={on_step} disabled={stuck}
                        title="Process the next event (S)">{ "Step" }</button>
                <button class="ctl" type="button" data-testid="step-100ms" onclick={on_step_ms} disabled={stuck}
                        title="Advance 100 ms of virtual time (Shift+S)">{ "+100 ms" }</button>
                <label class="speed">
                    <span class="visually-hidden">{ "Speed" }</span>
                    <select data-testid="speed" aria-label="Playback speed" onchange={on_speed}>
                        { for SPEEDS.iter().map(|&s| html! {
                            <option value={s.to_string()} selected={s == props.speed}>{ speed_label(s) }</option>
                        }) }
                    </select>
                </label>
                <button class="ctl" type="button" data-testid="reset" onclick={on_reset} title="Reset to time zero">
                    <svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M4 12a8 8 0 1 0 2.5-5.8 M4 4v5h5" /></svg>
                    { "Reset" }
                </button>
                <button class="ctl" type="button" data-testid="run-to-end" onclick={on_end}
                        disabled={stuck} title="Run the scenario to its end">
                    <svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M4 6l7 6l-7 6z M12 6l7 6l-7 6z M21 5v14" /></svg>
                    { "Run to end" }
                </button>
                if let Some(f) = props.fast_forward {
                    <progress class="ff-progress" data-testid="progress" max="1" value={f.to_string()}
                              aria-label="Running to the end" />
                }
                <button class="ctl" type="button" data-testid="share" onclick={super::click(&props.on_share)}
                        title="Share a link, embed, or download and import files">{ "Share" }</button>
                <button class="ctl" type="button" data-testid="theme" onclick={on_theme}
                        title="Colour theme: follow the system, or force light or dark">
                    { format!("Theme: {}", theme.label()) }
                </button>
                <input type="range" class="scrubber" data-testid="scrubber" aria-label="Timeline: scrub through the run so far"
                       min="0" max={props.max_ms.max(1.0).to_string()} step="any" value={props.now_ms.to_string()}
                       disabled={!props.runnable || props.max_ms <= 0.0 || busy}
                       aria-valuetext={clock(props.now_ms)} onchange={on_seek} />
                <output class="clock" data-testid="clock" aria-label="Virtual time">
                    { clock(props.now_ms) }
                    if props.finished { <span class="done">{ " done" }</span> }
                </output>
            </div>
        </header>
    }
}

#[cfg(test)]
mod tests {
    use super::clock;

    #[test]
    fn clock_reads_minutes_and_seconds() {
        assert_eq!(clock(0.0), "0:00.000");
        assert_eq!(clock(61_250.0), "1:01.250");
    }
}
