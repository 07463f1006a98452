//! Minting access tokens. A token is 32 random bytes shown once; only its SHA-256 is stored.

use base64::Engine;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

use crate::model::access::Role;
use crate::model::time::utc_text;
use crate::store::{self, registry, tokens, AnyConnection, StoreError};

/// Tokens carry a recognisable prefix so leaked ones can be found by secret scanners.
const TOKEN_PREFIX: &str = "blt_";

/// The longest lifetime a token can be given: ten years. A token without an expiry lives until
/// it is revoked.
pub const TOKEN_LIFETIME_SECONDS_MAX: u64 = 10 * 366 * 24 * 3600;

pub fn token_sha256(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn random_secret() -> String {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error(
        "role {0} needs --subject (a jurisdiction code for bureau, a station code for station)"
    )]
    SubjectMissing(Role),
    #[error("role {0} takes no subject")]
    SubjectNotAllowed(Role),
    #[error("unknown {what} {code:?}")]
    UnknownSubject { what: &'static str, code: String },
    #[error("expires in must be from 1 to {TOKEN_LIFETIME_SECONDS_MAX} seconds")]
    Lifetime,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What to mint: a role, the subject it acts for, a label, and an optional lifetime.
#[derive(Debug, Clone, Copy)]
pub struct TokenRequest<'a> {
    pub role: Role,
    pub subject: Option<&'a str>,
    pub label: Option<&'a str>,
    pub expires_in_seconds: Option<u64>,
}

/// A new token: its id (to list and revoke it by) and the secret, shown once.
#[derive(Debug, Clone)]
pub struct MintedToken {
    pub id: i64,
    pub secret: String,
    pub created_at: String,
    pub expires_at: Option<String>,
}

/// Creates a token for `role` (bound to `subject` where the role needs one) and returns the
/// secret. The caller shows it once; it cannot be recovered.
pub fn create_token(
    connection: &mut AnyConnection,
    role: Role,
    subject: Option<&str>,
    label: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String, TokenError> {
    let request = TokenRequest {
        role,
        subject,
        label,
        expires_in_seconds: None,
    };
    Ok(mint_token(connection, &request, now)?.secret)
}

/// Creates a token as `request` says, valid from `now`.
pub fn mint_token(
    connection: &mut AnyConnection,
    request: &TokenRequest<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<MintedToken, TokenError> {
    let TokenRequest {
        role,
        subject,
        label,
        expires_in_seconds,
    } = *request;
    let expires_at = expires_in_seconds
        .map(|seconds| {
            if seconds == 0 || seconds > TOKEN_LIFETIME_SECONDS_MAX {
                return Err(TokenError::Lifetime);
            }
            let seconds = i64::try_from(seconds).map_err(|_| TokenError::Lifetime)?;
            Ok(utc_text(now + chrono::Duration::seconds(seconds)))
        })
        .transpose()?;
    match (role.needs_subject(), subject) {
        (true, None) => return Err(TokenError::SubjectMissing(role)),
        (false, Some(_)) => return Err(TokenError::SubjectNotAllowed(role)),
        (true, Some(code)) => {
            let known = match role {
                Role::Bureau => registry::jurisdiction_exists(connection, code)?,
                _ => registry::find_station(connection, code)?.is_some(),
            };
            if !known {
                let what = if role == Role::Bureau {
                    "jurisdiction"
                } else {
                    "station"
                };
                return Err(TokenError::UnknownSubject {
                    what,
                    code: code.to_owned(),
                });
            }
        }
        (false, None) => {}
    }
    let secret = random_secret();
    let created_at = utc_text(now);
    let id = tokens::insert_token(
        connection,
        &tokens::NewToken {
            token_sha256: &token_sha256(&secret),
            role,
            subject,
            label,
            created_at: &created_at,
            expires_at: expires_at.as_deref(),
        },
    )?;
    Ok(MintedToken {
        id,
        secret,
        created_at,
        expires_at,
    })
}

/// On a database without any token, creates the first admin token and returns it (once, ever:
/// the check and the insert run under the write lock, so two starting servers cannot both mint).
pub fn bootstrap_admin_token(
    connection: &mut AnyConnection,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<String>, TokenError> {
    store::write_transaction(connection, |connection, _log| {
        if tokens::count_tokens(connection)? > 0 {
            return Ok(None);
        }
        create_token(connection, Role::Admin, None, Some("bootstrap"), now)
            .map(Some)
            .map_err(|error| match error {
                TokenError::Store(store_error) => store_error,
                other => StoreError::Corrupt(other.to_string()),
            })
    })
    .map_err(TokenError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_prefixed_and_hash_to_hex() {
        let first = random_secret();
        let second = random_secret();
        assert_ne!(first, second);
        assert!(first.starts_with(TOKEN_PREFIX));
        assert_eq!(first.len(), TOKEN_PREFIX.len() + 43);
        assert_eq!(
            token_sha256("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
