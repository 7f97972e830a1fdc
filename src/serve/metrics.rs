//! Request counts and latency histograms per route, for `/metrics` (Prometheus text).
//!
//! Routes are recorded by their template (`/v1/profiles/{*id}`), never by the path a
//! request carried, so the series stay few and no id lands in them. The same layer
//! writes the request log line: method, route, id, status and time — nothing of a body.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::State as AppState;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Series {
    /// Requests by status code.
    by_status: BTreeMap<u16, u64>,
    /// Cumulative counts per bucket, and the `+Inf` count last.
    buckets: Vec<u64>,
    sum_seconds: f64,
    count: u64,
}

/// Every route's series, keyed by (method, route).
#[derive(Default)]
pub(crate) struct Metrics {
    series: Mutex<BTreeMap<(String, String), Series>>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut all = self.series.lock().unwrap_or_else(|e| e.into_inner());
        let s = all
            .entry((method.to_string(), route.to_string()))
            .or_default();
        if s.buckets.is_empty() {
            s.buckets = vec![0; BUCKETS.len() + 1];
        }
        *s.by_status.entry(status).or_default() += 1;
        for (i, &le) in BUCKETS.iter().enumerate() {
            if seconds <= le {
                s.buckets[i] += 1;
            }
        }
        s.buckets[BUCKETS.len()] += 1;
        s.sum_seconds += seconds;
        s.count += 1;
    }

    /// The request series in Prometheus text format.
    pub fn render(&self, out: &mut String) {
        let all = self.series.lock().unwrap_or_else(|e| e.into_inner());
        out.push_str(
            "# HELP matcher_http_requests_total HTTP requests answered, by route and status.\n",
        );
        out.push_str("# TYPE matcher_http_requests_total counter\n");
        for ((method, route), s) in all.iter() {
            for (status, n) in &s.by_status {
                let _ = writeln!(
                    out,
                    "matcher_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP matcher_http_request_duration_seconds Time to answer, by route.\n");
        out.push_str("# TYPE matcher_http_request_duration_seconds histogram\n");
        for ((method, route), s) in all.iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\"");
            for (i, le) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "matcher_http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {}",
                    s.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "matcher_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.buckets[BUCKETS.len()]
            );
            let _ = writeln!(
                out,
                "matcher_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum_seconds
            );
            let _ = writeln!(
                out,
                "matcher_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
    }
}

/// The layer: time the request, count it under its route, log one line.
pub(crate) async fn record(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let start = Instant::now();
    let method = request.method().as_str().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_string();
    // The id of a profile route (ids are not personal data; a name in an id would be
    // the caller's choice). Other paths are logged by route only.
    let id = route.starts_with("/v1/profiles/").then(|| {
        request
            .uri()
            .path()
            .trim_start_matches("/v1/profiles/")
            .to_string()
    });
    let response = next.run(request).await;
    let elapsed = start.elapsed();
    let status = response.status().as_u16();
    state
        .metrics
        .observe(&method, &route, status, elapsed.as_secs_f64());
    if state.options.log {
        eprintln!(
            "matcher: {method} {route}{} {status} {:.1}ms",
            id.map(|id| format!(" id={id}")).unwrap_or_default(),
            elapsed.as_secs_f64() * 1e3
        );
    }
    response
}
