//! `GET /v1/settlements/{id}/verification`: the server re-checks one settlement the way an
//! auditor would. The document hash, the ledger signature, the log entry and an RFC 9162
//! inclusion proof against the current tree, and a recomputation from the log replayed up to the
//! settlement's entry (readings as they counted when it was issued), with the verifier's code.

use basin_audit::entry::parse_leaf;
use basin_audit::hash::{hash_from_hex, leaf_hash};
use basin_audit::messages::{ack_message, settlement_message, verify_signature};
use basin_audit::proof::{verify_inclusion, InclusionCheck};
use basin_audit::tree;
use basin_domain::Period;
use serde::Serialize;
use utoipa::ToSchema;

use super::document::{sha256_hex, SupersedesRef};
use super::recompute::recompute;
use crate::ledger_key::LedgerKey;
use crate::model::registry::JurisdictionKey;
use crate::model::settlement::Acknowledgement;
use crate::store::log::DatabaseNodes;
use crate::store::settlement_queries::SettlementRow;
use crate::store::{self, AnyConnection, StoreError};
use crate::verify::bundle::BatchEvidence;
use crate::verify::{Bundle, LedgerState, LogKey};

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
    let signature_ok = row.key_id == input.ledger_key.key_id()
        && settlement_message(&row.document_sha256)
            .ok()
            .is_some_and(|message| {
                verify_signature(&message, &input.ledger_key.public_key(), &row.signature).is_ok()
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
            let parsed = parse_leaf(leaf.as_bytes()).ok();
            let included = parsed.as_ref().is_some_and(|entry| {
                entry.kind == "settlement.issued"
                    && entry.body["document_sha256"].as_str() == Some(row.document_sha256.as_str())
            }) && hash_from_hex(stored_hash).ok()
                == Some(leaf_hash(leaf.as_bytes()));
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
        match recompute_at_issue(connection, row, index, input.ledger_key) {
            Ok((digest, net, document_sha256)) => {
                let stored: serde_json::Value =
                    serde_json::from_str(&row.document).unwrap_or_default();
                let digest_ok =
                    stored["inputs"]["readings_digest"].as_str() == Some(digest.as_str());
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

/// Replays the log up to (not including) the settlement's entry, then recomputes its document:
/// (readings_digest, net_fen, document_sha256).
fn recompute_at_issue(
    connection: &mut AnyConnection,
    row: &SettlementRow,
    index: u64,
    key: &LedgerKey,
) -> Result<(String, i64, String), String> {
    let store_error = |error: StoreError| error.to_string();
    let entries = store::export::entries(connection, 0, index).map_err(store_error)?;
    let batches = store::export::batches(connection)
        .map_err(store_error)?
        .into_iter()
        .map(|(station, batch_id, body, signature)| {
            ((station, batch_id), BatchEvidence { body, signature })
        })
        .collect();
    let log_key = LogKey {
        origin: key.origin().to_owned(),
        public_key: key.public_key(),
    };
    let bundle = Bundle {
        checkpoint: String::new(),
        log_key: log_key.clone(),
        entries: Vec::new(),
        batches,
        readings: Vec::new(),
        settlements: Vec::new(),
    };
    let mut state = LedgerState::default();
    // Earlier settlement entries do not change readings; only the registry, versions and readings matter here.
    let mut skip_settlements = IgnoreSettlements;
    for (entry_index, leaf, _) in entries {
        let entry =
            parse_leaf(leaf.as_bytes()).map_err(|error| format!("entry {entry_index}: {error}"))?;
        if entry.kind.starts_with("settlement.") {
            continue;
        }
        state
            .apply(&entry, &bundle, &log_key, &mut skip_settlements)
            .map_err(|failure| failure.to_string())?;
    }
    let document: serde_json::Value =
        serde_json::from_str(&row.document).map_err(|error| error.to_string())?;
    let version_number =
        u64::try_from(row.agreement_version).map_err(|_| "bad agreement version".to_owned())?;
    let version = state
        .agreement_versions
        .get(&(row.agreement.clone(), version_number))
        .ok_or_else(|| {
            format!(
                "agreement {} version {version_number} is not in the log before the settlement",
                row.agreement
            )
        })?;
    let period = Period::parse(&row.period).map_err(|error| error.to_string())?;
    let supersedes: Option<SupersedesRef> = serde_json::from_value(document["supersedes"].clone())
        .map_err(|error| error.to_string())?;
    let id = document["id"].as_str().unwrap_or_default().to_owned();
    let assembled = recompute(&state, version, &id, period, &document, supersedes)?;
    let digest = assembled.document["inputs"]["readings_digest"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    Ok((
        digest,
        assembled.net_fen.as_i64(),
        assembled.document_sha256,
    ))
}

/// Settlement entries are skipped by the caller; this only satisfies the replay's signature.
struct IgnoreSettlements;

impl crate::verify::SettlementCheck for IgnoreSettlements {
    fn check(
        &mut self,
        _: u64,
        _: &str,
        _: &serde_json::Value,
        _: &LedgerState,
        _: &LogKey,
    ) -> Result<(), crate::verify::Failure> {
        Ok(())
    }
    fn settlements_checked(&self) -> usize {
        0
    }
}
