//! Turning a posted batch into readings to store: every rule of the contract, each failure
//! reported with the JSON Pointer of the offending field.

use std::collections::{BTreeMap, HashMap};

use basin_domain::{MeasuredValue, ParameterCode};
use chrono::{DateTime, Duration, Timelike, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;
use utoipa::ToSchema;

use crate::api::checks::Checks;
use crate::api::problem::ApiError;
use crate::api::schemas::{
    MeasuredValueInput, ParameterName, ReadingStatus as ReadingStatusSchema,
};
use crate::model::time::utc_text;
use crate::store::readings::{NewReading, ReadingStatus};

/// Most readings accepted in one batch.
pub const READINGS_PER_BATCH_MAX: usize = 5_000;
/// How far ahead of the server's clock a sampling time may be (clock skew at stations).
const FUTURE_TOLERANCE_MINUTES: i64 = 10;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadingBatchRequest {
    /// Unique per station; a retry with the same bytes returns the first response.
    #[schema(
        pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
        example = "GBK-20250701-0800"
    )]
    pub batch_id: String,
    #[schema(
        pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
        example = "gubeikou-auto"
    )]
    pub station: String,
    #[schema(min_items = 1, max_items = 5000)]
    pub readings: Vec<ReadingRequest>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadingRequest {
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", example = "gubeikou")]
    pub section: String,
    /// RFC 3339 with an offset and whole seconds.
    #[schema(
        format = DateTime, pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$",
        example = "2025-07-01T08:00:00+08:00"
    )]
    pub sampled_at: String,
    /// Parameter code (GB 3838 table) → decimal as a JSON number or string, at most 6 decimals.
    #[schema(value_type = BTreeMap<ParameterName, MeasuredValueInput>, example = json!({"ph": 7.62, "do": "7.51", "nh3n": 0.27}))]
    pub values: BTreeMap<String, Box<RawValue>>,
    /// `valid` (default) or `invalid` (needs a reason).
    #[schema(value_type = Option<ReadingStatusSchema>)]
    pub status: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub reason: Option<String>,
    /// The id of the reading of this station and instant that this one corrects (needs a reason).
    #[schema(minimum = 1)]
    pub revises: Option<i64>,
}

/// Validates the batch for `station_section` (the one section the station serves).
pub fn validate_batch(
    request: &ReadingBatchRequest,
    station_section: &str,
    now: DateTime<Utc>,
) -> Result<Vec<NewReading>, ApiError> {
    let mut checks = Checks::default();
    checks.code("/batch_id", &request.batch_id);
    if request.readings.is_empty() {
        checks.fail("/readings", "a batch needs at least one reading");
    }
    if request.readings.len() > READINGS_PER_BATCH_MAX {
        checks.fail(
            "/readings",
            format!("a batch holds at most {READINGS_PER_BATCH_MAX} readings"),
        );
        return checks.finish().map(|()| Vec::new());
    }
    let mut seen_instants: HashMap<String, usize> = HashMap::new();
    let mut readings = Vec::with_capacity(request.readings.len());
    for (position, reading) in request.readings.iter().enumerate() {
        let pointer = format!("/readings/{position}");
        if reading.section != station_section {
            checks.fail(
                &format!("{pointer}/section"),
                format!(
                    "station {} serves section {station_section}, not {:?}",
                    request.station, reading.section
                ),
            );
        }
        let sampled_at = sampled_at(
            &mut checks,
            &format!("{pointer}/sampled_at"),
            &reading.sampled_at,
            now,
        );
        if let Some(instant) = &sampled_at {
            if let Some(first) = seen_instants.insert(instant.clone(), position) {
                checks.fail(
                    &format!("{pointer}/sampled_at"),
                    format!("the same instant as /readings/{first}"),
                );
            }
        }
        let values_json = values(&mut checks, &format!("{pointer}/values"), &reading.values);
        let status = match reading.status.as_deref() {
            None | Some("valid") => Some(ReadingStatus::Valid),
            Some("invalid") => Some(ReadingStatus::Invalid),
            Some(_) => {
                checks.fail(&format!("{pointer}/status"), "must be valid or invalid");
                None
            }
        };
        match &reading.reason {
            Some(reason) => checks.text(&format!("{pointer}/reason"), reason),
            None if status == Some(ReadingStatus::Invalid) => checks.fail(
                &format!("{pointer}/reason"),
                "an invalid reading needs a reason",
            ),
            None if reading.revises.is_some() => {
                checks.fail(&format!("{pointer}/reason"), "a revision needs a reason")
            }
            None => {}
        }
        if reading.revises.is_some_and(|id| id <= 0) {
            checks.fail(
                &format!("{pointer}/revises"),
                "must be the id of a stored reading",
            );
        }
        if let (Some(sampled_at), Some(values_json), Some(status)) =
            (sampled_at, values_json, status)
        {
            readings.push(NewReading {
                section: reading.section.clone(),
                sampled_at,
                values_json,
                status,
                reason: reading.reason.clone(),
                revises: reading.revises,
            });
        }
    }
    checks.finish().map(|()| readings)
}

fn sampled_at(
    checks: &mut Checks,
    pointer: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Option<String> {
    let Ok(instant) = DateTime::parse_from_rfc3339(text) else {
        checks.fail(
            pointer,
            "must be an RFC 3339 time with an offset, e.g. 2025-07-01T08:00:00+08:00",
        );
        return None;
    };
    if instant.nanosecond() != 0 {
        checks.fail(pointer, "must have whole seconds");
        return None;
    }
    let instant = instant.with_timezone(&Utc);
    if instant > now + Duration::minutes(FUTURE_TOLERANCE_MINUTES) {
        checks.fail(
            pointer,
            format!("is more than {FUTURE_TOLERANCE_MINUTES} minutes in the future"),
        );
        return None;
    }
    Some(utc_text(instant))
}

/// Values as a JSON object of code → the literal text sent, keys sorted.
fn values(
    checks: &mut Checks,
    pointer: &str,
    values: &BTreeMap<String, Box<RawValue>>,
) -> Option<String> {
    if values.is_empty() {
        checks.fail(pointer, "a reading needs at least one value");
        return None;
    }
    let mut literals = BTreeMap::new();
    let mut ok = true;
    for (code, raw) in values {
        let field = format!("{pointer}/{}", crate::api::json::escape_pointer_token(code));
        let Ok(parameter) = ParameterCode::parse(code) else {
            checks.fail(&field, format!("unknown parameter {code:?} (see GB 3838-2002 codes: ph, do, codmn, nh3n, tp, tn, …)"));
            ok = false;
            continue;
        };
        let literal = match raw.get().strip_prefix('"') {
            Some(_) => match serde_json::from_str::<String>(raw.get()) {
                Ok(text) => text,
                Err(_) => raw.get().to_owned(),
            },
            None => raw.get().to_owned(),
        };
        match MeasuredValue::parse_for(parameter, &literal) {
            Ok(value) => {
                literals.insert(parameter.as_str(), value.as_str().to_owned());
            }
            Err(error) => {
                checks.fail(&field, error.to_string());
                ok = false;
            }
        }
    }
    if !ok {
        return None;
    }
    serde_json::to_string(&literals).ok()
}
