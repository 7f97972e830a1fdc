//! `/openapi.json`: the API described from its own types (utoipa), not written by hand.
//!
//! Every handler carries a `#[utoipa::path]` next to it and every body type derives
//! `ToSchema` — the library's [`Ranking`](crate::Ranking) included — so the document
//! changes when the code does. `tests/serve_api.rs` validates it and checks that every
//! route of the router is in it.

use axum::http::header;
use axum::response::IntoResponse;
use utoipa::OpenApi;

use super::{health, matching, profiles};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "matcher",
        description = "Candidate–job matching: upload résumés, rank them against a job, \
                       with explanations. Writes are answered once committed."
    ),
    paths(
        profiles::put,
        profiles::get_one,
        profiles::delete,
        profiles::list,
        matching::match_one,
        matching::match_batch,
        health::health,
        health::metrics,
        document,
    ),
    modifiers(&Security),
    tags(
        (name = "profiles", description = "Résumés in the index"),
        (name = "match", description = "Rank the profiles against jobs"),
        (name = "service", description = "Health, metrics and this document"),
    )
)]
struct Api;

/// The bearer scheme writes use with `--token-file`.
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document, as JSON.
pub(crate) fn openapi_json() -> String {
    Api::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")),
    tag = "service"
)]
pub(crate) async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json())
}
