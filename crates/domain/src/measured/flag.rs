//! Per-value flags in the HJ 212 vocabulary. A value flagged anything but `N` is kept and shown but
//! does not count (compensation.md §2).

use std::fmt;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

/// One HJ 212 data flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ValueFlag {
    /// N: normal.
    Normal,
    /// F: the station was stopped.
    Stopped,
    /// M: maintenance.
    Maintenance,
    /// S: set by hand.
    SetByHand,
    /// D: instrument fault.
    Fault,
    /// C: calibration.
    Calibration,
    /// T: over the instrument's range.
    OverRange,
    /// B: communication failure.
    CommunicationFailure,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be one of the HJ 212 flags N, F, M, S, D, C, T, B")]
pub struct FlagError;

impl ValueFlag {
    pub const ALL: [Self; 8] = [
        Self::Normal,
        Self::Stopped,
        Self::Maintenance,
        Self::SetByHand,
        Self::Fault,
        Self::Calibration,
        Self::OverRange,
        Self::CommunicationFailure,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "N",
            Self::Stopped => "F",
            Self::Maintenance => "M",
            Self::SetByHand => "S",
            Self::Fault => "D",
            Self::Calibration => "C",
            Self::OverRange => "T",
            Self::CommunicationFailure => "B",
        }
    }

    /// The letter exactly (upper case, nothing around it).
    pub fn parse(text: &str) -> Result<Self, FlagError> {
        Self::ALL
            .into_iter()
            .find(|flag| flag.as_str() == text)
            .ok_or(FlagError)
    }

    /// Whether a value with this flag enters statistics: only `N` does.
    pub fn counts(self) -> bool {
        self == Self::Normal
    }
}

impl fmt::Display for ValueFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ValueFlag {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ValueFlag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_letter_parses_back_to_itself_and_only_normal_counts() {
        for flag in ValueFlag::ALL {
            assert_eq!(ValueFlag::parse(flag.as_str()), Ok(flag));
            assert_eq!(flag.counts(), flag == ValueFlag::Normal);
        }
    }

    #[test]
    fn lower_case_unknown_and_padded_letters_are_refused() {
        for bad in ["m", "X", " M", "MM", ""] {
            assert_eq!(ValueFlag::parse(bad), Err(FlagError), "{bad:?}");
        }
    }
}
