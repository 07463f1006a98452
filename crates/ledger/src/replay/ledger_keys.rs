//! The ledger's own keys as the log records them (API.md "Keys and rotation"): a rotation logs
//! `key.added` (owner `ledger`) for the new key, which is in force from that entry on, and later
//! `key.retired` for the old one, which signs no checkpoint after it. The verifier learns the
//! first key from `/v1/keys` (or the bundle's `keys.json`); every later one the log names.

use std::collections::BTreeMap;

use basin_audit::messages::parse_public_key_base64;
use basin_audit::note::key_id_hex;
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use super::bundle::LogKey;
use super::Failure;
use crate::entry::KeyChange;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct AddedKey {
    public_key: String,
    added_at_index: u64,
}

/// Serializable: it is part of the incremental verifier's state.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct LedgerKeyHistory {
    /// Key id → the key and the index of its `key.added`.
    added: BTreeMap<String, AddedKey>,
    /// Key id → the index of its `key.retired`.
    retired: BTreeMap<String, u64>,
    /// The key in force, once the log has rotated at least once.
    in_force: Option<String>,
}

impl LedgerKeyHistory {
    /// Applies a `key.added` or `key.retired` of the ledger at `index`.
    pub fn apply(&mut self, index: u64, retired: bool, key: &KeyChange) -> Result<(), Failure> {
        // Whether the key id belongs to the key is checked where the key is used (`key`), which
        // knows the origin.
        parse_public_key_base64(&key.public_key)
            .map_err(|_| Failure::at(index, "the ledger key's public key is not Ed25519"))?;
        if retired {
            if self.in_force.as_deref() == Some(key.key_id.as_str()) {
                return Err(Failure::at(index, "the ledger key in force was retired"));
            }
            self.retired.insert(key.key_id.clone(), index);
        } else {
            if self.retired.contains_key(&key.key_id) || self.added.contains_key(&key.key_id) {
                return Err(Failure::at(index, "a ledger key was added twice"));
            }
            self.added.insert(
                key.key_id.clone(),
                AddedKey {
                    public_key: key.public_key.clone(),
                    added_at_index: index,
                },
            );
            self.in_force = Some(key.key_id.clone());
        }
        Ok(())
    }

    /// The key that sealed a settlement issued at `index` with `key_id`: it must be one of the
    /// ledger's keys and, once the log has rotated, the one in force at that entry.
    pub fn settlement_key(&self, key_id: &str, log_key: &LogKey) -> Result<VerifyingKey, String> {
        if let Some(in_force) = &self.in_force {
            if in_force != key_id {
                return Err(format!(
                    "sealed by ledger key {key_id}, but key {in_force} was in force at this entry"
                ));
            }
        }
        self.key(key_id, log_key).ok_or_else(|| {
            format!(
                "sealed by key {key_id}, which is not one of the ledger's keys (the log key is {})",
                key_id_hex(&log_key.origin, &log_key.public_key)
            )
        })
    }

    fn key(&self, key_id: &str, log_key: &LogKey) -> Option<VerifyingKey> {
        log_key.by_key_id(key_id).copied().or_else(|| {
            self.added
                .get(key_id)
                .and_then(|added| parse_public_key_base64(&added.public_key).ok())
                .filter(|key| key_id_hex(&log_key.origin, key) == key_id)
        })
    }

    /// A key may sign the checkpoint of `size` entries only while it was valid: a key added at
    /// index `a` signs sizes above `a`, a key retired at index `r` signs sizes up to `r` (the
    /// checkpoint that contains its `key.retired` is signed by its successor alone).
    pub fn check_checkpoint_key(&self, key_id: &str, size: u64) -> Result<(), Failure> {
        if let Some(added) = self.added.get(key_id) {
            if size <= added.added_at_index {
                return Err(Failure::general(format!(
                    "the checkpoint of {size} entries is signed by ledger key {key_id}, added \
                     only at entry {}",
                    added.added_at_index
                )));
            }
        }
        if let Some(&retired_at) = self.retired.get(key_id) {
            if size > retired_at {
                return Err(Failure::general(format!(
                    "the checkpoint of {size} entries is signed by ledger key {key_id}, retired \
                     at entry {retired_at}"
                )));
            }
        }
        Ok(())
    }
}
