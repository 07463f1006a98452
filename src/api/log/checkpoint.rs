//! `GET /v1/log/checkpoint`: the newest published checkpoint. Public, so that anyone can pin the
//! log's state and later ask for proofs against it. The server signs checkpoints as the log
//! grows (`crate::publish`); this only reads. With a witness policy the note also carries the
//! witnesses' cosignatures, which meet the policy's quorum.

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};

use crate::api::problem::{ApiError, Problem};
use crate::api::state::AppState;
use crate::publish::published_note;

/// The newest published checkpoint (c2sp.org/tlog-checkpoint), with its cosignatures.
#[utoipa::path(tag = "log", operation_id = "get_log_checkpoint", responses(
    (status = 200, description = "`<origin>\\n<size>\\n<base64 root>\\n\\n— <origin> <base64(key id ‖ signature)>\\n`, then one \
        `— <witness> <base64(key id ‖ timestamp ‖ signature)>\\n` line per cosignature (c2sp.org/tlog-cosignature) when the log is witnessed",
        body = String, content_type = "text/plain"),
    (status = 503, description = "No checkpoint is published yet (with a witness policy: none has met the quorum yet)",
        body = Problem, content_type = "application/problem+json"),
    (status = 500, description = "The stored checkpoint failed its integrity check", body = Problem, content_type = "application/problem+json"),
))]
#[get("/log/checkpoint")]
pub async fn get(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let key = state.ledger_key.clone();
    let policy = state.witness_policy.clone();
    let published = state
        .run(move |connection| Ok(published_note(connection, &key, policy.as_deref())?))
        .await?;
    let (_, note) = published.ok_or_else(|| {
        ApiError::Unavailable(if state.witness_policy.is_some() {
            "no checkpoint has met the witness policy's quorum yet".to_owned()
        } else {
            "no checkpoint is published yet".to_owned()
        })
    })?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        // The log grows at any moment; a cached checkpoint would only be stale.
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(note))
}
