//! Station readings: validation with exact pointers, signatures, idempotent replays, revisions
//! and invalidations.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use base64::Engine;
use basin_ledger::model::access::Role;
use common::spawn_app;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

fn batch(batch_id: &str, readings: Value) -> Value {
    json!({"batch_id": batch_id, "station": "gubeikou-auto", "readings": readings})
}

fn reading(sampled_at: &str, values: Value) -> Value {
    json!({"section": "gubeikou", "sampled_at": sampled_at, "values": values})
}

#[actix_web::test]
async fn a_batch_is_stored_and_values_come_back_as_the_literal_text_sent() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let station = app.token(Role::Station, Some("gubeikou-auto"));
    let body = batch(
        "GBK-20250701-0800",
        json!([reading(
            "2025-07-01T08:00:00+08:00",
            json!({"ph": 7.62, "do": "7.51", "tp": 0.270, "nh3n": "0.270"})
        )]),
    );
    // 0.270 written as a JSON number must keep its trailing zero: send the bytes ourselves.
    let text = serde_json::to_string(&body)
        .unwrap()
        .replace("\"tp\":0.27", "\"tp\":0.270");
    let reply = app
        .post_raw("/v1/readings", Some(&station), text.clone())
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["batch_id"], "GBK-20250701-0800");
    assert_eq!(reply.body["accepted"], 1);
    let id = reply.body["reading_ids"][0].as_i64().unwrap();
    assert!(reply.body["log_index"].as_u64().is_some());
    let listed = app
        .get("/v1/sections/gubeikou/readings", Some(&station))
        .await;
    let item = &listed.body["items"][0];
    assert_eq!(item["id"], id);
    assert_eq!(item["sampled_at"], "2025-07-01T00:00:00Z");
    assert_eq!(
        item["values"],
        json!({"do": "7.51", "nh3n": "0.270", "ph": "7.62", "tp": "0.270"})
    );
    assert_eq!(item["status"], "valid");
    assert_eq!(item["station"], "gubeikou-auto");
    assert_eq!(item["invalidated"], false);
    // The evidence: the exact bytes, re-hashable by an auditor.
    let evidence = app
        .get(
            "/v1/stations/gubeikou-auto/batches/GBK-20250701-0800",
            Some(&station),
        )
        .await;
    assert_eq!(evidence.text, text);
}

#[actix_web::test]
async fn every_validation_rule_names_its_pointer_and_stores_nothing() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let cases: Vec<(Value, &str)> = vec![
        (
            reading("2025-07-01T08:00:00+08:00", json!({"chlorine": 1})),
            "/readings/0/values/chlorine",
        ),
        (
            reading("2025-07-01T08:00:00+08:00", json!({"tp": -0.01})),
            "/readings/0/values/tp",
        ),
        (
            reading("2025-07-01T08:00:00+08:00", json!({"flow": "-1"})),
            "/readings/0/values/flow",
        ),
        (
            reading("2025-07-01T08:00:00+08:00", json!({"ph": 14.5})),
            "/readings/0/values/ph",
        ),
        (
            reading("2025-07-01T08:00:00+08:00", json!({"tp": "0.1234567"})),
            "/readings/0/values/tp",
        ),
        (
            reading("2025-07-01T08:00:00+08:00", json!({"tp": "NaN"})),
            "/readings/0/values/tp",
        ),
        (
            reading("2025-07-01T08:00:00+08:00", json!({"tp": "Infinity"})),
            "/readings/0/values/tp",
        ),
        (
            reading("2025-07-01T08:00:00+08:00", json!({"tp": "1e-2"})),
            "/readings/0/values/tp",
        ),
        (
            reading("2025-07-01T08:00:00+08:00", json!({"tp": true})),
            "/readings/0/values/tp",
        ),
        (
            reading("2025-07-01T08:00:00+08:00", json!({})),
            "/readings/0/values",
        ),
        (
            reading("2025-07-01 08:00", json!({"tp": 0.1})),
            "/readings/0/sampled_at",
        ),
        (
            reading("2025-07-01T08:00:00", json!({"tp": 0.1})),
            "/readings/0/sampled_at",
        ),
        (
            reading("2025-07-01T08:00:00.5+08:00", json!({"tp": 0.1})),
            "/readings/0/sampled_at",
        ),
        (
            reading("2999-01-01T00:00:00Z", json!({"tp": 0.1})),
            "/readings/0/sampled_at",
        ),
        (
            json!({"section": "elsewhere", "sampled_at": "2025-07-01T08:00:00+08:00", "values": {"tp": 0.1}}),
            "/readings/0/section",
        ),
        (
            json!({"section": "gubeikou", "sampled_at": "2025-07-01T08:00:00+08:00", "values": {"tp": 0.1}, "status": "invalid"}),
            "/readings/0/reason",
        ),
        (
            json!({"section": "gubeikou", "sampled_at": "2025-07-01T08:00:00+08:00", "values": {"tp": 0.1}, "status": "bad"}),
            "/readings/0/status",
        ),
        (
            json!({"section": "gubeikou", "sampled_at": "2025-07-01T08:00:00+08:00", "values": {"tp": 0.1}, "revises": 1}),
            "/readings/0/reason",
        ),
        (
            json!({"section": "gubeikou", "values": {"tp": 0.1}}),
            "/readings/0/sampled_at",
        ),
        (
            json!({"section": "gubeikou", "sampled_at": "2025-07-01T08:00:00+08:00", "values": {"tp": 0.1}, "colour": "blue"}),
            "/readings/0/colour",
        ),
    ];
    for (case, pointer) in cases {
        let text = serde_json::to_string(&batch("b1", json!([case]))).unwrap();
        let reply = app
            .post_raw("/v1/readings", Some(&app.admin_token.clone()), text)
            .await;
        assert_eq!(reply.problem_pointers(422), [pointer], "{}", reply.text);
    }
    let duplicate = batch(
        "b1",
        json!([
            reading("2025-07-01T08:00:00+08:00", json!({"tp": 0.1})),
            reading("2025-07-01T00:00:00Z", json!({"tp": 0.2}))
        ]),
    );
    let reply = app
        .post("/v1/readings", Some(&app.admin_token.clone()), &duplicate)
        .await;
    assert_eq!(reply.problem_pointers(422), ["/readings/1/sampled_at"]);
    let empty = app
        .post(
            "/v1/readings",
            Some(&app.admin_token.clone()),
            &batch("b1", json!([])),
        )
        .await;
    assert_eq!(empty.problem_pointers(422), ["/readings"]);
    let too_many: Vec<Value> = (0..5001)
        .map(|minute| {
            reading(
                &format!(
                    "2025-07-{:02}T{:02}:{:02}:00Z",
                    1 + minute / 1440,
                    minute / 60 % 24,
                    minute % 60
                ),
                json!({"tp": 0.1}),
            )
        })
        .collect();
    let reply = app
        .post(
            "/v1/readings",
            Some(&app.admin_token.clone()),
            &batch("big", json!(too_many)),
        )
        .await;
    assert_eq!(reply.problem_pointers(422), ["/readings"]);
    let stored = app
        .get(
            "/v1/sections/gubeikou/readings",
            Some(&app.admin_token.clone()),
        )
        .await;
    assert_eq!(
        stored.body["items"],
        json!([]),
        "nothing was stored by any rejected batch"
    );
}

#[actix_web::test]
async fn a_caller_without_a_valid_token_learns_nothing_of_the_body() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    for body in ["not json", r#"{"batch_id": 1}"#] {
        let reply = app
            .post_raw("/v1/readings", Some("blt_not-a-token"), body)
            .await;
        assert_eq!(reply.status, 401, "{}", reply.text);
        assert_eq!(
            reply.body["detail"], "the token is not valid",
            "{}",
            reply.text
        );
    }
    // With a valid token the same bodies are the caller's to fix.
    let admin = app.admin_token.clone();
    assert_eq!(
        app.post_raw("/v1/readings", Some(&admin), "not json")
            .await
            .status,
        400
    );
    assert_eq!(
        app.post_raw("/v1/readings", Some(&admin), r#"{"batch_id": 1}"#)
            .await
            .problem_pointers(422),
        ["/batch_id"]
    );
}

#[actix_web::test]
async fn stations_post_only_for_themselves() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    app.admin_post(
        "/v1/stations",
        json!({"code": "other-auto", "name": "x", "section": "gubeikou"}),
    )
    .await;
    let other = app.token(Role::Station, Some("other-auto"));
    let body = batch(
        "b1",
        json!([reading("2025-07-01T08:00:00+08:00", json!({"tp": 0.1}))]),
    );
    app.post("/v1/readings", Some(&other), &body)
        .await
        .problem_pointers(403);
    let bureau = app.token(Role::Bureau, Some("BJ"));
    app.post("/v1/readings", Some(&bureau), &body)
        .await
        .problem_pointers(403);
    let unknown = json!({"batch_id": "b1", "station": "ghost", "readings": []});
    assert_eq!(
        app.post("/v1/readings", Some(&app.admin_token.clone()), &unknown)
            .await
            .problem_pointers(422),
        ["/station"]
    );
}

#[actix_web::test]
async fn replaying_a_batch_returns_the_first_response_and_stores_it_once() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let body = batch(
        "b1",
        json!([
            reading("2025-07-01T08:00:00+08:00", json!({"tp": 0.1})),
            reading("2025-07-02T08:00:00+08:00", json!({"tp": 0.2}))
        ]),
    );
    let first = app
        .post("/v1/readings", Some(&app.admin_token.clone()), &body)
        .await;
    assert_eq!(first.status, 201);
    for _ in 0..2 {
        let again = app
            .post("/v1/readings", Some(&app.admin_token.clone()), &body)
            .await;
        assert_eq!(again.status, 200);
        assert_eq!(
            again.body, first.body,
            "a replay answers with the original receipt"
        );
    }
    let stored = app
        .get(
            "/v1/sections/gubeikou/readings",
            Some(&app.admin_token.clone()),
        )
        .await;
    assert_eq!(stored.body["items"].as_array().unwrap().len(), 2);
    let changed = batch(
        "b1",
        json!([reading("2025-07-01T08:00:00+08:00", json!({"tp": 0.3}))]),
    );
    let conflict = app
        .post("/v1/readings", Some(&app.admin_token.clone()), &changed)
        .await;
    assert_eq!(conflict.problem_pointers(409), ["/batch_id"]);
    assert!(conflict.body["detail"]
        .as_str()
        .unwrap()
        .contains("different content"));
    // The same instant under a new batch id is a second reading: 409 unless it revises.
    let twice = batch(
        "b2",
        json!([reading("2025-07-01T00:00:00Z", json!({"tp": 0.3}))]),
    );
    let reply = app
        .post("/v1/readings", Some(&app.admin_token.clone()), &twice)
        .await;
    assert_eq!(reply.problem_pointers(409), ["/readings/0/sampled_at"]);
}

#[actix_web::test]
async fn a_revision_supersedes_the_old_value_and_keeps_it() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let admin = app.admin_token.clone();
    let first = app
        .post(
            "/v1/readings",
            Some(&admin),
            &batch(
                "b1",
                json!([reading("2025-07-01T08:00:00+08:00", json!({"tp": 0.018}))]),
            ),
        )
        .await;
    let old_id = first.body["reading_ids"][0].as_i64().unwrap();
    let revision = json!({"section": "gubeikou", "sampled_at": "2025-07-01T08:00:00+08:00", "values": {"tp": "0.019"},
                          "revises": old_id, "reason": "cnemc re-publication"});
    let revised = app
        .post(
            "/v1/readings",
            Some(&admin),
            &batch("b2", json!([revision.clone()])),
        )
        .await;
    assert_eq!(revised.status, 201, "{}", revised.text);
    let new_id = revised.body["reading_ids"][0].as_i64().unwrap();
    let listed = app
        .get("/v1/sections/gubeikou/readings", Some(&admin))
        .await;
    let items = listed.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "the old value is kept");
    assert_eq!(items[0]["superseded_by"], new_id);
    assert_eq!(items[1]["revises"], old_id);
    assert_eq!(items[1]["values"]["tp"], "0.019");
    let again = app
        .post(
            "/v1/readings",
            Some(&admin),
            &batch("b3", json!([revision])),
        )
        .await;
    assert_eq!(again.problem_pointers(409), ["/readings/0/revises"]);
    let missing = json!({"section": "gubeikou", "sampled_at": "2025-07-03T08:00:00+08:00", "values": {"tp": "0.1"}, "revises": 999, "reason": "x"});
    let reply = app
        .post("/v1/readings", Some(&admin), &batch("b4", json!([missing])))
        .await;
    assert_eq!(reply.problem_pointers(422), ["/readings/0/revises"]);
}

fn signed_station_key() -> SigningKey {
    SigningKey::from_bytes(&[7_u8; 32])
}

fn sign(body: &[u8], key: &SigningKey) -> String {
    let message = format!(
        "basin-ledger/readings/v1\n{}\n",
        hex::encode(Sha256::digest(body))
    );
    base64::engine::general_purpose::STANDARD.encode(key.sign(message.as_bytes()).to_bytes())
}

#[actix_web::test]
async fn a_signed_station_must_sign_and_a_bad_signature_stores_nothing() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let key = signed_station_key();
    let public_key =
        base64::engine::general_purpose::STANDARD.encode(key.verifying_key().to_bytes());
    app.admin_post("/v1/stations", json!({"code": "signed-auto", "name": "x", "section": "gubeikou", "public_key": public_key})).await;
    let station = app.token(Role::Station, Some("signed-auto"));
    let body = serde_json::to_vec(&json!({"batch_id": "s1", "station": "signed-auto",
        "readings": [reading("2025-07-01T08:00:00+08:00", json!({"tp": 0.1}))]}))
    .unwrap();
    let unsigned = app
        .post_raw("/v1/readings", Some(&station), body.clone())
        .await;
    assert_eq!(unsigned.problem_pointers(401), ["Signature"]);
    let wrong = sign(b"other bytes", &key);
    let request = actix_web::test::TestRequest::post()
        .uri("/v1/readings")
        .insert_header(("Authorization", format!("Bearer {station}")))
        .insert_header(("Signature", wrong))
        .set_payload(body.clone());
    assert_eq!(app.send(request).await.problem_pointers(422), ["Signature"]);
    let stored = app
        .get("/v1/sections/gubeikou/readings", Some(&station))
        .await;
    assert_eq!(
        stored.body["items"],
        json!([]),
        "a rejected signature stores nothing"
    );
    let good = sign(&body, &key);
    let request = actix_web::test::TestRequest::post()
        .uri("/v1/readings")
        .insert_header(("Authorization", format!("Bearer {}", app.admin_token)))
        .insert_header(("Signature", good.clone()))
        .set_payload(body.clone());
    let reply = app.send(request).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let evidence = actix_web::test::call_service(
        &app.service,
        actix_web::test::TestRequest::get()
            .uri("/v1/stations/signed-auto/batches/s1")
            .insert_header(("Authorization", format!("Bearer {station}")))
            .to_request(),
    )
    .await;
    assert_eq!(
        evidence
            .headers()
            .get("Signature")
            .unwrap()
            .to_str()
            .unwrap(),
        good
    );
    assert_eq!(actix_web::test::read_body(evidence).await.to_vec(), body);
}

#[actix_web::test]
async fn bureaus_of_either_side_invalidate_a_reading_and_it_stays_visible() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let posted = app
        .post(
            "/v1/readings",
            Some(&app.admin_token.clone()),
            &batch(
                "b1",
                json!([reading("2025-07-01T08:00:00+08:00", json!({"tp": 0.1}))]),
            ),
        )
        .await;
    let id = posted.body["reading_ids"][0].as_i64().unwrap();
    let path = format!("/v1/readings/{id}/invalidations");
    let outsider = app.token(Role::Bureau, Some("HE"));
    app.post(&path, Some(&outsider), &json!({"reason": "x"}))
        .await
        .problem_pointers(403);
    let upstream = app.token(Role::Bureau, Some("HE-CD"));
    assert_eq!(
        app.post(&path, Some(&upstream), &json!({}))
            .await
            .problem_pointers(422),
        ["/reason"]
    );
    let reply = app
        .post(
            &path,
            Some(&upstream),
            &json!({"reason": "instrument drift"}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["reading_id"], id);
    let listed = app
        .get("/v1/sections/gubeikou/readings", Some(&upstream))
        .await;
    assert_eq!(listed.body["items"][0]["invalidated"], true);
    assert_eq!(
        listed.body["items"][0]["invalidation"]["jurisdiction"],
        "HE-CD"
    );
    assert_eq!(
        listed.body["items"][0]["invalidation"]["reason"],
        "instrument drift"
    );
    let downstream = app.token(Role::Bureau, Some("BJ"));
    app.post(&path, Some(&downstream), &json!({"reason": "again"}))
        .await
        .problem_pointers(409);
    app.post(
        "/v1/readings/999/invalidations",
        Some(&downstream),
        &json!({"reason": "x"}),
    )
    .await
    .problem_pointers(404);
}

#[actix_web::test]
async fn reading_queries_use_half_open_ranges_and_cursors() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let readings: Vec<Value> = (1..=5)
        .map(|day| {
            reading(
                &format!("2025-07-0{day}T08:00:00+08:00"),
                json!({"tp": 0.1}),
            )
        })
        .collect();
    app.post(
        "/v1/readings",
        Some(&app.admin_token.clone()),
        &batch("b1", json!(readings)),
    )
    .await;
    let admin = app.admin_token.clone();
    let range = app.get("/v1/sections/gubeikou/readings?from=2025-07-02T00:00:00Z&to=2025-07-04T00:00:00Z&limit=1", Some(&admin)).await;
    assert_eq!(range.body["items"][0]["sampled_at"], "2025-07-02T00:00:00Z");
    let cursor = range.body["next_cursor"].as_str().unwrap().to_owned();
    let next = app.get(&format!("/v1/sections/gubeikou/readings?from=2025-07-02T00:00:00Z&to=2025-07-04T00:00:00Z&limit=1&cursor={cursor}"), Some(&admin)).await;
    assert_eq!(next.body["items"][0]["sampled_at"], "2025-07-03T00:00:00Z");
    assert_eq!(
        next.body["next_cursor"],
        Value::Null,
        "[from, to) excludes 2025-07-04T00:00:00Z"
    );
    assert_eq!(
        app.get(
            "/v1/sections/gubeikou/readings?from=yesterday",
            Some(&admin)
        )
        .await
        .problem_pointers(422),
        ["from"]
    );
    app.get("/v1/sections/nowhere/readings", Some(&admin))
        .await
        .problem_pointers(404);
}
