//! Trees at the top of the `u64` range: index and size arithmetic must not overflow.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use std::convert::Infallible;

use basin_audit::hash::Hash;
use basin_audit::proof::{verify_consistency, verify_inclusion, ConsistencyCheck, InclusionCheck};
use basin_audit::tree::{
    consistency_proof, inclusion_proof, nodes_completed_by_append, root, NodeId, NodeReader,
};

/// A store that answers every node with zeros, to walk the extremes of `u64` without
/// building a tree.
struct ZeroReader;

impl NodeReader for ZeroReader {
    type Error = Infallible;
    fn read_nodes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, Infallible> {
        Ok(vec![[0; 32]; ids.len()])
    }
}

#[test]
fn the_largest_sizes_do_not_overflow() {
    let appended = nodes_completed_by_append(u64::MAX, [1; 32], &ZeroReader).unwrap();
    assert_eq!(appended.len(), 65);
    assert_eq!(
        appended.last().unwrap().0,
        NodeId {
            level: 64,
            index: 0
        }
    );

    let proof = inclusion_proof(u64::MAX - 1, u64::MAX, &ZeroReader).unwrap();
    let root = root(u64::MAX, &ZeroReader).unwrap();
    assert_eq!(
        verify_inclusion(InclusionCheck {
            index: u64::MAX - 1,
            tree_size: u64::MAX,
            leaf_hash: &[0; 32],
            proof: &proof,
            root: &root,
        }),
        Ok(())
    );
    let proof = consistency_proof(u64::MAX - 1, u64::MAX, &ZeroReader).unwrap();
    let first_root = basin_audit::tree::root(u64::MAX - 1, &ZeroReader).unwrap();
    assert_eq!(
        verify_consistency(ConsistencyCheck {
            first_size: u64::MAX - 1,
            second_size: u64::MAX,
            first_root: &first_root,
            second_root: &root,
            proof: &proof,
        }),
        Ok(())
    );
}
