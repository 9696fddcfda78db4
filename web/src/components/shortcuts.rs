//! The keyboard shortcut list, opened with `?`: every editing and playback action has a key.

use yew::prelude::*;

/// `(keys, what they do)`, as the app's key handler implements them.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("?", "show or hide this list"),
    ("Tab / Shift+Tab", "move between nodes and controls"),
    (
        "Enter",
        "select the focused node (Shift+Enter adds it to the selection)",
    ),
    ("Ctrl+A", "select every node"),
    ("Esc", "clear the selection"),
    (
        "Arrow keys",
        "move the selected nodes (Shift: further); with nothing selected, pan",
    ),
    ("Delete / Backspace", "delete the selection"),
    (
        "Ctrl+C / Ctrl+V",
        "copy and paste the selected nodes and the edges between them",
    ),
    ("Ctrl+Z / Ctrl+Shift+Z or Ctrl+Y", "undo / redo"),
    ("+ / -", "zoom in / out"),
    ("F or 0", "fit the topology to the view"),
    ("T", "tidy layout, left to right"),
    ("N", "new, empty canvas"),
    ("Space", "play / pause"),
    ("S / Shift+S", "step one event / step 100 ms"),
    ("K", "crash or recover the selected nodes"),
    ("P", "partition the selected nodes off from the rest of the network"),
];

#[derive(Properties, PartialEq)]
pub struct ShortcutsProps {
    pub on_close: Callback<()>,
}

#[component]
pub fn Shortcuts(props: &ShortcutsProps) -> Html {
    let close = super::click(&props.on_close);
    html! {
        <div class="dialog-backdrop">
            <section class="dialog panel" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title"
                     data-testid="shortcut-list">
                <h2 id="shortcuts-title">{ "Keyboard shortcuts" }</h2>
                <p class="hint">{ "Adding nodes: Tab to the palette and press Enter on a component. Connecting: select \
                    a node, pick the target under \"Connect to\" in the inspector, press Connect. Inserting into an edge: \
                    select the edge (Enter on it), then press Enter on a component in the palette." }</p>
                <dl>
                    { for SHORTCUTS.iter().map(|(k, what)| html! {
                        <><dt><kbd>{ *k }</kbd></dt><dd>{ *what }</dd></>
                    }) }
                </dl>
                <button type="button" class="tool" onclick={close} autofocus=true>{ "Close" }</button>
            </section>
        </div>
    }
}
