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

/// The ledger's keys: the one in force, and the retired ones (API.md "Keys and rotation"),
/// whose signatures made before their `valid_to` stay valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogKey {
    pub origin: String,
    /// The key in force.
    pub public_key: VerifyingKey,
    /// Earlier keys of the same origin, oldest first.
    pub retired: Vec<VerifyingKey>,
}

impl LogKey {
    /// A ledger that never rotated its key.
    pub fn single(origin: &str, public_key: VerifyingKey) -> Self {
        Self {
            origin: origin.to_owned(),
            public_key,
            retired: Vec::new(),
        }
    }

    /// Every key, the one in force first.
    pub fn keys(&self) -> impl Iterator<Item = &VerifyingKey> {
        std::iter::once(&self.public_key).chain(&self.retired)
    }

    /// The key with this C2SP key id (lowercase hex), if it is one of the ledger's.
    pub fn by_key_id(&self, key_id: &str) -> Option<&VerifyingKey> {
        self.keys()
            .find(|key| basin_audit::note::key_id_hex(&self.origin, key) == key_id)
    }

    /// Verifies a checkpoint note signed by any of the ledger's keys (the key in force is tried
    /// first); returns the tree head and the key id of the key that verified it. Which keys
    /// may sign which sizes is checked against the log (`log_checks::check_signing_window`).
    pub fn verify_checkpoint(
        &self,
        note: &str,
    ) -> Result<(basin_audit::Checkpoint, String), basin_audit::NoteError> {
        let verify = |key: &VerifyingKey| {
            basin_audit::note::verify_checkpoint(note, &self.origin, key)
                .map(|checkpoint| (checkpoint, basin_audit::note::key_id_hex(&self.origin, key)))
        };
        // The error reported is the one for the key in force: that is the key a reader expects.
        verify(&self.public_key).or_else(|error| {
            self.retired
                .iter()
                .find_map(|key| verify(key).ok())
                .ok_or(error)
        })
    }
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

/// The `log` and `retired` members of `GET /v1/keys`.
pub fn log_key_from_keys_json(keys: &serde_json::Value) -> Result<LogKey, String> {
    let origin = keys["log"]["origin"]
        .as_str()
        .ok_or("keys.log.origin is missing")?;
    let public_key = key_of(&keys["log"], "keys.log", origin)?;
    let retired = match keys.get("retired") {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(position, item)| key_of(item, &format!("keys.retired[{position}]"), origin))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("keys.retired is not an array".into()),
    };
    Ok(LogKey {
        origin: origin.to_owned(),
        public_key,
        retired,
    })
}

fn key_of(item: &serde_json::Value, place: &str, origin: &str) -> Result<VerifyingKey, String> {
    let vkey = item["vkey"]
        .as_str()
        .ok_or_else(|| format!("{place}.vkey is missing"))?;
    let (name, public_key) =
        basin_audit::note::parse_vkey(vkey).map_err(|error| format!("{place}.vkey: {error}"))?;
    if name != origin {
        return Err(format!(
            "{place}.vkey names {name:?}, not the origin {origin:?}"
        ));
    }
    Ok(public_key)
}
