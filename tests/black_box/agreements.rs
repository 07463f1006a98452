//! Agreements: registration with every problem named by its pointer, versions that end their
//! predecessor, and reads.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use basin_ledger::model::access::Role;
use common::agreements::{agreement, components};
use common::spawn_app;
use serde_json::json;

#[actix_web::test]
async fn an_agreement_is_registered_as_version_one_and_read_back_as_written() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let body = agreement("miyun-test", "HE-CD", "BJ", components());
    let reply = app.admin_post("/v1/agreements", body).await;
    assert_eq!(reply.body["code"], "miyun-test");
    assert_eq!(reply.body["version"], 1);
    assert!(reply.body["log_index"].as_u64().is_some(), "{}", reply.text);

    let token = app.token(Role::Auditor, None);
    let read = app.get("/v1/agreements/miyun-test", Some(&token)).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.body["upstream"], "HE-CD");
    assert_eq!(read.body["current_version"], 1);
    let version = &read.body["versions"][0];
    assert_eq!(version["components"], components());
    // The default completeness rule (every month of the period) is written out.
    assert_eq!(version["min_valid_months"], 1);
    assert_eq!(version["effective_to"], serde_json::Value::Null);
    assert_eq!(version["log_index"], reply.body["log_index"]);

    let one = app
        .get("/v1/agreements/miyun-test/versions/1", Some(&token))
        .await;
    assert_eq!(one.body, *version);
    let listed = app.get("/v1/agreements", Some(&token)).await;
    assert_eq!(listed.body["items"][0]["code"], "miyun-test");
    assert_eq!(listed.body["next_cursor"], serde_json::Value::Null);
    assert_eq!(
        app.get("/v1/agreements/nothing", Some(&token)).await.status,
        404
    );
    assert_eq!(
        app.get("/v1/agreements/miyun-test/versions/2", Some(&token))
            .await
            .status,
        404
    );
}

#[actix_web::test]
async fn every_problem_of_an_agreement_is_named_by_its_pointer() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    // A section of another basin may not be named.
    app.admin_post("/v1/basins", json!({"code": "yongding", "name": "永定河"}))
        .await;
    app.admin_post(
        "/v1/jurisdictions",
        json!({"code": "HE-ZJK", "name": "张家口市", "parent": "HE"}),
    )
    .await;
    app.admin_post(
        "/v1/sections",
        json!({"code": "bahaoqiao", "name": "八号桥", "basin": "yongding", "river": "永定河",
               "water_body": "river", "target_class": "III", "upstream": "HE-ZJK", "downstream": "BJ"}),
    )
    .await;
    let mut body = agreement("miyun-test", "HE-CD", "BJ", components());
    body["components"][0]["section"] = json!("bahaoqiao");
    body["components"][0]["tiers"] = json!([{"max_p": "1", "amount_fen": 5}]);
    body["effective_from"] = json!("2025-Q1");
    body["effective_to"] = json!("2024-12");
    body["min_valid_months"] = json!(2);
    let token = app.admin_token.clone();
    let reply = app.post("/v1/agreements", Some(&token), &body).await;
    let pointers = reply.problem_pointers(422);
    for expected in [
        "/components/0/section",
        "/effective_from",
        "/min_valid_months",
        "/components/0/tiers",
    ] {
        assert!(
            pointers.iter().any(|pointer| pointer.starts_with(expected)),
            "{expected} in {pointers:?}"
        );
    }

    let mut body = agreement("miyun-test", "XX", "XX", components());
    body["basin"] = json!("nowhere");
    body["period"] = json!("week");
    let reply = app.post("/v1/agreements", Some(&token), &body).await;
    let pointers = reply.problem_pointers(422);
    for expected in ["/basin", "/upstream", "/downstream", "/period"] {
        assert!(
            pointers.contains(&expected.to_owned()),
            "{expected} in {pointers:?}"
        );
    }

    let mut body = agreement("miyun-test", "HE-CD", "BJ", components());
    body["components"][0]["kind"] = json!("lottery");
    let reply = app.post("/v1/agreements", Some(&token), &body).await;
    assert_eq!(reply.problem_pointers(422), ["/components/0"]);
    let mut body = agreement("miyun-test", "HE-CD", "BJ", components());
    body["effective_to"] = json!("2024-12");
    let reply = app.post("/v1/agreements", Some(&token), &body).await;
    assert_eq!(reply.problem_pointers(422), ["/effective_to"]);
    assert_eq!(
        app.get("/v1/agreements", Some(&token)).await.body["items"],
        json!([])
    );
}

#[actix_web::test]
async fn only_an_admin_registers_agreements_and_codes_are_unique() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let body = agreement("miyun-test", "HE-CD", "BJ", components());
    let bureau = app.token(Role::Bureau, Some("BJ"));
    app.post("/v1/agreements", Some(&bureau), &body)
        .await
        .problem_pointers(403);
    app.admin_post("/v1/agreements", body.clone()).await;
    let token = app.admin_token.clone();
    app.post("/v1/agreements", Some(&token), &body)
        .await
        .problem_pointers(409);
}

#[actix_web::test]
async fn a_new_version_starts_after_the_current_one_and_ends_it() {
    let app = spawn_app().await;
    app.register_test_agreement().await;
    let token = app.admin_token.clone();
    let path = "/v1/agreements/miyun-test/versions";
    let same_start = json!({"effective_from": "2025-01", "components": components()});
    assert_eq!(
        app.post(path, Some(&token), &same_start)
            .await
            .problem_pointers(422),
        ["/effective_from"]
    );
    let wrong_kind = json!({"effective_from": "2026", "components": components()});
    assert_eq!(
        app.post(path, Some(&token), &wrong_kind)
            .await
            .problem_pointers(422),
        ["/effective_from"]
    );

    let second =
        json!({"effective_from": "2025-07", "effective_to": "2026-12", "components": components()});
    let reply = app.post(path, Some(&token), &second).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["version"], 2);
    let first = app
        .get("/v1/agreements/miyun-test/versions/1", Some(&token))
        .await;
    assert_eq!(first.body["effective_to"], "2025-06");
    // A third version inside the second's range ends it too; one before its start is refused.
    let early = json!({"effective_from": "2025-05", "components": components()});
    assert_eq!(
        app.post(path, Some(&token), &early)
            .await
            .problem_pointers(422),
        ["/effective_from"]
    );
    let third = json!({"effective_from": "2026-01", "components": components()});
    assert_eq!(app.post(path, Some(&token), &third).await.status, 201);
    let agreement = app.get("/v1/agreements/miyun-test", Some(&token)).await;
    assert_eq!(agreement.body["current_version"], 3);
    assert_eq!(agreement.body["versions"][1]["effective_to"], "2025-12");
    assert_eq!(
        agreement.body["versions"][2]["effective_to"],
        serde_json::Value::Null
    );
    let missing = app
        .post("/v1/agreements/nothing/versions", Some(&token), &third)
        .await;
    missing.problem_pointers(404);
}
