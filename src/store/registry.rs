//! Registry aggregate: jurisdictions (with bureau keys), basins, sections and stations.
//! Each create checks its references, inserts, and appends a `*.created` log entry in the
//! caller's write transaction.

use diesel::prelude::*;

use super::connection::AnyConnection;
use super::error::StoreError;
use super::log::{Appended, LogWriter};
use super::page::{finish_page, Page, PageRequest};
use super::schema::{basins, jurisdiction_keys, jurisdictions, sections, stations};
use crate::model::registry::{Basin, Jurisdiction, JurisdictionKey, Section, Station};
use basin_ledger_core::entry::{Entry, KeyChange};

/// The resource as its log body: the same fields, typed (a mismatch is a programming error
/// that the round-trip tests catch, reported as corruption rather than logged wrongly).
fn as_body<B: serde::de::DeserializeOwned>(resource: &impl serde::Serialize) -> Result<B, StoreError> {
    serde_json::to_value(resource)
        .and_then(B::deserialize)
        .map_err(|error| StoreError::Corrupt(format!("log body: {error}")))
}

/// A code the caller validated, typed for the log.
fn code(text: &str) -> Result<basin_domain::Code, StoreError> {
    basin_domain::Code::parse(text).map_err(|error| StoreError::Corrupt(format!("code {text:?}: {error}")))
}

fn log_created(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    time: &str,
    entry: Entry,
) -> Result<Appended, StoreError> {
    log.append(connection, time, &entry)
}

pub fn jurisdiction_exists(connection: &mut AnyConnection, code: &str) -> Result<bool, StoreError> {
    let count: i64 = jurisdictions::table
        .filter(jurisdictions::code.eq(code))
        .count()
        .get_result(connection)?;
    Ok(count > 0)
}

fn require_jurisdiction(
    connection: &mut AnyConnection,
    field: &str,
    code: &str,
) -> Result<(), StoreError> {
    if jurisdiction_exists(connection, code)? {
        Ok(())
    } else {
        Err(StoreError::UnknownReference {
            field: field.into(),
            what: "jurisdiction",
            code: code.into(),
        })
    }
}

pub fn create_jurisdiction(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    jurisdiction: &Jurisdiction,
) -> Result<Appended, StoreError> {
    if jurisdiction_exists(connection, &jurisdiction.code)? {
        return Err(StoreError::Duplicate {
            what: "jurisdiction",
            key: jurisdiction.code.clone(),
        });
    }
    if let Some(parent) = &jurisdiction.parent {
        require_jurisdiction(connection, "/parent", parent)?;
    }
    diesel::insert_into(jurisdictions::table)
        .values((
            jurisdictions::code.eq(&jurisdiction.code),
            jurisdictions::name.eq(&jurisdiction.name),
            jurisdictions::parent.eq(&jurisdiction.parent),
            jurisdictions::created_at.eq(&jurisdiction.created_at),
        ))
        .execute(connection)?;
    log_created(
        connection,
        log,
        &jurisdiction.created_at,
        Entry::JurisdictionCreated(as_body(jurisdiction)?),
    )
}

type JurisdictionRow = (String, String, Option<String>, String);

fn jurisdiction_from_row(
    connection: &mut AnyConnection,
    (code, name, parent, created_at): JurisdictionRow,
) -> Result<Jurisdiction, StoreError> {
    let keys = jurisdiction_keys::table
        .filter(jurisdiction_keys::jurisdiction.eq(&code))
        .order(jurisdiction_keys::added_at.asc())
        .then_order_by(jurisdiction_keys::key_id.asc())
        .select((
            jurisdiction_keys::key_id,
            jurisdiction_keys::public_key,
            jurisdiction_keys::added_at,
            jurisdiction_keys::retired_at,
        ))
        .load::<(String, String, String, Option<String>)>(connection)?
        .into_iter()
        .map(
            |(key_id, public_key, added_at, retired_at)| JurisdictionKey {
                key_id,
                public_key,
                added_at,
                retired_at,
            },
        )
        .collect();
    Ok(Jurisdiction {
        code,
        name,
        parent,
        keys,
        created_at,
    })
}

pub fn get_jurisdiction(
    connection: &mut AnyConnection,
    code: &str,
) -> Result<Jurisdiction, StoreError> {
    let row: JurisdictionRow = jurisdictions::table
        .filter(jurisdictions::code.eq(code))
        .select((
            jurisdictions::code,
            jurisdictions::name,
            jurisdictions::parent,
            jurisdictions::created_at,
        ))
        .first(connection)
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            what: "jurisdiction",
            key: code.into(),
        })?;
    jurisdiction_from_row(connection, row)
}

pub fn list_jurisdictions(
    connection: &mut AnyConnection,
    request: &PageRequest<String>,
) -> Result<Page<Jurisdiction, String>, StoreError> {
    let mut query = jurisdictions::table
        .select((
            jurisdictions::code,
            jurisdictions::name,
            jurisdictions::parent,
            jurisdictions::created_at,
        ))
        .order(jurisdictions::code.asc())
        .limit(request.fetch_count())
        .into_boxed();
    if let Some(after) = &request.after {
        query = query.filter(jurisdictions::code.gt(after.clone()));
    }
    let rows: Vec<JurisdictionRow> = query.load(connection)?;
    let items = rows
        .into_iter()
        .map(|row| jurisdiction_from_row(connection, row))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(finish_page(items, request.limit, |item| item.code.clone()))
}

/// A bureau key to register: already parsed and its key id computed by the caller.
pub struct NewKey<'a> {
    pub jurisdiction: &'a str,
    pub key_id: &'a str,
    pub public_key: &'a str,
    pub added_at: &'a str,
}

pub fn add_jurisdiction_key(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    key: &NewKey<'_>,
) -> Result<Appended, StoreError> {
    if !jurisdiction_exists(connection, key.jurisdiction)? {
        return Err(StoreError::NotFound {
            what: "jurisdiction",
            key: key.jurisdiction.into(),
        });
    }
    let existing: i64 = jurisdiction_keys::table
        .filter(jurisdiction_keys::jurisdiction.eq(key.jurisdiction))
        .filter(jurisdiction_keys::key_id.eq(key.key_id))
        .count()
        .get_result(connection)?;
    if existing > 0 {
        return Err(StoreError::Duplicate {
            what: "key",
            key: key.key_id.into(),
        });
    }
    diesel::insert_into(jurisdiction_keys::table)
        .values((
            jurisdiction_keys::jurisdiction.eq(key.jurisdiction),
            jurisdiction_keys::key_id.eq(key.key_id),
            jurisdiction_keys::public_key.eq(key.public_key),
            jurisdiction_keys::added_at.eq(key.added_at),
        ))
        .execute(connection)?;
    let entry = Entry::KeyAdded(KeyChange {
        owner: code(key.jurisdiction)?,
        key_id: key.key_id.to_owned(),
        public_key: key.public_key.to_owned(),
    });
    log.append(connection, key.added_at, &entry)
}

/// Retires a key: signatures it made stay valid, it cannot sign anything new.
pub fn retire_jurisdiction_key(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    jurisdiction: &str,
    key_id: &str,
    retired_at: &str,
) -> Result<Appended, StoreError> {
    let found: Option<(String, Option<String>)> = jurisdiction_keys::table
        .filter(jurisdiction_keys::jurisdiction.eq(jurisdiction))
        .filter(jurisdiction_keys::key_id.eq(key_id))
        .select((jurisdiction_keys::public_key, jurisdiction_keys::retired_at))
        .first(connection)
        .optional()?;
    let (public_key, already_retired) = found.ok_or_else(|| StoreError::NotFound {
        what: "key",
        key: format!("{jurisdiction}/{key_id}"),
    })?;
    if already_retired.is_some() {
        return Err(StoreError::Conflict(format!(
            "key {key_id} of {jurisdiction} is already retired"
        )));
    }
    diesel::update(
        jurisdiction_keys::table
            .filter(jurisdiction_keys::jurisdiction.eq(jurisdiction))
            .filter(jurisdiction_keys::key_id.eq(key_id)),
    )
    .set(jurisdiction_keys::retired_at.eq(retired_at))
    .execute(connection)?;
    let entry = Entry::KeyRetired(KeyChange {
        owner: code(jurisdiction)?,
        key_id: key_id.to_owned(),
        public_key,
    });
    log.append(connection, retired_at, &entry)
}

pub fn create_basin(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    basin: &Basin,
) -> Result<Appended, StoreError> {
    if basin_exists(connection, &basin.code)? {
        return Err(StoreError::Duplicate {
            what: "basin",
            key: basin.code.clone(),
        });
    }
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

fn basin_exists(connection: &mut AnyConnection, code: &str) -> Result<bool, StoreError> {
    let count: i64 = basins::table
        .filter(basins::code.eq(code))
        .count()
        .get_result(connection)?;
    Ok(count > 0)
}

pub fn get_basin(connection: &mut AnyConnection, code: &str) -> Result<Basin, StoreError> {
    basins::table
        .filter(basins::code.eq(code))
        .select((basins::code, basins::name, basins::created_at))
        .first::<(String, String, String)>(connection)
        .optional()?
        .map(|(code, name, created_at)| Basin {
            code,
            name,
            created_at,
        })
        .ok_or_else(|| StoreError::NotFound {
            what: "basin",
            key: code.into(),
        })
}

pub fn list_basins(
    connection: &mut AnyConnection,
    request: &PageRequest<String>,
) -> Result<Page<Basin, String>, StoreError> {
    let mut query = basins::table
        .select((basins::code, basins::name, basins::created_at))
        .order(basins::code.asc())
        .limit(request.fetch_count())
        .into_boxed();
    if let Some(after) = &request.after {
        query = query.filter(basins::code.gt(after.clone()));
    }
    let items = query
        .load::<(String, String, String)>(connection)?
        .into_iter()
        .map(|(code, name, created_at)| Basin {
            code,
            name,
            created_at,
        })
        .collect();
    Ok(finish_page(items, request.limit, |item: &Basin| {
        item.code.clone()
    }))
}

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

macro_rules! section_columns {
    () => {
        (
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
        )
    };
}

pub fn create_section(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    section: &Section,
) -> Result<Appended, StoreError> {
    let existing: i64 = sections::table
        .filter(sections::code.eq(&section.code))
        .count()
        .get_result(connection)?;
    if existing > 0 {
        return Err(StoreError::Duplicate {
            what: "section",
            key: section.code.clone(),
        });
    }
    if !basin_exists(connection, &section.basin)? {
        return Err(StoreError::UnknownReference {
            field: "/basin".into(),
            what: "basin",
            code: section.basin.clone(),
        });
    }
    require_jurisdiction(connection, "/upstream", &section.upstream)?;
    require_jurisdiction(connection, "/downstream", &section.downstream)?;
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
    Ok(sections::table
        .filter(sections::code.eq(code))
        .select(section_columns!())
        .first::<SectionRow>(connection)
        .optional()?
        .map(section_from_row))
}

pub fn get_section(connection: &mut AnyConnection, code: &str) -> Result<Section, StoreError> {
    find_section(connection, code)?.ok_or_else(|| StoreError::NotFound {
        what: "section",
        key: code.into(),
    })
}

pub fn list_sections(
    connection: &mut AnyConnection,
    request: &PageRequest<String>,
) -> Result<Page<Section, String>, StoreError> {
    let mut query = sections::table
        .select(section_columns!())
        .order(sections::code.asc())
        .limit(request.fetch_count())
        .into_boxed();
    if let Some(after) = &request.after {
        query = query.filter(sections::code.gt(after.clone()));
    }
    let items = query
        .load::<SectionRow>(connection)?
        .into_iter()
        .map(section_from_row)
        .collect();
    Ok(finish_page(items, request.limit, |item: &Section| {
        item.code.clone()
    }))
}

type StationRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
);

fn station_from_row((code, name, section, public_key, key_id, created_at): StationRow) -> Station {
    Station {
        code,
        name,
        section,
        public_key,
        key_id,
        created_at,
    }
}

pub fn create_station(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    station: &Station,
) -> Result<Appended, StoreError> {
    let existing: i64 = stations::table
        .filter(stations::code.eq(&station.code))
        .count()
        .get_result(connection)?;
    if existing > 0 {
        return Err(StoreError::Duplicate {
            what: "station",
            key: station.code.clone(),
        });
    }
    if find_section(connection, &station.section)?.is_none() {
        return Err(StoreError::UnknownReference {
            field: "/section".into(),
            what: "section",
            code: station.section.clone(),
        });
    }
    diesel::insert_into(stations::table)
        .values((
            stations::code.eq(&station.code),
            stations::name.eq(&station.name),
            stations::section.eq(&station.section),
            stations::public_key.eq(&station.public_key),
            stations::key_id.eq(&station.key_id),
            stations::created_at.eq(&station.created_at),
        ))
        .execute(connection)?;
    log_created(
        connection,
        log,
        &station.created_at,
        Entry::StationCreated(as_body(station)?),
    )
}

pub fn find_station(
    connection: &mut AnyConnection,
    code: &str,
) -> Result<Option<Station>, StoreError> {
    Ok(stations::table
        .filter(stations::code.eq(code))
        .select((
            stations::code,
            stations::name,
            stations::section,
            stations::public_key,
            stations::key_id,
            stations::created_at,
        ))
        .first::<StationRow>(connection)
        .optional()?
        .map(station_from_row))
}

pub fn get_station(connection: &mut AnyConnection, code: &str) -> Result<Station, StoreError> {
    find_station(connection, code)?.ok_or_else(|| StoreError::NotFound {
        what: "station",
        key: code.into(),
    })
}

pub fn list_stations(
    connection: &mut AnyConnection,
    request: &PageRequest<String>,
) -> Result<Page<Station, String>, StoreError> {
    let mut query = stations::table
        .select((
            stations::code,
            stations::name,
            stations::section,
            stations::public_key,
            stations::key_id,
            stations::created_at,
        ))
        .order(stations::code.asc())
        .limit(request.fetch_count())
        .into_boxed();
    if let Some(after) = &request.after {
        query = query.filter(stations::code.gt(after.clone()));
    }
    let items = query
        .load::<StationRow>(connection)?
        .into_iter()
        .map(station_from_row)
        .collect();
    Ok(finish_page(items, request.limit, |item: &Station| {
        item.code.clone()
    }))
}
