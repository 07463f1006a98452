use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use serde_json::value::RawValue;
use utoipa::ToSchema;

use super::created;
use crate::api::auth::Caller;
use crate::api::checks::Checks;
use crate::api::json::JsonBody;
use crate::api::pagination::{ListQuery, ListResponse};
use crate::api::problem::{ApiError, Problem};
use crate::api::schemas::{LatitudeInput, LongitudeInput, TargetClass, WaterBody};
use crate::api::state::AppState;
use crate::model::registry::Section;
use crate::model::time::utc_text;
use crate::store::registry;

const WATER_BODIES: [&str; 2] = ["river", "lake"];
/// Targets are classes I–V; 劣V is an outcome, never a target.
const TARGET_CLASSES: [&str; 5] = ["I", "II", "III", "IV", "V"];

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSection {
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", example = "gubeikou")]
    pub code: String,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
        example = "古北口"
    )]
    pub name: String,
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", example = "chaobai")]
    pub basin: String,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
        example = "潮河"
    )]
    pub river: String,
    /// `river` or `lake` (reservoirs are lakes).
    #[schema(value_type = WaterBody, example = "river")]
    pub water_body: String,
    /// `I` to `V`.
    #[schema(value_type = TargetClass, example = "II")]
    pub target_class: String,
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", example = "HE-CD")]
    pub upstream: String,
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", example = "BJ")]
    pub downstream: String,
    /// Decimal degrees, a JSON number or a decimal string.
    #[schema(value_type = Option<LatitudeInput>)]
    pub latitude: Option<Box<RawValue>>,
    /// Decimal degrees, a JSON number or a decimal string.
    #[schema(value_type = Option<LongitudeInput>)]
    pub longitude: Option<Box<RawValue>>,
}

/// Register a monitoring section (admin).
#[utoipa::path(tag = "registry", operation_id = "create_section", request_body = NewSection, security(("bearer" = [])), responses(
    (status = 201, body = Section),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[post("/sections")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<NewSection>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let request = body.value;
    let mut checks = Checks::default();
    checks.code("/code", &request.code);
    checks.text("/name", &request.name);
    checks.code("/basin", &request.basin);
    checks.text("/river", &request.river);
    checks.one_of("/water_body", &request.water_body, &WATER_BODIES);
    checks.one_of("/target_class", &request.target_class, &TARGET_CLASSES);
    checks.code("/upstream", &request.upstream);
    checks.code("/downstream", &request.downstream);
    if request.upstream == request.downstream {
        checks.fail(
            "/downstream",
            "upstream and downstream must be different jurisdictions",
        );
    }
    let latitude = checks.bounded_decimal("/latitude", request.latitude.as_deref(), -90, 90);
    let longitude = checks.bounded_decimal("/longitude", request.longitude.as_deref(), -180, 180);
    checks.finish()?;
    let section = Section {
        code: request.code,
        name: request.name,
        basin: request.basin,
        river: request.river,
        water_body: request.water_body,
        target_class: request.target_class,
        upstream: request.upstream,
        downstream: request.downstream,
        latitude,
        longitude,
        created_at: utc_text(chrono::Utc::now()),
    };
    let stored = section.clone();
    state
        .write(move |connection, log| registry::create_section(connection, log, &stored))
        .await?;
    Ok(created(format!("/v1/sections/{}", section.code), &section))
}

/// List sections, ordered by code.
#[utoipa::path(tag = "registry", operation_id = "list_sections", params(ListQuery), security(("bearer" = [])), responses(
    (status = 200, body = ListResponse<Section>),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/sections")]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Caller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = query.page_request()?;
    let page = state
        .read(move |connection| Ok(registry::list_sections(connection, &request)?))
        .await?;
    Ok(HttpResponse::Ok().json(ListResponse::from_page(page)))
}

/// One section.
#[utoipa::path(tag = "registry", operation_id = "get_section", security(("bearer" = [])), responses(
    (status = 200, body = Section),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/sections/{code}")]
pub async fn get(
    state: web::Data<AppState>,
    _caller: Caller,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let section = state
        .read(move |connection| Ok(registry::get_section(connection, &code)?))
        .await?;
    Ok(HttpResponse::Ok().json(section))
}
