//! `threshold`: limits are inclusive on the period statistic and on every monthly statistic.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;

use common::*;
use serde_json::json;

fn component(monthly_limit: Option<&str>) -> serde_json::Value {
    let mut component = json!({"kind": "threshold", "section": "main", "parameter": "tn", "limit": "4.10",
                               "amount_if_met_fen": 500, "amount_if_failed_fen": -500});
    if let Some(limit) = monthly_limit {
        component["monthly_limit"] = json!(limit);
    }
    json!([component])
}

fn quarter(
    values: [&str; 3],
) -> Vec<(
    &'static str,
    Vec<basin_domain::statistics::ReadingForStatistics>,
)> {
    let readings = ["2025-07", "2025-08", "2025-09"]
        .iter()
        .zip(values)
        .enumerate()
        .map(|(id, (month, value))| {
            reading(
                id as i64,
                &format!("{month}-10T00:00:00Z"),
                &[("tn", value)],
            )
        })
        .collect();
    vec![("main", readings)]
}

fn evaluate_with(monthly_limit: Option<&str>, values: [&str; 3]) -> i64 {
    let evaluation = run(Case {
        period: "2025-Q3",
        min_valid_months: None,
        components: component(monthly_limit),
        readings: quarter(values),
    })
    .unwrap();
    amount_fen(&evaluation)
}

#[test]
fn a_period_statistic_exactly_at_the_limit_is_met() {
    // (3.10 + 3.20 + 6.00) / 3 = 4.10.
    assert_eq!(evaluate_with(None, ["3.10", "3.20", "6.00"]), 500);
    assert_eq!(evaluate_with(None, ["3.10", "3.20", "6.03"]), -500);
}

#[test]
fn a_monthly_statistic_exactly_at_the_monthly_limit_is_met() {
    assert_eq!(evaluate_with(Some("6"), ["3.10", "3.20", "6.00"]), 500);
}

#[test]
fn one_month_above_the_monthly_limit_fails_even_when_the_period_is_met() {
    assert_eq!(evaluate_with(Some("6"), ["3.00", "3.20", "6.01"]), -500);
}

#[test]
fn months_without_data_are_refused_by_default_and_left_out_when_allowed() {
    let readings = || vec![("main", monthly(1, &["2025-07"], &[("tn", "6.50")]))];
    let result = run(Case {
        period: "2025-Q3",
        min_valid_months: None,
        components: component(Some("6")),
        readings: readings(),
    });
    assert_eq!(
        missing(result),
        json!([{"section": "main", "parameter": "tn", "months": ["2025-08", "2025-09"]}])
    );
    let evaluation = run(Case {
        period: "2025-Q3",
        min_valid_months: Some(1),
        components: component(Some("7")),
        readings: readings(),
    })
    .unwrap();
    assert_eq!(
        explanation(&evaluation)["months"].as_array().unwrap().len(),
        1
    );
    assert_eq!(amount_fen(&evaluation), -500);
}
