//! SHA-256 hashing with the RFC 6962 §2.1 domain separation, and hex helpers.
//!
//! Leaves and interior nodes are hashed with different one-byte prefixes so that a leaf
//! can never be passed off as an interior node (second-preimage resistance of the tree).

use sha2::{Digest, Sha256};

/// A SHA-256 output: leaf hashes, node hashes and tree roots.
pub type Hash = [u8; 32];

/// The size of every hash in the log, in bytes.
pub const HASH_BYTES: usize = 32;

/// The `prev` of entry 0: there is no previous leaf, so the chain starts from zeros.
/// This is not the empty tree's root (see [`empty_root`]).
pub const ZERO_HASH: Hash = [0; HASH_BYTES];

/// RFC 6962 §2.1: the prefix byte of a leaf hash.
const LEAF_PREFIX: u8 = 0x00;
/// RFC 6962 §2.1: the prefix byte of an interior node hash.
const NODE_PREFIX: u8 = 0x01;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HashError {
    #[error("a hash is {expected} bytes, got {actual}")]
    WrongLength { expected: usize, actual: usize },
    #[error("a hash in hex is 64 lowercase hexadecimal digits")]
    NotLowercaseHex,
}

/// Plain SHA-256 of `bytes` (document digests, readings digests, batch bodies).
pub fn sha256(bytes: &[u8]) -> Hash {
    Sha256::digest(bytes).into()
}

/// RFC 6962 §2.1: `MTH({d}) = SHA-256(0x00 || d)`.
pub fn leaf_hash(bytes: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([LEAF_PREFIX]);
    hasher.update(bytes);
    hasher.finalize().into()
}

/// RFC 6962 §2.1: `SHA-256(0x01 || MTH(left) || MTH(right))`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([NODE_PREFIX]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// RFC 6962 §2.1: the hash of the empty tree is the hash of the empty string.
pub fn empty_root() -> Hash {
    sha256(b"")
}

/// Lowercase hex, the only spelling the log writes.
pub fn hash_to_hex(hash: &Hash) -> String {
    hex::encode(hash)
}

/// Parses exactly 64 lowercase hex digits. Uppercase is refused so that one hash has one
/// spelling, which the canonical leaf bytes depend on.
pub fn hash_from_hex(text: &str) -> Result<Hash, HashError> {
    if text.len() != 2 * HASH_BYTES || !is_lowercase_hex(text) {
        return Err(HashError::NotLowercaseHex);
    }
    let mut hash = ZERO_HASH;
    hex::decode_to_slice(text, &mut hash).map_err(|_| HashError::NotLowercaseHex)?;
    Ok(hash)
}

/// Copies a 32-byte slice into a [`Hash`], refusing any other length.
pub fn hash_from_slice(bytes: &[u8]) -> Result<Hash, HashError> {
    Hash::try_from(bytes).map_err(|_| HashError::WrongLength {
        expected: HASH_BYTES,
        actual: bytes.len(),
    })
}

/// True when every character is one of `0-9a-f`.
pub(crate) fn is_lowercase_hex(text: &str) -> bool {
    text.bytes()
        .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_root_is_the_hash_of_the_empty_string() {
        assert_eq!(
            hash_to_hex(&empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn the_leaf_hash_of_the_empty_leaf_matches_rfc_6962_reference_tree() {
        assert!(hash_to_hex(&leaf_hash(b"")).starts_with("6e340b9c"));
    }

    #[test]
    fn hex_round_trips_and_refuses_uppercase_and_wrong_lengths() {
        let hash = sha256(b"basin");
        assert_eq!(hash_from_hex(&hash_to_hex(&hash)), Ok(hash));
        assert!(hash_from_hex(&hash_to_hex(&hash).to_uppercase()).is_err());
        assert!(hash_from_hex("00").is_err());
        assert!(hash_from_hex(&"g".repeat(64)).is_err());
        assert!(hash_from_slice(&[0; 31]).is_err());
    }
}
