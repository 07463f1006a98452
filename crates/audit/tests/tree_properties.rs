//! The store-backed tree against a naive RFC 6962 reference: every pair of sizes up to
//! 64 leaves, bounded random samples up to 4096, bit flips, and O(log n) node reads.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;

use std::collections::HashMap;
use std::sync::OnceLock;

use basin_audit::hash::{empty_root, Hash};
use basin_audit::proof::{verify_consistency, verify_inclusion, ConsistencyCheck, InclusionCheck};
use basin_audit::tree::{
    consistency_proof, inclusion_proof, nodes_completed_by_append, root, MemoryTree, NodeId,
    NodeReader, TreeError,
};
use proptest::prelude::*;

use common::{
    ceil_log2, numbered_leaf_hashes, reference_consistency_proof, reference_inclusion_proof,
    reference_root, CountingReader,
};

const EXHAUSTIVE_SIZE_MAX: u64 = 64;
const SAMPLED_SIZE_MAX: u64 = 4096;

/// A key-value node store like the server's table, filled only through
/// `nodes_completed_by_append`.
#[derive(Default)]
struct StoreTree {
    nodes: HashMap<NodeId, Hash>,
}

#[derive(Debug, thiserror::Error)]
#[error("node {0:?} is not stored")]
struct NotStored(NodeId);

impl NodeReader for StoreTree {
    type Error = NotStored;
    fn read_nodes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, NotStored> {
        ids.iter()
            .map(|id| self.nodes.get(id).copied().ok_or(NotStored(*id)))
            .collect()
    }
}

impl StoreTree {
    fn from_leaf_hashes(leaves: &[Hash]) -> Self {
        let mut store = Self::default();
        for (index, leaf) in leaves.iter().enumerate() {
            let completed = nodes_completed_by_append(index as u64, *leaf, &store).unwrap();
            store.nodes.extend(completed);
        }
        store
    }
}

struct Fixture {
    leaves: Vec<Hash>,
    store: StoreTree,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let leaves = numbered_leaf_hashes(SAMPLED_SIZE_MAX);
        let store = StoreTree::from_leaf_hashes(&leaves);
        Fixture { leaves, store }
    })
}

// Each proof is at most two O(log n) decompositions, read in a single batch.
fn assert_logarithmic_reads<R>(reader: &CountingReader<'_, R>, tree_size: u64) {
    assert!(reader.calls.get() <= 1, "{} read calls", reader.calls.get());
    let bound = 2 * ceil_log2(tree_size) as usize + 1;
    assert!(
        reader.nodes.get() <= bound,
        "{} nodes read for size {tree_size}",
        reader.nodes.get()
    );
}

fn flip(hash: &Hash, bit: usize) -> Hash {
    let mut flipped = *hash;
    flipped[bit / 8] ^= 1 << (bit % 8);
    flipped
}

/// Checks one inclusion proof fully, flipping `bit` in each proof element and the root.
fn check_inclusion(index: u64, tree_size: u64, bit: usize) {
    let Fixture { leaves, store } = fixture();
    let prefix = &leaves[..tree_size as usize];
    let counting = CountingReader::new(store);
    let proof = inclusion_proof(index, tree_size, &counting).unwrap();
    assert_logarithmic_reads(&counting, tree_size);
    assert_eq!(proof, reference_inclusion_proof(index as usize, prefix));
    let root = reference_root(prefix);
    let leaf = leaves[index as usize];
    let check = |proof: &[Hash], root: &Hash, leaf: &Hash| {
        verify_inclusion(InclusionCheck {
            index,
            tree_size,
            leaf_hash: leaf,
            proof,
            root,
        })
    };
    assert_eq!(check(&proof, &root, &leaf), Ok(()));
    assert!(check(&proof, &flip(&root, bit), &leaf).is_err());
    assert!(check(&proof, &root, &flip(&leaf, bit)).is_err());
    for position in 0..proof.len() {
        let mut bad = proof.clone();
        bad[position] = flip(&bad[position], bit);
        assert!(
            check(&bad, &root, &leaf).is_err(),
            "{index}/{tree_size} element {position}"
        );
    }
    assert!(
        check(&proof[..proof.len().saturating_sub(1)], &root, &leaf).is_err() || proof.is_empty()
    );
    let mut longer = proof.clone();
    longer.push(root);
    assert!(check(&longer, &root, &leaf).is_err());
}

/// Checks one consistency proof fully, flipping `bit` in each element and both roots.
fn check_consistency(first: u64, second: u64, bit: usize) {
    let Fixture { leaves, store } = fixture();
    let counting = CountingReader::new(store);
    let proof = consistency_proof(first, second, &counting).unwrap();
    assert_logarithmic_reads(&counting, second);
    let second_leaves = &leaves[..second as usize];
    assert_eq!(
        proof,
        reference_consistency_proof(first as usize, second_leaves)
    );
    let first_root = reference_root(&leaves[..first as usize]);
    let second_root = reference_root(second_leaves);
    assert_eq!(root(first, store).unwrap(), first_root);
    assert_eq!(root(second, store).unwrap(), second_root);
    let check = |proof: &[Hash], first_root: &Hash, second_root: &Hash| {
        verify_consistency(ConsistencyCheck {
            first_size: first,
            second_size: second,
            first_root,
            second_root,
            proof,
        })
    };
    assert_eq!(check(&proof, &first_root, &second_root), Ok(()));
    assert!(check(&proof, &flip(&first_root, bit), &second_root).is_err());
    assert!(check(&proof, &first_root, &flip(&second_root, bit)).is_err());
    for position in 0..proof.len() {
        let mut bad = proof.clone();
        bad[position] = flip(&bad[position], bit);
        assert!(
            check(&bad, &first_root, &second_root).is_err(),
            "{first}->{second} element {position}"
        );
    }
    if first < second {
        assert!(check(&proof[..proof.len() - 1], &first_root, &second_root).is_err());
        let mut longer = proof.clone();
        longer.push(second_root);
        assert!(check(&longer, &first_root, &second_root).is_err());
    }
}

#[test]
fn the_store_filled_by_appends_holds_exactly_the_memory_trees_nodes() {
    let Fixture { leaves, store } = fixture();
    let memory = MemoryTree::from_leaf_hashes(leaves.iter().copied());
    let stored = &store.nodes;
    // 4096 leaves store 4095 + 1 perfect subtrees in all (a full binary tree).
    assert_eq!(stored.len(), 2 * leaves.len() - 1);
    for (id, hash) in stored.iter() {
        assert_eq!(memory.node(*id), Some(*hash), "{id:?}");
    }
}

#[test]
fn an_append_reads_one_left_sibling_per_subtree_it_completes() {
    let Fixture { leaves, store } = fixture();
    for (index, leaf) in leaves.iter().enumerate() {
        let index = index as u64;
        let counting = CountingReader::new(store);
        let completed = nodes_completed_by_append(index, *leaf, &counting).unwrap();
        assert_eq!(counting.nodes.get(), index.trailing_ones() as usize);
        assert!(counting.calls.get() <= 1);
        assert_eq!(completed.len(), 1 + index.trailing_ones() as usize);
        for (id, hash) in completed {
            assert_eq!(store.nodes.get(&id), Some(&hash));
        }
    }
}

#[test]
fn every_size_up_to_64_has_the_reference_root() {
    let Fixture { leaves, store } = fixture();
    assert_eq!(root(0, store).unwrap(), empty_root());
    for size in 1..=EXHAUSTIVE_SIZE_MAX {
        let counting = CountingReader::new(store);
        assert_eq!(
            root(size, &counting).unwrap(),
            reference_root(&leaves[..size as usize])
        );
        assert_eq!(counting.calls.get(), 1);
        assert_eq!(counting.nodes.get(), size.count_ones() as usize);
    }
}

#[test]
fn every_inclusion_proof_up_to_64_leaves_matches_the_reference_and_verifies() {
    for tree_size in 1..=EXHAUSTIVE_SIZE_MAX {
        for index in 0..tree_size {
            check_inclusion(
                index,
                tree_size,
                ((index * 31 + tree_size * 7) % 256) as usize,
            );
        }
    }
}

#[test]
fn every_consistency_proof_up_to_64_leaves_matches_the_reference_and_verifies() {
    for second in 1..=EXHAUSTIVE_SIZE_MAX {
        for first in 1..=second {
            check_consistency(first, second, ((first * 37 + second * 11) % 256) as usize);
        }
    }
}

#[test]
fn every_single_bit_flip_in_a_small_trees_proofs_is_detected() {
    for bit in 0..256 {
        for index in 0..13 {
            check_inclusion(index, 13, bit);
        }
        check_consistency(5, 13, bit);
        check_consistency(8, 13, bit);
    }
}

#[test]
fn proofs_beyond_the_tree_are_refused_before_reading() {
    let Fixture { store, .. } = fixture();
    assert!(matches!(
        inclusion_proof(5, 5, store),
        Err(TreeError::IndexOutOfRange {
            index: 5,
            tree_size: 5
        })
    ));
    assert!(matches!(
        consistency_proof(0, 5, store),
        Err(TreeError::InvalidSizes { .. })
    ));
    assert!(matches!(
        consistency_proof(6, 5, store),
        Err(TreeError::InvalidSizes { .. })
    ));
    assert_eq!(consistency_proof(5, 5, store).unwrap(), Vec::<Hash>::new());
    assert!(matches!(
        inclusion_proof(0, SAMPLED_SIZE_MAX + 1, store),
        Err(TreeError::Reader(_))
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn sampled_inclusion_proofs_up_to_4096_leaves_verify_and_resist_bit_flips(
        tree_size in 1..=SAMPLED_SIZE_MAX,
        index_seed in any::<u64>(),
        bit in 0_usize..256,
    ) {
        check_inclusion(index_seed % tree_size, tree_size, bit);
    }

    #[test]
    fn sampled_consistency_proofs_up_to_4096_leaves_verify_and_resist_bit_flips(
        second in 1..=SAMPLED_SIZE_MAX,
        first_seed in any::<u64>(),
        bit in 0_usize..256,
    ) {
        check_consistency(1 + first_seed % second, second, bit);
    }
}
