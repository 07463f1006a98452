//! `import cnemc`: the national publishing system's files → one reading batch per (file, station).
//! Duplicates are skipped, conflicts reported (or turned into revisions with `revise`), and a
//! re-import of the same file replays its batches and creates nothing.

use std::collections::{BTreeMap, HashMap};

use basin_cnemc::{ParseOptions, Row, RowStatus, StationMap};
use basin_domain::{MeasuredValue, ParameterCode};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::model::time::utc_text;
use crate::store::readings::{self, BatchOutcome, NewBatch, StoredReading};
use crate::store::{self, registry, AnyConnection, StoreError};
use basin_ledger_core::batch::{validate_batch, BatchBody};

/// The reason recorded on readings that a re-publication revises.
const REVISION_REASON: &str = "cnemc re-publication";

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub year: Option<i32>,
    /// Turn conflicts with stored readings into revisions instead of reporting them.
    pub revise: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LineProblem {
    pub line: usize,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub file_sha256: String,
    pub batch_id: String,
    pub rows_read: usize,
    pub rows_without_time: usize,
    pub invalid_rows: usize,
    pub readings_created: usize,
    pub revisions: usize,
    pub duplicates: usize,
    pub conflicts: usize,
    pub rejected: usize,
    /// Stations whose batch was already stored (a replay).
    pub replayed_stations: Vec<String>,
    pub conflict_lines: Vec<LineProblem>,
    pub rejected_lines: Vec<LineProblem>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file cannot be read: {0}")]
    File(#[from] basin_cnemc::FileError),
    #[error("the station map cannot be read: {0}")]
    Map(#[from] basin_cnemc::MapError),
    #[error("batch of station {station} was refused: {detail}")]
    Batch { station: String, detail: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A row ready to become a reading: values already checked one by one, so one bad row is a
/// reject with its line number and never sinks its station's whole batch.
struct Candidate {
    line: usize,
    sampled_at: String,
    values_json: String,
    status: &'static str,
    reason: Option<String>,
}

pub fn import_cnemc(
    connection: &mut AnyConnection,
    file: &[u8],
    map: &[u8],
    options: &ImportOptions,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportSummary, ImportError> {
    let parsed = basin_cnemc::parse_file(file, &ParseOptions { year: options.year })?;
    let map = StationMap::parse(map)?;
    let mut summary = ImportSummary {
        batch_id: basin_cnemc::batch_id(&parsed.sha256_hex),
        file_sha256: parsed.sha256_hex.clone(),
        rows_read: parsed.rows_read,
        rows_without_time: parsed.down_rows.len(),
        ..ImportSummary::default()
    };
    summary
        .rejected_lines
        .extend(parsed.rejects.iter().map(|reject| LineProblem {
            line: reject.line,
            reason: reject.reason.clone(),
        }));
    let mut by_station: BTreeMap<String, Vec<Candidate>> = BTreeMap::new();
    let mut station_sections: HashMap<String, Option<String>> = HashMap::new();
    for row in &parsed.rows {
        if !matches!(row.status, RowStatus::Valid) {
            summary.invalid_rows += 1;
        }
        match candidate(connection, &map, &mut station_sections, row, now)? {
            Ok((station, candidate)) => by_station.entry(station).or_default().push(candidate),
            Err(reason) => summary.rejected_lines.push(LineProblem {
                line: row.line,
                reason,
            }),
        }
    }
    let total = by_station.len();
    for (done, (station, candidates)) in by_station.into_iter().enumerate() {
        let section = station_sections
            .get(&station)
            .cloned()
            .flatten()
            .unwrap_or_default();
        import_station(
            connection,
            &station,
            &section,
            candidates,
            options,
            now,
            &mut summary,
        )?;
        progress(done + 1, total);
    }
    summary.rejected_lines.sort_by_key(|problem| problem.line);
    summary.conflict_lines.sort_by_key(|problem| problem.line);
    summary.rejected = summary.rejected_lines.len();
    summary.conflicts = summary.conflict_lines.len();
    Ok(summary)
}

fn candidate(
    connection: &mut AnyConnection,
    map: &StationMap,
    station_sections: &mut HashMap<String, Option<String>>,
    row: &Row,
    now: DateTime<Utc>,
) -> Result<Result<(String, Candidate), String>, StoreError> {
    let Some(station) = map.lookup(&row.province, &row.name) else {
        return Ok(Err(format!(
            "no station is mapped for {} {}",
            row.province, row.published_name
        )));
    };
    if basin_domain::Code::parse(station).is_err() {
        return Ok(Err(format!(
            "the station map gives {station:?} for {}, which is not a valid station code",
            row.published_name
        )));
    }
    if !station_sections.contains_key(station) {
        let section = registry::find_station(connection, station)?.map(|found| found.section);
        station_sections.insert(station.to_owned(), section);
    }
    if station_sections.get(station).is_none_or(Option::is_none) {
        return Ok(Err(format!(
            "station {station} (mapped from {}) is not registered",
            row.published_name
        )));
    }
    if row.sampled_at > now + Duration::minutes(10) {
        return Ok(Err(format!(
            "sampled at {} which is in the future",
            utc_text(row.sampled_at)
        )));
    }
    let mut values = BTreeMap::new();
    for (code, literal) in &row.values {
        let checked = ParameterCode::parse(code)
            .map_err(|_| format!("unknown parameter {code}"))
            .and_then(|parameter| {
                MeasuredValue::parse_for(parameter, literal)
                    .map_err(|error| format!("{code} {literal:?}: {error}"))
            });
        match checked {
            Ok(value) => {
                values.insert(*code, value.as_str().to_owned());
            }
            Err(reason) => return Ok(Err(reason)),
        }
    }
    if values.is_empty() {
        return Ok(Err("the row has a time but no measured value".to_owned()));
    }
    let (status, reason) = match &row.status {
        RowStatus::Valid => ("valid", None),
        RowStatus::Invalid { reason } => ("invalid", Some(reason.clone())),
    };
    let values_json =
        serde_json::to_string(&values).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    Ok(Ok((
        station.to_owned(),
        Candidate {
            line: row.line,
            sampled_at: utc_text(row.sampled_at),
            values_json,
            status,
            reason,
        },
    )))
}

fn same_content(candidate: &Candidate, stored: &StoredReading) -> bool {
    stored.values_json == candidate.values_json
        && stored.status == candidate.status
        && stored.reason == candidate.reason
}

fn import_station(
    connection: &mut AnyConnection,
    station: &str,
    section: &str,
    candidates: Vec<Candidate>,
    options: &ImportOptions,
    now: DateTime<Utc>,
    summary: &mut ImportSummary,
) -> Result<(), ImportError> {
    let (Some(first), Some(last)) = (
        candidates
            .iter()
            .map(|candidate| &candidate.sampled_at)
            .min(),
        candidates
            .iter()
            .map(|candidate| &candidate.sampled_at)
            .max(),
    ) else {
        return Ok(());
    };
    let stored: HashMap<String, StoredReading> =
        readings::current_readings_of_station(connection, station, first, last)?
            .into_iter()
            .map(|reading| (reading.sampled_at.clone(), reading))
            .collect();
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    let mut accepted: Vec<(Candidate, Option<i64>)> = Vec::new();
    for candidate in candidates {
        if let Some(&earlier) = first_seen.get(&candidate.sampled_at) {
            let (kept, _) = &accepted[earlier];
            if same_content(&candidate, &as_stored(kept)) {
                summary.duplicates += 1;
            } else {
                summary.conflict_lines.push(LineProblem {
                    line: candidate.line,
                    reason: format!(
                        "{station} at {}: differs from line {} of this file (first seen wins)",
                        candidate.sampled_at, kept.line
                    ),
                });
            }
            continue;
        }
        if let Some(existing) = stored.get(&candidate.sampled_at) {
            if same_content(&candidate, existing) {
                summary.duplicates += 1;
                continue;
            }
            if !options.revise {
                summary.conflict_lines.push(LineProblem {
                    line: candidate.line,
                    reason: format!("{station} at {}: differs from stored reading {} (import with --revise to revise it)", candidate.sampled_at, existing.id),
                });
                continue;
            }
            first_seen.insert(candidate.sampled_at.clone(), accepted.len());
            accepted.push((candidate, Some(existing.id)));
            continue;
        }
        first_seen.insert(candidate.sampled_at.clone(), accepted.len());
        accepted.push((candidate, None));
    }
    if readings::find_batch(connection, station, &summary.batch_id)?.is_some() {
        summary.replayed_stations.push(station.to_owned());
        return Ok(());
    }
    if accepted.is_empty() {
        return Ok(());
    }
    let body = batch_body(&summary.batch_id, station, section, &accepted)?;
    let request: BatchBody =
        serde_json::from_slice(&body).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    let new_readings =
        validate_batch(&request, section, now).map_err(|errors| ImportError::Batch {
            station: station.to_owned(),
            detail: errors.to_string(),
        })?;
    let revisions = accepted
        .iter()
        .filter(|(_, revises)| revises.is_some())
        .count();
    let received_at = utc_text(now);
    let body_sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&body));
    let outcome = store::write_transaction(connection, |connection, log| {
        readings::ingest_batch(
            connection,
            log,
            NewBatch {
                station,
                batch_id: &summary.batch_id,
                body: &body,
                body_sha256: &body_sha256,
                signature: None,
                key_id: None,
                received_at: &received_at,
                readings: new_readings,
            },
        )
    })?;
    match outcome {
        BatchOutcome::Created(receipt) => {
            summary.readings_created += receipt.accepted;
            summary.revisions += revisions;
        }
        BatchOutcome::Replayed(_) => summary.replayed_stations.push(station.to_owned()),
    }
    Ok(())
}

fn as_stored(candidate: &Candidate) -> StoredReading {
    StoredReading {
        id: 0,
        station: String::new(),
        section: String::new(),
        sampled_at: candidate.sampled_at.clone(),
        batch_id: String::new(),
        values_json: candidate.values_json.clone(),
        status: candidate.status.to_owned(),
        reason: candidate.reason.clone(),
        revises: None,
        superseded_by: None,
        invalidated_at: None,
        invalidated_by: None,
        invalidation_reason: None,
        invalidated_log_index: None,
    }
}

/// The batch exactly as a station would post it; its bytes are the stored evidence.
fn batch_body(
    batch_id: &str,
    station: &str,
    section: &str,
    accepted: &[(Candidate, Option<i64>)],
) -> Result<Vec<u8>, StoreError> {
    let readings: Vec<serde_json::Value> = accepted
        .iter()
        .map(|(candidate, revises)| {
            let values: serde_json::Value =
                serde_json::from_str(&candidate.values_json).unwrap_or_default();
            let mut reading = serde_json::json!({
                "section": section,
                "sampled_at": candidate.sampled_at,
                "values": values,
                "status": candidate.status,
            });
            let reason = match revises {
                Some(_) => Some(
                    candidate
                        .reason
                        .clone()
                        .map_or(REVISION_REASON.to_owned(), |reason| {
                            format!("{REVISION_REASON}; {reason}")
                        }),
                ),
                None => candidate.reason.clone(),
            };
            if let Some(reason) = reason {
                reading["reason"] = reason.into();
            }
            if let Some(revises) = revises {
                reading["revises"] = (*revises).into();
            }
            reading
        })
        .collect();
    serde_json::to_vec(
        &serde_json::json!({"batch_id": batch_id, "station": station, "readings": readings}),
    )
    .map_err(|error| StoreError::Corrupt(error.to_string()))
}
