//! `GET /v1/log/tile/<L>/<N>[.p/<W>]`, `GET /v1/log/tile/entries/<N>[.p/<W>]` and
//! `GET /v1/log/evidence/<N>[.p/<W>]`: the log as C2SP tlog-tiles hash tiles and entry bundles,
//! with the batch evidence beside them, for the sizes the newest signed checkpoint
//! covers. Full tiles never change and are cacheable for a year; partial ones are not cached.
//!
//! `<N>` spans several path segments (`x001/x234/067`), so each route takes the rest of the
//! path and the pure crate's strict parser decides; a malformed path is a 422 naming `level` or
//! `index`, a well-formed one the checkpoint does not cover a 404.

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use basin_audit::tile::{Tile, TileIndex, TilePathError};
use utoipa::ToSchema;

use crate::api::log::access::LogReader;
use crate::api::problem::{ApiError, Problem};
use crate::api::state::AppState;
use crate::store::log::evidence as log_evidence;
use crate::store::log::tiles as log_tiles;

/// `Cache-Control` of a full tile or bundle: its bytes never change.
const CACHE_FULL: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of a partial one: a later checkpoint serves a wider tile instead.
const CACHE_PARTIAL: &str = "no-cache";

/// Raw bytes (`application/octet-stream`): a hash tile or an entry bundle.
// Only the schema is used: handlers send the bytes themselves.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct TileBytes(Vec<u8>);

/// A hash tile: the 256 (or `W`) consecutive hashes of tree level `8·L`, 32 bytes each.
///
/// At level 0 they are leaf hashes; above, each is the root of a full tile of the level below.
#[utoipa::path(tag = "log", operation_id = "get_log_tile",
    params(
        ("level" = String, Path, description = "The tile level `L`: 0 to 63, without leading zeros", example = "0"),
        ("index" = String, Path, description = "The tile index `N` in 3-digit path elements, all but the last starting with `x` (1234067 is `x001/x234/067`), then `.p/<W>` (1 to 255) for a partial tile", example = "x001/067.p/12"),
    ),
    security(("bearer" = [])), responses(
    (status = 200, description = "The tile's hashes, concatenated", body = TileBytes, content_type = "application/octet-stream"),
    (status = "4XX", description = "A malformed path (422), or a tile the newest signed checkpoint does not cover (404)", body = Problem, content_type = "application/problem+json"),
    (status = 500, description = "A stored tree node failed its integrity check", body = Problem, content_type = "application/problem+json"),
))]
#[get("/log/tile/{level}/{index:.*}")]
pub async fn hash_tile(
    state: web::Data<AppState>,
    _reader: LogReader,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (level, index) = path.into_inner();
    let tile = Tile::parse(&format!("{level}/{index}")).map_err(path_problem)?;
    let key = state.ledger_key.clone();
    let bytes = state
        .run(move |connection| Ok(log_tiles::hash_tile(connection, &key, tile)?))
        .await?;
    Ok(tile_response(tile.position(), bytes))
}

/// An entry bundle: 256 (or `W`) entries, each a big-endian `u16` length and its leaf bytes.
///
/// The leaf bytes are exactly those whose RFC 6962 leaf hashes the level-0 tile of the same
/// index holds.
#[utoipa::path(tag = "log", operation_id = "get_log_entry_bundle",
    params(
        ("index" = String, Path, description = "The bundle index `N` in 3-digit path elements, all but the last starting with `x`, then `.p/<W>` (1 to 255) for a partial bundle", example = "001.p/12"),
    ),
    security(("bearer" = [])), responses(
    (status = 200, description = "The entries, each after its length", body = TileBytes, content_type = "application/octet-stream"),
    (status = "4XX", description = "A malformed path (422), or a bundle the newest signed checkpoint does not cover (404)", body = Problem, content_type = "application/problem+json"),
    (status = 500, description = "A stored entry failed its integrity check", body = Problem, content_type = "application/problem+json"),
))]
#[get("/log/tile/entries/{index:.*}")]
pub async fn entry_bundle(
    state: web::Data<AppState>,
    _reader: LogReader,
    index: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let bundle = TileIndex::parse(&index).map_err(path_problem)?;
    let key = state.ledger_key.clone();
    let bytes = state
        .run(move |connection| Ok(log_tiles::entry_bundle(connection, &key, bundle)?))
        .await?;
    Ok(tile_response(bundle, bytes))
}

/// An evidence bundle: for every `readings.batch` entry among the same 256 (or `W`) entries as
/// the entry bundle of that index, its batch body bytes and station signature.
///
/// Binary, one record per batch entry in ascending log index, nothing before, between or
/// after: the entry's index (big-endian `u64`); the signature's length (big-endian `u16`, 0
/// for an unsigned batch) and its base64 text; the body's length (big-endian `u32`) and the
/// exact body bytes, whose SHA-256 is the entry's `body_sha256`. A bundle of entries without
/// batches is empty.
#[utoipa::path(tag = "log", operation_id = "get_log_evidence_bundle",
    params(
        ("index" = String, Path, description = "The bundle index `N` in 3-digit path elements, all but the last starting with `x`, then `.p/<W>` (1 to 255) for a partial bundle", example = "001.p/12"),
    ),
    security(("bearer" = [])), responses(
    (status = 200, description = "The batch evidence records", body = TileBytes, content_type = "application/octet-stream"),
    (status = "4XX", description = "A malformed path (422), or entries the newest signed checkpoint does not cover (404)", body = Problem, content_type = "application/problem+json"),
    (status = 500, description = "A stored batch failed its integrity check", body = Problem, content_type = "application/problem+json"),
))]
#[get("/log/evidence/{index:.*}")]
pub async fn evidence_bundle(
    state: web::Data<AppState>,
    _reader: LogReader,
    index: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let bundle = TileIndex::parse(&index).map_err(path_problem)?;
    let key = state.ledger_key.clone();
    let bytes = state
        .run(move |connection| Ok(log_evidence::evidence_bundle(connection, &key, bundle)?))
        .await?;
    Ok(tile_response(bundle, bytes))
}

fn path_problem(error: TilePathError) -> ApiError {
    let parameter = match error {
        TilePathError::Level => "level",
        TilePathError::Index | TilePathError::IndexTooLarge | TilePathError::Width => "index",
    };
    ApiError::invalid_parameter(parameter, error.to_string())
}

fn tile_response(position: TileIndex, bytes: Vec<u8>) -> HttpResponse {
    let cache = if position.is_full() {
        CACHE_FULL
    } else {
        CACHE_PARTIAL
    };
    HttpResponse::Ok()
        .content_type("application/octet-stream")
        .insert_header((header::CACHE_CONTROL, cache))
        .body(bytes)
}
