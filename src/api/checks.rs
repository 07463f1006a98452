//! Field checks for request bodies: each failed check records a pointer and a message, so one
//! 422 names every offending field at once.

use basin_domain::Code;
use ed25519_dalek::VerifyingKey;
use rust_decimal::Decimal;
use serde_json::value::RawValue;

use super::problem::{ApiError, FieldProblem};

/// Longest name or free-text field accepted, in characters.
pub const TEXT_CHARACTERS_MAX: usize = 200;

#[derive(Default)]
pub struct Checks {
    problems: Vec<FieldProblem>,
}

impl Checks {
    pub fn fail(&mut self, pointer: &str, message: impl Into<String>) {
        self.problems.push(FieldProblem::pointer(pointer, message));
    }

    pub fn code(&mut self, pointer: &str, text: &str) {
        if let Err(error) = Code::parse(text) {
            self.fail(
                pointer,
                format!("code {error} (pattern ^[A-Za-z0-9][A-Za-z0-9._-]{{0,63}}$)"),
            );
        }
    }

    /// The code of a key owner (a jurisdiction or a station): `ledger` names the ledger's own
    /// keys in `key.added` / `key.retired`, so no party may take it.
    pub fn owner_code(&mut self, pointer: &str, text: &str) {
        self.code(pointer, text);
        if text.eq_ignore_ascii_case(basin_ledger_core::entry::LEDGER_KEY_OWNER) {
            self.fail(pointer, "is reserved for the ledger's own keys");
        }
    }

    pub fn text(&mut self, pointer: &str, text: &str) {
        if text.trim().is_empty() {
            self.fail(pointer, "must not be empty");
        } else if text.chars().count() > TEXT_CHARACTERS_MAX {
            self.fail(
                pointer,
                format!("must be at most {TEXT_CHARACTERS_MAX} characters"),
            );
        } else if text.chars().any(char::is_control) {
            self.fail(pointer, "must not contain control characters");
        }
    }

    pub fn one_of(&mut self, pointer: &str, text: &str, allowed: &[&str]) {
        if !allowed.contains(&text) {
            self.fail(pointer, format!("must be one of {}", allowed.join(", ")));
        }
    }

    /// A decimal literal (JSON number or string, no exponent) within `[minimum, maximum]`;
    /// returns its exact text.
    pub fn bounded_decimal(
        &mut self,
        pointer: &str,
        raw: Option<&RawValue>,
        minimum: i64,
        maximum: i64,
    ) -> Option<String> {
        let raw = raw?;
        let literal = raw.get();
        let text = literal
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap_or(literal);
        let well_formed = is_plain_decimal(text);
        match text.parse::<Decimal>() {
            Ok(value)
                if well_formed
                    && value >= Decimal::from(minimum)
                    && value <= Decimal::from(maximum) =>
            {
                Some(text.to_owned())
            }
            _ => {
                self.fail(
                    pointer,
                    format!("must be a decimal from {minimum} to {maximum}, e.g. 40.6921"),
                );
                None
            }
        }
    }

    /// Standard padded base64 of a 32-byte Ed25519 public key.
    pub fn public_key(&mut self, pointer: &str, text: &str) -> Option<VerifyingKey> {
        match parse_public_key(text) {
            Ok(key) => Some(key),
            Err(message) => {
                self.fail(pointer, message);
                None
            }
        }
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid(self.problems))
        }
    }
}

/// `-?[0-9]+(\.[0-9]{1,6})?`: no exponent, no sign other than a leading minus, no bare dot.
fn is_plain_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    let all_digits =
        |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
    all_digits(whole) && fraction.is_none_or(|fraction| all_digits(fraction) && fraction.len() <= 6)
}

pub fn parse_public_key(text: &str) -> Result<VerifyingKey, String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| "must be standard padded base64".to_owned())?;
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|_| "must encode exactly 32 bytes (an Ed25519 public key)".to_owned())?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| "is not a valid Ed25519 public key".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_decimals_only() {
        for good in ["0", "40.6921", "-117.5", "1.123456"] {
            assert!(is_plain_decimal(good), "{good}");
        }
        for bad in ["", ".5", "1.", "1e3", "+1", "1.1234567", "NaN", "--1"] {
            assert!(!is_plain_decimal(bad), "{bad}");
        }
    }

    #[test]
    fn every_failed_check_is_reported_with_its_pointer() {
        let mut checks = Checks::default();
        checks.code("/code", "bad code");
        checks.text("/name", " ");
        checks.one_of("/water_body", "sea", &["river", "lake"]);
        let problem = checks.finish().unwrap_err().problem();
        let pointers: Vec<_> = problem
            .errors
            .iter()
            .filter_map(|error| error.pointer.clone())
            .collect();
        assert_eq!(pointers, ["/code", "/name", "/water_body"]);
    }
}
