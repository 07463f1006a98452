//! `volume` (Miyun upstream, water quantity): `V = Σ_month S_flow(month) × seconds in month` (m³);
//! amount = `rate × (V − baseline_m3) / 10 000`, rounded half to even to the fen, then clamped to the cap.

use rust_decimal::Decimal;
use serde_json::json;

use super::amounts::{
    add, divide, multiply, round_to_fen, subtract, Context, Outcome, RuleFailure,
};
use crate::agreement::valid::VolumeRule;
use crate::decimal_text::decimal_json;
use crate::parameter::ParameterCode;

/// The rate is written per 10 000 m³.
const CUBIC_METRES_PER_RATE_UNIT: i64 = 10_000;

pub(super) fn evaluate(rule: &VolumeRule, context: &Context) -> Result<Outcome, RuleFailure> {
    let (_, statistics) = context.section(&rule.section)?;
    let mut volume_m3 = Decimal::ZERO;
    let mut months = Vec::new();
    for summary in &statistics.months {
        // The completeness check demands flow in every month, so a gap here is a defect.
        let flow_m3_per_s = summary
            .stats
            .get(&ParameterCode::Flow)
            .copied()
            .ok_or_else(|| RuleFailure::MissingStatistic {
                section: rule.section.clone(),
                parameter: ParameterCode::Flow,
            })?;
        let seconds = summary.month.seconds();
        let month_volume_m3 = multiply(flow_m3_per_s, Decimal::from(seconds), "S_flow × seconds")?;
        volume_m3 = add(volume_m3, month_volume_m3, "V")?;
        months.push(json!({
            "month": summary.month,
            "flow_m3_per_s": decimal_json(flow_m3_per_s),
            "seconds": seconds,
            "volume_m3": decimal_json(month_volume_m3),
        }));
    }
    let excess_m3 = subtract(volume_m3, rule.baseline_m3, "V − baseline")?;
    let amount = divide(
        multiply(rule.rate_fen_per_10k_m3, excess_m3, "rate × (V − baseline)")?,
        Decimal::from(CUBIC_METRES_PER_RATE_UNIT),
        "rate × (V − baseline) / 10 000",
    )?;
    let rounded = round_to_fen(amount, rule.cap_fen)?;
    Ok(Outcome {
        amount_fen: rounded.amount_fen,
        explanation: json!({
            "months": months,
            "volume_m3": decimal_json(volume_m3),
            "baseline_m3": decimal_json(rule.baseline_m3),
            "rate_fen_per_10k_m3": decimal_json(rule.rate_fen_per_10k_m3),
            "amount_before_cap_fen": decimal_json(rounded.before_cap),
            "cap_fen": rule.cap_fen,
            "capped": rounded.capped,
        }),
    })
}
