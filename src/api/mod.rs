//! HTTP layer (actix-web): startup, auth extractor, problem+json errors, one module per resource.

pub mod agreements;
pub mod auth;
mod balances;
pub mod checks;
pub mod health;
mod imports;
pub mod json;
mod log;
pub mod metrics;
pub mod openapi;
pub mod pagination;
pub mod problem;
pub mod rate_limit;
pub mod readings;
mod registry;
pub mod schemas;
pub mod settlements;
pub mod state;
pub mod telemetry;
mod tokens;
mod ui;

/// The log-read access decision (`LOG_READ`), shared by every endpoint serving the log's
/// public material (tiles, receipts).
pub use crate::model::access::LogRead;
pub use log::access::{needs_token, LogReader};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpRequest, HttpResponse};
use utoipa::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{scope, AppExt};
use utoipa_swagger_ui::SwaggerUi;

use self::problem::ApiError;
use self::state::AppState;

/// Every route of the service, registered through utoipa so each lands in the OpenAPI document.
fn services(config: &mut ServiceConfig) {
    config
        .service(health::healthz)
        .service(telemetry::metrics)
        .service(
            scope::scope("/v1")
                .configure(registry::configure)
                .configure(readings::configure)
                .configure(imports::configure)
                .configure(log::configure)
                .configure(agreements::configure)
                .configure(settlements::configure)
                .configure(balances::configure)
                .configure(tokens::configure),
        );
}

/// The OpenAPI document exactly as the server serves it at `/openapi.json`.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, document) = App::new()
        .into_utoipa_app()
        .openapi(openapi::ApiDoc::openapi())
        .configure(services)
        .split_for_parts();
    document
}

/// The whole application: routes, documentation UI, error handlers and metrics.
pub fn build_app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, document) = App::new()
        .into_utoipa_app()
        .openapi(openapi::ApiDoc::openapi())
        .app_data(state)
        .app_data(web::PayloadConfig::new(json::REQUEST_BODY_BYTES_MAX))
        .app_data(web::QueryConfig::default().error_handler(|error, _| {
            ApiError::invalid_parameter("query", error.to_string()).into()
        }))
        .app_data(
            web::PathConfig::default()
                .error_handler(|error, _| ApiError::NotFound(error.to_string()).into()),
        )
        .configure(services)
        .split_for_parts();
    app.service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", document))
        .route("/docs", web::get().to(redirect_to_docs))
        .configure(ui::configure)
        .default_service(web::to(not_found))
        .wrap(from_fn(telemetry::record))
}

async fn redirect_to_docs() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header(("Location", "/docs/"))
        .finish()
}

async fn not_found(request: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound(format!(
        "no resource at {} {}",
        request.method(),
        request.path()
    )))
}
