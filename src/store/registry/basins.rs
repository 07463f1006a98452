//! Basins: a code and a name; sections belong to one.

use diesel::prelude::*;

use basin_ledger_core::entry::Entry;

use super::{as_body, get, list, log_created, require_new, select_codes, CodeKeyed, Codes};
use crate::model::registry::Basin;
use crate::store::connection::AnyConnection;
use crate::store::error::StoreError;
use crate::store::log::{Appended, LogWriter};
use crate::store::page::{Page, PageRequest};
use crate::store::schema::basins;

impl CodeKeyed for Basin {
    const WHAT: &'static str = "basin";

    fn load(connection: &mut AnyConnection, codes: Codes<'_>) -> Result<Vec<Self>, StoreError> {
        let query = select_codes!(
            basins::table.select((basins::code, basins::name, basins::created_at)),
            basins::code,
            codes
        );
        Ok(query
            .load::<(String, String, String)>(connection)?
            .into_iter()
            .map(|(code, name, created_at)| Basin {
                code,
                name,
                created_at,
            })
            .collect())
    }

    fn code(&self) -> &str {
        &self.code
    }
}

pub fn create_basin(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    basin: &Basin,
) -> Result<Appended, StoreError> {
    require_new::<Basin>(connection, &basin.code)?;
    diesel::insert_into(basins::table)
        .values((
            basins::code.eq(&basin.code),
            basins::name.eq(&basin.name),
            basins::created_at.eq(&basin.created_at),
        ))
        .execute(connection)?;
    log_created(
        connection,
        log,
        &basin.created_at,
        Entry::BasinCreated(as_body(basin)?),
    )
}

pub(super) fn basin_exists(connection: &mut AnyConnection, code: &str) -> Result<bool, StoreError> {
    let count: i64 = basins::table
        .filter(basins::code.eq(code))
        .count()
        .get_result(connection)?;
    Ok(count > 0)
}

pub fn get_basin(connection: &mut AnyConnection, code: &str) -> Result<Basin, StoreError> {
    get(connection, code)
}

pub fn list_basins(
    connection: &mut AnyConnection,
    request: &PageRequest<String>,
) -> Result<Page<Basin, String>, StoreError> {
    list(connection, request)
}
