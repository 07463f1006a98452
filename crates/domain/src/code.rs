//! Codes identify jurisdictions, basins, sections, stations and agreements.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Longest code accepted, in characters (API.md: `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`).
pub const CODE_LENGTH_MAX: usize = 64;

/// A registry code: an ASCII letter or digit followed by up to 63 letters, digits, `.`, `_` or `-`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Code(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {CODE_LENGTH_MAX} characters")]
    TooLong,
    #[error("must start with an ASCII letter or digit")]
    BadFirstCharacter,
    #[error("may contain only ASCII letters, digits, '.', '_' and '-'")]
    BadCharacter,
}

impl Code {
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let mut characters = text.chars();
        let first = characters.next().ok_or(CodeError::Empty)?;
        if text.len() > CODE_LENGTH_MAX {
            return Err(CodeError::TooLong);
        }
        if !first.is_ascii_alphanumeric() {
            return Err(CodeError::BadFirstCharacter);
        }
        if !characters.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')) {
            return Err(CodeError::BadCharacter);
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Code {
    type Error = CodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Code> for String {
    fn from(code: Code) -> Self {
        code.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_contract_examples() {
        for good in ["BJ", "HE-CD", "miyun-chaobai-2025", "gubeikou.auto_1", "0"] {
            assert_eq!(Code::parse(good).unwrap().as_str(), good);
        }
    }

    #[test]
    fn rejects_each_malformed_shape_with_its_reason() {
        assert_eq!(Code::parse(""), Err(CodeError::Empty));
        assert_eq!(Code::parse("-bj"), Err(CodeError::BadFirstCharacter));
        assert_eq!(Code::parse("古北口"), Err(CodeError::BadFirstCharacter));
        assert_eq!(Code::parse("bj/hb"), Err(CodeError::BadCharacter));
        assert_eq!(Code::parse(&"a".repeat(65)), Err(CodeError::TooLong));
        assert!(Code::parse(&"a".repeat(64)).is_ok());
    }
}
