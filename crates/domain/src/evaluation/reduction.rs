//! `reduction` (Miyun upstream, total-nitrogen reduction): `r = (baseline − S_p) / baseline × 100`, rounded
//! half to even to 2 decimals; amount = `r × rate`, rounded half to even to the fen, clamped to the cap.

use rust_decimal::Decimal;
use serde_json::json;

use super::amounts::{
    divide, multiply, period_statistic, round_to_fen, subtract, Context, Outcome, RuleFailure,
};
use crate::agreement::valid::ReductionRule;
use crate::decimal_text::{decimal_json, round_half_even};

/// Decimals of the published reduction in percent.
const PERCENT_DECIMALS: u32 = 2;

pub(super) fn evaluate(rule: &ReductionRule, context: &Context) -> Result<Outcome, RuleFailure> {
    let (_, statistics) = context.section(&rule.section)?;
    let statistic = period_statistic(&rule.section, statistics, rule.parameter)?;
    // Evaluated in the order written: ((baseline − S) / baseline) × 100.
    let reduction = divide(
        subtract(rule.baseline, statistic, "baseline − S")?,
        rule.baseline,
        "(baseline − S) / baseline",
    )?;
    let percent = round_half_even(
        multiply(reduction, Decimal::ONE_HUNDRED, "r × 100")?,
        PERCENT_DECIMALS,
    );
    let amount = multiply(percent, rule.rate_fen_per_percent, "r × rate")?;
    let rounded = round_to_fen(amount, rule.cap_fen)?;
    Ok(Outcome {
        amount_fen: rounded.amount_fen,
        explanation: json!({
            "parameter": rule.parameter,
            "baseline": decimal_json(rule.baseline),
            "statistic": decimal_json(statistic),
            "months": statistics.months_with(rule.parameter).count(),
            "r_percent": decimal_json(percent),
            "rate_fen_per_percent": decimal_json(rule.rate_fen_per_percent),
            "amount_before_cap_fen": decimal_json(rounded.before_cap),
            "cap_fen": rule.cap_fen,
            "capped": rounded.capped,
        }),
    })
}
