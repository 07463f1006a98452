//! Readings: signed, idempotent station batches; queries; invalidations; assessment.

mod assessment;
mod ingest;
mod query;
pub mod validate;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(ingest::post_readings)
        .service(query::section_readings)
        .service(query::batch_body)
        .service(query::invalidate)
        .service(assessment::assessment);
}
