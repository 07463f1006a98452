//! Section assessment through HTTP, per compensation.md §1–3 (worked examples 1 and 2).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use common::spawn_app;
use serde_json::{json, Value};

fn readings_batch(batch_id: &str, readings: Vec<(&str, Value)>) -> Value {
    let readings: Vec<Value> = readings
        .into_iter()
        .map(|(sampled_at, values)| json!({"section": "gubeikou", "sampled_at": sampled_at, "values": values}))
        .collect();
    json!({"batch_id": batch_id, "station": "gubeikou-auto", "readings": readings})
}

#[actix_web::test]
async fn worked_example_1_classifies_a_river_section_class_iii_and_a_lake_class_iv() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let admin = app.admin_token.clone();
    let values = json!({"ph": "7.62", "do": "5.41", "codmn": "4.3", "nh3n": "0.27", "tp": "0.072", "tn": "3.06"});
    let posted = app
        .post(
            "/v1/readings",
            Some(&admin),
            &readings_batch("r1", vec![("2025-07-10T08:00:00+08:00", values.clone())]),
        )
        .await;
    assert_eq!(posted.status, 201, "{}", posted.text);
    let river = app
        .get(
            "/v1/sections/gubeikou/assessment?period=2025-07",
            Some(&admin),
        )
        .await;
    assert_eq!(river.status, 200, "{}", river.text);
    assert_eq!(river.body["section"], "gubeikou");
    assert_eq!(river.body["class"], "III");
    assert_eq!(
        river.body["attained"], false,
        "target II is not met by class III"
    );
    assert_eq!(
        river.body["classes_by_parameter"],
        json!({"ph": "I", "do": "III", "codmn": "III", "nh3n": "II", "tp": "II", "tn": "劣V"})
    );

    app.admin_post(
        "/v1/sections",
        json!({"code": "miyun-reservoir", "name": "密云水库", "basin": "chaobai", "river": "密云水库",
               "water_body": "lake", "target_class": "II", "upstream": "HE-CD", "downstream": "BJ"}),
    )
    .await;
    app.admin_post(
        "/v1/stations",
        json!({"code": "miyun-auto", "name": "密云水库", "section": "miyun-reservoir"}),
    )
    .await;
    let lake_batch = json!({"batch_id": "l1", "station": "miyun-auto", "readings": [
        {"section": "miyun-reservoir", "sampled_at": "2025-07-10T08:00:00+08:00", "values": values}]});
    app.post("/v1/readings", Some(&admin), &lake_batch).await;
    let lake = app
        .get(
            "/v1/sections/miyun-reservoir/assessment?period=2025-07",
            Some(&admin),
        )
        .await;
    assert_eq!(
        lake.body["classes_by_parameter"]["tp"], "IV",
        "lakes use the lake TP column"
    );
    assert_eq!(lake.body["class"], "IV");
}

#[actix_web::test]
async fn worked_example_2_rounds_monthly_means_half_to_even() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let admin = app.admin_token.clone();
    let batch = readings_batch(
        "r2",
        vec![
            (
                "2025-07-01T08:00:00+08:00",
                json!({"nh3n": "0.125", "tp": "0.0125", "codmn": "4.25"}),
            ),
            (
                "2025-07-02T08:00:00+08:00",
                json!({"nh3n": "0.130", "tp": "0.0135", "codmn": "4.25"}),
            ),
            ("2025-07-03T08:00:00+08:00", json!({"nh3n": "0.140"})),
            ("2025-07-04T08:00:00+08:00", json!({"nh3n": "0.100"})),
        ],
    );
    assert_eq!(
        app.post("/v1/readings", Some(&admin), &batch).await.status,
        201
    );
    let reply = app
        .get(
            "/v1/sections/gubeikou/assessment?period=2025-07",
            Some(&admin),
        )
        .await;
    let month = &reply.body["months"][0];
    assert_eq!(month["month"], "2025-07");
    assert_eq!(month["samples"], json!({"codmn": 2, "nh3n": 4, "tp": 2}));
    // 0.12375 → 0.12; 0.013 → 0.013; 4.25 → 4.2 (half to even).
    assert_eq!(
        month["stats"],
        json!({"codmn": "4.2", "nh3n": "0.12", "tp": "0.013"})
    );
    assert_eq!(
        reply.body["stats"], month["stats"],
        "a one-month period equals its month"
    );
}

#[actix_web::test]
async fn a_reading_at_2025_06_30t16_30z_belongs_to_july_in_china_standard_time() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let admin = app.admin_token.clone();
    let batch = readings_batch("r3", vec![("2025-06-30T16:30:00Z", json!({"tp": "0.05"}))]);
    assert_eq!(
        app.post("/v1/readings", Some(&admin), &batch).await.status,
        201
    );
    let july = app
        .get(
            "/v1/sections/gubeikou/assessment?period=2025-07",
            Some(&admin),
        )
        .await;
    assert_eq!(july.body["months"][0]["samples"], json!({"tp": 1}));
    assert_eq!(july.body["stats"], json!({"tp": "0.050"}));
    let june = app
        .get(
            "/v1/sections/gubeikou/assessment?period=2025-06",
            Some(&admin),
        )
        .await;
    assert_eq!(june.body["months"][0]["samples"], json!({}));
    assert_eq!(june.body["class"], Value::Null, "no data, no class");
    let quarter = app
        .get(
            "/v1/sections/gubeikou/assessment?period=2025-Q3",
            Some(&admin),
        )
        .await;
    let months: Vec<_> = quarter.body["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|month| month["month"].clone())
        .collect();
    assert_eq!(
        months,
        [json!("2025-07"), json!("2025-08"), json!("2025-09")],
        "every month is listed"
    );
}

#[actix_web::test]
async fn invalid_superseded_and_invalidated_readings_do_not_count() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let admin = app.admin_token.clone();
    let batch = json!({"batch_id": "r4", "station": "gubeikou-auto", "readings": [
        {"section": "gubeikou", "sampled_at": "2025-07-01T08:00:00+08:00", "values": {"tp": "0.010"}},
        {"section": "gubeikou", "sampled_at": "2025-07-02T08:00:00+08:00", "values": {"tp": "0.900"}, "status": "invalid", "reason": "维护"},
        {"section": "gubeikou", "sampled_at": "2025-07-03T08:00:00+08:00", "values": {"tp": "0.800"}},
        {"section": "gubeikou", "sampled_at": "2025-07-04T08:00:00+08:00", "values": {"tp": "0.700"}}]});
    let posted = app.post("/v1/readings", Some(&admin), &batch).await;
    let ids: Vec<i64> = posted.body["reading_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_i64().unwrap())
        .collect();
    app.post(
        &format!("/v1/readings/{}/invalidations", ids[2]),
        Some(&admin),
        &json!({"reason": "drift"}),
    )
    .await;
    let revision = json!({"batch_id": "r5", "station": "gubeikou-auto", "readings": [
        {"section": "gubeikou", "sampled_at": "2025-07-04T08:00:00+08:00", "values": {"tp": "0.020"}, "revises": ids[3], "reason": "typo"}]});
    assert_eq!(
        app.post("/v1/readings", Some(&admin), &revision)
            .await
            .status,
        201
    );
    let reply = app
        .get(
            "/v1/sections/gubeikou/assessment?period=2025-07",
            Some(&admin),
        )
        .await;
    assert_eq!(reply.body["months"][0]["samples"], json!({"tp": 2}));
    assert_eq!(
        reply.body["stats"],
        json!({"tp": "0.015"}),
        "mean of 0.010 and the revised 0.020"
    );
}

#[actix_web::test]
async fn a_missing_or_malformed_period_is_422_naming_the_parameter() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let admin = app.admin_token.clone();
    assert_eq!(
        app.get("/v1/sections/gubeikou/assessment", Some(&admin))
            .await
            .problem_pointers(422),
        ["period"]
    );
    assert_eq!(
        app.get(
            "/v1/sections/gubeikou/assessment?period=2025-13",
            Some(&admin)
        )
        .await
        .problem_pointers(422),
        ["period"]
    );
}
