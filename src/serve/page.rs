//! The recruiter's page at `/`: three static files compiled into the binary (no
//! front-end server, no CDN, no bundler). The page is a client of the same JSON API.

use axum::Router;
use axum::http::header;
use axum::routing::get;

use super::State;

/// Path, content type and content of each file of the page.
pub(crate) const FILES: &[(&str, &str, &str)] = &[
    (
        "/",
        "text/html; charset=utf-8",
        include_str!("page/index.html"),
    ),
    (
        "/app.js",
        "text/javascript; charset=utf-8",
        include_str!("page/app.js"),
    ),
    (
        "/style.css",
        "text/css; charset=utf-8",
        include_str!("page/style.css"),
    ),
];

/// A route for each file.
pub(crate) fn routes() -> Router<State> {
    let mut router = Router::new();
    for &(path, kind, body) in FILES {
        router = router.route(
            path,
            get(move || async move {
                (
                    [
                        (header::CONTENT_TYPE, kind),
                        (
                            header::CONTENT_SECURITY_POLICY,
                            "default-src 'self'; img-src 'self' data:; style-src 'self'",
                        ),
                        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                    ],
                    body,
                )
            }),
        );
    }
    router
}
