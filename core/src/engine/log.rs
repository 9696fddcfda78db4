//! The event log: what happened in words (crashes, recoveries, ejections, drops, failovers), kept in a
//! bounded buffer between drains.

use super::*;

/// Something that happened to the system, for the event log.
#[derive(Clone, Debug, PartialEq)]
pub enum LogKind {
    Crashed {
        node: NodeIx,
    },
    Recovered {
        node: NodeIx,
    },
    RateChanged {
        node: NodeIx,
        rate_rps: f64,
    },
    LatencyChanged {
        edge: EdgeIx,
    },
    LossChanged {
        edge: EdgeIx,
        loss: f64,
    },
    /// Clients stopped issuing new requests (duration or request budget reached).
    GenerationEnded,
    /// Active health checks of `node` marked its backend down.
    MarkedDown {
        node: NodeIx,
        backend: NodeIx,
    },
    /// Active health checks of `node` brought its backend back.
    MarkedUp {
        node: NodeIx,
        backend: NodeIx,
    },
    /// Passive health checks of `node` ejected its backend after consecutive errors.
    Ejected {
        node: NodeIx,
        backend: NodeIx,
    },
    /// A shard router added (or removed) a shard; `keys_moved` of the keys written so far change shard.
    Rebalanced {
        router: NodeIx,
        shard: NodeIx,
        added: bool,
        keys_moved: u64,
    },
    /// The network split into this many groups.
    Partitioned {
        groups: usize,
    },
    Healed,
    /// A replica became its cluster's primary after a failover.
    Promoted {
        node: NodeIx,
    },
    /// The circuit breaker of the caller on `edge` changed state.
    Breaker {
        edge: EdgeIx,
        state: crate::resilience::BreakerState,
    },
    /// Something happened to a group's instance or a replaced or resized service.
    Instance {
        node: NodeIx,
        what: InstanceEvent,
    },
    /// An autoscaling group's desired size changed (its policy or a scale action).
    Scaled {
        node: NodeIx,
        from: u32,
        to: u32,
    },
    /// `node` lost the `sessions` it held (it crashed): their users are logged out on their next request.
    SessionsLost {
        node: NodeIx,
        sessions: u64,
    },
}

/// A log entry.
#[derive(Clone, Debug, PartialEq)]
pub struct LogEntry {
    pub at: SimTime,
    pub kind: LogKind,
}

impl LogEntry {
    /// A sentence for people.
    pub fn describe(&self, t: &Topology) -> String {
        let name = |n: NodeIx| t.nodes.get(n as usize).map_or("?", |d| d.label.as_str()).to_string();
        let what = match &self.kind {
            LogKind::Crashed { node } => format!("{} crashed", name(*node)),
            LogKind::Recovered { node } => format!("{} recovered", name(*node)),
            LogKind::RateChanged { node, rate_rps } => format!("{} now sends {rate_rps} requests/s", name(*node)),
            LogKind::LatencyChanged { edge } => format!("latency changed on {}", t.edge_name(*edge)),
            LogKind::LossChanged { edge, loss } => {
                format!("loss on {} is now {:.1}%", t.edge_name(*edge), loss * 100.0)
            }
            LogKind::GenerationEnded => "clients stopped sending new requests".to_string(),
            LogKind::MarkedDown { node, backend } => {
                format!("{}'s health checks marked {} down", name(*node), name(*backend))
            }
            LogKind::MarkedUp { node, backend } => {
                format!("{}'s health checks marked {} up", name(*node), name(*backend))
            }
            LogKind::Ejected { node, backend } => {
                format!("{} ejected {} after consecutive errors", name(*node), name(*backend))
            }
            LogKind::Rebalanced {
                router,
                shard,
                added,
                keys_moved,
            } => format!(
                "{} {} {}: {keys_moved} keys move",
                name(*router),
                if *added { "added" } else { "removed" },
                name(*shard)
            ),
            LogKind::Partitioned { groups } => format!("the network split into {groups} groups"),
            LogKind::Healed => "the network partition healed".to_string(),
            LogKind::Promoted { node } => format!("{} was promoted to primary", name(*node)),
            LogKind::Breaker { edge, state } => {
                let what = match state {
                    crate::resilience::BreakerState::Open => "opened: calls fail fast",
                    crate::resilience::BreakerState::HalfOpen => "is half-open: probing",
                    crate::resilience::BreakerState::Closed => "closed: calls pass again",
                };
                format!("the circuit breaker on {} {what}", t.edge_name(*edge))
            }
            LogKind::Instance { node, what } => {
                let what = match what {
                    InstanceEvent::Launched => "launched: booting".to_string(),
                    InstanceEvent::Registered => "registered: takes requests".to_string(),
                    InstanceEvent::Draining => "draining: no new requests".to_string(),
                    InstanceEvent::Terminated => "terminated".to_string(),
                    InstanceEvent::Unhealthy => "failed its health checks: replacing it".to_string(),
                    InstanceEvent::Replaced => "replaced by a new instance".to_string(),
                    InstanceEvent::Resizing(size) => format!("restarting as {}", size.vcpus_label()),
                };
                format!("{} {what}", name(*node))
            }
            LogKind::Scaled { node, from, to } => {
                let dir = if to > from { "scales out" } else { "scales in" };
                format!("{} {dir}: {from} → {to} instances", name(*node))
            }
            LogKind::SessionsLost { node, sessions } => {
                format!(
                    "{} lost {sessions} sessions: their users must log in again",
                    name(*node)
                )
            }
        };
        format!("[{}] {what}", self.at)
    }
}

/// The event log between two drains, capped at [`crate::limits::MAX_LOG_ENTRIES`] entries.
#[derive(Default)]
pub(super) struct LogBuf {
    pub(super) entries: Vec<LogEntry>,
    pub(super) dropped: u64,
}

impl LogBuf {
    pub(super) fn push(&mut self, e: LogEntry) {
        if self.entries.len() < crate::limits::MAX_LOG_ENTRIES {
            self.entries.push(e);
        } else {
            self.dropped += 1;
        }
    }
}
