//! The palette: the kinds of node a topology can contain, each with its icon.

use yew::prelude::*;

use super::icons::{kind_icon, KINDS};

#[component]
pub fn Palette() -> Html {
    html! {
        <section class="palette panel" data-testid="palette" aria-label="Node palette">
            <h2>{ "Components" }</h2>
            <ul>
                { for KINDS.iter().map(|&(kind, label, slug)| html! {
                    <li class="palette-item" data-kind={slug} title={label}>
                        <span class="glyph">{ kind_icon(kind) }</span>
                        <span class="label">{ label }</span>
                    </li>
                }) }
            </ul>
        </section>
    }
}
