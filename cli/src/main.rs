//! `switchyard`: the command-line driver of the Switchyard engine.

fn main() {
    println!("switchyard {}", env!("CARGO_PKG_VERSION"));
}
