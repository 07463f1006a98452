//! Settlement bodies: the signed document, then what the parties record against it.

use basin_audit::canonical::SAFE_INTEGER_MAX;
use basin_audit::hash::ZERO_HASH;
use basin_domain::Code;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Entry, EntryDecodeError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettlementIssued {
    /// The document exactly as signed (API.md "A settlement").
    pub document: Value,
    pub document_sha256: String,
    pub key_id: String,
    pub signature: String,
}

/// A ledger key's id: a C2SP key id, 4 bytes in lowercase hex.
const KEY_ID_HEX_DIGITS: usize = 8;
/// An Ed25519 signature (64 bytes) in padded standard base64.
const SIGNATURE_BASE64_CHARS: usize = 88;

impl SettlementIssued {
    /// The most bytes the `settlement.issued` leaf of this document can take, whichever ledger
    /// key signs it and at whatever index it lands. Known before anything is written, so that a
    /// document too large for a log entry is refused whole, and alike by a dry run.
    pub fn leaf_bytes_at_most(
        document: &Value,
        document_sha256: &str,
    ) -> Result<usize, EntryDecodeError> {
        let widest = Entry::SettlementIssued(SettlementIssued {
            document: document.clone(),
            document_sha256: document_sha256.to_owned(),
            key_id: "0".repeat(KEY_ID_HEX_DIGITS),
            signature: "A".repeat(SIGNATURE_BASE64_CHARS),
        });
        let leaf = widest
            .at(SAFE_INTEGER_MAX, "2000-01-01T00:00:00Z", ZERO_HASH)
            .leaf_bytes()?;
        Ok(leaf.len())
    }

    /// The document's fields, typed; its `inputs` and `components` stay JSON.
    pub fn typed_document(&self) -> Result<LoggedDocument, serde_json::Error> {
        LoggedDocument::deserialize(&self.document)
    }
}

/// `supersedes` in the document: the settlement replaced and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupersedesRef {
    pub settlement_id: String,
    pub reason: String,
}

/// The document of API.md, field for field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoggedDocument {
    pub id: String,
    pub agreement: Code,
    pub agreement_version: i64,
    pub period: basin_domain::Period,
    pub period_start: String,
    pub period_end: String,
    pub inputs: Value,
    pub components: Value,
    pub net_fen: i64,
    pub payer: Option<Code>,
    pub payee: Option<Code>,
    pub amount_fen: i64,
    pub issued_at: String,
    pub supersedes: Option<SupersedesRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettlementAcknowledged {
    pub settlement_id: String,
    pub jurisdiction: Code,
    pub key_id: String,
    pub signature: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettlementDisputed {
    pub settlement_id: String,
    pub jurisdiction: Code,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettlementPaid {
    pub settlement_id: String,
    pub amount_fen: i64,
    pub paid_at: String,
    pub reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettlementSuperseded {
    pub settlement_id: String,
    pub superseded_by: String,
    pub reason: String,
}
