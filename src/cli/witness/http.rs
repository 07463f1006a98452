//! `POST /add-checkpoint` (c2sp.org/tlog-witness): reads at most 64 KiB, lets the pure core
//! decide, stores the new tree in one transaction and answers with the cosignature line.
//! Every refusal is `text/plain` naming the reason; a 409 is the stored size and a newline,
//! `text/x.tlog.size`. Database failures are a 500 that says nothing internal.

use std::sync::Arc;

use actix_web::http::header::{self, ContentType};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use basin_audit::note::cosignature_line;
use basin_audit::witness::{
    verify_submission, AddCheckpointRequest, WitnessError, WitnessedLogs, REQUEST_BODY_BYTES_MAX,
};
use ed25519_dalek::SigningKey;
use futures_util::StreamExt;

use super::store::{CosignError, WitnessStore};

/// The 409 body's media type (tlog-witness).
pub const TLOG_SIZE_CONTENT_TYPE: &str = "text/x.tlog.size";

/// What every request needs: the witness's name and key, the logs it knows, its database,
/// and the clock (seconds since the Epoch), which tests may replace.
#[derive(Clone)]
pub struct WitnessState {
    pub name: String,
    pub signing_key: Arc<SigningKey>,
    pub logs: Arc<WitnessedLogs>,
    pub store: WitnessStore,
    pub clock: fn() -> u64,
}

/// The current time for a cosignature's timestamp.
pub fn system_clock() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(1)
}

/// Registers the witness's routes.
pub fn configure(state: WitnessState) -> impl FnOnce(&mut web::ServiceConfig) {
    move |config| {
        config
            .app_data(web::Data::new(state))
            .route("/add-checkpoint", web::post().to(add_checkpoint));
    }
}

async fn add_checkpoint(
    state: web::Data<WitnessState>,
    request: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let body = match read_body(&request, payload).await {
        Ok(body) => body,
        Err(error) => return refusal(&error),
    };
    let submission = match AddCheckpointRequest::parse(&body)
        .and_then(|parsed| verify_submission(parsed, &state.logs))
    {
        Ok(submission) => submission,
        Err(error) => return refusal(&error),
    };
    let store = state.store.clone();
    let origin = submission.checkpoint.origin.clone();
    let checked = submission.clone();
    let stored = web::block(move || store.advance(&origin, |stored| checked.advance(stored))).await;
    match stored {
        Ok(Ok(_)) => {}
        Ok(Err(CosignError::Refused(error))) => {
            if matches!(error, WitnessError::Inconsistent(_)) {
                // A validly signed checkpoint that does not extend the cosigned tree may be
                // evidence of a split view (tlog-witness allows logging it): the operator
                // should see it, with the note that proves it.
                tracing::warn!(
                    origin = %submission.checkpoint.origin,
                    old_size = submission.old_size,
                    size = submission.checkpoint.size,
                    reason = %error,
                    note = %request_note(&body),
                    "witness: refused a signed checkpoint inconsistent with the cosigned tree"
                );
            }
            return refusal(&error);
        }
        Ok(Err(CosignError::Store(error))) => return internal_error(&error),
        Err(error) => return internal_error(&error),
    }
    // Signed after the commit: a cosignature is only ever returned for a stored tree.
    match cosignature_line(
        &submission.checkpoint_text,
        &state.name,
        &state.signing_key,
        (state.clock)(),
    ) {
        Ok(line) => HttpResponse::Ok()
            .insert_header(ContentType::plaintext())
            .body(line),
        Err(error) => internal_error(&error),
    }
}

/// The checkpoint note of a body that parsed once already, for the operator's log.
fn request_note(body: &[u8]) -> String {
    AddCheckpointRequest::parse(body)
        .map(|request| request.note)
        .unwrap_or_default()
}

/// Reads the body, refusing one whose declared or actual length is over the limit before
/// reading more of it than the limit.
async fn read_body(
    request: &HttpRequest,
    mut payload: web::Payload,
) -> Result<web::BytesMut, WitnessError> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > REQUEST_BODY_BYTES_MAX as u64) {
        return Err(WitnessError::TooLarge);
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| WitnessError::Malformed("the body could not be read"))?;
        if body.len() + chunk.len() > REQUEST_BODY_BYTES_MAX {
            return Err(WitnessError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The one mapping from a refusal to its status (tlog-witness, add-checkpoint).
fn status(error: &WitnessError) -> StatusCode {
    match error {
        WitnessError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        WitnessError::Malformed(_)
        | WitnessError::MalformedNote(_)
        | WitnessError::OldAboveSize { .. } => StatusCode::BAD_REQUEST,
        WitnessError::BadSignature(_) => StatusCode::FORBIDDEN,
        WitnessError::UnknownOrigin(_) => StatusCode::NOT_FOUND,
        WitnessError::StaleOldSize { .. } => StatusCode::CONFLICT,
        WitnessError::Inconsistent(_) => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

fn refusal(error: &WitnessError) -> HttpResponse {
    let mut response = HttpResponse::build(status(error));
    match error {
        WitnessError::StaleOldSize { stored, .. } => response
            .insert_header((header::CONTENT_TYPE, TLOG_SIZE_CONTENT_TYPE))
            .body(format!("{stored}\n")),
        other => response
            .insert_header(ContentType::plaintext())
            .body(format!("{other}\n")),
    }
}

fn internal_error(error: &dyn std::error::Error) -> HttpResponse {
    tracing::error!(error = %error, "witness: add-checkpoint failed");
    HttpResponse::InternalServerError()
        .insert_header(ContentType::plaintext())
        .body("internal error\n")
}
