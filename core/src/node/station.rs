//! Stations: servers with a worker pool and a queue (services, databases, DNS, directories, worker pools). The
//! spec they share, a database's table and indexes, and the inspector's parameters.

use super::calls::{error_rate, AdmissionCfg, RateLimitSpec, ShedSpec, ADMISSION};
use super::group::{hourly, ElasticCfg, GroupSpec, InstanceSize, ReplaceSpec, ELASTIC};
use super::{Behavior, Built, Check, NodeKind, Step, View};
use crate::dbengine::EngineSpec;
use crate::limits::{MAX_KEYS, MAX_QUEUE_CAPACITY};
use crate::scenario::params::concat;
use crate::scenario::params::{opt, p, Control, Param, CRASH, DIST, INT, MS};
use crate::scenario::v1::codec::{json_enum, json_spec};
use crate::scenario::v1::values::*;
use crate::time::{ms_to_nanos, SimTime};
use crate::topology::check::{workers, Errors};
use crate::topology::problem::Location;

json_spec! {
    /// A server with a worker pool and a queue: web and app servers, databases, DNS, directories, worker pools.
    #[derive(Clone, Debug, PartialEq)]
    pub struct StationSpec {
        /// Requests served at once.
        pub workers: u32 = or(one()) => serde(default = "one"),
        /// Requests that may wait for a worker; beyond it they are dropped (unbounded when absent).
        pub queue_capacity: Option<u32> = opt,
        pub service_time: Dist = or(default_service_time()) => serde(default = "default_service_time"),
        /// Crash at this virtual time (a shorthand for a `crash` fault).
        pub crash_at_ms: Option<f64> = opt,
        /// Databases only: table size and indexes, which add lookup and write costs.
        pub index: Option<IndexSpec> = opt,
        /// Databases only: the storage engine, which costs each operation of a workload's `ops`.
        pub engine: Option<EngineSpec> = opt,
        /// Chance that a request fails with `error` after service.
        pub error_rate: Option<f64> = opt,
        /// Reject requests beyond this rate with `rate_limited`.
        pub rate_limit: Option<RateLimitSpec> = opt,
        /// Shed requests that waited too long in the queue.
        pub shed: Option<ShedSpec> = opt,
        /// Services: bill it as an instance of this size (its workers are for this size).
        pub instance_size: Option<InstanceSize> = opt,
        /// Services: the price of one instance per hour, instead of its size's.
        pub hourly_usd: Option<f64> = opt,
        /// Services: replaced by a new instance after a crash.
        pub replace: Option<ReplaceSpec> = opt,
        /// Services: run as an autoscaling group of instances.
        pub group: Option<GroupSpec> = opt,
        /// Services only: where the sessions of stateful clients' users live.
        pub sessions: Option<SessionStoreSpec> = opt,
    }
}

impl Default for StationSpec {
    fn default() -> Self {
        StationSpec {
            workers: 1,
            queue_capacity: None,
            service_time: default_service_time(),
            crash_at_ms: None,
            index: None,
            engine: None,
            error_rate: None,
            rate_limit: None,
            shed: None,
            instance_size: None,
            hourly_usd: None,
            replace: None,
            group: None,
            sessions: None,
        }
    }
}

json_enum! {
    /// Where a service keeps its users' sessions.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum SessionStore {
        /// In the serving instance's memory: a user's session is valid only on the instance that created it,
        /// until that instance crashes. Needs sticky routing.
        Memory = "memory",
        /// In a shared store (`store_node`), asked on every request: any instance can serve any user, and only
        /// the store's failure loses sessions.
        Shared = "shared",
        /// In a signed token the request carries: no store, valid anywhere, but each request costs a worker
        /// `verify_ms` to check the signature.
        Token = "token",
    }
}

json_spec! {
    /// Where a service keeps the sessions of the users of stateful clients (clients with `sessions`).
    #[derive(Clone, Debug, PartialEq)]
    pub struct SessionStoreSpec {
        pub store: SessionStore = req,
        /// A shared store: the id of the node holding the sessions, one of this service's dependencies.
        pub store_node: Option<String> = opt,
        /// A token: the time a worker spends verifying it on each request (0.1 ms when absent).
        pub verify_ms: Option<f64> = opt,
    }
}

/// The CPU time a worker spends verifying a session token when `verify_ms` is absent, in milliseconds. A JWT's
/// signature check is most of it: `openssl speed ecdsap256` (OpenSSL 3.0, one core) verifies about 11,650
/// ECDSA P-256 signatures a second (86 µs each, ES256) and `openssl speed rsa2048` about 47,700 RSA-2048 ones
/// (21 µs, RS256); 0.1 ms covers an ES256 check plus decoding the token.
pub const DEFAULT_VERIFY_MS: f64 = 0.1;

json_spec! {
    /// Index settings of a database table: what a lookup and a write cost beyond the base service time.
    #[derive(Clone, Debug, PartialEq)]
    pub struct IndexSpec {
        /// Rows in the table.
        pub table_rows: u64 = req,
        /// Reads use an index (a B-tree seek, `O(log n)`) rather than scanning every row.
        pub indexed: bool = or(yes()) => serde(default = "yes"),
        /// Indexes every write must maintain.
        pub indexes: u32 = or(one()) => serde(default = "one"),
        /// Cost of one B-tree level (0.01 ms when absent).
        pub seek_ms: Option<f64> = opt,
        /// Cost of scanning one row (0.0001 ms when absent).
        pub scan_ms_per_row: Option<f64> = opt,
    }
}

pub(crate) fn yes() -> bool {
    true
}

/// A station's parameters: its pool, then admission control and the crash shorthand.
pub const STATION: &[Param] = &concat::<{ STATION_HEAD.len() + STATION_TAIL.len() }>(STATION_HEAD, STATION_TAIL);

const STATION_HEAD: &[Param] = &[
    p(
        "workers",
        "Workers",
        "",
        Control::Int {
            min: 1.0,
            max: crate::limits::MAX_WORKERS as f64,
        },
        "Requests served at once. More workers raise throughput until another tier is the bottleneck.",
    ),
    opt(
        "queue_capacity",
        "Queue limit",
        "requests",
        Control::Int {
            min: 0.0,
            max: crate::limits::MAX_QUEUE_CAPACITY as f64,
        },
        "Requests that may wait for a worker; beyond it they are dropped. A short queue sheds load early \
         instead of letting latency grow without bound.",
    ),
    p(
        "service_time",
        "Service time",
        "ms",
        DIST,
        "Time one worker spends on a request. Its mean sets capacity; its tail sets p99.",
    ),
];

const STORES: &[(&str, &str)] = &[
    ("memory", "in the instance's memory"),
    ("shared", "in a shared store"),
    ("token", "in a signed token"),
];

/// A service's parameters: a station's, where it keeps sessions, then its size, price, self-healing and
/// autoscaling group.
pub const SERVICE: &[Param] = &concat::<{ SERVICE_BASE.len() + ELASTIC.len() }>(SERVICE_BASE, ELASTIC);

/// A service's own parameters before the elastic ones: a station's, and where it keeps sessions.
const SERVICE_BASE: &[Param] = &concat::<{ SERVICE_HEAD.len() + STATION_TAIL.len() }>(SERVICE_HEAD, STATION_TAIL);

const SERVICE_HEAD: &[Param] = &[
    STATION[0],
    STATION[1],
    STATION[2],
    p(
        "sessions",
        "Sessions",
        "",
        Control::Group(r#"{"store": "memory"}"#),
        "Keep a session for each user of a stateful client (a client with users): where it lives decides what \
         an instance loss costs.",
    ),
    p(
        "sessions.store",
        "Session store",
        "",
        Control::Choice(STORES),
        "Memory needs sticky routing and loses its sessions with the instance; a shared store costs a call per \
         request and can fail itself; a token costs CPU to verify on every request.",
    ),
    opt(
        "sessions.store_node",
        "Store node",
        "node id",
        Control::FileOnly,
        "Shared store only: the id of the node holding the sessions (a database or service this one calls).",
    ),
    opt(
        "sessions.verify_ms",
        "Token verification",
        "ms",
        Control::Number {
            min: 0.0,
            max: 1e3,
            step: 0.01,
        },
        "Token only: a worker's time to verify the token's signature on each request (0.1 ms when empty: an \
         ES256 check takes about 86 µs on one core).",
    ),
];

/// A database's parameters: a station's, its table and indexes, its storage engine, admission and crash.
pub const DATABASE: &[Param] = &concat::<{ DATABASE_HEAD.len() + DATABASE_TAIL.len() }>(DATABASE_HEAD, DATABASE_TAIL);

const DATABASE_TAIL: &[Param] = &concat::<{ crate::dbengine::spec::PARAMS.len() + STATION_TAIL.len() }>(
    crate::dbengine::spec::PARAMS,
    STATION_TAIL,
);

/// Admission control and the crash shorthand, last in a station's table.
const STATION_TAIL: &[Param] = &[
    ADMISSION[0],
    ADMISSION[1],
    ADMISSION[2],
    ADMISSION[3],
    ADMISSION[4],
    ADMISSION[5],
    ADMISSION[6],
    ADMISSION[7],
    ADMISSION[8],
    ADMISSION[9],
    ADMISSION[10],
    CRASH,
];

const DATABASE_HEAD: &[Param] = &[
    STATION[0],
    STATION[1],
    STATION[2],
    p(
        "index",
        "Table and indexes",
        "",
        Control::Group(r#"{"table_rows": 100000}"#),
        "Model a table: an indexed read seeks in O(log n); an unindexed one scans every row.",
    ),
    p(
        "index.table_rows",
        "Rows",
        "rows",
        INT,
        "Rows in the table: scans grow with it, seeks barely notice.",
    ),
    p(
        "index.indexed",
        "Reads use an index",
        "",
        Control::Bool(true),
        "A B-tree seek instead of a full scan.",
    ),
    p(
        "index.indexes",
        "Indexes",
        "",
        Control::Int { min: 0.0, max: 100.0 },
        "Indexes every write must update: each one makes writes slower.",
    ),
    opt(
        "index.seek_ms",
        "Seek cost",
        "ms per level",
        MS,
        "Cost of one B-tree level (0.01 ms when empty).",
    ),
    opt(
        "index.scan_ms_per_row",
        "Scan cost",
        "ms per row",
        Control::Number {
            min: 0.0,
            max: 1e3,
            step: 0.0001,
        },
        "Cost of scanning one row (0.0001 ms when empty).",
    ),
];

// ---------------------------------------------------------------------------------------------------------
// Validation: the rules of the spec, and the configuration the engine runs.

/// A database table's index settings, in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IndexCfg {
    pub table_rows: u64,
    pub indexed: bool,
    pub indexes: u32,
    pub seek_ns: f64,
    pub scan_ns_per_row: f64,
}

impl IndexCfg {
    /// B-tree depth of the table, `log2(rows)` (at least 1).
    pub fn depth(&self) -> f64 {
        libm::log2(self.table_rows.max(2) as f64)
    }

    /// What a request of this class costs beyond the base service time: a read seeks the index (or scans
    /// every row without one); a write seeks to its place and updates each index.
    pub fn extra_ns(&self, write: bool) -> u64 {
        let seek = self.seek_ns * self.depth();
        let ns = if write {
            seek * (1.0 + f64::from(self.indexes))
        } else if self.indexed {
            seek
        } else {
            self.scan_ns_per_row * self.table_rows as f64
        };
        // At most the longest run (1e9 ms): a hostile table size cannot overflow virtual time.
        ns.min(1e15) as u64
    }
}

/// A service's validated session settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SessionCfg {
    pub store: SessionStore,
    /// A shared store: the position of the edge to it among the service's out-edges (set by validation once
    /// the edges are known; `None` for the other stores).
    pub store_pos: Option<u32>,
    /// A token: the worker's time to verify it on each request.
    pub verify_ns: u64,
}

impl SessionStoreSpec {
    /// Checks the spec's own rules (the store node's place among the dependencies is checked with the edges,
    /// in `topology::validate`).
    fn build(&self, kind: NodeKind, loc: &Location, errs: &mut Errors) -> SessionCfg {
        if kind != NodeKind::Service {
            errs.bad(
                loc,
                "sessions",
                format!("only a service keeps sessions, not a {}", kind.name()),
            );
        }
        match (self.store, &self.store_node) {
            (SessionStore::Shared, None) => errs.bad(
                loc,
                "sessions.store_node",
                "a shared store needs store_node: the id of the node holding the sessions",
            ),
            (SessionStore::Memory | SessionStore::Token, Some(_)) => errs.bad(
                loc,
                "sessions.store_node",
                "only a shared store names a node (memory sessions live in the service, tokens in the request)",
            ),
            _ => {}
        }
        if self.verify_ms.is_some() && self.store != SessionStore::Token {
            errs.bad(loc, "sessions.verify_ms", "only a token is verified on each request");
        }
        errs.ms(loc, "sessions.verify_ms", self.verify_ms, true);
        SessionCfg {
            store: self.store,
            store_pos: None,
            verify_ns: match self.store {
                SessionStore::Token => ms_to_nanos(self.verify_ms.unwrap_or(DEFAULT_VERIFY_MS)),
                _ => 0,
            },
        }
    }
}

pub(crate) fn index_cfg(ix: &IndexSpec, loc: &Location, errs: &mut Errors) -> IndexCfg {
    if ix.table_rows == 0 || ix.table_rows > MAX_KEYS {
        errs.bad(
            loc,
            "index.table_rows",
            format!("must be between 1 and {MAX_KEYS}, got {}", ix.table_rows),
        );
    }
    if ix.indexes > 64 {
        errs.bad(loc, "index.indexes", format!("at most 64, got {}", ix.indexes));
    }
    errs.ms(loc, "index.seek_ms", ix.seek_ms, true);
    errs.ms(loc, "index.scan_ms_per_row", ix.scan_ms_per_row, true);
    IndexCfg {
        table_rows: ix.table_rows,
        indexed: ix.indexed,
        indexes: ix.indexes,
        seek_ns: ix.seek_ms.unwrap_or(0.01) * 1e6,
        scan_ns_per_row: ix.scan_ms_per_row.unwrap_or(0.0001) * 1e6,
    }
}

impl StationSpec {
    /// Whether edges from it may carry a call policy ([`super::NodeSpec::calls_with_policy`]).
    pub(crate) const CALLS_WITH_POLICY: bool = true;

    /// What it does with a request whose class several out-edges carry ([`super::NodeSpec::shared_class_rule`]).
    pub(crate) const SHARED_CLASS_RULE: Option<&'static str> =
        Some("calls both, one after the other, for every such request");

    pub(crate) fn build(&self, cx: &mut Check) -> Built {
        let (p, loc, errs) = (self, cx.loc, &mut *cx.errs);
        workers(errs, loc, "workers", p.workers);
        if let Some(q) = p.queue_capacity {
            if q > MAX_QUEUE_CAPACITY {
                errs.bad(loc, "queue_capacity", format!("at most {MAX_QUEUE_CAPACITY}, got {q}"));
            }
        }
        let service_time = errs.service_time(loc, &p.service_time);
        errs.ms(loc, "crash_at_ms", p.crash_at_ms, true);
        let index = p.index.as_ref().map(|ix| {
            if cx.kind != NodeKind::Database {
                errs.bad(
                    loc,
                    "index",
                    format!("only a database has indexes, not a {}", cx.kind.name()),
                );
            }
            index_cfg(ix, loc, errs)
        });
        let engine = p.engine.as_ref().map(|e| {
            if cx.kind != NodeKind::Database {
                errs.bad(
                    loc,
                    "engine",
                    format!("only a database has a storage engine, not a {}", cx.kind.name()),
                );
            }
            if p.index.is_some() {
                errs.bad(
                    loc,
                    "index",
                    "engine replaces index: set engine.rows and engine.indexes instead",
                );
            }
            Box::new(super::storage::engine_cfg(e, loc, errs))
        });
        let service = cx.kind == NodeKind::Service;
        for (field, set) in [
            ("instance_size", p.instance_size.is_some()),
            ("hourly_usd", p.hourly_usd.is_some()),
            ("replace", p.replace.is_some()),
            ("group", p.group.is_some()),
        ] {
            if set && !service {
                errs.bad(loc, field, format!("only a service has it, not a {}", cx.kind.name()));
            }
        }
        if p.group.is_some() && p.replace.is_some() {
            errs.bad(
                loc,
                "replace",
                "a group replaces its crashed instances itself (group.health_check_ms, group.boot_ms); drop replace",
            );
        }
        let elastic = ElasticCfg {
            group: p.group.as_ref().map(|g| Box::new(g.build(loc, errs))),
            replace: p.replace.as_ref().map(|r| r.build(loc, errs)),
            size: p.instance_size,
            hourly_usd: hourly(p.instance_size, p.hourly_usd, loc, errs),
        };
        let sessions = p.sessions.as_ref().map(|s| s.build(cx.kind, loc, errs));
        Built {
            elastic,
            service_time,
            workers: Some(p.workers),
            queue_capacity: p.queue_capacity,
            crash_at: p.crash_at_ms.map(SimTime::from_millis_f64),
            index,
            engine,
            admission: AdmissionCfg {
                error_rate: error_rate(p.error_rate, loc, errs),
                limit: p.rate_limit.as_ref().map(|r| {
                    r.limit_cfg(
                        ["rate_limit.rate_rps", "rate_limit.burst", "rate_limit.window_ms"],
                        loc,
                        errs,
                    )
                }),
                shed: p.shed.as_ref().map(|s| s.build(loc, errs)),
                shed_queue: p.shed.as_ref().and_then(|s| s.max_queue(loc, errs)),
            },
            sessions,
            ..Built::new(Behavior::Station)
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Behaviour.

/// A station serves, then calls each dependency that carries the request's class, in order, then answers. A
/// replicated database's member follows its cluster's protocol instead; after a cache-aside cache answers, the
/// cache has its say first (a hit skips the database, a miss fills the cache after it). A service that keeps
/// sessions in a shared store asks the store first, for a request that carries a user; the edge to the store
/// carries nothing else.
pub(crate) fn proceed(v: &impl View) -> Step {
    if v.replica() {
        return Step::Replica;
    }
    let store = v.session_store();
    if let (Some(pos), true) = (store, v.session_due()) {
        return Step::Session { pos };
    }
    if v.step() > 0 && !v.aside_checked() {
        return Step::CacheAside;
    }
    let mut pos = v.step() as usize;
    loop {
        match v.admits(pos) {
            None => return Step::Respond,
            Some(true) if store != Some(pos) => return Step::Call { pos },
            Some(_) => pos += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::TestView;
    use super::*;
    use crate::workload::Class;

    #[test]
    fn a_station_calls_each_dependency_of_the_class_in_order_then_answers() {
        let read = Class::ApiRead.bit();
        let write = Class::ApiWrite.bit();
        let mut v = TestView {
            class: Class::ApiRead,
            out: vec![read, write, read | write],
            aside_checked: true,
            ..TestView::default()
        };
        let calls = calls_in_order(&mut v);
        assert_eq!(calls, [0, 2], "reads skip the write-only edge");
        v.class = Class::ApiWrite;
        v.step = 0;
        assert_eq!(proceed(&v), Step::Call { pos: 1 });
    }

    /// The positions a station calls, in order, until it answers (each call's answer moves it on).
    fn calls_in_order(v: &mut TestView) -> Vec<usize> {
        let mut calls = Vec::new();
        loop {
            match proceed(v) {
                Step::Call { pos } => {
                    calls.push(pos);
                    v.step = pos as u32 + 1;
                }
                Step::Respond => return calls,
                other => panic!("a station does not {other:?}"),
            }
            assert!(calls.len() <= v.out.len(), "no dependency is called twice");
        }
    }

    #[test]
    fn a_station_without_dependencies_answers_at_once() {
        assert_eq!(proceed(&TestView::default()), Step::Respond);
        let none_admit = TestView {
            out: vec![Class::ApiWrite.bit(); 3],
            ..TestView::default()
        };
        assert_eq!(proceed(&none_admit), Step::Respond);
    }

    #[test]
    fn a_shared_session_store_is_asked_first_and_only_for_sessions() {
        let every = Class::ApiRead.bit() | Class::ApiWrite.bit();
        let mut v = TestView {
            out: vec![every, every, every],
            session_store: Some(1),
            session_due: true,
            aside_checked: true,
            ..TestView::default()
        };
        assert_eq!(proceed(&v), Step::Session { pos: 1 }, "the store before any other call");
        v.session_due = false;
        let calls = calls_in_order(&mut v);
        assert_eq!(calls, [0, 2], "the store's edge carries session lookups only");
        // A request without a user (or already checked) skips the store and its edge alike.
        let stateless = TestView {
            out: vec![every, every],
            session_store: Some(0),
            ..TestView::default()
        };
        assert_eq!(proceed(&stateless), Step::Call { pos: 1 });
    }

    #[test]
    fn a_replica_follows_its_cluster_and_a_cache_aside_answer_comes_first() {
        let replica = TestView {
            replica: true,
            step: 1,
            ..TestView::default()
        };
        assert_eq!(proceed(&replica), Step::Replica);
        let answered = TestView {
            step: 1,
            out: vec![Class::ApiRead.bit(); 2],
            ..TestView::default()
        };
        assert_eq!(proceed(&answered), Step::CacheAside);
        let checked = TestView {
            aside_checked: true,
            ..answered
        };
        assert_eq!(proceed(&checked), Step::Call { pos: 1 });
    }
}
