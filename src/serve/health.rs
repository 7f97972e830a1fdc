//! `/v1/health` (is the index there, how big, last commit) and `/metrics`.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::ToSchema;

use super::errors::{ApiError, ErrorBody};
use super::{State as AppState, blocking};
use crate::index::SCHEMA_VERSION;

/// The service's state.
#[derive(Serialize, ToSchema)]
pub(crate) struct Health {
    /// `ok`.
    pub status: String,
    /// Profiles in the index.
    pub documents: u64,
    /// The index schema version this server reads and writes.
    pub schema_version: u32,
    /// When the index last changed (its last commit, by this server or before it
    /// started), RFC 3339 UTC; absent with no index yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_commit: Option<String>,
    /// Commits this server has made, and the writes they held.
    pub commits: u64,
    /// Writes committed by this server.
    pub writes: u64,
    /// Bytes the index takes on disk.
    pub index_bytes: u64,
}

/// Whether the service is up, and its index.
#[utoipa::path(
    get,
    path = "/v1/health",
    responses(
        (status = 200, description = "Up", body = Health),
        (status = 409, description = "The index has another schema version", body = ErrorBody),
    ),
    tag = "service"
)]
pub(crate) async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let s = Arc::clone(&state);
    blocking(move || {
        let dir = s.matcher.index_dir();
        let documents = match s.matcher.index_exists() {
            true => s.matcher.profile_count().map_err(ApiError::from_read)?,
            false => 0,
        };
        let stats = &s.writer.stats;
        let last = *stats.last_commit.lock().unwrap_or_else(|e| e.into_inner());
        let last = last.or_else(|| {
            std::fs::metadata(dir.join("meta.json"))
                .and_then(|m| m.modified())
                .ok()
        });
        Ok(Json(Health {
            status: "ok".into(),
            documents,
            schema_version: SCHEMA_VERSION,
            last_commit: last.map(rfc3339),
            commits: stats.commits.load(Ordering::Relaxed),
            writes: stats.writes.load(Ordering::Relaxed),
            index_bytes: dir_bytes(dir),
        }))
    })
    .await
}

/// Prometheus metrics.
#[utoipa::path(
    get,
    path = "/metrics",
    responses(
        (status = 200, description = "Prometheus text format", body = String,
         content_type = "text/plain; version=0.0.4"),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
    ),
    tag = "service"
)]
pub(crate) async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let s = Arc::clone(&state);
    let text = blocking(move || {
        let mut out = String::new();
        s.metrics.render(&mut out);
        let stats = &s.writer.stats;
        let documents = match s.matcher.index_exists() {
            true => s.matcher.profile_count().unwrap_or(0),
            false => 0,
        };
        let gauges: [(&str, &str, &str, f64); 8] = [
            (
                "matcher_index_documents",
                "gauge",
                "Profiles in the index.",
                documents as f64,
            ),
            (
                "matcher_index_bytes",
                "gauge",
                "Bytes the index takes on disk.",
                dir_bytes(s.matcher.index_dir()) as f64,
            ),
            (
                "matcher_commits_total",
                "counter",
                "Commits made by the writer (each holds a group of writes).",
                stats.commits.load(Ordering::Relaxed) as f64,
            ),
            (
                "matcher_writes_total",
                "counter",
                "Writes (upserts and deletes) committed.",
                stats.writes.load(Ordering::Relaxed) as f64,
            ),
            (
                "matcher_write_failures_total",
                "counter",
                "Writes whose commit failed.",
                stats.failed.load(Ordering::Relaxed) as f64,
            ),
            (
                "matcher_commit_seconds_total",
                "counter",
                "Time spent committing.",
                stats.commit_micros.load(Ordering::Relaxed) as f64 / 1e6,
            ),
            (
                "matcher_ranking_permits",
                "gauge",
                "Rankings admitted at once (one a core): a match holds one, a batch all.",
                f64::from(s.ranking_permits),
            ),
            (
                "matcher_ranking_permits_in_use",
                "gauge",
                "Admission permits held now by matches and batches.",
                (s.ranking_permits as usize).saturating_sub(s.ranking.available_permits()) as f64,
            ),
        ];
        for (name, kind, help, value) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        }
        Ok(out)
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text))
}

/// Bytes of the files directly in `dir` (Tantivy keeps its segments flat).
fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// `t` as RFC 3339 UTC, to the second: the audit log's calendar, without its
/// milliseconds.
fn rfc3339(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    let full = crate::audit::rfc3339(secs, 0);
    format!("{}Z", &full[..19])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn rfc3339_of_known_instants() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_796_076_000);
        assert_eq!(rfc3339(t), "2026-11-30T22:00:00Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339(leap), "2000-02-29T00:00:00Z");
    }
}
