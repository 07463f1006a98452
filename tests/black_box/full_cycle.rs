//! The whole cycle as the parties live it, through HTTP and the command line only: register,
//! ingest readings a station signed with `sign`, issue a settlement, both bureaus acknowledge with
//! `sign`, the payer pays, `export`, `verify --bundle` offline; later the grown log is consistent
//! with the checkpoint seen; and a settlement changed in the database is named by `verify`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

use common::server_process::ServerProcess;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

fn run(directory: &Path, arguments: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_basin-ledger"))
        .args(arguments)
        .current_dir(directory)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs");
    output
}

fn run_ok(directory: &Path, arguments: &[&str]) -> String {
    let output = run(directory, arguments);
    assert!(
        output.status.success(),
        "{arguments:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// `keygen` prints `public_key`, `key_id` and `vkey` lines.
fn keygen(directory: &Path, name: &str, file: &str) -> (String, String) {
    let printed = run_ok(directory, &["keygen", "--name", name, "--out", file]);
    let field = |label: &str| {
        printed
            .lines()
            .find_map(|line| {
                line.strip_prefix(label)
                    .map(|rest| rest.trim_start_matches([':', ' ', '=']).trim().to_owned())
            })
            .unwrap_or_else(|| panic!("keygen prints {label}: {printed}"))
    };
    (field("public_key"), field("key_id"))
}

fn send(
    server: &ServerProcess,
    token: &str,
    path: &str,
    body: &Value,
    signature: Option<&str>,
) -> (u16, Value) {
    let mut request = ureq::post(&format!("{}{path}", server.base_url))
        .set("Authorization", &format!("Bearer {token}"));
    if let Some(signature) = signature {
        request = request.set("Signature", signature);
    }
    match request.send_string(&body.to_string()) {
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

fn created(server: &ServerProcess, token: &str, path: &str, body: Value) -> Value {
    let (status, reply) = send(server, token, path, &body, None);
    assert!(status == 201 || status == 200, "{path}: {status} {reply}");
    reply
}

#[test]
fn register_sign_settle_acknowledge_pay_export_and_verify_offline() {
    let directory = tempfile::tempdir().unwrap();
    let dir = directory.path();
    let server = ServerProcess::start(dir, &[]);
    let admin = server
        .stdout_so_far()
        .iter()
        .find_map(|line| line.split("store it now): ").nth(1).map(str::to_owned))
        .unwrap();

    let (station_key, _) = keygen(dir, "gubeikou-auto", "station.key");
    let (bj_key, bj_key_id) = keygen(dir, "BJ", "bj.key");
    let (cd_key, cd_key_id) = keygen(dir, "HE-CD", "hecd.key");
    created(
        &server,
        &admin,
        "/v1/jurisdictions",
        json!({"code": "BJ", "name": "北京市"}),
    );
    created(
        &server,
        &admin,
        "/v1/jurisdictions",
        json!({"code": "HE-CD", "name": "承德市"}),
    );
    created(
        &server,
        &admin,
        "/v1/jurisdictions/BJ/keys",
        json!({"public_key": bj_key}),
    );
    created(
        &server,
        &admin,
        "/v1/jurisdictions/HE-CD/keys",
        json!({"public_key": cd_key}),
    );
    created(
        &server,
        &admin,
        "/v1/basins",
        json!({"code": "chaobai", "name": "潮白河"}),
    );
    created(
        &server,
        &admin,
        "/v1/sections",
        json!({"code": "gubeikou", "name": "古北口", "basin": "chaobai", "river": "潮河", "water_body": "river", "target_class": "II", "upstream": "HE-CD", "downstream": "BJ"}),
    );
    created(
        &server,
        &admin,
        "/v1/stations",
        json!({"code": "gubeikou-auto", "name": "古北口", "section": "gubeikou", "public_key": station_key}),
    );
    let station = run_ok(
        dir,
        &[
            "token",
            "create",
            "--role",
            "station",
            "--subject",
            "gubeikou-auto",
        ],
    )
    .trim()
    .to_owned();
    let bj = run_ok(
        dir,
        &["token", "create", "--role", "bureau", "--subject", "BJ"],
    )
    .trim()
    .to_owned();
    let cd = run_ok(
        dir,
        &["token", "create", "--role", "bureau", "--subject", "HE-CD"],
    )
    .trim()
    .to_owned();

    let post_signed_batch = |batch_id: &str, days: std::ops::RangeInclusive<u32>, month: u32| {
        let readings: Vec<Value> = days
            .map(|day| json!({"section": "gubeikou", "sampled_at": format!("2025-{month:02}-{day:02}T08:00:00+08:00"),
                              "values": {"codmn": "1.8", "nh3n": "0.12", "tp": "0.015", "tn": "1.00"}}))
            .collect();
        let body = json!({"batch_id": batch_id, "station": "gubeikou-auto", "readings": readings});
        let hash = hex::encode(Sha256::digest(body.to_string().as_bytes()));
        let signature = run_ok(
            dir,
            &[
                "sign",
                "--key",
                "station.key",
                "--context",
                "readings",
                "--hash",
                &hash,
            ],
        )
        .trim()
        .to_owned();
        let (status, reply) = send(&server, &station, "/v1/readings", &body, Some(&signature));
        assert_eq!(status, 201, "{reply}");
    };
    post_signed_batch("july", 1..=31, 7);

    let components = json!([{"kind": "index", "section": "gubeikou", "k0": "1",
        "weights": {"codmn": "0.5", "nh3n": "0.5"}, "baseline": {"codmn": "4", "nh3n": "0.5"},
        "tiers": [{"max_p": "1", "amount_fen": 1_000_000}, {"max_p": null, "amount_fen": -1_000_000}]}]);
    created(
        &server,
        &admin,
        "/v1/agreements",
        json!({"code": "miyun-test", "name": "密云上游试验协议", "basin": "chaobai",
        "upstream": "HE-CD", "downstream": "BJ", "period": "month", "effective_from": "2025-01", "min_valid_months": 1, "components": components}),
    );
    let settlement = created(
        &server,
        &bj,
        "/v1/agreements/miyun-test/settlements",
        json!({"period": "2025-07"}),
    );
    // P = 0.5 × 1.8/4 + 0.5 × 0.12/0.5 = 0.225 + 0.12 = 0.345 ≤ 1 → Beijing pays 1 000 000 fen.
    assert_eq!(settlement["net_fen"], 1_000_000);
    assert_eq!(
        (settlement["payer"].as_str(), settlement["payee"].as_str()),
        (Some("BJ"), Some("HE-CD"))
    );
    let id = settlement["id"].as_str().unwrap().to_owned();
    let digest = settlement["document_sha256"].as_str().unwrap().to_owned();

    for (token, jurisdiction, key_file, key_id) in [
        (&bj, "BJ", "bj.key", &bj_key_id),
        (&cd, "HE-CD", "hecd.key", &cd_key_id),
    ] {
        let signature = run_ok(
            dir,
            &[
                "sign",
                "--key",
                key_file,
                "--context",
                "ack",
                "--hash",
                &digest,
            ],
        )
        .trim()
        .to_owned();
        created(
            &server,
            token,
            &format!("/v1/settlements/{id}/acknowledgements"),
            json!({"jurisdiction": jurisdiction, "key_id": key_id, "signature": signature}),
        );
    }
    let paid = created(
        &server,
        &bj,
        &format!("/v1/settlements/{id}/payments"),
        json!({"amount_fen": 1_000_000, "paid_at": "2025-09-01T10:00:00+08:00", "reference": "BJ-2025-0901"}),
    );
    assert_eq!(paid["status"], "paid", "{paid}");

    let verification: Value = ureq::get(&format!(
        "{}/v1/settlements/{id}/verification",
        server.base_url
    ))
    .set("Authorization", &format!("Bearer {cd}"))
    .call()
    .unwrap()
    .into_json()
    .unwrap();
    for check in [
        "document_hash_ok",
        "signature_ok",
        "included_in_log",
        "inclusion_proof_ok",
        "readings_digest_ok",
        "recomputation_ok",
        "acknowledgements_ok",
    ] {
        assert_eq!(verification[check], true, "{check}: {verification}");
    }
    assert_eq!(verification["recomputed_net_fen"], 1_000_000);

    let export = run_ok(dir, &["export", "--out", "bundle"]);
    assert!(export.contains("\"settlements\": 1"), "{export}");
    let offline = run_ok(
        dir,
        &["verify", "--bundle", "bundle", "--checkpoint", "seen.txt"],
    );
    let report: Value = serde_json::from_str(&offline).unwrap();
    assert_eq!(report["settlements"], 1);
    assert_eq!(report["signed_batches"], 1);
    // verify --url reads up to the published checkpoint: wait until it covers the export's.
    crate::common::publication::checkpoint_covering_over_http(
        &server.base_url,
        report["tree_size"].as_u64().unwrap(),
    );
    let online = run_ok(dir, &["verify", "--url", &server.base_url, "--token", &bj]);
    assert_eq!(
        serde_json::from_str::<Value>(&online).unwrap()["tree_size"],
        report["tree_size"]
    );

    // Later: more signed readings; the new export extends the checkpoint seen before.
    post_signed_batch("august", 1..=10, 8);
    run_ok(dir, &["export", "--out", "bundle-later"]);
    let later = run_ok(
        dir,
        &[
            "verify",
            "--bundle",
            "bundle-later",
            "--checkpoint",
            "seen.txt",
        ],
    );
    assert!(
        serde_json::from_str::<Value>(&later).unwrap()["tree_size"].as_u64()
            > report["tree_size"].as_u64()
    );

    // An operator quietly changes the stored settlement: verify names its log entry.
    let database = basin_ledger::store::DatabaseUrl::Sqlite(
        dir.join("basin-ledger.db").to_string_lossy().into_owned(),
    );
    let pool = basin_ledger::server::open_database(&database).unwrap();
    use diesel::connection::SimpleConnection;
    pool.get()
        .unwrap()
        .batch_execute("UPDATE settlements SET document = replace(document, '1000000', '1000001')")
        .unwrap();
    let verification: Value = ureq::get(&format!(
        "{}/v1/settlements/{id}/verification",
        server.base_url
    ))
    .set("Authorization", &format!("Bearer {cd}"))
    .call()
    .unwrap()
    .into_json()
    .unwrap();
    assert_eq!(verification["document_hash_ok"], false, "{verification}");
    assert_eq!(
        verification["included_in_log"], true,
        "the log still holds the original: {verification}"
    );
    let index = settlement["log_index"].as_u64().unwrap();
    let expected = format!("entry {index}: settlement {id}");
    // `export` verifies what it writes, so it refuses too; the folder is written for inspection.
    let export = run(dir, &["export", "--out", "bundle-tampered"]);
    assert!(!export.status.success());
    assert!(String::from_utf8_lossy(&export.stderr).contains(&expected));
    let tampered = run(dir, &["verify", "--bundle", "bundle-tampered"]);
    let message = String::from_utf8_lossy(&tampered.stderr).into_owned();
    assert!(!tampered.status.success());
    assert!(message.contains(&expected), "{message}");
    assert!(server.terminate());
}
