//! What an auditor verifies: the log's entries, the signed checkpoint, the log's public key and
//! the reading batch bodies, as data. The root crate writes it to a folder (`export`) and reads it
//! back, or fetches the same things over HTTP.

use std::collections::BTreeMap;

use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

/// One log entry as exported: the exact leaf bytes and the hash the operator claims for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleEntry {
    pub index: u64,
    pub leaf: String,
    pub leaf_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogKey {
    pub origin: String,
    pub public_key: VerifyingKey,
}

/// A reading as the ledger serves it; the verifier rebuilds each from the batch evidence and the
/// log and requires them to be identical.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedReading {
    pub id: i64,
    pub station: String,
    pub section: String,
    pub sampled_at: String,
    /// The values object exactly as stored (code → literal text), as JSON text.
    pub values_json: String,
    /// The per-value flags object as served (code → letter), as JSON text; `None` without flags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags_json: Option<String>,
    pub status: String,
    pub superseded: bool,
    pub invalidated: bool,
}

/// A settlement as the ledger serves it: its stored document text and state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedSettlement {
    pub id: String,
    /// The document's canonical (RFC 8785) text as stored.
    pub document: String,
    pub document_sha256: String,
    pub amount_fen: i64,
    pub status: String,
}

/// The evidence of one reading batch: its exact bytes and the station's signature, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchEvidence {
    pub body: Vec<u8>,
    pub signature: Option<String>,
}

/// Where the replay finds a batch's evidence: by (station, batch id) in a bundle on disk, by
/// log index in evidence bundles.
pub trait EvidenceSource {
    fn batch_evidence(&self, index: u64, station: &str, batch_id: &str) -> Option<&BatchEvidence>;
}

impl EvidenceSource for BTreeMap<u64, BatchEvidence> {
    fn batch_evidence(&self, index: u64, _: &str, _: &str) -> Option<&BatchEvidence> {
        self.get(&index)
    }
}

#[derive(Debug, Clone)]
pub struct Bundle {
    pub checkpoint: String,
    pub log_key: LogKey,
    pub entries: Vec<BundleEntry>,
    /// (station, batch_id) → evidence.
    pub batches: BTreeMap<(String, String), BatchEvidence>,
    pub readings: Vec<ExportedReading>,
    pub settlements: Vec<ExportedSettlement>,
}

impl EvidenceSource for Bundle {
    fn batch_evidence(&self, _: u64, station: &str, batch_id: &str) -> Option<&BatchEvidence> {
        self.batches.get(&(station.to_owned(), batch_id.to_owned()))
    }
}

/// The `log` member of `GET /v1/keys`.
pub fn log_key_from_keys_json(keys: &serde_json::Value) -> Result<LogKey, String> {
    let origin = keys["log"]["origin"]
        .as_str()
        .ok_or("keys.log.origin is missing")?;
    let vkey = keys["log"]["vkey"]
        .as_str()
        .ok_or("keys.log.vkey is missing")?;
    let (name, public_key) =
        basin_audit::note::parse_vkey(vkey).map_err(|error| format!("keys.log.vkey: {error}"))?;
    if name != origin {
        return Err(format!(
            "keys.log.vkey names {name:?}, not the origin {origin:?}"
        ));
    }
    Ok(LogKey {
        origin: origin.to_owned(),
        public_key,
    })
}
