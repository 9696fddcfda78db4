//! The root component: lays out the header, the palette and the canvas, and owns the shell's state.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::{Canvas, Header, Palette};

/// The shell's state. Each action will map one-to-one onto an engine command once the engine is wired in.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shell {
    pub playing: bool,
}

pub enum Action {
    TogglePlay,
}

impl Reducible for Shell {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::TogglePlay => Rc::new(Shell { playing: !self.playing }),
        }
    }
}

#[component]
pub fn App() -> Html {
    let shell = use_reducer(Shell::default);
    let on_play = {
        let shell = shell.dispatcher();
        Callback::from(move |_| shell.dispatch(Action::TogglePlay))
    };
    use_effect_with((), |_| mark_first_render());

    html! {
        <div class="shell">
            <Header playing={shell.playing} {on_play} />
            <Palette />
            <Canvas />
        </div>
    }
}

/// Records a `switchyard:first-render` performance mark, which the page-load benchmark reads.
fn mark_first_render() {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark("switchyard:first-render");
    }
}
