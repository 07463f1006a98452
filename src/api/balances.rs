//! `GET /v1/balances?year=&jurisdiction=&agreement=` and `GET /v1/statements/{jurisdiction}?year=`
//! (JSON, or CSV with `format=csv`): what each side owes, has paid and still owes, computed by
//! the ledger core (`basin_ledger_core::balances`) from one snapshot of the year's settlements.

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use basin_domain::Code;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::auth::Caller;
use crate::api::problem::{ApiError, Problem};
use crate::api::state::AppState;
use basin_ledger_core::balances::{balances, statement, statement_csv};

use crate::model::balances::{PairBalance, Statement};
use crate::store::balances::{load_year, YearData};
use crate::store::balances::{names, year_of_settlements};
use crate::store::registry;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config.service(list_balances).service(get_statement);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BalancesQuery {
    /// The settlement periods' year, e.g. `2025` (required).
    #[param(value_type = u32, minimum = 1000, maximum = 9999, example = 2025)]
    pub year: Option<String>,
    /// Seen from this jurisdiction: each of its counterparties. Without it, every pair, seen from
    /// the side whose code sorts first.
    #[param(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    pub jurisdiction: Option<String>,
    /// Only this agreement's settlements.
    #[param(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    pub agreement: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BalancesView {
    pub year: i32,
    pub jurisdiction: Option<String>,
    pub agreement: Option<String>,
    /// Ordered by jurisdiction, then counterparty.
    pub pairs: Vec<PairBalance>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatementQuery {
    /// The settlement periods' year, e.g. `2025` (required).
    #[param(value_type = u32, minimum = 1000, maximum = 9999, example = 2025)]
    pub year: Option<String>,
    /// `json` (the default) or `csv` (UTF-8 with a byte-order mark).
    #[param(pattern = "^(json|csv)$")]
    pub format: Option<String>,
}

fn parse_year(text: Option<&str>) -> Result<i32, ApiError> {
    text.filter(|year| year.len() == 4 && year.bytes().all(|byte| byte.is_ascii_digit()))
        .and_then(|year| year.parse().ok())
        .ok_or_else(|| ApiError::invalid_parameter("year", "is required: four digits, e.g. 2025"))
}

fn parse_code(parameter: &str, text: &str) -> Result<Code, ApiError> {
    Code::parse(text).map_err(|_| ApiError::invalid_parameter(parameter, "is not a code"))
}

/// Balances are computed over stored settlements that were verified as they were read, so a
/// refusal here (a stored value that does not parse, an unknown agreement, a sum out of range)
/// is corrupt storage: an opaque 500 whose cause chain goes to the log.
fn corrupt(error: impl std::error::Error + Send + Sync + 'static) -> ApiError {
    ApiError::internal(error)
}

async fn load(
    state: &AppState,
    year: i32,
    jurisdiction: Option<Code>,
    agreement: Option<Code>,
) -> Result<YearData, ApiError> {
    state
        .read(move |connection| {
            if let Some(code) = &jurisdiction {
                registry::get_jurisdiction(connection, code.as_str())?;
            }
            Ok(load_year(
                connection,
                year,
                agreement.as_ref().map(Code::as_str),
            )?)
        })
        .await
}

/// Per pair of jurisdictions and year: settlements issued each way (gross), the netted
/// obligation, payments and what is outstanding, in total and per agreement.
#[utoipa::path(tag = "settlements", operation_id = "list_balances", params(BalancesQuery),
    security(("bearer" = [])), responses(
    (status = 200, body = BalancesView),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/balances")]
pub async fn list_balances(
    state: web::Data<AppState>,
    _caller: Caller,
    query: web::Query<BalancesQuery>,
) -> Result<HttpResponse, ApiError> {
    let year = parse_year(query.year.as_deref())?;
    let jurisdiction = query
        .jurisdiction
        .as_deref()
        .map(|code| parse_code("jurisdiction", code))
        .transpose()?;
    let agreement = query
        .agreement
        .as_deref()
        .map(|code| parse_code("agreement", code))
        .transpose()?;
    let data = load(&state, year, jurisdiction.clone(), agreement.clone()).await?;
    let year_of = year_of_settlements(&data.settlements, &data.parties).map_err(corrupt)?;
    let pairs = balances(&year_of, jurisdiction.as_ref()).map_err(corrupt)?;
    Ok(HttpResponse::Ok().json(BalancesView {
        year,
        jurisdiction: jurisdiction.map(String::from),
        agreement: agreement.map(String::from),
        pairs: pairs.iter().map(PairBalance::from).collect(),
    }))
}

/// A jurisdiction's statement for a year: every settlement it is a party to, component amounts
/// and payments, each with its log index. `format=csv` gives the same as CSV (UTF-8 with BOM).
#[utoipa::path(tag = "settlements", operation_id = "get_statement", params(
        ("jurisdiction" = String, Path, description = "A jurisdiction code"), StatementQuery),
    security(("bearer" = [])), responses(
    (status = 200, description = "JSON, or with `format=csv` one CSV row per settlement, component and payment (UTF-8 with BOM)",
        content((Statement = "application/json"), (String = "text/csv"))),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/statements/{jurisdiction}")]
pub async fn get_statement(
    state: web::Data<AppState>,
    _caller: Caller,
    jurisdiction: web::Path<String>,
    query: web::Query<StatementQuery>,
) -> Result<HttpResponse, ApiError> {
    let year = parse_year(query.year.as_deref())?;
    let csv = match query.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(ApiError::invalid_parameter("format", "must be json or csv")),
    };
    let jurisdiction = jurisdiction.into_inner();
    // A path that is not a code names no jurisdiction: 404, as for an unknown code.
    let Ok(code) = Code::parse(&jurisdiction) else {
        return Err(ApiError::NotFound(format!(
            "jurisdiction {jurisdiction:?} not found"
        )));
    };
    let data = load(&state, year, Some(code.clone()), None).await?;
    let year_of = year_of_settlements(&data.settlements, &data.parties).map_err(corrupt)?;
    let statement = statement(&year_of, &code, year).map_err(corrupt)?;
    if !csv {
        return Ok(HttpResponse::Ok().json(Statement::from(&statement)));
    }
    let names = names(&data.names).map_err(corrupt)?;
    let bytes = statement_csv(&statement, &names).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"statement-{jurisdiction}-{year}.csv\""),
        ))
        .body(bytes))
}
