//! The document's edits and their history: every edit is one undo step; an edit that only moves nodes
//! redraws and lets the run go on, any other rebuilds the run from time zero.

use switchyard_core::scenario::{edit, params, Scenario};

use super::camera::Camera;
use super::selection::Selection;
use super::Driver;

/// The most undo steps kept.
const UNDO_DEPTH: usize = 200;

/// One undo (or redo) step: the document as it was. A step that replaced the whole document (a preset, New,
/// an imported file, a pasted link) also keeps the preset it came from and the camera that showed it, so
/// that undoing it brings the previous work back as it was on screen.
pub(super) struct Step {
    pub(super) doc: Scenario,
    pub(super) whole: Option<(Option<usize>, Camera)>,
}

impl Driver {
    /// Applies an edit to the document as one undo step; a refused edit changes nothing and says why.
    pub fn edit(&mut self, f: impl FnOnce(&mut Scenario, &mut Selection) -> Result<(), String>) {
        let before = self.doc.clone();
        let mut selection = self.selection.clone();
        match f(&mut self.doc, &mut selection) {
            Ok(()) if self.doc != before => {
                let moved = moved_only(&before, &self.doc);
                self.push_undo(Step {
                    doc: before,
                    whole: None,
                });
                self.preset = None;
                self.selection = selection;
                self.clamp_selection();
                if self.sim.is_some() && moved {
                    // Moving nodes changes the picture, not the model: the run goes on where it is.
                    self.relayout();
                } else {
                    let was_at = self.sim.as_ref().map(|s| s.now().as_millis_f64()).filter(|t| *t > 0.0);
                    self.rebuild();
                    if let Some(t) = was_at {
                        self.push_log(format!(
                            "The scenario changed at {:.1} s, so the run restarted from 0 with it.",
                            t / 1e3
                        ));
                    }
                }
            }
            Ok(()) => self.selection = selection,
            Err(e) => {
                self.doc = before;
                self.error = Some(e);
            }
        }
    }

    pub fn undo(&mut self) {
        // Undo is about the document's history: a tour playing is left first.
        self.exit_tour();
        if let Some(step) = self.undo.pop() {
            let back = self.restore(step);
            self.redo.push(back);
        }
    }

    pub fn redo(&mut self) {
        if let Some(step) = self.redo.pop() {
            let back = self.restore(step);
            self.undo.push(back);
        }
    }

    /// Puts back the document of `step` (and, for a whole-document step, its preset and camera); returns the
    /// step that undoes this.
    fn restore(&mut self, step: Step) -> Step {
        let back = Step {
            doc: std::mem::replace(&mut self.doc, step.doc),
            whole: step.whole.map(|_| (self.preset, self.camera)),
        };
        if let Some((preset, camera)) = step.whole {
            self.preset = preset;
            self.camera = camera;
            self.selection = Selection::None;
        }
        self.clamp_selection();
        self.rebuild();
        back
    }

    /// Makes databases `node` and `other` replicate together, or not.
    pub fn set_replicates(&mut self, node: usize, other: usize, on: bool) {
        self.edit(|doc, _| edit::set_replicates(doc, node, other, on).map_err(|e| e.to_string()));
    }

    /// Sets one parameter of a cluster.
    pub fn set_cluster_param(&mut self, cluster: usize, key: &str, value: Option<serde_json::Value>) {
        self.edit(|doc, _| {
            let c = doc.clusters.get_mut(cluster).ok_or("no such cluster")?;
            *c = edit::set_cluster(c, key, value).map_err(|e| format!("{}: {e}", c.id))?;
            Ok(())
        });
    }

    /// Connects two nodes. The new edge is selected, unless the source alone was selected (connecting one node
    /// to several in a row keeps it selected).
    pub fn connect(&mut self, from: usize, to: usize) {
        let keep = self.selection == Selection::Nodes([from].into());
        self.edit(|doc, sel| {
            let e = edit::connect(doc, from, to).map_err(|e| e.to_string())?;
            if !keep {
                *sel = Selection::Edge(e);
            }
            Ok(())
        });
    }

    pub fn move_selected(&mut self, dx: f64, dy: f64) {
        let nodes = self.selection.nodes();
        if nodes.is_empty() {
            return;
        }
        self.edit(|doc, _| {
            edit::move_nodes(doc, &nodes, dx, dy);
            Ok(())
        });
    }

    pub fn delete_selected(&mut self) {
        match self.selection.clone() {
            Selection::Nodes(nodes) => self.edit(|doc, sel| {
                edit::remove_nodes(doc, &nodes);
                *sel = Selection::None;
                Ok(())
            }),
            Selection::Edge(e) => self.edit(|doc, sel| {
                edit::remove_edge(doc, e).map_err(|e| e.to_string())?;
                *sel = Selection::None;
                Ok(())
            }),
            Selection::None => {}
        }
    }

    /// Sets one parameter of a node's spec.
    pub fn set_node_param(&mut self, node: usize, key: &str, value: Option<serde_json::Value>) {
        let before = self.doc.nodes.get(node).map(|n| n.spec.clone());
        let noted = value.clone();
        self.edit(|doc, _| {
            let n = doc.nodes.get_mut(node).ok_or("no such node")?;
            n.spec = params::set(&n.spec, key, value).map_err(|e| format!("{}: {e}", n.id))?;
            Ok(())
        });
        if self.doc.nodes.get(node).map(|n| &n.spec) != before.as_ref() {
            self.note_param(Some(node), key, noted.as_ref());
            self.resume_recording_time();
        }
    }

    pub fn set_edge_param(&mut self, edge: usize, key: &str, value: Option<serde_json::Value>) {
        self.edit(|doc, _| {
            let e = doc.edges.get_mut(edge).ok_or("no such edge")?;
            *e = params::set(e, key, value)?;
            Ok(())
        });
    }

    pub fn set_scenario_param(&mut self, key: &str, value: Option<serde_json::Value>) {
        let before = self.doc.clone();
        let noted = value.clone();
        self.edit(|doc, _| {
            *doc = params::set(doc, key, value)?;
            Ok(())
        });
        if self.doc != before {
            self.note_param(None, key, noted.as_ref());
            self.resume_recording_time();
        }
    }

    /// Fills the document's clients from a sizing (`capacity::apply`: their rates add up to the plan's peak, the
    /// read mix follows the ratio) and keeps the sizing in the document: one undo step; bad inputs change
    /// nothing and say why.
    pub fn apply_sizing(&mut self, sizing: &switchyard_core::capacity::Sizing) {
        self.edit(|doc, _| {
            switchyard_core::capacity::apply(doc, sizing)
                .map(|_| ())
                .map_err(|e| e.to_string())
        });
    }

    pub fn set_label(&mut self, node: usize, label: String) {
        self.edit(|doc, _| {
            let n = doc.nodes.get_mut(node).ok_or("no such node")?;
            n.label = (!label.trim().is_empty()).then_some(label);
            Ok(())
        });
    }

    /// A new undo step (the oldest beyond [`UNDO_DEPTH`] goes); a new edit ends what redo could bring back.
    pub(super) fn push_undo(&mut self, step: Step) {
        self.undo.push(step);
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    pub fn doc(&self) -> &Scenario {
        &self.doc
    }
}

/// True when `b` is `a` with only node positions changed.
fn moved_only(a: &Scenario, b: &Scenario) -> bool {
    a.nodes.len() == b.nodes.len() && {
        let mut b = b.clone();
        for (n, was) in b.nodes.iter_mut().zip(&a.nodes) {
            (n.x, n.y) = (was.x, was.y);
        }
        b == *a
    }
}

#[cfg(test)]
mod tests {
    use super::super::{chain, CELL};
    use super::*;
    use switchyard_core::presets;

    /// Filling the clients from a sizing is one undoable edit: the clients send the plan's peak, the sizing is
    /// kept, and Undo brings the old rates back. A bad sizing changes nothing and says why.
    #[test]
    fn apply_sizing_fills_the_clients_as_one_undo_step() {
        use switchyard_core::capacity::{self, Sizing};
        let mut d = Driver::new(true);
        let i = presets::ALL.iter().position(|p| p.0 == "100-url-shortener").unwrap();
        d.load(i, presets::ALL[i].1);
        let before = d.doc.clone();
        let sizing = Sizing {
            daily_active_users: 1_728_000.0,
            ..before.sizing.clone().unwrap()
        };
        d.apply_sizing(&sizing);
        assert_eq!(d.doc.sizing.as_ref(), Some(&sizing));
        let rate = capacity::nominal_rps(&d.doc.workload.arrival);
        assert!(
            (rate - capacity::plan(&sizing).peak_rps).abs() < 1e-6 && (rate - 1_200.0).abs() < 1e-6,
            "{rate}"
        );
        assert!(d.snapshot().can_undo);
        d.undo();
        assert_eq!(d.doc, before);
        d.apply_sizing(&Sizing {
            peak_factor: 0.0,
            ..sizing
        });
        assert_eq!(d.doc, before, "a refused sizing changes nothing");
        assert!(
            d.error.as_deref().is_some_and(|e| e.contains("sizing.peak_factor")),
            "{:?}",
            d.error
        );
    }

    /// Moving a node while a run plays keeps the run where it is; changing the model restarts it, and the
    /// event log says so.
    #[test]
    fn moving_keeps_the_run_and_a_change_of_model_restarts_it_saying_so() {
        let mut d = Driver::new(true);
        d.load(0, presets::ALL[0].1);
        d.step_ms(500.0);
        let at = d.snapshot().now_ms;
        assert!(at >= 500.0, "the run advanced: {at}");
        d.select(Selection::Nodes([0].into()));
        d.move_selected(40.0, 0.0);
        let v = d.snapshot();
        assert_eq!(v.now_ms, at, "a move keeps the run's time");
        assert!(v.can_undo, "the move is an undo step");
        assert!(!v.log.iter().any(|(_, l)| l.contains("restarted")));
        d.set_node_param(1, "workers", Some(serde_json::json!(3)));
        let v = d.snapshot();
        assert_eq!(v.now_ms, 0.0, "a change of model restarts the run");
        assert!(
            v.log
                .iter()
                .any(|(_, l)| l.starts_with("The scenario changed at ") && l.ends_with("restarted from 0 with it.")),
            "{:?}",
            v.log
        );
    }

    /// The inspector's replication edits are undo steps like any other.
    #[test]
    fn replication_edits_are_undoable() {
        let mut d = Driver::new(true);
        d.new_blank();
        d.add_node("client", Some((0.0, 0.0)));
        d.add_node("database", Some((CELL.0, 0.0)));
        d.add_node("database", Some((CELL.0, CELL.1)));
        d.connect(0, 1);
        let before = d.doc().clone();
        d.set_replicates(1, 2, true);
        assert_eq!(d.doc().clusters.len(), 1);
        d.set_cluster_param(0, "mode", Some(serde_json::json!("sync")));
        assert_eq!(
            d.doc().clusters[0].mode,
            switchyard_core::scenario::v1::ReplicationMode::Sync
        );
        d.set_replicates(1, 2, false);
        assert!(d.doc().clusters.is_empty(), "two databases, one leaves: no cluster");
        d.set_replicates(1, 0, true);
        assert!(d.snapshot().error.is_some_and(|e| e.contains("not a database")));
        for _ in 0..3 {
            d.undo();
        }
        assert_eq!(d.doc(), &before);
    }

    /// Each edit leaves the document as core's own edit would, selects what it made, and the run is rebuilt
    /// from the result (its topology has the new nodes, parameters and labels).
    #[test]
    fn edits_are_cores_edits_and_the_run_is_rebuilt_from_them() {
        let mut d = Driver::new(true);
        d.new_blank();
        let mut want = d.doc().clone();
        for (k, kind) in ["client", "service", "database"].into_iter().enumerate() {
            let at = (k as f64 * CELL.0, 0.0);
            d.add_node(kind, Some(at));
            let i = edit::add_node(&mut want, kind, at.0, at.1).unwrap();
            assert_eq!(d.doc(), &want, "after adding a {kind}");
            assert_eq!(d.selection(), &Selection::Nodes([i].into()));
        }
        for (from, to) in [(0, 1), (1, 2)] {
            d.connect(from, to);
            let e = edit::connect(&mut want, from, to).unwrap();
            assert_eq!(d.doc(), &want);
            assert_eq!(d.selection(), &Selection::Edge(e));
        }
        assert!(d.snapshot().runnable, "{:?}", d.snapshot().problems);

        d.set_node_param(1, "workers", Some(serde_json::json!(7)));
        want.nodes[1].spec = params::set(&want.nodes[1].spec, "workers", Some(serde_json::json!(7))).unwrap();
        assert_eq!(d.doc(), &want);
        d.set_label(1, "API".to_owned());
        want.nodes[1].label = Some("API".to_owned());
        assert_eq!(d.doc(), &want);
        d.set_edge_param(0, "loss", Some(serde_json::json!(0.25)));
        want.edges[0] = params::set(&want.edges[0], "loss", Some(serde_json::json!(0.25))).unwrap();
        assert_eq!(d.doc(), &want);
        d.set_scenario_param("seed", Some(serde_json::json!(99)));
        want = params::set(&want, "seed", Some(serde_json::json!(99))).unwrap();
        assert_eq!(d.doc(), &want);

        let v = d.snapshot();
        let ids: Vec<&str> = v.nodes.iter().map(|n| n.id.as_str()).collect();
        let doc_ids: Vec<&str> = want.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, doc_ids, "the run's topology is the document's");
        assert_eq!((v.nodes[1].label.as_str(), v.nodes[1].workers), ("API", Some(7)));
        assert_eq!(v.edges, [(0, 1), (1, 2)]);

        d.select(Selection::Nodes([1].into()));
        d.move_selected(15.0, -5.0);
        edit::move_nodes(&mut want, &[1].into(), 15.0, -5.0);
        assert_eq!(d.doc(), &want);
        d.delete_selected();
        edit::remove_nodes(&mut want, &[1].into());
        assert_eq!(d.doc(), &want, "the node goes with the edges that touched it");
        assert_eq!(d.selection(), &Selection::None);
        assert_eq!(d.snapshot().nodes.len(), 2);
    }

    /// An edit core refuses leaves the document and the history as they were, and the banner gets core's
    /// reason.
    #[test]
    fn a_refused_edit_changes_nothing_and_says_why() {
        let mut d = chain();
        let (before, steps) = (d.doc().clone(), d.undo.len());
        for (from, to) in [(1, 1), (0, 1), (0, 9)] {
            d.connect(from, to);
            let why = edit::connect(&mut before.clone(), from, to).unwrap_err().to_string();
            assert_eq!(d.doc(), &before);
            assert_eq!(d.undo.len(), steps, "no undo step");
            assert_eq!(d.snapshot().error, Some(why));
        }
        d.set_node_param(1, "workers", Some(serde_json::json!("many")));
        let why = params::set(&before.nodes[1].spec, "workers", Some(serde_json::json!("many"))).unwrap_err();
        assert_eq!(d.doc(), &before);
        assert_eq!(d.snapshot().error, Some(format!("{}: {why}", before.nodes[1].id)));
        assert_eq!(d.undo.len(), steps);
    }

    /// Undo walks back through every document the edits made, redo forward again, each time with the run
    /// rebuilt from the document shown; an edit after undoing ends what redo could bring back.
    #[test]
    fn undo_and_redo_walk_the_history_and_a_new_edit_ends_redo() {
        let mut d = Driver::new(true);
        d.open(edit::blank());
        let mut history = vec![d.doc().clone()];
        d.add_node("client", Some((0.0, 0.0)));
        history.push(d.doc().clone());
        d.add_node("service", Some((CELL.0, 0.0)));
        history.push(d.doc().clone());
        d.connect(0, 1);
        history.push(d.doc().clone());
        d.set_node_param(1, "workers", Some(serde_json::json!(3)));
        history.push(d.doc().clone());
        d.select(Selection::Nodes([0].into()));
        d.move_selected(0.0, CELL.1);
        history.push(d.doc().clone());
        d.delete_selected();
        history.push(d.doc().clone());
        assert!(
            history.windows(2).all(|w| w[0] != w[1]),
            "every edit changed the document"
        );
        let run_ids = |d: &Driver| d.snapshot().nodes.into_iter().map(|n| n.id).collect::<Vec<_>>();
        let doc_ids = |d: &Driver| d.doc().nodes.iter().map(|n| n.id.clone()).collect::<Vec<_>>();

        for k in (0..history.len() - 1).rev() {
            assert!(d.snapshot().can_undo);
            d.undo();
            assert_eq!(d.doc(), &history[k], "undo back to step {k}");
            assert!(d.snapshot().can_redo);
            assert_eq!(run_ids(&d), doc_ids(&d));
        }
        assert!(!d.snapshot().can_undo);
        d.undo();
        assert_eq!(d.doc(), &history[0], "nothing left to undo");
        for (k, doc) in history.iter().enumerate().skip(1) {
            d.redo();
            assert_eq!(d.doc(), doc, "redo to step {k}");
            assert_eq!(run_ids(&d), doc_ids(&d));
        }
        assert!(!d.snapshot().can_redo);

        d.undo();
        d.undo();
        assert_eq!(d.doc(), &history[history.len() - 3]);
        d.set_label(0, "Users".to_owned());
        assert!(!d.snapshot().can_redo, "a new edit ends redo");
        let edited = d.doc().clone();
        d.redo();
        assert_eq!(d.doc(), &edited);
        d.undo();
        assert_eq!(d.doc(), &history[history.len() - 3]);
    }

    /// The history keeps the newest [`UNDO_DEPTH`] steps: undoing them all stops at the document as it was
    /// that many edits ago.
    #[test]
    fn undo_keeps_the_newest_steps_up_to_its_depth() {
        let mut d = Driver::new(true);
        d.open(edit::blank());
        d.add_node("service", Some((0.0, 0.0)));
        d.select(Selection::Nodes([0].into()));
        let extra = 7;
        for _ in 0..UNDO_DEPTH + extra {
            d.move_selected(1.0, 0.0);
        }
        assert_eq!(d.doc().nodes[0].x, (UNDO_DEPTH + extra) as f64);
        let mut undone = 0;
        while d.snapshot().can_undo {
            d.undo();
            undone += 1;
        }
        assert_eq!(undone, UNDO_DEPTH);
        assert_eq!(d.doc().nodes[0].x, extra as f64, "the oldest steps went");
    }
}
