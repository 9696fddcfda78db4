//! The palette: the kinds of node a topology can contain, each with its icon. Click (or Enter) adds one in
//! the middle of the view, or into the selected edge; drag one onto the canvas to place it, or onto an edge
//! to insert it there.

use switchyard_core::node as kinds;
use web_sys::DragEvent;
use yew::prelude::*;

use super::icons::kind_icon;
use crate::action::Action;

#[derive(Properties, PartialEq)]
pub struct PaletteProps {
    pub on_action: Callback<Action>,
}

#[component]
pub fn Palette(props: &PaletteProps) -> Html {
    html! {
        <section class="palette panel" data-testid="palette" aria-label="Node palette">
            <h2>{ "Components" }</h2>
            <ul>
                { for kinds::KINDS.iter().map(|row| {
                    let (kind, label, name) = (row.kind, row.label, row.name());
                    let onclick = props.on_action.reform(move |_: MouseEvent| Action::AddNode(name, None));
                    let ondragstart = Callback::from(move |e: DragEvent| {
                        if let Some(dt) = e.data_transfer() {
                            let _ = dt.set_data("text/plain", name);
                            dt.set_effect_allowed("copy");
                        }
                    });
                    html! {
                        <li>
                            <button type="button" class="palette-item" data-kind={row.slug()} draggable="true"
                                    title={format!("Add a {label} (or drag it onto the canvas; onto an edge, or with an edge selected, it goes into the edge)")}
                                    aria-label={format!("Add {label}")} {onclick} {ondragstart}>
                                <span class="glyph">{ kind_icon(kind) }</span>
                                <span class="label">{ label }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
