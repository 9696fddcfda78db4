//! What is selected in the editor, and the clipboard that copies and pastes selected nodes.

use std::collections::BTreeSet;

use switchyard_core::scenario::edit;

use super::Driver;

/// What is selected in the editor.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Selection {
    #[default]
    None,
    Nodes(BTreeSet<usize>),
    Edge(usize),
}

impl Selection {
    /// The selected nodes (empty unless nodes are selected).
    pub fn nodes(&self) -> BTreeSet<usize> {
        match self {
            Selection::Nodes(s) => s.clone(),
            _ => BTreeSet::new(),
        }
    }
}

impl Driver {
    pub(super) fn clamp_selection(&mut self) {
        let n = self.doc.nodes.len();
        self.selection = match std::mem::take(&mut self.selection) {
            Selection::Nodes(s) => {
                let s: BTreeSet<usize> = s.into_iter().filter(|&i| i < n).collect();
                if s.is_empty() {
                    Selection::None
                } else {
                    Selection::Nodes(s)
                }
            }
            Selection::Edge(e) if e < self.doc.edges.len() => Selection::Edge(e),
            _ => Selection::None,
        };
    }

    pub fn select(&mut self, selection: Selection) {
        self.selection = selection;
        self.clamp_selection();
    }

    /// Adds or removes one node from the selection (shift-click).
    pub fn toggle_selected(&mut self, node: usize) {
        let mut s = self.selection.nodes();
        if !s.remove(&node) {
            s.insert(node);
        }
        self.select(Selection::Nodes(s));
    }

    pub fn select_all(&mut self) {
        self.select(Selection::Nodes((0..self.doc.nodes.len()).collect()));
    }

    /// Adds a node of `kind` at `(x, y)`, or at the middle of the view, and selects it. With an edge selected

    pub fn selection(&self) -> &Selection {
        &self.selection
    }

    pub fn copy(&mut self) {
        let nodes = self.selection.nodes();
        if !nodes.is_empty() {
            self.clip = Some(edit::copy(&self.doc, &nodes));
        }
    }

    pub fn paste(&mut self) {
        let Some(clip) = self.clip.clone() else { return };
        self.edit(|doc, sel| {
            let added = edit::paste(doc, &clip, 40.0, 40.0).map_err(|e| e.to_string())?;
            *sel = Selection::Nodes(added.into_iter().collect());
            Ok(())
        });
        // Pasting again cascades further.
        if let Some(c) = &mut self.clip {
            for n in &mut c.nodes {
                n.x += 40.0;
                n.y += 40.0;
            }
        }
    }
}
