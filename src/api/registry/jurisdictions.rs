use actix_web::{delete, get, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::created;
use crate::api::auth::Caller;
use crate::api::checks::Checks;
use crate::api::json::JsonBody;
use crate::api::pagination::{ListQuery, ListResponse};
use crate::api::problem::{ApiError, Problem};
use crate::api::state::AppState;
use crate::model::registry::Jurisdiction;
use crate::model::time::utc_text;
use crate::store::registry::{self, NewKey};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewJurisdiction {
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", example = "HE-CD")]
    pub code: String,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
        example = "承德市"
    )]
    pub name: String,
    /// The enclosing jurisdiction (e.g. HE for HE-CD).
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    pub parent: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewJurisdictionKey {
    /// Standard padded base64 of the 32-byte Ed25519 public key.
    #[schema(
        pattern = "^[A-Za-z0-9+/]{43}=$",
        example = "GlzZBw1A8OEHoNcMW8Sqq6Fg+xWSaqr8sMTiLNbLXRM="
    )]
    pub public_key: String,
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct KeyAdded {
    pub key_id: String,
    pub log_index: u64,
}

/// Register a jurisdiction (admin).
#[utoipa::path(tag = "registry", operation_id = "create_jurisdiction", request_body = NewJurisdiction, security(("bearer" = [])), responses(
    (status = 201, body = Jurisdiction),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[post("/jurisdictions")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<NewJurisdiction>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let request = body.value;
    let mut checks = Checks::default();
    checks.owner_code("/code", &request.code);
    checks.text("/name", &request.name);
    if let Some(parent) = &request.parent {
        checks.code("/parent", parent);
        if parent == &request.code {
            checks.fail("/parent", "a jurisdiction cannot be its own parent");
        }
    }
    checks.finish()?;
    let jurisdiction = Jurisdiction {
        code: request.code,
        name: request.name,
        parent: request.parent,
        keys: Vec::new(),
        created_at: utc_text(chrono::Utc::now()),
    };
    let stored = jurisdiction.clone();
    state
        .write(move |connection, log| registry::create_jurisdiction(connection, log, &stored))
        .await?;
    Ok(created(
        format!("/v1/jurisdictions/{}", jurisdiction.code),
        &jurisdiction,
    ))
}

/// List jurisdictions, ordered by code.
#[utoipa::path(tag = "registry", operation_id = "list_jurisdictions", params(ListQuery), security(("bearer" = [])), responses(
    (status = 200, body = ListResponse<Jurisdiction>),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/jurisdictions")]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Caller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = query.page_request()?;
    let page = state
        .read(move |connection| Ok(registry::list_jurisdictions(connection, &request)?))
        .await?;
    Ok(HttpResponse::Ok().json(ListResponse::from_page(page)))
}

/// One jurisdiction with its bureau keys.
#[utoipa::path(tag = "registry", operation_id = "get_jurisdiction", security(("bearer" = [])), responses(
    (status = 200, body = Jurisdiction),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/jurisdictions/{code}")]
pub async fn get(
    state: web::Data<AppState>,
    _caller: Caller,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let jurisdiction = state
        .read(move |connection| Ok(registry::get_jurisdiction(connection, &code)?))
        .await?;
    Ok(HttpResponse::Ok().json(jurisdiction))
}

/// Register a bureau key that countersigns settlements for this jurisdiction (admin).
#[utoipa::path(tag = "registry", operation_id = "create_jurisdiction_key", request_body = NewJurisdictionKey, security(("bearer" = [])), responses(
    (status = 201, body = KeyAdded),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[post("/jurisdictions/{code}/keys")]
pub async fn add_key(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
    body: JsonBody<NewJurisdictionKey>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let code = code.into_inner();
    let mut checks = Checks::default();
    let key = checks.public_key("/public_key", &body.value.public_key);
    checks.finish()?;
    let key = key.ok_or_else(|| {
        ApiError::invalid_field("/public_key", "is not a valid Ed25519 public key")
    })?;
    let key_id = hex::encode(basin_audit::note::key_id(&code, &key));
    let public_key = body.value.public_key;
    let response_key_id = key_id.clone();
    let appended = state
        .write(move |connection, log| {
            let added_at = utc_text(chrono::Utc::now());
            registry::add_jurisdiction_key(
                connection,
                log,
                &NewKey {
                    jurisdiction: &code,
                    key_id: &key_id,
                    public_key: &public_key,
                    added_at: &added_at,
                },
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(KeyAdded {
        key_id: response_key_id,
        log_index: appended.index,
    }))
}

/// Retire a bureau key (admin): signatures it made stay valid; it cannot acknowledge anything new.
#[utoipa::path(tag = "registry", operation_id = "retire_jurisdiction_key", security(("bearer" = [])), responses(
    (status = 200, body = Jurisdiction),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[delete("/jurisdictions/{code}/keys/{key_id}")]
pub async fn retire_key(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let (code, key_id) = path.into_inner();
    let jurisdiction = state
        .write(move |connection, log| {
            registry::retire_jurisdiction_key(
                connection,
                log,
                &code,
                &key_id,
                &utc_text(chrono::Utc::now()),
            )?;
            registry::get_jurisdiction(connection, &code)
        })
        .await?;
    Ok(HttpResponse::Ok().json(jurisdiction))
}
