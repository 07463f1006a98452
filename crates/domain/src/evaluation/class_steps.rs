//! `class_steps` (Beijing inter-district style): for every month with data and every listed parameter,
//! `d = class(monthly S_p) − target`; `d > 0` adds `−d × rate_worse_fen` (the mild rate when the inflow
//! section has data for p that month and the section's class for p is no worse than the inflow's);
//! `d < 0` adds `|d| × rate_better_fen`.

use rust_decimal::Decimal;
use serde_json::json;

use super::amounts::{Context, Outcome, RuleFailure};
use crate::agreement::valid::ClassStepsRule;
use crate::decimal_text::decimal_json;
use crate::money::Fen;
use crate::parameter::ParameterCode;
use crate::quality::{classify, SectionFacts, WaterClass};
use crate::statistics::{MonthSummary, SectionStatistics};

pub(super) fn evaluate(rule: &ClassStepsRule, context: &Context) -> Result<Outcome, RuleFailure> {
    let (facts, statistics) = context.section(&rule.section)?;
    let inflow = match &rule.inflow {
        Some(inflow) => Some(context.section(&inflow.section)?),
        None => None,
    };
    let target = rule.target_class.unwrap_or(facts.target_class);
    let mut total = Fen::ZERO;
    let mut months = Vec::new();
    for summary in &statistics.months {
        let mut parameters = Vec::new();
        for parameter in &rule.parameters {
            let Some(statistic) = summary.stats.get(parameter) else {
                continue;
            };
            let class = class_of(*parameter, statistic, facts)?;
            let steps = class.steps_from(target);
            let inflow_class = match inflow {
                Some((inflow_facts, inflow_statistics)) => {
                    inflow_class(inflow_statistics, summary, *parameter, inflow_facts)?
                }
                None => None,
            };
            let rate = step_rate(rule, steps, class, inflow_class);
            let amount = rate
                .checked_mul(steps.abs())
                .map(|amount| if steps > 0 { -amount } else { amount })
                .map_err(|_| RuleFailure::AmountOutOfRange)?;
            total = total
                .checked_add(amount)
                .map_err(|_| RuleFailure::AmountOutOfRange)?;
            parameters.push(json!({
                "parameter": parameter,
                "statistic": decimal_json(*statistic),
                "class": class,
                "steps": steps,
                "inflow_class": inflow_class,
                "rate_fen": rate,
                "amount_fen": amount,
            }));
        }
        if !parameters.is_empty() {
            months.push(json!({"month": summary.month, "parameters": parameters}));
        }
    }
    Ok(Outcome {
        amount_fen: total,
        explanation: json!({
            "target_class": target,
            "rate_worse_fen": rule.rate_worse_fen,
            "rate_worse_mild_fen": rule.inflow.as_ref().map(|inflow| inflow.rate_worse_mild_fen),
            "inflow_section": rule.inflow.as_ref().map(|inflow| &inflow.section),
            "rate_better_fen": rule.rate_better_fen,
            "months_counted": months.len(),
            "months": months,
        }),
    })
}

/// The rate per step: worse (or mild, when the outflow is no worse than the inflow), better, or none.
fn step_rate(
    rule: &ClassStepsRule,
    steps: i64,
    class: WaterClass,
    inflow_class: Option<WaterClass>,
) -> Fen {
    match steps {
        0 => Fen::ZERO,
        _ if steps < 0 => rule.rate_better_fen,
        _ => match (&rule.inflow, inflow_class) {
            (Some(inflow), Some(inflow_class)) if class <= inflow_class => {
                inflow.rate_worse_mild_fen
            }
            _ => rule.rate_worse_fen,
        },
    }
}

/// The inflow section's class for the parameter in the same month, when it has data for it.
fn inflow_class(
    inflow_statistics: &SectionStatistics,
    summary: &MonthSummary,
    parameter: ParameterCode,
    inflow_facts: SectionFacts,
) -> Result<Option<WaterClass>, RuleFailure> {
    let same_month = inflow_statistics
        .months
        .iter()
        .find(|inflow_summary| inflow_summary.month == summary.month);
    match same_month.and_then(|inflow_summary| inflow_summary.stats.get(&parameter)) {
        Some(statistic) => class_of(parameter, statistic, inflow_facts).map(Some),
        None => Ok(None),
    }
}

/// Validation admits only parameters with classes, so `None` here would be a defect, reported as such.
fn class_of(
    parameter: ParameterCode,
    statistic: &Decimal,
    facts: SectionFacts,
) -> Result<WaterClass, RuleFailure> {
    classify(parameter, statistic, facts.water_body).ok_or(RuleFailure::Unclassified(parameter))
}
