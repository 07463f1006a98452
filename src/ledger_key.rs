//! The ledger's own signing key: it signs checkpoints (as the log origin, API.md "Audit log")
//! and, later, settlements. It lives in `LEDGER_KEY_FILE`, is created on first start, and its
//! name must be `LOG_ORIGIN`, because C2SP verifiers find the key by that name.
//!
//! Nothing here logs or prints the private key; `Debug` shows the origin and key id only.

use std::fmt;
use std::path::Path;

use basin_audit::messages::{self, SignatureError, SigningContext};
use basin_audit::note::{self, is_valid_key_name, key_id_hex, sign_checkpoint, verify_checkpoint};
use basin_audit::{Checkpoint, Hash, NoteError};
use ed25519_dalek::{SigningKey, VerifyingKey};
use rand_core::OsRng;

use crate::key_file::{self, KeyFileError};

mod retired;

pub use retired::{read_retired_keys, retired_key_path, RetiredKey, RETIRED_KEY_FILES_MAX};

/// `LOG_ORIGIN` when none is configured.
pub const LOG_ORIGIN_DEFAULT: &str = "localhost/basin-ledger";
/// `LEDGER_KEY_FILE` when none is configured.
pub const LEDGER_KEY_FILE_DEFAULT: &str = "basin-ledger.key";

#[derive(Debug, thiserror::Error)]
pub enum LedgerKeyError {
    #[error(
        "LOG_ORIGIN {0:?} is not a valid key name (it must be non-empty, without spaces or `+`)"
    )]
    BadOrigin(String),
    #[error(
        "ledger key file {path} holds a key named {found:?}, but LOG_ORIGIN is {expected:?}; \
         the key's name must be the log origin (use the right file, or set LOG_ORIGIN)"
    )]
    WrongName {
        path: String,
        expected: String,
        found: String,
    },
    #[error("retired ledger key file {path} holds key {key_id}, not the key its name says")]
    RetiredKeyId { path: String, key_id: String },
    #[error("more than {0} retired ledger key files beside the key file")]
    TooManyRetired(usize),
    #[error(transparent)]
    File(#[from] KeyFileError),
}

/// The ledger key with its origin. Cheap to share: handlers reach it through `AppState`.
pub struct LedgerKey {
    origin: String,
    signing_key: SigningKey,
    key_id: String,
    /// Earlier keys: they co-sign checkpoints until their `valid_to` and verify for ever.
    retired: Vec<RetiredKey>,
}

/// Whether `load_or_create` found the key or made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    Existing,
    Created,
}

impl LedgerKey {
    pub fn new(origin: &str, signing_key: SigningKey) -> Result<Self, LedgerKeyError> {
        if !is_valid_key_name(origin) {
            return Err(LedgerKeyError::BadOrigin(origin.to_owned()));
        }
        Ok(Self {
            key_id: key_id_hex(origin, &signing_key.verifying_key()),
            origin: origin.to_owned(),
            signing_key,
            retired: Vec::new(),
        })
    }

    /// The same key with the retired keys that `serve` found beside its file.
    pub fn with_retired(mut self, retired: Vec<RetiredKey>) -> Self {
        self.retired = retired;
        self
    }

    pub fn retired(&self) -> &[RetiredKey] {
        &self.retired
    }

    /// The private key, for `key rotate` to keep it as a retired key file.
    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.signing_key
    }

    /// A fresh random key held only in memory (tests, and the first step of creating one).
    pub fn generate(origin: &str) -> Result<Self, LedgerKeyError> {
        Self::new(origin, SigningKey::generate(&mut OsRng))
    }

    /// Reads the key file, or creates it with mode 0600 when it does not exist. Refuses a file
    /// others may read, and a key whose name is not `origin`.
    pub fn load_or_create(path: &Path, origin: &str) -> Result<(Self, KeySource), LedgerKeyError> {
        if let Some(key) = Self::load(path, origin)? {
            return Ok((key, KeySource::Existing));
        }
        let key = Self::generate(origin)?;
        match key_file::create_private_key(path, origin, &key.signing_key) {
            Ok(()) => Ok((key, KeySource::Created)),
            // Another server sharing the directory created it first: use that one.
            Err(KeyFileError::Exists { .. }) => match Self::load(path, origin)? {
                Some(key) => Ok((key, KeySource::Existing)),
                None => Err(KeyFileError::Exists {
                    path: path.to_owned(),
                }
                .into()),
            },
            Err(error) => Err(error.into()),
        }
    }

    /// Reads the key file; `None` when it does not exist. Refuses a file others may read, and
    /// a key whose name is not `origin`.
    pub fn load(path: &Path, origin: &str) -> Result<Option<Self>, LedgerKeyError> {
        if !is_valid_key_name(origin) {
            return Err(LedgerKeyError::BadOrigin(origin.to_owned()));
        }
        let (name, signing_key) = match key_file::read_private_key(path) {
            Ok(read) => read,
            Err(error) if error.is_missing() => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        if name != origin {
            return Err(LedgerKeyError::WrongName {
                path: path.display().to_string(),
                expected: origin.to_owned(),
                found: name,
            });
        }
        Self::new(origin, signing_key).map(Some)
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn public_key(&self) -> VerifyingKey {
        self.signing_key.verifying_key()
    }

    /// Standard padded base64 of the 32-byte public key, as `/v1/keys` shows it.
    pub fn public_key_base64(&self) -> String {
        messages::public_key_base64(&self.public_key())
    }

    /// Lowercase hex of the C2SP key id of (origin, public key).
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The C2SP verifier key `<origin>+<key id>+<base64(0x01 ‖ public key)>`.
    pub fn vkey(&self) -> Result<String, NoteError> {
        note::vkey(&self.origin, &self.public_key())
    }

    /// Signs the checkpoint of a tree of `size` leaves with `root` at `now` (UTC text): with
    /// the key in force, and with every retired key whose `valid_to` is still ahead.
    pub fn sign_checkpoint(&self, size: u64, root: Hash, now: &str) -> Result<String, NoteError> {
        let checkpoint = Checkpoint {
            origin: self.origin.clone(),
            size,
            root,
        };
        let mut note = sign_checkpoint(&checkpoint, &self.signing_key)?;
        let text = checkpoint.to_text();
        for retired in self.retired.iter().filter(|retired| retired.signs_at(now)) {
            note.push_str(&note::signature_line(
                &text,
                &self.origin,
                &retired.signing_key,
            )?);
        }
        Ok(note)
    }

    /// Verifies a checkpoint note against this key and origin, or a retired key (checkpoints
    /// signed before a rotation), returning its tree head.
    pub fn verify_checkpoint(&self, note: &str) -> Result<Checkpoint, NoteError> {
        verify_checkpoint(note, &self.origin, &self.public_key()).or_else(|error| {
            self.retired
                .iter()
                .find_map(|retired| {
                    verify_checkpoint(note, &self.origin, &retired.signing_key.verifying_key()).ok()
                })
                .ok_or(error)
        })
    }

    /// Signs `<context line>\n<digest>\n` (settlements use `SigningContext::Settlement`);
    /// returns standard base64.
    pub fn sign(
        &self,
        context: SigningContext,
        digest_hex: &str,
    ) -> Result<String, SignatureError> {
        Ok(messages::sign(
            &context.message(digest_hex)?,
            &self.signing_key,
        ))
    }
}

/// Never shows the private key, so a stray `{:?}` cannot leak it into a log.
impl fmt::Debug for LedgerKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("LedgerKey")
            .field("origin", &self.origin)
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_debug_form_shows_no_key_material() {
        let key = LedgerKey::new("example.com/log", SigningKey::from_bytes(&[9; 32])).unwrap();
        let shown = format!("{key:?}");
        assert!(shown.contains("example.com/log") && shown.contains(key.key_id()));
        assert!(!shown.contains("signing"), "{shown}");
    }

    #[test]
    fn a_key_is_created_once_and_then_reused() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("ledger.key");
        let (created, source) = LedgerKey::load_or_create(&path, "example.com/log").unwrap();
        assert_eq!(source, KeySource::Created);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let (loaded, source) = LedgerKey::load_or_create(&path, "example.com/log").unwrap();
        assert_eq!(source, KeySource::Existing);
        assert_eq!(loaded.public_key(), created.public_key());
        let wrong = LedgerKey::load_or_create(&path, "example.com/other").unwrap_err();
        assert!(matches!(wrong, LedgerKeyError::WrongName { .. }), "{wrong}");
        assert!(matches!(
            LedgerKey::load_or_create(&path, "bad origin"),
            Err(LedgerKeyError::BadOrigin(_))
        ));
    }
}
