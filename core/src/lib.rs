//! Switchyard's simulation core: a deterministic, sans-IO discrete-event engine for system-design topologies.
//!
//! A run is a pure function of `(scenario, seed, commands)`. Nothing in this crate reads a clock, touches the
//! OS or a browser, or draws entropy: time is a [`SimTime`] value passed in, and every random draw comes from
//! one seeded generator ([`rng::SimRng`]).
#![forbid(unsafe_code)]

pub mod cache;
pub mod rng;
pub mod time;

pub use time::SimTime;
