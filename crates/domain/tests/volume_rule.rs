//! `volume`: the cap is inclusive, deficits pay the other way, and flow is needed in every month whatever
//! `min_valid_months` says.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;

use common::*;
use serde_json::json;

fn component(baseline_m3: &str, cap_fen: Option<i64>) -> serde_json::Value {
    let mut component = json!({"kind": "volume", "section": "main", "baseline_m3": baseline_m3,
                               "rate_fen_per_10k_m3": "2000"});
    if let Some(cap) = cap_fen {
        component["cap_fen"] = json!(cap);
    }
    json!([component])
}

fn july(baseline_m3: &str, cap_fen: Option<i64>) -> basin_domain::evaluation::Evaluation {
    run(Case {
        period: "2025-07",
        min_valid_months: None,
        components: component(baseline_m3, cap_fen),
        readings: vec![("main", monthly(1, &["2025-07"], &[("flow", "12.500")]))],
    })
    .unwrap()
}

#[test]
fn an_amount_exactly_at_the_cap_is_paid_in_full() {
    let evaluation = july("30000000", Some(696_000));
    assert_eq!(amount_fen(&evaluation), 696_000);
    assert_eq!(explanation(&evaluation)["capped"], false);
}

#[test]
fn an_amount_above_the_cap_is_clamped_to_it() {
    let evaluation = july("30000000", Some(695_999));
    assert_eq!(amount_fen(&evaluation), 695_999);
    assert_eq!(explanation(&evaluation)["capped"], true);
    assert_eq!(explanation(&evaluation)["amount_before_cap_fen"], "696000");
}

#[test]
fn a_volume_below_the_baseline_is_paid_by_upstream_and_clamped_to_minus_the_cap() {
    // 33 480 000 − 40 000 000 = −6 520 000 m³ → −1 304 000 fen, clamped to −1 000 000.
    assert_eq!(amount_fen(&july("40000000", None)), -1_304_000);
    assert_eq!(amount_fen(&july("40000000", Some(1_000_000))), -1_000_000);
}

#[test]
fn half_a_fen_rounds_to_even() {
    // 0.25 fen per 10 000 m³ × 20 000 m³ = 0.5 fen → 0; × 60 000 m³ = 1.5 fen → 2.
    let evaluate_with = |baseline_m3: &str| {
        let evaluation = run(Case {
            period: "2025-07",
            min_valid_months: None,
            components: json!([{"kind": "volume", "section": "main", "baseline_m3": baseline_m3,
                                "rate_fen_per_10k_m3": "0.25"}]),
            readings: vec![("main", monthly(1, &["2025-07"], &[("flow", "12.500")]))],
        })
        .unwrap();
        amount_fen(&evaluation)
    };
    assert_eq!(evaluate_with("33460000"), 0);
    assert_eq!(evaluate_with("33420000"), 2);
}

#[test]
fn flow_is_needed_in_every_month_even_when_min_valid_months_is_lower() {
    let result = run(Case {
        period: "2025-Q3",
        min_valid_months: Some(1),
        components: component("30000000", None),
        readings: vec![(
            "main",
            monthly(1, &["2025-08"], &[("flow", "12.500"), ("tp", "0.1")]),
        )],
    });
    assert_eq!(
        missing(result),
        json!([{"section": "main", "parameter": "flow", "months": ["2025-07", "2025-09"]}])
    );
}

#[test]
fn a_quarter_adds_the_volume_of_each_month_from_its_own_seconds() {
    let evaluation = run(Case {
        period: "2025-Q3",
        min_valid_months: None,
        components: component("0", None),
        readings: vec![(
            "main",
            monthly(1, &["2025-07", "2025-08", "2025-09"], &[("flow", "1")]),
        )],
    })
    .unwrap();
    // 31 + 31 + 30 days of 1 m³/s = 7 948 800 m³ → 2000 × 794.88 = 1 589 760 fen.
    assert_eq!(explanation(&evaluation)["volume_m3"], "7948800.000");
    assert_eq!(amount_fen(&evaluation), 1_589_760);
}
