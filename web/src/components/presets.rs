//! The presets gallery: a `<select>` of every shipped preset and the chosen one's "what to watch" text.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::driver::PresetInfo;

#[derive(Properties, PartialEq)]
pub struct PresetsProps {
    pub presets: Rc<Vec<PresetInfo>>,
    /// The preset the canvas shows, while unedited.
    pub selected: Option<usize>,
    pub on_select: Callback<usize>,
    /// Start from an empty canvas.
    pub on_blank: Callback<()>,
}

#[component]
pub fn Presets(props: &PresetsProps) -> Html {
    let on_change = props.on_select.reform(|e: Event| {
        e.target()
            .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            .map_or(0, |s| (s.selected_index() - 1).max(0) as usize)
    });
    let chosen = props.selected.and_then(|i| props.presets.get(i));
    let on_blank = props.on_blank.reform(|_: MouseEvent| ());
    html! {
        <section class="presets panel" data-testid="presets" aria-labelledby="presets-title">
            <h2 id="presets-title"><label for="preset-select">{ "Preset" }</label></h2>
            <div class="preset-row">
                <select id="preset-select" data-testid="preset-select" onchange={on_change}>
                    <option value="" disabled=true selected={props.selected.is_none()}>{ "Your topology (edited)" }</option>
                    { for props.presets.iter().enumerate().map(|(i, p)| html! {
                        <option value={p.id} selected={Some(i) == props.selected}>{ &p.name }</option>
                    }) }
                </select>
                <button type="button" class="tool" data-testid="new-blank" onclick={on_blank}
                        title="Start from an empty canvas (N)">{ "New" }</button>
            </div>
            if let Some(p) = chosen {
                <p class="what-to-watch" data-testid="preset-description">{ &p.description }</p>
            }
        </section>
    }
}
