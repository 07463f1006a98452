//! `GET /v1/log/policy`: the witness policy (c2sp.org/tlog-policy) the ledger publishes under,
//! as the file reads. Public like the checkpoint, so verifiers can pin the same quorum.

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};

use crate::api::problem::{ApiError, Problem};
use crate::api::state::AppState;

/// The witness policy text: `log`, `witness`, `group` and `quorum` lines.
#[utoipa::path(tag = "log", operation_id = "get_log_policy", responses(
    (status = 200, description = "The policy file (c2sp.org/tlog-policy)", body = String, content_type = "text/plain"),
    (status = 404, description = "The log is not witnessed: no policy is configured", body = Problem, content_type = "application/problem+json"),
))]
#[get("/log/policy")]
pub async fn get(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let policy = state
        .witness_policy
        .as_ref()
        .ok_or_else(|| ApiError::NotFound("this ledger has no witness policy".to_owned()))?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(policy.text.clone()))
}
