//! The committed contract is what the server serves, and its documentation UI needs no network.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use common::spawn_app;

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
