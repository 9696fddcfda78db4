//! Property tests of share links: `decode(encode(s)) == s` for generated valid scenarios of every node kind,
//! with edges, faults, workloads (some with database `ops`), database engines of every profile, seeds, views
//! and arbitrary Unicode text; a link is only URL-safe characters;
//! and a damaged link is an error of the right family, never a panic.
//!
//! Floating-point values are drawn as small decimals (`k / 1000`, `k / 8`): JSON carries them exactly.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::Strategy;
use switchyard_core::dbengine::{DocJoins, EngineSpec, JoinStrategy, Profile, WhenFull};
use switchyard_core::scenario::v1::Strategy as Balance;
use switchyard_core::scenario::v1::*;
use switchyard_core::share::{self, LinkError};
use switchyard_core::topology::Topology;

/// `k / 1000` for `k` in the range: exact through a JSON round trip.
fn milli(lo: u32, hi: u32) -> impl Strategy<Value = f64> {
    (lo..=hi).prop_map(|k| f64::from(k) / 1000.0)
}
fn ms_pos() -> impl Strategy<Value = f64> {
    milli(1, 10_000_000)
}
fn ms_nonneg() -> impl Strategy<Value = f64> {
    milli(0, 10_000_000)
}
fn fraction() -> impl Strategy<Value = f64> {
    milli(1, 1000)
}
fn probability() -> impl Strategy<Value = f64> {
    milli(0, 1000)
}
fn rate() -> impl Strategy<Value = f64> {
    milli(1, 100_000_000)
}
fn coord() -> impl Strategy<Value = f64> {
    (-80_000i32..=80_000).prop_map(|k| f64::from(k) / 8.0)
}
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>(), 0..=max).prop_map(|c| c.into_iter().collect())
}

fn dist() -> impl Strategy<Value = Dist> {
    prop_oneof![
        ms_nonneg().prop_map(|ms| Dist::Constant { ms }),
        ms_pos().prop_map(|mean_ms| Dist::Exponential { mean_ms }),
        (ms_nonneg(), ms_nonneg()).prop_map(|(a, b)| Dist::Uniform {
            min_ms: a.min(b),
            max_ms: a.max(b)
        }),
        (ms_pos(), milli(0, 3000)).prop_map(|(median_ms, sigma)| Dist::LogNormal { median_ms, sigma }),
        // Pareto alpha from limits::MIN_PARETO_ALPHA (0.1).
        (ms_pos(), milli(100, 5000)).prop_map(|(min_ms, alpha)| Dist::Pareto { min_ms, alpha }),
    ]
}

fn arrival() -> impl Strategy<Value = Arrival> {
    prop_oneof![
        rate().prop_map(|rate_rps| Arrival::Constant { rate_rps }),
        rate().prop_map(|rate_rps| Arrival::Poisson { rate_rps }),
        (rate(), ms_pos(), ms_nonneg()).prop_map(|(rate_rps, on_ms, off_ms)| Arrival::OnOff {
            rate_rps,
            on_ms,
            off_ms
        }),
        (rate(), rate(), ms_nonneg(), ms_pos()).prop_map(|(base_rps, spike_rps, at_ms, duration_ms)| {
            Arrival::Spike {
                base_rps,
                spike_rps,
                at_ms,
                duration_ms,
            }
        }),
        (milli(0, 1_000_000), rate(), ms_pos()).prop_map(|(from_rps, to_rps, over_ms)| Arrival::Ramp {
            from_rps,
            to_rps,
            over_ms
        }),
    ]
}

fn keys() -> impl Strategy<Value = Keys> {
    let count = 1u64..=1_000_000;
    prop_oneof![
        count.clone().prop_map(|count| Keys::Uniform { count }),
        (count.clone(), milli(1, 10_000)).prop_map(|(count, alpha)| Keys::Zipf { count, alpha }),
        (count, fraction(), fraction()).prop_map(|(count, hot_keys, hot_traffic)| Keys::Hotspot {
            count,
            hot_keys,
            hot_traffic
        }),
        Just(Keys::Sequential),
    ]
}

/// One entry of a workload's `ops`: sizes only for an operation they mean something to, within their bounds,
/// and a traversal visiting at most 10^8 vertices (Σ degree^i, the absent sizes at their defaults 2 and 10).
fn op_entry() -> impl Strategy<Value = OpEntry> {
    let kind = select(vec![
        OpKind::Get,
        OpKind::Put,
        OpKind::Scan,
        OpKind::Join,
        OpKind::Txn,
        OpKind::Traverse,
        OpKind::IndexLookup,
        OpKind::Aggregate,
    ]);
    (
        kind,
        proptest::option::of(milli(1, 100_000_000)),
        proptest::option::of(1u32..=10_000_000),
        proptest::option::of(2u32..=16),
        proptest::option::of(1u32..=6),
        proptest::option::of(1u32..=1000),
    )
        .prop_map(|(op, weight, rows, tables, depth, degree)| {
            let rows_mean = matches!(op, OpKind::Scan | OpKind::Aggregate | OpKind::Join | OpKind::Txn);
            let traverse = op == OpKind::Traverse;
            let (d, g) = (depth.unwrap_or(2), f64::from(degree.unwrap_or(10)));
            let visited: f64 = (1..=d).map(|i| g.powi(i as i32)).sum();
            OpEntry {
                op,
                weight,
                rows: rows.filter(|_| rows_mean),
                tables: tables.filter(|_| op == OpKind::Join),
                depth: depth.filter(|_| traverse),
                degree: degree.filter(|_| traverse && visited <= 1e8),
            }
        })
}

/// A workload with a class mix, or (sometimes) with `ops`, which replace the mix (left at its default).
fn workload() -> impl Strategy<Value = Workload> {
    (
        arrival(),
        keys(),
        [probability(), probability(), probability(), probability()],
        proptest::option::weighted(0.3, proptest::collection::vec(op_entry(), 1..=16)),
    )
        .prop_map(|(arrival, keys, [s, r, w, b], ops)| {
            let mut mix = Mix {
                static_asset: s,
                api_read: r,
                api_write: w,
                background_job: b,
            };
            if s + r + w + b == 0.0 {
                mix.api_read = 1.0;
            }
            if ops.is_some() {
                mix = Mix::default();
            }
            Workload {
                arrival,
                keys,
                mix,
                message_bytes: None,
                message_bytes_by_class: Default::default(),
                ops: ops.unwrap_or_default(),
            }
        })
}

fn strategy() -> impl Strategy<Value = Balance> {
    select(vec![
        Balance::RoundRobin,
        Balance::WeightedRoundRobin,
        Balance::Random,
        Balance::WeightedRandom,
        Balance::LeastConnections,
        Balance::WeightedLeastConnections,
        Balance::LeastResponseTime,
        Balance::PowerOfTwo,
        Balance::SourceHash,
        Balance::KeyHash,
        Balance::Geographic,
        Balance::Sticky,
        Balance::Failover,
        Balance::ConsistentHash,
        Balance::BoundedConsistentHash,
    ])
}

fn health_check() -> impl Strategy<Value = HealthCheck> {
    (milli(1000, 60_000_000), ms_pos(), 1u32..=1000, 1u32..=1000).prop_map(|(interval_ms, timeout_ms, rise, fall)| {
        HealthCheck {
            interval_ms,
            timeout_ms,
            rise,
            fall,
        }
    })
}

fn client() -> impl Strategy<Value = NodeSpec> {
    let budget = (probability(), 0u32..=1000).prop_map(|(ratio, burst)| RetryBudgetSpec { ratio, burst });
    let retry = (
        0u32..=100,
        ms_nonneg(),
        ms_nonneg(),
        select(vec![Jitter::None, Jitter::Full, Jitter::Equal]),
        proptest::option::of(budget),
    )
        .prop_map(
            |(max_retries, backoff_base_ms, backoff_max_ms, jitter, budget)| RetryPolicy {
                max_retries,
                backoff_base_ms,
                backoff_max_ms,
                jitter,
                budget,
            },
        );
    // Propagation needs a deadline; without one it may still be written as false.
    let deadline = proptest::option::of(ms_pos()).prop_flat_map(|d| {
        let prop = if d.is_some() {
            proptest::option::of(any::<bool>()).boxed()
        } else {
            proptest::option::of(Just(false)).boxed()
        };
        (Just(d), prop)
    });
    (
        proptest::option::of(workload()),
        proptest::option::of(ms_pos()),
        proptest::option::of(retry),
        proptest::option::of(ms_nonneg()),
        proptest::option::of(strategy()),
        proptest::option::of(health_check()),
        deadline,
        // At most three clients: their users stay under the scenario's bound together.
        proptest::option::of((1u32..=300_000).prop_map(|users| ClientSessionsSpec { users })),
    )
        .prop_map(
            |(
                workload,
                timeout_ms,
                retry,
                dns_ttl_ms,
                strategy,
                health_check,
                (deadline_ms, deadline_propagation),
                sessions,
            )| {
                NodeSpec::Client(ClientSpec {
                    workload,
                    timeout_ms,
                    retry,
                    dns_ttl_ms,
                    strategy,
                    health_check,
                    deadline_ms,
                    deadline_propagation,
                    sessions,
                })
            },
        )
}

fn rate_limit() -> impl Strategy<Value = RateLimitSpec> {
    prop_oneof![
        (milli(1, 1_000_000), 1u32..=10_000).prop_map(|(rate_rps, burst)| RateLimitSpec {
            rate_rps,
            algorithm: LimitAlgorithm::TokenBucket,
            burst,
            window_ms: 1_000.0,
        }),
        // Whole requests per one-second window.
        (1u32..=1_000_000).prop_map(|per_window| RateLimitSpec {
            rate_rps: f64::from(per_window),
            algorithm: LimitAlgorithm::SlidingWindow,
            burst: 10,
            window_ms: 1_000.0,
        }),
    ]
}

fn station() -> impl Strategy<Value = StationSpec> {
    let shed = (
        milli(1, 1_000_000),
        milli(1, 1_000_000),
        any::<bool>(),
        proptest::option::of(1u32..=1_000_000),
    )
        .prop_map(|(a, b, lifo, max_queue)| ShedSpec {
            target_ms: a.min(b),
            interval_ms: a.max(b),
            lifo,
            max_queue,
        });
    (
        1u32..=100_000,
        proptest::option::of(0u32..=10_000_000),
        dist(),
        proptest::option::of(ms_nonneg()),
        proptest::option::of(probability()),
        proptest::option::of(rate_limit()),
        proptest::option::of(shed),
        elastic(),
    )
        .prop_map(
            |(workers, queue_capacity, service_time, crash_at_ms, error_rate, rate_limit, shed, elastic)| {
                let (instance_size, hourly_usd, group) = elastic;
                StationSpec {
                    workers,
                    queue_capacity,
                    service_time,
                    crash_at_ms,
                    index: None,
                    engine: None,
                    error_rate,
                    rate_limit,
                    shed,
                    instance_size,
                    hourly_usd,
                    replace: None,
                    group,
                    sessions: None,
                }
            },
        )
}

/// A service: a station that may keep sessions (in memory or tokens; a shared store needs an edge to it,
/// which the scenario's generator does not know to add).
fn service() -> impl Strategy<Value = StationSpec> {
    let sessions = prop_oneof![
        Just(SessionStoreSpec {
            store: SessionStore::Memory,
            store_node: None,
            verify_ms: None,
        }),
        proptest::option::of(ms_nonneg()).prop_map(|verify_ms| SessionStoreSpec {
            store: SessionStore::Token,
            store_node: None,
            verify_ms,
        }),
    ];
    (station(), proptest::option::of(sessions)).prop_map(|(s, sessions)| StationSpec { sessions, ..s })
}

/// The station without what only a service may have.
fn not_elastic(s: StationSpec) -> StationSpec {
    StationSpec {
        instance_size: None,
        hourly_usd: None,
        replace: None,
        group: None,
        ..s
    }
}

/// A service's size, price and autoscaling group.
fn elastic() -> impl Strategy<Value = (Option<InstanceSize>, Option<f64>, Option<GroupSpec>)> {
    let size = prop_oneof![
        Just(InstanceSize::Large),
        Just(InstanceSize::Xlarge),
        Just(InstanceSize::X2large),
        Just(InstanceSize::X4large),
        Just(InstanceSize::X8large),
    ];
    let group = (
        0u32..=5,
        5u32..=100,
        prop_oneof![
            Just(ScalingPolicy::TargetTracking),
            Just(ScalingPolicy::Step),
            Just(ScalingPolicy::Scheduled)
        ],
        prop_oneof![
            Just(ScalingMetric::Utilization),
            Just(ScalingMetric::QueueDepth),
            Just(ScalingMetric::RequestsPerInstance)
        ],
        probability(),
        ms_pos(),
        ms_nonneg(),
        prop_oneof![Just(GroupRouting::RoundRobin), Just(GroupRouting::LeastOutstanding)],
    )
        .prop_map(
            |(min, max, policy, metric, target, window_ms, boot_ms, routing)| GroupSpec {
                min,
                max,
                desired: Some(min),
                policy,
                metric,
                target,
                scale_out_above: (policy == ScalingPolicy::Step).then_some(0.8),
                scale_in_below: (policy == ScalingPolicy::Step).then_some(0.2),
                step_add: 1,
                step_remove: 1,
                window_ms,
                scale_out_cooldown_ms: 60_000.0,
                scale_in_cooldown_ms: 300_000.0,
                boot_ms,
                registration_ms: 10_000.0,
                warmup_ms: 60_000.0,
                warmup_speed: 0.5,
                drain_ms: 30_000.0,
                health_check_ms: 10_000.0,
                unhealthy_after: 3,
                routing,
            },
        );
    (
        proptest::option::of(size),
        proptest::option::of((0u32..100_000).prop_map(|c| f64::from(c) / 1000.0)),
        proptest::option::of(group),
    )
}

fn balancer() -> impl Strategy<Value = BalancerSpec> {
    let outlier = (1u32..=100, ms_pos()).prop_map(|(consecutive_errors, ejection_ms)| Outlier {
        consecutive_errors,
        ejection_ms,
    });
    (
        strategy(),
        proptest::option::of(health_check()),
        proptest::option::of(outlier),
        proptest::option::of(milli(1000, 100_000)),
        dist(),
        proptest::option::of(1u32..=100_000),
        proptest::option::of(ms_nonneg()),
    )
        .prop_map(
            |(strategy, health_check, outlier, balance_factor, service_time, max_connections, crash_at_ms)| {
                BalancerSpec {
                    strategy,
                    health_check,
                    outlier,
                    balance_factor,
                    service_time,
                    max_connections,
                    crash_at_ms,
                }
            },
        )
}

fn cache() -> impl Strategy<Value = CacheSpec> {
    let policy = select(vec![
        EvictionPolicy::Fifo,
        EvictionPolicy::Lifo,
        EvictionPolicy::Lru,
        EvictionPolicy::Mru,
        EvictionPolicy::Lfu,
        EvictionPolicy::Random,
        EvictionPolicy::Clock,
        EvictionPolicy::Sieve,
        EvictionPolicy::S3Fifo,
        EvictionPolicy::Arc,
        EvictionPolicy::TinyLfu,
    ]);
    (
        // Up to 14 caches stay within limits::MAX_TOTAL_CACHE_CAPACITY together.
        1u64..=30_000,
        policy,
        proptest::option::of(ms_pos()),
        dist(),
        proptest::option::of(1u32..=100_000),
        proptest::option::of(ms_nonneg()),
    )
        .prop_map(
            |(capacity, policy, ttl_ms, service_time, max_connections, crash_at_ms)| CacheSpec {
                capacity,
                policy,
                ttl_ms,
                service_time,
                max_connections,
                crash_at_ms,
                read: None,
                write: None,
                invalidate: None,
                coalesce: None,
                flush_ms: None,
                object_bytes: None,
            },
        )
}

fn queue() -> impl Strategy<Value = QueueSpec> {
    (
        proptest::option::of(1u64..=1_000_000),
        dist(),
        proptest::option::of(ms_nonneg()),
        proptest::option::of(ms_pos()),
        proptest::option::of(1u32..=100),
        proptest::option::of(ms_nonneg()),
    )
        .prop_map(
            |(capacity, service_time, crash_at_ms, visibility_timeout_ms, max_attempts, retry_backoff_ms)| QueueSpec {
                capacity,
                service_time,
                crash_at_ms,
                visibility_timeout_ms,
                max_attempts,
                retry_backoff_ms,
                max_message_bytes: None,
            },
        )
}

/// A database's storage engine: a random profile with any of its own settings, in range (a key-value memory
/// only when it holds between 1 and 400,000 keys), and none of another profile's.
fn engine_spec() -> impl Strategy<Value = EngineSpec> {
    use Profile::*;
    let profile = select(vec![Relational, KeyValue, Document, WideColumn, Graph]);
    let ms = || proptest::option::of(ms_nonneg());
    let btree = (
        proptest::option::of(1u64..=1_000_000_000_000),
        proptest::option::of(0u32..=64),
        proptest::option::of(any::<bool>()),
        ms(),
        proptest::option::of(2u32..=100_000),
        ms(),
        ms(),
        proptest::option::of(select(vec![JoinStrategy::NestedLoop, JoinStrategy::Hash])),
        proptest::option::of(ms_pos()),
    );
    let kv = (
        ms(),
        proptest::option::of((1u32..=800).prop_map(|k| f64::from(k) / 8.0)),
        proptest::option::of(1u32..=1_000_000),
        proptest::option::of(0u32..=1_000_000),
        proptest::option::of(select(vec![WhenFull::Evict, WhenFull::Refuse])),
    );
    let doc = (
        proptest::option::of(select(vec![DocJoins::RoundTrips, DocJoins::Denormalized])),
        ms(),
        proptest::option::of(0u32..=10_000),
    );
    let lsm = (
        ms(),
        ms(),
        ms(),
        proptest::option::of(1u32..=100_000_000),
        proptest::option::of(2u32..=1000),
        ms(),
        proptest::option::of(milli(0, 999)),
        ms(),
    );
    (profile, btree, kv, doc, lsm).prop_map(|(profile, btree, kv, doc, lsm)| {
        let (rows, indexes, indexed_lookups, page_ms, fanout, row_ms, commit_ms, join, lock_timeout_ms) = btree;
        let (op_ms, memory_mb, value_bytes, entry_overhead_bytes, when_full) = kv;
        let (joins, round_trip_ms, copies) = doc;
        let (
            write_ms,
            read_ms,
            run_ms,
            memtable_rows,
            compaction_threshold,
            compact_ms_per_row,
            compaction_share,
            hop_ms,
        ) = lsm;
        // Which profiles each setting applies to (the design's list).
        let on = |to: &[Profile]| to.contains(&profile);
        let btree_store = on(&[Relational, Document, Graph]);
        let (kv, doc, wide) = (on(&[KeyValue]), on(&[Document]), on(&[WideColumn]));
        let keys_held = |mb: f64| {
            let per_key = f64::from(value_bytes.unwrap_or(1024)) + f64::from(entry_overhead_bytes.unwrap_or(64));
            (mb * 1_048_576.0 / per_key) as u64
        };
        EngineSpec {
            profile,
            rows,
            indexes: indexes.filter(|_| btree_store),
            indexed_lookups: indexed_lookups.filter(|_| btree_store),
            page_ms: page_ms.filter(|_| btree_store),
            fanout: fanout.filter(|_| btree_store),
            row_ms: row_ms.filter(|_| btree_store || wide),
            commit_ms: commit_ms.filter(|_| btree_store),
            join: join.filter(|_| on(&[Relational])),
            lock_timeout_ms: lock_timeout_ms.filter(|_| btree_store),
            op_ms: op_ms.filter(|_| kv),
            memory_mb: memory_mb.filter(|&mb| kv && (1..=400_000).contains(&keys_held(mb))),
            value_bytes: value_bytes.filter(|_| kv),
            entry_overhead_bytes: entry_overhead_bytes.filter(|_| kv),
            when_full: when_full.filter(|_| kv),
            joins: joins.filter(|_| doc),
            round_trip_ms: round_trip_ms.filter(|_| doc),
            copies: copies.filter(|_| doc),
            write_ms: write_ms.filter(|_| wide),
            read_ms: read_ms.filter(|_| wide),
            run_ms: run_ms.filter(|_| wide),
            memtable_rows: memtable_rows.filter(|_| wide),
            compaction_threshold: compaction_threshold.filter(|_| wide),
            compact_ms_per_row: compact_ms_per_row.filter(|_| wide),
            compaction_share: compaction_share.filter(|_| wide),
            hop_ms: hop_ms.filter(|_| on(&[Graph])),
        }
    })
}

/// Any node kind but a client.
fn server() -> impl Strategy<Value = NodeSpec> {
    let router = (dist(), proptest::option::of(ms_nonneg())).prop_map(|(service_time, crash_at_ms)| {
        NodeSpec::ShardRouter(ShardRouterSpec {
            scheme: ShardScheme::HashMod,
            service_time,
            crash_at_ms,
            split_points: None,
            regions: None,
            vnodes: None,
            directory_cache: None,
            fanout_classes: Vec::new(),
            fanout_shards: None,
            value_bytes: None,
            migration_keys_per_s: None,
        })
    });
    prop_oneof![
        station().prop_map(|s| NodeSpec::Dns(not_elastic(s))),
        cache().prop_map(NodeSpec::Cdn),
        balancer().prop_map(NodeSpec::LoadBalancer),
        service().prop_map(NodeSpec::Service),
        cache().prop_map(NodeSpec::Cache),
        (station(), proptest::option::of(engine_spec())).prop_map(|(s, engine)| NodeSpec::Database(StationSpec {
            engine,
            ..not_elastic(s)
        })),
        router,
        station().prop_map(|s| NodeSpec::Directory(not_elastic(s))),
        queue().prop_map(NodeSpec::Queue),
        station().prop_map(|s| NodeSpec::WorkerPool(not_elastic(s))),
        balancer().prop_map(NodeSpec::Proxy),
    ]
}

/// Everything about an edge but its ends.
fn edge_attrs() -> impl Strategy<Value = (Dist, f64, Option<u32>, Option<Vec<RequestClass>>)> {
    let classes = proptest::sample::subsequence(
        vec![
            RequestClass::StaticAsset,
            RequestClass::ApiRead,
            RequestClass::ApiWrite,
            RequestClass::BackgroundJob,
        ],
        1..=4,
    );
    (
        dist(),
        probability(),
        proptest::option::of(1u32..=10_000),
        proptest::option::of(classes),
    )
}

fn edge(
    from: &str,
    to: &str,
    (latency, loss, weight, classes): (Dist, f64, Option<u32>, Option<Vec<RequestClass>>),
) -> Edge {
    Edge {
        from: from.to_string(),
        to: to.to_string(),
        latency,
        loss,
        weight,
        classes,
        // Call policies are only valid from services (the generator does not know the kinds here); the
        // presets carry them through the preset round trips.
        policy: None,
    }
}

/// A valid scenario: clients first, then servers of every kind, then a worker pool and a service that
/// every node which must forward can reach. Edges only go forward in that order (no cycles, none into a
/// client), every client has an unrestricted edge to the service, every queue feeds the worker pool.
fn scenario() -> impl Strategy<Value = Scenario> {
    let header = (
        text(60),
        text(200),
        any::<u64>(),
        proptest::option::of(ms_pos()),
        proptest::option::of(1u64..=1_000_000_000),
        workload(),
        proptest::option::of(milli(1000, 10_000_000)),
        proptest::option::of((milli(1, 100_000), coord(), coord())),
    );
    let nodes = (
        proptest::collection::vec(client(), 1..=3),
        proptest::collection::vec(server(), 0..=14),
    )
        .prop_flat_map(|(clients, servers)| {
            let n = clients.len() + servers.len() + 2;
            let named = proptest::collection::vec(
                (
                    text(12),
                    proptest::option::of(text(40)),
                    proptest::option::of(text(20)),
                    coord(),
                    coord(),
                ),
                n,
            );
            let required = proptest::collection::vec(edge_attrs(), n);
            let extra = proptest::collection::vec((any::<u16>(), any::<u16>(), edge_attrs()), 0..=30);
            (Just(clients), Just(servers), named, required, extra)
        });
    let faults = proptest::collection::vec(
        (0u8..5, any::<u16>(), ms_nonneg(), rate(), dist(), probability()),
        0..=6,
    );
    (header, nodes, faults).prop_map(|(header, (clients, servers, named, required, extra), faults)| {
        let (name, description, seed, duration_ms, requests, workload, bucket, view) = header;
        let c = clients.len();
        let mut specs = clients;
        specs.extend(servers);
        specs.push(NodeSpec::WorkerPool(StationSpec::default()));
        specs.push(NodeSpec::Service(StationSpec::default()));
        let n = specs.len();
        let (pool, sink) = (n - 2, n - 1);
        let nodes: Vec<Node> = specs
            .into_iter()
            .zip(named)
            .enumerate()
            .map(|(i, (spec, (suffix, label, region, x, y)))| Node {
                id: format!("{i}{suffix}"),
                label,
                region,
                x,
                y,
                spec,
            })
            .collect();
        let id = |i: usize| nodes[i].id.as_str();
        let is_queue = |i: usize| matches!(nodes[i].spec, NodeSpec::Queue(_));
        let mut pairs = std::collections::BTreeSet::new();
        let mut edges = Vec::new();
        for (i, attrs) in required.into_iter().enumerate() {
            let to = match nodes[i].spec {
                NodeSpec::Client(_) => sink,
                NodeSpec::Queue(_) => pool,
                NodeSpec::LoadBalancer(_)
                | NodeSpec::Proxy(_)
                | NodeSpec::ShardRouter(_)
                | NodeSpec::Cache(_)
                | NodeSpec::Cdn(_) => sink,
                _ => continue,
            };
            let mut e = edge(id(i), id(to), attrs);
            if i < c {
                e.classes = None;
            }
            pairs.insert((i, to));
            edges.push(e);
        }
        for (a, b, attrs) in extra {
            let (a, b) = (usize::from(a) % n, usize::from(b) % n);
            let (from, to) = (a.min(b), a.max(b));
            if from == to || to < c || (is_queue(from) && to != pool) || !pairs.insert((from, to)) {
                continue;
            }
            edges.push(edge(id(from), id(to), attrs));
        }
        let faults: Vec<Fault> = faults
            .into_iter()
            .map(|(kind, pick, at_ms, rate_rps, latency, loss)| {
                let node = id(usize::from(pick) % n).to_string();
                let e = &edges[usize::from(pick) % edges.len()];
                let (from, to) = (e.from.clone(), e.to.clone());
                match kind {
                    0 => Fault::Crash { at_ms, node },
                    1 => Fault::Recover { at_ms, node },
                    2 => Fault::SetRate {
                        at_ms,
                        node: id(usize::from(pick) % c).to_string(),
                        rate_rps,
                    },
                    3 => Fault::SetLatency {
                        at_ms,
                        from,
                        to,
                        latency,
                    },
                    _ => Fault::SetLoss { at_ms, from, to, loss },
                }
            })
            .collect();
        // A guided tour over the generated design (its steps from the fault timeline), so links carry tours too.
        let tour = (seed % 4 == 1).then(|| Tour {
            title: description.clone(),
            steps: faults
                .iter()
                .enumerate()
                .map(|(k, f)| TourStep {
                    title: format!("step {k}"),
                    text: format!("**{name}** at `{}` ms", f.at_ms()),
                    actions: vec![
                        TourAction::PlayTo { at_ms: f.at_ms() },
                        match f {
                            Fault::Crash { node, .. } => TourAction::Crash { node: node.clone() },
                            Fault::SetRate { node, rate_rps, .. } => TourAction::SetRate {
                                node: node.clone(),
                                rate_rps: *rate_rps,
                            },
                            Fault::SetLatency { from, to, .. } => TourAction::Focus {
                                nodes: vec![from.clone(), to.clone()],
                            },
                            _ => TourAction::Highlight {
                                metric: TourMetric::P99,
                            },
                        },
                        TourAction::Set {
                            node: None,
                            key: "seed".into(),
                            value: serde_json::json!(k),
                        },
                    ],
                    wait_ms: (k % 2 == 0).then_some(k as f64 * 100.0),
                })
                .collect(),
        });
        Scenario {
            version: VERSION,
            name,
            description,
            seed,
            duration_ms,
            requests,
            nodes,
            edges,
            workload,
            faults,
            metrics: bucket.map(|bucket_ms| MetricsConfig { bucket_ms }),
            view: view.map(|(zoom, pan_x, pan_y)| View {
                zoom,
                pan_x,
                pan_y,
                at_ms: None,
            }),
            realtime: None,
            clusters: Vec::new(),
            // A design that is an attempt at a challenge carries its id (any short text: the link keeps it).
            challenge: (seed % 3 == 0).then(|| format!("challenge-{}", seed % 7)),
            tour,
            // Some designs carry the back-of-envelope inputs they were sized from, fractions included.
            sizing: (seed % 4 == 1).then(|| switchyard_core::capacity::Sizing {
                daily_active_users: (seed % 1_000 + 1) as f64 * 1_000.0,
                requests_per_user: (seed % 97) as f64 / 4.0 + 0.5,
                reads_per_write: (seed % 13) as f64,
                object_bytes: (seed % 5_000) as f64,
                peak_factor: 1.0 + (seed % 10) as f64 / 3.0,
                retention_days: (seed % 2 == 0).then_some(30.0),
            }),
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn decode_inverts_encode(s in scenario()) {
        // The generator only makes valid scenarios; otherwise this would test validation, not the link.
        prop_assert!(Topology::build(&s).is_ok(), "{:?}", Topology::build(&s).err());
        let link = share::encode(&s);
        prop_assert!(link.starts_with("v1."));
        prop_assert!(link[3..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{}", link);
        prop_assert_eq!(share::decode(&link), Ok(s.clone()));
        prop_assert_eq!(share::decode(&format!("#s={link}")), Ok(s));
    }

    #[test]
    fn a_damaged_link_is_a_typed_error_or_still_a_valid_scenario(
        s in scenario(),
        at in any::<prop::sample::Index>(),
        with in any::<u8>(),
    ) {
        let mut link = share::encode(&s).into_bytes();
        let i = 3 + at.index(link.len() - 3);
        link[i] = with;
        let link = String::from_utf8_lossy(&link).into_owned();
        let url_safe = with.is_ascii_alphanumeric() || with == b'-' || with == b'_';
        match share::decode(&link) {
            Err(e) if !url_safe => prop_assert_eq!(e, LinkError::BadBase64),
            Err(_) => {}
            // A byte changed within the alphabet may land in a deflate literal and still make a scenario: then
            // it is a valid one that links again.
            Ok(d) => {
                prop_assert!(url_safe);
                prop_assert!(Topology::build(&d).is_ok());
                prop_assert_eq!(share::decode(&share::encode(&d)), Ok(d));
            }
        }
    }
}
