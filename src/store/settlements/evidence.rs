//! The evidence of counted readings: the batches they came in, each with its stored body and
//! its `readings.batch` log entry, read an `IN` list at a time (batches by id, then their
//! entries by index: each lookup an index search, which a join would leave to PostgreSQL's
//! guess) and the entries verified over the cores. A batch that is not stored, or whose entry
//! is missing or names another batch, is an integrity failure.

use std::collections::{BTreeSet, HashMap};

use basin_ledger_core::entry::Entry;
use basin_ledger_core::settlement::evidence::LoggedBatch;
use diesel::prelude::*;
use rayon::prelude::*;

use super::super::connection::AnyConnection;
use super::super::error::StoreError;
use super::super::log::entries::{entry_columns, missing_entry, typed_entry, EntryRow};
use super::super::schema::{log_entries, reading_batches};
use super::candidates::IN_LIST_MAX;
use super::counting::{batch_not_stored, Origins};

/// A stored batch: station, batch id, body and log index.
type BatchRow = (String, String, Vec<u8>, i64);

/// Every batch of `origins`, each with its verified log entry, in no particular order.
pub(super) fn logged_batches(
    connection: &mut AnyConnection,
    origins: &Origins,
) -> Result<Vec<LoggedBatch>, StoreError> {
    let batch_ids: BTreeSet<&str> = origins
        .in_order()
        .iter()
        .map(|origin| origin.batch_id.as_str())
        .collect();
    let batch_ids: Vec<&str> = batch_ids.into_iter().collect();
    let mut batches: Vec<(BatchRow, Option<EntryRow>)> =
        Vec::with_capacity(origins.in_order().len());
    for chunk in batch_ids.chunks(IN_LIST_MAX) {
        let found: Vec<BatchRow> = reading_batches::table
            .filter(reading_batches::batch_id.eq_any(chunk))
            .select((
                reading_batches::station,
                reading_batches::batch_id,
                reading_batches::body,
                reading_batches::log_index,
            ))
            .load(connection)?;
        // A batch id names one batch per station; other stations' batches of that id are not
        // evidence here.
        let found: Vec<BatchRow> = found
            .into_iter()
            .filter(|(station, batch_id, ..)| origins.contains(station, batch_id))
            .collect();
        let indices: Vec<i64> = found.iter().map(|(.., index)| *index).collect();
        let mut entries: HashMap<i64, EntryRow> = log_entries::table
            .filter(log_entries::entry_index.eq_any(&indices))
            .select(entry_columns!())
            .load::<EntryRow>(connection)?
            .into_iter()
            .map(|row| (row.entry_index, row))
            .collect();
        batches.extend(found.into_iter().map(|batch| {
            let entry = entries.remove(&batch.3);
            (batch, entry)
        }));
    }
    if batches.len() < origins.in_order().len() {
        let stored: BTreeSet<(&str, &str)> = batches
            .iter()
            .map(|((station, batch_id, ..), _)| (station.as_str(), batch_id.as_str()))
            .collect();
        if let Some(unstored) = origins
            .in_order()
            .iter()
            .find(|origin| !stored.contains(&(origin.station.as_str(), origin.batch_id.as_str())))
        {
            return Err(batch_not_stored(
                unstored.first_reading,
                &unstored.station,
                &unstored.batch_id,
            ));
        }
    }
    // Verifying the entries is most of the cost over hourly batches: over the cores.
    batches.into_par_iter().map(logged_batch).collect()
}

/// The batch with its entry, once the entry verifies and records this very batch.
fn logged_batch(
    ((station, batch_id, body, index), entry): (BatchRow, Option<EntryRow>),
) -> Result<LoggedBatch, StoreError> {
    let index = u64::try_from(index).map_err(|_| {
        StoreError::Corrupt(format!("batch {station}/{batch_id}: log index {index}"))
    })?;
    let typed = typed_entry(&entry.ok_or_else(|| missing_entry(index))?)?;
    match typed.entry {
        Entry::ReadingsBatch(entry)
            if typed.index == index
                && entry.station.as_str() == station
                && entry.batch_id == batch_id =>
        {
            Ok(LoggedBatch { entry, body })
        }
        _ => Err(StoreError::Integrity {
            what: format!("batch {station}/{batch_id}"),
            reason: format!("log entry {index} is not its readings.batch entry"),
        }),
    }
}
