//! The ledger's signing keys as the database knows them: when each became valid, and which
//! one is active. A server registers its key at start; a database whose log is already
//! signed by another key refuses it, so two servers sharing one database cannot end up
//! signing with different keys (each would otherwise create its own key file on first start).

use diesel::prelude::*;

use super::connection::AnyConnection;
use super::error::StoreError;
use super::schema::ledger_keys;
use crate::ledger_key::LedgerKey;

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct LedgerKeyRecord {
    /// Standard padded base64 of the 32-byte Ed25519 key.
    pub public_key: String,
    pub origin: String,
    pub key_id: String,
    pub valid_from: String,
    /// Set when the key was retired; null for the active key.
    pub valid_to: Option<String>,
}

/// Records `key` as the active ledger key (from `now`), or confirms it already is. Runs in a
/// write transaction, which locks the log head and so serialises servers starting together.
pub fn register(
    connection: &mut AnyConnection,
    key: &LedgerKey,
    now: &str,
) -> Result<LedgerKeyRecord, StoreError> {
    let public_key = key.public_key_base64();
    super::write_transaction(connection, |connection, _log| {
        let known = all(connection)?;
        if let Some(retired) = known
            .iter()
            .find(|record| record.public_key == public_key && record.valid_to.is_some())
        {
            return Err(StoreError::Conflict(format!(
                "the ledger key in the key file (key id {}) was retired on {}; use the active key",
                retired.key_id,
                retired.valid_to.as_deref().unwrap_or_default()
            )));
        }
        let active: Vec<&LedgerKeyRecord> = known
            .iter()
            .filter(|record| record.valid_to.is_none())
            .collect();
        match active.as_slice() {
            [] => {
                let record = LedgerKeyRecord {
                    public_key: public_key.clone(),
                    origin: key.origin().to_owned(),
                    key_id: key.key_id().to_owned(),
                    valid_from: now.to_owned(),
                    valid_to: None,
                };
                diesel::insert_into(ledger_keys::table)
                    .values((
                        ledger_keys::public_key.eq(&record.public_key),
                        ledger_keys::origin.eq(&record.origin),
                        ledger_keys::key_id.eq(&record.key_id),
                        ledger_keys::valid_from.eq(&record.valid_from),
                    ))
                    .execute(connection)?;
                Ok(record)
            }
            [only] if only.public_key == public_key && only.origin == key.origin() => {
                Ok((*only).clone())
            }
            [only] => Err(StoreError::Conflict(format!(
                "this database's log is signed by ledger key {} of origin {:?}, but the key file \
                 holds key {} of origin {:?}; every server of one ledger needs the same key file \
                 (LEDGER_KEY_FILE) and LOG_ORIGIN",
                only.key_id,
                only.origin,
                key.key_id(),
                key.origin()
            ))),
            _ => Err(StoreError::Corrupt(
                "more than one ledger key is active".into(),
            )),
        }
    })
}

/// The active ledger key, if one was ever registered.
pub fn active(connection: &mut AnyConnection) -> Result<Option<LedgerKeyRecord>, StoreError> {
    Ok(all(connection)?
        .into_iter()
        .find(|record| record.valid_to.is_none()))
}

/// Every ledger key the database knows, oldest first.
pub fn all(connection: &mut AnyConnection) -> Result<Vec<LedgerKeyRecord>, StoreError> {
    Ok(ledger_keys::table
        .select((
            ledger_keys::public_key,
            ledger_keys::origin,
            ledger_keys::key_id,
            ledger_keys::valid_from,
            ledger_keys::valid_to,
        ))
        .order((ledger_keys::valid_from.asc(), ledger_keys::key_id.asc()))
        .load(connection)?)
}
