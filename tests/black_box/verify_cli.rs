//! `verify --url`, `export` and `verify --bundle` as an auditor runs them against a live server.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use std::process::{Command, Output};

use common::publication::checkpoint_covering_over_http;
use common::server_process::ServerProcess;
use serde_json::json;

fn run(directory: &std::path::Path, arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_basin-ledger"))
        .args(arguments)
        .current_dir(directory)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn post(server: &ServerProcess, token: &str, path: &str, body: serde_json::Value) {
    let response = ureq::post(&format!("{}{path}", server.base_url))
        .set("Authorization", &format!("Bearer {token}"))
        .send_json(body)
        .expect(path);
    assert_eq!(response.status(), 201);
}

#[test]
fn an_auditor_verifies_over_http_then_offline_and_a_changed_byte_fails_naming_the_entry() {
    let directory = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(directory.path(), &[]);
    let token = server
        .stdout_so_far()
        .iter()
        .find_map(|line| line.split("store it now): ").nth(1).map(str::to_owned))
        .unwrap();
    post(
        &server,
        &token,
        "/v1/jurisdictions",
        json!({"code": "BJ", "name": "北京市"}),
    );
    post(
        &server,
        &token,
        "/v1/jurisdictions",
        json!({"code": "HE-CD", "name": "承德市"}),
    );
    post(
        &server,
        &token,
        "/v1/basins",
        json!({"code": "chaobai", "name": "潮白河"}),
    );
    post(
        &server,
        &token,
        "/v1/sections",
        json!({"code": "gubeikou", "name": "古北口", "basin": "chaobai", "river": "潮河", "water_body": "river", "target_class": "II", "upstream": "HE-CD", "downstream": "BJ"}),
    );
    post(
        &server,
        &token,
        "/v1/stations",
        json!({"code": "gubeikou-auto", "name": "古北口", "section": "gubeikou"}),
    );
    post(
        &server,
        &token,
        "/v1/readings",
        json!({"batch_id": "b1", "station": "gubeikou-auto", "readings": [{"section": "gubeikou", "sampled_at": "2025-07-01T08:00:00+08:00", "values": {"tp": 0.018}}]}),
    );

    checkpoint_covering_over_http(&server.base_url, 6);
    let first = run(
        directory.path(),
        &[
            "verify",
            "--url",
            &server.base_url,
            "--token",
            &token,
            "--checkpoint",
            "seen.txt",
        ],
    );
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(report["tree_size"], 6);
    assert_eq!(report["readings"], 1);
    let seen = std::fs::read_to_string(directory.path().join("seen.txt")).unwrap();
    assert!(seen.starts_with("localhost/basin-ledger\n6\n"), "{seen}");

    post(
        &server,
        &token,
        "/v1/readings",
        json!({"batch_id": "b2", "station": "gubeikou-auto", "readings": [{"section": "gubeikou", "sampled_at": "2025-07-02T08:00:00+08:00", "values": {"tp": 0.019}}]}),
    );
    checkpoint_covering_over_http(&server.base_url, 7);
    let second = run(
        directory.path(),
        &[
            "verify",
            "--url",
            &server.base_url,
            "--token",
            &token,
            "--checkpoint",
            "seen.txt",
        ],
    );
    assert!(
        second.status.success(),
        "the grown log extends the checkpoint seen: {}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert!(std::fs::read_to_string(directory.path().join("seen.txt"))
        .unwrap()
        .contains("\n7\n"));

    let export = run(directory.path(), &["export", "--out", "bundle"]);
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let offline = run(directory.path(), &["verify", "--bundle", "bundle"]);
    assert!(
        offline.status.success(),
        "{}",
        String::from_utf8_lossy(&offline.stderr)
    );
    let offline_report: serde_json::Value = serde_json::from_slice(&offline.stdout).unwrap();
    assert_eq!(offline_report["readings"], 2);

    let entries_path = directory.path().join("bundle/entries.jsonl");
    let entries = std::fs::read_to_string(&entries_path).unwrap();
    std::fs::write(&entries_path, entries.replacen("潮白河", "潮白湖", 1)).unwrap();
    let tampered = run(directory.path(), &["verify", "--bundle", "bundle"]);
    assert!(!tampered.status.success());
    let message = String::from_utf8_lossy(&tampered.stderr);
    assert!(
        message.contains("verification FAILED: entry 2:"),
        "{message}"
    );
    assert!(server.terminate());
}
