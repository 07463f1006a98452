//! `GET /v1/log/entries` and `GET /v1/log/entries/{index}`: entries with their exact leaf
//! bytes, each re-verified by the store as it is read.

use actix_web::{get, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params;
use crate::api::auth::Caller;
use crate::api::pagination::{decode_cursor, encode_cursor, parse_limit, ListResponse};
use crate::api::problem::{ApiError, Problem};
use crate::api::state::AppState;
use crate::store::log::entries::{self as log_entries, VerifiedEntry};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntriesQuery {
    /// The first index to return (default 0).
    #[param(value_type = Option<u64>, minimum = 0)]
    pub start: Option<String>,
    /// Entries per page: 1 to 1000 (larger values are clamped), default 100.
    #[param(value_type = Option<u32>, minimum = 1)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page, instead of `start`.
    #[param(max_length = 512, pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

/// One audit-log entry. `leaf` is the exact byte string whose hash is the Merkle leaf.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogEntryView {
    pub index: u64,
    #[schema(example = "section.created")]
    pub kind: String,
    #[schema(example = "2025-07-01T00:00:00Z")]
    pub time: String,
    /// Leaf hash of the previous entry in lowercase hex (64 zeros for entry 0).
    pub prev: String,
    /// The entry's body; its members depend on `kind` (API.md "Audit log").
    #[schema(value_type = BTreeMap<String, serde_json::Value>)]
    pub body: serde_json::Value,
    /// The leaf bytes: RFC 8785 canonical JSON of `{index, kind, time, prev, body}`.
    pub leaf: String,
    /// `SHA-256(0x00 ‖ leaf)` in lowercase hex (RFC 6962 §2.1).
    pub leaf_hash: String,
}

impl From<VerifiedEntry> for LogEntryView {
    fn from(verified: VerifiedEntry) -> Self {
        let entry = verified.entry;
        Self {
            index: entry.index,
            kind: entry.kind,
            time: entry.time,
            prev: hex::encode(entry.prev),
            body: entry.body,
            leaf: verified.leaf,
            leaf_hash: hex::encode(verified.leaf_hash),
        }
    }
}

/// Log entries in index order, from `start` (or a cursor).
#[utoipa::path(tag = "log", operation_id = "list_log_entries", params(EntriesQuery), security(("bearer" = [])), responses(
    (status = 200, body = ListResponse<LogEntryView>),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
    (status = 500, description = "A stored entry failed its integrity check", body = Problem, content_type = "application/problem+json"),
))]
#[get("/log/entries")]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Caller,
    query: web::Query<EntriesQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = parse_limit(query.limit.as_deref())?;
    let start = match (&query.start, &query.cursor) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_parameter(
                "cursor",
                "give either start or cursor, not both",
            ))
        }
        (_, Some(cursor)) => params::parse_position(&decode_cursor(cursor)?).ok_or_else(|| {
            ApiError::invalid_parameter("cursor", "is not a cursor this server issued")
        })?,
        (start, None) => params::optional("start", start.as_deref())?.unwrap_or(0),
    };
    let page = state
        .run(move |connection| Ok(log_entries::list_entries(connection, start, limit)?))
        .await?;
    let next_cursor = page
        .next_after
        .map(|last| encode_cursor(&last.saturating_add(1).to_string()));
    Ok(HttpResponse::Ok().json(ListResponse {
        items: page
            .items
            .into_iter()
            .map(LogEntryView::from)
            .collect::<Vec<_>>(),
        next_cursor,
    }))
}

/// One log entry.
#[utoipa::path(tag = "log", operation_id = "get_log_entry", params(("index" = u64, Path, description = "The entry's index")),
    security(("bearer" = [])), responses(
    (status = 200, body = LogEntryView),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
    (status = 500, description = "The stored entry failed its integrity check", body = Problem, content_type = "application/problem+json"),
))]
#[get("/log/entries/{index}")]
pub async fn get(
    state: web::Data<AppState>,
    _caller: Caller,
    index: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let index = params::parse_position(&index)
        .ok_or_else(|| ApiError::NotFound(format!("no log entry {:?}", index.as_str())))?;
    let entry = state
        .run(move |connection| Ok(log_entries::get_entry(connection, index)?))
        .await?;
    Ok(HttpResponse::Ok().json(LogEntryView::from(entry)))
}
