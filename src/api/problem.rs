//! Every error response is `application/problem+json` (RFC 9457). This is the one place where
//! errors become HTTP: 5xx bodies say nothing internal, their cause goes to the log. The
//! conversions from the layers' errors (store, settlements, evaluation) are in [`mapping`].

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::store::StoreError;

mod mapping;

pub use mapping::pointer;

/// Where a problem is: a JSON Pointer into the body, a query parameter or a header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldProblem {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    pub message: String,
}

impl FieldProblem {
    pub fn pointer(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: Some(pointer.into()),
            parameter: None,
            header: None,
            message: message.into(),
        }
    }
    pub fn parameter(parameter: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: None,
            parameter: Some(parameter.into()),
            header: None,
            message: message.into(),
        }
    }
    pub fn header(header: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: None,
            parameter: None,
            header: Some(header.into()),
            message: message.into(),
        }
    }
}

/// The problem document (RFC 9457) with basin-ledger's `errors` extension.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    #[schema(example = "urn:basin-ledger:problem:validation")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{detail}")]
    Unauthorized {
        detail: String,
        problem: FieldProblem,
    },
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{detail}")]
    Conflict {
        detail: String,
        errors: Vec<FieldProblem>,
    },
    #[error("request body exceeds {limit_bytes} bytes")]
    PayloadTooLarge { limit_bytes: usize },
    #[error("{detail}")]
    Unprocessable {
        detail: String,
        errors: Vec<FieldProblem>,
    },
    #[error("rate limit exceeded")]
    TooManyRequests { retry_after_seconds: u64 },
    #[error("the service is unavailable: {0}")]
    Unavailable(String),
    /// Stored data failed its re-verification. The client learns which record; the reason
    /// goes to the log only.
    #[error("{what} failed its integrity check")]
    Integrity {
        what: String,
        #[source]
        cause: StoreError,
    },
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    pub fn invalid(errors: Vec<FieldProblem>) -> Self {
        let detail = match errors.as_slice() {
            [only] => only.message.clone(),
            _ => format!("{} problems in the request", errors.len()),
        };
        Self::Unprocessable { detail, errors }
    }

    pub fn invalid_field(pointer: &str, message: impl Into<String>) -> Self {
        Self::invalid(vec![FieldProblem::pointer(pointer, message)])
    }

    pub fn invalid_parameter(parameter: &str, message: impl Into<String>) -> Self {
        Self::invalid(vec![FieldProblem::parameter(parameter, message)])
    }

    pub fn internal(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Internal(Box::new(error))
    }

    fn slug(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "malformed-request",
            Self::Unauthorized { .. } => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not-found",
            Self::Conflict { .. } => "conflict",
            Self::PayloadTooLarge { .. } => "payload-too-large",
            Self::Unprocessable { .. } => "validation",
            Self::TooManyRequests { .. } => "rate-limited",
            Self::Unavailable(_) => "unavailable",
            Self::Integrity { .. } => "integrity",
            Self::Internal(_) => "internal",
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let errors = match self {
            Self::Unauthorized { problem, .. } => vec![problem.clone()],
            Self::Conflict { errors, .. } | Self::Unprocessable { errors, .. } => errors.clone(),
            _ => Vec::new(),
        };
        Problem {
            problem_type: format!("urn:basin-ledger:problem:{}", self.slug()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: match self {
                Self::Internal(_) => "an internal error occurred; it has been logged".to_owned(),
                Self::Integrity { what, .. } => format!(
                    "{what} failed its integrity check: the stored data is corrupt, so it is \
                     not served; the error has been logged"
                ),
                other => other.to_string(),
            },
            errors,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Integrity { .. } | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) => tracing::error!(error = %cause, "request failed"),
            Self::Integrity { cause, .. } => {
                tracing::error!(error = %cause, "stored data is corrupt");
            }
            Self::Unavailable(detail) => tracing::warn!(%detail, "request failed"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if let Self::TooManyRequests {
            retry_after_seconds,
        } = self
        {
            response.insert_header((header::RETRY_AFTER, retry_after_seconds.to_string()));
        }
        if let Self::Unauthorized { .. } = self {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.json(self.problem())
    }
}
