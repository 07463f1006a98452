//! Reading the whole log and every batch body out, in index order, for `export` and for the
//! tests that verify what was stored.

use diesel::prelude::*;

use super::connection::AnyConnection;
use super::error::StoreError;
use super::schema::{log_entries, reading_batches};

/// Entries in `[start, end)` as (index, leaf bytes, leaf hash), in index order.
pub fn entries(
    connection: &mut AnyConnection,
    start: u64,
    end: u64,
) -> Result<Vec<(i64, String, String)>, StoreError> {
    let start = i64::try_from(start).unwrap_or(i64::MAX);
    let end = i64::try_from(end).unwrap_or(i64::MAX);
    Ok(log_entries::table
        .filter(log_entries::entry_index.ge(start))
        .filter(log_entries::entry_index.lt(end))
        .order(log_entries::entry_index.asc())
        .select((
            log_entries::entry_index,
            log_entries::leaf,
            log_entries::leaf_hash,
        ))
        .load(connection)?)
}

/// A stored batch: (station, batch_id, exact body, signature).
pub type StoredBatch = (String, String, Vec<u8>, Option<String>);

/// Every batch, ordered by station and batch id.
pub fn batches(connection: &mut AnyConnection) -> Result<Vec<StoredBatch>, StoreError> {
    Ok(reading_batches::table
        .order((
            reading_batches::station.asc(),
            reading_batches::batch_id.asc(),
        ))
        .select((
            reading_batches::station,
            reading_batches::batch_id,
            reading_batches::body,
            reading_batches::signature,
        ))
        .load(connection)?)
}

/// The size of the log (entries committed).
pub fn log_size(connection: &mut AnyConnection) -> Result<u64, StoreError> {
    let size: i64 = super::schema::log_head::table
        .select(super::schema::log_head::size)
        .first(connection)?;
    u64::try_from(size).map_err(|_| StoreError::Corrupt(format!("negative log size {size}")))
}

pub use super::readings::all_readings as readings;

/// A stored settlement: (id, document text, document_sha256, amount_fen, status).
pub type StoredSettlement = (i64, String, String, i64, String);

/// Every settlement as stored, by id.
pub fn settlements(connection: &mut AnyConnection) -> Result<Vec<StoredSettlement>, StoreError> {
    use super::schema::settlements;
    Ok(settlements::table
        .order(settlements::id.asc())
        .select((
            settlements::id,
            settlements::document,
            settlements::document_sha256,
            settlements::amount_fen,
            settlements::status,
        ))
        .load(connection)?)
}
