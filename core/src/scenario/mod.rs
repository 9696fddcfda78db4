//! Scenarios at the boundary: parsing JSON into the versioned DTO ([`v1`]), checking its version, and the
//! typed errors a malformed file produces. Validation of the topology itself lives in [`crate::topology`].
//! The JSON itself is read and written by the hand-written [`codec`], not by serde derives.

pub mod edit;
pub mod layout;
pub mod params;
pub mod v1;

pub use v1::codec;

use std::fmt;

pub use v1::Scenario;

use crate::topology::{Topology, ValidationError};

/// Everything that can be wrong with a scenario, from unreadable JSON to an invalid topology.
#[derive(Clone, Debug, PartialEq)]
pub enum ScenarioError {
    /// Not valid JSON (including a truncated file).
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// Valid JSON, but not the shape of a scenario: a missing field, an unknown node kind or field, a wrong type.
    /// `path` is where in the document, e.g. `nodes[2].spec` (empty for the document itself).
    Schema { path: String, message: String },
    /// The document has no `version` field.
    MissingVersion,
    /// Written by a newer Switchyard than this one.
    NewerVersion { found: u64, supported: u32 },
    /// A `version` that no Switchyard ever wrote (zero, negative, or not a number).
    UnknownVersion { found: String },
    /// The scenario parsed, but its topology, workload or fault timeline is invalid.
    Invalid(Vec<ValidationError>),
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::Syntax { line, column, message } => {
                write!(f, "not valid JSON at line {line}, column {column}: {message}")
            }
            ScenarioError::Schema { path, message } if path.is_empty() => {
                write!(f, "not a valid scenario: {message}")
            }
            ScenarioError::Schema { path, message } => write!(f, "not a valid scenario at {path}: {message}"),
            ScenarioError::MissingVersion => f.write_str("missing \"version\" field (this Switchyard reads version 1)"),
            ScenarioError::NewerVersion { found, supported } => write!(
                f,
                "scenario version {found} is newer than this Switchyard supports (version {supported}); update Switchyard"
            ),
            ScenarioError::UnknownVersion { found } => write!(f, "unknown scenario version {found}"),
            ScenarioError::Invalid(errors) => {
                for (i, e) in errors.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ScenarioError {}

/// serde_json appends " at line L column C"; the typed error carries those separately.
pub(crate) fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Parses a scenario document, checking its version first so a newer file gets a clear message rather than a
/// schema error about fields this version does not know.
pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
    let tree = codec::parse_tree(text)?;
    if let serde_json::Value::Object(root) = &tree {
        match root.get("version") {
            None | Some(serde_json::Value::Null) => return Err(ScenarioError::MissingVersion),
            Some(number @ serde_json::Value::Number(n)) => match n.as_u64() {
                Some(v) if v == u64::from(v1::VERSION) => {}
                Some(v) if v > u64::from(v1::VERSION) => {
                    return Err(ScenarioError::NewerVersion {
                        found: v,
                        supported: v1::VERSION,
                    })
                }
                _ => return Err(ScenarioError::UnknownVersion { found: quote(number) }),
            },
            Some(other) => {
                return Err(ScenarioError::UnknownVersion {
                    found: truncate(&quote(other), 40),
                })
            }
        }
    }
    codec::read(&tree)
}

/// A JSON value as the document writes it (compact).
fn quote(v: &serde_json::Value) -> String {
    String::from_utf8(codec::write(v, false)).unwrap_or_default()
}

/// Parses and validates: the one call drivers make before building a [`crate::Sim`].
pub fn load(text: &str) -> Result<(Scenario, Topology), ScenarioError> {
    let scenario = parse(text)?;
    let topology = Topology::build(&scenario).map_err(ScenarioError::Invalid)?;
    Ok((scenario, topology))
}

/// Serializes a scenario as pretty JSON (what `validate --fix`, exports and presets use).
pub fn to_json_pretty(s: &Scenario) -> String {
    String::from_utf8(to_json(s, true)).unwrap_or_default()
}

/// A scenario (or any part of one) as JSON text, compact (share links) or in serde_json's pretty layout
/// (files), through the hand-written [`codec`].
pub fn to_json<T: codec::Json>(x: &T, pretty: bool) -> Vec<u8> {
    codec::write(x, pretty)
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}
