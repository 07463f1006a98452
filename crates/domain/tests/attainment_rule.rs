//! `attainment`: the rate is rounded to 4 decimals before it meets the threshold, and only months with
//! data count.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;

use common::*;
use serde_json::json;

fn component(threshold: &str, parameters: Option<serde_json::Value>) -> serde_json::Value {
    let mut component = json!({"kind": "attainment", "section": "main", "target_class": "II",
                               "threshold": threshold, "amount_if_met_fen": 1000, "amount_if_failed_fen": -1000});
    if let Some(parameters) = parameters {
        component["parameters"] = parameters;
    }
    json!([component])
}

/// July and August meet class II, September is class III: 2 / 3 = 0.6667.
fn quarter() -> Vec<(
    &'static str,
    Vec<basin_domain::statistics::ReadingForStatistics>,
)> {
    let mut readings = monthly(1, &["2025-07", "2025-08"], &[("nh3n", "0.40"), ("tn", "9")]);
    readings.extend(monthly(3, &["2025-09"], &[("nh3n", "0.60")]));
    vec![("main", readings)]
}

fn evaluate_with(
    threshold: &str,
    parameters: Option<serde_json::Value>,
) -> basin_domain::evaluation::Evaluation {
    run(Case {
        period: "2025-Q3",
        min_valid_months: None,
        components: component(threshold, parameters),
        readings: quarter(),
    })
    .unwrap()
}

#[test]
fn a_rate_exactly_at_the_threshold_is_met() {
    let evaluation = evaluate_with("0.6667", None);
    assert_eq!(explanation(&evaluation)["rate"], "0.6667");
    assert_eq!(amount_fen(&evaluation), 1000);
}

#[test]
fn a_rate_just_below_the_threshold_fails() {
    assert_eq!(amount_fen(&evaluate_with("0.6668", None)), -1000);
}

#[test]
fn listed_parameters_replace_the_participating_ones_and_may_include_total_nitrogen() {
    // TN 9 is 劣V in July and August, and September has no TN: 0 of 2 months meet the target.
    let evaluation = run(Case {
        period: "2025-Q3",
        min_valid_months: Some(2),
        components: component("0.5", Some(json!(["tn"]))),
        readings: quarter(),
    })
    .unwrap();
    assert_eq!(explanation(&evaluation)["months_with_data"], 2);
    assert_eq!(explanation(&evaluation)["rate"], "0.0000");
    assert_eq!(amount_fen(&evaluation), -1000);
}

#[test]
fn a_month_without_any_class_parameter_is_missing_data() {
    let readings = vec![(
        "main",
        monthly(1, &["2025-07", "2025-09"], &[("nh3n", "0.40")]),
    )];
    let result = run(Case {
        period: "2025-Q3",
        min_valid_months: None,
        components: component("0.5", None),
        readings: readings.clone(),
    });
    assert_eq!(
        missing(result),
        json!([{"section": "main", "parameter": null, "months": ["2025-08"]}])
    );

    let evaluation = run(Case {
        period: "2025-Q3",
        min_valid_months: Some(2),
        components: component("1", None),
        readings,
    })
    .unwrap();
    assert_eq!(explanation(&evaluation)["months_with_data"], 2);
    assert_eq!(explanation(&evaluation)["rate"], "1.0000");
    assert_eq!(amount_fen(&evaluation), 1000);
}
