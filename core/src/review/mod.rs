//! The design review: advice on a scenario's design read from its validated graph, without running it. Each
//! [`Finding`] names a node the scenario declares (never an autoscaling group's instance `web#3`), and an edge
//! when the advice is about a call, says why in one line written for someone learning, and has a [`Rule`] with a
//! stable id and a [`Severity`]. Findings are advice: a design may keep them on purpose, so each has a stable
//! [`Finding::key`] a driver can remember as dismissed.
//!
//! The rules: single points of failure from the graph (`spof.rs` explains the analysis), and the checklist of
//! common omissions (`checklist.rs` says what each rule looks at and what it leaves alone). A rule fires only
//! where the engine would really behave the way the reason says.

mod checklist;
mod spof;

use crate::scenario::v1;
use crate::topology::{EdgeIx, NodeIx, Topology, ValidationError};
use crate::workload::Class;

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// One failure takes requests down.
    High,
    /// A failure or a load the design handles badly: errors that checks, budgets or timeouts would avoid.
    Medium,
    /// Wrong answers rather than failed ones (stale reads).
    Low,
}

impl Severity {
    pub const fn name(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

/// What a finding is about. The order is the order findings on one node are listed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// Losing this node alone stops some client's requests.
    SinglePointOfFailure,
    /// A load balancer or proxy that is a single point of failure (said instead of the general rule).
    SingleBalancer,
    /// A balancer, or a client balancing itself, over backends it does not check.
    NoHealthCheck,
    /// A database whose data no other database holds.
    DatabaseWithoutReplica,
    /// A cache whose entries never expire and that ignores writes.
    CacheWithoutTtlOrInvalidation,
    /// Retries with no retry budget or no jitter.
    RetryWithoutBudgetOrJitter,
    /// A client with no timeout, or a call that retries with no timeout.
    NoTimeout,
    /// A queue that loses the task of a worker that dies (no visibility timeout).
    QueueWithoutRedelivery,
}

impl Rule {
    pub const ALL: [Rule; 8] = [
        Rule::SinglePointOfFailure,
        Rule::SingleBalancer,
        Rule::NoHealthCheck,
        Rule::DatabaseWithoutReplica,
        Rule::CacheWithoutTtlOrInvalidation,
        Rule::RetryWithoutBudgetOrJitter,
        Rule::NoTimeout,
        Rule::QueueWithoutRedelivery,
    ];

    /// The rule's stable id (what [`Finding::key`] and the CLI's JSON carry).
    pub const fn id(self) -> &'static str {
        match self {
            Rule::SinglePointOfFailure => "single_point_of_failure",
            Rule::SingleBalancer => "single_balancer",
            Rule::NoHealthCheck => "no_health_check",
            Rule::DatabaseWithoutReplica => "database_without_replica",
            Rule::CacheWithoutTtlOrInvalidation => "cache_without_ttl_or_invalidation",
            Rule::RetryWithoutBudgetOrJitter => "retry_without_budget_or_jitter",
            Rule::NoTimeout => "no_timeout",
            Rule::QueueWithoutRedelivery => "queue_without_redelivery",
        }
    }

    /// The rule with this id.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.id() == id)
    }

    pub const fn severity(self) -> Severity {
        match self {
            Rule::SinglePointOfFailure | Rule::SingleBalancer => Severity::High,
            Rule::CacheWithoutTtlOrInvalidation => Severity::Low,
            _ => Severity::Medium,
        }
    }

    /// Whether findings of this rule are single points of failure (the general rule or a more specific one).
    pub const fn is_single_point(self) -> bool {
        matches!(self, Rule::SinglePointOfFailure | Rule::SingleBalancer)
    }
}

/// One piece of advice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    /// The id of the declared node it is about (for a call, the caller).
    pub node: String,
    /// For advice about a call: the edge `(caller, callee)`, by node ids.
    pub edge: Option<(String, String)>,
    /// Why, in one line.
    pub reason: String,
}

impl Finding {
    pub fn severity(&self) -> Severity {
        self.rule.severity()
    }

    /// A key that stays the same while the rule keeps firing on the same node (or edge), whatever the
    /// reason's wording: a JSON array of the rule's id, the node's id and, for a call, the callee's id
    /// (`["no_timeout","api","db"]`), so no id, whatever characters it holds, makes two keys meet.
    pub fn key(&self) -> String {
        let mut parts = vec![self.rule.id(), self.node.as_str()];
        if let Some((_, to)) = &self.edge {
            parts.push(to);
        }
        serde_json::to_string(&parts).unwrap_or_default()
    }
}

/// Reviews a validated topology: every finding, in the order of the nodes (as the scenario declares them),
/// then of the rules, then of the edges.
pub fn review(t: &Topology) -> Vec<Finding> {
    let mut out = Findings { t, items: Vec::new() };
    single_points(&mut out);
    checklist::run(&mut out);
    let mut items = out.items;
    items.sort_by_key(|(node, rule, edge, _)| (*node, *rule, *edge));
    items.into_iter().map(|(_, _, _, f)| f).collect()
}

/// Validates a scenario, then reviews it; a scenario that does not validate has its problems instead.
pub fn review_scenario(s: &v1::Scenario) -> Result<Vec<Finding>, Vec<ValidationError>> {
    Topology::build(s).map(|t| review(&t))
}

/// Findings as rules add them, with what they sort by.
struct Findings<'a> {
    t: &'a Topology,
    items: Vec<(NodeIx, Rule, Option<EdgeIx>, Finding)>,
}

impl Findings<'_> {
    fn node(&mut self, v: NodeIx, rule: Rule, reason: String) {
        let node = self.t.node(v).id.clone();
        self.items.push((
            v,
            rule,
            None,
            Finding {
                rule,
                node,
                edge: None,
                reason,
            },
        ));
    }

    fn edge(&mut self, e: EdgeIx, rule: Rule, reason: String) {
        let (from, to) = (self.t.edge(e).from, self.t.edge(e).to);
        let (a, b) = (self.t.node(from).id.clone(), self.t.node(to).id.clone());
        self.items.push((
            from,
            rule,
            Some(e),
            Finding {
                rule,
                node: a.clone(),
                edge: Some((a, b)),
                reason,
            },
        ));
    }
}

/// The words for requests of the classes in `bits`: "read", "read and write", "request" for all of `all`.
fn requests(bits: u8, all: u8) -> String {
    if bits == all {
        return "request".into();
    }
    let words: Vec<&str> = Class::ALL
        .into_iter()
        .filter(|c| bits & c.bit() != 0)
        .map(|c| match c {
            Class::StaticAsset => "static asset",
            Class::ApiRead => "read",
            Class::ApiWrite => "write",
            Class::BackgroundJob => "background job",
        })
        .collect();
    match words.split_last() {
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => "request".into(),
    }
}

/// One finding per single point of failure: a balancer's says so, any other node's names what it stops.
fn single_points(out: &mut Findings) {
    let t = out.t;
    let found = spof::find(t);
    let mut reached = std::collections::BTreeMap::new();
    let mut at = found.iter().peekable();
    while let Some((&(v, client), &bits)) = at.next() {
        let mut others = 0;
        while at.next_if(|((w, _), _)| *w == v).is_some() {
            others += 1;
        }
        let node = t.node(v);
        let what = requests(bits, spof::client_classes(t, client));
        let everything = what == "request";
        let from = match others {
            0 => t.node(client).id.clone(),
            1 => format!("{} (and one other client)", t.node(client).id),
            n => format!("{} (and {n} other clients)", t.node(client).id),
        };
        let lost = if everything {
            "nothing gets through"
        } else {
            "none of them gets through"
        };
        let balancer = matches!(node.kind, v1::NodeKind::LoadBalancer | v1::NodeKind::Proxy);
        let direct = reached
            .entry(client)
            .or_insert_with(|| reached_before_queues(t, client));
        if balancer {
            let label = crate::node::of(node.kind).label.to_ascii_lowercase();
            out.node(
                v,
                Rule::SingleBalancer,
                format!(
                    "Every {what} from {from} goes through {}, the only {label} on the way: if it fails, {lost} \
                     (add a second one to fail over to)",
                    node.id
                ),
            );
        } else if !direct[v as usize] {
            out.node(
                v,
                Rule::SinglePointOfFailure,
                format!(
                    "Every {what} from {from} leaves work on a queue that needs {}: if it fails, none of that work \
                     gets done",
                    node.id
                ),
            );
        } else {
            out.node(
                v,
                Rule::SinglePointOfFailure,
                format!("Every {what} from {from} needs {}: if it fails, {lost}", node.id),
            );
        }
    }
}

/// The declared nodes a client's requests reach before any queue (queues included, what they feed not).
fn reached_before_queues(t: &Topology, client: NodeIx) -> Vec<bool> {
    let mut seen = vec![false; t.declared_nodes()];
    let mut stack = vec![client];
    seen[client as usize] = true;
    while let Some(v) = stack.pop() {
        if matches!(t.node(v).behavior, crate::node::Behavior::Queue(_)) {
            continue;
        }
        for &e in spof::declared_outs(t, v) {
            let w = t.edge(e).to;
            if !seen[w as usize] {
                seen[w as usize] = true;
                stack.push(w);
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_and_read_back() {
        for (i, r) in Rule::ALL.into_iter().enumerate() {
            assert_eq!(Rule::from_id(r.id()), Some(r));
            assert!(Rule::ALL[..i].iter().all(|o| o.id() != r.id()), "{}", r.id());
            assert_eq!(
                Rule::ALL.iter().position(|&o| o == r),
                Some(r as usize),
                "ALL is in order"
            );
        }
        assert_eq!(Rule::from_id("nope"), None);
    }

    #[test]
    fn requests_name_the_classes_in_words() {
        let (r, w, j) = (Class::ApiRead.bit(), Class::ApiWrite.bit(), Class::BackgroundJob.bit());
        let cases = [
            (r | w, r | w, "request"),
            (w, r | w, "write"),
            (r | w, r | w | j, "read and write"),
            (
                Class::StaticAsset.bit() | r | j,
                0b1111,
                "static asset, read and background job",
            ),
        ];
        for (bits, all, want) in cases {
            assert_eq!(requests(bits, all), want, "{bits:b} of {all:b}");
        }
    }

    #[test]
    fn keys_keep_odd_ids_apart() {
        let f = |node: &str, edge: Option<(&str, &str)>| Finding {
            rule: Rule::NoTimeout,
            node: node.into(),
            edge: edge.map(|(a, b)| (a.into(), b.into())),
            reason: String::new(),
        };
        assert_eq!(f("api", Some(("api", "db"))).key(), r#"["no_timeout","api","db"]"#);
        assert_eq!(f("users", None).key(), r#"["no_timeout","users"]"#);
        assert_ne!(f("a\",\"b", None).key(), f("a", Some(("a", "b"))).key());
        assert_ne!(f("a->b", None).key(), f("a", Some(("a", "b"))).key());
    }
}
