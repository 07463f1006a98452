//! Acknowledgements, disputes and payments. Each answers 201 with the settlement as it now
//! stands; a retried acknowledgement or payment answers 200 with the same.

use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::settlement_id;
use crate::api::auth::Caller;
use crate::api::checks::Checks;
use crate::api::json::JsonBody;
use crate::api::problem::{ApiError, Problem};
use crate::api::state::AppState;
use crate::model::settlement::Settlement;
use crate::model::time::utc_text;
use crate::store::log::publication::latest_published_size;
use crate::store::settlements::lifecycle::{
    self as settlement_lifecycle, Acknowledge, DisputeRequest, PaymentRequest, Recorded,
};
use crate::store::settlements::queries as settlement_queries;

/// Longest payment reference accepted, in characters.
const REFERENCE_CHARACTERS_MAX: usize = 128;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgementBody {
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", example = "HE-CD")]
    pub jurisdiction: String,
    /// A registered, not retired key of the jurisdiction.
    #[schema(pattern = "^[0-9a-f]{8}$", example = "3f65e915")]
    pub key_id: String,
    /// Base64 Ed25519 signature over `basin-ledger/ack/v1\n<document_sha256>\n`.
    #[schema(pattern = "^[A-Za-z0-9+/]{86}==$")]
    pub signature: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisputeBody {
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", example = "BJ")]
    pub jurisdiction: String,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
        example = "the July readings at 古北口 include a week of instrument drift"
    )]
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentBody {
    /// Positive, at most what is outstanding.
    #[schema(minimum = 1)]
    pub amount_fen: i64,
    /// RFC 3339 with an offset.
    #[schema(
        format = DateTime,
        example = "2025-09-01T10:00:00+08:00"
    )]
    pub paid_at: String,
    /// The transfer's reference: a retry with the same reference is recognised.
    #[schema(
        min_length = 1,
        max_length = 128,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
        example = "BJ-2025-0731-001"
    )]
    pub reference: String,
}

/// The party's bureau, for its own jurisdiction, and only for a party of the agreement.
async fn party_check(state: &AppState, id: i64, jurisdiction: &str) -> Result<(), ApiError> {
    let parties = state
        .run(move |connection| {
            let row = settlement_queries::get_row(connection, id)?;
            Ok(settlement_lifecycle::parties(connection, &row)?)
        })
        .await?;
    if jurisdiction != parties.0 && jurisdiction != parties.1 {
        return Err(ApiError::invalid_field(
            "/jurisdiction",
            format!(
                "{jurisdiction} is not a party ({} or {})",
                parties.0, parties.1
            ),
        ));
    }
    Ok(())
}

/// Settlement finality: with a witness policy, a party acknowledges only a settlement whose log
/// entry a published checkpoint covers (with a policy, published means its cosignatures met the
/// quorum), so neither bureau signs something no witness has seen. Published sizes only grow,
/// so checking before the write transaction is enough.
async fn finality_check(state: &AppState, id: i64) -> Result<(), ApiError> {
    if state.witness_policy.is_none() {
        return Ok(());
    }
    let (log_index, witnessed_size) = state
        .run(move |connection| {
            let row = settlement_queries::get_row(connection, id)?;
            Ok((row.log_index, latest_published_size(connection)?))
        })
        .await?;
    let covered =
        witnessed_size.is_some_and(|size| u64::try_from(log_index).is_ok_and(|index| index < size));
    if covered {
        return Ok(());
    }
    Err(ApiError::Conflict {
        detail: format!(
            "settlement {id} (log entry {log_index}) is not final yet: no checkpoint that meets              the witness policy's quorum covers it; acknowledge it once one is published"
        ),
        errors: Vec::new(),
    })
}

fn respond(recorded: Recorded) -> HttpResponse {
    match recorded {
        Recorded::Created(settlement) => HttpResponse::Created().json(settlement),
        Recorded::Replayed(settlement) => HttpResponse::Ok().json(settlement),
    }
}

/// Acknowledge a settlement for a party (that party's bureau), signed by its registered key.
///
/// With a witness policy, only once a checkpoint that meets its quorum covers the settlement's
/// log entry (409 before).
#[utoipa::path(tag = "settlements", operation_id = "acknowledge_settlement", request_body = AcknowledgementBody, security(("bearer" = [])), responses(
    (status = 201, body = Settlement),
    (status = 200, description = "the same acknowledgement again", body = Settlement),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[post("/settlements/{id}/acknowledgements")]
pub async fn acknowledge(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: JsonBody<AcknowledgementBody>,
) -> Result<HttpResponse, ApiError> {
    let id = settlement_id(&id)?;
    let request = body.value;
    let mut checks = Checks::default();
    checks.code("/jurisdiction", &request.jurisdiction);
    checks.text("/key_id", &request.key_id);
    checks.text("/signature", &request.signature);
    checks.finish()?;
    party_check(&state, id, &request.jurisdiction).await?;
    caller.require_bureau_of(&request.jurisdiction)?;
    finality_check(&state, id).await?;
    let at = utc_text(chrono::Utc::now());
    let recorded = state
        .write(move |connection, log| {
            settlement_lifecycle::acknowledge(
                connection,
                log,
                &Acknowledge {
                    settlement_id: id,
                    jurisdiction: &request.jurisdiction,
                    key_id: &request.key_id,
                    signature: &request.signature,
                    at: &at,
                },
            )
        })
        .await?;
    Ok(respond(recorded))
}

/// Dispute a settlement (a bureau of either party, for itself).
#[utoipa::path(tag = "settlements", operation_id = "dispute_settlement", request_body = DisputeBody, security(("bearer" = [])), responses(
    (status = 201, body = Settlement),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[post("/settlements/{id}/disputes")]
pub async fn dispute(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: JsonBody<DisputeBody>,
) -> Result<HttpResponse, ApiError> {
    let id = settlement_id(&id)?;
    let request = body.value;
    let mut checks = Checks::default();
    checks.code("/jurisdiction", &request.jurisdiction);
    checks.text("/reason", &request.reason);
    checks.finish()?;
    party_check(&state, id, &request.jurisdiction).await?;
    caller.require_bureau_of(&request.jurisdiction)?;
    let at = utc_text(chrono::Utc::now());
    let settlement = state
        .write(move |connection, log| {
            settlement_lifecycle::dispute(
                connection,
                log,
                &DisputeRequest {
                    settlement_id: id,
                    jurisdiction: &request.jurisdiction,
                    reason: &request.reason,
                    at: &at,
                },
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(settlement))
}

/// Record a payment (the payer's bureau, or admin). Needs an acknowledged settlement; partial
/// payments add up; reaching the amount makes it paid.
#[utoipa::path(tag = "settlements", operation_id = "record_payment", request_body = PaymentBody, security(("bearer" = [])), responses(
    (status = 201, body = Settlement),
    (status = 200, description = "the same payment again", body = Settlement),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[post("/settlements/{id}/payments")]
pub async fn pay(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: JsonBody<PaymentBody>,
) -> Result<HttpResponse, ApiError> {
    let id = settlement_id(&id)?;
    let request = body.value;
    let mut checks = Checks::default();
    if request.amount_fen <= 0 {
        checks.fail("/amount_fen", "must be a positive number of fen");
    }
    let paid_at = chrono::DateTime::parse_from_rfc3339(&request.paid_at)
        .map(|instant| utc_text(instant.with_timezone(&chrono::Utc)))
        .map_err(|_| checks.fail("/paid_at", "must be an RFC 3339 time with an offset"))
        .ok();
    checks.text("/reference", &request.reference);
    if request.reference.chars().count() > REFERENCE_CHARACTERS_MAX {
        checks.fail(
            "/reference",
            format!("must be at most {REFERENCE_CHARACTERS_MAX} characters"),
        );
    }
    checks.finish()?;
    let paid_at = paid_at.ok_or_else(|| ApiError::invalid_field("/paid_at", "is not a time"))?;
    let payer = state
        .run(move |connection| Ok(settlement_queries::get_row(connection, id)?.payer))
        .await?;
    match &payer {
        Some(payer) => caller.require_admin_or_bureau_of(&[payer])?,
        None => caller.require_admin()?,
    }
    let at = utc_text(chrono::Utc::now());
    let recorded = state
        .write(move |connection, log| {
            settlement_lifecycle::pay(
                connection,
                log,
                &PaymentRequest {
                    settlement_id: id,
                    amount_fen: request.amount_fen,
                    paid_at: &paid_at,
                    reference: &request.reference,
                    at: &at,
                },
            )
        })
        .await?;
    Ok(respond(recorded))
}
