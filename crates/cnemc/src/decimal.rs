//! Values stay exact decimal text: no binary floating point ever sees them. The 2025 raw columns
//! write algae density in E-notation (`1.322235E+07`) and the ledger's API accepts neither
//! exponents nor more than six decimals, so both are rewritten here by digit arithmetic.

/// Most decimals the ledger accepts in a value. Raw values with more are rounded to this many,
/// half to even, so that a value that has to be rounded is not biased upwards.
pub const DECIMAL_PLACES_MAX: usize = 6;

/// Largest exponent magnitude accepted in E-notation. Real values span about 10^-4 to 10^8; the
/// limit keeps `1E+999999999` from becoming a gigabyte of zeros.
const EXPONENT_MAGNITUDE_MAX: u32 = 30;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    #[error("`{0}` is not a decimal number")]
    NotADecimal(String),
    #[error("`{0}` has an exponent beyond ±{EXPONENT_MAGNITUDE_MAX}")]
    ExponentTooLarge(String),
}

/// A decimal as its digits and the count of those digits after the point:
/// `-12.05` is `negative, [1, 2, 0, 5], 2`.
struct Digits {
    negative: bool,
    digits: Vec<u8>,
    scale: usize,
}

/// Returns `text` as plain decimal text with at most [`DECIMAL_PLACES_MAX`] decimals. Plain text
/// that already fits is returned as published (trailing zeros kept: `5.70` stays `5.70`); E-notation
/// and longer fractions are rewritten.
pub fn decimal_text(text: &str) -> Result<String, DecimalError> {
    let trimmed = text.trim();
    let (mantissa, exponent) = match trimmed.find(['e', 'E']) {
        Some(at) => (
            &trimmed[..at],
            Some(parse_exponent(&trimmed[at + 1..], trimmed)?),
        ),
        None => (trimmed, None),
    };
    let mut number =
        parse_mantissa(mantissa).ok_or_else(|| DecimalError::NotADecimal(trimmed.to_owned()))?;
    if exponent.is_none() && number.scale <= DECIMAL_PLACES_MAX {
        return Ok(trimmed.to_owned());
    }
    shift_point(&mut number, exponent.unwrap_or(0));
    round_half_even(&mut number, DECIMAL_PLACES_MAX);
    Ok(render(&number))
}

fn parse_exponent(text: &str, whole: &str) -> Result<i32, DecimalError> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'+') => (false, &text[1..]),
        Some(b'-') => (true, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(DecimalError::NotADecimal(whole.to_owned()));
    }
    let magnitude: u32 = digits
        .parse()
        .ok()
        .filter(|magnitude| *magnitude <= EXPONENT_MAGNITUDE_MAX)
        .ok_or_else(|| DecimalError::ExponentTooLarge(whole.to_owned()))?;
    // The magnitude is at most EXPONENT_MAGNITUDE_MAX, so it fits an i32.
    let magnitude = i32::try_from(magnitude).unwrap_or(i32::MAX);
    Ok(if negative { -magnitude } else { magnitude })
}

/// Accepts `-?digits(.digits)?`: the publisher writes nothing else, and anything else (`+1`,
/// `.5`, `1.`, `1,5`) is more likely a broken file than a value.
fn parse_mantissa(text: &str) -> Option<Digits> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (unsigned, ""),
    };
    let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    let point_without_fraction = unsigned.contains('.') && fraction.is_empty();
    if whole.is_empty() || point_without_fraction || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let digits = whole
        .bytes()
        .chain(fraction.bytes())
        .map(|byte| byte - b'0')
        .collect();
    Some(Digits {
        negative,
        digits,
        scale: fraction.len(),
    })
}

/// Multiplies by 10^exponent by moving the point: a positive exponent first uses up decimals and
/// then appends zeros.
fn shift_point(number: &mut Digits, exponent: i32) {
    let shift = exponent.unsigned_abs() as usize;
    if exponent >= 0 {
        let absorbed = shift.min(number.scale);
        number.scale -= absorbed;
        number
            .digits
            .extend(std::iter::repeat_n(0, shift - absorbed));
    } else {
        number.scale += shift;
    }
}

fn round_half_even(number: &mut Digits, places: usize) {
    if number.scale <= places {
        return;
    }
    let dropped_count = number.scale - places;
    // Pad so that at least one digit stays in front of the point being kept.
    if number.digits.len() < dropped_count + 1 {
        let missing = dropped_count + 1 - number.digits.len();
        number.digits.splice(0..0, std::iter::repeat_n(0, missing));
    }
    let keep = number.digits.len() - dropped_count;
    let first_dropped = number.digits[keep];
    let rest_nonzero = number.digits[keep + 1..].iter().any(|digit| *digit != 0);
    let last_kept_odd = number.digits[keep - 1] % 2 == 1;
    number.digits.truncate(keep);
    number.scale = places;
    let round_up = first_dropped > 5 || (first_dropped == 5 && (rest_nonzero || last_kept_odd));
    if round_up {
        increment(&mut number.digits);
    }
}

fn increment(digits: &mut Vec<u8>) {
    for digit in digits.iter_mut().rev() {
        if *digit == 9 {
            *digit = 0;
        } else {
            *digit += 1;
            return;
        }
    }
    digits.insert(0, 1);
}

fn render(number: &Digits) -> String {
    let mut digits = number.digits.clone();
    if digits.len() < number.scale + 1 {
        let missing = number.scale + 1 - digits.len();
        digits.splice(0..0, std::iter::repeat_n(0, missing));
    }
    let point = digits.len() - number.scale;
    let leading_zeros = digits[..point - 1]
        .iter()
        .take_while(|digit| **digit == 0)
        .count();
    let is_zero = digits.iter().all(|digit| *digit == 0);
    let mut text = String::with_capacity(digits.len() + 2);
    // A value that rounds to zero is written without a sign: `-0.000000` would be the same number.
    if number.negative && !is_zero {
        text.push('-');
    }
    for (index, digit) in digits.iter().enumerate().skip(leading_zeros) {
        if index == point {
            text.push('.');
        }
        text.push(char::from(b'0' + digit));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn converted(text: &str) -> String {
        match decimal_text(text) {
            Ok(decimal) => decimal,
            Err(error) => panic!("{text}: {error}"),
        }
    }

    #[test]
    fn plain_decimals_that_fit_are_kept_as_published() {
        for text in ["5.70", "0.0001", "0", "-0.3", "731.2", "13222350", "007"] {
            assert_eq!(converted(text), text);
        }
        assert_eq!(converted(" 8.188 "), "8.188");
    }

    #[test]
    fn e_notation_with_a_positive_exponent_becomes_a_plain_integer() {
        assert_eq!(converted("1.322235E+07"), "13222350");
        assert_eq!(converted("2.828662E+07"), "28286620");
        assert_eq!(converted("1.5e3"), "1500");
        assert_eq!(converted("1.50E+00"), "1.50");
        assert_eq!(converted("12.3456E+02"), "1234.56");
        assert_eq!(converted("-4E+2"), "-400");
    }

    #[test]
    fn e_notation_with_a_negative_exponent_becomes_a_plain_fraction() {
        assert_eq!(converted("1.5E-03"), "0.0015");
        assert_eq!(converted("2.5e-1"), "0.25");
        assert_eq!(converted("-3.1E-02"), "-0.031");
        assert_eq!(converted("123E-2"), "1.23");
    }

    #[test]
    fn more_than_six_decimals_round_half_to_even() {
        assert_eq!(converted("0.12345649"), "0.123456");
        assert_eq!(converted("0.1234565"), "0.123456");
        assert_eq!(converted("0.1234575"), "0.123458");
        assert_eq!(converted("0.12345651"), "0.123457");
        assert_eq!(converted("9.9999995"), "10.000000");
        assert_eq!(converted("-0.1234575"), "-0.123458");
        assert_eq!(converted("1.23456789E-03"), "0.001235");
    }

    #[test]
    fn a_value_too_small_for_six_decimals_rounds_to_an_unsigned_zero() {
        assert_eq!(converted("4E-08"), "0.000000");
        assert_eq!(converted("-4E-08"), "0.000000");
        assert_eq!(converted("5E-07"), "0.000000");
        assert_eq!(converted("1.5E-06"), "0.000002");
    }

    #[test]
    fn text_that_is_not_a_decimal_is_refused() {
        for text in [
            "", "--", "*", "+1", ".5", "1.", "1,5", "1.2.3", "E5", "1E", "1E+", "nan", "0x10",
        ] {
            assert!(
                matches!(decimal_text(text), Err(DecimalError::NotADecimal(_))),
                "{text}"
            );
        }
    }

    #[test]
    fn an_exponent_beyond_the_limit_is_refused() {
        assert!(matches!(
            decimal_text("1E+999999999999"),
            Err(DecimalError::ExponentTooLarge(_))
        ));
        assert_eq!(converted("1E+30").len(), 31);
    }
}
