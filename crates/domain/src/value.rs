//! Measured values exactly as a station wrote them. The API returns the same literal text it received
//! (`0.270` stays `0.270`), so the text is kept beside the exact decimal.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::decimal_text::{parse_literal, LiteralError, LiteralLimits};
use crate::parameter::ParameterCode;

/// At most six decimals (API.md); the integer part is bounded (below 10^15) so that sums of any realistic
/// number of values stay exact in `Decimal`'s 28 digits.
const MEASURED_LIMITS: LiteralLimits = LiteralLimits {
    decimals_max: 6,
    integer_digits_max: 15,
};

/// Why a literal is not an acceptable measured value. Messages are written for the people who sent it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("must be a number written -?[0-9]+(.[0-9]{{1,6}})? (no exponent, no '+', no leading '.', no NaN or Infinity)")]
    Malformed,
    #[error("must have at most 6 decimals")]
    TooManyDecimals,
    #[error("must be less than 10^15 in magnitude")]
    TooLarge,
    #[error("pH must be between 0 and 14")]
    PhOutOfRange,
    #[error("{parameter} must not be negative")]
    Negative { parameter: ParameterCode },
    #[error("a detection limit is written '<' immediately followed by a decimal such as <0.02 (no space, no second '<', no exponent)")]
    MalformedLimit,
    #[error("a detection limit must be positive, as in <0.02")]
    LimitNotPositive,
}

impl From<LiteralError> for ValueError {
    fn from(error: LiteralError) -> Self {
        match error {
            LiteralError::Malformed => ValueError::Malformed,
            LiteralError::TooManyDecimals { .. } => ValueError::TooManyDecimals,
            LiteralError::TooLarge { .. } => ValueError::TooLarge,
        }
    }
}

/// A measured value: its literal text and the exact decimal it denotes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MeasuredValue {
    text: String,
    decimal: Decimal,
}

impl MeasuredValue {
    /// Parses the literal text of a JSON number or the contents of a JSON string:
    /// `-?[0-9]+(\.[0-9]{1,6})?` and nothing else.
    pub fn parse(literal: &str) -> Result<Self, ValueError> {
        let decimal = parse_literal(literal, MEASURED_LIMITS)?;
        Ok(Self {
            text: literal.to_owned(),
            decimal,
        })
    }

    /// Parses and applies the parameter's physical range: pH 0–14, concentrations, counts and flow not
    /// negative, temperature unrestricted.
    pub fn parse_for(parameter: ParameterCode, literal: &str) -> Result<Self, ValueError> {
        Ok(Self {
            decimal: Self::decimal_for(parameter, literal)?,
            text: literal.to_owned(),
        })
    }

    /// What [`Self::parse_for`] reads, without keeping the text.
    pub fn decimal_for(parameter: ParameterCode, literal: &str) -> Result<Decimal, ValueError> {
        let decimal = parse_literal(literal, MEASURED_LIMITS)?;
        if parameter == ParameterCode::Ph && !(Decimal::ZERO..=Decimal::from(14)).contains(&decimal)
        {
            return Err(ValueError::PhOutOfRange);
        }
        if parameter.is_never_negative() && decimal.is_sign_negative() && !decimal.is_zero() {
            return Err(ValueError::Negative { parameter });
        }
        Ok(decimal)
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn decimal(&self) -> Decimal {
        self.decimal
    }
}

impl fmt::Display for MeasuredValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl TryFrom<&str> for MeasuredValue {
    type Error = ValueError;
    fn try_from(literal: &str) -> Result<Self, Self::Error> {
        Self::parse(literal)
    }
}

/// Always written back as a string holding the original literal.
impl Serialize for MeasuredValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

/// Accepts a JSON string or a JSON integer. A JSON number with a fraction reaches a visitor only as a binary
/// float whose literal text is lost, so it is refused here: callers that must accept such numbers read the
/// raw literal (for example with serde_json's `RawValue`) and call [`MeasuredValue::parse`].
impl<'de> Deserialize<'de> for MeasuredValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MeasuredValueVisitor)
    }
}

struct MeasuredValueVisitor;

impl Visitor<'_> for MeasuredValueVisitor {
    type Value = MeasuredValue;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a decimal string such as \"0.270\" or an integer")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<MeasuredValue, E> {
        MeasuredValue::parse(text).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<MeasuredValue, E> {
        MeasuredValue::parse(&value.to_string()).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<MeasuredValue, E> {
        MeasuredValue::parse(&value.to_string()).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_literal_text_and_the_exact_decimal() {
        let value = MeasuredValue::parse("0.270").unwrap();
        assert_eq!(value.as_str(), "0.270");
        assert_eq!(value.decimal(), Decimal::new(27, 2));
        assert_eq!(serde_json::to_string(&value).unwrap(), "\"0.270\"");
    }

    #[test]
    fn refuses_exponents_signs_bare_points_and_non_finite_words() {
        for bad in ["1e-3", "+1", ".5", "5.", "NaN", "Infinity", "", "0.1234567"] {
            assert!(MeasuredValue::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            MeasuredValue::parse("0.1234567"),
            Err(ValueError::TooManyDecimals)
        );
        assert_eq!(MeasuredValue::parse("1e3"), Err(ValueError::Malformed));
    }

    #[test]
    fn ph_must_lie_between_zero_and_fourteen_inclusive() {
        assert!(MeasuredValue::parse_for(ParameterCode::Ph, "0").is_ok());
        assert!(MeasuredValue::parse_for(ParameterCode::Ph, "14.000").is_ok());
        assert_eq!(
            MeasuredValue::parse_for(ParameterCode::Ph, "14.01"),
            Err(ValueError::PhOutOfRange)
        );
        assert_eq!(
            MeasuredValue::parse_for(ParameterCode::Ph, "-0.1"),
            Err(ValueError::PhOutOfRange)
        );
    }

    #[test]
    fn concentrations_and_flow_may_not_be_negative_but_temperature_may() {
        assert_eq!(
            MeasuredValue::parse_for(ParameterCode::Tp, "-0.001"),
            Err(ValueError::Negative {
                parameter: ParameterCode::Tp
            })
        );
        assert!(MeasuredValue::parse_for(ParameterCode::Flow, "-1").is_err());
        assert!(MeasuredValue::parse_for(ParameterCode::Tp, "-0.000").is_ok());
        assert!(MeasuredValue::parse_for(ParameterCode::Temp, "-2.5").is_ok());
    }

    #[test]
    fn error_messages_are_sentences_for_the_sender() {
        let error = MeasuredValue::parse_for(ParameterCode::Nh3n, "-1").unwrap_err();
        assert_eq!(error.to_string(), "nh3n must not be negative");
        assert!(ValueError::Malformed.to_string().contains("no exponent"));
    }

    #[test]
    fn deserialises_strings_and_integers_but_not_fractional_numbers() {
        let value: MeasuredValue = serde_json::from_str("\"0.018\"").unwrap();
        assert_eq!(value.as_str(), "0.018");
        let value: MeasuredValue = serde_json::from_str("12").unwrap();
        assert_eq!(value.as_str(), "12");
        assert!(serde_json::from_str::<MeasuredValue>("12.5").is_err());
        assert!(serde_json::from_str::<MeasuredValue>("\"1e3\"").is_err());
        assert!(serde_json::from_str::<MeasuredValue>("null").is_err());
    }
}
