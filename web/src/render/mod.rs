//! Drawing helpers that are not Yew components: the shared coordinate transform, the request dots on the
//! overlay canvas, and the latency plot. They draw plain data; none of them returns `Html`.

pub mod dots;
pub mod layout;
pub mod plot;
