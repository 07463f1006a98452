use actix_web::{get, post, web, HttpResponse};

use super::validate::{prepare_agreement, prepare_version, NewAgreement, NewAgreementVersion};
use crate::api::auth::Caller;
use crate::api::json::JsonBody;
use crate::api::pagination::{ListQuery, ListResponse};
use crate::api::problem::{ApiError, Problem};
use crate::api::state::AppState;
use crate::model::agreement::{Agreement, AgreementReceipt, AgreementVersionView};
use crate::store::agreements;

/// Register an agreement with its first version (admin). Sections must belong to its basin.
#[utoipa::path(tag = "agreements", operation_id = "create_agreement", request_body = NewAgreement, security(("bearer" = [])), responses(
    (status = 201, body = AgreementReceipt),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[post("/agreements")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<NewAgreement>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let request = body.value;
    let now = chrono::Utc::now();
    let version = state
        .run(move |connection| prepare_agreement(connection, &request, now))
        .await?;
    let receipt = state
        .write(move |connection, log| agreements::create_agreement(connection, log, &version))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/agreements/{}", receipt.code)))
        .json(receipt))
}

/// Add a version (admin): it starts on a period after the current version's start, which it ends
/// the period before when they would overlap.
#[utoipa::path(tag = "agreements", operation_id = "create_agreement_version", request_body = NewAgreementVersion, security(("bearer" = [])), responses(
    (status = 201, body = AgreementReceipt),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[post("/agreements/{code}/versions")]
pub async fn add_version(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
    body: JsonBody<NewAgreementVersion>,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let code = code.into_inner();
    let request = body.value;
    let now = chrono::Utc::now();
    let lookup = code.clone();
    let version = state
        .run(move |connection| {
            let agreement = agreements::get_agreement_row(connection, &lookup)?;
            prepare_version(connection, &agreement, &request, now)
        })
        .await?;
    let receipt = state
        .write(move |connection, log| agreements::add_version(connection, log, &code, &version))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!(
                "/v1/agreements/{}/versions/{}",
                receipt.code, receipt.version
            ),
        ))
        .json(receipt))
}

/// List agreements with their versions, ordered by code.
#[utoipa::path(tag = "agreements", operation_id = "list_agreements", params(ListQuery), security(("bearer" = [])), responses(
    (status = 200, body = ListResponse<Agreement>),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/agreements")]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Caller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = query.page_request()?;
    let page = state
        .read(move |connection| Ok(agreements::list_agreements(connection, &request)?))
        .await?;
    Ok(HttpResponse::Ok().json(ListResponse::from_page(page)))
}

/// One agreement with every version.
#[utoipa::path(tag = "agreements", operation_id = "get_agreement", security(("bearer" = [])), responses(
    (status = 200, body = Agreement),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/agreements/{code}")]
pub async fn get(
    state: web::Data<AppState>,
    _caller: Caller,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let agreement = state
        .read(move |connection| Ok(agreements::get_agreement(connection, &code)?))
        .await?;
    Ok(HttpResponse::Ok().json(agreement))
}

/// One version, as its `agreement.version` log entry recorded it (with the current end).
#[utoipa::path(tag = "agreements", operation_id = "get_agreement_version", security(("bearer" = [])), responses(
    (status = 200, body = AgreementVersionView),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/agreements/{code}/versions/{version}")]
pub async fn get_version(
    state: web::Data<AppState>,
    _caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (code, version) = path.into_inner();
    let number: i64 = version
        .parse()
        .map_err(|_| ApiError::NotFound(format!("agreement version {code}/{version} not found")))?;
    let view = state
        .read(move |connection| Ok(agreements::get_version(connection, &code, number)?))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
