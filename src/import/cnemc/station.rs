//! One station's candidates → at most one reading batch: duplicates skipped, conflicts
//! reported (or revisions with `revise`), the batch validated by the ledger core's rules and
//! ingested through the ordinary path, so a re-import replays instead of creating.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::candidate::Candidate;
use super::report::{ImportError, ImportOptions, ImportSummary, LineProblem};
use crate::model::time::utc_text;
use crate::store::readings::{self, BatchOutcome, NewBatch, StoredReading};
use crate::store::{self, AnyConnection, StoreError};
use basin_ledger_core::batch::{validate_batch, BatchBody};

/// The reason recorded on readings that a re-publication revises.
const REVISION_REASON: &str = "cnemc re-publication";

pub(super) fn import_station(
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
            if candidate.matches(kept) {
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
            if candidate.matches_stored(existing) {
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
            // The candidate's values were serialised from a map a moment ago, so failing to
            // read them back is a bug; it is reported, never replaced by an empty object.
            let values: serde_json::Value = serde_json::from_str(&candidate.values_json)
                .map_err(|error| StoreError::Corrupt(error.to_string()))?;
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
            if let Some(flags_json) = &candidate.flags_json {
                reading["flags"] = serde_json::from_str(flags_json)
                    .map_err(|error| StoreError::Corrupt(error.to_string()))?;
            }
            Ok(reading)
        })
        .collect::<Result<_, StoreError>>()?;
    serde_json::to_vec(
        &serde_json::json!({"batch_id": batch_id, "station": station, "readings": readings}),
    )
    .map_err(|error| StoreError::Corrupt(error.to_string()))
}
