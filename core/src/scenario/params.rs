//! What the inspector shows: for each node kind (and for edges and the scenario itself), every parameter of its
//! [`v1`](super::v1) JSON, with a label, a unit, a control and a one-line explanation of what it does and what
//! it trades off. Parameters are addressed by dotted paths into the JSON (`health_check.interval_ms`), and
//! [`set`] edits a node's spec through its JSON form, so the inspector can only ever produce what the
//! scenario format accepts. A test checks that every field of every spec struct is described here.

use serde_json::{Map, Value};

use super::v1::codec::Json;
use super::v1::values::RequestClass;

/// A named variant of a tagged value (a distribution, an arrival process, a key pattern) and its numeric
/// fields with their defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Variant {
    pub name: &'static str,
    pub label: &'static str,
    pub fields: &'static [(&'static str, f64)],
}

/// The control the inspector draws for a parameter. (Comparing two controls compares a list's `shows` by address,
/// which is only ever a test's question of whether two tables hold the same parameter.)
#[derive(Clone, Copy, Debug, PartialEq)]
#[allow(unpredictable_function_pointer_comparisons)]
pub enum Control {
    /// A whole number.
    Int { min: f64, max: f64 },
    /// A real number.
    Number { min: f64, max: f64, step: f64 },
    /// One of a fixed set of JSON strings, each with a label.
    Choice(&'static [(&'static str, &'static str)]),
    /// A `{"type": …, fields…}` object, such as a duration distribution.
    Tagged(&'static [Variant]),
    /// A checkbox for a boolean, and its value when the key is absent.
    Bool(bool),
    /// Any subset of a fixed set of JSON strings, as a list in the set's order, each with a label (one
    /// checkbox each). With `absent_means_all`, the key is absent when every option is on, and at least one
    /// must be on; otherwise it is absent when none is.
    Subset {
        options: &'static [(&'static str, &'static str)],
        absent_means_all: bool,
    },
    /// Shown with its explanation but edited in the scenario file (maps keyed by request class).
    FileOnly,
    /// A list of objects, one row each, with an "add" that appends `default` (JSON) and a "remove" per row.
    /// Each row's members are `fields`, whose keys are relative to the row (`"op"`, `"weight"`).
    List {
        fields: &'static [Param],
        default: &'static str,
        /// Whether a row (its JSON object) shows the field with this key: the fields that mean nothing to the
        /// row's other values are hidden unless set.
        shows: fn(&serde_json::Value, &str) -> bool,
    },
    /// A checkbox that adds the object `default` (JSON) at this key, or removes it. Its sub-parameters are
    /// the ones whose key starts with this one and a dot.
    Group(&'static str),
}

/// One parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Param {
    /// Dotted path into the JSON object.
    pub key: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub help: &'static str,
    pub control: Control,
    /// Absent is allowed: an empty field removes the key.
    pub optional: bool,
}

type Text = &'static str;

impl Param {
    /// The same parameter at another key (shared tables nested under a prefix).
    pub(crate) const fn with_key(self, key: Text) -> Param {
        Param { key, ..self }
    }
}

/// Two tables as one (a family's table that extends another's): `N` must be the sum of their lengths.
pub(crate) const fn concat<const N: usize>(a: &[Param], b: &[Param]) -> [Param; N] {
    assert!(a.len() + b.len() == N, "N is the two tables' lengths together");
    let mut out = [a[0]; N];
    let mut i = 0;
    while i < a.len() {
        out[i] = a[i];
        i += 1;
    }
    while i < N {
        out[i] = b[i - a.len()];
        i += 1;
    }
    out
}

/// A required parameter.
pub(crate) const fn p(key: Text, label: Text, unit: Text, control: Control, help: Text) -> Param {
    Param {
        key,
        label,
        unit,
        help,
        control,
        optional: false,
    }
}

/// A parameter that may be absent (an empty field removes the key).
pub(crate) const fn opt(key: Text, label: Text, unit: Text, control: Control, help: Text) -> Param {
    Param {
        optional: true,
        ..p(key, label, unit, control, help)
    }
}

const fn variant(name: &'static str, label: &'static str, fields: &'static [(&'static str, f64)]) -> Variant {
    Variant { name, label, fields }
}

/// Duration distributions, in milliseconds.
pub const DISTS: &[Variant] = &[
    variant("constant", "constant", &[("ms", 10.0)]),
    variant("exponential", "exponential", &[("mean_ms", 10.0)]),
    variant("uniform", "uniform", &[("min_ms", 5.0), ("max_ms", 15.0)]),
    variant("log_normal", "log-normal", &[("median_ms", 10.0), ("sigma", 0.5)]),
    variant("pareto", "Pareto (heavy tail)", &[("min_ms", 5.0), ("alpha", 2.5)]),
];

pub(crate) const ARRIVALS: &[Variant] = &[
    variant("poisson", "Poisson", &[("rate_rps", 100.0)]),
    variant("constant", "constant rate", &[("rate_rps", 100.0)]),
    variant(
        "on_off",
        "on/off bursts",
        &[("rate_rps", 200.0), ("on_ms", 1_000.0), ("off_ms", 1_000.0)],
    ),
    variant(
        "spike",
        "spike",
        &[
            ("base_rps", 100.0),
            ("spike_rps", 1_000.0),
            ("at_ms", 10_000.0),
            ("duration_ms", 5_000.0),
        ],
    ),
    variant(
        "ramp",
        "ramp",
        &[("from_rps", 10.0), ("to_rps", 500.0), ("over_ms", 30_000.0)],
    ),
];

pub(crate) const KEYS: &[Variant] = &[
    variant("uniform", "uniform", &[("count", 10_000.0)]),
    variant("zipf", "Zipf (skewed)", &[("count", 10_000.0), ("alpha", 1.0)]),
    variant(
        "hotspot",
        "hotspot",
        &[("count", 10_000.0), ("hot_keys", 0.01), ("hot_traffic", 0.9)],
    ),
    variant("sequential", "sequential (timestamps)", &[]),
];

pub(crate) const SIZES: &[Variant] = &[
    variant("constant", "constant", &[("bytes", 1_024.0)]),
    variant("uniform", "uniform", &[("min_bytes", 256.0), ("max_bytes", 4_096.0)]),
    variant(
        "log_normal",
        "log-normal (long tail)",
        &[("median_bytes", 8_192.0), ("sigma", 1.5)],
    ),
];

pub(crate) const MESSAGE_BYTES: Param = opt(
    "workload.message_bytes",
    "Message size",
    "bytes",
    Control::Tagged(SIZES),
    "Size of each request's payload; queues reject messages over their size limit. None means sizes are not modelled.",
);

pub(crate) const MESSAGE_BYTES_BY_CLASS: Param = opt(
    "workload.message_bytes_by_class",
    "Message size per class",
    "bytes",
    Control::FileOnly,
    "Per-class sizes that override the message size (set in the scenario file).",
);

const OP_KINDS: &[(&str, &str)] = &[
    ("get", "get by key"),
    ("put", "put by key (write)"),
    ("scan", "range scan of rows"),
    ("join", "join of tables"),
    ("txn", "transaction (write, locks its row)"),
    ("traverse", "graph traversal"),
    ("index_lookup", "lookup by a secondary column"),
    ("aggregate", "aggregate over rows"),
];

const COUNT: Control = Control::Int { min: 1.0, max: 1e7 };

/// The members of one entry of a workload's `ops`.
const OP_FIELDS: &[Param] = &[
    p(
        "op",
        "Operation",
        "",
        Control::Choice(OP_KINDS),
        "What the request does at the database.",
    ),
    opt(
        "weight",
        "Weight",
        "",
        Control::Number {
            min: 0.0,
            max: 1e9,
            step: 0.1,
        },
        "Relative weight in the mix (1 when empty).",
    ),
    opt(
        "rows",
        "Rows",
        "rows",
        COUNT,
        "Scan and aggregate: rows read (100, 1000); join: rows of the first table (1); txn: rows written (2).",
    ),
    opt(
        "tables",
        "Tables",
        "",
        Control::Int { min: 2.0, max: 16.0 },
        "Join: tables joined (2 when empty).",
    ),
    opt(
        "depth",
        "Depth",
        "levels",
        Control::Int { min: 1.0, max: 6.0 },
        "Traverse: levels out (2 when empty: friends of friends).",
    ),
    opt(
        "degree",
        "Degree",
        "per vertex",
        Control::Int { min: 1.0, max: 1000.0 },
        "Traverse: relationships per vertex (10 when empty).",
    ),
];

/// An `ops` row shows the sizes its operation uses, and any other that is set (so it can be cleared).
fn op_shows(row: &serde_json::Value, field: &str) -> bool {
    let set = row.get(field).is_some_and(|v| !v.is_null());
    let op = row
        .get("op")
        .and_then(serde_json::Value::as_str)
        .and_then(crate::scenario::v1::values::OpKind::from_name);
    set || op.is_none_or(|op| op.uses(field))
}

/// A workload's database operations, replacing its class mix.
pub(crate) const WORKLOAD_OPS: Param = opt(
    "workload.ops",
    "Database operations",
    "",
    Control::List {
        fields: OP_FIELDS,
        default: r#"{"op": "get"}"#,
        shows: op_shows,
    },
    "Each request is one operation, costed by the engine of the database serving it (put and txn write, the \
     rest read). Set, it replaces the request mix.",
);

/// Which keys a workload's requests touch.
pub(crate) const WORKLOAD_KEYS: Param = p(
    "workload.keys",
    "Keys",
    "",
    Control::Tagged(KEYS),
    "Which keys requests touch. Skew (Zipf, hotspots) makes caches work and shards hot.",
);

/// The weights of the request mix (a workload's `mix`).
pub(crate) const MIX: [Param; 4] = [
    p(
        "workload.mix.api_read",
        "Reads",
        "weight",
        Control::Number {
            min: 0.0,
            max: 1e6,
            step: 0.1,
        },
        "Weight of API reads.",
    ),
    p(
        "workload.mix.api_write",
        "Writes",
        "weight",
        Control::Number {
            min: 0.0,
            max: 1e6,
            step: 0.1,
        },
        "Weight of API writes.",
    ),
    p(
        "workload.mix.static_asset",
        "Static assets",
        "weight",
        Control::Number {
            min: 0.0,
            max: 1e6,
            step: 0.1,
        },
        "Weight of static-asset requests (what a CDN serves).",
    ),
    p(
        "workload.mix.background_job",
        "Background jobs",
        "weight",
        Control::Number {
            min: 0.0,
            max: 1e6,
            step: 0.1,
        },
        "Weight of background jobs (what queues carry).",
    ),
];

/// How the inspector names a request class: "API reads" for `api_read`.
pub fn class_label(class: RequestClass) -> &'static str {
    let name = tree(&class).ok();
    CLASSES
        .iter()
        .find(|(v, _)| name.as_ref().and_then(Value::as_str) == Some(*v))
        .map_or("a request class", |(_, label)| *label)
}

/// The request classes, in the format's order.
pub(crate) const CLASSES: &[(&str, &str)] = &[
    ("static_asset", "static assets"),
    ("api_read", "API reads"),
    ("api_write", "API writes"),
    ("background_job", "background jobs"),
];

pub(crate) const INT: Control = Control::Int { min: 1.0, max: 1e9 };
/// Times, up to the longest time validation accepts.
pub(crate) const MS: Control = Control::Number {
    min: 0.0,
    max: crate::limits::MAX_TIME_MS,
    step: 1.0,
};
pub(crate) const DIST: Control = Control::Tagged(DISTS);

pub(crate) const CRASH: Param = opt(
    "crash_at_ms",
    "Crash at",
    "ms",
    MS,
    "Crash this node at this virtual time (a fault on the timeline); empty means never.",
);

/// The scenario's own parameters: run length, seed and the default workload.
pub const SCENARIO: &[Param] = &[
    opt(
        "duration_ms",
        "Run length",
        "ms",
        MS,
        "Stop sending new requests after this much virtual time.",
    ),
    opt(
        "requests",
        "Request budget",
        "requests",
        INT,
        "Stop after this many requests across all clients.",
    ),
    p(
        "seed",
        "Seed",
        "",
        Control::Int { min: 0.0, max: 9.0e15 },
        "The random seed: the same scenario and seed give the same run, byte for byte.",
    ),
    p(
        "workload.arrival",
        "Arrivals",
        "",
        Control::Tagged(ARRIVALS),
        "When each client sends requests, unless it has its own workload.",
    ),
    WORKLOAD_KEYS,
    MIX[0],
    MIX[1],
    MIX[2],
    MIX[3],
    WORKLOAD_OPS,
    MESSAGE_BYTES,
    MESSAGE_BYTES_BY_CLASS,
];

/// The parameters of an edge.
pub const EDGE: &[Param] = &[
    p(
        "latency",
        "Latency",
        "ms",
        DIST,
        "One-way network delay on this link. Cross-region links cost tens of milliseconds each way.",
    ),
    p(
        "loss",
        "Loss",
        "probability",
        Control::Number {
            min: 0.0,
            max: 1.0,
            step: 0.01,
        },
        "Chance a message on this link is lost, each way. Losses surface as timeouts.",
    ),
    opt(
        "weight",
        "Weight",
        "",
        INT,
        "Relative capacity of the target, for weighted strategies.",
    ),
    opt(
        "classes",
        "Classes",
        "",
        Control::Subset {
            options: CLASSES,
            absent_means_all: true,
        },
        "The request classes this edge carries (every class when all are on; one at least). Where several \
         edges from one node carry a class, the node's kind decides what happens; the panel says so above.",
    ),
];

const MODES: &[(&str, &str)] = &[
    ("async", "async"),
    ("semi_sync", "semi-sync"),
    ("sync", "sync"),
    ("quorum", "quorum (leaderless)"),
];

/// The parameters of a replicated database's cluster (the `clusters` entry its databases share), in inspector
/// order. Which apply depends on the mode: see [`cluster_param_applies`].
pub const CLUSTER: &[Param] = &[
    p(
        "mode",
        "Replication",
        "",
        Control::Choice(MODES),
        "When the primary acknowledges a write: async at once (a failover can lose it), semi-sync once one \
         replica applied it, sync once all did. Quorum: no primary; writes go to n replicas and wait for w.",
    ),
    p(
        "consistency",
        "Under a partition",
        "",
        Control::Choice(&[("cp", "CP: fail the operation"), ("ap", "AP: answer anyway")]),
        "When the primary or quorum does not answer in time: CP fails the operation; AP answers from the \
         replicas that did, so reads may be stale and writes conflict.",
    ),
    p(
        "read_from",
        "Reads from",
        "",
        Control::Choice(&[("primary", "the primary"), ("replica", "the replica reached")]),
        "Primary: replicas forward reads to it. Replica: the database reached answers from its own copy, \
         stale while replication lags.",
    ),
    p(
        "link_latency",
        "Replication link",
        "ms",
        DIST,
        "One-way delay of a replication message: how far an async replica lags.",
    ),
    opt(
        "op_timeout_ms",
        "Operation timeout",
        "ms",
        MS,
        "How long to wait for the primary or quorum (100 ms when empty).",
    ),
    opt(
        "election_timeout_ms",
        "Failover after",
        "ms",
        MS,
        "After the primary crashes, the most up-to-date live replica is promoted this long later (1000 ms \
         when empty).",
    ),
    opt(
        "n",
        "Replicas per key (n)",
        "",
        Control::Int { min: 1.0, max: 64.0 },
        "Databases holding each key (all when empty).",
    ),
    opt(
        "r",
        "Read quorum (r)",
        "",
        Control::Int { min: 1.0, max: 64.0 },
        "Answers a read waits for, the newest winning (a majority of n when empty). With r + w > n and no \
         sloppy quorum, a read sees the latest acknowledged write.",
    ),
    opt(
        "w",
        "Write quorum (w)",
        "",
        Control::Int { min: 1.0, max: 64.0 },
        "Acknowledgements a write waits for (a majority of n when empty).",
    ),
    p(
        "read_repair",
        "Read repair",
        "",
        Control::Bool(false),
        "Send the newest value to replicas that answered a read with an older one.",
    ),
    p(
        "sloppy_quorum",
        "Sloppy quorum",
        "",
        Control::Bool(false),
        "Stand in for an unreachable replica with the next reachable one, which hands the write over later: \
         available, but reads may miss it.",
    ),
];

/// Whether a cluster parameter means anything in `mode` (a JSON name): the quorum's own (`n`, `r`, `w`, read
/// repair, sloppy quorum) only in `quorum`, the primary's (reads from, failover) only in the others.
pub fn cluster_param_applies(mode: &str, key: &str) -> bool {
    match key {
        "n" | "r" | "w" | "read_repair" | "sloppy_quorum" => mode == "quorum",
        "read_from" | "election_timeout_ms" => mode != "quorum",
        _ => true,
    }
}

/// Any scenario type as a JSON tree: its compact text parsed by the codec's one tree reader.
pub fn tree<T: Json>(x: &T) -> Result<Value, String> {
    let text = String::from_utf8(super::to_json(x, false)).map_err(|e| e.to_string())?;
    super::v1::codec::parse_tree(&text).map_err(|e| e.to_string())
}

/// A JSON tree read back as a scenario type, walking the tree directly. The error is the codec's message
/// (with the path inside `v` when there is one).
pub fn from_tree<T: Json>(v: &Value) -> Result<T, String> {
    super::v1::codec::read(v).map_err(|e| match e {
        super::ScenarioError::Schema { path, message } if !path.is_empty() => format!("{message} (at {path})"),
        super::ScenarioError::Schema { message, .. } => message,
        e => e.to_string(),
    })
}

/// A JSON number for `x`: whole numbers as integers, so that count fields (`u64`) accept them; every float
/// field accepts an integer too.
pub fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::from(x as i64)
    } else {
        Value::from(x)
    }
}

/// A tagged value's JSON: `{"type": name}` with each field at its default.
pub fn variant_default(v: &Variant) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), v.name.into());
    for (f, d) in v.fields {
        m.insert((*f).into(), number(*d));
    }
    Value::Object(m)
}

/// The value at a dotted path.
pub fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    key.split('.').try_fold(v, |v, k| v.get(k))
}

/// Sets (or with `None` removes) the value at a dotted path, creating objects along the way.
pub fn put(v: &mut Value, key: &str, value: Option<Value>) {
    let mut parts: Vec<&str> = key.split('.').collect();
    let Some(last) = parts.pop() else { return };
    let mut cur = v;
    for k in parts {
        if !cur.get(k).is_some_and(Value::is_object) {
            if value.is_none() {
                return;
            }
            if let Some(obj) = cur.as_object_mut() {
                obj.insert(k.to_owned(), Value::Object(Map::new()));
            }
        }
        match cur.get_mut(k) {
            Some(next) => cur = next,
            None => return,
        }
    }
    if let Some(obj) = cur.as_object_mut() {
        match value {
            Some(x) => {
                obj.insert(last.to_owned(), x);
            }
            None => {
                obj.remove(last);
            }
        }
    }
}

/// A node's spec, an edge, a cluster or the scenario with one parameter changed, or why the change does not fit
/// the format.
pub fn set<T: Json>(x: &T, key: &str, value: Option<Value>) -> Result<T, String> {
    let mut v = tree(x)?;
    put(&mut v, key, value);
    from_tree(&v)
}

#[cfg(test)]
mod tests {
    use super::super::edit::{default_spec, set_cluster};
    use super::super::v1::NodeKind;
    use crate::node::{balancer::BALANCER, calls::POLICY, client::CLIENT};
    use crate::node::{shard_router::SHARD_ROUTER, station::DATABASE, station::SERVICE};

    /// The kinds' JSON names, in palette order.
    fn kinds() -> [&'static str; NodeKind::ALL.len()] {
        NodeKind::ALL.map(NodeKind::name)
    }

    /// The inspector's parameters of the kind with this JSON name.
    fn for_kind(kind: &str) -> &'static [Param] {
        crate::node::named(kind).expect("a kind").params
    }
    use super::super::v1::{self, Edge, NodeSpec};
    use super::*;
    use serde::de::{self, Visitor};
    use serde::{Deserialize, Deserializer};
    use std::cell::RefCell;

    /// A deserializer that records the field names a derived `Deserialize` asks for, then stops.
    struct Fields<'a>(&'a RefCell<Vec<&'static str>>);

    impl<'de> Deserializer<'de> for Fields<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.borrow_mut().extend_from_slice(fields);
            Err(de::Error::custom("captured"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }

    fn fields_of<T: for<'de> Deserialize<'de>>() -> Vec<&'static str> {
        let cell = RefCell::new(Vec::new());
        let _ = T::deserialize(Fields(&cell));
        cell.into_inner()
    }

    /// A field is described by its own parameter, or (for an object) by parameters for its members.
    fn described(params: &[Param], field: &str) -> bool {
        params
            .iter()
            .any(|p| p.key == field || p.key.strip_prefix(field).is_some_and(|rest| rest.starts_with('.')))
    }

    #[test]
    fn every_spec_field_has_an_inspector_control() {
        // A station's fields, less the one only the other kind has: a database's table, a service's sessions.
        let station_but = |not: &[&str]| {
            let all = fields_of::<v1::StationSpec>();
            for n in not {
                assert!(all.contains(n), "StationSpec has no {n}");
            }
            all.into_iter().filter(|f| !not.contains(f)).collect::<Vec<_>>()
        };
        let structs: [(NodeKind, Vec<&str>); 7] = [
            (NodeKind::Client, fields_of::<v1::ClientSpec>()),
            (NodeKind::Database, station_but(&["sessions"])),
            (NodeKind::Service, station_but(&["index", "engine"])),
            (NodeKind::LoadBalancer, fields_of::<v1::BalancerSpec>()),
            (NodeKind::Cache, fields_of::<v1::CacheSpec>()),
            (NodeKind::ShardRouter, fields_of::<v1::ShardRouterSpec>()),
            (NodeKind::Queue, fields_of::<v1::QueueSpec>()),
        ];
        for (kind, fields) in &structs {
            assert!(!fields.is_empty(), "{kind}: no fields captured");
            for f in fields {
                // A station's fields are split between the database's table (its index) and the service's
                // (size, self-healing, group): each is in one of them.
                let service = *kind == NodeKind::Database && described(for_kind(NodeKind::Service.name()), f);
                assert!(
                    service || described(for_kind(kind.name()), f),
                    "{kind}.{f} has no inspector control"
                );
            }
        }
        for f in fields_of::<crate::dbengine::EngineSpec>() {
            assert!(
                described(for_kind(NodeKind::Database.name()), &format!("engine.{f}")),
                "database engine.{f} has no inspector control"
            );
        }
        let Control::List { fields, .. } = WORKLOAD_OPS.control else {
            panic!("workload.ops is a list")
        };
        for f in fields_of::<v1::OpEntry>() {
            assert!(described(fields, f), "workload.ops[].{f} has no inspector control");
        }
        for f in fields_of::<v1::Edge>() {
            assert!(
                matches!(f, "from" | "to") || described(EDGE, f) || described(POLICY, f),
                "edge.{f} has no inspector control"
            );
        }
        for f in fields_of::<v1::CallPolicy>() {
            assert!(described(POLICY, &format!("policy.{f}")), "policy.{f}");
        }
        for f in fields_of::<v1::BreakerSpec>() {
            assert!(described(POLICY, &format!("policy.breaker.{f}")), "policy.breaker.{f}");
        }
        for f in fields_of::<v1::RetryPolicy>() {
            assert!(described(POLICY, &format!("policy.retry.{f}")), "policy.retry.{f}");
            assert!(described(CLIENT, &format!("retry.{f}")), "client retry.{f}");
        }
        for f in fields_of::<v1::RetryBudgetSpec>() {
            assert!(
                described(POLICY, &format!("policy.retry.budget.{f}")),
                "policy.retry.budget.{f}"
            );
            assert!(
                described(CLIENT, &format!("retry.budget.{f}")),
                "client retry.budget.{f}"
            );
        }
        for f in fields_of::<v1::ShedSpec>() {
            assert!(described(DATABASE, &format!("shed.{f}")), "shed.{f}");
        }
        for f in fields_of::<v1::RateLimitSpec>() {
            assert!(described(DATABASE, &format!("rate_limit.{f}")), "rate_limit.{f}");
        }
        for f in fields_of::<v1::IndexSpec>() {
            assert!(described(DATABASE, &format!("index.{f}")), "index.{f}");
        }
        for f in fields_of::<v1::SessionStoreSpec>() {
            assert!(described(SERVICE, &format!("sessions.{f}")), "service sessions.{f}");
        }
        for f in fields_of::<v1::ClientSessionsSpec>() {
            assert!(described(CLIENT, &format!("sessions.{f}")), "client sessions.{f}");
        }
        for f in fields_of::<v1::RouterCache>() {
            assert!(
                described(SHARD_ROUTER, &format!("directory_cache.{f}")),
                "directory_cache.{f}"
            );
        }
        for f in fields_of::<v1::HealthCheck>() {
            assert!(described(BALANCER, &format!("health_check.{f}")), "health_check.{f}");
        }
        for f in fields_of::<v1::Workload>() {
            assert!(described(CLIENT, &format!("workload.{f}")), "client workload.{f}");
            assert!(described(SCENARIO, &format!("workload.{f}")), "scenario workload.{f}");
        }
        for f in fields_of::<v1::Mix>() {
            assert!(described(SCENARIO, &format!("workload.mix.{f}")), "workload.mix.{f}");
        }
        let mut doc = super::super::edit::blank();
        for param in SCENARIO {
            if let Control::Tagged(vs) = param.control {
                for var in vs {
                    doc = set(&doc, param.key, Some(variant_default(var))).expect(param.key);
                }
            }
        }
        assert_eq!(set(&doc, "seed", Some(7.into())).map(|d| d.seed), Ok(7));
        for f in fields_of::<v1::RetryPolicy>() {
            assert!(described(CLIENT, &format!("retry.{f}")), "retry.{f}");
        }
    }

    #[test]
    fn every_choice_and_group_default_is_accepted_by_the_format() {
        for kind in kinds() {
            let spec = default_spec(kind).unwrap();
            for param in for_kind(kind) {
                let values: Vec<Value> = match param.control {
                    Control::Choice(opts) => opts.iter().map(|(v, _)| Value::from(*v)).collect(),
                    Control::Group(default) => vec![serde_json::from_str(default).unwrap()],
                    Control::Tagged(variants) => variants.iter().map(variant_default).collect(),
                    Control::Subset { options, .. } => options
                        .iter()
                        .map(|(v, _)| serde_json::json!([v]))
                        .chain([Value::from(options.iter().map(|(v, _)| *v).collect::<Vec<_>>())])
                        .collect(),
                    _ => continue,
                };
                for value in values {
                    // A sub-parameter needs its group present first.
                    let base = match param.key.rsplit_once('.') {
                        Some((group, _)) => for_kind(kind)
                            .iter()
                            .find(|g| g.key == group)
                            .and_then(|g| match g.control {
                                Control::Group(d) => set(&spec, g.key, serde_json::from_str(d).ok()).ok(),
                                _ => None,
                            })
                            .unwrap_or_else(|| spec.clone()),
                        None => spec.clone(),
                    };
                    set(&base, param.key, Some(value.clone()))
                        .unwrap_or_else(|e| panic!("{kind}.{} = {value}: {e}", param.key));
                }
            }
        }
    }

    #[test]
    fn cluster_parameters_cover_the_format_and_leaving_quorum_drops_its_own() {
        for f in fields_of::<v1::Cluster>() {
            assert!(
                matches!(f, "id" | "replicas") || described(CLUSTER, f),
                "cluster.{f} has no inspector control"
            );
        }
        let mut doc = super::super::edit::blank();
        for _ in 0..3 {
            super::super::edit::add_node(&mut doc, "database", 0.0, 0.0).unwrap();
        }
        super::super::edit::set_replicates(&mut doc, 0, 1, true).unwrap();
        super::super::edit::set_replicates(&mut doc, 0, 2, true).unwrap();
        let client = super::super::edit::add_node(&mut doc, "client", 0.0, 0.0).unwrap();
        super::super::edit::connect(&mut doc, client, 0).unwrap();
        let c = doc.clusters[0].clone();
        // Every choice the controls offer is accepted.
        for param in CLUSTER {
            let values: Vec<Value> = match param.control {
                Control::Choice(opts) => opts.iter().map(|(v, _)| Value::from(*v)).collect(),
                Control::Tagged(variants) => variants.iter().map(variant_default).collect(),
                _ => continue,
            };
            for value in values {
                set_cluster(&c, param.key, Some(value.clone()))
                    .unwrap_or_else(|e| panic!("{} = {value}: {e}", param.key));
            }
        }
        let q = set_cluster(&c, "mode", Some("quorum".into())).unwrap();
        let q = set_cluster(&q, "n", Some(3.into())).unwrap();
        let q = set_cluster(&q, "w", Some(3.into())).unwrap();
        let q = set_cluster(&q, "read_repair", Some(true.into())).unwrap();
        let q = set_cluster(&q, "sloppy_quorum", Some(true.into())).unwrap();
        assert_eq!((q.n, q.r, q.w, q.read_repair), (Some(3), None, Some(3), true));
        doc.clusters[0] = q.clone();
        crate::topology::Topology::build(&doc).expect("the quorum cluster validates");
        // Back to a primary: the settings the primary modes refuse go; the rest stays.
        let p = set_cluster(&q, "mode", Some("semi_sync".into())).unwrap();
        assert_eq!(p.mode, v1::ReplicationMode::SemiSync);
        assert_eq!((p.n, p.r, p.w, p.read_repair), (None, None, None, false));
        doc.clusters[0] = p;
        crate::topology::Topology::build(&doc).expect("the primary cluster validates");
        // The inspector shows each mode's own settings only.
        let shown = |mode: &str| -> Vec<&str> {
            CLUSTER
                .iter()
                .map(|p| p.key)
                .filter(|k| cluster_param_applies(mode, k))
                .collect()
        };
        assert_eq!(
            shown("quorum"),
            [
                "mode",
                "consistency",
                "link_latency",
                "op_timeout_ms",
                "n",
                "r",
                "w",
                "read_repair",
                "sloppy_quorum"
            ]
        );
        assert_eq!(
            shown("async"),
            [
                "mode",
                "consistency",
                "read_from",
                "link_latency",
                "op_timeout_ms",
                "election_timeout_ms"
            ]
        );
        assert!(set_cluster(&c, "mode", Some("eventual".into())).is_err());
    }

    #[test]
    fn every_request_class_has_its_own_label() {
        let labels: Vec<&str> = super::super::edit::CLASSES.iter().map(|c| class_label(*c)).collect();
        assert_eq!(labels, ["static assets", "API reads", "API writes", "background jobs"]);
    }

    #[test]
    fn an_edge_takes_every_subset_of_classes_its_control_offers() {
        let Some(Control::Subset {
            options,
            absent_means_all,
        }) = EDGE.iter().find(|p| p.key == "classes").map(|p| p.control)
        else {
            panic!("edges have a classes subset control");
        };
        assert!(absent_means_all, "an edge without classes carries every class");
        let edge = Edge {
            from: "a".into(),
            to: "b".into(),
            latency: v1::zero_dist(),
            loss: 0.0,
            weight: None,
            classes: None,
            policy: None,
        };
        for mask in 1u32..1 << options.len() {
            let list: Vec<&str> = options
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, (v, _))| *v)
                .collect();
            let e = set(&edge, "classes", Some(serde_json::json!(list))).unwrap();
            assert_eq!(e.classes.map(|c| c.len()), Some(list.len()), "{list:?}");
        }
    }

    #[test]
    fn set_changes_one_field_and_reports_what_does_not_fit() {
        let spec = default_spec("load_balancer").unwrap();
        let s = set(&spec, "strategy", Some("power_of_two".into())).unwrap();
        assert!(matches!(&s, NodeSpec::LoadBalancer(b) if b.strategy == v1::Strategy::PowerOfTwo));
        let s = set(&s, "health_check", Some(serde_json::json!({"interval_ms": 500}))).unwrap();
        let s = set(&s, "health_check.fall", Some(5.into())).unwrap();
        match &s {
            NodeSpec::LoadBalancer(b) => {
                let hc = b.health_check.as_ref().unwrap();
                assert_eq!((hc.interval_ms, hc.fall, hc.rise), (500.0, 5, 2));
            }
            other => panic!("kind changed: {other:?}"),
        }
        let off = set(&s, "health_check", None).unwrap();
        assert!(matches!(&off, NodeSpec::LoadBalancer(b) if b.health_check.is_none()));
        let err = set(&spec, "strategy", Some("telepathy".into())).unwrap_err();
        assert!(err.contains("telepathy"), "{err}");
        assert!(
            set(&spec, "workers", Some(3.into())).is_err(),
            "a balancer has no workers field"
        );
    }
}
