//! The problem banner: a link that did not open or a file that did not import, said in words, with a way on
//! ("Open an empty canvas") and a way out ("Dismiss"). The editor behind it stays usable.

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
                        onclick={props.on_empty.reform(|_: MouseEvent| ())}>{ "Open an empty canvas" }</button>
                <button type="button" class="ctl" data-testid="link-error-dismiss"
                        onclick={props.on_dismiss.reform(|_: MouseEvent| ())}>{ "Dismiss" }</button>
            </div>
        </div>
    }
}
