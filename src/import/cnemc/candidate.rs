//! One published row → a candidate reading, or the reason it is rejected: a mapped, registered
//! station, a time not in the future, and every value valid for its parameter.

use std::collections::{BTreeMap, HashMap};

use basin_cnemc::{Row, RowStatus, StationMap};
use basin_domain::{MeasuredValue, ParameterCode};
use chrono::{DateTime, Duration, Utc};

use crate::model::time::utc_text;
use crate::store::readings::StoredReading;
use crate::store::{registry, AnyConnection, StoreError};

/// A row ready to become a reading: values already checked one by one, so one bad row is a
/// reject with its line number and never sinks its station's whole batch.
pub(super) struct Candidate {
    pub(super) line: usize,
    pub(super) sampled_at: String,
    pub(super) values_json: String,
    /// Every value's HJ 212 flag (维护 → M, 停站 → F) as a JSON object, or `None`.
    pub(super) flags_json: Option<String>,
    pub(super) status: &'static str,
    pub(super) reason: Option<String>,
}

impl Candidate {
    /// Same values, status and reason as a stored reading: a duplicate, not a conflict.
    pub(super) fn matches_stored(&self, stored: &StoredReading) -> bool {
        stored.values_json == self.values_json
            && stored.flags_json == self.flags_json
            && stored.status == self.status
            && stored.reason == self.reason
    }

    /// Same values, status and reason as an earlier row of the same file.
    pub(super) fn matches(&self, earlier: &Candidate) -> bool {
        earlier.values_json == self.values_json
            && earlier.flags_json == self.flags_json
            && earlier.status == self.status
            && earlier.reason == self.reason
    }
}

pub(super) fn candidate(
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
    let flags_json = row
        .status
        .value_flag()
        .map(|flag| {
            let flags: BTreeMap<&str, &str> =
                values.keys().map(|code| (*code, flag.as_str())).collect();
            serde_json::to_string(&flags)
        })
        .transpose()
        .map_err(|error| StoreError::Corrupt(error.to_string()))?;
    Ok(Ok((
        station.to_owned(),
        Candidate {
            line: row.line,
            sampled_at: utc_text(row.sampled_at),
            values_json,
            flags_json,
            status,
            reason,
        },
    )))
}
