//! `GET /v1/settlements/{id}/verification`.

use actix_web::{get, web, HttpResponse};

use super::settlement_id;
use crate::api::auth::Caller;
use crate::api::problem::{ApiError, Problem};
use crate::api::state::AppState;
use crate::store::settlements::verification::{
    verify_settlement, SettlementVerification, VerificationInput,
};
use crate::store::{registry, settlements::queries as settlement_queries};

/// Re-check one settlement as an auditor would: document hash, ledger signature, log inclusion
/// with a fresh proof, recomputation from the readings as they counted at issue, acknowledgements.
/// Auditors need not trust this answer: `basin-ledger verify` and the dashboard check the same
/// things on their own side.
#[utoipa::path(tag = "settlements", operation_id = "verify_settlement", security(("bearer" = [])), responses(
    (status = 200, body = SettlementVerification),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/settlements/{id}/verification")]
pub async fn verification(
    state: web::Data<AppState>,
    _caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = settlement_id(&id)?;
    let ledger_key = state.ledger_key.clone();
    let report = state
        .run(move |connection| {
            let row = settlement_queries::get_row(connection, id)?;
            // Not `get_settlement`: it refuses a damaged document, which this endpoint reports.
            let acknowledgements = settlement_queries::acknowledgements_of(connection, id)?;
            let mut party_keys = Vec::new();
            for acknowledgement in &acknowledgements {
                let jurisdiction =
                    registry::get_jurisdiction(connection, &acknowledgement.jurisdiction)?;
                party_keys.push((jurisdiction.code, jurisdiction.keys));
            }
            Ok(verify_settlement(
                connection,
                VerificationInput {
                    row: &row,
                    acknowledgements: &acknowledgements,
                    party_keys: &party_keys,
                    ledger_key: &ledger_key,
                },
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}
