//! An `exceedance` component end to end: the agreement is created through the API (and refused field
//! by field when its terms are wrong), a settlement is issued from posted readings with the Hebei 2009
//! bands and an inflow exemption, and the auditor's verifier and the verification endpoint recompute it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use common::agreements::agreement;
use common::{spawn_app, TestApp};
use serde_json::{json, Value};

/// Hebei's 2009 tiers on NH3-N and TP at 古北口 (target II: NH3-N 0.5, river TP 0.1), waived when the
/// inflow section 潮河上游 is at least as far over the limit.
fn exceedance_component() -> Value {
    json!({"kind": "exceedance", "section": "gubeikou", "parameters": ["nh3n", "tp"],
           "bands": [{"max_multiple": "0.5", "charge_fen": 10_000_000},
                     {"max_multiple": "1.0", "charge_fen": 50_000_000},
                     {"max_multiple": "2.0", "charge_fen": 100_000_000},
                     {"max_multiple": null, "charge_fen": 150_000_000}],
           "inflow_section": "chaohe-up"})
}

/// The Chaobai registry with an inflow section and its station, and the agreement `hebei-test`.
async fn register<S, B>(app: &TestApp<S>)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    app.register_chaobai().await;
    app.admin_post(
        "/v1/sections",
        json!({"code": "chaohe-up", "name": "潮河上游", "basin": "chaobai", "river": "潮河",
               "water_body": "river", "target_class": "II", "upstream": "HE-CD", "downstream": "BJ"}),
    )
    .await;
    app.admin_post(
        "/v1/stations",
        json!({"code": "chaohe-up-auto", "name": "潮河上游自动站", "section": "chaohe-up"}),
    )
    .await;
    app.admin_post(
        "/v1/agreements",
        agreement("hebei-test", "HE-CD", "BJ", json!([exceedance_component()])),
    )
    .await;
}

/// July 2025 at both sections. 古北口: NH3-N 0.80 (m 0.600, 50万) and TP 0.150 (m 0.500, 10万); the
/// inflow: NH3-N 0.90 (m 0.800 ≥ 0.600, waived) and TP 0.120 (m 0.200 < 0.500, charged).
async fn post_july<S, B>(app: &TestApp<S>)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    app.post_month("2025-07", json!({"nh3n": "0.80", "tp": "0.150"}))
        .await;
    let inflow = json!({"batch_id": "inflow-2025-07", "station": "chaohe-up-auto", "readings": [
        {"section": "chaohe-up", "sampled_at": "2025-07-10T09:00:00+08:00",
         "values": {"nh3n": "0.90", "tp": "0.120"}}
    ]});
    app.admin_post("/v1/readings", inflow).await;
}

#[actix_web::test]
async fn an_exceedance_settlement_charges_by_band_waives_by_inflow_and_verify_recomputes_it() {
    let app = spawn_app().await;
    register(&app).await;
    post_july(&app).await;
    let settlement = app.issue_period("hebei-test", "2025-07").await;
    assert_eq!(settlement["components"][0]["kind"], "exceedance");
    assert_eq!(settlement["components"][0]["amount_fen"], -10_000_000);
    assert_eq!(settlement["net_fen"], -10_000_000);
    assert_eq!(settlement["payer"], "HE-CD");
    assert_eq!(settlement["payee"], "BJ");
    assert_eq!(settlement["amount_fen"], 10_000_000);
    let parameters = &settlement["components"][0]["explanation"]["months"][0]["parameters"];
    assert_eq!(parameters[0]["multiple"], "0.600");
    assert_eq!(parameters[0]["inflow_multiple"], "0.800");
    assert_eq!(parameters[0]["exempt"], true);
    assert_eq!(parameters[1]["limit"], "0.1");
    assert_eq!(parameters[1]["band"], 0);
    assert_eq!(parameters[1]["charge_fen"], 10_000_000);

    let id = settlement["id"].as_str().unwrap();
    let token = app.admin_token.clone();
    let endpoint = app
        .get(&format!("/v1/settlements/{id}/verification"), Some(&token))
        .await;
    assert_eq!(endpoint.status, 200, "{}", endpoint.text);
    assert_eq!(endpoint.body["recomputation_ok"], true, "{}", endpoint.text);

    let report = app.verify_as_auditor().await.unwrap();
    assert_eq!(report.settlements, 1);
}

#[actix_web::test]
async fn an_exceedance_component_with_wrong_terms_is_refused_at_each_field() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    let component = json!({"kind": "exceedance", "section": "gubeikou", "parameters": ["ph", "nh3n"],
        "limits": {"nh3n": "0"}, "step_multiple": "0.2", "step_charge_fen": 30_000_000,
        "bands": [{"max_multiple": null, "charge_fen": 1}], "inflow_section": "gubeikou"});
    let token = app.admin_token.clone();
    let reply = app
        .post(
            "/v1/agreements",
            Some(&token),
            &agreement("hebei-bad", "HE-CD", "BJ", json!([component])),
        )
        .await;
    assert_eq!(
        reply.problem_pointers(422),
        [
            "/components/0/parameters/0",
            "/components/0/limits/nh3n",
            "/components/0/bands",
            "/components/0/inflow_section"
        ]
    );
}
