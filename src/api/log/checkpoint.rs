//! `GET /v1/log/checkpoint`: the C2SP signed checkpoint of the log's current size. Public, so
//! that anyone can pin the log's state and later ask for proofs against it.

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};

use crate::api::problem::{ApiError, Problem};
use crate::api::state::AppState;
use crate::model::time::utc_text;
use crate::store::log::checkpoints as log_checkpoints;

/// The signed checkpoint (c2sp.org/tlog-checkpoint) of the current log size.
#[utoipa::path(tag = "log", operation_id = "get_log_checkpoint", responses(
    (status = 200, description = "`<origin>\\n<size>\\n<base64 root>\\n\\n— <origin> <base64(key id ‖ signature)>\\n`",
        body = String, content_type = "text/plain"),
    (status = "5XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/log/checkpoint")]
pub async fn get(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let key = state.ledger_key.clone();
    let checkpoint = state
        .run(move |connection| {
            let signed_at = utc_text(chrono::Utc::now());
            Ok(log_checkpoints::current_checkpoint(
                connection, &key, &signed_at,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        // The log grows at any moment; a cached checkpoint would only be stale.
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(checkpoint.note))
}
