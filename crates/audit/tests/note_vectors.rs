//! The signed-note vectors: the Go golden note, checkpoints of the reference tree, the
//! verifier keys, and a tlog-proof receipt, reproduced byte for byte.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;

use std::fs;

use basin_audit::hash::Hash;
use basin_audit::note::{
    format_private_key, key_id_hex, parse_private_key, parse_vkey, sign_checkpoint, sign_note,
    verify_checkpoint, verify_note, verify_tlog_proof, vkey, Checkpoint, NoteError, TlogProof,
};
use basin_audit::tree::{inclusion_proof, root, MemoryTree};
use ed25519_dalek::SigningKey;

use common::{reference_leaf_hashes, vectors_dir};

const GO_PRIVATE_KEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const GOLDEN_TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                           then you don't know what your problem is.\n";
const CHECKPOINT_KEY_NAME: &str = "example.com/water-ledger-test";

/// The vectors file as `(header, body)` pairs; headers are the `--- ... ---` lines.
fn sections() -> Vec<(String, String)> {
    let text = fs::read_to_string(vectors_dir().join("signed-note-checkpoints.txt")).unwrap();
    let mut sections: Vec<(String, String)> = vec![(String::new(), String::new())];
    for line in text.split_inclusive('\n') {
        if line.starts_with("--- ") && line.trim_end().ends_with(" ---") {
            sections.push((line.trim_end().to_owned(), String::new()));
        } else if let Some(last) = sections.last_mut() {
            last.1.push_str(line);
        }
    }
    sections
}

fn section(header_contains: &str) -> String {
    sections()
        .into_iter()
        .find(|(header, _)| header.contains(header_contains))
        .map(|(_, body)| body)
        .unwrap()
}

/// A note inside a section: everything up to and including its first signature line.
fn note_in(body: &str) -> String {
    let mut note = String::new();
    let mut after_blank_line = false;
    for line in body.split_inclusive('\n') {
        note.push_str(line);
        if after_blank_line && line.starts_with('\u{2014}') {
            break;
        }
        after_blank_line |= line == "\n";
    }
    note
}

fn test_key() -> SigningKey {
    parse_private_key(GO_PRIVATE_KEY).unwrap().1
}

fn checkpoint_of_size(size: u64) -> Checkpoint {
    let tree = MemoryTree::from_leaf_hashes(reference_leaf_hashes());
    Checkpoint {
        origin: CHECKPOINT_KEY_NAME.into(),
        size,
        root: root(size, &tree).unwrap(),
    }
}

#[test]
fn the_go_private_key_parses_and_formats_back_identically() {
    let (name, key) = parse_private_key(GO_PRIVATE_KEY).unwrap();
    assert_eq!(name, "PeterNeumann");
    assert_eq!(format_private_key(&name, &key).unwrap(), GO_PRIVATE_KEY);
    assert_eq!(key_id_hex(&name, &key.verifying_key()), "c74f20a3");
}

#[test]
fn the_vkey_lines_are_reproduced_and_parse_back() {
    let sections = sections();
    let first_line = sections[0].1.lines().next().unwrap();
    let expected = first_line.strip_prefix("vkey: ").unwrap();
    let public_key = test_key().verifying_key();
    assert_eq!(vkey("PeterNeumann", &public_key).unwrap(), expected);
    assert_eq!(
        parse_vkey(expected).unwrap(),
        ("PeterNeumann".into(), public_key)
    );

    let body = section("checkpoint size 8");
    let checkpoint_vkey = body
        .lines()
        .find_map(|line| line.strip_prefix("vkey for checkpoint key: "))
        .unwrap();
    assert_eq!(
        vkey(CHECKPOINT_KEY_NAME, &public_key).unwrap(),
        checkpoint_vkey
    );
    assert!(checkpoint_vkey.contains("+3f65e915+"));
}

#[test]
fn the_go_golden_note_is_signed_byte_for_byte() {
    let expected = note_in(&section("Go golden signed note"));
    assert_eq!(
        sign_note(GOLDEN_TEXT, "PeterNeumann", &test_key()).unwrap(),
        expected
    );
    let text = verify_note(&expected, "PeterNeumann", &test_key().verifying_key()).unwrap();
    assert_eq!(text, GOLDEN_TEXT);
}

#[test]
fn checkpoints_of_sizes_zero_one_and_eight_are_signed_byte_for_byte() {
    let public_key = test_key().verifying_key();
    for size in [0, 1, 8] {
        let expected = note_in(&section(&format!("checkpoint size {size} ")));
        let checkpoint = checkpoint_of_size(size);
        assert_eq!(sign_checkpoint(&checkpoint, &test_key()).unwrap(), expected);
        assert_eq!(
            verify_checkpoint(&expected, CHECKPOINT_KEY_NAME, &public_key).unwrap(),
            checkpoint
        );
    }
}

#[test]
fn a_checkpoint_under_another_origin_or_key_is_refused() {
    let note = sign_checkpoint(&checkpoint_of_size(8), &test_key()).unwrap();
    let other_key = SigningKey::from_bytes(&[5; 32]).verifying_key();
    assert!(matches!(
        verify_checkpoint(&note, CHECKPOINT_KEY_NAME, &other_key),
        Err(NoteError::NoKnownSignature(_))
    ));
    assert!(matches!(
        verify_checkpoint(&note, "example.com/other", &test_key().verifying_key()),
        Err(NoteError::NoKnownSignature(_))
    ));
}

#[test]
fn the_tlog_proof_receipt_for_leaf_five_is_reproduced_and_verifies() {
    let expected = section("tlog-proof for leaf 5");
    let tree = MemoryTree::from_leaf_hashes(reference_leaf_hashes());
    let receipt = TlogProof {
        extra: None,
        index: 5,
        proof: inclusion_proof(5, 8, &tree).unwrap(),
        checkpoint_note: sign_checkpoint(&checkpoint_of_size(8), &test_key()).unwrap(),
    };
    assert_eq!(receipt.to_text(), expected);
    assert_eq!(TlogProof::parse(&expected).unwrap(), receipt);

    let public_key = test_key().verifying_key();
    let leaf: Hash = basin_audit::leaf_hash(&hex::decode("40414243").unwrap());
    let (_, checkpoint) =
        verify_tlog_proof(&expected, &leaf, CHECKPOINT_KEY_NAME, &public_key).unwrap();
    assert_eq!(checkpoint.size, 8);
    let other_leaf = basin_audit::leaf_hash(b"other");
    assert!(matches!(
        verify_tlog_proof(&expected, &other_leaf, CHECKPOINT_KEY_NAME, &public_key),
        Err(NoteError::Inclusion(_))
    ));
}

#[test]
fn a_checkpoint_whose_origin_is_not_the_key_name_is_refused() {
    let mut checkpoint = checkpoint_of_size(8);
    checkpoint.origin = "example.com/impostor".into();
    let note = sign_note(&checkpoint.to_text(), CHECKPOINT_KEY_NAME, &test_key()).unwrap();
    assert!(matches!(
        verify_checkpoint(&note, CHECKPOINT_KEY_NAME, &test_key().verifying_key()),
        Err(NoteError::OriginMismatch { .. })
    ));
}
