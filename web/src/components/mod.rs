//! The shell's presentational components. They render props and emit callbacks; none holds domain logic.

mod canvas;
mod event_log;
mod header;
mod icons;
mod metrics;
mod palette;
mod presets;

pub use canvas::Canvas;
pub use event_log::EventLog;
pub use header::Header;
pub use metrics::Metrics;
pub use palette::Palette;
pub use presets::Presets;
