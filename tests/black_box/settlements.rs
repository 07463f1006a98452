//! Issuing settlements: dry runs, the signed document and its digests, conflicts, supersession,
//! the direction of payment and refusals for missing data.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use basin_audit::canonical::canonical_json;
use basin_audit::messages::{settlement_message, verify_signature};
use basin_ledger::model::access::Role;
use common::agreements::{agreement, bad_values, components, good_values};
use common::spawn_app;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const DOCUMENT_FIELDS: [&str; 14] = [
    "id",
    "agreement",
    "agreement_version",
    "period",
    "period_start",
    "period_end",
    "inputs",
    "components",
    "net_fen",
    "payer",
    "payee",
    "amount_fen",
    "issued_at",
    "supersedes",
];

fn document_of(settlement: &Value) -> Value {
    Value::Object(
        DOCUMENT_FIELDS
            .iter()
            .map(|field| ((*field).to_owned(), settlement[*field].clone()))
            .collect(),
    )
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[actix_web::test]
async fn a_dry_run_previews_what_is_then_issued_and_stores_nothing() {
    let app = spawn_app().await;
    app.register_test_agreement().await;
    app.post_month("2025-07", good_values()).await;
    let token = app.admin_token.clone();
    let preview = app
        .post(
            "/v1/agreements/miyun-test/settlements?dry_run=true",
            Some(&token),
            &json!({"period": "2025-07"}),
        )
        .await;
    assert_eq!(preview.status, 200, "{}", preview.text);
    assert_eq!(preview.body["dry_run"], true);
    assert_eq!(preview.body["id"], "preview");
    assert_eq!(
        app.get("/v1/settlements", Some(&token)).await.body["items"],
        json!([])
    );

    let issued = app.issue_period("miyun-test", "2025-07").await;
    for field in [
        "components",
        "inputs",
        "net_fen",
        "payer",
        "payee",
        "amount_fen",
        "period_start",
        "period_end",
    ] {
        assert_eq!(preview.body[field], issued[field], "{field}");
    }
    // Index P = 0.5 × 1.8/4 + 0.5 × 0.12/0.5 = 0.345 → +1 000 000; three classes better → +150 000.
    assert_eq!(issued["components"][0]["amount_fen"], 1_000_000);
    assert_eq!(issued["components"][1]["amount_fen"], 150_000);
    assert_eq!(issued["net_fen"], 1_150_000);
    assert_eq!(issued["period_start"], "2025-06-30T16:00:00Z");
    assert_eq!(issued["period_end"], "2025-07-31T16:00:00Z");
    assert_eq!(issued["status"], "issued");
    assert_eq!(issued["supersedes"], Value::Null);
    let bad_flag = app
        .post(
            "/v1/agreements/miyun-test/settlements?dry_run=maybe",
            Some(&token),
            &json!({"period": "2025-07"}),
        )
        .await;
    assert_eq!(bad_flag.problem_pointers(422), ["dry_run"]);
}

#[actix_web::test]
async fn the_document_hashes_to_its_digest_and_carries_the_ledger_signature() {
    let app = spawn_app().await;
    app.register_test_agreement().await;
    app.post_month("2025-07", good_values()).await;
    let issued = app.issue_period("miyun-test", "2025-07").await;
    let document = document_of(&issued);
    let digest = sha256_hex(&canonical_json(&document).unwrap());
    assert_eq!(issued["document_sha256"], digest);
    let signature = issued["signature"].as_str().unwrap();
    verify_signature(
        &settlement_message(&digest).unwrap(),
        &app.ledger_public_key,
        signature,
    )
    .expect("the ledger signed the document digest");
    let expected_key_id =
        basin_audit::note::key_id_hex("localhost/basin-ledger", &app.ledger_public_key);
    assert_eq!(issued["key_id"], expected_key_id);
    // The widths the ledger's bound on a `settlement.issued` leaf counts on.
    assert_eq!((expected_key_id.len(), signature.len()), (8, 88));
    let token = app.token(Role::Auditor, None);
    let id = issued["id"].as_str().unwrap();
    let read = app
        .get(&format!("/v1/settlements/{id}"), Some(&token))
        .await;
    assert_eq!(read.body, issued);
    assert_eq!(
        app.get("/v1/settlements/999", Some(&token)).await.status,
        404
    );
    assert_eq!(app.get("/v1/settlements/x", Some(&token)).await.status, 404);
}

#[actix_web::test]
async fn the_readings_digest_is_recomputed_from_the_listed_readings() {
    let app = spawn_app().await;
    app.register_test_agreement().await;
    app.post_month("2025-07", good_values()).await;
    let others = app
        .post_readings(
            "edges",
            &[
                // Belongs to July in China time although it is 30 June in UTC.
                ("2025-06-30T16:30:00Z", good_values()),
                // August: outside the period.
                ("2025-08-01T00:00:00+08:00", bad_values()),
                ("2025-07-20T09:00:00+08:00", bad_values()),
            ],
        )
        .await;
    let token = app.admin_token.clone();
    let invalidated = app
        .post(
            &format!("/v1/readings/{}/invalidations", others[2]),
            Some(&token),
            &json!({"reason": "drift"}),
        )
        .await;
    assert_eq!(invalidated.status, 201, "{}", invalidated.text);
    let issued = app.issue_period("miyun-test", "2025-07").await;

    let listed = app
        .get(
            "/v1/sections/gubeikou/readings?from=2025-07-01T00:00:00%2B08:00&to=2025-08-01T00:00:00%2B08:00",
            Some(&token),
        )
        .await;
    let mut used: Vec<Value> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["status"] == "valid" && item["invalidated"] == false && item["superseded_by"].is_null())
        .map(|item| json!({"id": item["id"], "section": item["section"], "sampled_at": item["sampled_at"], "values": item["values"]}))
        .collect();
    used.sort_by_key(|item| {
        (
            item["sampled_at"].as_str().unwrap().to_owned(),
            item["id"].as_i64().unwrap(),
        )
    });
    assert_eq!(used.len(), 3);
    assert_eq!(issued["inputs"]["reading_count"], 3);
    assert_eq!(
        issued["inputs"]["readings_digest"],
        sha256_hex(&canonical_json(&Value::Array(used)).unwrap())
    );
    // Every month is listed with its statistics; the class comes from them.
    assert_eq!(issued["inputs"]["sections"][0]["section"], "gubeikou");
    assert_eq!(issued["inputs"]["sections"][0]["stats"]["codmn"], "1.8");
    assert_eq!(issued["inputs"]["sections"][0]["class"], "I");
}

#[actix_web::test]
async fn a_second_settlement_conflicts_unless_it_supersedes_the_one_in_force() {
    let app = spawn_app().await;
    app.register_test_agreement().await;
    app.post_month("2025-07", good_values()).await;
    let first = app.issue_period("miyun-test", "2025-07").await;
    let again = app.issue("miyun-test", json!({"period": "2025-07"})).await;
    assert_eq!(again.problem_pointers(409), ["/period"]);
    let unknown = app
        .issue("miyun-test", json!({"period": "2025-07", "supersedes": {"settlement_id": "99", "reason": "late data"}}))
        .await;
    assert_eq!(unknown.problem_pointers(422), ["/supersedes/settlement_id"]);

    // Late data arrive; the corrected settlement replaces the first and both are kept.
    app.post_readings("late", &[("2025-07-25T09:00:00+08:00", bad_values())])
        .await;
    let first_id = first["id"].as_str().unwrap();
    let second = app
        .issue("miyun-test", json!({"period": "2025-07", "supersedes": {"settlement_id": first_id, "reason": "late data"}}))
        .await;
    assert_eq!(second.status, 201, "{}", second.text);
    assert_eq!(
        second.body["supersedes"],
        json!({"settlement_id": first_id, "reason": "late data"})
    );
    assert_eq!(second.body["inputs"]["reading_count"], 3);
    assert_ne!(second.body["net_fen"], first["net_fen"]);
    let token = app.admin_token.clone();
    let old = app
        .get(&format!("/v1/settlements/{first_id}"), Some(&token))
        .await;
    assert_eq!(old.body["status"], "superseded");
    assert_eq!(old.body["superseded_by"], second.body["id"]);
    assert_eq!(old.body["document_sha256"], first["document_sha256"]);
    // The superseded one cannot be superseded again.
    let stale = app
        .issue("miyun-test", json!({"period": "2025-07", "supersedes": {"settlement_id": first_id, "reason": "again"}}))
        .await;
    assert_eq!(stale.problem_pointers(409), ["/supersedes/settlement_id"]);
    let all = app
        .get(
            "/v1/settlements?agreement=miyun-test&period=2025-07",
            Some(&token),
        )
        .await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 2);
    let in_force = app.get("/v1/settlements?status=issued", Some(&token)).await;
    assert_eq!(in_force.body["items"][0]["id"], second.body["id"]);
    let page = app.get("/v1/settlements?limit=1", Some(&token)).await;
    let cursor = page.body["next_cursor"].as_str().unwrap();
    let next = app
        .get(
            &format!("/v1/settlements?limit=1&cursor={cursor}"),
            Some(&token),
        )
        .await;
    assert_eq!(next.body["items"][0]["id"], second.body["id"]);
    assert_eq!(
        app.get("/v1/settlements?status=lost", Some(&token))
            .await
            .problem_pointers(422),
        ["status"]
    );
}

#[actix_web::test]
async fn the_payer_follows_the_sign_and_swapping_parties_swaps_only_the_payer() {
    let app = spawn_app().await;
    app.register_test_agreement().await;
    app.admin_post(
        "/v1/agreements",
        agreement("swapped", "BJ", "HE-CD", components()),
    )
    .await;
    app.post_month("2025-07", good_values()).await;
    app.post_month("2025-08", bad_values()).await;
    let good = app.issue_period("miyun-test", "2025-07").await;
    assert_eq!(
        (good["payer"].as_str(), good["payee"].as_str()),
        (Some("BJ"), Some("HE-CD"))
    );
    let bad = app.issue_period("miyun-test", "2025-08").await;
    // P = 2.075 → −1 000 000; six class steps worse → −1 800 000: upstream compensates downstream.
    assert_eq!(bad["net_fen"], -2_800_000);
    assert_eq!(bad["amount_fen"], 2_800_000);
    assert_eq!(
        (bad["payer"].as_str(), bad["payee"].as_str()),
        (Some("HE-CD"), Some("BJ"))
    );
    let swapped = app.issue_period("swapped", "2025-08").await;
    assert_eq!(swapped["net_fen"], bad["net_fen"]);
    assert_eq!(swapped["components"], bad["components"]);
    assert_eq!(
        (swapped["payer"].as_str(), swapped["payee"].as_str()),
        (Some("BJ"), Some("HE-CD"))
    );
}

#[actix_web::test]
async fn missing_data_is_refused_naming_section_parameter_and_months() {
    let app = spawn_app().await;
    app.register_test_agreement().await;
    app.post_month("2025-07", json!({"codmn": "1.8", "nh3n": "0.12"}))
        .await;
    let reply = app.issue("miyun-test", json!({"period": "2025-07"})).await;
    assert_eq!(reply.problem_pointers(422), ["/period"]);
    let message = reply.body["errors"][0]["message"].as_str().unwrap();
    for part in ["gubeikou", "tp", "2025-07"] {
        assert!(message.contains(part), "{message}");
    }
    let empty = app.issue("miyun-test", json!({"period": "2025-09"})).await;
    assert_eq!(empty.problem_pointers(422).len(), 3, "{}", empty.text);
    for (body, pointer) in [
        (json!({"period": "2025-Q3"}), "/period"),
        (json!({"period": "2024-12"}), "/period"),
        (json!({"period": "July"}), "/period"),
        (json!({"period": "2025-07", "extra": 1}), "/extra"),
    ] {
        assert_eq!(
            app.issue("miyun-test", body).await.problem_pointers(422),
            [pointer]
        );
    }
    assert_eq!(
        app.issue("nothing", json!({"period": "2025-07"}))
            .await
            .status,
        404
    );
}

#[actix_web::test]
async fn a_bureau_of_either_party_may_issue_and_no_one_else() {
    let app = spawn_app().await;
    app.register_test_agreement().await;
    app.admin_post("/v1/jurisdictions", json!({"code": "TJ", "name": "天津市"}))
        .await;
    app.post_month("2025-07", good_values()).await;
    app.post_month("2025-08", good_values()).await;
    let path = "/v1/agreements/miyun-test/settlements";
    let outsider = app.token(Role::Bureau, Some("TJ"));
    app.post(path, Some(&outsider), &json!({"period": "2025-07"}))
        .await
        .problem_pointers(403);
    let auditor = app.token(Role::Auditor, None);
    app.post(path, Some(&auditor), &json!({"period": "2025-07"}))
        .await
        .problem_pointers(403);
    for (party, period) in [("HE-CD", "2025-07"), ("BJ", "2025-08")] {
        let token = app.token(Role::Bureau, Some(party));
        let reply = app
            .post(path, Some(&token), &json!({"period": period}))
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
    }
}

/// A yearly agreement with as many components as an agreement may have: its document is far
/// larger than one log entry holds.
fn widest_components() -> Value {
    let class_steps = json!({"kind": "class_steps", "section": "gubeikou",
        "parameters": ["codmn", "nh3n", "tp"], "rate_worse_fen": 300_000, "rate_better_fen": 50_000});
    Value::Array(vec![class_steps; basin_domain::agreement::COMPONENTS_MAX])
}

#[actix_web::test]
async fn a_document_too_large_for_a_log_entry_is_refused_whole_naming_the_limit() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let mut yearly = agreement("miyun-wide", "HE-CD", "BJ", widest_components());
    yearly["period"] = json!("year");
    yearly["effective_from"] = json!("2025");
    app.admin_post("/v1/agreements", yearly).await;
    for month in 1..=12 {
        app.post_month(&format!("2025-{month:02}"), good_values())
            .await;
    }
    let log_size = || basin_ledger::store::export::log_size(&mut app.pool.get().unwrap()).unwrap();
    let before = log_size();
    let token = app.admin_token.clone();
    let dry_run = app.dry_run("miyun-wide", "2025").await;
    let issued = app.issue("miyun-wide", json!({"period": "2025"})).await;
    for reply in [&dry_run, &issued] {
        assert_eq!(reply.problem_pointers(422), ["/period"], "{}", reply.text);
        let message = reply.body["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains("log entry holds at most 65535 bytes"),
            "{message}"
        );
    }
    assert_eq!(log_size(), before, "nothing was logged");
    let listed = app
        .get("/v1/settlements?agreement=miyun-wide", Some(&token))
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed.body["items"], json!([]), "{}", listed.text);
}
