//! Station key rotation (API.md "Keys and rotation"): a station holds several keys, like a
//! jurisdiction. During the overlap a batch signed by either key is accepted; once the old key
//! is retired only the new one is (old → 422 naming the Signature header). The auditor's replay
//! accepts the same, by log position.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use base64::Engine;
use basin_ledger::model::access::Role;
use common::spawn_app;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::json;
use sha2::{Digest, Sha256};

fn sign(body: &[u8], key: &SigningKey) -> String {
    let message = format!(
        "basin-ledger/readings/v1\n{}\n",
        hex::encode(Sha256::digest(body))
    );
    base64::engine::general_purpose::STANDARD.encode(key.sign(message.as_bytes()).to_bytes())
}

fn public_key(key: &SigningKey) -> String {
    base64::engine::general_purpose::STANDARD.encode(key.verifying_key().to_bytes())
}

fn batch(batch_id: &str, day: u32) -> Vec<u8> {
    serde_json::to_vec(&json!({"batch_id": batch_id, "station": "rotating-auto",
        "readings": [{"section": "gubeikou", "sampled_at": format!("2025-07-{day:02}T08:00:00+08:00"),
                      "values": {"tp": "0.02"}}]}))
    .unwrap()
}

#[actix_web::test]
async fn batches_signed_by_either_station_key_are_accepted_during_the_overlap_and_only_the_new_one_after(
) {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let (old, new) = (
        SigningKey::from_bytes(&[21; 32]),
        SigningKey::from_bytes(&[22; 32]),
    );
    app.admin_post(
        "/v1/stations",
        json!({"code": "rotating-auto", "name": "x", "section": "gubeikou", "public_key": public_key(&old)}),
    )
    .await;
    let old_key_id = app
        .get("/v1/stations/rotating-auto", Some(&app.admin_token))
        .await
        .body["key_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let added = app
        .admin_post(
            "/v1/stations/rotating-auto/keys",
            json!({"public_key": public_key(&new)}),
        )
        .await;
    let new_key_id = added.body["key_id"].as_str().unwrap().to_owned();
    assert_ne!(new_key_id, old_key_id);
    let station = app.token(Role::Station, Some("rotating-auto"));
    let post = |body: Vec<u8>, key: &SigningKey| {
        actix_web::test::TestRequest::post()
            .uri("/v1/readings")
            .insert_header(("Authorization", format!("Bearer {station}")))
            .insert_header(("Content-Type", "application/json"))
            .insert_header(("Signature", sign(&body, key)))
            .set_payload(body)
    };

    for (batch_id, day, key) in [("by-old", 1, &old), ("by-new", 2, &new)] {
        let reply = app.send(post(batch(batch_id, day), key)).await;
        assert_eq!(reply.status, 201, "{batch_id}: {}", reply.text);
    }

    let retired = app
        .delete(
            &format!("/v1/stations/rotating-auto/keys/{old_key_id}"),
            Some(&app.admin_token),
        )
        .await;
    assert_eq!(retired.status, 200, "{}", retired.text);
    // The station shows every key it has held, the retired one with when it was retired.
    let shown = app
        .get("/v1/stations/rotating-auto", Some(&app.admin_token))
        .await;
    let keys = shown.body["keys"].as_array().expect("keys");
    let mut summary: Vec<(&str, &str, bool)> = keys
        .iter()
        .map(|key| {
            (
                key["key_id"].as_str().unwrap(),
                key["public_key"].as_str().unwrap(),
                key["retired_at"].is_string(),
            )
        })
        .collect();
    let (old_public, new_public) = (public_key(&old), public_key(&new));
    let mut expected = vec![
        (old_key_id.as_str(), old_public.as_str(), true),
        (new_key_id.as_str(), new_public.as_str(), false),
    ];
    expected.sort_unstable();
    summary.sort_unstable();
    assert_eq!(summary, expected, "{}", shown.text);
    let listed = app.get("/v1/stations", Some(&app.admin_token)).await;
    let in_list = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|station| station["code"] == "rotating-auto")
        .expect("listed");
    assert_eq!(in_list["keys"], shown.body["keys"], "{}", listed.text);
    let refused = app.send(post(batch("old-after", 3), &old)).await;
    assert_eq!(refused.problem_pointers(422), ["Signature"]);
    assert!(refused.text.contains("retired"), "{}", refused.text);
    let accepted = app.send(post(batch("new-after", 4), &new)).await;
    assert_eq!(accepted.status, 201, "{}", accepted.text);
    let again = app
        .delete(
            &format!("/v1/stations/rotating-auto/keys/{old_key_id}"),
            Some(&app.admin_token),
        )
        .await;
    assert_eq!(again.status, 409, "{}", again.text);

    let report = app.verify_as_auditor().await.unwrap();
    assert_eq!(report.signed_batches, 3);
}

#[actix_web::test]
async fn no_jurisdiction_or_station_may_take_the_code_of_the_ledgers_own_keys() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let jurisdiction = app
        .post(
            "/v1/jurisdictions",
            Some(&app.admin_token),
            &json!({"code": "ledger", "name": "x"}),
        )
        .await;
    assert_eq!(jurisdiction.problem_pointers(422), ["/code"]);
    let station = app
        .post(
            "/v1/stations",
            Some(&app.admin_token),
            &json!({"code": "ledger", "name": "x", "section": "gubeikou"}),
        )
        .await;
    assert_eq!(station.problem_pointers(422), ["/code"]);
}
