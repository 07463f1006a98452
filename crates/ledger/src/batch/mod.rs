//! The rules a posted reading batch must pass (API.md "Readings"). The server applies them at
//! ingest and the auditor's replay applies them again to every logged batch body, so a batch
//! that the server accepted but the rules refuse is caught.

mod error;
mod reading;
mod text;
mod values;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Timelike, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::time::utc_text;

pub use error::{BatchErrors, FieldError, FieldPath, ReadingField};
pub use reading::{NewReading, ReadingStatus};
pub use text::{free_text_problem, TEXT_CHARACTERS_MAX};

/// Most readings accepted in one batch.
pub const READINGS_PER_BATCH_MAX: usize = 5_000;
/// How far ahead of the server's clock a sampling time may be (clock skew at stations).
pub const FUTURE_TOLERANCE_MINUTES: i64 = 10;

/// A batch body as posted (`POST /v1/readings`), before the rules.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchBody {
    pub batch_id: String,
    pub station: String,
    pub readings: Vec<ReadingBody>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadingBody {
    pub section: String,
    pub sampled_at: String,
    /// Parameter code → decimal as a JSON number or string; kept raw so the literal survives.
    pub values: BTreeMap<String, Box<RawValue>>,
    /// Parameter code → HJ 212 flag letter, for parameters with a value; kept raw so that a value
    /// of the wrong type is named by its own pointer.
    #[serde(default)]
    pub flags: Option<BTreeMap<String, Box<RawValue>>>,
    pub status: Option<String>,
    pub reason: Option<String>,
    pub revises: Option<i64>,
}

/// Applies every rule to a batch for the one section its station serves, at instant `now`.
/// All-or-nothing: either every reading is returned, or every offending field is named.
pub fn validate_batch(
    body: &BatchBody,
    station_section: &str,
    now: DateTime<Utc>,
) -> Result<Vec<NewReading>, BatchErrors> {
    let mut errors = BatchErrors::default();
    if let Err(error) = basin_domain::Code::parse(&body.batch_id) {
        errors.fail(
            FieldPath::BatchId,
            format!("code {error} (pattern ^[A-Za-z0-9][A-Za-z0-9._-]{{0,63}}$)"),
        );
    }
    if body.readings.is_empty() {
        errors.fail(FieldPath::Readings, "a batch needs at least one reading");
    }
    if body.readings.len() > READINGS_PER_BATCH_MAX {
        errors.fail(
            FieldPath::Readings,
            format!("a batch holds at most {READINGS_PER_BATCH_MAX} readings"),
        );
        return Err(errors);
    }
    let mut seen_instants: HashMap<String, usize> = HashMap::new();
    let mut readings = Vec::with_capacity(body.readings.len());
    for (position, reading) in body.readings.iter().enumerate() {
        let at = |field| FieldPath::Reading { position, field };
        if reading.section != station_section {
            errors.fail(
                at(ReadingField::Section),
                format!(
                    "station {} serves section {station_section}, not {:?}",
                    body.station, reading.section
                ),
            );
        }
        let sampled_at = sampled_at(
            &mut errors,
            at(ReadingField::SampledAt),
            &reading.sampled_at,
            now,
        );
        if let Some(instant) = &sampled_at {
            if let Some(first) = seen_instants.insert(instant.clone(), position) {
                errors.fail(
                    at(ReadingField::SampledAt),
                    format!("the same instant as /readings/{first}"),
                );
            }
        }
        let values_json = values::literal_values(&mut errors, position, &reading.values);
        let flags_json = values::literal_flags(&mut errors, position, reading);
        let status = match reading.status.as_deref() {
            None | Some("valid") => Some(ReadingStatus::Valid),
            Some("invalid") => Some(ReadingStatus::Invalid),
            Some(_) => {
                errors.fail(at(ReadingField::Status), "must be valid or invalid");
                None
            }
        };
        match &reading.reason {
            Some(reason) => {
                if let Some(problem) = free_text_problem(reason) {
                    errors.fail(at(ReadingField::Reason), problem);
                }
            }
            None if status == Some(ReadingStatus::Invalid) => errors.fail(
                at(ReadingField::Reason),
                "an invalid reading needs a reason",
            ),
            None if reading.revises.is_some() => {
                errors.fail(at(ReadingField::Reason), "a revision needs a reason")
            }
            None => {}
        }
        if reading.revises.is_some_and(|id| id <= 0) {
            errors.fail(
                at(ReadingField::Revises),
                "must be the id of a stored reading",
            );
        }
        if let (Some(sampled_at), Some(values_json), Some(flags_json), Some(status)) =
            (sampled_at, values_json, flags_json, status)
        {
            readings.push(NewReading {
                section: reading.section.clone(),
                sampled_at,
                values_json,
                flags_json,
                status,
                reason: reading.reason.clone(),
                revises: reading.revises,
            });
        }
    }
    errors.finish().map(|()| readings)
}

fn sampled_at(
    errors: &mut BatchErrors,
    path: FieldPath,
    text: &str,
    now: DateTime<Utc>,
) -> Option<String> {
    let Ok(instant) = DateTime::parse_from_rfc3339(text) else {
        errors.fail(
            path,
            "must be an RFC 3339 time with an offset, e.g. 2025-07-01T08:00:00+08:00",
        );
        return None;
    };
    if instant.nanosecond() != 0 {
        errors.fail(path, "must have whole seconds");
        return None;
    }
    let instant = instant.with_timezone(&Utc);
    if instant > now + Duration::minutes(FUTURE_TOLERANCE_MINUTES) {
        errors.fail(
            path,
            format!("is more than {FUTURE_TOLERANCE_MINUTES} minutes in the future"),
        );
        return None;
    }
    Some(utc_text(instant))
}

#[cfg(test)]
mod tests;

/// How a posted reading is recorded, or `None` when it would not pass the rules. The evidence
/// check compares stored rows with this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedForm {
    pub section: String,
    /// UTC `YYYY-MM-DDTHH:MM:SSZ`.
    pub sampled_at: String,
    /// Sorted literal values JSON, byte for byte as stored.
    pub values_json: String,
    /// Sorted flags JSON, or `None` without flags.
    pub flags_json: Option<String>,
}

pub fn recorded_form(reading: &ReadingBody) -> Option<RecordedForm> {
    let instant = DateTime::parse_from_rfc3339(&reading.sampled_at).ok()?;
    let mut ignored = BatchErrors::default();
    let values_json = values::literal_values(&mut ignored, 0, &reading.values)?;
    let flags_json = values::literal_flags(&mut ignored, 0, reading)?;
    Some(RecordedForm {
        section: reading.section.clone(),
        sampled_at: utc_text(instant.with_timezone(&Utc)),
        values_json,
        flags_json,
    })
}
