//! Per-value flags and detection limits (compensation.md §2, worked example 9): a value flagged other
//! than `N` never counts, and a value written `<L` enters a mean as the agreement's `below_detection`
//! term says, or refuses the month.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;

use std::collections::BTreeMap;

use basin_domain::evaluation::EvaluationError;
use basin_domain::statistics::{section_statistics_with, ReadingForStatistics};
use basin_domain::{BelowDetection, Measured, ValueFlag, WaterBody};
use common::*;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

const TREATMENTS: [BelowDetection; 3] = [
    BelowDetection::HalfLimit,
    BelowDetection::Limit,
    BelowDetection::Zero,
];

fn example_nine_readings() -> Vec<ReadingForStatistics> {
    vec![
        reading(1, "2025-07-01T08:00:00+08:00", &[("tp", "0.050")]),
        reading(2, "2025-07-02T08:00:00+08:00", &[("tp", "<0.010")]),
        reading(3, "2025-07-03T08:00:00+08:00", &[("tp", "0.030")]),
    ]
}

/// A July agreement with one TP threshold (limit 0.029) over `main`, with the treatment given.
fn evaluate_july(
    below_detection: Option<&str>,
    readings: Vec<ReadingForStatistics>,
) -> Result<basin_domain::evaluation::Evaluation, EvaluationError> {
    let mut body = json!({"period": "month", "components": [{"kind": "threshold", "section": "main",
        "parameter": "tp", "limit": "0.029", "amount_if_met_fen": 100, "amount_if_failed_fen": -100}]});
    if let Some(treatment) = below_detection {
        body["below_detection"] = json!(treatment);
    }
    let terms: basin_domain::agreement::AgreementTerms = serde_json::from_value(body).unwrap();
    let known = sections();
    let terms = basin_domain::agreement::validate(&terms, |code| known.get(code).copied()).unwrap();
    basin_domain::evaluation::evaluate(basin_domain::evaluation::EvaluationInput {
        terms,
        period: period("2025-07"),
        sections: sections(),
        readings: BTreeMap::from([(code("main"), readings)]),
    })
}

#[test]
fn example_nine_decides_a_settlement_by_the_agreements_treatment_and_records_the_count() {
    // 0.028 meets a 0.029 limit; 0.030 under `limit` does not.
    let half = evaluate_july(None, example_nine_readings()).unwrap();
    assert_eq!(amount_fen(&half), 100);
    let limit = evaluate_july(Some("limit"), example_nine_readings()).unwrap();
    assert_eq!(amount_fen(&limit), -100);
    let sections = serde_json::to_value(&limit.sections).unwrap();
    assert_eq!(sections[0]["below_limit"], json!({"2025-07": {"tp": 1}}));
    assert_eq!(sections[0]["months"][0]["samples"], json!({"tp": 3}));
}

#[test]
fn a_section_without_values_below_the_limit_records_no_below_limit_member() {
    let readings = vec![reading(1, "2025-07-01T08:00:00+08:00", &[("tp", "0.020")])];
    let evaluation = evaluate_july(Some("zero"), readings).unwrap();
    let sections = serde_json::to_value(&evaluation.sections).unwrap();
    assert!(sections[0].get("below_limit").is_none(), "{sections}");
}

#[test]
fn refuse_names_the_section_parameter_and_month_of_a_needed_value_below_the_limit() {
    let refused = evaluate_july(Some("refuse"), example_nine_readings()).unwrap_err();
    let EvaluationError::BelowDetectionRefused(series) = &refused else {
        panic!("expected a refusal, got {refused:?}");
    };
    assert_eq!(
        serde_json::to_value(series).unwrap(),
        json!([{"section": "main", "parameter": "tp", "months": ["2025-07"]}])
    );
    assert!(refused
        .to_string()
        .contains("tp values below the detection limit in 2025-07"));
}

#[test]
fn refuse_ignores_values_below_the_limit_of_parameters_no_component_needs() {
    let readings = vec![reading(
        1,
        "2025-07-01T08:00:00+08:00",
        &[("tp", "0.020"), ("tn", "<0.05")],
    )];
    let evaluation = evaluate_july(Some("refuse"), readings).unwrap();
    assert_eq!(amount_fen(&evaluation), 100);
}

#[test]
fn refuse_also_ignores_a_flagged_value_below_the_limit() {
    let mut readings = example_nine_readings();
    readings[1]
        .flags
        .insert(parameter("tp"), ValueFlag::Calibration);
    let evaluation = evaluate_july(Some("refuse"), readings).unwrap();
    // (0.050 + 0.030) / 2 = 0.040 > 0.029.
    assert_eq!(amount_fen(&evaluation), -100);
}

#[test]
fn a_ph_flagged_for_maintenance_does_not_count_while_the_same_readings_normal_nh3n_does() {
    let mut flagged = reading(
        2,
        "2025-07-02T08:00:00+08:00",
        &[("ph", "3.0"), ("nh3n", "0.40")],
    );
    flagged.flags = BTreeMap::from([
        (parameter("ph"), ValueFlag::Maintenance),
        (parameter("nh3n"), ValueFlag::Normal),
    ]);
    let readings = vec![
        reading(
            1,
            "2025-07-01T08:00:00+08:00",
            &[("ph", "7.0"), ("nh3n", "0.20")],
        ),
        flagged,
    ];
    let statistics = section_statistics_with(
        &period("2025-07"),
        WaterBody::River,
        BelowDetection::HalfLimit,
        &readings,
    )
    .unwrap();
    let july = &statistics.months[0];
    assert_eq!(july.stats[&parameter("ph")].to_string(), "7.00");
    assert_eq!(july.samples[&parameter("ph")], 1);
    assert_eq!(july.stats[&parameter("nh3n")].to_string(), "0.30");
    assert_eq!(july.samples[&parameter("nh3n")], 2);
}

const CODES: [&str; 4] = ["codmn", "nh3n", "tp", "flow"];

fn value_strategy() -> impl Strategy<Value = Measured> {
    prop_oneof![
        (0..5_000_i64).prop_map(|units| Measured::Exact(Decimal::new(units, 3))),
        (1..500_i64).prop_map(|units| Measured::BelowLimit {
            limit: Decimal::new(units, 3)
        }),
    ]
}

fn flag_strategy() -> impl Strategy<Value = ValueFlag> {
    prop::sample::select(ValueFlag::ALL[1..].to_vec())
}

/// A reading somewhere in 2025-Q3 with some of [`CODES`].
fn reading_strategy() -> impl Strategy<Value = ReadingForStatistics> {
    (
        0..92 * 86_400_i64,
        prop::collection::btree_map(prop::sample::select(CODES.to_vec()), value_strategy(), 0..4),
        any::<i64>(),
    )
        .prop_map(|(offset_seconds, values, id)| ReadingForStatistics {
            id,
            sampled_at: period("2025-Q3").start_utc() + chrono::TimeDelta::seconds(offset_seconds),
            values: values
                .into_iter()
                .map(|(code, value)| (parameter(code), value))
                .collect(),
            flags: BTreeMap::new(),
        })
}

/// Flagged noise: for each reading, values of the parameters it lacks, each with a flag other than N.
fn noise_strategy() -> impl Strategy<Value = Vec<BTreeMap<&'static str, (Measured, ValueFlag)>>> {
    prop::collection::vec(
        prop::collection::btree_map(
            prop::sample::select(CODES.to_vec()),
            (value_strategy(), flag_strategy()),
            0..4,
        ),
        40,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_value_flagged_other_than_n_never_changes_a_statistic(
        readings in prop::collection::vec(reading_strategy(), 0..40),
        noise in noise_strategy(),
        extra in prop::collection::vec((reading_strategy(), flag_strategy()), 0..10),
        treatment in prop::sample::select(TREATMENTS.to_vec()),
    ) {
        let quarter = period("2025-Q3");
        let plain = section_statistics_with(&quarter, WaterBody::River, treatment, &readings).unwrap();
        let mut noisy = readings.clone();
        for (reading, noise) in noisy.iter_mut().zip(noise) {
            for (code, (value, flag)) in noise {
                let parameter = parameter(code);
                if let std::collections::btree_map::Entry::Vacant(slot) = reading.values.entry(parameter) {
                    slot.insert(value);
                    reading.flags.insert(parameter, flag);
                }
            }
            // A normal flag on a value changes nothing either.
            if let Some(parameter) = reading.values.keys().find(|parameter| !reading.flags.contains_key(parameter)).copied() {
                reading.flags.insert(parameter, ValueFlag::Normal);
            }
        }
        for (mut reading, flag) in extra {
            reading.flags = reading.values.keys().map(|parameter| (*parameter, flag)).collect();
            noisy.push(reading);
        }
        let with_flagged = section_statistics_with(&quarter, WaterBody::River, treatment, &noisy).unwrap();
        prop_assert_eq!(plain, with_flagged);
    }

    #[test]
    fn a_value_below_the_limit_enters_exactly_as_the_treatment_says(
        readings in prop::collection::vec(reading_strategy(), 0..40),
        treatment in prop::sample::select(TREATMENTS.to_vec()),
    ) {
        let quarter = period("2025-Q3");
        let statistics = section_statistics_with(&quarter, WaterBody::River, treatment, &readings).unwrap();
        let mut below_limit_values = 0_u64;
        let substituted: Vec<ReadingForStatistics> = readings
            .iter()
            .cloned()
            .map(|mut reading| {
                for value in reading.values.values_mut() {
                    if let Measured::BelowLimit { limit } = *value {
                        below_limit_values += 1;
                        *value = Measured::Exact(treatment.value_in_mean(limit));
                    }
                }
                reading
            })
            .collect();
        let exact = section_statistics_with(&quarter, WaterBody::River, treatment, &substituted).unwrap();
        prop_assert_eq!(&statistics.stats, &exact.stats);
        let counted: u64 = statistics.months.iter().flat_map(|month| month.below_limit.values()).sum();
        prop_assert_eq!(counted, below_limit_values);
        for (month, exact_month) in statistics.months.iter().zip(&exact.months) {
            prop_assert_eq!(&month.stats, &exact_month.stats);
            prop_assert_eq!(&month.samples, &exact_month.samples);
            prop_assert!(exact_month.below_limit.is_empty());
        }
    }
}
