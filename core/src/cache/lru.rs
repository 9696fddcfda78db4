//! LRU: evicts the least recently used entry; a hit moves the entry to the most-recent end.

use super::driver::Cache;
use super::ordered::Ordered;

/// Least recently used.
pub type Lru = Cache<Ordered<true, false>>;
