//! Measuring placements: where a key set lands ([`Snapshot`]), which keys a change moved ([`Movement`]),
//! how even the load is ([`LoadStats`]), and [`Tracked`], a placement that keeps a key set placed and
//! remembers the keys moved by its last change (what a picture of a ring animates).

use std::collections::BTreeMap;

use super::{Placement, RingError, Server, ServerId};

/// One key that changed owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Move {
    pub key: u64,
    pub from: ServerId,
    pub to: ServerId,
}

/// The keys a change moved, out of `keys` placed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Movement {
    pub keys: usize,
    /// In the order of the key set.
    pub moves: Vec<Move>,
}

impl Movement {
    pub fn moved(&self) -> usize {
        self.moves.len()
    }

    /// Moved keys over all keys; 0 for an empty key set.
    pub fn fraction(&self) -> f64 {
        if self.keys == 0 {
            0.0
        } else {
            self.moves.len() as f64 / self.keys as f64
        }
    }

    /// Whether every move went to `server`.
    pub fn all_onto(&self, server: ServerId) -> bool {
        self.moves.iter().all(|m| m.to == server)
    }

    /// Whether every move came from one of `servers`.
    pub fn all_from(&self, servers: &[ServerId]) -> bool {
        self.moves.iter().all(|m| servers.contains(&m.from))
    }

    /// How many keys went from each server to each other server.
    pub fn flows(&self) -> BTreeMap<(ServerId, ServerId), usize> {
        let mut flows = BTreeMap::new();
        for m in &self.moves {
            *flows.entry((m.from, m.to)).or_insert(0) += 1;
        }
        flows
    }
}

/// A key set and the owner of each key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    keys: Vec<u64>,
    owners: Vec<ServerId>,
}

impl Snapshot {
    /// Looks every key up. Errors: [`RingError::NoServers`] (unless `keys` is empty).
    pub fn lookup<P: Placement + ?Sized>(placement: &P, keys: Vec<u64>) -> Result<Self, RingError> {
        let owners = keys.iter().map(|&k| placement.lookup(k)).collect::<Result<_, _>>()?;
        Ok(Snapshot { keys, owners })
    }

    /// Assigns every key in order (stateful placements count them).
    pub fn assign<P: Placement + ?Sized>(placement: &mut P, keys: Vec<u64>) -> Result<Self, RingError> {
        let owners = keys.iter().map(|&k| placement.assign(k)).collect::<Result<_, _>>()?;
        Ok(Snapshot { keys, owners })
    }

    pub fn keys(&self) -> &[u64] {
        &self.keys
    }

    pub fn owners(&self) -> &[ServerId] {
        &self.owners
    }

    /// Looks the same keys up in `after` and returns what moved, with the new snapshot.
    pub fn diff<P: Placement + ?Sized>(&self, after: &P) -> Result<(Movement, Snapshot), RingError> {
        let next = Snapshot::lookup(after, self.keys.clone())?;
        let moves = self
            .keys
            .iter()
            .zip(self.owners.iter().zip(&next.owners))
            .filter(|(_, (a, b))| a != b)
            .map(|(&key, (&from, &to))| Move { key, from, to })
            .collect();
        Ok((
            Movement {
                keys: self.keys.len(),
                moves,
            },
            next,
        ))
    }

    /// Keys per server, for every server in `servers` (zero for those with none), in that order.
    pub fn counts(&self, servers: &[Server]) -> Vec<(ServerId, u64)> {
        let mut counts: BTreeMap<ServerId, u64> = servers.iter().map(|s| (s.id, 0)).collect();
        for owner in &self.owners {
            if let Some(c) = counts.get_mut(owner) {
                *c += 1;
            }
        }
        servers.iter().map(|s| (s.id, counts[&s.id])).collect()
    }

    pub fn load_stats(&self, servers: &[Server]) -> LoadStats {
        let counts: Vec<u64> = self.counts(servers).into_iter().map(|(_, c)| c).collect();
        LoadStats::from_counts(&counts)
    }
}

/// How evenly keys spread over servers (raw key counts; weights are not factored out).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LoadStats {
    pub servers: usize,
    pub keys: u64,
    pub mean: f64,
    /// Population standard deviation (divided by the number of servers): the mean `keys / servers` is
    /// known exactly, so this is the unbiased estimate of one server's load variance.
    pub std_dev: f64,
    /// Coefficient of variation, `std_dev / mean`.
    pub cv: f64,
    pub min: u64,
    pub max: u64,
    pub max_over_mean: f64,
}

impl LoadStats {
    /// Statistics of per-server key counts. All zero for no servers or no keys.
    pub fn from_counts(counts: &[u64]) -> Self {
        let keys: u64 = counts.iter().sum();
        let servers = counts.len();
        if servers == 0 || keys == 0 {
            return LoadStats {
                servers,
                keys,
                mean: 0.0,
                std_dev: 0.0,
                cv: 0.0,
                min: 0,
                max: 0,
                max_over_mean: 0.0,
            };
        }
        let mean = keys as f64 / servers as f64;
        // `d * d`, not `powi`: plain IEEE operations give the same bits on native and wasm.
        let var = counts
            .iter()
            .map(|&c| (c as f64 - mean) * (c as f64 - mean))
            .sum::<f64>()
            / servers as f64;
        let std_dev = var.sqrt();
        let max = counts.iter().copied().max().unwrap_or(0);
        LoadStats {
            servers,
            keys,
            mean,
            std_dev,
            cv: std_dev / mean,
            min: counts.iter().copied().min().unwrap_or(0),
            max,
            max_over_mean: max as f64 / mean,
        }
    }
}

/// A placement with a key set kept placed: every change re-places the keys and records what moved.
#[derive(Clone, Debug)]
pub struct Tracked<P: Placement> {
    placement: P,
    snapshot: Snapshot,
    last: Movement,
}

impl<P: Placement> Tracked<P> {
    /// Assigns `keys` on `placement`. Errors: [`RingError::NoServers`] if there are keys but no servers.
    pub fn new(mut placement: P, keys: Vec<u64>) -> Result<Self, RingError> {
        let snapshot = Snapshot::assign(&mut placement, keys)?;
        let last = Movement {
            keys: snapshot.keys.len(),
            moves: Vec::new(),
        };
        Ok(Tracked {
            placement,
            snapshot,
            last,
        })
    }

    pub fn placement(&self) -> &P {
        &self.placement
    }

    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// The keys moved by the last successful `add` or `remove` (none before the first).
    pub fn last_change(&self) -> &Movement {
        &self.last
    }

    pub fn load_stats(&self) -> LoadStats {
        self.snapshot.load_stats(self.placement.servers())
    }

    pub fn add(&mut self, server: ServerId, weight: u32) -> Result<&Movement, RingError> {
        self.placement.add(server, weight)?;
        self.record()
    }

    /// Errors: [`RingError::UnknownServer`]; [`RingError::NoServers`] for the last server while keys are
    /// placed (they would have nowhere to go). Nothing changes on error.
    pub fn remove(&mut self, server: ServerId) -> Result<&Movement, RingError> {
        if self.placement.len() == 1 && self.placement.contains(server) && !self.snapshot.keys.is_empty() {
            return Err(RingError::NoServers);
        }
        self.placement.remove(server)?;
        self.record()
    }

    fn record(&mut self) -> Result<&Movement, RingError> {
        let (movement, next) = self.snapshot.diff(&self.placement)?;
        self.snapshot = next;
        self.last = movement;
        Ok(&self.last)
    }

    pub fn into_inner(self) -> P {
        self.placement
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ClassicRing, ModN};
    use super::*;

    #[test]
    fn load_stats_of_known_counts() {
        let s = LoadStats::from_counts(&[10, 20, 30]);
        assert_eq!((s.keys, s.min, s.max), (60, 10, 30));
        assert!((s.mean - 20.0).abs() < 1e-12);
        assert!((s.std_dev - (200.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert!((s.max_over_mean - 1.5).abs() < 1e-12);
        assert_eq!(LoadStats::from_counts(&[]).cv, 0.0);
        assert_eq!(LoadStats::from_counts(&[0, 0]).max_over_mean, 0.0);
    }

    #[test]
    fn tracked_records_the_last_change() {
        let mut ring = ClassicRing::new(50).unwrap();
        for id in 0..4 {
            ring.add(ServerId(id), 1).unwrap();
        }
        let mut t = Tracked::new(ring, (0..2_000).collect()).unwrap();
        assert_eq!(t.last_change().moved(), 0);
        let moved = t.add(ServerId(9), 1).unwrap().clone();
        assert!(moved.moved() > 0 && moved.all_onto(ServerId(9)));
        assert!(moved.flows().keys().all(|&(_, to)| to == ServerId(9)));
        let back = t.remove(ServerId(9)).unwrap();
        assert_eq!(back.moved(), moved.moved());
        assert!(back.all_from(&[ServerId(9)]));
        assert_eq!(t.remove(ServerId(9)), Err(RingError::UnknownServer(ServerId(9))));
        // A failed change keeps the last movement.
        assert_eq!(t.last_change().moved(), moved.moved());
    }

    #[test]
    fn removing_the_last_server_with_keys_placed_is_refused() {
        let mut m = ModN::new();
        m.add(ServerId(1), 1).unwrap();
        let mut t = Tracked::new(m, vec![1, 2, 3]).unwrap();
        assert_eq!(t.remove(ServerId(1)), Err(RingError::NoServers));
        assert_eq!(t.placement().len(), 1);
        assert_eq!(Tracked::new(ModN::new(), vec![1]).unwrap_err(), RingError::NoServers);
    }
}
