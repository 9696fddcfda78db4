//! The registry of node kinds: one row per kind, in [`NodeKind`]'s order (the palette's), with what the
//! product shows and offers for it. The codec's tags come from [`NodeKind::name`]; the palette, the icons,
//! the inspector's parameters, the editor's defaults, the docs test and the e2e list of kinds read this table.
//! No other list of kinds exists (a tidy test looks for one).

use super::params::{self, Param};
use super::v1::NodeKind;

/// What the product knows about a kind besides its configuration type (`v1::NodeSpec`'s variant).
#[derive(Debug)]
pub struct Kind {
    pub kind: NodeKind,
    /// The name people read: palette, inspector, default labels of the SVG export.
    pub label: &'static str,
    /// The icon: SVG path data on a 24×24 grid, drawn with `currentColor` strokes.
    pub icon: &'static str,
    /// The inspector's controls, in order.
    pub params: &'static [Param],
    /// Members a node added in the editor starts with, on top of the format's defaults: `(member, JSON)`.
    pub editor_defaults: &'static [(&'static str, &'static str)],
}

impl Kind {
    /// The kind's JSON name.
    pub fn name(&self) -> &'static str {
        self.kind.name()
    }

    /// The name as the page writes it in `data-kind` (`load-balancer`).
    pub fn slug(&self) -> String {
        self.name().replace('_', "-")
    }
}

/// A busy, not saturated, node at the default 100 requests per second (one worker at 10 ms would be at 100%
/// and its queue would grow without bound).
const FOUR_WORKERS: &[(&str, &str)] = &[("workers", "4")];

/// A new balancer checks its backends, as real ones do: a crashed backend leaves the rotation instead of
/// failing its share of requests (the inspector's checkbox turns the checks off to show that failure).
const CHECKED: &[(&str, &str)] = &[("health_check", params::HEALTH_CHECK_DEFAULT)];

const CACHED: &[(&str, &str)] = &[("capacity", "1000")];

/// Every kind, in [`NodeKind`]'s order.
pub const KINDS: [Kind; NodeKind::ALL.len()] = [
    Kind {
        kind: NodeKind::Client,
        label: "Client",
        icon: "M3 5h18v11H3z M8 20h8 M12 16v4",
        params: params::CLIENT,
        editor_defaults: &[],
    },
    Kind {
        kind: NodeKind::Dns,
        label: "DNS",
        icon: "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z M3 12h18 M12 3c3.5 3 3.5 15 0 18 M12 3c-3.5 3-3.5 15 0 18",
        params: params::STATION,
        editor_defaults: &[],
    },
    Kind {
        kind: NodeKind::Cdn,
        label: "CDN",
        icon: "M7 18h10a4 4 0 0 0 .5-8a6 6 0 0 0-11.4 1.6A3.3 3.3 0 0 0 7 18z",
        params: params::CACHE,
        editor_defaults: CACHED,
    },
    Kind {
        kind: NodeKind::LoadBalancer,
        label: "Load balancer",
        icon: "M3 12h6 M9 12l5-6h7 M9 12h12 M9 12l5 6h7",
        params: params::BALANCER,
        editor_defaults: CHECKED,
    },
    Kind {
        kind: NodeKind::Service,
        label: "Service",
        icon: "M4 4h16v7H4z M4 13h16v7H4z M8 7.5h2 M8 16.5h2",
        params: params::STATION,
        editor_defaults: FOUR_WORKERS,
    },
    Kind {
        kind: NodeKind::Cache,
        label: "Cache",
        icon: "M13 2L5 14h6l-1 8l8-12h-6z",
        params: params::CACHE,
        editor_defaults: CACHED,
    },
    Kind {
        kind: NodeKind::Database,
        label: "Database",
        icon: "M4 6c0-3.5 16-3.5 16 0v12c0 3.5-16 3.5-16 0z M4 6c0 3.5 16 3.5 16 0 M4 12c0 3.5 16 3.5 16 0",
        params: params::DATABASE,
        editor_defaults: &[
            ("workers", "4"),
            ("service_time", r#"{"type": "exponential", "mean_ms": 5}"#),
        ],
    },
    Kind {
        kind: NodeKind::ShardRouter,
        label: "Shard router",
        icon: "M12 3v5 M12 8l-7 6 M12 8v6 M12 8l7 6 M3 15h4v5H3z M10 15h4v5h-4z M17 15h4v5h-4z",
        params: params::SHARD_ROUTER,
        editor_defaults: &[],
    },
    Kind {
        kind: NodeKind::Directory,
        label: "Directory",
        icon: "M5 3h13v16H7a2 2 0 0 0-2 2z M5 21a2 2 0 0 1 2-2 M9 7h6 M9 11h6",
        params: params::STATION,
        editor_defaults: &[],
    },
    Kind {
        kind: NodeKind::Queue,
        label: "Queue",
        icon: "M2 8h5v8H2z M9.5 8h5v8h-5z M17 8h5v8h-5z",
        params: params::QUEUE,
        editor_defaults: &[],
    },
    Kind {
        kind: NodeKind::WorkerPool,
        label: "Worker pool",
        icon: "M3.5 10a2.5 2.5 0 1 0 5 0a2.5 2.5 0 1 0-5 0z M9.5 10a2.5 2.5 0 1 0 5 0a2.5 2.5 0 1 0-5 0z \
               M15.5 10a2.5 2.5 0 1 0 5 0a2.5 2.5 0 1 0-5 0z M3 18h18",
        params: params::STATION,
        editor_defaults: FOUR_WORKERS,
    },
    Kind {
        kind: NodeKind::Proxy,
        label: "Proxy",
        icon: "M12 3l8 3v6c0 5-3.5 8-8 9c-4.5-1-8-4-8-9V6z",
        params: params::BALANCER,
        editor_defaults: CHECKED,
    },
];

/// The registry's row for `kind`.
pub fn of(kind: NodeKind) -> &'static Kind {
    &KINDS[kind as usize]
}

/// The row of the kind with this JSON name.
pub fn named(name: &str) -> Option<&'static Kind> {
    NodeKind::from_name(name).map(of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rows_are_in_the_kinds_order() {
        let order: Vec<NodeKind> = KINDS.iter().map(|k| k.kind).collect();
        assert_eq!(order, NodeKind::ALL);
        for k in NodeKind::ALL {
            assert_eq!(of(k).kind, k);
            assert_eq!(named(k.name()).map(|row| row.kind), Some(k));
        }
        assert!(named("router").is_none());
    }

    /// Each editor default is a member of the kind's spec that the inspector offers, with a value the format
    /// reads.
    #[test]
    fn editor_defaults_are_parameters_of_their_kind() {
        for row in &KINDS {
            for &(member, json) in row.editor_defaults {
                assert!(
                    row.params.iter().any(|p| p.key == member),
                    "{}: {member} is not one of its parameters",
                    row.name()
                );
                assert!(
                    serde_json::from_str::<serde_json::Value>(json).is_ok(),
                    "{}.{member}: {json}",
                    row.name()
                );
            }
        }
    }
}
