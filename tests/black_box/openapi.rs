//! The committed contract is what the server serves, and its documentation UI needs no network.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use common::spawn_app;
use serde_json::Value;

#[actix_web::test]
async fn the_served_document_equals_the_committed_openapi_json() {
    let app = spawn_app().await;
    let served = app.get("/openapi.json", None).await;
    assert_eq!(served.status, 200);
    let committed: serde_json::Value =
        serde_json::from_str(include_str!("../../openapi/openapi.json"))
            .expect("committed document is JSON");
    assert!(
        served.body == committed,
        "openapi/openapi.json is stale: regenerate it with `cargo run -- openapi > openapi/openapi.json`"
    );
    assert_eq!(committed["info"]["title"], "basin-ledger");
    for path in [
        "/healthz",
        "/metrics",
        "/v1/jurisdictions",
        "/v1/sections/{code}",
        "/v1/stations",
    ] {
        assert!(
            committed["paths"].get(path).is_some(),
            "{path} missing from the document"
        );
    }
}

#[actix_web::test]
async fn the_docs_page_is_html_that_loads_only_local_assets() {
    let app = spawn_app().await;
    let redirect = app.get("/docs", None).await;
    assert_eq!(redirect.status, 308);
    let page = app.get("/docs/", None).await;
    assert_eq!(page.status, 200);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );
    assert!(page.text.contains("swagger-ui"), "{}", page.text);
    for attribute in [
        "src=\"http",
        "href=\"http",
        "src='http",
        "href='http",
        "src=\"//",
        "href=\"//",
    ] {
        assert!(
            !page.text.contains(attribute),
            "the page loads a remote asset ({attribute})"
        );
    }
    let initializer = app.get("/docs/swagger-initializer.js", None).await;
    assert_eq!(initializer.status, 200);
    assert!(
        initializer.text.contains("/openapi.json"),
        "{}",
        initializer.text
    );
    let bundle = app.get("/docs/swagger-ui-bundle.js", None).await;
    assert_eq!(bundle.status, 200);
    assert!(
        bundle.text.len() > 100_000,
        "the UI bundle is served from the binary"
    );
}

/// Where in a schema tree an object is declared with no members at all (`{"type": "object"}`),
/// which tells a client generator nothing.
fn untyped_objects(value: &Value, at: &str, found: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            let described = [
                "properties",
                "additionalProperties",
                "$ref",
                "allOf",
                "oneOf",
                "anyOf",
            ]
            .iter()
            .any(|key| members.contains_key(*key));
            if members.get("type") == Some(&Value::from("object")) && !described {
                found.push(at.to_owned());
            }
            for (key, member) in members {
                untyped_objects(member, &format!("{at}/{key}"), found);
            }
        }
        Value::Array(items) => {
            for (position, item) in items.iter().enumerate() {
                untyped_objects(item, &format!("{at}/{position}"), found);
            }
        }
        _ => {}
    }
}

#[test]
fn every_operation_has_its_own_id_and_no_schema_is_an_untyped_object() {
    let document: Value = serde_json::from_str(include_str!("../../openapi/openapi.json")).unwrap();
    let mut ids = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str();
            assert!(
                id.is_some_and(|id| !id.is_empty()),
                "{method} {path} has no operationId"
            );
            ids.push(id.unwrap().to_owned());
        }
    }
    assert!(ids.len() >= 40, "only {} operations", ids.len());
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "operation ids repeat: {ids:?}");
    let mut untyped = Vec::new();
    untyped_objects(&document["paths"], "/paths", &mut untyped);
    untyped_objects(&document["components"], "/components", &mut untyped);
    assert!(untyped.is_empty(), "untyped objects: {untyped:?}");
}
