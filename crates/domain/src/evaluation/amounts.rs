//! What every component evaluation shares: the section statistics, checked decimal arithmetic, and the
//! one rounding of money to the fen (half to even) followed by the cap.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::code::Code;
use crate::decimal_text::round_half_even;
use crate::money::Fen;
use crate::parameter::ParameterCode;
use crate::quality::{SectionFacts, WaterClass};
use crate::statistics::SectionStatistics;

/// Why one component could not be evaluated. The completeness check runs first, so a missing statistic
/// here is a defect; overflow needs absurd rule numbers. Both are refused rather than guessed at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum RuleFailure {
    #[error("{0} is out of the range of exact decimals")]
    Overflow(&'static str),
    #[error("{0} is a division by zero")]
    DivisionByZero(&'static str),
    #[error("no statistic of {parameter} at section {section}")]
    MissingStatistic {
        section: Code,
        parameter: ParameterCode,
    },
    #[error("no facts or statistics for section {0}")]
    MissingSection(Code),
    #[error("the amount is beyond 2^53 fen")]
    AmountOutOfRange,
    #[error("{0} has no water quality class")]
    Unclassified(ParameterCode),
    #[error("no tier matches the index")]
    NoTier,
    #[error("no band matches the exceedance multiple")]
    NoBand,
    #[error("{parameter} has no upper limit for target class {target_class}")]
    NoLimit {
        parameter: ParameterCode,
        target_class: WaterClass,
    },
}

/// A component's amount and explanation.
pub(crate) struct Outcome {
    pub amount_fen: Fen,
    pub explanation: serde_json::Value,
}

pub(crate) struct Context<'a> {
    pub facts: &'a BTreeMap<Code, SectionFacts>,
    pub statistics: &'a BTreeMap<Code, SectionStatistics>,
}

impl Context<'_> {
    pub fn section(
        &self,
        section: &Code,
    ) -> Result<(SectionFacts, &SectionStatistics), RuleFailure> {
        match (self.facts.get(section), self.statistics.get(section)) {
            (Some(facts), Some(statistics)) => Ok((*facts, statistics)),
            _ => Err(RuleFailure::MissingSection(section.clone())),
        }
    }
}

/// The period statistic of a parameter at a section.
pub(crate) fn period_statistic(
    section: &Code,
    statistics: &SectionStatistics,
    parameter: ParameterCode,
) -> Result<Decimal, RuleFailure> {
    statistics
        .stats
        .get(&parameter)
        .copied()
        .ok_or_else(|| RuleFailure::MissingStatistic {
            section: section.clone(),
            parameter,
        })
}

pub(crate) fn add(
    left: Decimal,
    right: Decimal,
    what: &'static str,
) -> Result<Decimal, RuleFailure> {
    left.checked_add(right).ok_or(RuleFailure::Overflow(what))
}

pub(crate) fn subtract(
    left: Decimal,
    right: Decimal,
    what: &'static str,
) -> Result<Decimal, RuleFailure> {
    left.checked_sub(right).ok_or(RuleFailure::Overflow(what))
}

pub(crate) fn multiply(
    left: Decimal,
    right: Decimal,
    what: &'static str,
) -> Result<Decimal, RuleFailure> {
    left.checked_mul(right).ok_or(RuleFailure::Overflow(what))
}

/// A quotient to Decimal's 28 significant digits (compensation.md §3 accepts that precision).
pub(crate) fn divide(
    left: Decimal,
    right: Decimal,
    what: &'static str,
) -> Result<Decimal, RuleFailure> {
    if right.is_zero() {
        return Err(RuleFailure::DivisionByZero(what));
    }
    left.checked_div(right).ok_or(RuleFailure::Overflow(what))
}

/// Money after rounding and capping, with the uncapped amount for the explanation.
pub(crate) struct RoundedAmount {
    pub amount_fen: Fen,
    pub before_cap: Decimal,
    pub capped: bool,
}

/// Rounds half to even to the fen, then clamps to `[-cap, +cap]` when there is a cap.
pub(crate) fn round_to_fen(
    amount: Decimal,
    cap_fen: Option<Fen>,
) -> Result<RoundedAmount, RuleFailure> {
    let before_cap = round_half_even(amount, 0);
    let after_cap = match cap_fen {
        Some(cap) => {
            let bound = Decimal::from(cap.abs().as_i64());
            before_cap.clamp(-bound, bound)
        }
        None => before_cap,
    };
    let amount_fen = i64::try_from(after_cap)
        .ok()
        .and_then(|whole| Fen::new(whole).ok())
        .ok_or(RuleFailure::AmountOutOfRange)?;
    Ok(RoundedAmount {
        amount_fen,
        before_cap,
        capped: after_cap != before_cap,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    #[test]
    fn money_rounds_half_to_even_then_clamps() {
        assert_eq!(
            round_to_fen(decimal("2.5"), None)
                .unwrap()
                .amount_fen
                .as_i64(),
            2
        );
        assert_eq!(
            round_to_fen(decimal("3.5"), None)
                .unwrap()
                .amount_fen
                .as_i64(),
            4
        );
        assert_eq!(
            round_to_fen(decimal("-2.5"), None)
                .unwrap()
                .amount_fen
                .as_i64(),
            -2
        );
        let capped = round_to_fen(decimal("-8890000"), Fen::new(5_000_000).ok()).unwrap();
        assert_eq!(capped.amount_fen.as_i64(), -5_000_000);
        assert!(capped.capped);
        assert_eq!(capped.before_cap, decimal("-8890000"));
    }

    #[test]
    fn amounts_beyond_two_to_the_fifty_third_are_refused_unless_capped() {
        let huge = decimal("9007199254740992");
        assert_eq!(
            round_to_fen(huge, None).err(),
            Some(RuleFailure::AmountOutOfRange)
        );
        assert_eq!(
            round_to_fen(huge, Fen::new(7).ok())
                .unwrap()
                .amount_fen
                .as_i64(),
            7
        );
    }

    #[test]
    fn division_by_zero_is_reported() {
        assert_eq!(
            divide(Decimal::ONE, Decimal::ZERO, "r").err(),
            Some(RuleFailure::DivisionByZero("r"))
        );
    }
}
