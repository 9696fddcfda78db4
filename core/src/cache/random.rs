//! Random replacement: evicts a uniformly random resident, drawn from a seeded [`SimRng`]. Residents are
//! kept in a dense array (each entry's metadata is its position) so a draw and a removal are O(1).

use super::driver::{Cache, Online, Strategy};
use super::slab::{Slab, Slot};
use super::Capacity;
use crate::rng::SimRng;

/// Random replacement.
pub type Random = Cache<Draw>;

#[derive(Clone, Debug)]
pub struct Draw {
    residents: Vec<Slot>,
    rng: SimRng,
}

impl Strategy for Draw {
    type Meta = u32;

    fn name(&self) -> &'static str {
        "random"
    }

    fn on_hit(&mut self, _slab: &mut Slab<u32>, _slot: Slot) {}

    fn on_insert(&mut self, slab: &mut Slab<u32>, slot: Slot) {
        slab[slot].meta = self.residents.len() as u32;
        self.residents.push(slot);
    }

    fn victim(&mut self, _slab: &mut Slab<u32>, _incoming: u64) -> Option<Slot> {
        if self.residents.is_empty() {
            return None;
        }
        let at = self.rng.below(self.residents.len() as u64) as usize;
        Some(self.residents[at])
    }

    fn unlink(&mut self, slab: &mut Slab<u32>, slot: Slot) {
        let at = slab[slot].meta as usize;
        self.residents.swap_remove(at);
        if let Some(&moved) = self.residents.get(at) {
            slab[moved].meta = at as u32;
        }
    }

    #[cfg(any(test, debug_assertions))]
    fn validate(&self, slab: &Slab<u32>) -> Result<(), String> {
        if self.residents.len() != slab.len() {
            return Err(format!(
                "{} residents listed, {} stored",
                self.residents.len(),
                slab.len()
            ));
        }
        for (at, &slot) in self.residents.iter().enumerate() {
            if slab[slot].meta as usize != at || slab.find(slab[slot].key) != Some(slot) {
                return Err(format!("resident {at} (slot {slot}) is out of place"));
            }
        }
        Ok(())
    }
}

impl Online for Draw {
    fn create(_capacity: Capacity, seed: u64) -> Self {
        Draw {
            residents: Vec::new(),
            rng: SimRng::new(seed),
        }
    }
}
