//! Measurements of a run: counters by outcome, HDR latency percentiles, time-weighted per-node utilization and
//! queue length, the call counters and latencies broken down per request class and per client, and the same
//! numbers as a time series in fixed buckets. [`Report`] is the serialized summary drivers print (the CLI's
//! `--json`).
//!
//! The time series is bounded: it keeps at most [`crate::limits::series_buckets`] buckets. When a run outgrows
//! that (a far-away event, a tiny `bucket_ms`), adjacent buckets merge in pairs and the width doubles, so every
//! bucket keeps one width and memory does not grow with how far in virtual time a run reaches.

use crate::time::SimTime;
use crate::topology::Topology;
use crate::workload::Class;
use hdrhistogram::Histogram;
use serde::Serialize;

#[cfg(feature = "per-second")]
pub mod seconds;

/// Why a call (a client request, including its retries) failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FailReason {
    /// A node on the path was down when the request arrived (connection refused).
    Refused = 0,
    /// A bounded queue was full.
    QueueFull = 1,
    /// The client gave up waiting.
    Timeout = 2,
    /// A node crashed while it held the request.
    Crashed = 3,
    /// The network lost a message.
    Lost = 4,
    /// A queue refused a message larger than its `max_message_bytes`.
    TooLarge = 5,
    /// A replicated database could not reach its primary or quorum in time (CP under a partition).
    Unavailable = 6,
    /// The run held as many live requests or pending events as it may ([`crate::limits::MAX_LIVE_REQUESTS`],
    /// [`crate::limits::MAX_PENDING_EVENTS`]): the call was refused to bound memory, not by the model.
    MemoryLimit = 7,
    /// The service answered with an error (its `error_rate`).
    Error = 8,
    /// A rate limiter refused the request.
    RateLimited = 9,
    /// A service shed the request from its queue under overload (it waited longer than the queue timeout).
    Shed = 10,
    /// The caller's circuit breaker for that dependency was open: the call failed fast, unsent.
    CircuitOpen = 11,
    /// The caller already had as many calls in flight to that dependency as its bulkhead allows.
    BulkheadFull = 12,
    /// The request's deadline passed: the client stopped retrying, or a callee dropped it unserved.
    DeadlineExceeded = 13,
    /// The user's session was gone (lost with the instance or store that held it, or held by another
    /// instance): the service logged the user in again and refused this request.
    LoggedOut = 14,
    /// The database's engine cannot run the request's operation (a join on a key-value store).
    Unsupported = 15,
    /// A transaction waited longer than the engine's `lock_timeout_ms` for a row lock and was aborted.
    Aborted = 16,
    /// A key-value store with full memory refused a new key (`when_full: refuse`).
    OutOfMemory = 17,
}

impl FailReason {
    pub const ALL: [FailReason; 18] = [
        FailReason::Refused,
        FailReason::QueueFull,
        FailReason::Timeout,
        FailReason::Crashed,
        FailReason::Lost,
        FailReason::TooLarge,
        FailReason::Unavailable,
        FailReason::MemoryLimit,
        FailReason::Error,
        FailReason::RateLimited,
        FailReason::Shed,
        FailReason::CircuitOpen,
        FailReason::BulkheadFull,
        FailReason::DeadlineExceeded,
        FailReason::LoggedOut,
        FailReason::Unsupported,
        FailReason::Aborted,
        FailReason::OutOfMemory,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FailReason::Refused => "refused",
            FailReason::QueueFull => "queue_full",
            FailReason::Timeout => "timeout",
            FailReason::Crashed => "crashed",
            FailReason::Lost => "lost",
            FailReason::TooLarge => "too_large",
            FailReason::Unavailable => "unavailable",
            FailReason::MemoryLimit => "memory_limit",
            FailReason::Error => "error",
            FailReason::RateLimited => "rate_limited",
            FailReason::Shed => "shed",
            FailReason::CircuitOpen => "circuit_open",
            FailReason::BulkheadFull => "bulkhead_full",
            FailReason::DeadlineExceeded => "deadline_exceeded",
            FailReason::LoggedOut => "logged_out",
            FailReason::Unsupported => "unsupported",
            FailReason::Aborted => "aborted",
            FailReason::OutOfMemory => "out_of_memory",
        }
    }
}

/// Per-node counters and time integrals.
#[derive(Clone, Debug, Default)]
pub struct NodeStats {
    pub arrivals: u64,
    pub served: u64,
    pub dropped: u64,
    pub refused: u64,
    /// Messages a queue rejected for their size (not counted in `dropped`).
    pub too_large: u64,
    pub hits: u64,
    pub misses: u64,
    pub evictions: u64,
    /// Cache hits that returned a version older than the origin's.
    pub stale_reads: u64,
    /// Write-back writes a cache acknowledged but lost in a crash before flushing them.
    pub lost_writes: u64,
    /// Requests a cache sent to its origin (miss fetches, writes, flushes).
    pub origin_requests: u64,
    /// Misses that waited for another request's origin fetch instead of making their own.
    pub coalesced: u64,
    /// Requests its rate limit refused.
    pub rate_limited: u64,
    /// Requests shed from its queue.
    pub shed: u64,
    /// Requests it failed by its error rate.
    pub errors: u64,
    /// Requests it dropped unserved because their deadline had passed.
    pub expired: u64,
    pub max_queue: u64,
    pub(crate) busy_area: u128,
    pub(crate) queue_area: u128,
    pub(crate) wait_sum_ns: u128,
    pub(crate) waits: u64,
    pub(crate) last_t: u64,
    pub(crate) busy_mark: u128,
    pub(crate) queue_mark: u128,
    pub(crate) arrivals_mark: u64,
}

impl NodeStats {
    /// Brings the time integrals up to `now` given the current busy workers and queue length.
    #[inline]
    pub(crate) fn touch(&mut self, now: u64, busy: u32, queued: usize) {
        let dt = (now - self.last_t) as u128;
        if dt != 0 {
            self.busy_area += dt * busy as u128;
            self.queue_area += dt * queued as u128;
            self.last_t = now;
        }
    }
}

/// Users of stateful clients and their sessions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionStats {
    /// The users of all clients with sessions.
    pub users: u64,
    /// Valid sessions now.
    pub active: u64,
    /// Sessions created: first logins, and users logged in again after losing theirs.
    pub logins: u64,
    /// Sessions that died with the instance or store holding them.
    pub lost: u64,
    /// Requests refused because their user's session was gone (each logged the user in again).
    pub logged_out: u64,
}

/// Task (queue) counters.
#[derive(Clone, Debug, Default)]
pub struct TaskStats {
    pub enqueued: u64,
    pub completed: u64,
    /// Deliveries that ended in an error (each is retried or dead-lettered).
    pub failed: u64,
    pub lost: u64,
    /// Tasks handed out again after their visibility timeout.
    pub redelivered: u64,
    /// Tasks completed more than once (at-least-once delivery's price).
    pub duplicates: u64,
    pub retried: u64,
    pub dead_lettered: u64,
    pub(crate) latency_sum_ns: u128,
    pub(crate) latency: Option<Histogram<u64>>,
}

/// The calls of one group (one request class, or one client): counters and latencies.
#[derive(Clone, Debug, Default)]
pub struct GroupStats {
    pub issued: u64,
    pub completed: u64,
    /// Failed for any reason.
    pub failed: u64,
    pub(crate) latency_sum_ns: u128,
    /// Made on the group's first completion, so a class or client that never completes costs no histogram.
    /// Two significant figures (quantiles within 1%, about 40 KB each) rather than the run-wide histogram's
    /// three (about 300 KB each): a scenario may have many clients, and a table of per-group p50/p99 does not
    /// need the third digit.
    pub(crate) latency: Option<Histogram<u64>>,
}

impl GroupStats {
    fn ok(&mut self, latency_ns: u64) {
        self.completed += 1;
        self.latency_sum_ns += latency_ns as u128;
        self.latency
            .get_or_insert_with(|| Histogram::new_with_bounds(1, MAX_LATENCY_NS, 2).expect("static bounds are valid"))
            .saturating_record(latency_ns.clamp(1, MAX_LATENCY_NS));
    }

    /// Mean latency of the group's successful calls, in nanoseconds (exact, from the sum).
    pub fn mean_latency_ns(&self) -> f64 {
        mean_ns(self.latency_sum_ns, self.completed)
    }

    /// Latency quantile in nanoseconds (two significant figures); 0 before any completion.
    pub fn quantile_ns(&self, q: f64) -> u64 {
        self.latency.as_ref().map_or(0, |h| h.value_at_quantile(q))
    }

    /// The group's row of a [`Report`], with throughput over `secs` seconds.
    pub(crate) fn figures(&self, secs: f64) -> GroupFigures {
        GroupFigures {
            issued: self.issued,
            completed: self.completed,
            failed: self.failed,
            throughput_rps: per_second(self.completed, secs),
            mean_ms: round4(self.mean_latency_ns() / 1e6),
            p50_ms: ns_to_ms(self.quantile_ns(0.5)),
            p99_ms: ns_to_ms(self.quantile_ns(0.99)),
        }
    }
}

/// One time-series bucket.
#[derive(Clone, Debug, Serialize)]
pub struct Bucket {
    pub t_ms: f64,
    pub completed: u64,
    pub failed: u64,
    pub throughput_rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Per node, in topology order: busy workers over workers (in-flight requests for unbounded nodes).
    pub utilization: Vec<f64>,
    pub queue: Vec<f64>,
    /// Per node: requests that arrived in the bucket (a backend's share of its balancer's traffic).
    pub arrivals: Vec<u64>,
    pub hit_ratio: Option<f64>,
    /// Requests caches sent to their origins, per second (runs with a cache only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_rps: Option<f64>,
    /// Calls that succeeded within their client's deadline, per second (runs where a client sets one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goodput_rps: Option<f64>,
    /// Per autoscaling group, in topology order: its launched instances at the bucket's end.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<u32>,
    /// What the billed instances cost per hour at the bucket's end, in dollars (runs with any).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_per_hour: Option<f64>,
    /// Valid sessions at the bucket's end (runs where a client has users with sessions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sessions: Option<u64>,
    /// Cache hits and lookups behind `hit_ratio`, kept so merged buckets have an exact ratio.
    #[serde(skip)]
    pub(crate) hits: u64,
    #[serde(skip)]
    pub(crate) lookups: u64,
}

impl Bucket {
    /// One bucket twice as wide covering `self` then `next` (same width each). Counts, rates, utilization,
    /// queue length and hit ratio are exact; the merged p50 is the completion-weighted mean of the halves'
    /// and the merged p99 the larger of the two (the exact values lie between the halves').
    fn merge(self, next: &Bucket) -> Bucket {
        let avg = |a: &[f64], b: &[f64]| -> Vec<f64> { a.iter().zip(b).map(|(x, y)| round4((x + y) / 2.0)).collect() };
        let completed = self.completed + next.completed;
        let p50 = if completed == 0 {
            0.0
        } else {
            round4((self.p50_ms * self.completed as f64 + next.p50_ms * next.completed as f64) / completed as f64)
        };
        let hits = self.hits + next.hits;
        let lookups = self.lookups + next.lookups;
        Bucket {
            t_ms: self.t_ms,
            completed,
            failed: self.failed + next.failed,
            throughput_rps: round4((self.throughput_rps + next.throughput_rps) / 2.0),
            goodput_rps: self
                .goodput_rps
                .zip(next.goodput_rps)
                .map(|(a, b)| round4((a + b) / 2.0)),
            p50_ms: p50,
            p99_ms: self.p99_ms.max(next.p99_ms),
            utilization: avg(&self.utilization, &next.utilization),
            queue: avg(&self.queue, &next.queue),
            arrivals: self.arrivals.iter().zip(&next.arrivals).map(|(a, b)| a + b).collect(),
            hit_ratio: (lookups > 0).then(|| round4(hits as f64 / lookups as f64)),
            origin_rps: self.origin_rps.zip(next.origin_rps).map(|(a, b)| round4((a + b) / 2.0)),
            instances: next.instances.clone(),
            cost_per_hour: next.cost_per_hour,
            sessions: next.sessions.or(self.sessions),
            hits,
            lookups,
        }
    }
}

/// Everything measured during a run.
#[derive(Debug)]
pub struct Metrics {
    pub(crate) latency: Histogram<u64>,
    pub(crate) latency_sum_ns: u128,
    pub completed: u64,
    pub failed: [u64; FailReason::ALL.len()],
    pub issued: u64,
    pub attempts: u64,
    pub retries: u64,
    /// Calls that succeeded within their client's deadline.
    pub goodput: u64,
    /// Client retries a retry budget refused.
    pub retries_denied: u64,
    pub nodes: Vec<NodeStats>,
    /// Calls by request class, indexed by `Class as usize`. Calls refused at the memory limit before their
    /// class was drawn are in no class (see [`Metrics::unclassified`]).
    pub by_class: [GroupStats; 4],
    /// Calls by client, in client order (the topology order of client nodes).
    pub by_client: Vec<GroupStats>,
    /// Calls by client and operation, for clients with an `ops` mix: `by_op[client][op]`.
    pub by_op: Vec<Vec<GroupStats>>,
    pub tasks: TaskStats,
    pub(crate) in_flight: u64,
    pub(crate) in_flight_area: u128,
    pub(crate) in_flight_t: u64,
    pub(crate) last_completion: u64,
    // Time series.
    pub(crate) bucket_ns: u64,
    pub(crate) bucket_end: u64,
    pub(crate) bucket_hist: Histogram<u64>,
    pub(crate) bucket_completed: u64,
    pub(crate) bucket_goodput: u64,
    /// Each autoscaling group's launched instances now (what buckets record).
    pub(crate) instances_now: Vec<u32>,
    /// The billed instances' cost per hour now (`None`: nothing is billed).
    pub(crate) cost_per_hour_now: Option<f64>,
    /// Some client sets a deadline, so goodput is reported.
    pub(crate) deadlines: bool,
    /// The per-second series.
    #[cfg(feature = "per-second")]
    pub seconds: seconds::Seconds,
    /// Users and their sessions (runs where a client has users with sessions).
    pub sessions: Option<SessionStats>,
    pub(crate) bucket_failed: u64,
    pub(crate) bucket_hits: u64,
    pub(crate) bucket_lookups: u64,
    pub(crate) bucket_origin: u64,
    pub series: Vec<Bucket>,
    /// The most buckets `series` keeps (even); reaching it merges them in pairs.
    pub(crate) series_cap: usize,
    /// How many times the series was merged (its width is `2^merges` times the first).
    pub(crate) merges: u32,
}

/// Latencies are recorded in nanoseconds up to one virtual day.
const MAX_LATENCY_NS: u64 = 86_400 * 1_000_000_000;

impl Metrics {
    pub(crate) fn new(nodes: usize, clients: usize, bucket_ns: u64) -> Self {
        let hist = |sig| Histogram::new_with_bounds(1, MAX_LATENCY_NS, sig).expect("static bounds are valid");
        Metrics {
            latency: hist(3),
            latency_sum_ns: 0,
            completed: 0,
            failed: [0; FailReason::ALL.len()],
            issued: 0,
            attempts: 0,
            retries: 0,
            goodput: 0,
            retries_denied: 0,
            nodes: vec![NodeStats::default(); nodes],
            by_class: Default::default(),
            by_client: vec![GroupStats::default(); clients],
            by_op: Vec::new(),
            tasks: TaskStats::default(),
            in_flight: 0,
            in_flight_area: 0,
            in_flight_t: 0,
            last_completion: 0,
            bucket_ns,
            bucket_end: bucket_ns,
            bucket_hist: hist(2),
            bucket_completed: 0,
            bucket_goodput: 0,
            instances_now: Vec::new(),
            cost_per_hour_now: None,
            deadlines: false,
            #[cfg(feature = "per-second")]
            seconds: seconds::Seconds::default(),
            sessions: None,
            bucket_failed: 0,
            bucket_hits: 0,
            bucket_lookups: 0,
            bucket_origin: 0,
            series: Vec::new(),
            series_cap: crate::limits::series_buckets(nodes),
            merges: 0,
        }
    }

    /// The width of a time-series bucket now, in nanoseconds.
    pub fn bucket_ns(&self) -> u64 {
        self.bucket_ns
    }

    /// Merges the series' buckets in pairs and doubles the width. The open bucket starts where it did, at an
    /// even bucket boundary, and now ends one old width later.
    fn coarsen(&mut self) {
        let old = std::mem::take(&mut self.series);
        let mut it = old.into_iter();
        while let Some(a) = it.next() {
            self.series.push(match it.next() {
                Some(b) => a.merge(&b),
                None => a,
            });
        }
        self.bucket_end = self.bucket_end.saturating_add(self.bucket_ns);
        self.bucket_ns = self.bucket_ns.saturating_mul(2);
        self.merges += 1;
    }

    #[inline]
    fn touch_in_flight(&mut self, now: u64) {
        self.in_flight_area += (now - self.in_flight_t) as u128 * self.in_flight as u128;
        self.in_flight_t = now;
    }

    /// A client issued a call; `class` is `None` only for a call refused at the memory limit before its class
    /// was drawn.
    pub(crate) fn call_started(&mut self, now: u64, client: u32, class: Option<Class>) {
        self.touch_in_flight(now);
        self.in_flight += 1;
        self.issued += 1;
        if let Some(c) = class {
            self.by_class[c as usize].issued += 1;
        }
        if let Some(g) = self.by_client.get_mut(client as usize) {
            g.issued += 1;
        }
    }

    /// A call succeeded after `latency_ns`; `good` when within its client's deadline (goodput).
    pub(crate) fn call_ok(&mut self, now: u64, latency_ns: u64, good: bool, client: u32, class: Option<Class>) {
        self.touch_in_flight(now);
        self.in_flight -= 1;
        self.completed += 1;
        self.goodput += u64::from(good);
        self.bucket_goodput += u64::from(good);
        #[cfg(feature = "per-second")]
        self.seconds.ok(latency_ns, good);
        self.last_completion = now;
        let v = latency_ns.clamp(1, MAX_LATENCY_NS);
        self.latency.saturating_record(v);
        self.latency_sum_ns += latency_ns as u128;
        self.bucket_hist.saturating_record(v);
        self.bucket_completed += 1;
        if let Some(c) = class {
            self.by_class[c as usize].ok(latency_ns);
        }
        if let Some(g) = self.by_client.get_mut(client as usize) {
            g.ok(latency_ns);
        }
    }

    pub(crate) fn call_failed(&mut self, now: u64, reason: FailReason, client: u32, class: Option<Class>) {
        self.touch_in_flight(now);
        self.in_flight -= 1;
        self.failed[reason as usize] += 1;
        #[cfg(feature = "per-second")]
        self.seconds.failed(reason);
        self.last_completion = now;
        self.bucket_failed += 1;
        if let Some(c) = class {
            self.by_class[c as usize].failed += 1;
        }
        if let Some(g) = self.by_client.get_mut(client as usize) {
            g.failed += 1;
        }
    }

    /// Client `client`'s call performing the `op`-th operation of its mix started (`ok: None`), succeeded
    /// after `ok: Some(latency)`, or failed (`failed`).
    pub(crate) fn op_event(&mut self, client: u32, op: u8, ok: Option<u64>, failed: bool) {
        let Some(g) = self
            .by_op
            .get_mut(client as usize)
            .and_then(|ops| ops.get_mut(op as usize))
        else {
            return;
        };
        match (ok, failed) {
            (Some(latency_ns), _) => g.ok(latency_ns),
            (None, true) => g.failed += 1,
            (None, false) => g.issued += 1,
        }
    }

    /// Calls issued in no class: refused at the memory limit before their class was drawn (all of them
    /// failed). With them, the classes' `issued` and `failed` add up to the run's.
    pub fn unclassified(&self) -> u64 {
        self.issued - self.by_class.iter().map(|g| g.issued).sum::<u64>()
    }

    pub(crate) fn lookup(&mut self, hit: bool) {
        self.bucket_lookups += 1;
        if hit {
            self.bucket_hits += 1;
        }
    }

    pub fn failed_total(&self) -> u64 {
        self.failed.iter().sum()
    }

    /// Mean latency of successful calls, in nanoseconds (exact, not from the histogram).
    pub fn mean_latency_ns(&self) -> f64 {
        mean_ns(self.latency_sum_ns, self.completed)
    }

    /// Latency quantile in nanoseconds from the HDR histogram (3 significant digits).
    pub fn quantile_ns(&self, q: f64) -> u64 {
        if self.completed == 0 {
            0
        } else {
            self.latency.value_at_quantile(q)
        }
    }

    /// Time-averaged number of calls in the system up to `now` (the L of Little's law).
    pub fn mean_in_flight(&self, now: SimTime) -> f64 {
        let area = self.in_flight_area + (now.0 - self.in_flight_t) as u128 * self.in_flight as u128;
        if now.0 == 0 {
            0.0
        } else {
            area as f64 / now.0 as f64
        }
    }

    /// Closes every bucket that ends at or before `now`.
    pub(crate) fn roll_buckets(&mut self, now: u64, topo: &Topology, busy: &[(u32, usize)]) {
        while now >= self.bucket_end {
            let end = self.bucket_end;
            let w = self.bucket_ns as f64;
            let mut utilization = Vec::with_capacity(self.nodes.len());
            let mut queue = Vec::with_capacity(self.nodes.len());
            let mut arrivals = Vec::with_capacity(self.nodes.len());
            for (i, st) in self.nodes.iter_mut().enumerate() {
                let (b, q) = busy[i];
                st.touch(end, b, q);
                let workers = topo.nodes[i].workers.map_or(1.0, f64::from);
                let db = (st.busy_area - st.busy_mark) as f64;
                let dq = (st.queue_area - st.queue_mark) as f64;
                st.busy_mark = st.busy_area;
                arrivals.push(st.arrivals - st.arrivals_mark);
                st.arrivals_mark = st.arrivals;
                st.queue_mark = st.queue_area;
                utilization.push(round4(db / (w * workers)));
                queue.push(round4(dq / w));
            }
            let q = |h: &Histogram<u64>, q: f64| {
                if h.is_empty() {
                    0.0
                } else {
                    ns_to_ms(h.value_at_quantile(q))
                }
            };
            self.series.push(Bucket {
                t_ms: ns_to_ms(end - self.bucket_ns),
                completed: self.bucket_completed,
                failed: self.bucket_failed,
                throughput_rps: round4(self.bucket_completed as f64 / (w / 1e9)),
                goodput_rps: self.deadlines.then(|| round4(self.bucket_goodput as f64 / (w / 1e9))),
                instances: self.instances_now.clone(),
                cost_per_hour: self.cost_per_hour_now,
                p50_ms: q(&self.bucket_hist, 0.5),
                p99_ms: q(&self.bucket_hist, 0.99),
                utilization,
                queue,
                arrivals,
                hit_ratio: (self.bucket_lookups > 0)
                    .then(|| round4(self.bucket_hits as f64 / self.bucket_lookups as f64)),
                origin_rps: topo
                    .nodes
                    .iter()
                    .any(|n| matches!(n.behavior, crate::topology::Behavior::Cache(_)))
                    .then(|| round4(self.bucket_origin as f64 / (w / 1e9))),
                sessions: self.sessions.as_ref().map(|s| s.active),
                hits: self.bucket_hits,
                lookups: self.bucket_lookups,
            });
            self.bucket_origin = 0;
            self.bucket_hist.reset();
            self.bucket_completed = 0;
            self.bucket_goodput = 0;
            self.bucket_failed = 0;
            self.bucket_hits = 0;
            self.bucket_lookups = 0;
            self.bucket_end = self.bucket_end.saturating_add(self.bucket_ns);
            if self.series.len() >= self.series_cap {
                self.coarsen();
            }
            if self.bucket_end == u64::MAX {
                // The end of virtual time: nothing is left to bucket.
                break;
            }
        }
    }
}

/// `n` over `secs` seconds, rounded like every printed figure; 0 over no time.
pub(crate) fn per_second(n: u64, secs: f64) -> f64 {
    if secs > 0.0 {
        round4(n as f64 / secs)
    } else {
        0.0
    }
}

/// `sum / n`, or 0 when nothing was counted.
fn mean_ns(sum: u128, n: u64) -> f64 {
    if n == 0 {
        0.0
    } else {
        sum as f64 / n as f64
    }
}

pub(crate) fn ns_to_ms(ns: u64) -> f64 {
    round4(ns as f64 / 1e6)
}

pub(crate) use crate::figures::round4;

/// Latency summary in milliseconds.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LatencyReport {
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub p999: f64,
    pub max: f64,
}

/// One row of a per-class or per-client breakdown.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct GroupFigures {
    pub issued: u64,
    pub completed: u64,
    /// Failed for any reason.
    pub failed: u64,
    /// Completions per second over the same span as the run's `throughput_rps`.
    pub throughput_rps: f64,
    /// Exact mean of the group's successful calls.
    pub mean_ms: f64,
    /// From a histogram of two significant figures (within 1%).
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// The calls of one request class.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ClassReport {
    pub class: &'static str,
    #[serde(flatten)]
    pub figures: GroupFigures,
}

/// The calls of one client (one lane of a side-by-side preset), named by its node id.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ClientReport {
    pub client: String,
    #[serde(flatten)]
    pub figures: GroupFigures,
}

/// Failures by reason.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FailedReport {
    pub refused: u64,
    pub queue_full: u64,
    pub timeout: u64,
    pub crashed: u64,
    pub lost: u64,
    /// Messages over a queue's `max_message_bytes` (shown only when there are some).
    #[serde(skip_serializing_if = "is_zero")]
    pub too_large: u64,
    /// Only replicated databases fail this way, so it is left out when zero.
    #[serde(skip_serializing_if = "is_zero")]
    pub unavailable: u64,
    /// Calls refused because the run held as many live requests or pending events as it may (an overload
    /// the simulator cannot hold in memory, not a failure of the modelled system); left out when zero.
    #[serde(skip_serializing_if = "is_zero")]
    pub memory_limit: u64,
    /// The reasons below come from resilience settings (error rates, rate limiters, shedding, breakers,
    /// bulkheads, deadlines); each is left out when zero.
    #[serde(skip_serializing_if = "is_zero")]
    pub error: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub rate_limited: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub shed: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub circuit_open: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub bulkhead_full: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub deadline_exceeded: u64,
    /// Calls that ended refused for a lost session (left out when zero).
    #[serde(skip_serializing_if = "is_zero")]
    pub logged_out: u64,
    /// Operations a database's engine cannot run (left out when zero).
    #[serde(skip_serializing_if = "is_zero")]
    pub unsupported: u64,
    /// Transactions aborted after waiting too long for a row lock (left out when zero).
    #[serde(skip_serializing_if = "is_zero")]
    pub aborted: u64,
    /// Writes a full key-value store refused (left out when zero).
    #[serde(skip_serializing_if = "is_zero")]
    pub out_of_memory: u64,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// Cache counters of one node.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CacheReport {
    pub hits: u64,
    pub misses: u64,
    pub hit_ratio: f64,
    pub evictions: u64,
    /// Hits times the configured object size.
    pub bytes_served: u64,
    pub origin_requests: u64,
    pub stale_reads: u64,
    pub lost_writes: u64,
    pub coalesced: u64,
}

/// One node's summary.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NodeReport {
    pub id: String,
    pub kind: &'static str,
    pub up: bool,
    pub arrivals: u64,
    pub served: u64,
    pub dropped: u64,
    pub refused: u64,
    /// Messages rejected for their size (a queue's `max_message_bytes`), apart from `dropped` (capacity).
    #[serde(skip_serializing_if = "is_zero")]
    pub too_large: u64,
    /// Busy workers over workers, averaged over the run (busy connections for unbounded nodes).
    pub utilization: f64,
    pub mean_queue: f64,
    pub max_queue: u64,
    /// Mean time waiting for a worker.
    pub mean_wait_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache: Option<CacheReport>,
    /// Requests its rate limit refused (left out when zero, as are the three below).
    #[serde(skip_serializing_if = "is_zero")]
    pub rate_limited: u64,
    /// Requests shed from its queue under overload.
    #[serde(skip_serializing_if = "is_zero")]
    pub shed: u64,
    /// Requests failed by its error rate.
    #[serde(skip_serializing_if = "is_zero")]
    pub errors: u64,
    /// Requests dropped unserved because their propagated deadline had passed.
    #[serde(skip_serializing_if = "is_zero")]
    pub expired: u64,
    /// Valid sessions held here now: a service's in-memory sessions, or a shared store's (nodes that hold
    /// sessions only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sessions: Option<u64>,
}

/// What the caller on one policy edge did: its attempts (amplification), retries, and what its timeout,
/// budget, breaker and bulkhead decided.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct EdgeReport {
    pub from: String,
    pub to: String,
    /// Calls the caller made on this edge (one per request it forwarded).
    pub calls: u64,
    /// Attempts sent (first tries and retries).
    pub attempts: u64,
    pub retries: u64,
    /// Attempts per call on this edge.
    pub attempts_per_call: f64,
    /// Attempts on this edge per call the clients issued: the amplification at this hop.
    pub attempts_per_client_call: f64,
    pub timeouts: u64,
    /// Attempts that failed (errors, timeouts, losses, failures from further down).
    pub failures: u64,
    /// Answers that came back after their attempt had timed out: work done for nobody.
    pub late_answers: u64,
    /// Retries the retry budget refused.
    pub budget_denied: u64,
    /// Attempts failed fast because the breaker was open.
    pub circuit_open: u64,
    /// Attempts failed fast because the bulkhead was full.
    pub bulkhead_full: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breaker: Option<BreakerReport>,
}

/// A circuit breaker's life over the run.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct BreakerReport {
    /// Its state when the report was taken: `closed`, `open` or `half_open`.
    pub state: &'static str,
    /// Times it opened.
    pub opened: u64,
    /// Time it spent open or half-open.
    pub not_closed_ms: f64,
}

/// Queue task summary.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TaskReport {
    pub enqueued: u64,
    pub completed: u64,
    pub failed: u64,
    pub lost: u64,
    pub redelivered: u64,
    pub duplicates: u64,
    pub retried: u64,
    pub dead_lettered: u64,
    /// Enqueue to done.
    pub mean_latency_ms: f64,
    pub p99_latency_ms: f64,
}

impl Report {
    /// Hits over lookups across every cache; `None` when no cache was looked up.
    pub fn cache_hit_ratio(&self) -> Option<f64> {
        let (hits, misses) = self
            .nodes
            .iter()
            .filter_map(|n| n.cache.as_ref())
            .fold((0, 0), |(h, m), c| (h + c.hits, m + c.misses));
        (hits + misses > 0).then(|| hits as f64 / (hits + misses) as f64)
    }

    /// Stale reads across caches and replicated databases.
    pub fn stale_reads_total(&self) -> u64 {
        let caches: u64 = self
            .nodes
            .iter()
            .filter_map(|n| n.cache.as_ref())
            .map(|c| c.stale_reads)
            .sum();
        caches + self.databases.iter().map(|d| d.all.stale_reads).sum::<u64>()
    }

    /// Acknowledged writes lost across write-back caches and replicated databases.
    pub fn lost_writes_total(&self) -> u64 {
        let caches: u64 = self
            .nodes
            .iter()
            .filter_map(|n| n.cache.as_ref())
            .map(|c| c.lost_writes)
            .sum();
        caches + self.databases.iter().map(|d| d.lost_writes).sum::<u64>()
    }

    /// Whether the run has caches or replicated databases (so stale reads and lost writes can happen).
    pub fn has_consistency(&self) -> bool {
        self.nodes.iter().any(|n| n.cache.is_some()) || !self.databases.is_empty()
    }

    /// The report as pretty JSON, fields in declaration order: what `switchyard run --json` prints (less
    /// `wall_ms`, which only a driver with a clock can add) and what golden scenarios pin.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// The summary of a run, as drivers print it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Report {
    pub scenario: String,
    pub seed: u64,
    /// Calls issued by clients.
    pub issued: u64,
    pub completed: u64,
    pub failed: u64,
    pub failed_by_reason: FailedReport,
    pub attempts: u64,
    pub retries: u64,
    /// Calls still in flight when the report was taken.
    pub in_flight: u64,
    pub throughput_rps: f64,
    pub elapsed_ms: f64,
    pub latency_ms: LatencyReport,
    /// The calls of each request class that occurred, in class order (`static_asset`, `api_read`,
    /// `api_write`, `background_job`). Calls refused at the memory limit before their class was drawn are in
    /// none, so the rows add up to `issued`, `completed` and `failed` less those (`failed_by_reason.memory_limit`
    /// bounds them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_class: Vec<ClassReport>,
    /// The calls of each client, in topology order; the rows add up to `issued`, `completed` and `failed`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_client: Vec<ClientReport>,
    /// The calls of each operation of each client with an `ops` mix, clients in topology order, operations
    /// in the mix's order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_op: Vec<OpReport>,
    /// Time-averaged calls in flight (L in Little's law).
    pub mean_in_flight: f64,
    pub events: u64,
    pub nodes: Vec<NodeReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tasks: Option<TaskReport>,
    /// The scenario's `realtime` block, one entry per mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub realtime: Option<Vec<crate::realtime::ChannelReport>>,
    /// One entry per shard router, in topology order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shard_routers: Vec<ShardRouterReport>,
    /// Replicated database clusters: availability and consistency side by side.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub databases: Vec<DbReport>,
    /// Databases with a storage engine, in topology order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub engines: Vec<EngineReport>,
    /// Calls that succeeded within their client's `deadline_ms` (runs where a client sets one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goodput: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goodput_rps: Option<f64>,
    /// Client retries a retry budget refused (left out when zero).
    #[serde(skip_serializing_if = "is_zero")]
    pub retries_denied: u64,
    /// One entry per edge with a call policy, in edge order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub edges: Vec<EdgeReport>,
    /// One entry per autoscaling group, in topology order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupReport>,
    /// Runs with billed instances.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<CostReport>,
    /// Users and sessions (runs where a client has users with sessions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sessions: Option<SessionsReport>,
}

/// The calls of one operation of one client's `ops` mix.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct OpReport {
    pub client: String,
    pub op: &'static str,
    #[serde(flatten)]
    pub figures: GroupFigures,
}

/// What one operation cost a database engine's workers.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct EngineOpReport {
    pub op: &'static str,
    pub served: u64,
    /// Mean worker time per operation (its service time with the engine's cost), excluding lock waits.
    pub mean_service_ms: f64,
}

/// An operation a database's engine cannot run: how many it refused, and why.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct UnsupportedReport {
    pub op: &'static str,
    pub refused: u64,
    pub reason: &'static str,
}

/// A database's storage engine over the run. Counters of other profiles are left out when zero.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct EngineReport {
    pub node: String,
    pub profile: &'static str,
    /// Per operation served, in operation order.
    pub ops: Vec<EngineOpReport>,
    /// Operations it refused because its kind of store cannot run them.
    #[serde(skip_serializing_if = "is_zero")]
    pub unsupported: u64,
    /// The same, per operation, with the reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unsupported_ops: Vec<UnsupportedReport>,
    /// Transactions that took a row lock; those that had to wait; the mean wait over all of them, and the
    /// longest.
    #[serde(skip_serializing_if = "is_zero")]
    pub transactions: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub lock_waits: u64,
    #[serde(skip_serializing_if = "is_zero_f")]
    pub lock_wait_mean_ms: f64,
    #[serde(skip_serializing_if = "is_zero_f")]
    pub lock_wait_max_ms: f64,
    /// Transactions aborted after `lock_timeout_ms`.
    #[serde(skip_serializing_if = "is_zero")]
    pub aborts: u64,
    /// Wide-column: sorted runs at the end and at most, memtable flushes and compactions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runs: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_runs: Option<u32>,
    #[serde(skip_serializing_if = "is_zero")]
    pub flushes: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub compactions: u64,
    /// Key-value with a memory limit: keys held at the end, gets that found their key or not, keys evicted,
    /// new keys refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keys: Option<u64>,
    #[serde(skip_serializing_if = "is_zero")]
    pub hits: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub misses: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub evictions: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub refused_full: u64,
    /// Document, denormalized: joins that read copies a write was still rewriting.
    #[serde(skip_serializing_if = "is_zero")]
    pub stale_reads: u64,
}

fn is_zero_f(v: &f64) -> bool {
    *v == 0.0
}

/// An autoscaling group over the run: its size now, what it did, and its size after each change.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct GroupReport {
    pub id: String,
    pub min: u32,
    pub max: u32,
    /// The size it aims for, at the end.
    pub desired: u32,
    /// Instances launched and not yet terminated (booting, serving, draining), at the end.
    pub instances: u32,
    /// Instances taking requests, at the end.
    pub in_service: u32,
    /// The most instances it had at once.
    pub peak: u32,
    pub launches: u64,
    pub terminations: u64,
    /// Crashed instances its health checks found and replaced.
    pub replacements: u64,
    /// Policy decisions that raised or lowered `desired`.
    pub scale_outs: u64,
    pub scale_ins: u64,
    /// Instance-hours billed (launch to termination).
    pub instance_hours: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_usd: Option<f64>,
    /// After each change: the time and the sizes.
    pub timeline: Vec<SizePoint>,
}

/// A group's sizes from `t_ms` on.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct SizePoint {
    pub t_ms: f64,
    pub desired: u32,
    pub instances: u32,
    pub in_service: u32,
}

/// What the billed instances (services with an instance size or price, and groups' instances) cost.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CostReport {
    /// Dollars over the run: the integral of instances × hourly price.
    pub total_usd: f64,
    /// Dollars per hour at the end.
    pub per_hour: f64,
    /// `total_usd` over the run's hours.
    pub mean_per_hour: f64,
    /// The cost rate from `t_ms` on, after each change.
    pub timeline: Vec<CostPoint>,
}

/// The cost rate from `t_ms` on.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct CostPoint {
    pub t_ms: f64,
    pub usd_per_hour: f64,
}

/// The users of stateful clients and what happened to their sessions.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SessionsReport {
    /// The users of all clients with sessions.
    pub users: u64,
    /// Valid sessions when the report was taken.
    pub active: u64,
    /// Sessions created: first logins, and users logged in again after losing theirs.
    pub logins: u64,
    /// Sessions that died at once with the instance (memory) or store (shared) holding them.
    pub lost: u64,
    /// Requests refused because their user's session was gone (each logged the user in again); the calls
    /// that ended so are `failed_by_reason.logged_out`.
    pub logged_out: u64,
}

/// A shard router's placement, per-shard load and data size, and what its rebalances moved.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ShardRouterReport {
    pub id: String,
    pub scheme: &'static str,
    /// Every shard edge, active or not, in edge order.
    pub shards: Vec<ShardReport>,
    /// `max / mean` of the requests routed to each active shard over the run.
    pub load_skew: f64,
    /// `max / mean` of the distinct keys each active shard holds at the end.
    pub data_skew: f64,
    /// `max / mean` of the writes each shard edge took in the last time window (hot spots of "now").
    pub last_window_write_skew: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directory: Option<DirectoryReport>,
    /// Cross-shard queries: fan out, gather, as slow as the slowest part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fanout: Option<FanoutReport>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rebalances: Vec<RebalanceReport>,
    /// Key copies completed, failed and still queued after rebalances.
    pub migrated: u64,
    pub migration_failed: u64,
    pub migration_pending: u64,
    /// Per time window (the run's bucket width): requests, writes and keys held per shard edge.
    pub series: Vec<ShardWindow>,
}

/// One shard of a router.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ShardReport {
    pub node: String,
    pub active: bool,
    /// Requests the router sent it (parts of cross-shard queries included).
    pub requests: u64,
    pub writes: u64,
    /// Distinct keys written to it that it holds now (its data size).
    pub keys: u64,
    /// p99 of the router-to-shard round trip.
    pub p99_ms: f64,
}

/// Directory lookups of a router.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DirectoryReport {
    /// Requests that asked the directory.
    pub lookups: u64,
    pub cache_hits: u64,
    pub cache_misses: u64,
}

/// Cross-shard queries of a router, timed from fan-out to the last part's answer.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FanoutReport {
    pub queries: u64,
    pub failed: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// One shard added or removed at runtime.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RebalanceReport {
    pub at_ms: f64,
    pub action: &'static str,
    pub shard: String,
    /// Distinct keys written so far.
    pub keys_total: u64,
    pub keys_moved: u64,
    pub moved_fraction: f64,
    pub bytes_moved: u64,
}

/// A shard router's time window: per shard edge, in edge order.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ShardWindow {
    pub t_ms: f64,
    pub load: Vec<u64>,
    pub writes: Vec<u64>,
    pub keys: Vec<u64>,
}

/// Client operations on one replicated database cluster, and what they saw.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DbReport {
    pub cluster: String,
    pub mode: &'static str,
    pub consistency: &'static str,
    #[serde(flatten)]
    pub all: DbCounts,
    /// Acknowledged writes that were later discarded: rolled back by a failover, or overwritten by a concurrent
    /// write from the other side of a partition when it healed (last-write-wins).
    pub lost_writes: u64,
    /// Primary promotions after a crash.
    pub failovers: u64,
    /// The same counters split by where the client stood: `connected` (no partition in force when the
    /// operation was invoked) or `side N` (the client was in partition group N, counted from 1).
    pub by_side: Vec<DbSide>,
}

/// Counters of one group of operations.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct DbCounts {
    /// Client operations (reads and writes) invoked.
    pub ops: u64,
    pub ok: u64,
    /// Failed `unavailable`: the coordinator could not reach its primary or quorum.
    pub unavailable: u64,
    /// Failed otherwise, timed out, or still pending at the end (indeterminate).
    pub other_failures: u64,
    /// Successful operations over all operations.
    pub availability: f64,
    pub reads_ok: u64,
    /// Successful reads that returned a value older than a write acknowledged before the read began.
    pub stale_reads: u64,
}

/// What `switchyard run --check` adds: the linearizability verdict on every cluster's history, next to the
/// counters of [`DbReport`] summed over clusters.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ConsistencyReport {
    /// `true`, `false`, or `"unknown"` when the checker ran out of search budget on some key.
    pub linearizable: serde_json::Value,
    /// For a violation: the cluster, the key, and the recorded operations (by index in the cluster's history)
    /// that conflict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub violation: Option<Violation>,
    pub stale_reads: u64,
    pub lost_writes: u64,
    pub availability: f64,
    /// Availability of the operations invoked on each side (`connected`, `side 1`, ...).
    pub availability_by_side: std::collections::BTreeMap<String, f64>,
}

/// The operations that explain a linearizability violation.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Violation {
    pub cluster: String,
    pub key: u64,
    pub ops: Vec<usize>,
}

/// One side of a partition.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DbSide {
    pub side: String,
    #[serde(flatten)]
    pub counts: DbCounts,
}
