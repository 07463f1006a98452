//! Agreements and their versions: admin writes, any token reads. Settlements are issued under
//! `/v1/agreements/{code}/settlements` (see `api::settlements`).

mod handlers;
pub mod validate;

use utoipa_actix_web::service_config::ServiceConfig;

pub use validate::{prepare_agreement, prepare_version, NewAgreement, NewAgreementVersion};

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(handlers::create)
        .service(handlers::add_version)
        .service(handlers::list)
        .service(handlers::get)
        .service(handlers::get_version);
}
