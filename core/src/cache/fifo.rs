//! FIFO: evicts the entry inserted longest ago; hits change nothing. The baseline every queue-based policy
//! (CLOCK, SIEVE, S3-FIFO) refines.

use super::driver::Cache;
use super::ordered::Ordered;

/// First in, first out.
pub type Fifo = Cache<Ordered<false, false>>;
