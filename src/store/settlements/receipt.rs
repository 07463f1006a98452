//! What a settlement's receipt (c2sp.org/tlog-proof@v1) is made of: the exact leaf bytes of its
//! `settlement.issued` entry, the entry's index, an inclusion proof, and the newest published
//! checkpoint the proof leads to. Everything is re-checked on the way out (the settlement row
//! against its entry, the proof against the tree), so a receipt is never built from damaged data.

use basin_audit::hash::Hash;

use super::queries::get_settlement;
use crate::ledger_key::LedgerKey;
use crate::store::log::checkpoints::{self, SignedCheckpoint};
use crate::store::log::entries::get_entry;
use crate::store::log::proofs::{inclusion_proof, InclusionRequest};
use crate::store::{AnyConnection, StoreError};

pub struct ReceiptParts {
    pub leaf: String,
    pub index: u64,
    pub proof: Vec<Hash>,
    /// The published checkpoint the proof is for (the API layer adds its cosignatures).
    pub checkpoint: SignedCheckpoint,
}

/// The parts of settlement `id`'s receipt; `None` while no published checkpoint covers its
/// entry yet (the publisher signs one within its interval).
pub fn settlement_receipt(
    connection: &mut AnyConnection,
    key: &LedgerKey,
    id: i64,
) -> Result<Option<ReceiptParts>, StoreError> {
    let settlement = get_settlement(connection, id)?;
    let index = settlement.log_index;
    let covered =
        checkpoints::latest(connection, key)?.is_some_and(|published| published.tree_size > index);
    if !covered {
        return Ok(None);
    }
    let proof = inclusion_proof(
        connection,
        key,
        InclusionRequest {
            index,
            tree_size: None,
        },
    )?;
    let entry = get_entry(connection, index)?;
    if entry.leaf_hash != proof.leaf_hash {
        return Err(StoreError::Integrity {
            what: format!("log entry {index}"),
            reason: "the leaf read for the receipt is not the one the proof was built for".into(),
        });
    }
    Ok(Some(ReceiptParts {
        leaf: entry.leaf,
        index,
        proof: proof.hashes,
        checkpoint: proof.checkpoint,
    }))
}
