//! The consistency check of the CAP panel: the linearizability checker over the run's histories so far, and
//! the operations of the first violation in plain words.

use std::rc::Rc;

use switchyard_core::history::{CheckOptions, Op as HOp, Outcome as HOutcome};
use switchyard_core::metrics::ConsistencyReport;

use super::Driver;

/// The checker's verdict and the operations of the first violation, for the CAP panel's timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct CapCheck {
    pub report: ConsistencyReport,
    pub ops: Vec<CapOp>,
}

/// One operation of a violation.
#[derive(Clone, Debug, PartialEq)]
pub struct CapOp {
    pub client: u64,
    pub what: String,
    pub outcome: String,
    pub invoked_ms: f64,
    pub completed_ms: Option<f64>,
}

impl Driver {
    /// Runs the linearizability checker over every cluster's history so far (the CAP panel's "Check now").
    pub fn check_consistency(&mut self) {
        let Some(sim) = &self.sim else { return };
        let report = sim.check_consistency(&CheckOptions::default());
        let mut ops = Vec::new();
        if let Some(v) = &report.violation {
            if let Some((_, h)) = sim.db_histories().into_iter().find(|(id, _)| *id == v.cluster) {
                for &i in &v.ops {
                    if let Some((_, op)) = h.iter().nth(i) {
                        let what = match op.op() {
                            HOp::Read => "read".to_owned(),
                            HOp::Write(x) => format!("write {x}"),
                            HOp::Cas { expected, new } => format!("cas {expected}→{new}"),
                        };
                        let outcome = match op.outcome() {
                            HOutcome::Ok(Some(x)) if matches!(op.op(), HOp::Read) => format!("ok, read {x}"),
                            HOutcome::Ok(None) if matches!(op.op(), HOp::Read) => "ok, read nothing".to_owned(),
                            HOutcome::Ok(_) => "ok".to_owned(),
                            HOutcome::Fail => "fail".to_owned(),
                            HOutcome::Info => "info (timed out)".to_owned(),
                        };
                        ops.push(CapOp {
                            client: op.client().0,
                            what,
                            outcome,
                            invoked_ms: op.invoked_at().as_millis_f64(),
                            completed_ms: op.completion().map(|(_, t)| t.as_millis_f64()),
                        });
                    }
                }
            }
        }
        self.cap_check = Some(Rc::new(CapCheck { report, ops }));
    }
}
