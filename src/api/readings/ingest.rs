//! `POST /v1/readings`: a station's batch, signed when the station has a key, all or nothing,
//! idempotent on (station, batch_id).

use actix_web::{post, web, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use basin_ledger_core::batch::{validate_batch, BatchBody};

use super::validate::{batch_problem, ReadingBatchRequest};
use crate::api::auth::BearerToken;
use crate::api::json::{parse_json, RawBody};
use crate::api::problem::{ApiError, FieldProblem, Problem};
use crate::api::state::AppState;
use crate::model::registry::Station;
use crate::model::time::utc_text;
use crate::store::readings::{self, BatchOutcome, BatchReceipt, NewBatch};
use crate::store::registry::{self, StationKey};

/// Longest `Signature` header examined (a base64 Ed25519 signature is 88 characters).
const SIGNATURE_HEADER_BYTES_MAX: usize = 256;

/// Post a batch of readings (the station itself, or admin).
#[utoipa::path(tag = "readings", operation_id = "ingest_readings", request_body = ReadingBatchRequest, security(("bearer" = [])),
    params(("Signature" = Option<String>, Header, description = "base64 Ed25519 signature over `basin-ledger/readings/v1\\n<hex SHA-256 of the body>\\n`; required for stations with a key")),
    responses(
        (status = 201, description = "stored", body = BatchReceipt),
        (status = 200, description = "the same batch again: the original receipt", body = BatchReceipt),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/readings")]
pub async fn post_readings(
    state: web::Data<AppState>,
    token: BearerToken,
    request: HttpRequest,
    body: RawBody,
) -> Result<HttpResponse, ApiError> {
    let bytes = body.0;
    // Parsed here, on the request's own thread, but its problems are answered only after the
    // token: a caller who is not authenticated learns nothing of the body (401 first).
    let parsed = parse_json::<BatchBody>(&bytes);
    let station_code = parsed.as_ref().ok().map(|batch| batch.station.clone());
    // The token, the station and its keys are read in one blocking call: at thousands of
    // batches a second the thread hop between two such calls costs more than the reads.
    let found = state
        .run(move |connection| {
            let caller = token.authenticate(connection)?;
            let Some(station_code) = station_code else {
                return Ok(None);
            };
            if !caller.0.is_admin() && !caller.0.is_station(&station_code) {
                return Err(ApiError::Forbidden(format!(
                    "only station {station_code} itself (or an admin) may post its readings"
                )));
            }
            // With its keys, retired ones too.
            Ok(Some(registry::find_station(connection, &station_code)?))
        })
        .await?;
    let batch = parsed?;
    let signature = signature_header(&request)?;
    let station = found
        .flatten()
        .ok_or_else(|| ApiError::invalid_field("/station", "unknown station"))?;
    let body_sha256 = hex::encode(Sha256::digest(&bytes));
    let signed_by = check_signature(&station, &station.keys, signature.as_deref(), &body_sha256)?;
    let now = chrono::Utc::now();
    let new_readings = validate_batch(&batch, &station.section, now).map_err(batch_problem)?;
    let bytes = bytes.to_vec();
    let batch_id = batch.batch_id.clone();
    let outcome = state
        .write(move |connection, log| {
            readings::ingest_batch(
                connection,
                log,
                NewBatch {
                    station: &station.code,
                    batch_id: &batch_id,
                    body: &bytes,
                    body_sha256: &body_sha256,
                    signature: signature.as_deref(),
                    key_id: signed_by.as_deref(),
                    received_at: &utc_text(now),
                    readings: new_readings,
                },
            )
        })
        .await?;
    Ok(match outcome {
        BatchOutcome::Created(receipt) => HttpResponse::Created().json(receipt),
        BatchOutcome::Replayed(receipt) => HttpResponse::Ok().json(receipt),
    })
}

fn signature_header(request: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = request.headers().get("Signature") else {
        return Ok(None);
    };
    let invalid = || {
        ApiError::invalid(vec![FieldProblem::header(
            "Signature",
            "must be a base64 Ed25519 signature",
        )])
    };
    if value.len() > SIGNATURE_HEADER_BYTES_MAX {
        return Err(invalid());
    }
    value
        .to_str()
        .map(|text| Some(text.trim().to_owned()))
        .map_err(|_| invalid())
}

/// A station with keys must sign every batch, whoever posts it, with a key active now (API.md
/// "Keys and rotation"). Returns the id of the key that verified, if the station signs.
fn check_signature(
    station: &Station,
    keys: &[StationKey],
    signature: Option<&str>,
    body_sha256: &str,
) -> Result<Option<String>, ApiError> {
    if keys.is_empty() {
        return Ok(None);
    }
    let Some(signature) = signature else {
        return Err(ApiError::Unauthorized {
            detail: format!(
                "station {} signs its batches: the Signature header is required",
                station.code
            ),
            problem: FieldProblem::header("Signature", "required for this station"),
        });
    };
    let message = basin_audit::messages::readings_message(body_sha256).map_err(|error| {
        ApiError::internal(crate::store::StoreError::Corrupt(error.to_string()))
    })?;
    let mut retired_match = None;
    for key in keys {
        let public_key =
            crate::api::checks::parse_public_key(&key.public_key).map_err(|message| {
                ApiError::internal(crate::store::StoreError::Corrupt(format!(
                    "station key: {message}"
                )))
            })?;
        if basin_audit::messages::verify_signature(&message, &public_key, signature).is_ok() {
            match &key.retired_at {
                None => return Ok(Some(key.key_id.clone())),
                Some(retired_at) => retired_match = Some((&key.key_id, retired_at)),
            }
        }
    }
    let detail = match retired_match {
        Some((key_id, retired_at)) => format!(
            "was made with key {key_id} of station {}, retired at {retired_at}",
            station.code
        ),
        None => format!(
            "does not verify with any active key of station {} over this body",
            station.code
        ),
    };
    Err(ApiError::invalid(vec![FieldProblem::header(
        "Signature",
        detail,
    )]))
}
