//! Key names, key ids and the text forms of Ed25519 note keys (c2sp.org/signed-note,
//! "Signatures" and "Ed25519 signatures"; the text forms are those of Go's
//! `golang.org/x/mod/sumdb/note`, which `keygen` writes and the server reads).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{SigningKey, VerifyingKey};

use super::NoteError;
use crate::hash::sha256;

/// signed-note "Signature types": `0x01` is Ed25519.
pub const ED25519_ALGORITHM: u8 = 0x01;

/// The 4-byte key id that starts every signature, big-endian.
pub type KeyId = [u8; 4];

/// signed-note: names are non-empty and contain no Unicode space and no `+`.
pub fn is_valid_key_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(|c: char| c.is_whitespace() || c == '+')
}

/// `SHA-256(name || 0x0A || 0x01 || public key)[:4]` (signed-note, "Ed25519 signatures").
pub fn key_id(name: &str, public_key: &VerifyingKey) -> KeyId {
    typed_key_id(ED25519_ALGORITHM, name, public_key)
}

/// `SHA-256(name || 0x0A || algorithm || public key)[:4]`, for any signature type whose key
/// material is an Ed25519 public key (0x01 notes, 0x04 cosignatures).
pub(super) fn typed_key_id(algorithm: u8, name: &str, public_key: &VerifyingKey) -> KeyId {
    let mut input = Vec::with_capacity(name.len() + 2 + 32);
    input.extend_from_slice(name.as_bytes());
    input.push(b'\n');
    input.push(algorithm);
    input.extend_from_slice(public_key.as_bytes());
    let digest = sha256(&input);
    [digest[0], digest[1], digest[2], digest[3]]
}

/// The key id as 8 lowercase hex digits, as in `/v1/keys` and the key texts.
pub fn key_id_hex(name: &str, public_key: &VerifyingKey) -> String {
    hex::encode(key_id(name, public_key))
}

/// The verifier key text `<name>+<key id hex>+<base64(0x01 || public key)>`.
pub fn vkey(name: &str, public_key: &VerifyingKey) -> Result<String, NoteError> {
    check_name(name)?;
    Ok(format!(
        "{name}+{}+{}",
        key_id_hex(name, public_key),
        STANDARD.encode(algorithm_prefixed(public_key.as_bytes()))
    ))
}

/// Parses a verifier key text, checking its key id against its name and key.
pub fn parse_vkey(text: &str) -> Result<(String, VerifyingKey), NoteError> {
    let (name, key_id_text, key_bytes) = split_key_text(text, ED25519_ALGORITHM)?;
    let public_key =
        VerifyingKey::from_bytes(&key_bytes).map_err(|_| NoteError::MalformedKey("public key"))?;
    if public_key.is_weak() {
        return Err(NoteError::MalformedKey("public key of small order"));
    }
    if key_id_text != key_id_hex(name, &public_key) {
        return Err(NoteError::MalformedKey("key id does not match"));
    }
    Ok((name.to_owned(), public_key))
}

/// The private key text `PRIVATE+KEY+<name>+<key id hex>+<base64(0x01 || seed)>`.
pub fn format_private_key(name: &str, signing_key: &SigningKey) -> Result<String, NoteError> {
    check_name(name)?;
    Ok(format!(
        "PRIVATE+KEY+{name}+{}+{}",
        key_id_hex(name, &signing_key.verifying_key()),
        STANDARD.encode(algorithm_prefixed(signing_key.as_bytes()))
    ))
}

/// Parses a private key text, checking its key id against the key it derives.
pub fn parse_private_key(text: &str) -> Result<(String, SigningKey), NoteError> {
    // A key file conventionally ends with one newline; nothing else is tolerated.
    let text = text.strip_suffix('\n').unwrap_or(text);
    let rest = text
        .strip_prefix("PRIVATE+KEY+")
        .ok_or(NoteError::MalformedKey("private key prefix"))?;
    let (name, key_id_text, seed) = split_key_text(rest, ED25519_ALGORITHM)?;
    let signing_key = SigningKey::from_bytes(&seed);
    if key_id_text != key_id_hex(name, &signing_key.verifying_key()) {
        return Err(NoteError::MalformedKey("key id does not match"));
    }
    Ok((name.to_owned(), signing_key))
}

/// Splits `<name>+<8 hex>+<base64(algorithm || 32 bytes)>`. The base64 may itself contain
/// `+`, so only the first two are separators (names cannot contain one).
pub(super) fn split_key_text(
    text: &str,
    algorithm: u8,
) -> Result<(&str, &str, [u8; 32]), NoteError> {
    let mut parts = text.splitn(3, '+');
    let (Some(name), Some(key_id_text), Some(key_base64)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(NoteError::MalformedKey("expected name+keyid+key"));
    };
    check_name(name)?;
    if key_id_text.len() != 8 || !crate::hash::is_lowercase_hex(key_id_text) {
        return Err(NoteError::MalformedKey(
            "key id is not 8 lowercase hex digits",
        ));
    }
    let decoded = STANDARD
        .decode(key_base64)
        .map_err(|_| NoteError::MalformedKey("key is not base64"))?;
    let key = match decoded.split_first() {
        Some((&found, key)) if found == algorithm => key,
        _ => return Err(NoteError::MalformedKey("not a key of the expected type")),
    };
    let key: [u8; 32] = key
        .try_into()
        .map_err(|_| NoteError::MalformedKey("an Ed25519 key is 32 bytes"))?;
    Ok((name, key_id_text, key))
}

fn algorithm_prefixed(key: &[u8; 32]) -> Vec<u8> {
    prefixed(ED25519_ALGORITHM, key)
}

/// `algorithm || key`, the key material of a vkey.
pub(super) fn prefixed(algorithm: u8, key: &[u8; 32]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(33);
    bytes.push(algorithm);
    bytes.extend_from_slice(key);
    bytes
}

pub(super) fn check_name(name: &str) -> Result<(), NoteError> {
    if is_valid_key_name(name) {
        Ok(())
    } else {
        Err(NoteError::BadKeyName)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_spaces_or_plus_are_not_key_names() {
        assert!(is_valid_key_name("example.com/log"));
        for name in ["", "a b", "a+b", "a\u{00a0}b", "a\u{2003}b", "a\tb"] {
            assert!(!is_valid_key_name(name), "{name:?}");
        }
    }

    #[test]
    fn a_private_key_text_round_trips() {
        let signing_key = SigningKey::from_bytes(&[7; 32]);
        let text = format_private_key("example.com/x", &signing_key).unwrap();
        let (name, parsed) = parse_private_key(&text).unwrap();
        assert_eq!(name, "example.com/x");
        assert_eq!(parsed.as_bytes(), signing_key.as_bytes());
        assert!(parse_private_key(&format!("{text}\n")).is_ok());
        assert!(parse_private_key(&format!("{text}\n\n")).is_err());
    }
}
