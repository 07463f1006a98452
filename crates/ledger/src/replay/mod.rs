//! The auditor's verifier, run by the `verify` command and usable by anyone: from a bundle (the
//! log's leaves, the signed checkpoint, the log key and the batch evidence) it recomputes every
//! leaf hash and chain link, the root against the checkpoint, consistency with an older
//! checkpoint, every station signature, and replays the log into typed ledger state from which
//! every settlement is recomputed through the same input path the server issues with.

pub mod bundle;
mod held;
pub mod incremental;
pub mod ledger_keys;
mod log_checks;
mod pairs;
mod reading;
mod reading_ids;
mod readings;
mod settlements;
pub mod signatures;
mod source;
mod state;
#[cfg(test)]
mod station_key_tests;
pub mod stored;

use basin_audit::Hash;

pub use bundle::{
    BatchEvidence, Bundle, BundleEntry, EvidenceSource, ExportedReading, ExportedSettlement, LogKey,
};
pub use incremental::{prepare_entry, PreparedEntry, Verifier};
pub use reading::ReplayedReading;
pub use settlements::SettlementRecomputation;
pub use signatures::{verify_signature_checks, SignatureCheck};
pub use state::LedgerState;
pub use stored::{NoStoredReadings, StoredReadings};

use crate::entry::TypedEntry;

/// What was verified.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub tree_size: u64,
    pub root_hash: String,
    pub reading_batches: usize,
    pub signed_batches: usize,
    pub readings: usize,
    pub settlements: usize,
}

/// The first thing found wrong: the log index of the entry (when one is to blame) and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{what}", index.map(|index| format!("entry {index}: ")).unwrap_or_default())]
pub struct Failure {
    pub index: Option<u64>,
    pub what: String,
}

impl Failure {
    pub fn at(index: u64, what: impl Into<String>) -> Self {
        Self {
            index: Some(index),
            what: what.into(),
        }
    }

    pub fn general(what: impl Into<String>) -> Self {
        Self {
            index: None,
            what: what.into(),
        }
    }
}

pub struct VerifyOptions<'a> {
    /// A checkpoint seen earlier: the bundle must extend it.
    pub old_checkpoint: Option<&'a str>,
}

/// Verifies everything in the bundle; `progress(done, total)` is called as entries are checked.
pub fn verify_bundle(
    bundle: &Bundle,
    options: &VerifyOptions<'_>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Report, Failure> {
    let entries = log_checks::check_entries(&bundle.entries)?;
    let leaf_hashes: Vec<Hash> = entries.iter().map(|(_, leaf_hash)| *leaf_hash).collect();
    let (root, signed_by) =
        log_checks::check_checkpoint(&bundle.checkpoint, &bundle.log_key, &leaf_hashes)?;
    let old_signed_by = options
        .old_checkpoint
        .map(|old| log_checks::check_consistency(old, &bundle.log_key, &leaf_hashes))
        .transpose()?;
    let mut state = LedgerState::default();
    let mut settlements = SettlementRecomputation::default();
    let total = entries.len() as u64;
    let mut signatures = Vec::new();
    for (entry, _) in &entries {
        let typed = TypedEntry::from_log_entry(entry)
            .map_err(|error| Failure::at(entry.index, error.to_string()))?;
        if typed.entry.is_settlement() {
            settlements.check(&typed, &state, &bundle.log_key)?;
        } else {
            state.apply(&typed, bundle, &mut signatures, &mut NoStoredReadings)?;
        }
        progress(entry.index + 1, total);
    }
    // Which key may sign which sizes is known only once the log's key entries are replayed.
    state.ledger_keys.check_checkpoint_key(&signed_by, total)?;
    if let Some((old_size, old_signed_by)) = old_signed_by {
        state
            .ledger_keys
            .check_checkpoint_key(&old_signed_by, old_size)?;
    }
    verify_signature_checks(&signatures)?;
    state.compare_readings(&bundle.readings)?;
    settlements.compare_served(&bundle.settlements)?;
    Ok(Report {
        tree_size: total,
        root_hash: hex::encode(root),
        reading_batches: state.batches_checked,
        signed_batches: state.signed_batches_checked,
        readings: state.readings.len(),
        settlements: settlements.settlements_checked(),
    })
}
