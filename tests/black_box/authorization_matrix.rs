//! Every documented operation × every kind of caller, with the status each must get. A new
//! operation without a row here fails the test, so access rules cannot be forgotten.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use actix_web::test::TestRequest;
use basin_ledger::model::access::Role;
use common::spawn_app;
use serde_json::{json, Value};

/// The callers: no token, admin, the bureau of a party (BJ), a bureau of no party (HE), the
/// station of the section, a station of another section, an auditor.
const CALLERS: [&str; 7] = [
    "none",
    "admin",
    "bureau_party",
    "bureau_other",
    "station_own",
    "station_other",
    "auditor",
];

/// Expected status per caller, in the order of `CALLERS`.
type Expected = [u16; 7];

const READ: Expected = [401, 200, 200, 200, 200, 200, 200];
const PUBLIC: Expected = [200, 200, 200, 200, 200, 200, 200];
const ADMIN_CREATES: Expected = [401, 201, 403, 403, 403, 403, 403];

struct Row {
    method: &'static str,
    path: &'static str,
    expected: Expected,
    /// The body, with `{caller}` replaced so each caller's write is distinct.
    body: Option<&'static str>,
}

fn rows() -> Vec<Row> {
    let row = |method, path, expected, body| Row {
        method,
        path,
        expected,
        body,
    };
    vec![
        row("get", "/healthz", PUBLIC, None),
        row("get", "/metrics", PUBLIC, None),
        row(
            "post",
            "/v1/jurisdictions",
            ADMIN_CREATES,
            Some(r#"{"code":"J-{caller}","name":"x"}"#),
        ),
        row("get", "/v1/jurisdictions", READ, None),
        row("get", "/v1/jurisdictions/{code}", READ, None),
        row(
            "post",
            "/v1/jurisdictions/{code}/keys",
            ADMIN_CREATES,
            Some(r#"{"public_key":"GlzZBw1A8OEHoNcMW8Sqq6Fg+xWSaqr8sMTiLNbLXRM="}"#),
        ),
        // No key 00000000 exists: the admin passes authorisation and gets 404.
        row(
            "delete",
            "/v1/jurisdictions/{code}/keys/{key_id}",
            [401, 404, 403, 403, 403, 403, 403],
            None,
        ),
        row(
            "post",
            "/v1/basins",
            ADMIN_CREATES,
            Some(r#"{"code":"b-{caller}","name":"x"}"#),
        ),
        row("get", "/v1/basins", READ, None),
        row("get", "/v1/basins/{code}", READ, None),
        row(
            "post",
            "/v1/sections",
            ADMIN_CREATES,
            Some(
                r#"{"code":"s-{caller}","name":"x","basin":"chaobai","river":"x","water_body":"river","target_class":"II","upstream":"HE-CD","downstream":"BJ"}"#,
            ),
        ),
        row("get", "/v1/sections", READ, None),
        row("get", "/v1/sections/{code}", READ, None),
        row(
            "post",
            "/v1/stations",
            ADMIN_CREATES,
            Some(r#"{"code":"st-{caller}","name":"x","section":"gubeikou"}"#),
        ),
        row("get", "/v1/stations", READ, None),
        row("get", "/v1/stations/{code}", READ, None),
        row(
            "post",
            "/v1/readings",
            [401, 201, 403, 403, 201, 403, 403],
            Some(
                r#"{"batch_id":"m-{caller}","station":"gubeikou-auto","readings":[{"section":"gubeikou","sampled_at":"2025-08-{day}T08:00:00+08:00","values":{"tp":"0.02"}}]}"#,
            ),
        ),
        row("get", "/v1/sections/{code}/readings", READ, None),
        row("get", "/v1/sections/{code}/assessment", READ, None),
        row("get", "/v1/stations/{code}/batches/{batch_id}", READ, None),
        row(
            "post",
            "/v1/readings/{id}/invalidations",
            [401, 201, 201, 403, 403, 403, 403],
            Some(r#"{"reason":"checked by {caller}"}"#),
        ),
        // Only an admin passes authorisation; a JSON body is not a multipart form (400).
        row(
            "post",
            "/v1/imports/cnemc",
            [401, 400, 403, 403, 403, 403, 403],
            Some(r#"{"file":"x"}"#),
        ),
        row("get", "/v1/log/checkpoint", PUBLIC, None),
        // Public like the checkpoint; this ledger has no witness policy, so 404 for everyone.
        row("get", "/v1/log/policy", [404; 7], None),
        row("get", "/v1/log/entries", READ, None),
        row("get", "/v1/log/entries/{index}", READ, None),
        row("get", "/v1/log/proofs/inclusion", READ, None),
        row("get", "/v1/log/proofs/consistency", READ, None),
        // The published checkpoint (waited for below) covers one-entry partial tiles.
        row("get", "/v1/log/tile/{level}/{index}", READ, None),
        row("get", "/v1/log/tile/entries/{index}", READ, None),
        row("get", "/v1/log/evidence/{index}", READ, None),
        row("get", "/v1/keys", PUBLIC, None),
        row(
            "post",
            "/v1/agreements",
            ADMIN_CREATES,
            Some(
                r#"{"code":"a-{caller}","name":"x","basin":"chaobai","upstream":"HE-CD","downstream":"BJ","period":"month","effective_from":"2025-01","components":[{"kind":"threshold","section":"gubeikou","parameter":"tp","limit":"0.1","amount_if_met_fen":100,"amount_if_failed_fen":-100}]}"#,
            ),
        ),
        row("get", "/v1/agreements", READ, None),
        row("get", "/v1/agreements/{code}", READ, None),
        row(
            "get",
            "/v1/agreements/{code}/versions/{version}",
            READ,
            None,
        ),
        row(
            "post",
            "/v1/agreements/{code}/versions",
            ADMIN_CREATES,
            Some(
                r#"{"effective_from":"2030-01","components":[{"kind":"threshold","section":"gubeikou","parameter":"tp","limit":"0.2","amount_if_met_fen":100,"amount_if_failed_fen":-100}]}"#,
            ),
        ),
        // As a dry run (200), so that every permitted caller can issue the same period.
        row(
            "post",
            "/v1/agreements/{code}/settlements",
            [401, 200, 200, 403, 403, 403, 403],
            Some(r#"{"period":"2025-07"}"#),
        ),
        row("get", "/v1/settlements", READ, None),
        row("get", "/v1/balances", READ, None),
        row("get", "/v1/statements/{jurisdiction}", READ, None),
        row("get", "/v1/settlements/{id}", READ, None),
        row("get", "/v1/settlements/{id}/verification", READ, None),
        row("get", "/v1/settlements/{id}/receipt", READ, None),
        row(
            "get",
            "/v1/tokens",
            [401, 200, 403, 403, 403, 403, 403],
            None,
        ),
        row(
            "post",
            "/v1/tokens",
            ADMIN_CREATES,
            Some(r#"{"role":"auditor","label":"by {caller}"}"#),
        ),
        // No token 999999 exists (revoking a caller's own token would end the test's callers).
        row(
            "delete",
            "/v1/tokens/{id}",
            [401, 404, 403, 403, 403, 403, 403],
            None,
        ),
        // Only BJ's bureau acknowledges for BJ; key 00000000 is not registered (422).
        row(
            "post",
            "/v1/settlements/{id}/acknowledgements",
            [401, 403, 422, 403, 403, 403, 403],
            Some(r#"{"jurisdiction":"BJ","key_id":"00000000","signature":"x"}"#),
        ),
        // The payer (BJ) or admin passes authorisation; the settlement is not acknowledged (409).
        row(
            "post",
            "/v1/settlements/{id}/payments",
            [401, 409, 409, 403, 403, 403, 403],
            Some(
                r#"{"amount_fen":1,"paid_at":"2025-09-01T10:00:00+08:00","reference":"r-{caller}"}"#,
            ),
        ),
        row(
            "post",
            "/v1/settlements/{id}/disputes",
            [401, 403, 201, 403, 403, 403, 403],
            Some(r#"{"jurisdiction":"BJ","reason":"by {caller}"}"#),
        ),
        // Last: once the station holds a key, its unsigned batches above would be refused.
        row(
            "post",
            "/v1/stations/{code}/keys",
            ADMIN_CREATES,
            Some(r#"{"public_key":"GlzZBw1A8OEHoNcMW8Sqq6Fg+xWSaqr8sMTiLNbLXRM="}"#),
        ),
        // No key 00000000 exists: the admin passes authorisation and gets 404.
        row(
            "delete",
            "/v1/stations/{code}/keys/{key_id}",
            [401, 404, 403, 403, 403, 403, 403],
            None,
        ),
    ]
}

fn concrete_path(template: &str, caller_number: usize, reading_ids: &[i64]) -> String {
    let path = template
        .replace("/v1/jurisdictions/{code}", "/v1/jurisdictions/BJ")
        .replace("/v1/basins/{code}", "/v1/basins/chaobai")
        .replace("/v1/sections/{code}", "/v1/sections/gubeikou")
        .replace(
            "/v1/stations/{code}/batches/{batch_id}",
            "/v1/stations/gubeikou-auto/batches/seed",
        )
        .replace("/v1/stations/{code}", "/v1/stations/gubeikou-auto")
        .replace("/v1/agreements/{code}", "/v1/agreements/miyun-test")
        .replace("{version}", "1")
        .replace("/v1/settlements/{id}", "/v1/settlements/1")
        .replace("/v1/tokens/{id}", "/v1/tokens/999999")
        .replace("/v1/statements/{jurisdiction}", "/v1/statements/BJ")
        .replace("{key_id}", "00000000")
        .replace("/v1/log/tile/{level}/{index}", "/v1/log/tile/0/000.p/1")
        .replace(
            "/v1/log/tile/entries/{index}",
            "/v1/log/tile/entries/000.p/1",
        )
        .replace("/v1/log/evidence/{index}", "/v1/log/evidence/000.p/1")
        .replace("{index}", "0")
        .replace("{id}", &reading_ids[caller_number].to_string());
    if path.ends_with("/assessment") {
        format!("{path}?period=2025-07")
    } else if path.ends_with("/proofs/inclusion") {
        format!("{path}?index=0")
    } else if path.ends_with("/proofs/consistency") {
        format!("{path}?first=1")
    } else if path == "/v1/balances" || path.starts_with("/v1/statements/") {
        format!("{path}?year=2025")
    } else if path.ends_with("/settlements") && path.starts_with("/v1/agreements/") {
        format!("{path}?dry_run=true")
    } else {
        path
    }
}

#[actix_web::test]
async fn every_operation_gives_each_caller_the_expected_status() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    app.admin_post("/v1/sections", json!({"code": "houcheng", "name": "后城", "basin": "chaobai", "river": "白河", "water_body": "river", "target_class": "II", "upstream": "HE-CD", "downstream": "BJ"})).await;
    app.admin_post(
        "/v1/stations",
        json!({"code": "houcheng-auto", "name": "后城", "section": "houcheng"}),
    )
    .await;
    // One reading per caller to invalidate, and a seed batch to fetch.
    let seed: Vec<Value> = (0..CALLERS.len())
        .map(|day| json!({"section": "gubeikou", "sampled_at": format!("2025-07-{:02}T08:00:00+08:00", day + 1), "values": {"tp": "0.02"}}))
        .collect();
    let seeded = app
        .post(
            "/v1/readings",
            Some(&app.admin_token.clone()),
            &json!({"batch_id": "seed", "station": "gubeikou-auto", "readings": seed}),
        )
        .await;
    let reading_ids: Vec<i64> = seeded.body["reading_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_i64().unwrap())
        .collect();
    // An agreement with one settlement (BJ, downstream, pays: the July TP is within the limit).
    app.admin_post(
        "/v1/agreements",
        json!({"code": "miyun-test", "name": "x", "basin": "chaobai", "upstream": "HE-CD", "downstream": "BJ",
               "period": "month", "effective_from": "2025-01",
               "components": [{"kind": "threshold", "section": "gubeikou", "parameter": "tp", "limit": "0.1",
                               "amount_if_met_fen": 100, "amount_if_failed_fen": -100}]}),
    )
    .await;
    app.admin_post(
        "/v1/agreements/miyun-test/settlements",
        json!({"period": "2025-07"}),
    )
    .await;
    app.published_checkpoint().await;
    let tokens: BTreeMap<&str, Option<String>> = BTreeMap::from([
        ("none", None),
        ("admin", Some(app.admin_token.clone())),
        ("bureau_party", Some(app.token(Role::Bureau, Some("BJ")))),
        ("bureau_other", Some(app.token(Role::Bureau, Some("HE")))),
        (
            "station_own",
            Some(app.token(Role::Station, Some("gubeikou-auto"))),
        ),
        (
            "station_other",
            Some(app.token(Role::Station, Some("houcheng-auto"))),
        ),
        ("auditor", Some(app.token(Role::Auditor, None))),
    ]);

    let document: Value = serde_json::from_str(include_str!("../../openapi/openapi.json")).unwrap();
    let documented: BTreeSet<(String, String)> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect();
    let rows = rows();
    let covered: BTreeSet<(String, String)> = rows
        .iter()
        .map(|row| (row.method.to_owned(), row.path.to_owned()))
        .collect();
    assert_eq!(
        documented, covered,
        "every documented operation needs a row (and every row an operation)"
    );

    let mut mismatches = Vec::new();
    for row in &rows {
        for (number, caller) in CALLERS.iter().enumerate() {
            let path = concrete_path(row.path, number, &reading_ids);
            let mut request = match row.method {
                "get" => TestRequest::get(),
                "post" => TestRequest::post(),
                "delete" => TestRequest::delete(),
                other => panic!("no method {other}"),
            }
            .uri(&path);
            if let Some(token) = &tokens[caller] {
                request = request.insert_header(("Authorization", format!("Bearer {token}")));
            }
            if let Some(body) = row.body {
                let body = body
                    .replace("{caller}", caller)
                    .replace("{day}", &format!("{:02}", number + 1));
                request = request
                    .insert_header(("Content-Type", "application/json"))
                    .set_payload(body);
            }
            let reply = app.send(request).await;
            let expected = row.expected[number];
            if reply.status.as_u16() != expected {
                mismatches.push(format!(
                    "{} {path} as {caller}: expected {expected}, got {} {}",
                    row.method, reply.status, reply.text
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
