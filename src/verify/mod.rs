//! The auditor's verifier. It needs no database and trusts nothing the operator says: from an
//! exported bundle (or the same data fetched over HTTP) it recomputes every leaf hash and chain
//! link, the tree root against the signed checkpoint, consistency with an older checkpoint,
//! every station signature on a reading batch, and replays the log into the state that
//! settlements are recomputed from.

pub mod bundle;
mod log_checks;
mod replay;

pub use bundle::{Bundle, BundleEntry, LogKey};
pub use replay::LedgerState;

use basin_audit::Hash;

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

/// Settlement checks plug in here (the settlement module implements it): they see each
/// `settlement.*` entry with the ledger state exactly as of that entry.
pub trait SettlementCheck {
    fn check(
        &mut self,
        index: u64,
        kind: &str,
        body: &serde_json::Value,
        state: &LedgerState,
        log_key: &LogKey,
    ) -> Result<(), Failure>;
    fn settlements_checked(&self) -> usize;
    /// Compares the settlements the ledger serves with what the log proved (after the replay).
    fn compare_served(&self, served: &[bundle::ExportedSettlement]) -> Result<(), Failure> {
        match served.first() {
            Some(first) => Err(Failure::general(format!(
                "settlement {} cannot be checked by this verifier",
                first.id
            ))),
            None => Ok(()),
        }
    }
}

/// No settlement checks (a log without settlements, or a caller that checks them separately).
pub struct NoSettlementCheck;

impl SettlementCheck for NoSettlementCheck {
    fn check(
        &mut self,
        index: u64,
        kind: &str,
        _: &serde_json::Value,
        _: &LedgerState,
        _: &LogKey,
    ) -> Result<(), Failure> {
        Err(Failure::at(
            index,
            format!("{kind} entries cannot be checked by this verifier"),
        ))
    }
    fn settlements_checked(&self) -> usize {
        0
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
    settlements: &mut dyn SettlementCheck,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Report, Failure> {
    let entries = log_checks::check_entries(&bundle.entries)?;
    let leaf_hashes: Vec<Hash> = entries.iter().map(|(_, leaf_hash)| *leaf_hash).collect();
    let root = log_checks::check_checkpoint(&bundle.checkpoint, &bundle.log_key, &leaf_hashes)?;
    if let Some(old) = options.old_checkpoint {
        log_checks::check_consistency(old, &bundle.log_key, &leaf_hashes)?;
    }
    let mut state = LedgerState::default();
    let total = entries.len() as u64;
    for (entry, _) in &entries {
        state.apply(entry, bundle, &bundle.log_key, settlements)?;
        progress(entry.index + 1, total);
    }
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
