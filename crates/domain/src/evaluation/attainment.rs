//! `attainment` (monthly compliance rate): rate = months whose section class meets the target ÷ months with
//! data, rounded half to even to 4 decimals; `rate >= threshold` earns `amount_if_met_fen`.

use rust_decimal::Decimal;
use serde_json::json;

use super::amounts::{divide, Context, Outcome, RuleFailure};
use crate::agreement::valid::AttainmentRule;
use crate::decimal_text::{decimal_json, round_half_even};
use crate::quality::{section_class, worst_class, WaterBody, WaterClass};
use crate::statistics::MonthSummary;

/// Decimals of the published rate.
const RATE_DECIMALS: u32 = 4;

pub(super) fn evaluate(rule: &AttainmentRule, context: &Context) -> Result<Outcome, RuleFailure> {
    let (facts, statistics) = context.section(&rule.section)?;
    let mut months = Vec::new();
    let mut months_with_data: u32 = 0;
    let mut months_met: u32 = 0;
    for summary in &statistics.months {
        let Some(class) = month_class(rule, summary, facts.water_body) else {
            continue;
        };
        let met = class <= rule.target_class;
        months_with_data += 1;
        months_met += u32::from(met);
        months.push(json!({"month": summary.month, "class": class, "met": met}));
    }
    let rate = round_half_even(
        divide(
            Decimal::from(months_met),
            Decimal::from(months_with_data),
            "months met ÷ months with data",
        )?,
        RATE_DECIMALS,
    );
    let met = rate >= rule.threshold;
    let amount_fen = if met {
        rule.amount_if_met_fen
    } else {
        rule.amount_if_failed_fen
    };
    Ok(Outcome {
        amount_fen,
        explanation: json!({
            "target_class": rule.target_class,
            "parameters": rule.parameters,
            "months": months,
            "months_with_data": months_with_data,
            "months_met": months_met,
            "rate": decimal_json(rate),
            "threshold": decimal_json(rule.threshold),
            "met": met,
        }),
    })
}

/// The month's class from the listed parameters, or from the participating ones when none are listed;
/// `None` when the month has none of them.
fn month_class(
    rule: &AttainmentRule,
    summary: &MonthSummary,
    water_body: WaterBody,
) -> Option<WaterClass> {
    match &rule.parameters {
        Some(parameters) => worst_class(
            summary
                .stats
                .iter()
                .filter(|(parameter, _)| parameters.contains(parameter)),
            water_body,
        ),
        None => section_class(&summary.stats, water_body),
    }
}
