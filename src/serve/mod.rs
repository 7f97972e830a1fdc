//! `matcher serve`: the engine over HTTP, and the recruiter's page at `/`.
//!
//! A thin client of [`Matcher`], like the CLI: the library stays synchronous, and the
//! server runs its calls on tokio's blocking pool (reads) or on one writer thread
//! (writes, [`writer`]). Each resource has its file — `profiles`, `matching`, `health`
//! (with `/metrics`) — errors become status codes in one place ([`errors`]), the
//! OpenAPI document is generated from the request and response types ([`openapi`]),
//! and the page's static files are compiled in ([`page`]).
//!
//! Durability: a 2xx answer to a write is sent after the Tantivy commit that holds it.
//! Concurrent writes are grouped into one commit (group commit), so throughput does not
//! pay one commit each. SIGTERM (or Ctrl-C) stops accepting, lets in-flight requests
//! finish, commits what the writer holds and returns; SIGKILL loses nothing answered,
//! because Tantivy's commit is atomic.
//!
//! Safe by default: loopback address, body size limit, request timeout, CORS off, no
//! résumé text or personal data in the log (method, route, id, status and time only),
//! and with a token file, writes (and with `token_for_reads`, reads) need
//! `Authorization: Bearer`, compared in constant time.

mod auth;
mod errors;
mod health;
mod matching;
mod metrics;
mod openapi;
mod page;
mod profiles;
mod writer;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::engine::Matcher;
use crate::error::{Error, ErrorKind, Result};
use crate::ingest::DEFAULT_MAX_FILE_BYTES;

/// How `matcher serve` runs.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The address to listen on. By default, `127.0.0.1:7700` (loopback only).
    pub addr: SocketAddr,
    /// The bearer token writes need (read from `--token-file`). By default, none: no
    /// authentication.
    pub token: Option<String>,
    /// Whether reads (matching, listing, metrics) need the token too. By default, no.
    pub token_for_reads: bool,
    /// The largest request body, in bytes (a résumé, a job, a batch). By default,
    /// [`DEFAULT_MAX_FILE_BYTES`] (20 MiB).
    pub max_body_bytes: u64,
    /// How long a request may take before it is answered 408. By default, 30 s.
    pub request_timeout: Duration,
    /// Origins allowed to call the API from a browser (CORS). By default, none.
    pub cors_origins: Vec<String>,
    /// Log one line per request to stderr (method, route, id, status, time). By
    /// default, yes.
    pub log: bool,
    /// Where the index lives, shown by `/v1/health`.
    pub index_dir: PathBuf,
    /// Whether a match searches by meaning too when the request does not say
    /// (`semantic=`). By default, yes; no answers by words alone, several times cheaper
    /// (docs/PERFORMANCE.md).
    pub semantic: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 7700)),
            token: None,
            token_for_reads: false,
            max_body_bytes: DEFAULT_MAX_FILE_BYTES,
            request_timeout: Duration::from_secs(30),
            cors_origins: Vec::new(),
            semantic: true,
            log: true,
            index_dir: PathBuf::from("index"),
        }
    }
}

/// What every handler shares.
pub(crate) struct AppState {
    pub matcher: Arc<Matcher>,
    pub writer: writer::Writer,
    pub metrics: metrics::Metrics,
    pub options: ServeOptions,
    /// Admission to ranking, one permit a core, granted in arrival order: a ranking
    /// already keeps every core busy, so more at once only share the cores and finish
    /// later, some much later (unadmitted, a match's p99 was 2.0 s against a p50 of
    /// 0.47 s at 100k; admitted, 0.74 against 0.65; two permits a core: fewer req/s and
    /// a longer p99 than one, docs/PERFORMANCE.md).
    pub ranking: tokio::sync::Semaphore,
    /// How many permits `ranking` holds: a batch takes them all for each of its chunks.
    pub ranking_permits: u32,
}

type State = Arc<AppState>;

/// Serve `matcher` over HTTP until SIGTERM or Ctrl-C; then finish in-flight requests,
/// commit pending writes and return.
///
/// Prints `listening on http://ADDR` to stderr once the socket is bound (tests and
/// scripts wait for that line; with port 0 it names the port chosen).
pub fn serve(matcher: Matcher, options: ServeOptions) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(std::thread::available_parallelism().map_or(2, |n| n.get()))
        .thread_name("serve")
        .enable_all()
        .build()
        .map_err(|e| Error::io(&options.index_dir, e))?;
    let matcher = Arc::new(matcher);
    // Open the index now, so that a broken one is said at startup. One of another
    // schema version is said too, but served: every request answers 409 with how to
    // rebuild it, which a client can act on.
    if matcher.index_exists()
        && let Err(e) = matcher.profile_count()
    {
        if !matches!(e.kind(), ErrorKind::SchemaMismatch { .. }) {
            return Err(e);
        }
        eprintln!("matcher: warning: {e}; requests are answered 409 until then");
    }
    let (writer, writer_thread) = writer::Writer::start(Arc::clone(&matcher));
    let permits = std::thread::available_parallelism().map_or(2, |n| n.get());
    let state = Arc::new(AppState {
        matcher,
        writer,
        metrics: metrics::Metrics::default(),
        options: options.clone(),
        ranking: tokio::sync::Semaphore::new(permits),
        ranking_permits: u32::try_from(permits).unwrap_or(u32::MAX),
    });
    let result = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(options.addr)
            .await
            .map_err(|e| Error::usage(format!("cannot listen on {}: {e}", options.addr)))?;
        let local = listener
            .local_addr()
            .map_err(|e| Error::usage(format!("cannot listen on {}: {e}", options.addr)))?;
        eprintln!("matcher: listening on http://{local}");
        axum::serve(listener, router(Arc::clone(&state)))
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(|e| Error::usage(format!("server error: {e}")))
    });
    // Every connection is closed: commit what the writer still holds, then stop it.
    state.writer.stop();
    let _ = writer_thread.join();
    if let Err(e) = state.matcher.close_writer() {
        eprintln!("matcher: warning: finishing the index's merges: {e}");
    }
    eprintln!("matcher: stopped");
    result
}

/// The application: every route, the page, and the layers around them.
fn router(state: State) -> Router {
    let options = &state.options;
    let api = Router::new()
        .route("/v1/profiles", get(profiles::list))
        .route(
            "/v1/profiles/{*id}",
            get(profiles::get_one)
                .put(profiles::put)
                .delete(profiles::delete),
        )
        .route("/v1/match", post(matching::match_one))
        .route("/v1/match/batch", post(matching::match_batch))
        .route("/v1/health", get(health::health))
        .route("/metrics", get(health::metrics))
        .route("/openapi.json", get(openapi::document))
        .merge(page::routes())
        .fallback(errors::not_found)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            auth::check,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            metrics::record,
        ))
        // The body limit is checked by the handlers' extractors (answered 413 as JSON).
        .layer(DefaultBodyLimit::max(
            usize::try_from(options.max_body_bytes).unwrap_or(usize::MAX),
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            options.request_timeout,
        ));
    let api = match cors(&options.cors_origins) {
        Some(layer) => api.layer(layer),
        None => api,
    };
    api.with_state(state)
}

fn cors(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allowed: Vec<axum::http::HeaderValue> =
        origins.iter().filter_map(|o| o.parse().ok()).collect();
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(allowed))
            .allow_methods(tower_http::cors::Any)
            .allow_headers(tower_http::cors::Any),
    )
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    eprintln!("matcher: shutting down: finishing requests and committing");
}

/// Run a library call on tokio's blocking pool, a panic becoming an internal error.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> std::result::Result<T, errors::ApiError> + Send + 'static,
) -> std::result::Result<T, errors::ApiError> {
    match tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
    })
    .await
    {
        Ok(Ok(result)) => result,
        _ => Err(errors::ApiError::internal(
            "internal error while handling this request",
        )),
    }
}
