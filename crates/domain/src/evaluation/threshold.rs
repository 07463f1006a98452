//! `threshold` (Guanting upstream style): met when the period statistic is at most `limit` and every
//! monthly statistic is at most `monthly_limit` (when given).

use serde_json::json;

use super::amounts::{period_statistic, Context, Outcome, RuleFailure};
use crate::agreement::valid::ThresholdRule;
use crate::decimal_text::decimal_json;

pub(super) fn evaluate(rule: &ThresholdRule, context: &Context) -> Result<Outcome, RuleFailure> {
    let (_, statistics) = context.section(&rule.section)?;
    let statistic = period_statistic(&rule.section, statistics, rule.parameter)?;
    let period_met = statistic <= rule.limit;
    let mut months = Vec::new();
    let mut every_month_met = true;
    for summary in statistics.months_with(rule.parameter) {
        let Some(monthly) = summary.stats.get(&rule.parameter).copied() else {
            continue;
        };
        let met = rule
            .monthly_limit
            .is_none_or(|monthly_limit| monthly <= monthly_limit);
        every_month_met &= met;
        months
            .push(json!({"month": summary.month, "statistic": decimal_json(monthly), "met": met}));
    }
    let met = period_met && every_month_met;
    Ok(Outcome {
        amount_fen: if met {
            rule.amount_if_met_fen
        } else {
            rule.amount_if_failed_fen
        },
        explanation: json!({
            "parameter": rule.parameter,
            "statistic": decimal_json(statistic),
            "limit": decimal_json(rule.limit),
            "period_met": period_met,
            "monthly_limit": rule.monthly_limit.map(decimal_json),
            "months": months,
            "met": met,
        }),
    })
}
