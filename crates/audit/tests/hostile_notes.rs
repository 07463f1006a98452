//! Hostile inputs for the signed-note, checkpoint, key and receipt parsers: the published
//! vectors (tests/vectors/signed-note-checkpoints.txt) with bits flipped, bytes cut, em dashes,
//! CR/LF mixes, byte order marks and huge numbers inserted. Nothing may panic, every strict
//! parser accepts only its one canonical spelling, and no edit forges a signature.
//!
//! Long run (`PROPTEST_CASES` replaces the CI case count of every property here):
//! `PROPTEST_CASES=100000 cargo test -p basin-audit --test hostile_notes`

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;
mod hostile;

use std::sync::OnceLock;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use basin_audit::hash::{leaf_hash, Hash};
use basin_audit::note::{
    format_private_key, parse_note, parse_private_key, parse_vkey, signature_line,
    verify_checkpoint, verify_note, verify_tlog_proof, vkey, Checkpoint, Note, TlogProof,
};
use ed25519_dalek::{SigningKey, VerifyingKey};
use proptest::prelude::*;

use hostile::{apply_to_text, config, edits};

const GO_PRIVATE_KEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const CHECKPOINT_KEY_NAME: &str = "example.com/water-ledger-test";
const WITNESS_NAME: &str = "witness.example";

/// A signed note from the vectors and what verifying it must give.
struct SignedNote {
    note: String,
    key_name: &'static str,
    text: String,
}

struct Fixtures {
    public_key: VerifyingKey,
    witness_key: VerifyingKey,
    /// The Go golden note, the three checkpoints, and the size 8 checkpoint cosigned by a witness.
    notes: Vec<SignedNote>,
    receipt: String,
    receipt_leaf: Hash,
    vkeys: Vec<String>,
}

/// Bodies of the `--- ... ---` sections of the vectors file, in order; the first is the
/// text before any header.
fn sections() -> Vec<String> {
    let path = common::vectors_dir().join("signed-note-checkpoints.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let mut sections = vec![String::new()];
    for line in text.split_inclusive('\n') {
        if line.starts_with("--- ") && line.trim_end().ends_with(" ---") {
            sections.push(String::new());
        } else if let Some(last) = sections.last_mut() {
            last.push_str(line);
        }
    }
    sections
}

/// The note at the start of a section: up to and including its signature line.
fn note_in(body: &str) -> String {
    let end = body
        .find("\n\n\u{2014} ")
        .and_then(|blank| body[blank + 2..].find('\n').map(|end| blank + 2 + end + 1))
        .unwrap_or_else(|| panic!("no signed note in {body:?}"));
    body[..end].to_owned()
}

fn fixtures() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let sections = sections();
        let (_, signing_key) = parse_private_key(GO_PRIVATE_KEY).unwrap();
        let witness = SigningKey::from_bytes(&[2; 32]);
        let signed = |note: String, key_name: &'static str| {
            let text = parse_note(&note).unwrap().text;
            SignedNote {
                note,
                key_name,
                text,
            }
        };
        let mut notes = vec![signed(note_in(&sections[1]), "PeterNeumann")];
        for body in &sections[2..5] {
            notes.push(signed(note_in(body), CHECKPOINT_KEY_NAME));
        }
        let cosigned = format!(
            "{}{}",
            notes[3].note,
            signature_line(&notes[3].text, WITNESS_NAME, &witness).unwrap()
        );
        notes.push(signed(cosigned, CHECKPOINT_KEY_NAME));
        let vkey_line = |body: &str, prefix: &str| {
            body.lines()
                .find_map(|line| line.strip_prefix(prefix))
                .unwrap()
                .to_owned()
        };
        Fixtures {
            public_key: signing_key.verifying_key(),
            witness_key: witness.verifying_key(),
            notes,
            receipt: sections[5].clone(),
            receipt_leaf: leaf_hash(&[0x40, 0x41, 0x42, 0x43]),
            vkeys: vec![
                vkey_line(&sections[0], "vkey: "),
                vkey_line(&sections[4], "vkey for checkpoint key: "),
            ],
        }
    })
}

/// The exact text `parse_note` must have read: strict parsing means one spelling per note.
fn note_text(note: &Note) -> String {
    let mut text = format!("{}\n", note.text);
    for signature in &note.signatures {
        let mut payload = signature.key_id.to_vec();
        payload.extend_from_slice(&signature.signature);
        text.push_str(&format!(
            "\u{2014} {} {}\n",
            signature.name,
            STANDARD.encode(payload)
        ));
    }
    text
}

#[test]
fn the_fixtures_verify_before_they_are_edited() {
    let fixtures = fixtures();
    for signed in &fixtures.notes {
        let text = verify_note(&signed.note, signed.key_name, &fixtures.public_key);
        assert_eq!(text.as_ref(), Ok(&signed.text));
    }
    let verified = verify_tlog_proof(
        &fixtures.receipt,
        &fixtures.receipt_leaf,
        CHECKPOINT_KEY_NAME,
        &fixtures.public_key,
    );
    assert!(verified.is_ok(), "{verified:?}");
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn an_edited_note_verifies_only_with_the_text_that_was_signed(
        which in 0_usize..5,
        edits in edits(),
    ) {
        let fixtures = fixtures();
        let signed = &fixtures.notes[which];
        let edited = apply_to_text(&edits, &signed.note);
        if let Ok(parsed) = parse_note(&edited) {
            prop_assert_eq!(note_text(&parsed), edited.clone());
        }
        if let Ok(text) = verify_note(&edited, signed.key_name, &fixtures.public_key) {
            prop_assert_eq!(text, signed.text.clone());
        }
        if let Ok(text) = verify_note(&edited, WITNESS_NAME, &fixtures.witness_key) {
            prop_assert_eq!(text, signed.text.clone());
        }
        if signed.key_name == CHECKPOINT_KEY_NAME {
            if let Ok(checkpoint) = verify_checkpoint(&edited, CHECKPOINT_KEY_NAME, &fixtures.public_key) {
                prop_assert_eq!(checkpoint.to_text(), signed.text.clone());
            }
        }
    }

    #[test]
    fn checkpoint_text_is_accepted_only_in_its_one_canonical_spelling(
        which in 1_usize..4,
        edits in edits(),
    ) {
        let edited = apply_to_text(&edits, &fixtures().notes[which].text);
        if let Ok(checkpoint) = Checkpoint::parse(&edited) {
            prop_assert_eq!(checkpoint.to_text(), edited);
        }
    }

    #[test]
    fn an_edited_receipt_verifies_only_with_the_original_index_proof_and_checkpoint(
        edits in edits(),
    ) {
        let fixtures = fixtures();
        let edited = apply_to_text(&edits, &fixtures.receipt);
        if let Ok(receipt) = TlogProof::parse(&edited) {
            prop_assert_eq!(receipt.to_text(), edited.clone());
        }
        let verified = verify_tlog_proof(
            &edited,
            &fixtures.receipt_leaf,
            CHECKPOINT_KEY_NAME,
            &fixtures.public_key,
        );
        if let Ok((receipt, checkpoint)) = verified {
            let original = TlogProof::parse(&fixtures.receipt).unwrap();
            prop_assert_eq!((receipt.index, receipt.proof), (original.index, original.proof));
            prop_assert_eq!(checkpoint.to_text(), fixtures.notes[3].text.clone());
        }
    }

    #[test]
    fn edited_key_texts_parse_only_in_their_canonical_spelling(
        which in 0_usize..3,
        edits in edits(),
    ) {
        let fixtures = fixtures();
        let original = match which {
            0 | 1 => fixtures.vkeys[which].clone(),
            _ => format!("{GO_PRIVATE_KEY}\n"),
        };
        let edited = apply_to_text(&edits, &original);
        if let Ok((name, public_key)) = parse_vkey(&edited) {
            prop_assert_eq!(vkey(&name, &public_key), Ok(edited.clone()));
        }
        if let Ok((name, signing_key)) = parse_private_key(&edited) {
            let written = format_private_key(&name, &signing_key);
            let without_newline = edited.strip_suffix('\n').unwrap_or(&edited);
            prop_assert_eq!(written, Ok(without_newline.to_owned()));
        }
    }

    #[test]
    fn text_from_a_hostile_alphabet_never_panics_a_note_parser(
        text in "[\u{2014} \n\r\t+=/A-Za-z0-9.\u{feff}\u{0}-\u{1f}\u{7f}\u{2028}]{0,160}",
    ) {
        let fixtures = fixtures();
        let _ = parse_note(&text);
        let _ = verify_note(&text, "PeterNeumann", &fixtures.public_key);
        let _ = verify_checkpoint(&text, CHECKPOINT_KEY_NAME, &fixtures.public_key);
        let _ = verify_tlog_proof(&text, &fixtures.receipt_leaf, CHECKPOINT_KEY_NAME, &fixtures.public_key);
        let _ = Checkpoint::parse(&text);
        let _ = TlogProof::parse(&text);
        let _ = parse_vkey(&text);
        let _ = parse_private_key(&text);
    }
}
