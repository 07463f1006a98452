//! Water quality classes of GB 3838-2002 and the single-factor classification (compensation.md §1).

mod classify;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use classify::{classify, section_class, worst_class};

/// Class I..V, and 劣V (worse than V) as 6. Ordered so that a worse class is greater.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum WaterClass {
    I = 1,
    II = 2,
    III = 3,
    IV = 4,
    V = 5,
    WorseThanV = 6,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a class is written \"I\", \"II\", \"III\", \"IV\", \"V\" or \"劣V\"")]
pub struct UnknownClass;

impl WaterClass {
    pub const ALL: [WaterClass; 6] = [
        Self::I,
        Self::II,
        Self::III,
        Self::IV,
        Self::V,
        Self::WorseThanV,
    ];

    /// 1 for I up to 6 for 劣V.
    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn from_number(number: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|class| class.number() == number)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::I => "I",
            Self::II => "II",
            Self::III => "III",
            Self::IV => "IV",
            Self::V => "V",
            Self::WorseThanV => "劣V",
        }
    }

    pub fn parse(text: &str) -> Result<Self, UnknownClass> {
        Self::ALL
            .into_iter()
            .find(|class| class.as_str() == text)
            .ok_or(UnknownClass)
    }

    /// Signed number of class steps from `target` to `self`: positive when `self` is worse.
    pub fn steps_from(self, target: WaterClass) -> i64 {
        i64::from(self.number()) - i64::from(target.number())
    }
}

impl fmt::Display for WaterClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for WaterClass {
    type Err = UnknownClass;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<String> for WaterClass {
    type Error = UnknownClass;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<WaterClass> for &'static str {
    fn from(class: WaterClass) -> Self {
        class.as_str()
    }
}

/// Rivers, or lakes and reservoirs (which have their own TP column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WaterBody {
    River,
    Lake,
}

/// What the registry says about a section that the rules need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SectionFacts {
    pub water_body: WaterBody,
    pub target_class: WaterClass,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_written_as_the_standard_writes_them() {
        let written: Vec<String> = WaterClass::ALL
            .iter()
            .map(|class| serde_json::to_string(class).unwrap())
            .collect();
        assert_eq!(
            written,
            ["\"I\"", "\"II\"", "\"III\"", "\"IV\"", "\"V\"", "\"劣V\""]
        );
        assert_eq!(
            serde_json::from_str::<WaterClass>("\"劣V\"").unwrap(),
            WaterClass::WorseThanV
        );
        assert!(serde_json::from_str::<WaterClass>("\"VI\"").is_err());
        assert!(serde_json::from_str::<WaterClass>("\"ii\"").is_err());
    }

    #[test]
    fn a_worse_class_is_greater_and_numbered_one_to_six() {
        assert!(WaterClass::I < WaterClass::II && WaterClass::V < WaterClass::WorseThanV);
        assert_eq!(WaterClass::WorseThanV.number(), 6);
        assert_eq!(WaterClass::from_number(3), Some(WaterClass::III));
        assert_eq!(WaterClass::from_number(7), None);
        assert_eq!(WaterClass::IV.steps_from(WaterClass::II), 2);
        assert_eq!(WaterClass::I.steps_from(WaterClass::II), -1);
    }

    #[test]
    fn water_bodies_serialise_in_lower_case() {
        assert_eq!(serde_json::to_string(&WaterBody::Lake).unwrap(), "\"lake\"");
        assert_eq!(
            serde_json::from_str::<WaterBody>("\"river\"").unwrap(),
            WaterBody::River
        );
        assert!(serde_json::from_str::<WaterBody>("\"reservoir\"").is_err());
    }
}
