//! Secrets stay secret: tokens are stored only as hashes, and the log stream (standard error, at
//! the most verbose level) of a full cycle never contains a token.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_basin-ledger"));
    command.env_remove("DATABASE_URL").env("RUST_LOG", "trace");
    command
}

#[test]
fn a_full_cycle_logs_no_token_and_stores_only_token_hashes() {
    let directory = tempfile::tempdir().unwrap();
    let log_path = directory.path().join("server.log");
    let port = common::server_process::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = binary()
        .arg("serve")
        .current_dir(directory.path())
        .env("BIND", format!("127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while ureq::get(&format!("{base}/healthz")).call().is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut stdout = server.stdout.take().unwrap();
    let admin = {
        use std::io::Read;
        let mut buffer = [0_u8; 512];
        let read = stdout.read(&mut buffer).unwrap();
        let text = String::from_utf8_lossy(&buffer[..read]).into_owned();
        text.split("store it now): ")
            .nth(1)
            .unwrap()
            .trim()
            .to_owned()
    };
    let post = |token: &str, path: &str, body: serde_json::Value| {
        ureq::post(&format!("{base}{path}"))
            .set("Authorization", &format!("Bearer {token}"))
            .send_json(body)
            .map(|response| response.status())
            .map_err(|error| error.to_string())
    };
    assert_eq!(
        post(
            &admin,
            "/v1/jurisdictions",
            json!({"code": "BJ", "name": "北京市"})
        )
        .unwrap(),
        201
    );
    assert_eq!(
        post(
            &admin,
            "/v1/jurisdictions",
            json!({"code": "HE-CD", "name": "承德市"})
        )
        .unwrap(),
        201
    );
    assert_eq!(
        post(
            &admin,
            "/v1/basins",
            json!({"code": "chaobai", "name": "潮白河"})
        )
        .unwrap(),
        201
    );
    assert_eq!(post(&admin, "/v1/sections", json!({"code": "gubeikou", "name": "古北口", "basin": "chaobai", "river": "潮河", "water_body": "river", "target_class": "II", "upstream": "HE-CD", "downstream": "BJ"})).unwrap(), 201);
    assert_eq!(
        post(
            &admin,
            "/v1/stations",
            json!({"code": "gubeikou-auto", "name": "古北口", "section": "gubeikou"})
        )
        .unwrap(),
        201
    );
    let minted = binary()
        .args([
            "token",
            "create",
            "--role",
            "station",
            "--subject",
            "gubeikou-auto",
        ])
        .current_dir(directory.path())
        .output()
        .unwrap();
    assert!(minted.status.success());
    let station = String::from_utf8(minted.stdout).unwrap().trim().to_owned();
    std::fs::write(directory.path().join("token-create.log"), &minted.stderr).unwrap();
    let batch = json!({"batch_id": "b1", "station": "gubeikou-auto", "readings": [{"section": "gubeikou", "sampled_at": "2025-07-01T08:00:00+08:00", "values": {"tp": "0.02"}}]});
    assert_eq!(post(&station, "/v1/readings", batch).unwrap(), 201);
    // A wrong token and a malformed header are logged as failures, not echoed.
    let _ = post(&format!("{station}x"), "/v1/readings", json!({}));
    let _ = ureq::get(&format!("{base}/v1/basins"))
        .set("Authorization", &format!("Basic {admin}"))
        .call();
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    assert!(server.wait().unwrap().success());

    let log = std::fs::read_to_string(&log_path).unwrap()
        + &std::fs::read_to_string(directory.path().join("token-create.log")).unwrap();
    assert!(
        log.contains("request"),
        "the log stream was captured: {log}"
    );
    for secret in [&admin, &station] {
        assert!(
            !log.contains(secret.as_str()),
            "a token appeared in the log"
        );
        assert!(
            !log.contains(&secret[4..20]),
            "part of a token appeared in the log"
        );
    }
    let database = std::fs::read(directory.path().join("basin-ledger.db")).unwrap();
    let wal = std::fs::read(directory.path().join("basin-ledger.db-wal")).unwrap_or_default();
    for secret in [&admin, &station] {
        let needle = secret.as_bytes();
        let found = |haystack: &[u8]| {
            haystack
                .windows(needle.len())
                .any(|window| window == needle)
        };
        assert!(
            !found(&database) && !found(&wal),
            "a token is stored in clear"
        );
        let hash = basin_ledger::tokens::token_sha256(secret);
        let found_hash = |haystack: &[u8]| {
            haystack
                .windows(hash.len())
                .any(|window| window == hash.as_bytes())
        };
        assert!(
            found_hash(&database) || found_hash(&wal),
            "its hash is what is stored"
        );
    }
}
