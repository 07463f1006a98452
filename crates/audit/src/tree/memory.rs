//! An in-memory tree of perfect-subtree hashes, for tests and for the offline verifier,
//! which rebuilds the tree from every leaf it has checked.

use super::{NodeId, NodeReader};
use crate::hash::{node_hash, Hash};

/// `levels[l][i]` is the hash of the perfect subtree [`NodeId`] `{ level: l, index: i }`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryTree {
    levels: Vec<Vec<Hash>>,
}

/// A node that the tree does not hold (not yet complete, or beyond the tree).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("tree node at level {} index {} is not stored", .0.level, .0.index)]
pub struct MissingNode(pub NodeId);

impl MemoryTree {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds the tree of the given leaf hashes, in order.
    pub fn from_leaf_hashes(leaf_hashes: impl IntoIterator<Item = Hash>) -> Self {
        let mut tree = Self::new();
        for leaf_hash in leaf_hashes {
            tree.push(leaf_hash);
        }
        tree
    }

    /// Appends a leaf and stores every perfect subtree it completes. This is written
    /// independently of [`super::nodes_completed_by_append`] so that each checks the other.
    pub fn push(&mut self, leaf_hash: Hash) {
        let mut level = 0;
        let mut current = leaf_hash;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            let nodes = &mut self.levels[level];
            nodes.push(current);
            // A node with an even count completes its parent with its left sibling.
            if nodes.len() % 2 == 1 {
                break;
            }
            current = node_hash(&nodes[nodes.len() - 2], &current);
            level += 1;
        }
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |leaves| leaves.len() as u64)
    }

    /// The hash of one stored node, if it is complete.
    pub fn node(&self, id: NodeId) -> Option<Hash> {
        let index = usize::try_from(id.index).ok()?;
        self.levels.get(usize::from(id.level))?.get(index).copied()
    }
}

impl NodeReader for MemoryTree {
    type Error = MissingNode;

    fn read_nodes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, MissingNode> {
        ids.iter()
            .map(|&id| self.node(id).ok_or(MissingNode(id)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::leaf_hash;

    #[test]
    fn three_leaves_store_three_leaves_and_one_pair() {
        let leaves: Vec<Hash> = (0..3_u8).map(|byte| leaf_hash(&[byte])).collect();
        let tree = MemoryTree::from_leaf_hashes(leaves.clone());
        assert_eq!(tree.size(), 3);
        assert_eq!(
            tree.node(NodeId { level: 1, index: 0 }),
            Some(node_hash(&leaves[0], &leaves[1]))
        );
        assert_eq!(tree.node(NodeId { level: 1, index: 1 }), None);
        assert_eq!(tree.node(NodeId { level: 2, index: 0 }), None);
    }
}
