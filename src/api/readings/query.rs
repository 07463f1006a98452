//! Reading queries, the stored batch evidence and invalidations.

use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::auth::Caller;
use crate::api::checks::Checks;
use crate::api::json::JsonBody;
use crate::api::pagination::{decode_cursor, encode_cursor, parse_limit, ListResponse};
use crate::api::problem::{ApiError, Problem};
use crate::api::readings::validate::ReadingBatchRequest;
use crate::api::schemas::{ParameterName, ReadingStatus, ValueFlagLetter, ValueText};
use crate::api::state::AppState;
use crate::model::time::utc_text;
use crate::store::page::PageRequest;
use crate::store::readings::{self, StoredReading};
use crate::store::registry;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadingsQuery {
    /// Inclusive start, RFC 3339.
    #[param(
        format = DateTime
    )]
    pub from: Option<String>,
    /// Exclusive end, RFC 3339.
    #[param(
        format = DateTime
    )]
    pub to: Option<String>,
    /// Items per page: 1 to 1000 (larger values are clamped), default 100.
    #[param(value_type = Option<u32>, minimum = 1)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(max_length = 512, pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Invalidation {
    pub jurisdiction: String,
    pub reason: String,
    pub at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Reading {
    pub id: i64,
    pub section: String,
    pub station: String,
    pub sampled_at: String,
    /// Parameter code → the value exactly as sent (`0.270`, or `<0.02` below the detection limit).
    #[schema(value_type = BTreeMap<ParameterName, ValueText>)]
    pub values: serde_json::Value,
    /// Parameter code → HJ 212 flag letter, exactly as sent; absent when the reading has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<BTreeMap<ParameterName, ValueFlagLetter>>)]
    pub flags: Option<serde_json::Value>,
    #[schema(value_type = ReadingStatus)]
    pub status: String,
    pub reason: Option<String>,
    pub batch_id: String,
    pub revises: Option<i64>,
    pub superseded_by: Option<i64>,
    pub invalidated: bool,
    pub invalidation: Option<Invalidation>,
}

impl Reading {
    pub fn from_stored(stored: StoredReading) -> Result<Self, ApiError> {
        let values = serde_json::from_str(&stored.values_json).map_err(ApiError::internal)?;
        let flags = stored
            .flags_json
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(ApiError::internal)?;
        let invalidation = match (
            stored.invalidated_at,
            stored.invalidated_by,
            stored.invalidation_reason,
        ) {
            (Some(at), Some(jurisdiction), Some(reason)) => Some(Invalidation {
                jurisdiction,
                reason,
                at,
            }),
            _ => None,
        };
        Ok(Self {
            id: stored.id,
            section: stored.section,
            station: stored.station,
            sampled_at: stored.sampled_at,
            values,
            flags,
            status: stored.status,
            reason: stored.reason,
            batch_id: stored.batch_id,
            revises: stored.revises,
            superseded_by: stored.superseded_by,
            invalidated: invalidation.is_some(),
            invalidation,
        })
    }
}

fn time_parameter(name: &str, text: Option<&str>) -> Result<Option<String>, ApiError> {
    text.map(|text| {
        chrono::DateTime::parse_from_rfc3339(text)
            .map(|instant| utc_text(instant.with_timezone(&chrono::Utc)))
            .map_err(|_| {
                ApiError::invalid_parameter(name, "must be an RFC 3339 time with an offset")
            })
    })
    .transpose()
}

fn reading_cursor(text: &str) -> Result<(String, i64), ApiError> {
    let decoded = decode_cursor(text)?;
    decoded
        .split_once('|')
        .and_then(|(sampled_at, id)| Some((sampled_at.to_owned(), id.parse().ok()?)))
        .ok_or_else(|| ApiError::invalid_parameter("cursor", "is not a cursor this server issued"))
}

/// Readings of a section in `[from, to)`, ordered by sampling time and id (all statuses).
#[utoipa::path(tag = "readings", operation_id = "list_section_readings", params(ReadingsQuery), security(("bearer" = [])), responses(
    (status = 200, body = ListResponse<Reading>),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/sections/{code}/readings")]
pub async fn section_readings(
    state: web::Data<AppState>,
    _caller: Caller,
    code: web::Path<String>,
    query: web::Query<ReadingsQuery>,
) -> Result<HttpResponse, ApiError> {
    let from = time_parameter("from", query.from.as_deref())?;
    let to = time_parameter("to", query.to.as_deref())?;
    let request = PageRequest {
        limit: parse_limit(query.limit.as_deref())?,
        after: query.cursor.as_deref().map(reading_cursor).transpose()?,
    };
    let code = code.into_inner();
    let page = state
        .read(move |connection| {
            registry::get_section(connection, &code)?;
            Ok(readings::section_readings(
                connection,
                &code,
                from.as_deref(),
                to.as_deref(),
                &request,
            )?)
        })
        .await?;
    let items = page
        .items
        .into_iter()
        .map(Reading::from_stored)
        .collect::<Result<Vec<_>, _>>()?;
    let next_cursor = page
        .next_after
        .map(|(sampled_at, id)| encode_cursor(&format!("{sampled_at}|{id}")));
    Ok(HttpResponse::Ok().json(ListResponse { items, next_cursor }))
}

/// The batch body exactly as received, with the station's signature in the `Signature` header.
#[utoipa::path(tag = "readings", operation_id = "get_batch_body", security(("bearer" = [])), responses(
    (status = 200, description = "The batch's body: byte for byte the request body the ledger accepted (a JSON batch as `POST /v1/readings` takes it), whose SHA-256 is the `body_sha256` of its `readings.batch` log entry. Hash these bytes as received; re-serialising the parsed JSON changes them.",
        content_type = "application/json", body = ReadingBatchRequest,
        headers(("Signature" = String, description = "The station's base64 Ed25519 signature of the batch, when it sent one"))),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/stations/{code}/batches/{batch_id}")]
pub async fn batch_body(
    state: web::Data<AppState>,
    _caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (station, batch_id) = path.into_inner();
    let (body, signature) = state
        .run(move |connection| Ok(readings::batch_body(connection, &station, &batch_id)?))
        .await?;
    let mut response = HttpResponse::Ok();
    response.content_type("application/json");
    if let Some(signature) = signature {
        response.insert_header(("Signature", signature));
    }
    Ok(response.body(body))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvalidationRequest {
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
        example = "instrument drift found at calibration"
    )]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvalidationReceipt {
    pub reading_id: i64,
    pub log_index: u64,
}

/// Invalidate a reading (a bureau of either side of its section, or admin): kept, never counted.
#[utoipa::path(tag = "readings", operation_id = "invalidate_reading", request_body = InvalidationRequest, security(("bearer" = [])), responses(
    (status = 201, body = InvalidationReceipt),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[post("/readings/{id}/invalidations")]
pub async fn invalidate(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: JsonBody<InvalidationRequest>,
) -> Result<HttpResponse, ApiError> {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::NotFound(format!("reading {id} not found")))?;
    let mut checks = Checks::default();
    checks.text("/reason", &body.value.reason);
    checks.finish()?;
    let reading = state
        .run(move |connection| Ok(readings::get_reading(connection, id)?))
        .await?;
    let section_code = reading.section.clone();
    let section = state
        .run(move |connection| Ok(registry::get_section(connection, &section_code)?))
        .await?;
    caller.require_admin_or_bureau_of(&[&section.upstream, &section.downstream])?;
    let jurisdiction = caller.0.subject.clone().filter(|_| !caller.0.is_admin());
    let reason = body.value.reason.clone();
    let log_index = state
        .write(move |connection, log| {
            readings::invalidate_reading(
                connection,
                log,
                id,
                jurisdiction.as_deref(),
                &reason,
                &utc_text(chrono::Utc::now()),
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(InvalidationReceipt {
        reading_id: id,
        log_index,
    }))
}
