//! The caller extractor: `Authorization: Bearer <token>` → a `Principal`, or 401.
//! Authorisation (403) is decided by each handler with the helpers below.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use super::problem::{ApiError, FieldProblem};
use super::state::AppState;
use crate::model::access::Principal;
use crate::store::tokens::{self, Authentication};
use crate::store::AnyConnection;
use crate::tokens::token_sha256;

/// Longest Authorization header value examined; anything longer cannot be a token.
const AUTHORIZATION_BYTES_MAX: usize = 512;

pub struct Caller(pub Principal);

/// A well-formed bearer token within its rate limit, not yet checked against the database.
/// Handlers that read the database anyway (ingest) take this instead of [`Caller`] and
/// authenticate it in the same blocking call as their own reads, saving a thread hop per
/// request; every other handler takes `Caller`, which authenticates before the handler runs.
pub struct BearerToken {
    digest: String,
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::Unauthorized {
        detail: message.to_owned(),
        problem: FieldProblem::header("Authorization", message),
    }
}

impl BearerToken {
    /// The `Authorization: Bearer <token>` header's digest, or 401; 429 over the rate limit.
    fn from_header(request: &HttpRequest, state: &AppState) -> Result<Self, ApiError> {
        let value = request
            .headers()
            .get(header::AUTHORIZATION)
            .ok_or_else(|| unauthorized("an Authorization: Bearer token is required"))?
            .as_bytes();
        if value.len() > AUTHORIZATION_BYTES_MAX {
            return Err(unauthorized("the Authorization header is too long"));
        }
        let text = std::str::from_utf8(value)
            .map_err(|_| unauthorized("the Authorization header is not text"))?;
        let secret = text
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|secret| !secret.is_empty())
            .ok_or_else(|| unauthorized("the Authorization header must be 'Bearer <token>'"))?;
        let digest = token_sha256(secret);
        state
            .rate_limiter
            .check(&digest, std::time::Instant::now())
            .map_err(|retry_after_seconds| ApiError::TooManyRequests {
                retry_after_seconds,
            })?;
        Ok(Self { digest })
    }

    /// Decides from the database, now, whether the token may act: a revoked or expired token
    /// is refused at once, whichever server revoked it. Runs on a blocking thread.
    pub fn authenticate(&self, connection: &mut AnyConnection) -> Result<Caller, ApiError> {
        match tokens::authenticate(connection, &self.digest, chrono::Utc::now())? {
            Authentication::Valid(principal) => Ok(Caller(principal)),
            Authentication::Unknown => Err(unauthorized("the token is not valid")),
            Authentication::Revoked => Err(unauthorized("the token has been revoked")),
            Authentication::Expired => Err(unauthorized("the token has expired")),
        }
    }
}

impl FromRequest for BearerToken {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        std::future::ready(
            request
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| ApiError::Unavailable("application state missing".into()))
                .and_then(|state| Self::from_header(request, state)),
        )
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let prepared = request
            .app_data::<web::Data<AppState>>()
            .cloned()
            .ok_or_else(|| ApiError::Unavailable("application state missing".into()))
            .and_then(|state| {
                BearerToken::from_header(request, &state).map(|token| (state, token))
            });
        Box::pin(async move {
            let (state, token) = prepared?;
            state
                .run(move |connection| token.authenticate(connection))
                .await
        })
    }
}

impl Caller {
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.0.is_admin() {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "this action needs an admin token".into(),
            ))
        }
    }

    /// Admin, or the bureau of one of the given jurisdictions.
    pub fn require_admin_or_bureau_of(&self, jurisdictions: &[&str]) -> Result<(), ApiError> {
        if self.0.is_admin() || jurisdictions.iter().any(|code| self.0.is_bureau_of(code)) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "this action needs an admin token or a bureau token of {}",
                jurisdictions.join(" or ")
            )))
        }
    }

    /// The bureau of exactly this jurisdiction (a bureau never acts for another party).
    pub fn require_bureau_of(&self, jurisdiction: &str) -> Result<(), ApiError> {
        if self.0.is_bureau_of(jurisdiction) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "this action needs a bureau token of {jurisdiction}"
            )))
        }
    }
}
