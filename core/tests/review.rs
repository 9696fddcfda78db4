//! The design review (`review`): single points of failure against a brute-force check on generated topologies
//! (remove each node, search again from every client), each checklist rule on a design that triggers it and on
//! one that does not, and the review of every preset.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use std::collections::BTreeSet;
use switchyard_core::review::{review, review_scenario, Finding, Rule};
use switchyard_core::{presets, scenario};

// ---------------------------------------------------------------------------------------------------------
// Building scenarios.

/// A scenario's JSON from its nodes `(id, spec)`, its edges `(from, to, extra members)` and extra top-level
/// members.
fn scenario_json(nodes: &[(&str, &str)], edges: &[(&str, &str, &str)], extra: &str) -> String {
    let nodes: Vec<String> = nodes
        .iter()
        .map(|(id, spec)| format!(r#"{{"id": "{id}", "spec": {spec}}}"#))
        .collect();
    let edges: Vec<String> = edges
        .iter()
        .map(|(from, to, more)| {
            let more = if more.is_empty() {
                String::new()
            } else {
                format!(", {more}")
            };
            format!(r#"{{"from": "{from}", "to": "{to}"{more}}}"#)
        })
        .collect();
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(", {extra}")
    };
    format!(
        r#"{{"version": 1, "nodes": [{}], "edges": [{}]{extra}}}"#,
        nodes.join(", "),
        edges.join(", ")
    )
}

fn review_json(json: &str) -> Vec<Finding> {
    let s = scenario::parse(json).unwrap_or_else(|e| panic!("{e}\n{json}"));
    review_scenario(&s).unwrap_or_else(|e| panic!("{e:?}\n{json}"))
}

/// Where a rule fired: `node`, or `from->to` for a call.
fn fired(findings: &[Finding], rule: Rule) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| match &f.edge {
            Some((a, b)) => format!("{a}->{b}"),
            None => f.node.clone(),
        })
        .collect()
}

const CLIENT: &str = r#"{"kind": "client", "timeout_ms": 1000}"#;
const SERVICE: &str = r#"{"kind": "service"}"#;
const DB: &str = r#"{"kind": "database"}"#;
const LB: &str = r#"{"kind": "load_balancer"}"#;
const LB_CHECKED: &str = r#"{"kind": "load_balancer", "health_check": {"interval_ms": 1000}}"#;
const RW: &str = r#""workload": {"mix": {"api_read": 0.5, "api_write": 0.5}}"#;

// ---------------------------------------------------------------------------------------------------------
// Single points of failure by hand: each case's single points, with the rule that names them.

struct SpofCase {
    name: &'static str,
    nodes: &'static [(&'static str, &'static str)],
    edges: &'static [(&'static str, &'static str, &'static str)],
    extra: &'static str,
    /// `(node, rule)` for every single point, in the review's order.
    want: &'static [(&'static str, Rule)],
}

const SPOF_CASES: &[SpofCase] = &[
    SpofCase {
        name: "one server",
        nodes: &[("c", CLIENT), ("server", SERVICE)],
        edges: &[("c", "server", "")],
        extra: "",
        want: &[("server", Rule::SinglePointOfFailure)],
    },
    SpofCase {
        name: "a balancer over two servers and one database",
        nodes: &[
            ("c", CLIENT),
            ("lb", LB_CHECKED),
            ("w1", SERVICE),
            ("w2", SERVICE),
            ("db", DB),
        ],
        edges: &[
            ("c", "lb", ""),
            ("lb", "w1", ""),
            ("lb", "w2", ""),
            ("w1", "db", ""),
            ("w2", "db", ""),
        ],
        extra: "",
        want: &[("lb", Rule::SingleBalancer), ("db", Rule::SinglePointOfFailure)],
    },
    SpofCase {
        name: "active/passive balancers over two servers",
        nodes: &[
            (
                "c",
                r#"{"kind": "client", "timeout_ms": 1000, "strategy": "failover", "health_check": {"interval_ms": 500}}"#,
            ),
            ("lb1", LB_CHECKED),
            ("lb2", LB_CHECKED),
            ("w1", SERVICE),
            ("w2", SERVICE),
        ],
        edges: &[
            ("c", "lb1", ""),
            ("c", "lb2", ""),
            ("lb1", "w1", ""),
            ("lb1", "w2", ""),
            ("lb2", "w1", ""),
            ("lb2", "w2", ""),
        ],
        extra: "",
        want: &[],
    },
    SpofCase {
        // Reachability alone would call neither a single point: each server still reaches the other.
        name: "servers that call both an auth service and a database",
        nodes: &[
            ("c", CLIENT),
            ("lb", LB_CHECKED),
            ("w1", SERVICE),
            ("w2", SERVICE),
            ("auth", SERVICE),
            ("db", DB),
        ],
        edges: &[
            ("c", "lb", ""),
            ("lb", "w1", ""),
            ("lb", "w2", ""),
            ("w1", "auth", ""),
            ("w1", "db", ""),
            ("w2", "auth", ""),
            ("w2", "db", ""),
        ],
        extra: "",
        want: &[
            ("lb", Rule::SingleBalancer),
            ("auth", Rule::SinglePointOfFailure),
            ("db", Rule::SinglePointOfFailure),
        ],
    },
    SpofCase {
        name: "an autoscaling group of at least two instances",
        nodes: &[
            ("c", CLIENT),
            ("web", r#"{"kind": "service", "group": {"min": 2, "max": 4}}"#),
            ("db", DB),
        ],
        edges: &[("c", "web", ""), ("web", "db", "")],
        extra: "",
        want: &[("db", Rule::SinglePointOfFailure)],
    },
    SpofCase {
        name: "an autoscaling group that may run one instance",
        nodes: &[
            ("c", CLIENT),
            ("web", r#"{"kind": "service", "group": {"min": 1, "max": 4}}"#),
            ("db", DB),
        ],
        edges: &[("c", "web", ""), ("web", "db", "")],
        extra: "",
        want: &[("web", Rule::SinglePointOfFailure), ("db", Rule::SinglePointOfFailure)],
    },
    SpofCase {
        name: "writes to a primary, reads over two replicas",
        nodes: &[
            (
                "c",
                r#"{"kind": "client", "timeout_ms": 1000, "workload": {"mix": {"api_read": 0.5, "api_write": 0.5}}}"#,
            ),
            ("app", r#"{"kind": "service", "group": {"min": 2}}"#),
            ("primary", DB),
            ("reads", r#"{"kind": "proxy", "health_check": {"interval_ms": 1000}}"#),
            ("r1", DB),
            ("r2", DB),
        ],
        edges: &[
            ("c", "app", ""),
            ("app", "primary", r#""classes": ["api_write"]"#),
            ("app", "reads", r#""classes": ["api_read"]"#),
            ("reads", "r1", ""),
            ("reads", "r2", ""),
        ],
        extra: "",
        want: &[("primary", Rule::SinglePointOfFailure), ("reads", Rule::SingleBalancer)],
    },
    SpofCase {
        name: "a client's DNS server",
        nodes: &[
            ("c", CLIENT),
            ("dns", r#"{"kind": "dns"}"#),
            ("a", SERVICE),
            ("b", SERVICE),
        ],
        edges: &[("c", "dns", ""), ("c", "a", ""), ("c", "b", "")],
        extra: "",
        want: &[("dns", Rule::SinglePointOfFailure)],
    },
    SpofCase {
        name: "a shard router's directory, not its shards",
        nodes: &[
            ("c", CLIENT),
            ("router", r#"{"kind": "shard_router", "scheme": "directory"}"#),
            ("dir", r#"{"kind": "directory"}"#),
            ("s1", DB),
            ("s2", DB),
        ],
        edges: &[
            ("c", "router", ""),
            ("router", "dir", ""),
            ("router", "s1", ""),
            ("router", "s2", ""),
        ],
        extra: "",
        want: &[
            ("router", Rule::SinglePointOfFailure),
            ("dir", Rule::SinglePointOfFailure),
        ],
    },
    SpofCase {
        name: "a cache-aside cache the service calls before the database",
        nodes: &[
            ("c", CLIENT),
            ("app", r#"{"kind": "service", "group": {"min": 3}}"#),
            ("cache", r#"{"kind": "cache", "capacity": 100, "read": "cache_aside"}"#),
            ("db", DB),
        ],
        edges: &[("c", "app", ""), ("app", "cache", ""), ("app", "db", "")],
        extra: "",
        want: &[
            ("cache", Rule::SinglePointOfFailure),
            ("db", Rule::SinglePointOfFailure),
        ],
    },
    SpofCase {
        name: "a queue with two worker pools",
        nodes: &[
            ("c", CLIENT),
            ("q", r#"{"kind": "queue", "visibility_timeout_ms": 1000}"#),
            ("p1", r#"{"kind": "worker_pool"}"#),
            ("p2", r#"{"kind": "worker_pool"}"#),
        ],
        edges: &[("c", "q", ""), ("q", "p1", ""), ("q", "p2", "")],
        extra: "",
        want: &[("q", Rule::SinglePointOfFailure)],
    },
    SpofCase {
        name: "a cluster every replica of which the client can reach",
        nodes: &[
            (
                "c",
                r#"{"kind": "client", "timeout_ms": 1000, "health_check": {"interval_ms": 500}}"#,
            ),
            ("db1", DB),
            ("db2", DB),
            ("db3", DB),
        ],
        edges: &[("c", "db1", ""), ("c", "db2", ""), ("c", "db3", "")],
        extra: r#""clusters": [{"id": "kv", "replicas": ["db1", "db2", "db3"]}]"#,
        want: &[],
    },
    SpofCase {
        name: "a cluster reached through its primary alone",
        nodes: &[("c", CLIENT), ("db1", DB), ("db2", DB)],
        edges: &[("c", "db1", "")],
        extra: r#""clusters": [{"id": "kv", "replicas": ["db1", "db2"]}]"#,
        want: &[("db1", Rule::SinglePointOfFailure)],
    },
];

#[test]
fn single_points_by_hand() {
    for case in SPOF_CASES {
        let findings = review_json(&scenario_json(case.nodes, case.edges, case.extra));
        let got: Vec<(&str, Rule)> = findings
            .iter()
            .filter(|f| f.rule.is_single_point())
            .map(|f| (f.node.as_str(), f.rule))
            .collect();
        assert_eq!(got, case.want, "{}", case.name);
    }
}

#[test]
fn a_single_point_says_which_requests_it_stops() {
    let case = SPOF_CASES.iter().find(|c| c.name.starts_with("writes")).unwrap();
    let findings = review_json(&scenario_json(case.nodes, case.edges, case.extra));
    let reason = |node: &str| {
        &findings
            .iter()
            .find(|f| f.node == node && f.rule.is_single_point())
            .unwrap()
            .reason
    };
    assert_eq!(
        reason("primary"),
        "Every write from c needs primary: if it fails, none of them gets through"
    );
    assert!(
        reason("reads").starts_with("Every read from c goes through reads, the only proxy"),
        "{}",
        reason("reads")
    );
    let one = review_json(&scenario_json(SPOF_CASES[0].nodes, SPOF_CASES[0].edges, ""));
    assert_eq!(
        one[0].reason,
        "Every request from c needs server: if it fails, nothing gets through"
    );
}

// ---------------------------------------------------------------------------------------------------------
// Single points of failure on generated topologies, against removing each node and searching again.

/// A node that is not a client, in a generated topology.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// Picks one backend.
    Balancer,
    /// A read-through cache: needs one origin.
    Cache,
    /// Calls every dependency.
    Service,
    Database,
    /// A service run as an autoscaling group of at least `min` instances.
    Group {
        min: u32,
    },
}

/// A generated topology: clients `c0..` (each sending reads, writes or both, as class bits 1, 2, 3), then
/// nodes `n0..`; edges go from a client or a node to a later node, carrying reads, writes or both.
#[derive(Clone, Debug)]
struct Model {
    clients: Vec<u8>,
    kinds: Vec<Kind>,
    edges: Vec<(usize, usize, u8)>,
}

impl Model {
    /// A model from raw draws: edges folded onto the index ranges and made acyclic and unique, then just
    /// enough added for validation (a route for every class a client sends, a backend for every balancer
    /// and an origin for every cache; the last node, which can have neither, becomes a database).
    fn new(clients: Vec<u8>, mut kinds: Vec<Kind>, raw: Vec<(u16, u16, u8)>) -> Model {
        let (c, m) = (clients.len(), kinds.len());
        let mut edges: Vec<(usize, usize, u8)> = Vec::new();
        for (a, b, classes) in raw {
            let (from, to) = (a as usize % (c + m), c + b as usize % m);
            let (from, to) = if from >= c && from > to { (to, from) } else { (from, to) };
            if from != to && !edges.iter().any(|e| (e.0, e.1) == (from, to)) {
                edges.push((from, to, classes));
            }
        }
        for (k, &bits) in clients.iter().enumerate() {
            for class in [1, 2] {
                if bits & class != 0 && !edges.iter().any(|e| e.0 == k && e.2 & class != 0) {
                    match edges.iter_mut().find(|e| e.0 == k) {
                        Some(e) => e.2 = 3,
                        None => edges.push((k, c, 3)),
                    }
                }
            }
        }
        if matches!(kinds[m - 1], Kind::Balancer | Kind::Cache) {
            kinds[m - 1] = Kind::Database;
        }
        for (i, kind) in kinds.iter().enumerate().take(m - 1) {
            if matches!(kind, Kind::Balancer | Kind::Cache) && !edges.iter().any(|e| e.0 == c + i) {
                edges.push((c + i, c + i + 1, 3));
            }
        }
        Model { clients, kinds, edges }
    }

    fn id(&self, v: usize) -> String {
        let c = self.clients.len();
        if v < c {
            format!("c{v}")
        } else {
            format!("n{}", v - c)
        }
    }

    fn json(&self) -> String {
        let mix = |bits: u8| match bits {
            1 => r#"{"api_read": 1}"#,
            2 => r#"{"api_write": 1}"#,
            _ => r#"{"api_read": 1, "api_write": 1}"#,
        };
        let mut specs: Vec<String> = self
            .clients
            .iter()
            .map(|&b| {
                format!(
                    r#"{{"kind": "client", "timeout_ms": 1000, "workload": {{"mix": {}}}}}"#,
                    mix(b)
                )
            })
            .collect();
        specs.extend(self.kinds.iter().map(|k| match k {
            Kind::Balancer => LB.to_string(),
            Kind::Cache => r#"{"kind": "cache", "capacity": 10}"#.to_string(),
            Kind::Service => SERVICE.to_string(),
            Kind::Database => DB.to_string(),
            Kind::Group { min } => format!(r#"{{"kind": "service", "group": {{"min": {min}, "max": 4}}}}"#),
        }));
        let ids: Vec<String> = (0..specs.len()).map(|v| self.id(v)).collect();
        let nodes: Vec<(&str, &str)> = ids
            .iter()
            .map(String::as_str)
            .zip(specs.iter().map(String::as_str))
            .collect();
        let ends: Vec<(String, String, &str)> = self
            .edges
            .iter()
            .map(|&(a, b, classes)| {
                let more = match classes {
                    1 => r#""classes": ["api_read"]"#,
                    2 => r#""classes": ["api_write"]"#,
                    _ => "",
                };
                (self.id(a), self.id(b), more)
            })
            .collect();
        let edges: Vec<(&str, &str, &str)> = ends.iter().map(|(a, b, m)| (a.as_str(), b.as_str(), *m)).collect();
        scenario_json(&nodes, &edges, "")
    }

    /// Whether `v` serves requests of `class` with `down` out: a client, balancer or cache needs one of the
    /// edges that carry the class to lead to a node that serves it, a service or database needs all of them.
    fn served(&self, v: usize, class: u8, down: usize) -> bool {
        if v == down {
            return false;
        }
        let mut next = self.edges.iter().filter(|e| e.0 == v && e.2 & class != 0).map(|e| e.1);
        let c = self.clients.len();
        let kind = if v < c { Kind::Balancer } else { self.kinds[v - c] };
        match kind {
            Kind::Balancer | Kind::Cache => next.any(|w| self.served(w, class, down)),
            Kind::Service | Kind::Database | Kind::Group { .. } => next.all(|w| self.served(w, class, down)),
        }
    }

    /// The single points by brute force: every node but the clients and the groups of two or more, taken out
    /// in turn, with every client's every class evaluated again.
    fn brute_force(&self) -> BTreeSet<String> {
        let c = self.clients.len();
        let none = usize::MAX;
        (c..c + self.kinds.len())
            .filter(|&v| !matches!(self.kinds[v - c], Kind::Group { min } if min >= 2))
            .filter(|&v| {
                self.clients.iter().enumerate().any(|(k, &bits)| {
                    [1, 2]
                        .into_iter()
                        .any(|class| bits & class != 0 && self.served(k, class, none) && !self.served(k, class, v))
                })
            })
            .map(|v| self.id(v))
            .collect()
    }

    /// The single points by reachability alone, for models whose nodes all pick one (balancers) or are
    /// terminal: breadth-first from each client over the edges that carry the class, avoiding `down`, looking
    /// for a node with no out-edges.
    fn by_reachability(&self) -> BTreeSet<String> {
        let n = self.clients.len() + self.kinds.len();
        let reaches = |k: usize, class: u8, down: usize| {
            let mut seen = vec![false; n];
            let mut queue = std::collections::VecDeque::from([k]);
            seen[k] = true;
            while let Some(v) = queue.pop_front() {
                if v != k && !self.edges.iter().any(|e| e.0 == v) {
                    return true;
                }
                for e in self.edges.iter().filter(|e| e.0 == v && e.2 & class != 0) {
                    if e.1 != down && !seen[e.1] {
                        seen[e.1] = true;
                        queue.push_back(e.1);
                    }
                }
            }
            false
        };
        (self.clients.len()..n)
            .filter(|&v| {
                self.clients.iter().enumerate().any(|(k, &bits)| {
                    [1, 2]
                        .into_iter()
                        .any(|class| bits & class != 0 && reaches(k, class, usize::MAX) && !reaches(k, class, v))
                })
            })
            .map(|v| self.id(v))
            .collect()
    }
}

fn single_points(m: &Model) -> (BTreeSet<String>, Vec<Finding>) {
    let findings = review_json(&m.json());
    let set = findings
        .iter()
        .filter(|f| f.rule.is_single_point())
        .map(|f| f.node.clone())
        .collect();
    (set, findings)
}

fn raw_edges() -> impl Strategy<Value = Vec<(u16, u16, u8)>> {
    prop::collection::vec(
        (
            any::<u16>(),
            any::<u16>(),
            prop_oneof![3 => Just(3u8), 1 => Just(1u8), 1 => Just(2u8)],
        ),
        0..30,
    )
}

fn clients() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(1u8..=3, 1..=3)
}

proptest! {
    #[test]
    fn single_points_match_removing_each_node(
        clients in clients(),
        kinds in prop::collection::vec(
            prop_oneof![
                Just(Kind::Balancer),
                Just(Kind::Cache),
                Just(Kind::Service),
                Just(Kind::Database),
                (1u32..=2).prop_map(|min| Kind::Group { min }),
            ],
            1..=12,
        ),
        raw in raw_edges(),
    ) {
        let m = Model::new(clients, kinds, raw);
        let (got, findings) = single_points(&m);
        prop_assert_eq!(&got, &m.brute_force(), "{}", m.json());
        for f in findings.iter().filter(|f| f.rule.is_single_point()) {
            let balancer = m.kinds[f.node[1..].parse::<usize>().unwrap()] == Kind::Balancer;
            prop_assert_eq!(f.rule == Rule::SingleBalancer, balancer, "{}", f.node);
        }
    }

    /// With only balancers and terminal nodes, a single point is exactly a node whose removal leaves some
    /// client unable to reach any terminal node: the articulation points of reachability.
    #[test]
    fn with_pick_one_nodes_single_points_are_reachability_cuts(
        clients in clients(),
        kinds in prop::collection::vec(prop_oneof![Just(Kind::Balancer), Just(Kind::Database)], 1..=12),
        raw in raw_edges(),
    ) {
        let mut m = Model::new(clients, kinds, raw);
        // Only pick-one nodes and terminals: a node with out-edges balances, one without is a database.
        let c = m.clients.len();
        for i in 0..m.kinds.len() {
            let outs = m.edges.iter().any(|e| e.0 == c + i);
            m.kinds[i] = if outs { Kind::Balancer } else { Kind::Database };
        }
        let (got, _) = single_points(&m);
        prop_assert_eq!(&got, &m.by_reachability(), "{}", m.json());
    }
}

// ---------------------------------------------------------------------------------------------------------
// The checklist: each rule on a design that triggers it and on one that does not.

struct Case {
    name: &'static str,
    rule: Rule,
    nodes: &'static [(&'static str, &'static str)],
    edges: &'static [(&'static str, &'static str, &'static str)],
    extra: &'static str,
    /// Where the rule fires: nodes, or `from->to` for calls.
    want: &'static [&'static str],
}

const FAN: &[(&str, &str, &str)] = &[("c", "lb", ""), ("lb", "w1", ""), ("lb", "w2", "")];

const CASES: &[Case] = &[
    Case {
        name: "a balancer over two backends with no checks",
        rule: Rule::NoHealthCheck,
        nodes: &[("c", CLIENT), ("lb", LB), ("w1", SERVICE), ("w2", SERVICE)],
        edges: FAN,
        extra: "",
        want: &["lb"],
    },
    Case {
        name: "a balancer with active health checks",
        rule: Rule::NoHealthCheck,
        nodes: &[("c", CLIENT), ("lb", LB_CHECKED), ("w1", SERVICE), ("w2", SERVICE)],
        edges: FAN,
        extra: "",
        want: &[],
    },
    Case {
        name: "a balancer with outlier ejection",
        rule: Rule::NoHealthCheck,
        nodes: &[
            ("c", CLIENT),
            (
                "lb",
                r#"{"kind": "load_balancer", "outlier": {"consecutive_errors": 3, "ejection_ms": 5000}}"#,
            ),
            ("w1", SERVICE),
            ("w2", SERVICE),
        ],
        edges: FAN,
        extra: "",
        want: &[],
    },
    Case {
        name: "a balancer with one backend",
        rule: Rule::NoHealthCheck,
        nodes: &[("c", CLIENT), ("lb", LB), ("w1", SERVICE)],
        edges: &[("c", "lb", ""), ("lb", "w1", "")],
        extra: "",
        want: &[],
    },
    Case {
        name: "a proxy routing reads and writes to different services",
        rule: Rule::NoHealthCheck,
        nodes: &[
            (
                "c",
                r#"{"kind": "client", "timeout_ms": 1000, "workload": {"mix": {"api_read": 1, "api_write": 1}}}"#,
            ),
            ("lb", r#"{"kind": "proxy"}"#),
            ("w1", SERVICE),
            ("w2", SERVICE),
        ],
        edges: &[
            ("c", "lb", ""),
            ("lb", "w1", r#""classes": ["api_read"]"#),
            ("lb", "w2", r#""classes": ["api_write"]"#),
        ],
        extra: "",
        want: &[],
    },
    Case {
        name: "a client failing over between two balancers with no checks",
        rule: Rule::NoHealthCheck,
        nodes: &[
            ("c", r#"{"kind": "client", "timeout_ms": 1000, "strategy": "failover"}"#),
            ("lb1", LB_CHECKED),
            ("lb2", LB_CHECKED),
            ("w", SERVICE),
        ],
        edges: &[("c", "lb1", ""), ("c", "lb2", ""), ("lb1", "w", ""), ("lb2", "w", "")],
        extra: "",
        want: &["c"],
    },
    Case {
        name: "a database on its own",
        rule: Rule::DatabaseWithoutReplica,
        nodes: &[("c", CLIENT), ("w", SERVICE), ("db", DB)],
        edges: &[("c", "w", ""), ("w", "db", "")],
        extra: "",
        want: &["db"],
    },
    Case {
        name: "a database in a cluster of one",
        rule: Rule::DatabaseWithoutReplica,
        nodes: &[("c", CLIENT), ("db", DB)],
        edges: &[("c", "db", "")],
        extra: r#""clusters": [{"id": "solo", "replicas": ["db"]}]"#,
        want: &["db"],
    },
    Case {
        name: "a database in a cluster of two",
        rule: Rule::DatabaseWithoutReplica,
        nodes: &[("c", CLIENT), ("db1", DB), ("db2", DB)],
        edges: &[("c", "db1", "")],
        extra: r#""clusters": [{"id": "pair", "replicas": ["db1", "db2"]}]"#,
        want: &[],
    },
    Case {
        name: "read replicas behind a proxy, and the primary",
        rule: Rule::DatabaseWithoutReplica,
        nodes: &[
            (
                "c",
                r#"{"kind": "client", "timeout_ms": 1000, "workload": {"mix": {"api_read": 1, "api_write": 1}}}"#,
            ),
            ("w", SERVICE),
            ("primary", DB),
            ("reads", r#"{"kind": "proxy", "health_check": {"interval_ms": 1000}}"#),
            ("r1", DB),
            ("r2", DB),
        ],
        edges: &[
            ("c", "w", ""),
            ("w", "primary", r#""classes": ["api_write"]"#),
            ("w", "reads", r#""classes": ["api_read"]"#),
            ("reads", "r1", ""),
            ("reads", "r2", ""),
        ],
        extra: "",
        want: &["primary"],
    },
    Case {
        name: "shards",
        rule: Rule::DatabaseWithoutReplica,
        nodes: &[
            ("c", CLIENT),
            ("router", r#"{"kind": "shard_router"}"#),
            ("s1", DB),
            ("s2", DB),
        ],
        edges: &[("c", "router", ""), ("router", "s1", ""), ("router", "s2", "")],
        extra: "",
        want: &["s1", "s2"],
    },
    Case {
        name: "a cache with neither TTL nor invalidation",
        rule: Rule::CacheWithoutTtlOrInvalidation,
        nodes: &[
            ("c", CLIENT),
            ("cache", r#"{"kind": "cache", "capacity": 10, "invalidate": false}"#),
            ("db", DB),
        ],
        edges: &[("c", "cache", ""), ("cache", "db", "")],
        extra: "",
        want: &["cache"],
    },
    Case {
        name: "a cache with a TTL and no invalidation",
        rule: Rule::CacheWithoutTtlOrInvalidation,
        nodes: &[
            ("c", CLIENT),
            (
                "cache",
                r#"{"kind": "cdn", "capacity": 10, "ttl_ms": 60000, "invalidate": false}"#,
            ),
            ("db", DB),
        ],
        edges: &[("c", "cache", ""), ("cache", "db", "")],
        extra: "",
        want: &[],
    },
    Case {
        name: "a cache that invalidates, with no TTL",
        rule: Rule::CacheWithoutTtlOrInvalidation,
        nodes: &[
            ("c", CLIENT),
            ("cache", r#"{"kind": "cache", "capacity": 10}"#),
            ("db", DB),
        ],
        edges: &[("c", "cache", ""), ("cache", "db", "")],
        extra: "",
        want: &[],
    },
    Case {
        name: "client retries with no budget",
        rule: Rule::RetryWithoutBudgetOrJitter,
        nodes: &[
            (
                "c",
                r#"{"kind": "client", "timeout_ms": 1000, "retry": {"max_retries": 3}}"#,
            ),
            ("w", SERVICE),
        ],
        edges: &[("c", "w", "")],
        extra: "",
        want: &["c"],
    },
    Case {
        name: "client retries with a budget and no jitter",
        rule: Rule::RetryWithoutBudgetOrJitter,
        nodes: &[
            (
                "c",
                r#"{"kind": "client", "timeout_ms": 1000, "retry": {"max_retries": 3, "jitter": "none", "budget": {}}}"#,
            ),
            ("w", SERVICE),
        ],
        edges: &[("c", "w", "")],
        extra: "",
        want: &["c"],
    },
    Case {
        name: "client retries with a budget and jitter",
        rule: Rule::RetryWithoutBudgetOrJitter,
        nodes: &[
            (
                "c",
                r#"{"kind": "client", "timeout_ms": 1000, "retry": {"max_retries": 3, "jitter": "equal", "budget": {"ratio": 0.2}}}"#,
            ),
            ("w", SERVICE),
        ],
        edges: &[("c", "w", "")],
        extra: "",
        want: &[],
    },
    Case {
        name: "a retry policy of zero retries",
        rule: Rule::RetryWithoutBudgetOrJitter,
        nodes: &[
            (
                "c",
                r#"{"kind": "client", "timeout_ms": 1000, "retry": {"max_retries": 0}}"#,
            ),
            ("w", SERVICE),
        ],
        edges: &[("c", "w", "")],
        extra: "",
        want: &[],
    },
    Case {
        name: "a call that retries with no budget",
        rule: Rule::RetryWithoutBudgetOrJitter,
        nodes: &[("c", CLIENT), ("api", SERVICE), ("db", DB)],
        edges: &[
            ("c", "api", ""),
            (
                "api",
                "db",
                r#""policy": {"timeout_ms": 100, "retry": {"max_retries": 2}}"#,
            ),
        ],
        extra: "",
        want: &["api->db"],
    },
    Case {
        name: "a client with no timeout",
        rule: Rule::NoTimeout,
        nodes: &[("c", r#"{"kind": "client"}"#), ("w", SERVICE)],
        edges: &[("c", "w", "")],
        extra: "",
        want: &["c"],
    },
    Case {
        name: "a call that retries with no timeout",
        rule: Rule::NoTimeout,
        nodes: &[("c", CLIENT), ("api", SERVICE), ("db", DB)],
        edges: &[
            ("c", "api", ""),
            ("api", "db", r#""policy": {"retry": {"max_retries": 2, "budget": {}}}"#),
        ],
        extra: "",
        want: &["api->db"],
    },
    Case {
        name: "a call that retries with a timeout, and one with no policy",
        rule: Rule::NoTimeout,
        nodes: &[("c", CLIENT), ("api", SERVICE), ("db", DB), ("auth", SERVICE)],
        edges: &[
            ("c", "api", ""),
            (
                "api",
                "db",
                r#""policy": {"timeout_ms": 50, "retry": {"max_retries": 2, "budget": {}}}"#,
            ),
            ("api", "auth", ""),
        ],
        extra: "",
        want: &[],
    },
    Case {
        name: "a queue with no visibility timeout",
        rule: Rule::QueueWithoutRedelivery,
        nodes: &[
            ("c", CLIENT),
            ("q", r#"{"kind": "queue"}"#),
            ("p", r#"{"kind": "worker_pool"}"#),
        ],
        edges: &[("c", "q", ""), ("q", "p", "")],
        extra: "",
        want: &["q"],
    },
    Case {
        name: "a queue that redelivers",
        rule: Rule::QueueWithoutRedelivery,
        nodes: &[
            ("c", CLIENT),
            ("q", r#"{"kind": "queue", "visibility_timeout_ms": 30000}"#),
            ("p", r#"{"kind": "worker_pool"}"#),
        ],
        edges: &[("c", "q", ""), ("q", "p", "")],
        extra: "",
        want: &[],
    },
];

#[test]
fn each_checklist_rule_fires_where_it_should_and_only_there() {
    for case in CASES {
        let findings = review_json(&scenario_json(case.nodes, case.edges, case.extra));
        assert_eq!(fired(&findings, case.rule), case.want, "{}", case.name);
    }
    for rule in Rule::ALL.into_iter().filter(|r| !r.is_single_point()) {
        let cases = CASES.iter().filter(|c| c.rule == rule);
        assert!(
            cases.clone().any(|c| !c.want.is_empty()),
            "{}: no case triggers it",
            rule.id()
        );
        assert!(
            cases.clone().any(|c| c.want.is_empty()),
            "{}: no case leaves it quiet",
            rule.id()
        );
    }
}

#[test]
fn a_failover_without_checks_says_it_never_fails_over() {
    let case = CASES
        .iter()
        .find(|c| c.name.starts_with("a client failing over"))
        .unwrap();
    let findings = review_json(&scenario_json(case.nodes, case.edges, case.extra));
    let f = findings.iter().find(|f| f.rule == Rule::NoHealthCheck).unwrap();
    assert!(f.reason.ends_with("so it never fails over"), "{}", f.reason);
}

#[test]
fn findings_come_in_node_then_rule_order_with_stable_keys() {
    let json = scenario_json(
        &[
            ("c", r#"{"kind": "client", "retry": {"max_retries": 2}}"#),
            ("lb", LB),
            ("w1", SERVICE),
            ("w2", SERVICE),
            ("db", DB),
        ],
        &[
            ("c", "lb", ""),
            ("lb", "w1", ""),
            ("lb", "w2", ""),
            ("w1", "db", ""),
            ("w2", "db", ""),
        ],
        RW,
    );
    let findings = review_json(&json);
    let got: Vec<String> = findings.iter().map(Finding::key).collect();
    assert_eq!(
        got,
        [
            r#"["retry_without_budget_or_jitter","c"]"#,
            r#"["no_timeout","c"]"#,
            r#"["single_balancer","lb"]"#,
            r#"["no_health_check","lb"]"#,
            r#"["single_point_of_failure","db"]"#,
            r#"["database_without_replica","db"]"#,
        ]
    );
    assert_eq!(review_json(&json), findings, "the same design, the same findings");
}

#[test]
fn an_autoscaling_groups_findings_name_the_declared_node() {
    let json = scenario_json(
        &[
            ("c", CLIENT),
            ("web", r#"{"kind": "service", "group": {"min": 1, "max": 3}}"#),
            ("db", DB),
        ],
        &[
            ("c", "web", ""),
            (
                "web",
                "db",
                r#""policy": {"retry": {"max_retries": 1, "jitter": "none"}}"#,
            ),
        ],
        "",
    );
    let findings = review_json(&json);
    assert!(findings.iter().all(|f| !f.node.contains('#')), "{findings:?}");
    assert_eq!(fired(&findings, Rule::RetryWithoutBudgetOrJitter), ["web->db"]);
    assert_eq!(fired(&findings, Rule::NoTimeout), ["web->db"]);
    assert_eq!(fired(&findings, Rule::SinglePointOfFailure), ["web", "db"]);
}

// ---------------------------------------------------------------------------------------------------------
// The presets.

fn preset_findings(name: &str) -> Vec<Finding> {
    let text = presets::get(name).unwrap_or_else(|| panic!("no preset {name}"));
    let (_, t) = scenario::load(text).unwrap();
    review(&t)
}

fn on(findings: &[Finding], node: &str) -> Vec<Rule> {
    findings.iter().filter(|f| f.node == node).map(|f| f.rule).collect()
}

/// Every preset reviews, and a few say what their story says. `--nocapture` prints every preset's findings.
#[test]
fn the_presets_review_sensibly() {
    for (name, _) in presets::ALL {
        let findings = preset_findings(name);
        println!("== {name}");
        for f in &findings {
            println!("  [{}] {}: {}", f.severity().name(), f.rule.id(), f.reason);
        }
        let (_, t) = scenario::load(presets::get(name).unwrap()).unwrap();
        for f in &findings {
            assert!(
                t.node_ix(&f.node).is_some_and(|v| (v as usize) < t.declared_nodes()),
                "{name}: {}",
                f.node
            );
        }
    }
    use Rule::*;
    let single = preset_findings("01-single-server");
    assert_eq!(on(&single, "server"), [SinglePointOfFailure]);

    let pair = preset_findings("33-lb-active-passive");
    assert!(pair.iter().all(|f| !f.rule.is_single_point()), "{pair:?}");
    assert_eq!(fired(&pair, SingleBalancer), Vec::<String>::new());

    let one_lb = preset_findings("32-lb-single-point");
    assert_eq!(fired(&one_lb, SingleBalancer), ["lb"]);

    // The read replicas stand in for each other behind the proxy; the primary holds the only copy of what is
    // written, and only writes need it.
    let replicas = preset_findings("05-read-replicas");
    assert_eq!(fired(&replicas, DatabaseWithoutReplica), ["primary"]);
    assert!(on(&replicas, "replica1").is_empty() && on(&replicas, "replica2").is_empty());
    let primary = replicas
        .iter()
        .find(|f| f.node == "primary" && f.rule == SinglePointOfFailure)
        .unwrap();
    assert!(
        primary.reason.starts_with("Every write from client"),
        "{}",
        primary.reason
    );

    let directory = preset_findings("53-directory-spof");
    assert!(on(&directory, "dir").contains(&SinglePointOfFailure));
    assert!(!on(&directory, "shard1").contains(&SinglePointOfFailure));

    // Auth is needed by both the read and the write path.
    let micro = preset_findings("35-microservices");
    assert!(on(&micro, "auth").contains(&SinglePointOfFailure));

    assert_eq!(
        fired(&preset_findings("60-retry-storm"), RetryWithoutBudgetOrJitter),
        ["users"]
    );
    assert!(fired(&preset_findings("61-retry-storm-budget"), RetryWithoutBudgetOrJitter).is_empty());

    // Autoscaling groups of two or more are not single points; what they call is.
    let ramp = preset_findings("80-autoscale-ramp");
    assert!(on(&ramp, "web").is_empty(), "{ramp:?}");
    assert!(on(&ramp, "db").contains(&SinglePointOfFailure));

    // Work behind a queue: the client's request is done at the queue, the work is not.
    let queued = preset_findings("08-queue-workers");
    let workers = queued.iter().find(|f| f.node == "workers").unwrap();
    assert_eq!(
        workers.reason,
        "Every request from client leaves work on a queue that needs workers: if it fails, none of that work gets done"
    );

    // Clusters every replica of which the clients reach.
    assert!(preset_findings("12-partition-cp")
        .iter()
        .all(|f| !f.rule.is_single_point()));
}
