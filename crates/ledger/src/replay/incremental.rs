//! The incremental verifier: what an auditor keeps between runs (the compact range of the
//! verified tree, the last leaf hash for the chain, and the replayed state) and the checks of
//! each new run of entries. Checks that need no state ([`prepare_entry`]: canonical leaf bytes,
//! leaf hash, typed body) and station signatures ([`super::verify_signature_checks`]) are pure
//! functions a caller may run in parallel; [`Verifier::apply`] is the ordered part.
//!
//! Consistency needs no proof from the log: the compact range was built from leaves checked
//! earlier, so a checkpoint whose root is that range extended by the new leaves extends every
//! checkpoint verified before (RFC 6962 §2.1; the root commits to every leaf).

use std::collections::BTreeMap;

use basin_audit::entry::parse_leaf;
use basin_audit::hash::{hash_from_hex, hash_to_hex, leaf_hash, Hash, ZERO_HASH};
use basin_audit::tree::CompactRange;
use basin_audit::Checkpoint;
use serde::{Deserialize, Serialize};

use super::bundle::{BatchEvidence, LogKey};
use super::reading::ReplayedReading;
use super::settlements::SettlementRecomputation;
use super::signatures::SignatureCheck;
use super::state::LedgerState;
use super::stored::StoredReadings;
use super::Failure;
use crate::entry::{Entry, TypedEntry};

/// One entry, parsed and hashed.
#[derive(Debug, Clone)]
pub struct PreparedEntry {
    typed: TypedEntry,
    leaf_hash: Hash,
}

/// Parses the leaf bytes of entry `index` (they must be its canonical JSON) into a typed entry.
pub fn prepare_entry(index: u64, leaf: &[u8]) -> Result<PreparedEntry, Failure> {
    let entry = parse_leaf(leaf).map_err(|error| {
        Failure::at(
            index,
            format!("the leaf bytes are not a canonical log entry: {error}"),
        )
    })?;
    if entry.index != index {
        return Err(Failure::at(
            index,
            format!("the entry at position {index} claims index {}", entry.index),
        ));
    }
    let typed = TypedEntry::from_log_entry(&entry)
        .map_err(|error| Failure::at(index, error.to_string()))?;
    Ok(PreparedEntry {
        typed,
        leaf_hash: leaf_hash(leaf),
    })
}

/// Everything verified so far, up to `size()` entries.
#[derive(Debug, Default)]
pub struct Verifier {
    range: CompactRange,
    last_leaf_hash: Option<Hash>,
    pub ledger: LedgerState,
    pub settlements: SettlementRecomputation,
}

/// The snapshot layout; a snapshot of another format is refused, not misread.
const SNAPSHOT_FORMAT: u32 = 2;

#[derive(Serialize)]
struct SnapshotOut<'a> {
    format: u32,
    size: u64,
    range: Vec<String>,
    last_leaf_hash: Option<String>,
    ledger: &'a LedgerState,
    settlements: &'a SettlementRecomputation,
}

#[derive(Deserialize)]
struct SnapshotIn {
    format: u32,
    size: u64,
    range: Vec<String>,
    last_leaf_hash: Option<String>,
    ledger: LedgerState,
    settlements: SettlementRecomputation,
}

impl Verifier {
    pub fn size(&self) -> u64 {
        self.range.size()
    }

    pub fn root(&self) -> Hash {
        self.range.root()
    }

    /// The state as JSON bytes, for the caller to store, without the readings: the caller
    /// stores those as rows ([`Verifier::take_changed_readings`]) and serves them back through
    /// [`StoredReadings`], so the snapshot's size does not grow with the log.
    pub fn to_snapshot(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(&SnapshotOut {
            format: SNAPSHOT_FORMAT,
            size: self.range.size(),
            range: self.range.hashes().iter().map(hash_to_hex).collect(),
            last_leaf_hash: self.last_leaf_hash.as_ref().map(hash_to_hex),
            ledger: &self.ledger,
            settlements: &self.settlements,
        })
    }

    /// Reads back what [`Verifier::to_snapshot`] wrote.
    pub fn from_snapshot(bytes: &[u8]) -> Result<Self, String> {
        let snapshot: SnapshotIn = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if snapshot.format != SNAPSHOT_FORMAT {
            return Err(format!(
                "snapshot format {} is not {SNAPSHOT_FORMAT}",
                snapshot.format
            ));
        }
        let hashes = snapshot
            .range
            .iter()
            .map(|text| hash_from_hex(text).map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        let range = CompactRange::from_parts(snapshot.size, hashes).map_err(|e| e.to_string())?;
        let last_leaf_hash = snapshot
            .last_leaf_hash
            .map(|text| hash_from_hex(&text).map_err(|e| e.to_string()))
            .transpose()?;
        if last_leaf_hash.is_some() != (snapshot.size > 0) {
            return Err("the last leaf hash does not match the size".to_owned());
        }
        let mut ledger = snapshot.ledger;
        ledger.readings_partial = ledger.reading_count() > 0;
        Ok(Self {
            range,
            last_leaf_hash,
            ledger,
            settlements: snapshot.settlements,
        })
    }

    /// The readings added or changed since the last call (or since the snapshot it started
    /// from), for the caller to store beside the next snapshot.
    pub fn take_changed_readings(&mut self) -> Vec<ReplayedReading> {
        self.ledger.take_changed_readings()
    }

    /// Applies the next entries, in order: index, chain, tree, replay and settlement
    /// recomputation. Returns the station signatures still to check. `evidence` must hold the
    /// evidence of exactly the `readings.batch` entries among them; `stored` serves the
    /// readings of earlier runs that a new entry needs.
    pub fn apply(
        &mut self,
        entries: &[PreparedEntry],
        evidence: &BTreeMap<u64, BatchEvidence>,
        log_key: &LogKey,
        stored: &mut dyn StoredReadings,
    ) -> Result<Vec<SignatureCheck>, Failure> {
        let mut signatures = Vec::new();
        let mut batches = 0;
        for prepared in entries {
            let typed = &prepared.typed;
            let index = typed.index;
            if index != self.size() {
                return Err(Failure::at(
                    index,
                    format!("entry {} was expected here", self.size()),
                ));
            }
            let expected_prev = self.last_leaf_hash.unwrap_or(ZERO_HASH);
            if typed.prev != expected_prev {
                return Err(Failure::at(
                    index,
                    format!(
                        "the hash chain is broken: prev is {}, the leaf hash before is {}",
                        hash_to_hex(&typed.prev),
                        hash_to_hex(&expected_prev)
                    ),
                ));
            }
            if typed.entry.is_settlement() {
                if matches!(typed.entry, Entry::SettlementIssued(_)) {
                    self.ledger.hold_all_readings(stored)?;
                }
                self.settlements.check(typed, &self.ledger, log_key)?;
            } else {
                if matches!(typed.entry, Entry::ReadingsBatch(_)) {
                    batches += 1;
                }
                self.ledger
                    .apply(typed, evidence, &mut signatures, stored)?;
            }
            self.range.push(prepared.leaf_hash);
            self.last_leaf_hash = Some(prepared.leaf_hash);
        }
        if evidence.len() != batches {
            let batch_indexes: Vec<u64> = entries
                .iter()
                .filter(|prepared| matches!(prepared.typed.entry, Entry::ReadingsBatch(_)))
                .map(|prepared| prepared.typed.index)
                .collect();
            let extra = evidence
                .keys()
                .find(|index| !batch_indexes.contains(index))
                .copied()
                .unwrap_or_default();
            return Err(Failure::at(
                extra,
                "batch evidence is served for an entry that is not a readings.batch",
            ));
        }
        Ok(signatures)
    }

    /// The checkpoint must be for exactly the entries verified, with their root.
    pub fn check_checkpoint(&self, checkpoint: &Checkpoint) -> Result<(), Failure> {
        if checkpoint.size != self.size() {
            return Err(Failure::general(format!(
                "the checkpoint is for {} entries but {} were verified",
                checkpoint.size,
                self.size()
            )));
        }
        let root = self.root();
        if checkpoint.root != root {
            return Err(Failure::general(format!(
                "the checkpoint's root {} differs from the root {} of the entries: the log \
                 served other entries than it signed, or rewrote its history",
                hash_to_hex(&checkpoint.root),
                hash_to_hex(&root)
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::BasinCreated;
    use crate::replay::NoStoredReadings;
    use basin_audit::tree::{root, MemoryTree};
    use basin_domain::Code;

    const TIME: &str = "2026-12-01T00:00:00Z";

    fn leaves(count: u64, prefix: &str) -> Vec<Vec<u8>> {
        let mut prev = ZERO_HASH;
        (0..count)
            .map(|index| {
                let entry = Entry::BasinCreated(BasinCreated {
                    code: Code::parse(&format!("{prefix}-{index}")).unwrap(),
                    name: "河".into(),
                    created_at: TIME.into(),
                });
                let leaf = entry.leaf_bytes(index, TIME, prev).unwrap();
                prev = leaf_hash(&leaf);
                leaf
            })
            .collect()
    }

    fn key() -> LogKey {
        LogKey::single(
            "test/log",
            ed25519_dalek::SigningKey::from_bytes(&[1; 32]).verifying_key(),
        )
    }

    fn prepared(leaves: &[Vec<u8>], from: u64) -> Vec<PreparedEntry> {
        (from..)
            .zip(&leaves[from as usize..])
            .map(|(index, leaf)| prepare_entry(index, leaf).unwrap())
            .collect()
    }

    #[test]
    fn a_verifier_resumed_from_its_snapshot_reaches_the_trees_root() {
        let leaves = leaves(300, "basin");
        let mut verifier = Verifier::default();
        verifier
            .apply(
                &prepared(&leaves[..100], 0),
                &BTreeMap::new(),
                &key(),
                &mut NoStoredReadings,
            )
            .unwrap();
        let mut resumed = Verifier::from_snapshot(&verifier.to_snapshot().unwrap()).unwrap();
        resumed
            .apply(
                &prepared(&leaves, 100),
                &BTreeMap::new(),
                &key(),
                &mut NoStoredReadings,
            )
            .unwrap();
        let tree = MemoryTree::from_leaf_hashes(leaves.iter().map(|leaf| leaf_hash(leaf)));
        assert_eq!(resumed.root(), root(300, &tree).unwrap());
        assert_eq!(resumed.ledger.basins.len(), 300);
    }

    #[test]
    fn a_gap_a_broken_chain_or_stray_evidence_is_named() {
        let leaves = leaves(10, "basin");
        let mut verifier = Verifier::default();
        let skipped = verifier.apply(
            &prepared(&leaves, 1),
            &BTreeMap::new(),
            &key(),
            &mut NoStoredReadings,
        );
        assert_eq!(skipped.unwrap_err().index, Some(1));
        let other = self::leaves(3, "other");
        let mut verifier = Verifier::default();
        verifier
            .apply(
                &prepared(&leaves[..2], 0),
                &BTreeMap::new(),
                &key(),
                &mut NoStoredReadings,
            )
            .unwrap();
        let mut foreign = prepared(&other, 0);
        let broken = verifier.apply(
            &foreign.split_off(2),
            &BTreeMap::new(),
            &key(),
            &mut NoStoredReadings,
        );
        assert!(broken.unwrap_err().what.contains("hash chain"));
        let stray = BTreeMap::from([(
            0,
            BatchEvidence {
                body: Vec::new(),
                signature: None,
            },
        )]);
        let failure = Verifier::default()
            .apply(&prepared(&leaves, 0), &stray, &key(), &mut NoStoredReadings)
            .unwrap_err();
        assert_eq!(failure.index, Some(0));
    }
}
