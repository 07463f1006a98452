//! The transparency-dev/merkle RFC 6962 vectors: every file's `wantErr` is the outcome.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use basin_audit::hash::Hash;
use basin_audit::proof::{verify_consistency, verify_inclusion, ConsistencyCheck, InclusionCheck};
use basin_audit::tree::{consistency_proof, inclusion_proof, root, MemoryTree};
use serde_json::Value;

use common::{reference_leaf_hashes, vectors_dir};

fn json_files(directory: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(directory).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(json_files(&path));
        } else if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn bytes(value: &Value) -> Vec<u8> {
    STANDARD.decode(value.as_str().unwrap()).unwrap()
}

/// `null` and `[]` are both the empty proof.
fn proof(value: &Value) -> Vec<Vec<u8>> {
    match value {
        Value::Null => Vec::new(),
        other => other.as_array().unwrap().iter().map(bytes).collect(),
    }
}

fn testdata(kind: &str) -> PathBuf {
    vectors_dir()
        .join("transparency-dev-merkle/testdata")
        .join(kind)
}

fn read_case(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn every_inclusion_vector_has_the_outcome_its_want_err_names() {
    let files = json_files(&testdata("inclusion"));
    assert!(
        files.len() >= 80,
        "only {} inclusion vectors found",
        files.len()
    );
    for path in files {
        let case = read_case(&path);
        let proof = proof(&case["proof"]);
        let outcome = verify_inclusion(InclusionCheck {
            index: case["leafIdx"].as_u64().unwrap(),
            tree_size: case["treeSize"].as_u64().unwrap(),
            leaf_hash: &bytes(&case["leafHash"]),
            proof: &proof,
            root: &bytes(&case["root"]),
        });
        let want_error = case["wantErr"].as_bool().unwrap();
        assert_eq!(
            outcome.is_err(),
            want_error,
            "{}: {outcome:?}",
            path.display()
        );
    }
}

#[test]
fn every_consistency_vector_has_the_outcome_its_want_err_names() {
    let files = json_files(&testdata("consistency"));
    assert!(
        files.len() >= 90,
        "only {} consistency vectors found",
        files.len()
    );
    for path in files {
        let case = read_case(&path);
        let proof = proof(&case["proof"]);
        let outcome = verify_consistency(ConsistencyCheck {
            first_size: case["size1"].as_u64().unwrap(),
            second_size: case["size2"].as_u64().unwrap(),
            first_root: &bytes(&case["root1"]),
            second_root: &bytes(&case["root2"]),
            proof: &proof,
        });
        let want_error = case["wantErr"].as_bool().unwrap();
        assert_eq!(
            outcome.is_err(),
            want_error,
            "{}: {outcome:?}",
            path.display()
        );
    }
}

#[test]
fn the_reference_tree_roots_begin_as_published() {
    let expected = [
        "6e340b9c", "fac54203", "aeb6bcfe", "d37ee418", "4e3bbb1f", "76e67dad", "ddb89be4",
        "5dc9da79",
    ];
    let mut tree = MemoryTree::new();
    for (leaf, prefix) in reference_leaf_hashes().into_iter().zip(expected) {
        tree.push(leaf);
        let root = root(tree.size(), &tree).unwrap();
        assert!(
            hex::encode(root).starts_with(prefix),
            "size {}",
            tree.size()
        );
    }
    assert_eq!(
        hex::encode(root(0, &tree).unwrap()),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

/// The store-backed generators reproduce the published happy-path proofs exactly.
#[test]
fn generated_proofs_equal_every_happy_path_vector() {
    let tree = MemoryTree::from_leaf_hashes(reference_leaf_hashes());
    let as_hashes = |proof: Vec<Vec<u8>>| -> Vec<Hash> {
        proof.into_iter().map(|h| h.try_into().unwrap()).collect()
    };
    for path in json_files(&testdata("inclusion")) {
        let case = read_case(&path);
        if !path.ends_with("happy-path.json") {
            continue;
        }
        let index = case["leafIdx"].as_u64().unwrap();
        let size = case["treeSize"].as_u64().unwrap();
        let generated = inclusion_proof(index, size, &tree).unwrap();
        assert_eq!(bytes(&case["root"]), root(size, &tree).unwrap());
        assert_eq!(
            bytes(&case["leafHash"]),
            reference_leaf_hashes()[index as usize]
        );
        assert_eq!(
            generated,
            as_hashes(proof(&case["proof"])),
            "{}",
            path.display()
        );
    }
    for path in json_files(&testdata("consistency")) {
        let case = read_case(&path);
        if !path.ends_with("happy-path.json") {
            continue;
        }
        let first = case["size1"].as_u64().unwrap();
        let second = case["size2"].as_u64().unwrap();
        let generated = consistency_proof(first, second, &tree).unwrap();
        assert_eq!(bytes(&case["root1"]), root(first, &tree).unwrap());
        assert_eq!(bytes(&case["root2"]), root(second, &tree).unwrap());
        assert_eq!(
            generated,
            as_hashes(proof(&case["proof"])),
            "{}",
            path.display()
        );
    }
}
