//! Checking agreement requests against the domain rules and the registry, reporting every problem
//! with its JSON pointer at once. Shared by the HTTP handlers and the demo setup.

use std::collections::BTreeMap;

use basin_domain::agreement::{parse_components, validate, AgreementTerms, ValidTerms};
use basin_domain::quality::SectionFacts;
use basin_domain::{BelowDetection, Code, Period, PeriodKind};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::checks::Checks;
use crate::api::problem::ApiError;
use crate::api::schemas::{
    BelowDetectionTreatment, ComponentTerms, PeriodKind as PeriodKindSchema,
};
use crate::model::agreement::AgreementVersion;
use crate::model::time::utc_text;
use crate::store::agreements::{self, AgreementRow, NewVersion};
use crate::store::settlements::period_kind;
use crate::store::AnyConnection;

const PERIOD_KINDS: [&str; 3] = ["month", "quarter", "year"];

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAgreement {
    #[schema(
        pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
        example = "miyun-chaobai-2025"
    )]
    pub code: String,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
        example = "密云水库上游潮白河流域横向生态补偿"
    )]
    pub name: String,
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", example = "chaobai")]
    pub basin: String,
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", example = "HE-CD")]
    pub upstream: String,
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", example = "BJ")]
    pub downstream: String,
    /// `month`, `quarter` or `year`: the length of a settlement period.
    #[schema(value_type = PeriodKindSchema, example = "month")]
    pub period: String,
    /// The first period the agreement governs, of its kind (`2025-01`, `2025-Q1`, `2025`).
    #[schema(
        pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$",
        example = "2025-01"
    )]
    pub effective_from: String,
    /// The last period it governs, inclusive; absent means open-ended.
    #[schema(
        pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$",
        example = "2027-12"
    )]
    pub effective_to: Option<String>,
    /// Months with data each needed parameter must have; default every month of the period.
    #[schema(minimum = 1, maximum = 12)]
    pub min_valid_months: Option<u32>,
    /// How values below the detection limit (`<L`) enter means: `half_limit` (default), `limit`,
    /// `zero`, or `refuse` (a month with such a value of a needed parameter is a 422).
    #[schema(value_type = Option<BelowDetectionTreatment>)]
    pub below_detection: Option<BelowDetection>,
    /// Components as in compensation.md §5 (rule numbers are decimal strings, money is fen).
    #[schema(value_type = Vec<ComponentTerms>, min_items = 1, max_items = 32)]
    pub components: serde_json::Value,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAgreementVersion {
    /// A period of the agreement's kind after the current version's start.
    #[schema(
        pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$",
        example = "2026-01"
    )]
    pub effective_from: String,
    #[schema(pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$")]
    pub effective_to: Option<String>,
    #[schema(minimum = 1, maximum = 12)]
    pub min_valid_months: Option<u32>,
    /// As for a new agreement; a version that omits it uses `half_limit` (it is not inherited).
    #[schema(value_type = Option<BelowDetectionTreatment>)]
    pub below_detection: Option<BelowDetection>,
    #[schema(value_type = Vec<ComponentTerms>, min_items = 1, max_items = 32)]
    pub components: serde_json::Value,
}

/// The parts every version has, as written.
struct VersionParts<'a> {
    effective_from: &'a str,
    effective_to: Option<&'a str>,
    min_valid_months: Option<u32>,
    below_detection: Option<BelowDetection>,
    components: &'a serde_json::Value,
}

struct CheckedVersion {
    effective_from: Period,
    effective_to: Option<Period>,
    terms: ValidTerms,
}

/// Checks a new agreement against the registry (read through `connection`) and returns its first
/// version, ready to store.
pub fn prepare_agreement(
    connection: &mut AnyConnection,
    request: &NewAgreement,
    now: DateTime<Utc>,
) -> Result<AgreementVersion, ApiError> {
    let mut checks = Checks::default();
    checks.code("/code", &request.code);
    checks.text("/name", &request.name);
    checks.code("/basin", &request.basin);
    checks.code("/upstream", &request.upstream);
    checks.code("/downstream", &request.downstream);
    if request.upstream == request.downstream {
        checks.fail(
            "/downstream",
            "upstream and downstream must be different jurisdictions",
        );
    }
    checks.one_of("/period", &request.period, &PERIOD_KINDS);
    let context = agreements::registry_context(
        connection,
        &request.basin,
        &request.upstream,
        &request.downstream,
    )?;
    if !context.basin_exists {
        checks.fail("/basin", format!("unknown basin {:?}", request.basin));
    }
    if !context.upstream_exists {
        checks.fail(
            "/upstream",
            format!("unknown jurisdiction {:?}", request.upstream),
        );
    }
    if !context.downstream_exists {
        checks.fail(
            "/downstream",
            format!("unknown jurisdiction {:?}", request.downstream),
        );
    }
    let parts = VersionParts {
        effective_from: &request.effective_from,
        effective_to: request.effective_to.as_deref(),
        min_valid_months: request.min_valid_months,
        below_detection: request.below_detection,
        components: &request.components,
    };
    let kind = period_kind(&request.period).ok();
    let checked = kind.and_then(|kind| check_version(&mut checks, kind, &parts, &context.sections));
    checks.finish()?;
    let checked =
        checked.ok_or_else(|| ApiError::invalid_field("/", "the agreement is invalid"))?;
    Ok(AgreementVersion {
        agreement: request.code.clone(),
        name: request.name.clone(),
        basin: request.basin.clone(),
        upstream: request.upstream.clone(),
        downstream: request.downstream.clone(),
        period: request.period.clone(),
        version: 1,
        effective_from: checked.effective_from.to_string(),
        effective_to: checked.effective_to.map(|to| to.to_string()),
        min_valid_months: checked.terms.min_valid_months(),
        below_detection: request.below_detection,
        components: components_json(&checked.terms)?,
        created_at: utc_text(now),
    })
}

/// Checks a new version of an existing agreement (parties, basin and period kind stay).
pub fn prepare_version(
    connection: &mut AnyConnection,
    agreement: &AgreementRow,
    request: &NewAgreementVersion,
    now: DateTime<Utc>,
) -> Result<NewVersion, ApiError> {
    let kind = period_kind(&agreement.period_kind)?;
    let sections = agreements::basin_section_facts(connection, &agreement.basin)?;
    let mut checks = Checks::default();
    let parts = VersionParts {
        effective_from: &request.effective_from,
        effective_to: request.effective_to.as_deref(),
        min_valid_months: request.min_valid_months,
        below_detection: request.below_detection,
        components: &request.components,
    };
    let checked = check_version(&mut checks, kind, &parts, &sections);
    checks.finish()?;
    let checked =
        checked.ok_or_else(|| ApiError::invalid_field("/", "the agreement is invalid"))?;
    Ok(NewVersion {
        effective_from: checked.effective_from,
        effective_to: checked.effective_to,
        min_valid_months: checked.terms.min_valid_months(),
        below_detection: request.below_detection,
        components: components_json(&checked.terms)?,
        created_at: utc_text(now),
    })
}

/// Records every problem in `checks`; returns the checked version only when there was none.
fn check_version(
    checks: &mut Checks,
    kind: PeriodKind,
    parts: &VersionParts<'_>,
    sections: &BTreeMap<Code, SectionFacts>,
) -> Option<CheckedVersion> {
    let effective_from = period_of_kind(checks, "/effective_from", parts.effective_from, kind);
    let effective_to = parts
        .effective_to
        .map(|text| period_of_kind(checks, "/effective_to", text, kind));
    if let (Some(from), Some(Some(to))) = (effective_from, effective_to) {
        if to < from {
            checks.fail(
                "/effective_to",
                format!("must not be before effective_from ({from})"),
            );
        }
    }
    let components = match parse_components(parts.components) {
        Ok(components) => components,
        Err(errors) => {
            for error in errors {
                checks.fail(&error.pointer, error.message);
            }
            return None;
        }
    };
    let terms = AgreementTerms {
        period: kind,
        min_valid_months: parts.min_valid_months,
        below_detection: parts.below_detection,
        components,
    };
    let valid = match validate(&terms, |code| sections.get(code).copied()) {
        Ok(valid) => Some(valid),
        Err(errors) => {
            for error in errors {
                checks.fail(&error.pointer, error.message);
            }
            None
        }
    };
    let effective_to = match effective_to {
        None => None,
        Some(None) => return None,
        Some(Some(to)) => Some(to),
    };
    Some(CheckedVersion {
        effective_from: effective_from?,
        effective_to,
        terms: valid?,
    })
}

fn period_of_kind(
    checks: &mut Checks,
    pointer: &str,
    text: &str,
    kind: PeriodKind,
) -> Option<Period> {
    let example = match kind {
        PeriodKind::Month => "2025-07",
        PeriodKind::Quarter => "2025-Q3",
        PeriodKind::Year => "2025",
    };
    match Period::parse(text) {
        Ok(period) if period.kind() == kind => Some(period),
        _ => {
            checks.fail(
                pointer,
                format!("must be a {kind} period such as {example}"),
            );
            None
        }
    }
}

fn components_json(terms: &ValidTerms) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(&terms.terms().components).map_err(ApiError::internal)
}
