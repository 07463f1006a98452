//! Properties of evaluation over generated readings: determinism under any reading order, the net as the
//! sum of the components, exceedance never in upstream's favour, and the sign convention when the parties
//! are swapped. Bounded to run in seconds.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;

use std::collections::BTreeMap;

use basin_domain::agreement::ComponentKind;
use basin_domain::evaluation::{evaluate, settle_direction, Evaluation, EvaluationInput};
use basin_domain::statistics::ReadingForStatistics;
use basin_domain::{Fen, Period};
use common::*;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

/// One component of every kind over the third quarter; `inflow` feeds the class steps and the bands.
fn all_kinds() -> serde_json::Value {
    json!([
        {"kind": "index", "section": "main", "k0": "0.85", "weights": {"codmn": "0.5", "tp": "0.5"},
         "baseline": {"codmn": "4", "tp": "0.1"},
         "tiers": [{"max_p": "0.8", "amount_fen": 3000}, {"max_p": "1.2", "amount_fen": 0},
                   {"max_p": null, "amount_fen": -3000}]},
        {"kind": "class_steps", "section": "main", "parameters": ["codmn", "nh3n", "tp"], "rate_worse_fen": 700,
         "rate_worse_mild_fen": 300, "inflow_section": "inflow", "rate_better_fen": 100},
        {"kind": "attainment", "section": "main", "target_class": "III", "threshold": "0.6667",
         "amount_if_met_fen": 900, "amount_if_failed_fen": -900},
        {"kind": "volume", "section": "main", "baseline_m3": "20000000", "rate_fen_per_10k_m3": "3.7",
         "cap_fen": 400000},
        {"kind": "threshold", "section": "main", "parameter": "tn", "limit": "1.50", "monthly_limit": "2",
         "amount_if_met_fen": 250, "amount_if_failed_fen": -250},
        {"kind": "reduction", "section": "main", "parameter": "tn", "baseline": "1.8", "rate_fen_per_percent": "1234.5",
         "cap_fen": 20000},
        {"kind": "exceedance", "section": "main", "parameters": ["nh3n", "tp"], "limits": {"tp": "0.05"},
         "bands": [{"max_multiple": "0.5", "charge_fen": 110}, {"max_multiple": null, "charge_fen": 330}],
         "inflow_section": "inflow"},
        {"kind": "exceedance", "section": "main", "parameters": ["codmn"], "step_multiple": "0.25",
         "step_charge_fen": 90, "cap_fen": 400}
    ])
}

/// A value with the given number of decimals, from an integer count of its smallest unit.
fn scaled(units: u32, decimals: u32) -> Decimal {
    Decimal::new(i64::from(units), decimals)
}

/// A reading somewhere in 2025-Q3 (92 days from 2025-06-30T16:00:00Z) with a few parameters.
fn reading_strategy() -> impl Strategy<Value = ReadingForStatistics> {
    (
        0..92 * 86_400_i64,
        0..200_u32,
        0..2_000_u32,
        0..500_u32,
        0..300_u32,
        0..40_000_u32,
        any::<i64>(),
    )
        .prop_map(|(offset_seconds, codmn, nh3n, tp, tn, flow, id)| {
            let start = period("2025-Q3").start_utc();
            let values = [
                ("codmn", scaled(codmn, 1)),
                ("nh3n", scaled(nh3n, 3)),
                ("tp", scaled(tp, 3)),
                ("tn", scaled(tn, 2)),
                ("flow", scaled(flow, 3)),
            ];
            ReadingForStatistics {
                id,
                sampled_at: start + chrono::TimeDelta::seconds(offset_seconds),
                values: values
                    .into_iter()
                    .map(|(code, value)| (parameter(code), value.into()))
                    .collect(),
                flags: BTreeMap::new(),
            }
        })
}

/// One reading in the middle of each month, so that every evaluation is complete.
fn base_readings(first_id: i64) -> Vec<ReadingForStatistics> {
    monthly(
        first_id,
        &["2025-07", "2025-08", "2025-09"],
        &[
            ("codmn", "3.1"),
            ("nh3n", "0.4"),
            ("tp", "0.08"),
            ("tn", "1.4"),
            ("flow", "2.5"),
        ],
    )
}

fn input(main: Vec<ReadingForStatistics>, inflow: Vec<ReadingForStatistics>) -> EvaluationInput {
    EvaluationInput {
        terms: valid_terms("quarter", None, all_kinds()),
        period: Period::parse("2025-Q3").unwrap(),
        sections: sections(),
        readings: BTreeMap::from([(code("main"), main), (code("inflow"), inflow)]),
    }
}

fn evaluated(main: Vec<ReadingForStatistics>, inflow: Vec<ReadingForStatistics>) -> Evaluation {
    evaluate(input(main, inflow)).unwrap()
}

/// Two reading lists and a shuffled copy of each.
type ShuffledPair = (
    Vec<ReadingForStatistics>,
    Vec<ReadingForStatistics>,
    Vec<ReadingForStatistics>,
    Vec<ReadingForStatistics>,
);

fn shuffled_pair() -> impl Strategy<Value = ShuffledPair> {
    let main = prop::collection::vec(reading_strategy(), 0..40).prop_map(|mut readings| {
        readings.extend(base_readings(-100));
        readings
    });
    let inflow = prop::collection::vec(reading_strategy(), 0..20);
    (main, inflow).prop_flat_map(|(main, inflow)| {
        (
            Just(main.clone()),
            Just(inflow.clone()),
            Just(main).prop_shuffle(),
            Just(inflow).prop_shuffle(),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_same_readings_in_any_order_serialise_to_the_same_bytes((main, inflow, main_shuffled, inflow_shuffled) in shuffled_pair()) {
        let first = serde_json::to_vec(&evaluated(main, inflow)).unwrap();
        let second = serde_json::to_vec(&evaluated(main_shuffled, inflow_shuffled)).unwrap();
        prop_assert_eq!(first, second);
    }

    #[test]
    fn the_net_is_the_sum_of_the_components((main, inflow, _, _) in shuffled_pair()) {
        let evaluation = evaluated(main, inflow);
        let sum: i64 = evaluation.components.iter().map(|component| component.amount_fen.as_i64()).sum();
        prop_assert_eq!(evaluation.net_fen.as_i64(), sum);
        prop_assert_eq!(evaluation.components.len(), 8);
        // Exceedance charges are never negative, so upstream never earns from them.
        for component in &evaluation.components {
            if component.kind == ComponentKind::Exceedance {
                prop_assert!(component.amount_fen.as_i64() <= 0);
            }
        }
    }

    #[test]
    fn swapping_upstream_and_downstream_keeps_the_amounts_and_swaps_payer_and_payee((main, inflow, _, _) in shuffled_pair()) {
        // Evaluation reads no party at all, so the components and the net cannot depend on which is which.
        let evaluation = evaluated(main.clone(), inflow.clone());
        let again = evaluated(main, inflow);
        prop_assert_eq!(&evaluation, &again);
        let (hebei, beijing) = (code("HE-CD"), code("BJ"));
        let forward = settle_direction(evaluation.net_fen, &hebei, &beijing);
        let swapped = settle_direction(again.net_fen, &beijing, &hebei);
        prop_assert_eq!(&forward.payer, &swapped.payee);
        prop_assert_eq!(&forward.payee, &swapped.payer);
        prop_assert_eq!(forward.amount_fen, swapped.amount_fen);
        prop_assert_eq!(forward.amount_fen, evaluation.net_fen.abs());
    }

    #[test]
    fn settle_direction_follows_the_sign_for_any_net(net in -(1_i64 << 53) + 1..(1_i64 << 53)) {
        let net_fen = Fen::new(net).unwrap();
        let (hebei, beijing) = (code("HE-CD"), code("BJ"));
        let forward = settle_direction(net_fen, &hebei, &beijing);
        let swapped = settle_direction(net_fen, &beijing, &hebei);
        prop_assert_eq!(forward.amount_fen.as_i64(), net.abs());
        prop_assert_eq!(&forward.payer, &swapped.payee);
        prop_assert_eq!(&forward.payee, &swapped.payer);
        prop_assert_eq!(forward.payer.is_none(), net == 0);
        if net > 0 {
            prop_assert_eq!(forward.payer, Some(beijing));
        }
    }
}
