//! Access tokens, stored only as SHA-256 hashes: the database never holds a usable secret.

use diesel::prelude::*;

use super::connection::AnyConnection;
use super::error::StoreError;
use super::schema::access_tokens;
use crate::model::access::{Principal, Role};

pub struct NewToken<'a> {
    pub token_sha256: &'a str,
    pub role: Role,
    pub subject: Option<&'a str>,
    pub label: Option<&'a str>,
    pub created_at: &'a str,
}

pub fn insert_token(
    connection: &mut AnyConnection,
    token: &NewToken<'_>,
) -> Result<(), StoreError> {
    diesel::insert_into(access_tokens::table)
        .values((
            access_tokens::token_sha256.eq(token.token_sha256),
            access_tokens::role.eq(token.role.as_str()),
            access_tokens::subject.eq(token.subject),
            access_tokens::label.eq(token.label),
            access_tokens::created_at.eq(token.created_at),
        ))
        .execute(connection)?;
    Ok(())
}

pub fn count_tokens(connection: &mut AnyConnection) -> Result<i64, StoreError> {
    Ok(access_tokens::table.count().get_result(connection)?)
}

pub fn find_principal(
    connection: &mut AnyConnection,
    token_sha256: &str,
) -> Result<Option<Principal>, StoreError> {
    let found: Option<(String, Option<String>)> = access_tokens::table
        .filter(access_tokens::token_sha256.eq(token_sha256))
        .select((access_tokens::role, access_tokens::subject))
        .first(connection)
        .optional()?;
    found
        .map(|(role, subject)| {
            let role = role.parse::<Role>().map_err(StoreError::Corrupt)?;
            Ok(Principal { role, subject })
        })
        .transpose()
}
