//! MRU: evicts the most recently used entry (before the one being inserted); a hit moves the entry to the
//! most-recent end. The right choice for cyclic scans slightly larger than the cache.

use super::driver::Cache;
use super::ordered::Ordered;

/// Most recently used.
pub type Mru = Cache<Ordered<true, true>>;
