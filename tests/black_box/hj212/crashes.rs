//! Acceptance 3: the gateway, and separately the ledger, are killed with SIGKILL while the
//! simulator sends a month of 古北口's hourly-data packets. Every packet the gateway answered
//! ends up in the ledger exactly once, with the published values, and `verify` passes.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::Duration;

use basin_cnemc::{parse_file, ParseOptions};
use serde_json::Value;

use crate::common::hj212::{run, Gateway, Ledger, StationFiles, MN, PW};
use crate::common::server_process::free_port;

const DAILY_FILE: &str = "examples/data/cnemc/cnemc_daily_bj_hb_2020-05-08_2021-04-05.csv";

/// The published 正常 rows of 古北口 in July 2020: sampled_at (UTC text) → values.
pub fn published_july() -> BTreeMap<String, Value> {
    let bytes = std::fs::read(DAILY_FILE).unwrap();
    let parsed = parse_file(&bytes, &ParseOptions::default()).unwrap();
    let mut rows = BTreeMap::new();
    for row in parsed
        .rows
        .iter()
        .filter(|row| row.name == "古北口" && row.status.is_valid())
    {
        let at = row.sampled_at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        if at.as_str() >= "2020-06-30T16:00:00Z" && at.as_str() < "2020-07-31T16:00:00Z" {
            rows.entry(at)
                .or_insert_with(|| serde_json::to_value(&row.values).unwrap());
        }
    }
    rows
}

fn china_data_time(utc: &str) -> String {
    let time = chrono::DateTime::parse_from_rfc3339(utc).unwrap() + chrono::Duration::hours(8);
    time.format("%Y%m%d%H%M%S").to_string()
}

#[test]
fn killed_gateway_and_ledger_lose_no_answered_packet_and_store_none_twice() {
    let files = StationFiles::new();
    let mut ledger = Ledger::start(Some(&files.public_key));
    let stations = files.write_for(&ledger);
    let spool = files.directory.path().join("spool");
    let port = free_port();
    let mut gateway = Gateway::start(&stations, &spool, &ledger.url(), port, &[]);
    let simulator = Command::new(env!("CARGO_BIN_EXE_basin-ledger"))
        .args([
            "hj212",
            "simulate",
            "--mn",
            MN,
            "--pw",
            PW,
            "--to",
            &format!("127.0.0.1:{port}"),
        ])
        .args([
            "--from",
            "2020-07-01",
            "--until",
            "2020-08-01",
            "--rows",
            "normal",
        ])
        .args([
            "--interval-ms",
            "150",
            "--reply-timeout-ms",
            "1000",
            "--retries",
            "60",
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    // A few packets in, the gateway dies; it comes back on the same port and spool.
    let stored = "basin_ledger_hj212_packets_total{outcome=\"stored\"}";
    assert!(gateway.wait_for_metric(stored, 4) >= 4);
    gateway.kill();
    std::thread::sleep(Duration::from_millis(300));
    let gateway = Gateway::start(&stations, &spool, &ledger.url(), port, &[]);
    // Then the ledger dies while the gateway keeps taking packets, and comes back.
    assert!(gateway.wait_for_metric(stored, 3) >= 3);
    ledger.kill();
    assert!(gateway.wait_for_metric(stored, 8) >= 8);
    ledger.restart();

    let output = simulator.wait_with_output().unwrap();
    assert!(output.status.success());
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    let published = published_july();
    assert_eq!(summary["packets"], published.len());
    assert_eq!(
        summary["unacknowledged"],
        serde_json::json!([]),
        "{summary}"
    );
    let acknowledged: Vec<&str> = summary["acknowledged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|time| time.as_str().unwrap())
        .collect();
    assert_eq!(acknowledged.len(), published.len());

    let readings = ledger.wait_for_readings(published.len());
    assert_eq!(
        readings.len(),
        published.len(),
        "each answered packet once, no more"
    );
    for (reading, (at, values)) in readings.iter().zip(&published) {
        assert_eq!(reading["sampled_at"], *at);
        assert_eq!(reading["values"], *values, "{at}");
        assert!(acknowledged.contains(&china_data_time(at).as_str()));
    }
    let batches: std::collections::BTreeSet<&str> = readings
        .iter()
        .map(|r| r["batch_id"].as_str().unwrap())
        .collect();
    assert!(batches.iter().all(|id| id.starts_with("hj212-")));

    let verified = run(
        ledger.directory.path(),
        &[
            "verify",
            "--url",
            &ledger.url(),
            "--token",
            &ledger.admin_token,
        ],
    );
    assert!(
        verified.status.success(),
        "verify: {}",
        String::from_utf8_lossy(&verified.stderr)
    );
    let report: Value = serde_json::from_slice(&verified.stdout).unwrap();
    eprintln!("verify: {report}");
}
