//! The OpenAPI document's frame: info, security scheme, shared schemas. Paths are collected
//! from the registered handlers (utoipa-actix-web), so the document cannot drift from the routes.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::problem::{FieldProblem, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "basin-ledger",
        description = "Tamper-evident ledger for bidirectional ecological compensation between upstream and downstream jurisdictions (Beijing–Hebei water-quality agreements). Errors are application/problem+json (RFC 9457).",
        license(name = "Apache-2.0")
    ),
    components(schemas(Problem, FieldProblem)),
    modifiers(&BearerAuth),
    tags(
        (name = "registry", description = "Jurisdictions, basins, sections and stations"),
        (name = "readings", description = "Station readings (GB 3838-2002 parameters), evidence and assessment"),
        (name = "agreements", description = "Compensation agreements and their versions"),
        (name = "settlements", description = "Signed settlements: issue, acknowledge, dispute, pay"),
        (name = "log", description = "The signed audit log: entries, checkpoints, proofs and the ledger's keys"),
        (name = "tokens", description = "Access tokens: mint, list and revoke (admins)"),
        (name = "operations", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}
