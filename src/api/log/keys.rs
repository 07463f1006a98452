//! `GET /v1/keys`: the ledger's signing key, with which checkpoints and settlements verify.

use actix_web::{get, web, HttpResponse};
use basin_audit::messages::parse_public_key_base64;
use basin_audit::note::{key_id_hex, vkey};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::problem::{ApiError, Problem};
use crate::api::state::AppState;
use crate::store::ledger_keys::{self, LedgerKeyRecord};
use crate::store::StoreError;

/// A ledger signing key.
#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerKeyView {
    /// The log origin, which is also the key's name.
    #[schema(example = "localhost/basin-ledger")]
    pub origin: String,
    /// Lowercase hex of `SHA-256(origin ‖ 0x0A ‖ 0x01 ‖ public key)[:4]`.
    pub key_id: String,
    /// Standard padded base64 of the 32-byte Ed25519 public key.
    pub public_key: String,
    /// C2SP verifier key `<origin>+<key id>+<base64(0x01 ‖ public key)>`.
    pub vkey: String,
    pub valid_from: String,
    /// When the key was retired (retired keys only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerKeys {
    /// The key that signs checkpoints and settlements now.
    pub log: LedgerKeyView,
    /// Earlier keys: signatures they made stay valid.
    pub retired: Vec<LedgerKeyView>,
}

/// The ledger's public keys.
#[utoipa::path(tag = "log", operation_id = "get_keys", responses(
    (status = 200, body = LedgerKeys),
    (status = "5XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/keys")]
pub async fn get(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let records = state
        .run(|connection| Ok(ledger_keys::all(connection)?))
        .await?;
    let public_key = state.ledger_key.public_key_base64();
    let active = records
        .iter()
        .find(|record| record.valid_to.is_none() && record.public_key == public_key)
        .ok_or_else(|| {
            ApiError::from(StoreError::Corrupt(
                "the server's ledger key is not registered as the active key".into(),
            ))
        })?;
    let retired = records
        .iter()
        .filter(|record| record.valid_to.is_some())
        .map(view)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(LedgerKeys {
        log: view(active)?,
        retired,
    }))
}

fn view(record: &LedgerKeyRecord) -> Result<LedgerKeyView, ApiError> {
    let corrupt = |what: &str| {
        ApiError::from(StoreError::Corrupt(format!(
            "ledger key {}: {what}",
            record.key_id
        )))
    };
    let public_key =
        parse_public_key_base64(&record.public_key).map_err(|_| corrupt("bad public key"))?;
    // The key id is derived, not trusted: clients find the signature line by it.
    if key_id_hex(&record.origin, &public_key) != record.key_id {
        return Err(corrupt("stored key id does not match the key"));
    }
    Ok(LedgerKeyView {
        origin: record.origin.clone(),
        key_id: record.key_id.clone(),
        public_key: record.public_key.clone(),
        vkey: vkey(&record.origin, &public_key).map_err(|_| corrupt("bad origin"))?,
        valid_from: record.valid_from.clone(),
        valid_to: record.valid_to.clone(),
    })
}
