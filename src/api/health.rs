//! `GET /healthz`: 200 when the database answers, 503 problem+json when it does not.

use actix_web::{get, web, HttpResponse};
use diesel::connection::SimpleConnection;
use serde::Serialize;
use utoipa::ToSchema;

use super::problem::{ApiError, Problem};
use super::state::AppState;
use crate::store::StoreError;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
    /// `sqlite` or `postgresql`.
    pub database: String,
}

#[utoipa::path(tag = "operations", operation_id = "get_health", responses(
    (status = 200, body = Health),
    (status = 503, body = Problem, content_type = "application/problem+json"),
))]
#[get("/healthz")]
pub async fn healthz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state
        .run(|connection| {
            connection
                .batch_execute("SELECT 1")
                .map_err(|error| ApiError::from(StoreError::from(error)))
        })
        .await
        .map_err(|_| ApiError::Unavailable("the database does not answer".into()))?;
    Ok(HttpResponse::Ok().json(Health {
        status: "ok".into(),
        database: state.backend.into(),
    }))
}
