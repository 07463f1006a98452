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
use crate::model::registry::Basin;
use crate::model::time::utc_text;
use crate::store::registry;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBasin {
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", example = "chaobai")]
    pub code: String,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
        example = "潮白河"
    )]
    pub name: String,
}

/// Register a basin (admin).
#[utoipa::path(tag = "registry", operation_id = "create_basin", request_body = NewBasin, security(("bearer" = [])), responses(
    (status = 201, body = Basin),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[post("/basins")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<NewBasin>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let request = body.value;
    let mut checks = Checks::default();
    checks.code("/code", &request.code);
    checks.text("/name", &request.name);
    checks.finish()?;
    let basin = Basin {
        code: request.code,
        name: request.name,
        created_at: utc_text(chrono::Utc::now()),
    };
    let stored = basin.clone();
    state
        .write(move |connection, log| registry::create_basin(connection, log, &stored))
        .await?;
    Ok(created(format!("/v1/basins/{}", basin.code), &basin))
}

/// List basins, ordered by code.
#[utoipa::path(tag = "registry", operation_id = "list_basins", params(ListQuery), security(("bearer" = [])), responses(
    (status = 200, body = ListResponse<Basin>),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/basins")]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Caller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = query.page_request()?;
    let page = state
        .read(move |connection| Ok(registry::list_basins(connection, &request)?))
        .await?;
    Ok(HttpResponse::Ok().json(ListResponse::from_page(page)))
}

/// One basin.
#[utoipa::path(tag = "registry", operation_id = "get_basin", security(("bearer" = [])), responses(
    (status = 200, body = Basin),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/basins/{code}")]
pub async fn get(
    state: web::Data<AppState>,
    _caller: Caller,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let basin = state
        .read(move |connection| Ok(registry::get_basin(connection, &code)?))
        .await?;
    Ok(HttpResponse::Ok().json(basin))
}
