//! Registry vocabularies and inputs: a section's target class, water bodies and station
//! coordinates (sent as a JSON number or a decimal string).

use serde::Serialize;
use utoipa::openapi::schema::{OneOfBuilder, Schema};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use super::builders::{decimal_string, number};

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
