//! What a step shows in figures: the readouts of the metrics panel at the step's time, computed from the run
//! as the web app's panel computes them (run totals so far, plus the last completed bucket of the time series),
//! so a tour's narration can be checked against numbers (`switchyard tour` prints them, a golden file pins
//! them) and quotes only what the reader will see.

use serde::Serialize;

use crate::Sim;

/// The metrics panel's readouts at one moment of a run. Figures a run does not have (no cache, no replicated
/// database, no queue, no client deadline) are `None` and left out of the JSON.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Readout {
    /// The run's virtual time, ms.
    pub at_ms: f64,
    /// Calls issued, completed and failed since time 0, and in flight now.
    pub issued: u64,
    pub completed: u64,
    pub failed: u64,
    pub in_flight: u64,
    /// Completed calls per second of virtual time, since time 0.
    pub throughput_rps: f64,
    /// Latency of the calls completed since time 0, ms.
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Hits over lookups across every cache (runs with a cache).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hit_ratio: Option<f64>,
    /// Stale reads and lost writes across caches and replicated databases (runs with either).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stale_reads: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost_writes: Option<u64>,
    /// Messages waiting in queue nodes now (runs with a queue).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queued: Option<u64>,
    /// Calls that succeeded within their client's deadline (runs where a client sets one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goodput: Option<u64>,
    /// Nodes down now, by id, in topology order.
    pub down: Vec<String>,
    /// Every node's load so far, in topology order (what the canvas's bars and the inspector show).
    pub nodes: Vec<NodeReadout>,
    /// The last completed bucket of the time series: what the plots end on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recent: Option<Recent>,
}

/// One node's figures since time 0.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeReadout {
    pub id: String,
    pub up: bool,
    /// Requests that reached it, and those it served.
    pub arrivals: u64,
    pub served: u64,
    /// Its worker limit; `None` for a node without one (a balancer, a cache, a CDN edge).
    pub workers: Option<u32>,
    /// Busy workers over workers, averaged since time 0; for a node without a worker limit, the mean number of
    /// requests in flight there.
    pub utilization: f64,
}

/// One bucket of the time series: the recent past, where run totals move slowly.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Recent {
    /// The bucket's start and end, ms.
    pub from_ms: f64,
    pub to_ms: f64,
    pub completed: u64,
    pub failed: u64,
    pub throughput_rps: f64,
    /// Latency of the bucket's completed calls (0 when none completed).
    pub p99_ms: f64,
}

impl Readout {
    /// The readouts of `sim` now.
    pub fn of(sim: &Sim) -> Readout {
        let report = sim.report();
        let consistency = report.has_consistency();
        let topo = sim.topology();
        let metrics = sim.metrics();
        let width_ms = metrics.bucket_ns as f64 / 1e6;
        let recent = metrics.series.last().map(|b| Recent {
            from_ms: b.t_ms,
            to_ms: b.t_ms + width_ms,
            completed: b.completed,
            failed: b.failed,
            throughput_rps: b.throughput_rps,
            p99_ms: b.p99_ms,
        });
        Readout {
            at_ms: sim.now().as_millis_f64(),
            issued: report.issued,
            completed: report.completed,
            failed: report.failed,
            in_flight: report.in_flight,
            throughput_rps: report.throughput_rps,
            p50_ms: report.latency_ms.p50,
            p99_ms: report.latency_ms.p99,
            hit_ratio: report.cache_hit_ratio(),
            stale_reads: consistency.then(|| report.stale_reads_total()),
            lost_writes: consistency.then(|| report.lost_writes_total()),
            queued: sim.queued_messages(),
            goodput: report.goodput,
            down: report.nodes.iter().filter(|n| !n.up).map(|n| n.id.clone()).collect(),
            // The report's nodes are the topology's, one for one.
            nodes: report
                .nodes
                .iter()
                .zip(&topo.nodes)
                .map(|(n, def)| NodeReadout {
                    id: n.id.clone(),
                    up: n.up,
                    arrivals: n.arrivals,
                    served: n.served,
                    workers: def.workers,
                    utilization: n.utilization,
                })
                .collect(),
            recent,
        }
    }
}
