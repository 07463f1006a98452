//! `exceedance`: a multiple exactly on a band or step edge takes that band or step count, the multiple is
//! rounded before it is used, nothing is charged at or under the limit, months without data are skipped,
//! the inflow waives a charge only with data of its own, and the terms are checked field by field.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;

use basin_domain::agreement::{validate, AgreementTerms, FieldError};
use common::*;
use serde_json::json;

fn component(extra: serde_json::Value) -> serde_json::Value {
    let mut component = json!({"kind": "exceedance", "section": "third", "parameters": ["nh3n"],
        "bands": [{"max_multiple": "0.5", "charge_fen": 100}, {"max_multiple": "1.0", "charge_fen": 500},
                  {"max_multiple": null, "charge_fen": 1500}]});
    for (key, value) in extra.as_object().unwrap() {
        component[key] = value.clone();
    }
    component
}

fn july_amount(component: serde_json::Value, values: &[(&str, &str)]) -> (i64, serde_json::Value) {
    let evaluation = run(Case {
        period: "2025-07",
        min_valid_months: None,
        components: json!([component]),
        readings: vec![("third", monthly(1, &["2025-07"], values))],
    })
    .unwrap();
    let entry = explanation(&evaluation)["months"][0]["parameters"][0].clone();
    (amount_fen(&evaluation), entry)
}

#[test]
fn a_multiple_exactly_on_a_band_edge_takes_that_band() {
    // NH3-N 1.50 against the class III limit 1.0: m = 0.500, which is <= 0.5.
    let (amount, entry) = july_amount(component(json!({})), &[("nh3n", "1.50")]);
    assert_eq!(amount, -100);
    assert_eq!(entry["multiple"], "0.500");
    assert_eq!(entry["band"], 0);
    let (amount, entry) = july_amount(component(json!({})), &[("nh3n", "1.51")]);
    assert_eq!(amount, -500);
    assert_eq!(entry["band"], 1);
    let (amount, entry) = july_amount(component(json!({})), &[("nh3n", "2.01")]);
    assert_eq!(amount, -1500);
    assert_eq!(entry["band"], 2);
}

#[test]
fn at_or_under_the_limit_nothing_is_charged() {
    for (value, multiple) in [("1.00", "0.000"), ("0.80", "-0.200")] {
        let (amount, entry) = july_amount(component(json!({})), &[("nh3n", value)]);
        assert_eq!(amount, 0, "{value}");
        assert_eq!(entry["multiple"], multiple);
        assert_eq!(entry["band"], serde_json::Value::Null);
        assert_eq!(entry["charge_fen"], 0);
    }
}

#[test]
fn a_multiple_exactly_on_a_step_edge_takes_that_many_steps() {
    let steps = json!({"parameters": ["cod"], "bands": null, "step_multiple": "0.2", "step_charge_fen": 300});
    let mut steps_component = component(steps);
    steps_component.as_object_mut().unwrap().remove("bands");
    // COD 28.0 against 20: m = 0.400 = 2 steps exactly; 28.1: m = 0.405, 3 steps.
    let (amount, entry) = july_amount(steps_component.clone(), &[("cod", "28.0")]);
    assert_eq!((amount, entry["steps"].clone()), (-600, json!(2)));
    let (amount, entry) = july_amount(steps_component, &[("cod", "28.1")]);
    assert_eq!((amount, entry["steps"].clone()), (-900, json!(3)));
}

#[test]
fn the_multiple_is_rounded_to_three_decimals_before_the_steps_are_counted() {
    // COD 4.0 against a limit of 3: m = 0.3333… → 0.333, exactly 3 steps of 0.111 (unrounded it would be 4).
    let mut steps_component = component(json!({"parameters": ["cod"], "limits": {"cod": "3"},
                                               "step_multiple": "0.111", "step_charge_fen": 7}));
    steps_component.as_object_mut().unwrap().remove("bands");
    let (amount, entry) = july_amount(steps_component, &[("cod", "4.0")]);
    assert_eq!(entry["multiple"], "0.333");
    assert_eq!(entry["limit"], "3");
    assert_eq!(entry["steps"], 3);
    assert_eq!(amount, -21);
}

#[test]
fn the_cap_applies_per_parameter_per_month() {
    let evaluation = run(Case {
        period: "2025-Q3",
        min_valid_months: Some(2),
        components: json!([component(
            json!({"parameters": ["nh3n", "tp"], "cap_fen": 400})
        )]),
        readings: vec![(
            "third",
            monthly(
                1,
                &["2025-07", "2025-08"],
                &[("nh3n", "1.80"), ("tp", "0.50")],
            ),
        )],
    })
    .unwrap();
    // Each of 2 months × 2 parameters is charged 500 (m 0.800) or 1500 (m 1.500), capped at 400.
    assert_eq!(amount_fen(&evaluation), -1600);
}

#[test]
fn months_without_data_are_skipped_and_counted_out() {
    let evaluation = run(Case {
        period: "2025-Q3",
        min_valid_months: Some(2),
        components: json!([component(json!({}))]),
        readings: vec![(
            "third",
            [
                monthly(1, &["2025-07"], &[("nh3n", "1.20")]),
                monthly(2, &["2025-09"], &[("nh3n", "1.70")]),
            ]
            .concat(),
        )],
    })
    .unwrap();
    assert_eq!(amount_fen(&evaluation), -600);
    assert_eq!(explanation(&evaluation)["months_counted"], 2);
    let months: Vec<&str> = explanation(&evaluation)["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|month| month["month"].as_str().unwrap())
        .collect();
    assert_eq!(months, ["2025-07", "2025-09"]);
}

#[test]
fn fewer_months_with_data_than_required_refuse_the_evaluation() {
    let result = run(Case {
        period: "2025-Q3",
        min_valid_months: None,
        components: json!([component(json!({}))]),
        readings: vec![("third", monthly(1, &["2025-07"], &[("nh3n", "1.20")]))],
    });
    assert_eq!(
        missing(result),
        json!([{"section": "third", "parameter": "nh3n", "months": ["2025-08", "2025-09"]}])
    );
}

#[test]
fn the_inflow_waives_a_charge_only_in_months_it_has_data_and_an_equal_multiple_is_enough() {
    let evaluation = run(Case {
        period: "2025-Q3",
        min_valid_months: Some(2),
        components: json!([component(json!({"inflow_section": "third_inflow"}))]),
        readings: vec![
            (
                "third",
                monthly(1, &["2025-07", "2025-08"], &[("nh3n", "1.40")]),
            ),
            (
                "third_inflow",
                monthly(10, &["2025-07"], &[("nh3n", "1.40")]),
            ),
        ],
    })
    .unwrap();
    // July: inflow m 0.400 = the section's, waived; August: the inflow has no data, charged.
    assert_eq!(amount_fen(&evaluation), -100);
    let months = &explanation(&evaluation)["months"];
    assert_eq!(months[0]["parameters"][0]["exempt"], true);
    assert_eq!(months[1]["parameters"][0]["exempt"], false);
    assert_eq!(
        months[1]["parameters"][0]["inflow_multiple"],
        serde_json::Value::Null
    );
}

#[test]
fn a_lake_section_defaults_to_the_lake_column_for_total_phosphorus() {
    let evaluation = run(Case {
        period: "2025-07",
        min_valid_months: None,
        components: json!([component(json!({"section": "lake", "parameters": ["tp"]}))]),
        readings: vec![("lake", monthly(1, &["2025-07"], &[("tp", "0.050")]))],
    })
    .unwrap();
    // Lake class II: 0.025, so m = 1.000 (river class II would be 0.1 and m −0.500).
    let entry = &explanation(&evaluation)["months"][0]["parameters"][0];
    assert_eq!(entry["limit"], "0.025");
    assert_eq!(entry["multiple"], "1.000");
    assert_eq!(amount_fen(&evaluation), -500);
}

fn pointers(component: serde_json::Value) -> Vec<FieldError> {
    let terms: AgreementTerms =
        serde_json::from_value(json!({"period": "month", "components": [component]})).unwrap();
    let known = sections();
    validate(&terms, |section| known.get(section).copied()).unwrap_err()
}

fn pointer_list(component: serde_json::Value) -> Vec<String> {
    pointers(component)
        .into_iter()
        .map(|error| error.pointer)
        .collect()
}

#[test]
fn parameters_without_an_upper_limit_are_refused_each_at_its_pointer() {
    assert_eq!(
        pointer_list(component(
            json!({"parameters": ["ph", "do", "temp", "nh3n", "nh3n", "xyz"]})
        )),
        [
            "/components/0/parameters/0",
            "/components/0/parameters/1",
            "/components/0/parameters/2",
            "/components/0/parameters/4",
            "/components/0/parameters/5",
        ]
    );
    assert_eq!(
        pointer_list(component(json!({"parameters": []}))),
        ["/components/0/parameters"]
    );
}

#[test]
fn exactly_one_of_bands_and_steps_is_required() {
    let both = component(json!({"step_multiple": "0.2", "step_charge_fen": 1}));
    assert_eq!(pointer_list(both), ["/components/0/bands"]);
    let mut neither = component(json!({}));
    neither.as_object_mut().unwrap().remove("bands");
    assert_eq!(pointer_list(neither.clone()), ["/components/0/bands"]);
    let mut half = neither.clone();
    half["step_multiple"] = json!("0.2");
    assert_eq!(pointer_list(half), ["/components/0/step_charge_fen"]);
    let mut other_half = neither.clone();
    other_half["step_charge_fen"] = json!(1);
    assert_eq!(pointer_list(other_half), ["/components/0/step_multiple"]);
    let mut zero_step = neither;
    zero_step["step_multiple"] = json!("0");
    zero_step["step_charge_fen"] = json!(-1);
    assert_eq!(
        pointer_list(zero_step),
        [
            "/components/0/step_multiple",
            "/components/0/step_charge_fen"
        ]
    );
}

#[test]
fn bands_ascend_and_end_with_exactly_one_unbounded_band() {
    let bands = |bands: serde_json::Value| pointer_list(component(json!({"bands": bands})));
    assert_eq!(
        bands(
            json!([{"max_multiple": "1.0", "charge_fen": 1}, {"max_multiple": "0.5", "charge_fen": 2},
                     {"max_multiple": null, "charge_fen": 3}])
        ),
        ["/components/0/bands/1/max_multiple"]
    );
    assert_eq!(
        bands(
            json!([{"max_multiple": null, "charge_fen": 1}, {"max_multiple": "0.5", "charge_fen": 2}])
        ),
        [
            "/components/0/bands/0/max_multiple",
            "/components/0/bands/1/max_multiple"
        ]
    );
    assert_eq!(
        bands(
            json!([{"max_multiple": "0", "charge_fen": -1}, {"max_multiple": null, "charge_fen": 3}])
        ),
        [
            "/components/0/bands/0/charge_fen",
            "/components/0/bands/0/max_multiple"
        ]
    );
    assert_eq!(bands(json!([])), ["/components/0/bands"]);
}

#[test]
fn limits_must_be_positive_and_of_listed_parameters() {
    assert_eq!(
        pointer_list(component(
            json!({"limits": {"nh3n": "0", "tp": "0.2", "xyz": "1"}})
        )),
        [
            "/components/0/limits/nh3n",
            "/components/0/limits/tp",
            "/components/0/limits/xyz"
        ]
    );
}

#[test]
fn the_inflow_section_must_be_another_known_section_and_the_cap_not_negative() {
    assert_eq!(
        pointer_list(component(json!({"inflow_section": "third", "cap_fen": -1}))),
        ["/components/0/cap_fen", "/components/0/inflow_section"]
    );
    assert_eq!(
        pointer_list(component(json!({"inflow_section": "nowhere"}))),
        ["/components/0/inflow_section"]
    );
}

#[test]
fn unknown_members_are_refused_when_the_component_is_read() {
    let written = json!([component(json!({"rate_fen": 1}))]);
    let errors = basin_domain::agreement::parse_components(&written).unwrap_err();
    assert_eq!(errors[0].pointer, "/components/0");
}

#[test]
fn the_explanation_lists_the_terms_and_each_month_and_parameter() {
    let evaluation = run(Case {
        period: "2025-07",
        min_valid_months: None,
        components: json!([component(json!({}))]),
        readings: vec![("third", monthly(1, &["2025-07"], &[("nh3n", "1.35")]))],
    })
    .unwrap();
    assert_eq!(
        explanation(&evaluation),
        &json!({
            "parameters": ["nh3n"], "target_class": "III", "limits": {"nh3n": "1.0"},
            "bands": [{"max_multiple": "0.5", "charge_fen": 100}, {"max_multiple": "1.0", "charge_fen": 500},
                      {"max_multiple": null, "charge_fen": 1500}],
            "step_multiple": null, "step_charge_fen": null, "cap_fen": null, "inflow_section": null,
            "months_counted": 1,
            "months": [{"month": "2025-07", "parameters": [{
                "parameter": "nh3n", "statistic": "1.35", "limit": "1.0", "multiple": "0.350", "band": 0,
                "steps": null, "charge_before_cap_fen": 100, "capped": false, "inflow_statistic": null,
                "inflow_multiple": null, "exempt": false, "charge_fen": 100}]}],
            "charges_fen": 100
        })
    );
}
