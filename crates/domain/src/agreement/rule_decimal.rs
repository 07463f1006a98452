//! Rule numbers of agreements (k0, weights, baselines, limits, thresholds, rates): decimal strings, kept
//! with their literal text so that a stored agreement version reads back exactly as it was written.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::decimal_text::{parse_literal, LiteralError, LiteralLimits};

/// Rule numbers get more decimals than measured values (weights like 0.333333333), and the same bound on
/// the integer part, which keeps products such as `rate × volume` within Decimal's 28 digits.
const RULE_LIMITS: LiteralLimits = LiteralLimits {
    decimals_max: 12,
    integer_digits_max: 15,
};

/// A decimal rule parameter written as a JSON string, such as `"0.85"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RuleDecimal {
    text: String,
    decimal: Decimal,
}

impl RuleDecimal {
    pub fn parse(text: &str) -> Result<Self, LiteralError> {
        let decimal = parse_literal(text, RULE_LIMITS)?;
        Ok(Self {
            text: text.to_owned(),
            decimal,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn decimal(&self) -> Decimal {
        self.decimal
    }
}

impl fmt::Display for RuleDecimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for RuleDecimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

/// Strings only (API.md: rule parameters are decimal strings); a JSON number is refused with that advice.
impl<'de> Deserialize<'de> for RuleDecimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(RuleDecimalVisitor)
    }
}

struct RuleDecimalVisitor;

impl Visitor<'_> for RuleDecimalVisitor {
    type Value = RuleDecimal;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a decimal string such as \"0.85\"")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<RuleDecimal, E> {
        RuleDecimal::parse(text).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_literal_text() {
        let limit: RuleDecimal = serde_json::from_str("\"4.10\"").unwrap();
        assert_eq!(limit.as_str(), "4.10");
        assert_eq!(limit.decimal(), Decimal::new(41, 1));
        assert_eq!(serde_json::to_string(&limit).unwrap(), "\"4.10\"");
    }

    #[test]
    fn refuses_numbers_and_malformed_text() {
        assert!(serde_json::from_str::<RuleDecimal>("0.85").is_err());
        assert!(serde_json::from_str::<RuleDecimal>("2000").is_err());
        for bad in ["\"1e3\"", "\".5\"", "\"+1\"", "\"\"", "\"0.1234567890123\""] {
            assert!(serde_json::from_str::<RuleDecimal>(bad).is_err(), "{bad}");
        }
    }
}
