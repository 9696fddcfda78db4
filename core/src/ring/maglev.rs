//! Maglev hashing (Eisenbud et al., NSDI 2016, §3.4): a lookup table of prime size `M` (default 65 537)
//! filled by letting the servers take turns claiming their next preferred empty slot. Server `i` prefers
//! slots `(offset + j · skip) mod M` for `j = 0, 1, …`, with `offset ∈ [0, M)` and `skip ∈ [1, M)` from two
//! independent hashes of its id; `M` prime makes every preference list a full permutation.
//!
//! Lookup is one table read. Balance is near perfect: with equal weights each server owns `⌊M/n⌋` or
//! `⌈M/n⌉` slots. Weights follow Envoy's variant: a server of weight `w` takes a turn in `w / max w` of the
//! rounds.
//!
//! **Maglev is only *nearly* minimally disruptive.** The paper trades a little resilience for balance:
//! when the server set changes the table is refilled, and because the turns interleave differently some
//! slots change hands between servers that were not added or removed. What holds for every member set: every
//! key of a removed server moves (there is nowhere else for it) and an added server gets its ⌊M/(n+1)⌋ or
//! ⌈M/(n+1)⌉ slots. The churn between unchanged servers is usually small, a median of 0.05% of the slots at
//! n = 3 and 0.4% at n = 40, but it has no guarantee: the preference lists are affine, so two servers whose
//! skips are equal (probability 1/(M − 1) per pair, ~n²/(2M) per cluster) walk the same cyclic order from
//! different starts and split it into runs, and a change shifts the run boundaries by up to a whole share.
//! With a shared skip the churn reaches ~1/(n+1) of the slots on an add and ~1/n on a remove at every n
//! (n = 3: 24.8% churn besides the new server's 25%; measured at most 1.08/(n+1) and 1.15/n over 400 such
//! clusters per n, n in 2..39), so up to ~2× the minimal movement. Skips in other small ratios
//! (s_a = −s_b, 2·s_b, …) correlate the lists less: 1–8% of the slots at small n. Measured with
//! `M = 65 537` and 10^6 keys (`switchyard ring --algo maglev --add 1`): the typical extra churn is 0.2% of
//! the keys at n = 10, 0.45% at n = 40, 0.6% at n = 100, 0.9% at n = 400 and 0.55% at n = 1000: it does
//! not shrink with n, so relative to the minimum the total grows (1.6× the minimum at n = 100, 6.6× at
//! n = 1000). The paper sizes `M > 100 · n` (for at most 1% imbalance), so 65 537 suits up to ~650
//! servers. The table is refilled from scratch on every change, so it depends on the member set only, not
//! on the order of changes.

use super::hash::{key_hash, server_hash};
use super::members::Members;
use super::{Algo, Placement, RingError, Server, ServerId, Share};

/// The paper's table size, the smallest prime above 2^16.
pub const DEFAULT_TABLE_SIZE: u64 = 65_537;
/// The smallest table size accepted.
pub const MIN_TABLE_SIZE: u64 = 2;
/// The largest table size accepted (a table of 2^24 entries is 64 MiB).
pub const MAX_TABLE_SIZE: u64 = 1 << 24;

/// Maglev consistent hashing.
#[derive(Clone, Debug)]
pub struct Maglev {
    members: Members,
    table_size: u64,
    /// Slot → server; empty while there are no members.
    table: Vec<ServerId>,
}

/// Trial division; table sizes are at most 2^24.
fn is_prime(m: u64) -> bool {
    if m < 2 {
        return false;
    }
    let mut d = 2;
    while d * d <= m {
        if m.is_multiple_of(d) {
            return false;
        }
        d += 1;
    }
    true
}

impl Default for Maglev {
    fn default() -> Self {
        Maglev::new()
    }
}

impl Maglev {
    /// An empty Maglev with the paper's table size, 65 537.
    pub fn new() -> Self {
        Maglev {
            members: Members::default(),
            table_size: DEFAULT_TABLE_SIZE,
            table: Vec::new(),
        }
    }

    /// An empty Maglev with table size `m`, a prime in `[MIN_TABLE_SIZE, MAX_TABLE_SIZE]`
    /// ([`RingError::BadTableSize`] otherwise). The paper recommends `M > 100 · n`.
    pub fn with_table_size(m: u64) -> Result<Self, RingError> {
        if !(MIN_TABLE_SIZE..=MAX_TABLE_SIZE).contains(&m) || !is_prime(m) {
            return Err(RingError::BadTableSize(m));
        }
        Ok(Maglev {
            table_size: m,
            ..Maglev::new()
        })
    }

    pub fn table_size(&self) -> u64 {
        self.table_size
    }

    /// The lookup table, slot → server (for pictures; empty without members).
    pub fn table(&self) -> &[ServerId] {
        &self.table
    }

    /// The paper's population algorithm, with Envoy's weighted turns.
    fn populate(members: &[Server], m: u64) -> Vec<ServerId> {
        if members.is_empty() {
            return Vec::new();
        }
        const EMPTY: u32 = u32::MAX;
        let size = m as usize;
        let mut owner = vec![EMPTY; size]; // index into `members`
        let max_weight = members.iter().map(|s| u64::from(s.weight)).max().unwrap_or(1);
        // Per member: next preferred slot, skip, and the weight target for turn-taking.
        let mut next: Vec<u64> = members.iter().map(|s| server_hash(s.id, 1) % m).collect();
        let skip: Vec<u64> = members
            .iter()
            .map(|s| server_hash(s.id, 2) % (m - 1).max(1) + 1)
            .collect();
        let mut target: Vec<u64> = members.iter().map(|s| u64::from(s.weight)).collect();
        let mut filled = 0usize;
        let mut round = 1u64;
        while filled < size {
            for (i, s) in members.iter().enumerate() {
                if round * u64::from(s.weight) < target[i] {
                    continue;
                }
                target[i] += max_weight;
                // Each preference list is a permutation of the slots and some slot is empty, so this ends.
                // Each step adds skip < m to c < m, so one subtraction replaces the modulo.
                let step = |c: u64| {
                    if c + skip[i] >= m {
                        c + skip[i] - m
                    } else {
                        c + skip[i]
                    }
                };
                let mut c = next[i];
                while owner[c as usize] != EMPTY {
                    c = step(c);
                }
                owner[c as usize] = i as u32;
                next[i] = step(c);
                filled += 1;
                if filled == size {
                    break;
                }
            }
            round += 1;
        }
        owner.into_iter().map(|i| members[i as usize].id).collect()
    }

    fn refill(&mut self) {
        self.table = Maglev::populate(self.members.as_slice(), self.table_size);
    }
}

impl Placement for Maglev {
    fn algo(&self) -> Algo {
        Algo::Maglev
    }

    fn servers(&self) -> &[Server] {
        self.members.as_slice()
    }

    fn add_all(&mut self, servers: &[Server]) -> Result<(), RingError> {
        self.members.check_add_all(servers, None)?;
        if (self.members.len() + servers.len()) as u64 > self.table_size {
            return Err(RingError::TableFull {
                table_size: self.table_size,
            });
        }
        self.members.insert_all(servers);
        self.refill();
        Ok(())
    }

    fn remove_all(&mut self, servers: &[ServerId]) -> Result<(), RingError> {
        self.members.check_remove_all(servers)?;
        self.members.remove_all(servers);
        self.refill();
        Ok(())
    }

    #[inline]
    fn lookup(&self, key: u64) -> Result<ServerId, RingError> {
        if self.table.is_empty() {
            return Err(RingError::NoServers);
        }
        Ok(self.table[(key_hash(key) % self.table_size) as usize])
    }

    fn shares(&self) -> Vec<Share> {
        let mut counts = vec![0u64; self.members.len()];
        for id in &self.table {
            if let Some(i) = self.members.position(*id) {
                counts[i] += 1;
            }
        }
        self.members
            .as_slice()
            .iter()
            .zip(counts)
            .map(|(s, c)| Share {
                server: s.id,
                fraction: c as f64 / self.table_size as f64,
            })
            .collect()
    }

    #[cfg(any(test, debug_assertions))]
    fn validate(&self) -> Result<(), String> {
        self.members.validate()?;
        if !is_prime(self.table_size) {
            return Err(format!("table size {} is not prime", self.table_size));
        }
        let expected_len = if self.members.len() == 0 {
            0
        } else {
            self.table_size as usize
        };
        if self.table.len() != expected_len {
            return Err(format!("table has {} slots, expected {expected_len}", self.table.len()));
        }
        let mut counts = vec![0u64; self.members.len()];
        for id in &self.table {
            match self.members.position(*id) {
                Some(i) => counts[i] += 1,
                None => return Err(format!("slot owned by non-member {id}")),
            }
        }
        let equal_weights = self.members.as_slice().windows(2).all(|w| w[0].weight == w[1].weight);
        if equal_weights && !counts.is_empty() {
            let n = counts.len() as u64;
            let (lo, hi) = (self.table_size / n, self.table_size.div_ceil(n));
            if counts.iter().any(|&c| c < lo || c > hi) {
                return Err(format!("equal weights but slot counts outside [{lo}, {hi}]"));
            }
        }
        if self.table != Maglev::populate(self.members.as_slice(), self.table_size) {
            return Err("table differs from a refill of the member set".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_size_must_be_a_supported_prime() {
        assert!(Maglev::with_table_size(65_537).is_ok());
        assert!(Maglev::with_table_size(2).is_ok());
        for bad in [0, 1, 65_536, 100, MAX_TABLE_SIZE + 3] {
            assert_eq!(Maglev::with_table_size(bad).unwrap_err(), RingError::BadTableSize(bad));
        }
    }

    #[test]
    fn a_small_table_fills_and_refuses_more_servers_than_slots() {
        let mut m = Maglev::with_table_size(7).unwrap();
        assert_eq!(m.lookup(0), Err(RingError::NoServers));
        for id in 0..7 {
            m.add(ServerId(id), 1).unwrap();
            m.validate().unwrap();
        }
        assert_eq!(m.add(ServerId(7), 1), Err(RingError::TableFull { table_size: 7 }));
        m.validate().unwrap();
        let mut owners = m.table().to_vec();
        owners.sort_unstable();
        assert_eq!(owners, (0..7).map(ServerId).collect::<Vec<_>>());
    }

    #[test]
    fn weighted_turns_give_proportional_slots() {
        let mut m = Maglev::new();
        m.add(ServerId(1), 1).unwrap();
        m.add(ServerId(2), 3).unwrap();
        m.validate().unwrap();
        let shares = m.shares();
        assert!((shares[0].fraction - 0.25).abs() < 0.001, "{shares:?}");
        assert!((shares[1].fraction - 0.75).abs() < 0.001, "{shares:?}");
    }
}
