//! Schema-only types for the OpenAPI document: the vocabularies (classes, water bodies, period
//! kinds, statuses) and the shapes of bodies that the server writes from pure-domain types, which
//! cannot derive `ToSchema` (the pure crates know nothing of utoipa). Nothing here is ever built;
//! each type only says what the server accepts or writes, and `tests/openapi.rs` keeps the
//! document in step with the code that uses them.
//!
//! utoipa takes patterns as literals only, so they are repeated where they apply:
//! codes `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`, decimals `^-?[0-9]+(\.[0-9]{1,6})?$`,
//! periods `^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$`.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

/// A GB 3838-2002 water quality class as the standard writes it; `劣V` is worse than V.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub enum WaterClass {
    #[serde(rename = "I")]
    ClassI,
    #[serde(rename = "II")]
    ClassII,
    #[serde(rename = "III")]
    ClassIII,
    #[serde(rename = "IV")]
    ClassIV,
    #[serde(rename = "V")]
    ClassV,
    #[serde(rename = "劣V")]
    WorseThanV,
}

/// A section's target class: `I` to `V` (劣V is an outcome, never a target).
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub enum TargetClass {
    #[serde(rename = "I")]
    ClassI,
    #[serde(rename = "II")]
    ClassII,
    #[serde(rename = "III")]
    ClassIII,
    #[serde(rename = "IV")]
    ClassIV,
    #[serde(rename = "V")]
    ClassV,
}

/// `river`, or `lake` for lakes and reservoirs (which have their own TP limits).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum WaterBody {
    River,
    Lake,
}

/// The length of an agreement's settlement periods.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum PeriodKind {
    Month,
    Quarter,
    Year,
}

/// `valid` readings count; `invalid` ones are kept with their reason and never count.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum ReadingStatus {
    Valid,
    Invalid,
}

/// Where a settlement is in its lifecycle.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum SettlementStatus {
    Issued,
    Acknowledged,
    Disputed,
    Paid,
    Superseded,
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
    Reduction,
}

/// One month's statistics of a section.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MonthStatistics {
    /// `YYYY-MM` (UTC+08:00).
    #[schema(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$", example = "2025-07")]
    month: String,
    /// Parameter code → number of values in the month's statistic.
    #[schema(example = json!({"ph": 31, "tp": 31}))]
    samples: BTreeMap<String, u64>,
    /// Parameter code → the monthly statistic as a decimal string with the parameter's decimals.
    #[schema(value_type = BTreeMap<String, DecimalText>, example = json!({"ph": "7.62", "tp": "0.018"}))]
    stats: BTreeMap<String, String>,
    /// Section class from the monthly statistics; null without data.
    class: Option<WaterClass>,
}

/// A decimal written as text: `-?[0-9]+(\.[0-9]{1,6})?`, no exponent.
#[derive(ToSchema)]
#[schema(pattern = r"^-?[0-9]+(\.[0-9]{1,6})?$", example = "0.018")]
#[allow(dead_code)]
pub struct DecimalText(String);

/// `GET /v1/sections/{code}/assessment`: every month of the period (empty when it has no data),
/// the period statistics and classes, and whether the target is met (compensation.md).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SectionAssessment {
    #[schema(example = "gubeikou")]
    section: String,
    /// `2025-07`, `2025-Q3` or `2025`.
    #[schema(
        pattern = r"^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$",
        example = "2025-07"
    )]
    period: String,
    target_class: TargetClass,
    months: Vec<MonthStatistics>,
    /// Parameter code → the period statistic as a decimal string.
    #[schema(value_type = BTreeMap<String, DecimalText>, example = json!({"ph": "7.62", "tp": "0.018"}))]
    stats: BTreeMap<String, String>,
    /// Section class from the period statistics; null without data.
    class: Option<WaterClass>,
    /// Whether the class is no worse than the target; null when there is no class to judge.
    attained: Option<bool>,
    /// Parameter code → the class of its period statistic (parameters that have classes only).
    #[schema(example = json!({"ph": "I", "tp": "II"}))]
    classes_by_parameter: BTreeMap<String, WaterClass>,
}

/// What a section contributed to a settlement: its months and period statistics.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SectionInputs {
    #[schema(example = "gubeikou")]
    section: String,
    months: Vec<MonthStatistics>,
    /// Parameter code → the period statistic as a decimal string.
    #[schema(value_type = BTreeMap<String, DecimalText>)]
    stats: BTreeMap<String, String>,
    class: Option<WaterClass>,
}

/// The settlement document's `inputs`: what the amounts were computed from.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SettlementInputs {
    /// Lowercase hex SHA-256 of the JCS array of the readings used (API.md `readings_digest`).
    #[schema(pattern = "^[0-9a-f]{64}$")]
    readings_digest: String,
    reading_count: u64,
    /// In section code order.
    sections: Vec<SectionInputs>,
}

/// One component's signed amount and how it was reached.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ComponentAmount {
    kind: ComponentKind,
    #[schema(example = "gubeikou")]
    section: String,
    /// Positive: downstream pays upstream.
    amount_fen: i64,
    /// How the amount was reached; its members depend on `kind` (decimals as strings, counts as
    /// integers).
    #[schema(value_type = BTreeMap<String, serde_json::Value>)]
    explanation: serde_json::Value,
}

/// A parameter code of the GB 3838-2002 table (`gb3838.json`); anything else is refused.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub enum ParameterName {
    #[serde(rename = "ph")]
    Ph,
    #[serde(rename = "do")]
    Do,
    #[serde(rename = "codmn")]
    Codmn,
    #[serde(rename = "cod")]
    Cod,
    #[serde(rename = "bod5")]
    Bod5,
    #[serde(rename = "nh3n")]
    Nh3n,
    #[serde(rename = "tp")]
    Tp,
    #[serde(rename = "tn")]
    Tn,
    #[serde(rename = "cu")]
    Cu,
    #[serde(rename = "zn")]
    Zn,
    #[serde(rename = "f")]
    F,
    #[serde(rename = "se")]
    Se,
    #[serde(rename = "as")]
    As,
    #[serde(rename = "hg")]
    Hg,
    #[serde(rename = "cd")]
    Cd,
    #[serde(rename = "cr6")]
    Cr6,
    #[serde(rename = "pb")]
    Pb,
    #[serde(rename = "cn")]
    Cn,
    #[serde(rename = "phenol")]
    Phenol,
    #[serde(rename = "oil")]
    Oil,
    #[serde(rename = "las")]
    Las,
    #[serde(rename = "s2")]
    S2,
    #[serde(rename = "fecal_coliform")]
    FecalColiform,
    #[serde(rename = "temp")]
    Temp,
    #[serde(rename = "conductivity")]
    Conductivity,
    #[serde(rename = "turbidity")]
    Turbidity,
    #[serde(rename = "chla")]
    Chla,
    #[serde(rename = "algae")]
    Algae,
    #[serde(rename = "flow")]
    Flow,
}

const DECIMAL_PATTERN: &str = r"^-?[0-9]+(\.[0-9]{1,6})?$";

/// `{"type": "number", ...}` built by hand: the root crate never names a binary float type.
fn number(minimum: Option<i64>, maximum: Option<i64>) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Number)
        .minimum(minimum)
        .maximum(maximum)
}

fn decimal_string(pattern: &str, example: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern))
        .examples([example])
}

/// A measured value as sent: a JSON number or a decimal string, no exponent and at most 6
/// decimals, returned as the same literal text. Concentrations and flow are not negative and pH
/// is 0 to 14; the server names each value that breaks a rule.
pub struct MeasuredValueInput;

impl PartialSchema for MeasuredValueInput {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(decimal_string(DECIMAL_PATTERN, "0.018"))
            .item(number(None, None))
            .description(Some(
                "A JSON number or a decimal string (`-?[0-9]+(\\.[0-9]{1,6})?`): no exponent, at \
                 most 6 decimals. Not negative except for temperature; pH from 0 to 14.",
            ))
            .into()
    }
}

impl ToSchema for MeasuredValueInput {}

/// Latitude in decimal degrees, -90 to 90: a JSON number or a decimal string (at most 6 decimals).
pub struct LatitudeInput;

impl PartialSchema for LatitudeInput {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(decimal_string(
                r"^-?0*(([0-9]|[1-8][0-9])(\.[0-9]{1,6})?|90(\.0{1,6})?)$",
                "40.6921",
            ))
            .item(number(Some(-90), Some(90)))
            .description(Some(
                "Decimal degrees from -90 to 90, a JSON number or a decimal string (at most 6 decimals).",
            ))
            .into()
    }
}

impl ToSchema for LatitudeInput {}

/// Longitude in decimal degrees, -180 to 180: a JSON number or a decimal string (at most 6
/// decimals).
pub struct LongitudeInput;

impl PartialSchema for LongitudeInput {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(decimal_string(
                r"^-?0*(([0-9]|[1-9][0-9]|1[0-7][0-9])(\.[0-9]{1,6})?|180(\.0{1,6})?)$",
                "117.1547",
            ))
            .item(number(Some(-180), Some(180)))
            .description(Some(
                "Decimal degrees from -180 to 180, a JSON number or a decimal string (at most 6 decimals).",
            ))
            .into()
    }
}

impl ToSchema for LongitudeInput {}

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
                 money is integer fen, a `tiers` list ends with a `max_p: null` tier.",
            ))
            .into()
    }
}

impl ToSchema for ComponentTerms {}

const CODE_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";
