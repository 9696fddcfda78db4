//! Validation of a `scenario::v1` document into a [`Topology`]: every rule, and the typed errors that name
//! what broke it. All problems are collected, so an editor can mark every offending node at once.

use super::*;
use crate::dist::DistError;
use crate::limits::{
    check_rate, loss_ok, RateError, MAX_CACHE_CAPACITY, MAX_COORD, MAX_KEYS, MAX_QUEUE_CAPACITY, MAX_RATE_RPS,
    MAX_REQUESTS, MAX_SIGMA, MAX_TIME_MS, MAX_TOTAL_CACHE_CAPACITY, MAX_WORKERS, MAX_ZOOM, MIN_PARTITION_GROUPS,
    MIN_TIME_MS, MIN_ZOOM,
};
use std::collections::BTreeSet;

struct Errors(Vec<ValidationError>);

impl Errors {
    fn push(&mut self, location: Location, problem: Problem) {
        self.0.push(ValidationError { location, problem });
    }
    fn bad(&mut self, location: &Location, field: &'static str, message: impl Into<String>) {
        self.push(
            location.clone(),
            Problem::BadParameter {
                field,
                message: message.into(),
            },
        );
    }
    fn range(
        &mut self,
        location: &Location,
        field: impl Into<String>,
        value: f64,
        (min, max): (f64, f64),
        unit: &'static str,
    ) {
        self.push(
            location.clone(),
            Problem::OutOfRange {
                field: field.into(),
                value,
                min,
                max,
                unit,
            },
        );
    }
    fn dist(&mut self, location: &Location, field: &'static str, d: &Dist) {
        match d.validate() {
            Ok(()) => {}
            Err(DistError::Malformed(m)) => self.bad(location, field, m),
            Err(DistError::OutOfRange {
                param,
                value,
                min,
                max,
                unit,
            }) => self.range(location, format!("{field}.{param}"), value, (min, max), unit),
        }
    }
    fn ms(&mut self, location: &Location, field: &'static str, v: Option<f64>, allow_zero: bool) {
        if let Some(v) = v {
            if v.is_finite() && v > 0.0 && !(MIN_TIME_MS..=MAX_TIME_MS).contains(&v) {
                self.range(location, field, v, (MIN_TIME_MS, MAX_TIME_MS), "ms");
            } else if !v.is_finite() || v < 0.0 || (!allow_zero && v == 0.0) {
                let want = if allow_zero {
                    "zero or more"
                } else {
                    "greater than zero"
                };
                self.bad(
                    location,
                    field,
                    format!("must be a finite number of milliseconds, {want}, got {v}"),
                );
            }
        }
    }
    fn rate(&mut self, location: &Location, field: &'static str, v: f64) {
        match check_rate(v) {
            Ok(()) => {}
            Err(RateError::NotPositive) => self.push(location.clone(), Problem::InvalidRate { field, value: v }),
            Err(RateError::TooHigh) => self.range(location, field, v, (0.0, MAX_RATE_RPS), "requests/s"),
        }
    }
    fn text(&mut self, location: &Location, field: &'static str, s: &str, limit: usize) {
        if s.chars().count() > limit {
            self.push(location.clone(), Problem::TextTooLong { field, limit });
        }
    }
}

pub(super) fn build(s: &v1::Scenario) -> Result<Topology, Vec<ValidationError>> {
    let mut errs = Errors(Vec::new());
    // Size limits first: nothing else is looked at in an oversized document.
    if s.nodes.len() > v1::MAX_NODES {
        errs.push(
            Location::Scenario,
            Problem::TooManyNodes {
                count: s.nodes.len(),
                limit: v1::MAX_NODES,
            },
        );
    }
    if s.edges.len() > v1::MAX_EDGES {
        errs.push(
            Location::Scenario,
            Problem::TooManyEdges {
                count: s.edges.len(),
                limit: v1::MAX_EDGES,
            },
        );
    }
    if s.faults.len() > v1::MAX_FAULTS {
        errs.push(
            Location::Scenario,
            Problem::TooManyFaults {
                count: s.faults.len(),
                limit: v1::MAX_FAULTS,
            },
        );
    }
    if !errs.0.is_empty() {
        return Err(errs.0);
    }
    if s.nodes.is_empty() {
        errs.push(Location::Scenario, Problem::NoNodes);
        return Err(errs.0);
    }
    check_run(s, &mut errs);
    if let Some(w) = validate_workload(&s.workload, &Location::Workload(None), &mut errs) {
        let _ = w;
    }

    // Nodes.
    let mut index = BTreeMap::new();
    let mut nodes = Vec::with_capacity(s.nodes.len());
    for n in &s.nodes {
        let loc = Location::Node(n.id.clone());
        if n.id.is_empty() {
            errs.push(loc.clone(), Problem::EmptyId);
        }
        errs.text(&loc, "id", &n.id, MAX_ID_LEN);
        errs.text(&loc, "label", n.label.as_deref().unwrap_or(""), MAX_TEXT_LEN);
        errs.text(&loc, "region", n.region.as_deref().unwrap_or(""), MAX_TEXT_LEN);
        if !n.x.is_finite() || !n.y.is_finite() {
            errs.bad(&loc, "x/y", "coordinates must be finite numbers");
        } else {
            for (field, v) in [("x", n.x), ("y", n.y)] {
                if v.abs() > MAX_COORD {
                    errs.range(&loc, field, v, (-MAX_COORD, MAX_COORD), "");
                }
            }
        }
        if index.insert(n.id.clone(), nodes.len() as NodeIx).is_some() {
            errs.push(loc.clone(), Problem::DuplicateId);
        }
        if let Some(def) = build_node(n, s, &loc, &mut errs) {
            nodes.push(def);
        } else {
            // Keep indices aligned even when a node is broken; the build fails anyway.
            nodes.push(placeholder(n));
        }
    }

    // Caches one by one are checked in `build_node`; together they share one bound.
    let cached: u64 = s
        .nodes
        .iter()
        .map(|n| match &n.spec {
            v1::NodeSpec::Cache(c) | v1::NodeSpec::Cdn(c) => c.capacity.min(MAX_CACHE_CAPACITY),
            v1::NodeSpec::ShardRouter(r) => r
                .directory_cache
                .as_ref()
                .map_or(0, |c| c.capacity.min(MAX_CACHE_CAPACITY)),
            _ => 0,
        })
        .sum();
    if cached > MAX_TOTAL_CACHE_CAPACITY {
        errs.range(
            &Location::Scenario,
            "capacity of all caches together",
            cached as f64,
            (0.0, MAX_TOTAL_CACHE_CAPACITY as f64),
            "objects",
        );
    }

    // Edges.
    let mut edges = Vec::with_capacity(s.edges.len());
    let mut out_edges = vec![Vec::new(); nodes.len()];
    let mut seen = BTreeSet::new();
    for e in &s.edges {
        let loc = Location::Edge {
            from: e.from.clone(),
            to: e.to.clone(),
        };
        let from = index.get(&e.from).copied();
        let to = index.get(&e.to).copied();
        for (id, ix) in [(&e.from, from), (&e.to, to)] {
            if ix.is_none() {
                errs.push(loc.clone(), Problem::DanglingEdge { missing: truncate(id) });
            }
        }
        errs.dist(&loc, "latency", &dist_from_v1(&e.latency));
        if !loss_ok(e.loss) {
            errs.bad(
                &loc,
                "loss",
                format!("must be a probability between 0 and 1, got {}", e.loss),
            );
        }
        let classes = match &e.classes {
            None => 0b1111,
            Some(list) if list.is_empty() => {
                errs.bad(
                    &loc,
                    "classes",
                    "an empty class list would carry nothing; omit it to carry every class",
                );
                0
            }
            Some(list) => list.iter().fold(0u8, |acc, c| acc | Class::from(*c).bit()),
        };
        let (Some(from), Some(to)) = (from, to) else { continue };
        if from == to {
            errs.push(loc.clone(), Problem::SelfLoop);
        }
        if !seen.insert((from, to)) {
            errs.push(loc.clone(), Problem::DuplicateEdge);
        }
        if nodes[to as usize].kind == NodeKind::Client {
            errs.push(loc.clone(), Problem::EdgeIntoClient);
        }
        if e.weight == Some(0) || e.weight.is_some_and(|w| w > 10_000) {
            errs.bad(&loc, "weight", "must be between 1 and 10000");
        }
        out_edges[from as usize].push(edges.len() as EdgeIx);
        edges.push(EdgeDef {
            from,
            to,
            latency: dist_from_v1(&e.latency),
            loss: e.loss,
            classes,
            weight: e.weight.unwrap_or(1),
        });
    }

    let realtime = s.realtime.as_ref().and_then(|r| {
        crate::realtime::Plan::from_v1(r, s.duration_ms)
            .map_err(|(field, message)| errs.push(Location::Realtime, Problem::BadParameter { field, message }))
            .ok()
    });
    let mut topo = Topology {
        nodes,
        edges,
        out_edges,
        clusters: Vec::new(),
        index,
        realtime,
    };
    topo.clusters = super::cluster::build(s, &topo, &mut errs.0);
    check_cycles(&topo, &mut errs);
    check_routes(&topo, &mut errs);
    check_faults(s, &topo, &mut errs);
    if errs.0.is_empty() {
        check_shards(s, &topo, &mut errs);
    }
    if errs.0.is_empty() {
        Ok(topo)
    } else {
        Err(errs.0)
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(MAX_ID_LEN).collect()
}

fn check_run(s: &v1::Scenario, errs: &mut Errors) {
    let loc = Location::Scenario;
    errs.text(&loc, "name", &s.name, MAX_TEXT_LEN);
    errs.text(&loc, "description", &s.description, 4 * MAX_TEXT_LEN);
    errs.ms(&loc, "duration_ms", s.duration_ms, false);
    match s.requests {
        Some(0) => errs.bad(&loc, "requests", "must be at least 1"),
        Some(n) if n > MAX_REQUESTS => errs.bad(&loc, "requests", format!("{n} is above the limit of {MAX_REQUESTS}")),
        _ => {}
    }
    if let Some(m) = &s.metrics {
        if !(m.bucket_ms.is_finite() && m.bucket_ms >= 1.0) {
            errs.bad(
                &loc,
                "metrics.bucket_ms",
                format!("must be at least 1 ms, got {}", m.bucket_ms),
            );
        } else if m.bucket_ms > MAX_TIME_MS {
            errs.range(&loc, "metrics.bucket_ms", m.bucket_ms, (1.0, MAX_TIME_MS), "ms");
        }
    }
    if let Some(v) = &s.view {
        if !(v.zoom.is_finite() && v.zoom > 0.0 && v.pan_x.is_finite() && v.pan_y.is_finite()) {
            errs.bad(&loc, "view", "zoom must be positive and pan finite");
        } else {
            if !(MIN_ZOOM..=MAX_ZOOM).contains(&v.zoom) {
                errs.range(&loc, "view.zoom", v.zoom, (MIN_ZOOM, MAX_ZOOM), "");
            }
            for (field, p) in [("view.pan_x", v.pan_x), ("view.pan_y", v.pan_y)] {
                if p.abs() > MAX_COORD {
                    errs.range(&loc, field, p, (-MAX_COORD, MAX_COORD), "");
                }
            }
        }
    }
}

fn validate_workload(w: &v1::Workload, loc: &Location, errs: &mut Errors) -> Option<Workload> {
    let before = errs.0.len();
    match w.arrival {
        v1::Arrival::Constant { rate_rps } | v1::Arrival::Poisson { rate_rps } => errs.rate(loc, "rate_rps", rate_rps),
        v1::Arrival::OnOff {
            rate_rps,
            on_ms,
            off_ms,
        } => {
            errs.rate(loc, "rate_rps", rate_rps);
            errs.ms(loc, "on_ms", Some(on_ms), false);
            errs.ms(loc, "off_ms", Some(off_ms), true);
        }
        v1::Arrival::Spike {
            base_rps,
            spike_rps,
            at_ms,
            duration_ms,
        } => {
            errs.rate(loc, "base_rps", base_rps);
            errs.rate(loc, "spike_rps", spike_rps);
            errs.ms(loc, "at_ms", Some(at_ms), true);
            errs.ms(loc, "duration_ms", Some(duration_ms), false);
        }
        v1::Arrival::Ramp {
            from_rps,
            to_rps,
            over_ms,
        } => {
            if !(from_rps.is_finite() && from_rps >= 0.0) {
                errs.push(
                    loc.clone(),
                    Problem::InvalidRate {
                        field: "from_rps",
                        value: from_rps,
                    },
                );
            } else if from_rps > MAX_RATE_RPS {
                errs.range(loc, "from_rps", from_rps, (0.0, MAX_RATE_RPS), "requests/s");
            }
            errs.rate(loc, "to_rps", to_rps);
            errs.ms(loc, "over_ms", Some(over_ms), false);
        }
    }
    let count_ok = |count: u64, errs: &mut Errors| {
        if count == 0 || count > MAX_KEYS {
            errs.bad(
                loc,
                "keys.count",
                format!("must be between 1 and {MAX_KEYS}, got {count}"),
            );
        }
    };
    match w.keys {
        v1::Keys::Uniform { count } => count_ok(count, errs),
        v1::Keys::Zipf { count, alpha } => {
            count_ok(count, errs);
            if !(alpha.is_finite() && alpha > 0.0 && alpha <= 10.0) {
                errs.bad(loc, "keys.alpha", format!("must be in (0, 10], got {alpha}"));
            }
        }
        v1::Keys::Hotspot {
            count,
            hot_keys,
            hot_traffic,
        } => {
            count_ok(count, errs);
            for (field, v) in [("keys.hot_keys", hot_keys), ("keys.hot_traffic", hot_traffic)] {
                if !(v.is_finite() && v > 0.0 && v <= 1.0) {
                    errs.bad(loc, field, format!("must be a fraction in (0, 1], got {v}"));
                }
            }
        }
        v1::Keys::Sequential => {}
    }
    let m = &w.mix;
    let weights = [m.static_asset, m.api_read, m.api_write, m.background_job];
    if weights.iter().any(|v| !(v.is_finite() && *v >= 0.0)) {
        errs.bad(loc, "mix", "weights must be finite and not negative");
    } else if weights.iter().sum::<f64>() <= 0.0 {
        errs.bad(loc, "mix", "at least one request class needs a positive weight");
    }
    let sizes = w.message_bytes.iter().map(|s| ("message_bytes", s));
    for (field, size) in sizes.chain(w.message_bytes_by_class.values().map(|s| ("message_bytes_by_class", s))) {
        size_ok(size, field, loc, errs);
    }
    if errs.0.len() > before {
        return None;
    }
    Workload::from_v1(w)
}

/// The largest message size a workload may draw, in bytes (1 TiB).
const MAX_MESSAGE_BYTES: u64 = 1 << 40;

fn size_ok(size: &v1::Size, field: &'static str, loc: &Location, errs: &mut Errors) {
    let max = MAX_MESSAGE_BYTES;
    match *size {
        v1::Size::Constant { bytes } if bytes > max => {
            errs.bad(loc, field, format!("bytes must be at most {max}, got {bytes}"))
        }
        v1::Size::Uniform { min_bytes, max_bytes } if min_bytes > max_bytes || max_bytes > max => errs.bad(
            loc,
            field,
            format!("needs min_bytes <= max_bytes <= {max}, got {min_bytes} and {max_bytes}"),
        ),
        v1::Size::LogNormal { median_bytes, sigma }
            if !(median_bytes.is_finite()
                && median_bytes > 0.0
                && median_bytes <= max as f64
                && sigma.is_finite()
                && (0.0..=MAX_SIGMA).contains(&sigma)) =>
        {
            errs.bad(
                loc,
                field,
                format!(
                    "needs median_bytes in (0, {max}] and sigma in [0, {MAX_SIGMA}], got {median_bytes} and {sigma}"
                ),
            )
        }
        _ => {}
    }
}

fn workers(errs: &mut Errors, loc: &Location, field: &'static str, v: u32) {
    if v == 0 || v > MAX_WORKERS {
        errs.bad(loc, field, format!("must be between 1 and {MAX_WORKERS}, got {v}"));
    }
}

fn build_node(n: &v1::Node, s: &v1::Scenario, loc: &Location, errs: &mut Errors) -> Option<NodeDef> {
    let before = errs.0.len();
    let mut def = placeholder(n);
    let st = |errs: &mut Errors, d: &v1::Dist| {
        let d = dist_from_v1(d);
        errs.dist(loc, "service_time", &d);
        d
    };
    match &n.spec {
        v1::NodeSpec::Client(c) => {
            let wl_loc = Location::Workload(Some(n.id.clone()));
            let workload = match &c.workload {
                Some(w) => validate_workload(w, &wl_loc, errs),
                None => Workload::from_v1(&s.workload),
            };
            errs.ms(loc, "timeout_ms", c.timeout_ms, false);
            errs.ms(loc, "dns_ttl_ms", c.dns_ttl_ms, true);
            let retry = c.retry.as_ref().map(|r| {
                if r.max_retries > 100 {
                    errs.bad(loc, "retry.max_retries", format!("at most 100, got {}", r.max_retries));
                }
                errs.ms(loc, "retry.backoff_base_ms", Some(r.backoff_base_ms), true);
                errs.ms(loc, "retry.backoff_max_ms", Some(r.backoff_max_ms), true);
                RetryCfg {
                    max_retries: r.max_retries,
                    base_ns: ms_to_nanos(r.backoff_base_ms),
                    max_ns: ms_to_nanos(r.backoff_max_ms),
                    jitter: r.jitter,
                }
            });
            let balance = balance_cfg(
                c.strategy.unwrap_or_default(),
                None,
                c.health_check.as_ref(),
                None,
                loc,
                errs,
            );
            if let Some(workload) = workload {
                def.behavior = Behavior::Client(ClientCfg {
                    workload,
                    timeout_ns: opt_ms(c.timeout_ms),
                    retry,
                    dns_ttl_ns: opt_ms(c.dns_ttl_ms),
                    balance,
                });
            }
            def.service_time = Dist::ZERO;
            def.workers = None;
        }
        v1::NodeSpec::Service(p)
        | v1::NodeSpec::Database(p)
        | v1::NodeSpec::Dns(p)
        | v1::NodeSpec::Directory(p)
        | v1::NodeSpec::WorkerPool(p) => {
            workers(errs, loc, "workers", p.workers);
            if let Some(q) = p.queue_capacity {
                if q > MAX_QUEUE_CAPACITY {
                    errs.bad(loc, "queue_capacity", format!("at most {MAX_QUEUE_CAPACITY}, got {q}"));
                }
            }
            def.service_time = st(errs, &p.service_time);
            def.workers = Some(p.workers);
            def.queue_capacity = p.queue_capacity;
            errs.ms(loc, "crash_at_ms", p.crash_at_ms, true);
            def.crash_at = p.crash_at_ms.map(SimTime::from_millis_f64);
            def.behavior = Behavior::Station;
            if let Some(ix) = &p.index {
                if !matches!(n.spec, v1::NodeSpec::Database(_)) {
                    errs.bad(
                        loc,
                        "index",
                        format!("only a database has indexes, not a {}", n.spec.kind_name()),
                    );
                }
                def.index = Some(index_cfg(ix, loc, errs));
            }
        }
        v1::NodeSpec::LoadBalancer(b) | v1::NodeSpec::Proxy(b) => {
            def.service_time = st(errs, &b.service_time);
            if let Some(m) = b.max_connections {
                workers(errs, loc, "max_connections", m);
            }
            def.workers = b.max_connections;
            errs.ms(loc, "crash_at_ms", b.crash_at_ms, true);
            def.crash_at = b.crash_at_ms.map(SimTime::from_millis_f64);
            def.behavior = Behavior::Balancer(balance_cfg(
                b.strategy,
                b.balance_factor,
                b.health_check.as_ref(),
                b.outlier.as_ref(),
                loc,
                errs,
            ));
        }
        v1::NodeSpec::Cache(c) | v1::NodeSpec::Cdn(c) => {
            if c.capacity == 0 || c.capacity > MAX_CACHE_CAPACITY {
                errs.bad(
                    loc,
                    "capacity",
                    format!("must be between 1 and {MAX_CACHE_CAPACITY} objects, got {}", c.capacity),
                );
            }
            errs.ms(loc, "ttl_ms", c.ttl_ms, false);
            errs.ms(loc, "flush_ms", c.flush_ms, false);
            if c.object_bytes.is_some_and(|b| b == 0 || b > 1 << 40) {
                errs.bad(loc, "object_bytes", "must be between 1 byte and 1 TiB");
            }
            if c.read == Some(v1::ReadPolicy::CacheAside) && c.write == Some(v1::WritePolicy::WriteBack) {
                errs.bad(
                    loc,
                    "write",
                    "a cache-aside cache has no origin to flush to; write_back needs read_through",
                );
            }
            if c.flush_ms.is_some() && c.write != Some(v1::WritePolicy::WriteBack) {
                errs.bad(loc, "flush_ms", "only a write_back cache flushes");
            }
            def.service_time = st(errs, &c.service_time);
            if let Some(m) = c.max_connections {
                workers(errs, loc, "max_connections", m);
            }
            def.workers = c.max_connections;
            errs.ms(loc, "crash_at_ms", c.crash_at_ms, true);
            def.crash_at = c.crash_at_ms.map(SimTime::from_millis_f64);
            def.behavior = Behavior::Cache(CacheCfg {
                capacity: c.capacity,
                policy: policy_from_v1(c.policy),
                ttl_ns: opt_ms(c.ttl_ms),
                read: c.read.unwrap_or_default(),
                write: c.write.unwrap_or_default(),
                invalidate: c.invalidate.unwrap_or(true),
                coalesce: c.coalesce.unwrap_or(false),
                flush_ns: ms_to_nanos(c.flush_ms.unwrap_or(1000.0)),
                object_bytes: c.object_bytes.unwrap_or(1024),
            });
        }
        v1::NodeSpec::ShardRouter(r) => {
            def.service_time = st(errs, &r.service_time);
            errs.ms(loc, "crash_at_ms", r.crash_at_ms, true);
            def.crash_at = r.crash_at_ms.map(SimTime::from_millis_f64);
            def.behavior = Behavior::ShardRouter(shard_cfg(r, loc, errs));
        }
        v1::NodeSpec::Queue(q) => {
            if q.capacity == Some(0) {
                errs.bad(
                    loc,
                    "capacity",
                    "must be at least 1 message (omit it for an unbounded queue)",
                );
            }
            def.service_time = st(errs, &q.service_time);
            errs.ms(loc, "crash_at_ms", q.crash_at_ms, true);
            def.crash_at = q.crash_at_ms.map(SimTime::from_millis_f64);
            errs.ms(loc, "visibility_timeout_ms", q.visibility_timeout_ms, false);
            errs.ms(loc, "retry_backoff_ms", q.retry_backoff_ms, true);
            if q.max_attempts.is_some_and(|a| a == 0 || a > 100) {
                errs.bad(loc, "max_attempts", "must be between 1 and 100");
            }
            def.behavior = Behavior::Queue(QueueCfg {
                capacity: q.capacity,
                visibility_ns: opt_ms(q.visibility_timeout_ms),
                max_attempts: q.max_attempts.unwrap_or(3),
                backoff_ns: ms_to_nanos(q.retry_backoff_ms.unwrap_or(100.0)),
                max_message_bytes: q.max_message_bytes,
            });
        }
    }
    (errs.0.len() == before).then_some(def)
}

fn policy_from_v1(p: v1::EvictionPolicy) -> crate::cache::Policy {
    use crate::cache::Policy;
    use v1::EvictionPolicy as E;
    match p {
        E::Fifo => Policy::Fifo,
        E::Lifo => Policy::Lifo,
        E::Lru => Policy::Lru,
        E::Mru => Policy::Mru,
        E::Lfu => Policy::Lfu,
        E::Random => Policy::Random,
        E::Clock => Policy::Clock,
        E::Sieve => Policy::Sieve,
        E::S3Fifo => Policy::S3Fifo,
        E::Arc => Policy::Arc,
        E::TinyLfu => Policy::TinyLfu,
    }
}

fn balance_cfg(
    strategy: v1::Strategy,
    balance_factor: Option<f64>,
    health: Option<&v1::HealthCheck>,
    outlier: Option<&v1::Outlier>,
    loc: &Location,
    errs: &mut Errors,
) -> BalanceCfg {
    let health = health.map(|h| {
        errs.ms(loc, "health_check.interval_ms", Some(h.interval_ms), false);
        errs.ms(loc, "health_check.timeout_ms", Some(h.timeout_ms), false);
        if h.interval_ms.is_finite() && h.interval_ms < 1.0 {
            errs.bad(
                loc,
                "health_check.interval_ms",
                "probing more often than every millisecond is not a health check",
            );
        }
        for (field, v) in [("health_check.rise", h.rise), ("health_check.fall", h.fall)] {
            if v == 0 || v > 1000 {
                errs.bad(loc, field, format!("must be between 1 and 1000, got {v}"));
            }
        }
        HealthCfg {
            interval_ns: ms_to_nanos(h.interval_ms),
            timeout_ns: ms_to_nanos(h.timeout_ms),
            rise: h.rise,
            fall: h.fall,
        }
    });
    let outlier = outlier.map(|o| {
        if o.consecutive_errors == 0 {
            errs.bad(loc, "outlier.consecutive_errors", "must be at least 1");
        }
        errs.ms(loc, "outlier.ejection_ms", Some(o.ejection_ms), false);
        OutlierCfg {
            consecutive_errors: o.consecutive_errors,
            ejection_ns: ms_to_nanos(o.ejection_ms),
        }
    });
    let factor = balance_factor.unwrap_or(Strategy::DEFAULT_BALANCE_FACTOR);
    if !(factor.is_finite() && (1.0..=100.0).contains(&factor)) {
        errs.bad(
            loc,
            "balance_factor",
            format!("must be between 1 and 100, got {factor}"),
        );
    }
    BalanceCfg {
        strategy: strategy.into(),
        balance_factor: factor,
        health,
        outlier,
    }
}

fn placeholder(n: &v1::Node) -> NodeDef {
    let kind = n.spec.kind();
    NodeDef {
        id: n.id.clone(),
        label: n.label.clone().unwrap_or_else(|| n.id.clone()),
        region: n.region.clone(),
        kind,
        behavior: Behavior::Station,
        service_time: Dist::ZERO,
        workers: None,
        queue_capacity: None,
        crash_at: None,
        index: None,
    }
}

/// Requests flow along edges; a cycle would let one bounce forever. Iterative DFS with colours.
fn check_cycles(t: &Topology, errs: &mut Errors) {
    let n = t.nodes.len();
    let mut colour = vec![0u8; n]; // 0 white, 1 on stack, 2 done
    for start in 0..n {
        if colour[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        colour[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&e) = t.out_edges[node].get(*next) {
                *next += 1;
                let to = t.edges[e as usize].to as usize;
                match colour[to] {
                    0 => {
                        colour[to] = 1;
                        stack.push((to, 0));
                    }
                    1 => {
                        let pos = stack.iter().position(|&(v, _)| v == to).unwrap_or(0);
                        let mut path: Vec<String> = stack[pos..].iter().map(|&(v, _)| t.nodes[v].id.clone()).collect();
                        path.push(t.nodes[to].id.clone());
                        errs.push(Location::Node(t.nodes[to].id.clone()), Problem::Cycle { path });
                        return;
                    }
                    _ => {}
                }
            } else {
                colour[node] = 2;
                stack.pop();
            }
        }
    }
}

fn check_routes(t: &Topology, errs: &mut Errors) {
    let mut any_client = false;
    for (i, node) in t.nodes.iter().enumerate() {
        let loc = Location::Node(node.id.clone());
        let outs: Vec<&EdgeDef> = t.out_edges[i].iter().map(|&e| &t.edges[e as usize]).collect();
        let non_dns = || outs.iter().filter(|e| t.nodes[e.to as usize].kind != NodeKind::Dns);
        match &node.behavior {
            Behavior::Client(c) => {
                any_client = true;
                for class in c.workload.mix.classes() {
                    if !non_dns().any(|e| e.admits(class)) {
                        errs.push(
                            loc.clone(),
                            Problem::MissingRoute {
                                what: format!("no edge carries its {} requests", class.name()),
                            },
                        );
                    }
                }
            }
            Behavior::Balancer(_) | Behavior::ShardRouter(_) | Behavior::Cache(_) => {
                let shards = || {
                    outs.iter()
                        .filter(|e| t.nodes[e.to as usize].kind != NodeKind::Directory)
                };
                let none = match node.behavior {
                    Behavior::ShardRouter(_) => shards().next().is_none(),
                    _ => outs.is_empty(),
                };
                let aside = matches!(&node.behavior, Behavior::Cache(c) if c.read == v1::ReadPolicy::CacheAside);
                if none && !aside {
                    let what = match node.behavior {
                        Behavior::Cache(_) => "a cache needs an origin behind it for misses",
                        Behavior::ShardRouter(_) => "a shard router needs at least one shard",
                        _ => "it has no backends to forward to",
                    };
                    errs.push(loc, Problem::MissingRoute { what: what.to_string() });
                }
            }
            Behavior::Queue(_) => {
                if outs.is_empty() {
                    errs.push(
                        loc,
                        Problem::MissingRoute {
                            what: "a queue needs a worker pool to drain it".into(),
                        },
                    );
                } else if let Some(e) = outs
                    .iter()
                    .find(|e| t.nodes[e.to as usize].kind != NodeKind::WorkerPool)
                {
                    errs.push(
                        loc,
                        Problem::MissingRoute {
                            what: format!("a queue feeds worker pools only, not \"{}\"", t.nodes[e.to as usize].id),
                        },
                    );
                }
            }
            Behavior::Station => {}
        }
    }
    if !any_client && errs.0.is_empty() {
        errs.push(Location::Scenario, Problem::NoClient);
    }
}

fn check_faults(s: &v1::Scenario, t: &Topology, errs: &mut Errors) {
    for (i, f) in s.faults.iter().enumerate() {
        let loc = Location::Fault(i);
        errs.ms(&loc, "at_ms", Some(f.at_ms()), true);
        let node = |id: &String, errs: &mut Errors| {
            let ix = t.node_ix(id);
            if ix.is_none() {
                errs.push(loc.clone(), Problem::UnknownNode { id: truncate(id) });
            }
            ix
        };
        match f {
            v1::Fault::Crash { node: id, .. } | v1::Fault::Recover { node: id, .. } => {
                node(id, errs);
            }
            v1::Fault::SetRate { node: id, rate_rps, .. } => {
                if let Some(ix) = node(id, errs) {
                    if t.node(ix).kind != NodeKind::Client {
                        errs.bad(
                            &loc,
                            "node",
                            format!("set_rate needs a client, \"{id}\" is a {}", t.node(ix).kind),
                        );
                    }
                }
                errs.rate(&loc, "rate_rps", *rate_rps);
            }
            v1::Fault::SetLatency { from, to, latency, .. } => {
                if let (Some(a), Some(b)) = (node(from, errs), node(to, errs)) {
                    if t.edge_ix(a, b).is_none() {
                        errs.push(loc.clone(), Problem::UnknownEdge);
                    }
                }
                errs.dist(&loc, "latency", &dist_from_v1(latency));
            }
            v1::Fault::AddShard { router, shard, .. } | v1::Fault::RemoveShard { router, shard, .. } => {
                if let (Some(r), Some(sh)) = (node(router, errs), node(shard, errs)) {
                    if !matches!(t.node(r).behavior, Behavior::ShardRouter(_)) {
                        errs.bad(
                            &loc,
                            "router",
                            format!("\"{router}\" is a {}, not a shard router", t.node(r).kind),
                        );
                    } else if t.edge_ix(r, sh).is_none() || t.node(sh).kind == NodeKind::Directory {
                        errs.bad(
                            &loc,
                            "shard",
                            format!("\"{shard}\" is not a shard of \"{router}\" (no edge to it)"),
                        );
                    }
                }
            }
            v1::Fault::SetLoss { from, to, loss, .. } => {
                if let (Some(a), Some(b)) = (node(from, errs), node(to, errs)) {
                    if t.edge_ix(a, b).is_none() {
                        errs.push(loc.clone(), Problem::UnknownEdge);
                    }
                }
                if !loss_ok(*loss) {
                    errs.bad(
                        &loc,
                        "loss",
                        format!("must be a probability between 0 and 1, got {loss}"),
                    );
                }
            }
            v1::Fault::Partition { groups, .. } => {
                let mut seen = BTreeSet::new();
                if groups.len() < MIN_PARTITION_GROUPS {
                    errs.bad(&loc, "groups", "a partition needs at least two groups");
                }
                for id in groups.iter().flatten() {
                    if let Some(ix) = node(id, errs) {
                        if !seen.insert(ix) {
                            errs.bad(
                                &loc,
                                "groups",
                                format!("\"{}\" is in more than one group", truncate(id)),
                            );
                        }
                    }
                }
            }
            v1::Fault::Heal { .. } => {}
        }
    }
}

fn index_cfg(ix: &v1::IndexSpec, loc: &Location, errs: &mut Errors) -> IndexCfg {
    if ix.table_rows == 0 || ix.table_rows > MAX_KEYS {
        errs.bad(
            loc,
            "index.table_rows",
            format!("must be between 1 and {MAX_KEYS}, got {}", ix.table_rows),
        );
    }
    if ix.indexes > 64 {
        errs.bad(loc, "index.indexes", format!("at most 64, got {}", ix.indexes));
    }
    errs.ms(loc, "index.seek_ms", ix.seek_ms, true);
    errs.ms(loc, "index.scan_ms_per_row", ix.scan_ms_per_row, true);
    IndexCfg {
        table_rows: ix.table_rows,
        indexed: ix.indexed,
        indexes: ix.indexes,
        seek_ns: ix.seek_ms.unwrap_or(0.01) * 1e6,
        scan_ns_per_row: ix.scan_ms_per_row.unwrap_or(0.0001) * 1e6,
    }
}

fn shard_cfg(r: &v1::ShardRouterSpec, loc: &Location, errs: &mut Errors) -> ShardCfg {
    use crate::partition::Scheme;
    use v1::ShardScheme as S;
    let mode = match r.scheme {
        S::HashMod => ShardMode::Horizontal(Scheme::ModN),
        S::Range => ShardMode::Horizontal(Scheme::Range),
        S::Consistent => ShardMode::Horizontal(Scheme::Consistent),
        S::List => ShardMode::Horizontal(Scheme::List),
        S::RoundRobin => ShardMode::Horizontal(Scheme::RoundRobin),
        S::Composite => ShardMode::Horizontal(Scheme::Composite),
        S::Directory => ShardMode::Horizontal(Scheme::Directory),
        S::Vertical => ShardMode::Vertical,
    };
    if r.split_points.is_some() && r.scheme != S::Range {
        errs.bad(loc, "split_points", "only the range scheme has split points");
    }
    if r.vnodes.is_some_and(|v| v == 0 || v > 10_000) {
        errs.bad(loc, "vnodes", "must be between 1 and 10000");
    }
    if r.directory_cache.is_some() && r.scheme != S::Directory {
        errs.bad(loc, "directory_cache", "only the directory scheme asks a directory");
    }
    let cache = r.directory_cache.as_ref().map(|c| {
        if c.capacity == 0 || c.capacity > MAX_CACHE_CAPACITY {
            errs.bad(
                loc,
                "directory_cache.capacity",
                format!("must be between 1 and {MAX_CACHE_CAPACITY} keys, got {}", c.capacity),
            );
        }
        errs.ms(loc, "directory_cache.ttl_ms", c.ttl_ms, false);
        (c.capacity, opt_ms(c.ttl_ms))
    });
    if r.fanout_shards == Some(0) {
        errs.bad(loc, "fanout_shards", "a cross-shard query visits at least one shard");
    }
    if let Some(rate) = r.migration_keys_per_s {
        errs.rate(loc, "migration_keys_per_s", rate);
        if rate.is_finite() && rate > 0.0 && rate < 0.01 {
            errs.bad(
                loc,
                "migration_keys_per_s",
                format!("at least 0.01 keys per second, got {rate}"),
            );
        }
    }
    let rate = r
        .migration_keys_per_s
        .filter(|r| r.is_finite() && *r > 0.0)
        .unwrap_or(1000.0);
    ShardCfg {
        mode,
        split_points: r.split_points.clone(),
        regions: r.regions,
        vnodes: r.vnodes.unwrap_or(160),
        cache,
        fanout_classes: r.fanout_classes.iter().fold(0u8, |acc, c| acc | Class::from(*c).bit()),
        fanout_shards: r.fanout_shards,
        value_bytes: r.value_bytes.unwrap_or(1024),
        migration_gap_ns: (1e9 / rate).max(1.0) as u64,
    }
}

/// The shards a router starts with: its out-edges to non-directory nodes, less those a fault adds later.
pub(crate) fn initial_shards(s: &v1::Scenario, t: &Topology, router: NodeIx) -> Vec<EdgeIx> {
    let added: BTreeSet<NodeIx> = s
        .faults
        .iter()
        .filter_map(|f| match f {
            v1::Fault::AddShard { router: r, shard, .. } if t.node_ix(r) == Some(router) => t.node_ix(shard),
            _ => None,
        })
        .collect();
    t.out_edges[router as usize]
        .iter()
        .copied()
        .filter(|&e| {
            let to = t.edges[e as usize].to;
            t.nodes[to as usize].kind != NodeKind::Directory && !added.contains(&to)
        })
        .collect()
}

/// Each shard router's placement must build over the shards it starts with.
fn check_shards(s: &v1::Scenario, t: &Topology, errs: &mut Errors) {
    for (i, node) in t.nodes.iter().enumerate() {
        let Behavior::ShardRouter(cfg) = &node.behavior else {
            continue;
        };
        let loc = Location::Node(node.id.clone());
        let n = initial_shards(s, t, i as NodeIx).len() as u32;
        if n == 0 {
            errs.bad(
                &loc,
                "shards",
                "every shard is added by a fault later: it needs one to start with",
            );
            continue;
        }
        if let Some(p) = &cfg.split_points {
            if p.len() + 1 != n as usize {
                errs.bad(
                    &loc,
                    "split_points",
                    format!(
                        "{} split points make {} ranges, but it starts with {n} shards",
                        p.len(),
                        p.len() + 1
                    ),
                );
                continue;
            }
        }
        if let Some(Err(e)) = cfg.partitioner(n) {
            let field = match e {
                crate::partition::PartitionError::BadSplitPoints { .. } => "split_points",
                _ => "scheme",
            };
            errs.bad(&loc, field, e.to_string());
        }
    }
}
