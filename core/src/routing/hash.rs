//! Hash routing: by the client's address (IP hash: every request of one client lands on one backend, which is
//! also why a NAT'd office overloads one server) or by the request's key (URL hash: each object has one home,
//! so per-server caches stay hot). Both are `hash mod eligible`, so a change in membership remaps most keys;
//! the consistent-hash strategies fix that.

use super::{nth_eligible, Backend, Balancer, Pick};
use crate::rng::{mix64, SimRng};

/// By the client's id.
#[derive(Debug)]
pub struct SourceHash;

impl Balancer for SourceHash {
    fn name(&self) -> &'static str {
        "source_hash"
    }
    fn pick(&mut self, req: Pick, backends: &[Backend], _: &mut SimRng) -> Option<usize> {
        nth_eligible(backends, mix64(req.source ^ 0x5157))
    }
}

/// By the request's key.
#[derive(Debug)]
pub struct KeyHash;

impl Balancer for KeyHash {
    fn name(&self) -> &'static str {
        "key_hash"
    }
    fn pick(&mut self, req: Pick, backends: &[Backend], _: &mut SimRng) -> Option<usize> {
        nth_eligible(backends, mix64(req.key))
    }
}
