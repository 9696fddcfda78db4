//! The shell's presentational components. They render props and emit callbacks; none holds domain logic.

mod banner;
mod canvas;
mod cap_panel;
mod embed_bar;
mod event_log;
mod header;
mod icons;
mod inspector;
mod metrics;
mod palette;
mod presets;
mod ring_view;
mod shard_map;
mod share_dialog;
mod shortcuts;

pub use banner::Banner;
pub use canvas::Canvas;
pub use cap_panel::CapPanel;
pub use embed_bar::EmbedBar;
pub use event_log::EventLog;
pub use header::Header;
pub use inspector::Inspector;
pub use metrics::Metrics;
pub use palette::Palette;
pub use presets::Presets;
pub use ring_view::RingView;
pub use shard_map::ShardMap;
pub use share_dialog::ShareDialog;
pub use shortcuts::Shortcuts;
