//! The shell's presentational components. They render props and emit callbacks; none holds domain logic.
//! Each is exported with its props type, so a component can be mounted on its own (`web/tests/components.rs`).

mod banner;
mod canvas;
mod cap_panel;
mod capacity;
mod challenge;
mod embed_bar;
mod event_log;
mod header;
pub mod icons;
mod inspector;
mod metrics;
mod palette;
mod presets;
mod review;
mod ring_view;
mod shard_map;
mod share_dialog;
mod shortcuts;
mod tour;

pub use banner::{Banner, BannerProps, OtherTabBanner, OtherTabBannerProps};
pub use canvas::{Canvas, CanvasProps};
pub use cap_panel::{CapPanel, CapPanelProps};
pub use capacity::{CapacityDialog, CapacityDialogProps};
pub use challenge::{
    value as challenge_value, ChallengeGallery, ChallengeGalleryProps, ChallengePanel, ChallengePanelProps, ResultCard,
    ResultCardProps,
};
pub use embed_bar::EmbedBar;
pub use event_log::{EventLog, EventLogProps};
pub use header::Header;
pub use inspector::{Inspector, InspectorProps};
pub use metrics::{dollars, thousands, Metrics, MetricsProps};
pub use palette::{Palette, PaletteProps};
pub use presets::{Presets, PresetsProps};
pub use review::{Review, ReviewProps};
pub use ring_view::{RingView, RingViewProps};
pub use shard_map::{ShardMap, ShardMapProps};
pub use share_dialog::{file_stem, ShareDialog};
pub use shortcuts::{Shortcuts, ShortcutsProps};
pub use tour::{Recorder, RecorderProps, TourEntry, TourPanel, TourPanelProps, Tours, ToursProps};

use yew::{Callback, MouseEvent};

use crate::action::{Action, Dialog};

/// A button's click handler that emits `()` on `cb`. One function for every such button: a closure written at
/// each button is a type of its own, and the bundle would carry its code, vtable and drop glue for each.
pub fn click(cb: &Callback<()>) -> Callback<MouseEvent> {
    cb.reform(ignore)
}

fn ignore(_: MouseEvent) {}

/// A button's click handler that dispatches the action `a` makes (see [`click`] for why a function pointer).
pub fn click_action(cb: &Callback<Action>, a: fn() -> Action) -> Callback<MouseEvent> {
    cb.reform(move |_: MouseEvent| a())
}

/// A button's click handler that dispatches the action `a` makes of `i` (a node or a fault), such as
/// `Action::ToggleNode` (see [`click`]).
pub fn click_index(cb: &Callback<Action>, i: usize, a: fn(usize) -> Action) -> Callback<MouseEvent> {
    cb.reform(move |_: MouseEvent| a(i))
}

/// A callback of `()` that dispatches the action `a` makes (see [`click`]).
pub fn emit_action(cb: &Callback<Action>, a: fn() -> Action) -> Callback<()> {
    cb.reform(move |()| a())
}

/// A button's click handler that opens the dialog `d` (see [`click`]).
pub fn click_open(cb: &Callback<Dialog>, d: Dialog) -> Callback<MouseEvent> {
    cb.reform(move |_: MouseEvent| d)
}
