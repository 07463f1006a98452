//! Every write endpoint in the OpenAPI document answers malformed and hostile bodies with a
//! 4xx problem+json: never a 5xx, never a panic.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use actix_web::test::TestRequest;
use common::spawn_app;

/// The documented write operations, with path parameters filled with registered codes.
fn write_operations() -> Vec<(String, String)> {
    let document: serde_json::Value =
        serde_json::from_str(include_str!("../../openapi/openapi.json")).unwrap();
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in ["post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                // Token 999999 does not exist: revoking the admin's own token would end the test.
                let concrete = path
                    .replace("/v1/tokens/{id}", "/v1/tokens/999999")
                    .replace("{code}", "BJ")
                    .replace("{key_id}", "00000000")
                    .replace("{id}", "1")
                    .replace("{batch_id}", "b1");
                operations.push((method.to_owned(), concrete));
            }
        }
    }
    assert!(operations.len() >= 6, "{operations:?}");
    operations
}

fn hostile_bodies() -> Vec<Vec<u8>> {
    let mut bodies: Vec<Vec<u8>> = [
        "",
        "{",
        "}",
        "null",
        "[]",
        "\"text\"",
        "42",
        "1e999",
        "NaN",
        "{\"code\":}",
        "{\"code\": null}",
        "{\"code\": 1, \"name\": []}",
        "{\"code\": \"BJ\", \"name\": \"x\", \"unexpected\": true}",
        "{\"public_key\": 12}",
        "{\"readings\": \"no\"}",
        "{\"period\": {\"a\": 1}}",
        "{\"\\ud800\": 1}",
        "{\"code\": \"\\u0000\", \"name\": \"\\u0000\"}",
        "{\"basin\": \"b\\u0000\", \"section\": \"s\\u0000\", \"station\": \"x\\u0000\", \"jurisdiction\": \"\\u0000\"}",
    ]
    .iter()
    .map(|body| body.as_bytes().to_vec())
    .collect();
    bodies.push(vec![0xff, 0xfe, 0x00, 0x7b]);
    bodies.push(format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes());
    bodies.push(
        format!(
            "{{\"code\": \"{}\", \"name\": \"x\"}}",
            "a".repeat(1_000_000)
        )
        .into_bytes(),
    );
    bodies
}

#[actix_web::test]
async fn hostile_bodies_to_every_write_endpoint_get_4xx_problems() {
    let app = spawn_app().await;
    app.register_chaobai().await;
    for (method, path) in write_operations() {
        for body in hostile_bodies() {
            let request = match method.as_str() {
                "post" => TestRequest::post(),
                "put" => TestRequest::put(),
                "patch" => TestRequest::patch(),
                _ => TestRequest::delete(),
            }
            .uri(&path)
            .insert_header(("Authorization", format!("Bearer {}", app.admin_token)))
            .insert_header(("Content-Type", "application/json"))
            .set_payload(body.clone());
            let reply = app.send(request).await;
            let shown = String::from_utf8_lossy(&body[..body.len().min(60)]).into_owned();
            assert!(
                reply.status.is_client_error(),
                "{method} {path} with {shown:?} gave {}: {}",
                reply.status,
                reply.text
            );
            assert_eq!(
                reply.content_type, "application/problem+json",
                "{method} {path} with {shown:?}"
            );
        }
    }
}

#[actix_web::test]
async fn a_body_over_the_limit_is_413() {
    let app = spawn_app().await;
    let body = format!(
        "{{\"code\": \"b\", \"name\": \"{}\"}}",
        "x".repeat(5 * 1024 * 1024)
    );
    let reply = app
        .post_raw("/v1/basins", Some(&app.admin_token.clone()), body)
        .await;
    reply.problem_pointers(413);
    assert!(
        reply.body["detail"].as_str().unwrap().contains("4194304"),
        "{}",
        reply.text
    );
}
