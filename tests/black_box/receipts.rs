//! Settlement receipts (c2sp.org/tlog-proof@v1): a bureau files one with its payment order and
//! checks it years later, offline, with the ledger's public key alone. Any change to any byte of
//! a receipt makes it fail; a stored settlement row altered in the database is refused as an
//! integrity failure naming the settlement, on every route that would serve it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use std::process::Command;

use crate::common;
use common::tamper::execute;

use basin_audit::note::parse_vkey;
use basin_ledger_core::receipt::verify_settlement_receipt;
use common::agreements::good_values;
use common::spawn_app;
use diesel::prelude::*;
use serde_json::Value;

const BINARY: &str = env!("CARGO_BIN_EXE_basin-ledger");

fn assert_settlement_integrity_failure(reply: &common::Reply, id: &str) {
    assert_eq!(reply.status.as_u16(), 500, "{}", reply.text);
    assert_eq!(reply.content_type, "application/problem+json");
    assert_eq!(reply.body["type"], "urn:basin-ledger:problem:integrity");
    let detail = reply.body["detail"].as_str().expect("detail");
    assert!(detail.contains(&format!("settlement {id} ")), "{detail}");
}

/// Issues July 2025 of the test agreement; returns the settlement, its receipt and the vkey.
async fn issued_with_receipt() -> (Value, String, String) {
    let app = spawn_app().await;
    app.register_test_agreement().await;
    app.post_month("2025-07", good_values()).await;
    let settlement = app.issue_period("miyun-test", "2025-07").await;
    let id = settlement["id"].as_str().unwrap().to_owned();
    // Receipts are against published checkpoints: wait until one covers the settlement.
    app.published_checkpoint().await;
    let token = app.admin_token.clone();
    let reply = app
        .get(&format!("/v1/settlements/{id}/receipt"), Some(&token))
        .await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.text);
    assert!(
        reply.content_type.starts_with("text/plain"),
        "{}",
        reply.content_type
    );
    let keys = app.get("/v1/keys", None).await;
    let vkey = keys.body["log"]["vkey"].as_str().unwrap().to_owned();
    (settlement, reply.text, vkey)
}

fn verify_text(text: &str, vkey: &str) -> Result<(), String> {
    let (origin, public_key) = parse_vkey(vkey).unwrap();
    verify_settlement_receipt(text, &origin, &public_key)
        .map(|_| ())
        .map_err(|error| error.to_string())
}

fn verify_with_binary(receipt: &[u8], vkey: &str) -> std::process::Output {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("settlement.tlog-proof");
    std::fs::write(&path, receipt).unwrap();
    Command::new(BINARY)
        .args(["verify", "--receipt"])
        .arg(&path)
        .args(["--vkey", vkey])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap()
}

#[actix_web::test]
async fn a_receipt_names_the_settlement_entry_and_verifies_offline_with_the_ledger_key() {
    let (settlement, receipt, vkey) = issued_with_receipt().await;
    let index = settlement["log_index"].as_u64().unwrap();
    let lines: Vec<&str> = receipt.lines().collect();
    assert_eq!(lines[0], "c2sp.org/tlog-proof@v1");
    assert!(lines[1].starts_with("extra "), "{receipt}");
    assert_eq!(lines[2], format!("index {index}"));

    // No server and no database: the file and the vkey are all the command gets.
    let output = verify_with_binary(receipt.as_bytes(), &vkey);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["verified"], true);
    assert_eq!(report["settlement"], settlement["id"]);
    assert_eq!(report["period"], "2025-07");
    assert_eq!(report["amount_fen"], settlement["amount_fen"]);
    assert_eq!(report["net_fen"], settlement["net_fen"]);
    assert_eq!(report["payer"], settlement["payer"]);
    assert_eq!(report["document_sha256"], settlement["document_sha256"]);
    assert_eq!(report["log_index"], index);
    assert!(report["checkpoint_size"].as_u64().unwrap() > index);
}

#[actix_web::test]
async fn changing_any_byte_of_a_receipt_makes_it_fail() {
    let (_, receipt, vkey) = issued_with_receipt().await;
    assert_eq!(verify_text(&receipt, &vkey), Ok(()));
    let bytes = receipt.as_bytes();
    for position in 0..bytes.len() {
        let mut altered = bytes.to_vec();
        altered[position] ^= 0x01;
        // Bytes that are no longer UTF-8 cannot even be read as a receipt.
        if let Ok(text) = String::from_utf8(altered) {
            assert!(
                verify_text(&text, &vkey).is_err(),
                "byte {position} of {} changed and the receipt still verified",
                bytes.len()
            );
        }
    }
    let mut altered = bytes.to_vec();
    let amount_at = receipt.find("index ").unwrap() + "index ".len();
    altered[amount_at] ^= 0x01;
    let output = verify_with_binary(&altered, &vkey);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("receipt verification FAILED"));
}

#[actix_web::test]
async fn a_receipt_checked_with_another_ledger_key_fails() {
    let (_, receipt, vkey) = issued_with_receipt().await;
    let other =
        basin_ledger::ledger_key::LedgerKey::generate(basin_ledger::ledger_key::LOG_ORIGIN_DEFAULT)
            .unwrap();
    let other_vkey = other.vkey().unwrap();
    assert_ne!(other_vkey, vkey);
    let failure = verify_text(&receipt, &other_vkey).unwrap_err();
    assert!(failure.contains("does not verify"), "{failure}");
}

#[actix_web::test]
async fn a_settlement_row_altered_in_the_database_is_an_integrity_problem_naming_it() {
    let app = spawn_app().await;
    app.register_test_agreement().await;
    app.post_month("2025-07", good_values()).await;
    let settlement = app.issue_period("miyun-test", "2025-07").await;
    let id = settlement["id"].as_str().unwrap();
    app.published_checkpoint().await;
    let token = app.admin_token.clone();
    let routes = [
        format!("/v1/settlements/{id}"),
        format!("/v1/settlements/{id}/receipt"),
        "/v1/settlements".to_owned(),
    ];
    for route in &routes {
        assert_eq!(
            app.get(route, Some(&token)).await.status.as_u16(),
            200,
            "{route}"
        );
    }

    // A column outside the signed document: the row no longer matches its logged entry.
    execute(
        &app.pool,
        &format!("UPDATE settlements SET amount_fen = amount_fen + 100 WHERE id = {id}"),
    );
    for route in &routes {
        assert_settlement_integrity_failure(&app.get(route, Some(&token)).await, id);
    }
    execute(
        &app.pool,
        &format!("UPDATE settlements SET amount_fen = amount_fen - 100 WHERE id = {id}"),
    );
    assert_eq!(
        app.get(&routes[0], Some(&token)).await.body["amount_fen"],
        settlement["amount_fen"]
    );

    // The document itself, with its hash recomputed to match: the log still disagrees.
    let altered = settlement["net_fen"].as_i64().unwrap() + 1;
    let mut connection = app.pool.get().unwrap();
    let document: String = basin_ledger::store::schema::settlements::table
        .filter(basin_ledger::store::schema::settlements::id.eq(id.parse::<i64>().unwrap()))
        .select(basin_ledger::store::schema::settlements::document)
        .first(&mut *connection)
        .unwrap();
    drop(connection);
    let document = document.replacen(
        &format!("\"net_fen\":{}", settlement["net_fen"]),
        &format!("\"net_fen\":{altered}"),
        1,
    );
    let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(document.as_bytes()));
    execute(
        &app.pool,
        &format!(
            "UPDATE settlements SET document = '{}', document_sha256 = '{sha256}' WHERE id = {id}",
            document.replace('\'', "''")
        ),
    );
    for route in &routes {
        assert_settlement_integrity_failure(&app.get(route, Some(&token)).await, id);
    }
}
