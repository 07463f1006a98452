//! Hostile strings for the domain's text parsers: measured values, periods and codes. Each
//! parser is compared with an independent matcher written here, character by character, on
//! random strings from alphabets chosen to hit its edges (signs, exponents, `NaN`, spaces,
//! non-ASCII digits), on near-valid strings and on a list of known troublemakers.
//!
//! Long run (`PROPTEST_CASES` replaces the CI case count of every property here):
//! `PROPTEST_CASES=100000 cargo test -p basin-domain --test hostile_literals`

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod hostile;

use basin_domain::period::PeriodError;
use basin_domain::value::ValueError;
use basin_domain::{Code, CodeError, MeasuredValue, ParameterCode, Period};
use proptest::prelude::*;
use rust_decimal::Decimal;

use hostile::{config, HOSTILE_TEXTS};

/// `-?[0-9]+(\.[0-9]+)?`, read by hand: `(negative, integer digits, fraction digits)`.
fn decimal_parts(text: &str) -> Option<(bool, &str, Option<&str>)> {
    let mut rest = text;
    let negative = rest.starts_with('-');
    if negative {
        rest = &rest[1..];
    }
    let integer_length = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (integer, rest) = rest.split_at(integer_length);
    if integer.is_empty() {
        return None;
    }
    if rest.is_empty() {
        return Some((negative, integer, None));
    }
    let fraction = rest.strip_prefix('.')?;
    let all_digits = !fraction.is_empty() && fraction.bytes().all(|byte| byte.is_ascii_digit());
    all_digits.then_some((negative, integer, Some(fraction)))
}

/// What `MeasuredValue::parse` must answer: the grammar `-?[0-9]+(\.[0-9]{1,6})?`, and a
/// magnitude below 10^15.
fn expected_measured(text: &str) -> Result<(), ValueError> {
    let (_, integer, fraction) = decimal_parts(text).ok_or(ValueError::Malformed)?;
    if fraction.is_some_and(|fraction| fraction.len() > 6) {
        return Err(ValueError::TooManyDecimals);
    }
    if integer.trim_start_matches('0').len() > 15 {
        return Err(ValueError::TooLarge);
    }
    Ok(())
}

fn measured_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[-+.0123456789eE nNaI]{0,24}",
        3 => "-?[0-9]{1,17}(\\.[0-9]{0,8})?",
        1 => ("-?[0-9]{1,6}(\\.[0-9]{1,6})?", "[-+.eE nNaI\u{ff10}\u{0660}\u{feff}\r\n]", any::<prop::sample::Index>())
            .prop_map(|(text, inserted, at)| {
                let at = at.index(text.len() + 1);
                format!("{}{inserted}{}", &text[..at], &text[at..])
            }),
        1 => prop::sample::select(HOSTILE_TEXTS).prop_map(str::to_owned),
    ]
}

/// `YYYY`, `YYYY-MM` or `YYYY-Qn` with a year of 0001 to 9999, read byte by byte.
fn is_period_text(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |from: usize, to: usize| bytes[from..to].iter().all(u8::is_ascii_digit);
    let number = |from: usize, to: usize| text[from..to].parse::<u32>().unwrap_or(0);
    let year_ok = bytes.len() >= 4 && digits(0, 4) && number(0, 4) >= 1;
    match bytes.len() {
        4 => year_ok,
        7 if bytes[4] == b'-' && bytes[5] == b'Q' => year_ok && (b'1'..=b'4').contains(&bytes[6]),
        7 if bytes[4] == b'-' => year_ok && digits(5, 7) && (1..=12).contains(&number(5, 7)),
        _ => false,
    }
}

fn period_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[0-9Q\\- +]{0,9}",
        3 => "[0-9]{4}(-[0-9]{2}|-Q[0-9])?",
        1 => "[0-9\u{ff10}\u{0660}é\u{2014}-]{0,8}",
        1 => prop::sample::select(HOSTILE_TEXTS).prop_map(str::to_owned),
    ]
}

/// `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`, read byte by byte.
fn is_code_text(text: &str) -> bool {
    let bytes = text.as_bytes();
    let allowed = |byte: &u8| byte.is_ascii_alphanumeric() || b"._-".contains(byte);
    !bytes.is_empty()
        && bytes.len() <= 64
        && bytes[0].is_ascii_alphanumeric()
        && bytes[1..].iter().all(allowed)
}

fn code_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z0-9][A-Za-z0-9._-]{55,70}",
        3 => "[a0._\\- /é+\u{0660}\u{212a}\u{feff}]{0,8}",
        1 => prop::sample::select(HOSTILE_TEXTS).prop_map(str::to_owned),
    ]
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn a_measured_value_is_accepted_exactly_when_it_matches_the_grammar(text in measured_text()) {
        let parsed = MeasuredValue::parse(&text);
        prop_assert_eq!(parsed.as_ref().map(|_| ()).map_err(Clone::clone), expected_measured(&text));
        let Ok(value) = parsed else { return Ok(()) };
        prop_assert_eq!(value.as_str(), text.as_str());
        prop_assert_eq!(value.to_string(), text.clone());
        // The decimal is exactly the digits of the text, at the text's scale.
        let (negative, integer, fraction) = decimal_parts(&text).unwrap_or_default();
        let digits: i128 = format!("{integer}{}", fraction.unwrap_or("")).parse().unwrap_or(-1);
        let decimal = value.decimal();
        prop_assert_eq!(decimal.scale() as usize, fraction.map_or(0, str::len));
        prop_assert_eq!(decimal.mantissa().abs(), digits);
        prop_assert!(!decimal.is_sign_negative() || negative);
        // It travels as the same JSON string.
        let json = serde_json::to_string(&value).unwrap_or_default();
        prop_assert_eq!(&json, &serde_json::to_string(&text).unwrap_or_default());
        prop_assert_eq!(serde_json::from_str::<MeasuredValue>(&json).ok(), Some(value));
    }

    #[test]
    fn a_measured_value_for_a_parameter_also_respects_its_physical_range(
        text in measured_text(),
        parameter in prop::sample::select(ParameterCode::ALL.to_vec()),
    ) {
        let expected = MeasuredValue::parse(&text).and_then(|value| {
            let decimal = value.decimal();
            if parameter == ParameterCode::Ph && !(Decimal::ZERO <= decimal && decimal <= Decimal::from(14)) {
                Err(ValueError::PhOutOfRange)
            } else if parameter.is_never_negative() && decimal < Decimal::ZERO {
                Err(ValueError::Negative { parameter })
            } else {
                Ok(value)
            }
        });
        prop_assert_eq!(MeasuredValue::parse_for(parameter, &text), expected);
    }

    #[test]
    fn a_period_is_accepted_exactly_in_its_one_written_form_and_prints_back_the_same(text in period_text()) {
        let parsed = Period::parse(&text);
        prop_assert_eq!(parsed.is_ok(), is_period_text(&text), "{:?}", parsed);
        if let Ok(period) = parsed {
            prop_assert_eq!(period.to_string(), text.clone());
            let json = serde_json::to_string(&period).unwrap_or_default();
            prop_assert_eq!(serde_json::from_str::<Period>(&json).ok(), Some(period));
            prop_assert_eq!(period.months().len() as u32, period.kind().month_count());
            prop_assert!(period.start_utc() < period.end_utc());
        } else if let Err(error) = parsed {
            let is_period_error = matches!(error, PeriodError::Malformed | PeriodError::YearOutOfRange | PeriodError::MonthOutOfRange | PeriodError::QuarterOutOfRange);
            prop_assert!(is_period_error);
        }
    }

    #[test]
    fn every_period_prints_as_text_that_parses_back_to_it(
        year in 1_i32..=9999,
        month in 1_u32..=12,
        quarter in 1_u32..=4,
        form in 0_u8..3,
    ) {
        let text = match form {
            0 => format!("{year:04}-{month:02}"),
            1 => format!("{year:04}-Q{quarter}"),
            _ => format!("{year:04}"),
        };
        let period = Period::parse(&text);
        prop_assert_eq!(period.map(|period| period.to_string()), Ok(text));
    }

    #[test]
    fn a_code_is_accepted_exactly_when_it_matches_the_contract_pattern(text in code_text()) {
        let parsed = Code::parse(&text);
        prop_assert_eq!(parsed.is_ok(), is_code_text(&text), "{:?}", parsed);
        match parsed {
            Ok(code) => {
                prop_assert_eq!(code.as_str(), text.as_str());
                prop_assert_eq!(code.to_string(), text.clone());
                let json = serde_json::to_string(&code).unwrap_or_default();
                prop_assert_eq!(serde_json::from_str::<Code>(&json).ok(), Some(code.clone()));
                prop_assert_eq!(String::from(code), text);
            }
            Err(error) => {
                let expected = if text.is_empty() {
                    CodeError::Empty
                } else if text.len() > 64 {
                    CodeError::TooLong
                } else if !text.as_bytes()[0].is_ascii_alphanumeric() {
                    CodeError::BadFirstCharacter
                } else {
                    CodeError::BadCharacter
                };
                prop_assert_eq!(error, expected);
            }
        }
    }
}
