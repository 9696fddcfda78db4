//! `switchyard cache`: replays a request trace through one eviction policy, or all of them, and reports
//! hits, misses and the miss ratio.
//!
//! The trace is streamed: a fixed read buffer and a line scanner that allocates nothing per line (and, for
//! txt, parses decimal keys in the same pass that finds line ends), so memory follows the cache, not the
//! trace. Belady's optimal is the exception: it is offline, so its replay first
//! reads every key into a `Vec<u64>` (plus sizes in byte mode) and the policy indexes next uses (about 20
//! bytes per request in all).
//!
//! Keys: a line (or CSV field) of decimal digits that fits in a `u64` is that number; anything else is
//! hashed with XXH3-64 under a fixed seed, a specified algorithm whose output does not change between
//! releases or platforms (std's `DefaultHasher` promises neither).

use std::fs::File;
use std::io::{self, ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use switchyard_core::cache::{visit, Belady, Capacity, Eviction, Policy, Unit, Visit};
use switchyard_core::SimTime;

/// The fixed XXH3 seed for string keys (changing it changes which strings collide, nothing else).
const KEY_SEED: u64 = 0x5357_4954_4348_5944;
/// Bytes read per system call.
const CHUNK: usize = 1 << 20;
/// The longest line accepted.
const MAX_LINE: usize = 64 << 20;

/// Replay a request trace through cache eviction policies and report hit ratios.
#[derive(clap::Args, Debug, Clone)]
pub struct CacheArgs {
    /// The trace: one key per line (txt), or CSV with a header row.
    pub trace: PathBuf,

    /// Eviction policy (fifo, lifo, lru, mru, lfu, random, clock, sieve, s3fifo, arc, tinylfu, belady), or
    /// `all` to compare every one.
    #[arg(long, default_value = "lru", value_parser = parse_choice)]
    pub policy: Choice,

    /// Cache capacity in objects (in bytes with --bytes).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub capacity: u64,

    /// Trace format; by default `csv` for a `.csv` file, otherwise `txt`.
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// CSV column holding the key: a header name or a 0-based number.
    #[arg(long, default_value = "0")]
    pub key_col: String,

    /// CSV column holding the object size in bytes: a header name or a 0-based number.
    #[arg(long)]
    pub size_col: Option<String>,

    /// Count the capacity in bytes (needs --size-col) instead of objects.
    #[arg(long)]
    pub bytes: bool,

    /// Seed for the policies that draw random numbers.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,

    /// Print JSON (an object, or an array for --policy all) instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// One policy or all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    One(Policy),
    All,
}

fn parse_choice(s: &str) -> Result<Choice, String> {
    if s.eq_ignore_ascii_case("all") {
        return Ok(Choice::All);
    }
    s.parse().map(Choice::One).map_err(|e| format!("{e}, or all"))
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Txt,
    Csv,
}

/// The result of one replay, as printed.
#[derive(Serialize, Debug)]
struct Report {
    policy: &'static str,
    capacity: u64,
    unit: &'static str,
    requests: u64,
    hits: u64,
    misses: u64,
    hit_ratio: f64,
    miss_ratio: f64,
    wall_ms: f64,
}

/// Runs `switchyard cache`.
pub fn run(args: &CacheArgs) -> Result<(), String> {
    let source = Source::new(args)?;
    let unit = if args.bytes { Unit::Bytes } else { Unit::Objects };
    let capacity = Capacity::new(args.capacity, unit).map_err(|e| e.to_string())?;
    let policies = match args.policy {
        Choice::One(policy) => vec![policy],
        Choice::All => Policy::ALL.to_vec(),
    };
    let mut reports = Vec::with_capacity(policies.len());
    for policy in policies {
        reports.push(replay(&source, policy, capacity, args.seed)?);
    }
    let mut out = io::stdout().lock();
    let written = if args.json {
        let json = match args.policy {
            Choice::One(_) => serde_json::to_string_pretty(&reports[0]),
            Choice::All => serde_json::to_string_pretty(&reports),
        }
        .map_err(|e| e.to_string())?;
        writeln!(out, "{json}")
    } else {
        write_table(&mut out, &reports)
    };
    written.map_err(|e| format!("cannot write the report: {e}"))
}

fn write_table(out: &mut impl Write, reports: &[Report]) -> io::Result<()> {
    writeln!(
        out,
        "{:<8} {:>20} {:>12} {:>12} {:>12} {:>10} {:>10}",
        "policy", "capacity", "requests", "hits", "misses", "miss_ratio", "wall_ms"
    )?;
    for r in reports {
        writeln!(
            out,
            "{:<8} {:>20} {:>12} {:>12} {:>12} {:>10.4} {:>10.1}",
            r.policy,
            format!("{} {}", r.capacity, r.unit),
            r.requests,
            r.hits,
            r.misses,
            r.miss_ratio,
            r.wall_ms
        )?;
    }
    Ok(())
}

fn replay(source: &Source, policy: Policy, capacity: Capacity, seed: u64) -> Result<Report, String> {
    let start = Instant::now();
    let (requests, hits) = if policy.is_offline() {
        let (mut keys, mut sizes) = (Vec::new(), Vec::new());
        source.for_each(|key, size| {
            keys.push(key);
            sizes.push(size);
        })?;
        let mut cache = Belady::new(keys.clone(), capacity).map_err(|e| e.to_string())?;
        let mut hits = 0u64;
        for (&key, &size) in keys.iter().zip(&sizes) {
            hits += u64::from(cache.access(key, size, SimTime::ZERO).is_hit());
        }
        (keys.len() as u64, hits)
    } else {
        visit(policy, capacity, seed, Tally(source)).map_err(|e| e.to_string())??
    };
    let wall_ms = start.elapsed().as_secs_f64() * 1e3;
    let ratio = |n: u64| {
        if requests == 0 {
            0.0
        } else {
            n as f64 / requests as f64
        }
    };
    Ok(Report {
        policy: policy.name(),
        capacity: capacity.limit(),
        unit: match capacity.unit() {
            Unit::Objects => "objects",
            Unit::Bytes => "bytes",
        },
        requests,
        hits,
        misses: requests - hits,
        hit_ratio: ratio(hits),
        miss_ratio: ratio(requests - hits),
        wall_ms,
    })
}

/// Streams the trace through one cache (statically dispatched) and counts `(requests, hits)`.
struct Tally<'a>(&'a Source);

impl Visit for Tally<'_> {
    type Output = Result<(u64, u64), String>;

    fn visit<C: Eviction + Send + 'static>(self, mut cache: C) -> Self::Output {
        let (mut requests, mut hits) = (0u64, 0u64);
        self.0.for_each(|key, size| {
            requests += 1;
            hits += u64::from(cache.access(key, size, SimTime::ZERO).is_hit());
        })?;
        Ok((requests, hits))
    }
}

/// A trace file and how to read requests from it.
struct Source {
    path: PathBuf,
    layout: Layout,
}

enum Layout {
    /// One key per line; every object has size 1.
    Lines,
    /// CSV; the header row is resolved against the column specs on every pass.
    Csv { key: String, size: Option<String> },
}

/// The column positions of a CSV, resolved from its header.
#[derive(Clone, Copy)]
struct Columns {
    key: usize,
    size: Option<usize>,
}

impl Source {
    fn new(args: &CacheArgs) -> Result<Self, String> {
        let format = args.format.unwrap_or_else(|| {
            let csv = args.trace.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            if csv {
                Format::Csv
            } else {
                Format::Txt
            }
        });
        let layout = match format {
            Format::Txt if args.size_col.is_some() => {
                return Err("--size-col needs --format csv (a txt trace has one key per line)".into())
            }
            Format::Txt if args.key_col != "0" => {
                return Err("--key-col needs --format csv (a txt trace has one key per line)".into())
            }
            Format::Txt => Layout::Lines,
            Format::Csv => Layout::Csv {
                key: args.key_col.clone(),
                size: args.size_col.clone(),
            },
        };
        if args.bytes && args.size_col.is_none() {
            return Err("--bytes needs object sizes: give --format csv and --size-col".into());
        }
        Ok(Source {
            path: args.trace.clone(),
            layout,
        })
    }

    /// Streams every request `(key, size)` of the trace into `each`.
    fn for_each(&self, mut each: impl FnMut(u64, u32)) -> Result<(), String> {
        let file = File::open(&self.path).map_err(|e| format!("cannot open trace '{}': {e}", self.path.display()))?;
        let mut line_no = 0u64;
        match &self.layout {
            Layout::Lines => read_blocks(file, &self.path, |block| scan_keys(block, &mut line_no, &mut each)),
            Layout::Csv { key, size } => {
                let mut columns: Option<Columns> = None;
                let mut scratch = Vec::new();
                read_blocks(file, &self.path, |block| {
                    let block = block.strip_suffix(b"\n").unwrap_or(block);
                    for line in block.split(|&b| b == b'\n') {
                        line_no += 1;
                        let line = line.trim_ascii();
                        if line.is_empty() {
                            continue;
                        }
                        let Some(cols) = columns else {
                            columns = Some(resolve_columns(line, line_no, key, size.as_deref())?);
                            continue;
                        };
                        let field = csv_field(line, cols.key, line_no, &mut scratch)?;
                        let key = key_of(field, line_no)?;
                        let size = match cols.size {
                            Some(at) => size_of(csv_field(line, at, line_no, &mut scratch)?, line_no)?,
                            None => 1,
                        };
                        each(key, size);
                    }
                    Ok(())
                })
            }
        }
    }
}

/// Reads `file` `CHUNK` bytes at a time and hands `each` blocks of whole lines: every block ends with a
/// newline, except a last line without one at the end of the file.
fn read_blocks(mut file: File, path: &Path, mut each: impl FnMut(&[u8]) -> Result<(), String>) -> Result<(), String> {
    let mut buf = vec![0u8; CHUNK];
    let mut kept = 0;
    loop {
        if kept == buf.len() {
            if buf.len() >= MAX_LINE {
                return Err(format!("a line is longer than {MAX_LINE} bytes"));
            }
            buf.resize(buf.len() * 2, 0);
        }
        let read = match file.read(&mut buf[kept..]) {
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(format!("cannot read trace '{}': {e}", path.display())),
        };
        if read == 0 {
            return if kept > 0 { each(&buf[..kept]) } else { Ok(()) };
        }
        let filled = kept + read;
        match memchr::memrchr(b'\n', &buf[kept..filled]) {
            Some(last) => {
                let end = kept + last + 1;
                each(&buf[..end])?;
                buf.copy_within(end..filled, 0);
                kept = filled - end;
            }
            None => kept = filled,
        }
    }
}

/// One key per line. The common case, a line of at most 19 digits (which cannot overflow), is parsed in
/// the same pass that finds the line's end; anything else goes through [`key_of`]. Blank lines are
/// skipped; surrounding whitespace (and so CRLF) is ignored.
#[inline]
fn scan_keys(mut rest: &[u8], line_no: &mut u64, each: &mut impl FnMut(u64, u32)) -> Result<(), String> {
    while !rest.is_empty() {
        *line_no += 1;
        let (mut n, mut digits) = (0u64, 0usize);
        while let Some(d) = rest.get(digits).map(|b| b.wrapping_sub(b'0')).filter(|&d| d < 10) {
            n = n.wrapping_mul(10).wrapping_add(u64::from(d));
            digits += 1;
        }
        if rest.get(digits) == Some(&b'\n') && (1..=19).contains(&digits) {
            each(n, 1);
            rest = &rest[digits + 1..];
            continue;
        }
        let end = memchr::memchr(b'\n', &rest[digits..]).map_or(rest.len(), |at| digits + at);
        let line = rest[..end].trim_ascii();
        if !line.is_empty() {
            each(key_of(line, *line_no)?, 1);
        }
        rest = rest.get(end + 1..).unwrap_or_default();
    }
    Ok(())
}

/// A key: a decimal number that fits in `u64` as itself, any other UTF-8 text hashed.
#[inline]
fn key_of(text: &[u8], line_no: u64) -> Result<u64, String> {
    if let Some(n) = parse_decimal(text) {
        return Ok(n);
    }
    if std::str::from_utf8(text).is_err() {
        return Err(format!("line {line_no}: the key is not valid UTF-8"));
    }
    Ok(xxhash_rust::xxh3::xxh3_64_with_seed(text, KEY_SEED))
}

#[inline]
fn parse_decimal(text: &[u8]) -> Option<u64> {
    if text.is_empty() || text.len() > 20 {
        return None;
    }
    let mut n = 0u64;
    for &b in text {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(digit))?;
    }
    Some(n)
}

fn size_of(text: &[u8], line_no: u64) -> Result<u32, String> {
    parse_decimal(text.trim_ascii())
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| {
            format!(
                "line {line_no}: size '{}' is not a whole number of bytes up to {}",
                String::from_utf8_lossy(text),
                u32::MAX
            )
        })
}

/// Resolves the key and size column specs against the header row: a header name first, else a 0-based
/// column number.
fn resolve_columns(header: &[u8], line_no: u64, key: &str, size: Option<&str>) -> Result<Columns, String> {
    let header =
        std::str::from_utf8(header).map_err(|_| format!("line {line_no}: the CSV header is not valid UTF-8"))?;
    let names: Vec<String> = split_csv(header.as_bytes())
        .map(|field| String::from_utf8_lossy(&unquote(field.trim_ascii())).trim().to_string())
        .collect();
    let find = |spec: &str, flag: &str| -> Result<usize, String> {
        if let Some(at) = names.iter().position(|n| n == spec) {
            return Ok(at);
        }
        match spec.parse::<usize>() {
            Ok(at) if at < names.len() => Ok(at),
            _ => Err(format!(
                "{flag} '{spec}' is neither a column name nor a column number below {} (header: {})",
                names.len(),
                names.join(",")
            )),
        }
    };
    Ok(Columns {
        key: find(key, "--key-col")?,
        size: size.map(|s| find(s, "--size-col")).transpose()?,
    })
}

/// The raw fields of one CSV line: split on commas outside double quotes.
fn split_csv(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(line);
    std::iter::from_fn(move || {
        let line = rest?;
        let mut quoted = false;
        for (i, &b) in line.iter().enumerate() {
            match b {
                b'"' => quoted = !quoted,
                b',' if !quoted => {
                    rest = Some(&line[i + 1..]);
                    return Some(&line[..i]);
                }
                _ => {}
            }
        }
        rest = None;
        Some(line)
    })
}

/// A field without its surrounding quotes, with `""` unescaped.
fn unquote(field: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    match field {
        [b'"', inner @ .., b'"'] if inner.windows(2).any(|w| w == b"\"\"") => {
            let mut out = Vec::with_capacity(inner.len());
            let mut i = 0;
            while i < inner.len() {
                out.push(inner[i]);
                i += if inner[i] == b'"' && inner.get(i + 1) == Some(&b'"') {
                    2
                } else {
                    1
                };
            }
            std::borrow::Cow::Owned(out)
        }
        [b'"', inner @ .., b'"'] => std::borrow::Cow::Borrowed(inner),
        plain => std::borrow::Cow::Borrowed(plain),
    }
}

/// Field `at` of a CSV row, trimmed and unquoted (into `scratch` when it has escaped quotes).
fn csv_field<'a>(line: &'a [u8], at: usize, line_no: u64, scratch: &'a mut Vec<u8>) -> Result<&'a [u8], String> {
    let mut count = 0;
    for (i, field) in split_csv(line).enumerate() {
        count = i + 1;
        if i == at {
            let field = field.trim_ascii();
            if field.first() == Some(&b'"') && (field.len() < 2 || field.last() != Some(&b'"')) {
                return Err(format!("line {line_no}: unterminated quoted field {at}"));
            }
            return Ok(match unquote(field) {
                std::borrow::Cow::Borrowed(b) => b,
                std::borrow::Cow::Owned(o) => {
                    *scratch = o;
                    scratch.as_slice()
                }
            });
        }
    }
    let plural = if count == 1 { "" } else { "s" };
    Err(format!(
        "line {line_no}: has {count} field{plural}, column {at} is missing"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_keys_parse_and_overflow_falls_back() {
        assert_eq!(parse_decimal(b"0"), Some(0));
        assert_eq!(parse_decimal(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_decimal(b"18446744073709551616"), None);
        assert_eq!(parse_decimal(b"12a"), None);
        assert_eq!(parse_decimal(b""), None);
        assert_eq!(key_of(b"42", 1), Ok(42));
        assert_ne!(key_of(b"user:42", 1), key_of(b"user:43", 1));
        assert!(key_of(b"\xff\xfe", 7).unwrap_err().contains("line 7"));
    }

    #[test]
    fn csv_fields_respect_quotes() {
        let line = br#"a,"b,c","say ""hi""",  d  "#;
        let fields: Vec<&[u8]> = split_csv(line).collect();
        assert_eq!(fields.len(), 4);
        let mut scratch = Vec::new();
        assert_eq!(csv_field(line, 1, 1, &mut scratch).unwrap(), b"b,c");
        assert_eq!(csv_field(line, 2, 1, &mut scratch).unwrap(), br#"say "hi""#);
        assert_eq!(csv_field(line, 3, 1, &mut scratch).unwrap(), b"d");
        assert!(csv_field(line, 4, 9, &mut scratch).unwrap_err().contains("line 9"));
    }

    #[test]
    fn columns_resolve_by_name_then_number() {
        let cols = resolve_columns(b"time,key,size", 1, "key", Some("2")).unwrap();
        assert_eq!((cols.key, cols.size), (1, Some(2)));
        assert!(resolve_columns(b"time,key", 1, "nope", None).is_err());
        assert!(resolve_columns(b"time,key", 1, "0", Some("5")).is_err());
    }

    #[test]
    fn choice_parses_all_and_names() {
        assert_eq!(parse_choice("ALL"), Ok(Choice::All));
        assert_eq!(parse_choice("sieve"), Ok(Choice::One(Policy::Sieve)));
        assert!(parse_choice("nope").unwrap_err().contains("unknown cache policy"));
    }
}
