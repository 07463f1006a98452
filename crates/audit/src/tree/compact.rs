//! A compact range `[0, size)`: the roots of the perfect subtrees that make up the first `size`
//! leaves, largest first (one per set bit of `size`). It is all a verifier has to keep to extend
//! a tree it checked and compute each later root (RFC 6962 §2.1): a root that matches a signed
//! checkpoint after new leaves were pushed proves that the checkpoint extends every leaf pushed
//! before, so an incremental verifier needs no consistency proof from the log.

use crate::hash::{empty_root, node_hash, Hash};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompactRange {
    size: u64,
    /// Perfect subtree roots, left to right, their sizes the set bits of `size`, high to low.
    hashes: Vec<Hash>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a compact range of {size} leaves has {expected} hashes, not {found}")]
pub struct CompactRangeError {
    pub size: u64,
    pub expected: u32,
    pub found: usize,
}

impl CompactRange {
    pub fn new() -> Self {
        Self::default()
    }

    /// Rebuilds a range from what [`CompactRange::size`] and [`CompactRange::hashes`] returned.
    pub fn from_parts(size: u64, hashes: Vec<Hash>) -> Result<Self, CompactRangeError> {
        if hashes.len() != size.count_ones() as usize {
            return Err(CompactRangeError {
                size,
                expected: size.count_ones(),
                found: hashes.len(),
            });
        }
        Ok(Self { size, hashes })
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn hashes(&self) -> &[Hash] {
        &self.hashes
    }

    /// Appends one leaf hash, merging the perfect subtrees it completes.
    pub fn push(&mut self, leaf_hash: Hash) {
        let mut current = leaf_hash;
        let mut below = self.size;
        // Each trailing one bit of the old size is a subtree of the same height to merge with.
        while below & 1 == 1 {
            let Some(left) = self.hashes.pop() else {
                break;
            };
            current = node_hash(&left, &current);
            below >>= 1;
        }
        self.hashes.push(current);
        self.size += 1;
    }

    /// The RFC 6962 root of the first `size` leaves: the subtrees folded from the right.
    pub fn root(&self) -> Hash {
        let mut hashes = self.hashes.iter().rev();
        let Some(last) = hashes.next() else {
            return empty_root();
        };
        hashes.fold(*last, |right, left| node_hash(left, &right))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::leaf_hash;
    use crate::tree::{root, MemoryTree};

    #[test]
    fn every_prefix_root_is_the_memory_trees_root() {
        let mut range = CompactRange::new();
        let mut tree = MemoryTree::new();
        assert_eq!(range.root(), empty_root());
        for number in 0u32..300 {
            let leaf = leaf_hash(&number.to_be_bytes());
            range.push(leaf);
            tree.push(leaf);
            assert_eq!(range.root(), root(tree.size(), &tree).unwrap());
            let rebuilt = CompactRange::from_parts(range.size(), range.hashes().to_vec());
            assert_eq!(rebuilt.as_ref(), Ok(&range));
        }
    }

    #[test]
    fn a_range_with_the_wrong_number_of_hashes_is_refused() {
        let error = CompactRange::from_parts(5, vec![[0; 32]]).unwrap_err();
        assert_eq!(error.expected, 2);
    }
}
