//! Parameters of GB 3838-2002 Table 1 (plus the descriptive ones stations report), with what the embedded
//! table says about each: unit, reporting decimals, direction of the limits, and class participation.

mod table;

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::quality::WaterBody;

/// Which way a parameter's class limits point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// A class is met when `value <= limit` (most pollutants).
    Max,
    /// A class is met when `value >= limit` (dissolved oxygen).
    Min,
    /// A class is met when `low <= value <= high` (pH).
    Range,
    /// No class at all: temperature, conductivity, flow and the other descriptive parameters.
    #[serde(rename = "none")]
    Descriptive,
}

/// The limits of classes I..V for one water body, from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClassLimits {
    AtMost([Decimal; 5]),
    AtLeast([Decimal; 5]),
    Between([(Decimal, Decimal); 5]),
}

/// A parameter code known to `gb3838.json`; nothing else can be built. Ordered as the table lists them, so
/// maps keyed by it serialise in the table's order (pH first, flow last).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum ParameterCode {
    Ph,
    Do,
    Codmn,
    Cod,
    Bod5,
    Nh3n,
    Tp,
    Tn,
    Cu,
    Zn,
    F,
    Se,
    As,
    Hg,
    Cd,
    Cr6,
    Pb,
    Cn,
    Phenol,
    Oil,
    Las,
    S2,
    FecalColiform,
    Temp,
    Conductivity,
    Turbidity,
    Chla,
    Algae,
    Flow,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown parameter code {0:?}: the codes are those of gb3838.json")]
pub struct UnknownParameter(pub String);

impl ParameterCode {
    /// Every code, in the table's order. A test checks it against the embedded table entry by entry.
    pub const ALL: [ParameterCode; 29] = [
        Self::Ph,
        Self::Do,
        Self::Codmn,
        Self::Cod,
        Self::Bod5,
        Self::Nh3n,
        Self::Tp,
        Self::Tn,
        Self::Cu,
        Self::Zn,
        Self::F,
        Self::Se,
        Self::As,
        Self::Hg,
        Self::Cd,
        Self::Cr6,
        Self::Pb,
        Self::Cn,
        Self::Phenol,
        Self::Oil,
        Self::Las,
        Self::S2,
        Self::FecalColiform,
        Self::Temp,
        Self::Conductivity,
        Self::Turbidity,
        Self::Chla,
        Self::Algae,
        Self::Flow,
    ];

    /// The inverse of [`Self::as_str`] (a test holds the two to each other). A match rather than
    /// a search: a year's settlement parses some 400,000 codes.
    pub fn parse(text: &str) -> Result<Self, UnknownParameter> {
        Ok(match text {
            "ph" => Self::Ph,
            "do" => Self::Do,
            "codmn" => Self::Codmn,
            "cod" => Self::Cod,
            "bod5" => Self::Bod5,
            "nh3n" => Self::Nh3n,
            "tp" => Self::Tp,
            "tn" => Self::Tn,
            "cu" => Self::Cu,
            "zn" => Self::Zn,
            "f" => Self::F,
            "se" => Self::Se,
            "as" => Self::As,
            "hg" => Self::Hg,
            "cd" => Self::Cd,
            "cr6" => Self::Cr6,
            "pb" => Self::Pb,
            "cn" => Self::Cn,
            "phenol" => Self::Phenol,
            "oil" => Self::Oil,
            "las" => Self::Las,
            "s2" => Self::S2,
            "fecal_coliform" => Self::FecalColiform,
            "temp" => Self::Temp,
            "conductivity" => Self::Conductivity,
            "turbidity" => Self::Turbidity,
            "chla" => Self::Chla,
            "algae" => Self::Algae,
            "flow" => Self::Flow,
            _ => return Err(UnknownParameter(text.to_owned())),
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ph => "ph",
            Self::Do => "do",
            Self::Codmn => "codmn",
            Self::Cod => "cod",
            Self::Bod5 => "bod5",
            Self::Nh3n => "nh3n",
            Self::Tp => "tp",
            Self::Tn => "tn",
            Self::Cu => "cu",
            Self::Zn => "zn",
            Self::F => "f",
            Self::Se => "se",
            Self::As => "as",
            Self::Hg => "hg",
            Self::Cd => "cd",
            Self::Cr6 => "cr6",
            Self::Pb => "pb",
            Self::Cn => "cn",
            Self::Phenol => "phenol",
            Self::Oil => "oil",
            Self::Las => "las",
            Self::S2 => "s2",
            Self::FecalColiform => "fecal_coliform",
            Self::Temp => "temp",
            Self::Conductivity => "conductivity",
            Self::Turbidity => "turbidity",
            Self::Chla => "chla",
            Self::Algae => "algae",
            Self::Flow => "flow",
        }
    }

    /// Reporting decimals: statistics are rounded half to even to this many places.
    pub fn decimals(self) -> u32 {
        table::definition(self).decimals
    }

    pub fn direction(self) -> Direction {
        table::definition(self).direction
    }

    /// Whether the parameter takes part in the single-factor section class.
    pub fn in_class(self) -> bool {
        table::definition(self).in_class
    }

    /// The class limits for a water body (TP has a lake column); `None` for descriptive parameters.
    pub fn limits(self, water_body: WaterBody) -> Option<ClassLimits> {
        let definition = table::definition(self);
        match water_body {
            WaterBody::River => definition.river_limits,
            WaterBody::Lake => definition.lake_limits,
        }
    }

    pub fn unit(self) -> &'static str {
        &table::definition(self).unit
    }

    pub fn name_zh(self) -> &'static str {
        &table::definition(self).name_zh
    }

    pub fn name_en(self) -> &'static str {
        &table::definition(self).name_en
    }

    /// Whether values are concentrations, counts or flows, which cannot be negative.
    pub fn is_never_negative(self) -> bool {
        self != Self::Temp
    }
}

impl fmt::Display for ParameterCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ParameterCode {
    type Err = UnknownParameter;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<String> for ParameterCode {
    type Error = UnknownParameter;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<ParameterCode> for &'static str {
    fn from(code: ParameterCode) -> Self {
        code.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    #[test]
    fn every_code_round_trips_through_its_text() {
        for code in ParameterCode::ALL {
            assert_eq!(ParameterCode::parse(code.as_str()), Ok(code));
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }

    #[test]
    fn unknown_and_differently_cased_codes_are_refused() {
        for bad in ["PH", "cod_cr", "", "nh3-n"] {
            assert!(ParameterCode::parse(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<ParameterCode>("\"xyz\"").is_err());
    }

    #[test]
    fn the_table_gives_decimals_direction_units_and_participation() {
        assert_eq!(ParameterCode::Nh3n.decimals(), 2);
        assert_eq!(ParameterCode::Codmn.decimals(), 1);
        assert_eq!(ParameterCode::Tp.decimals(), 3);
        assert_eq!(ParameterCode::Do.direction(), Direction::Min);
        assert_eq!(ParameterCode::Ph.direction(), Direction::Range);
        assert_eq!(ParameterCode::Flow.direction(), Direction::Descriptive);
        assert_eq!(ParameterCode::Flow.unit(), "m3/s");
        assert_eq!(ParameterCode::Tn.name_zh(), "总氮");
        assert!(!ParameterCode::Tn.in_class());
        assert!(!ParameterCode::FecalColiform.in_class());
        assert!(ParameterCode::Tp.in_class());
    }

    #[test]
    fn total_phosphorus_has_a_separate_lake_column() {
        let river = ParameterCode::Tp.limits(WaterBody::River).unwrap();
        let lake = ParameterCode::Tp.limits(WaterBody::Lake).unwrap();
        assert_eq!(
            river,
            ClassLimits::AtMost(["0.02", "0.1", "0.2", "0.3", "0.4"].map(decimal))
        );
        assert_eq!(
            lake,
            ClassLimits::AtMost(["0.01", "0.025", "0.05", "0.1", "0.2"].map(decimal))
        );
        assert_eq!(ParameterCode::Temp.limits(WaterBody::River), None);
    }

    #[test]
    fn only_temperature_may_be_negative() {
        assert!(!ParameterCode::Temp.is_never_negative());
        assert!(ParameterCode::Flow.is_never_negative());
        assert!(ParameterCode::Ph.is_never_negative());
    }
}
