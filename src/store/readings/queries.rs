//! Reading readings back: a section's page, a period's readings, one by id, a station's current
//! ones, and every one (for export).

use diesel::prelude::*;

use super::{reading_columns, ReadingStatus, StoredReading};
use crate::store::connection::AnyConnection;
use crate::store::error::StoreError;
use crate::store::page::{finish_page, Page, PageRequest};
use crate::store::schema::readings;

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
            let value = basin_domain::ValueLiteral::parse_for(parameter, &literal)
                .map_err(|error| corrupt(format!("{code} {literal:?}: {error}")))?;
            values.insert(parameter, value.measured());
        }
        let letters: std::collections::BTreeMap<String, String> = match &self.flags_json {
            None => Default::default(),
            Some(text) => {
                serde_json::from_str(text).map_err(|error| corrupt(format!("flags: {error}")))?
            }
        };
        let mut flags = std::collections::BTreeMap::new();
        for (code, letter) in letters {
            let parameter = basin_domain::ParameterCode::parse(&code)
                .map_err(|_| corrupt(format!("flag parameter {code}")))?;
            let flag = basin_domain::ValueFlag::parse(&letter)
                .map_err(|error| corrupt(format!("flag of {code} {letter:?}: {error}")))?;
            flags.insert(parameter, flag);
        }
        let sampled_at = chrono::DateTime::parse_from_rfc3339(&self.sampled_at)
            .map_err(|error| corrupt(format!("sampled_at: {error}")))?
            .with_timezone(&chrono::Utc);
        Ok(basin_domain::statistics::ReadingForStatistics {
            id: self.id,
            sampled_at,
            values,
            flags,
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
