//! The presets shipped with Switchyard, embedded from `presets/*.json` so the CLI, the web app and the tests
//! all load the very same files.

/// A named preset: `(file stem, JSON text)`.
pub const ALL: &[(&str, &str)] = &[
    ("01-single-server", include_str!("../../presets/01-single-server.json")),
    ("02-web-db-split", include_str!("../../presets/02-web-db-split.json")),
    ("03-load-balancer", include_str!("../../presets/03-load-balancer.json")),
    ("04-cache", include_str!("../../presets/04-cache.json")),
    ("05-read-replicas", include_str!("../../presets/05-read-replicas.json")),
    ("06-shards", include_str!("../../presets/06-shards.json")),
    ("07-cdn", include_str!("../../presets/07-cdn.json")),
    ("08-queue-workers", include_str!("../../presets/08-queue-workers.json")),
    ("09-worker-down", include_str!("../../presets/09-worker-down.json")),
    (
        "10-spike-absorbed",
        include_str!("../../presets/10-spike-absorbed.json"),
    ),
    ("11-queue-limit", include_str!("../../presets/11-queue-limit.json")),
    ("12-partition-cp", include_str!("../../presets/12-partition-cp.json")),
    ("13-partition-ap", include_str!("../../presets/13-partition-ap.json")),
    ("14-failover", include_str!("../../presets/14-failover.json")),
    (
        "20-cache-node-fails",
        include_str!("../../presets/20-cache-node-fails.json"),
    ),
    (
        "21-cache-stampede",
        include_str!("../../presets/21-cache-stampede.json"),
    ),
    (
        "22-cache-write-policies",
        include_str!("../../presets/22-cache-write-policies.json"),
    ),
    (
        "23-cache-eviction-policies",
        include_str!("../../presets/23-cache-eviction-policies.json"),
    ),
    (
        "30-lb-slow-backend",
        include_str!("../../presets/30-lb-slow-backend.json"),
    ),
    (
        "31-web-server-fails",
        include_str!("../../presets/31-web-server-fails.json"),
    ),
    (
        "32-lb-single-point",
        include_str!("../../presets/32-lb-single-point.json"),
    ),
    (
        "33-lb-active-passive",
        include_str!("../../presets/33-lb-active-passive.json"),
    ),
    (
        "34-consistent-hash",
        include_str!("../../presets/34-consistent-hash.json"),
    ),
    ("35-microservices", include_str!("../../presets/35-microservices.json")),
    (
        "40-polling-vs-push",
        include_str!("../../presets/40-polling-vs-push.json"),
    ),
    ("50-hot-shard", include_str!("../../presets/50-hot-shard.json")),
    (
        "51-modn-vs-consistent",
        include_str!("../../presets/51-modn-vs-consistent.json"),
    ),
    ("52-range-vs-hash", include_str!("../../presets/52-range-vs-hash.json")),
    (
        "53-directory-spof",
        include_str!("../../presets/53-directory-spof.json"),
    ),
    ("95-firehose", include_str!("../../presets/95-firehose.json")),
    ("mm1", include_str!("../../presets/mm1.json")),
    ("mmc", include_str!("../../presets/mmc.json")),
];

/// The JSON of the preset with this file stem.
pub fn get(name: &str) -> Option<&'static str> {
    ALL.iter().find(|(n, _)| *n == name).map(|(_, j)| *j)
}
