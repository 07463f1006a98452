//! `POST /v1/agreements/{code}/settlements`: evaluate a period, sign and log the settlement, or
//! preview it with `?dry_run=true`.

use actix_web::{post, web, HttpResponse};
use basin_domain::Period;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::api::auth::Caller;
use crate::api::checks::Checks;
use crate::api::json::JsonBody;
use crate::api::problem::{ApiError, Problem};
use crate::api::state::AppState;
use crate::model::settlement::{Settlement, SettlementPreview};
use crate::store::settlements::{self, IssueRequest, SupersedesRequest};
use crate::store::{self, agreements};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueBody {
    /// A period of the agreement's kind: `2025-07`, `2025-Q3` or `2025`.
    #[schema(
        pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$",
        example = "2025-07"
    )]
    pub period: String,
    /// Replace the settlement in force for this period (late or corrected data).
    pub supersedes: Option<SupersedesBody>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupersedesBody {
    #[schema(pattern = "^0*[1-9][0-9]{0,17}$", example = "7")]
    pub settlement_id: String,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
        example = "readings of 2025-07-14 were invalidated after calibration"
    )]
    pub reason: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IssueQuery {
    /// `true`: evaluate and return the document (200) without storing, signing or logging it.
    #[param(value_type = Option<bool>)]
    pub dry_run: Option<String>,
}

/// Issue a settlement for a period (admin, or a bureau of either party).
#[utoipa::path(tag = "settlements", operation_id = "issue_settlement", request_body = IssueBody, params(IssueQuery), security(("bearer" = [])), responses(
    (status = 201, description = "issued, signed and logged", body = Settlement),
    (status = 200, description = "dry run: the document that would be issued", body = SettlementPreview),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[post("/agreements/{code}/settlements")]
pub async fn issue(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
    query: web::Query<IssueQuery>,
    body: JsonBody<IssueBody>,
) -> Result<HttpResponse, ApiError> {
    let dry_run = match query.dry_run.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(ApiError::invalid_parameter(
                "dry_run",
                "must be true or false",
            ))
        }
    };
    let request = parse_body(code.into_inner(), &body.value)?;
    let lookup = request.agreement.clone();
    let agreement = state
        .run(move |connection| Ok(agreements::get_agreement_row(connection, &lookup)?))
        .await?;
    caller.require_admin_or_bureau_of(&[&agreement.upstream, &agreement.downstream])?;
    let now = chrono::Utc::now();
    if dry_run {
        let preview = state
            .run(move |connection| Ok(settlements::preview(connection, &request, now)?))
            .await?;
        return Ok(HttpResponse::Ok().json(preview));
    }
    let key = state.ledger_key.clone();
    let settlement = state
        .run(move |connection| {
            store::write_transaction_as(connection, |connection, log| {
                settlements::issue(connection, log, &key, &request, now)
            })
            .map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/v1/settlements/{}", settlement.document.id),
        ))
        .json(settlement))
}

fn parse_body(agreement: String, body: &IssueBody) -> Result<IssueRequest, ApiError> {
    let mut checks = Checks::default();
    let period = Period::parse(&body.period)
        .map_err(|error| checks.fail("/period", error.to_string()))
        .ok();
    let supersedes = body.supersedes.as_ref().and_then(|supersedes| {
        checks.text("/supersedes/reason", &supersedes.reason);
        let id = supersedes
            .settlement_id
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0);
        if id.is_none() {
            checks.fail(
                "/supersedes/settlement_id",
                "must be a settlement id (decimal digits)",
            );
        }
        id.map(|settlement_id| SupersedesRequest {
            settlement_id,
            reason: supersedes.reason.clone(),
        })
    });
    checks.finish()?;
    let period = period.ok_or_else(|| ApiError::invalid_field("/period", "is not a period"))?;
    Ok(IssueRequest {
        agreement,
        period,
        supersedes,
    })
}
