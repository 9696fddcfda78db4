//! `use_animation_frame`: one persistent `requestAnimationFrame` loop for the component's lifetime. The
//! closure is created once, re-requests itself each frame, and is cancelled and dropped on unmount.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The frame callback as JavaScript sees it.
type FrameClosure = Closure<dyn FnMut(f64)>;

struct Loop {
    handle: Cell<Option<i32>>,
    closure: RefCell<Option<FrameClosure>>,
}

/// Calls `on_frame(timestamp_ms)` every animation frame until the component unmounts. `on_frame` is taken
/// from the first render only, so it should capture stable handles (`Rc`s, dispatchers, `NodeRef`s).
#[hook]
pub fn use_animation_frame<F>(on_frame: F)
where
    F: Fn(f64) + 'static,
{
    use_effect_with((), move |_| {
        let state = Rc::new(Loop {
            handle: Cell::new(None),
            closure: RefCell::new(None),
        });
        let weak = Rc::downgrade(&state);
        let closure = FrameClosure::new(move |ts: f64| {
            on_frame(ts);
            if let Some(state) = weak.upgrade() {
                request(&state);
            }
        });
        *state.closure.borrow_mut() = Some(closure);
        request(&state);
        move || {
            if let (Some(window), Some(handle)) = (web_sys::window(), state.handle.take()) {
                let _ = window.cancel_animation_frame(handle);
            }
            state.closure.borrow_mut().take();
        }
    });
}

fn request(state: &Loop) {
    let Some(window) = web_sys::window() else { return };
    if let Some(closure) = state.closure.borrow().as_ref() {
        state
            .handle
            .set(window.request_animation_frame(closure.as_ref().unchecked_ref()).ok());
    }
}
