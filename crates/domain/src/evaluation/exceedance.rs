//! `exceedance` (Hebei cross-boundary style, 超标倍数): for every month with data and every listed
//! parameter, `m = (S_p − L_p) / L_p` rounded half to even to 3 decimals; `m <= 0` charges nothing,
//! otherwise the first band with `m <= max_multiple`, or `ceil(m / step_multiple) × step_charge_fen`,
//! then at most `cap_fen`. No charge when the inflow section's own `m` that month (against the same
//! limit) is at least the section's. The amount is minus the sum of the charges.

use rust_decimal::Decimal;
use serde_json::json;

use super::amounts::{divide, subtract, Context, Outcome, RuleFailure};
use crate::agreement::valid::{ExceedanceCharge, ExceedanceRule};
use crate::decimal_text::{decimal_json, round_half_even};
use crate::money::Fen;
use crate::parameter::{ClassLimits, ParameterCode};
use crate::quality::SectionFacts;
use crate::statistics::{MonthSummary, SectionStatistics};

/// Decimals of the published exceedance multiple.
const MULTIPLE_DECIMALS: u32 = 3;

pub(super) fn evaluate(rule: &ExceedanceRule, context: &Context) -> Result<Outcome, RuleFailure> {
    let (facts, statistics) = context.section(&rule.section)?;
    let inflow = match &rule.inflow_section {
        Some(section) => Some(context.section(section)?.1),
        None => None,
    };
    let mut limits = Vec::new();
    for parameter in &rule.parameters {
        limits.push((*parameter, limit_of(rule, *parameter, facts)?));
    }
    let mut charges = Fen::ZERO;
    let mut months = Vec::new();
    for summary in &statistics.months {
        let mut parameters = Vec::new();
        for (parameter, limit) in &limits {
            let Some(statistic) = summary.stats.get(parameter).copied() else {
                continue;
            };
            let multiple = multiple_of(statistic, *limit)?;
            let charged = charge_of(&rule.charge, multiple)?;
            let capped = match rule.cap_fen {
                Some(cap_fen) if charged.charge_fen.as_i64() > cap_fen.as_i64() => cap_fen,
                _ => charged.charge_fen,
            };
            let inflow_statistic =
                inflow.and_then(|inflow| same_month_statistic(inflow, summary, *parameter));
            let inflow_multiple = inflow_statistic
                .map(|inflow_statistic| multiple_of(inflow_statistic, *limit))
                .transpose()?;
            // Only a charge can be waived; at or under the limit there is nothing to exempt.
            let exempt = multiple > Decimal::ZERO
                && inflow_multiple.is_some_and(|inflow_multiple| inflow_multiple >= multiple);
            let charge_fen = if exempt { Fen::ZERO } else { capped };
            charges = charges
                .checked_add(charge_fen)
                .map_err(|_| RuleFailure::AmountOutOfRange)?;
            parameters.push(json!({
                "parameter": parameter,
                "statistic": decimal_json(statistic),
                "limit": decimal_json(*limit),
                "multiple": decimal_json(multiple),
                "band": charged.band,
                "steps": charged.steps,
                "charge_before_cap_fen": charged.charge_fen,
                "capped": capped != charged.charge_fen,
                "inflow_statistic": inflow_statistic.map(decimal_json),
                "inflow_multiple": inflow_multiple.map(decimal_json),
                "exempt": exempt,
                "charge_fen": charge_fen,
            }));
        }
        if !parameters.is_empty() {
            months.push(json!({"month": summary.month, "parameters": parameters}));
        }
    }
    let limits_json: serde_json::Map<String, serde_json::Value> = limits
        .iter()
        .map(|(parameter, limit)| (parameter.as_str().to_owned(), decimal_json(*limit)))
        .collect();
    let (bands, step_multiple, step_charge_fen) = match &rule.charge {
        ExceedanceCharge::Bands(bands) => {
            let bands: Vec<serde_json::Value> = bands
                .iter()
                .map(|band| {
                    json!({"max_multiple": band.max_multiple.map(decimal_json),
                           "charge_fen": band.charge_fen})
                })
                .collect();
            (Some(bands), None, None)
        }
        ExceedanceCharge::Steps {
            step_multiple,
            step_charge_fen,
        } => (
            None,
            Some(decimal_json(*step_multiple)),
            Some(*step_charge_fen),
        ),
    };
    Ok(Outcome {
        amount_fen: -charges,
        explanation: json!({
            "parameters": rule.parameters,
            "target_class": facts.target_class,
            "limits": limits_json,
            "bands": bands,
            "step_multiple": step_multiple,
            "step_charge_fen": step_charge_fen,
            "cap_fen": rule.cap_fen,
            "inflow_section": rule.inflow_section,
            "months_counted": months.len(),
            "months": months,
            "charges_fen": charges,
        }),
    })
}

/// The written limit, or the section's target-class limit for its water body (TP has a lake column).
fn limit_of(
    rule: &ExceedanceRule,
    parameter: ParameterCode,
    facts: SectionFacts,
) -> Result<Decimal, RuleFailure> {
    if let Some(limit) = rule.limits.get(&parameter) {
        return Ok(*limit);
    }
    let class_index = usize::from(facts.target_class.number()) - 1;
    match parameter.limits(facts.water_body) {
        Some(ClassLimits::AtMost(limits)) if class_index < limits.len() => Ok(limits[class_index]),
        _ => Err(RuleFailure::NoLimit {
            parameter,
            target_class: facts.target_class,
        }),
    }
}

/// `m = (S − L) / L`, rounded half to even to 3 decimals, evaluated in that order.
fn multiple_of(statistic: Decimal, limit: Decimal) -> Result<Decimal, RuleFailure> {
    let multiple = divide(subtract(statistic, limit, "S − L")?, limit, "(S − L) / L")?;
    Ok(round_half_even(multiple, MULTIPLE_DECIMALS))
}

/// The charge before the cap, with the band (its position) or the number of steps that gave it.
struct Charged {
    charge_fen: Fen,
    band: Option<usize>,
    steps: Option<i64>,
}

fn charge_of(charge: &ExceedanceCharge, multiple: Decimal) -> Result<Charged, RuleFailure> {
    if multiple <= Decimal::ZERO {
        return Ok(Charged {
            charge_fen: Fen::ZERO,
            band: None,
            steps: None,
        });
    }
    match charge {
        ExceedanceCharge::Bands(bands) => {
            let (position, band) = bands
                .iter()
                .enumerate()
                .find(|(_, band)| band.max_multiple.is_none_or(|max| multiple <= max))
                .ok_or(RuleFailure::NoBand)?;
            Ok(Charged {
                charge_fen: band.charge_fen,
                band: Some(position),
                steps: None,
            })
        }
        ExceedanceCharge::Steps {
            step_multiple,
            step_charge_fen,
        } => {
            let steps = divide(multiple, *step_multiple, "m / step_multiple")?.ceil();
            let steps = i64::try_from(steps).map_err(|_| RuleFailure::AmountOutOfRange)?;
            let charge_fen = step_charge_fen
                .checked_mul(steps)
                .map_err(|_| RuleFailure::AmountOutOfRange)?;
            Ok(Charged {
                charge_fen,
                band: None,
                steps: Some(steps),
            })
        }
    }
}

/// The inflow section's monthly statistic of the parameter in the same month, when it has one.
fn same_month_statistic(
    inflow: &SectionStatistics,
    summary: &MonthSummary,
    parameter: ParameterCode,
) -> Option<Decimal> {
    inflow
        .months
        .iter()
        .find(|inflow_summary| inflow_summary.month == summary.month)
        .and_then(|inflow_summary| inflow_summary.stats.get(&parameter).copied())
}
