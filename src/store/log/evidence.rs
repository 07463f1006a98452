//! Evidence bundles from stored data: for the entries of one entry bundle, every reading
//! batch's stored body and signature, read in one query by log index, and only for entries the
//! newest signed checkpoint covers (as tiles are).

use basin_audit::tile::{encode_evidence, EvidenceRecord, Tile, TileIndex};
use basin_ledger_core::settlement::document::sha256_hex;
use diesel::prelude::*;

use super::tiles::covered;
use super::to_i64;
use crate::ledger_key::LedgerKey;
use crate::store::connection::AnyConnection;
use crate::store::error::StoreError;
use crate::store::schema::reading_batches;

/// The evidence bundle's bytes (format in `basin_audit::tile::encode_evidence`). Each body is
/// re-hashed against its stored digest before it is served.
pub fn evidence_bundle(
    connection: &mut AnyConnection,
    key: &LedgerKey,
    bundle: TileIndex,
) -> Result<Vec<u8>, StoreError> {
    let tile = Tile::new(0, bundle)
        .map_err(|error| StoreError::Corrupt(format!("evidence {bundle}: {error}")))?;
    connection.transaction(|connection| {
        let (_, indexes) = covered(connection, key, tile)?.ok_or_else(|| StoreError::NotFound {
            what: "log evidence bundle",
            key: bundle.to_string(),
        })?;
        let rows: Vec<(i64, Vec<u8>, String, Option<String>)> = reading_batches::table
            .select((
                reading_batches::log_index,
                reading_batches::body,
                reading_batches::body_sha256,
                reading_batches::signature,
            ))
            .filter(reading_batches::log_index.ge(to_i64(indexes.start)?))
            .filter(reading_batches::log_index.lt(to_i64(indexes.end)?))
            .order(reading_batches::log_index.asc())
            .load(connection)?;
        let mut records = Vec::with_capacity(rows.len());
        for (index, body, body_sha256, signature) in &rows {
            let index = u64::try_from(*index)
                .map_err(|_| StoreError::Corrupt(format!("batch log index {index}")))?;
            if sha256_hex(body) != *body_sha256 {
                return Err(StoreError::Integrity {
                    what: format!("the batch of log entry {index}"),
                    reason: "its body does not hash to its stored body_sha256".to_owned(),
                });
            }
            records.push(EvidenceRecord {
                index,
                signature: signature.as_deref(),
                body,
            });
        }
        encode_evidence(records).map_err(|error| StoreError::Integrity {
            what: format!("log evidence bundle {bundle}"),
            reason: error.to_string(),
        })
    })
}
