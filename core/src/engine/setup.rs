//! Building a [`Sim`] from a validated topology: per-node state, caches, balancers, clusters, clients and the
//! fault timeline, all seeded from the scenario's seed.

use super::*;

impl Sim {
    pub(super) fn from_topology(s: &Scenario, topo: Topology, seed: u64) -> Sim {
        let n = topo.nodes.len();
        let mut nodes = Vec::with_capacity(n);
        let mut clients = Vec::new();
        let (sessions, draws) = sessions::Sessions::new(&topo, seed);
        let mut draws = draws.into_iter();
        for (i, def) in topo.nodes.iter().enumerate() {
            let mut client = NONE;
            if let Behavior::Client(cfg) = &def.behavior {
                client = clients.len() as u32;
                let dns_edge = topo.out_edges[i]
                    .iter()
                    .copied()
                    .find(|&e| topo.nodes[topo.edges[e as usize].to as usize].kind == NodeKind::Dns);
                clients.push(ClientState {
                    node: i as NodeIx,
                    workload: cfg.workload.clone(),
                    rng: SimRng::derive(seed, 1_000_000 + i as u64),
                    next_at: 0.0,
                    dns_edge,
                    resolved_until: 0,
                    budget: cfg
                        .retry
                        .as_ref()
                        .and_then(|r| r.budget.as_ref())
                        .map(crate::resilience::RetryBudget::new),
                    users: draws.next().flatten(),
                });
            }
            let store = match &def.behavior {
                Behavior::Cache(c) => new_store(c, seed, i),
                _ => None,
            };
            let balance = match &def.behavior {
                Behavior::Balancer(b) => Some(*b),
                Behavior::Client(c) => Some(c.balance),
                _ => None,
            };
            let outs = topo.out_edges[i].len();
            nodes.push(NodeState {
                balancer: balance.map(|b| b.strategy.build(outs, b.balance_factor)),
                backends: vec![BackendState::default(); if balance.is_some() { outs } else { 0 }],
                up: true,
                epoch: 0,
                busy: 0,
                waiting: VecDeque::new(),
                rng: SimRng::derive(seed, 2_000_000 + i as u64),
                rr: 0,
                store,
                backlog: VecDeque::new(),
                in_transit: 0,
                client,
                limiter: crate::resilience::Limiter::new(),
                last_empty: 0,
                guarded: def.admission.limit.is_some() || def.admission.shed_queue.is_some(),
                workers: def.workers,
                speed: 1.0,
                size: None,
            });
        }
        let edges = topo
            .edges
            .iter()
            .map(|e| EdgeState {
                latency: e.latency.clone(),
                loss: e.loss,
                rt: e.policy.as_deref().map(|p| {
                    Box::new(resilience::EdgeRt {
                        budget: p
                            .retry
                            .as_ref()
                            .and_then(|r| r.budget.as_ref())
                            .map(crate::resilience::RetryBudget::new),
                        ..Default::default()
                    })
                }),
            })
            .collect();

        let stop_at = s.duration_ms.map_or(u64::MAX, |ms| SimTime::from_millis_f64(ms).0);
        // With neither a duration nor a request budget, run ten virtual seconds.
        let stop_at = if s.duration_ms.is_none() && s.requests.is_none() {
            10_000_000_000
        } else {
            stop_at
        };
        let bucket_ns = match &s.metrics {
            Some(m) => SimTime::from_millis_f64(m.bucket_ms).0,
            None => {
                let rate: f64 = clients.iter().map(|c| c.workload.arrival.mean_rate()).sum();
                let horizon_ns = match s.requests {
                    Some(r) if stop_at == u64::MAX => r as f64 / rate.max(1e-9) * 1e9,
                    Some(r) => (stop_at as f64).min(r as f64 / rate.max(1e-9) * 1e9),
                    None => stop_at as f64,
                };
                nice_bucket(horizon_ns / TARGET_BUCKETS)
            }
        };

        let mut timeline = Vec::new();
        for f in &s.faults {
            if let Some(cmd) = command_from_fault(&topo, f) {
                timeline.push((SimTime::from_millis_f64(f.at_ms()).0, cmd));
            }
        }
        for (i, def) in topo.nodes.iter().enumerate() {
            if let Some(t) = def.crash_at {
                timeline.push((t.0, Command::Crash { node: i as NodeIx }));
            }
        }
        timeline.sort_by_key(|(t, _)| *t);

        let mut metrics = Metrics::new(n, clients.len(), bucket_ns.max(1_000_000));
        if clients.iter().any(|c| c.workload.ops.is_some()) {
            metrics.by_op = clients
                .iter()
                .map(|c| {
                    let n = c.workload.ops.as_ref().map_or(0, |o| o.ops.len());
                    vec![crate::metrics::GroupStats::default(); n]
                })
                .collect();
        }
        metrics.sessions = sessions.as_ref().map(|_| crate::metrics::SessionStats {
            users: topo
                .nodes
                .iter()
                .filter_map(|d| match &d.behavior {
                    Behavior::Client(c) => c.users.map(u64::from),
                    _ => None,
                })
                .sum(),
            ..Default::default()
        });
        metrics.deadlines = topo
            .nodes
            .iter()
            .any(|d| matches!(&d.behavior, Behavior::Client(c) if c.deadline_ns.is_some()));
        let client_nodes: Vec<NodeIx> = clients.iter().map(|c| c.node).collect();
        let mut sim = Sim {
            name: s.name.clone(),
            seed,
            now: 0,
            queue: EventQueue::new(),
            net_rng: SimRng::derive(seed, 1),
            nodes,
            edges,
            clients,
            reqs: Slab::default(),
            calls: Slab::default(),
            hop_calls: Slab::default(),
            deadlines_travel: topo
                .nodes
                .iter()
                .any(|d| matches!(&d.behavior, Behavior::Client(c) if c.propagate)),
            next_req_id: 0,
            stop_at,
            budget: s.requests,
            generation_ended: false,
            clients_done: 0,
            timeline,
            metrics,
            hop_every: 0,
            hops: Vec::new(),
            hops_dropped: 0,
            log: LogBuf::default(),
            events: 0,
            busy_scratch: vec![(0, 0); n],
            feeders: {
                let mut f = vec![Vec::new(); n];
                for (q, def) in topo.nodes.iter().enumerate() {
                    if matches!(def.behavior, Behavior::Queue(_)) {
                        for &e in &topo.out_edges[q] {
                            f[topo.edges[e as usize].to as usize].push(q as NodeIx);
                        }
                    }
                }
                f
            },
            scratch_backends: Vec::new(),
            tasks: std::collections::BTreeMap::new(),
            next_task: 0,
            realtime: topo.realtime.as_ref().map(|p| p.run(seed)),
            shards: topo
                .nodes
                .iter()
                .enumerate()
                .map(|(i, def)| match &def.behavior {
                    Behavior::ShardRouter(cfg) => shard::ShardState::new(s, &topo, i as NodeIx, cfg, seed),
                    _ => None,
                })
                .collect(),
            db: db::DbState::new(&topo, seed, &client_nodes),
            storage: topo
                .nodes
                .iter()
                .enumerate()
                .map(|(i, def)| {
                    def.engine
                        .as_deref()
                        .map(|c| Box::new(storage::Storage::new(c, seed, i)))
                })
                .collect(),
            split: netsplit::Netsplit::default(),
            caches: cache_node::Caches::new(&topo),
            elastic: group::Elastic::new(&topo),
            sessions,
            topo,
        };
        sim.init_elastic();
        for i in 0..sim.timeline.len() {
            let at = sim.timeline[i].0;
            sim.queue.push(at, Ev::Timeline { index: i as u32 });
        }
        for c in 0..sim.clients.len() {
            sim.schedule_next_arrival(c as u32);
        }
        for node in 0..n {
            if let Some(h) = sim.balance_cfg(node as NodeIx).and_then(|b| b.health) {
                for pos in 0..sim.topo.out_edges[node].len() {
                    sim.queue.push(
                        h.interval_ns,
                        Ev::Probe {
                            node: node as u32,
                            pos: pos as u32,
                        },
                    );
                }
            }
        }
        sim
    }
}
