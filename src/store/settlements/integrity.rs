//! Re-checking a stored settlement row on every read. The row must still be what the ledger
//! sealed: its document text hashes to its `document_sha256`, and it agrees, column by column,
//! with the `settlement.issued` entry at its `log_index` (itself re-verified against its leaf
//! hash as it is read). A row that fails is an integrity failure naming the settlement, never
//! served: an altered amount must not reach a bureau as if the ledger stood behind it.

use basin_ledger_core::entry::{Entry, TypedEntry};
use basin_ledger_core::settlement::document::sha256_hex;

use super::row::SettlementRow;
use crate::store::error::StoreError;

/// The integrity failure of settlement `id`; `reason` goes to the operator's log only.
pub fn settlement_integrity(id: i64, reason: impl Into<String>) -> StoreError {
    StoreError::Integrity {
        what: format!("settlement {id}"),
        reason: reason.into(),
    }
}

/// Checks `row` against itself and against its logged entry `logged`.
pub fn check_row(row: &SettlementRow, logged: &TypedEntry) -> Result<(), StoreError> {
    let failed = |reason: String| Err(settlement_integrity(row.id, reason));
    if sha256_hex(row.document.as_bytes()) != row.document_sha256 {
        return failed("the stored document no longer matches its SHA-256".into());
    }
    let Entry::SettlementIssued(issued) = &logged.entry else {
        return failed(format!(
            "log entry {} is a {}, not its settlement.issued",
            row.log_index,
            logged.entry.kind()
        ));
    };
    let stored: serde_json::Value = match serde_json::from_str(&row.document) {
        Ok(value) => value,
        Err(error) => return failed(format!("the stored document is not JSON: {error}")),
    };
    let mut differing = Vec::new();
    if issued.document != stored {
        differing.push("document");
    }
    if issued.document_sha256 != row.document_sha256 {
        differing.push("document_sha256");
    }
    if issued.signature != row.signature {
        differing.push("signature");
    }
    if issued.key_id != row.key_id {
        differing.push("key_id");
    }
    let document = match issued.typed_document() {
        Ok(document) => document,
        Err(error) => return failed(format!("the logged document: {error}")),
    };
    if document.id != row.id.to_string() {
        differing.push("id");
    }
    if document.agreement.as_str() != row.agreement
        || document.agreement_version != row.agreement_version
    {
        differing.push("agreement");
    }
    if document.period.to_string() != row.period {
        differing.push("period");
    }
    if document.net_fen != row.net_fen || document.amount_fen != row.amount_fen {
        differing.push("amount");
    }
    let code = |code: &Option<basin_domain::Code>| code.as_ref().map(|c| c.as_str().to_owned());
    if code(&document.payer) != row.payer || code(&document.payee) != row.payee {
        differing.push("payer/payee");
    }
    if document.issued_at != row.issued_at {
        differing.push("issued_at");
    }
    if differing.is_empty() {
        Ok(())
    } else {
        failed(format!(
            "the stored row disagrees with its logged settlement.issued entry in {}",
            differing.join(", ")
        ))
    }
}
