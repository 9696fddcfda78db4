//! The presets gallery: a `<select>` of every shipped preset and the chosen one's "what to watch" text.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::driver::PresetInfo;

#[derive(Properties, PartialEq)]
pub struct PresetsProps {
    pub presets: Rc<Vec<PresetInfo>>,
    pub selected: usize,
    pub on_select: Callback<usize>,
}

#[component]
pub fn Presets(props: &PresetsProps) -> Html {
    let on_change = props.on_select.reform(|e: Event| {
        e.target()
            .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            .map_or(0, |s| s.selected_index().max(0) as usize)
    });
    let chosen = props.presets.get(props.selected);
    html! {
        <section class="presets panel" data-testid="presets" aria-labelledby="presets-title">
            <h2 id="presets-title"><label for="preset-select">{ "Preset" }</label></h2>
            <select id="preset-select" data-testid="preset-select" onchange={on_change}>
                { for props.presets.iter().enumerate().map(|(i, p)| html! {
                    <option value={p.id} selected={i == props.selected}>{ &p.name }</option>
                }) }
            </select>
            if let Some(p) = chosen {
                <p class="what-to-watch" data-testid="preset-description">{ &p.description }</p>
            }
        </section>
    }
}
