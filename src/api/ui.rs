//! The dashboard: a read-only page at `/ui` (and `/` redirecting to it) whose HTML, CSS and
//! JavaScript are compiled into the binary, so it works with no network but the server's own API.
//! The Content-Security-Policy lets the page load and fetch only from this server. It is not an
//! API operation, so it stays out of the OpenAPI document.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::problem::ApiError;

/// One embedded file: the name under `/ui/`, its media type and its bytes.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

/// The page's files. `gb3838.json` is the domain crate's own table, so the chart's class limits
/// are the ones the server classifies with.
const ASSETS: &[Asset] = &[
    Asset {
        name: "index.html",
        content_type: "text/html; charset=utf-8",
        bytes: include_bytes!("../../ui/index.html"),
    },
    Asset {
        name: "style.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../ui/style.css"),
    },
    Asset {
        name: "app.js",
        content_type: JAVASCRIPT,
        bytes: include_bytes!("../../ui/app.js"),
    },
    Asset {
        name: "api.js",
        content_type: JAVASCRIPT,
        bytes: include_bytes!("../../ui/api.js"),
    },
    Asset {
        name: "dom.js",
        content_type: JAVASCRIPT,
        bytes: include_bytes!("../../ui/dom.js"),
    },
    Asset {
        name: "i18n.js",
        content_type: JAVASCRIPT,
        bytes: include_bytes!("../../ui/i18n.js"),
    },
    Asset {
        name: "money.js",
        content_type: JAVASCRIPT,
        bytes: include_bytes!("../../ui/money.js"),
    },
    Asset {
        name: "diagram.js",
        content_type: JAVASCRIPT,
        bytes: include_bytes!("../../ui/diagram.js"),
    },
    Asset {
        name: "chart.js",
        content_type: JAVASCRIPT,
        bytes: include_bytes!("../../ui/chart.js"),
    },
    Asset {
        name: "overview.js",
        content_type: JAVASCRIPT,
        bytes: include_bytes!("../../ui/overview.js"),
    },
    Asset {
        name: "section.js",
        content_type: JAVASCRIPT,
        bytes: include_bytes!("../../ui/section.js"),
    },
    Asset {
        name: "settlement.js",
        content_type: JAVASCRIPT,
        bytes: include_bytes!("../../ui/settlement.js"),
    },
    Asset {
        name: "explanation.js",
        content_type: JAVASCRIPT,
        bytes: include_bytes!("../../ui/explanation.js"),
    },
    Asset {
        name: "cosign.js",
        content_type: JAVASCRIPT,
        bytes: include_bytes!("../../ui/cosign.js"),
    },
    Asset {
        name: "witnesses.js",
        content_type: JAVASCRIPT,
        bytes: include_bytes!("../../ui/witnesses.js"),
    },
    Asset {
        name: "verification.js",
        content_type: JAVASCRIPT,
        bytes: include_bytes!("../../ui/verification.js"),
    },
    Asset {
        name: "evidence.js",
        content_type: JAVASCRIPT,
        bytes: include_bytes!("../../ui/evidence.js"),
    },
    Asset {
        name: "verify.js",
        content_type: JAVASCRIPT,
        bytes: include_bytes!("../../ui/verify.js"),
    },
    Asset {
        name: "gb3838.json",
        content_type: "application/json",
        bytes: include_bytes!("../../crates/domain/data/gb3838.json"),
    },
];

/// Only this server: scripts, styles and fetches from the same origin, nothing inline.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/", web::get().to(redirect_to_ui))
        .route("/ui", web::get().to(index))
        .route("/ui/", web::get().to(index))
        .route("/ui/{asset}", web::get().to(asset));
}

async fn redirect_to_ui() -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, "/ui"))
        .finish()
}

async fn index() -> Result<HttpResponse, ApiError> {
    serve("index.html")
}

async fn asset(name: web::Path<String>) -> Result<HttpResponse, ApiError> {
    serve(&name)
}

fn serve(name: &str) -> Result<HttpResponse, ApiError> {
    let asset = ASSETS
        .iter()
        .find(|asset| asset.name == name)
        .ok_or_else(|| ApiError::NotFound(format!("no dashboard file {name:?}")))?;
    Ok(HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        // Small files that change with the binary: revalidating costs little and never shows
        // a page from an older server.
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(asset.bytes))
}
