//! The top bar: the app's name and the run controls.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub playing: bool,
    pub on_play: Callback<()>,
}

#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let on_click = props.on_play.reform(|_: MouseEvent| ());
    let label = if props.playing { "Pause" } else { "Play" };
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
                    onclick={on_click}
                >
                    <span class="play-icon" aria-hidden="true">
                        { if props.playing { "❚❚" } else { "▶" } }
                    </span>
                    { label }
                </button>
            </div>
        </header>
    }
}
