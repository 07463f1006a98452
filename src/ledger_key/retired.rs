//! Retired ledger keys (API.md "Keys and rotation"): `key rotate` keeps the old key beside the
//! key file as `<LEDGER_KEY_FILE>.<key id>.retired` (mode 0600), and `serve` loads every such
//! file. A retired key co-signs checkpoints until its `valid_to`, and verifies what it signed
//! for ever; it signs nothing after `valid_to`.

use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;

use super::LedgerKeyError;
use crate::key_file;

/// How many retired key files `serve` reads at most: a bound, not an expected number.
pub const RETIRED_KEY_FILES_MAX: usize = 64;

/// A retired ledger key and the end of its signing window.
pub struct RetiredKey {
    pub(super) signing_key: SigningKey,
    pub(super) key_id: String,
    /// UTC text (as `valid_to` in `ledger_keys`): the key signs only before it.
    pub(super) valid_to: String,
}

impl RetiredKey {
    pub fn new(signing_key: SigningKey, key_id: String, valid_to: String) -> Self {
        Self {
            signing_key,
            key_id,
            valid_to,
        }
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    pub fn valid_to(&self) -> &str {
        &self.valid_to
    }

    /// Whether the key may still sign at `now` (UTC text in the same format).
    pub fn signs_at(&self, now: &str) -> bool {
        now < self.valid_to.as_str()
    }
}

/// `<key file>.<key id>.retired`.
pub fn retired_key_path(key_file: &Path, key_id: &str) -> PathBuf {
    let mut name = key_file.as_os_str().to_owned();
    name.push(format!(".{key_id}.retired"));
    PathBuf::from(name)
}

/// Every retired key file beside `key_file` whose name is `origin`: (key id, signing key).
/// The same checks as the key file: mode 0600, the right name, and a key id that matches.
pub fn read_retired_keys(
    key_file: &Path,
    origin: &str,
) -> Result<Vec<(String, SigningKey)>, LedgerKeyError> {
    let directory = match key_file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    let Some(base) = key_file.file_name().and_then(|name| name.to_str()) else {
        return Ok(Vec::new());
    };
    let prefix = format!("{base}.");
    let listing = std::fs::read_dir(&directory).map_err(|source| {
        LedgerKeyError::File(key_file::KeyFileError::Read {
            path: directory.clone(),
            source,
        })
    })?;
    let mut found = Vec::new();
    for item in listing.take(RETIRED_KEY_FILES_MAX * 64) {
        let Ok(item) = item else { continue };
        let name = item.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(key_id) = name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".retired"))
        else {
            continue;
        };
        let path = directory.join(name);
        let (key_name, signing_key) = key_file::read_private_key(&path)?;
        if key_name != origin {
            return Err(LedgerKeyError::WrongName {
                path: path.display().to_string(),
                expected: origin.to_owned(),
                found: key_name,
            });
        }
        let actual = basin_audit::note::key_id_hex(origin, &signing_key.verifying_key());
        if actual != key_id {
            return Err(LedgerKeyError::RetiredKeyId {
                path: path.display().to_string(),
                key_id: actual,
            });
        }
        found.push((key_id.to_owned(), signing_key));
        if found.len() > RETIRED_KEY_FILES_MAX {
            return Err(LedgerKeyError::TooManyRetired(RETIRED_KEY_FILES_MAX));
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found)
}
