//! The Switchyard web app (Yew).
fn main() {}
