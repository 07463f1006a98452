//! Building an auditor's bundle from the database: every log entry up to the checkpoint's size,
//! every reading batch body, and the signed checkpoint itself.

use std::collections::BTreeMap;

use crate::store::{self, AnyConnection, StoreError};
use crate::verify::bundle::{BatchEvidence, ExportedReading, ExportedSettlement};
use crate::verify::{Bundle, BundleEntry, LogKey};

/// `checkpoint` is a signed note for `tree_size` entries (the caller signs or fetches it).
pub fn bundle_from_database(
    connection: &mut AnyConnection,
    checkpoint: String,
    tree_size: u64,
    log_key: LogKey,
) -> Result<Bundle, StoreError> {
    let entries = store::export::entries(connection, 0, tree_size)?
        .into_iter()
        .map(|(index, leaf, leaf_hash)| BundleEntry {
            index: u64::try_from(index).unwrap_or(u64::MAX),
            leaf,
            leaf_hash,
        })
        .collect();
    let batches: BTreeMap<_, _> = store::export::batches(connection)?
        .into_iter()
        .map(|(station, batch_id, body, signature)| {
            ((station, batch_id), BatchEvidence { body, signature })
        })
        .collect();
    let readings = store::export::readings(connection)?
        .into_iter()
        .map(|stored| ExportedReading {
            id: stored.id,
            station: stored.station,
            section: stored.section,
            sampled_at: stored.sampled_at,
            values_json: stored.values_json,
            flags_json: stored.flags_json,
            status: stored.status,
            superseded: stored.superseded_by.is_some(),
            invalidated: stored.invalidated_at.is_some(),
        })
        .collect();
    let settlements = store::export::settlements(connection)?
        .into_iter()
        .map(
            |(id, document, document_sha256, amount_fen, status)| ExportedSettlement {
                id: id.to_string(),
                document,
                document_sha256,
                amount_fen,
                status,
            },
        )
        .collect();
    Ok(Bundle {
        checkpoint,
        log_key,
        entries,
        batches,
        readings,
        settlements,
    })
}
