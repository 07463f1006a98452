//! RFC 8785 (JSON Canonicalization Scheme) for the value set basin-ledger signs.
//!
//! Signed documents and log leaves hold only strings, integers of magnitude below 2^53,
//! booleans, null, arrays and objects (ERRATA "Canonical JSON"). For that set RFC 8785 is
//! small enough to write out here, which avoids routing integers through `f64`: any float,
//! and any integer outside the IEEE 754 exactly representable range, is refused rather
//! than silently rounded.

use serde_json::{Map, Number, Value};

/// Integers are exact in IEEE 754 doubles (RFC 8785 §3.2.2.3) up to this magnitude.
pub const SAFE_INTEGER_MAX: u64 = (1 << 53) - 1;

/// Deeper values are refused so that a hostile or buggy value cannot exhaust the stack,
/// and so that everything written here parses back with `serde_json` (whose limit is 128).
pub const NESTING_DEPTH_MAX: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalError {
    #[error("number {0} is not an integer; canonical documents hold integers only")]
    NotAnInteger(String),
    #[error("integer {0} is not below 2^53 in magnitude")]
    IntegerOutOfRange(String),
    #[error("value nests deeper than {NESTING_DEPTH_MAX} levels")]
    TooDeep,
}

/// Serializes `value` as RFC 8785 canonical JSON.
pub fn canonical_json(value: &Value) -> Result<Vec<u8>, CanonicalError> {
    let mut output = Vec::new();
    write_value(value, 0, &mut output)?;
    Ok(output)
}

fn write_value(value: &Value, depth: usize, output: &mut Vec<u8>) -> Result<(), CanonicalError> {
    match value {
        // RFC 8785 §3.2.2.1: literals are written in lowercase.
        Value::Null => output.extend_from_slice(b"null"),
        Value::Bool(true) => output.extend_from_slice(b"true"),
        Value::Bool(false) => output.extend_from_slice(b"false"),
        Value::Number(number) => write_integer(number, output)?,
        Value::String(text) => write_string(text, output),
        Value::Array(items) => {
            let depth = deeper(depth)?;
            output.push(b'[');
            for (position, item) in items.iter().enumerate() {
                if position > 0 {
                    output.push(b',');
                }
                write_value(item, depth, output)?;
            }
            output.push(b']');
        }
        Value::Object(members) => write_object(members, deeper(depth)?, output)?,
    }
    Ok(())
}

fn deeper(depth: usize) -> Result<usize, CanonicalError> {
    if depth >= NESTING_DEPTH_MAX {
        return Err(CanonicalError::TooDeep);
    }
    Ok(depth + 1)
}

/// RFC 8785 §3.2.3: members sorted by the UTF-16 code units of their names, compared as
/// unsigned integers. This differs from UTF-8 byte order for characters above U+FFFF
/// (surrogates D800-DFFF sort below E000-FFFF).
fn write_object(
    members: &Map<String, Value>,
    depth: usize,
    output: &mut Vec<u8>,
) -> Result<(), CanonicalError> {
    let mut sorted: Vec<(&String, &Value)> = members.iter().collect();
    sorted.sort_by(|(left, _), (right, _)| left.encode_utf16().cmp(right.encode_utf16()));
    output.push(b'{');
    for (position, (name, member)) in sorted.into_iter().enumerate() {
        if position > 0 {
            output.push(b',');
        }
        write_string(name, output);
        output.push(b':');
        write_value(member, depth, output)?;
    }
    output.push(b'}');
    Ok(())
}

/// RFC 8785 §3.2.2.3 serializes numbers as ECMAScript `Number.prototype.toString` does,
/// which for an integer of magnitude below 2^53 is its plain decimal digits.
fn write_integer(number: &Number, output: &mut Vec<u8>) -> Result<(), CanonicalError> {
    let magnitude = if let Some(unsigned) = number.as_u64() {
        unsigned
    } else if let Some(signed) = number.as_i64() {
        signed.unsigned_abs()
    } else {
        return Err(CanonicalError::NotAnInteger(number.to_string()));
    };
    if magnitude > SAFE_INTEGER_MAX {
        return Err(CanonicalError::IntegerOutOfRange(number.to_string()));
    }
    // Both `u64` and `i64` display as plain decimal digits with a leading minus sign.
    output.extend_from_slice(number.to_string().as_bytes());
    Ok(())
}

/// RFC 8785 §3.2.2.2: quote, backslash and the control characters U+0000..U+001F are
/// escaped; `\b \t \n \f \r` use their short forms and the rest `\u00xx` in lowercase
/// hex. Every other character, including `/`, DEL and non-ASCII, is written as UTF-8.
/// Public for writers that stream a known shape (the readings digest) without building a
/// `Value`; they must produce exactly what [`canonical_json`] would.
pub fn write_string(text: &str, output: &mut Vec<u8>) {
    output.push(b'"');
    // Most text (codes, instants, decimals) needs no escape: copy it whole.
    if !text
        .bytes()
        .any(|byte| byte == b'"' || byte == b'\\' || byte < 0x20)
    {
        output.extend_from_slice(text.as_bytes());
        output.push(b'"');
        return;
    }
    for character in text.chars() {
        match character {
            '"' => output.extend_from_slice(b"\\\""),
            '\\' => output.extend_from_slice(b"\\\\"),
            '\u{08}' => output.extend_from_slice(b"\\b"),
            '\t' => output.extend_from_slice(b"\\t"),
            '\n' => output.extend_from_slice(b"\\n"),
            '\u{0c}' => output.extend_from_slice(b"\\f"),
            '\r' => output.extend_from_slice(b"\\r"),
            control if u32::from(control) < 0x20 => {
                output.extend_from_slice(format!("\\u{:04x}", u32::from(control)).as_bytes());
            }
            other => {
                let mut buffer = [0; 4];
                output.extend_from_slice(other.encode_utf8(&mut buffer).as_bytes());
            }
        }
    }
    output.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn canonical_text(value: &Value) -> String {
        String::from_utf8(canonical_json(value).unwrap()).unwrap()
    }

    #[test]
    fn integers_at_the_edge_of_the_safe_range_are_written_as_digits() {
        assert_eq!(
            canonical_text(&json!([0, -1, 9007199254740991_u64, -9007199254740991_i64])),
            "[0,-1,9007199254740991,-9007199254740991]"
        );
    }

    #[test]
    fn integers_of_two_to_the_53_or_more_are_refused() {
        for value in [
            json!(9007199254740992_u64),
            json!(-9007199254740992_i64),
            json!(u64::MAX),
        ] {
            assert!(matches!(
                canonical_json(&value),
                Err(CanonicalError::IntegerOutOfRange(_))
            ));
        }
    }

    #[test]
    fn every_float_is_refused_even_when_it_is_whole() {
        for value in [json!(1.0), json!(0.5), json!(-0.0), json!({"a": [1e3]})] {
            assert!(matches!(
                canonical_json(&value),
                Err(CanonicalError::NotAnInteger(_))
            ));
        }
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_refused() {
        let mut value = json!(null);
        for _ in 0..NESTING_DEPTH_MAX {
            value = json!([value]);
        }
        assert!(canonical_json(&value).is_ok());
        assert_eq!(
            canonical_json(&json!([value])),
            Err(CanonicalError::TooDeep)
        );
    }
}
