//! Ed25519 cosignatures (c2sp.org/tlog-cosignature, "Format" and "Ed25519 signed message"):
//! a witness's note signature `— <name> <base64(key id || u64 timestamp || signature)>` over
//! `cosignature/v1\ntime <timestamp>\n` followed by the whole checkpoint body.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::key::{check_name, prefixed, split_key_text, typed_key_id, KeyId};
use super::signed::{check_note_text, parse_note};
use super::NoteError;

/// tlog-cosignature: the signature type byte of Ed25519 cosignatures (key ids and vkeys).
pub const COSIGNATURE_V1_ALGORITHM: u8 = 0x04;

/// tlog-cosignature: a timestamp must not exceed 2^63 - 1.
pub const COSIGNATURE_TIMESTAMP_MAX: u64 = i64::MAX as u64;

/// The fixed header line that separates cosignatures from every other signed message.
const COSIGNATURE_V1_HEADER: &str = "cosignature/v1\n";

/// Timestamp (8 bytes, big-endian) then the Ed25519 signature (64 bytes).
const TIMESTAMPED_SIGNATURE_BYTES: usize = 8 + 64;

/// Em dash and space: the start of every signature line.
const SIGNATURE_LINE_PREFIX: &str = "\u{2014} ";

/// `SHA-256(name || 0x0A || 0x04 || public key)[:4]`.
pub fn cosigner_key_id(name: &str, public_key: &VerifyingKey) -> KeyId {
    typed_key_id(COSIGNATURE_V1_ALGORITHM, name, public_key)
}

/// The cosigner's vkey `<name>+<key id hex>+<base64(0x04 || public key)>`.
pub fn cosigner_vkey(name: &str, public_key: &VerifyingKey) -> Result<String, NoteError> {
    check_name(name)?;
    Ok(format!(
        "{name}+{}+{}",
        hex::encode(cosigner_key_id(name, public_key)),
        STANDARD.encode(prefixed(COSIGNATURE_V1_ALGORITHM, public_key.as_bytes()))
    ))
}

/// Parses a cosigner vkey, checking its key id against its name and key.
pub fn parse_cosigner_vkey(text: &str) -> Result<(String, VerifyingKey), NoteError> {
    let (name, key_id_text, key_bytes) = split_key_text(text, COSIGNATURE_V1_ALGORITHM)?;
    let public_key =
        VerifyingKey::from_bytes(&key_bytes).map_err(|_| NoteError::MalformedKey("public key"))?;
    if public_key.is_weak() {
        return Err(NoteError::MalformedKey("public key of small order"));
    }
    if key_id_text != hex::encode(cosigner_key_id(name, &public_key)) {
        return Err(NoteError::MalformedKey("key id does not match"));
    }
    Ok((name.to_owned(), public_key))
}

/// The signed message: the header line, `time <timestamp>` and the checkpoint body
/// (including its final newline and any extension lines).
pub fn cosignature_message(checkpoint_text: &str, timestamp: u64) -> String {
    format!("{COSIGNATURE_V1_HEADER}time {timestamp}\n{checkpoint_text}")
}

/// The cosignature line `— <name> <base64(key id || timestamp || signature)>\n`.
/// A zero timestamp is refused: a witness must not omit it (tlog-witness, add-checkpoint).
pub fn cosignature_line(
    checkpoint_text: &str,
    name: &str,
    signing_key: &SigningKey,
    timestamp: u64,
) -> Result<String, NoteError> {
    check_note_text(checkpoint_text)?;
    check_name(name)?;
    check_timestamp(timestamp)?;
    let message = cosignature_message(checkpoint_text, timestamp);
    let mut payload = cosigner_key_id(name, &signing_key.verifying_key()).to_vec();
    payload.extend_from_slice(&timestamp.to_be_bytes());
    payload.extend_from_slice(&signing_key.sign(message.as_bytes()).to_bytes());
    Ok(format!(
        "{SIGNATURE_LINE_PREFIX}{name} {}\n",
        STANDARD.encode(payload)
    ))
}

/// Verifies the cosignature by (`name`, `public_key`) among `signature_lines` (for example a
/// witness's response) over `checkpoint_text`, and returns its timestamp. Lines by other keys
/// are ignored; a second line by this key, or one that does not verify, is refused.
pub fn verify_cosignature(
    checkpoint_text: &str,
    signature_lines: &str,
    name: &str,
    public_key: &VerifyingKey,
) -> Result<u64, NoteError> {
    check_note_text(checkpoint_text)?;
    let note = parse_note(&format!("{checkpoint_text}\n{signature_lines}"))?;
    let known_id = cosigner_key_id(name, public_key);
    let mut found = None;
    for signature in &note.signatures {
        if signature.name != name || signature.key_id != known_id {
            continue;
        }
        if found.is_some() {
            return Err(NoteError::DuplicateSignature);
        }
        let invalid = || NoteError::InvalidSignature(name.to_owned());
        let bytes: [u8; TIMESTAMPED_SIGNATURE_BYTES] = signature
            .signature
            .as_slice()
            .try_into()
            .map_err(|_| invalid())?;
        let (timestamp_bytes, signature_bytes) = bytes.split_at(8);
        let timestamp = u64::from_be_bytes(timestamp_bytes.try_into().map_err(|_| invalid())?);
        check_timestamp(timestamp).map_err(|_| invalid())?;
        let signature_bytes: [u8; 64] = signature_bytes.try_into().map_err(|_| invalid())?;
        public_key
            .verify_strict(
                cosignature_message(checkpoint_text, timestamp).as_bytes(),
                &Signature::from_bytes(&signature_bytes),
            )
            .map_err(|_| invalid())?;
        found = Some(timestamp);
    }
    found.ok_or_else(|| NoteError::NoKnownSignature(name.to_owned()))
}

fn check_timestamp(timestamp: u64) -> Result<(), NoteError> {
    if timestamp == 0 || timestamp > COSIGNATURE_TIMESTAMP_MAX {
        return Err(NoteError::BadTimestamp(timestamp));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHECKPOINT: &str = "example.com/log\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";

    fn witness_key() -> SigningKey {
        SigningKey::from_bytes(&[4; 32])
    }

    #[test]
    fn the_message_is_the_header_the_time_and_the_checkpoint_body() {
        assert_eq!(
            cosignature_message(CHECKPOINT, 1_679_315_147),
            format!("cosignature/v1\ntime 1679315147\n{CHECKPOINT}")
        );
    }

    #[test]
    fn a_cosignature_verifies_and_returns_its_timestamp() {
        let key = witness_key();
        let line = cosignature_line(CHECKPOINT, "witness.example/w1", &key, 1_700_000_000).unwrap();
        assert!(line.starts_with("\u{2014} witness.example/w1 "));
        let public_key = key.verifying_key();
        assert_eq!(
            verify_cosignature(CHECKPOINT, &line, "witness.example/w1", &public_key),
            Ok(1_700_000_000)
        );
        let other = CHECKPOINT.replace('3', "4");
        assert!(verify_cosignature(&other, &line, "witness.example/w1", &public_key).is_err());
        assert_eq!(
            verify_cosignature(CHECKPOINT, &line, "witness.example/w2", &public_key),
            Err(NoteError::NoKnownSignature("witness.example/w2".into()))
        );
        let twice = format!("{line}{line}");
        assert_eq!(
            verify_cosignature(CHECKPOINT, &twice, "witness.example/w1", &public_key),
            Err(NoteError::DuplicateSignature)
        );
    }

    #[test]
    fn a_published_cosigner_vkey_parses_and_its_key_id_matches() {
        // A native cosignature/v1 vkey from transparency-dev/formats' note tests: its key id
        // was computed by that implementation, so this pins the 0x04 key id to it.
        let text = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2";
        let (name, public_key) = parse_cosigner_vkey(text).unwrap();
        assert_eq!(name, "remora.n621.de");
        assert_eq!(hex::encode(cosigner_key_id(&name, &public_key)), "da77ade7");
        assert_eq!(cosigner_vkey(&name, &public_key).unwrap(), text);
        let wrong_id = text.replace("da77ade7", "da77ade8");
        assert!(parse_cosigner_vkey(&wrong_id).is_err());
    }

    #[test]
    fn a_zero_timestamp_is_refused() {
        assert_eq!(
            cosignature_line(CHECKPOINT, "w", &witness_key(), 0),
            Err(NoteError::BadTimestamp(0))
        );
        assert!(cosignature_line(CHECKPOINT, "w", &witness_key(), 1 << 63).is_err());
    }

    #[test]
    fn the_cosigner_key_id_uses_type_0x04_and_the_vkey_round_trips() {
        let public_key = witness_key().verifying_key();
        assert_ne!(
            cosigner_key_id("w", &public_key),
            super::super::key::key_id("w", &public_key)
        );
        let text = cosigner_vkey("witness.example/w1", &public_key).unwrap();
        let (name, parsed) = parse_cosigner_vkey(&text).unwrap();
        assert_eq!(name, "witness.example/w1");
        assert_eq!(parsed, public_key);
        // A note vkey (type 0x01) of the same key is not a cosigner vkey.
        let note_vkey = super::super::key::vkey("witness.example/w1", &public_key).unwrap();
        assert!(parse_cosigner_vkey(&note_vkey).is_err());
    }
}
