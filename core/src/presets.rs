//! The presets shipped with Switchyard, embedded from `presets/*.json` so the CLI and the tests load the very
//! same files. The web app embeds only [`FIRST`] and [`NAMES`], and fetches the other files from the site's
//! `presets/` folder when the user opens one (they would cost the bundle about 10 KB gzip).

/// The preset a new visitor sees first: `(file stem, JSON text)`.
pub const FIRST: (&str, &str) = ("01-single-server", include_str!("../../presets/01-single-server.json"));

/// A named preset: `(file stem, JSON text)`.
pub const ALL: &[(&str, &str)] = &[
    FIRST,
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
    ("60-retry-storm", include_str!("../../presets/60-retry-storm.json")),
    (
        "61-retry-storm-budget",
        include_str!("../../presets/61-retry-storm-budget.json"),
    ),
    (
        "62-circuit-breaker",
        include_str!("../../presets/62-circuit-breaker.json"),
    ),
    ("63-rate-limiter", include_str!("../../presets/63-rate-limiter.json")),
    (
        "64-timeout-cascade",
        include_str!("../../presets/64-timeout-cascade.json"),
    ),
    (
        "65-retry-amplification",
        include_str!("../../presets/65-retry-amplification.json"),
    ),
    (
        "80-autoscale-ramp",
        include_str!("../../presets/80-autoscale-ramp.json"),
    ),
    (
        "81-autoscale-flapping",
        include_str!("../../presets/81-autoscale-flapping.json"),
    ),
    ("82-self-healing", include_str!("../../presets/82-self-healing.json")),
    (
        "83-scale-up-vs-out",
        include_str!("../../presets/83-scale-up-vs-out.json"),
    ),
    (
        "70-sessions-sticky",
        include_str!("../../presets/70-sessions-sticky.json"),
    ),
    (
        "71-sessions-shared-store",
        include_str!("../../presets/71-sessions-shared-store.json"),
    ),
    (
        "72-sessions-token",
        include_str!("../../presets/72-sessions-token.json"),
    ),
    ("90-db-orders", include_str!("../../presets/90-db-orders.json")),
    ("91-db-event-log", include_str!("../../presets/91-db-event-log.json")),
    ("92-db-friends", include_str!("../../presets/92-db-friends.json")),
    (
        "93-db-session-cache",
        include_str!("../../presets/93-db-session-cache.json"),
    ),
    ("94-db-hot-row", include_str!("../../presets/94-db-hot-row.json")),
    ("95-firehose", include_str!("../../presets/95-firehose.json")),
    (
        "100-url-shortener",
        include_str!("../../presets/100-url-shortener.json"),
    ),
    ("101-news-feed", include_str!("../../presets/101-news-feed.json")),
    (
        "102-chat-websockets",
        include_str!("../../presets/102-chat-websockets.json"),
    ),
    (
        "103-video-streaming-cdn",
        include_str!("../../presets/103-video-streaming-cdn.json"),
    ),
    (
        "104-ride-hailing-geo-shards",
        include_str!("../../presets/104-ride-hailing-geo-shards.json"),
    ),
    (
        "105-checkout-queue-payments",
        include_str!("../../presets/105-checkout-queue-payments.json"),
    ),
    (
        "106-rate-limited-api",
        include_str!("../../presets/106-rate-limited-api.json"),
    ),
    ("107-web-crawler", include_str!("../../presets/107-web-crawler.json")),
    ("mm1", include_str!("../../presets/mm1.json")),
    ("mmc", include_str!("../../presets/mmc.json")),
];

/// Each preset's file stem and name (its `name` field), in the order of [`ALL`]: what the web app's gallery
/// lists before it has fetched any of them. A test keeps it in line with the files.
pub const NAMES: &[(&str, &str)] = &[
    ("01-single-server", "1. A single server"),
    ("02-web-db-split", "2. Web tier and data tier split"),
    ("03-load-balancer", "3. A load balancer and three app servers"),
    ("04-cache", "4. A cache in front of the database"),
    ("05-read-replicas", "5. Read replicas"),
    ("06-shards", "6. Sharding the database"),
    ("07-cdn", "7. A CDN for static assets"),
    ("08-queue-workers", "8. A queue with workers"),
    ("09-worker-down", "Workers down"),
    ("10-spike-absorbed", "Traffic spike absorbed"),
    ("11-queue-limit", "Queue limit hit"),
    ("12-partition-cp", "12. Partition: a CP quorum database"),
    ("13-partition-ap", "13. Partition: an AP database"),
    ("14-failover", "14. Primary/replica failover"),
    ("20-cache-node-fails", "20. A cache node fails"),
    ("21-cache-stampede", "21. Cache stampede, with and without coalescing"),
    ("22-cache-write-policies", "22. Cache write policies"),
    ("23-cache-eviction-policies", "23. Cache eviction policies"),
    (
        "30-lb-slow-backend",
        "30. One slow server: round robin vs least response time vs power of two",
    ),
    ("31-web-server-fails", "31. A web server fails (health checks)"),
    (
        "32-lb-single-point",
        "32. The load balancer is a single point of failure",
    ),
    ("33-lb-active-passive", "33. An active/passive load balancer pair"),
    ("34-consistent-hash", "34. Consistent hashing keeps caches warm"),
    ("35-microservices", "35. Microservices behind an API gateway"),
    ("40-polling-vs-push", "Real-time: polling vs push"),
    ("50-hot-shard", "50. A hot shard"),
    (
        "51-modn-vs-consistent",
        "51. Mod-N vs consistent hashing: adding a shard",
    ),
    ("52-range-vs-hash", "52. Range vs hash under sequential keys"),
    ("53-directory-spof", "53. Directory: a single point of failure"),
    (
        "60-retry-storm",
        "60. A retry storm that outlives its trigger (metastable failure)",
    ),
    ("61-retry-storm-budget", "61. The same storm, with a retry budget"),
    (
        "62-circuit-breaker",
        "62. A circuit breaker fails fast instead of piling up",
    ),
    (
        "63-rate-limiter",
        "63. A rate limiter in front of a service under a spike",
    ),
    (
        "64-timeout-cascade",
        "64. A timeout cascade: inner timeouts longer than outer ones",
    ),
    ("65-retry-amplification", "65. Retry amplification across three layers"),
    ("80-autoscale-ramp", "80. Autoscaling: a daily ramp"),
    ("81-autoscale-flapping", "81. Autoscaling that flaps"),
    ("82-self-healing", "82. A crashed instance healed by replacement"),
    ("83-scale-up-vs-out", "83. Scale up or scale out, at the same price"),
    ("70-sessions-sticky", "70. Sessions in server memory, sticky routing"),
    ("71-sessions-shared-store", "71. Sessions in a shared store"),
    ("72-sessions-token", "72. Sessions in signed tokens"),
    ("90-db-orders", "90. Orders: relational joins or documents"),
    (
        "91-db-event-log",
        "91. A write-heavy event log: relational or wide-column",
    ),
    ("92-db-friends", "92. Friends of friends: recursive joins or a graph"),
    ("93-db-session-cache", "93. A session cache in a key-value store"),
    ("94-db-hot-row", "94. A hot row: lock contention"),
    ("95-firehose", "Firehose: 30,000 requests per second"),
    ("100-url-shortener", "100. Template: a URL shortener"),
    ("101-news-feed", "101. Template: a news feed (fan-out on write)"),
    ("102-chat-websockets", "102. Template: chat over WebSockets"),
    ("103-video-streaming-cdn", "103. Template: video streaming with a CDN"),
    (
        "104-ride-hailing-geo-shards",
        "104. Template: ride hailing with geo-sharding",
    ),
    (
        "105-checkout-queue-payments",
        "105. Template: e-commerce checkout with a payment queue",
    ),
    ("106-rate-limited-api", "106. Template: a rate-limited public API"),
    ("107-web-crawler", "107. Template: a web crawler"),
    ("mm1", "M/M/1"),
    ("mmc", "M/M/c"),
];

/// The JSON of the preset with this file stem.
pub fn get(name: &str) -> Option<&'static str> {
    ALL.iter().find(|(n, _)| *n == name).map(|(_, j)| *j)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_names_are_the_files_names_in_order() {
        assert_eq!(ALL[0], FIRST);
        let from_files: Vec<(&str, String)> = ALL
            .iter()
            .map(|&(id, json)| (id, crate::scenario::parse(json).expect("a preset parses").name))
            .collect();
        let listed: Vec<(&str, String)> = NAMES.iter().map(|&(id, name)| (id, name.to_owned())).collect();
        assert_eq!(
            listed, from_files,
            "presets::NAMES must list every preset's file stem and name, in order"
        );
    }
}
