//! Which stored readings count for a settlement: now, as the query selects them, handed on as
//! they are read; or before a log index, decided by the log indices of each reading's batch, of
//! its successor's batch and of its invalidation. Both keep the batches the counted readings
//! came in, whose evidence is read next.

use std::collections::{HashMap, HashSet};

use basin_ledger_core::settlement::inputs::{CountedReading, COUNTED_READINGS_PER_CHUNK};

use super::super::connection::AnyConnection;
use super::super::error::StoreError;
use super::candidates::{
    batch_ids_of, batch_log_indices, candidates_in_period, for_each_candidate, Candidate,
};

/// The batches counted readings came in, each once.
#[derive(Debug, Default)]
pub(super) struct Origins {
    /// station → batch ids
    known: HashMap<String, HashSet<String>>,
    /// In the order their first readings were counted.
    in_order: Vec<Origin>,
}

#[derive(Debug)]
pub(super) struct Origin {
    pub station: String,
    pub batch_id: String,
    /// The first counted reading that came in it, which names the batch if it is not stored.
    pub first_reading: i64,
}

impl Origins {
    pub fn contains(&self, station: &str, batch_id: &str) -> bool {
        self.known
            .get(station)
            .is_some_and(|batches| batches.contains(batch_id))
    }

    pub fn in_order(&self) -> &[Origin] {
        &self.in_order
    }

    pub fn clear(&mut self) {
        self.known.clear();
        self.in_order.clear();
    }

    /// Adds the reading's batch unless it is there already.
    fn remember(&mut self, reading: &Candidate) {
        if !self.contains(&reading.station, &reading.batch_id) {
            self.known
                .entry(reading.station.clone())
                .or_default()
                .insert(reading.batch_id.clone());
            self.in_order.push(Origin {
                station: reading.station.clone(),
                batch_id: reading.batch_id.clone(),
                first_reading: reading.id,
            });
        }
    }
}

/// Whether something logged at `index` was in the log before `before` (`None`: now, so yes).
pub(super) fn logged_before(before: Option<u64>, index: Option<i64>) -> bool {
    match (before, index.and_then(|index| u64::try_from(index).ok())) {
        (None, _) => true,
        (Some(before), Some(index)) => index < before,
        (Some(_), None) => false,
    }
}

/// What counts now is what the query selects: each row is handed on as it is read. Whether
/// every batch they came in is stored is checked as the batches are read as evidence.
pub(super) fn counted_now(
    connection: &mut AnyConnection,
    origins: &mut Origins,
    sections: &[String],
    start: &str,
    end: &str,
    each: &mut dyn FnMut(Vec<CountedReading>),
) -> Result<(), StoreError> {
    let mut chunk = Vec::with_capacity(COUNTED_READINGS_PER_CHUNK);
    for_each_candidate(connection, sections, start, end, true, |reading| {
        // Readings come in runs of one batch: the repeats skip the lookup.
        let same_as_last = origins.in_order().last().is_some_and(|last| {
            last.batch_id == reading.batch_id && last.station == reading.station
        });
        if !same_as_last {
            origins.remember(&reading);
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
    Ok(())
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
            origins.remember(&reading);
            counted_readings.push(counted(reading));
        }
    }
    Ok(counted_readings)
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
pub(super) fn batch_not_stored(reading: i64, station: &str, batch_id: &str) -> StoreError {
    StoreError::Integrity {
        what: format!("reading {reading}"),
        reason: format!("its batch {station}/{batch_id} is not stored"),
    }
}
