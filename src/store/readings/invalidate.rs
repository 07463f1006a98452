//! A bureau's word that a reading does not count: kept and shown, never counted again, with the
//! log index of the invalidation so that "what counted when" stays a query.

use basin_domain::Code;
use basin_ledger_core::entry::{Entry, ReadingInvalidated};
use diesel::prelude::*;

use super::queries::get_reading;
use crate::store::connection::AnyConnection;
use crate::store::error::StoreError;
use crate::store::log::{to_i64, LogWriter};
use crate::store::schema::readings;

/// Marks a reading invalid on a bureau's word; it is kept and shown, never counted again.
pub fn invalidate_reading(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    id: i64,
    jurisdiction: Option<&str>,
    reason: &str,
    at: &str,
) -> Result<u64, StoreError> {
    let reading = get_reading(connection, id)?;
    if let Some(when) = reading.invalidated_at {
        return Err(StoreError::Conflict(format!(
            "reading {id} was already invalidated at {when}"
        )));
    }
    diesel::update(readings::table.filter(readings::id.eq(id)))
        .set((
            readings::invalidated_at.eq(at),
            readings::invalidated_by.eq(jurisdiction.unwrap_or("admin")),
            readings::invalidation_reason.eq(reason),
        ))
        .execute(connection)?;
    let entry = Entry::ReadingInvalidated(ReadingInvalidated {
        reading_id: id,
        jurisdiction: jurisdiction
            .map(Code::parse)
            .transpose()
            .map_err(|error| StoreError::Corrupt(format!("jurisdiction code: {error}")))?,
        reason: reason.to_owned(),
    });
    let appended = log.append(connection, at, &entry)?;
    diesel::update(readings::table.filter(readings::id.eq(id)))
        .set(readings::invalidated_log_index.eq(to_i64(appended.index)?))
        .execute(connection)?;
    Ok(appended.index)
}
