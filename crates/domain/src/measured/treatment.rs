//! How a value below the detection limit enters a mean (compensation.md §2): the agreement's
//! `below_detection` term.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BelowDetection {
    /// `L / 2`, the default and what the assessment endpoint uses.
    #[default]
    HalfLimit,
    /// `L`.
    Limit,
    /// `0`.
    Zero,
    /// Months in which a needed parameter has a counting `<L` value are refused (422).
    Refuse,
}

impl BelowDetection {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HalfLimit => "half_limit",
            Self::Limit => "limit",
            Self::Zero => "zero",
            Self::Refuse => "refuse",
        }
    }

    /// What a `<limit` value adds to a mean. Under `refuse` no needed parameter ever reaches a mean
    /// with such a value (the evaluation refuses first); the descriptive statistics of parameters
    /// that no component needs then use `L / 2`, as the assessment endpoint does.
    pub fn value_in_mean(self, limit: Decimal) -> Decimal {
        match self {
            Self::HalfLimit | Self::Refuse => limit / Decimal::TWO,
            Self::Limit => limit,
            Self::Zero => Decimal::ZERO,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_treatment_enters_its_value_and_half_limit_is_the_default() {
        let limit = Decimal::new(10, 3);
        assert_eq!(BelowDetection::default(), BelowDetection::HalfLimit);
        assert_eq!(
            BelowDetection::HalfLimit.value_in_mean(limit),
            Decimal::new(5, 3)
        );
        assert_eq!(BelowDetection::Limit.value_in_mean(limit), limit);
        assert_eq!(BelowDetection::Zero.value_in_mean(limit), Decimal::ZERO);
        assert_eq!(
            serde_json::to_string(&BelowDetection::HalfLimit).unwrap(),
            "\"half_limit\""
        );
    }
}
