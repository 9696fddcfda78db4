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

#[cfg(test)]
mod tests {
    use super::super::chain;
    use super::*;
    use switchyard_core::scenario::params;

    /// A selection names only what the document holds: out-of-range nodes and edges drop out, and an
    /// emptied selection is none at all, whether set directly or left behind by undo.
    #[test]
    fn the_selection_only_names_what_the_document_holds() {
        let mut d = chain();
        d.select(Selection::Nodes([0, 2, 9].into()));
        assert_eq!(d.selection(), &Selection::Nodes([0, 2].into()));
        d.select(Selection::Nodes([9].into()));
        assert_eq!(d.selection(), &Selection::None);
        d.select(Selection::Edge(1));
        assert_eq!(d.selection(), &Selection::Edge(1));
        d.select(Selection::Edge(2));
        assert_eq!(d.selection(), &Selection::None);

        d.add_node("cache", Some((0.0, 300.0)));
        assert_eq!(d.selection(), &Selection::Nodes([3].into()));
        d.undo();
        assert_eq!(d.doc().nodes.len(), 3);
        assert_eq!(d.selection(), &Selection::None, "the undone node is not selected");
        d.select(Selection::Edge(1));
        d.undo();
        assert_eq!(d.doc().edges.len(), 1);
        assert_eq!(d.selection(), &Selection::None, "nor the undone edge");
    }

    /// Shift-click adds a node to the selection or takes it out; select all takes every node; the selection
    /// is what moves and what is deleted.
    #[test]
    fn toggling_select_all_and_what_a_selection_acts_on() {
        let mut d = chain();
        d.select(Selection::None);
        d.toggle_selected(2);
        d.toggle_selected(0);
        assert_eq!(d.selection(), &Selection::Nodes([0, 2].into()));
        d.toggle_selected(2);
        assert_eq!(d.selection(), &Selection::Nodes([0].into()));
        d.toggle_selected(0);
        assert_eq!(d.selection(), &Selection::None);
        d.select(Selection::Edge(0));
        d.toggle_selected(1);
        assert_eq!(
            d.selection(),
            &Selection::Nodes([1].into()),
            "a node click leaves the edge"
        );
        d.select_all();
        assert_eq!(d.selection(), &Selection::Nodes([0, 1, 2].into()));
        assert_eq!(Selection::Edge(0).nodes(), BTreeSet::new());

        let mut want = d.doc().clone();
        d.select(Selection::Nodes([0, 2].into()));
        d.move_selected(-10.0, 20.0);
        edit::move_nodes(&mut want, &[0, 2].into(), -10.0, 20.0);
        assert_eq!(d.doc(), &want, "only the selected nodes moved");
        d.select(Selection::Edge(1));
        d.delete_selected();
        edit::remove_edge(&mut want, 1).unwrap();
        assert_eq!(d.doc(), &want, "the selected edge went, its nodes stayed");
        d.delete_selected();
        assert_eq!(d.doc(), &want, "nothing selected: nothing deleted");
    }

    /// Paste adds a copy of the copied nodes and the edges among them, 40 units down and right, with fresh
    /// ids, selected, as one undo step; pasting again cascades another 40 further. What is pasted is what was
    /// copied, whatever happened to the originals since.
    #[test]
    fn copy_and_paste() {
        let mut d = chain();
        let before = d.doc().clone();
        d.paste();
        assert_eq!(d.doc(), &before, "nothing copied yet: paste does nothing");
        d.select(Selection::None);
        d.copy();
        d.paste();
        assert_eq!(d.doc(), &before, "copying nothing copies nothing");

        let picked: BTreeSet<usize> = [1, 2].into();
        d.select(Selection::Nodes(picked.clone()));
        d.copy();
        let clip = edit::copy(&before, &picked);
        assert_eq!((clip.nodes.len(), clip.edges.len()), (2, 1));
        // The originals change after the copy; the clipboard does not.
        d.set_node_param(1, "workers", Some(serde_json::json!(5)));
        let mut want = d.doc().clone();
        d.paste();
        let added = edit::paste(&mut want, &clip, 40.0, 40.0).unwrap();
        assert_eq!(d.doc(), &want);
        assert_eq!(added, [3, 4]);
        assert_eq!(d.selection(), &Selection::Nodes(added.iter().copied().collect()));
        assert_eq!(d.doc().nodes[3].spec, before.nodes[1].spec, "the copy as it was copied");
        assert_ne!(d.doc().nodes[3].spec, d.doc().nodes[1].spec);
        let pasted_edge = d.doc().edges.last().unwrap();
        assert_eq!(
            (pasted_edge.from.as_str(), pasted_edge.to.as_str()),
            (d.doc().nodes[3].id.as_str(), d.doc().nodes[4].id.as_str()),
            "the edge between the copies joins the copies"
        );

        d.paste();
        let doc = d.doc();
        assert_eq!(doc.nodes.len(), 7);
        for (copy, original) in doc.nodes[5..].iter().zip(&before.nodes[1..]) {
            assert_eq!((copy.x, copy.y), (original.x + 80.0, original.y + 80.0));
            assert_eq!(copy.spec, original.spec);
        }
        let ids: BTreeSet<&str> = doc.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids.len(), doc.nodes.len(), "every id is fresh");
        assert!(d.snapshot().runnable, "{:?}", d.snapshot().problems);

        d.undo();
        assert_eq!(d.doc(), &want, "one paste, one undo step");
        let workers = params::set(&before.nodes[1].spec, "workers", Some(serde_json::json!(5))).unwrap();
        assert_eq!(d.doc().nodes[1].spec, workers);
    }
}
