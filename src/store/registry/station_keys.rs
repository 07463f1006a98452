//! A station's keys (API.md "Keys and rotation"): like a jurisdiction's bureau keys, added and
//! retired with `key.added` / `key.retired` log entries whose owner is the station. A batch is
//! accepted when any key of the station active at receipt verifies it.

use std::collections::HashMap;

use diesel::prelude::*;

use super::logged_code;
use crate::store::connection::{natively, AnyConnection};
use crate::store::log::{Appended, LogWriter};
use crate::store::schema::{station_keys, stations};
use crate::store::{StoreError, IN_LIST_MAX};
use basin_ledger_core::entry::{Entry, KeyChange};

pub use crate::model::registry::StationKey;

type StationKeyRow = (String, String, String, Option<String>);

fn station_key_from_row((key_id, public_key, added_at, retired_at): StationKeyRow) -> StationKey {
    StationKey {
        key_id,
        public_key,
        added_at,
        retired_at,
    }
}

pub(super) fn insert(
    connection: &mut AnyConnection,
    station: &str,
    key_id: &str,
    public_key: &str,
    added_at: &str,
) -> Result<(), StoreError> {
    diesel::insert_into(station_keys::table)
        .values((
            station_keys::station.eq(station),
            station_keys::key_id.eq(key_id),
            station_keys::public_key.eq(public_key),
            station_keys::added_at.eq(added_at),
        ))
        .execute(connection)?;
    Ok(())
}

/// Every key the station ever held, oldest first (retired ones too).
pub fn station_keys(
    connection: &mut AnyConnection,
    station: &str,
) -> Result<Vec<StationKey>, StoreError> {
    let rows: Vec<StationKeyRow> = natively!(connection, inner => station_keys::table
        .filter(station_keys::station.eq(station))
        .select((
            station_keys::key_id,
            station_keys::public_key,
            station_keys::added_at,
            station_keys::retired_at,
        ))
        .order((station_keys::added_at.asc(), station_keys::key_id.asc()))
        .load(inner))?;
    Ok(rows.into_iter().map(station_key_from_row).collect())
}

/// The keys of each of these stations (a page of them), in one query: station → its keys,
/// oldest first.
pub(super) fn keys_of_stations(
    connection: &mut AnyConnection,
    stations: &[&str],
) -> Result<HashMap<String, Vec<StationKey>>, StoreError> {
    // One station is what every posted batch reads: its cached statement.
    if let [station] = stations {
        let keys = station_keys(connection, station)?;
        return Ok(HashMap::from([((*station).to_owned(), keys)]));
    }
    let mut keys: HashMap<String, Vec<StationKey>> = HashMap::new();
    for chunk in stations.chunks(IN_LIST_MAX) {
        let rows: Vec<(String, String, String, String, Option<String>)> = station_keys::table
            .filter(station_keys::station.eq_any(chunk))
            .select((
                station_keys::station,
                station_keys::key_id,
                station_keys::public_key,
                station_keys::added_at,
                station_keys::retired_at,
            ))
            .order((
                station_keys::station.asc(),
                station_keys::added_at.asc(),
                station_keys::key_id.asc(),
            ))
            .load(connection)?;
        for (station, key_id, public_key, added_at, retired_at) in rows {
            keys.entry(station).or_default().push(station_key_from_row((
                key_id, public_key, added_at, retired_at,
            )));
        }
    }
    Ok(keys)
}

/// Adds a key to a station and logs `key.added` (owner the station).
pub fn add_station_key(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    station: &str,
    key_id: &str,
    public_key: &str,
    added_at: &str,
) -> Result<Appended, StoreError> {
    let exists: i64 = stations::table
        .filter(stations::code.eq(station))
        .count()
        .get_result(connection)?;
    if exists == 0 {
        return Err(StoreError::NotFound {
            what: "station",
            key: station.into(),
        });
    }
    if station_keys(connection, station)?
        .iter()
        .any(|key| key.key_id == key_id)
    {
        return Err(StoreError::Duplicate {
            what: "key",
            key: key_id.into(),
        });
    }
    insert(connection, station, key_id, public_key, added_at)?;
    let entry = Entry::KeyAdded(KeyChange {
        owner: logged_code(station)?,
        key_id: key_id.to_owned(),
        public_key: public_key.to_owned(),
    });
    log.append(connection, added_at, &entry)
}

/// Retires a station key and logs `key.retired`: batches it signed stay valid, new ones are
/// refused.
pub fn retire_station_key(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    station: &str,
    key_id: &str,
    retired_at: &str,
) -> Result<Appended, StoreError> {
    let key = station_keys(connection, station)?
        .into_iter()
        .find(|key| key.key_id == key_id)
        .ok_or_else(|| StoreError::NotFound {
            what: "key",
            key: format!("{station}/{key_id}"),
        })?;
    if key.retired_at.is_some() {
        return Err(StoreError::Conflict(format!(
            "key {key_id} of station {station} is already retired"
        )));
    }
    diesel::update(
        station_keys::table
            .filter(station_keys::station.eq(station))
            .filter(station_keys::key_id.eq(key_id)),
    )
    .set(station_keys::retired_at.eq(retired_at))
    .execute(connection)?;
    let entry = Entry::KeyRetired(KeyChange {
        owner: logged_code(station)?,
        key_id: key_id.to_owned(),
        public_key: key.public_key,
    });
    log.append(connection, retired_at, &entry)
}
