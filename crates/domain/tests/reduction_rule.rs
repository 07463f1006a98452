//! `reduction`: r is rounded half to even to 2 decimals before the rate applies, the cap is inclusive, and
//! an increase pays the other way.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;

use common::*;
use serde_json::json;

fn component(baseline: &str, cap_fen: Option<i64>) -> serde_json::Value {
    let mut component = json!({"kind": "reduction", "section": "main", "parameter": "tn", "baseline": baseline,
                               "rate_fen_per_percent": "1000000"});
    if let Some(cap) = cap_fen {
        component["cap_fen"] = json!(cap);
    }
    json!([component])
}

fn july(baseline: &str, cap_fen: Option<i64>, tn: &str) -> basin_domain::evaluation::Evaluation {
    run(Case {
        period: "2025-07",
        min_valid_months: None,
        components: component(baseline, cap_fen),
        readings: vec![("main", monthly(1, &["2025-07"], &[("tn", tn)]))],
    })
    .unwrap()
}

#[test]
fn an_amount_exactly_at_the_cap_is_paid_in_full() {
    let evaluation = july("4.50", Some(8_890_000), "4.10");
    assert_eq!(amount_fen(&evaluation), 8_890_000);
    assert_eq!(explanation(&evaluation)["capped"], false);
}

#[test]
fn the_percentage_is_rounded_half_to_even_before_the_rate() {
    // (8 − 7.99) / 8 × 100 = 0.125 → 0.12; (8 − 7.97) / 8 × 100 = 0.375 → 0.38.
    let evaluation = july("8", None, "7.99");
    assert_eq!(explanation(&evaluation)["r_percent"], "0.12");
    assert_eq!(amount_fen(&evaluation), 120_000);
    assert_eq!(amount_fen(&july("8", None, "7.97")), 380_000);
}

#[test]
fn an_increase_is_paid_by_upstream_and_clamped_to_minus_the_cap() {
    // (4.50 − 4.95) / 4.50 × 100 = −10.00 → −10 000 000 fen.
    assert_eq!(amount_fen(&july("4.50", None, "4.95")), -10_000_000);
    assert_eq!(
        amount_fen(&july("4.50", Some(5_000_000), "4.95")),
        -5_000_000
    );
}

#[test]
fn months_without_data_are_refused_by_default_and_left_out_when_allowed() {
    let readings = || {
        vec![(
            "main",
            monthly(1, &["2025-07", "2025-09"], &[("tn", "4.10")]),
        )]
    };
    let result = run(Case {
        period: "2025-Q3",
        min_valid_months: None,
        components: component("4.50", None),
        readings: readings(),
    });
    assert_eq!(
        missing(result),
        json!([{"section": "main", "parameter": "tn", "months": ["2025-08"]}])
    );
    let evaluation = run(Case {
        period: "2025-Q3",
        min_valid_months: Some(2),
        components: component("4.50", None),
        readings: readings(),
    })
    .unwrap();
    assert_eq!(explanation(&evaluation)["months"], 2);
    assert_eq!(amount_fen(&evaluation), 8_890_000);
}
