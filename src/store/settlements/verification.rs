//! `GET /v1/settlements/{id}/verification`: the server re-checks one settlement the way an
//! auditor would. The document hash, the ledger signature, the log entry and an RFC 9162
//! inclusion proof against the current tree, and a recomputation through the ledger core's one
//! input path from the readings as they counted just before the settlement's entry, each checked
//! against the batch that recorded it. No replay: the work is bounded by the settlement's inputs.

use basin_audit::hash::{hash_from_hex, leaf_hash};
use basin_audit::messages::{
    ack_message, parse_public_key_base64, settlement_message, verify_signature,
};
use basin_audit::proof::{verify_inclusion, InclusionCheck};
use basin_audit::tree;
use basin_ledger_core::entry::{Entry, LoggedDocument, TypedEntry};
use basin_ledger_core::settlement::document::sha256_hex;
use basin_ledger_core::settlement::recompute::{recompute, RecomputeError};
use serde::Serialize;
use utoipa::ToSchema;

use super::input_error;
use super::inputs::StoreInputs;
use super::queries::SettlementRow;
use crate::ledger_key::LedgerKey;
use crate::model::registry::JurisdictionKey;
use crate::model::settlement::Acknowledgement;
use crate::store::log::DatabaseNodes;
use crate::store::{self, AnyConnection, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SettlementVerification {
    /// The stored document hashes to its `document_sha256`.
    pub document_hash_ok: bool,
    /// The ledger's signature over the document hash verifies with the log key.
    pub signature_ok: bool,
    /// The entry at `log_index` is this settlement's `settlement.issued`, with this hash.
    pub included_in_log: bool,
    /// An inclusion proof of that entry verifies against the current tree root.
    pub inclusion_proof_ok: bool,
    /// The readings counted at issue hash to the document's `readings_digest`.
    pub readings_digest_ok: bool,
    /// The net amount recomputed from the logged terms and readings (null if it cannot be).
    pub recomputed_net_fen: Option<i64>,
    /// The whole document recomputes byte for byte.
    pub recomputation_ok: bool,
    /// Every acknowledgement's signature verifies with the party's registered key.
    pub acknowledgements_ok: bool,
    /// What failed, in words (empty when everything holds).
    pub problems: Vec<String>,
}

pub struct VerificationInput<'a> {
    pub row: &'a SettlementRow,
    pub acknowledgements: &'a [Acknowledgement],
    /// The keys of each acknowledging jurisdiction, as registered now.
    pub party_keys: &'a [(String, Vec<JurisdictionKey>)],
    pub ledger_key: &'a LedgerKey,
}

pub fn verify_settlement(
    connection: &mut AnyConnection,
    input: VerificationInput<'_>,
) -> Result<SettlementVerification, StoreError> {
    let row = input.row;
    let mut problems = Vec::new();
    let document_hash_ok = sha256_hex(row.document.as_bytes()) == row.document_sha256;
    if !document_hash_ok {
        problems.push("the stored document does not hash to its document_sha256".to_owned());
    }
    // Signed by the ledger key in force when it was issued: after a rotation that may be a
    // retired key (API.md "Keys and rotation"), whose signatures stay valid for ever.
    let in_force = match store::ledger_keys::in_force_at_index(connection, row.log_index)? {
        Some(record) => parse_public_key_base64(&record.public_key)
            .ok()
            .filter(|_| record.key_id == row.key_id),
        // A database that never registered a key (tests that build one by hand).
        None => (row.key_id == input.ledger_key.key_id()).then(|| input.ledger_key.public_key()),
    };
    let signature_ok = in_force.is_some_and(|public_key| {
        settlement_message(&row.document_sha256)
            .ok()
            .is_some_and(|message| verify_signature(&message, &public_key, &row.signature).is_ok())
    });
    if !signature_ok {
        problems.push("the ledger signature does not verify".to_owned());
    }

    let index = u64::try_from(row.log_index)
        .map_err(|_| StoreError::Corrupt("negative log index".into()))?;
    let size = store::export::log_size(connection)?;
    let entry = store::export::entries(connection, index, index + 1)?
        .into_iter()
        .next();
    let (included_in_log, inclusion_proof_ok) = match &entry {
        Some((_, leaf, stored_hash)) => {
            let issued = TypedEntry::from_leaf(leaf.as_bytes()).map(|typed| typed.entry);
            let included = matches!(&issued, Ok(Entry::SettlementIssued(issued))
                if issued.document_sha256 == row.document_sha256)
                && hash_from_hex(stored_hash).ok() == Some(leaf_hash(leaf.as_bytes()));
            let nodes = DatabaseNodes::new(connection);
            let proof_ok = match (
                tree::inclusion_proof(index, size, &nodes),
                tree::root(size, &nodes),
            ) {
                (Ok(proof), Ok(root)) => verify_inclusion(InclusionCheck {
                    index,
                    tree_size: size,
                    leaf_hash: &leaf_hash(leaf.as_bytes()),
                    proof: &proof,
                    root: &root,
                })
                .is_ok(),
                _ => false,
            };
            (included, proof_ok)
        }
        None => (false, false),
    };
    if !included_in_log {
        problems.push(format!("log entry {index} is not this settlement's issue"));
    }
    if !inclusion_proof_ok {
        problems.push(format!(
            "the inclusion proof of entry {index} does not verify"
        ));
    }

    let (readings_digest_ok, recomputed_net_fen, recomputation_ok) =
        match recompute_at_issue(connection, row, index) {
            Ok((digest, net, document_sha256)) => {
                let stored: serde_json::Value =
                    serde_json::from_str(&row.document).unwrap_or_default();
                let digest_ok = readings_digest_of(&stored) == digest;
                (digest_ok, Some(net), document_sha256 == row.document_sha256)
            }
            Err(problem) => {
                problems.push(problem);
                (false, None, false)
            }
        };
    if !readings_digest_ok {
        problems
            .push("the readings counted at issue do not hash to the readings_digest".to_owned());
    }
    if !recomputation_ok {
        problems
            .push("the document does not recompute from the logged terms and readings".to_owned());
    }

    let acknowledgements_ok = input.acknowledgements.iter().all(|acknowledgement| {
        let key = input
            .party_keys
            .iter()
            .find(|(jurisdiction, _)| *jurisdiction == acknowledgement.jurisdiction)
            .and_then(|(_, keys)| keys.iter().find(|key| key.key_id == acknowledgement.key_id));
        let verifies = key
            .and_then(|key| basin_audit::messages::parse_public_key_base64(&key.public_key).ok())
            .is_some_and(|public_key| {
                ack_message(&row.document_sha256).is_ok_and(|message| {
                    verify_signature(&message, &public_key, &acknowledgement.signature).is_ok()
                })
            });
        if !verifies {
            problems.push(format!(
                "the acknowledgement of {} does not verify",
                acknowledgement.jurisdiction
            ));
        }
        verifies
    });
    Ok(SettlementVerification {
        document_hash_ok,
        signature_ok,
        included_in_log,
        inclusion_proof_ok,
        readings_digest_ok,
        recomputed_net_fen,
        recomputation_ok,
        acknowledgements_ok,
        problems,
    })
}

/// Recomputes the document from what counted just before the settlement's entry, through the
/// ledger core's one input path: (readings_digest, net_fen, document_sha256), or what failed.
fn recompute_at_issue(
    connection: &mut AnyConnection,
    row: &SettlementRow,
    index: u64,
) -> Result<(String, i64, String), String> {
    let document: LoggedDocument = serde_json::from_str(&row.document)
        .map_err(|error| format!("the stored document does not have its fields: {error}"))?;
    let assembled = recompute(&mut StoreInputs::before(connection, index), &document)
        .map_err(|error| match error {
            RecomputeError::Inputs(error) => input_error(error).to_string(),
            other => other.to_string(),
        })?
        .assembled;
    let digest = readings_digest_of(&assembled.document);
    Ok((
        digest,
        assembled.net_fen.as_i64(),
        assembled.document_sha256,
    ))
}

fn readings_digest_of(document: &serde_json::Value) -> String {
    document
        .get("inputs")
        .and_then(|inputs| inputs.get("readings_digest"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned()
}
