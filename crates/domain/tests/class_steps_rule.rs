//! `class_steps`: a statistic exactly at a limit meets it, the mild rate needs inflow data no better than
//! the outflow, and only months with data count.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;

use common::*;
use serde_json::json;

fn component(extra: serde_json::Value) -> serde_json::Value {
    let mut component = json!({"kind": "class_steps", "section": "main", "parameters": ["tp"],
                               "rate_worse_fen": 300, "rate_better_fen": 50});
    for (key, value) in extra.as_object().unwrap() {
        component[key] = value.clone();
    }
    json!([component])
}

fn july_tp(value: &str) -> Vec<basin_domain::statistics::ReadingForStatistics> {
    monthly(1, &["2025-07"], &[("tp", value)])
}

#[test]
fn a_statistic_exactly_at_the_target_limit_costs_nothing() {
    let evaluation = run(Case {
        period: "2025-07",
        min_valid_months: None,
        components: component(json!({})),
        readings: vec![("main", july_tp("0.100"))],
    })
    .unwrap();
    assert_eq!(amount_fen(&evaluation), 0);
    assert_eq!(
        explanation(&evaluation)["months"][0]["parameters"][0]["class"],
        "II"
    );
}

#[test]
fn a_statistic_just_past_the_limit_costs_one_step() {
    let evaluation = run(Case {
        period: "2025-07",
        min_valid_months: None,
        components: component(json!({})),
        readings: vec![("main", july_tp("0.101"))],
    })
    .unwrap();
    assert_eq!(amount_fen(&evaluation), -300);
}

#[test]
fn the_target_class_of_the_component_overrides_the_sections() {
    let evaluation = run(Case {
        period: "2025-07",
        min_valid_months: None,
        components: component(json!({"target_class": "IV"})),
        readings: vec![("main", july_tp("0.101"))],
    })
    .unwrap();
    assert_eq!(amount_fen(&evaluation), 50);
}

#[test]
fn the_mild_rate_applies_when_the_outflow_is_no_worse_than_the_inflow() {
    let mild = json!({"inflow_section": "inflow", "rate_worse_mild_fen": 150});
    let evaluate_with = |inflow: &str| {
        run(Case {
            period: "2025-07",
            min_valid_months: None,
            components: component(mild.clone()),
            readings: vec![
                ("main", july_tp("0.15")),
                ("inflow", monthly(9, &["2025-07"], &[("tp", inflow)])),
            ],
        })
        .unwrap()
    };
    // Outflow III against target II: one step. Inflow III (equal) → mild; inflow II (better) → full rate.
    assert_eq!(amount_fen(&evaluate_with("0.200")), -150);
    assert_eq!(amount_fen(&evaluate_with("0.250")), -150);
    assert_eq!(amount_fen(&evaluate_with("0.100")), -300);
}

#[test]
fn the_full_rate_applies_when_the_inflow_has_no_data_that_month() {
    let evaluation = run(Case {
        period: "2025-07",
        min_valid_months: None,
        components: component(json!({"inflow_section": "inflow", "rate_worse_mild_fen": 150})),
        readings: vec![
            ("main", july_tp("0.15")),
            ("inflow", monthly(9, &["2025-07"], &[("nh3n", "2.5")])),
        ],
    })
    .unwrap();
    assert_eq!(amount_fen(&evaluation), -300);
    assert_eq!(evaluation.sections.len(), 2);
}

#[test]
fn months_without_data_are_refused_by_default_and_skipped_when_allowed() {
    let readings = || {
        vec![(
            "main",
            monthly(1, &["2025-07", "2025-09"], &[("tp", "0.3")]),
        )]
    };
    let result = run(Case {
        period: "2025-Q3",
        min_valid_months: None,
        components: component(json!({})),
        readings: readings(),
    });
    assert_eq!(
        missing(result),
        json!([{"section": "main", "parameter": "tp", "months": ["2025-08"]}])
    );

    let evaluation = run(Case {
        period: "2025-Q3",
        min_valid_months: Some(2),
        components: component(json!({})),
        readings: readings(),
    })
    .unwrap();
    // TP 0.3 is class IV: two steps in each of the two months with data.
    assert_eq!(amount_fen(&evaluation), -1200);
    assert_eq!(explanation(&evaluation)["months_counted"], 2);
}
