//! Stations: automatic monitoring stations at a section, optionally with the key that signs
//! their batches.

use diesel::prelude::*;

use super::sections::find_section;
use basin_ledger_core::entry::{Entry, StationCreated};

use super::station_keys::{keys_of_stations, StationKey};
use super::{
    find, get, list, log_created, logged_code, require_new, select_codes, CodeKeyed, Codes,
};
use crate::model::registry::Station;
use crate::store::connection::AnyConnection;
use crate::store::error::{Field, StoreError};
use crate::store::log::{Appended, LogWriter};
use crate::store::page::{Page, PageRequest};
use crate::store::schema::stations;

type StationRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
);

fn station_from_row(
    (code, name, section, public_key, key_id, created_at): StationRow,
    keys: Vec<StationKey>,
) -> Station {
    Station {
        code,
        name,
        section,
        public_key,
        key_id,
        keys,
        created_at,
    }
}

impl CodeKeyed for Station {
    const WHAT: &'static str = "station";

    fn load(connection: &mut AnyConnection, codes: Codes<'_>) -> Result<Vec<Self>, StoreError> {
        let columns = (
            stations::code,
            stations::name,
            stations::section,
            stations::public_key,
            stations::key_id,
            stations::created_at,
        );
        let query = select_codes!(stations::table.select(columns), stations::code, codes);
        let rows = query.load::<StationRow>(connection)?;
        let codes: Vec<&str> = rows.iter().map(|row| row.0.as_str()).collect();
        let mut keys = keys_of_stations(connection, &codes)?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let keys = keys.remove(&row.0).unwrap_or_default();
                station_from_row(row, keys)
            })
            .collect())
    }

    fn code(&self) -> &str {
        &self.code
    }
}

pub fn create_station(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    station: &Station,
) -> Result<Appended, StoreError> {
    require_new::<Station>(connection, &station.code)?;
    if find_section(connection, &station.section)?.is_none() {
        return Err(StoreError::UnknownReference {
            field: Field::Section,
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
    if let (Some(public_key), Some(key_id)) = (&station.public_key, &station.key_id) {
        super::station_keys::insert(
            connection,
            &station.code,
            key_id,
            public_key,
            &station.created_at,
        )?;
    }
    // The body is the station as registered: its key list is the log's `key.*` entries.
    let body = StationCreated {
        code: logged_code(&station.code)?,
        name: station.name.clone(),
        section: logged_code(&station.section)?,
        public_key: station.public_key.clone(),
        key_id: station.key_id.clone(),
        created_at: station.created_at.clone(),
    };
    log_created(
        connection,
        log,
        &station.created_at,
        Entry::StationCreated(body),
    )
}

pub fn find_station(
    connection: &mut AnyConnection,
    code: &str,
) -> Result<Option<Station>, StoreError> {
    find(connection, code)
}

pub fn get_station(connection: &mut AnyConnection, code: &str) -> Result<Station, StoreError> {
    get(connection, code)
}

pub fn list_stations(
    connection: &mut AnyConnection,
    request: &PageRequest<String>,
) -> Result<Page<Station, String>, StoreError> {
    list(connection, request)
}
