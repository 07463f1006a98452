//! Agreements: period kinds, component kinds and the terms of one component.

use serde::Serialize;
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use super::builders::CODE_PATTERN;

/// The length of an agreement's settlement periods.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum PeriodKind {
    Month,
    Quarter,
    Year,
}

/// How a value below the detection limit (`<L`) enters a mean (compensation.md §2): `L / 2`
/// (the default), `L` or `0`; `refuse` answers 422 for a month in which a parameter a component
/// needs has such a value.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum BelowDetectionTreatment {
    HalfLimit,
    Limit,
    Zero,
    Refuse,
}

/// The component kinds of compensation.md §5.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ComponentKind {
    Index,
    ClassSteps,
    Attainment,
    Volume,
    Threshold,
    Exceedance,
    Reduction,
}

/// One component of an agreement's terms (compensation.md §5): `kind` and `section` always, the
/// other members by kind (rule numbers are decimal strings, money is integer fen).
pub struct ComponentTerms;

impl PartialSchema for ComponentTerms {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .property("kind", ComponentKind::schema())
            .required("kind")
            .property(
                "section",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some(CODE_PATTERN))
                    .examples(["gubeikou"]),
            )
            .required("section")
            .additional_properties(Some(AdditionalProperties::FreeForm(true)))
            .description(Some(
                "`kind` and `section`, then the members of that kind (compensation.md §5): rule \
                 numbers (k0, weights, baselines, limits, thresholds, rates) are decimal strings, \
                 money is integer fen, a `tiers` list ends with a `max_p: null` tier and a `bands` list \
                 with a `max_multiple: null` band.",
            ))
            .into()
    }
}

impl ToSchema for ComponentTerms {}
