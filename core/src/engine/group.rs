//! Elastic tiers: autoscaling groups (a policy sampling a metric every second and sizing the group within its
//! bounds, instances that boot, register, warm up, serve, drain and terminate, health checks that find crashed
//! instances and replace them), self-healing services outside groups, vertical resizes with a restart pause,
//! and what the billed instances cost over time.
//!
//! A group's instances are nodes of the topology (`topology::validate::expand_groups`), so each has the
//! station's worker pool and queue; the group's node balances over the ones registered with it.

use super::*;
use crate::metrics::{CostPoint, CostReport, GroupReport, SizePoint};
use crate::node::group::{InstanceSize, ScalingMetric, ScalingPolicy};
use crate::topology::GroupCfg;

/// The policy samples its metric this often.
const TICK_NS: u64 = 1_000_000_000;
/// A group's and the cost's timelines keep at most this many points (later changes are counted, not kept).
const MAX_POINTS: usize = 10_000;
/// A window is this many datapoints (CloudWatch's alarms: 3 periods out of 3); a change needs them all on
/// one side of the threshold.
const DATAPOINTS: usize = 3;
/// Nanosecond-instances in one instance-hour.
const HOUR_NS: f64 = 3.6e12;

/// Where an instance is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Phase {
    Off,
    /// Launched; its server is not running yet.
    Booting,
    /// Running; the balancer does not send it requests yet.
    Registering,
    /// Taking requests at the warm-up speed; the policy ignores its metrics.
    Warming,
    InService,
    /// Taking no new requests; stops when idle or at its deadline.
    Draining,
    /// Crashed; health checks have not noticed yet, so the balancer still sends it requests.
    Crashed,
}

#[derive(Clone, Copy, Debug)]
struct Slot {
    phase: Phase,
    /// Bumped at each phase change, so a stale timer is ignored.
    gen: u32,
    launched_at: u64,
    busy_mark: u128,
    queue_mark: u128,
}

pub(super) struct GroupState {
    node: NodeIx,
    cfg: Box<GroupCfg>,
    /// The first instance node; slot `k` is node `first + k`.
    first: NodeIx,
    slots: Vec<Slot>,
    desired: u32,
    /// The last datapoints (each the mean of one period's one-second samples), at most [`DATAPOINTS`].
    samples: VecDeque<f64>,
    /// The current period's samples: their sum and count, and the ticks it has had.
    period_sum: f64,
    period_samples: u32,
    period_ticks: u32,
    arrivals_mark: u64,
    last_out: Option<u64>,
    last_change: Option<u64>,
    price: Option<f64>,
    instance_ns: u128,
    launches: u64,
    terminations: u64,
    replacements: u64,
    scale_outs: u64,
    scale_ins: u64,
    peak: u32,
    timeline: Vec<SizePoint>,
}

impl GroupState {
    /// The group's node.
    pub(super) fn node(&self) -> NodeIx {
        self.node
    }
    fn launched(&self) -> u32 {
        self.slots.iter().filter(|s| s.phase != Phase::Off).count() as u32
    }
    /// Launched and not draining: what counts toward `desired`.
    fn capacity(&self) -> u32 {
        self.slots
            .iter()
            .filter(|s| !matches!(s.phase, Phase::Off | Phase::Draining))
            .count() as u32
    }
    fn count(&self, phase: Phase) -> u32 {
        self.slots.iter().filter(|s| s.phase == phase).count() as u32
    }
}

/// Every group, and the bill.
#[derive(Default)]
pub(super) struct Elastic {
    pub(super) groups: Vec<GroupState>,
    /// Per node: the group it is or belongs to (`NONE` otherwise).
    of_node: Vec<u32>,
    /// Billed services outside groups: node and price.
    standalone: Vec<(NodeIx, f64)>,
    billed: bool,
    rate: f64,
    total_usd: f64,
    last_t: u64,
    timeline: Vec<CostPoint>,
}

impl Elastic {
    pub(super) fn new(topo: &Topology) -> Elastic {
        let mut e = Elastic {
            of_node: vec![NONE; topo.nodes.len()],
            ..Elastic::default()
        };
        for (i, def) in topo.nodes.iter().enumerate() {
            if let Some(cfg) = &def.elastic.group {
                let g = e.groups.len() as u32;
                let first = topo.out_edges[i].first().map_or(0, |&ed| topo.edges[ed as usize].to);
                e.of_node[i] = g;
                for k in 0..cfg.max {
                    e.of_node[(first + k) as usize] = g;
                }
                e.groups.push(GroupState {
                    node: i as NodeIx,
                    cfg: cfg.clone(),
                    first,
                    slots: vec![
                        Slot {
                            phase: Phase::Off,
                            gen: 0,
                            launched_at: 0,
                            busy_mark: 0,
                            queue_mark: 0,
                        };
                        cfg.max as usize
                    ],
                    desired: cfg.desired,
                    samples: VecDeque::with_capacity(DATAPOINTS),
                    period_sum: 0.0,
                    period_samples: 0,
                    period_ticks: 0,
                    arrivals_mark: 0,
                    last_out: None,
                    last_change: None,
                    price: def.elastic.hourly_usd,
                    instance_ns: 0,
                    launches: 0,
                    terminations: 0,
                    replacements: 0,
                    scale_outs: 0,
                    scale_ins: 0,
                    peak: 0,
                    timeline: Vec::new(),
                });
                e.billed |= def.elastic.hourly_usd.is_some();
            } else if def.member_of.is_none() {
                if let Some(p) = def.elastic.hourly_usd {
                    e.standalone.push((i as NodeIx, p));
                    e.billed = true;
                }
            }
        }
        e
    }

    /// The group `node` is or belongs to.
    pub(super) fn group_of(&self, node: NodeIx) -> Option<usize> {
        match self.of_node.get(node as usize) {
            Some(&g) if g != NONE => Some(g as usize),
            _ => None,
        }
    }
}

impl Sim {
    /// Starts every group at its desired size, warm and serving, and its instances beyond that off; starts
    /// the policy's clock and the bill.
    pub(super) fn init_elastic(&mut self) {
        for g in 0..self.elastic.groups.len() {
            let (desired, first, max) = {
                let st = &self.elastic.groups[g];
                (st.desired, st.first, st.cfg.max)
            };
            for k in 0..max {
                let node = first + k;
                let serving = k < desired;
                let slot = &mut self.elastic.groups[g].slots[k as usize];
                slot.phase = if serving { Phase::InService } else { Phase::Off };
                self.nodes[node as usize].up = serving;
                let gnode = self.elastic.groups[g].node as usize;
                self.nodes[gnode].backends[k as usize].down = !serving;
            }
            self.elastic.groups[g].launches = u64::from(desired);
            self.size_changed(g);
            self.queue.push(TICK_NS, Ev::GroupTick { group: g as u32 });
        }
        self.cost_changed();
    }

    /// The bill's rate changes now: accrue at the old rate first.
    fn cost_changed(&mut self) {
        if !self.elastic.billed {
            return;
        }
        self.accrue();
        let mut rate: f64 = self.elastic.standalone.iter().map(|&(_, p)| p).sum();
        for st in &self.elastic.groups {
            if let Some(p) = st.price {
                rate += f64::from(st.launched()) * p;
            }
        }
        let e = &mut self.elastic;
        e.rate = rate;
        self.metrics.cost_per_hour_now = Some(round4(rate));
        let t_ms = ns_to_ms(self.now);
        match e.timeline.last_mut() {
            Some(p) if p.usd_per_hour == round4(rate) => return,
            Some(p) if p.t_ms == t_ms => {
                p.usd_per_hour = round4(rate);
                let n = e.timeline.len();
                if n >= 2 && e.timeline[n - 2].usd_per_hour == e.timeline[n - 1].usd_per_hour {
                    e.timeline.pop();
                }
                return;
            }
            _ => {}
        }
        if e.timeline.len() < MAX_POINTS {
            e.timeline.push(CostPoint {
                t_ms: ns_to_ms(self.now),
                usd_per_hour: round4(rate),
            });
        }
    }

    /// Adds the time since the last accrual at the current rate and instance counts.
    fn accrue(&mut self) {
        let dt = self.now - self.elastic.last_t;
        self.elastic.last_t = self.now;
        if dt == 0 {
            return;
        }
        self.elastic.total_usd += self.elastic.rate * dt as f64 / HOUR_NS;
        for st in &mut self.elastic.groups {
            st.instance_ns += u128::from(dt) * u128::from(st.launched());
        }
    }

    /// A group's sizes changed: record them, and what the bill and the time series see.
    fn size_changed(&mut self, g: usize) {
        self.accrue();
        let now = ns_to_ms(self.now);
        let st = &mut self.elastic.groups[g];
        let point = SizePoint {
            t_ms: now,
            desired: st.desired,
            instances: st.launched(),
            in_service: st.count(Phase::InService) + st.count(Phase::Warming),
        };
        st.peak = st.peak.max(point.instances);
        let same = |a: &SizePoint| {
            (a.desired, a.instances, a.in_service) == (point.desired, point.instances, point.in_service)
        };
        let len = st.timeline.len();
        match st.timeline.last_mut() {
            Some(last) if last.t_ms == now => *last = point,
            Some(last) if same(last) => {}
            _ if len < MAX_POINTS => st.timeline.push(point),
            _ => {}
        }
        self.metrics.instances_now = self.elastic.groups.iter().map(GroupState::launched).collect();
        self.cost_changed();
    }

    fn set_phase(&mut self, g: usize, k: usize, phase: Phase, timer: Option<u64>) {
        // The bill up to now is at the old sizes.
        self.accrue();
        let st = &mut self.elastic.groups[g];
        let slot = &mut st.slots[k];
        slot.phase = phase;
        slot.gen = slot.gen.wrapping_add(1);
        let gen = slot.gen;
        let node = st.first + k as NodeIx;
        let gnode = st.node as usize;
        // The balancer sends requests to registered instances only (and, not knowing yet, to crashed ones).
        let registered = matches!(phase, Phase::Warming | Phase::InService | Phase::Crashed);
        self.nodes[gnode].backends[k].down = !registered;
        self.nodes[node as usize].speed = if phase == Phase::Warming {
            self.elastic.groups[g].cfg.warmup_speed
        } else {
            1.0
        };
        if let Some(after) = timer {
            self.queue.push(
                self.now.saturating_add(after),
                Ev::Instance {
                    group: g as u32,
                    slot: k as u32,
                    gen,
                },
            );
        }
        self.size_changed(g);
    }

    fn instance_log(&mut self, g: usize, k: usize, what: InstanceEvent) {
        let node = self.elastic.groups[g].first + k as NodeIx;
        self.log.push(LogEntry {
            at: SimTime(self.now),
            kind: LogKind::Instance { node, what },
        });
    }

    /// An instance's timer: boot, registration, warm-up or drain is over, or health checks noticed its crash.
    pub(super) fn on_instance(&mut self, group: u32, slot: u32, gen: u32) {
        let (g, k) = (group as usize, slot as usize);
        let s = self.elastic.groups[g].slots[k];
        if s.gen != gen {
            return;
        }
        let node = self.elastic.groups[g].first + slot;
        let cfg = self.elastic.groups[g].cfg.clone();
        match s.phase {
            Phase::Booting => {
                self.bring_up(node, false);
                self.set_phase(g, k, Phase::Registering, Some(cfg.registration_ns));
            }
            Phase::Registering => {
                self.instance_log(g, k, InstanceEvent::Registered);
                if cfg.warmup_ns == 0 {
                    self.set_phase(g, k, Phase::InService, None);
                } else {
                    self.set_phase(g, k, Phase::Warming, Some(cfg.warmup_ns));
                }
            }
            Phase::Warming => self.set_phase(g, k, Phase::InService, None),
            Phase::Draining => self.terminate(g, k),
            Phase::Crashed => {
                self.instance_log(g, k, InstanceEvent::Unhealthy);
                self.elastic.groups[g].replacements += 1;
                self.terminate(g, k);
                self.reconcile(g);
            }
            Phase::Off | Phase::InService => {}
        }
    }

    /// The instance stops: requests it still holds fail, it leaves the balancer, billing stops.
    fn terminate(&mut self, g: usize, k: usize) {
        let node = self.elastic.groups[g].first + k as NodeIx;
        if self.nodes[node as usize].up {
            self.take_down(node, false);
        }
        self.elastic.groups[g].terminations += 1;
        self.instance_log(g, k, InstanceEvent::Terminated);
        self.set_phase(g, k, Phase::Off, None);
    }

    /// Launches or drains instances until the group's capacity is its desired size. Scale-in takes instances
    /// that do not serve yet first, then the newest.
    fn reconcile(&mut self, g: usize) {
        loop {
            let st = &self.elastic.groups[g];
            let (cap, desired) = (st.capacity(), st.desired);
            if cap < desired {
                let Some(k) = st.slots.iter().position(|s| s.phase == Phase::Off) else {
                    return;
                };
                let boot = st.cfg.boot_ns;
                let node = st.first + k as NodeIx;
                let n = &mut self.nodes[node as usize];
                n.epoch = n.epoch.wrapping_add(1);
                let st = &mut self.elastic.groups[g];
                st.launches += 1;
                st.slots[k].launched_at = self.now;
                self.instance_log(g, k, InstanceEvent::Launched);
                self.set_phase(g, k, Phase::Booting, Some(boot));
            } else if cap > desired {
                let rank = |p: Phase| match p {
                    Phase::Booting => 0,
                    Phase::Registering => 1,
                    Phase::Warming => 2,
                    Phase::InService => 3,
                    _ => 9,
                };
                let Some(k) = (0..st.slots.len())
                    .filter(|&k| rank(st.slots[k].phase) < 9)
                    .min_by_key(|&k| (rank(st.slots[k].phase), std::cmp::Reverse((st.slots[k].launched_at, k))))
                else {
                    return;
                };
                if matches!(st.slots[k].phase, Phase::Booting | Phase::Registering) {
                    self.terminate(g, k);
                } else {
                    let drain = st.cfg.drain_ns;
                    self.instance_log(g, k, InstanceEvent::Draining);
                    self.set_phase(g, k, Phase::Draining, Some(drain));
                }
            } else {
                return;
            }
        }
    }

    /// The policy's clock: sample the metric, finish idle drains, decide, reconcile.
    pub(super) fn on_group_tick(&mut self, group: u32) {
        let g = group as usize;
        let sample = self.sample_metric(g);
        // Draining instances that finished their work stop now.
        for k in 0..self.elastic.groups[g].slots.len() {
            let st = &self.elastic.groups[g];
            if st.slots[k].phase == Phase::Draining {
                let node = (st.first + k as NodeIx) as usize;
                let gnode = st.node as usize;
                let n = &self.nodes[node];
                if n.busy == 0 && n.waiting.is_empty() && self.nodes[gnode].backends[k].in_flight == 0 {
                    self.terminate(g, k);
                }
            }
        }
        let st = &mut self.elastic.groups[g];
        if let Some(x) = sample {
            st.period_sum += x;
            st.period_samples += 1;
        }
        st.period_ticks += 1;
        let period = (st.cfg.window_samples / DATAPOINTS as u32).max(1);
        let mut decided = None;
        if st.period_ticks >= period {
            // A period closes: its mean is a datapoint. One with no serving instance to measure breaks the run.
            if st.period_samples > 0 {
                if st.samples.len() == DATAPOINTS {
                    st.samples.pop_front();
                }
                st.samples.push_back(st.period_sum / f64::from(st.period_samples));
            } else {
                st.samples.clear();
            }
            st.period_sum = 0.0;
            st.period_samples = 0;
            st.period_ticks = 0;
            decided = self.decide(g);
        }
        if let Some(want) = decided {
            let st = &mut self.elastic.groups[g];
            let before = st.desired;
            st.desired = want.clamp(st.cfg.min, st.cfg.max);
            if st.desired != before {
                st.last_change = Some(self.now);
                if st.desired > before {
                    st.scale_outs += 1;
                    st.last_out = Some(self.now);
                } else {
                    st.scale_ins += 1;
                }
                let node = st.node;
                let (from, to) = (before, st.desired);
                self.log.push(LogEntry {
                    at: SimTime(self.now),
                    kind: LogKind::Scaled { node, from, to },
                });
                self.size_changed(g);
            }
        }
        self.reconcile(g);
        if !self.generation_ended || self.metrics.in_flight > 0 {
            self.queue
                .push(self.now.saturating_add(TICK_NS), Ev::GroupTick { group });
        }
    }

    /// The policy's metric over the last second, per in-service instance (`None` when none serves).
    fn sample_metric(&mut self, g: usize) -> Option<f64> {
        let (first, metric, gnode) = {
            let st = &self.elastic.groups[g];
            (st.first, st.cfg.metric, st.node)
        };
        let mut sum = 0.0;
        let mut serving = 0u32;
        let mut registered = 0u32;
        for k in 0..self.elastic.groups[g].slots.len() {
            let node = (first + k as NodeIx) as usize;
            let n = &self.nodes[node];
            self.metrics.nodes[node].touch(self.now, n.busy, n.waiting.len());
            let workers = f64::from(n.workers.unwrap_or(1).max(1));
            let m = &self.metrics.nodes[node];
            let slot = &mut self.elastic.groups[g].slots[k];
            let busy = (m.busy_area - slot.busy_mark) as f64 / TICK_NS as f64 / workers;
            let queue = (m.queue_area - slot.queue_mark) as f64 / TICK_NS as f64;
            slot.busy_mark = m.busy_area;
            slot.queue_mark = m.queue_area;
            match slot.phase {
                Phase::InService => {
                    serving += 1;
                    registered += 1;
                    sum += match metric {
                        ScalingMetric::Utilization => busy,
                        ScalingMetric::QueueDepth => queue,
                        ScalingMetric::RequestsPerInstance => 0.0,
                    };
                }
                Phase::Warming => registered += 1,
                _ => {}
            }
        }
        let arrivals = self.metrics.nodes[gnode as usize].arrivals;
        let st = &mut self.elastic.groups[g];
        let new = arrivals - st.arrivals_mark;
        st.arrivals_mark = arrivals;
        match metric {
            ScalingMetric::RequestsPerInstance => {
                (registered > 0).then(|| new as f64 / f64::from(registered) / (TICK_NS as f64 / 1e9))
            }
            _ => (serving > 0).then(|| sum / f64::from(serving)),
        }
    }

    /// The size the policy wants now, if it wants a change (cooldowns respected).
    fn decide(&self, g: usize) -> Option<u32> {
        let st = &self.elastic.groups[g];
        let c = &st.cfg;
        if c.policy == ScalingPolicy::Scheduled || st.samples.len() < DATAPOINTS {
            return None;
        }
        let (hi, lo) = match c.policy {
            ScalingPolicy::TargetTracking => (c.target, c.target),
            _ => (c.scale_out_above, c.scale_in_below),
        };
        let above = st.samples.iter().all(|&x| x > hi);
        let below = st.samples.iter().all(|&x| x < lo);
        let out_ok = st
            .last_out
            .is_none_or(|t| self.now >= t.saturating_add(c.scale_out_cooldown_ns));
        let in_ok = st
            .last_change
            .is_none_or(|t| self.now >= t.saturating_add(c.scale_in_cooldown_ns));
        let cap = st.capacity();
        let want = match c.policy {
            ScalingPolicy::TargetTracking => {
                // AWS's target tracking: enough instances to bring the metric to its target at this load.
                let mean = st.samples.iter().sum::<f64>() / st.samples.len() as f64;
                let load = f64::from(st.count(Phase::InService)) * mean / c.target;
                let want = (load - 1e-9).ceil().clamp(0.0, f64::from(c.max)) as u32;
                let out = above && want > cap && out_ok;
                let scale_in = below && want < cap && in_ok;
                if !(out || scale_in) {
                    return None;
                }
                want
            }
            _ => {
                if above && out_ok && cap < c.max {
                    cap + c.step_add
                } else if below && in_ok && cap > c.min {
                    cap.saturating_sub(c.step_remove)
                } else {
                    return None;
                }
            }
        };
        (want.clamp(c.min, c.max) != st.desired).then_some(want)
    }

    /// A `scale` action: the group's desired size becomes `desired` (within its bounds).
    pub(super) fn scale_group(&mut self, node: NodeIx, desired: u32) {
        let Some(g) = self.elastic.group_of(node) else { return };
        let st = &mut self.elastic.groups[g];
        let before = st.desired;
        st.desired = desired.clamp(st.cfg.min, st.cfg.max);
        st.last_change = Some(self.now);
        let to = st.desired;
        self.log.push(LogEntry {
            at: SimTime(self.now),
            kind: LogKind::Scaled { node, from: before, to },
        });
        self.size_changed(g);
        self.reconcile(g);
    }

    /// A crash aimed at a group takes down one instance: the oldest serving one.
    pub(super) fn crash_target(&self, node: NodeIx) -> Option<NodeIx> {
        let Some(g) = self.elastic.group_of(node) else {
            return Some(node);
        };
        let st = &self.elastic.groups[g];
        if st.node != node {
            return Some(node);
        }
        (0..st.slots.len())
            .filter(|&k| matches!(st.slots[k].phase, Phase::InService | Phase::Warming | Phase::Draining))
            .min_by_key(|&k| (st.slots[k].launched_at, k))
            .map(|k| st.first + k as NodeIx)
    }

    /// After `node` crashed: an instance waits for the health checks to notice; a service that is replaced
    /// on crash starts its replacement's clock the same way.
    pub(super) fn after_crash(&mut self, node: NodeIx) {
        if let Some(g) = self.elastic.group_of(node) {
            let st = &self.elastic.groups[g];
            if st.node == node {
                return;
            }
            let k = (node - st.first) as usize;
            if matches!(st.slots[k].phase, Phase::Off | Phase::Booting) {
                return;
            }
            let at = st.cfg.health.detected(self.now) - self.now;
            self.set_phase(g, k, Phase::Crashed, Some(at));
        } else if let Some(r) = self.topo.nodes[node as usize].elastic.replace {
            let epoch = self.nodes[node as usize].epoch;
            self.queue.push(
                r.health.detected(self.now),
                Ev::Replace {
                    node,
                    epoch,
                    booted: false,
                },
            );
        }
    }

    /// A replaced service's health checks noticed its crash (`booted` false: a new instance launches), or its
    /// replacement finished booting.
    pub(super) fn on_replace(&mut self, node: NodeIx, epoch: u32, booted: bool) {
        let n = &self.nodes[node as usize];
        if n.up || n.epoch != epoch {
            return;
        }
        let Some(r) = self.topo.nodes[node as usize].elastic.replace else {
            return;
        };
        if booted {
            self.bring_up(node, false);
            self.log.push(LogEntry {
                at: SimTime(self.now),
                kind: LogKind::Instance {
                    node,
                    what: InstanceEvent::Replaced,
                },
            });
        } else {
            self.log.push(LogEntry {
                at: SimTime(self.now),
                kind: LogKind::Instance {
                    node,
                    what: InstanceEvent::Unhealthy,
                },
            });
            self.queue.push(
                self.now.saturating_add(r.boot_ns),
                Ev::Replace {
                    node,
                    epoch,
                    booted: true,
                },
            );
        }
    }

    /// A vertical resize: the service stops (what it holds fails), and after `restart_ns` comes back with the
    /// new size's workers and price.
    pub(super) fn resize(&mut self, node: NodeIx, size: InstanceSize, restart_ns: u64) {
        let ni = node as usize;
        let (def_size, def_price) = (self.topo.nodes[ni].elastic.size, self.topo.nodes[ni].elastic.hourly_usd);
        let from = self.nodes[ni].size.or(def_size).unwrap_or_default();
        let workers = self.nodes[ni].workers.map(|w| size.scale_workers(w, from));
        if self.nodes[ni].up {
            self.take_down(node, false);
        }
        let st = &mut self.nodes[ni];
        st.workers = workers;
        st.size = Some(size);
        let epoch = st.epoch;
        if let Some(entry) = self.elastic.standalone.iter_mut().find(|(n, _)| *n == node) {
            // The price follows the size: its list price, or an explicit price scaled by vCPUs.
            entry.1 = match def_price {
                Some(p) if def_size.is_none_or(|s| p != s.hourly_usd()) => {
                    p * f64::from(size.vcpus()) / f64::from(def_size.unwrap_or_default().vcpus())
                }
                _ => size.hourly_usd(),
            };
        }
        self.cost_changed();
        self.log.push(LogEntry {
            at: SimTime(self.now),
            kind: LogKind::Instance {
                node,
                what: InstanceEvent::Resizing(size),
            },
        });
        self.queue
            .push(self.now.saturating_add(restart_ns), Ev::Restart { node, epoch });
    }

    /// A resized service's restart is over.
    pub(super) fn on_restart(&mut self, node: NodeIx, epoch: u32) {
        let n = &self.nodes[node as usize];
        if n.up || n.epoch != epoch {
            return;
        }
        self.bring_up(node, true);
    }

    /// An autoscaling group's sizes and load right now (`None` for a node that is not a group).
    pub fn group_now(&self, node: NodeIx) -> Option<GroupNow> {
        let st = &self.elastic.groups[self.elastic.group_of(node)?];
        if st.node != node {
            return None;
        }
        let mut now = GroupNow {
            desired: st.desired,
            min: st.cfg.min,
            max: st.cfg.max,
            instances: st.launched(),
            booting: st.count(Phase::Booting) + st.count(Phase::Registering),
            warming: st.count(Phase::Warming),
            in_service: st.count(Phase::InService),
            draining: st.count(Phase::Draining),
            crashed: st.count(Phase::Crashed),
            busy: 0,
            workers: 0,
            queued: 0,
        };
        for k in 0..st.slots.len() {
            let n = &self.nodes[(st.first + k as NodeIx) as usize];
            if n.up {
                now.busy += n.busy;
                now.workers += n.workers.unwrap_or(0);
                now.queued += n.waiting.len();
            }
        }
        Some(now)
    }

    /// The bill's rate now, in dollars per hour (`None` when nothing is billed).
    pub fn cost_per_hour(&self) -> Option<f64> {
        self.elastic.billed.then_some(self.elastic.rate)
    }

    /// The groups' and the bill's report.
    pub(super) fn elastic_reports(&self) -> (Vec<GroupReport>, Option<CostReport>) {
        let dt = self.now - self.elastic.last_t;
        let groups = self
            .elastic
            .groups
            .iter()
            .map(|st| {
                let ns = st.instance_ns + u128::from(dt) * u128::from(st.launched());
                let hours = ns as f64 / HOUR_NS;
                GroupReport {
                    id: self.topo.nodes[st.node as usize].id.clone(),
                    min: st.cfg.min,
                    max: st.cfg.max,
                    desired: st.desired,
                    instances: st.launched(),
                    in_service: st.count(Phase::InService) + st.count(Phase::Warming),
                    peak: st.peak,
                    launches: st.launches,
                    terminations: st.terminations,
                    replacements: st.replacements,
                    scale_outs: st.scale_outs,
                    scale_ins: st.scale_ins,
                    instance_hours: round4(hours),
                    cost_usd: st.price.map(|p| round4(hours * p)),
                    timeline: st.timeline.clone(),
                }
            })
            .collect();
        let cost = self.elastic.billed.then(|| {
            let total = self.elastic.total_usd + self.elastic.rate * dt as f64 / HOUR_NS;
            CostReport {
                total_usd: round4(total),
                per_hour: round4(self.elastic.rate),
                mean_per_hour: if self.now == 0 {
                    round4(self.elastic.rate)
                } else {
                    round4(total / (self.now as f64 / HOUR_NS))
                },
                timeline: self.elastic.timeline.clone(),
            }
        });
        (groups, cost)
    }
}

/// An autoscaling group at one moment: how many instances are where in their life, and their load.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroupNow {
    pub desired: u32,
    pub min: u32,
    pub max: u32,
    /// Launched and not terminated.
    pub instances: u32,
    /// Booting or registering: paid for, not serving yet.
    pub booting: u32,
    pub warming: u32,
    pub in_service: u32,
    pub draining: u32,
    /// Crashed and not yet noticed by health checks.
    pub crashed: u32,
    /// Busy workers, workers, and queued requests over the instances that are up.
    pub busy: u32,
    pub workers: u32,
    pub queued: usize,
}

/// What happened to an instance, for the event log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceEvent {
    Launched,
    /// The balancer sends it requests from now on.
    Registered,
    Draining,
    Terminated,
    /// Health checks found it down; it is replaced.
    Unhealthy,
    /// A replacement finished booting in its place.
    Replaced,
    /// A vertical resize to this size began: it restarts.
    Resizing(InstanceSize),
}
