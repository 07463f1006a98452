//! `GET /v1/settlements/{id}/receipt`: the settlement's c2sp.org/tlog-proof, to file with a
//! payment order and check years later, offline, with the ledger's public key alone
//! (`basin-ledger verify --receipt FILE --vkey VKEY`).

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};

use basin_ledger_core::receipt::receipt_text;

use super::settlement_id;
use crate::api::problem::{ApiError, Problem};
use crate::api::state::AppState;
use crate::api::LogReader;
use crate::publish::served_note;
use crate::store::settlements::receipt::settlement_receipt;

/// The settlement's receipt: `c2sp.org/tlog-proof@v1`, `extra <base64 leaf bytes>`, `index <n>`,
/// the inclusion hashes in base64, a blank line, then the checkpoint note with its signatures.
#[utoipa::path(tag = "settlements", operation_id = "get_settlement_receipt", security(("bearer" = [])), responses(
    (status = 200, description = "A c2sp.org/tlog-proof@v1 whose `extra` line is the exact leaf of the settlement's `settlement.issued` entry",
        body = String, content_type = "text/plain"),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
    (status = 500, description = "The stored settlement or log failed its integrity check", body = Problem, content_type = "application/problem+json"),
    (status = 503, description = "No published (witnessed) checkpoint covers the settlement yet; retry shortly", body = Problem, content_type = "application/problem+json"),
))]
#[get("/settlements/{id}/receipt")]
pub async fn receipt(
    state: web::Data<AppState>,
    _reader: LogReader,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = settlement_id(&id)?;
    let key = state.ledger_key.clone();
    let policy = state.witness_policy.clone();
    let text = state
        .run(move |connection| {
            let not_yet = || {
                ApiError::Unavailable(format!(
                    "settlement {id} is not yet covered by a published checkpoint; retry shortly"
                ))
            };
            let parts = settlement_receipt(connection, &key, id)?.ok_or_else(not_yet)?;
            let note = served_note(connection, policy.as_deref(), &parts.checkpoint)?
                .ok_or_else(not_yet)?;
            Ok(receipt_text(
                parts.leaf.as_bytes(),
                parts.index,
                parts.proof,
                &note,
            ))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"settlement-{id}.tlog-proof\""),
        ))
        .body(text))
}
