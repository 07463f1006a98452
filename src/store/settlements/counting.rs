//! Which stored readings count for a settlement: now, as the query selects them, handed on as
//! they are read; or before a log index, decided by the log indices of each reading's batch, of
//! its successor's batch and of its invalidation. Both keep the batches the counted readings
//! came in, whose evidence is read next.

use std::collections::{BTreeSet, HashMap, HashSet};

use basin_ledger_core::settlement::inputs::{CountedReading, COUNTED_READINGS_PER_CHUNK};

use super::super::connection::AnyConnection;
use super::super::error::StoreError;
use super::candidates::{
    batch_ids_of, batch_log_indices, candidates_in_period, for_each_candidate, Candidate,
};

/// The batches counted readings came in: station → batch ids.
pub(super) type Origins = HashMap<String, HashSet<String>>;

/// Whether something logged at `index` was in the log before `before` (`None`: now, so yes).
pub(super) fn logged_before(before: Option<u64>, index: Option<i64>) -> bool {
    match (before, index.and_then(|index| u64::try_from(index).ok())) {
        (None, _) => true,
        (Some(before), Some(index)) => index < before,
        (Some(_), None) => false,
    }
}

/// What counts now is what the query selects: each row is handed on as it is read. Every
/// stored reading came in a stored batch; should one not have, it is named by its first
/// reading in order, as the rows are checked in order.
pub(super) fn counted_now(
    connection: &mut AnyConnection,
    origins: &mut Origins,
    sections: &[String],
    start: &str,
    end: &str,
    each: &mut dyn FnMut(Vec<CountedReading>),
) -> Result<(), StoreError> {
    // Each batch once, with the first of its readings, in the order the rows came.
    let mut batches: Vec<(String, String, i64)> = Vec::new();
    let mut chunk = Vec::with_capacity(COUNTED_READINGS_PER_CHUNK);
    for_each_candidate(connection, sections, start, end, true, |reading| {
        let same_as_previous = batches.last().is_some_and(|(station, batch_id, _)| {
            *batch_id == reading.batch_id && *station == reading.station
        });
        if !same_as_previous && remember_origin(origins, &reading) {
            batches.push((
                reading.station.clone(),
                reading.batch_id.clone(),
                reading.id,
            ));
        }
        chunk.push(counted(reading));
        if chunk.len() == COUNTED_READINGS_PER_CHUNK {
            each(std::mem::replace(
                &mut chunk,
                Vec::with_capacity(COUNTED_READINGS_PER_CHUNK),
            ));
        }
    })?;
    if !chunk.is_empty() {
        each(chunk);
    }
    let batch_ids: BTreeSet<&str> = batches
        .iter()
        .map(|(_, batch_id, _)| batch_id.as_str())
        .collect();
    let indices = batch_log_indices(connection, batch_ids)?;
    let unstored = batches.iter().find(|(station, batch_id, _)| {
        !indices
            .get(station.as_str())
            .is_some_and(|batches| batches.contains_key(batch_id.as_str()))
    });
    match unstored {
        Some((station, batch_id, first)) => Err(batch_not_stored(*first, station, batch_id)),
        None => Ok(()),
    }
}

/// What counted before the index: every reading of the range, decided by the log indices
/// of its batch, of its successor's batch and of its invalidation.
pub(super) fn counted_before(
    connection: &mut AnyConnection,
    origins: &mut Origins,
    before: u64,
    (sections, start, end): (&[String], &str, &str),
) -> Result<Vec<CountedReading>, StoreError> {
    let logged = |index: Option<i64>| logged_before(Some(before), index);
    let candidates = candidates_in_period(connection, sections, start, end, false)?;
    let batch_indices = batch_log_indices(connection, batch_ids_of(&candidates))?;
    let logged_at = |reading: &Candidate| {
        batch_indices
            .get(reading.station.as_str())
            .and_then(|batches| batches.get(reading.batch_id.as_str()))
            .copied()
    };
    // Only a superseded reading needs its successor looked up; most periods have none.
    let by_id: HashMap<i64, &Candidate> = match candidates
        .iter()
        .any(|reading| reading.superseded_by.is_some())
    {
        true => candidates
            .iter()
            .map(|reading| (reading.id, reading))
            .collect(),
        false => HashMap::new(),
    };
    let mut counts = Vec::with_capacity(candidates.len());
    for reading in &candidates {
        if logged_at(reading).is_none() {
            return Err(batch_not_stored(
                reading.id,
                &reading.station,
                &reading.batch_id,
            ));
        }
        let recorded = logged(logged_at(reading));
        let superseded = reading.superseded_by.is_some_and(|successor| {
            by_id
                .get(&successor)
                .is_none_or(|next| logged(logged_at(next)))
        });
        let invalidated = reading.invalidated_at.is_some()
            && (reading.invalidated_log_index.is_none() || logged(reading.invalidated_log_index));
        counts.push(recorded && reading.status == "valid" && !superseded && !invalidated);
    }
    drop(by_id);
    let mut counted_readings = Vec::with_capacity(candidates.len());
    for (reading, counts) in candidates.into_iter().zip(counts) {
        if counts {
            remember_origin(origins, &reading);
            counted_readings.push(counted(reading));
        }
    }
    Ok(counted_readings)
}

/// Adds the reading's batch to the origins; `true` when it was not there yet.
fn remember_origin(origins: &mut Origins, reading: &Candidate) -> bool {
    let known = origins
        .get(reading.station.as_str())
        .is_some_and(|batches| batches.contains(reading.batch_id.as_str()));
    if !known {
        origins
            .entry(reading.station.clone())
            .or_default()
            .insert(reading.batch_id.clone());
    }
    !known
}

fn counted(reading: Candidate) -> CountedReading {
    CountedReading {
        id: reading.id,
        section: reading.section,
        sampled_at: reading.sampled_at,
        values_json: reading.values_json,
        flags_json: reading.flags_json,
    }
}

/// Every stored reading came in a stored batch; one without is not the ledger's.
fn batch_not_stored(reading: i64, station: &str, batch_id: &str) -> StoreError {
    StoreError::Integrity {
        what: format!("reading {reading}"),
        reason: format!("its batch {station}/{batch_id} is not stored"),
    }
}
