//! The checkpoint note as served: the ledger's signed note followed by the stored cosignature
//! lines of the policy's witnesses, re-verified as it is read. A stored cosignature that does
//! not verify is an integrity failure; a published checkpoint whose cosignatures do not meet
//! the quorum of the policy in force now (a witness was added since) is not served until they
//! do (the witness threads get it cosigned).

use crate::ledger_key::LedgerKey;
use crate::store::connection::AnyConnection;
use crate::store::log::checkpoints::{self, SignedCheckpoint};
use crate::store::log::publication;
use crate::store::StoreError;

use super::WitnessPolicy;

/// The newest published checkpoint as served, with the tree size it is for: `None` before the
/// first publication, or while it does not meet the quorum of the policy in force.
pub fn published_note(
    connection: &mut AnyConnection,
    key: &LedgerKey,
    policy: Option<&WitnessPolicy>,
) -> Result<Option<(u64, String)>, StoreError> {
    match checkpoints::latest(connection, key)? {
        Some(signed) => {
            Ok(served_note(connection, policy, &signed)?.map(|note| (signed.tree_size, note)))
        }
        None => Ok(None),
    }
}

/// The served note of a published checkpoint: with a policy, the log's note and every stored
/// cosignature by one of the policy's witnesses; `None` when they do not meet its quorum.
pub fn served_note(
    connection: &mut AnyConnection,
    policy: Option<&WitnessPolicy>,
    signed: &SignedCheckpoint,
) -> Result<Option<String>, StoreError> {
    let Some(policy) = policy else {
        return Ok(Some(signed.note.clone()));
    };
    let note = with_cosignatures(connection, policy, signed)?;
    let integrity = |reason: String| StoreError::Integrity {
        what: format!("the published checkpoint of tree size {}", signed.tree_size),
        reason,
    };
    let (_, cosigners) = policy
        .policy
        .cosigners_of(&note)
        .map_err(|error| integrity(error.to_string()))?;
    Ok(policy
        .policy
        .quorum_met(|index| cosigners.contains(&index))
        .then_some(note))
}

/// The log's note with the stored cosignature lines of the policy's witnesses appended.
pub(super) fn with_cosignatures(
    connection: &mut AnyConnection,
    policy: &WitnessPolicy,
    signed: &SignedCheckpoint,
) -> Result<String, StoreError> {
    let mut note = signed.note.clone();
    for cosignature in publication::cosignatures(connection, signed.tree_size)? {
        let known = policy
            .policy
            .witnesses()
            .iter()
            .any(|witness| witness.name == cosignature.witness);
        if known {
            note.push_str(&cosignature.signature_line);
        }
    }
    Ok(note)
}
