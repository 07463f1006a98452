//! The tree's right frontier, kept by a writer between appends: the roots of the perfect
//! subtrees a tree of `size` leaves is made of, one per set bit of `size` (a
//! [`CompactRange`]). They are exactly the left siblings an append can need, so a writer that
//! keeps them appends without reading tree nodes back; it reads them once, at its first append,
//! in one query.

use basin_audit::hash::Hash;
use basin_audit::tree::{self, CompactRange, NodeId, NodeReader};

use super::DatabaseNodes;
use crate::store::connection::AnyConnection;
use crate::store::error::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Frontier {
    range: CompactRange,
}

impl Frontier {
    /// The stored roots of the tree of `size` leaves.
    pub(super) fn read(connection: &mut AnyConnection, size: u64) -> Result<Self, StoreError> {
        let hashes = DatabaseNodes::new(connection).read_nodes(&root_ids(size))?;
        let range = CompactRange::from_parts(size, hashes)
            .map_err(|error| StoreError::Corrupt(format!("tree frontier: {error}")))?;
        Ok(Self { range })
    }

    pub(super) fn size(&self) -> u64 {
        self.range.size()
    }

    /// Appends a leaf: returns every node it completes (the leaf first, to be stored) and moves
    /// the frontier past it.
    pub(super) fn append(&mut self, leaf_hash: Hash) -> Result<Vec<(NodeId, Hash)>, StoreError> {
        let completed = tree::nodes_completed_by_append(self.range.size(), leaf_hash, &*self)?;
        self.range.push(leaf_hash);
        // Two independent computations of the subtree the leaf closes must agree.
        if self.range.hashes().last() != completed.last().map(|(_, hash)| hash) {
            return Err(StoreError::Corrupt(format!(
                "the tree frontier and the completed nodes disagree at leaf {}",
                self.range.size() - 1
            )));
        }
        Ok(completed)
    }
}

/// Serves an append's left siblings from the frontier; any other node is a programming error.
impl NodeReader for Frontier {
    type Error = StoreError;

    fn read_nodes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, StoreError> {
        let size = self.range.size();
        let roots: Vec<(NodeId, Hash)> = root_ids(size)
            .into_iter()
            .zip(self.range.hashes().iter().copied())
            .collect();
        ids.iter()
            .map(|wanted| {
                roots
                    .iter()
                    .find(|(id, _)| id == wanted)
                    .map(|(_, hash)| *hash)
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!(
                            "tree node level {} index {} is not on the frontier of a tree of {size} leaves",
                            wanted.level, wanted.index
                        ))
                    })
            })
            .collect()
    }
}

/// The roots of the tree of `size` leaves, left to right (highest level first): for each set
/// bit `level` of `size`, the perfect subtree of `2^level` leaves that ends where the lower
/// bits' subtrees begin.
fn root_ids(size: u64) -> Vec<NodeId> {
    (0..u64::BITS as u8)
        .rev()
        .filter(|level| size >> level & 1 == 1)
        .map(|level| NodeId {
            level,
            index: (size >> level) - 1,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use basin_audit::hash::leaf_hash;
    use basin_audit::tree::MemoryTree;

    #[test]
    fn the_roots_of_a_tree_are_one_perfect_subtree_per_set_bit_of_its_size() {
        assert_eq!(root_ids(0), vec![]);
        assert_eq!(
            root_ids(6),
            vec![NodeId { level: 2, index: 0 }, NodeId { level: 1, index: 2 }]
        );
        assert_eq!(root_ids(8), vec![NodeId { level: 3, index: 0 }]);
    }

    #[test]
    fn a_frontier_completes_the_same_nodes_as_a_tree_that_keeps_every_node() {
        let mut frontier = Frontier {
            range: CompactRange::new(),
        };
        let mut tree = MemoryTree::new();
        for index in 0..300_u64 {
            let leaf = leaf_hash(&index.to_be_bytes());
            let completed = frontier.append(leaf).unwrap();
            tree.push(leaf);
            for (id, hash) in completed {
                assert_eq!(tree.node(id), Some(hash), "node {id:?} after leaf {index}");
            }
            assert_eq!(frontier.size(), index + 1);
        }
    }

    #[test]
    fn a_frontier_asked_for_a_node_it_does_not_hold_is_an_error_not_a_guess() {
        let frontier = Frontier {
            range: CompactRange::new(),
        };
        assert!(frontier
            .read_nodes(&[NodeId { level: 0, index: 0 }])
            .is_err());
    }
}
