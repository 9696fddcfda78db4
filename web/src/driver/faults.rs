//! Breaking something now (a crash, a recovery, a partition, any fault): into the running simulation without
//! a restart, and into the document's fault timeline, as an undo step.

use switchyard_core::scenario::v1::{Fault, Node};

use super::document::Step;
use super::Driver;

impl Driver {
    /// Crashes `node` if it is up, recovers it if it is down, now.
    pub fn toggle_node(&mut self, node: usize) {
        let Some(sim) = &self.sim else { return };
        let Some(id) = self.doc.nodes.get(node).map(|n| n.id.clone()) else {
            return;
        };
        let at_ms = sim.now().as_millis_f64();
        self.inject(if sim.is_up(node as u32) {
            Fault::Crash { at_ms, node: id }
        } else {
            Fault::Recover { at_ms, node: id }
        });
    }

    /// Breaks something now: the fault goes into the document's timeline (so it is saved, shared and replayed
    /// by the scrubber) and into the running simulation, without restarting it. Undo takes it back out.
    pub fn inject(&mut self, fault: Fault) {
        let Some(sim) = &mut self.sim else { return };
        match sim.apply_fault(&fault) {
            Ok(()) => {
                self.undo.push(Step {
                    doc: self.doc.clone(),
                    whole: None,
                });
                self.redo.clear();
                self.preset = None;
                // Before the run starts, breaking something changes how the scenario begins: say so, since it is
                // saved and shared with the document like any timeline entry.
                if sim.now().0 == 0 {
                    self.push_log(
                        "At 0 ms this is how the run starts: it is saved in the fault timeline (Undo removes it)."
                            .to_owned(),
                    );
                }
                self.note_fault(&fault);
                self.doc.faults.push(fault);
            }
            Err(e) => self.push_log(format!("refused: {e}")),
        }
        self.drain_log();
    }

    /// Cuts the selected nodes off from the others (a partition fault now, on the timeline).
    pub fn partition_selected(&mut self) {
        let chosen = self.selection.nodes();
        let Some(sim) = &self.sim else { return };
        if chosen.is_empty() || chosen.len() == self.doc.nodes.len() {
            self.error = Some("Select some nodes, not all of them, to partition them off from the rest.".to_owned());
            return;
        }
        let (inside, outside): (Vec<_>, Vec<_>) =
            self.doc.nodes.iter().enumerate().partition(|(i, _)| chosen.contains(i));
        let ids = |v: Vec<(usize, &Node)>| v.into_iter().map(|(_, n)| n.id.clone()).collect();
        let at_ms = sim.now().as_millis_f64();
        self.inject(Fault::Partition {
            at_ms,
            groups: vec![ids(inside), ids(outside)],
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::Selection;
    use super::*;
    use switchyard_core::presets;

    /// Crashing a node before the run starts writes a crash at 0 ms into the timeline, and the event log says
    /// that it is saved with the document; later crashes say nothing extra. A partition puts the nodes on sides.
    #[test]
    fn breaking_at_time_zero_says_it_is_saved_and_a_partition_has_sides() {
        let mut d = Driver::new(true);
        d.load(2, presets::ALL[2].1);
        let saved = |d: &Driver| {
            d.snapshot()
                .log
                .iter()
                .filter(|(_, l)| l.contains("saved in the fault timeline"))
                .count()
        };
        d.toggle_node(2);
        assert!(matches!(d.doc().faults.last(), Some(Fault::Crash { at_ms, .. }) if *at_ms == 0.0));
        assert_eq!(saved(&d), 1);
        assert!(!d.snapshot().nodes[2].up);
        d.toggle_node(2);
        assert_eq!(saved(&d), 2, "recovering it at 0 ms is a start state too");
        d.step_ms(300.0);
        d.toggle_node(3);
        assert_eq!(saved(&d), 2, "a crash during the run is not narrated as a start state");
        assert!(d.snapshot().nodes.iter().all(|n| n.side.is_none()));
        d.select(Selection::Nodes([0, 1].into()));
        d.partition_selected();
        let sides: Vec<Option<u32>> = d.snapshot().nodes.iter().map(|n| n.side).collect();
        assert_eq!(&sides[..2], &[Some(0), Some(0)]);
        assert!(sides[2..].iter().all(|s| *s == Some(1)), "{sides:?}");
    }
}
