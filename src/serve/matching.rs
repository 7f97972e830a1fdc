//! `/v1/match` and `/v1/match/batch`: rank the indexed profiles against jobs.
//!
//! A job arrives as a raw body (its `Content-Type` telling the format, as for a
//! profile) with the options as query parameters, or as a JSON object holding the job
//! text and the options. The answer is the library's [`Ranking`], explanations and all.

use std::collections::HashSet;
use std::sync::Arc;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::errors::{ApiError, ErrorBody, body_error};
use super::profiles::{format_of, read_body};
use super::{State as AppState, blocking};
use crate::engine::Matcher;
use crate::ingest::{Format, Stated};
use crate::job::Job;
use crate::rank::{Explanation, RankOptions, Ranking};

/// The most results one ranking returns.
const MAX_TOP: usize = 1000;

/// Ranking options, as query parameters (`POST /v1/match?top=5&require=Rust`).
#[derive(Deserialize, IntoParams, ToSchema, Default)]
#[into_params(parameter_in = Query)]
pub(crate) struct MatchParams {
    /// How many profiles to return, 1 to 1000. By default, 10.
    top: Option<usize>,
    /// Only profiles that show this skill (repeatable, or comma-separated; any name or
    /// alias of the skill).
    #[serde(default)]
    require: Vec<String>,
    /// Only profiles with at least this many years of experience.
    min_years: Option<f32>,
    /// Leave out profiles that contain this term (repeatable, or comma-separated).
    #[serde(default)]
    exclude: Vec<String>,
    /// Whether each result carries its explanation (features, matched and missing
    /// skills with evidence). By default, yes.
    explain: Option<bool>,
    /// Blind output: no name nor other personal data in the results. By default, no.
    blind: Option<bool>,
    /// Search by meaning too: the profiles nearest the job by the sentence encoder join
    /// BM25's, and the semantic features count. By default, yes (unless the server was
    /// started with `--no-semantic`); false matches by words alone, several times
    /// cheaper.
    semantic: Option<bool>,
}

/// A job and its ranking options in one JSON object (`Content-Type: application/json`
/// with a `job` member).
#[derive(Deserialize, ToSchema)]
pub(crate) struct MatchRequest {
    /// The job description's text (or bytes of its format, as a string).
    job: String,
    /// The format of `job`, a `Content-Type` (`text/markdown`, `text/html`, …). By
    /// default, `text/plain`.
    content_type: Option<String>,
    /// The job's id, echoed in the ranking. By default, `job`.
    id: Option<String>,
    /// The ranking options; query parameters, if any, are overridden.
    #[serde(flatten)]
    options: MatchParams,
}

/// Query parameters as pairs: `require` and `exclude` may repeat.
type Pairs = Vec<(String, String)>;

/// The options of `pairs`, checked.
fn params(pairs: &[(String, String)]) -> Result<MatchParams, ApiError> {
    let mut p = MatchParams::default();
    let list = |v: &str| -> Vec<String> {
        v.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    for (key, value) in pairs {
        let bad = |what: &str| ApiError::bad_input(format!("query parameter `{key}`: {what}"));
        match key.as_str() {
            "top" => p.top = Some(value.parse().map_err(|_| bad("not a whole number"))?),
            "require" => p.require.extend(list(value)),
            "exclude" => p.exclude.extend(list(value)),
            "min_years" => {
                p.min_years = Some(
                    value
                        .parse::<f32>()
                        .ok()
                        .filter(|y| y.is_finite() && *y >= 0.0)
                        .ok_or_else(|| bad("not a number of years"))?,
                )
            }
            "explain" => p.explain = Some(boolean(value).ok_or_else(|| bad("not true or false"))?),
            "blind" => p.blind = Some(boolean(value).ok_or_else(|| bad("not true or false"))?),
            "semantic" => {
                p.semantic = Some(boolean(value).ok_or_else(|| bad("not true or false"))?)
            }
            // Added by browsers and proxies to defeat caches.
            "_" => {}
            _ => {
                return Err(ApiError::bad_input(format!(
                    "unknown query parameter `{key}` (known: top, require, min_years, exclude, \
                     explain, blind, semantic)"
                )));
            }
        }
    }
    Ok(p)
}

fn boolean(v: &str) -> Option<bool> {
    match v {
        "" | "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// The library's options for `p`, and whether to keep explanations. `semantic`: the
/// server's default for the search by meaning.
fn rank_options(p: &MatchParams, semantic: bool) -> Result<(RankOptions, bool), ApiError> {
    let top = p.top.unwrap_or(10);
    if !(1..=MAX_TOP).contains(&top) {
        return Err(ApiError::bad_input(format!(
            "top must be between 1 and {MAX_TOP}"
        )));
    }
    if let Some(y) = p.min_years
        && !(y.is_finite() && y >= 0.0)
    {
        return Err(ApiError::bad_input("min_years must be a number ≥ 0"));
    }
    Ok((
        RankOptions {
            top,
            require: p.require.clone(),
            min_years: p.min_years,
            exclude: p.exclude.clone(),
            blind: p.blind.unwrap_or(false),
            semantic: p.semantic.unwrap_or(semantic),
            ..RankOptions::default()
        },
        p.explain.unwrap_or(true),
    ))
}

/// Rank on the blocking pool; an engine with no index yet ranks nothing.
fn rank(
    matcher: &Matcher,
    job: &Job,
    options: &RankOptions,
    explain: bool,
) -> Result<Ranking, ApiError> {
    if !matcher.index_exists() {
        return Ok(Ranking {
            job_id: job.id.clone(),
            job_title: job.title.clone(),
            results: Vec::new(),
        });
    }
    let ranking = matcher.rank(job, options).map_err(ApiError::from_read)?;
    Ok(finish(ranking, explain))
}

/// What both routes do to a ranking before it is sent: drop the explanations when they
/// were not asked for. Blind output needs nothing here: the library hides every
/// recognised personal datum of a blind result (`rank::blind`), whichever route asked.
fn finish(mut ranking: Ranking, explain: bool) -> Ranking {
    if !explain {
        for m in &mut ranking.results {
            m.explanation = Explanation::default();
        }
    }
    ranking
}

/// A job read from `bytes` of `format`; a JSON Resume is refused.
fn job_of(matcher: &Matcher, id: String, bytes: &[u8], format: Format) -> Result<Job, ApiError> {
    let what = format!("job {id}");
    let text = read_body(&what, bytes, format)?;
    if let Some(Stated::Profile(_)) = text.stated {
        return Err(ApiError::bad_input(format!(
            "{what}: is a JSON Resume, not a job description (upload it: PUT /v1/profiles/ID)"
        )));
    }
    Ok(Job::parse(id, text, matcher.lexicon()))
}

/// The format named by a `content_type` member.
fn format_named(content_type: Option<&str>) -> Result<Format, ApiError> {
    let mut headers = HeaderMap::new();
    let value = content_type.unwrap_or("text/plain");
    headers.insert(
        header::CONTENT_TYPE,
        value.parse().map_err(|_| {
            ApiError::bad_input(format!("content_type `{value}` is not a media type"))
        })?,
    );
    format_of(&headers)
}

/// Whether a JSON body is the request envelope (an object with a string `job`), not a
/// schema.org JobPosting.
fn envelope(body: &[u8]) -> Option<Result<MatchRequest, ApiError>> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    if !value.get("job").is_some_and(serde_json::Value::is_string) {
        return None;
    }
    Some(
        serde_json::from_value(value)
            .map_err(|e| ApiError::bad_input(format!("the match request: {e}"))),
    )
}

/// Rank the indexed profiles against one job.
#[utoipa::path(
    post,
    path = "/v1/match",
    params(MatchParams),
    request_body(
        description = "The job: raw text/plain, text/markdown, text/html, application/pdf, \
                       DOCX, a schema.org JobPosting (application/ld+json or application/json) \
                       — or a JSON object with the job text and the options",
        content(
            (String = "text/plain"), (String = "text/markdown"), (String = "text/html"),
            (Vec<u8> = "application/pdf"),
            (Object = "application/ld+json"),
            (MatchRequest = "application/json")
        )
    ),
    responses(
        (status = 200, description = "The explained ranking", body = Ranking),
        (status = 400, description = "Bad job or option", body = ErrorBody),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 409, description = "The index has another schema version", body = ErrorBody),
        (status = 413, description = "Body over --max-file-size", body = ErrorBody),
        (status = 415, description = "Unsupported Content-Type", body = ErrorBody),
    ),
    tag = "match"
)]
pub(crate) async fn match_one(
    State(state): State<AppState>,
    Query(pairs): Query<Pairs>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Ranking>, ApiError> {
    let query = params(&pairs)?;
    let format = format_of(&headers)?;
    let body = body.map_err(|e| body_error(e, state.options.max_body_bytes))?;
    let matcher = Arc::clone(&state.matcher);
    let semantic = state.options.semantic;
    // Wait for a core, in turn (AppState::ranking); the permit is held until the ranking
    // is done.
    let _permit = state
        .ranking
        .acquire()
        .await
        .map_err(|_| ApiError::unavailable("the server is shutting down"))?;
    let ranking = blocking(move || {
        let request = match format {
            Format::Json => envelope(&body).transpose()?,
            _ => None,
        };
        let (job, p) = match request {
            Some(r) => {
                let format = format_named(r.content_type.as_deref())?;
                let id = r.id.unwrap_or_else(|| "job".into());
                // The object's options override the query's.
                let mut p = query;
                merge(&mut p, r.options);
                (job_of(&matcher, id, r.job.as_bytes(), format)?, p)
            }
            None => (job_of(&matcher, "job".into(), &body, format)?, query),
        };
        let (options, explain) = rank_options(&p, semantic)?;
        rank(&matcher, &job, &options, explain)
    })
    .await?;
    Ok(Json(ranking))
}

fn merge(into: &mut MatchParams, from: MatchParams) {
    into.top = from.top.or(into.top);
    into.min_years = from.min_years.or(into.min_years);
    into.explain = from.explain.or(into.explain);
    into.blind = from.blind.or(into.blind);
    into.semantic = from.semantic.or(into.semantic);
    if !from.require.is_empty() {
        into.require = from.require;
    }
    if !from.exclude.is_empty() {
        into.exclude = from.exclude;
    }
}

/// One line of a batch: a job text with its id and format, or a JobPosting object.
#[derive(Deserialize, ToSchema)]
pub(crate) struct BatchJob {
    /// The job's id, echoed as the ranking's `job_id`. By default, `line-N`.
    id: Option<String>,
    /// The job description's text.
    job: String,
    /// Its format, a `Content-Type`. By default, `text/plain`.
    content_type: Option<String>,
}

/// Parse a batch: every line a job, or the request fails naming the line.
fn batch_jobs(matcher: &Matcher, body: &[u8]) -> Result<Vec<Job>, ApiError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| ApiError::bad_input("the batch is not UTF-8 NDJSON"))?;
    let mut jobs = Vec::new();
    let mut ids = HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |what: String| ApiError::bad_input(format!("batch line {n}: {what}"));
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| bad(format!("not JSON: {e}")))?;
        let job = if value.get("job").is_some_and(serde_json::Value::is_string) {
            let b: BatchJob = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
            let format = format_named(b.content_type.as_deref()).map_err(|e| bad(e.message))?;
            let id = b.id.unwrap_or_else(|| format!("line-{n}"));
            job_of(matcher, id, b.job.as_bytes(), format).map_err(|e| bad(e.message))?
        } else {
            job_of(matcher, format!("line-{n}"), line.as_bytes(), Format::Json)
                .map_err(|e| bad(e.message))?
        };
        if !ids.insert(job.id.clone()) {
            return Err(bad(format!("duplicate job id `{}`", job.id)));
        }
        jobs.push(job);
    }
    if jobs.is_empty() {
        return Err(ApiError::bad_input("the batch holds no job"));
    }
    Ok(jobs)
}

/// Jobs of a batch ranked a core at a time between two admissions: enough for the cores
/// to stay busy within a chunk, few enough that a match waits for ~4 rankings a core at
/// most.
const BATCH_CHUNK_PER_PERMIT: usize = 4;

/// Rank against many jobs: NDJSON in, one ranking a line out, each sent as it is done
/// (in the order of the lines).
#[utoipa::path(
    post,
    path = "/v1/match/batch",
    params(MatchParams),
    request_body(
        description = "NDJSON: each line a BatchJob object or a schema.org JobPosting",
        content((BatchJob = "application/x-ndjson"))
    ),
    responses(
        (status = 200, description = "NDJSON: a Ranking a line, or \
            {\"job_id\", \"error\"} for a job that failed", body = Ranking,
            content_type = "application/x-ndjson"),
        (status = 400, description = "A line is not a job (the message names it)", body = ErrorBody),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 413, description = "Body over --max-file-size", body = ErrorBody),
    ),
    tag = "match"
)]
pub(crate) async fn match_batch(
    State(state): State<AppState>,
    Query(pairs): Query<Pairs>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let (options, explain) = rank_options(&params(&pairs)?, state.options.semantic)?;
    let body = body.map_err(|e| body_error(e, state.options.max_body_bytes))?;
    let matcher = Arc::clone(&state.matcher);
    let jobs = {
        let matcher = Arc::clone(&matcher);
        blocking(move || batch_jobs(&matcher, &body)).await?
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(16);
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let write = |line: Vec<u8>| tx.blocking_send(Bytes::from(line)).is_ok();
        if !matcher.index_exists() {
            for job in &jobs {
                let empty = rank(&matcher, job, &options, explain);
                if let Ok(r) = empty
                    && !write(ndjson(&r))
                {
                    return;
                }
            }
            return;
        }
        // A batch keeps every core busy, so it is admitted like the matches are
        // (AppState::ranking), a chunk at a time: it takes every permit for a few jobs a
        // core, ranks them, lets go, and only then sends their lines, so a match that
        // arrived meanwhile waits for one chunk, not the whole batch, and a client slow
        // to read never holds the cores. Matches and batches never rank more at once
        // than there are cores.
        let permits = state.ranking_permits.max(1);
        let chunk = BATCH_CHUNK_PER_PERMIT * permits as usize;
        for jobs in jobs.chunks(chunk) {
            let rankings = {
                let Ok(_permits) = runtime.block_on(state.ranking.acquire_many(permits)) else {
                    return; // shutting down
                };
                matcher.rank_many(jobs, &options)
            };
            for (job, ranking) in jobs.iter().zip(rankings) {
                let line = match ranking {
                    Ok(r) => ndjson(&finish(r, explain)),
                    Err(e) => {
                        let e = ApiError::from_read(e);
                        ndjson(&serde_json::json!({
                            "job_id": job.id,
                            "error": {"kind": e.kind, "message": e.message}
                        }))
                    }
                };
                // A client that went away stops the batch.
                if !write(line) {
                    return;
                }
            }
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|b| (Ok::<_, std::convert::Infallible>(b), rx))
    });
    Ok((
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(stream),
    )
        .into_response())
}

fn ndjson<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let mut line = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    line.push(b'\n');
    line
}
