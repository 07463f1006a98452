//! Registry aggregate: jurisdictions (with bureau keys), basins, sections and stations, a file
//! each. Each create checks its references, inserts, and appends a `*.created` log entry in the
//! caller's write transaction. Reading by code (one, or a page in code order) goes through one
//! generic helper, [`CodeKeyed`], so each resource only says how to select and build its rows.

mod basins;
mod jurisdictions;
mod sections;
mod station_keys;
mod stations;

pub use basins::{create_basin, get_basin, list_basins};
pub use jurisdictions::{
    add_jurisdiction_key, create_jurisdiction, get_jurisdiction, jurisdiction_exists,
    list_jurisdictions, retire_jurisdiction_key, NewKey,
};
pub use sections::{create_section, find_section, get_section, list_sections};
pub use station_keys::{add_station_key, retire_station_key, station_keys, StationKey};
pub use stations::{create_station, find_station, get_station, list_stations};

use basin_ledger_core::entry::Entry;

use super::connection::AnyConnection;
use super::error::StoreError;
use super::log::{Appended, LogWriter};
use super::page::{finish_page, Page, PageRequest};

/// Which rows of a code-keyed table to load.
#[derive(Debug, Clone, Copy)]
enum Codes<'a> {
    /// The row with this code, if any.
    Exactly(&'a str),
    /// Up to `count` rows in code order, strictly after `after` when given: one page.
    Page { after: Option<&'a str>, count: i64 },
}

/// A registry resource identified by its code.
trait CodeKeyed: Sized {
    /// The resource's name in errors ("basin").
    const WHAT: &'static str;
    /// Loads the rows `codes` asks for, in code order (through [`select_codes!`]).
    fn load(connection: &mut AnyConnection, codes: Codes<'_>) -> Result<Vec<Self>, StoreError>;
    fn code(&self) -> &str;
}

/// Applies [`Codes`] to a select on a table with a text `code` column: the one query shape of
/// every code-keyed read. One code needs no `LIMIT` (it is the primary key), and leaving it out
/// matters: SQLite re-prepares a statement whose `LIMIT` is a bound parameter on every
/// execution, which made the station lookup of every ingested batch compile its SQL again.
macro_rules! select_codes {
    ($query:expr, $code:expr, $codes:expr) => {{
        let query = $query.order($code.asc()).into_boxed();
        match $codes {
            Codes::Exactly(code) => query.filter($code.eq(code)),
            Codes::Page { after, count } => match after {
                Some(after) => query.filter($code.gt(after)).limit(count),
                None => query.limit(count),
            },
        }
    }};
}
use select_codes;

fn find<T: CodeKeyed>(connection: &mut AnyConnection, code: &str) -> Result<Option<T>, StoreError> {
    Ok(T::load(connection, Codes::Exactly(code))?
        .into_iter()
        .next())
}

fn get<T: CodeKeyed>(connection: &mut AnyConnection, code: &str) -> Result<T, StoreError> {
    find(connection, code)?.ok_or_else(|| StoreError::NotFound {
        what: T::WHAT,
        key: code.into(),
    })
}

fn list<T: CodeKeyed>(
    connection: &mut AnyConnection,
    request: &PageRequest<String>,
) -> Result<Page<T, String>, StoreError> {
    let codes = Codes::Page {
        after: request.after.as_deref(),
        count: request.fetch_count(),
    };
    let items = T::load(connection, codes)?;
    Ok(finish_page(items, request.limit, |item| {
        item.code().to_owned()
    }))
}

/// Refuses a create whose code is taken.
fn require_new<T: CodeKeyed>(connection: &mut AnyConnection, code: &str) -> Result<(), StoreError> {
    match find::<T>(connection, code)? {
        Some(_) => Err(StoreError::Duplicate {
            what: T::WHAT,
            key: code.into(),
        }),
        None => Ok(()),
    }
}

fn log_created(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    time: &str,
    entry: Entry,
) -> Result<Appended, StoreError> {
    log.append(connection, time, &entry)
}

/// The resource as its log body: the same fields, typed (a mismatch is a programming error
/// that the round-trip tests catch, reported as corruption rather than logged wrongly).
fn as_body<B: serde::de::DeserializeOwned>(
    resource: &impl serde::Serialize,
) -> Result<B, StoreError> {
    serde_json::to_value(resource)
        .and_then(B::deserialize)
        .map_err(|error| StoreError::Corrupt(format!("log body: {error}")))
}

/// A code the caller validated, typed for the log.
fn logged_code(text: &str) -> Result<basin_domain::Code, StoreError> {
    basin_domain::Code::parse(text)
        .map_err(|error| StoreError::Corrupt(format!("code {text:?}: {error}")))
}
