//! The ledger's own signing key, named by the log origin (API.md "Command line": `LEDGER_KEY_FILE`,
//! `LOG_ORIGIN`). It signs settlements here; the audit-log work signs checkpoints with it too.
//! Kept deliberately small: the `log-endpoints` branch owns the full key-file handling.
//!
//! Nothing here logs or prints the private key; `Debug` shows the origin and key id only.

use std::fmt;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use basin_audit::messages::{self, SignatureError, SigningContext};
use basin_audit::note::{format_private_key, is_valid_key_name, key_id_hex, parse_private_key};
use ed25519_dalek::{SigningKey, VerifyingKey};
use rand_core::OsRng;

/// `LOG_ORIGIN` when none is configured.
pub const LOG_ORIGIN_DEFAULT: &str = "localhost/basin-ledger";
/// `LEDGER_KEY_FILE` when none is configured.
pub const LEDGER_KEY_FILE_DEFAULT: &str = "basin-ledger.key";

#[derive(Debug, thiserror::Error)]
pub enum LedgerKeyError {
    #[error("LOG_ORIGIN {0:?} is not a valid key name (non-empty, no spaces, no `+`)")]
    BadOrigin(String),
    #[error("ledger key file {path}: {message}")]
    File { path: String, message: String },
}

pub struct LedgerKey {
    origin: String,
    signing_key: SigningKey,
    key_id: String,
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
        })
    }

    /// A fresh random key held only in memory (tests).
    pub fn generate(origin: &str) -> Result<Self, LedgerKeyError> {
        Self::new(origin, SigningKey::generate(&mut OsRng))
    }

    /// Reads the key file, or creates it (mode 0600) when it does not exist. Refuses a file that
    /// others may read and a key whose name is not `origin`.
    pub fn load_or_create(path: &Path, origin: &str) -> Result<Self, LedgerKeyError> {
        let failure = |message: String| LedgerKeyError::File {
            path: path.display().to_string(),
            message,
        };
        match std::fs::metadata(path) {
            Ok(metadata) => {
                if metadata.permissions().mode() & 0o077 != 0 {
                    return Err(failure(
                        "is readable by others; chmod 600 it (a ledger key is a secret)".into(),
                    ));
                }
                let text =
                    std::fs::read_to_string(path).map_err(|error| failure(error.to_string()))?;
                let (name, signing_key) =
                    parse_private_key(&text).map_err(|error| failure(error.to_string()))?;
                if name != origin {
                    return Err(failure(format!(
                        "holds a key named {name:?}, but LOG_ORIGIN is {origin:?}"
                    )));
                }
                Self::new(origin, signing_key)
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let key = Self::generate(origin)?;
                let text = format_private_key(origin, &key.signing_key)
                    .map_err(|error| failure(error.to_string()))?;
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(path)
                    .map_err(|error| failure(error.to_string()))?;
                writeln!(file, "{text}").map_err(|error| failure(error.to_string()))?;
                Ok(key)
            }
            Err(error) => Err(failure(error.to_string())),
        }
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn public_key(&self) -> VerifyingKey {
        self.signing_key.verifying_key()
    }

    /// Lowercase hex of the C2SP key id of (origin, public key).
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Signs `<context line>\n<digest>\n`; returns standard base64.
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

    #[test]
    fn a_key_file_is_created_private_and_then_reused() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("ledger.key");
        let created = LedgerKey::load_or_create(&path, "example.com/log").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let loaded = LedgerKey::load_or_create(&path, "example.com/log").unwrap();
        assert_eq!(loaded.public_key(), created.public_key());
        assert!(LedgerKey::load_or_create(&path, "example.com/other").is_err());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(LedgerKey::load_or_create(&path, "example.com/log").is_err());
        assert!(!format!("{loaded:?}").contains("signing"));
    }
}
