//! Jurisdictions and their bureau keys (the keys that countersign settlements).

use diesel::prelude::*;

use basin_ledger_core::entry::{Entry, KeyChange};

use super::{as_body, get, list, log_created, logged_code, select_codes, CodeKeyed, Codes};
use crate::model::registry::{Jurisdiction, JurisdictionKey};
use crate::store::connection::AnyConnection;
use crate::store::error::{Field, StoreError};
use crate::store::log::{Appended, LogWriter};
use crate::store::page::{Page, PageRequest};
use crate::store::schema::{jurisdiction_keys, jurisdictions};

impl CodeKeyed for Jurisdiction {
    const WHAT: &'static str = "jurisdiction";

    fn load(connection: &mut AnyConnection, codes: Codes<'_>) -> Result<Vec<Self>, StoreError> {
        let query = select_codes!(
            jurisdictions::table.select((
                jurisdictions::code,
                jurisdictions::name,
                jurisdictions::parent,
                jurisdictions::created_at,
            )),
            jurisdictions::code,
            codes
        );
        let rows: Vec<(String, String, Option<String>, String)> = query.load(connection)?;
        rows.into_iter()
            .map(|(code, name, parent, created_at)| {
                let keys = keys_of(connection, &code)?;
                Ok(Jurisdiction {
                    code,
                    name,
                    parent,
                    keys,
                    created_at,
                })
            })
            .collect()
    }

    fn code(&self) -> &str {
        &self.code
    }
}

/// The jurisdiction's bureau keys, oldest first.
fn keys_of(
    connection: &mut AnyConnection,
    jurisdiction: &str,
) -> Result<Vec<JurisdictionKey>, StoreError> {
    let rows: Vec<(String, String, String, Option<String>)> = jurisdiction_keys::table
        .filter(jurisdiction_keys::jurisdiction.eq(jurisdiction))
        .order(jurisdiction_keys::added_at.asc())
        .then_order_by(jurisdiction_keys::key_id.asc())
        .select((
            jurisdiction_keys::key_id,
            jurisdiction_keys::public_key,
            jurisdiction_keys::added_at,
            jurisdiction_keys::retired_at,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(
            |(key_id, public_key, added_at, retired_at)| JurisdictionKey {
                key_id,
                public_key,
                added_at,
                retired_at,
            },
        )
        .collect())
}

/// Whether a jurisdiction exists, without loading its keys.
pub fn jurisdiction_exists(connection: &mut AnyConnection, code: &str) -> Result<bool, StoreError> {
    let count: i64 = jurisdictions::table
        .filter(jurisdictions::code.eq(code))
        .count()
        .get_result(connection)?;
    Ok(count > 0)
}

/// Refuses a reference (in `field` of the request) to a jurisdiction that does not exist.
pub(super) fn require_jurisdiction(
    connection: &mut AnyConnection,
    field: Field,
    code: &str,
) -> Result<(), StoreError> {
    if jurisdiction_exists(connection, code)? {
        Ok(())
    } else {
        Err(StoreError::UnknownReference {
            field,
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
        require_jurisdiction(connection, Field::Parent, parent)?;
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

pub fn get_jurisdiction(
    connection: &mut AnyConnection,
    code: &str,
) -> Result<Jurisdiction, StoreError> {
    get(connection, code)
}

pub fn list_jurisdictions(
    connection: &mut AnyConnection,
    request: &PageRequest<String>,
) -> Result<Page<Jurisdiction, String>, StoreError> {
    list(connection, request)
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
        owner: logged_code(key.jurisdiction)?,
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
        owner: logged_code(jurisdiction)?,
        key_id: key_id.to_owned(),
        public_key,
    });
    log.append(connection, retired_at, &entry)
}
