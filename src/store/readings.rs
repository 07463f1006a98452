//! Readings aggregate: batches (kept byte for byte), readings, revisions and invalidations.
//! Batches are all-or-nothing and idempotent on (station, batch_id).

use basin_domain::Code;
use basin_ledger_core::entry::{Entry, ReadingInvalidated, ReadingsBatchLogged};
use diesel::prelude::*;
use serde::Serialize;

use super::connection::AnyConnection;
use super::error::StoreError;
use super::log::LogWriter;
use super::page::{finish_page, Page, PageRequest};
use super::schema::{reading_batches, readings};

/// Rows per INSERT statement: 13 columns × 500 stays far below SQLite's bound-variable limit.
const INSERT_ROWS_PER_STATEMENT: usize = 500;

pub use basin_ledger_core::batch::{NewReading, ReadingStatus};

pub struct NewBatch<'a> {
    pub station: &'a str,
    pub batch_id: &'a str,
    pub body: &'a [u8],
    pub body_sha256: &'a str,
    pub signature: Option<&'a str>,
    /// The id of the station key that signed, with `signature`.
    pub key_id: Option<&'a str>,
    pub received_at: &'a str,
    pub readings: Vec<NewReading>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct BatchReceipt {
    pub batch_id: String,
    pub accepted: usize,
    pub reading_ids: Vec<i64>,
    pub log_index: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOutcome {
    Created(BatchReceipt),
    /// The same bytes were stored before under this batch id: the original receipt.
    Replayed(BatchReceipt),
}

#[derive(Insertable)]
#[diesel(table_name = readings)]
#[diesel(treat_none_as_default_value = false)]
struct ReadingInsert<'a> {
    id: i64,
    station: &'a str,
    section: &'a str,
    sampled_at: &'a str,
    batch_id: &'a str,
    reading_values: &'a str,
    status: &'a str,
    reason: Option<&'a str>,
    revises: Option<i64>,
    superseded_by: Option<i64>,
    invalidated_at: Option<&'a str>,
    invalidated_by: Option<&'a str>,
    invalidation_reason: Option<&'a str>,
}

/// The stored receipt of an earlier batch with this id, with the hash of its body.
pub fn find_batch(
    connection: &mut AnyConnection,
    station: &str,
    batch_id: &str,
) -> Result<Option<(String, BatchReceipt)>, StoreError> {
    let found: Option<(String, String)> = reading_batches::table
        .filter(reading_batches::station.eq(station))
        .filter(reading_batches::batch_id.eq(batch_id))
        .select((reading_batches::body_sha256, reading_batches::response))
        .first(connection)
        .optional()?;
    found
        .map(|(sha256, response)| {
            let receipt = serde_json::from_str(&response)
                .map_err(|error| StoreError::Corrupt(format!("stored batch receipt: {error}")))?;
            Ok((sha256, receipt))
        })
        .transpose()
}

pub fn ingest_batch(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    batch: NewBatch<'_>,
) -> Result<BatchOutcome, StoreError> {
    if let Some((stored_sha256, receipt)) = find_batch(connection, batch.station, batch.batch_id)? {
        if stored_sha256 == batch.body_sha256 {
            return Ok(BatchOutcome::Replayed(receipt));
        }
        return Err(StoreError::FieldConflict {
            pointer: "/batch_id".into(),
            message: format!(
                "batch {} of station {} was already received with different content (body SHA-256 {stored_sha256})",
                batch.batch_id, batch.station
            ),
        });
    }
    let instants: Vec<&str> = batch
        .readings
        .iter()
        .map(|reading| reading.sampled_at.as_str())
        .collect();
    let current = current_ids_at(connection, batch.station, &instants)?;
    for (position, reading) in batch.readings.iter().enumerate() {
        check_against_stored(
            connection,
            batch.station,
            position,
            reading,
            current.get(&reading.sampled_at).copied(),
        )?;
    }
    let first_id = next_reading_id(connection)?;
    let ids: Vec<i64> = (0..batch.readings.len())
        .map(|offset| first_id + offset as i64)
        .collect();
    let rows: Vec<ReadingInsert<'_>> = batch
        .readings
        .iter()
        .zip(&ids)
        .map(|(reading, &id)| ReadingInsert {
            id,
            station: batch.station,
            section: &reading.section,
            sampled_at: &reading.sampled_at,
            batch_id: batch.batch_id,
            reading_values: &reading.values_json,
            status: reading.status.as_str(),
            reason: reading.reason.as_deref(),
            revises: reading.revises,
            superseded_by: None,
            invalidated_at: None,
            invalidated_by: None,
            invalidation_reason: None,
        })
        .collect();
    insert_rows(connection, &rows)?;
    for (reading, &id) in batch.readings.iter().zip(&ids) {
        if let Some(revised) = reading.revises {
            diesel::update(readings::table.filter(readings::id.eq(revised)))
                .set(readings::superseded_by.eq(id))
                .execute(connection)?;
        }
    }
    let entry = Entry::ReadingsBatch(ReadingsBatchLogged {
        station: Code::parse(batch.station)
            .map_err(|error| StoreError::Corrupt(format!("station code: {error}")))?,
        batch_id: batch.batch_id.to_owned(),
        body_sha256: batch.body_sha256.to_owned(),
        signature: batch.signature.map(str::to_owned),
        key_id: batch.key_id.map(str::to_owned),
        first_reading_id: first_id,
        readings: u32::try_from(ids.len())
            .map_err(|_| StoreError::Corrupt("a batch of more than 2^32 readings".into()))?,
    });
    let appended = log.append(connection, batch.received_at, &entry)?;
    let receipt = BatchReceipt {
        batch_id: batch.batch_id.to_owned(),
        accepted: ids.len(),
        reading_ids: ids,
        log_index: appended.index,
    };
    let response =
        serde_json::to_string(&receipt).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    diesel::insert_into(reading_batches::table)
        .values((
            reading_batches::station.eq(batch.station),
            reading_batches::batch_id.eq(batch.batch_id),
            reading_batches::body.eq(batch.body),
            reading_batches::body_sha256.eq(batch.body_sha256),
            reading_batches::signature.eq(batch.signature),
            reading_batches::response.eq(response),
            reading_batches::log_index.eq(appended.index as i64),
            reading_batches::received_at.eq(batch.received_at),
        ))
        .execute(connection)?;
    Ok(BatchOutcome::Created(receipt))
}

/// A reading is unique per (station, sampled_at) among current readings, unless it revises the
/// current one; a revision names a current reading of the same station and instant.
fn check_against_stored(
    connection: &mut AnyConnection,
    station: &str,
    position: usize,
    reading: &NewReading,
    current: Option<i64>,
) -> Result<(), StoreError> {
    match (reading.revises, current) {
        (None, None) => Ok(()),
        (None, Some(existing)) => Err(StoreError::FieldConflict {
            pointer: format!("/readings/{position}/sampled_at"),
            message: format!(
                "station {station} already has reading {existing} at {}; send it with \"revises\": {existing} and a reason to correct it",
                reading.sampled_at
            ),
        }),
        (Some(revised), Some(existing)) if revised == existing => Ok(()),
        (Some(revised), _) => {
            let target: Option<(String, String, Option<i64>)> = readings::table
                .filter(readings::id.eq(revised))
                .select((readings::station, readings::sampled_at, readings::superseded_by))
                .first(connection)
                .optional()?;
            let pointer = format!("/readings/{position}/revises");
            Err(match target {
                None => StoreError::FieldInvalid { pointer, message: format!("reading {revised} does not exist") },
                Some((owner, _, _)) if owner != station => StoreError::FieldInvalid {
                    pointer,
                    message: format!("reading {revised} belongs to station {owner}, not {station}"),
                },
                Some((_, _, Some(successor))) => StoreError::FieldConflict {
                    pointer,
                    message: format!("reading {revised} was already superseded by reading {successor}"),
                },
                Some((_, sampled_at, None)) => StoreError::FieldInvalid {
                    pointer,
                    message: format!("reading {revised} was sampled at {sampled_at}; a revision keeps the instant"),
                },
            })
        }
    }
}

/// The current reading id of the station at each of these instants. One range scan over the
/// batch's time span (on the (station, sampled_at) index) instead of a query per reading or a
/// long `IN` list, both of which cost hundreds of milliseconds per batch on PostgreSQL.
fn current_ids_at(
    connection: &mut AnyConnection,
    station: &str,
    instants: &[&str],
) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    let (Some(first), Some(last)) = (instants.iter().min(), instants.iter().max()) else {
        return Ok(std::collections::HashMap::new());
    };
    let wanted: std::collections::HashSet<&str> = instants.iter().copied().collect();
    let rows: Vec<(String, i64)> = readings::table
        .filter(readings::station.eq(station))
        .filter(readings::sampled_at.ge(*first))
        .filter(readings::sampled_at.le(*last))
        .filter(readings::superseded_by.is_null())
        .select((readings::sampled_at, readings::id))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .filter(|(sampled_at, _)| wanted.contains(sampled_at.as_str()))
        .collect())
}

fn next_reading_id(connection: &mut AnyConnection) -> Result<i64, StoreError> {
    let maximum: Option<i64> = readings::table
        .select(diesel::dsl::max(readings::id))
        .first(connection)?;
    Ok(maximum.unwrap_or(0) + 1)
}

/// Multi-row INSERTs, run on the backend's own connection: diesel's `MultiConnection` cannot
/// express batch inserts.
fn insert_rows(
    connection: &mut AnyConnection,
    rows: &[ReadingInsert<'_>],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(INSERT_ROWS_PER_STATEMENT) {
        match connection {
            AnyConnection::Postgresql(inner) => {
                diesel::insert_into(readings::table)
                    .values(chunk)
                    .execute(inner)?;
            }
            AnyConnection::Sqlite(inner) => {
                diesel::insert_into(readings::table)
                    .values(chunk)
                    .execute(inner)?;
            }
        }
    }
    Ok(())
}

/// The exact bytes and signature of a stored batch.
pub fn batch_body(
    connection: &mut AnyConnection,
    station: &str,
    batch_id: &str,
) -> Result<(Vec<u8>, Option<String>), StoreError> {
    reading_batches::table
        .filter(reading_batches::station.eq(station))
        .filter(reading_batches::batch_id.eq(batch_id))
        .select((reading_batches::body, reading_batches::signature))
        .first(connection)
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            what: "batch",
            key: format!("{station}/{batch_id}"),
        })
}

/// A stored reading as the readings API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct StoredReading {
    pub id: i64,
    pub station: String,
    pub section: String,
    pub sampled_at: String,
    pub batch_id: String,
    pub values_json: String,
    pub status: String,
    pub reason: Option<String>,
    pub revises: Option<i64>,
    pub superseded_by: Option<i64>,
    pub invalidated_at: Option<String>,
    pub invalidated_by: Option<String>,
    pub invalidation_reason: Option<String>,
    pub invalidated_log_index: Option<i64>,
}

macro_rules! reading_columns {
    () => {
        (
            readings::id,
            readings::station,
            readings::section,
            readings::sampled_at,
            readings::batch_id,
            readings::reading_values,
            readings::status,
            readings::reason,
            readings::revises,
            readings::superseded_by,
            readings::invalidated_at,
            readings::invalidated_by,
            readings::invalidation_reason,
            readings::invalidated_log_index,
        )
    };
}

/// Readings of a section in `[from, to)`, ordered by (sampled_at, id), after the cursor key.
pub fn section_readings(
    connection: &mut AnyConnection,
    section: &str,
    from: Option<&str>,
    to: Option<&str>,
    request: &PageRequest<(String, i64)>,
) -> Result<Page<StoredReading, (String, i64)>, StoreError> {
    let mut query = readings::table
        .filter(readings::section.eq(section))
        .select(reading_columns!())
        .order((readings::sampled_at.asc(), readings::id.asc()))
        .limit(request.fetch_count())
        .into_boxed();
    if let Some(from) = from {
        query = query.filter(readings::sampled_at.ge(from.to_owned()));
    }
    if let Some(to) = to {
        query = query.filter(readings::sampled_at.lt(to.to_owned()));
    }
    if let Some((sampled_at, id)) = &request.after {
        query = query.filter(
            readings::sampled_at
                .gt(sampled_at.clone())
                .or(readings::sampled_at
                    .eq(sampled_at.clone())
                    .and(readings::id.gt(*id))),
        );
    }
    let rows = query.load::<StoredReading>(connection)?;
    Ok(finish_page(rows, request.limit, |row| {
        (row.sampled_at.clone(), row.id)
    }))
}

/// Readings of these sections sampled in `[start, end)`, ordered by section, sampled_at, id:
/// only those that count now (valid, not superseded, not invalidated) when `counted_only`, or
/// every one, for a caller that decides what counted at an earlier point of the log.
pub fn readings_in_period(
    connection: &mut AnyConnection,
    sections: &[String],
    start: &str,
    end: &str,
    counted_only: bool,
) -> Result<Vec<StoredReading>, StoreError> {
    let mut query = readings::table
        .filter(readings::section.eq_any(sections))
        .filter(readings::sampled_at.ge(start))
        .filter(readings::sampled_at.lt(end))
        .select(reading_columns!())
        .order((
            readings::section.asc(),
            readings::sampled_at.asc(),
            readings::id.asc(),
        ))
        .into_boxed();
    if counted_only {
        query = query
            .filter(readings::status.eq(ReadingStatus::Valid.as_str()))
            .filter(readings::superseded_by.is_null())
            .filter(readings::invalidated_at.is_null());
    }
    Ok(query.load::<StoredReading>(connection)?)
}

pub fn get_reading(connection: &mut AnyConnection, id: i64) -> Result<StoredReading, StoreError> {
    readings::table
        .filter(readings::id.eq(id))
        .select(reading_columns!())
        .first(connection)
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            what: "reading",
            key: id.to_string(),
        })
}

/// Marks a reading invalid on a bureau's word; it is kept and shown, never counted again.
pub fn invalidate_reading(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    id: i64,
    jurisdiction: Option<&str>,
    reason: &str,
    at: &str,
) -> Result<u64, StoreError> {
    let reading = get_reading(connection, id)?;
    if let Some(when) = reading.invalidated_at {
        return Err(StoreError::Conflict(format!(
            "reading {id} was already invalidated at {when}"
        )));
    }
    diesel::update(readings::table.filter(readings::id.eq(id)))
        .set((
            readings::invalidated_at.eq(at),
            readings::invalidated_by.eq(jurisdiction.unwrap_or("admin")),
            readings::invalidation_reason.eq(reason),
        ))
        .execute(connection)?;
    let entry = Entry::ReadingInvalidated(ReadingInvalidated {
        reading_id: id,
        jurisdiction: jurisdiction
            .map(Code::parse)
            .transpose()
            .map_err(|error| StoreError::Corrupt(format!("jurisdiction code: {error}")))?,
        reason: reason.to_owned(),
    });
    let appended = log.append(connection, at, &entry)?;
    diesel::update(readings::table.filter(readings::id.eq(id)))
        .set(readings::invalidated_log_index.eq(super::log::to_i64(appended.index)?))
        .execute(connection)?;
    Ok(appended.index)
}

/// The current (not superseded) readings of a station in `[from, to]`, by sampled_at.
pub fn current_readings_of_station(
    connection: &mut AnyConnection,
    station: &str,
    from: &str,
    to: &str,
) -> Result<Vec<StoredReading>, StoreError> {
    Ok(readings::table
        .filter(readings::station.eq(station))
        .filter(readings::sampled_at.ge(from))
        .filter(readings::sampled_at.le(to))
        .filter(readings::superseded_by.is_null())
        .select(reading_columns!())
        .load::<StoredReading>(connection)?)
}

impl StoredReading {
    /// The reading as the pure statistics take it: exact decimals by parameter. The stored text
    /// was validated on the way in, so a value that no longer parses means the row was altered.
    pub fn for_statistics(
        &self,
    ) -> Result<basin_domain::statistics::ReadingForStatistics, StoreError> {
        let corrupt = |what: String| StoreError::Corrupt(format!("reading {}: {what}", self.id));
        let literals: std::collections::BTreeMap<String, String> =
            serde_json::from_str(&self.values_json).map_err(|error| corrupt(error.to_string()))?;
        let mut values = std::collections::BTreeMap::new();
        for (code, literal) in literals {
            let parameter = basin_domain::ParameterCode::parse(&code)
                .map_err(|_| corrupt(format!("parameter {code}")))?;
            let value = basin_domain::MeasuredValue::parse_for(parameter, &literal)
                .map_err(|error| corrupt(format!("{code} {literal:?}: {error}")))?;
            values.insert(parameter, value.decimal());
        }
        let sampled_at = chrono::DateTime::parse_from_rfc3339(&self.sampled_at)
            .map_err(|error| corrupt(format!("sampled_at: {error}")))?
            .with_timezone(&chrono::Utc);
        Ok(basin_domain::statistics::ReadingForStatistics {
            id: self.id,
            sampled_at,
            values,
        })
    }
}

/// Every reading, by id (for export).
pub fn all_readings(connection: &mut AnyConnection) -> Result<Vec<StoredReading>, StoreError> {
    Ok(readings::table
        .select(reading_columns!())
        .order(readings::id.asc())
        .load(connection)?)
}
