//! The member list every placement keeps: servers sorted by id with their weights, and the checks on
//! `add`/`remove` that all algorithms share.

use super::{Algo, RingError, Server, ServerId};

#[derive(Clone, Debug, Default)]
pub(crate) struct Members {
    sorted: Vec<Server>,
    total_weight: u64,
}

impl Members {
    pub(crate) fn as_slice(&self) -> &[Server] {
        &self.sorted
    }

    pub(crate) fn len(&self) -> usize {
        self.sorted.len()
    }

    pub(crate) fn total_weight(&self) -> u64 {
        self.total_weight
    }

    pub(crate) fn position(&self, id: ServerId) -> Option<usize> {
        self.sorted.binary_search_by_key(&id, |s| s.id).ok()
    }

    /// Where `id` would be inserted, after checking that it may be: not a member, weight ≥ 1.
    pub(crate) fn check_add(&self, id: ServerId, weight: u32) -> Result<usize, RingError> {
        if weight == 0 {
            return Err(RingError::ZeroWeight(id));
        }
        match self.sorted.binary_search_by_key(&id, |s| s.id) {
            Ok(_) => Err(RingError::DuplicateServer(id)),
            Err(at) => Ok(at),
        }
    }

    /// [`Members::check_add`] for algorithms that cannot weight servers.
    pub(crate) fn check_add_unweighted(
        &self,
        algo: Algo,
        id: ServerId,
        weight: u32,
    ) -> Result<usize, RingError> {
        let at = self.check_add(id, weight)?;
        if weight != 1 {
            return Err(RingError::WeightUnsupported { algo, weight });
        }
        Ok(at)
    }

    /// Inserts at the position [`Members::check_add`] returned.
    pub(crate) fn insert_at(&mut self, at: usize, id: ServerId, weight: u32) {
        self.sorted.insert(at, Server { id, weight });
        self.total_weight += u64::from(weight);
    }

    pub(crate) fn remove(&mut self, id: ServerId) -> Result<Server, RingError> {
        let at = self.position(id).ok_or(RingError::UnknownServer(id))?;
        let server = self.sorted.remove(at);
        self.total_weight -= u64::from(server.weight);
        Ok(server)
    }

    #[cfg(any(test, debug_assertions))]
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.sorted.windows(2).any(|w| w[0].id >= w[1].id) {
            return Err("members are not strictly sorted by id".into());
        }
        if self.sorted.iter().any(|s| s.weight == 0) {
            return Err("a member has weight 0".into());
        }
        let total: u64 = self.sorted.iter().map(|s| u64::from(s.weight)).sum();
        if total != self.total_weight {
            return Err(format!(
                "total weight {} but members sum to {total}",
                self.total_weight
            ));
        }
        Ok(())
    }
}
