//! The one mapping from the layers' errors to [`ApiError`]: exhaustive over the store's errors
//! (so a new variant must be placed), opaque for 5xx, and the only place that turns the store's
//! typed fields into JSON Pointers into the request body.

use basin_domain::evaluation::EvaluationError;

use super::{ApiError, FieldProblem};
use crate::store::error::{Field, ReadingField};
use crate::store::settlements::SettlementError;
use crate::store::StoreError;

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Duplicate { .. } => Self::Conflict {
                detail: error.to_string(),
                errors: Vec::new(),
            },
            StoreError::Conflict(detail) => Self::Conflict {
                detail,
                errors: Vec::new(),
            },
            StoreError::Conflicting { field, message } => Self::Conflict {
                detail: message.clone(),
                errors: vec![FieldProblem::pointer(pointer(field), message)],
            },
            StoreError::Invalid { field, message } => Self::invalid_field(&pointer(field), message),
            StoreError::NotFound { .. } => Self::NotFound(error.to_string()),
            StoreError::UnknownReference {
                ref field,
                what,
                ref code,
            } => Self::invalid_field(&pointer(*field), format!("unknown {what} {code:?}")),
            StoreError::Pool(_) | StoreError::Connect(_) | StoreError::Unavailable(_) => {
                Self::Unavailable("the database is unreachable".into())
            }
            StoreError::WriteQueueFull { .. } => {
                Self::Unavailable("too many writes are waiting; retry shortly".into())
            }
            StoreError::InvalidParameter {
                parameter,
                ref message,
            } => Self::invalid_parameter(parameter, message.clone()),
            StoreError::Integrity { ref what, .. } => Self::Integrity {
                what: what.clone(),
                cause: error,
            },
            StoreError::Migration(_)
            | StoreError::Database(_)
            | StoreError::Corrupt(_)
            | StoreError::GroupFailed(_) => Self::internal(error),
        }
    }
}

/// Where a field the store names sits in the request body (RFC 6901 JSON Pointer). This is the
/// one place that knows the request bodies' shape on the store's behalf.
pub fn pointer(field: Field) -> String {
    let name = match field {
        Field::Code => "code",
        Field::Parent => "parent",
        Field::Basin => "basin",
        Field::Section => "section",
        Field::Upstream => "upstream",
        Field::Downstream => "downstream",
        Field::PublicKey => "public_key",
        Field::KeyId => "key_id",
        Field::Signature => "signature",
        Field::Jurisdiction => "jurisdiction",
        Field::EffectiveFrom => "effective_from",
        Field::Period => "period",
        Field::AmountFen => "amount_fen",
        Field::PaidAt => "paid_at",
        Field::BatchId => "batch_id",
        Field::SupersededSettlement => "supersedes/settlement_id",
        Field::Reading { position, field } => {
            let name = match field {
                ReadingField::SampledAt => "sampled_at",
                ReadingField::Revises => "revises",
            };
            return format!("/readings/{position}/{name}");
        }
    };
    format!("/{name}")
}

impl From<SettlementError> for ApiError {
    fn from(error: SettlementError) -> Self {
        match error {
            SettlementError::Store(error) => error.into(),
            SettlementError::Evaluation(error) => error.into(),
        }
    }
}

/// Evaluation refusals concern the period asked for: missing data (one problem per section and
/// parameter, naming the months), a period of the wrong kind, or numbers beyond exact arithmetic.
impl From<EvaluationError> for ApiError {
    fn from(error: EvaluationError) -> Self {
        match error {
            EvaluationError::Incomplete(missing) => {
                let errors = missing
                    .iter()
                    .map(|item| FieldProblem::pointer("/period", item.to_string()))
                    .collect();
                Self::Unprocessable {
                    detail: format!(
                        "the period cannot be settled: data are missing for {} series (section and parameter)",
                        missing.len()
                    ),
                    errors,
                }
            }
            EvaluationError::BelowDetectionRefused(refused) => Self::Unprocessable {
                detail: format!(
                    "the period cannot be settled: the agreement refuses values below the detection limit, and {} series (section and parameter) have some",
                    refused.len()
                ),
                errors: refused
                    .iter()
                    .map(|item| FieldProblem::pointer("/period", item.below_limit_text()))
                    .collect(),
            },
            other => Self::invalid_field("/period", other.to_string()),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        Self::internal(error)
    }
}
