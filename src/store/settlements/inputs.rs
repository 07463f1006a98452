//! The store as an input source for the ledger core's one settlement-input path: now (issuing,
//! previews) or as of a log index (the verification endpoint: what counted when a settlement was
//! issued is a query, not a replay). Every counted reading is checked against the batch that
//! recorded it, so an altered row is reported by reading id, never used.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use basin_domain::quality::SectionFacts;
use basin_domain::{Code, Period};
use basin_ledger_core::entry::{AgreementVersionLogged, Entry, ReadingsBatchLogged};
use basin_ledger_core::settlement::evidence::LoggedBatch;
use basin_ledger_core::settlement::inputs::{add_logged_version, CountedReading, InputSource};
use diesel::prelude::*;

use super::super::agreements::basin_section_facts;
use super::super::connection::AnyConnection;
use super::super::error::StoreError;
use super::super::log::entries::typed_entries;
use super::super::schema::{agreement_versions, reading_batches};
use super::candidates::{batch_log_indices, candidates_in_period, Candidate, IN_LIST_MAX};
use crate::model::time::utc_text;

pub struct StoreInputs<'c> {
    connection: &'c mut AnyConnection,
    /// Only what the log held before this index counts; `None` is now.
    before_index: Option<u64>,
    /// The batches the counted readings came in: station → batch ids.
    origins: HashMap<String, HashSet<String>>,
}

impl<'c> StoreInputs<'c> {
    pub fn now(connection: &'c mut AnyConnection) -> Self {
        Self {
            connection,
            before_index: None,
            origins: HashMap::new(),
        }
    }

    pub fn before(connection: &'c mut AnyConnection, index: u64) -> Self {
        Self {
            connection,
            before_index: Some(index),
            origins: HashMap::new(),
        }
    }

    fn logged_before(&self, index: Option<i64>) -> bool {
        match (
            self.before_index,
            index.and_then(|index| u64::try_from(index).ok()),
        ) {
            (None, _) => true,
            (Some(before), Some(index)) => index < before,
            (Some(_), None) => false,
        }
    }
}

impl InputSource for StoreInputs<'_> {
    type Error = StoreError;

    /// From the versions' own log entries, so the ranges are the log's (as cut by `ends`).
    fn agreement_versions(
        &mut self,
        agreement: &Code,
    ) -> Result<Vec<AgreementVersionLogged>, StoreError> {
        let indices: Vec<i64> = agreement_versions::table
            .filter(agreement_versions::agreement.eq(agreement.as_str()))
            .order(agreement_versions::version.asc())
            .select(agreement_versions::log_index)
            .load(self.connection)?;
        let indices: Vec<u64> = indices
            .into_iter()
            .filter(|index| self.logged_before(Some(*index)))
            .map(|index| {
                u64::try_from(index).map_err(|_| StoreError::Corrupt(format!("log index {index}")))
            })
            .collect::<Result<_, _>>()?;
        let mut versions = Vec::new();
        for typed in typed_entries(self.connection, &indices)? {
            match typed.entry {
                Entry::AgreementVersion(version) if version.agreement == *agreement => {
                    add_logged_version(&mut versions, version)
                }
                other => return Err(integrity_of_entry(typed.index, other.kind())),
            }
        }
        Ok(versions)
    }

    fn section_facts(&mut self, basin: &Code) -> Result<BTreeMap<Code, SectionFacts>, StoreError> {
        basin_section_facts(self.connection, basin.as_str())
    }

    fn counted_readings(
        &mut self,
        sections: &[Code],
        period: Period,
    ) -> Result<Vec<CountedReading>, StoreError> {
        let sections: Vec<String> = sections
            .iter()
            .map(|code| code.as_str().to_owned())
            .collect();
        let start = utc_text(period.start_utc());
        let end = utc_text(period.end_utc());
        let candidates = candidates_in_period(
            self.connection,
            &sections,
            &start,
            &end,
            self.before_index.is_none(),
        )?;
        let batch_indices = batch_log_indices(self.connection, &candidates)?;
        self.origins.clear();
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
            // Every stored reading came in a stored batch; one without is not the ledger's.
            if logged_at(reading).is_none() {
                return Err(StoreError::Integrity {
                    what: format!("reading {}", reading.id),
                    reason: format!(
                        "its batch {}/{} is not stored",
                        reading.station, reading.batch_id
                    ),
                });
            }
            let recorded = self.logged_before(logged_at(reading));
            let superseded = reading.superseded_by.is_some_and(|successor| {
                by_id
                    .get(&successor)
                    .is_none_or(|next| self.logged_before(logged_at(next)))
            });
            let invalidated = reading.invalidated_at.is_some()
                && (reading.invalidated_log_index.is_none()
                    || self.logged_before(reading.invalidated_log_index));
            counts.push(recorded && reading.status == "valid" && !superseded && !invalidated);
        }
        drop(by_id);
        let mut counted = Vec::with_capacity(candidates.len());
        for (reading, counts) in candidates.into_iter().zip(counts) {
            if !counts {
                continue;
            }
            let known = self
                .origins
                .get(reading.station.as_str())
                .is_some_and(|batches| batches.contains(reading.batch_id.as_str()));
            if !known {
                self.origins
                    .entry(reading.station.clone())
                    .or_default()
                    .insert(reading.batch_id.clone());
            }
            counted.push(CountedReading {
                id: reading.id,
                section: reading.section,
                sampled_at: reading.sampled_at,
                values_json: reading.values_json,
                flags_json: reading.flags_json,
            });
        }
        Ok(counted)
    }

    fn evidence_of(
        &mut self,
        // The readings are those the last `counted_readings` returned, whose batches it kept.
        _readings: &[CountedReading],
    ) -> Result<Option<Vec<LoggedBatch>>, StoreError> {
        let wanted = &self.origins;
        let batch_ids: BTreeSet<&str> = wanted.values().flatten().map(String::as_str).collect();
        let mut rows: Vec<(String, String, Vec<u8>, i64)> = Vec::new();
        for chunk in batch_ids
            .into_iter()
            .collect::<Vec<_>>()
            .chunks(IN_LIST_MAX)
        {
            rows.extend(
                reading_batches::table
                    .filter(reading_batches::batch_id.eq_any(chunk))
                    .select((
                        reading_batches::station,
                        reading_batches::batch_id,
                        reading_batches::body,
                        reading_batches::log_index,
                    ))
                    .load::<(String, String, Vec<u8>, i64)>(self.connection)?
                    .into_iter()
                    .filter(|(station, batch_id, _, _)| {
                        wanted
                            .get(station)
                            .is_some_and(|batches| batches.contains(batch_id))
                    }),
            );
        }
        let indices = rows
            .iter()
            .map(|(_, _, _, index)| {
                u64::try_from(*index).map_err(|_| StoreError::Corrupt(format!("log index {index}")))
            })
            .collect::<Result<Vec<u64>, _>>()?;
        let mut entries: HashMap<u64, ReadingsBatchLogged> = HashMap::new();
        for typed in typed_entries(self.connection, &indices)? {
            match typed.entry {
                Entry::ReadingsBatch(batch) => {
                    entries.insert(typed.index, batch);
                }
                other => return Err(integrity_of_entry(typed.index, other.kind())),
            }
        }
        let mut batches = Vec::with_capacity(rows.len());
        for (station, batch_id, body, index) in rows {
            let entry = u64::try_from(index)
                .ok()
                .and_then(|index| entries.remove(&index));
            match entry {
                Some(entry) if entry.station.as_str() == station && entry.batch_id == batch_id => {
                    batches.push(LoggedBatch { entry, body })
                }
                _ => {
                    return Err(StoreError::Integrity {
                        what: format!("batch {station}/{batch_id}"),
                        reason: format!("log entry {index} is not its readings.batch entry"),
                    })
                }
            }
        }
        Ok(Some(batches))
    }
}

fn integrity_of_entry(index: u64, kind: &str) -> StoreError {
    StoreError::Integrity {
        what: format!("log entry {index}"),
        reason: format!("a {kind} entry where another kind was referenced"),
    }
}
