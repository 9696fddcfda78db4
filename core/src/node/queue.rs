//! Message queues: acknowledge on enqueue, let worker pools pull. The spec (capacity, visibility timeout,
//! attempts, backoff, message size limit) and the inspector's parameters.

use crate::scenario::params::{opt, p, Param, CRASH, DIST, INT, MS};
use crate::scenario::v1::codec::json_spec;
use crate::scenario::v1::values::*;

json_spec! {
    /// A message queue: acknowledges on enqueue; worker pools downstream pull from it.
    #[derive(Clone, Debug, PartialEq)]
    pub struct QueueSpec {
        /// Messages it holds before rejecting (unbounded when absent).
        pub capacity: Option<u64> = opt,
        /// Time to enqueue.
        pub service_time: Dist = or(default_hop_time()) => serde(default = "default_hop_time"),
        pub crash_at_ms: Option<f64> = opt,
        /// Hand a task out again when no worker has acknowledged it this long after delivery: at-least-once
        /// delivery, so a worker that dies mid-task costs a redelivery, not a lost task. Without it, such
        /// tasks are lost.
        pub visibility_timeout_ms: Option<f64> = opt,
        /// Deliveries that end in an error before a task goes to the dead-letter queue (3 when absent).
        pub max_attempts: Option<u32> = opt,
        /// Wait before retrying a failed task, doubling with each failure (100 ms when absent).
        pub retry_backoff_ms: Option<f64> = opt,
        /// Reject messages larger than this many bytes (no limit when absent). Message sizes come from the
        /// workload's `message_bytes`.
        pub max_message_bytes: Option<u64> = opt,
    }
}

pub const QUEUE: &[Param] = &[
    opt(
        "capacity",
        "Capacity",
        "messages",
        INT,
        "Messages held before the queue rejects. Unbounded absorbs any spike but hides overload.",
    ),
    p("service_time", "Enqueue time", "ms", DIST, "Time to accept a message."),
    opt(
        "max_message_bytes",
        "Max message size",
        "bytes",
        INT,
        "Messages larger than this are rejected (counted as too large). Big payloads belong in object storage, \
         with a pointer in the message.",
    ),
    opt(
        "visibility_timeout_ms",
        "Visibility timeout",
        "ms",
        MS,
        "Redeliver a task no worker acknowledged this long after delivery: at-least-once, with duplicates. \
         Without it a worker that dies mid-task loses the task.",
    ),
    opt(
        "max_attempts",
        "Max attempts",
        "",
        INT,
        "Failed deliveries before a task goes to the dead-letter queue.",
    ),
    opt(
        "retry_backoff_ms",
        "Retry backoff",
        "ms",
        MS,
        "Wait before retrying a failed task, doubling with each failure.",
    ),
    CRASH,
];
