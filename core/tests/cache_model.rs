//! Model-based property tests for every eviction policy: random sequences of `get`, `insert` (with and
//! without a deadline), `remove`, `access` and clock ticks, in object and byte mode, checked after every
//! operation against
//!
//! - the invariants: `used <= capacity`, `validate()`, and a shadow of the resident set rebuilt from the
//!   reports alone (so every eviction is reported, exactly once, and nothing else leaves or stays);
//! - for FIFO, LIFO, LRU, MRU, LFU, CLOCK and SIEVE, a naive `Vec` reference whose hits, admissions and evictions
//!   must match exactly;
//! - for Belady's optimal, on lookup-only traces, at least as many hits as every other policy.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::num::NonZeroU64;

use proptest::prelude::*;
use switchyard_core::cache::{build, Access, Belady, Capacity, Evicted, Eviction, Policy, Unit};
use switchyard_core::SimTime;

const KEYS: u64 = 8;
const MAX_SIZE: u32 = 4;

#[derive(Clone, Debug)]
enum Op {
    Get(u64),
    Insert(u64, u32, Option<u64>),
    Remove(u64),
    Access(u64, u32),
    Tick(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (0..KEYS).prop_map(Op::Get),
        2 => (0..KEYS, 1..=MAX_SIZE, prop::option::of(1..=4u64)).prop_map(|(k, s, t)| Op::Insert(k, s, t)),
        1 => (0..KEYS).prop_map(Op::Remove),
        4 => (0..KEYS, 1..=MAX_SIZE).prop_map(|(k, s)| Op::Access(k, s)),
        1 => (1..=3u64).prop_map(Op::Tick),
    ]
}

fn capacity() -> impl Strategy<Value = Capacity> {
    prop_oneof![
        (1..=5u64).prop_map(|n| Capacity::objects(NonZeroU64::new(n).unwrap())),
        (1..=10u64).prop_map(|n| Capacity::bytes(NonZeroU64::new(n).unwrap())),
    ]
}

/// What one operation returned: hit (or removed), admitted, and the eviction report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Outcome {
    hit: bool,
    admitted: bool,
    evicted: Vec<Evicted>,
}

fn apply(cache: &mut dyn Eviction, op: &Op, now: SimTime) -> Outcome {
    let out = match *op {
        Op::Get(k) => Outcome {
            hit: cache.get(k, now),
            admitted: false,
            evicted: cache.evicted().to_vec(),
        },
        Op::Insert(k, size, ttl) => {
            let r = cache.insert(k, size, ttl.map(|t| now + t), now);
            Outcome {
                admitted: r.admitted,
                evicted: r.evicted.to_vec(),
                ..Outcome::default()
            }
        }
        Op::Remove(k) => Outcome {
            hit: cache.remove(k),
            admitted: false,
            evicted: cache.evicted().to_vec(),
        },
        Op::Access(k, size) => match cache.access(k, size, now) {
            Access::Hit => Outcome {
                hit: true,
                ..Outcome::default()
            },
            Access::Miss { admitted, evicted } => Outcome {
                admitted,
                evicted: evicted.to_vec(),
                ..Outcome::default()
            },
        },
        Op::Tick(_) => return Outcome::default(),
    };
    assert_eq!(
        cache.evicted(),
        &out.evicted[..],
        "evicted() disagrees with the returned report"
    );
    out
}

/// The keys whose lookups make up the request trace (for Belady).
fn lookups(ops: &[Op]) -> Vec<u64> {
    ops.iter()
        .filter_map(|op| match *op {
            Op::Get(k) | Op::Access(k, _) => Some(k),
            _ => None,
        })
        .collect()
}

fn make(policy: Policy, capacity: Capacity, ops: &[Op]) -> Box<dyn Eviction> {
    match policy {
        Policy::Belady => Box::new(Belady::new(lookups(ops), capacity).unwrap()),
        online => build(online, capacity, 7).unwrap(),
    }
}

/// The resident set as the reports describe it: key -> (cost, deadline).
#[derive(Default)]
struct Shadow(BTreeMap<u64, (u64, SimTime)>);

fn expired(deadline: SimTime, now: SimTime) -> bool {
    deadline != SimTime::MAX && now >= deadline
}

impl Shadow {
    fn live(&self, key: u64, now: SimTime) -> bool {
        self.0.get(&key).is_some_and(|&(_, d)| !expired(d, now))
    }

    /// Checks `out` against the shadow and applies it.
    fn step(&mut self, cap: Capacity, op: &Op, now: SimTime, out: &Outcome) -> Result<(), String> {
        let key = match *op {
            Op::Get(k) | Op::Insert(k, ..) | Op::Remove(k) | Op::Access(k, _) => k,
            Op::Tick(_) => return Ok(()),
        };
        let was_live = self.live(key, now);
        for e in &out.evicted {
            let Some((_, deadline)) = self.0.remove(&e.key) else {
                return Err(format!("{op:?}: reported eviction of non-resident {e:?}"));
            };
            if e.expired != expired(deadline, now) || (!e.expired && e.key == key) {
                return Err(format!(
                    "{op:?}: wrong report {e:?} (deadline {deadline:?}, now {now:?})"
                ));
            }
        }
        match *op {
            Op::Get(_) | Op::Access(..) if out.hit != was_live => {
                return Err(format!("{op:?}: hit {} but shadow says live {was_live}", out.hit));
            }
            Op::Remove(_) if out.hit != self.0.remove(&key).is_some() => {
                return Err(format!("{op:?}: remove said {}", out.hit));
            }
            Op::Insert(_, size, ttl) => {
                self.0.remove(&key);
                if out.admitted {
                    let deadline = ttl.map_or(SimTime::MAX, |t| now + t);
                    self.0.insert(key, (u64::from(cap.cost(size)), deadline));
                }
            }
            Op::Access(_, size) if !out.hit => {
                if out.admitted {
                    self.0.insert(key, (u64::from(cap.cost(size)), SimTime::MAX));
                } else if self.0.contains_key(&key) {
                    return Err(format!("{op:?}: missed and not admitted, yet still resident"));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn check(&self, cache: &dyn Eviction, now: SimTime) -> Result<(), String> {
        let used: u64 = self.0.values().map(|&(c, _)| c).sum();
        if cache.len() != self.0.len() || cache.used() != used {
            return Err(format!(
                "len {} used {}, shadow {} / {used}",
                cache.len(),
                cache.used(),
                self.0.len()
            ));
        }
        for k in 0..KEYS {
            if cache.contains(k, now) != self.live(k, now) {
                return Err(format!("contains({k}) is {}", cache.contains(k, now)));
            }
        }
        Ok(())
    }
}

/// Runs `ops` on `policy`, checking the invariants and the shadow after every operation; returns the
/// outcomes.
fn run(policy: Policy, cap: Capacity, ops: &[Op]) -> Result<Vec<Outcome>, TestCaseError> {
    let mut cache = make(policy, cap, ops);
    let mut shadow = Shadow::default();
    let mut now = SimTime::ZERO;
    let mut outcomes = Vec::with_capacity(ops.len());
    for (i, op) in ops.iter().enumerate() {
        if let Op::Tick(dt) = *op {
            now = now + dt;
        }
        let out = apply(cache.as_mut(), op, now);
        let fail = |why: String| TestCaseError::fail(format!("{policy} {cap} op {i} {op:?}: {why}"));
        prop_assert!(cache.used() <= cap.limit(), "used {} > {}", cache.used(), cap.limit());
        cache.validate().map_err(fail)?;
        shadow.step(cap, op, now, &out).map_err(fail)?;
        shadow.check(cache.as_ref(), now).map_err(fail)?;
        outcomes.push(out);
    }
    Ok(outcomes)
}

/// The naive reference: entries in a `Vec`, front = oldest (insertion or recency order per policy).
struct Naive {
    policy: Policy,
    cap: Capacity,
    used: u64,
    tick: u64,
    entries: Vec<Entry>,
    /// SIEVE's hand: the index where the next sweep starts (`None`: the oldest).
    hand: Option<usize>,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    key: u64,
    size: u32,
    deadline: SimTime,
    freq: u64,
    last_use: u64,
    referenced: bool,
}

impl Naive {
    fn new(policy: Policy, cap: Capacity) -> Self {
        Naive {
            policy,
            cap,
            used: 0,
            tick: 0,
            entries: Vec::new(),
            hand: None,
        }
    }

    fn cost(&self, size: u32) -> u64 {
        u64::from(self.cap.cost(size))
    }

    fn take(&mut self, at: usize) -> Entry {
        let e = self.entries.remove(at);
        self.hand = match self.hand {
            Some(h) if h > at => Some(h - 1),
            Some(h) if h == at && at == self.entries.len() => None,
            hand => hand,
        };
        self.used -= self.cost(e.size);
        e
    }

    fn touch(&mut self, at: usize) {
        self.tick += 1;
        let tick = self.tick;
        let e = &mut self.entries[at];
        e.freq += 1;
        e.last_use = tick;
        e.referenced = true;
        if matches!(self.policy, Policy::Lru | Policy::Mru) {
            let e = self.entries.remove(at);
            self.entries.push(e);
        }
    }

    fn victim(&mut self) -> usize {
        match self.policy {
            Policy::Fifo | Policy::Lru => 0,
            Policy::Lifo | Policy::Mru => self.entries.len() - 1,
            Policy::Lfu => (0..self.entries.len())
                .min_by_key(|&i| (self.entries[i].freq, self.entries[i].last_use))
                .unwrap(),
            Policy::Sieve => {
                let mut at = self.hand.unwrap_or(0);
                while self.entries[at].referenced {
                    self.entries[at].referenced = false;
                    at = (at + 1) % self.entries.len();
                }
                self.hand = Some(at);
                at
            }
            Policy::Clock => loop {
                if !self.entries[0].referenced {
                    break 0;
                }
                let mut e = self.entries.remove(0);
                e.referenced = false;
                self.entries.push(e);
            },
            other => unreachable!("no reference for {other}"),
        }
    }

    /// Finds `key`, dropping (and reporting) it if expired.
    fn find(&mut self, key: u64, now: SimTime, out: &mut Outcome) -> Option<usize> {
        let at = self.entries.iter().position(|e| e.key == key)?;
        if expired(self.entries[at].deadline, now) {
            let e = self.take(at);
            out.evicted.push(Evicted {
                key,
                size: e.size,
                expired: true,
            });
            return None;
        }
        Some(at)
    }

    fn put_absent(&mut self, key: u64, size: u32, deadline: SimTime, now: SimTime, out: &mut Outcome) {
        let cost = self.cost(size);
        if cost > self.cap.limit() {
            return;
        }
        while self.used + cost > self.cap.limit() {
            let at = self.victim();
            let e = self.take(at);
            out.evicted.push(Evicted {
                key: e.key,
                size: e.size,
                expired: expired(e.deadline, now),
            });
        }
        self.tick += 1;
        self.entries.push(Entry {
            key,
            size,
            deadline,
            freq: 1,
            last_use: self.tick,
            referenced: false,
        });
        self.used += cost;
        out.admitted = true;
    }

    fn apply(&mut self, op: &Op, now: SimTime) -> Outcome {
        let mut out = Outcome::default();
        match *op {
            Op::Get(k) => {
                if let Some(at) = self.find(k, now, &mut out) {
                    self.touch(at);
                    out.hit = true;
                }
            }
            Op::Access(k, size) => match self.find(k, now, &mut out) {
                Some(at) => {
                    self.touch(at);
                    out.hit = true;
                }
                None => self.put_absent(k, size, SimTime::MAX, now, &mut out),
            },
            Op::Insert(k, size, ttl) => {
                let deadline = ttl.map_or(SimTime::MAX, |t| now + t);
                match self.find(k, now, &mut out) {
                    Some(at) if self.cost(self.entries[at].size) == self.cost(size) => {
                        self.entries[at].size = size;
                        self.entries[at].deadline = deadline;
                        self.touch(at);
                        out.admitted = true;
                    }
                    found => {
                        if let Some(at) = found {
                            self.take(at);
                        }
                        self.put_absent(k, size, deadline, now, &mut out);
                    }
                }
            }
            Op::Remove(k) => {
                if let Some(at) = self.entries.iter().position(|e| e.key == k) {
                    self.take(at);
                    out.hit = true;
                }
            }
            Op::Tick(_) => {}
        }
        out
    }
}

fn check_policy(policy: Policy, cap: Capacity, ops: &[Op], with_reference: bool) -> Result<(), TestCaseError> {
    let outcomes = run(policy, cap, ops)?;
    if with_reference {
        let mut naive = Naive::new(policy, cap);
        let mut now = SimTime::ZERO;
        for (i, (op, got)) in ops.iter().zip(&outcomes).enumerate() {
            if let Op::Tick(dt) = *op {
                now = now + dt;
            }
            let want = naive.apply(op, now);
            prop_assert_eq!(got, &want, "{} {} op {} {:?}", policy, cap, i, op);
        }
    }
    Ok(())
}

macro_rules! policy_model_tests {
    ($($test:ident: $policy:expr, $reference:expr;)*) => {
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]
            $(
                #[test]
                fn $test(cap in capacity(), ops in prop::collection::vec(op(), 1..120)) {
                    check_policy($policy, cap, &ops, $reference)?;
                }
            )*
        }
    };
}

policy_model_tests! {
    fifo_matches_reference: Policy::Fifo, true;
    lifo_matches_reference: Policy::Lifo, true;
    lru_matches_reference: Policy::Lru, true;
    mru_matches_reference: Policy::Mru, true;
    lfu_matches_reference: Policy::Lfu, true;
    clock_matches_reference: Policy::Clock, true;
    random_keeps_invariants: Policy::Random, false;
    sieve_matches_reference: Policy::Sieve, true;
    s3fifo_keeps_invariants: Policy::S3Fifo, false;
    arc_keeps_invariants: Policy::Arc, false;
    tinylfu_keeps_invariants: Policy::TinyLfu, false;
    belady_keeps_invariants: Policy::Belady, false;
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// On a lookup-only trace in object mode no policy gets more hits than Belady's optimal.
    #[test]
    fn belady_is_never_beaten(limit in 1..=6u64, keys in prop::collection::vec(0..10u64, 1..200)) {
        let cap = Capacity::objects(NonZeroU64::new(limit).unwrap());
        let ops: Vec<Op> = keys.iter().map(|&k| Op::Access(k, 1)).collect();
        let hits = |policy| -> Result<usize, TestCaseError> {
            Ok(run(policy, cap, &ops)?.iter().filter(|o| o.hit).count())
        };
        let optimal = hits(Policy::Belady)?;
        for policy in Policy::ALL {
            let other = hits(policy)?;
            prop_assert!(other <= optimal, "{} got {} hits, Belady {}", policy, other, optimal);
        }
    }
}

#[test]
fn capacity_units_and_costs() {
    let objects = Capacity::new(3, Unit::Objects).unwrap();
    let bytes = Capacity::new(3, Unit::Bytes).unwrap();
    assert_eq!((objects.cost(100), bytes.cost(100), bytes.cost(0)), (1, 100, 1));
    assert_eq!(
        Capacity::new(0, Unit::Bytes),
        Err(switchyard_core::cache::CacheError::ZeroCapacity)
    );
}
