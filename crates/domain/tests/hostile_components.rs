//! Hostile JSON for `agreement::parse_components`: the seven component kinds of the
//! specification with members removed, added, renamed or replaced by hostile values (numbers
//! where strings belong, `1e999` spelt as text, amounts at 2^53, deep nesting), and arbitrary
//! JSON. Every failing component is reported at its own pointer and nowhere else; what parses
//! serialises and parses back to the same components, and validation never panics on it.
//!
//! Long run (`PROPTEST_CASES` replaces the CI case count of every property here):
//! `PROPTEST_CASES=100000 cargo test -p basin-domain --test hostile_components`

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod hostile;

use basin_domain::agreement::{parse_components, validate, AgreementTerms, FieldError};
use basin_domain::quality::SectionFacts;
use basin_domain::{Code, PeriodKind, WaterBody, WaterClass};
use proptest::prelude::*;
use serde_json::{json, Value};

use hostile::{config, HOSTILE_TEXTS};

/// One component of each kind, as in the specification's examples.
fn valid_components() -> Vec<Value> {
    vec![
        json!({"kind": "index", "section": "gubeikou", "k0": "0.85",
               "weights": {"codmn": "0.25", "nh3n": "0.25", "tp": "0.25", "tn": "0.25"},
               "baseline": {"codmn": "2.5", "nh3n": "0.15", "tp": "0.03", "tn": "1.20"},
               "tiers": [{"max_p": "1", "amount_fen": 10000000000_i64}, {"max_p": null, "amount_fen": -10000000000_i64}]}),
        json!({"kind": "class_steps", "section": "gubeikou", "parameters": ["codmn", "nh3n", "tp"],
               "rate_worse_fen": 30000000, "rate_worse_mild_fen": 15000000, "inflow_section": "baihebao",
               "rate_better_fen": 5000000}),
        json!({"kind": "attainment", "section": "gubeikou", "target_class": "II", "threshold": "0.8",
               "amount_if_met_fen": 100, "amount_if_failed_fen": -100}),
        json!({"kind": "volume", "section": "gubeikou", "baseline_m3": "30000000", "rate_fen_per_10k_m3": "2000",
               "cap_fen": 5000000}),
        json!({"kind": "threshold", "section": "bahaoqiao", "parameter": "tn", "limit": "4.10", "monthly_limit": "6",
               "amount_if_met_fen": 100, "amount_if_failed_fen": -100}),
        json!({"kind": "reduction", "section": "bahaoqiao", "parameter": "tn", "baseline": "4.50",
               "rate_fen_per_percent": "1000000"}),
        json!({"kind": "exceedance", "section": "gubeikou", "parameters": ["nh3n", "tp"],
               "limits": {"tp": "0.2"},
               "bands": [{"max_multiple": "0.5", "charge_fen": 10000000}, {"max_multiple": null, "charge_fen": 50000000}],
               "cap_fen": 40000000, "inflow_section": "baihebao"}),
        json!({"kind": "exceedance", "section": "gubeikou", "parameters": ["cod"],
               "step_multiple": "0.2", "step_charge_fen": 30000000}),
    ]
}

/// JSON numbers written as text, so that no binary floating point type appears in this crate.
const NUMBER_TEXTS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "0.85",
    "1e3",
    "1E+2",
    "-1e-7",
    "1e308",
    "9007199254740991",
    "9007199254740992",
    "-9007199254740993",
    "18446744073709551615",
    "-9223372036854775808",
    "123456789012345678901234567890",
];

fn hostile_value() -> impl Strategy<Value = Value> {
    let number = prop::sample::select(NUMBER_TEXTS)
        .prop_map(|text| serde_json::from_str(text).unwrap_or(Value::Null));
    let leaf = prop_oneof![
        2 => number,
        2 => prop::sample::select(HOSTILE_TEXTS).prop_map(Value::from),
        1 => prop::sample::select(vec!["I", "II", "劣V", "VI", "index", "year", "tn", "gubeikou", "1e999"]).prop_map(Value::from),
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => (1_usize..200).prop_map(|depth| (0..depth).fold(json!("deep"), |inner, _| json!([inner]))),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..4)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// JSON Pointers of every value inside `value`, `value` itself excluded.
fn pointers_inside(value: &Value, prefix: &str, found: &mut Vec<String>) {
    let children: Vec<(String, &Value)> = match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| (index.to_string(), item))
            .collect(),
        Value::Object(members) => members
            .iter()
            .map(|(name, member)| (name.replace('~', "~0").replace('/', "~1"), member))
            .collect(),
        _ => Vec::new(),
    };
    for (token, child) in children {
        let pointer = format!("{prefix}/{token}");
        pointers_inside(child, &pointer, found);
        found.push(pointer);
    }
}

#[derive(Debug, Clone)]
enum ComponentEdit {
    Replace {
        at: prop::sample::Index,
        value: Value,
    },
    Remove {
        at: prop::sample::Index,
    },
    Add {
        name: String,
        value: Value,
    },
}

fn component_edit() -> impl Strategy<Value = ComponentEdit> {
    let name = prop_oneof![
        prop::sample::select(vec![
            "kind",
            "section",
            "bonus_fen",
            "k0",
            "tiers",
            "cap_fen",
            "",
            "KIND",
            "parameter"
        ])
        .prop_map(str::to_owned),
        "[a-z_]{1,12}",
    ];
    prop_oneof![
        3 => (any::<prop::sample::Index>(), hostile_value()).prop_map(|(at, value)| ComponentEdit::Replace { at, value }),
        1 => any::<prop::sample::Index>().prop_map(|at| ComponentEdit::Remove { at }),
        1 => (name, hostile_value()).prop_map(|(name, value)| ComponentEdit::Add { name, value }),
    ]
}

fn edited(mut component: Value, edits: &[ComponentEdit]) -> Value {
    for edit in edits {
        let mut pointers = Vec::new();
        pointers_inside(&component, "", &mut pointers);
        match edit {
            ComponentEdit::Replace { at, value } if !pointers.is_empty() => {
                if let Some(target) = component.pointer_mut(at.get(pointers.as_slice()).as_str()) {
                    *target = value.clone();
                }
            }
            ComponentEdit::Remove { at } if !pointers.is_empty() => {
                let pointer = at.get(pointers.as_slice()).as_str();
                let (parent, token) = pointer.rsplit_once('/').unwrap_or(("", pointer));
                match component.pointer_mut(parent) {
                    Some(Value::Object(members)) => {
                        members.remove(&token.replace("~1", "/").replace("~0", "~"));
                    }
                    Some(Value::Array(items)) => {
                        if let Ok(index) = token.parse::<usize>() {
                            items.remove(index);
                        }
                    }
                    _ => {}
                }
            }
            ComponentEdit::Add { name, value } => {
                if let Value::Object(members) = &mut component {
                    members.insert(name.clone(), value.clone());
                }
            }
            _ => {}
        }
    }
    component
}

fn components() -> impl Strategy<Value = Value> {
    let item = (
        0..valid_components().len(),
        prop::collection::vec(component_edit(), 0..3),
    )
        .prop_map(|(which, edits)| edited(valid_components()[which].clone(), &edits));
    prop_oneof![
        6 => prop::collection::vec(prop_oneof![4 => item, 1 => hostile_value()], 0..5).prop_map(Value::Array),
        1 => hostile_value(),
    ]
}

#[test]
fn an_unedited_component_of_each_kind_reads_and_writes_back_unchanged() {
    for component in valid_components() {
        let parsed = parse_components(&json!([component]));
        let written = parsed
            .ok()
            .and_then(|parsed| serde_json::to_value(parsed).ok());
        assert_eq!(written, Some(json!([component])));
    }
}

fn known_sections(code: &Code) -> Option<SectionFacts> {
    ["gubeikou", "baihebao", "bahaoqiao"]
        .contains(&code.as_str())
        .then_some(SectionFacts {
            water_body: WaterBody::River,
            target_class: WaterClass::II,
        })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn each_component_that_cannot_be_read_is_reported_at_its_own_pointer_and_no_other(components in components()) {
        let result = parse_components(&components);
        let Some(items) = components.as_array() else {
            let pointers: Vec<String> = result.unwrap_err().into_iter().map(|error| error.pointer).collect();
            prop_assert_eq!(pointers, vec!["/components".to_owned()]);
            return Ok(());
        };
        let failing: Vec<String> = items
            .iter()
            .enumerate()
            .filter(|(_, item)| parse_components(&json!([item])).is_err())
            .map(|(index, _)| format!("/components/{index}"))
            .collect();
        match result {
            Ok(parsed) => {
                prop_assert!(failing.is_empty());
                prop_assert_eq!(parsed.len(), items.len());
                let written = serde_json::to_value(&parsed).unwrap_or(Value::Null);
                prop_assert_eq!(parse_components(&written), Ok(parsed.clone()));
                for period in [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year] {
                    let terms = AgreementTerms { period, min_valid_months: None, below_detection: None, components: parsed.clone() };
                    let _ = validate(&terms, known_sections);
                }
            }
            Err(errors) => {
                let pointers: Vec<String> = errors.iter().map(|error: &FieldError| error.pointer.clone()).collect();
                prop_assert_eq!(pointers, failing);
                prop_assert!(errors.iter().all(|error| !error.message.is_empty()));
            }
        }
    }

}
