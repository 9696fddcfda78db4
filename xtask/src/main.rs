//! Project automation: `cargo xtask setup|serve|test|dist|bench`.
fn main() {}
