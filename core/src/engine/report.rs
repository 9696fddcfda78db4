//! The run's [`Report`]: every figure the CLI prints and the web app shows, read from the metrics at the end
//! (or at any moment) of a run.

use super::*;

impl Sim {
    /// The summary of the run so far.
    pub fn report(&self) -> Report {
        let m = &self.metrics;
        let elapsed = self.now.max(m.last_completion);
        // Throughput is over the time calls were completing, not the idle tail where stale timers fire.
        let secs = if m.last_completion > 0 {
            m.last_completion
        } else {
            elapsed
        } as f64
            / 1e9;
        let nodes = self
            .topo
            .nodes
            .iter()
            .zip(&m.nodes)
            .zip(&self.nodes)
            .enumerate()
            .map(|(i, ((def, st), ns))| {
                let mut st = st.clone();
                st.touch(elapsed, ns.busy, ns.waiting.len() + ns.backlog.len());
                let workers = def.workers.map_or(1.0, f64::from);
                let cache = match &def.behavior {
                    Behavior::Cache(c) => Some(CacheReport {
                        hits: st.hits,
                        misses: st.misses,
                        hit_ratio: ratio(st.hits, st.hits + st.misses),
                        evictions: st.evictions,
                        bytes_served: st.hits.saturating_mul(c.object_bytes),
                        origin_requests: st.origin_requests,
                        stale_reads: st.stale_reads,
                        lost_writes: st.lost_writes,
                        coalesced: st.coalesced,
                    }),
                    _ => None,
                };
                NodeReport {
                    id: def.id.clone(),
                    kind: def.kind.name(),
                    up: ns.up,
                    arrivals: st.arrivals,
                    served: st.served,
                    dropped: st.dropped,
                    refused: st.refused,
                    too_large: st.too_large,
                    utilization: if elapsed == 0 {
                        0.0
                    } else {
                        round4(st.busy_area as f64 / (elapsed as f64 * workers))
                    },
                    mean_queue: if elapsed == 0 {
                        0.0
                    } else {
                        round4(st.queue_area as f64 / elapsed as f64)
                    },
                    max_queue: st.max_queue,
                    mean_wait_ms: if st.waits == 0 {
                        0.0
                    } else {
                        round4(st.wait_sum_ns as f64 / st.waits as f64 / 1e6)
                    },
                    cache,
                    rate_limited: st.rate_limited,
                    shed: st.shed,
                    errors: st.errors,
                    expired: st.expired,
                    sessions: self.sessions_held(i as NodeIx),
                }
            })
            .collect();
        let has_queue = self.topo.nodes.iter().any(|n| n.kind == NodeKind::Queue);
        let (groups, cost) = self.elastic_reports();
        let f = &m.failed;
        Report {
            scenario: self.name.clone(),
            seed: self.seed,
            issued: m.issued,
            completed: m.completed,
            failed: m.failed_total(),
            failed_by_reason: FailedReport {
                refused: f[FailReason::Refused as usize],
                queue_full: f[FailReason::QueueFull as usize],
                timeout: f[FailReason::Timeout as usize],
                crashed: f[FailReason::Crashed as usize],
                lost: f[FailReason::Lost as usize],
                too_large: f[FailReason::TooLarge as usize],
                unavailable: f[FailReason::Unavailable as usize],
                memory_limit: f[FailReason::MemoryLimit as usize],
                error: f[FailReason::Error as usize],
                rate_limited: f[FailReason::RateLimited as usize],
                shed: f[FailReason::Shed as usize],
                circuit_open: f[FailReason::CircuitOpen as usize],
                bulkhead_full: f[FailReason::BulkheadFull as usize],
                deadline_exceeded: f[FailReason::DeadlineExceeded as usize],
                logged_out: f[FailReason::LoggedOut as usize],
                unsupported: f[FailReason::Unsupported as usize],
                aborted: f[FailReason::Aborted as usize],
                out_of_memory: f[FailReason::OutOfMemory as usize],
            },
            attempts: m.attempts,
            retries: m.retries,
            in_flight: m.in_flight,
            throughput_rps: per_second(m.completed, secs),
            elapsed_ms: ns_to_ms(elapsed),
            latency_ms: LatencyReport {
                mean: round4(m.mean_latency_ns() / 1e6),
                p50: ns_to_ms(m.quantile_ns(0.5)),
                p90: ns_to_ms(m.quantile_ns(0.9)),
                p99: ns_to_ms(m.quantile_ns(0.99)),
                p999: ns_to_ms(m.quantile_ns(0.999)),
                max: ns_to_ms(if m.completed == 0 { 0 } else { m.latency.max() }),
            },
            by_class: Class::ALL
                .iter()
                .map(|&c| (c, &m.by_class[c as usize]))
                .filter(|(_, g)| g.issued > 0)
                .map(|(c, g)| ClassReport {
                    class: c.name(),
                    figures: g.figures(secs),
                })
                .collect(),
            by_client: self
                .clients
                .iter()
                .zip(&m.by_client)
                .map(|(c, g)| ClientReport {
                    client: self.topo.nodes[c.node as usize].id.clone(),
                    figures: g.figures(secs),
                })
                .collect(),
            by_op: self
                .clients
                .iter()
                .zip(&m.by_op)
                .flat_map(|(c, ops)| {
                    let client = &self.topo.nodes[c.node as usize].id;
                    let kinds = c.workload.ops.as_deref().map(|o| o.ops.as_slice()).unwrap_or(&[]);
                    kinds.iter().zip(ops).map(move |(op, g)| crate::metrics::OpReport {
                        client: client.clone(),
                        op: op.name(),
                        figures: g.figures(secs),
                    })
                })
                .collect(),
            engines: self.engine_reports(),
            mean_in_flight: round4(m.mean_in_flight(SimTime(elapsed))),
            events: self.events,
            nodes,
            tasks: has_queue.then(|| TaskReport {
                enqueued: m.tasks.enqueued,
                completed: m.tasks.completed,
                failed: m.tasks.failed,
                lost: m.tasks.lost,
                redelivered: m.tasks.redelivered,
                duplicates: m.tasks.duplicates,
                retried: m.tasks.retried,
                dead_lettered: m.tasks.dead_lettered,
                p99_latency_ms: m
                    .tasks
                    .latency
                    .as_ref()
                    .map_or(0.0, |h| ns_to_ms(h.value_at_quantile(0.99))),
                mean_latency_ms: if m.tasks.completed == 0 {
                    0.0
                } else {
                    round4(m.tasks.latency_sum_ns as f64 / m.tasks.completed as f64 / 1e6)
                },
            }),
            realtime: self.realtime.clone(),
            shard_routers: self.shard_reports(),
            databases: self.db_reports(),
            goodput: m.deadlines.then_some(m.goodput),
            goodput_rps: m.deadlines.then(|| per_second(m.goodput, secs)),
            retries_denied: m.retries_denied,
            edges: self.edge_reports(),
            groups,
            cost,
            sessions: m.sessions.as_ref().map(|s| SessionsReport {
                users: s.users,
                active: s.active,
                logins: s.logins,
                lost: s.lost,
                logged_out: s.logged_out,
            }),
        }
    }

    /// What the caller on each policy edge did.
    fn edge_reports(&self) -> Vec<EdgeReport> {
        let issued = self.metrics.issued;
        self.topo
            .edges
            .iter()
            .zip(&self.edges)
            .filter_map(|(def, st)| {
                let rt = st.rt.as_deref()?;
                let breaker = def.policy.as_deref().and_then(|p| p.breaker).map(|cfg| BreakerReport {
                    state: rt.breaker.state(&cfg, self.now).name(),
                    opened: rt.breaker.opened(),
                    not_closed_ms: ns_to_ms(rt.breaker.time_open_ns(self.now)),
                });
                Some(EdgeReport {
                    from: self.topo.nodes[def.from as usize].id.clone(),
                    to: self.topo.nodes[def.to as usize].id.clone(),
                    calls: rt.calls,
                    attempts: rt.attempts,
                    retries: rt.retries,
                    attempts_per_call: ratio(rt.attempts, rt.calls),
                    attempts_per_client_call: ratio(rt.attempts, issued),
                    timeouts: rt.timeouts,
                    failures: rt.failures,
                    late_answers: rt.late,
                    budget_denied: rt.budget_denied,
                    circuit_open: rt.circuit_open,
                    bulkhead_full: rt.bulkhead_full,
                    breaker,
                })
            })
            .collect()
    }

    #[cfg(feature = "per-second")]
    /// The per-second series so far (`switchyard run --json` prints it as `per_second`).
    pub fn per_second(&self) -> Vec<crate::metrics::seconds::SecondRow> {
        self.metrics
            .seconds
            .rows(self.metrics.in_flight, self.breakers_not_closed())
    }

    #[cfg(feature = "per-second")]
    /// Whether the per-second series stopped at its cap before the run ended.
    pub fn per_second_truncated(&self) -> bool {
        self.metrics.seconds.truncated
    }

    #[cfg(feature = "per-second")]
    /// Breakers not closed now, by edge name.
    fn breakers_not_closed(&self) -> std::collections::BTreeMap<String, &'static str> {
        let mut out = std::collections::BTreeMap::new();
        for (i, def) in self.topo.edges.iter().enumerate() {
            if def.policy.as_deref().is_some_and(|p| p.breaker.is_some()) {
                if let Some(s) = self.breaker_state(i as EdgeIx) {
                    if s != crate::resilience::BreakerState::Closed {
                        out.insert(self.topo.edge_name(i as EdgeIx), s.name());
                    }
                }
            }
        }
        out
    }

    #[cfg(feature = "per-second")]
    /// Closes the per-second rows that ended by `at`.
    pub(super) fn roll_seconds(&mut self, at: u64) {
        let in_flight = self.metrics.in_flight;
        // Breaker states at each second's end: their states after the last event, as none ran since.
        let breakers = self.breakers_not_closed();
        self.metrics.seconds.roll(at, in_flight, || breakers.clone());
    }
}
