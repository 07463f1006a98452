//! Hostile inputs for proof verification: valid RFC 9162 proofs (the transparency-dev happy
//! paths and proofs from a 1024-leaf tree) with their bytes edited, and arbitrary indexes and
//! sizes up to `u64::MAX`. An edited proof that verifies must be the original, and what the
//! verifiers accept is compared with the path shapes of RFC 9162 §2.1.3.1 and §2.1.4.1,
//! computed here from the sizes alone.
//!
//! Long run (`PROPTEST_CASES` replaces the CI case count of every property here):
//! `PROPTEST_CASES=100000 cargo test -p basin-audit --test hostile_proofs`

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;
mod hostile;

use std::sync::OnceLock;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use basin_audit::hash::{leaf_hash, node_hash, Hash};
use basin_audit::proof::{
    root_from_inclusion_proof, verify_consistency, verify_inclusion, ConsistencyCheck,
    InclusionCheck, InclusionPath, ProofError,
};
use basin_audit::tree::{consistency_proof, inclusion_proof, root, MemoryTree};
use proptest::prelude::*;
use serde_json::Value;

use hostile::config;

const TREE_SIZE: u64 = 1024;

fn tree() -> &'static MemoryTree {
    static TREE: OnceLock<MemoryTree> = OnceLock::new();
    TREE.get_or_init(|| MemoryTree::from_leaf_hashes(common::numbered_leaf_hashes(TREE_SIZE)))
}

/// `(first_size, second_size, proof...)` claims as byte vectors, so that edits can make any
/// element any length.
#[derive(Debug, Clone, PartialEq)]
struct Claim {
    first: u64,
    second: u64,
    /// The leaf hash of an inclusion claim, the first root of a consistency claim.
    start: Vec<u8>,
    proof: Vec<Vec<u8>>,
    /// The root the proof must reach (the second root of a consistency claim).
    end: Vec<u8>,
}

fn happy_path_vectors(kind: &str) -> Vec<Value> {
    let directory = common::vectors_dir().join("transparency-dev-merkle/testdata");
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(directory.join(kind)).unwrap() {
        let path = entry.unwrap().path().join("happy-path.json");
        if let Ok(text) = std::fs::read_to_string(&path) {
            cases.push(serde_json::from_str(&text).unwrap());
        }
    }
    assert!(cases.len() >= 5, "too few {kind} happy paths");
    cases
}

fn decoded(value: &Value) -> Vec<u8> {
    STANDARD.decode(value.as_str().unwrap()).unwrap()
}

fn vector_claims(kind: &str, names: [&str; 5]) -> Vec<Claim> {
    happy_path_vectors(kind)
        .iter()
        .map(|case| Claim {
            first: case[names[0]].as_u64().unwrap(),
            second: case[names[1]].as_u64().unwrap(),
            start: decoded(&case[names[2]]),
            proof: case["proof"]
                .as_array()
                .map_or(Vec::new(), |proof| proof.iter().map(decoded).collect()),
            end: decoded(&case[names[3 + usize::from(kind == "consistency")]]),
        })
        .collect()
}

fn vectors() -> &'static (Vec<Claim>, Vec<Claim>) {
    static VECTORS: OnceLock<(Vec<Claim>, Vec<Claim>)> = OnceLock::new();
    VECTORS.get_or_init(|| {
        let inclusion = ["leafIdx", "treeSize", "leafHash", "root", "-"];
        let consistency = ["size1", "size2", "root1", "-", "root2"];
        (
            vector_claims("inclusion", inclusion),
            vector_claims("consistency", consistency),
        )
    })
}

fn as_vectors(hashes: Vec<Hash>) -> Vec<Vec<u8>> {
    hashes.into_iter().map(|hash| hash.to_vec()).collect()
}

/// A valid inclusion claim: a published vector, or leaf `index` of a prefix of the tree.
fn inclusion_claim(which: usize, size: u64, index_seed: u64) -> Claim {
    let vectors = &vectors().0;
    if let Some(claim) = vectors.get(which) {
        return claim.clone();
    }
    let index = index_seed % size;
    Claim {
        first: index,
        second: size,
        start: leaf_hash(&index.to_be_bytes()).to_vec(),
        proof: as_vectors(inclusion_proof(index, size, tree()).unwrap()),
        end: root(size, tree()).unwrap().to_vec(),
    }
}

fn consistency_claim(which: usize, second: u64, first_seed: u64) -> Claim {
    let vectors = &vectors().1;
    if let Some(claim) = vectors.get(which) {
        return claim.clone();
    }
    let first = 1 + first_seed % second;
    Claim {
        first,
        second,
        start: root(first, tree()).unwrap().to_vec(),
        proof: as_vectors(consistency_proof(first, second, tree()).unwrap()),
        end: root(second, tree()).unwrap().to_vec(),
    }
}

fn verify_inclusion_claim(claim: &Claim) -> Result<(), ProofError> {
    verify_inclusion(InclusionCheck {
        index: claim.first,
        tree_size: claim.second,
        leaf_hash: &claim.start,
        proof: &claim.proof,
        root: &claim.end,
    })
}

fn verify_consistency_claim(claim: &Claim) -> Result<(), ProofError> {
    verify_consistency(ConsistencyCheck {
        first_size: claim.first,
        second_size: claim.second,
        first_root: &claim.start,
        second_root: &claim.end,
        proof: &claim.proof,
    })
}

/// The largest power of two below `size` (RFC 9162 §2.1.1 `k`), for `size >= 2`.
fn split(size: u64) -> u64 {
    1 << (63 - (size - 1).leading_zeros())
}

/// RFC 9162 §2.1.3.1 `PATH(m, D[n])` by shape only: for each proof element from the leaf up,
/// whether the sibling is on the left.
fn inclusion_sides(index: u64, size: u64) -> Vec<bool> {
    if size <= 1 {
        return Vec::new();
    }
    let k = split(size);
    let (mut sides, sibling_on_left) = if index < k {
        (inclusion_sides(index, k), false)
    } else {
        (inclusion_sides(index - k, size - k), true)
    };
    sides.push(sibling_on_left);
    sides
}

/// RFC 9162 §2.1.4.1 `SUBPROOF(m, D[n], b)` by length only.
fn consistency_length(first: u64, second: u64, whole_first_tree: bool) -> usize {
    if first == second {
        return usize::from(!whole_first_tree);
    }
    let k = split(second);
    if first <= k {
        consistency_length(first, k, whole_first_tree) + 1
    } else {
        consistency_length(first - k, second - k, false) + 1
    }
}

/// Sizes and indexes where arithmetic goes wrong: zero, one, powers of two and their
/// neighbours, `u64::MAX`, and values near the claim's own.
fn hostile_number(near: u64) -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => (-3_i64..=3).prop_map(move |delta| near.wrapping_add_signed(delta)),
        2 => prop::sample::select(vec![0_u64, 1, 2, 3, u64::MAX, u64::MAX - 1, 1 << 63, (1 << 63) - 1, (1 << 63) + 1, 1 << 32, (1 << 53) - 1]),
        1 => (0_u32..64, -1_i64..=1).prop_map(|(power, delta)| (1_u64 << power).wrapping_add_signed(delta)),
        1 => any::<u64>(),
    ]
}

/// An edit of a claim's byte vectors; the sizes are left alone.
#[derive(Debug, Clone)]
enum ProofEdit {
    FlipBit { element: usize, bit: usize },
    Resize { element: usize, length: usize },
    Remove { element: usize },
    Repeat { element: usize },
    Swap { element: usize, other: usize },
    Insert { element: usize, bytes: Vec<u8> },
    SwapStartAndEnd,
}

fn proof_edit() -> impl Strategy<Value = ProofEdit> {
    let element = any::<usize>();
    prop_oneof![
        4 => (element, any::<usize>()).prop_map(|(element, bit)| ProofEdit::FlipBit { element, bit }),
        1 => (element, prop_oneof![0_usize..=33, Just(64)]).prop_map(|(element, length)| ProofEdit::Resize { element, length }),
        1 => element.prop_map(|element| ProofEdit::Remove { element }),
        1 => element.prop_map(|element| ProofEdit::Repeat { element }),
        1 => (element, any::<usize>()).prop_map(|(element, other)| ProofEdit::Swap { element, other }),
        1 => (element, prop::collection::vec(any::<u8>(), 32)).prop_map(|(element, bytes)| ProofEdit::Insert { element, bytes }),
        1 => Just(ProofEdit::SwapStartAndEnd),
    ]
}

/// Applies edits to the claim's byte vectors: element 0 is `start`, the last is `end`, and
/// the proof lies in between.
fn edited(claim: &Claim, edits: &[ProofEdit]) -> Claim {
    let mut parts = vec![claim.start.clone()];
    parts.extend(claim.proof.iter().cloned());
    parts.push(claim.end.clone());
    for edit in edits {
        let count = parts.len();
        let proof_position = |element: usize| 1 + element % (count - 1);
        match edit {
            ProofEdit::FlipBit { element, bit } => {
                let part = &mut parts[element % count];
                if !part.is_empty() {
                    let bit = bit % (8 * part.len());
                    part[bit / 8] ^= 1 << (bit % 8);
                }
            }
            ProofEdit::Resize { element, length } => parts[element % count].resize(*length, 0xa5),
            ProofEdit::Remove { element } if count > 2 => {
                parts.remove(1 + element % (count - 2));
            }
            ProofEdit::Remove { .. } => {}
            ProofEdit::Repeat { element } => {
                let copy = parts[element % count].clone();
                parts.insert(proof_position(*element), copy);
            }
            ProofEdit::Swap { element, other } => parts.swap(element % count, other % count),
            ProofEdit::Insert { element, bytes } => {
                parts.insert(proof_position(*element), bytes.clone());
            }
            ProofEdit::SwapStartAndEnd => parts.swap(0, count - 1),
        }
    }
    let end = parts.pop().unwrap_or_default();
    let start = if parts.is_empty() {
        Vec::new()
    } else {
        parts.remove(0)
    };
    Claim {
        start,
        proof: parts,
        end,
        ..claim.clone()
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn an_edited_inclusion_proof_that_verifies_is_the_original(
        (which, size, index_seed) in (0_usize..12, 1..=TREE_SIZE, any::<u64>()),
        edits in prop::collection::vec(proof_edit(), 1..4),
    ) {
        let claim = inclusion_claim(which, size, index_seed);
        prop_assert_eq!(verify_inclusion_claim(&claim), Ok(()));
        let edited = edited(&claim, &edits);
        if verify_inclusion_claim(&edited).is_ok() {
            if edited.second == 1 && edited.proof.is_empty() {
                // A one-leaf tree's root is its leaf hash: any leaf proves itself, so an edit that
                // changes both alike (the same bit flipped in each) is a true claim, not a forgery.
                prop_assert_eq!(edited.first, 0);
                prop_assert_eq!(&edited.start, &edited.end);
            } else {
                prop_assert_eq!(edited, claim);
            }
        }
    }

    #[test]
    fn an_edited_consistency_proof_that_verifies_is_the_original(
        (which, second, first_seed) in (0_usize..12, 1..=TREE_SIZE, any::<u64>()),
        edits in prop::collection::vec(proof_edit(), 1..4),
    ) {
        let claim = consistency_claim(which, second, first_seed);
        prop_assert_eq!(verify_consistency_claim(&claim), Ok(()));
        let edited = edited(&claim, &edits);
        if verify_consistency_claim(&edited).is_ok() {
            if claim.first == claim.second {
                // Equal sizes claim only that the two roots are the same bytes.
                prop_assert!(edited.proof.is_empty() && edited.start == edited.end);
            } else {
                prop_assert_eq!(edited, claim);
            }
        }
    }

    #[test]
    fn an_inclusion_proof_verifies_at_another_index_or_size_only_along_the_same_path(
        (size, index_seed) in (1..=TREE_SIZE, any::<u64>()),
        index_choice in any::<prop::sample::Index>(),
        size_choice in any::<prop::sample::Index>(),
        other_numbers in prop::collection::vec(hostile_number(0), 2),
    ) {
        let claim = inclusion_claim(usize::MAX, size, index_seed);
        let index_candidates = [claim.first, other_numbers[0], claim.first.wrapping_add(1), claim.first.wrapping_sub(1)];
        let size_candidates = [claim.second, other_numbers[1], claim.second.wrapping_add(1), claim.second.wrapping_sub(1)];
        let index = *index_choice.get(&index_candidates);
        let tree_size = *size_choice.get(&size_candidates);
        let moved = Claim { first: index, second: tree_size, ..claim.clone() };
        let same_path = index < tree_size
            && inclusion_sides(index, tree_size) == inclusion_sides(claim.first, claim.second);
        prop_assert_eq!(verify_inclusion_claim(&moved).is_ok(), same_path, "{:?}", moved);
    }

    #[test]
    fn the_root_from_an_inclusion_proof_follows_rfc_9162_for_any_index_and_size(
        index in hostile_number(0),
        tree_size in hostile_number(u64::MAX),
        length_delta in -2_i64..=2,
        bad_element in prop::option::weighted(0.1, (any::<prop::sample::Index>(), 0_usize..=40)),
        seed in any::<u8>(),
    ) {
        let sides = if index < tree_size { inclusion_sides(index, tree_size) } else { Vec::new() };
        let length = usize::try_from((sides.len() as i64 + length_delta).max(0)).unwrap_or(0);
        let mut proof: Vec<Vec<u8>> = (0..length).map(|n| vec![seed ^ n as u8; 32]).collect();
        if let (Some((element, bad_length)), false) = (bad_element, proof.is_empty()) {
            let at = element.index(proof.len());
            proof[at].resize(bad_length, 0);
        }
        let leaf = [seed; 32];
        let computed = root_from_inclusion_proof(InclusionPath { index, tree_size, leaf_hash: &leaf, proof: &proof });
        if index >= tree_size {
            prop_assert_eq!(computed, Err(ProofError::IndexOutOfRange { index, tree_size }));
        } else if proof.iter().any(|hash| hash.len() != 32) {
            let is_bad_hash = matches!(computed, Err(ProofError::BadHash { .. }));
            prop_assert!(is_bad_hash, "{:?}", computed);
        } else if proof.len() != sides.len() {
            prop_assert_eq!(computed, Err(ProofError::WrongProofLength));
        } else {
            let mut expected: Hash = leaf;
            for (sibling, sibling_on_left) in proof.iter().zip(&sides) {
                let sibling: Hash = sibling.as_slice().try_into().unwrap();
                expected = if *sibling_on_left { node_hash(&sibling, &expected) } else { node_hash(&expected, &sibling) };
            }
            prop_assert_eq!(computed, Ok(expected));
        }
    }

    #[test]
    fn a_consistency_proof_of_the_wrong_length_for_any_sizes_is_refused_as_such(
        first in hostile_number(1),
        second in hostile_number(u64::MAX),
        length_delta in -2_i64..=2,
        seed in any::<u8>(),
    ) {
        let expected_length = if 0 < first && first < second { consistency_length(first, second, true) } else { 0 };
        let length = usize::try_from((expected_length as i64 + length_delta).max(0)).unwrap_or(0);
        let proof: Vec<Hash> = (0..length).map(|n| [seed ^ n as u8; 32]).collect();
        let outcome = verify_consistency(ConsistencyCheck {
            first_size: first,
            second_size: second,
            first_root: &[seed; 32],
            second_root: &[!seed; 32],
            proof: &proof,
        });
        if second < first {
            prop_assert_eq!(outcome, Err(ProofError::SecondSmallerThanFirst { first, second }));
        } else if first == 0 {
            prop_assert_eq!(outcome, Err(ProofError::EmptyFirstTree));
        } else if first == second {
            let expected = if proof.is_empty() { ProofError::RootMismatch } else { ProofError::ProofNotEmpty };
            prop_assert_eq!(outcome, Err(expected));
        } else if proof.is_empty() {
            prop_assert_eq!(outcome, Err(ProofError::ProofEmpty));
        } else if proof.len() != expected_length {
            prop_assert_eq!(outcome, Err(ProofError::WrongProofLength));
        } else {
            prop_assert_eq!(outcome, Err(ProofError::RootMismatch));
        }
    }

    #[test]
    fn a_consistency_proof_verifies_at_other_sizes_only_with_the_length_they_need(
        (second, first_seed) in (1..=TREE_SIZE, any::<u64>()),
        first in hostile_number(1),
        other_second in hostile_number(TREE_SIZE),
    ) {
        let claim = consistency_claim(usize::MAX, second, first_seed);
        for (first, second) in [(first, claim.second), (claim.first, other_second), (first, other_second)] {
            let moved = Claim { first, second, ..claim.clone() };
            if verify_consistency_claim(&moved).is_ok() {
                let needed = if first == second { 0 } else { consistency_length(first, second, true) };
                prop_assert!(0 < first && first <= second, "{:?}", moved);
                prop_assert_eq!(moved.proof.len(), needed, "{:?}", moved);
            }
        }
    }
}
