//! What a station may write for one parameter (API.md "Value flags and detection limits"): an exact
//! value (`0.270`) or a detection-limit literal (`<0.02`, below the detection limit 0.02), each kept as
//! the literal text it came in, beside its per-value HJ 212 flag and the agreement's rule for how a
//! below-limit value enters a mean.

mod flag;
mod treatment;

use std::fmt;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::parameter::ParameterCode;
use crate::value::{MeasuredValue, ValueError};

pub use flag::{FlagError, ValueFlag};
pub use treatment::BelowDetection;

/// The prefix of a detection-limit literal.
const BELOW_LIMIT_PREFIX: char = '<';

/// What a literal says about the water.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Measured {
    /// The value itself, exactly as written.
    Exact(Decimal),
    /// Below the detection limit `limit`, which is positive.
    BelowLimit { limit: Decimal },
}

impl From<Decimal> for Measured {
    fn from(value: Decimal) -> Self {
        Self::Exact(value)
    }
}

/// A value literal: its text as sent and what it measures. Only [`ValueLiteral::parse_for`] builds
/// one, so a below-limit literal always has a positive limit within the parameter's range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ValueLiteral {
    text: String,
    measured: Measured,
}

impl ValueLiteral {
    /// Parses `<L` (`<` immediately followed by a positive value literal of the usual grammar) or a
    /// plain value literal, and applies the parameter's physical range to the value or the limit.
    /// `< 0.02`, `<<0.1`, `<1e-3`, `<-1` and `>0.5` are refused.
    pub fn parse_for(parameter: ParameterCode, literal: &str) -> Result<Self, ValueError> {
        Ok(Self {
            measured: Self::measure_for(parameter, literal)?,
            text: literal.to_owned(),
        })
    }

    /// What [`Self::parse_for`] reads from the literal, without keeping its text: a settlement
    /// parses every value of a year's readings, and needs only the measurement.
    pub fn measure_for(parameter: ParameterCode, literal: &str) -> Result<Measured, ValueError> {
        let measured = match literal.strip_prefix(BELOW_LIMIT_PREFIX) {
            Some(limit_text) => {
                if limit_text.starts_with('-') {
                    return Err(ValueError::LimitNotPositive);
                }
                let limit =
                    MeasuredValue::decimal_for(parameter, limit_text).map_err(
                        |error| match error {
                            ValueError::Malformed => ValueError::MalformedLimit,
                            other => other,
                        },
                    )?;
                if limit <= Decimal::ZERO {
                    return Err(ValueError::LimitNotPositive);
                }
                Measured::BelowLimit { limit }
            }
            None => Measured::Exact(MeasuredValue::decimal_for(parameter, literal)?),
        };
        Ok(measured)
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn measured(&self) -> Measured {
        self.measured
    }
}

impl fmt::Display for ValueLiteral {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Written back as the literal text it came in.
impl Serialize for ValueLiteral {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

#[cfg(test)]
mod tests;
