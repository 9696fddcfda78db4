//! `cargo xtask bench`: runs the core's criterion benches and the browser page-load benchmark, measures
//! the release wasm, and writes `BENCHMARKS.md`. Each part of the report is one [`Section`]; a new
//! benchmark family is one more function returning a section.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::SystemTime;

use crate::{chromium, cmd, site};

/// One `## title` part of BENCHMARKS.md.
struct Section {
    title: &'static str,
    body: String,
}

/// The sections `cargo xtask bench <name>…` can refresh on their own, by name.
pub const SECTIONS: &[&str] = &["wasm", "core", "simpy", "cli", "cache", "browser"];

/// Runs the benchmarks named in `only` (every one when empty) and writes BENCHMARKS.md. A partial run
/// replaces just its sections (and the machine table) in the file, keeping the others as they were.
pub fn run(root: &Path, only: &[&str]) -> Result<(), String> {
    if let Some(unknown) = only.iter().find(|name| !SECTIONS.contains(name)) {
        return Err(format!(
            "no benchmark called {unknown:?}; there are {}",
            SECTIONS.join(", ")
        ));
    }
    let wanted = |name: &str| only.is_empty() || only.contains(&name);
    let how = if wanted("wasm") || wanted("browser") {
        Some(site::dist(root)?)
    } else {
        None
    };
    if wanted("browser") {
        chromium::ensure()?;
    }
    let started = SystemTime::now();
    let machine = machine(root)?;
    // A full run describes its machine once; a partial one keeps that table for the sections it leaves and
    // names its own machine under each section it refreshes.
    let mut sections = if only.is_empty() {
        vec![machine.section()]
    } else {
        Vec::new()
    };
    for name in SECTIONS.iter().copied().filter(|name| wanted(name)) {
        sections.push(match name {
            "wasm" => wasm_size(&xtask::dist_dir(), how.as_deref().unwrap_or_default())?,
            "core" => core_benches(root, started)?,
            "simpy" => engine_vs_simpy(root)?,
            "cli" => cli_builds(root)?,
            "cache" => cache_replay(root)?,
            _ => browser_benches(root)?,
        });
    }
    if !only.is_empty() {
        for section in &mut sections {
            section.body.push_str(&format!(
                "\nRefreshed alone (`cargo xtask bench {}`) on {}; the Machine table above describes the last full run.\n",
                only.join(" "),
                machine.line()
            ));
        }
    }
    let path = root.join("BENCHMARKS.md");
    let old = if only.is_empty() {
        String::new()
    } else {
        fs::read_to_string(&path).unwrap_or_default()
    };
    fs::write(&path, merge(&old, &sections)).map_err(|e| format!("writing {}: {e}", path.display()))?;
    eprintln!("bench: wrote {}", path.display());
    Ok(())
}

const PREAMBLE: &str = "# Benchmarks\n\nWritten by `cargo xtask bench`; run it again to refresh (`cargo xtask bench \
                        <section>…` refreshes some). One run on one machine: compare numbers only with runs on the \
                        same machine.\n";

/// BENCHMARKS.md with `fresh` sections in place of the same-titled ones of `old`, the rest kept in order;
/// a fresh section `old` lacks goes at the end.
fn merge(old: &str, fresh: &[Section]) -> String {
    let mut parts: Vec<(String, String)> = old
        .split("\n## ")
        .skip(1)
        .filter_map(|part| {
            let (title, body) = part.split_once("\n\n")?;
            Some((title.to_owned(), body.to_owned()))
        })
        .collect();
    for section in fresh {
        match parts.iter_mut().find(|(title, _)| title == section.title) {
            Some(part) => part.1 = section.body.clone(),
            None => parts.push((section.title.to_owned(), section.body.clone())),
        }
    }
    let mut text = PREAMBLE.to_owned();
    for (title, body) in parts {
        text.push_str(&format!("\n## {title}\n\n{}", body.trim_end_matches('\n')));
        text.push('\n');
    }
    text
}

/// The machine a run measures on.
struct Machine {
    cpu: String,
    cores: usize,
    rustc: String,
    date: String,
}

impl Machine {
    fn section(&self) -> Section {
        Section {
            title: "Machine",
            body: table(
                &["", ""],
                &[
                    vec!["CPU".into(), self.cpu.clone()],
                    vec!["cores".into(), self.cores.to_string()],
                    vec!["rustc".into(), self.rustc.clone()],
                    vec!["date (UTC)".into(), self.date.clone()],
                ],
            ),
        }
    }

    fn line(&self) -> String {
        format!("{}, {} ({} cores), {}", self.date, self.cpu, self.cores, self.rustc)
    }
}

fn machine(root: &Path) -> Result<Machine, String> {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")?
                .split_once(':')
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let rustc = cmd::first_line(Command::new("rustc").arg("--version").current_dir(root))
        .ok_or("cannot run rustc --version")?;
    Ok(Machine {
        cpu,
        cores,
        rustc,
        date: today(),
    })
}

/// Raw and gzip (level 9) size of each `.wasm` in `dist/`: what a browser downloads.
fn wasm_size(dist: &Path, how: &str) -> Result<Section, String> {
    let mut rows = Vec::new();
    let entries = fs::read_dir(dist).map_err(|e| format!("reading {}: {e}", dist.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no .wasm in {}", dist.display()));
    }
    for file in files {
        let bytes = fs::read(&file).map_err(|e| format!("reading {}: {e}", file.display()))?;
        let gzipped = gzip_len(&bytes);
        eprintln!("bench: {} is {} raw, {} gzip", file.display(), bytes.len(), gzipped);
        let name = file.file_name().unwrap_or_default().to_string_lossy().into_owned();
        rows.push(vec![format!("`{name}`"), kib(bytes.len()), kib(gzipped)]);
    }
    Ok(Section {
        title: "Web bundle",
        body: format!(
            "Release build (`cargo xtask dist`: Trunk, wasm-opt `-Oz --flatten --rereloop -Oz --converge`), the wasm compiled by {how}. Issue #9's \
             budget is 400 KB gzip.\n\n{}",
            table(&["file", "raw", "gzip -9"], &rows)
        ),
    })
}

fn gzip_len(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("writing to a Vec cannot fail");
    encoder.finish().expect("writing to a Vec cannot fail").len()
}

fn kib(bytes: usize) -> String {
    format!("{:.1} KiB ({bytes} B)", bytes as f64 / 1024.0)
}

/// Runs `cargo bench -p switchyard-core` and tabulates every criterion estimate written by this run.
fn core_benches(root: &Path, started: SystemTime) -> Result<Section, String> {
    let title = "Core (criterion)";
    if !has_rust_files(&root.join("core/benches")) {
        eprintln!("bench: core has no benches yet (core/benches/*.rs)");
        return Ok(Section {
            title,
            body: "No criterion benches in `core/benches/` yet.\n".into(),
        });
    }
    let ok = cmd::run(
        Command::new("cargo")
            .args(["bench", "-p", "switchyard-core", "--benches"])
            .current_dir(root),
    );
    if !ok {
        return Err("cargo bench -p switchyard-core failed".into());
    }
    let mut rows: Vec<Vec<String>> = criterion_estimates(&root.join("target/criterion"), started)
        .into_iter()
        .map(|e| {
            let per = e.elements.map_or(String::new(), |n| {
                format!("{} ({} per element)", n, nanos(e.mean_ns / n))
            });
            vec![format!("`{}`", e.id), nanos(e.mean_ns), nanos(e.std_dev_ns), per]
        })
        .collect();
    rows.sort();
    Ok(Section {
        title,
        body: format!(
            "Mean time per iteration (criterion's point estimate).\n\n{}",
            table(&["benchmark", "mean", "std dev", "elements per iteration"], &rows)
        ),
    })
}

struct Estimate {
    id: String,
    mean_ns: f64,
    std_dev_ns: f64,
    /// Elements per iteration, when the bench declares a throughput.
    elements: Option<f64>,
}

/// Every `<id>/new/estimates.json` under `dir` modified since `since`.
fn criterion_estimates(dir: &Path, since: SystemTime) -> Vec<Estimate> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.filter_map(|e| Some(e.ok()?.path())) {
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let in_new = path.parent().is_some_and(|p| p.ends_with("new"));
            let fresh = fs::metadata(&path).and_then(|m| m.modified()).is_ok_and(|t| t >= since);
            if in_new && fresh && path.file_name().is_some_and(|n| n == "estimates.json") {
                found.extend(read_estimate(&path));
            }
        }
    }
    found
}

fn read_estimate(path: &Path) -> Option<Estimate> {
    let json = |p: &Path| serde_json::from_str::<serde_json::Value>(&fs::read_to_string(p).ok()?).ok();
    let estimates = json(path)?;
    let id = json(&path.with_file_name("benchmark.json"))
        .and_then(|b| b["full_id"].as_str().map(str::to_owned))
        .unwrap_or_else(|| path.display().to_string());
    let elements = json(&path.with_file_name("benchmark.json")).and_then(|b| b["throughput"]["Elements"].as_f64());
    Some(Estimate {
        id,
        mean_ns: estimates["mean"]["point_estimate"].as_f64()?,
        std_dev_ns: estimates["std_dev"]["point_estimate"].as_f64()?,
        elements,
    })
}

fn nanos(ns: f64) -> String {
    match ns {
        ns if ns >= 1e9 => format!("{:.3} s", ns / 1e9),
        ns if ns >= 1e6 => format!("{:.3} ms", ns / 1e6),
        ns if ns >= 1e3 => format!("{:.3} µs", ns / 1e3),
        ns => format!("{ns:.1} ns"),
    }
}

/// Builds the CLI with the `bench` profile (full speed, like `release`) and returns its path.
fn fast_cli(root: &Path) -> Result<PathBuf, String> {
    let ok = cmd::run(
        Command::new("cargo")
            .args(["build", "--profile", "bench", "-p", "switchyard-cli"])
            .current_dir(root),
    );
    if !ok {
        return Err("cargo build --profile bench -p switchyard-cli failed".into());
    }
    // Cargo puts the `bench` profile's binaries in target/release.
    Ok(root.join("target/release/switchyard"))
}

/// Runs `cmd` `n` times and returns the JSON it printed on the fastest run (by `key`, in seconds or ms).
fn best_json(mut make: impl FnMut() -> Command, n: usize, key: &str) -> Result<serde_json::Value, String> {
    let mut best: Option<serde_json::Value> = None;
    for _ in 0..n {
        let out = make().stdin(Stdio::null()).output().map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "benchmark command failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
        let v = if v.is_array() { v[0].clone() } else { v };
        if best.as_ref().is_none_or(|b| v[key].as_f64() < b[key].as_f64()) {
            best = Some(v);
        }
    }
    best.ok_or_else(|| "no runs".into())
}

/// M/M/1 through the engine (the CLI, end to end) and through SimPy, the Python DES most people reach for.
fn engine_vs_simpy(root: &Path) -> Result<Section, String> {
    let title = "Engine vs SimPy (M/M/1)";
    let cli = fast_cli(root)?;
    let requests = 1_000_000u64;
    let ours = best_json(
        || {
            let mut c = Command::new(&cli);
            c.args(["run", "preset:mm1", "--requests", &requests.to_string(), "--json"]);
            c
        },
        3,
        "wall_ms",
    )?;
    let have_simpy = Command::new("python3")
        .args(["-c", "import simpy"])
        .status()
        .is_ok_and(|s| s.success());
    if !have_simpy {
        eprintln!("bench: installing simpy from PyPI for the comparison");
        cmd::run(Command::new("python3").args(["-m", "pip", "install", "--quiet", "simpy"]));
    }
    let customers = 200_000u64;
    let script = root.join("xtask/bench/simpy_mm1.py");
    let simpy = best_json(
        || {
            let mut c = Command::new("python3");
            c.arg(&script).arg(customers.to_string());
            c
        },
        3,
        "wall_s",
    )?;
    let our_s = ours["wall_ms"].as_f64().unwrap_or(f64::NAN) / 1e3;
    let our_events = ours["events"].as_f64().unwrap_or(f64::NAN);
    let our_eps = our_events / our_s;
    let our_rps = requests as f64 / our_s;
    let py_eps = simpy["events_per_s"].as_f64().unwrap_or(f64::NAN);
    let py_rps = simpy["customers_per_s"].as_f64().unwrap_or(f64::NAN);
    let m = |v: f64| format!("{:.2} M", v / 1e6);
    let rows = vec![
        vec![
            "Switchyard engine (CLI, `bench` profile)".into(),
            m(our_eps),
            m(our_rps),
            format!("{:.2} ms", ours["latency_ms"]["mean"].as_f64().unwrap_or(0.0)),
        ],
        vec![
            "SimPy".into(),
            m(py_eps),
            m(py_rps),
            format!("{:.2} ms", simpy["mean_sojourn_ms"].as_f64().unwrap_or(0.0)),
        ],
        vec![
            "ratio".into(),
            format!("{:.0}x", our_eps / py_eps),
            format!("{:.0}x", our_rps / py_rps),
            String::new(),
        ],
    ];
    Ok(Section {
        title,
        body: format!(
            "Poisson arrivals at 80/s into one exponential server with mean 10 ms (theory: mean time in system 50 ms). Switchyard: {requests} requests via `switchyard run preset:mm1 --requests {requests} --json` (best of 3, wall time of the run loop). SimPy: {customers} customers via `xtask/bench/simpy_mm1.py` (best of 3). The engines count events differently (Switchyard: arrival, service start/arrival at the server, service done, response; SimPy: every scheduled event), so requests per second is the like-for-like figure. Targets: at least 10 M events/s and 50x SimPy.\n\n{}",
            table(&["engine", "events/s", "requests/s", "mean latency"], &rows)
        ),
    })
}

/// The CLI as users build it, against the `bench` profile's build, on M/M/1 with 10^6 requests: what
/// `cargo install --path cli` gives (the `release` profile) and what `cargo run -p switchyard-cli` gives (the
/// `dev` profile, with the engine's crates optimised). Runs alternate between the binaries, best of five each,
/// so that a busy moment of the machine does not fall on one binary alone.
fn cli_builds(root: &Path) -> Result<Section, String> {
    let title = "CLI builds (M/M/1, 10^6 requests)";
    let bench = fast_cli(root)?;
    let install_root = root.join("target/xtask/install");
    let installed = cmd::run(
        Command::new("cargo")
            .args(["install", "--force", "--path", "cli", "--root"])
            .arg(&install_root)
            .arg("--target-dir")
            .arg(root.join("target/xtask/install-target"))
            .current_dir(root),
    );
    if !installed {
        return Err("cargo install --path cli failed".into());
    }
    if !cmd::run(
        Command::new("cargo")
            .args(["build", "-p", "switchyard-cli"])
            .current_dir(root),
    ) {
        return Err("cargo build -p switchyard-cli failed".into());
    }
    let builds = [
        (
            "`cargo install --path cli` (`release` profile)",
            install_root.join("bin/switchyard"),
        ),
        (
            "`cargo run -p switchyard-cli` (`dev` profile)",
            root.join("target/debug/switchyard"),
        ),
        ("`bench` profile", bench),
    ];
    let requests = 1_000_000u64;
    let mut best = [f64::INFINITY; 3];
    for _ in 0..5 {
        for (i, (_, binary)) in builds.iter().enumerate() {
            let run = best_json(
                || {
                    let mut c = Command::new(binary);
                    c.args(["run", "preset:mm1", "--requests", &requests.to_string(), "--json"]);
                    c
                },
                1,
                "wall_ms",
            )?;
            best[i] = best[i].min(run["wall_ms"].as_f64().unwrap_or(f64::NAN));
        }
    }
    let rows: Vec<Vec<String>> = builds
        .iter()
        .zip(best)
        .map(|((name, _), ms)| {
            vec![
                (*name).to_owned(),
                format!("{ms:.0} ms"),
                format!("{:.2} M", requests as f64 / ms / 1e3),
                format!("{:.0}%", 100.0 * best[2] / ms),
            ]
        })
        .collect();
    Ok(Section {
        title,
        body: format!(
            "`switchyard run preset:mm1 --requests {requests} --json`, wall time of the run loop, best of 5, the \
             three binaries taking turns. Issue #16: the installed binary within 10% of the `bench` profile's \
             speed.\n\n{}",
            table(&["build", "wall", "requests/s", "speed vs `bench`"], &rows)
        ),
    })
}

/// Trace replay through `switchyard cache`: 10^7 keys from a Zipf(1.0) over 10^5 keys, LRU at 1%.
fn cache_replay(root: &Path) -> Result<Section, String> {
    let title = "Cache trace replay";
    let cli = fast_cli(root)?;
    let trace = root.join("target/xtask/zipf-1e7.txt");
    let lines = 10_000_000usize;
    if fs::metadata(&trace).map(|m| m.len()).unwrap_or(0) == 0 {
        write_zipf_trace(&trace, lines, 100_000, 1.0)?;
    }
    let ours = best_json(
        || {
            let mut c = Command::new(&cli);
            c.arg("cache")
                .arg(&trace)
                .args(["--policy", "lru", "--capacity", "1000", "--json"]);
            c
        },
        3,
        "wall_ms",
    )?;
    let wall_s = ours["wall_ms"].as_f64().unwrap_or(f64::NAN) / 1e3;
    let rate = lines as f64 / wall_s;
    Ok(Section {
        title,
        body: format!(
            "`switchyard cache` on a {lines}-line txt trace (Zipf 1.0 over 10^5 keys), LRU with 1,000 objects, parsing included, best of 3: **{:.1} M requests/s** ({:.0} ms, miss ratio {:.4}). Target: at least 10 M/s. libCacheSim, the reference simulator, was not available offline here to run side by side.\n",
            rate / 1e6,
            wall_s * 1e3,
            ours["miss_ratio"].as_f64().unwrap_or(f64::NAN)
        ),
    })
}

/// Writes `n` keys drawn from Zipf(`alpha`) over `keys` keys, one per line, with a fixed-seed generator.
fn write_zipf_trace(path: &Path, n: usize, keys: usize, alpha: f64) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let mut cdf = Vec::with_capacity(keys);
    let mut acc = 0.0;
    for k in 1..=keys {
        acc += 1.0 / (k as f64).powf(alpha);
        cdf.push(acc);
    }
    let total = acc;
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let file = fs::File::create(path).map_err(|e| e.to_string())?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    for _ in 0..n {
        // splitmix64
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let u = (z >> 11) as f64 / (1u64 << 53) as f64 * total;
        let k = cdf.partition_point(|&c| c < u);
        writeln!(out, "{k}").map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

/// Runs the e2e crate's page-load bench, which prints `bench: <label> = <value>` lines.
fn browser_benches(root: &Path) -> Result<Section, String> {
    let mut command = Command::new("cargo");
    command
        .args([
            "bench",
            "-p",
            "switchyard-e2e",
            "--bench",
            "page_load",
            "--bench",
            "frames",
        ])
        .current_dir(root);
    cmd::echo(&command);
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo bench: {e}"))?;
    let mut rows = Vec::new();
    for line in BufReader::new(child.stdout.take().expect("stdout is piped")).lines() {
        let Ok(line) = line else { break };
        println!("{line}");
        if let Some((label, value)) = line.strip_prefix("bench: ").and_then(|l| l.split_once(" = ")) {
            rows.push(vec![label.trim().to_owned(), value.trim().to_owned()]);
        }
    }
    if !child.wait().is_ok_and(|s| s.success()) {
        return Err("cargo bench -p switchyard-e2e failed".into());
    }
    Ok(Section {
        title: "Browser (headless Chromium)",
        body: format!(
            "Page load of the release build from a loopback server, to the app's first render \
             (`performance.mark(\"switchyard:first-render\")`); then the `95-firehose` preset at 1x in a \
             1440 px window: `requestAnimationFrame` intervals over 5 s with the dot count drawn each frame \
             (`tests/benches/frames.rs`), once with Chromium's 60 Hz frame pacing lifted \
             (`--disable-gpu-vsync --disable-frame-rate-limit`: each interval is what one frame costs) and once \
             paced as a user sees it (an interval is a multiple of 16.7 ms: one vsync, or more when a frame \
             overran), and \"run to end\" of its 1.2 million requests under a `longtask` \
             PerformanceObserver (targets: median frame <= 16 ms, p95 <= 33 ms with 10,000 dots; no task over \
             50 ms).\n\n{}",
            table(&["measure", "value"], &rows)
        ),
    })
}

fn has_rust_files(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|e| e.path().extension().is_some_and(|x| x == "rs"))
    })
}

/// A Markdown table.
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("| {} |\n|{}\n", header.join(" | "), "---|".repeat(header.len()));
    for row in rows {
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out
}

/// Today's UTC date, `YYYY-MM-DD` (Howard Hinnant's civil-from-days).
fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date(secs / 86_400)
}

fn civil_date(days_since_epoch: u64) -> String {
    let z = days_since_epoch as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        for (days, expect) in [
            (0, "1970-01-01"),
            (59, "1970-03-01"),
            (11_016, "2000-02-29"),
            (20_415, "2025-11-23"),
        ] {
            assert_eq!(civil_date(days), expect, "{days}");
        }
    }

    #[test]
    fn a_partial_run_replaces_its_sections_and_keeps_the_others() {
        let old = format!("{PREAMBLE}\n## Machine\n\nold machine\n\n## A\n\nold a\n| x |\n\n## B\n\nold b\n");
        let fresh = [
            Section {
                title: "Machine",
                body: "new machine\n".into(),
            },
            Section {
                title: "B",
                body: "new b\n\nmore\n".into(),
            },
            Section {
                title: "C",
                body: "new c\n".into(),
            },
        ];
        assert_eq!(
            merge(&old, &fresh),
            format!(
                "{PREAMBLE}\n## Machine\n\nnew machine\n\n## A\n\nold a\n| x |\n\n## B\n\nnew b\n\nmore\n\n## C\n\nnew c\n"
            )
        );
        // A full run starts from nothing: the sections in the order given.
        assert_eq!(merge("", &fresh[1..2]), format!("{PREAMBLE}\n## B\n\nnew b\n\nmore\n"));
    }

    #[test]
    fn markdown_table() {
        let rows = [vec!["a".to_owned(), "1".to_owned()]];
        assert_eq!(table(&["name", "n"], &rows), "| name | n |\n|---|---|\n| a | 1 |\n");
    }

    #[test]
    fn reads_criterion_estimates_written_since_the_run_began() {
        let dir = std::env::temp_dir().join(format!("xtask-criterion-{}", std::process::id()));
        let new = dir.join("ring/lookup/new");
        fs::create_dir_all(&new).unwrap();
        let since = SystemTime::now() - std::time::Duration::from_secs(60);
        fs::write(new.join("benchmark.json"), r#"{"full_id": "ring/lookup"}"#).unwrap();
        let estimates = r#"{"mean": {"point_estimate": 1250.0}, "std_dev": {"point_estimate": 12.5}}"#;
        fs::write(new.join("estimates.json"), estimates).unwrap();
        fs::create_dir_all(dir.join("ring/lookup/base")).unwrap();
        fs::write(dir.join("ring/lookup/base/estimates.json"), estimates).unwrap();

        let found = criterion_estimates(&dir, since);
        let rows: Vec<_> = found.iter().map(|e| (e.id.as_str(), e.mean_ns, e.std_dev_ns)).collect();
        assert_eq!(rows, [("ring/lookup", 1250.0, 12.5)]);
        assert!(criterion_estimates(&dir, SystemTime::now() + std::time::Duration::from_secs(60)).is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn time_units() {
        for (ns, expect) in [
            (12.34, "12.3 ns"),
            (1_500.0, "1.500 µs"),
            (2.5e6, "2.500 ms"),
            (3e9, "3.000 s"),
        ] {
            assert_eq!(nanos(ns), expect);
        }
    }
}
