//! The shell's presentational components. They render props and emit callbacks; none holds domain logic.

mod canvas;
mod header;
mod palette;

pub use canvas::Canvas;
pub use header::Header;
pub use palette::Palette;
