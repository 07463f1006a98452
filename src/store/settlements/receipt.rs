//! A settlement's receipt (c2sp.org/tlog-proof@v1): the exact leaf bytes of its
//! `settlement.issued` entry, the entry's index, an inclusion proof, and the signed checkpoint
//! the proof leads to. Everything in it is re-checked on the way out (the settlement row
//! against its entry, the proof against the tree), so a receipt is never built from damaged data.

use basin_ledger_core::receipt::receipt_text;

use super::queries::get_settlement;
use crate::ledger_key::LedgerKey;
use crate::store::log::entries::get_entry;
use crate::store::log::proofs::{inclusion_proof, InclusionRequest};
use crate::store::{AnyConnection, StoreError};

/// The receipt text of settlement `id`, against the checkpoint proofs are served for.
pub fn settlement_receipt(
    connection: &mut AnyConnection,
    key: &LedgerKey,
    id: i64,
    signed_at: &str,
) -> Result<String, StoreError> {
    let settlement = get_settlement(connection, id)?;
    let index = settlement.log_index;
    let proof = inclusion_proof(
        connection,
        key,
        InclusionRequest {
            index,
            tree_size: None,
        },
        signed_at,
    )?;
    let entry = get_entry(connection, index)?;
    if entry.leaf_hash != proof.leaf_hash {
        return Err(StoreError::Integrity {
            what: format!("log entry {index}"),
            reason: "the leaf read for the receipt is not the one the proof was built for".into(),
        });
    }
    Ok(receipt_text(
        entry.leaf.as_bytes(),
        index,
        proof.hashes,
        &proof.checkpoint.note,
    ))
}
