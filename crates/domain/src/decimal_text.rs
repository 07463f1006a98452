//! Exact decimal literals and their text: the one grammar behind measured values and rule numbers, the
//! GB/T 8170 rounding every statistic uses, and serialisation of decimals as JSON strings.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// Why a text is not a decimal literal `-?[0-9]+(\.[0-9]+)?` within the allowed size.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LiteralError {
    #[error("must be a decimal number written -?[0-9]+(.[0-9]+)? (no exponent, no '+', no leading or trailing '.', no NaN or Infinity)")]
    Malformed,
    #[error("must have at most {decimals_max} decimals")]
    TooManyDecimals { decimals_max: u32 },
    #[error("must be less than 10^{integer_digits_max} in magnitude")]
    TooLarge { integer_digits_max: u32 },
}

/// Limits of one use of the grammar.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LiteralLimits {
    pub decimals_max: u32,
    pub integer_digits_max: u32,
}

/// Parses `-?[0-9]+(\.[0-9]{1,decimals_max})?` exactly. The integer part is bounded so that sums of many
/// values stay far inside the 28 digits `Decimal` holds.
pub(crate) fn parse_literal(text: &str, limits: LiteralLimits) -> Result<Decimal, LiteralError> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (integer, fraction) = match unsigned.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (unsigned, None),
    };
    let all_digits =
        |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
    if !all_digits(integer) || fraction.is_some_and(|fraction| !all_digits(fraction)) {
        return Err(LiteralError::Malformed);
    }
    let decimals = fraction.map_or(0, str::len);
    if decimals > limits.decimals_max as usize {
        return Err(LiteralError::TooManyDecimals {
            decimals_max: limits.decimals_max,
        });
    }
    let significant_integer_digits = integer.trim_start_matches('0').len();
    if significant_integer_digits > limits.integer_digits_max as usize {
        return Err(LiteralError::TooLarge {
            integer_digits_max: limits.integer_digits_max,
        });
    }
    // Read straight from the digits (every value of a year's settlement passes here): the
    // mantissa and scale are those `Decimal::from_str_exact` gives for the same text.
    let magnitude =
        digits_as_decimal(integer, fraction.unwrap_or_default()).ok_or(LiteralError::TooLarge {
            integer_digits_max: limits.integer_digits_max,
        })?;
    Ok(if text.starts_with('-') {
        -magnitude
    } else {
        magnitude
    })
}

/// The decimal `integer.fraction` of ASCII digits, with as many decimals as `fraction` has, or
/// `None` when the digits do not fit (never within the limits of any literal we parse).
fn digits_as_decimal(integer: &str, fraction: &str) -> Option<Decimal> {
    let significant = integer.trim_start_matches('0');
    if significant.len() + fraction.len() > MANTISSA_DIGITS_MAX {
        return None;
    }
    let mantissa = significant
        .bytes()
        .chain(fraction.bytes())
        .fold(0_i128, |mantissa, digit| {
            mantissa * 10 + i128::from(digit - b'0')
        });
    let scale = u32::try_from(fraction.len()).ok()?;
    Decimal::try_from_i128_with_scale(mantissa, scale).ok()
}

/// Digits that always fit both an `i128` and Decimal's 96-bit mantissa.
const MANTISSA_DIGITS_MAX: usize = 28;

/// Rounds half to even (GB/T 8170) to `decimals` places and always writes that many places, so that a
/// statistic prints as `4.0`, never `4`; a rounded negative zero is written `0`.
pub fn round_half_even(value: Decimal, decimals: u32) -> Decimal {
    let mut rounded = value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointNearestEven);
    rounded.rescale(decimals);
    if rounded.is_zero() {
        rounded.set_sign_positive(true);
    }
    rounded
}

/// Serialises a map of decimals as an object of decimal strings, in the map's key order.
pub(crate) fn serialize_decimal_map<K: Serialize, S: Serializer>(
    map: &BTreeMap<K, Decimal>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut object = serializer.serialize_map(Some(map.len()))?;
    for (key, value) in map {
        object.serialize_entry(key, &value.to_string())?;
    }
    object.end()
}

/// Writes a decimal into an explanation as a JSON string.
pub(crate) fn decimal_json(value: Decimal) -> serde_json::Value {
    serde_json::Value::String(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIX: LiteralLimits = LiteralLimits {
        decimals_max: 6,
        integer_digits_max: 15,
    };

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    proptest::proptest! {
        /// The decimal read from the digits is the one `from_str_exact` reads from the same text,
        /// scale included, so sums and their rounding are unchanged.
        #[test]
        fn the_digits_give_the_decimal_the_text_gives(
            text in "-?[0-9]{1,15}(\\.[0-9]{1,6})?",
        ) {
            let parsed = parse_literal(&text, SIX).unwrap();
            let unsigned = text.trim_start_matches('-').trim_start_matches('0');
            let reference = match unsigned.starts_with('.') || unsigned.is_empty() {
                true => Decimal::from_str_exact(&format!("0{unsigned}")).unwrap(),
                false => Decimal::from_str_exact(unsigned).unwrap(),
            };
            let reference = if text.starts_with('-') { -reference } else { reference };
            proptest::prop_assert_eq!(parsed.mantissa(), reference.mantissa());
            proptest::prop_assert_eq!(parsed.scale(), reference.scale());
            proptest::prop_assert_eq!(parsed.to_string(), reference.to_string());
        }
    }

    #[test]
    fn accepts_the_grammar_and_keeps_the_scale() {
        assert_eq!(parse_literal("0.270", SIX).unwrap().to_string(), "0.270");
        assert_eq!(parse_literal("-3.5", SIX).unwrap(), decimal("-3.5"));
        assert_eq!(parse_literal("007.50", SIX).unwrap().to_string(), "7.50");
        assert_eq!(parse_literal("12", SIX).unwrap(), decimal("12"));
        assert_eq!(parse_literal("0.000001", SIX).unwrap(), decimal("0.000001"));
    }

    #[test]
    fn refuses_every_other_shape() {
        for bad in [
            "",
            "-",
            ".5",
            "5.",
            "+5",
            "1e3",
            "1E3",
            "NaN",
            "Infinity",
            "-Infinity",
            " 1",
            "1 ",
            "1,5",
            "--1",
            "0x10",
            "1.2.3",
            "١٢",
        ] {
            assert_eq!(
                parse_literal(bad, SIX),
                Err(LiteralError::Malformed),
                "{bad:?}"
            );
        }
        assert_eq!(
            parse_literal("0.1234567", SIX),
            Err(LiteralError::TooManyDecimals { decimals_max: 6 })
        );
        assert_eq!(
            parse_literal("1000000000000000", SIX),
            Err(LiteralError::TooLarge {
                integer_digits_max: 15
            })
        );
        assert!(parse_literal("000000000000000000000000000001.5", SIX).is_ok());
    }

    #[test]
    fn rounds_half_to_even_and_pads_to_the_decimals() {
        assert_eq!(round_half_even(decimal("4.25"), 1).to_string(), "4.2");
        assert_eq!(round_half_even(decimal("4.35"), 1).to_string(), "4.4");
        assert_eq!(round_half_even(decimal("0.12375"), 2).to_string(), "0.12");
        assert_eq!(round_half_even(decimal("4"), 1).to_string(), "4.0");
        assert_eq!(round_half_even(decimal("-0.001"), 2).to_string(), "0.00");
        assert_eq!(round_half_even(decimal("-2.5"), 0).to_string(), "-2");
    }
}
