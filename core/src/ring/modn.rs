//! `hash(key) mod n`, the baseline every consistent hash is measured against. Perfectly balanced and O(1),
//! but when `n` changes almost every key moves: going from `n` to `n + 1` servers a key stays only if
//! `h mod n = h mod (n + 1)`, i.e. `h mod n(n + 1) < n`, which has probability `1/(n + 1)`; so
//! `n/(n + 1)` of the keys move.
//!
//! Servers sit in slots in the order they were added; removing one closes the gap (the later servers shift
//! down a slot), as a plain list would. No weights: `add` with a weight other than 1 is
//! [`RingError::WeightUnsupported`].

use super::hash::key_hash;
use super::members::Members;
use super::{Algo, Placement, RingError, Server, ServerId, Share, TWO_POW_64};

/// `hash mod n` over the servers in the order they were added.
#[derive(Clone, Debug, Default)]
pub struct ModN {
    members: Members,
    slots: Vec<ServerId>,
}

impl ModN {
    pub fn new() -> Self {
        ModN::default()
    }

    /// The servers in slot order.
    pub fn slot_order(&self) -> &[ServerId] {
        &self.slots
    }
}

impl Placement for ModN {
    fn algo(&self) -> Algo {
        Algo::ModN
    }

    fn servers(&self) -> &[Server] {
        self.members.as_slice()
    }

    fn add_all(&mut self, servers: &[Server]) -> Result<(), RingError> {
        self.members.check_add_all(servers, Some(Algo::ModN))?;
        self.members.insert_all(servers);
        self.slots.extend(servers.iter().map(|s| s.id));
        Ok(())
    }

    fn remove_all(&mut self, servers: &[ServerId]) -> Result<(), RingError> {
        self.members.check_remove_all(servers)?;
        let gone = self.members.remove_all(servers);
        self.slots.retain(|s| gone.binary_search(s).is_err());
        Ok(())
    }

    #[inline]
    fn lookup(&self, key: u64) -> Result<ServerId, RingError> {
        if self.slots.is_empty() {
            return Err(RingError::NoServers);
        }
        Ok(self.slots[(key_hash(key) % self.slots.len() as u64) as usize])
    }

    fn shares(&self) -> Vec<Share> {
        // Slot i owns the hashes h < 2^64 with h ≡ i (mod n): ⌊(2^64 − 1 − i)/n⌋ + 1 of them.
        let n = self.slots.len() as u128;
        let mut shares: Vec<Share> = self
            .slots
            .iter()
            .enumerate()
            .map(|(i, &server)| {
                let count = ((1u128 << 64) - 1 - i as u128) / n + 1;
                Share {
                    server,
                    fraction: count as f64 / TWO_POW_64,
                }
            })
            .collect();
        shares.sort_by_key(|s| s.server);
        shares
    }

    #[cfg(any(test, debug_assertions))]
    fn validate(&self) -> Result<(), String> {
        self.members.validate()?;
        let mut sorted = self.slots.clone();
        sorted.sort_unstable();
        let ids: Vec<ServerId> = self.members.as_slice().iter().map(|s| s.id).collect();
        if sorted != ids {
            return Err("slots do not hold each member exactly once".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_keep_insertion_order_and_close_gaps() {
        let mut m = ModN::new();
        for id in [5, 1, 9] {
            m.add(ServerId(id), 1).unwrap();
        }
        m.remove(ServerId(1)).unwrap();
        m.validate().unwrap();
        assert_eq!(m.slot_order(), &[ServerId(5), ServerId(9)]);
        assert_eq!(
            m.add(ServerId(2), 3),
            Err(RingError::WeightUnsupported {
                algo: Algo::ModN,
                weight: 3
            })
        );
        let h = key_hash(77);
        let expect = if h.is_multiple_of(2) { ServerId(5) } else { ServerId(9) };
        assert_eq!(m.lookup(77), Ok(expect));
    }
}
