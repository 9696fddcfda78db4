//! The shell's presentational components. They render props and emit callbacks; none holds domain logic.

mod canvas;
mod cap_panel;
mod event_log;
mod header;
mod icons;
mod inspector;
mod metrics;
mod palette;
mod presets;
mod ring_view;
mod shard_map;
mod shortcuts;

pub use canvas::Canvas;
pub use cap_panel::CapPanel;
pub use event_log::EventLog;
pub use header::Header;
pub use inspector::Inspector;
pub use metrics::Metrics;
pub use palette::Palette;
pub use presets::Presets;
pub use ring_view::RingView;
pub use shard_map::ShardMap;
pub use shortcuts::Shortcuts;
