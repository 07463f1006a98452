//! `GET /v1/log/proofs/inclusion` and `GET /v1/log/proofs/consistency` (RFC 9162 §2.1.3 and
//! §2.1.4). The store builds each proof from one snapshot and verifies it before it is served.

use actix_web::{get, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params;
use crate::api::auth::Caller;
use crate::api::problem::{ApiError, Problem};
use crate::api::state::AppState;
use crate::publish::served_note;
use crate::store::log::proofs::{self as log_proofs, ConsistencyRequest, InclusionRequest};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InclusionQuery {
    /// The entry's index.
    #[param(value_type = u64, minimum = 0)]
    pub index: Option<String>,
    /// The tree the proof is for: a published checkpoint's size (default: the newest published).
    #[param(value_type = Option<u64>, minimum = 1)]
    pub tree_size: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InclusionProofView {
    pub index: u64,
    pub tree_size: u64,
    /// The entry's leaf hash, lowercase hex.
    pub leaf_hash: String,
    /// The audit path from the leaf up, lowercase hex (RFC 9162 §2.1.3.1).
    pub hashes: Vec<String>,
    /// The published checkpoint note of exactly `tree_size` (with its cosignatures when the log
    /// is witnessed), whose root the proof leads to.
    pub checkpoint: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsistencyQuery {
    /// The smaller tree size (at least 1).
    #[param(value_type = u64, minimum = 1)]
    pub first: Option<String>,
    /// The larger tree size: a published checkpoint's size (default: the newest published).
    #[param(value_type = Option<u64>, minimum = 1)]
    pub second: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsistencyProofView {
    pub first: u64,
    pub second: u64,
    /// The proof hashes, lowercase hex (RFC 9162 §2.1.4.1).
    pub hashes: Vec<String>,
}

/// Proof that an entry is in the tree of a given size, with that tree's signed checkpoint.
#[utoipa::path(tag = "log", operation_id = "get_inclusion_proof", params(InclusionQuery), security(("bearer" = [])), responses(
    (status = 200, body = InclusionProofView),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
    (status = 500, description = "The stored tree failed its integrity check", body = Problem, content_type = "application/problem+json"),
))]
#[get("/log/proofs/inclusion")]
pub async fn inclusion(
    state: web::Data<AppState>,
    _caller: Caller,
    query: web::Query<InclusionQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = InclusionRequest {
        index: params::required("index", query.index.as_deref())?,
        tree_size: params::optional("tree_size", query.tree_size.as_deref())?,
    };
    let key = state.ledger_key.clone();
    let policy = state.witness_policy.clone();
    let (proof, checkpoint) = state
        .run(move |connection| {
            let proof = log_proofs::inclusion_proof(connection, &key, request)?;
            let note = served_note(connection, policy.as_deref(), &proof.checkpoint)?.ok_or_else(
                || {
                    ApiError::invalid_parameter(
                        "tree_size",
                        format!(
                            "the checkpoint of size {} does not meet the witness policy's quorum",
                            proof.tree_size
                        ),
                    )
                },
            )?;
            Ok((proof, note))
        })
        .await?;
    Ok(HttpResponse::Ok().json(InclusionProofView {
        index: proof.index,
        tree_size: proof.tree_size,
        leaf_hash: hex::encode(proof.leaf_hash),
        hashes: proof.hashes.iter().map(hex::encode).collect(),
        checkpoint,
    }))
}

/// Proof that the tree of size `second` extends the tree of size `first`.
#[utoipa::path(tag = "log", operation_id = "get_consistency_proof", params(ConsistencyQuery), security(("bearer" = [])), responses(
    (status = 200, body = ConsistencyProofView),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
    (status = 500, description = "The stored tree failed its integrity check", body = Problem, content_type = "application/problem+json"),
))]
#[get("/log/proofs/consistency")]
pub async fn consistency(
    state: web::Data<AppState>,
    _caller: Caller,
    query: web::Query<ConsistencyQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = ConsistencyRequest {
        first: params::required("first", query.first.as_deref())?,
        second: params::optional("second", query.second.as_deref())?,
    };
    let key = state.ledger_key.clone();
    let proof = state
        .run(move |connection| Ok(log_proofs::consistency_proof(connection, &key, request)?))
        .await?;
    Ok(HttpResponse::Ok().json(ConsistencyProofView {
        first: proof.first,
        second: proof.second,
        hashes: proof.hashes.iter().map(hex::encode).collect(),
    }))
}
