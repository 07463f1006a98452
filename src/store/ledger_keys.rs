//! The ledger's signing keys as the database knows them: when each became valid, and which
//! one is active. A server registers its key at start; a database whose log is already
//! signed by another key refuses it, so two servers sharing one database cannot end up
//! signing with different keys (each would otherwise create its own key file on first start).

use diesel::prelude::*;

use super::connection::AnyConnection;
use super::error::StoreError;
use super::schema::{ledger_keys, log_entries};
use crate::ledger_key::LedgerKey;
use basin_domain::Code;
use basin_ledger_core::entry::{Entry, KeyChange, LEDGER_KEY_OWNER};

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

/// `key rotate`: the key in force `old` stays valid until `old_valid_to` and `new` is in force
/// from `now`; the log gets `key.added` for the new key (owner `ledger`).
pub fn rotate(
    connection: &mut AnyConnection,
    old: &LedgerKey,
    new: &LedgerKey,
    now: &str,
    old_valid_to: &str,
) -> Result<(), StoreError> {
    let old_public_key = old.public_key_base64();
    super::write_transaction(connection, |connection, log| {
        match active(connection)? {
            Some(record) if record.public_key == old_public_key => {}
            Some(record) => {
                return Err(StoreError::Conflict(format!(
                    "the key file holds ledger key {}, but key {} is in force in this database",
                    old.key_id(),
                    record.key_id
                )))
            }
            None => {
                return Err(StoreError::Conflict(
                    "this database has no ledger key yet: start `serve` once first".into(),
                ))
            }
        }
        diesel::update(ledger_keys::table.filter(ledger_keys::public_key.eq(&old_public_key)))
            .set(ledger_keys::valid_to.eq(old_valid_to))
            .execute(connection)?;
        diesel::insert_into(ledger_keys::table)
            .values((
                ledger_keys::public_key.eq(new.public_key_base64()),
                ledger_keys::origin.eq(new.origin()),
                ledger_keys::key_id.eq(new.key_id()),
                ledger_keys::valid_from.eq(now),
            ))
            .execute(connection)?;
        let entry = Entry::KeyAdded(ledger_key_change(new.key_id(), new.public_key_base64())?);
        log.append(connection, now, &entry)?;
        Ok(())
    })
}

/// Logs `key.retired` for every retired key of `key` whose `valid_to` is past at `now` and
/// that the log has not retired yet. Returns the key ids retired by the log (now or before).
pub fn log_retirements(
    connection: &mut AnyConnection,
    key: &LedgerKey,
    now: &str,
) -> Result<Vec<String>, StoreError> {
    let due: Vec<_> = key
        .retired()
        .iter()
        .filter(|retired| !retired.signs_at(now))
        .collect();
    if due.is_empty() {
        return Ok(Vec::new());
    }
    super::write_transaction(connection, |connection, log| {
        let bodies: Vec<String> = log_entries::table
            .filter(log_entries::kind.eq(KEY_RETIRED_KIND))
            .select(log_entries::body)
            .load(connection)?;
        let mut logged = Vec::new();
        for body in bodies {
            let change: KeyChange = serde_json::from_str(&body)
                .map_err(|error| StoreError::Corrupt(format!("a key.retired body: {error}")))?;
            if change.owner.as_str() == LEDGER_KEY_OWNER {
                logged.push(change.key_id);
            }
        }
        for retired in due {
            if logged.iter().any(|key_id| key_id == retired.key_id()) {
                continue;
            }
            let record = all(connection)?
                .into_iter()
                .find(|record| record.key_id == retired.key_id())
                .ok_or_else(|| {
                    StoreError::Corrupt(format!("retired key {} is unknown", retired.key_id()))
                })?;
            let entry = Entry::KeyRetired(ledger_key_change(retired.key_id(), record.public_key)?);
            log.append(connection, now, &entry)?;
            logged.push(retired.key_id().to_owned());
        }
        Ok(logged)
    })
}

/// The `kind` of `Entry::KeyRetired` in `log_entries`.
const KEY_RETIRED_KIND: &str = "key.retired";
/// The `kind` of `Entry::KeyAdded` in `log_entries`.
const KEY_ADDED_KIND: &str = "key.added";

fn ledger_key_change(key_id: &str, public_key: String) -> Result<KeyChange, StoreError> {
    Ok(KeyChange {
        owner: Code::parse(LEDGER_KEY_OWNER)
            .map_err(|error| StoreError::Corrupt(format!("the ledger key owner: {error}")))?,
        key_id: key_id.to_owned(),
        public_key,
    })
}

/// The ledger key in force at log position `index`: the one the last ledger `key.added` before
/// it names, or the first key (the one no `key.added` names) when the log had not rotated by
/// then, as the verifier decides. Not by time: two keys may share a `valid_from` second.
pub fn in_force_at_index(
    connection: &mut AnyConnection,
    index: i64,
) -> Result<Option<LedgerKeyRecord>, StoreError> {
    let added: Vec<(i64, String)> = log_entries::table
        .filter(log_entries::kind.eq(KEY_ADDED_KIND))
        .order(log_entries::entry_index.asc())
        .select((log_entries::entry_index, log_entries::body))
        .load(connection)?;
    let mut ledger_added = Vec::new();
    for (entry_index, body) in added {
        let change: KeyChange = serde_json::from_str(&body)
            .map_err(|error| StoreError::Corrupt(format!("a key.added body: {error}")))?;
        if change.owner.as_str() == LEDGER_KEY_OWNER {
            ledger_added.push((entry_index, change.key_id));
        }
    }
    let in_force = ledger_added
        .iter()
        .rev()
        .find(|(entry_index, _)| *entry_index < index)
        .map(|(_, key_id)| key_id.clone());
    Ok(all(connection)?.into_iter().find(|record| match &in_force {
        Some(key_id) => record.key_id == *key_id,
        None => !ledger_added
            .iter()
            .any(|(_, key_id)| *key_id == record.key_id),
    }))
}
