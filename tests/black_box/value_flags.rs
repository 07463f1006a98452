//! Per-value flags and detection limits through HTTP (API.md "Value flags and detection limits"):
//! `<L` values and flags come back exactly as sent, malformed ones are refused at their pointers,
//! and a settlement records its agreement's `below_detection` treatment and counts, is refused under
//! `refuse`, and is recomputed by the auditor's verifier.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use common::agreements::{agreement, components};
use common::{spawn_app, Reply, TestApp};
use serde_json::{json, Value};

fn batch(batch_id: &str, readings: Value) -> Value {
    json!({"batch_id": batch_id, "station": "gubeikou-auto", "readings": readings})
}

async fn readings_of_gubeikou<S, B>(app: &TestApp<S>) -> Vec<Value>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let token = app.admin_token.clone();
    let reply = app
        .get("/v1/sections/gubeikou/readings", Some(&token))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["items"].as_array().unwrap().clone()
}

async fn post_batch<S, B>(app: &TestApp<S>, body: &Value) -> Reply
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let token = app.admin_token.clone();
    app.post("/v1/readings", Some(&token), body).await
}

#[actix_web::test]
async fn a_value_below_the_detection_limit_and_per_value_flags_come_back_exactly_as_sent() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let body = batch(
        "flags-1",
        json!([
            {"section": "gubeikou", "sampled_at": "2025-07-01T08:00:00+08:00",
             "values": {"tp": "<0.02", "ph": 7.62, "nh3n": "0.270"}, "flags": {"ph": "M", "nh3n": "N"}},
            {"section": "gubeikou", "sampled_at": "2025-07-01T09:00:00+08:00",
             "values": {"tp": "0.018"}}
        ]),
    );
    let reply = post_batch(&app, &body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let items = readings_of_gubeikou(&app).await;
    assert_eq!(
        items[0]["values"],
        json!({"nh3n": "0.270", "ph": "7.62", "tp": "<0.02"})
    );
    assert_eq!(items[0]["flags"], json!({"nh3n": "N", "ph": "M"}));
    assert_eq!(items[0]["status"], "valid");
    assert!(items[1].get("flags").is_none(), "{}", items[1]);
    assert_eq!(items[1]["values"], json!({"tp": "0.018"}));
}

#[actix_web::test]
async fn detection_limits_outside_the_grammar_are_refused_naming_each_value_and_nothing_is_stored()
{
    let app = spawn_app().await;
    app.register_chaobai().await;
    let body = batch(
        "limits-bad",
        json!([{"section": "gubeikou", "sampled_at": "2025-07-01T08:00:00+08:00",
                "values": {"tp": "< 0.02", "nh3n": "<<0.1", "codmn": "<1e-3", "do": ">0.5", "temp": "<-1",
                           "tn": "<0.5"}}]),
    );
    let reply = post_batch(&app, &body).await;
    assert_eq!(
        reply.problem_pointers(422),
        [
            "/readings/0/values/codmn",
            "/readings/0/values/do",
            "/readings/0/values/nh3n",
            "/readings/0/values/temp",
            "/readings/0/values/tp",
        ]
    );
    let messages = reply.body["errors"].to_string();
    assert!(messages.contains("<0.02"), "{messages}");
    assert!(readings_of_gubeikou(&app).await.is_empty());
}

#[actix_web::test]
async fn a_flag_without_a_value_an_unknown_letter_or_a_non_string_is_refused_at_its_pointer() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let body = batch(
        "flags-bad",
        json!([{"section": "gubeikou", "sampled_at": "2025-07-01T08:00:00+08:00",
                "values": {"ph": 7.5, "do": "8.1", "nh3n": "0.2"},
                "flags": {"ph": "X", "tp": "M", "do": 1, "nh3n": "m"}}]),
    );
    let reply = post_batch(&app, &body).await;
    assert_eq!(
        reply.problem_pointers(422),
        [
            "/readings/0/flags/do",
            "/readings/0/flags/nh3n",
            "/readings/0/flags/ph",
            "/readings/0/flags/tp",
        ]
    );
    assert!(reply.body["errors"][3]["message"]
        .as_str()
        .unwrap()
        .contains("no value"));
    assert!(readings_of_gubeikou(&app).await.is_empty());
}

/// A monthly TP threshold at 古北口 (0.029 mg/L) with the given treatment.
fn tp_threshold_agreement(code: &str, below_detection: Option<&str>) -> Value {
    let mut body = agreement(
        code,
        "HE-CD",
        "BJ",
        json!([{"kind": "threshold", "section": "gubeikou", "parameter": "tp", "limit": "0.029",
                "amount_if_met_fen": 100_000, "amount_if_failed_fen": -100_000}]),
    );
    if let Some(treatment) = below_detection {
        body["below_detection"] = json!(treatment);
    }
    body
}

/// Worked example 9 in July 2025 (TP 0.050, <0.010, 0.030), plus a TP of 9.000 flagged for
/// calibration that must not count, and a pH flagged for maintenance.
async fn post_example_nine<S, B>(app: &TestApp<S>)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let body = batch(
        "example-9",
        json!([
            {"section": "gubeikou", "sampled_at": "2025-07-01T08:00:00+08:00", "values": {"tp": "0.050"}},
            {"section": "gubeikou", "sampled_at": "2025-07-02T08:00:00+08:00", "values": {"tp": "<0.010"}},
            {"section": "gubeikou", "sampled_at": "2025-07-03T08:00:00+08:00", "values": {"tp": "0.030"}},
            {"section": "gubeikou", "sampled_at": "2025-07-04T08:00:00+08:00",
             "values": {"tp": "9.000", "ph": "2.0"}, "flags": {"tp": "C", "ph": "M"}}
        ]),
    );
    let reply = post_batch(app, &body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
}

#[actix_web::test]
async fn a_settlement_records_the_treatment_and_the_below_limit_counts_and_the_auditor_recomputes_it(
) {
    let app = spawn_app().await;
    app.register_chaobai().await;
    app.admin_post(
        "/v1/agreements",
        tp_threshold_agreement("tp-limit", Some("limit")),
    )
    .await;
    post_example_nine(&app).await;
    let settlement = app.issue_period("tp-limit", "2025-07").await;
    let inputs = &settlement["inputs"];
    assert_eq!(inputs["below_detection"], "limit");
    // Every valid reading is used (the flagged one too): flags decide values, not readings.
    assert_eq!(inputs["reading_count"], 4);
    let section = &inputs["sections"][0];
    assert_eq!(section["below_limit"], json!({"2025-07": {"tp": 1}}));
    assert_eq!(section["months"][0]["samples"], json!({"tp": 3}));
    // (0.050 + 0.010 + 0.030) / 3 = 0.030 > 0.029: failed.
    assert_eq!(section["months"][0]["stats"]["tp"], "0.030");
    assert_eq!(settlement["net_fen"], -100_000);

    let id = settlement["id"].as_str().unwrap();
    let token = app.admin_token.clone();
    let verification = app
        .get(&format!("/v1/settlements/{id}/verification"), Some(&token))
        .await;
    assert_eq!(
        verification.body["readings_digest_ok"], true,
        "{}",
        verification.text
    );
    assert_eq!(
        verification.body["recomputation_ok"], true,
        "{}",
        verification.text
    );
    let report = app.verify_as_auditor().await.unwrap();
    assert_eq!(report.settlements, 1);
}

#[actix_web::test]
async fn an_agreement_without_below_detection_uses_half_the_limit_and_records_it_only_when_it_mattered(
) {
    let app = spawn_app().await;
    app.register_chaobai().await;
    app.admin_post("/v1/agreements", tp_threshold_agreement("tp-default", None))
        .await;
    post_example_nine(&app).await;
    let settlement = app.issue_period("tp-default", "2025-07").await;
    assert_eq!(settlement["inputs"]["below_detection"], "half_limit");
    // (0.050 + 0.005 + 0.030) / 3 = 0.02833… → 0.028 ≤ 0.029: met.
    assert_eq!(
        settlement["inputs"]["sections"][0]["months"][0]["stats"]["tp"],
        "0.028"
    );
    assert_eq!(settlement["net_fen"], 100_000);

    // Without any <L value the document's inputs are exactly what they always were.
    app.admin_post(
        "/v1/agreements",
        agreement("miyun-test", "HE-CD", "BJ", components()),
    )
    .await;
    app.post_month("2025-08", common::agreements::good_values())
        .await;
    let plain = app.issue_period("miyun-test", "2025-08").await;
    let keys: Vec<&String> = plain["inputs"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["reading_count", "readings_digest", "sections"]);
    assert!(plain["inputs"]["sections"][0].get("below_limit").is_none());
    let token = app.admin_token.clone();
    let version = app
        .get("/v1/agreements/miyun-test/versions/1", Some(&token))
        .await;
    assert!(
        version.body.get("below_detection").is_none(),
        "{}",
        version.text
    );
}

#[actix_web::test]
async fn refuse_answers_422_naming_the_section_parameter_and_month_with_a_value_below_the_limit() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    app.admin_post(
        "/v1/agreements",
        tp_threshold_agreement("tp-refuse", Some("refuse")),
    )
    .await;
    let token = app.admin_token.clone();
    let version = app
        .get("/v1/agreements/tp-refuse/versions/1", Some(&token))
        .await;
    assert_eq!(
        version.body["below_detection"], "refuse",
        "{}",
        version.text
    );
    post_example_nine(&app).await;
    let reply = app.issue("tp-refuse", json!({"period": "2025-07"})).await;
    assert_eq!(reply.problem_pointers(422), ["/period"]);
    assert_eq!(
        reply.body["errors"][0]["message"],
        "section gubeikou has tp values below the detection limit in 2025-07"
    );
    let listed = app.get("/v1/settlements", Some(&token)).await;
    assert_eq!(listed.body["items"], json!([]));
}

#[actix_web::test]
async fn an_unknown_treatment_is_refused_at_its_pointer() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let token = app.admin_token.clone();
    let reply = app
        .post(
            "/v1/agreements",
            Some(&token),
            &tp_threshold_agreement("tp-bad", Some("quarter_limit")),
        )
        .await;
    assert_eq!(reply.problem_pointers(422), ["/below_detection"]);
}

#[actix_web::test]
async fn the_assessment_counts_values_below_the_limit_as_samples_but_not_flagged_values() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    post_example_nine(&app).await;
    let token = app.admin_token.clone();
    let reply = app
        .get(
            "/v1/sections/gubeikou/assessment?period=2025-07",
            Some(&token),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["months"][0]["samples"], json!({"tp": 3}));
    assert_eq!(reply.body["months"][0]["stats"]["tp"], "0.028");
}

#[actix_web::test]
async fn a_new_version_states_its_own_treatment_and_settles_by_it() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    app.admin_post(
        "/v1/agreements",
        tp_threshold_agreement("tp-versions", None),
    )
    .await;
    let components = tp_threshold_agreement("unused", None)["components"].clone();
    app.admin_post(
        "/v1/agreements/tp-versions/versions",
        json!({"effective_from": "2025-07", "below_detection": "zero", "components": components}),
    )
    .await;
    let token = app.admin_token.clone();
    let version = app
        .get("/v1/agreements/tp-versions/versions/2", Some(&token))
        .await;
    assert_eq!(version.body["below_detection"], "zero", "{}", version.text);
    post_example_nine(&app).await;
    let settlement = app.issue_period("tp-versions", "2025-07").await;
    assert_eq!(settlement["agreement_version"], 2);
    assert_eq!(settlement["inputs"]["below_detection"], "zero");
    // (0.050 + 0 + 0.030) / 3 = 0.02666… → 0.027 ≤ 0.029: met.
    assert_eq!(
        settlement["inputs"]["sections"][0]["months"][0]["stats"]["tp"],
        "0.027"
    );
    assert_eq!(settlement["net_fen"], 100_000);
    let report = app.verify_as_auditor().await.unwrap();
    assert_eq!(report.settlements, 1);
}

#[actix_web::test]
async fn a_flag_altered_in_the_database_is_caught_by_the_auditor_comparing_served_readings() {
    use diesel::prelude::*;
    let app = spawn_app().await;
    app.register_chaobai().await;
    let body = batch(
        "flags-audit",
        json!([{"section": "gubeikou", "sampled_at": "2025-07-01T08:00:00+08:00",
                "values": {"ph": "7.62", "tp": "0.018"}, "flags": {"ph": "M"}}]),
    );
    assert_eq!(post_batch(&app, &body).await.status, 201);
    app.verify_as_auditor()
        .await
        .expect("the untouched ledger verifies");

    // The operator quietly makes the maintenance value count: the served reading no longer
    // matches what its signed batch recorded.
    let mut connection = app.pool.get().unwrap();
    let changed = diesel::sql_query("UPDATE readings SET reading_flags = NULL")
        .execute(&mut *connection)
        .unwrap();
    assert_eq!(changed, 1);
    drop(connection);
    let failure = app.verify_as_auditor().await.unwrap_err();
    assert!(
        failure
            .to_string()
            .contains("as served differs from what its batch and the log record"),
        "{failure}"
    );
}
