//! The presets gallery: a `<select>` of every shipped preset and the chosen one's "what to watch" text.

use switchyard_core::presets;
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PresetsProps {
    /// The preset the canvas shows (its index in `presets::NAMES`), while unedited.
    pub selected: Option<usize>,
    /// That preset's "what to watch" text (its document's description).
    pub description: Option<AttrValue>,
    /// The preset being fetched, if one is.
    #[prop_or_default]
    pub fetching: Option<usize>,
    pub on_select: Callback<usize>,
    /// Start from an empty canvas.
    pub on_blank: Callback<()>,
    /// Open the challenges gallery.
    #[prop_or_default]
    pub on_challenges: Callback<()>,
    /// Open the capacity calculator.
    #[prop_or_default]
    pub on_capacity: Callback<()>,
}

#[component]
pub fn Presets(props: &PresetsProps) -> Html {
    let on_change = props.on_select.reform(|e: Event| {
        e.target()
            .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            .map_or(0, |s| (s.selected_index() - 1).max(0) as usize)
    });
    let on_blank = super::click(&props.on_blank);
    // The list shows the preset being opened, else the one on the canvas: after a fetch fails it goes back, so
    // choosing the same preset again is a change (and retries).
    let select_ref = use_node_ref();
    {
        let select_ref = select_ref.clone();
        use_effect_with((props.selected, props.fetching), move |&(selected, fetching)| {
            if let Some(select) = select_ref.cast::<HtmlSelectElement>() {
                select.set_selected_index(fetching.or(selected).map_or(0, |i| i as i32 + 1));
            }
        });
    }
    html! {
        // `data-preset`: the preset on the canvas, once it has loaded (tests wait on it).
        <section class="presets panel" data-testid="presets" aria-labelledby="presets-title"
                 data-preset={props.selected.and_then(|i| presets::NAMES.get(i)).map(|p| p.0)}>
            <h2 id="presets-title"><label for="preset-select">{ "Preset" }</label></h2>
            <div class="preset-row">
                <select id="preset-select" data-testid="preset-select" onchange={on_change} ref={select_ref}>
                    <option value="" disabled=true selected={props.selected.is_none()}>{ "Your topology (edited)" }</option>
                    { for presets::NAMES.iter().enumerate().map(|(i, &(id, name))| html! {
                        <option value={id} selected={Some(i) == props.selected}>{ name }</option>
                    }) }
                </select>
                <button type="button" class="tool" data-testid="new-blank" onclick={on_blank}
                        title="Start from an empty canvas (N)">{ "New" }</button>
            </div>
            <div class="preset-row">
                <button type="button" class="tool challenges-open" data-testid="challenges" onclick={super::click(&props.on_challenges)}
                        title="Practise: meet a challenge's goals with your own design">{ "Challenges" }</button>
                <button type="button" class="tool" data-testid="capacity-open" onclick={super::click(&props.on_capacity)}
                        title="Size the design from daily users, and fill its clients">{ "Capacity" }</button>
            </div>
            if let Some(&(_, name)) = props.fetching.and_then(|i| presets::NAMES.get(i)) {
                <p class="what-to-watch" data-testid="preset-fetching" aria-live="polite">{ format!("Opening {name}…") }</p>
            } else if let Some(text) = props.description.clone() {
                <p class="what-to-watch" data-testid="preset-description">{ text }</p>
            }
        </section>
    }
}
