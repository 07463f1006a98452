//! Strict parsing and verification rules of signed notes and key texts.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use basin_audit::note::{
    parse_note, parse_private_key, parse_vkey, sign_note, signature_line, verify_note, vkey,
    NoteError, NOTE_SIGNATURES_MAX,
};
use ed25519_dalek::SigningKey;

const TEXT: &str = "example.com/log\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
const NAME: &str = "example.com/log";

fn key() -> SigningKey {
    SigningKey::from_bytes(&[1; 32])
}

fn other_key() -> SigningKey {
    SigningKey::from_bytes(&[2; 32])
}

#[test]
fn a_note_with_an_extra_unknown_signature_still_verifies() {
    let note = sign_note(TEXT, NAME, &key()).unwrap();
    let witness = signature_line(TEXT, "witness.example", &other_key()).unwrap();
    for combined in [format!("{note}{witness}"), {
        let (text, ours) = note.split_at(TEXT.len() + 1);
        format!("{text}{witness}{ours}")
    }] {
        assert_eq!(
            verify_note(&combined, NAME, &key().verifying_key()).unwrap(),
            TEXT
        );
    }
}

#[test]
fn a_note_signed_only_by_unknown_keys_is_refused() {
    let note = sign_note(TEXT, "witness.example", &other_key()).unwrap();
    assert_eq!(
        verify_note(&note, NAME, &key().verifying_key()),
        Err(NoteError::NoKnownSignature(NAME.into()))
    );
    // Same name, another key (so another key id): still unknown, still refused.
    let note = sign_note(TEXT, NAME, &other_key()).unwrap();
    assert!(verify_note(&note, NAME, &key().verifying_key()).is_err());
}

#[test]
fn a_bad_signature_by_the_known_key_rejects_the_note_even_with_a_good_one() {
    let note = sign_note(TEXT, NAME, &key()).unwrap();
    let tampered = note.replacen("\n3\n", "\n4\n", 1);
    assert_eq!(
        verify_note(&tampered, NAME, &key().verifying_key()),
        Err(NoteError::InvalidSignature(NAME.into()))
    );
    // A second, different-looking signature line from the known key id.
    let line = signature_line(TEXT, NAME, &key()).unwrap();
    let encoded = line.trim_end().rsplit(' ').next().unwrap();
    let mut bytes = STANDARD.decode(encoded).unwrap();
    bytes[10] ^= 1;
    let forged = format!("\u{2014} {NAME} {}\n", STANDARD.encode(bytes));
    assert!(verify_note(&format!("{note}{forged}"), NAME, &key().verifying_key()).is_err());
    assert_eq!(
        verify_note(&format!("{note}{line}"), NAME, &key().verifying_key()),
        Err(NoteError::DuplicateSignature)
    );
}

#[test]
fn malformed_notes_are_refused() {
    let note = sign_note(TEXT, NAME, &key()).unwrap();
    let without_newline = note.trim_end().to_owned();
    let without_blank_line = note.replacen("\n\n", "\n", 1);
    let hyphen_instead_of_em_dash = note.replace('\u{2014}', "-");
    let tab_in_text = note.replacen("example.com/log\n3", "example.com/log\t\n3", 1);
    let carriage_return = note.replace('\n', "\r\n");
    let unpadded = note.replace("=\n", "\n");
    let double_space = note.replacen(&format!("{NAME} "), &format!("{NAME}  "), 1);
    let empty_signature_block = format!("{TEXT}\n");
    let short_signature = format!("{TEXT}\n\u{2014} {NAME} AAAA\n");
    for bad in [
        without_newline,
        without_blank_line,
        hyphen_instead_of_em_dash,
        tab_in_text,
        carriage_return,
        unpadded,
        double_space,
        empty_signature_block,
        short_signature,
    ] {
        assert!(parse_note(&bad).is_err(), "{bad:?}");
        assert!(
            verify_note(&bad, NAME, &key().verifying_key()).is_err(),
            "{bad:?}"
        );
    }
}

#[test]
fn note_texts_must_end_in_a_newline_and_have_no_control_characters() {
    assert!(sign_note("no newline", NAME, &key()).is_err());
    assert!(sign_note("tab\there\n", NAME, &key()).is_err());
    assert!(sign_note(TEXT, "bad name", &key()).is_err());
    assert!(sign_note(TEXT, "bad+name", &key()).is_err());
    // Blank lines inside the text are allowed: the last blank line separates.
    let text = "first\n\nthird\n";
    let note = sign_note(text, NAME, &key()).unwrap();
    assert_eq!(
        verify_note(&note, NAME, &key().verifying_key()).unwrap(),
        text
    );
}

#[test]
fn too_many_signature_lines_are_refused() {
    let line = signature_line(TEXT, "witness.example", &other_key()).unwrap();
    let note = format!("{TEXT}\n{}", line.repeat(NOTE_SIGNATURES_MAX + 1));
    assert_eq!(parse_note(&note), Err(NoteError::TooManySignatures));
}

#[test]
fn key_texts_with_a_wrong_id_algorithm_or_length_are_refused() {
    let good = vkey(NAME, &key().verifying_key()).unwrap();
    assert!(parse_vkey(&good).is_ok());
    let (head, encoded) = good.rsplit_once('+').unwrap();
    let mut key_bytes = STANDARD.decode(encoded).unwrap();
    let wrong_id = good.replacen(&good[NAME.len() + 1..NAME.len() + 9], "00000000", 1);
    let upper_id = good.replacen(
        &good[NAME.len() + 1..NAME.len() + 9],
        &good[NAME.len() + 1..NAME.len() + 9].to_uppercase(),
        1,
    );
    key_bytes[0] = 0x02;
    let wrong_algorithm = format!("{head}+{}", STANDARD.encode(&key_bytes));
    key_bytes[0] = 0x01;
    key_bytes.push(0);
    let too_long = format!("{head}+{}", STANDARD.encode(&key_bytes));
    key_bytes.truncate(32);
    let too_short = format!("{head}+{}", STANDARD.encode(&key_bytes));
    for bad in [
        wrong_id,
        wrong_algorithm,
        too_long,
        too_short,
        "x".into(),
        format!("a b+{}", &good[NAME.len() + 1..]),
    ] {
        assert!(parse_vkey(&bad).is_err(), "{bad}");
    }
    if upper_id != good {
        assert!(parse_vkey(&upper_id).is_err());
    }

    let private = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    assert!(parse_private_key(private).is_ok());
    for bad in [
        private.replace("c74f20a3", "c74f20a4"),
        private.replace("+AYEK", "+AoEK"),
        private.replace("PRIVATE+KEY", "PUBLIC+KEY"),
        private.replace("HKDFz", "HKDF"),
        private.replace("PeterNeumann", "Peter Neumann"),
    ] {
        assert!(parse_private_key(&bad).is_err(), "{bad}");
    }
}
