//! The shape of an evaluation (the settlement's `inputs.sections`, `components` and `net_fen`) and the
//! refusals that are not about data.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;

use std::collections::BTreeMap;

use basin_domain::evaluation::{evaluate, EvaluationError, EvaluationInput};
use common::*;
use serde_json::json;

fn volume() -> serde_json::Value {
    json!([{"kind": "volume", "section": "main", "baseline_m3": "30000000", "rate_fen_per_10k_m3": "2000"}])
}

#[test]
fn an_evaluation_serialises_sections_components_and_net_with_decimals_as_strings() {
    let evaluation = run(Case {
        period: "2025-07",
        min_valid_months: None,
        components: volume(),
        readings: vec![(
            "main",
            monthly(1, &["2025-07"], &[("flow", "12.500"), ("nh3n", "0.2")]),
        )],
    })
    .unwrap();
    let expected = json!({
        "sections": [{"section": "main",
                      "months": [{"month": "2025-07", "samples": {"nh3n": 1, "flow": 1},
                                  "stats": {"nh3n": "0.20", "flow": "12.500"}, "class": "II"}],
                      "stats": {"nh3n": "0.20", "flow": "12.500"}, "class": "II"}],
        "components": [{"kind": "volume", "section": "main", "amount_fen": 696000, "explanation": {
            "months": [{"month": "2025-07", "flow_m3_per_s": "12.500", "seconds": 2678400,
                        "volume_m3": "33480000.000"}],
            "volume_m3": "33480000.000", "baseline_m3": "30000000", "rate_fen_per_10k_m3": "2000",
            "amount_before_cap_fen": "696000", "cap_fen": null, "capped": false}}],
        "net_fen": 696000
    });
    assert_eq!(
        serde_json::to_string(&evaluation).unwrap(),
        expected.to_string()
    );
}

#[test]
fn a_period_of_another_kind_than_the_agreements_is_refused() {
    let result = evaluate(EvaluationInput {
        terms: valid_terms("month", None, volume()),
        period: period("2025-Q3"),
        sections: sections(),
        readings: BTreeMap::new(),
    });
    assert!(matches!(
        result,
        Err(EvaluationError::PeriodKindMismatch { .. })
    ));
}

#[test]
fn a_section_without_facts_is_refused() {
    let result = evaluate(EvaluationInput {
        terms: valid_terms("month", None, volume()),
        period: period("2025-07"),
        sections: BTreeMap::new(),
        readings: BTreeMap::new(),
    });
    assert_eq!(result, Err(EvaluationError::UnknownSection(code("main"))));
}

#[test]
fn missing_data_is_listed_per_section_and_parameter_with_a_readable_message() {
    let result = run(Case {
        period: "2025-Q3",
        min_valid_months: None,
        components: json!([
            {"kind": "threshold", "section": "main", "parameter": "tn", "limit": "4.10",
             "amount_if_met_fen": 1, "amount_if_failed_fen": 0},
            {"kind": "attainment", "section": "lake", "target_class": "II", "threshold": "1",
             "amount_if_met_fen": 1, "amount_if_failed_fen": 0}
        ]),
        readings: vec![("main", monthly(1, &["2025-08"], &[("tn", "1")]))],
    });
    let error = result.unwrap_err();
    assert_eq!(
        error.to_string(),
        "data are missing: section lake has no data for any class parameter in 2025-07, 2025-08, 2025-09; \
         section main has no tn data in 2025-07, 2025-09"
    );
}
