//! `GET /v1/tokens`, `POST /v1/tokens`, `DELETE /v1/tokens/{id}` (admins): the HTTP side of
//! `basin-ledger token create | list | revoke`. The secret is shown once, in the 201; lists
//! never carry it (only its hash is stored).

use actix_web::{delete, get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::auth::Caller;
use crate::api::checks::Checks;
use crate::api::json::JsonBody;
use crate::api::pagination::{decode_cursor, encode_cursor, parse_limit, ListQuery, ListResponse};
use crate::api::problem::{ApiError, Problem};
use crate::api::state::AppState;
use crate::model::access::Role;
use crate::store::page::PageRequest;
use crate::store::tokens::{list_tokens, revoke_token, TokenRecord};
use crate::tokens::{mint_token, TokenError, TokenRequest, TOKEN_LIFETIME_SECONDS_MAX};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    #[schema(value_type = TokenRole)]
    pub role: String,
    /// The jurisdiction (bureau) or station (station) the token acts for.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    pub subject: Option<String>,
    /// Who holds it.
    #[schema(max_length = 200, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")]
    pub label: Option<String>,
    /// The token stops working this many seconds from now (default: never).
    #[schema(minimum = 1, maximum = 316_224_000)]
    pub expires_in_seconds: Option<u64>,
}

/// What a token may do (documentation only: roles travel as text and are parsed into `Role`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum TokenRole {
    Admin,
    Bureau,
    Station,
    Auditor,
}

/// A token as listed: never the secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    pub id: i64,
    #[schema(value_type = TokenRole)]
    pub role: String,
    pub subject: Option<String>,
    pub label: Option<String>,
    pub created_at: String,
    /// Refreshed at most once a minute.
    pub last_used_at: Option<String>,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// A new token: the secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    pub id: i64,
    /// `blt_…`: keep it secret; it cannot be shown again.
    pub token: String,
    #[schema(value_type = TokenRole)]
    pub role: String,
    pub subject: Option<String>,
    pub label: Option<String>,
    pub created_at: String,
    pub expires_at: Option<String>,
}

impl From<TokenRecord> for TokenView {
    fn from(record: TokenRecord) -> Self {
        Self {
            id: record.id,
            role: record.role,
            subject: record.subject,
            label: record.label,
            created_at: record.created_at,
            last_used_at: record.last_used_at,
            expires_at: record.expires_at,
            revoked_at: record.revoked_at,
        }
    }
}

fn token_problem(error: TokenError) -> ApiError {
    match error {
        TokenError::SubjectMissing(_)
        | TokenError::SubjectNotAllowed(_)
        | TokenError::UnknownSubject { .. } => {
            ApiError::invalid_field("/subject", error.to_string())
        }
        TokenError::Lifetime => ApiError::invalid_field(
            "/expires_in_seconds",
            format!("must be from 1 to {TOKEN_LIFETIME_SECONDS_MAX}"),
        ),
        TokenError::Store(error) => ApiError::from(error),
    }
}

/// Mint a token (admin). The secret is in this response only.
#[utoipa::path(tag = "tokens", operation_id = "create_token", request_body = NewToken, security(("bearer" = [])), responses(
    (status = 201, body = CreatedToken),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[post("/tokens")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<NewToken>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let request = body.value;
    let mut checks = Checks::default();
    checks.one_of(
        "/role",
        &request.role,
        &["admin", "bureau", "station", "auditor"],
    );
    if let Some(subject) = &request.subject {
        checks.code("/subject", subject);
    }
    if let Some(label) = &request.label {
        checks.text("/label", label);
    }
    checks.finish()?;
    let role: Role = request
        .role
        .parse()
        .map_err(|message: String| ApiError::invalid_field("/role", message))?;
    let created = state
        .run(move |connection| {
            let minted = mint_token(
                connection,
                &TokenRequest {
                    role,
                    subject: request.subject.as_deref(),
                    label: request.label.as_deref(),
                    expires_in_seconds: request.expires_in_seconds,
                },
                chrono::Utc::now(),
            )
            .map_err(token_problem)?;
            Ok(CreatedToken {
                id: minted.id,
                token: minted.secret,
                role: role.as_str().to_owned(),
                subject: request.subject,
                label: request.label,
                created_at: minted.created_at,
                expires_at: minted.expires_at,
            })
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::CACHE_CONTROL,
            "no-store", // the one response that carries a secret
        ))
        .json(created))
}

/// Every token, by id (admin): role, subject, label, times; never the secret.
#[utoipa::path(tag = "tokens", operation_id = "list_tokens", params(ListQuery), security(("bearer" = [])), responses(
    (status = 200, body = ListResponse<TokenView>),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/tokens")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let limit = parse_limit(query.limit.as_deref())?;
    let after = query
        .cursor
        .as_deref()
        .map(|cursor| {
            decode_cursor(cursor)?.parse::<i64>().map_err(|_| {
                ApiError::invalid_parameter("cursor", "is not a cursor this server issued")
            })
        })
        .transpose()?;
    let page = state
        .run(move |connection| Ok(list_tokens(connection, &PageRequest { limit, after })?))
        .await?;
    Ok(HttpResponse::Ok().json(ListResponse {
        items: page.items.into_iter().map(TokenView::from).collect(),
        next_cursor: page.next_after.map(|id| encode_cursor(&id.to_string())),
    }))
}

/// Revoke a token (admin): every server on the database refuses it from its next request.
/// Revoking a revoked token changes nothing.
#[utoipa::path(tag = "tokens", operation_id = "revoke_token", security(("bearer" = [])), responses(
    (status = 204, description = "Revoked"),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[delete("/tokens/{id}")]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let id = id
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::NotFound(format!("token {id} not found")))?;
    state
        .run(move |connection| Ok(revoke_token(connection, id, chrono::Utc::now())?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config.service(create).service(list).service(revoke);
}
