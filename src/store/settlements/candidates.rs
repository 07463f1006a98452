//! The rows a settlement's counted readings are chosen from: the readings of its sections in its
//! period, with only the columns that decide whether a reading counts and what it says, and the
//! log index of each batch they came in.

use std::collections::{BTreeSet, HashMap};

use diesel::connection::DefaultLoadingMode;
use diesel::pg::PgRowByRowLoadingMode;
use diesel::prelude::*;

use super::super::connection::AnyConnection;
use super::super::error::StoreError;
use super::super::readings::ReadingStatus;
use super::super::schema::{reading_batches, readings};
use super::super::IN_LIST_MAX;

/// A stored reading as a settlement reads it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Candidate {
    pub id: i64,
    pub station: String,
    pub section: String,
    pub sampled_at: String,
    pub batch_id: String,
    pub values_json: String,
    pub status: String,
    pub superseded_by: Option<i64>,
    pub invalidated_at: Option<String>,
    pub invalidated_log_index: Option<i64>,
    pub flags_json: Option<String>,
}

/// Readings of these sections sampled in `[start, end)`, ordered by section, sampled_at, id,
/// given to `each` as they are read: only those that count now (valid, not superseded, not
/// invalidated) when `counted_only`, or every one, for a caller that decides what counted at an
/// earlier point of the log.
pub fn for_each_candidate(
    connection: &mut AnyConnection,
    sections: &[String],
    start: &str,
    end: &str,
    counted_only: bool,
    mut each: impl FnMut(Candidate),
) -> Result<(), StoreError> {
    /// The query, built for the backend it runs on.
    macro_rules! candidates_query {
        () => {{
            let mut query = readings::table
                .filter(readings::section.eq_any(sections))
                .filter(readings::sampled_at.ge(start))
                .filter(readings::sampled_at.lt(end))
                .select((
                    readings::id,
                    readings::station,
                    readings::section,
                    readings::sampled_at,
                    readings::batch_id,
                    readings::reading_values,
                    readings::status,
                    readings::superseded_by,
                    readings::invalidated_at,
                    readings::invalidated_log_index,
                    readings::reading_flags,
                ))
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
            query
        }};
    }
    // Row by row on PostgreSQL as well: the caller parses the rows already given while the
    // rest are still arriving, instead of after the whole result.
    match connection {
        AnyConnection::Postgresql(inner) => {
            for candidate in
                candidates_query!().load_iter::<Candidate, PgRowByRowLoadingMode>(inner)?
            {
                each(candidate?);
            }
        }
        AnyConnection::Sqlite(inner) => {
            for candidate in
                candidates_query!().load_iter::<Candidate, DefaultLoadingMode>(inner)?
            {
                each(candidate?);
            }
        }
    }
    Ok(())
}

/// [`for_each_candidate`], collected.
pub fn candidates_in_period(
    connection: &mut AnyConnection,
    sections: &[String],
    start: &str,
    end: &str,
    counted_only: bool,
) -> Result<Vec<Candidate>, StoreError> {
    let mut candidates = Vec::new();
    for_each_candidate(
        connection,
        sections,
        start,
        end,
        counted_only,
        |candidate| candidates.push(candidate),
    )?;
    Ok(candidates)
}

/// The log index of each of these batches (given by id, each once; a batch id names one batch
/// per station): station → batch id → index, so that a reading's batch is looked up without
/// building a key.
pub(super) fn batch_log_indices<'b>(
    connection: &mut AnyConnection,
    batch_ids: impl IntoIterator<Item = &'b str>,
) -> Result<HashMap<String, HashMap<String, i64>>, StoreError> {
    let batch_ids: Vec<&str> = batch_ids.into_iter().collect();
    let mut found: HashMap<String, HashMap<String, i64>> = HashMap::new();
    for chunk in batch_ids.chunks(IN_LIST_MAX) {
        let rows: Vec<(String, String, i64)> = reading_batches::table
            .filter(reading_batches::batch_id.eq_any(chunk))
            .select((
                reading_batches::station,
                reading_batches::batch_id,
                reading_batches::log_index,
            ))
            .load(connection)?;
        for (station, batch_id, index) in rows {
            found.entry(station).or_default().insert(batch_id, index);
        }
    }
    Ok(found)
}

/// The distinct batch ids of these readings. Readings come in runs of one batch: the repeats
/// are skipped before the set sees them.
pub(super) fn batch_ids_of(readings: &[Candidate]) -> BTreeSet<&str> {
    let mut batch_ids: BTreeSet<&str> = BTreeSet::new();
    let mut previous = None;
    for reading in readings {
        let batch_id = reading.batch_id.as_str();
        if previous != Some(batch_id) {
            batch_ids.insert(batch_id);
            previous = Some(batch_id);
        }
    }
    batch_ids
}
