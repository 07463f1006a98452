//! The audit log over HTTP (API.md "Audit log"): entries, signed checkpoints, RFC 9162 proofs,
//! tlog-tiles hash tiles and entry bundles, the witness policy and the ledger's keys. The
//! checkpoint, the policy and the keys are public; tiles are public with `LOG_READ=public`
//! (`access`); the rest needs any token.

pub mod access;
mod checkpoint;
mod entries;
mod keys;
mod params;
mod policy;
mod proofs;
mod tiles;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(checkpoint::get)
        .service(policy::get)
        .service(entries::list)
        .service(entries::get)
        .service(proofs::inclusion)
        .service(proofs::consistency)
        // Before the hash tiles, whose `{level}` would also match `entries`.
        .service(tiles::entry_bundle)
        .service(tiles::hash_tile)
        .service(tiles::evidence_bundle)
        .service(keys::get);
}
