//! The hash chain through `prev`: each entry names the leaf hash of the one before it.

use super::{EntryError, LogEntry};
use crate::hash::{hash_to_hex, Hash, ZERO_HASH};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("entry {index}: expected index {expected}")]
    WrongIndex { index: u64, expected: u64 },
    #[error("entry {index}: prev is {found} but the previous leaf hash is {expected}")]
    BrokenLink {
        index: u64,
        expected: String,
        found: String,
    },
    #[error("entry {index}: {source}")]
    BadEntry {
        index: u64,
        #[source]
        source: EntryError,
    },
}

/// Checks one link. `previous_leaf_hash` is `None` exactly when `entry` is the first
/// entry of the log, whose `prev` must then be 64 zeros and whose index must be 0.
pub fn check_chain(previous_leaf_hash: Option<&Hash>, entry: &LogEntry) -> Result<(), ChainError> {
    let expected = match previous_leaf_hash {
        None if entry.index != 0 => {
            return Err(ChainError::WrongIndex {
                index: entry.index,
                expected: 0,
            })
        }
        Some(_) if entry.index == 0 => {
            return Err(ChainError::WrongIndex {
                index: 0,
                expected: 1,
            })
        }
        None => &ZERO_HASH,
        Some(hash) => hash,
    };
    if &entry.prev != expected {
        return Err(ChainError::BrokenLink {
            index: entry.index,
            expected: hash_to_hex(expected),
            found: hash_to_hex(&entry.prev),
        });
    }
    Ok(())
}

/// Walks a log from entry 0, checking indexes are consecutive and every link holds.
/// The offline verifier feeds it every entry in order and gets each leaf hash back for
/// the Merkle tree.
#[derive(Debug, Clone, Default)]
pub struct ChainWalker {
    next_index: u64,
    previous_leaf_hash: Option<Hash>,
}

impl ChainWalker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks `entry` follows the entries seen so far and returns its leaf hash.
    pub fn push(&mut self, entry: &LogEntry) -> Result<Hash, ChainError> {
        if entry.index != self.next_index {
            return Err(ChainError::WrongIndex {
                index: entry.index,
                expected: self.next_index,
            });
        }
        check_chain(self.previous_leaf_hash.as_ref(), entry)?;
        let leaf_hash = entry.leaf_hash().map_err(|source| ChainError::BadEntry {
            index: entry.index,
            source,
        })?;
        self.previous_leaf_hash = Some(leaf_hash);
        self.next_index = entry.index.saturating_add(1);
        Ok(leaf_hash)
    }

    /// The number of entries accepted so far.
    pub fn size(&self) -> u64 {
        self.next_index
    }

    /// The leaf hash of the last accepted entry, which the next entry's `prev` must name.
    pub fn last_leaf_hash(&self) -> Option<Hash> {
        self.previous_leaf_hash
    }
}
