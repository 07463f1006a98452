//! Which stored perfect subtrees make up a subtree of the RFC 6962 tree, and which
//! subtrees an inclusion or consistency proof is made of.
//!
//! RFC 6962 §2.1 splits `D[a:b]` at the largest power of two `k < b - a`. Every subtree
//! that appears in that recursion starts at a multiple of a power of two at least as
//! large as its width, so it is either perfect (one stored node) or lies on the right
//! edge of the tree and is the fold of at most 64 perfect subtrees, largest first.

use super::NodeId;
use crate::hash::{node_hash, Hash};

/// A half-open range of leaf indexes `[start, end)` that is a node of the RFC 6962 tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Subtree {
    pub start: u64,
    pub end: u64,
}

/// The largest power of two strictly less than `width`, for `width >= 2` (RFC 6962 §2.1 `k`).
pub(crate) fn split_point(width: u64) -> u64 {
    debug_assert!(width >= 2);
    1 << (63 - (width - 1).leading_zeros())
}

impl Subtree {
    /// The perfect subtrees covering this range, largest (leftmost) first.
    pub fn perfect_nodes(self) -> Vec<NodeId> {
        let mut nodes = Vec::new();
        let mut position = self.start;
        while position < self.end {
            let remaining = self.end - position;
            // The largest power of two that fits; for RFC 6962 subtrees it is also aligned.
            let level = 63 - remaining.leading_zeros();
            debug_assert!(position.trailing_zeros() >= level || position == 0);
            nodes.push(NodeId {
                level: level as u8,
                index: position >> level,
            });
            position += 1 << level;
        }
        nodes
    }
}

/// Folds the hashes of [`Subtree::perfect_nodes`] (same order) into the subtree's hash:
/// each split has the perfect left part as its left child and the rest as its right.
pub(crate) fn fold_perfect_hashes(hashes: &[Hash]) -> Option<Hash> {
    let (last, rest) = hashes.split_last()?;
    Some(
        rest.iter()
            .rev()
            .fold(*last, |right, left| node_hash(left, &right)),
    )
}

/// RFC 9162 §2.1.3.1 `PATH(m, D[n])`: the sibling subtrees from the leaf up to the root.
/// Requires `index < tree_size`.
pub(crate) fn inclusion_subtrees(index: u64, tree_size: u64) -> Vec<Subtree> {
    let mut top_down = Vec::new();
    let (mut start, mut end) = (0, tree_size);
    while end - start > 1 {
        let middle = start + split_point(end - start);
        if index < middle {
            top_down.push(Subtree { start: middle, end });
            end = middle;
        } else {
            top_down.push(Subtree { start, end: middle });
            start = middle;
        }
    }
    // The recursion appends the upper siblings after the lower ones.
    top_down.reverse();
    top_down
}

/// RFC 9162 §2.1.4.1 `PROOF(m, D[n])` via `SUBPROOF(m, D[n], true)`. Requires
/// `0 < first < second`.
pub(crate) fn consistency_subtrees(first: u64, second: u64) -> Vec<Subtree> {
    let mut top_down = Vec::new();
    let (mut start, mut end) = (0, second);
    // `whole_first_tree` is the RFC's `b`: true while D[0:first] is the subtree we are in,
    // whose hash the verifier already has.
    let mut whole_first_tree = true;
    while first != end {
        let middle = start + split_point(end - start);
        if first <= middle {
            top_down.push(Subtree { start: middle, end });
            end = middle;
        } else {
            top_down.push(Subtree { start, end: middle });
            start = middle;
            whole_first_tree = false;
        }
    }
    if !whole_first_tree {
        top_down.push(Subtree { start, end });
    }
    top_down.reverse();
    top_down
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_point_is_the_largest_power_of_two_below_the_width() {
        assert_eq!(split_point(2), 1);
        assert_eq!(split_point(3), 2);
        assert_eq!(split_point(4), 2);
        assert_eq!(split_point(5), 4);
        assert_eq!(split_point(u64::MAX), 1 << 63);
    }

    #[test]
    fn a_right_edge_subtree_is_covered_by_its_perfect_parts() {
        let nodes = Subtree { start: 8, end: 15 }.perfect_nodes();
        assert_eq!(
            nodes,
            vec![
                NodeId { level: 2, index: 2 },
                NodeId { level: 1, index: 6 },
                NodeId {
                    level: 0,
                    index: 14
                },
            ]
        );
    }

    #[test]
    fn rfc_9162_example_paths_have_the_expected_shape() {
        // RFC 9162 §2.1.5: the inclusion proof for d0 in a 7-leaf tree is [b, h, l].
        let path = inclusion_subtrees(0, 7);
        let spans: Vec<(u64, u64)> = path.iter().map(|s| (s.start, s.end)).collect();
        assert_eq!(spans, vec![(1, 2), (2, 4), (4, 7)]);
        // The consistency proof between sizes 3 and 7 is [c, d, g, l].
        let proof = consistency_subtrees(3, 7);
        let spans: Vec<(u64, u64)> = proof.iter().map(|s| (s.start, s.end)).collect();
        assert_eq!(spans, vec![(2, 3), (3, 4), (0, 2), (4, 7)]);
    }
}
