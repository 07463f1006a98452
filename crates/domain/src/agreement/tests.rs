use serde_json::json;

use super::*;
use crate::code::Code;
use crate::quality::{SectionFacts, WaterBody, WaterClass};

fn known_sections(code: &Code) -> Option<SectionFacts> {
    ["gubeikou", "baihebao", "bahaoqiao"]
        .contains(&code.as_str())
        .then_some(SectionFacts {
            water_body: WaterBody::River,
            target_class: WaterClass::II,
        })
}

fn terms(period: &str, components: serde_json::Value) -> AgreementTerms {
    serde_json::from_value(json!({"period": period, "components": components})).unwrap()
}

fn pointers(result: Result<ValidTerms, Vec<FieldError>>) -> Vec<String> {
    result
        .unwrap_err()
        .into_iter()
        .map(|error| error.pointer)
        .collect()
}

fn index_component() -> serde_json::Value {
    json!({"kind": "index", "section": "gubeikou", "k0": "0.85",
           "weights": {"codmn": "0.25", "nh3n": "0.25", "tp": "0.25", "tn": "0.25"},
           "baseline": {"codmn": "2.5", "nh3n": "0.15", "tp": "0.03", "tn": "1.20"},
           "tiers": [{"max_p": "1", "amount_fen": 10000000000_i64}, {"max_p": null, "amount_fen": -10000000000_i64}]})
}

#[test]
fn every_kind_of_the_specification_deserialises_and_validates() {
    let components = json!([
        index_component(),
        {"kind": "class_steps", "section": "gubeikou", "parameters": ["codmn", "nh3n", "tp"],
         "rate_worse_fen": 30000000, "rate_worse_mild_fen": 15000000, "inflow_section": "baihebao",
         "rate_better_fen": 5000000},
        {"kind": "attainment", "section": "gubeikou", "target_class": "II", "threshold": "0.8",
         "amount_if_met_fen": 100, "amount_if_failed_fen": -100},
        {"kind": "volume", "section": "gubeikou", "baseline_m3": "30000000", "rate_fen_per_10k_m3": "2000",
         "cap_fen": 5000000},
        {"kind": "threshold", "section": "bahaoqiao", "parameter": "tn", "limit": "4.10", "monthly_limit": "6",
         "amount_if_met_fen": 100, "amount_if_failed_fen": -100},
        {"kind": "reduction", "section": "bahaoqiao", "parameter": "tn", "baseline": "4.50",
         "rate_fen_per_percent": "1000000"},
        {"kind": "exceedance", "section": "bahaoqiao", "parameters": ["nh3n", "tp"], "limits": {"tp": "0.2"},
         "bands": [{"max_multiple": "0.5", "charge_fen": 10000000}, {"max_multiple": null, "charge_fen": 150000000}],
         "cap_fen": 100000000, "inflow_section": "baihebao"},
        {"kind": "exceedance", "section": "gubeikou", "parameters": ["cod"], "step_multiple": "0.2",
         "step_charge_fen": 30000000}
    ]);
    let written = terms("year", components.clone());
    let valid = validate(&written, known_sections).unwrap();
    assert_eq!(valid.min_valid_months(), 12);
    assert_eq!(valid.sections().len(), 3);
    // The validated terms serialise exactly as written, so a stored version reads back unchanged.
    let back = serde_json::to_value(&valid).unwrap();
    assert_eq!(back, json!({"period": "year", "components": components}));
}

#[test]
fn unknown_kinds_and_fields_are_refused_at_the_components_pointer() {
    let unknown_kind = json!([{"kind": "lottery", "section": "gubeikou"}]);
    let errors = parse_components(&unknown_kind).unwrap_err();
    assert_eq!(errors[0].pointer, "/components/0");
    assert!(
        errors[0].message.contains("lottery"),
        "{}",
        errors[0].message
    );

    let mut extra = index_component();
    extra["bonus_fen"] = json!(1);
    let errors = parse_components(&json!([index_component(), extra])).unwrap_err();
    assert_eq!(errors[0].pointer, "/components/1");
    assert!(
        errors[0].message.contains("bonus_fen"),
        "{}",
        errors[0].message
    );
    assert!(parse_components(&json!({"kind": "index"})).is_err());
}

#[test]
fn rule_numbers_must_be_strings_and_amounts_integers() {
    let mut number_k0 = index_component();
    number_k0["k0"] = json!(0.85);
    assert!(parse_components(&json!([number_k0])).is_err());
    let mut string_amount = index_component();
    string_amount["tiers"][1]["amount_fen"] = json!("-100");
    assert!(parse_components(&json!([string_amount])).is_err());
}

#[test]
fn a_weighted_parameter_without_baseline_is_reported_at_its_baseline_pointer() {
    let mut component = index_component();
    component["baseline"].as_object_mut().unwrap().remove("tp");
    let result = validate(&terms("year", json!([component])), known_sections);
    assert_eq!(pointers(result), ["/components/0/baseline/tp"]);
}

#[test]
fn zero_and_negative_baselines_are_refused() {
    let mut component = index_component();
    component["baseline"]["tp"] = json!("0");
    component["baseline"]["tn"] = json!("-1.2");
    let result = validate(&terms("year", json!([component])), known_sections);
    assert_eq!(
        pointers(result),
        ["/components/0/baseline/tn", "/components/0/baseline/tp"]
    );

    let reduction = json!([{"kind": "reduction", "section": "bahaoqiao", "parameter": "tn", "baseline": "0",
                            "rate_fen_per_percent": "1"}]);
    assert_eq!(
        pointers(validate(&terms("year", reduction), known_sections)),
        ["/components/0/baseline"]
    );
}

#[test]
fn tiers_must_ascend_and_end_with_a_null_bound() {
    let mut component = index_component();
    component["tiers"] = json!([{"max_p": "1", "amount_fen": 1}, {"max_p": "1", "amount_fen": 2}]);
    let result = validate(&terms("year", json!([component.clone()])), known_sections);
    assert_eq!(pointers(result), ["/components/0/tiers/1/max_p"]);

    component["tiers"] = json!([{"max_p": "1.2", "amount_fen": 1}, {"max_p": "1.1", "amount_fen": 2},
                                {"max_p": null, "amount_fen": 3}]);
    let result = validate(&terms("year", json!([component.clone()])), known_sections);
    assert_eq!(pointers(result), ["/components/0/tiers/1/max_p"]);

    component["tiers"] =
        json!([{"max_p": null, "amount_fen": 1}, {"max_p": null, "amount_fen": 2}]);
    let result = validate(&terms("year", json!([component.clone()])), known_sections);
    assert_eq!(pointers(result), ["/components/0/tiers/0/max_p"]);

    component["tiers"] = json!([]);
    let result = validate(&terms("year", json!([component])), known_sections);
    assert_eq!(pointers(result), ["/components/0/tiers"]);
}

#[test]
fn an_attainment_threshold_outside_zero_to_one_is_refused() {
    for (threshold, valid) in [("0", true), ("1", true), ("1.0001", false), ("-0.1", false)] {
        let component = json!([{"kind": "attainment", "section": "gubeikou", "target_class": "III",
                                "threshold": threshold, "amount_if_met_fen": 1, "amount_if_failed_fen": 0}]);
        let result = validate(&terms("quarter", component), known_sections);
        assert_eq!(result.is_ok(), valid, "{threshold}");
    }
}

#[test]
fn unknown_parameter_codes_and_sections_are_reported_where_they_are_written() {
    let components = json!([
        {"kind": "class_steps", "section": "nowhere", "parameters": ["codmn", "xyz", "flow"], "rate_worse_fen": 1},
        {"kind": "threshold", "section": "gubeikou", "parameter": "t/n", "limit": "4.10",
         "amount_if_met_fen": 1, "amount_if_failed_fen": 0}
    ]);
    let result = validate(&terms("month", components), known_sections);
    assert_eq!(
        pointers(result),
        [
            "/components/0/section",
            "/components/0/parameters/1",
            "/components/0/parameters/2",
            "/components/1/parameter"
        ]
    );
}

#[test]
fn min_valid_months_may_not_exceed_the_months_of_the_period_kind() {
    let mut written = terms("quarter", json!([index_component()]));
    written.min_valid_months = Some(4);
    assert_eq!(
        pointers(validate(&written, known_sections)),
        ["/min_valid_months"]
    );
    written.min_valid_months = Some(0);
    assert_eq!(
        pointers(validate(&written, known_sections)),
        ["/min_valid_months"]
    );
    written.min_valid_months = Some(3);
    assert_eq!(
        validate(&written, known_sections)
            .unwrap()
            .min_valid_months(),
        3
    );
}

#[test]
fn rates_and_caps_may_not_be_negative_and_the_mild_rate_needs_an_inflow() {
    let components = json!([
        {"kind": "class_steps", "section": "gubeikou", "parameters": ["codmn"], "rate_worse_fen": -1,
         "rate_worse_mild_fen": 5, "rate_better_fen": -2, "target_class": "劣V"},
        {"kind": "volume", "section": "gubeikou", "baseline_m3": "-1", "rate_fen_per_10k_m3": "-2000",
         "cap_fen": -5},
        {"kind": "reduction", "section": "gubeikou", "parameter": "tn", "baseline": "4.5",
         "rate_fen_per_percent": "-1"}
    ]);
    let result = validate(&terms("month", components), known_sections);
    assert_eq!(
        pointers(result),
        [
            "/components/0/target_class",
            "/components/0/rate_worse_fen",
            "/components/0/rate_better_fen",
            "/components/0/rate_worse_mild_fen",
            "/components/1/baseline_m3",
            "/components/1/rate_fen_per_10k_m3",
            "/components/1/cap_fen",
            "/components/2/rate_fen_per_percent"
        ]
    );
}

#[test]
fn keys_with_slashes_are_escaped_in_pointers() {
    let mut component = index_component();
    component["weights"]["a/b~c"] = json!("0.1");
    let result = validate(&terms("year", json!([component])), known_sections);
    assert_eq!(pointers(result), ["/components/0/weights/a~1b~0c"]);
}

#[test]
fn an_agreement_without_components_is_refused() {
    let result = validate(&terms("year", json!([])), known_sections);
    assert_eq!(pointers(result), ["/components"]);
}
