//! Limits: per-token rate limiting and page sizes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use basin_ledger::api::rate_limit::RateLimit;
use basin_ledger::model::access::Role;
use common::spawn_app_configured;

#[actix_web::test]
async fn a_token_over_its_rate_gets_429_with_retry_after_and_others_are_unaffected() {
    let app = spawn_app_configured(|state| {
        state.with_rate_limit(RateLimit {
            requests_per_second: 1,
            burst_requests: 3,
        })
    })
    .await;
    let auditor = app.token(Role::Auditor, None);
    for _ in 0..3 {
        assert_eq!(app.get("/v1/basins", Some(&auditor)).await.status, 200);
    }
    let request = actix_web::test::TestRequest::get()
        .uri("/v1/basins")
        .insert_header(("Authorization", format!("Bearer {auditor}")));
    let response = actix_web::test::call_service(&app.service, request.to_request()).await;
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers().get("Retry-After").unwrap(), "1");
    assert_eq!(
        response.headers().get("Content-Type").unwrap(),
        "application/problem+json"
    );
    // Another token has its own budget.
    assert_eq!(
        app.get("/v1/basins", Some(&app.admin_token.clone()))
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn page_sizes_are_clamped_to_1000_and_zero_is_refused() {
    let app = common::spawn_app().await;
    let admin = app.admin_token.clone();
    assert_eq!(
        app.get("/v1/basins?limit=0", Some(&admin))
            .await
            .problem_pointers(422),
        ["limit"]
    );
    assert_eq!(
        app.get("/v1/basins?limit=99999999999999999999", Some(&admin))
            .await
            .status,
        200
    );
    assert_eq!(
        app.get("/v1/basins?cursor=%%%", Some(&admin))
            .await
            .problem_pointers(422),
        ["cursor"]
    );
}
