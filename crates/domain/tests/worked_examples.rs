//! The worked examples of compensation.md §6, all at a river section with target class II unless said.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;

use std::collections::BTreeMap;

use basin_domain::quality::{classify, section_class};
use basin_domain::statistics::section_statistics;
use basin_domain::{WaterBody, WaterClass};
use common::*;
use serde_json::json;

fn example_one_statistics() -> BTreeMap<basin_domain::ParameterCode, rust_decimal::Decimal> {
    [
        ("ph", "7.62"),
        ("do", "5.41"),
        ("codmn", "4.3"),
        ("nh3n", "0.27"),
        ("tp", "0.072"),
        ("tn", "3.06"),
    ]
    .into_iter()
    .map(|(code, text)| (parameter(code), decimal(text)))
    .collect()
}

#[test]
fn example_one_classifies_the_river_section_as_class_three() {
    let stats = example_one_statistics();
    let class = |code: &str| classify(parameter(code), &stats[&parameter(code)], WaterBody::River);
    assert_eq!(class("ph"), Some(WaterClass::I));
    assert_eq!(class("do"), Some(WaterClass::III));
    assert_eq!(class("codmn"), Some(WaterClass::III));
    assert_eq!(class("nh3n"), Some(WaterClass::II));
    assert_eq!(class("tp"), Some(WaterClass::II));
    assert_eq!(
        section_class(&stats, WaterBody::River),
        Some(WaterClass::III)
    );
}

#[test]
fn example_one_classifies_the_same_values_at_a_lake_as_class_four() {
    let stats = example_one_statistics();
    assert_eq!(
        classify(parameter("tp"), &decimal("0.072"), WaterBody::Lake),
        Some(WaterClass::IV)
    );
    assert_eq!(section_class(&stats, WaterBody::Lake), Some(WaterClass::IV));
}

#[test]
fn example_two_rounds_monthly_means_half_to_even_to_the_published_decimals() {
    let readings = vec![
        reading(
            1,
            "2025-07-01T08:00:00+08:00",
            &[("nh3n", "0.125"), ("tp", "0.0125"), ("codmn", "4.25")],
        ),
        reading(
            2,
            "2025-07-02T08:00:00+08:00",
            &[("nh3n", "0.130"), ("tp", "0.0135"), ("codmn", "4.25")],
        ),
        reading(3, "2025-07-03T08:00:00+08:00", &[("nh3n", "0.140")]),
        reading(4, "2025-07-04T08:00:00+08:00", &[("nh3n", "0.100")]),
    ];
    let statistics = section_statistics(&period("2025-07"), WaterBody::River, &readings).unwrap();
    let stats = &statistics.months[0].stats;
    assert_eq!(stats[&parameter("nh3n")].to_string(), "0.12");
    assert_eq!(stats[&parameter("tp")].to_string(), "0.013");
    assert_eq!(stats[&parameter("codmn")].to_string(), "4.2");
}

fn index_component(tiers: serde_json::Value) -> serde_json::Value {
    json!({"kind": "index", "section": "main", "k0": "0.85",
           "weights": {"codmn": "0.25", "nh3n": "0.25", "tp": "0.25", "tn": "0.25"},
           "baseline": {"codmn": "2.5", "nh3n": "0.15", "tp": "0.03", "tn": "1.20"},
           "tiers": tiers})
}

fn year_statistics(
    codmn: &str,
    nh3n: &str,
    tp: &str,
    tn: &str,
) -> Vec<basin_domain::statistics::ReadingForStatistics> {
    let months = months_of("2025");
    let months: Vec<&str> = months.iter().map(String::as_str).collect();
    monthly(
        1,
        &months,
        &[("codmn", codmn), ("nh3n", nh3n), ("tp", tp), ("tn", tn)],
    )
}

#[test]
fn example_three_gives_an_index_of_0_8135_and_the_one_hundred_million_yuan_tier() {
    let tiers = json!([{"max_p": "1", "amount_fen": 10000000000_i64}, {"max_p": null, "amount_fen": -10000000000_i64}]);
    let evaluation = run(Case {
        period: "2025",
        min_valid_months: None,
        components: json!([index_component(tiers)]),
        readings: vec![("main", year_statistics("2.3", "0.14", "0.028", "1.25"))],
    })
    .unwrap();
    assert_eq!(amount_fen(&evaluation), 10_000_000_000);
    assert_eq!(explanation(&evaluation)["p"], "0.8135");
    assert_eq!(explanation(&evaluation)["tier"], 0);
    assert_eq!(evaluation.net_fen.as_i64(), 10_000_000_000);
}

#[test]
fn example_three_with_worse_water_falls_to_the_unbounded_tier() {
    let tiers = json!([{"max_p": "1", "amount_fen": 10000000000_i64}, {"max_p": null, "amount_fen": -10000000000_i64}]);
    let evaluation = run(Case {
        period: "2025",
        min_valid_months: None,
        components: json!([index_component(tiers)]),
        readings: vec![("main", year_statistics("3.0", "0.20", "0.040", "1.50"))],
    })
    .unwrap();
    assert_eq!(amount_fen(&evaluation), -10_000_000_000);
    assert_eq!(explanation(&evaluation)["max_p"], serde_json::Value::Null);
}

fn class_steps(rate_better_fen: Option<i64>) -> serde_json::Value {
    let mut component = json!({"kind": "class_steps", "section": "main", "parameters": ["cod", "nh3n", "tp"],
                               "rate_worse_fen": 30000000});
    if let Some(rate) = rate_better_fen {
        component["rate_better_fen"] = json!(rate);
    }
    json!([component])
}

#[test]
fn example_four_charges_four_class_steps_as_minus_one_hundred_twenty_ten_thousand_yuan() {
    let evaluation = run(Case {
        period: "2025-07",
        min_valid_months: None,
        components: class_steps(None),
        readings: vec![(
            "main",
            monthly(
                1,
                &["2025-07"],
                &[("cod", "21.0"), ("nh3n", "0.27"), ("tp", "0.25")],
            ),
        )],
    })
    .unwrap();
    assert_eq!(amount_fen(&evaluation), -120_000_000);
    let steps: Vec<i64> = explanation(&evaluation)["months"][0]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["steps"].as_i64().unwrap())
        .collect();
    assert_eq!(steps, [2, 0, 2]);
}

#[test]
fn example_four_rewards_three_better_steps_with_the_better_rate() {
    let evaluation = run(Case {
        period: "2025-07",
        min_valid_months: None,
        components: class_steps(Some(5_000_000)),
        readings: vec![(
            "main",
            monthly(
                1,
                &["2025-07"],
                &[("cod", "14.0"), ("nh3n", "0.12"), ("tp", "0.02")],
            ),
        )],
    })
    .unwrap();
    assert_eq!(amount_fen(&evaluation), 15_000_000);
}

#[test]
fn example_five_pays_six_thousand_nine_hundred_sixty_yuan_for_the_volume_above_baseline() {
    let evaluation = run(Case {
        period: "2025-07",
        min_valid_months: None,
        components: json!([{"kind": "volume", "section": "main", "baseline_m3": "30000000",
                            "rate_fen_per_10k_m3": "2000"}]),
        readings: vec![("main", monthly(1, &["2025-07"], &[("flow", "12.500")]))],
    })
    .unwrap();
    assert_eq!(explanation(&evaluation)["volume_m3"], "33480000.000");
    assert_eq!(explanation(&evaluation)["months"][0]["seconds"], 2_678_400);
    assert_eq!(amount_fen(&evaluation), 696_000);
}

fn reduction(cap_fen: Option<i64>) -> serde_json::Value {
    let mut component = json!({"kind": "reduction", "section": "main", "parameter": "tn", "baseline": "4.50",
                               "rate_fen_per_percent": "1000000"});
    if let Some(cap) = cap_fen {
        component["cap_fen"] = json!(cap);
    }
    json!([component])
}

fn tn_all_year(value: &str) -> Vec<basin_domain::statistics::ReadingForStatistics> {
    let months = months_of("2025");
    let months: Vec<&str> = months.iter().map(String::as_str).collect();
    monthly(1, &months, &[("tn", value)])
}

#[test]
fn example_six_rewards_an_8_89_percent_reduction_with_8_890_000_fen() {
    let evaluation = run(Case {
        period: "2025",
        min_valid_months: None,
        components: reduction(None),
        readings: vec![("main", tn_all_year("4.10"))],
    })
    .unwrap();
    assert_eq!(explanation(&evaluation)["r_percent"], "8.89");
    assert_eq!(amount_fen(&evaluation), 8_890_000);
}

#[test]
fn example_six_with_a_cap_of_5_000_000_fen_pays_the_cap() {
    let evaluation = run(Case {
        period: "2025",
        min_valid_months: None,
        components: reduction(Some(5_000_000)),
        readings: vec![("main", tn_all_year("4.10"))],
    })
    .unwrap();
    assert_eq!(amount_fen(&evaluation), 5_000_000);
    assert_eq!(explanation(&evaluation)["capped"], true);
}

fn hebei_2009_bands(inflow_section: Option<&str>) -> serde_json::Value {
    let mut component = json!({"kind": "exceedance", "section": "third", "parameters": ["nh3n", "tp"],
        "bands": [{"max_multiple": "0.5", "charge_fen": 10000000}, {"max_multiple": "1.0", "charge_fen": 50000000},
                  {"max_multiple": "2.0", "charge_fen": 100000000}, {"max_multiple": null, "charge_fen": 150000000}]});
    if let Some(section) = inflow_section {
        component["inflow_section"] = json!(section);
    }
    json!([component])
}

fn july(values: &[(&str, &str)]) -> Vec<basin_domain::statistics::ReadingForStatistics> {
    monthly(1, &["2025-07"], values)
}

#[test]
fn example_seven_charges_ten_and_one_hundred_ten_thousand_yuan_by_the_hebei_2009_bands() {
    let evaluation = run(Case {
        period: "2025-07",
        min_valid_months: None,
        components: hebei_2009_bands(None),
        readings: vec![("third", july(&[("nh3n", "1.35"), ("tp", "0.47")]))],
    })
    .unwrap();
    assert_eq!(amount_fen(&evaluation), -110_000_000);
    assert_eq!(evaluation.net_fen.as_i64(), -110_000_000);
    let parameters = &explanation(&evaluation)["months"][0]["parameters"];
    assert_eq!(parameters[0]["parameter"], "nh3n");
    assert_eq!(parameters[0]["limit"], "1.0");
    assert_eq!(parameters[0]["multiple"], "0.350");
    assert_eq!(parameters[0]["band"], 0);
    assert_eq!(parameters[0]["charge_fen"], 10_000_000);
    assert_eq!(parameters[1]["parameter"], "tp");
    assert_eq!(parameters[1]["limit"], "0.2");
    assert_eq!(parameters[1]["multiple"], "1.350");
    assert_eq!(parameters[1]["band"], 2);
    assert_eq!(parameters[1]["charge_fen"], 100_000_000);
    assert_eq!(explanation(&evaluation)["charges_fen"], 110_000_000);
}

#[test]
fn example_seven_waives_the_ammonia_charge_when_the_inflow_is_further_over_the_limit() {
    let evaluation = run(Case {
        period: "2025-07",
        min_valid_months: None,
        components: hebei_2009_bands(Some("third_inflow")),
        readings: vec![
            ("third", july(&[("nh3n", "1.35"), ("tp", "0.47")])),
            ("third_inflow", july(&[("nh3n", "1.60"), ("tp", "0.30")])),
        ],
    })
    .unwrap();
    assert_eq!(amount_fen(&evaluation), -100_000_000);
    let parameters = &explanation(&evaluation)["months"][0]["parameters"];
    assert_eq!(parameters[0]["inflow_multiple"], "0.600");
    assert_eq!(parameters[0]["exempt"], true);
    assert_eq!(parameters[0]["charge_fen"], 0);
    assert_eq!(parameters[1]["inflow_multiple"], "0.500");
    assert_eq!(parameters[1]["exempt"], false);
    assert_eq!(parameters[1]["charge_fen"], 100_000_000);
}

fn hebei_2016_steps(cap_fen: Option<i64>) -> serde_json::Value {
    let mut component = json!({"kind": "exceedance", "section": "third", "parameters": ["cod"],
                               "step_multiple": "0.2", "step_charge_fen": 30000000});
    if let Some(cap) = cap_fen {
        component["cap_fen"] = json!(cap);
    }
    json!([component])
}

#[test]
fn example_eight_charges_two_steps_of_thirty_ten_thousand_yuan_for_cod_0_375_over() {
    let evaluation = run(Case {
        period: "2025-07",
        min_valid_months: None,
        components: hebei_2016_steps(None),
        readings: vec![("third", july(&[("cod", "27.5")]))],
    })
    .unwrap();
    assert_eq!(amount_fen(&evaluation), -60_000_000);
    let cod = &explanation(&evaluation)["months"][0]["parameters"][0];
    assert_eq!(cod["limit"], "20");
    assert_eq!(cod["multiple"], "0.375");
    assert_eq!(cod["steps"], 2);
    assert_eq!(cod["capped"], false);
}

#[test]
fn example_eight_with_a_cap_of_fifty_ten_thousand_yuan_charges_the_cap() {
    let evaluation = run(Case {
        period: "2025-07",
        min_valid_months: None,
        components: hebei_2016_steps(Some(50_000_000)),
        readings: vec![("third", july(&[("cod", "27.5")]))],
    })
    .unwrap();
    assert_eq!(amount_fen(&evaluation), -50_000_000);
    let cod = &explanation(&evaluation)["months"][0]["parameters"][0];
    assert_eq!(cod["charge_before_cap_fen"], 60_000_000);
    assert_eq!(cod["capped"], true);
    assert_eq!(cod["charge_fen"], 50_000_000);
}

/// Example 9's TP values of one month: `0.050`, `<0.010`, `0.030`.
fn example_nine_readings() -> Vec<basin_domain::statistics::ReadingForStatistics> {
    vec![
        reading(1, "2025-07-01T08:00:00+08:00", &[("tp", "0.050")]),
        reading(2, "2025-07-02T08:00:00+08:00", &[("tp", "<0.010")]),
        reading(3, "2025-07-03T08:00:00+08:00", &[("tp", "0.030")]),
    ]
}

#[test]
fn example_nine_enters_a_value_below_the_detection_limit_as_half_the_limit_the_limit_or_zero() {
    let expected = [
        (basin_domain::BelowDetection::HalfLimit, "0.028"),
        (basin_domain::BelowDetection::Limit, "0.030"),
        (basin_domain::BelowDetection::Zero, "0.027"),
    ];
    for (treatment, statistic) in expected {
        let statistics = basin_domain::statistics::section_statistics_with(
            &period("2025-07"),
            WaterBody::River,
            treatment,
            &example_nine_readings(),
        )
        .unwrap();
        let july = &statistics.months[0];
        assert_eq!(
            july.stats[&parameter("tp")].to_string(),
            statistic,
            "{treatment:?}"
        );
        assert_eq!(
            july.samples[&parameter("tp")],
            3,
            "a <L value enters the mean"
        );
        assert_eq!(july.below_limit[&parameter("tp")], 1);
    }
}
