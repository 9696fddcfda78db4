//! Playback: play and pause, stepping, running to the end and seeking, each advancing the run in bounded
//! slices so a dense run cannot freeze the page; and the hop sampling of the request dots.

use switchyard_core::engine::{Hop, Sim};
use switchyard_core::time::SimTime;

use super::Driver;

/// The most events processed in one animation frame; the frame's time budget usually stops it sooner.
pub const EVENTS_PER_FRAME: u64 = 200_000;
/// Aim for at most this many dots in flight; sampling coarsens beyond it.
const MAX_DOTS: usize = 16_000;
/// A frame longer than this (a background tab) counts as this long.
const MAX_FRAME_MS: f64 = 100.0;

/// Playback speeds offered, as multiples of real time.
pub const SPEEDS: [f64; 10] = [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 50.0, 100.0, 1000.0];
pub const DEFAULT_SPEED: f64 = 0.2;

/// Events processed between two looks at the clock.
const CHUNK: u64 = 512;

/// Runs events due by `target` (every event, when `None`) in chunks until none is left — then returns true —
/// or the frame is out of time, or [`EVENTS_PER_FRAME`] ran.
fn run_until(sim: &mut Sim, target: Option<SimTime>, out_of_time: &dyn Fn() -> bool) -> bool {
    let mut ran = 0;
    loop {
        let mut n = 0;
        while n < CHUNK && sim.next_wakeup().is_some_and(|t| target.is_none_or(|g| t <= g)) {
            sim.step();
            n += 1;
        }
        ran += n;
        if n < CHUNK {
            return true;
        }
        if ran >= EVENTS_PER_FRAME || out_of_time() {
            return false;
        }
    }
}

impl Driver {
    pub fn toggle_play(&mut self) {
        if self.sim.as_ref().is_none_or(Sim::is_finished) {
            self.playing = false;
            return;
        }
        self.playing = !self.playing;
        self.fast_forward = false;
    }

    /// Processes exactly one event, paused.
    pub fn step_event(&mut self) {
        self.playing = false;
        let Some(sim) = &mut self.sim else { return };
        sim.step();
        self.collect_hops();
    }

    /// Advances virtual time by `ms`, paused (bounded like a frame, so a dense run cannot freeze the page).
    pub fn step_ms(&mut self, ms: f64) {
        self.playing = false;
        let Some(sim) = &mut self.sim else { return };
        let target = SimTime(sim.now().0.saturating_add((ms * 1e6) as u64));
        let mut budget = EVENTS_PER_FRAME;
        while budget > 0 && sim.next_wakeup().is_some_and(|t| t <= target) {
            sim.step();
            budget -= 1;
        }
        if budget > 0 {
            sim.advance_to(target);
        }
        self.collect_hops();
    }

    fn collect_hops(&mut self) {
        self.touch();
        let Some(sim) = &mut self.sim else { return };
        sim.drain_hops(&mut self.hops);
        let now = sim.now();
        self.hops.retain(|h| h.arrive > now);
        self.drain_log();
    }

    pub fn run_to_end(&mut self) {
        if self.sim.as_ref().is_some_and(|s| !s.is_finished()) {
            self.fast_forward = true;
            self.playing = false;
            self.hops.clear();
            if let Some(sim) = &mut self.sim {
                sim.set_hop_sampling(0);
            }
        }
    }

    /// Jumps to virtual time `ms` of this run: forward by running without animation, backward by replaying
    /// the document from zero (the run is deterministic, and live faults are in the document's timeline).
    pub fn seek(&mut self, ms: f64) {
        let Some(sim) = &self.sim else { return };
        let target = SimTime::from_millis_f64(ms.clamp(0.0, self.max_seen_ms.max(0.0)));
        if target < sim.now() {
            let keep = self.max_seen_ms;
            self.rebuild_run();
            self.max_seen_ms = keep;
        }
        self.playing = false;
        self.fast_forward = false;
        self.hops.clear();
        self.seek = Some(target);
        if let Some(sim) = &mut self.sim {
            sim.set_hop_sampling(0);
        }
    }

    /// Advances by one animation frame of `real_dt_ms`. Returns true if anything changed.
    /// `out_of_time` says when this frame's time budget is spent: events run in small chunks until the run
    /// reaches its target or the budget ends, so a slow machine (or a huge scenario) lags in virtual time
    /// instead of freezing the page.
    pub fn frame(&mut self, real_dt_ms: f64, out_of_time: &dyn Fn() -> bool) -> bool {
        let Some(sim) = &mut self.sim else { return false };
        if let Some(target) = self.seek {
            if run_until(sim, Some(target), out_of_time) {
                sim.advance_to(target);
                self.seek = None;
                sim.set_hop_sampling(if self.reduced_motion { 0 } else { self.sample_every });
            }
            self.drain_log();
            return true;
        }
        if self.fast_forward {
            run_until(sim, None, out_of_time);
            if sim.is_finished() {
                self.fast_forward = false;
                sim.set_hop_sampling(if self.reduced_motion { 0 } else { self.sample_every });
            }
            self.drain_log();
            return true;
        }
        if !self.playing {
            return false;
        }
        let dt_ns = (real_dt_ms.clamp(0.0, MAX_FRAME_MS) * self.speed * 1e6) as u64;
        let target = SimTime(sim.now().0.saturating_add(dt_ns));
        if run_until(sim, Some(target), out_of_time) {
            sim.advance_to(target);
        }
        if sim.is_finished() {
            self.playing = false;
        }
        let before = self.hops.len();
        sim.drain_hops(&mut self.hops);
        let fresh = self.hops.len() - before;
        let now = sim.now();
        self.hops.retain(|h| h.arrive > now);
        self.tune_sampling(fresh);
        self.drain_log();
        true
    }

    /// Coarsens the hop sampling when too many dots are in flight (or arrive per frame), refines it when few.
    fn tune_sampling(&mut self, fresh: usize) {
        if self.reduced_motion {
            return;
        }
        let Some(sim) = &mut self.sim else { return };
        let in_flight = self.hops.len();
        let every = if in_flight > MAX_DOTS || fresh > 10 * MAX_DOTS {
            self.sample_every.saturating_mul(2)
        } else if in_flight < MAX_DOTS / 8 && fresh < MAX_DOTS && self.sample_every > 1 {
            self.sample_every / 2
        } else {
            self.sample_every
        };
        if every != self.sample_every {
            self.sample_every = every;
            sim.set_hop_sampling(every);
        }
    }

    /// The hops in flight and the virtual time, for the dot renderer.
    pub fn dots(&self) -> (&[Hop], SimTime) {
        match &self.sim {
            Some(sim) if !self.reduced_motion && !self.fast_forward => (&self.hops, sim.now()),
            _ => (&[], SimTime::ZERO),
        }
    }
}
