//! Access tokens, stored only as SHA-256 hashes: the database never holds a usable secret.
//! A token may expire and may be revoked; both are decided on every request from the database,
//! so every server process on it refuses a withdrawn token at once.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::connection::{natively, AnyConnection};
use super::error::StoreError;
use super::page::{finish_page, Page, PageRequest};
use super::schema::access_tokens;
use crate::model::access::{Principal, Role};
use crate::model::time::{parse_instant, utc_text};

/// `last_used_at` is refreshed at most this often per token, so authenticating a request
/// rarely writes (and never waits for the write lock on a busy ledger).
const LAST_USED_RESOLUTION_SECONDS: i64 = 60;

pub struct NewToken<'a> {
    pub token_sha256: &'a str,
    pub role: Role,
    pub subject: Option<&'a str>,
    pub label: Option<&'a str>,
    pub created_at: &'a str,
    pub expires_at: Option<&'a str>,
}

/// A token as an admin sees it: everything but the secret (which is not stored).
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct TokenRecord {
    pub id: i64,
    pub role: String,
    pub subject: Option<String>,
    pub label: Option<String>,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}

macro_rules! record_columns {
    () => {
        (
            access_tokens::id,
            access_tokens::role,
            access_tokens::subject,
            access_tokens::label,
            access_tokens::created_at,
            access_tokens::expires_at,
            access_tokens::revoked_at,
            access_tokens::last_used_at,
        )
    };
}

/// What a presented token is worth right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authentication {
    Valid(Principal),
    /// No token has this hash.
    Unknown,
    Revoked,
    Expired,
}

/// Stores a new token and returns its id.
pub fn insert_token(
    connection: &mut AnyConnection,
    token: &NewToken<'_>,
) -> Result<i64, StoreError> {
    Ok(diesel::insert_into(access_tokens::table)
        .values((
            access_tokens::token_sha256.eq(token.token_sha256),
            access_tokens::role.eq(token.role.as_str()),
            access_tokens::subject.eq(token.subject),
            access_tokens::label.eq(token.label),
            access_tokens::created_at.eq(token.created_at),
            access_tokens::expires_at.eq(token.expires_at),
        ))
        .returning(access_tokens::id)
        .get_result(connection)?)
}

pub fn count_tokens(connection: &mut AnyConnection) -> Result<i64, StoreError> {
    Ok(access_tokens::table.count().get_result(connection)?)
}

/// Looks the token up and decides, at `now`, whether it may act.
pub fn authenticate(
    connection: &mut AnyConnection,
    token_sha256: &str,
    now: DateTime<Utc>,
) -> Result<Authentication, StoreError> {
    // `get_result`, not `first`: the hash is unique, and SQLite re-prepares a statement with a
    // bound `LIMIT` on every execution (this one runs on every request).
    let found: Option<TokenRecord> = natively!(connection, inner => access_tokens::table
        .filter(access_tokens::token_sha256.eq(token_sha256))
        .select(record_columns!())
        .get_result(inner)
        .optional())?;
    let Some(record) = found else {
        return Ok(Authentication::Unknown);
    };
    if record.revoked_at.is_some() {
        return Ok(Authentication::Revoked);
    }
    if let Some(expires_at) = &record.expires_at {
        if stored_instant(record.id, expires_at)? <= now {
            return Ok(Authentication::Expired);
        }
    }
    let stale = match &record.last_used_at {
        None => true,
        Some(last) => {
            (now - stored_instant(record.id, last)?).num_seconds() >= LAST_USED_RESOLUTION_SECONDS
        }
    };
    if stale {
        diesel::update(access_tokens::table.filter(access_tokens::id.eq(record.id)))
            .set(access_tokens::last_used_at.eq(utc_text(now)))
            .execute(connection)?;
    }
    let role = record.role.parse::<Role>().map_err(StoreError::Corrupt)?;
    Ok(Authentication::Valid(Principal {
        role,
        subject: record.subject,
    }))
}

fn stored_instant(id: i64, text: &str) -> Result<DateTime<Utc>, StoreError> {
    parse_instant(text)
        .map_err(|error| StoreError::Corrupt(format!("token {id}: stored time {text:?}: {error}")))
}

/// Tokens in id order, after the cursor id.
pub fn list_tokens(
    connection: &mut AnyConnection,
    request: &PageRequest<i64>,
) -> Result<Page<TokenRecord, i64>, StoreError> {
    let mut query = access_tokens::table
        .select(record_columns!())
        .order(access_tokens::id.asc())
        .limit(request.fetch_count())
        .into_boxed();
    if let Some(after) = request.after {
        query = query.filter(access_tokens::id.gt(after));
    }
    let rows = query.load::<TokenRecord>(connection)?;
    Ok(finish_page(rows, request.limit, |record| record.id))
}

/// Revokes token `id` at `now` (a token revoked before keeps its first revocation time) and
/// returns it as it now stands.
pub fn revoke_token(
    connection: &mut AnyConnection,
    id: i64,
    now: DateTime<Utc>,
) -> Result<TokenRecord, StoreError> {
    diesel::update(
        access_tokens::table
            .filter(access_tokens::id.eq(id))
            .filter(access_tokens::revoked_at.is_null()),
    )
    .set(access_tokens::revoked_at.eq(utc_text(now)))
    .execute(connection)?;
    access_tokens::table
        .filter(access_tokens::id.eq(id))
        .select(record_columns!())
        .first(connection)
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            what: "token",
            key: id.to_string(),
        })
}
