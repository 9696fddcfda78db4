//! Share links: a whole scenario in a URL fragment. [`encode`] writes `v1.` followed by the base64url
//! (no padding) of the raw-deflated compact JSON of a [`v1::Scenario`]; the caller puts it after `#s=`.
//! [`decode`] reverses it for input nobody vouches for, so every size is bounded before it is allocated:
//! the fragment's length, the inflated size (a size-limited inflate), and the JSON nesting depth (a scan of
//! the inflated bytes before serde sees them). Node, edge and fault counts are capped while deserializing
//! ([`v1::MAX_NODES`] …) and text lengths by validation, which [`decode`] runs: a link that decodes is a
//! scenario that loads. Every failure is a typed [`LinkError`]; nothing here panics on bad input.
//!
//! Old links must keep decoding forever: a new format gets a new prefix (`v2.`) and a migration, and
//! `tests/links/v1/*.txt` holds links that the tests decode on every run.

use base64::alphabet;
use base64::engine::{DecodePaddingMode, Engine, GeneralPurpose, GeneralPurposeConfig};
use std::fmt;

use crate::scenario::{self, v1, ScenarioError};
use crate::topology::{Topology, ValidationError};

/// The prefix of a link in this format (the format version, then a dot).
pub const PREFIX: &str = "v1.";
/// The longest fragment [`decode`] looks at, in bytes.
pub const MAX_FRAGMENT_BYTES: usize = 64 * 1024;
/// The most bytes the deflated payload may inflate to.
pub const MAX_INFLATED_BYTES: usize = 1024 * 1024;
/// The deepest nesting of JSON arrays and objects accepted (a real scenario needs about 6).
pub const MAX_DEPTH: usize = 64;

/// base64url; writes no padding, and reads with or without it (a pasted link may have gained `=`).
const B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Deflate level: the best miniz_oxide offers; links are small, so the time is negligible.
const LEVEL: u8 = 10;

/// What can be wrong with a share link.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkError {
    /// The payload is not base64url.
    BadBase64,
    /// The payload is base64url, but not a raw-deflate stream (or a truncated one).
    BadDeflate,
    /// Over one of the size limits: `what` names it, `limit` is its value in `unit`s.
    TooLarge {
        what: &'static str,
        limit: usize,
        unit: &'static str,
    },
    /// The JSON nests arrays and objects deeper than [`MAX_DEPTH`].
    TooDeep { limit: usize },
    /// A prefix (or a JSON `version`) that no Switchyard ever wrote.
    UnknownVersion(String),
    /// Written by a newer Switchyard: the prefix `vN.` or the JSON's `version` is above this one's.
    NewerVersion(u64),
    /// The JSON inside is malformed or not the shape of a scenario.
    Schema(ScenarioError),
    /// The scenario parsed, but its topology, workload or fault timeline is invalid (text too long, too many
    /// nodes, a dangling edge, …).
    Invalid(Vec<ValidationError>),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::BadBase64 => f.write_str("the link is damaged: its payload is not base64url text"),
            LinkError::BadDeflate => f.write_str("the link is damaged: its payload does not decompress"),
            LinkError::TooLarge { what, limit, unit } => write!(f, "the {what} is too large (at most {limit} {unit})"),
            LinkError::TooDeep { limit } => write!(f, "the scenario nests deeper than {limit} levels"),
            LinkError::UnknownVersion(found) => {
                write!(f, "not a Switchyard share link (unknown format \"{found}\")")
            }
            LinkError::NewerVersion(n) => write!(
                f,
                "the link was made by a newer Switchyard (format {n}; this one reads format {}); update Switchyard",
                v1::VERSION
            ),
            LinkError::Schema(e) => write!(f, "the link's scenario is malformed: {e}"),
            LinkError::Invalid(errors) => {
                f.write_str("the link's scenario is invalid: ")?;
                write!(f, "{}", ScenarioError::Invalid(errors.clone()))
            }
        }
    }
}

impl std::error::Error for LinkError {}

/// The link fragment of a scenario: `v1.` + base64url-no-pad(raw deflate(compact JSON)), without the `#s=`.
pub fn encode(s: &v1::Scenario) -> String {
    // Serializing a v1::Scenario cannot fail: every map key is a string and every value is plain data.
    let json = crate::scenario::to_json(s, false);
    let deflated = miniz_oxide::deflate::compress_to_vec(&json, LEVEL);
    let mut out = String::with_capacity(PREFIX.len() + deflated.len().div_ceil(3) * 4);
    out.push_str(PREFIX);
    B64.encode_string(&deflated, &mut out);
    out
}

/// Decodes a link fragment, with or without a leading `#s=` or `s=` (and surrounding whitespace), into a
/// scenario that has passed validation.
pub fn decode(fragment: &str) -> Result<v1::Scenario, LinkError> {
    let scenario = decode_draft(fragment)?;
    Topology::build(&scenario).map_err(LinkError::Invalid)?;
    Ok(scenario)
}

/// Like [`decode`] with every bound and the schema checked, but without validation: work in progress (a
/// cache not yet wired to its origin) comes back as it was shared, for an editor that lists its problems.
/// Its size is bounded all the same (the link's length, the inflate limit, the depth and the count caps).
pub fn decode_draft(fragment: &str) -> Result<v1::Scenario, LinkError> {
    if fragment.len() > MAX_FRAGMENT_BYTES {
        return Err(LinkError::TooLarge {
            what: "link",
            limit: MAX_FRAGMENT_BYTES,
            unit: "bytes",
        });
    }
    let f = fragment.trim();
    let f = f.strip_prefix('#').unwrap_or(f);
    let f = f.strip_prefix("s=").unwrap_or(f);
    let payload = strip_version(f)?;
    let deflated = B64.decode(payload).map_err(|_| LinkError::BadBase64)?;
    let json =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, MAX_INFLATED_BYTES).map_err(|e| {
            match e.status {
                miniz_oxide::inflate::TINFLStatus::HasMoreOutput => LinkError::TooLarge {
                    what: "decompressed scenario",
                    limit: MAX_INFLATED_BYTES,
                    unit: "bytes",
                },
                _ => LinkError::BadDeflate,
            }
        })?;
    check_depth(&json, MAX_DEPTH)?;
    let text = std::str::from_utf8(&json).map_err(|e| LinkError::Schema(utf8_error(&json, e)))?;
    let scenario = scenario::parse(text).map_err(|e| match e {
        ScenarioError::NewerVersion { found, .. } => LinkError::NewerVersion(found),
        ScenarioError::UnknownVersion { found } => LinkError::UnknownVersion(found),
        e => LinkError::Schema(e),
    })?;
    Ok(scenario)
}

/// Checks the `vN.` prefix and returns what follows it.
fn strip_version(f: &str) -> Result<&str, LinkError> {
    if let Some(rest) = f.strip_prefix(PREFIX) {
        return Ok(rest);
    }
    // Shown in the error: the prefix up to its dot, or the start of whatever this is.
    let shown = || {
        let head = f.split('.').next().unwrap_or("");
        let mut s: String = head.chars().take(16).collect();
        if head.chars().count() > 16 {
            s.push('…');
        }
        s
    };
    let Some((head, _)) = f.split_once('.') else {
        return Err(LinkError::UnknownVersion(shown()));
    };
    let digits = head.strip_prefix('v').unwrap_or("");
    let canonical = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0');
    match digits.parse::<u64>() {
        Ok(n) if canonical && n > u64::from(v1::VERSION) => Err(LinkError::NewerVersion(n)),
        _ => Err(LinkError::UnknownVersion(shown())),
    }
}

/// Fails if arrays and objects nest deeper than `limit`, counting brackets outside strings. Runs before serde
/// so a hostile document costs one linear scan, never deep recursion. Unbalanced brackets are left to the
/// parser to report.
fn check_depth(json: &[u8], limit: usize) -> Result<(), LinkError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in json {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Err(LinkError::TooDeep { limit });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// The position of the first invalid UTF-8 byte, as a syntax error like serde_json's own.
fn utf8_error(json: &[u8], e: std::str::Utf8Error) -> ScenarioError {
    let before = &json[..e.valid_up_to()];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    ScenarioError::Syntax {
        line,
        column: 1 + e.valid_up_to() - line_start,
        message: "invalid UTF-8".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_scan_ignores_brackets_inside_strings() {
        let deep_in_string = format!("{{\"a\":\"{}\\\"{}\"}}", "[".repeat(100), "{".repeat(100));
        assert_eq!(check_depth(deep_in_string.as_bytes(), 2), Ok(()));
        assert_eq!(check_depth(b"{\"a\":[[1]]}", 2), Err(LinkError::TooDeep { limit: 2 }));
        assert_eq!(check_depth(b"{\"a\":[[1]]}", 3), Ok(()));
    }

    #[test]
    fn version_prefixes() {
        assert_eq!(strip_version("v1.abc"), Ok("abc"));
        assert_eq!(strip_version("v2.abc"), Err(LinkError::NewerVersion(2)));
        assert_eq!(strip_version("v98.abc"), Err(LinkError::NewerVersion(98)));
        assert_eq!(strip_version("v0.abc"), Err(LinkError::UnknownVersion("v0".into())));
        assert_eq!(strip_version("v01.abc"), Err(LinkError::UnknownVersion("v01".into())));
        assert_eq!(strip_version("v.abc"), Err(LinkError::UnknownVersion("v".into())));
        assert_eq!(strip_version("abc"), Err(LinkError::UnknownVersion("abc".into())));
        assert_eq!(
            strip_version("v99999999999999999999999.x"),
            Err(LinkError::UnknownVersion("v999999999999999…".into()))
        );
    }
}
