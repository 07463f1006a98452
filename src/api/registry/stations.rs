use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::created;
use crate::api::auth::Caller;
use crate::api::checks::Checks;
use crate::api::json::JsonBody;
use crate::api::pagination::{ListQuery, ListResponse};
use crate::api::problem::{ApiError, Problem};
use crate::api::state::AppState;
use crate::model::registry::{Station, StationKey};
use crate::model::time::utc_text;
use crate::store::registry;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStation {
    #[schema(
        pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
        example = "gubeikou-auto"
    )]
    pub code: String,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
        example = "古北口自动站"
    )]
    pub name: String,
    /// The one section this station serves.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", example = "gubeikou")]
    pub section: String,
    /// Standard padded base64 Ed25519 public key; with it, every batch must carry a signature.
    #[schema(pattern = "^[A-Za-z0-9+/]{43}=$")]
    pub public_key: Option<String>,
}

/// Register a monitoring station (admin).
#[utoipa::path(tag = "registry", operation_id = "create_station", request_body = NewStation, security(("bearer" = [])), responses(
    (status = 201, body = Station),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[post("/stations")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<NewStation>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let request = body.value;
    let mut checks = Checks::default();
    checks.owner_code("/code", &request.code);
    checks.text("/name", &request.name);
    checks.code("/section", &request.section);
    let key = request
        .public_key
        .as_deref()
        .and_then(|text| checks.public_key("/public_key", text));
    checks.finish()?;
    let key_id = key.map(|key| hex::encode(basin_audit::note::key_id(&request.code, &key)));
    let created_at = utc_text(chrono::Utc::now());
    let keys = match (&key_id, &request.public_key) {
        (Some(key_id), Some(public_key)) => vec![StationKey {
            key_id: key_id.clone(),
            public_key: public_key.clone(),
            added_at: created_at.clone(),
            retired_at: None,
        }],
        _ => Vec::new(),
    };
    let station = Station {
        key_id,
        code: request.code,
        name: request.name,
        section: request.section,
        public_key: request.public_key,
        keys,
        created_at,
    };
    let stored = station.clone();
    state
        .write(move |connection, log| registry::create_station(connection, log, &stored))
        .await?;
    Ok(created(format!("/v1/stations/{}", station.code), &station))
}

/// List stations, ordered by code.
#[utoipa::path(tag = "registry", operation_id = "list_stations", params(ListQuery), security(("bearer" = [])), responses(
    (status = 200, body = ListResponse<Station>),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/stations")]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Caller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = query.page_request()?;
    let page = state
        .read(move |connection| Ok(registry::list_stations(connection, &request)?))
        .await?;
    Ok(HttpResponse::Ok().json(ListResponse::from_page(page)))
}

/// One station.
#[utoipa::path(tag = "registry", operation_id = "get_station", security(("bearer" = [])), responses(
    (status = 200, body = Station),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/stations/{code}")]
pub async fn get(
    state: web::Data<AppState>,
    _caller: Caller,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let station = state
        .read(move |connection| Ok(registry::get_station(connection, &code)?))
        .await?;
    Ok(HttpResponse::Ok().json(station))
}
