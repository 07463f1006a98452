//! The ledger's seal on an issued settlement: the logged document hashes (RFC 8785, SHA-256) to
//! its `document_sha256`, and the log key signed that digest. The auditor's replay, the offline
//! receipt check and the server's own re-reads all ask this one question.

use basin_audit::messages::{settlement_message, verify_signature};
use basin_audit::note::key_id_hex;
use ed25519_dalek::VerifyingKey;

use super::SettlementIssued;
use crate::settlement::document::document_sha256;

/// Why a settlement's seal does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the document cannot be canonicalised: {0}")]
    Canonical(String),
    #[error("the document does not hash to its document_sha256")]
    DocumentHash,
    #[error("signed by key {signed_by}, not the log key {log_key}")]
    OtherKey { signed_by: String, log_key: String },
    #[error("the ledger signature on the settlement does not verify")]
    Signature,
}

impl SettlementIssued {
    /// Checks that the log key `origin`/`public_key` sealed exactly this document.
    pub fn check_seal(&self, origin: &str, public_key: &VerifyingKey) -> Result<(), SealError> {
        let digest = document_sha256(&self.document)
            .map_err(|error| SealError::Canonical(error.to_string()))?;
        if digest != self.document_sha256 {
            return Err(SealError::DocumentHash);
        }
        let log_key = key_id_hex(origin, public_key);
        if self.key_id != log_key {
            return Err(SealError::OtherKey {
                signed_by: self.key_id.clone(),
                log_key,
            });
        }
        let message = settlement_message(&digest).map_err(|_| SealError::Signature)?;
        verify_signature(&message, public_key, &self.signature).map_err(|_| SealError::Signature)
    }
}
