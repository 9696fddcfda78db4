//! What validation reports: where a problem is ([`Location`]), what it is ([`Problem`]), both together
//! ([`ValidationError`]), and the text limits they name. Apart from `validate.rs` so that the cluster checks
//! (`cluster.rs`), which `validate` calls, report the same way without importing `validate`.

use std::fmt;

/// The most characters an id may have.
pub const MAX_ID_LEN: usize = 64;
/// The most characters a label, region or name may have.
pub const MAX_TEXT_LEN: usize = 200;
/// The most characters a scenario's description may have: room for a template's write-up (its sizing chain and
/// what to try breaking), which outgrew the 800 of a one-paragraph note.
pub const MAX_DESCRIPTION_LEN: usize = 2_000;

/// Where a problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    Scenario,
    Node(String),
    Edge {
        from: String,
        to: String,
    },
    /// The scenario's default workload (`None`) or a client's own (`Some(id)`).
    Workload(Option<String>),
    Fault(usize),
    /// The `realtime` block.
    Realtime,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Scenario => f.write_str("scenario"),
            Location::Node(id) => write!(f, "node \"{id}\""),
            Location::Edge { from, to } => write!(f, "edge \"{from}\" -> \"{to}\""),
            Location::Workload(None) => f.write_str("workload"),
            Location::Workload(Some(id)) => write!(f, "workload of client \"{id}\""),
            Location::Fault(i) => write!(f, "fault #{}", i + 1),
            Location::Realtime => f.write_str("realtime"),
        }
    }
}

/// What is wrong.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    TooManyNodes {
        count: usize,
        limit: usize,
    },
    TooManyEdges {
        count: usize,
        limit: usize,
    },
    TooManyFaults {
        count: usize,
        limit: usize,
    },
    NoNodes,
    NoClient,
    EmptyId,
    DuplicateId,
    TextTooLong {
        field: &'static str,
        limit: usize,
    },
    /// An edge names a node that does not exist.
    DanglingEdge {
        missing: String,
    },
    SelfLoop,
    DuplicateEdge,
    /// Requests cannot be sent to a client.
    EdgeIntoClient,
    /// Requests could loop forever along these nodes.
    Cycle {
        path: Vec<String>,
    },
    /// A node has nowhere to send something it must forward.
    MissingRoute {
        what: String,
    },
    /// A rate that is zero, negative or not a number.
    InvalidRate {
        field: &'static str,
        value: f64,
    },
    /// Any other out-of-range or malformed parameter.
    BadParameter {
        field: &'static str,
        message: String,
    },
    UnknownNode {
        id: String,
    },
    UnknownEdge,
    /// A finite number outside the range the model honours (the bounds of [`crate::limits`]).
    OutOfRange {
        /// The field, with its parameter for a distribution (`service_time.mean_ms`).
        field: String,
        value: f64,
        min: f64,
        max: f64,
        /// `"ms"`, `"requests/s"`, ... or empty.
        unit: &'static str,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::TooManyNodes { count, limit } => write!(
                f,
                "too many nodes: {}{count} (the limit is {limit})",
                if *count > *limit { "more than " } else { "" }
            )
            .and_then(|_| Ok(())),
            Problem::TooManyEdges { limit, .. } => write!(f, "too many edges (the limit is {limit})"),
            Problem::TooManyFaults { limit, .. } => write!(f, "too many fault entries (the limit is {limit})"),
            Problem::NoNodes => f.write_str("the topology has no nodes"),
            Problem::NoClient => f.write_str("no client: nothing sends traffic (add a client node)"),
            Problem::EmptyId => f.write_str("empty id"),
            Problem::DuplicateId => f.write_str("another node has the same id"),
            Problem::TextTooLong { field, limit } => write!(f, "{field} is longer than {limit} characters"),
            Problem::DanglingEdge { missing } => write!(f, "connects to \"{missing}\", which does not exist"),
            Problem::SelfLoop => f.write_str("connects a node to itself"),
            Problem::DuplicateEdge => f.write_str("duplicates another edge"),
            Problem::EdgeIntoClient => f.write_str("points into a client; clients only send requests"),
            Problem::Cycle { path } => write!(f, "requests would loop forever: {}", path.join(" -> ")),
            Problem::MissingRoute { what } => write!(f, "missing route: {what}"),
            Problem::InvalidRate { field, value } => {
                write!(
                    f,
                    "{field} must be a positive number of requests per second, got {value}"
                )
            }
            Problem::BadParameter { field, message } => write!(f, "{field}: {message}"),
            Problem::UnknownNode { id } => write!(f, "refers to node \"{id}\", which does not exist"),
            Problem::UnknownEdge => f.write_str("refers to an edge that does not exist"),
            Problem::OutOfRange {
                field,
                value,
                min,
                max,
                unit,
            } => {
                let unit = if unit.is_empty() {
                    String::new()
                } else {
                    format!(" {unit}")
                };
                write!(f, "{field} must be between {min} and {max}{unit}, got {value}")
            }
        }
    }
}

/// One validation failure: where, and what.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidationError {
    pub location: Location,
    pub problem: Problem,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.problem)
    }
}
