//! The auditor's verifier over a bundle exported from the database: a clean ledger verifies; one
//! changed byte anywhere in the stored evidence fails and names the entry.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use base64::Engine;
use basin_audit::note::{sign_checkpoint, Checkpoint};
use basin_audit::tree::{self, MemoryTree};
use basin_ledger::export::bundle_from_database;
use basin_ledger::model::access::Role;
use basin_ledger::store::{self, AnyConnection};
use basin_ledger::verify::{verify_bundle, Bundle, Failure, LogKey, VerifyOptions};
use common::spawn_app;
use diesel::connection::SimpleConnection;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::json;
use sha2::{Digest, Sha256};

const ORIGIN: &str = "test.example/basin-ledger";

fn log_signing_key() -> SigningKey {
    SigningKey::from_bytes(&[42_u8; 32])
}

fn log_key() -> LogKey {
    LogKey::single(ORIGIN, log_signing_key().verifying_key())
}

/// The checkpoint an auditor would have fetched: signed over the log as it is now.
fn checkpoint_now(connection: &mut AnyConnection) -> (String, u64) {
    let size = store::export::log_size(connection).unwrap();
    let hashes: Vec<_> = store::export::entries(connection, 0, size)
        .unwrap()
        .into_iter()
        .map(|(_, _, hash)| basin_audit::hash::hash_from_hex(&hash).unwrap())
        .collect();
    let root = tree::root(size, &MemoryTree::from_leaf_hashes(hashes)).unwrap();
    let checkpoint = Checkpoint {
        origin: ORIGIN.into(),
        size,
        root,
    };
    (
        sign_checkpoint(&checkpoint, &log_signing_key()).unwrap(),
        size,
    )
}

fn verify(bundle: &Bundle, old: Option<&str>) -> Result<basin_ledger::verify::Report, Failure> {
    verify_bundle(
        bundle,
        &VerifyOptions {
            old_checkpoint: old,
        },
        &mut |_, _| {},
    )
}

/// Registry, a signed station's batch, an unsigned batch, a revision and an invalidation.
async fn ledger_with_history<S, B>(app: &common::TestApp<S>)
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    B: actix_web::body::MessageBody,
{
    app.register_chaobai().await;
    let key = SigningKey::from_bytes(&[9_u8; 32]);
    let public_key =
        base64::engine::general_purpose::STANDARD.encode(key.verifying_key().to_bytes());
    app.admin_post("/v1/stations", json!({"code": "signed-auto", "name": "签名站", "section": "gubeikou", "public_key": public_key})).await;
    let body = serde_json::to_vec(&json!({"batch_id": "s1", "station": "signed-auto", "readings": [
        {"section": "gubeikou", "sampled_at": "2025-07-01T08:00:00+08:00", "values": {"tp": 0.018, "nh3n": "0.27"}}]}))
    .unwrap();
    let message = format!(
        "basin-ledger/readings/v1\n{}\n",
        hex::encode(Sha256::digest(&body))
    );
    let signature =
        base64::engine::general_purpose::STANDARD.encode(key.sign(message.as_bytes()).to_bytes());
    let request = actix_web::test::TestRequest::post()
        .uri("/v1/readings")
        .insert_header(("Authorization", format!("Bearer {}", app.admin_token)))
        .insert_header(("Signature", signature))
        .set_payload(body);
    assert_eq!(app.send(request).await.status, 201);
    let station = app.token(Role::Station, Some("gubeikou-auto"));
    let first = app
        .post("/v1/readings", Some(&station), &json!({"batch_id": "u1", "station": "gubeikou-auto", "readings": [
            {"section": "gubeikou", "sampled_at": "2025-07-02T08:00:00+08:00", "values": {"tp": "0.020"}},
            {"section": "gubeikou", "sampled_at": "2025-07-03T08:00:00+08:00", "values": {"tp": "0.030"}}]}))
        .await;
    let ids = first.body["reading_ids"].as_array().unwrap().clone();
    app.post("/v1/readings", Some(&station), &json!({"batch_id": "u2", "station": "gubeikou-auto", "readings": [
        {"section": "gubeikou", "sampled_at": "2025-07-02T08:00:00+08:00", "values": {"tp": "0.021"}, "revises": ids[0], "reason": "recalibrated"}]}))
        .await;
    let bureau = app.token(Role::Bureau, Some("BJ"));
    let reply = app
        .post(
            &format!("/v1/readings/{}/invalidations", ids[1]),
            Some(&bureau),
            &json!({"reason": "drift"}),
        )
        .await;
    assert_eq!(reply.status, 201);
}

#[actix_web::test]
async fn a_clean_ledger_verifies_and_extends_an_older_checkpoint() {
    let app = spawn_app().await;
    let mut connection = app.pool.get().unwrap();
    let (old_checkpoint, old_size) = checkpoint_now(&mut connection);
    assert_eq!(old_size, 0, "the auditor first saw an empty ledger");
    drop(connection);
    ledger_with_history(&app).await;
    let mut connection = app.pool.get().unwrap();
    let (checkpoint, size) = checkpoint_now(&mut connection);
    let bundle = bundle_from_database(&mut connection, checkpoint, size, log_key()).unwrap();
    let report = verify(&bundle, Some(&old_checkpoint)).expect("a clean ledger verifies");
    assert_eq!(report.tree_size, size);
    assert_eq!(report.reading_batches, 3);
    assert_eq!(report.signed_batches, 1);
    assert_eq!(report.readings, 4);
    // The bundle survives a round trip through its folder form.
    let folder = tempfile::tempdir().unwrap();
    basin_ledger::verify::files::write_folder(&bundle, folder.path(), &json!({"log": {"origin": ORIGIN, "vkey": basin_audit::note::vkey(ORIGIN, &log_signing_key().verifying_key()).unwrap()}})).unwrap();
    let reread = basin_ledger::verify::files::read_folder(folder.path()).unwrap();
    assert_eq!(verify(&reread, None).unwrap(), report);
}

/// Builds the ledger, takes the checkpoint an auditor holds, tampers, re-exports and verifies.
async fn tampered(statement: &str) -> Failure {
    tampered_per_backend(statement, statement).await
}

async fn tampered_per_backend(sqlite: &str, postgres: &str) -> Failure {
    let app = spawn_app().await;
    ledger_with_history(&app).await;
    let mut connection = app.pool.get().unwrap();
    let (checkpoint, size) = checkpoint_now(&mut connection);
    let statement = match &*connection {
        AnyConnection::Sqlite(_) => sqlite,
        AnyConnection::Postgresql(_) => postgres,
    };
    connection
        .batch_execute(statement)
        .expect("tamper statement runs");
    let bundle = bundle_from_database(&mut connection, checkpoint, size, log_key()).unwrap();
    verify(&bundle, None).expect_err("tampering must be detected")
}

fn batch_entry_index(failure: &Failure) -> u64 {
    failure.index.expect("the failure names an entry")
}

#[actix_web::test]
async fn a_changed_reading_value_is_detected_at_the_batch_that_recorded_it() {
    let failure = tampered("UPDATE readings SET reading_values = '{\"tp\":\"0.019\"}' WHERE batch_id = 'u1' AND sampled_at = '2025-07-03T00:00:00Z'").await;
    assert!(
        failure
            .what
            .contains("differs from what its batch and the log record"),
        "{failure}"
    );
    assert!(batch_entry_index(&failure) > 0);
}

#[actix_web::test]
async fn a_changed_byte_in_a_batch_body_is_detected() {
    let failure = tampered_per_backend(
        "UPDATE reading_batches SET body = CAST(replace(CAST(body AS TEXT), '0.030', '0.031') AS BLOB) WHERE batch_id = 'u1'",
        "UPDATE reading_batches SET body = convert_to(replace(convert_from(body, 'UTF8'), '0.030', '0.031'), 'UTF8') WHERE batch_id = 'u1'",
    )
    .await;
    assert!(failure.what.contains("hashes to"), "{failure}");
    assert!(batch_entry_index(&failure) > 0);
}

#[actix_web::test]
async fn a_changed_log_entry_is_detected_at_its_index() {
    let failure = tampered(
        "UPDATE log_entries SET leaf = replace(leaf, '古北口', '古北囗') WHERE entry_index = 4",
    )
    .await;
    assert_eq!(failure.index, Some(4), "{failure}");
}

#[actix_web::test]
async fn a_changed_stored_hash_is_detected_at_its_index() {
    let failure = tampered(
        "UPDATE log_entries SET leaf_hash = '00' || substr(leaf_hash, 3) WHERE entry_index = 2",
    )
    .await;
    assert_eq!(failure.index, Some(2), "{failure}");
}

#[actix_web::test]
async fn a_rewritten_history_fails_against_the_signed_checkpoint() {
    // Rewriting an entry and recomputing its hash still breaks the chain at the next entry.
    let app = spawn_app().await;
    ledger_with_history(&app).await;
    let mut connection = app.pool.get().unwrap();
    let (checkpoint, size) = checkpoint_now(&mut connection);
    let mut bundle = bundle_from_database(&mut connection, checkpoint, size, log_key()).unwrap();
    let victim = &mut bundle.entries[3];
    victim.leaf = victim.leaf.replace("\"time\":\"", "\"time\":\"1");
    victim.leaf_hash = hex::encode(basin_audit::hash::leaf_hash(victim.leaf.as_bytes()));
    let failure = verify(&bundle, None).unwrap_err();
    assert!(
        failure.index == Some(3) || failure.index == Some(4),
        "{failure}"
    );
}
