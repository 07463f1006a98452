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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // Test code: a panic is how a test fails.

    use super::*;
    use basin_audit::messages::public_key_base64;
    use basin_domain::Code;
    use ed25519_dalek::SigningKey;

    const ORIGIN: &str = "test/log";

    fn key(seed: u8) -> VerifyingKey {
        SigningKey::from_bytes(&[seed; 32]).verifying_key()
    }

    fn change(public_key: &VerifyingKey) -> KeyChange {
        KeyChange {
            owner: Code::parse(crate::entry::LEDGER_KEY_OWNER).unwrap(),
            key_id: key_id_hex(ORIGIN, public_key),
            public_key: public_key_base64(public_key),
        }
    }

    /// Key 1 until entry 10 adds key 2; entry 20 retires key 1.
    fn rotated() -> (LedgerKeyHistory, LogKey) {
        let mut history = LedgerKeyHistory::default();
        history.apply(10, false, &change(&key(2))).unwrap();
        history.apply(20, true, &change(&key(1))).unwrap();
        let log_key = LogKey {
            origin: ORIGIN.into(),
            public_key: key(2),
            retired: vec![key(1)],
        };
        (history, log_key)
    }

    #[test]
    fn a_settlement_is_sealed_by_the_key_in_force_at_its_entry() {
        let before = LedgerKeyHistory::default();
        let (after, log_key) = rotated();
        let old_id = key_id_hex(ORIGIN, &key(1));
        let new_id = key_id_hex(ORIGIN, &key(2));
        assert_eq!(before.settlement_key(&old_id, &log_key).unwrap(), key(1));
        assert_eq!(after.settlement_key(&new_id, &log_key).unwrap(), key(2));
        let refused = after.settlement_key(&old_id, &log_key).unwrap_err();
        assert!(refused.contains("was in force"), "{refused}");
        let unknown = key_id_hex(ORIGIN, &key(3));
        assert!(before.settlement_key(&unknown, &log_key).is_err());
    }

    #[test]
    fn a_key_signs_checkpoints_only_inside_its_window_of_log_positions() {
        let (history, _) = rotated();
        let old_id = key_id_hex(ORIGIN, &key(1));
        let new_id = key_id_hex(ORIGIN, &key(2));
        assert!(history.check_checkpoint_key(&old_id, 5).is_ok());
        assert!(history.check_checkpoint_key(&old_id, 20).is_ok());
        assert!(history.check_checkpoint_key(&old_id, 21).is_err());
        assert!(history.check_checkpoint_key(&new_id, 10).is_err());
        assert!(history.check_checkpoint_key(&new_id, 11).is_ok());
    }

    #[test]
    fn the_key_in_force_cannot_be_retired_and_a_key_cannot_be_added_twice() {
        let (mut history, _) = rotated();
        assert!(history.apply(30, true, &change(&key(2))).is_err());
        assert!(history.apply(31, false, &change(&key(1))).is_err());
    }
}
