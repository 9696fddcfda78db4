//! Scenarios at the boundary: parsing JSON into the versioned DTO ([`v1`]), checking its version, and the
//! typed errors a malformed file produces. Validation of the topology itself lives in [`crate::topology`].

pub mod edit;
pub mod params;
pub mod v1;

use serde::Deserialize;
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
    Schema {
        line: usize,
        column: usize,
        message: String,
    },
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
            ScenarioError::Schema { line, column, message } => {
                write!(f, "not a valid scenario at line {line}, column {column}: {message}")
            }
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

impl From<serde_json::Error> for ScenarioError {
    fn from(e: serde_json::Error) -> Self {
        let (line, column) = (e.line(), e.column());
        let message = strip_position(&e.to_string());
        match e.classify() {
            serde_json::error::Category::Data => ScenarioError::Schema { line, column, message },
            _ => ScenarioError::Syntax { line, column, message },
        }
    }
}

/// serde_json appends " at line L column C"; the typed error carries those separately.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Parses a scenario document, checking its version first so a newer file gets a clear message rather than a
/// schema error about fields this version does not know.
pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
    #[derive(Deserialize)]
    struct Peek {
        version: Option<serde_json::Value>,
    }
    let peek: Peek = serde_json::from_str(text)?;
    match peek.version {
        None => return Err(ScenarioError::MissingVersion),
        Some(serde_json::Value::Number(n)) => match n.as_u64() {
            Some(v) if v == u64::from(v1::VERSION) => {}
            Some(v) if v > u64::from(v1::VERSION) => {
                return Err(ScenarioError::NewerVersion {
                    found: v,
                    supported: v1::VERSION,
                })
            }
            _ => return Err(ScenarioError::UnknownVersion { found: n.to_string() }),
        },
        Some(other) => {
            return Err(ScenarioError::UnknownVersion {
                found: truncate(&other.to_string(), 40),
            })
        }
    }
    Ok(serde_json::from_str(text)?)
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

/// Any serializable value as JSON text, compact or pretty. Both layouts go through one serializer type:
/// `serde_json::to_vec` and `to_vec_pretty` would each compile a copy of every scenario type's serializer
/// into the wasm bundle. Serializing plain data cannot fail (every map key is a string), so a failure
/// yields empty output rather than a panic.
pub fn to_json<T: serde::Serialize + ?Sized>(x: &T, pretty: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    let layout = Layout(pretty.then(serde_json::ser::PrettyFormatter::new));
    let mut ser = serde_json::Serializer::with_formatter(&mut out, layout);
    match x.serialize(&mut ser) {
        Ok(()) => out,
        Err(_) => Vec::new(),
    }
}

/// serde_json's pretty layout when it holds a formatter, its compact layout otherwise: chosen at run time.
struct Layout(Option<serde_json::ser::PrettyFormatter<'static>>);

macro_rules! layout {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {
        impl serde_json::ser::Formatter for Layout {
            $(
                fn $name<W: ?Sized + std::io::Write>(&mut self, w: &mut W $(, $arg: $ty)*) -> std::io::Result<()> {
                    match &mut self.0 {
                        Some(p) => p.$name(w $(, $arg)*),
                        None => serde_json::ser::CompactFormatter.$name(w $(, $arg)*),
                    }
                }
            )*
        }
    };
}
layout! {
    begin_array();
    end_array();
    begin_array_value(first: bool);
    end_array_value();
    begin_object();
    end_object();
    begin_object_key(first: bool);
    begin_object_value();
    end_object_value();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The run-time layout writes exactly what serde_json's own compact and pretty serializers write, for
    /// every preset: share links (compact) and exported files (pretty) keep their bytes.
    #[test]
    fn both_layouts_match_serde_json() {
        for (id, json) in crate::presets::ALL {
            let s = parse(json).unwrap();
            assert_eq!(to_json(&s, false), serde_json::to_vec(&s).unwrap(), "{id}: compact");
            assert_eq!(
                to_json_pretty(&s),
                serde_json::to_string_pretty(&s).unwrap(),
                "{id}: pretty"
            );
        }
    }
}
