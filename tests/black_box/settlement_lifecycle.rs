//! After issue: acknowledgements signed by the parties' registered keys, disputes, payments that
//! add up to the amount, and every transition the contract does not allow refused with 409.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use basin_ledger::model::access::Role;
use common::agreements::{agreement, bad_values, good_values};
use common::spawn_app;
use serde_json::{json, Value};

fn path(settlement: &Value, action: &str) -> String {
    format!(
        "/v1/settlements/{}/{action}",
        settlement["id"].as_str().unwrap()
    )
}

fn sha(settlement: &Value) -> &str {
    settlement["document_sha256"].as_str().unwrap()
}

#[actix_web::test]
async fn both_parties_acknowledge_with_their_keys_then_the_payer_pays_in_parts() {
    let app = spawn_app().await;
    app.register_test_agreement().await;
    app.post_month("2025-08", bad_values()).await;
    let settlement = app.issue_period("miyun-test", "2025-08").await;
    assert_eq!(settlement["payer"], "HE-CD");
    let chengde = app.register_bureau_key("HE-CD", 11).await;
    let beijing = app.register_bureau_key("BJ", 12).await;
    let chengde_token = app.token(Role::Bureau, Some("HE-CD"));
    let beijing_token = app.token(Role::Bureau, Some("BJ"));
    let acknowledgements = path(&settlement, "acknowledgements");

    // A signature over something else, a key of another party, another party's bureau: refused.
    let wrong_message = json!({"jurisdiction": "HE-CD", "key_id": chengde.key_id, "signature": chengde.ack(&"0".repeat(64))});
    let reply = app
        .post(&acknowledgements, Some(&chengde_token), &wrong_message)
        .await;
    assert_eq!(reply.problem_pointers(422), ["/signature"]);
    let other_key = json!({"jurisdiction": "HE-CD", "key_id": beijing.key_id, "signature": beijing.ack(sha(&settlement))});
    assert_eq!(
        app.post(&acknowledgements, Some(&chengde_token), &other_key)
            .await
            .problem_pointers(422),
        ["/key_id"]
    );
    let good = json!({"jurisdiction": "HE-CD", "key_id": chengde.key_id, "signature": chengde.ack(sha(&settlement))});
    app.post(&acknowledgements, Some(&beijing_token), &good)
        .await
        .problem_pointers(403);
    let outsider = json!({"jurisdiction": "TJ", "key_id": chengde.key_id, "signature": chengde.ack(sha(&settlement))});
    assert_eq!(
        app.post(&acknowledgements, Some(&chengde_token), &outsider)
            .await
            .problem_pointers(422),
        ["/jurisdiction"]
    );

    let first = app
        .post(&acknowledgements, Some(&chengde_token), &good)
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.body["status"], "issued");
    let replay = app
        .post(&acknowledgements, Some(&chengde_token), &good)
        .await;
    assert_eq!(replay.status, 200);
    // Payments wait for both acknowledgements.
    let payments = path(&settlement, "payments");
    let part = json!({"amount_fen": 1_000_000, "paid_at": "2025-09-01T10:00:00+08:00", "reference": "HE-CD-0901"});
    app.post(&payments, Some(&chengde_token), &part)
        .await
        .problem_pointers(409);
    let second = json!({"jurisdiction": "BJ", "key_id": beijing.key_id, "signature": beijing.ack(sha(&settlement))});
    let both = app
        .post(&acknowledgements, Some(&beijing_token), &second)
        .await;
    assert_eq!(both.body["status"], "acknowledged", "{}", both.text);
    assert_eq!(both.body["acknowledgements"].as_array().unwrap().len(), 2);

    // Only the payer's bureau (or admin) pays; the payee cannot.
    app.post(&payments, Some(&beijing_token), &part)
        .await
        .problem_pointers(403);
    let paid = app.post(&payments, Some(&chengde_token), &part).await;
    assert_eq!(paid.status, 201, "{}", paid.text);
    assert_eq!(paid.body["paid_fen"], 1_000_000);
    assert_eq!(paid.body["outstanding_fen"], 1_800_000);
    assert_eq!(paid.body["payments"][0]["paid_at"], "2025-09-01T02:00:00Z");
    assert_eq!(
        app.post(&payments, Some(&chengde_token), &part)
            .await
            .status,
        200
    );
    let changed = json!({"amount_fen": 900_000, "paid_at": "2025-09-01T10:00:00+08:00", "reference": "HE-CD-0901"});
    assert_eq!(
        app.post(&payments, Some(&chengde_token), &changed)
            .await
            .problem_pointers(409),
        ["/amount_fen"]
    );
    let too_much = json!({"amount_fen": 1_800_001, "paid_at": "2025-09-02T10:00:00+08:00", "reference": "HE-CD-0902"});
    assert_eq!(
        app.post(&payments, Some(&chengde_token), &too_much)
            .await
            .problem_pointers(422),
        ["/amount_fen"]
    );
    let rest = json!({"amount_fen": 1_800_000, "paid_at": "2025-09-02T10:00:00+08:00", "reference": "HE-CD-0902"});
    let done = app.post(&payments, Some(&chengde_token), &rest).await;
    assert_eq!(done.body["status"], "paid", "{}", done.text);
    assert_eq!(done.body["outstanding_fen"], 0);
    let more =
        json!({"amount_fen": 1, "paid_at": "2025-09-03T10:00:00+08:00", "reference": "HE-CD-0903"});
    app.post(&payments, Some(&chengde_token), &more)
        .await
        .problem_pointers(409);
    let dispute = json!({"jurisdiction": "BJ", "reason": "too late"});
    app.post(
        &path(&settlement, "disputes"),
        Some(&beijing_token),
        &dispute,
    )
    .await
    .problem_pointers(409);
    // A paid settlement cannot be superseded.
    let id = settlement["id"].as_str().unwrap();
    let supersede = app
        .issue(
            "miyun-test",
            json!({"period": "2025-08", "supersedes": {"settlement_id": id, "reason": "x"}}),
        )
        .await;
    assert_eq!(
        supersede.problem_pointers(409),
        ["/supersedes/settlement_id"]
    );
    let zero = json!({"amount_fen": 0, "paid_at": "bad", "reference": ""});
    let pointers = app
        .post(&payments, Some(&chengde_token), &zero)
        .await
        .problem_pointers(422);
    assert_eq!(pointers, ["/amount_fen", "/paid_at", "/reference"]);
}

#[actix_web::test]
async fn a_dispute_stops_acknowledgement_and_payment_until_a_new_settlement_supersedes_it() {
    let app = spawn_app().await;
    app.register_test_agreement().await;
    app.post_month("2025-07", good_values()).await;
    let settlement = app.issue_period("miyun-test", "2025-07").await;
    let beijing = app.register_bureau_key("BJ", 12).await;
    let beijing_token = app.token(Role::Bureau, Some("BJ"));
    let disputes = path(&settlement, "disputes");
    let body = json!({"jurisdiction": "BJ", "reason": "the July readings include a week of drift"});
    app.post(&disputes, Some(&app.admin_token.clone()), &body)
        .await
        .problem_pointers(403);
    let disputed = app.post(&disputes, Some(&beijing_token), &body).await;
    assert_eq!(disputed.status, 201, "{}", disputed.text);
    assert_eq!(disputed.body["status"], "disputed");
    assert_eq!(
        disputed.body["disputes"][0]["reason"],
        "the July readings include a week of drift"
    );
    app.post(&disputes, Some(&beijing_token), &body)
        .await
        .problem_pointers(409);
    let ack = json!({"jurisdiction": "BJ", "key_id": beijing.key_id, "signature": beijing.ack(sha(&settlement))});
    app.post(
        &path(&settlement, "acknowledgements"),
        Some(&beijing_token),
        &ack,
    )
    .await
    .problem_pointers(409);
    let id = settlement["id"].as_str().unwrap();
    let replacement = app
        .issue("miyun-test", json!({"period": "2025-07", "supersedes": {"settlement_id": id, "reason": "dispute upheld"}}))
        .await;
    assert_eq!(replacement.status, 201, "{}", replacement.text);
    let old = app
        .get(&format!("/v1/settlements/{id}"), Some(&beijing_token))
        .await;
    assert_eq!(old.body["status"], "superseded");
    app.post(&disputes, Some(&beijing_token), &body)
        .await
        .problem_pointers(409);
}

#[actix_web::test]
async fn a_zero_net_settlement_ends_at_acknowledged_with_nothing_to_pay() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let reduction = json!([{"kind": "reduction", "section": "gubeikou", "parameter": "tn",
                            "baseline": "1.00", "rate_fen_per_percent": "100000"}]);
    app.admin_post(
        "/v1/agreements",
        agreement("zero", "HE-CD", "BJ", reduction),
    )
    .await;
    app.post_month("2025-07", good_values()).await;
    let settlement = app.issue_period("zero", "2025-07").await;
    assert_eq!(settlement["net_fen"], 0);
    assert_eq!(
        (settlement["payer"].clone(), settlement["payee"].clone()),
        (Value::Null, Value::Null)
    );
    for (party, seed) in [("HE-CD", 21), ("BJ", 22)] {
        let key = app.register_bureau_key(party, seed).await;
        let token = app.token(Role::Bureau, Some(party));
        let ack = json!({"jurisdiction": party, "key_id": key.key_id, "signature": key.ack(sha(&settlement))});
        let reply = app
            .post(&path(&settlement, "acknowledgements"), Some(&token), &ack)
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
    }
    let token = app.admin_token.clone();
    let read = app
        .get(
            &format!("/v1/settlements/{}", settlement["id"].as_str().unwrap()),
            Some(&token),
        )
        .await;
    assert_eq!(read.body["status"], "acknowledged");
    let payment =
        json!({"amount_fen": 1, "paid_at": "2025-09-01T10:00:00+08:00", "reference": "none"});
    app.post(&path(&settlement, "payments"), Some(&token), &payment)
        .await
        .problem_pointers(409);
}

#[actix_web::test]
async fn a_retired_key_cannot_acknowledge() {
    let app = spawn_app().await;
    app.register_test_agreement().await;
    app.post_month("2025-07", good_values()).await;
    let settlement = app.issue_period("miyun-test", "2025-07").await;
    let key = app.register_bureau_key("BJ", 31).await;
    let retire = actix_web::test::TestRequest::delete()
        .uri(&format!("/v1/jurisdictions/BJ/keys/{}", key.key_id))
        .insert_header(("Authorization", format!("Bearer {}", app.admin_token)));
    assert_eq!(app.send(retire).await.status, 200);
    let token = app.token(Role::Bureau, Some("BJ"));
    let ack =
        json!({"jurisdiction": "BJ", "key_id": key.key_id, "signature": key.ack(sha(&settlement))});
    let reply = app
        .post(&path(&settlement, "acknowledgements"), Some(&token), &ack)
        .await;
    assert_eq!(reply.problem_pointers(422), ["/key_id"]);
}
