//! The byte strings that settlements, acknowledgements and reading batches are signed
//! over (API.md "Agreements and settlements", "Command line"), and Ed25519 signatures on
//! them in standard padded base64.
//!
//! Each message starts with a context line so that a signature made for one purpose can
//! never be replayed as another (a settlement signature is not an acknowledgement).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use crate::hash::{is_lowercase_hex, HASH_BYTES};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the digest must be 64 lowercase hexadecimal digits")]
    BadDigest,
    #[error("unknown signing context `{0}`; expected settlement, ack or readings")]
    UnknownContext(String),
    #[error("the signature is not standard base64 of 64 bytes")]
    MalformedSignature,
    #[error("the public key is not standard base64 of a 32-byte Ed25519 key")]
    MalformedPublicKey,
    #[error("the signature does not verify")]
    InvalidSignature,
}

/// What a signature is for; each has its own first line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningContext {
    /// The ledger issuing a settlement; the digest is `document_sha256`.
    Settlement,
    /// A party acknowledging a settlement; the digest is `document_sha256`.
    Ack,
    /// A station submitting readings; the digest is SHA-256 of the exact body bytes.
    Readings,
}

impl SigningContext {
    /// Parses the `--context` argument of `basin-ledger sign`.
    pub fn parse(name: &str) -> Result<Self, SignatureError> {
        match name {
            "settlement" => Ok(Self::Settlement),
            "ack" => Ok(Self::Ack),
            "readings" => Ok(Self::Readings),
            other => Err(SignatureError::UnknownContext(other.to_owned())),
        }
    }

    fn first_line(self) -> &'static str {
        match self {
            Self::Settlement => "basin-ledger/settlement/v1",
            Self::Ack => "basin-ledger/ack/v1",
            Self::Readings => "basin-ledger/readings/v1",
        }
    }

    /// `<context line>\n<digest hex>\n`. The digest must be 64 lowercase hex digits,
    /// so that one digest has exactly one message.
    pub fn message(self, digest_hex: &str) -> Result<Vec<u8>, SignatureError> {
        if digest_hex.len() != 2 * HASH_BYTES || !is_lowercase_hex(digest_hex) {
            return Err(SignatureError::BadDigest);
        }
        Ok(format!("{}\n{digest_hex}\n", self.first_line()).into_bytes())
    }
}

/// `basin-ledger/settlement/v1\n<document_sha256>\n`
pub fn settlement_message(document_sha256_hex: &str) -> Result<Vec<u8>, SignatureError> {
    SigningContext::Settlement.message(document_sha256_hex)
}

/// `basin-ledger/ack/v1\n<document_sha256>\n`
pub fn ack_message(document_sha256_hex: &str) -> Result<Vec<u8>, SignatureError> {
    SigningContext::Ack.message(document_sha256_hex)
}

/// `basin-ledger/readings/v1\n<SHA-256 of the exact request body bytes>\n`
pub fn readings_message(body_sha256_hex: &str) -> Result<Vec<u8>, SignatureError> {
    SigningContext::Readings.message(body_sha256_hex)
}

/// Ed25519 signature of `message`, in standard padded base64.
pub fn sign(message: &[u8], signing_key: &SigningKey) -> String {
    STANDARD.encode(signing_key.sign(message).to_bytes())
}

/// Verifies a base64 Ed25519 signature with `verify_strict`, which also refuses
/// small-order keys and non-canonical signatures (malleability).
pub fn verify_signature(
    message: &[u8],
    public_key: &VerifyingKey,
    signature_base64: &str,
) -> Result<(), SignatureError> {
    let bytes: [u8; 64] = STANDARD
        .decode(signature_base64)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(SignatureError::MalformedSignature)?;
    public_key
        .verify_strict(message, &Signature::from_bytes(&bytes))
        .map_err(|_| SignatureError::InvalidSignature)
}

/// Parses a registered public key: standard padded base64 of 32 bytes, a valid curve
/// point and not of small order.
pub fn parse_public_key_base64(text: &str) -> Result<VerifyingKey, SignatureError> {
    let bytes: [u8; 32] = STANDARD
        .decode(text)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(SignatureError::MalformedPublicKey)?;
    let key = VerifyingKey::from_bytes(&bytes).map_err(|_| SignatureError::MalformedPublicKey)?;
    if key.is_weak() {
        return Err(SignatureError::MalformedPublicKey);
    }
    Ok(key)
}

/// The public key as `/v1/keys` and `keygen` print it: standard padded base64.
pub fn public_key_base64(public_key: &VerifyingKey) -> String {
    STANDARD.encode(public_key.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn messages_have_the_context_line_and_the_digest() {
        assert_eq!(
            settlement_message(DIGEST).unwrap(),
            format!("basin-ledger/settlement/v1\n{DIGEST}\n").into_bytes()
        );
        assert_eq!(
            ack_message(DIGEST).unwrap(),
            format!("basin-ledger/ack/v1\n{DIGEST}\n").into_bytes()
        );
        assert_eq!(
            readings_message(DIGEST).unwrap(),
            format!("basin-ledger/readings/v1\n{DIGEST}\n").into_bytes()
        );
        assert_eq!(
            settlement_message(&DIGEST.to_uppercase()),
            Err(SignatureError::BadDigest)
        );
        assert_eq!(settlement_message("abc"), Err(SignatureError::BadDigest));
    }

    #[test]
    fn a_signature_verifies_only_for_its_own_context() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let signature = sign(&settlement_message(DIGEST).unwrap(), &key);
        let public_key = key.verifying_key();
        assert_eq!(
            verify_signature(
                &settlement_message(DIGEST).unwrap(),
                &public_key,
                &signature
            ),
            Ok(())
        );
        assert_eq!(
            verify_signature(&ack_message(DIGEST).unwrap(), &public_key, &signature),
            Err(SignatureError::InvalidSignature)
        );
    }

    #[test]
    fn malformed_signatures_and_keys_are_refused() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let public_key = key.verifying_key();
        let message = ack_message(DIGEST).unwrap();
        let signature = sign(&message, &key);
        for bad in [
            "",
            "!!!!",
            &signature[..signature.len() - 4],
            &signature.replace('=', ""),
        ] {
            assert_eq!(
                verify_signature(&message, &public_key, bad),
                Err(SignatureError::MalformedSignature),
                "{bad}"
            );
        }
        assert_eq!(
            parse_public_key_base64(&public_key_base64(&public_key)),
            Ok(public_key)
        );
        // The identity point has small order.
        let mut identity = [0_u8; 32];
        identity[0] = 1;
        assert_eq!(
            parse_public_key_base64(&STANDARD.encode(identity)),
            Err(SignatureError::MalformedPublicKey)
        );
        assert!(parse_public_key_base64(&STANDARD.encode([1_u8; 31])).is_err());
        assert!(SigningContext::parse("acknowledgement").is_err());
    }
}
