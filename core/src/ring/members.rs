//! The member list every placement keeps: servers sorted by id with their weights, and the checks on
//! `add`/`remove` that all algorithms share.

use std::collections::BTreeSet;

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

    /// Checks that `servers` may all be added: weights ≥ 1 (exactly 1 if `unweighted` names the algorithm),
    /// none already a member, no id twice.
    pub(crate) fn check_add_all(&self, servers: &[Server], unweighted: Option<Algo>) -> Result<(), RingError> {
        let mut seen = BTreeSet::new();
        for s in servers {
            if s.weight == 0 {
                return Err(RingError::ZeroWeight(s.id));
            }
            if self.position(s.id).is_some() || !seen.insert(s.id) {
                return Err(RingError::DuplicateServer(s.id));
            }
            if let Some(algo) = unweighted {
                if s.weight != 1 {
                    return Err(RingError::WeightUnsupported { algo, weight: s.weight });
                }
            }
        }
        Ok(())
    }

    /// Adds servers that passed [`Members::check_add_all`].
    pub(crate) fn insert_all(&mut self, servers: &[Server]) {
        self.sorted.extend_from_slice(servers);
        self.sorted.sort_unstable_by_key(|s| s.id);
        self.total_weight += servers.iter().map(|s| u64::from(s.weight)).sum::<u64>();
    }

    /// Checks that `ids` are all members, none twice (the second removal of an id would find it unknown).
    pub(crate) fn check_remove_all(&self, ids: &[ServerId]) -> Result<(), RingError> {
        let mut seen = BTreeSet::new();
        for &id in ids {
            if self.position(id).is_none() || !seen.insert(id) {
                return Err(RingError::UnknownServer(id));
            }
        }
        Ok(())
    }

    /// Removes members that passed [`Members::check_remove_all`]; returns the ids sorted, for lookups.
    pub(crate) fn remove_all(&mut self, ids: &[ServerId]) -> Vec<ServerId> {
        let mut gone = ids.to_vec();
        gone.sort_unstable();
        self.sorted.retain(|s| gone.binary_search(&s.id).is_err());
        self.total_weight = self.sorted.iter().map(|s| u64::from(s.weight)).sum();
        gone
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
            return Err(format!("total weight {} but members sum to {total}", self.total_weight));
        }
        Ok(())
    }
}
