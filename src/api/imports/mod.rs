//! `POST /v1/imports/cnemc` (admin): the same importer as `basin-ledger import cnemc`, over HTTP.

use actix_multipart::Multipart;
use actix_web::{post, web, HttpResponse};
use futures_util::StreamExt;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::api::auth::Caller;
use crate::api::problem::{ApiError, Problem};
use crate::api::state::AppState;
use crate::import::cnemc::{import_cnemc, ImportError, ImportOptions, ImportSummary};

/// Largest uploaded file (or map) accepted, in bytes.
pub const IMPORT_FILE_BYTES_MAX: usize = 32 * 1024 * 1024;
/// Largest small text field (`year`, `revise`) accepted, in bytes.
const FORM_FIELD_BYTES_MAX: usize = 64;

pub fn configure(config: &mut ServiceConfig) {
    config.service(import_cnemc_file);
}

/// The multipart form of an import.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CnemcImportForm {
    /// The published CSV or JSON day file.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// CSV `province,name,station` mapping published stations to station codes.
    #[schema(value_type = String, format = Binary)]
    map: Vec<u8>,
    /// Year of rows when the file has no date column.
    year: Option<i32>,
    /// `true` to revise stored readings that a re-publication changed.
    revise: Option<bool>,
}

#[derive(Default)]
struct Form {
    file: Option<Vec<u8>>,
    map: Option<Vec<u8>>,
    year: Option<String>,
    revise: Option<String>,
}

/// Import a file of the national monitoring system (admin).
#[utoipa::path(tag = "readings", operation_id = "import_cnemc_file", request_body(content = CnemcImportForm, content_type = "multipart/form-data"),
    security(("bearer" = [])), responses(
        (status = 200, body = ImportSummary),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/imports/cnemc")]
pub async fn import_cnemc_file(
    state: web::Data<AppState>,
    caller: Caller,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    caller.require_admin()?;
    let form = read_form(multipart).await?;
    let file = form
        .file
        .ok_or_else(|| ApiError::invalid_field("/file", "the form needs a file part"))?;
    let map = form
        .map
        .ok_or_else(|| ApiError::invalid_field("/map", "the form needs a map part"))?;
    let year = form
        .year
        .map(|text| {
            text.trim()
                .parse::<i32>()
                .ok()
                .filter(|year| (1900..=9999).contains(year))
                .ok_or_else(|| ApiError::invalid_field("/year", "must be a year such as 2021"))
        })
        .transpose()?;
    let revise = match form.revise.as_deref().map(str::trim) {
        None | Some("false") | Some("") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::invalid_field("/revise", "must be true or false")),
    };
    let summary = state
        .run(move |connection| {
            import_cnemc(
                connection,
                &file,
                &map,
                &ImportOptions { year, revise },
                chrono::Utc::now(),
                &mut |_, _| {},
            )
            .map_err(|error| match error {
                ImportError::File(inner) => ApiError::invalid_field("/file", inner.to_string()),
                ImportError::Map(inner) => ApiError::invalid_field("/map", inner.to_string()),
                ImportError::Batch { .. } => ApiError::invalid_field("/file", error.to_string()),
                ImportError::Store(inner) => ApiError::from(inner),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(summary))
}

async fn read_form(mut multipart: Multipart) -> Result<Form, ApiError> {
    let mut form = Form::default();
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|error| {
            ApiError::BadRequest(format!("the multipart body is malformed: {error}"))
        })?;
        let name = field.name().unwrap_or_default().to_owned();
        let limit = match name.as_str() {
            "file" | "map" => IMPORT_FILE_BYTES_MAX,
            "year" | "revise" => FORM_FIELD_BYTES_MAX,
            other => {
                return Err(ApiError::invalid_field(
                    &format!("/{other}"),
                    "unknown form field (expected file, map, year, revise)",
                ))
            }
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|error| {
                ApiError::BadRequest(format!("the multipart body is malformed: {error}"))
            })?;
            if bytes.len() + chunk.len() > limit {
                return Err(ApiError::PayloadTooLarge { limit_bytes: limit });
            }
            bytes.extend_from_slice(&chunk);
        }
        let text = || {
            String::from_utf8(bytes.clone())
                .map_err(|_| ApiError::invalid_field(&format!("/{name}"), "must be text"))
        };
        match name.as_str() {
            "file" => form.file = Some(bytes),
            "map" => form.map = Some(bytes),
            "year" => form.year = Some(text()?),
            _ => form.revise = Some(text()?),
        }
    }
    Ok(form)
}
