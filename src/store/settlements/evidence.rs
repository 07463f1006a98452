//! The evidence of counted readings: the batches they came in, each with its stored body and
//! its `readings.batch` log entry. They are read an `IN` list at a time, batches by id and then
//! their entries by index (each lookup an index search, which a join would leave to
//! PostgreSQL's guess), and each list's entries are verified on the pool while the next list
//! is read. A batch that is not stored, or whose entry is missing or names another batch, is an
//! integrity failure.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};

use basin_ledger_core::entry::Entry;
use basin_ledger_core::settlement::evidence::LoggedBatch;
use diesel::prelude::*;
use rayon::prelude::*;

use super::super::connection::AnyConnection;
use super::super::error::StoreError;
use super::super::log::entries::{entry_columns, missing_entry, typed_entry, EntryRow};
use super::super::schema::{log_entries, reading_batches};
use super::super::IN_LIST_MAX;
use super::candidates::batch_log_indices;
use super::counting::{batch_not_stored, Origins};

/// A stored batch: station, batch id, body and log index.
type BatchRow = (String, String, Vec<u8>, i64);

/// One `IN` list's batches, verified, with the list's place among them.
type VerifiedChunk = (usize, Vec<Result<LoggedBatch, StoreError>>);

/// Every batch of `origins`, each with its verified log entry, in the order they were read.
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
    let verified: Mutex<Vec<VerifiedChunk>> = Mutex::new(Vec::new());
    let mut stored = 0;
    rayon::in_place_scope(|scope| {
        for (number, chunk) in batch_ids.chunks(IN_LIST_MAX).enumerate() {
            let found = stored_batches(connection, origins, chunk)?;
            stored += found.len();
            let verified = &verified;
            // Verifying the entries is most of the cost over hourly batches: on the pool,
            // while the next chunk is read.
            scope.spawn(move |_| {
                let chunk = found.into_par_iter().map(logged_batch).collect();
                lock(verified).push((number, chunk));
            });
        }
        Ok::<(), StoreError>(())
    })?;
    if stored < origins.in_order().len() {
        return Err(first_unstored(connection, origins));
    }
    // In the order they were read (not verified), so that of several damaged batches the one
    // named does not depend on the threads.
    let mut verified = verified
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    verified.sort_unstable_by_key(|(number, _)| *number);
    verified.into_iter().flat_map(|(_, chunk)| chunk).collect()
}

/// The stored batches of `origins` with these ids, each with the entry its log index names.
fn stored_batches(
    connection: &mut AnyConnection,
    origins: &Origins,
    batch_ids: &[&str],
) -> Result<Vec<(BatchRow, Option<EntryRow>)>, StoreError> {
    let found: Vec<BatchRow> = reading_batches::table
        .filter(reading_batches::batch_id.eq_any(batch_ids))
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
    Ok(found
        .into_iter()
        .map(|batch| {
            let entry = entries.remove(&batch.3);
            (batch, entry)
        })
        .collect())
}

/// Some batch of `origins` is not stored: the first, in the order their readings were counted.
fn first_unstored(connection: &mut AnyConnection, origins: &Origins) -> StoreError {
    let wanted = origins
        .in_order()
        .iter()
        .map(|origin| origin.batch_id.as_str());
    let stored = match batch_log_indices(connection, wanted) {
        Ok(stored) => stored,
        Err(error) => return error,
    };
    let unstored = origins.in_order().iter().find(|origin| {
        !stored
            .get(&origin.station)
            .is_some_and(|batches| batches.contains_key(&origin.batch_id))
    });
    match unstored {
        Some(origin) => batch_not_stored(origin.first_reading, &origin.station, &origin.batch_id),
        None => StoreError::Corrupt("a counted batch was not read, though it is stored".into()),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
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
