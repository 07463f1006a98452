//! The audit log over HTTP (API.md "Audit log"): entries, signed checkpoints, RFC 9162 proofs,
//! tlog-tiles hash tiles and entry bundles, and the ledger's keys. The checkpoint and the keys
//! are public; the rest needs any token.

mod checkpoint;
mod entries;
mod keys;
mod params;
mod proofs;
mod tiles;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(checkpoint::get)
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
