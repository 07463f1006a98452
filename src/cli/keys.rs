//! `keygen` and `sign`: the key tools bureaus and stations use to take part in the ledger
//! (acknowledging settlements, signing reading batches) without any other software.

use std::path::Path;

use basin_audit::messages::{self, SignatureError, SigningContext};
use basin_audit::note::{is_valid_key_name, key_id_hex, vkey};
use basin_audit::NoteError;
use ed25519_dalek::SigningKey;
use rand_core::OsRng;

use crate::key_file::{self, KeyFileError};

#[derive(Debug, thiserror::Error)]
pub enum KeyCommandError {
    #[error("--name {0:?} is not a valid key name (non-empty, no spaces, no `+`)")]
    BadName(String),
    #[error(transparent)]
    File(#[from] KeyFileError),
    #[error(transparent)]
    Signature(#[from] SignatureError),
    #[error(transparent)]
    Note(#[from] NoteError),
}

/// What `keygen` prints: everything public about the new key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedKey {
    /// Standard padded base64 of the 32-byte public key (what `POST …/keys` takes).
    pub public_key: String,
    /// Lowercase hex of the C2SP key id of (name, public key).
    pub key_id: String,
    /// The C2SP verifier key `<name>+<key id>+<base64(0x01 ‖ public key)>`.
    pub vkey: String,
}

impl GeneratedKey {
    /// One `label: value` line each, for people and for `grep`/`cut` alike.
    pub fn to_text(&self) -> String {
        format!(
            "public_key: {}\nkey_id: {}\nvkey: {}\n",
            self.public_key, self.key_id, self.vkey
        )
    }
}

/// Creates a new random key named `name` in the new file `out` (mode 0600).
pub fn keygen(name: &str, out: &Path) -> Result<GeneratedKey, KeyCommandError> {
    if !is_valid_key_name(name) {
        return Err(KeyCommandError::BadName(name.to_owned()));
    }
    let signing_key = SigningKey::generate(&mut OsRng);
    key_file::create_private_key(out, name, &signing_key)?;
    let public_key = signing_key.verifying_key();
    Ok(GeneratedKey {
        public_key: messages::public_key_base64(&public_key),
        key_id: key_id_hex(name, &public_key),
        vkey: vkey(name, &public_key)?,
    })
}

/// Signs `<context line>\n<digest>\n` with the key in `key` and returns standard base64.
pub fn sign(key: &Path, context: &str, digest_hex: &str) -> Result<String, KeyCommandError> {
    let context = SigningContext::parse(context)?;
    // The message is checked first, so a bad digest is reported without touching the key.
    let message = context.message(digest_hex)?;
    let (_, signing_key) = key_file::read_private_key(key)?;
    Ok(messages::sign(&message, &signing_key))
}
