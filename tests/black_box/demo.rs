//! The demo setup on real published data: settlements for 古北口 and 八号桥 months, with the
//! amounts the published statistics give, and nothing added when it runs again.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use basin_ledger::demo::{self, agreements};
use basin_ledger::ledger_key::{LedgerKey, LOG_ORIGIN_DEFAULT};
use common::TestDatabase;

#[test]
fn the_demo_settles_the_months_with_data_and_adds_nothing_on_a_second_run() {
    let database = TestDatabase::new();
    let pool = database.pool();
    let mut connection = pool.get().unwrap();
    let key = LedgerKey::generate(LOG_ORIGIN_DEFAULT).unwrap();
    let now = chrono::Utc::now();
    let summary = demo::setup(&mut connection, &key, now).unwrap();
    println!("{}", summary.report("127.0.0.1:8080"));
    let amounts: Vec<(String, String, String, i64, Option<String>)> = summary
        .settlements
        .iter()
        .map(|item| {
            let document = &item.settlement.document;
            (
                item.agreement.clone(),
                item.section.clone(),
                document.period.clone(),
                document.net_fen,
                document.payer.clone(),
            )
        })
        .collect();
    let find = |agreement: &str, period: &str| {
        amounts
            .iter()
            .find(|(code, _, month, _, _)| code == agreement && month == period)
            .map(|(_, section, _, net, payer)| (section.clone(), *net, payer.clone()))
    };
    let expected = [
        // 古北口, July 2020: the index is far below 0.8 (+5 000 000 yuan); TN's monthly mean 2.90
        // against 6.00 is a 51.67 % reduction at 1 000 yuan a point (+51 670 yuan).
        (agreements::MIYUN, "2020-05", 502_150_000, "BJ"),
        (agreements::MIYUN, "2020-07", 505_167_000, "BJ"),
        // December 2020: TN 12.63 is a 110.5 % increase, charged at the 100 000 yuan cap.
        (agreements::MIYUN, "2020-12", 490_000_000, "BJ"),
        // 八号桥, June 2020: TN 4.51 ≤ 6 (+1 000 000 yuan); CODMn 7.4, NH3-N 1.02 and TP 0.265 are
        // each class IV, one step worse than III (−300 000 yuan each).
        (agreements::GUANTING_MONTHLY, "2020-06", 10_000_000, "BJ"),
        // December 2020: TN 6.13 > 6 (−1 000 000 yuan); CODMn 3.8 is class II (+50 000 yuan).
        (
            agreements::GUANTING_MONTHLY,
            "2020-12",
            -95_000_000,
            "HE-ZJK",
        ),
        // The year 2020 (eight months with data): the mean of monthly TN exceeds 4.10 and December
        // exceeds 6, so Zhangjiakou compensates Beijing 30 000 000 yuan.
        (
            agreements::GUANTING_ANNUAL,
            "2020",
            -3_000_000_000,
            "HE-ZJK",
        ),
    ];
    for (agreement, period, net_fen, payer) in expected {
        let (section, net, found_payer) = find(agreement, period)
            .unwrap_or_else(|| panic!("{agreement} {period} not settled: {amounts:?}"));
        let expected_section = if agreement == agreements::MIYUN {
            "gubeikou"
        } else {
            "bahaoqiao"
        };
        assert_eq!(section, expected_section);
        assert_eq!(
            (net, found_payer.as_deref()),
            (net_fen, Some(payer)),
            "{agreement} {period}"
        );
    }
    // The stations published nothing valid at 古北口 in January and February 2021.
    assert!(summary
        .skipped
        .iter()
        .any(|(agreement, period, _)| agreement == agreements::MIYUN && period == "2021-01"));

    let again = demo::setup(&mut connection, &key, now).unwrap();
    assert_eq!(
        (
            again.registry_created,
            again.readings_created,
            again.agreements_created,
            again.settlements_issued
        ),
        (0, 0, 0, 0)
    );
    assert_eq!(again.settlements.len(), summary.settlements.len());
}
