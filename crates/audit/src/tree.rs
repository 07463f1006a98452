//! The RFC 6962 §2.1 Merkle tree over stored perfect subtrees.
//!
//! Storage keeps the hash of every perfect subtree once it is complete (see
//! [`nodes_completed_by_append`]). Any subtree of the RFC 6962 tree is then one stored
//! node, or on the right edge a fold of at most 64 of them, so roots and proofs read
//! O(log n) hashes, in one batch, through the narrow [`NodeReader`] trait.

mod compact;
mod memory;
mod subtree;

use crate::hash::{empty_root, node_hash, Hash};
use subtree::{consistency_subtrees, inclusion_subtrees, Subtree};

pub use compact::{CompactRange, CompactRangeError};
pub use memory::{MemoryTree, MissingNode};
pub(crate) use subtree::fold_perfect_hashes;

/// A perfect subtree: the `2^level` leaves starting at leaf `index * 2^level`.
/// Level 0 holds the leaf hashes themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    pub level: u8,
    pub index: u64,
}

/// Reads stored perfect-subtree hashes, returning them in the order asked.
pub trait NodeReader {
    type Error: std::error::Error + 'static;
    fn read_nodes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, Self::Error>;
}

#[derive(Debug, thiserror::Error)]
pub enum TreeError<E: std::error::Error + 'static> {
    #[error("leaf index {index} is not below tree size {tree_size}")]
    IndexOutOfRange { index: u64, tree_size: u64 },
    #[error("a consistency proof needs 0 < first ({first}) <= second ({second})")]
    InvalidSizes { first: u64, second: u64 },
    #[error("the node store returned {returned} hashes for {requested} nodes")]
    WrongNodeCount { requested: usize, returned: usize },
    #[error("reading stored tree nodes failed")]
    Reader(#[source] E),
}

/// The nodes to store when the leaf at `index` is appended: the leaf itself, then each
/// perfect subtree it completes (one per trailing one bit of `index`), bottom up. Reads
/// only the left siblings those subtrees need, in one batch.
pub fn nodes_completed_by_append<R: NodeReader>(
    index: u64,
    leaf_hash: Hash,
    reader: &R,
) -> Result<Vec<(NodeId, Hash)>, TreeError<R::Error>> {
    let completed_levels = index.trailing_ones();
    let left_siblings: Vec<NodeId> = (0..completed_levels)
        .map(|level| NodeId {
            level: level as u8,
            index: (index >> level) - 1,
        })
        .collect();
    let sibling_hashes = read_exactly(reader, &left_siblings)?;
    let mut nodes = vec![(NodeId { level: 0, index }, leaf_hash)];
    let mut current = leaf_hash;
    for (level, left) in (1..=completed_levels).zip(&sibling_hashes) {
        current = node_hash(left, &current);
        // `index >> 64` would overflow; the only level-64 node is the whole 2^64-leaf tree.
        let node_index = index.checked_shr(level).unwrap_or(0);
        nodes.push((
            NodeId {
                level: level as u8,
                index: node_index,
            },
            current,
        ));
    }
    Ok(nodes)
}

/// RFC 6962 §2.1 `MTH(D[0:tree_size])`; the empty tree's root is `SHA-256("")`.
pub fn root<R: NodeReader>(tree_size: u64, reader: &R) -> Result<Hash, TreeError<R::Error>> {
    let whole = Subtree {
        start: 0,
        end: tree_size,
    };
    let hashes = subtree_hashes(&[whole], reader)?;
    Ok(hashes.into_iter().next().unwrap_or_else(empty_root))
}

/// RFC 9162 §2.1.3.1 inclusion proof of leaf `index` in the tree of `tree_size` leaves.
pub fn inclusion_proof<R: NodeReader>(
    index: u64,
    tree_size: u64,
    reader: &R,
) -> Result<Vec<Hash>, TreeError<R::Error>> {
    if index >= tree_size {
        return Err(TreeError::IndexOutOfRange { index, tree_size });
    }
    subtree_hashes(&inclusion_subtrees(index, tree_size), reader)
}

/// RFC 9162 §2.1.4.1 consistency proof from the tree of `first` leaves to that of
/// `second`. Equal sizes give the empty proof; `first = 0` is refused because RFC 9162
/// defines the proof only for `0 < first`, and the verifier refuses it too.
pub fn consistency_proof<R: NodeReader>(
    first: u64,
    second: u64,
    reader: &R,
) -> Result<Vec<Hash>, TreeError<R::Error>> {
    if first == 0 || first > second {
        return Err(TreeError::InvalidSizes { first, second });
    }
    if first == second {
        return Ok(Vec::new());
    }
    subtree_hashes(&consistency_subtrees(first, second), reader)
}

/// Hashes of RFC 6962 subtrees, reading every stored node they need in one batch.
/// Empty subtrees yield nothing.
fn subtree_hashes<R: NodeReader>(
    subtrees: &[Subtree],
    reader: &R,
) -> Result<Vec<Hash>, TreeError<R::Error>> {
    let parts: Vec<Vec<NodeId>> = subtrees.iter().map(|s| s.perfect_nodes()).collect();
    let all_nodes: Vec<NodeId> = parts.iter().flatten().copied().collect();
    let all_hashes = read_exactly(reader, &all_nodes)?;
    let mut remaining = all_hashes.as_slice();
    let mut hashes = Vec::with_capacity(parts.len());
    for part in &parts {
        let (mine, rest) = remaining.split_at(part.len());
        remaining = rest;
        hashes.extend(fold_perfect_hashes(mine));
    }
    Ok(hashes)
}

/// One `read_nodes` call (none for an empty list), checking the store answered each id.
fn read_exactly<R: NodeReader>(
    reader: &R,
    ids: &[NodeId],
) -> Result<Vec<Hash>, TreeError<R::Error>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let hashes = reader.read_nodes(ids).map_err(TreeError::Reader)?;
    if hashes.len() != ids.len() {
        return Err(TreeError::WrongNodeCount {
            requested: ids.len(),
            returned: hashes.len(),
        });
    }
    Ok(hashes)
}
