//! `cargo xtask <command>`: Switchyard's build, test and release automation, in Rust so it runs the same
//! on every machine. See `cargo xtask help`.

mod bench;
mod chromium;
mod cmd;
mod fresh;
mod setup;
mod site;
mod test_all;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup               install missing tools: wasm32 target, trunk, wasm-bindgen-cli, wasm-opt
  serve [--port N]    build the release site and serve it on http://127.0.0.1:N/ (default 8080)
  dist                build the release site into dist/
  test                fmt, clippy, native tests, wasm tests in Chromium, release build, e2e tests,
                      and the release build once more in a fresh checkout with an empty CARGO_HOME
  fresh               the release build in a fresh checkout with an empty CARGO_HOME (a step of `test`)
  bench [SECTION…]    run benchmarks and write BENCHMARKS.md; naming sections (wasm, core, simpy, cli,
                      cache, browser) refreshes only those";

fn main() -> ExitCode {
    setup::prepend_cargo_bin_to_path();
    let root = xtask::workspace_root();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["setup"] => setup::run(&root),
        ["dist"] => site::dist(&root).map(drop),
        ["serve"] => site::serve(&root, 8080),
        ["serve", "--port", port] => match port.parse() {
            Ok(port) => site::serve(&root, port),
            Err(_) => Err(format!("--port wants a number, got {port:?}")),
        },
        ["test"] => {
            return if test_all::run(&root) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
        ["fresh"] => fresh::check(&root),
        ["bench", only @ ..] => bench::run(&root, only),
        [] | ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => Err(format!("unknown arguments {args:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
