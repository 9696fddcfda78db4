//! Challenges and the design review in the editor.
//!
//! A document that names a challenge (`challenge`: a bundled challenge's id) is an attempt at it: its run is the
//! challenge's locked run (the challenge's traffic, faults, run length, seed and clients put back into the
//! document whenever the run is rebuilt), the goal panel measures each goal live on the run being played, and
//! when the run reaches its end the design is scored by [`challenge::score`], the very function the CLI's
//! `switchyard challenge check` calls, so the result card is the CLI's score card byte for byte. Hints are
//! revealed one at a time and stay revealed while the attempt lasts.
//!
//! The design review ([`review`]) runs on every rebuilt run's topology; each finding can be dismissed, by its
//! stable key, for as long as the document is open.

use std::collections::BTreeSet;
use std::rc::Rc;

use switchyard_core::challenge::{self, Challenge, GoalResult, ScoreCard};

use super::{Driver, Problem};

/// The attempt at a challenge the document names.
#[derive(Clone, Debug)]
pub(super) struct Attempt {
    ch: Rc<Challenge>,
    /// How many hints are revealed.
    hints: usize,
    /// The score card of the design as it is, once its run has reached the end (cleared by any rebuild).
    result: Option<Rc<ScoreCard>>,
}

/// What the goal panel and the result card show.
#[derive(Clone, Debug, PartialEq)]
pub struct ChallengeView {
    pub id: String,
    pub title: String,
    pub level: &'static str,
    pub brief: String,
    /// The hints revealed so far, in order.
    pub hints: Vec<String>,
    /// How many hints there are.
    pub hint_count: usize,
    /// The settings the challenge locks beyond its traffic: `Database: workers, service_time`, one per node.
    pub locked: Vec<String>,
    /// Each goal measured on the run so far (empty without a run).
    pub goals: Vec<GoalResult>,
    /// The score card, once the run has reached its end: the CLI's, byte for byte.
    pub result: Option<Rc<ScoreCard>>,
}

/// A finding of the design review, placed on the document.
#[derive(Clone, Debug, PartialEq)]
pub struct FindingView {
    /// Stable while the rule fires on the same node (or call): what dismissing remembers.
    pub key: String,
    pub rule: &'static str,
    pub severity: &'static str,
    /// The node it is about: its index in the document, and its label.
    pub node: Option<usize>,
    pub label: String,
    pub reason: String,
}

impl Driver {
    /// Starts the bundled challenge `id`: its starting design in place of the document (one undo step).
    pub fn start_challenge(&mut self, id: &str) {
        let Some(ch) = challenge::get(id).and_then(|json| challenge::parse(json).ok()) else {
            self.error = Some(format!("There is no challenge \"{id}\"."));
            return;
        };
        let mut doc = ch.start.clone();
        doc.challenge = Some(ch.id.clone());
        self.attempt = None;
        self.replace(doc);
    }

    /// The challenge's reference solution in place of the document (one undo step brings the attempt back).
    pub fn show_reference(&mut self) {
        let Some(a) = &self.attempt else { return };
        let mut doc = a.ch.reference.clone();
        doc.challenge = Some(a.ch.id.clone());
        let hints = a.hints;
        self.replace(doc);
        if let Some(a) = &mut self.attempt {
            a.hints = hints;
        }
    }

    /// Reveals the next hint.
    pub fn show_hint(&mut self) {
        if let Some(a) = &mut self.attempt {
            a.hints = (a.hints + 1).min(a.ch.hints.len());
        }
    }

    /// Stops attempting the challenge: the design stays, as a plain document (undoable).
    pub fn leave_challenge(&mut self) {
        self.edit(|doc, _| {
            doc.challenge = None;
            Ok(())
        });
    }

    /// Hides a finding of the design review while this document is open.
    pub fn dismiss_finding(&mut self, key: String) {
        self.dismissed.insert(key);
    }

    /// Shows every dismissed finding again.
    pub fn restore_findings(&mut self) {
        self.dismissed.clear();
    }

    /// Called before each run is built: follows the document's `challenge` (keeping the revealed hints of the
    /// same challenge), and puts the challenge's locked parts back into the document. A challenge this build
    /// does not bundle, or a design without the challenge's clients, is a problem on the banner.
    pub(super) fn sync_challenge(&mut self) {
        let Some(id) = self.doc.challenge.clone() else {
            self.attempt = None;
            return;
        };
        if self.attempt.as_ref().is_none_or(|a| a.ch.id != id) {
            self.attempt = challenge::get(&id)
                .and_then(|json| challenge::parse(json).ok())
                .map(|ch| Attempt {
                    ch: Rc::new(ch),
                    hints: 0,
                    result: None,
                });
        }
        let Some(a) = &mut self.attempt else {
            // A link from a newer Switchyard, say: the design still runs, as a plain document.
            let shown: String = id.chars().take(64).collect();
            self.error = Some(format!(
                "This design is an attempt at the challenge \"{shown}\", which this version of Switchyard does not \
                 have: it runs as a plain design."
            ));
            return;
        };
        a.result = None;
        let view = self.doc.view.take();
        match a.ch.locked(&self.doc) {
            Ok(locked) => self.doc = locked,
            Err(e) => self.problems.push(Problem {
                node: None,
                edge: None,
                message: e.to_string(),
            }),
        }
        self.doc.view = view;
    }

    /// Why the attempt's challenge refuses the design whose topology is `t` (a locked node unplugged), if it does.
    pub(super) fn challenge_refuses(&self, t: &switchyard_core::topology::Topology) -> Option<String> {
        let a = self.attempt.as_ref()?;
        a.ch.check_design(t).err().map(|e| e.to_string())
    }

    /// Scores the attempt once its run has reached the end. Called after every action; scoring runs the locked
    /// design once more from the start, exactly as the CLI does, so what the card says does not depend on how
    /// the run was watched (speed, seeking, pausing).
    pub fn settle(&mut self) {
        let finished = self.sim.as_ref().is_some_and(|s| s.is_finished());
        let Some(a) = &mut self.attempt else { return };
        if !finished || a.result.is_some() {
            return;
        }
        match challenge::score(&a.ch, &self.doc) {
            Ok(card) => a.result = Some(Rc::new(card)),
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// The goal panel's contents, when the document is an attempt at a challenge.
    pub(super) fn challenge_view(&self, report: Option<&switchyard_core::metrics::Report>) -> Option<ChallengeView> {
        let run = report.zip(self.sim.as_ref().map(|s| s.topology()));
        let a = self.attempt.as_ref()?;
        let ch = &a.ch;
        Some(ChallengeView {
            id: ch.id.clone(),
            title: ch.title.clone(),
            level: ch.level.name(),
            brief: ch.brief.clone(),
            hints: ch.hints.iter().take(a.hints).map(|h| h.text.clone()).collect(),
            hint_count: ch.hints.len(),
            locked: ch
                .locked_params
                .iter()
                .map(|l| {
                    let label = ch
                        .start
                        .nodes
                        .iter()
                        .find(|n| n.id == l.node)
                        .and_then(|n| n.label.clone())
                        .unwrap_or_else(|| l.node.clone());
                    format!("{label}: {}", l.params.join(", "))
                })
                .collect(),
            goals: run
                .map(|(r, t)| challenge::evaluate(ch, r, t, &self.doc))
                .unwrap_or_default(),
            result: a.result.clone(),
        })
    }

    /// The design review of the run's topology, without the dismissed findings; and how many are dismissed.
    pub(super) fn findings(&self) -> (Vec<FindingView>, usize) {
        let mut hidden = 0;
        let shown = self
            .review
            .iter()
            .filter(|f| {
                let keep = !self.dismissed.contains(&f.key());
                hidden += usize::from(!keep);
                keep
            })
            .map(|f| {
                let node = self.doc_index(&f.node);
                FindingView {
                    key: f.key(),
                    rule: f.rule.id(),
                    severity: f.severity().name(),
                    label: node
                        .and_then(|i| self.doc.nodes.get(i))
                        .map_or_else(|| f.node.clone(), |n| n.label.clone().unwrap_or_else(|| n.id.clone())),
                    node,
                    reason: f.reason.clone(),
                }
            })
            .collect();
        (shown, hidden)
    }
}

/// Keys of the findings a user dismissed.
pub(super) type Dismissed = BTreeSet<String>;

#[cfg(test)]
mod tests {
    use super::*;
    use switchyard_core::challenge::ALL;

    fn play_to_end(d: &mut Driver) {
        d.run_to_end();
        for _ in 0..100_000 {
            d.frame(16.0, &|| false);
            if d.snapshot().finished {
                break;
            }
        }
        d.settle();
    }

    /// Starting a challenge opens its start design as an attempt; the result card at the end of the played run
    /// is `challenge::score`'s card (what the CLI prints) and fails; the reference passes; hints reveal one at
    /// a time; leaving keeps the design.
    #[test]
    fn an_attempt_is_scored_like_the_cli() {
        let (id, json) = ALL[0];
        let ch = challenge::parse(json).unwrap();
        let mut d = Driver::new(true);
        d.start_challenge(id);
        let v = d.snapshot().challenge.expect("an attempt");
        assert_eq!((v.id.as_str(), v.hints.len(), v.result.clone()), (id, 0, None));
        assert_eq!(v.goals.len(), ch.goals.len(), "goals are measured from time zero");
        play_to_end(&mut d);
        let card = d
            .snapshot()
            .challenge
            .unwrap()
            .result
            .clone()
            .expect("scored at the end");
        assert_eq!(*card, challenge::score(&ch, &ch.start).unwrap());
        assert!(!card.solved);
        d.show_hint();
        d.show_hint();
        d.show_hint();
        assert_eq!(d.snapshot().challenge.unwrap().hints.len(), ch.hints.len().min(3));
        d.show_reference();
        let v = d.snapshot().challenge.unwrap();
        assert!(v.result.is_none(), "a new design is not scored until its run ends");
        assert_eq!(v.hints.len(), ch.hints.len().min(3), "hints stay revealed");
        play_to_end(&mut d);
        assert!(d.snapshot().challenge.unwrap().result.clone().unwrap().solved);
        d.leave_challenge();
        assert!(d.snapshot().challenge.is_none());
        assert_eq!(d.doc().nodes.len(), ch.reference.nodes.len());
    }

    /// The locked parts come back: a design that lowers the traffic or drops the client does not get scored on
    /// its own terms.
    #[test]
    fn the_challenge_s_traffic_is_locked_in_the_editor() {
        let (id, json) = ALL[0];
        let ch = challenge::parse(json).unwrap();
        let mut d = Driver::new(true);
        d.start_challenge(id);
        d.set_scenario_param("seed", Some(serde_json::json!(999)));
        assert_eq!(d.doc().seed, ch.start.seed, "the seed is the challenge's");
        assert_eq!(d.doc().workload, ch.start.workload);
        let client = d.doc().nodes.iter().position(|n| n.id == ch.start.nodes[0].id).unwrap();
        d.select(super::super::Selection::Nodes([client].into()));
        d.delete_selected();
        let s = d.snapshot();
        assert!(!s.runnable);
        assert!(
            s.problems.iter().any(|p| p.message.contains("traffic comes from it")),
            "{:?}",
            s.problems
        );
    }

    /// A document naming a challenge this build does not have runs as a plain design, and says so; an id longer
    /// than an id may be is validation's problem, and the message quotes only its first 64 characters.
    #[test]
    fn an_unknown_challenge_runs_as_a_plain_design() {
        let mut doc = super::super::chain().doc().clone();
        doc.challenge = Some("x".repeat(64));
        let mut d = Driver::new(true);
        d.replace(doc.clone());
        let s = d.snapshot();
        assert!(s.runnable, "{:?}", s.problems);
        assert!(s.challenge.is_none());
        assert!(s.error.expect("said").contains("does not have"));
        doc.challenge = Some("y".repeat(10_000));
        d.replace(doc);
        let s = d.snapshot();
        assert!(!s.runnable);
        assert!(
            s.problems
                .iter()
                .any(|p| p.message.contains("challenge is longer than 64")),
            "{:?}",
            s.problems
        );
        let e = s.error.unwrap_or_default();
        assert!(!e.contains(&"y".repeat(65)), "{e}");
    }

    /// Unplugging a node whose settings the challenge locks is a problem at once, before any run: the editor
    /// says which node and why, and plugging it back in makes the design run again.
    #[test]
    fn unplugging_a_locked_node_is_a_problem() {
        let ch = challenge::parse(challenge::get("survive-a-crash").unwrap()).unwrap();
        assert!(ch.locked_params.iter().any(|l| l.node == "web2"));
        let mut d = Driver::new(true);
        d.start_challenge(&ch.id);
        assert!(d.snapshot().runnable);
        let edge = d.doc().edges.iter().position(|e| e.to == "web2").unwrap();
        d.select(super::super::Selection::Edge(edge));
        d.delete_selected();
        let s = d.snapshot();
        assert!(!s.runnable);
        assert!(
            s.problems
                .iter()
                .any(|p| p.message.contains("no traffic reaches `web2`")),
            "{:?}",
            s.problems
        );
        d.undo();
        assert!(d.snapshot().runnable);
    }

    /// The review lists the design's findings by node; a dismissed one stays hidden until restored.
    #[test]
    fn findings_can_be_dismissed() {
        let mut d = super::super::chain();
        let s = d.snapshot();
        assert!(
            s.findings
                .iter()
                .any(|f| f.rule == "single_point_of_failure" && f.label == "Service 1" && f.node == Some(1)),
            "{:?}",
            s.findings
        );
        let key = s.findings[0].key.clone();
        let before = s.findings.len();
        d.dismiss_finding(key.clone());
        let s = d.snapshot();
        assert_eq!((s.findings.len(), s.dismissed), (before - 1, 1));
        assert!(s.findings.iter().all(|f| f.key != key));
        d.restore_findings();
        assert_eq!(d.snapshot().findings.len(), before);
    }
}
