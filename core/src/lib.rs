//! Switchyard's simulation core: a deterministic, sans-IO discrete-event engine for system-design topologies.
//!
//! A run is a pure function of `(scenario, seed, commands)`. Nothing in this crate reads a clock, touches the
//! OS or a browser, or draws entropy: time is a [`SimTime`] value passed in, and every random draw comes from
//! one seeded generator ([`rng::SimRng`]). The web app and the CLI are two thin drivers of [`engine::Sim`].
//!
//! The modules follow the concepts: [`scenario`] is the serialized boundary (`scenario::v1`), [`topology`] is
//! the validated graph the engine runs, [`workload`] generates arrivals and keys, [`engine`] is the event loop,
//! and [`metrics`] turns what happened into numbers. [`share`] packs a scenario into a link fragment and back;
//! [`review`] reads a topology for design advice without running it.
#![forbid(unsafe_code)]

pub mod cache;
pub mod capacity;
pub mod challenge;
pub mod dbengine;
pub mod dist;
pub mod engine;
mod figures;
pub mod history;
pub mod limits;
pub mod metrics;
pub mod node;
pub mod partition;
pub mod presets;
pub mod realtime;
pub mod resilience;
pub mod review;
pub mod ring;
pub mod rng;
pub mod routing;
pub mod scenario;
pub mod share;
pub mod time;
pub mod topology;
pub mod tour;
pub mod workload;

pub use engine::{Command, Event, Sim};
pub use scenario::{Scenario, ScenarioError};
pub use time::SimTime;
