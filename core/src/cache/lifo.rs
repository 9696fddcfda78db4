//! LIFO (also called FILO): evicts the entry inserted most recently; hits change nothing. Keeps the oldest
//! entries forever, which suits a scan larger than the cache and little else.

use super::driver::Cache;
use super::ordered::Ordered;

/// Last in, first out.
pub type Lifo = Cache<Ordered<false, true>>;
