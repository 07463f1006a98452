//! `POST /v1/stations/{code}/keys` and `DELETE /v1/stations/{code}/keys/{key_id}`: stations
//! hold several keys, like jurisdictions (API.md "Keys and rotation"). Each change is a
//! `key.added` / `key.retired` log entry whose owner is the station.

use actix_web::{delete, post, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::jurisdictions::NewJurisdictionKey;
use crate::api::auth::Caller;
use crate::api::checks::Checks;
use crate::api::json::JsonBody;
use crate::api::problem::{ApiError, Problem};
use crate::api::state::AppState;
use crate::model::time::utc_text;
use crate::store::registry;

/// A station key added or retired, and the log entry that says so.
#[derive(Debug, Serialize, ToSchema)]
pub struct StationKeyChange {
    pub key_id: String,
    pub log_index: u64,
}

/// Add a key to a station (admin): from now on a batch signed by it is accepted.
#[utoipa::path(tag = "registry", operation_id = "create_station_key", request_body = NewJurisdictionKey, security(("bearer" = [])), responses(
    (status = 201, body = StationKeyChange),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[post("/stations/{code}/keys")]
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
            registry::add_station_key(connection, log, &code, &key_id, &public_key, &added_at)
        })
        .await?;
    Ok(HttpResponse::Created().json(StationKeyChange {
        key_id: response_key_id,
        log_index: appended.index,
    }))
}

/// Retire a station key (admin): batches it signed stay valid; a new batch signed by it is
/// refused (422 naming the Signature header).
#[utoipa::path(tag = "registry", operation_id = "retire_station_key", security(("bearer" = [])), responses(
    (status = 200, body = StationKeyChange),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[delete("/stations/{code}/keys/{key_id}")]
pub async fn retire_key(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let (code, key_id) = path.into_inner();
    let response_key_id = key_id.clone();
    let appended = state
        .write(move |connection, log| {
            registry::retire_station_key(
                connection,
                log,
                &code,
                &key_id,
                &utc_text(chrono::Utc::now()),
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(StationKeyChange {
        key_id: response_key_id,
        log_index: appended.index,
    }))
}
