//! Key placement: which server owns a key, and how many keys move when the server set changes.
//!
//! One trait, [`Placement`], and one file per algorithm:
//!
//! | algorithm | file | lookup | weights | on add / remove |
//! |---|---|---|---|---|
//! | classic consistent-hash ring (vnodes) | [`classic`] | O(1) expected (bucketed binary search) | more vnodes | only the new / removed server's keys move |
//! | jump consistent hash (Lamping & Veach) | [`jump`] | O(ln n) | no | add: minimal; remove: minimal only for the last bucket (see [`jump`]) |
//! | rendezvous / highest random weight | [`rendezvous`] | O(n) | logarithmic method | minimal |
//! | Maglev (Eisenbud et al.) | [`maglev`] | O(1) table | turns per weight | nearly minimal (see [`maglev`]) |
//! | consistent hashing with bounded loads (Mirrokni et al.) | [`bounded`] | ring walk | more vnodes, capacity ∝ weight | stateful; cascades (see [`bounded`]) |
//! | `hash mod n`, the baseline | [`modn`] | O(1) | no | almost every key moves |
//!
//! Servers are named by a stable [`ServerId`], never by their position. Keys are `u64`s; every algorithm
//! hashes them with the same fixed-seeded XXH3 ([`hash::key_hash`]), so placements are identical on native
//! and wasm and across runs. Bad input (an unknown server, a duplicate, zero vnodes, zero weight, no
//! servers) is a typed [`RingError`], never a panic.
//!
//! For pictures and experiments: [`Placement::points`] gives the vnode positions on the circle,
//! [`Placement::shares`] the fraction of the key space each server owns, and [`Tracked`] keeps a key set
//! placed and records the keys moved by the last change ([`Movement`]).

pub mod bounded;
pub mod classic;
pub mod hash;
pub mod jump;
pub mod maglev;
mod members;
pub mod modn;
mod movement;
pub mod rendezvous;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod model_tests;

use std::fmt;

pub use bounded::BoundedLoads;
pub use classic::ClassicRing;
pub use jump::JumpHash;
pub use maglev::Maglev;
pub use modn::ModN;
pub use movement::{LoadStats, Move, Movement, Snapshot, Tracked};
pub use rendezvous::Rendezvous;

/// A server's stable identity. Placements never refer to servers by index, so removing one server does
/// not rename the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServerId(pub u32);

impl fmt::Display for ServerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{}", self.0)
    }
}

/// A member of a placement and its weight (relative capacity, at least 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Server {
    pub id: ServerId,
    pub weight: u32,
}

/// A virtual node: a point on the hash circle `[0, 2^64)` and the server that owns the arc ending at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Point {
    pub position: u64,
    pub server: ServerId,
}

impl Point {
    /// The position as a fraction of the circle, in `[0, 1)`: multiply by 2π for an angle.
    pub fn fraction(&self) -> f64 {
        self.position as f64 / TWO_POW_64
    }
}

/// The fraction of the key space (of the circle, for rings) that a server owns.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Share {
    pub server: ServerId,
    pub fraction: f64,
}

pub(crate) const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

/// The most points (vnodes × weight, summed) a classic or bounded ring may hold: 2^22 points is 48 MiB.
pub const MAX_POINTS: u64 = 1 << 22;

/// Which placement algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Algo {
    Ring,
    Jump,
    Rendezvous,
    Maglev,
    ModN,
    Bounded,
}

impl Algo {
    pub const ALL: [Algo; 6] = [
        Algo::Ring,
        Algo::Jump,
        Algo::Rendezvous,
        Algo::Maglev,
        Algo::ModN,
        Algo::Bounded,
    ];

    /// The short name the CLI and the scenario files use.
    pub const fn name(self) -> &'static str {
        match self {
            Algo::Ring => "ring",
            Algo::Jump => "jump",
            Algo::Rendezvous => "rendezvous",
            Algo::Maglev => "maglev",
            Algo::ModN => "modn",
            Algo::Bounded => "bounded",
        }
    }

    /// Whether the algorithm places vnodes on a circle (and so uses [`Config::vnodes`]).
    pub const fn uses_vnodes(self) -> bool {
        matches!(self, Algo::Ring | Algo::Bounded)
    }
}

impl fmt::Display for Algo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What went wrong. Every fallible operation leaves the placement unchanged when it returns an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RingError {
    /// A lookup or assignment on a placement with no servers.
    NoServers,
    /// `remove` of a server that is not a member.
    UnknownServer(ServerId),
    /// `add` of a server that is already a member.
    DuplicateServer(ServerId),
    /// A ring built with zero virtual nodes per server.
    ZeroVnodes,
    /// A server added with weight 0.
    ZeroWeight(ServerId),
    /// A weight other than 1 for an algorithm that cannot weight servers (jump, modn).
    WeightUnsupported { algo: Algo, weight: u32 },
    /// The ring would hold more than [`MAX_POINTS`] points.
    TooManyPoints { points: u64, max: u64 },
    /// A Maglev table size that is not a prime in the supported range.
    BadTableSize(u64),
    /// More servers than Maglev table entries.
    TableFull { table_size: u64 },
    /// A bounded-loads balance factor `c` that is not a finite number in `[1, 1000]`.
    BadLoadFactor,
    /// `release` of a key that is not assigned.
    UnknownKey(u64),
}

impl fmt::Display for RingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RingError::NoServers => f.write_str("the placement has no servers"),
            RingError::UnknownServer(s) => write!(f, "server {s} is not a member"),
            RingError::DuplicateServer(s) => write!(f, "server {s} is already a member"),
            RingError::ZeroVnodes => f.write_str("a ring needs at least one virtual node per server"),
            RingError::ZeroWeight(s) => write!(f, "server {s} has weight 0; weights start at 1"),
            RingError::WeightUnsupported { algo, weight } => {
                write!(f, "{algo} cannot weight servers (got weight {weight}); use weight 1")
            }
            RingError::TooManyPoints { points, max } => {
                write!(f, "the ring would hold {points} points; at most {max} are supported")
            }
            RingError::BadTableSize(m) => write!(
                f,
                "Maglev table size {m} must be a prime between {} and {}",
                maglev::MIN_TABLE_SIZE,
                maglev::MAX_TABLE_SIZE
            ),
            RingError::TableFull { table_size } => {
                write!(
                    f,
                    "a Maglev table of {table_size} entries holds at most {table_size} servers"
                )
            }
            RingError::BadLoadFactor => {
                f.write_str("the bounded-loads factor c must be a finite number between 1 and 1000")
            }
            RingError::UnknownKey(k) => write!(f, "key {k} is not assigned"),
        }
    }
}

impl std::error::Error for RingError {}

/// A key-placement algorithm: a set of weighted servers and a function from keys to servers.
///
/// Implementations are deterministic functions of their configuration and the sequence of operations
/// applied. Stateless ones (all but [`BoundedLoads`]) are functions of the current server set alone.
pub trait Placement {
    fn algo(&self) -> Algo;

    /// The members, sorted by id.
    fn servers(&self) -> &[Server];

    fn len(&self) -> usize {
        self.servers().len()
    }

    fn is_empty(&self) -> bool {
        self.servers().is_empty()
    }

    fn contains(&self, server: ServerId) -> bool {
        self.servers().binary_search_by_key(&server, |s| s.id).is_ok()
    }

    /// Adds a server. Errors: [`RingError::DuplicateServer`], [`RingError::ZeroWeight`],
    /// [`RingError::WeightUnsupported`], capacity errors.
    fn add(&mut self, server: ServerId, weight: u32) -> Result<(), RingError> {
        self.add_all(&[Server { id: server, weight }])
    }

    /// Removes a server. Errors: [`RingError::UnknownServer`].
    fn remove(&mut self, server: ServerId) -> Result<(), RingError> {
        self.remove_all(&[server])
    }

    /// Adds several servers with one rebuild (building a 1000-server Maglev or ring one `add` at a time
    /// rebuilds it 1000 times). All or nothing: on error nothing is added. The same as adding them one by
    /// one in this order.
    fn add_all(&mut self, servers: &[Server]) -> Result<(), RingError>;

    /// Removes several servers with one rebuild; all or nothing ([`RingError::UnknownServer`] for a
    /// non-member or an id given twice). The same as removing them one by one in this order.
    fn remove_all(&mut self, servers: &[ServerId]) -> Result<(), RingError>;

    /// The server that owns `key`. Errors: [`RingError::NoServers`].
    fn lookup(&self, key: u64) -> Result<ServerId, RingError>;

    /// Routes `key` and records it where the algorithm keeps state (bounded loads counts it against its
    /// server's capacity). Stateless placements just look it up.
    fn assign(&mut self, key: u64) -> Result<ServerId, RingError> {
        self.lookup(key)
    }

    /// Forgets an assigned key (bounded loads frees its capacity; [`RingError::UnknownKey`] if it was not
    /// assigned). Stateless placements have nothing to forget and return `Ok`.
    fn release(&mut self, key: u64) -> Result<(), RingError> {
        let _ = key;
        Ok(())
    }

    /// The fraction of the key space each server owns, sorted by server id. Exact for the ring, Maglev and
    /// modn (they partition the hash space); the expectation for jump and rendezvous, whose partition is
    /// not a set of intervals.
    fn shares(&self) -> Vec<Share>;

    /// The vnode points on the circle, sorted by position. Empty for algorithms without a circle.
    fn points(&self) -> Vec<Point> {
        Vec::new()
    }

    /// Checks the internal invariants, returning a description of the first one broken.
    #[cfg(any(test, debug_assertions))]
    fn validate(&self) -> Result<(), String>;
}

impl<P: Placement + ?Sized> Placement for Box<P> {
    fn algo(&self) -> Algo {
        (**self).algo()
    }
    fn servers(&self) -> &[Server] {
        (**self).servers()
    }
    fn add(&mut self, server: ServerId, weight: u32) -> Result<(), RingError> {
        (**self).add(server, weight)
    }
    fn remove(&mut self, server: ServerId) -> Result<(), RingError> {
        (**self).remove(server)
    }
    fn add_all(&mut self, servers: &[Server]) -> Result<(), RingError> {
        (**self).add_all(servers)
    }
    fn remove_all(&mut self, servers: &[ServerId]) -> Result<(), RingError> {
        (**self).remove_all(servers)
    }
    fn lookup(&self, key: u64) -> Result<ServerId, RingError> {
        (**self).lookup(key)
    }
    fn assign(&mut self, key: u64) -> Result<ServerId, RingError> {
        (**self).assign(key)
    }
    fn release(&mut self, key: u64) -> Result<(), RingError> {
        (**self).release(key)
    }
    fn shares(&self) -> Vec<Share> {
        (**self).shares()
    }
    fn points(&self) -> Vec<Point> {
        (**self).points()
    }
    #[cfg(any(test, debug_assertions))]
    fn validate(&self) -> Result<(), String> {
        (**self).validate()
    }
}

/// How to build a placement of any algorithm; the defaults are the usual production choices.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config {
    pub algo: Algo,
    /// Virtual nodes per unit of weight (ring and bounded). Default 160, as in ketama.
    pub vnodes: u32,
    /// Maglev lookup-table size, a prime. Default 65 537, the paper's.
    pub table_size: u64,
    /// Bounded loads' balance factor `c ≥ 1`: no server holds more than `⌈c · mean load⌉`. Default 1.25.
    pub load_factor: f64,
}

impl Config {
    pub const fn new(algo: Algo) -> Self {
        Config {
            algo,
            vnodes: 160,
            table_size: maglev::DEFAULT_TABLE_SIZE,
            load_factor: 1.25,
        }
    }

    /// An empty placement of the configured algorithm.
    pub fn build(&self) -> Result<Box<dyn Placement>, RingError> {
        Ok(match self.algo {
            Algo::Ring => Box::new(ClassicRing::new(self.vnodes)?),
            Algo::Jump => Box::new(JumpHash::new()),
            Algo::Rendezvous => Box::new(Rendezvous::new()),
            Algo::Maglev => Box::new(Maglev::with_table_size(self.table_size)?),
            Algo::ModN => Box::new(ModN::new()),
            Algo::Bounded => Box::new(BoundedLoads::new(self.vnodes, self.load_factor)?),
        })
    }
}
