//! The format of a guided tour (`scenario.tour`): ordered steps, each with a short narration and the actions
//! that set its scene. A leaf of the format, like the specs: what a tour *does* (the state each step reaches,
//! deterministically) is [`crate::tour`].

#[cfg(feature = "serde-oracle")]
use serde_json::Value as OracleValue;
use serde_json::Value;

use super::codec::{json_enum, json_spec, tagged, Json, Path, Writer};
#[cfg(feature = "serde-oracle")]
use super::Blank;

/// The most steps a tour may hold.
pub const MAX_STEPS: usize = 100;
/// The most actions one step may hold.
pub const MAX_ACTIONS: usize = 50;
/// The longest narration of one step, in bytes.
pub const MAX_TEXT: usize = 4_000;

json_spec! {
    /// A guided tour: steps the reader goes through with Next and Back (or that advance by themselves in
    /// autoplay). Every step's state is a pure function of the scenario and the steps up to it, so Back replays
    /// to exactly where the reader was.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Tour {
        pub title: String = or(String::new()) or_blank,
        pub steps: Vec<TourStep> = list_req(MAX_STEPS),
    }
}

json_spec! {
    /// One step of a tour: its narration and the actions that set its scene, in order.
    #[derive(Clone, Debug, PartialEq)]
    pub struct TourStep {
        pub title: String = or(String::new()) or_blank,
        /// The narration: plain text with `**strong**`, `*emphasis*` and `` `code` ``; a blank line starts a new
        /// paragraph. It is always shown as text (markup or script in it is never interpreted as HTML).
        pub text: String = req,
        pub actions: Vec<TourAction> = or(Vec::new()) or_blank,
        /// In autoplay, how long (ms of real time) the reader gets on this step after its actions are done
        /// (6,000 when absent).
        pub wait_ms: Option<f64> = opt,
    }
}

json_enum! {
    /// A readout of the metrics panel a step can point at.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum TourMetric {
        Completed = "completed",
        Failed = "failed",
        Throughput = "throughput",
        InFlight = "in_flight",
        P50 = "p50",
        P99 = "p99",
        Mean = "mean",
        Goodput = "goodput",
        Cost = "cost",
        HitRatio = "hit_ratio",
        QueueDepth = "queue_depth",
        StaleReads = "stale_reads",
        LostWrites = "lost_writes",
        SessionsLost = "sessions_lost",
        FailedByReason = "failed_by_reason",
    }
}

/// What a step does, in order, tagged by `do` (like a fault's members, unknown members are ignored). Faults happen at the tour's current time: where the previous
/// `play_to` (of this step or an earlier one) left the run.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde-oracle", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde-oracle", serde(tag = "do", rename_all = "snake_case"))]
pub enum TourAction {
    /// The document becomes the bundled preset with this name (its file stem, `03-load-balancer`), at time 0.
    Open {
        preset: String,
    },
    /// Run (animated) to this virtual time; the step waits for the reader there.
    PlayTo {
        at_ms: f64,
    },
    /// Leave the run playing once the step's actions are done.
    Play,
    /// Leave the run paused once the step's actions are done (the default).
    Pause,
    Crash {
        node: String,
    },
    Recover {
        node: String,
    },
    /// Split the network into these groups (nodes in no group reach every group).
    Partition {
        groups: Vec<Vec<String>>,
    },
    /// End the partition.
    Heal,
    /// Change a client's arrival rate.
    SetRate {
        node: String,
        rate_rps: f64,
    },
    /// Change a parameter, by the inspector's key: of `node`, or of the scenario when no node is named. The run
    /// is replayed from time 0 with the new value, to the tour's current time.
    Set {
        #[cfg_attr(feature = "serde-oracle", serde(default, skip_serializing_if = "Option::is_none"))]
        node: Option<String>,
        key: String,
        #[cfg(feature = "serde-oracle")]
        value: OracleValue,
        #[cfg(not(feature = "serde-oracle"))]
        value: Value,
    },
    /// Point the camera at these nodes and highlight them.
    Focus {
        nodes: Vec<String>,
    },
    /// Highlight this readout of the metrics panel.
    Highlight {
        metric: TourMetric,
    },
}

const ACTIONS: &[&str] = &[
    "open",
    "play_to",
    "play",
    "pause",
    "crash",
    "recover",
    "partition",
    "heal",
    "set_rate",
    "set",
    "focus",
    "highlight",
];

impl TourAction {
    /// The action's `do` name.
    pub fn name(&self) -> &'static str {
        ACTIONS[match self {
            TourAction::Open { .. } => 0,
            TourAction::PlayTo { .. } => 1,
            TourAction::Play => 2,
            TourAction::Pause => 3,
            TourAction::Crash { .. } => 4,
            TourAction::Recover { .. } => 5,
            TourAction::Partition { .. } => 6,
            TourAction::Heal => 7,
            TourAction::SetRate { .. } => 8,
            TourAction::Set { .. } => 9,
            TourAction::Focus { .. } => 10,
            TourAction::Highlight { .. } => 11,
        }]
    }
}

impl Json for TourAction {
    fn read(v: &Value, p: &Path) -> TourAction {
        let (i, o) = tagged(v, p, "do", "internally tagged enum TourAction", ACTIONS);
        match i {
            0 => TourAction::Open {
                preset: o.req("preset"),
            },
            1 => TourAction::PlayTo { at_ms: o.req("at_ms") },
            2 => TourAction::Play,
            3 => TourAction::Pause,
            4 => TourAction::Crash { node: o.req("node") },
            5 => TourAction::Recover { node: o.req("node") },
            6 => TourAction::Partition {
                groups: o.req("groups"),
            },
            7 => TourAction::Heal,
            8 => TourAction::SetRate {
                node: o.req("node"),
                rate_rps: o.req("rate_rps"),
            },
            9 => TourAction::Set {
                node: o.opt("node"),
                key: o.req("key"),
                value: o.req("value"),
            },
            10 => TourAction::Focus { nodes: o.req("nodes") },
            _ => TourAction::Highlight {
                metric: o.req("metric"),
            },
        }
    }
    fn write(&self, w: &mut Writer) {
        w.begin_object();
        w.tag("do", self.name());
        match self {
            TourAction::Open { preset } => w.field("preset", preset),
            TourAction::PlayTo { at_ms } => w.field("at_ms", at_ms),
            TourAction::Play | TourAction::Pause | TourAction::Heal => {}
            TourAction::Crash { node } | TourAction::Recover { node } => w.field("node", node),
            TourAction::Partition { groups } => w.field("groups", groups),
            TourAction::SetRate { node, rate_rps } => {
                w.field("node", node);
                w.field("rate_rps", rate_rps);
            }
            TourAction::Set { node, key, value } => {
                if let Some(n) = node {
                    w.field("node", n);
                }
                w.field("key", key);
                w.field("value", value);
            }
            TourAction::Focus { nodes } => w.field("nodes", nodes),
            TourAction::Highlight { metric } => w.field("metric", metric),
        }
        w.end_object();
    }
}
