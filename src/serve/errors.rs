//! Every error the service answers, and its status code — in this one place.
//!
//! The body is always `{"error": {"kind": …, "message": …}}`; `kind` is a stable word a
//! client can branch on, `message` says what to fix in the words the CLI uses.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{Error, ErrorKind};

/// An error answer.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub message: String,
}

/// The JSON body of an error answer.
#[derive(Serialize, ToSchema)]
pub(crate) struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Serialize, ToSchema)]
pub(crate) struct ErrorDetail {
    /// `bad_input` (400), `unauthorized` (401), `not_found` (404), `timeout` (408),
    /// `too_large` (413), `unsupported_type` (415), `schema_mismatch` (409),
    /// `unavailable` (503) or `internal` (500).
    pub kind: String,
    /// What is wrong, in words a user can act on.
    pub message: String,
}

impl ApiError {
    fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            kind,
            message: message.into(),
        }
    }

    pub fn bad_input(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_input", message)
    }

    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn too_large(limit: u64) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the body is larger than the limit of {limit} bytes (--max-file-size)"),
        )
    }

    pub fn unsupported_type(message: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_type",
            message,
        )
    }

    pub fn unavailable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    /// A library error met while reading (matching, listing).
    pub fn from_read(err: Error) -> ApiError {
        match err.kind() {
            ErrorKind::SchemaMismatch { .. } => {
                ApiError::new(StatusCode::CONFLICT, "schema_mismatch", err.to_string())
            }
            ErrorKind::Input { .. } | ErrorKind::Usage(_) => ApiError::bad_input(err.to_string()),
            ErrorKind::NoIndex(_) => {
                ApiError::not_found(format!("{err} (or upload a profile: PUT /v1/profiles/ID)"))
            }
            _ => ApiError::internal(err.to_string()),
        }
    }

    /// A library error met while committing a write: the index cannot be written.
    pub fn from_write(err: &Error) -> ApiError {
        match err.kind() {
            ErrorKind::SchemaMismatch { .. } => {
                ApiError::new(StatusCode::CONFLICT, "schema_mismatch", err.to_string())
            }
            ErrorKind::Input { .. } | ErrorKind::Usage(_) => ApiError::bad_input(err.to_string()),
            _ => ApiError::unavailable(format!("the index cannot be written now: {err}")),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                kind: self.kind.to_string(),
                message: self.message,
            },
        };
        (self.status, axum::Json(body)).into_response()
    }
}

/// A request body that could not be read: over the size limit, or cut off.
pub(crate) fn body_error(err: axum::extract::rejection::BytesRejection, limit: u64) -> ApiError {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::too_large(limit)
    } else {
        ApiError::bad_input(format!("cannot read the request body: {err}"))
    }
}

/// Any path no route serves.
pub(crate) async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!("no such route: {}", uri.path()))
}
