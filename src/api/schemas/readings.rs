//! Readings and assessments: classes, reading statuses, parameter names, measured values and
//! the monthly and period statistics of a section.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::openapi::schema::{OneOfBuilder, Schema};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use super::builders::{decimal_string, number, DECIMAL_PATTERN};
use super::registry::TargetClass;

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

/// `valid` readings count; `invalid` ones are kept with their reason and never count.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum ReadingStatus {
    Valid,
    Invalid,
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

/// A decimal written as text: `-?[0-9]+(\.[0-9]{1,6})?`, no exponent.
#[derive(ToSchema)]
#[schema(pattern = r"^-?[0-9]+(\.[0-9]{1,6})?$", example = "0.018")]
#[allow(dead_code)]
pub struct DecimalText(String);

/// A measured value as sent: a JSON number or a decimal string, no exponent and at most 6
/// decimals, or a detection-limit string `<L`; returned as the same literal text. Concentrations
/// and flow are not negative and pH is 0 to 14; the server names each value that breaks a rule.
pub struct MeasuredValueInput;

impl PartialSchema for MeasuredValueInput {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(decimal_string(DECIMAL_PATTERN, "0.018"))
            .item(decimal_string(BELOW_LIMIT_PATTERN, "<0.02"))
            .item(number(None, None))
            .description(Some(
                "A JSON number or a decimal string (`-?[0-9]+(\\.[0-9]{1,6})?`): no exponent, at \
                 most 6 decimals. Not negative except for temperature; pH from 0 to 14. Or a \
                 detection-limit string: `<` immediately followed by a positive decimal (`<0.02`).",
            ))
            .into()
    }
}

impl ToSchema for MeasuredValueInput {}

/// `<` immediately followed by a decimal of the usual grammar (the limit, positive).
const BELOW_LIMIT_PATTERN: &str = r"^<[0-9]+(\.[0-9]{1,6})?$";

/// A value exactly as sent: a decimal string (`0.270`) or a detection-limit string (`<0.02`).
pub struct ValueText;

impl PartialSchema for ValueText {
    fn schema() -> RefOr<Schema> {
        decimal_string(r"^(-?|<)[0-9]+(\.[0-9]{1,6})?$", "0.018").into()
    }
}

impl ToSchema for ValueText {}

/// A per-value HJ 212 flag: N normal; F stopped, M maintenance, S set by hand, D fault,
/// C calibration, T over range, B communication failure. Only `N` values count.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub enum ValueFlagLetter {
    N,
    F,
    M,
    S,
    D,
    C,
    T,
    B,
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
