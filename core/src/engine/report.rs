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
            .map(|((def, st), ns)| {
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
                }
            })
            .collect();
        let has_queue = self.topo.nodes.iter().any(|n| n.kind == NodeKind::Queue);
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
        }
    }
}
