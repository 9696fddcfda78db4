//! The banners: a link that did not open or a file that did not import, said in words, with a way on
//! ("Open an empty canvas") and a way out ("Dismiss"); and another tab taking over the autosave. The editor
//! behind them stays usable.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BannerProps {
    pub message: String,
    pub on_empty: Callback<()>,
    pub on_dismiss: Callback<()>,
}

#[component]
pub fn Banner(props: &BannerProps) -> Html {
    html! {
        <div class="link-banner" role="alert" data-testid="link-error">
            <p>{ props.message.clone() }</p>
            <div class="row-buttons">
                <button type="button" class="ctl" data-testid="link-error-empty"
                        onclick={super::click(&props.on_empty)}>{ "Open an empty canvas" }</button>
                <button type="button" class="ctl" data-testid="link-error-dismiss"
                        onclick={super::click(&props.on_dismiss)}>{ "Dismiss" }</button>
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct OtherTabBannerProps {
    /// Write this tab's document as the autosave again (the other tab then stops, and says so).
    pub on_take_over: Callback<()>,
    /// Open the other tab's document here, in place of this one (one undo brings this one back).
    pub on_open_theirs: Callback<()>,
}

/// Shown when another tab of the same browser profile writes the autosave: this tab has stopped autosaving
/// so that the two do not overwrite each other's work, and the user picks which work the autosave keeps.
#[component]
pub fn OtherTabBanner(props: &OtherTabBannerProps) -> Html {
    html! {
        <div class="link-banner" role="alert" data-testid="other-tab">
            <p>{ "Another Switchyard tab saved its work as the autosave, so this tab stopped autosaving: the two \
                  would overwrite each other. This tab's work stays here and in its address bar." }</p>
            <div class="row-buttons">
                <button type="button" class="ctl" data-testid="other-tab-take-over"
                        onclick={super::click(&props.on_take_over)}>{ "Autosave this tab's work" }</button>
                <button type="button" class="ctl" data-testid="other-tab-open"
                        onclick={super::click(&props.on_open_theirs)}>{ "Open the other tab's work here" }</button>
            </div>
        </div>
    }
}
