//! `index`: tier bounds are inclusive, P is rounded before the tiers are read, and missing months refuse.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;

use common::*;
use serde_json::json;

fn component(k0: &str) -> serde_json::Value {
    json!([{"kind": "index", "section": "main", "k0": k0, "weights": {"codmn": "1"}, "baseline": {"codmn": "2.5"},
            "tiers": [{"max_p": "0.5", "amount_fen": 300}, {"max_p": "1", "amount_fen": 200},
                      {"max_p": null, "amount_fen": -100}]}])
}

fn quarter_codmn(value: &str) -> Vec<basin_domain::statistics::ReadingForStatistics> {
    monthly(1, &["2025-07", "2025-08", "2025-09"], &[("codmn", value)])
}

fn evaluate_with(k0: &str, value: &str) -> basin_domain::evaluation::Evaluation {
    run(Case {
        period: "2025-Q3",
        min_valid_months: None,
        components: component(k0),
        readings: vec![("main", quarter_codmn(value))],
    })
    .unwrap()
}

#[test]
fn an_index_exactly_at_a_tier_bound_takes_that_tier() {
    let evaluation = evaluate_with("1", "2.5");
    assert_eq!(explanation(&evaluation)["p"], "1.0000");
    assert_eq!(amount_fen(&evaluation), 200);
}

#[test]
fn an_index_that_rounds_down_to_the_bound_takes_that_tier() {
    // 1.00004 × 2.5 / 2.5 = 1.00004, which rounds half to even to 1.0000.
    assert_eq!(amount_fen(&evaluate_with("1.00004", "2.5")), 200);
    // 1.00005 rounds to 1.0000 as well (half to even); 1.00006 rounds to 1.0001, past the bound.
    assert_eq!(amount_fen(&evaluate_with("1.00005", "2.5")), 200);
    assert_eq!(amount_fen(&evaluate_with("1.00006", "2.5")), -100);
}

#[test]
fn an_index_below_the_first_bound_takes_the_first_tier() {
    assert_eq!(amount_fen(&evaluate_with("0.5", "2.5")), 300);
}

#[test]
fn a_month_without_data_refuses_the_evaluation_and_names_the_month() {
    let result = run(Case {
        period: "2025-Q3",
        min_valid_months: None,
        components: component("1"),
        readings: vec![(
            "main",
            monthly(1, &["2025-07", "2025-09"], &[("codmn", "2.5")]),
        )],
    });
    assert_eq!(
        missing(result),
        json!([{"section": "main", "parameter": "codmn", "months": ["2025-08"]}])
    );
}

#[test]
fn a_month_without_data_is_left_out_when_min_valid_months_allows_it() {
    let evaluation = run(Case {
        period: "2025-Q3",
        min_valid_months: Some(2),
        components: component("1"),
        readings: vec![(
            "main",
            vec![
                reading(1, "2025-07-15T00:00:00Z", &[("codmn", "2.4")]),
                reading(2, "2025-09-15T00:00:00Z", &[("codmn", "2.8")]),
            ],
        )],
    })
    .unwrap();
    // (2.4 + 2.8) / 2 = 2.6 over the two months with data; P = 2.6 / 2.5 = 1.04.
    assert_eq!(explanation(&evaluation)["parameters"][0]["months"], 2);
    assert_eq!(
        explanation(&evaluation)["parameters"][0]["statistic"],
        "2.6"
    );
    assert_eq!(explanation(&evaluation)["p"], "1.0400");
    assert_eq!(amount_fen(&evaluation), -100);
}
