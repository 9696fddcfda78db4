//! What the user can do ([`Action`]) and the specialised views they can open ([`Dialog`]): the vocabulary the
//! components speak to the app's reducer, each action mapped onto a document edit or an engine command by the
//! [`Driver`](crate::driver::Driver). Its own module so that components and embed filters depend on it, not
//! on the app that renders them.

use serde_json::Value;
use switchyard_core::scenario::v1::{Fault, TourMetric};
use switchyard_core::scenario::Scenario;

use crate::driver::Selection;

/// A specialised view, opened from the node it is about.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Dialog {
    /// The hash ring of a balancer's backends.
    Ring(usize),
    /// Availability against consistency of the replicated databases.
    Cap,
    /// Per-shard load and data size of the shard routers.
    Shards,
    /// The share dialog: link, embed snippet, files.
    Share,
    /// The challenges gallery.
    Challenges,
    /// The capacity calculator: sizing inputs, the plan, tier suggestions, "Fill clients".
    Capacity,
}

/// Everything the user can do, each mapped onto the driver (and through it onto a document edit or an engine
/// command).
pub enum Action {
    /// Open preset `index` (of `presets::NAMES`), from its JSON text, in place of the document (one undo step
    /// brings the document back).
    LoadPreset(usize, String),
    /// An empty canvas in place of the document (undoable).
    NewBlank,
    /// Open a document (an imported file, a link pasted into the address bar) in place of the current one
    /// (undoable).
    Open(Box<Scenario>),
    TogglePlay,
    /// Play (true) or pause (false), whatever the state was.
    Play(bool),
    SetSpeed(f64),
    Reset,
    RunToEnd,
    StepEvent,
    StepMs(f64),
    /// Crash the node if it is up, recover it if it is down.
    ToggleNode(usize),
    /// Crash or recover every selected node.
    ToggleSelected,
    /// Time moved on: take a new snapshot.
    Refresh,
    Select(Selection),
    /// Shift-click: add to or remove from the selection.
    ToggleInSelection(usize),
    SelectAll,
    AddNode(&'static str, Option<(f64, f64)>),
    /// Put a new node of this kind into the edge (where it was dropped, if it was).
    InsertOnEdge(usize, &'static str, Option<(f64, f64)>),
    /// Make two databases replicate together (true) or not.
    SetReplicates(usize, usize, bool),
    SetClusterParam(usize, &'static str, Option<Value>),
    Connect(usize, usize),
    MoveSelected(f64, f64),
    Delete,
    Copy,
    Paste,
    Undo,
    Redo,
    SetNodeParam(usize, &'static str, Option<Value>),
    SetEdgeParam(usize, &'static str, Option<Value>),
    SetScenarioParam(&'static str, Option<Value>),
    SetLabel(usize, String),
    /// Scrub to this virtual time (ms).
    Seek(f64),
    /// Break something now; the fault joins the timeline.
    Inject(Fault),
    RemoveFault(usize),
    /// Run the linearizability checker over the histories so far.
    CheckConsistency,
    /// Fill the clients from these back-of-envelope inputs (`capacity::apply`), one undoable edit.
    ApplySizing(switchyard_core::capacity::Sizing),
    /// Cut the selected nodes off from the rest of the network, now.
    PartitionSelected,
    Zoom(f64, Option<(f64, f64)>),
    Pan(f64, f64),
    Fit,
    /// Lay the topology out left to right by layers (one undo step).
    Tidy,
    /// Start the bundled challenge with this id: its starting design in place of the document (undoable).
    StartChallenge(String),
    /// Reveal the attempt's next hint.
    ShowHint,
    /// The challenge's reference solution in place of the attempt (undoable).
    ShowReference,
    /// Keep the design, stop attempting the challenge (undoable).
    LeaveChallenge,
    /// Hide a design-review finding (by its key) while the document is open.
    DismissFinding(String),
    /// Show the dismissed findings again.
    RestoreFindings,
    /// Play the document's tour (again): the shell fetches the presets it opens, then starts it.
    RequestTour,
    /// Start the document's tour, with the presets it opens (name, JSON text).
    StartTour(Vec<(String, String)>),
    TourNext,
    TourBack,
    /// Jump to a step of the tour (from 0).
    TourGo(usize),
    TourAutoplay(bool),
    /// Leave the tour: the tour's document comes back.
    ExitTour,
    /// Record a tour over the document as it is.
    StartRecording,
    /// Close the step being recorded: its title, narration and highlighted readout.
    AddRecordedStep(String, String, Option<TourMetric>),
    /// Put the recorded tour (with this title) into the document.
    FinishRecording(String),
    CancelRecording,
}
