//! Playback: play and pause, stepping, running to the end and seeking, each advancing the run in bounded
//! slices so a dense run cannot freeze the page; and the hop sampling of the request dots, with the hops of
//! autoscaling groups' instances moved onto the nodes and edges the canvas draws.

use switchyard_core::engine::{Hop, Sim};
use switchyard_core::time::SimTime;
use switchyard_core::topology::Topology;

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

/// Draws the hops from `hops[from..]` as the canvas shows the topology: a hop from or to a group's instance
/// moves onto the group's node (and so onto the edge the document declares), and a group's hand-off to one
/// of its own instances, or the answer back, is dropped (it happens inside the stack).
fn show_hops(topo: &Topology, hops: &mut Vec<Hop>, from: usize) {
    let mut k = from;
    for i in from..hops.len() {
        let mut h = hops[i];
        let (a, b) = (topo.shown(h.from), topo.shown(h.to));
        if (a, b) != (h.from, h.to) {
            if a == b {
                continue;
            }
            (h.from, h.to) = (a, b);
        }
        hops[k] = h;
        k += 1;
    }
    hops.truncate(k);
}

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
        if !self.playing {
            self.note_pause();
        }
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
        let before = self.hops.len();
        sim.drain_hops(&mut self.hops);
        show_hops(sim.topology(), &mut self.hops, before);
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
        self.tour_tick(real_dt_ms);
        let Some(sim) = &mut self.sim else { return false };
        if let Some(target) = self.seek {
            if run_until(sim, Some(target), out_of_time) {
                sim.advance_to(target);
                self.seek = None;
                sim.set_hop_sampling(if self.reduced_motion { 0 } else { self.sample_every });
                self.begin_stretch();
            }
            self.drain_log();
            return true;
        }
        let Some(sim) = &mut self.sim else { return false };
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
        let speed = self.stretch_speed.map_or(self.speed, |s| s.max(self.speed));
        let dt_ns = (real_dt_ms.clamp(0.0, MAX_FRAME_MS) * speed * 1e6) as u64;
        let mut target = SimTime(sim.now().0.saturating_add(dt_ns));
        // A tour step's stretch ends exactly at the step's time.
        if let Some(stop) = self.stop_at {
            target = target.min(stop);
        }
        if run_until(sim, Some(target), out_of_time) {
            sim.advance_to(target);
        }
        if sim.is_finished() {
            self.playing = false;
        }
        if let Some(stop) = self.stop_at {
            // A run that ends before the step's time has nothing left to do on the way: the clock goes there,
            // as a replay's would.
            if sim.is_finished() && sim.now() < stop {
                sim.advance_to(stop);
            }
            if sim.now() >= stop {
                self.arrive();
            }
        }
        let Some(sim) = &mut self.sim else { return false };
        let before = self.hops.len();
        sim.drain_hops(&mut self.hops);
        show_hops(sim.topology(), &mut self.hops, before);
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

#[cfg(test)]
mod tests {
    use super::super::Snapshot;
    use super::*;
    use switchyard_core::presets;

    /// The preset named `name`: its index and JSON text.
    fn preset(name: &str) -> (usize, &'static str) {
        let i = presets::ALL.iter().position(|p| p.0 == name).unwrap();
        (i, presets::ALL[i].1)
    }

    /// Runs frames until a seek has reached its target.
    fn finish_seek(d: &mut Driver) {
        let mut frames = 0;
        while d.snapshot().seeking {
            assert!(d.frame(16.0, &|| false));
            frames += 1;
            assert!(frames < 10_000, "the seek never arrived");
        }
    }

    /// What the panels show of the run, less what depends on how the run got there: the event log's running
    /// numbers (its lines stay), the undo history and the scrubber's reach.
    fn run_state(mut s: Snapshot) -> Snapshot {
        for line in &mut s.log {
            line.0 = 0;
        }
        (s.can_undo, s.can_redo, s.max_ms) = (false, false, 0.0);
        s
    }

    /// The document run from zero to `ms` by a driver of its own.
    fn fresh(doc: &switchyard_core::scenario::Scenario, preset: Option<(usize, &str)>, ms: f64) -> Snapshot {
        let mut d = Driver::new(true);
        match preset {
            Some((i, json)) => d.load(i, json),
            None => d.open(doc.clone()),
        }
        assert_eq!(d.doc(), doc);
        d.step_ms(ms);
        d.snapshot()
    }

    /// Seeking back to an earlier time shows the very state a run of the document from zero to that time
    /// shows; seeking forward again, within what the run reached, shows that time's state in turn.
    #[test]
    fn seeking_back_and_forth_shows_the_run_from_zero_at_that_time() {
        let (i, json) = preset("03-load-balancer");
        let mut d = Driver::new(true);
        d.load(i, json);
        d.step_ms(1500.0);
        d.step_ms(1500.0);
        let at_3000 = d.snapshot();
        assert_eq!(at_3000.now_ms, 3000.0);
        assert!(at_3000.completed > 0, "the run did something");

        d.seek(1200.0);
        assert!(d.snapshot().seeking);
        finish_seek(&mut d);
        let back = d.snapshot();
        assert_eq!(back.now_ms, 1200.0);
        assert_eq!(back.max_ms, 3000.0, "the scrubber still reaches as far as the run did");
        assert!(back.completed < at_3000.completed);
        assert_eq!(run_state(back), run_state(fresh(d.doc(), Some((i, json)), 1200.0)));

        d.seek(2500.0);
        finish_seek(&mut d);
        let forward = d.snapshot();
        assert_eq!(forward.now_ms, 2500.0);
        assert_eq!(run_state(forward), run_state(fresh(d.doc(), Some((i, json)), 2500.0)));

        d.seek(10_000.0);
        finish_seek(&mut d);
        assert_eq!(
            run_state(d.snapshot()),
            run_state(at_3000),
            "a seek goes no further than the run has reached"
        );
    }

    /// A fault broken in during the run is in the document's timeline, so seeking back to before it and
    /// forward past it replays it: the state is a fresh run's of the document with that fault.
    #[test]
    fn seeking_replays_faults_broken_in_live() {
        let (i, json) = preset("12-partition-cp");
        let mut d = Driver::new(true);
        d.load(i, json);
        d.step_ms(800.0);
        let faults = d.doc().faults.len();
        let db4 = d.doc().nodes.iter().position(|n| n.id == "db4").unwrap();
        d.toggle_node(db4);
        assert_eq!(d.doc().faults.len(), faults + 1);
        assert!(!d.snapshot().nodes[db4].up);
        d.step_ms(1200.0);
        let at_2000 = d.snapshot();

        d.seek(500.0);
        finish_seek(&mut d);
        let before_it = d.snapshot();
        assert!(before_it.nodes[db4].up, "before the crash the node is up");
        assert_eq!(run_state(before_it), run_state(fresh(d.doc(), None, 500.0)));

        d.seek(2000.0);
        finish_seek(&mut d);
        let after_it = d.snapshot();
        assert!(!after_it.nodes[db4].up, "the crash is replayed");
        assert_eq!(run_state(after_it.clone()), run_state(fresh(d.doc(), None, 2000.0)));
        assert_eq!(
            (after_it.issued, after_it.completed, after_it.failed),
            (at_2000.issued, at_2000.completed, at_2000.failed),
            "the replay is the run that was live"
        );
    }
}
