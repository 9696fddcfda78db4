//! Commands applied to a running simulation (the fault timeline and the live buttons): their checks, with one
//! definition of each limit in `crate::limits`, and their effect.

use super::*;

/// A runtime command, applied at a virtual time. Fault timeline entries become these.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Crash {
        node: NodeIx,
    },
    Recover {
        node: NodeIx,
    },
    SetRate {
        node: NodeIx,
        rate_rps: f64,
    },
    SetLatency {
        edge: EdgeIx,
        latency: Dist,
    },
    SetLoss {
        edge: EdgeIx,
        loss: f64,
    },
    /// A shard router starts placing keys on `shard` (one of its out-edges); keys that move are copied.
    AddShard {
        router: NodeIx,
        shard: NodeIx,
    },
    /// A shard router stops placing keys on `shard`; its keys are copied to their new shards.
    RemoveShard {
        router: NodeIx,
        shard: NodeIx,
    },
    /// Split the nodes into groups; messages between groups are dropped. Nodes in no group reach all.
    Partition {
        groups: Vec<Vec<NodeIx>>,
    },
    /// End the partition.
    Heal,
    /// An autoscaling group's desired size becomes `desired` (within its bounds).
    Scale {
        node: NodeIx,
        desired: u32,
    },
    /// A service restarts as an instance of `size`, down for `restart_ns`.
    Resize {
        node: NodeIx,
        size: crate::topology::InstanceSize,
        restart_ns: u64,
    },
}

/// Why a command was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum CommandError {
    UnknownNode(NodeIx),
    UnknownEdge(EdgeIx),
    NotAClient(NodeIx),
    BadValue(String),
    /// Commands apply at the current time or later; the past is fixed.
    InThePast {
        now: SimTime,
        at: SimTime,
    },
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::UnknownNode(n) => write!(f, "no node with index {n}"),
            CommandError::UnknownEdge(e) => write!(f, "no edge with index {e}"),
            CommandError::NotAClient(n) => write!(f, "node {n} is not a client"),
            CommandError::BadValue(m) => f.write_str(m),
            CommandError::InThePast { now, at } => write!(f, "cannot apply a command at {at}: it is already {now}"),
        }
    }
}

impl std::error::Error for CommandError {}

pub(super) fn command_from_fault(t: &Topology, f: &crate::scenario::v1::Fault) -> Option<Command> {
    use crate::scenario::v1::Fault;
    use crate::topology::dist_from_v1;
    Some(match f {
        Fault::Crash { node, .. } => Command::Crash { node: t.node_ix(node)? },
        Fault::Recover { node, .. } => Command::Recover { node: t.node_ix(node)? },
        Fault::SetRate { node, rate_rps, .. } => Command::SetRate {
            node: t.node_ix(node)?,
            rate_rps: *rate_rps,
        },
        Fault::SetLatency { from, to, latency, .. } => Command::SetLatency {
            edge: t.edge_ix(t.node_ix(from)?, t.node_ix(to)?)?,
            latency: dist_from_v1(latency),
        },
        Fault::SetLoss { from, to, loss, .. } => Command::SetLoss {
            edge: t.edge_ix(t.node_ix(from)?, t.node_ix(to)?)?,
            loss: *loss,
        },
        Fault::AddShard { router, shard, .. } => Command::AddShard {
            router: t.node_ix(router)?,
            shard: t.node_ix(shard)?,
        },
        Fault::RemoveShard { router, shard, .. } => Command::RemoveShard {
            router: t.node_ix(router)?,
            shard: t.node_ix(shard)?,
        },
        Fault::Partition { groups, .. } => Command::Partition {
            groups: groups
                .iter()
                .map(|g| g.iter().map(|id| t.node_ix(id)).collect::<Option<Vec<_>>>())
                .collect::<Option<Vec<_>>>()?,
        },
        Fault::Heal { .. } => Command::Heal,
        Fault::Scale { node, desired, .. } => Command::Scale {
            node: t.node_ix(node)?,
            desired: *desired,
        },
        Fault::Resize {
            node, size, restart_ms, ..
        } => Command::Resize {
            node: t.node_ix(node)?,
            size: *size,
            restart_ns: SimTime::from_millis_f64(restart_ms.unwrap_or(crate::scenario::v1::DEFAULT_RESTART_MS)).0,
        },
    })
}

impl Sim {
    /// Applies a command at virtual time `now` (processing everything before it first).
    pub fn apply(&mut self, now: SimTime, cmd: Command) -> Result<(), CommandError> {
        if now.0 < self.now {
            return Err(CommandError::InThePast {
                now: SimTime(self.now),
                at: now,
            });
        }
        self.check_command(&cmd)?;
        // Events strictly before `now` happen first; the command then takes effect at `now`.
        while let Some(at) = self.queue.peek_time() {
            if at >= now.0 {
                break;
            }
            self.step();
        }
        self.now = now.0;
        self.execute(cmd);
        Ok(())
    }

    /// Applies a fault timeline entry now (its `at_ms` is ignored): what the editor does when the user
    /// breaks something live, after adding the same entry to the document's timeline.
    pub fn apply_fault(&mut self, fault: &crate::scenario::v1::Fault) -> Result<(), CommandError> {
        let cmd = command_from_fault(&self.topo, fault).ok_or_else(|| {
            CommandError::BadValue("the fault names a node or edge that is not in this topology".to_owned())
        })?;
        self.apply(SimTime(self.now), cmd)
    }

    pub(super) fn check_command(&self, cmd: &Command) -> Result<(), CommandError> {
        let n = self.topo.nodes.len() as u32;
        let m = self.topo.edges.len() as u32;
        match *cmd {
            Command::Crash { node } | Command::Recover { node } if node >= n => Err(CommandError::UnknownNode(node)),
            Command::SetRate { node, .. } if node >= n => Err(CommandError::UnknownNode(node)),
            Command::SetRate { node, .. } if self.nodes[node as usize].client == NONE => {
                Err(CommandError::NotAClient(node))
            }
            Command::SetRate { rate_rps, .. } if check_rate(rate_rps).is_err() => Err(CommandError::BadValue(format!(
                "rate must be in (0, {MAX_RATE_RPS}] requests/s, got {rate_rps}"
            ))),
            Command::SetLatency { edge, .. } | Command::SetLoss { edge, .. } if edge >= m => {
                Err(CommandError::UnknownEdge(edge))
            }
            Command::SetLatency { ref latency, .. } => latency
                .validate()
                .map_err(|e| CommandError::BadValue(format!("latency: {e}"))),
            Command::SetLoss { loss, .. } if !loss_ok(loss) => Err(CommandError::BadValue(format!(
                "loss must be between 0 and 1, got {loss}"
            ))),
            Command::AddShard { router, shard } | Command::RemoveShard { router, shard } => {
                if router >= n || shard >= n {
                    Err(CommandError::UnknownNode(router.max(shard)))
                } else if !self.is_shard_of(router, shard) {
                    Err(CommandError::BadValue(format!(
                        "node {shard} is not a shard of shard router {router}"
                    )))
                } else {
                    Ok(())
                }
            }
            Command::Partition { .. } => self.check_partition(cmd),
            Command::Scale { node, .. }
                if self
                    .elastic
                    .group_of(node)
                    .is_none_or(|g| self.elastic.groups[g].node() != node) =>
            {
                Err(CommandError::BadValue(format!(
                    "node {node} is not an autoscaling group"
                )))
            }
            Command::Resize { node, .. } if node >= n => Err(CommandError::UnknownNode(node)),
            Command::Resize { node, .. }
                if self.topo.nodes[node as usize].kind != NodeKind::Service
                    || self.elastic.group_of(node).is_some() =>
            {
                Err(CommandError::BadValue(format!(
                    "only a service outside an autoscaling group can be resized, not node {node}"
                )))
            }
            Command::Resize { restart_ns, .. }
                if restart_ns > SimTime::from_millis_f64(crate::limits::MAX_TIME_MS).0 =>
            {
                Err(CommandError::BadValue(
                    "restart_ms is beyond the longest run".to_owned(),
                ))
            }
            _ => Ok(()),
        }
    }

    pub(super) fn execute(&mut self, cmd: Command) {
        let at = SimTime(self.now);
        match cmd {
            Command::Crash { node } => {
                // A crash aimed at a group takes one of its instances.
                let Some(node) = self.crash_target(node) else { return };
                if !self.nodes[node as usize].up {
                    return;
                }
                self.take_down(node, true);
                self.after_crash(node);
            }
            Command::Recover { node } => {
                // A group heals itself: it replaces crashed instances, it does not revive them.
                if self.elastic.group_of(node).is_some() || self.nodes[node as usize].up {
                    return;
                }
                self.bring_up(node, true);
            }
            Command::Scale { node, desired } => self.scale_group(node, desired),
            Command::Resize { node, size, restart_ns } => self.resize(node, size, restart_ns),
            Command::SetRate { node, rate_rps } => {
                let client = self.nodes[node as usize].client;
                if client != NONE {
                    self.clients[client as usize].workload.arrival.set_rate(rate_rps);
                    self.log.push(LogEntry {
                        at,
                        kind: LogKind::RateChanged { node, rate_rps },
                    });
                }
            }
            Command::SetLatency { edge, latency } => {
                for &c in self.topo.copies.get(&edge).into_iter().flatten() {
                    self.edges[c as usize].latency = latency.clone();
                }
                self.edges[edge as usize].latency = latency;
                self.log.push(LogEntry {
                    at,
                    kind: LogKind::LatencyChanged { edge },
                });
            }
            Command::SetLoss { edge, loss } => {
                for &c in self.topo.copies.get(&edge).into_iter().flatten() {
                    self.edges[c as usize].loss = loss;
                }
                self.edges[edge as usize].loss = loss;
                self.log.push(LogEntry {
                    at,
                    kind: LogKind::LossChanged { edge, loss },
                });
            }
            Command::AddShard { router, shard } | Command::RemoveShard { router, shard } => {
                let added = matches!(cmd, Command::AddShard { .. });
                // A refused change (the last shard, a region's last shard) leaves placement as it was.
                if let Ok(keys_moved) = self.rebalance(router, shard, added) {
                    self.log.push(LogEntry {
                        at,
                        kind: LogKind::Rebalanced {
                            router,
                            shard,
                            added,
                            keys_moved,
                        },
                    });
                }
            }
            Command::Partition { groups } => self.partition(groups),
            Command::Heal => self.heal(),
        }
    }
}

impl Sim {
    /// `node` goes down now: its workers stop, what it holds or queues fails, an in-memory cache empties, its
    /// epoch moves on (late completions of its old work are ignored). `crashed` logs it as a crash.
    pub(super) fn take_down(&mut self, node: NodeIx, crashed: bool) {
        let ni = node as usize;
        let st = &mut self.nodes[ni];
        self.metrics.nodes[ni].touch(self.now, st.busy, st.waiting.len() + st.backlog.len());
        st.up = false;
        st.epoch = st.epoch.wrapping_add(1);
        st.busy = 0;
        for b in &mut st.backends {
            b.in_flight = 0;
        }
        // An in-memory cache comes back empty.
        if let Behavior::Cache(c) = &self.topo.nodes[ni].behavior {
            st.store = new_store(c, self.seed ^ u64::from(st.epoch), ni);
        }
        let waiting: Vec<Handle<Req>> = st.waiting.drain(..).collect();
        let backlog: Vec<Handle<Req>> = st.backlog.drain(..).collect();
        // Dirty write-back entries die with it; requests waiting on its fetches fail below.
        let coalesced = self.cache_crashed(node);
        if crashed {
            self.log.push(LogEntry {
                at: SimTime(self.now),
                kind: LogKind::Crashed { node },
            });
        }
        // Sessions in its memory (a service's, a shared store's) die with it: a crash, a scaled-in or
        // replaced instance, a restart.
        self.sessions_node_lost(node);
        self.shard_crashed(node);
        self.db_on_crash(node);
        self.storage_crashed(node);
        for r in waiting.into_iter().chain(coalesced) {
            if self.reqs.is_live(r) {
                self.fail_from_dead(r.index());
            }
        }
        for t in backlog {
            if self.reqs.is_live(t) {
                let t = t.index();
                let id = self.task_of(t);
                self.free_req(t);
                // The queue's memory is gone: no redelivery can save these.
                if let Some(ts) = self.tasks.get_mut(&id) {
                    if !ts.done {
                        ts.done = true;
                        self.metrics.tasks.lost += 1;
                    }
                }
                self.task_copy_gone(id);
            }
        }
    }

    /// `node` comes back up; `recovered` logs it as a recovery.
    pub(super) fn bring_up(&mut self, node: NodeIx, recovered: bool) {
        let ni = node as usize;
        let st = &mut self.nodes[ni];
        self.metrics.nodes[ni].touch(self.now, st.busy, st.waiting.len() + st.backlog.len());
        st.up = true;
        self.db_on_recover(node);
        if recovered {
            self.log.push(LogEntry {
                at: SimTime(self.now),
                kind: LogKind::Recovered { node },
            });
        }
        // Queues feeding a recovered worker pool can hand it work again.
        for q in 0..self.topo.nodes.len() {
            if matches!(self.topo.nodes[q].behavior, Behavior::Queue(_)) {
                self.dispatch(q as NodeIx);
            }
        }
    }
}
