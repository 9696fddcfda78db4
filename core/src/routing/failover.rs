//! Failover: always the first healthy backend in edge order. Two load balancers behind it make an
//! active/passive pair: all traffic goes to the active one until health checks mark it down.

use super::{eligible, Backend, Balancer, Pick};
use crate::rng::SimRng;

/// The first eligible backend.
#[derive(Debug)]
pub struct Failover;

impl Balancer for Failover {
    fn name(&self) -> &'static str {
        "failover"
    }
    fn pick(&mut self, _: Pick, backends: &[Backend], _: &mut SimRng) -> Option<usize> {
        eligible(backends).next()
    }
}
