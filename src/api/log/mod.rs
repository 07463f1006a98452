//! The audit log over HTTP (API.md "Audit log"): entries, signed checkpoints, RFC 9162 proofs
//! and the ledger's keys. The checkpoint and the keys are public; the rest needs any token.

mod checkpoint;
mod entries;
mod keys;
mod params;
mod proofs;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(checkpoint::get)
        .service(entries::list)
        .service(entries::get)
        .service(proofs::inclusion)
        .service(proofs::consistency)
        .service(keys::get);
}
