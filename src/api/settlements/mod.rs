//! Settlements: issued under an agreement (admin or a bureau of either party), read by anyone,
//! acknowledged, disputed and paid by the parties.

mod issue;
mod lifecycle;
mod query;
mod receipt;
mod verification;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(issue::issue)
        .service(query::list)
        .service(query::get)
        .service(lifecycle::acknowledge)
        .service(lifecycle::dispute)
        .service(lifecycle::pay)
        .service(verification::verification)
        .service(receipt::receipt);
}

/// Settlement ids in paths are decimal digits; anything else names no settlement.
fn settlement_id(text: &str) -> Result<i64, crate::api::problem::ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            crate::api::problem::ApiError::NotFound(format!("settlement {text} not found"))
        })
}
