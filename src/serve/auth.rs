//! Bearer tokens: with `--token-file`, writes need `Authorization: Bearer TOKEN`, and
//! with `--token-for-reads` so do reads. The page, its files and `/v1/health` stay open
//! (a browser must load the page to type the token in; a load balancer must probe).

use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::State as AppState;
use super::errors::ApiError;

/// Paths anyone may read, token or not.
fn is_open(path: &str) -> bool {
    path == "/v1/health" || page_path(path)
}

fn page_path(path: &str) -> bool {
    super::page::FILES.iter().any(|(p, _, _)| *p == path)
}

/// Whether the request changes the index.
fn is_write(method: &Method, path: &str) -> bool {
    path.starts_with("/v1/profiles/") && (method == Method::PUT || method == Method::DELETE)
}

/// The layer: refuse a request that needs the token and lacks it (401).
pub(crate) async fn check(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(token) = state.options.token.as_deref() else {
        return next.run(request).await;
    };
    let path = request.uri().path();
    let needs = is_write(request.method(), path)
        || (state.options.token_for_reads && !is_open(path) && request.method() != Method::OPTIONS);
    if !needs {
        return next.run(request).await;
    }
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        Some(given) if same(given.as_bytes(), token.as_bytes()) => next.run(request).await,
        Some(_) => ApiError::unauthorized("the bearer token is wrong").into_response(),
        None => ApiError::unauthorized(
            "this request needs `Authorization: Bearer TOKEN` (the token of --token-file)",
        )
        .into_response(),
    }
}

/// Equal bytes, in time that depends on the lengths only, not on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // Keep the optimiser from turning the fold into an early exit.
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(same(b"secret-token", b"secret-token"));
        assert!(!same(b"secret-token", b"secret-tokeN"));
        assert!(!same(b"secret", b"secret-token"));
        assert!(!same(b"", b"x"));
    }

    #[test]
    fn only_profile_puts_and_deletes_are_writes() {
        assert!(is_write(&Method::PUT, "/v1/profiles/a"));
        assert!(is_write(&Method::DELETE, "/v1/profiles/a/b"));
        assert!(!is_write(&Method::GET, "/v1/profiles/a"));
        assert!(!is_write(&Method::POST, "/v1/match"));
    }
}
