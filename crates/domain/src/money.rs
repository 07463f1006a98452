//! Money in fen (1 yuan = 100 fen), the only unit the ledger settles in.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Largest magnitude a `Fen` may have. Signed documents are canonicalised with RFC 8785 (JCS), which
/// represents numbers as IEEE doubles, so every integer they hold must stay below 2^53 to survive exactly.
pub const FEN_MAGNITUDE_MAX: i64 = (1_i64 << 53) - 1;

/// A signed amount of money in fen. Its magnitude is always below 2^53.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fen(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("an amount in fen must be below 2^53 in magnitude (9007199254740992)")]
    OutOfRange,
}

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub fn new(amount_fen: i64) -> Result<Self, MoneyError> {
        if amount_fen
            .checked_abs()
            .is_some_and(|magnitude| magnitude <= FEN_MAGNITUDE_MAX)
        {
            Ok(Self(amount_fen))
        } else {
            Err(MoneyError::OutOfRange)
        }
    }

    pub fn as_i64(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Fen) -> Result<Fen, MoneyError> {
        // Two values below 2^53 cannot overflow an i64, so only the 2^53 bound can refuse.
        Self::new(self.0 + other.0)
    }

    pub fn checked_sub(self, other: Fen) -> Result<Fen, MoneyError> {
        Self::new(self.0 - other.0)
    }

    /// Multiplies by a count (class steps, months): exact, or refused when out of range.
    pub fn checked_mul(self, factor: i64) -> Result<Fen, MoneyError> {
        self.0
            .checked_mul(factor)
            .ok_or(MoneyError::OutOfRange)
            .and_then(Self::new)
    }

    /// The magnitude never leaves the range, so it cannot fail.
    pub fn abs(self) -> Fen {
        Fen(self.0.abs())
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Clamps to `[-cap, +cap]`; the cap's sign is ignored.
    pub fn clamp_to(self, cap: Fen) -> Fen {
        let bound = cap.0.abs();
        Fen(self.0.clamp(-bound, bound))
    }
}

/// Negation never leaves the symmetric range, so it cannot fail.
impl std::ops::Neg for Fen {
    type Output = Fen;
    fn neg(self) -> Fen {
        Fen(-self.0)
    }
}

impl TryFrom<i64> for Fen {
    type Error = MoneyError;
    fn try_from(amount_fen: i64) -> Result<Self, Self::Error> {
        Self::new(amount_fen)
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Fen {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for Fen {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_i64(FenVisitor)
    }
}

/// Accepts JSON integers only: a fractional amount of fen is a client error, never rounded here.
struct FenVisitor;

impl Visitor<'_> for FenVisitor {
    type Value = Fen;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an integer amount of fen below 2^53 in magnitude")
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Fen, E> {
        Fen::new(value).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Fen, E> {
        i64::try_from(value)
            .map_err(|_| E::custom(MoneyError::OutOfRange))
            .and_then(|value| Fen::new(value).map_err(E::custom))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_amounts_just_below_two_to_the_fifty_third() {
        assert_eq!(
            Fen::new(FEN_MAGNITUDE_MAX).unwrap().as_i64(),
            9_007_199_254_740_991
        );
        assert_eq!(
            Fen::new(-FEN_MAGNITUDE_MAX).unwrap().as_i64(),
            -9_007_199_254_740_991
        );
    }

    #[test]
    fn refuses_two_to_the_fifty_third_and_beyond() {
        assert_eq!(Fen::new(1 << 53), Err(MoneyError::OutOfRange));
        assert_eq!(Fen::new(-(1 << 53)), Err(MoneyError::OutOfRange));
        assert_eq!(Fen::new(i64::MIN), Err(MoneyError::OutOfRange));
    }

    #[test]
    fn checked_arithmetic_refuses_results_out_of_range() {
        let big = Fen::new(FEN_MAGNITUDE_MAX).unwrap();
        assert!(big.checked_add(Fen::new(1).unwrap()).is_err());
        assert!((-big).checked_sub(Fen::new(1).unwrap()).is_err());
        assert!(big.checked_mul(2).is_err());
        assert_eq!(Fen::new(-5).unwrap().abs(), Fen::new(5).unwrap());
        assert_eq!(
            Fen::new(30).unwrap().checked_mul(-4).unwrap().as_i64(),
            -120
        );
    }

    #[test]
    fn clamping_keeps_the_sign_and_stops_at_the_cap() {
        let cap = Fen::new(500).unwrap();
        assert_eq!(Fen::new(800).unwrap().clamp_to(cap).as_i64(), 500);
        assert_eq!(Fen::new(-800).unwrap().clamp_to(cap).as_i64(), -500);
        assert_eq!(Fen::new(499).unwrap().clamp_to(cap).as_i64(), 499);
    }

    #[test]
    fn serialises_as_a_json_integer_and_refuses_fractions_and_strings() {
        let amount = Fen::new(-120_000_000).unwrap();
        assert_eq!(serde_json::to_string(&amount).unwrap(), "-120000000");
        assert_eq!(
            serde_json::from_str::<Fen>("696000").unwrap().as_i64(),
            696_000
        );
        assert!(serde_json::from_str::<Fen>("1.5").is_err());
        assert!(serde_json::from_str::<Fen>("\"100\"").is_err());
        assert!(serde_json::from_str::<Fen>("9007199254740992").is_err());
        assert!(serde_json::from_str::<Fen>("18446744073709551615").is_err());
    }
}
