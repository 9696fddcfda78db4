//! Message queues: acknowledge on enqueue, let worker pools pull. The spec (capacity, visibility timeout,
//! attempts, backoff, message size limit) and the inspector's parameters.

use super::{Behavior, Built, Check, Refusal, Step, View};
use crate::scenario::params::{opt, p, Param, CRASH, DIST, INT, MS};
use crate::scenario::v1::codec::json_spec;
use crate::scenario::v1::values::*;
use crate::time::{ms_to_nanos, SimTime};
use crate::topology::check::opt_ms;

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

// ---------------------------------------------------------------------------------------------------------
// Validation: the rules of the spec, and the configuration the engine runs.

/// A queue's configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueCfg {
    pub capacity: Option<u64>,
    pub visibility_ns: Option<u64>,
    pub max_attempts: u32,
    pub backoff_ns: u64,
    /// Messages larger than this are rejected (`too_large`).
    pub max_message_bytes: Option<u64>,
}

impl QueueSpec {
    /// Whether edges from it may carry a call policy ([`super::NodeSpec::calls_with_policy`]).
    pub(crate) const CALLS_WITH_POLICY: bool = false;

    /// What it does with a request whose class several out-edges carry ([`super::NodeSpec::shared_class_rule`]).
    pub(crate) const SHARED_CLASS_RULE: Option<&'static str> = None;

    pub(crate) fn build(&self, cx: &mut Check) -> Built {
        let (q, loc, errs) = (self, cx.loc, &mut *cx.errs);
        if q.capacity == Some(0) {
            errs.bad(
                loc,
                "capacity",
                "must be at least 1 message (omit it for an unbounded queue)",
            );
        }
        let service_time = errs.service_time(loc, &q.service_time);
        errs.ms(loc, "crash_at_ms", q.crash_at_ms, true);
        errs.ms(loc, "visibility_timeout_ms", q.visibility_timeout_ms, false);
        errs.ms(loc, "retry_backoff_ms", q.retry_backoff_ms, true);
        if q.max_attempts.is_some_and(|a| a == 0 || a > 100) {
            errs.bad(loc, "max_attempts", "must be between 1 and 100");
        }
        Built {
            service_time,
            crash_at: q.crash_at_ms.map(SimTime::from_millis_f64),
            ..Built::new(Behavior::Queue(QueueCfg {
                capacity: q.capacity,
                visibility_ns: opt_ms(q.visibility_timeout_ms),
                max_attempts: q.max_attempts.unwrap_or(3),
                backoff_ns: ms_to_nanos(q.retry_backoff_ms.unwrap_or(100.0)),
                max_message_bytes: q.max_message_bytes,
            }))
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Behaviour.

impl QueueCfg {
    /// A queue refuses a message over its size limit, then one that finds its backlog full, then any when the
    /// simulation's memory is full; otherwise it keeps the message and acknowledges at once.
    pub(crate) fn proceed(&self, v: &impl View) -> Step {
        if self.max_message_bytes.is_some_and(|m| v.bytes() > m) {
            return Step::Refuse(Refusal::TooLarge);
        }
        if self.capacity.is_some_and(|c| v.backlog() as u64 >= c) {
            return Step::Refuse(Refusal::QueueFull);
        }
        if v.memory_full() {
            return Step::Refuse(Refusal::MemoryLimit);
        }
        Step::Enqueue
    }
}

#[cfg(test)]
mod tests {
    use super::super::TestView;
    use super::*;

    fn queue(capacity: Option<u64>, max_message_bytes: Option<u64>) -> QueueCfg {
        QueueCfg {
            capacity,
            visibility_ns: None,
            max_attempts: 3,
            backoff_ns: 0,
            max_message_bytes,
        }
    }

    #[test]
    fn a_queue_keeps_what_fits_and_refuses_the_rest_in_order() {
        let q = queue(Some(2), Some(100));
        let mut v = TestView {
            bytes: 100,
            backlog: 1,
            ..TestView::default()
        };
        assert_eq!(q.proceed(&v), Step::Enqueue, "at the size limit and below capacity");
        v.backlog = 2;
        assert_eq!(q.proceed(&v), Step::Refuse(Refusal::QueueFull));
        v.bytes = 101;
        assert_eq!(
            q.proceed(&v),
            Step::Refuse(Refusal::TooLarge),
            "size is checked before room"
        );
        v = TestView {
            memory_full: true,
            ..TestView::default()
        };
        assert_eq!(q.proceed(&v), Step::Refuse(Refusal::MemoryLimit));
        v.backlog = 5;
        assert_eq!(
            q.proceed(&v),
            Step::Refuse(Refusal::QueueFull),
            "room is checked before memory"
        );
    }

    #[test]
    fn an_unbounded_queue_takes_any_message_while_memory_lasts() {
        let q = queue(None, None);
        let v = TestView {
            bytes: u64::MAX,
            backlog: usize::MAX,
            ..TestView::default()
        };
        assert_eq!(q.proceed(&v), Step::Enqueue);
    }
}
