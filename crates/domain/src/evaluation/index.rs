//! `index` (Xin'an river style): `P = k0 × Σ w_p × S_p / C0_p` over period statistics, rounded half to
//! even to 4 decimals; the first tier (ascending `max_p`, `null` last) with `P <= max_p` gives the amount.

use serde_json::json;

use super::amounts::{add, divide, multiply, period_statistic, Context, Outcome, RuleFailure};
use crate::agreement::valid::IndexRule;
use crate::decimal_text::{decimal_json, round_half_even};

/// Decimals of the published index.
const INDEX_DECIMALS: u32 = 4;

pub(super) fn evaluate(rule: &IndexRule, context: &Context) -> Result<Outcome, RuleFailure> {
    let (_, statistics) = context.section(&rule.section)?;
    let mut sum = rust_decimal::Decimal::ZERO;
    let mut parameters = Vec::new();
    for (parameter, weighted) in &rule.weighted {
        let statistic = period_statistic(&rule.section, statistics, *parameter)?;
        // Evaluated in the order written: (w_p × S_p) / C0_p, then the sum, then k0 × sum.
        let weighted_statistic = multiply(weighted.weight, statistic, "w × S")?;
        let term = divide(weighted_statistic, weighted.baseline, "w × S / C0")?;
        sum = add(sum, term, "Σ w × S / C0")?;
        parameters.push(json!({
            "parameter": parameter,
            "weight": decimal_json(weighted.weight),
            "baseline": decimal_json(weighted.baseline),
            "statistic": decimal_json(statistic),
            "months": statistics.months_with(*parameter).count(),
        }));
    }
    let p = round_half_even(multiply(rule.k0, sum, "k0 × Σ")?, INDEX_DECIMALS);
    let (position, tier) = rule
        .tiers
        .iter()
        .enumerate()
        .find(|(_, tier)| tier.max_p.is_none_or(|max_p| p <= max_p))
        .ok_or(RuleFailure::NoTier)?;
    Ok(Outcome {
        amount_fen: tier.amount_fen,
        explanation: json!({
            "k0": decimal_json(rule.k0),
            "parameters": parameters,
            "p": decimal_json(p),
            "tier": position,
            "max_p": tier.max_p.map(decimal_json),
        }),
    })
}
