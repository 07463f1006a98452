//! Ledger key rotation in the middle of a log, with the real binary (API.md "Keys and
//! rotation"): serve, write, settle, stop, `key rotate`, serve again, write, settle. Every old
//! settlement and checkpoint still verifies (`verify --bundle`, `verify --url`, the receipt with
//! the old vkey, the verification endpoint); `/v1/keys` shows both keys with their windows;
//! checkpoints carry both signatures during the overlap and the new one alone afterwards.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::publication::{checkpoint_covering_over_http, note_size};
use common::server_process::ServerProcess;
use serde_json::{json, Value};

/// Short enough for a test to see the overlap end, long enough to write during it.
const OVERLAP_SECONDS: u64 = 12;

fn run(directory: &Path, arguments: &[&str], database_url: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_basin-ledger"));
    command
        .args(arguments)
        .current_dir(directory)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn");
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
    }
    command.output().expect("the binary runs")
}

fn run_ok(directory: &Path, arguments: &[&str], database_url: Option<&str>) -> String {
    let output = run(directory, arguments, database_url);
    assert!(
        output.status.success(),
        "{arguments:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn send(base_url: &str, token: &str, path: &str, body: &Value) -> (u16, Value) {
    let request =
        ureq::post(&format!("{base_url}{path}")).set("Authorization", &format!("Bearer {token}"));
    match request.send_json(body.clone()) {
        Ok(response) => (
            response.status(),
            response.into_json().unwrap_or(Value::Null),
        ),
        Err(ureq::Error::Status(status, response)) => {
            (status, response.into_json().unwrap_or(Value::Null))
        }
        Err(error) => panic!("{path}: {error}"),
    }
}

fn created(base_url: &str, token: &str, path: &str, body: Value) -> Value {
    let (status, reply) = send(base_url, token, path, &body);
    assert!(status == 201 || status == 200, "{path}: {status} {reply}");
    reply
}

fn get(base_url: &str, token: &str, path: &str) -> ureq::Response {
    ureq::get(&format!("{base_url}{path}"))
        .set("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn post_month(base_url: &str, token: &str, month: u32) {
    let readings: Vec<Value> = (1..=28)
        .map(|day| json!({"section": "gubeikou", "sampled_at": format!("2025-{month:02}-{day:02}T08:00:00+08:00"),
                          "values": {"codmn": "1.8", "nh3n": "0.12", "tp": "0.015", "tn": "1.00"}}))
        .collect();
    created(
        base_url,
        token,
        "/v1/readings",
        json!({"batch_id": format!("month-{month}"), "station": "gubeikou-auto", "readings": readings}),
    );
}

fn register(base_url: &str, admin: &str) {
    for (path, body) in [
        ("/v1/jurisdictions", json!({"code": "BJ", "name": "北京市"})),
        (
            "/v1/jurisdictions",
            json!({"code": "HE-CD", "name": "承德市"}),
        ),
        ("/v1/basins", json!({"code": "chaobai", "name": "潮白河"})),
        (
            "/v1/sections",
            json!({"code": "gubeikou", "name": "古北口", "basin": "chaobai", "river": "潮河", "water_body": "river", "target_class": "II", "upstream": "HE-CD", "downstream": "BJ"}),
        ),
        (
            "/v1/stations",
            json!({"code": "gubeikou-auto", "name": "古北口", "section": "gubeikou"}),
        ),
    ] {
        created(base_url, admin, path, body);
    }
    let components = json!([{"kind": "index", "section": "gubeikou", "k0": "1",
        "weights": {"codmn": "0.5", "nh3n": "0.5"}, "baseline": {"codmn": "4", "nh3n": "0.5"},
        "tiers": [{"max_p": "1", "amount_fen": 1_000_000}, {"max_p": null, "amount_fen": -1_000_000}]}]);
    created(
        base_url,
        admin,
        "/v1/agreements",
        json!({"code": "miyun-test", "name": "密云上游试验协议", "basin": "chaobai",
        "upstream": "HE-CD", "downstream": "BJ", "period": "month", "effective_from": "2025-01",
        "min_valid_months": 1, "components": components}),
    );
}

/// The ledger's signature lines on a checkpoint note (witness cosignatures have other names).
fn ledger_signatures(note: &str, origin: &str) -> usize {
    note.lines()
        .filter(|line| line.starts_with(&format!("— {origin} ")))
        .count()
}

fn log_size(base_url: &str, token: &str) -> u64 {
    // These logs are far below one page.
    let entries: Value = get(base_url, token, "/v1/log/entries?limit=1000")
        .into_json()
        .unwrap();
    entries["items"].as_array().unwrap().len() as u64
}

fn rotation_in_the_middle_of_a_log(database_url: Option<&str>) {
    let directory = tempfile::tempdir().unwrap();
    let dir = directory.path();
    let environment: Vec<(&str, &str)> = database_url
        .map(|url| vec![("DATABASE_URL", url)])
        .unwrap_or_default();
    let server = ServerProcess::start(dir, &environment);
    let base = server.base_url.clone();
    let admin = server
        .stdout_so_far()
        .iter()
        .find_map(|line| line.split("store it now): ").nth(1).map(str::to_owned))
        .unwrap();
    register(&base, &admin);
    post_month(&base, &admin, 7);
    let bj = run_ok(
        dir,
        &["token", "create", "--role", "bureau", "--subject", "BJ"],
        database_url,
    )
    .trim()
    .to_owned();
    let july = created(
        &base,
        &bj,
        "/v1/agreements/miyun-test/settlements",
        json!({"period": "2025-07"}),
    );
    let july_id = july["id"].as_str().unwrap().to_owned();
    let old_keys: Value = get(&base, &admin, "/v1/keys").into_json().unwrap();
    let origin = old_keys["log"]["origin"].as_str().unwrap().to_owned();
    let old_vkey = old_keys["log"]["vkey"].as_str().unwrap().to_owned();
    let old_key_id = old_keys["log"]["key_id"].as_str().unwrap().to_owned();
    let size_before = log_size(&base, &admin);
    let seen = checkpoint_covering_over_http(&base, size_before);
    assert_eq!(ledger_signatures(&seen, &origin), 1, "{seen}");
    std::fs::write(dir.join("seen.txt"), &seen).unwrap();
    let receipt = get(&base, &admin, &format!("/v1/settlements/{july_id}/receipt"))
        .into_string()
        .unwrap();
    std::fs::write(dir.join("july.receipt"), &receipt).unwrap();
    // Not under a running server, which would go on signing with the old key alone.
    let key_file_before = std::fs::read(dir.join("basin-ledger.key")).unwrap();
    let refused = run(dir, &["key", "rotate"], database_url);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("a server is running"), "{stderr}");
    assert_eq!(
        std::fs::read(dir.join("basin-ledger.key")).unwrap(),
        key_file_before
    );
    assert_eq!(log_size(&base, &admin), size_before, "nothing was logged");
    assert!(server.terminate());

    let overlap = OVERLAP_SECONDS.to_string();
    let rotated = run_ok(
        dir,
        &["key", "rotate", "--overlap-seconds", &overlap],
        database_url,
    );
    let rotated_at = Instant::now();
    assert!(rotated.contains(&old_key_id), "{rotated}");
    let retired_file = dir.join(format!("basin-ledger.key.{old_key_id}.retired"));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&retired_file)
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600, "the retired key file is private");

    // During the overlap: both keys sign.
    let server = ServerProcess::start(dir, &environment);
    let base = server.base_url.clone();
    let keys: Value = get(&base, &admin, "/v1/keys").into_json().unwrap();
    let new_vkey = keys["log"]["vkey"].as_str().unwrap().to_owned();
    assert_ne!(new_vkey, old_vkey);
    assert!(keys["log"]["valid_from"].is_string(), "{keys}");
    let retired = keys["retired"].as_array().unwrap();
    assert_eq!(retired.len(), 1, "{keys}");
    assert_eq!(retired[0]["vkey"], old_vkey.as_str());
    assert!(retired[0]["valid_from"].is_string() && retired[0]["valid_to"].is_string());
    post_month(&base, &admin, 8);
    let during = checkpoint_covering_over_http(&base, log_size(&base, &admin));
    assert!(
        rotated_at.elapsed() < Duration::from_secs(OVERLAP_SECONDS),
        "the machine was too slow to observe the overlap"
    );
    assert_eq!(ledger_signatures(&during, &origin), 2, "{during}");
    let august = created(
        &base,
        &bj,
        "/v1/agreements/miyun-test/settlements",
        json!({"period": "2025-08"}),
    );
    assert_ne!(august["key_id"], july["key_id"], "{august}");

    // After the overlap: the server logs key.retired and the new key signs alone.
    std::thread::sleep(Duration::from_secs(OVERLAP_SECONDS).saturating_sub(rotated_at.elapsed()));
    std::thread::sleep(Duration::from_secs(1));
    post_month(&base, &admin, 9);
    let after = checkpoint_covering_over_http(&base, log_size(&base, &admin));
    assert_eq!(ledger_signatures(&after, &origin), 1, "{after}");
    let entries: Value = get(&base, &admin, "/v1/log/entries?limit=1000")
        .into_json()
        .unwrap();
    let kinds: Vec<&str> = entries["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|item| item["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"key.added") && kinds.contains(&"key.retired"),
        "{kinds:?}"
    );
    let size_after = note_size(&after).unwrap();

    // Everything verifies: the bundle (and the checkpoint seen before the rotation), the URL,
    // the old receipt with the old vkey, and the server's own check of the old settlement.
    run_ok(dir, &["export", "--out", "bundle"], database_url);
    let offline: Value = serde_json::from_str(&run_ok(
        dir,
        &["verify", "--bundle", "bundle", "--checkpoint", "seen.txt"],
        database_url,
    ))
    .unwrap();
    assert_eq!(offline["settlements"], 2, "{offline}");
    std::fs::write(dir.join("seen-url.txt"), &seen).unwrap();
    let online: Value = serde_json::from_str(&run_ok(
        dir,
        &[
            "verify",
            "--url",
            &base,
            "--token",
            &bj,
            "--checkpoint",
            "seen-url.txt",
        ],
        None,
    ))
    .unwrap();
    assert!(
        online["tree_size"].as_u64().unwrap() >= size_after,
        "{online}"
    );
    assert_eq!(online["settlements"], 2, "{online}");
    let receipt_check = run(
        dir,
        &["verify", "--receipt", "july.receipt", "--vkey", &old_vkey],
        None,
    );
    assert!(
        receipt_check.status.success(),
        "{}",
        String::from_utf8_lossy(&receipt_check.stderr)
    );
    // A receipt of the old settlement fetched after the overlap: its checkpoint is signed by the
    // new key alone, its settlement by the old one; both vkeys verify it.
    let fresh = get(&base, &admin, &format!("/v1/settlements/{july_id}/receipt"))
        .into_string()
        .unwrap();
    std::fs::write(dir.join("july-later.receipt"), &fresh).unwrap();
    let both = run(
        dir,
        &[
            "verify",
            "--receipt",
            "july-later.receipt",
            "--vkey",
            &new_vkey,
            "--vkey",
            &old_vkey,
        ],
        None,
    );
    assert!(
        both.status.success(),
        "{}",
        String::from_utf8_lossy(&both.stderr)
    );
    let old_only = run(
        dir,
        &[
            "verify",
            "--receipt",
            "july-later.receipt",
            "--vkey",
            &old_vkey,
        ],
        None,
    );
    assert!(
        !old_only.status.success(),
        "a retired key signs no checkpoint after valid_to"
    );
    for id in [&july_id, august["id"].as_str().unwrap()] {
        let verification: Value = get(&base, &bj, &format!("/v1/settlements/{id}/verification"))
            .into_json()
            .unwrap();
        assert_eq!(
            verification["signature_ok"], true,
            "{id} (july {july_id}): {verification}"
        );
    }
    assert!(server.terminate());
}

#[test]
fn a_ledger_key_rotated_mid_log_keeps_every_old_settlement_and_checkpoint_verifiable() {
    rotation_in_the_middle_of_a_log(None);
}

#[test]
fn a_ledger_key_rotation_on_postgresql_keeps_everything_verifiable() {
    let Some(base_url) = common::audit::postgres_url_or_skip("ledger key rotation") else {
        return;
    };
    let database = common::TestDatabase::postgres(&base_url);
    let basin_ledger::store::DatabaseUrl::Postgres(url) = &database.url else {
        panic!("a PostgreSQL test database")
    };
    rotation_in_the_middle_of_a_log(Some(url));
}
