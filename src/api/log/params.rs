//! Whole-number query parameters of the log endpoints. They arrive as text so that every
//! error names its own parameter (`{parameter, message}`), which serde's query errors do not.

use crate::api::problem::ApiError;

/// Log indexes and tree sizes are stored as 64-bit signed integers.
pub const LOG_POSITION_MAX: u64 = i64::MAX as u64;

/// Parses ASCII digits only (no sign, no spaces) up to [`LOG_POSITION_MAX`].
pub fn parse_position(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse::<u64>()
        .ok()
        .filter(|value| *value <= LOG_POSITION_MAX)
}

pub fn optional(parameter: &str, text: Option<&str>) -> Result<Option<u64>, ApiError> {
    text.map(|text| {
        parse_position(text).ok_or_else(|| {
            ApiError::invalid_parameter(
                parameter,
                format!("must be a whole number from 0 to {LOG_POSITION_MAX}"),
            )
        })
    })
    .transpose()
}

pub fn required(parameter: &str, text: Option<&str>) -> Result<u64, ApiError> {
    optional(parameter, text)?.ok_or_else(|| ApiError::invalid_parameter(parameter, "is required"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_digits_within_the_stored_range_are_positions() {
        assert_eq!(parse_position("0"), Some(0));
        assert_eq!(
            parse_position("9223372036854775807"),
            Some(LOG_POSITION_MAX)
        );
        for text in ["", "+1", "-1", " 1", "1.0", "9223372036854775808", "１"] {
            assert_eq!(parse_position(text), None, "{text:?}");
        }
    }
}
