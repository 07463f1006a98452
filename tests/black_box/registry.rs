//! The registry through HTTP: round trips, pagination, conflicts, references and access.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use basin_ledger::model::access::Role;
use common::spawn_app;
use serde_json::json;

#[actix_web::test]
async fn a_registered_section_reads_back_exactly_as_sent() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let token = app.token(Role::Auditor, None);
    let section = app.get("/v1/sections/gubeikou", Some(&token)).await;
    assert_eq!(section.status, 200, "{}", section.text);
    let body = &section.body;
    assert_eq!(body["code"], "gubeikou");
    assert_eq!(body["name"], "古北口");
    assert_eq!(body["basin"], "chaobai");
    assert_eq!(body["river"], "潮河");
    assert_eq!(body["water_body"], "river");
    assert_eq!(body["target_class"], "II");
    assert_eq!(body["upstream"], "HE-CD");
    assert_eq!(body["downstream"], "BJ");
    // Coordinates keep the literal text they were sent with, number or string.
    assert_eq!(body["latitude"], "40.6921");
    assert_eq!(body["longitude"], "117.1547");
    assert!(body["created_at"].as_str().unwrap().ends_with('Z'));

    let station = app.get("/v1/stations/gubeikou-auto", Some(&token)).await;
    assert_eq!(station.body["section"], "gubeikou");
    assert_eq!(station.body["public_key"], serde_json::Value::Null);
    let jurisdiction = app.get("/v1/jurisdictions/HE-CD", Some(&token)).await;
    assert_eq!(jurisdiction.body["parent"], "HE");
    assert_eq!(jurisdiction.body["keys"], json!([]));
    let basin = app.get("/v1/basins/chaobai", Some(&token)).await;
    assert_eq!(basin.body["name"], "潮白河");
}

#[actix_web::test]
async fn lists_are_ordered_by_code_and_paginate_with_an_opaque_cursor() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let first = app
        .get("/v1/jurisdictions?limit=2", Some(&app.admin_token))
        .await;
    assert_eq!(first.status, 200);
    let codes: Vec<_> = first.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["code"].clone())
        .collect();
    assert_eq!(codes, [json!("BJ"), json!("HE")]);
    let cursor = first.body["next_cursor"]
        .as_str()
        .expect("a second page")
        .to_owned();
    let second = app
        .get(
            &format!("/v1/jurisdictions?limit=2&cursor={cursor}"),
            Some(&app.admin_token),
        )
        .await;
    let codes: Vec<_> = second.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["code"].clone())
        .collect();
    assert_eq!(codes, [json!("HE-CD")]);
    assert_eq!(second.body["next_cursor"], serde_json::Value::Null);
}

#[actix_web::test]
async fn a_duplicate_code_is_a_conflict() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let reply = app
        .post(
            "/v1/basins",
            Some(&app.admin_token),
            &json!({"code": "chaobai", "name": "again"}),
        )
        .await;
    reply.problem_pointers(409);
    assert!(
        reply.body["detail"].as_str().unwrap().contains("chaobai"),
        "{}",
        reply.text
    );
}

#[actix_web::test]
async fn unknown_references_are_422_pointing_at_the_field() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let reply = app
        .post(
            "/v1/sections",
            Some(&app.admin_token),
            &json!({"code": "houcheng", "name": "后城", "basin": "nowhere", "river": "白河",
                    "water_body": "river", "target_class": "II", "upstream": "HE-CD", "downstream": "BJ"}),
        )
        .await;
    assert_eq!(reply.problem_pointers(422), ["/basin"]);
    let reply = app
        .post(
            "/v1/stations",
            Some(&app.admin_token),
            &json!({"code": "x", "name": "x", "section": "missing"}),
        )
        .await;
    assert_eq!(reply.problem_pointers(422), ["/section"]);
    let reply = app
        .post(
            "/v1/jurisdictions",
            Some(&app.admin_token),
            &json!({"code": "X", "name": "x", "parent": "NOPE"}),
        )
        .await;
    assert_eq!(reply.problem_pointers(422), ["/parent"]);
    // Nothing was half-written: the rejected section does not exist.
    let missing = app
        .get("/v1/sections/houcheng", Some(&app.admin_token))
        .await;
    missing.problem_pointers(404);
}

#[actix_web::test]
async fn every_invalid_field_is_named_in_one_response() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let reply = app
        .post(
            "/v1/sections",
            Some(&app.admin_token),
            &json!({"code": "bad code", "name": "", "basin": "chaobai", "river": "潮河", "water_body": "sea",
                    "target_class": "劣V", "upstream": "BJ", "downstream": "BJ", "latitude": "1e3"}),
        )
        .await;
    assert_eq!(
        reply.problem_pointers(422),
        [
            "/code",
            "/name",
            "/water_body",
            "/target_class",
            "/downstream",
            "/latitude"
        ]
    );
}

#[actix_web::test]
async fn missing_or_bad_tokens_are_401_and_wrong_roles_403() {
    let app = spawn_app().await;
    let reply = app.get("/v1/basins", None).await;
    assert_eq!(reply.problem_pointers(401), ["Authorization"]);
    let reply = app.get("/v1/basins", Some("blt_not-a-real-token")).await;
    assert_eq!(reply.problem_pointers(401), ["Authorization"]);
    let auditor = app.token(Role::Auditor, None);
    let reply = app
        .post(
            "/v1/basins",
            Some(&auditor),
            &json!({"code": "b", "name": "b"}),
        )
        .await;
    reply.problem_pointers(403);
    app.register_chaobai().await;
    let bureau = app.token(Role::Bureau, Some("BJ"));
    let reply = app
        .post(
            "/v1/basins",
            Some(&bureau),
            &json!({"code": "b", "name": "b"}),
        )
        .await;
    reply.problem_pointers(403);
    // Reads are open to every role.
    let reply = app.get("/v1/basins", Some(&bureau)).await;
    assert_eq!(reply.body["items"][0]["code"], "chaobai");
}

#[actix_web::test]
async fn unknown_resources_are_404_problems() {
    let app = spawn_app().await;
    let reply = app.get("/v1/stations/nope", Some(&app.admin_token)).await;
    reply.problem_pointers(404);
    let reply = app
        .get("/v1/no-such-collection", Some(&app.admin_token))
        .await;
    reply.problem_pointers(404);
}

#[actix_web::test]
async fn bureau_keys_are_registered_with_their_c2sp_key_id_and_retired() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    // The public Go test key (vectors/README.md): its key id under another name differs.
    let public_key = "GlzZBw1A8OEHoNcMW8Sqq6Fg+xWSaqr8sMTiLNbLXRM=";
    let reply = app
        .post(
            "/v1/jurisdictions/BJ/keys",
            Some(&app.admin_token),
            &json!({"public_key": public_key}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let key_id = reply.body["key_id"].as_str().unwrap().to_owned();
    assert_eq!(key_id.len(), 8);
    let again = app
        .post(
            "/v1/jurisdictions/BJ/keys",
            Some(&app.admin_token),
            &json!({"public_key": public_key}),
        )
        .await;
    again.problem_pointers(409);
    let bad = app
        .post(
            "/v1/jurisdictions/BJ/keys",
            Some(&app.admin_token),
            &json!({"public_key": "AAAA"}),
        )
        .await;
    assert_eq!(bad.problem_pointers(422), ["/public_key"]);
    let retire = app
        .send(
            actix_web::test::TestRequest::delete()
                .uri(&format!("/v1/jurisdictions/BJ/keys/{key_id}"))
                .insert_header(("Authorization", format!("Bearer {}", app.admin_token))),
        )
        .await;
    assert_eq!(retire.status, 200, "{}", retire.text);
    assert_eq!(retire.body["keys"][0]["key_id"], key_id.as_str());
    assert!(retire.body["keys"][0]["retired_at"].as_str().is_some());
}

/// Schemathesis found it on PostgreSQL: a cursor that decodes to text with U+0000 reached the
/// query and failed there (500). It is refused as a cursor this server never issued.
#[actix_web::test]
async fn a_cursor_holding_control_characters_is_refused_naming_the_parameter() {
    let app = spawn_app().await;
    let token = app.admin_token.clone();
    for path in [
        "/v1/stations",
        "/v1/jurisdictions",
        "/v1/sections",
        "/v1/basins",
    ] {
        let reply = app
            .get(&format!("{path}?cursor=d0kAfV0aBGs"), Some(&token))
            .await;
        assert_eq!(
            reply.problem_pointers(422),
            vec!["cursor"],
            "{path}: {}",
            reply.text
        );
    }
}
