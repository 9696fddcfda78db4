//! Resilience policies as pure state machines: what a caller or a server decides about one request, given
//! the virtual time (`u64` nanoseconds) and what it has seen so far. Nothing here knows about the engine,
//! queues or nodes; the engine asks and reports, so each policy can be tested on its own.
//!
//! - [`breaker`]: a circuit breaker (Michael Nygard, *Release It!*): closed, open, half-open. It trips on a
//!   run of consecutive failures or on a failure rate over a sliding window with a minimum number of calls
//!   (the rule resilience4j uses), stays open for a fixed time, then lets a limited number of probes through;
//!   all probes succeeding close it, any failing reopens it.
//! - [`budget`]: a retry budget (Finagle's `RetryBudget`; gRPC's retry throttling is the same idea): every
//!   original request deposits a fraction of a token, every retry withdraws a whole one, with a burst
//!   allowance, so retries stay a bounded fraction of traffic however badly the callee fails.
//! - [`limiter`]: admission rate limiting on the serving side: a token bucket (a steady rate plus a burst)
//!   or a sliding-window log (at most `limit` admissions in any window).
//! - [`shed`]: load shedding by queueing delay, Facebook's adaptive queue timeout with LIFO under overload, a
//!   CoDel-like rule (Ben Maurer, "Fail at Scale", ACM Queue 13(8), 2015): a short timeout once the queue
//!   has not been empty for a while, a long one otherwise.
//!
//! Everything is integer or basic floating-point arithmetic, so a policy decides the same on every target.

pub mod breaker;
pub mod budget;
pub mod limiter;
pub mod shed;

pub use breaker::{Admit, Breaker, BreakerCfg, BreakerState, Transition, Trip};
pub use budget::{BudgetCfg, RetryBudget};
pub use limiter::{LimitCfg, Limiter};
pub use shed::{overloaded, queue_timeout, ShedCfg};
