//! Helpers shared by the integration tests: a naive recursive RFC 6962 reference
//! implementation, a node reader that counts what it reads, and the vector files.
#![allow(dead_code)]

use std::cell::Cell;
use std::path::PathBuf;

use basin_audit::hash::{empty_root, leaf_hash, node_hash, Hash};
use basin_audit::tree::{NodeId, NodeReader};

/// The eight leaves of the transparency-dev reference tree (vectors/README.md).
pub const REFERENCE_LEAVES_HEX: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

pub fn reference_leaf_hashes() -> Vec<Hash> {
    REFERENCE_LEAVES_HEX
        .iter()
        .map(|text| leaf_hash(&hex::decode(text).unwrap()))
        .collect()
}

pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

/// Deterministic leaf hashes for property tests.
pub fn numbered_leaf_hashes(count: u64) -> Vec<Hash> {
    (0..count).map(|n| leaf_hash(&n.to_be_bytes())).collect()
}

fn split_point(width: usize) -> usize {
    let mut k = 1;
    while k * 2 < width {
        k *= 2;
    }
    k
}

/// RFC 6962 §2.1 `MTH(D[n])`, straight from the definition.
pub fn reference_root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        width => {
            let k = split_point(width);
            node_hash(&reference_root(&leaves[..k]), &reference_root(&leaves[k..]))
        }
    }
}

/// RFC 9162 §2.1.3.1 `PATH(m, D[n])`, straight from the definition.
pub fn reference_inclusion_proof(index: usize, leaves: &[Hash]) -> Vec<Hash> {
    if leaves.len() <= 1 {
        return Vec::new();
    }
    let k = split_point(leaves.len());
    if index < k {
        let mut path = reference_inclusion_proof(index, &leaves[..k]);
        path.push(reference_root(&leaves[k..]));
        path
    } else {
        let mut path = reference_inclusion_proof(index - k, &leaves[k..]);
        path.push(reference_root(&leaves[..k]));
        path
    }
}

/// RFC 9162 §2.1.4.1 `PROOF(m, D[n])`, straight from the definition.
pub fn reference_consistency_proof(first: usize, leaves: &[Hash]) -> Vec<Hash> {
    reference_subproof(first, leaves, true)
}

fn reference_subproof(first: usize, leaves: &[Hash], whole_first_tree: bool) -> Vec<Hash> {
    if first == leaves.len() {
        return if whole_first_tree {
            Vec::new()
        } else {
            vec![reference_root(leaves)]
        };
    }
    let k = split_point(leaves.len());
    if first <= k {
        let mut proof = reference_subproof(first, &leaves[..k], whole_first_tree);
        proof.push(reference_root(&leaves[k..]));
        proof
    } else {
        let mut proof = reference_subproof(first - k, &leaves[k..], false);
        proof.push(reference_root(&leaves[..k]));
        proof
    }
}

/// Wraps a reader and counts calls and node reads, to check proofs stay O(log n).
pub struct CountingReader<'a, R> {
    pub inner: &'a R,
    pub calls: Cell<usize>,
    pub nodes: Cell<usize>,
}

impl<'a, R> CountingReader<'a, R> {
    pub fn new(inner: &'a R) -> Self {
        Self {
            inner,
            calls: Cell::new(0),
            nodes: Cell::new(0),
        }
    }

    pub fn reset(&self) {
        self.calls.set(0);
        self.nodes.set(0);
    }
}

impl<R: NodeReader> NodeReader for CountingReader<'_, R> {
    type Error = R::Error;

    fn read_nodes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, R::Error> {
        self.calls.set(self.calls.get() + 1);
        self.nodes.set(self.nodes.get() + ids.len());
        self.inner.read_nodes(ids)
    }
}

/// `ceil(log2(n))` for `n >= 1`.
pub fn ceil_log2(n: u64) -> u32 {
    64 - (n - 1).leading_zeros()
}
