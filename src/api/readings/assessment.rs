//! `GET /v1/sections/{code}/assessment?period=`: monthly and period statistics, classes and
//! whether the target is met, computed by the pure domain from the readings that count.

use actix_web::{get, web, HttpResponse};
use basin_domain::assessment::{assess, AssessmentInput};
use basin_domain::{Period, WaterBody, WaterClass};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::auth::Caller;
use crate::api::problem::{ApiError, Problem};
use crate::api::schemas::SectionAssessment;
use crate::api::state::AppState;
use crate::model::time::utc_text;
use crate::store::{readings, registry, StoreError};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssessmentQuery {
    /// `2025-07`, `2025-Q3` or `2025` (calendar periods in UTC+08:00).
    #[param(
        required = true,
        pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$",
        example = "2025-07"
    )]
    pub period: Option<String>,
}

/// Assessment of a section for a period (GB 3838-2002 single-factor method; descriptive, no
/// completeness rule).
#[utoipa::path(tag = "readings", operation_id = "get_assessment", params(AssessmentQuery), security(("bearer" = [])), responses(
    (status = 200, description = "months, period statistics, classes and attainment", body = SectionAssessment),
    (status = "4XX", body = Problem, content_type = "application/problem+json"),
))]
#[get("/sections/{code}/assessment")]
pub async fn assessment(
    state: web::Data<AppState>,
    _caller: Caller,
    code: web::Path<String>,
    query: web::Query<AssessmentQuery>,
) -> Result<HttpResponse, ApiError> {
    let text = query
        .period
        .as_deref()
        .ok_or_else(|| ApiError::invalid_parameter("period", "is required, e.g. 2025-07"))?;
    let period = Period::parse(text).map_err(|_| {
        ApiError::invalid_parameter(
            "period",
            "must be a month (2025-07), a quarter (2025-Q3) or a year (2025)",
        )
    })?;
    let code = code.into_inner();
    let (section, counted) = state
        .read(move |connection| {
            let section = registry::get_section(connection, &code)?;
            let counted = readings::readings_in_period(
                connection,
                std::slice::from_ref(&section.code),
                &utc_text(period.start_utc()),
                &utc_text(period.end_utc()),
                true,
            )?;
            Ok((section, counted))
        })
        .await?;
    let readings = counted
        .iter()
        .map(|reading| reading.for_statistics())
        .collect::<Result<Vec<_>, StoreError>>()?;
    let corrupt = |what: &str| {
        ApiError::internal(StoreError::Corrupt(format!(
            "section {}: {what}",
            section.code
        )))
    };
    let water_body = match section.water_body.as_str() {
        "lake" => WaterBody::Lake,
        "river" => WaterBody::River,
        _ => return Err(corrupt("water body")),
    };
    let target_class =
        WaterClass::parse(&section.target_class).map_err(|_| corrupt("target class"))?;
    let assessment = assess(AssessmentInput {
        period,
        water_body,
        target_class,
        readings,
    })
    .map_err(|error| ApiError::internal(StoreError::Corrupt(error.to_string())))?;
    let mut body = serde_json::to_value(&assessment).map_err(ApiError::internal)?;
    if let Some(object) = body.as_object_mut() {
        object.insert("section".into(), section.code.into());
    }
    Ok(HttpResponse::Ok().json(body))
}
