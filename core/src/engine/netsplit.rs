//! Network partitions: the nodes split into groups, and every message between two groups is dropped (requests,
//! responses, health probes and replication traffic alike). A node in no group reaches every group.

use super::{Command, CommandError, LogEntry, LogKind, Sim, NONE};
use crate::time::SimTime;
use crate::topology::NodeIx;

/// The partition in force, if any.
#[derive(Clone, Debug, Default)]
pub(super) struct Netsplit {
    /// Per node: its group, or `NONE` (reaches everyone). Empty when no partition is in force.
    group: Vec<u32>,
    /// When the partition began.
    pub(super) since: u64,
}

impl Netsplit {
    /// Whether a message from `a` to `b` is dropped.
    #[inline]
    pub(super) fn cut(&self, a: NodeIx, b: NodeIx) -> bool {
        if self.group.is_empty() {
            return false;
        }
        let (ga, gb) = (self.group[a as usize], self.group[b as usize]);
        ga != NONE && gb != NONE && ga != gb
    }

    /// The group of `node` (counted from 0) while a partition is in force.
    pub(super) fn group_of(&self, node: NodeIx) -> Option<u32> {
        self.group.get(node as usize).copied().filter(|&g| g != NONE)
    }

    pub(super) fn active(&self) -> bool {
        !self.group.is_empty()
    }
}

impl Sim {
    pub(super) fn check_partition(&self, cmd: &Command) -> Result<(), CommandError> {
        let Command::Partition { groups } = cmd else {
            return Ok(());
        };
        let mut seen = vec![false; self.topo.nodes.len()];
        for &n in groups.iter().flatten() {
            let slot = seen.get_mut(n as usize).ok_or(CommandError::UnknownNode(n))?;
            if *slot {
                return Err(CommandError::BadValue(format!("node {n} is in more than one group")));
            }
            *slot = true;
        }
        if groups.len() < crate::limits::MIN_PARTITION_GROUPS {
            return Err(CommandError::BadValue("a partition needs at least two groups".into()));
        }
        Ok(())
    }

    pub(super) fn partition(&mut self, groups: Vec<Vec<NodeIx>>) {
        if self.split.active() {
            self.heal();
        }
        let mut group = vec![NONE; self.topo.nodes.len()];
        for (g, members) in groups.iter().enumerate() {
            for &n in members {
                group[n as usize] = g as u32;
            }
        }
        self.split = Netsplit { group, since: self.now };
        self.log.push(LogEntry {
            at: SimTime(self.now),
            kind: LogKind::Partitioned { groups: groups.len() },
        });
    }

    pub(super) fn heal(&mut self) {
        if !self.split.active() {
            return;
        }
        self.db_on_heal();
        self.split = Netsplit::default();
        self.log.push(LogEntry {
            at: SimTime(self.now),
            kind: LogKind::Healed,
        });
        self.hand_off();
    }
}
