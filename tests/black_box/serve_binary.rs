//! `basin-ledger serve` on an empty directory: creates the SQLite database, prints one admin
//! token, serves `/healthz`; a restart prints no token and keeps the data; SIGTERM is graceful.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use common::server_process::ServerProcess;

fn token_from(lines: &[String]) -> Option<String> {
    lines.iter().find_map(|line| {
        line.split("token (shown once, store it now): ")
            .nth(1)
            .map(str::to_owned)
    })
}

#[test]
fn first_start_prints_one_admin_token_and_a_restart_keeps_the_data() {
    let directory = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(directory.path(), &[]);
    assert!(
        directory.path().join("basin-ledger.db").exists(),
        "the default SQLite file is created"
    );
    let health: serde_json::Value = ureq::get(&format!("{}/healthz", server.base_url))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(
        health,
        serde_json::json!({"status": "ok", "database": "sqlite"})
    );
    // The token line is printed before the server starts listening.
    let token = token_from(&server.stdout_so_far()).expect("the first start prints an admin token");
    let created = ureq::post(&format!("{}/v1/basins", server.base_url))
        .set("Authorization", &format!("Bearer {token}"))
        .send_json(serde_json::json!({"code": "yongding", "name": "永定河"}))
        .unwrap();
    assert_eq!(created.status(), 201);
    assert!(
        server.terminate(),
        "SIGTERM ends the server gracefully with status 0"
    );

    let server = ServerProcess::start(directory.path(), &[]);
    assert_eq!(
        token_from(&server.stdout_so_far()),
        None,
        "a restart must not print a token again"
    );
    let basin: serde_json::Value = ureq::get(&format!("{}/v1/basins/yongding", server.base_url))
        .set("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(basin["name"], "永定河");
    let metrics = ureq::get(&format!("{}/metrics", server.base_url))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(metrics.contains("basin_ledger_http_requests_total{method=\"GET\",route=\"/v1/basins/{code}\",status=\"200\"} 1"), "{metrics}");
    assert!(
        metrics.contains("basin_ledger_http_request_duration_seconds_bucket"),
        "{metrics}"
    );
    assert!(server.terminate());
}
