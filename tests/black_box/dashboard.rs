//! The dashboard is served from the binary: `/` leads to `/ui`, the page loads only this
//! server's files (no http:// or https:// asset), every module it imports is served, and the
//! Content-Security-Policy keeps the browser from fetching anything elsewhere.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use std::collections::BTreeSet;

use actix_web::test::{self, TestRequest};
use common::spawn_app;

async fn fetch(
    app: &common::TestApp<
        impl actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
            Error = actix_web::Error,
        >,
    >,
    path: &str,
) -> (u16, Vec<(String, String)>, String) {
    let response =
        test::call_service(&app.service, TestRequest::get().uri(path).to_request()).await;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let body = String::from_utf8(test::read_body(response).await.to_vec()).expect("UTF-8 body");
    (status, headers, body)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
        .unwrap_or_default()
}

/// `src="..."`, `href="..."` and `from "..."` references in a file's text.
fn references(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for marker in ["src=\"", "href=\"", "from \"", "import(\""] {
        let mut rest = text;
        while let Some(start) = rest.find(marker) {
            let after = &rest[start + marker.len()..];
            let end = after.find('"').unwrap_or(after.len());
            found.push(after[..end].to_owned());
            rest = &after[end..];
        }
    }
    found
}

#[actix_web::test]
async fn the_root_redirects_to_the_dashboard() {
    let app = spawn_app().await;
    let (status, headers, _) = fetch(&app, "/").await;
    assert_eq!(status, 302);
    assert_eq!(header(&headers, "location"), "/ui");
}

#[actix_web::test]
async fn the_dashboard_is_html_that_loads_no_asset_from_another_host() {
    let app = spawn_app().await;
    let (status, headers, page) = fetch(&app, "/ui").await;
    assert_eq!(status, 200);
    assert!(header(&headers, "content-type").starts_with("text/html"));
    assert!(page.contains("<script type=\"module\" src=\"/ui/app.js\">"));
    for reference in references(&page) {
        assert!(
            !reference.starts_with("http://")
                && !reference.starts_with("https://")
                && !reference.starts_with("//"),
            "the page loads {reference}"
        );
    }
    assert!(!page.contains("http://") && !page.contains("https://"));
    let policy = header(&headers, "content-security-policy");
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert!(policy.contains("connect-src 'self'"), "{policy}");
    assert!(policy.contains("script-src 'self'"), "{policy}");
    let (status, _, same) = fetch(&app, "/ui/").await;
    assert_eq!((status, same), (200, page));
}

#[actix_web::test]
async fn every_script_and_style_the_page_uses_is_served_and_fetches_nothing_elsewhere() {
    let app = spawn_app().await;
    let (_, _, page) = fetch(&app, "/ui").await;
    let mut pending: Vec<String> = references(&page)
        .into_iter()
        .filter(|reference| reference.starts_with("/ui/"))
        .collect();
    let mut seen = BTreeSet::new();
    while let Some(path) = pending.pop() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let (status, headers, text) = fetch(&app, &path).await;
        assert_eq!(status, 200, "{path}");
        let content_type = header(&headers, "content-type");
        if path.ends_with(".js") {
            assert!(
                content_type.starts_with("text/javascript"),
                "{path}: {content_type}"
            );
            for import in references(&text) {
                let name = import.trim_start_matches("./");
                assert!(!name.contains('/'), "{path} imports {import}");
                pending.push(format!("/ui/{name}"));
            }
            // The one URL a script may name is the SVG namespace, which is an identifier.
            let without_namespace = text.replace("\"http://www.w3.org/2000/svg\"", "");
            assert!(
                !without_namespace.contains("http://") && !without_namespace.contains("https://"),
                "{path} names another host"
            );
        } else if path.ends_with(".css") {
            assert!(
                content_type.starts_with("text/css"),
                "{path}: {content_type}"
            );
            assert!(
                !text.contains("url(http") && !text.contains("@import"),
                "{path}"
            );
        }
    }
    for expected in [
        "/ui/style.css",
        "/ui/app.js",
        "/ui/verify.js",
        "/ui/evidence.js",
    ] {
        assert!(
            seen.contains(expected),
            "{expected} is not reached from the page: {seen:?}"
        );
    }
    let (status, headers, table) = fetch(&app, "/ui/gb3838.json").await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), "application/json");
    assert!(table.contains("\"codmn\""));
}

#[actix_web::test]
async fn an_unknown_dashboard_file_is_a_problem_404() {
    let app = spawn_app().await;
    let reply = app.get("/ui/missing.js", None).await;
    reply.problem_pointers(404);
    let reply = app.get("/ui/..%2Fsrc%2Fmain.rs", None).await;
    reply.problem_pointers(404);
}
