//! The demo's agreements, modelled on the published Beijing–Hebei terms. The amounts are
//! illustrative (the published yearly totals do not map onto months one to one), and the
//! automatic stations publish neither COD nor flow, so the permanganate index (`codmn`) stands in
//! for COD and the Miyun volume component is left out rather than fed an invented flow series.

use serde_json::{json, Value};

/// Monthly, at 古北口: Beijing (downstream) rewards Chengde (upstream) when the Chao river arrives
/// clean. A water-quality index on CODMn, NH3-N and TP against their class II limits, plus a
/// reward (or charge) per percentage point of total-nitrogen reduction against 6 mg/L.
pub const MIYUN: &str = "miyun-gubeikou-monthly";
/// Monthly, at 八号桥: the 6 mg/L monthly TN cap and Beijing's class-step rule on CODMn, NH3-N, TP.
pub const GUANTING_MONTHLY: &str = "guanting-bahaoqiao-monthly";
/// Yearly, at 八号桥: the annual TN limit of 4.10 mg/L together with the 6 mg/L monthly cap. The
/// annual limit belongs in a yearly agreement: a month cannot be judged against a yearly mean.
pub const GUANTING_ANNUAL: &str = "guanting-bahaoqiao-annual";

/// (agreement code, the section it settles on, its request body)
pub fn agreements() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            MIYUN,
            "gubeikou",
            json!({
                "code": MIYUN,
                "name": "密云水库上游潮白河流域横向生态保护补偿（示例：古北口月度水质指数与总氮削减，金额为演示）",
                "basin": "chaobai", "upstream": "HE-CD", "downstream": "BJ",
                "period": "month", "effective_from": "2020-01", "min_valid_months": 1,
                "components": [
                    {"kind": "index", "section": "gubeikou", "k0": "1",
                     "weights": {"codmn": "0.4", "nh3n": "0.3", "tp": "0.3"},
                     "baseline": {"codmn": "4", "nh3n": "0.5", "tp": "0.1"},
                     "tiers": [{"max_p": "0.8", "amount_fen": 500_000_000_i64},
                               {"max_p": "1", "amount_fen": 250_000_000_i64},
                               {"max_p": null, "amount_fen": -250_000_000_i64}]},
                    {"kind": "reduction", "section": "gubeikou", "parameter": "tn", "baseline": "6.00",
                     "rate_fen_per_percent": "100000", "cap_fen": 10_000_000_i64}
                ]
            }),
        ),
        (
            GUANTING_MONTHLY,
            "bahaoqiao",
            json!({
                "code": GUANTING_MONTHLY,
                "name": "官厅水库上游永定河流域水源保护横向生态补偿（示例：八号桥月度总氮 6 mg/L 上限与类别阶梯，金额为演示）",
                "basin": "yongding", "upstream": "HE-ZJK", "downstream": "BJ",
                "period": "month", "effective_from": "2020-01", "min_valid_months": 1,
                "components": [
                    {"kind": "threshold", "section": "bahaoqiao", "parameter": "tn", "limit": "6",
                     "amount_if_met_fen": 100_000_000_i64, "amount_if_failed_fen": -100_000_000_i64},
                    {"kind": "class_steps", "section": "bahaoqiao", "parameters": ["codmn", "nh3n", "tp"],
                     "rate_worse_fen": 30_000_000_i64, "rate_better_fen": 5_000_000_i64}
                ]
            }),
        ),
        (
            GUANTING_ANNUAL,
            "bahaoqiao",
            json!({
                "code": GUANTING_ANNUAL,
                "name": "官厅水库上游永定河流域水源保护横向生态补偿（示例：八号桥年度总氮，年均 ≤ 4.10 mg/L 且月均 ≤ 6 mg/L，金额为演示）",
                "basin": "yongding", "upstream": "HE-ZJK", "downstream": "BJ",
                "period": "year", "effective_from": "2020", "min_valid_months": 8,
                "components": [
                    {"kind": "threshold", "section": "bahaoqiao", "parameter": "tn", "limit": "4.10",
                     "monthly_limit": "6", "amount_if_met_fen": 3_000_000_000_i64,
                     "amount_if_failed_fen": -3_000_000_000_i64}
                ]
            }),
        ),
    ]
}
