//! Hostile strings for value literals with detection limits (API.md "Value flags and detection
//! limits"): `ValueLiteral::parse_for` is compared with an independent matcher written here on
//! random strings around `<` and the decimal grammar, and never panics.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod hostile;

use basin_domain::{Measured, ParameterCode, ValueFlag, ValueLiteral};
use proptest::prelude::*;
use rust_decimal::Decimal;

use hostile::{config, HOSTILE_TEXTS};

/// `-?[0-9]{1,15}(\.[0-9]{1,6})?` (leading zeros aside), read by hand.
fn is_value_text(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (integer, fraction) = match unsigned.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
    digits(integer)
        && integer.trim_start_matches('0').len() <= 15
        && fraction.is_none_or(|fraction| digits(fraction) && fraction.len() <= 6)
}

/// What temperature (no physical range) must accept: a value literal, or `<` and a positive one.
fn expected_accepted(text: &str) -> bool {
    match text.strip_prefix('<') {
        Some(limit) => {
            is_value_text(limit)
                && !limit.starts_with('-')
                && limit.bytes().any(|byte| (b'1'..=b'9').contains(&byte))
        }
        None => is_value_text(text),
    }
}

fn literal_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[<>=\\- .0123456789eE]{0,12}",
        3 => "<?-?[0-9]{1,17}(\\.[0-9]{0,8})?",
        1 => ("<[0-9]{1,4}(\\.[0-9]{1,4})?", "[<>\\- .eE+\u{ff1c}\u{feff}]", any::<prop::sample::Index>())
            .prop_map(|(text, inserted, at)| {
                let at = at.index(text.len() + 1);
                format!("{}{inserted}{}", &text[..at], &text[at..])
            }),
        1 => prop::sample::select(HOSTILE_TEXTS).prop_map(|text| format!("<{text}")),
    ]
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn a_value_literal_is_accepted_exactly_when_it_matches_the_grammar(text in literal_text()) {
        let parsed = ValueLiteral::parse_for(ParameterCode::Temp, &text);
        prop_assert_eq!(parsed.is_ok(), expected_accepted(&text), "{:?}", text);
        let Ok(value) = parsed else { return Ok(()) };
        prop_assert_eq!(value.as_str(), text.as_str());
        match value.measured() {
            Measured::BelowLimit { limit } => {
                prop_assert!(text.starts_with('<'));
                prop_assert!(limit > Decimal::ZERO);
            }
            Measured::Exact(_) => prop_assert!(!text.starts_with('<')),
        }
    }

    #[test]
    fn a_flag_is_accepted_exactly_when_it_is_one_hj_212_letter(text in "[A-Za-z ]{0,3}") {
        let expected = ["N", "F", "M", "S", "D", "C", "T", "B"].contains(&text.as_str());
        prop_assert_eq!(ValueFlag::parse(&text).is_ok(), expected);
    }
}
