//! Sections: monitored river or lake cross-sections of a basin, between an upstream and a
//! downstream jurisdiction.

use diesel::prelude::*;

use super::basins::basin_exists;
use super::jurisdictions::require_jurisdiction;
use basin_ledger_core::entry::Entry;

use super::{as_body, find, get, list, log_created, require_new, select_codes, CodeKeyed, Codes};
use crate::model::registry::Section;
use crate::store::connection::AnyConnection;
use crate::store::error::{Field, StoreError};
use crate::store::log::{Appended, LogWriter};
use crate::store::page::{Page, PageRequest};
use crate::store::schema::sections;

type SectionRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
);

fn section_from_row(row: SectionRow) -> Section {
    let (
        code,
        name,
        basin,
        river,
        water_body,
        target_class,
        upstream,
        downstream,
        latitude,
        longitude,
        created_at,
    ) = row;
    Section {
        code,
        name,
        basin,
        river,
        water_body,
        target_class,
        upstream,
        downstream,
        latitude,
        longitude,
        created_at,
    }
}

impl CodeKeyed for Section {
    const WHAT: &'static str = "section";

    fn load(connection: &mut AnyConnection, codes: Codes<'_>) -> Result<Vec<Self>, StoreError> {
        let columns = (
            sections::code,
            sections::name,
            sections::basin,
            sections::river,
            sections::water_body,
            sections::target_class,
            sections::upstream,
            sections::downstream,
            sections::latitude,
            sections::longitude,
            sections::created_at,
        );
        let query = select_codes!(sections::table.select(columns), sections::code, codes);
        Ok(query
            .load::<SectionRow>(connection)?
            .into_iter()
            .map(section_from_row)
            .collect())
    }

    fn code(&self) -> &str {
        &self.code
    }
}

pub fn create_section(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    section: &Section,
) -> Result<Appended, StoreError> {
    require_new::<Section>(connection, &section.code)?;
    if !basin_exists(connection, &section.basin)? {
        return Err(StoreError::UnknownReference {
            field: Field::Basin,
            what: "basin",
            code: section.basin.clone(),
        });
    }
    require_jurisdiction(connection, Field::Upstream, &section.upstream)?;
    require_jurisdiction(connection, Field::Downstream, &section.downstream)?;
    diesel::insert_into(sections::table)
        .values((
            sections::code.eq(&section.code),
            sections::name.eq(&section.name),
            sections::basin.eq(&section.basin),
            sections::river.eq(&section.river),
            sections::water_body.eq(&section.water_body),
            sections::target_class.eq(&section.target_class),
            sections::upstream.eq(&section.upstream),
            sections::downstream.eq(&section.downstream),
            sections::latitude.eq(&section.latitude),
            sections::longitude.eq(&section.longitude),
            sections::created_at.eq(&section.created_at),
        ))
        .execute(connection)?;
    log_created(
        connection,
        log,
        &section.created_at,
        Entry::SectionCreated(as_body(section)?),
    )
}

pub fn find_section(
    connection: &mut AnyConnection,
    code: &str,
) -> Result<Option<Section>, StoreError> {
    find(connection, code)
}

pub fn get_section(connection: &mut AnyConnection, code: &str) -> Result<Section, StoreError> {
    get(connection, code)
}

pub fn list_sections(
    connection: &mut AnyConnection,
    request: &PageRequest<String>,
) -> Result<Page<Section, String>, StoreError> {
    list(connection, request)
}
