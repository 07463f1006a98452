//! Verification of RFC 9162 §2.1.3.2 inclusion proofs and §2.1.4.2 consistency proofs.
//!
//! Hashes arrive from outside (JSON, checkpoints, test vectors), so every hash is taken
//! as bytes and checked to be 32 bytes long rather than trusted to be a [`Hash`].

use crate::hash::{hash_from_slice, node_hash, Hash, HashError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("leaf index {index} is not below tree size {tree_size}")]
    IndexOutOfRange { index: u64, tree_size: u64 },
    #[error("second tree size {second} is smaller than the first {first}")]
    SecondSmallerThanFirst { first: u64, second: u64 },
    #[error(
        "a consistency proof from the empty tree proves nothing (RFC 9162 §2.1.4 needs 0 < first)"
    )]
    EmptyFirstTree,
    #[error("equal tree sizes need an empty proof")]
    ProofNotEmpty,
    #[error("the proof is empty")]
    ProofEmpty,
    #[error("the proof has the wrong number of hashes for these tree sizes")]
    WrongProofLength,
    #[error("{what}: {source}")]
    BadHash {
        what: &'static str,
        #[source]
        source: HashError,
    },
    #[error("the computed root does not match")]
    RootMismatch,
}

/// An inclusion proof without the root it should reach.
#[derive(Debug, Clone, Copy)]
pub struct InclusionPath<'a, P: AsRef<[u8]> = Hash> {
    pub index: u64,
    pub tree_size: u64,
    pub leaf_hash: &'a [u8],
    pub proof: &'a [P],
}

/// Everything [`verify_inclusion`] checks: `leaf_hash` is leaf `index` of the tree of
/// `tree_size` leaves whose root is `root`.
#[derive(Debug, Clone, Copy)]
pub struct InclusionCheck<'a, P: AsRef<[u8]> = Hash> {
    pub index: u64,
    pub tree_size: u64,
    pub leaf_hash: &'a [u8],
    pub proof: &'a [P],
    pub root: &'a [u8],
}

/// Everything [`verify_consistency`] checks: the tree of `second_size` leaves with root
/// `second_root` extends the tree of `first_size` leaves with root `first_root`.
#[derive(Debug, Clone, Copy)]
pub struct ConsistencyCheck<'a, P: AsRef<[u8]> = Hash> {
    pub first_size: u64,
    pub second_size: u64,
    pub first_root: &'a [u8],
    pub second_root: &'a [u8],
    pub proof: &'a [P],
}

/// RFC 9162 §2.1.3.2 steps 1-4: the root that `proof` leads to from the leaf.
pub fn root_from_inclusion_proof<P: AsRef<[u8]>>(
    path: InclusionPath<'_, P>,
) -> Result<Hash, ProofError> {
    // Step 1.
    if path.index >= path.tree_size {
        return Err(ProofError::IndexOutOfRange {
            index: path.index,
            tree_size: path.tree_size,
        });
    }
    let proof = decode_hashes(path.proof)?;
    // Steps 2 and 3.
    let (mut first_node, mut last_node) = (path.index, path.tree_size - 1);
    let mut result = decode_hash("leaf hash", path.leaf_hash)?;
    // Step 4.
    for sibling in &proof {
        if last_node == 0 {
            return Err(ProofError::WrongProofLength);
        }
        if first_node & 1 == 1 || first_node == last_node {
            result = node_hash(sibling, &result);
            // Skip the levels where this node has no right sibling (right tree edge).
            while first_node & 1 == 0 && first_node != 0 {
                first_node >>= 1;
                last_node >>= 1;
            }
        } else {
            result = node_hash(&result, sibling);
        }
        first_node >>= 1;
        last_node >>= 1;
    }
    // Step 5, first half: the proof must have reached the top of the tree.
    if last_node != 0 {
        return Err(ProofError::WrongProofLength);
    }
    Ok(result)
}

/// RFC 9162 §2.1.3.2: verifies that `leaf_hash` is at `index` in the tree with `root`.
pub fn verify_inclusion<P: AsRef<[u8]>>(check: InclusionCheck<'_, P>) -> Result<(), ProofError> {
    let root = decode_hash("root", check.root)?;
    let computed = root_from_inclusion_proof(InclusionPath {
        index: check.index,
        tree_size: check.tree_size,
        leaf_hash: check.leaf_hash,
        proof: check.proof,
    })?;
    if computed != root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// RFC 9162 §2.1.4.2: verifies that the second tree is an extension of the first.
pub fn verify_consistency<P: AsRef<[u8]>>(
    check: ConsistencyCheck<'_, P>,
) -> Result<(), ProofError> {
    let (first, second) = (check.first_size, check.second_size);
    if second < first {
        return Err(ProofError::SecondSmallerThanFirst { first, second });
    }
    if first == 0 {
        return Err(ProofError::EmptyFirstTree);
    }
    if first == second {
        // Nothing to prove: the trees are the same, so their roots are the same bytes.
        // The roots are compared as given, without requiring 32 bytes, as in the
        // transparency-dev vector `sizes-are-equal-one-and-proof-is-empty`.
        if !check.proof.is_empty() {
            return Err(ProofError::ProofNotEmpty);
        }
        if check.first_root != check.second_root {
            return Err(ProofError::RootMismatch);
        }
        return Ok(());
    }
    let first_root = decode_hash("first root", check.first_root)?;
    let second_root = decode_hash("second root", check.second_root)?;
    let mut proof = decode_hashes(check.proof)?;
    // Step 1.
    if proof.is_empty() {
        return Err(ProofError::ProofEmpty);
    }
    // Step 2: when the first tree is perfect its root is a node of the second tree
    // and the proof leaves it out.
    if first.is_power_of_two() {
        proof.insert(0, first_root);
    }
    // Steps 3 and 4.
    let (mut first_node, mut last_node) = (first - 1, second - 1);
    while first_node & 1 == 1 {
        first_node >>= 1;
        last_node >>= 1;
    }
    // Step 5.
    let (mut first_hash, mut second_hash) = (proof[0], proof[0]);
    // Step 6.
    for sibling in &proof[1..] {
        if last_node == 0 {
            return Err(ProofError::WrongProofLength);
        }
        if first_node & 1 == 1 || first_node == last_node {
            first_hash = node_hash(sibling, &first_hash);
            second_hash = node_hash(sibling, &second_hash);
            while first_node & 1 == 0 && first_node != 0 {
                first_node >>= 1;
                last_node >>= 1;
            }
        } else {
            second_hash = node_hash(&second_hash, sibling);
        }
        first_node >>= 1;
        last_node >>= 1;
    }
    // Step 7.
    if last_node != 0 {
        return Err(ProofError::WrongProofLength);
    }
    if first_hash != first_root || second_hash != second_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

fn decode_hash(what: &'static str, bytes: &[u8]) -> Result<Hash, ProofError> {
    hash_from_slice(bytes).map_err(|source| ProofError::BadHash { what, source })
}

fn decode_hashes<P: AsRef<[u8]>>(proof: &[P]) -> Result<Vec<Hash>, ProofError> {
    proof
        .iter()
        .map(|element| decode_hash("proof hash", element.as_ref()))
        .collect()
}
