//! Reading settlements: the list with filters, and one settlement with its lifecycle.

use actix_web::{get, web, HttpResponse};
use basin_domain::{Code, Period};
use serde::Deserialize;
use utoipa::IntoParams;

use super::settlement_id;
use crate::api::auth::Caller;
use crate::api::pagination::{decode_cursor, encode_cursor, parse_limit, ListResponse};
use crate::api::problem::{ApiError, Problem};
use crate::api::schemas::SettlementStatus;
use crate::api::state::AppState;
use crate::model::settlement::Settlement;
use crate::store::page::PageRequest;
use crate::store::settlements::queries::{self as settlement_queries, SettlementFilter};
use basin_ledger_core::settlement::lifecycle::Status;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SettlementsQuery {
    /// Only this agreement's settlements.
    #[param(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    pub agreement: Option<String>,
    /// Only this period (`2025-07`, `2025-Q3`, `2025`).
    #[param(pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$")]
    pub period: Option<String>,
    /// Only settlements in this status: issued, acknowledged, disputed, paid or superseded.
    #[param(value_type = Option<SettlementStatus>)]
    pub status: Option<String>,
    /// Items per page: 1 to 1000 (larger values are clamped), default 100.
    #[param(value_type = Option<u32>, minimum = 1)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(max_length = 512, pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

/// Settlements ordered by period, then id.
#[utoipa::path(tag = "settlements", operation_id = "list_settlements", params(SettlementsQuery), security(("bearer" = [])), responses(
    (status = 200, body = ListResponse<Settlement>),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/settlements")]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Caller,
    query: web::Query<SettlementsQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    if let Some(agreement) = &query.agreement {
        Code::parse(agreement)
            .map_err(|_| ApiError::invalid_parameter("agreement", "must be an agreement code"))?;
    }
    if let Some(period) = &query.period {
        Period::parse(period)
            .map_err(|error| ApiError::invalid_parameter("period", error.to_string()))?;
    }
    if let Some(status) = &query.status {
        Status::parse(status).ok_or_else(|| {
            ApiError::invalid_parameter(
                "status",
                "must be issued, acknowledged, disputed, paid or superseded",
            )
        })?;
    }
    let request = PageRequest {
        limit: parse_limit(query.limit.as_deref())?,
        after: query.cursor.as_deref().map(settlement_cursor).transpose()?,
    };
    let filter = SettlementFilter {
        agreement: query.agreement,
        period: query.period,
        status: query.status,
    };
    let page = state
        .read(move |connection| {
            Ok(settlement_queries::list_settlements(
                connection, &filter, &request,
            )?)
        })
        .await?;
    let next_cursor = page
        .next_after
        .map(|(period, id)| encode_cursor(&format!("{period}|{id}")));
    Ok(HttpResponse::Ok().json(ListResponse {
        items: page.items,
        next_cursor,
    }))
}

fn settlement_cursor(text: &str) -> Result<(String, i64), ApiError> {
    decode_cursor(text)?
        .split_once('|')
        .and_then(|(period, id)| Some((period.to_owned(), id.parse().ok()?)))
        .ok_or_else(|| ApiError::invalid_parameter("cursor", "is not a cursor this server issued"))
}

/// One settlement: the signed document, the ledger's signature, status, acknowledgements,
/// disputes and payments.
#[utoipa::path(tag = "settlements", operation_id = "get_settlement", security(("bearer" = [])), responses(
    (status = 200, body = Settlement),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/settlements/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    _caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = settlement_id(&id)?;
    let settlement = state
        .read(move |connection| Ok(settlement_queries::get_settlement(connection, id)?))
        .await?;
    Ok(HttpResponse::Ok().json(settlement))
}
