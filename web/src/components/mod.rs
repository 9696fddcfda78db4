//! The shell's presentational components. They render props and emit callbacks; none holds domain logic.
//! Each is exported with its props type, so a component can be mounted on its own (`web/tests/components.rs`).

mod banner;
mod canvas;
mod cap_panel;
mod embed_bar;
mod event_log;
mod header;
pub mod icons;
mod inspector;
mod metrics;
mod palette;
mod presets;
mod ring_view;
mod shard_map;
mod share_dialog;
mod shortcuts;

pub use banner::{Banner, BannerProps, OtherTabBanner, OtherTabBannerProps};
pub use canvas::{Canvas, CanvasProps};
pub use cap_panel::{CapPanel, CapPanelProps};
pub use embed_bar::EmbedBar;
pub use event_log::{EventLog, EventLogProps};
pub use header::Header;
pub use inspector::{Inspector, InspectorProps};
pub use metrics::{thousands, Metrics, MetricsProps};
pub use palette::{Palette, PaletteProps};
pub use presets::{Presets, PresetsProps};
pub use ring_view::{RingView, RingViewProps};
pub use shard_map::{ShardMap, ShardMapProps};
pub use share_dialog::ShareDialog;
pub use shortcuts::{Shortcuts, ShortcutsProps};
