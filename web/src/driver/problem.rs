//! Why a document does not run, placed on the node or edge each validation error names.

use switchyard_core::scenario::Scenario;
use switchyard_core::topology::{Location, Problem as TopoProblem, ValidationError};

/// One validation problem, placed on what it names.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub node: Option<usize>,
    pub edge: Option<usize>,
    pub message: String,
}

/// Places a validation error on the node or edge it names, naming them as the canvas does (by label).
pub(super) fn place(doc: &Scenario, e: &ValidationError) -> Problem {
    let node_ix = |id: &str| doc.nodes.iter().position(|n| n.id == id);
    let name = |id: &str| {
        doc.nodes
            .iter()
            .find(|n| n.id == id)
            .and_then(|n| n.label.clone())
            .unwrap_or_else(|| id.to_owned())
    };
    let (node, edge, on) = match &e.location {
        Location::Node(id) => (node_ix(id), None, Some(name(id))),
        Location::Workload(Some(id)) => (node_ix(id), None, Some(format!("{}'s workload", name(id)))),
        Location::Edge { from, to } => (
            None,
            doc.edges.iter().position(|x| x.from == *from && x.to == *to),
            Some(format!("{} → {}", name(from), name(to))),
        ),
        _ => (None, None, None),
    };
    let message = match (&e.problem, on) {
        (TopoProblem::NoNodes, _) => {
            "The canvas is empty: add a client and the servers it calls, from the palette.".to_owned()
        }
        (problem, Some(on)) => format!("{on}: {problem}"),
        (_, None) => e.to_string(),
    };
    Problem { node, edge, message }
}

#[cfg(test)]
mod tests {
    use super::super::Driver;

    /// A problem on a node or edge names it as the canvas does, by label, not by its id.
    #[test]
    fn problems_name_nodes_by_their_labels() {
        let mut d = Driver::new(true);
        d.new_blank();
        d.add_node("client", None);
        d.add_node("cache", None);
        d.connect(0, 1);
        d.set_label(1, "Hot cache".to_owned());
        let v = d.snapshot();
        let on_cache: Vec<&str> = v
            .problems
            .iter()
            .filter(|p| p.node == Some(1))
            .map(|p| p.message.as_str())
            .collect();
        assert!(!on_cache.is_empty(), "a cache without an origin has a problem");
        for m in &on_cache {
            assert!(m.starts_with("Hot cache: "), "{m}");
            assert!(!m.contains("cache-1"), "{m}");
        }
        d.set_edge_param(0, "loss", Some(serde_json::json!(2.0)));
        let v = d.snapshot();
        let on_edge: Vec<&str> = v
            .problems
            .iter()
            .filter(|p| p.edge == Some(0))
            .map(|p| p.message.as_str())
            .collect();
        let client = d.doc().nodes[0].label.clone().unwrap();
        assert!(
            on_edge
                .iter()
                .any(|m| m.starts_with(&format!("{client} → Hot cache: loss"))),
            "{on_edge:?}"
        );
    }
}
