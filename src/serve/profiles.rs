//! `/v1/profiles`: upload, read, delete and list résumés.
//!
//! A résumé arrives as the bytes of a file in any format matcher reads, the
//! `Content-Type` telling which; it is parsed here, on the blocking pool, and handed to
//! the writer, which answers once it is committed.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::errors::{ApiError, ErrorBody, body_error};
use super::writer::Change;
use super::{State as AppState, blocking};
use crate::engine::StoredProfile;
use crate::ingest::{Format, Stated, Text};
use crate::profile::{Education, Profile};

/// The `Content-Type`s a résumé or a job may have, and the format each means.
pub(crate) const TYPES: &[(&str, Format)] = &[
    ("text/plain", Format::Text),
    ("text/markdown", Format::Markdown),
    ("text/x-markdown", Format::Markdown),
    ("text/html", Format::Html),
    ("application/pdf", Format::Pdf),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Format::Docx,
    ),
    ("application/json", Format::Json),
    ("application/ld+json", Format::Json),
];

/// The format the request's `Content-Type` names (its parameters, such as `charset`,
/// ignored: the bytes' encoding is detected).
pub(crate) fn format_of(headers: &HeaderMap) -> Result<Format, ApiError> {
    let supported = || TYPES.iter().map(|(t, _)| *t).collect::<Vec<_>>().join(", ");
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(ApiError::unsupported_type(format!(
            "no Content-Type: say what the body is, one of {}",
            supported()
        )));
    };
    let value = value.to_str().unwrap_or("").to_ascii_lowercase();
    let essence = value.split(';').next().unwrap_or("").trim();
    TYPES
        .iter()
        .find(|(t, _)| *t == essence)
        .map(|(_, f)| *f)
        .ok_or_else(|| {
            ApiError::unsupported_type(format!(
                "Content-Type `{essence}` is not a format matcher reads; use one of {}",
                supported()
            ))
        })
}

/// The text of `bytes` read as `format`, a failure worded as the CLI words it for a file.
pub(crate) fn read_body(what: &str, bytes: &[u8], format: Format) -> Result<Text, ApiError> {
    Text::from_bytes(bytes, format)
        .map_err(|reason| ApiError::bad_input(format!("{what}: {reason}")))
}

/// An id a profile may have: 1 to 256 bytes, no control characters, no surrounding
/// blanks. Slashes are allowed (ids of indexed files are paths: `0012/p0012345`).
fn check_id(id: &str) -> Result<(), ApiError> {
    if id.is_empty() || id.len() > 256 {
        return Err(ApiError::bad_input(
            "a profile id must be 1 to 256 bytes long",
        ));
    }
    if id.chars().any(char::is_control) || id.trim() != id {
        return Err(ApiError::bad_input(
            "a profile id may not hold control characters or start or end with a blank",
        ));
    }
    Ok(())
}

/// What the engine understood of an uploaded résumé (its personal data left out: it is
/// never used for ranking, and the answer need not repeat it).
#[derive(Serialize, ToSchema)]
pub(crate) struct Understood {
    /// The profile's id.
    pub id: String,
    /// Whether the id is new (`true`, 201) or its profile was replaced (`false`, 200).
    pub created: bool,
    /// The format it was read as.
    pub format: String,
    /// Current title, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// Years of experience.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub years_of_experience: Option<f32>,
    /// Highest education.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub education: Option<Education>,
    /// Job titles held.
    pub titles: Vec<String>,
    /// Location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Languages spoken.
    pub languages: Vec<String>,
    /// Skills found, canonical names.
    pub skills: Vec<String>,
    /// Whether a name was found (kept apart from the ranked text).
    pub name_found: bool,
}

impl Understood {
    fn of(p: &Profile, created: bool) -> Understood {
        Understood {
            id: p.id.clone(),
            created,
            format: format!("{:?}", p.format).to_lowercase(),
            headline: p.headline.clone(),
            years_of_experience: p.years_of_experience,
            education: p.education,
            titles: p.titles.clone(),
            location: p.location.clone(),
            languages: p.languages.clone(),
            skills: p.skills.iter().map(|s| s.skill.clone()).collect(),
            name_found: p.personal.name.is_some(),
        }
    }
}

/// Add or replace the profile `id` with the résumé in the body.
#[utoipa::path(
    put,
    path = "/v1/profiles/{id}",
    params(("id" = String, Path, description = "Profile id (may contain `/`)")),
    request_body(
        description = "A résumé: text/plain, text/markdown, text/html, application/pdf, \
                       the DOCX type, or application/json (JSON Resume)",
        content(
            (String = "text/plain"), (String = "text/markdown"), (String = "text/html"),
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (Object = "application/json")
        )
    ),
    responses(
        (status = 201, description = "New profile, committed", body = Understood),
        (status = 200, description = "Profile replaced, committed", body = Understood),
        (status = 400, description = "The résumé cannot be read", body = ErrorBody),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 409, description = "The index has another schema version", body = ErrorBody),
        (status = 413, description = "Body over --max-file-size", body = ErrorBody),
        (status = 415, description = "Unsupported Content-Type", body = ErrorBody),
        (status = 503, description = "The index cannot be written", body = ErrorBody),
    ),
    tag = "profiles"
)]
pub(crate) async fn put(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Understood>), ApiError> {
    check_id(&id)?;
    let format = format_of(&headers)?;
    let body = body.map_err(|e| body_error(e, state.options.max_body_bytes))?;
    let matcher = std::sync::Arc::clone(&state.matcher);
    let profile = blocking(move || {
        let what = format!("profile {id}");
        let text = read_body(&what, &body, format)?;
        if let Some(Stated::Job(_)) = text.stated {
            return Err(ApiError::bad_input(format!(
                "{what}: is a schema.org JobPosting, not a résumé (rank with it: POST /v1/match)"
            )));
        }
        Ok(Profile::parse(id, text, matcher.lexicon()))
    })
    .await?;
    // Answered before the profile moves to the writer; the summary is what was parsed.
    let mut understood = Understood::of(&profile, true);
    let applied = state
        .writer
        .write(Change::Upsert(Box::new(profile)))
        .await?;
    understood.created = !applied.existed;
    let status = match applied.existed {
        true => StatusCode::OK,
        false => StatusCode::CREATED,
    };
    Ok((status, Json(understood)))
}

/// The profile `id` as the index stores it.
#[utoipa::path(
    get,
    path = "/v1/profiles/{id}",
    params(("id" = String, Path, description = "Profile id")),
    responses(
        (status = 200, description = "The stored profile", body = StoredProfile),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 404, description = "No such profile", body = ErrorBody),
    ),
    tag = "profiles"
)]
pub(crate) async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<StoredProfile>, ApiError> {
    check_id(&id)?;
    let matcher = std::sync::Arc::clone(&state.matcher);
    let missing = format!("no profile with id `{id}`");
    let found = blocking(move || {
        if !matcher.index_exists() {
            return Ok(None);
        }
        matcher.stored_profile(&id).map_err(ApiError::from_read)
    })
    .await?;
    found.map(Json).ok_or_else(|| ApiError::not_found(missing))
}

/// What a delete did.
#[derive(Serialize, ToSchema)]
pub(crate) struct Deleted {
    /// The id removed.
    pub id: String,
    /// Always `true`: the answer is sent once the removal is committed.
    pub deleted: bool,
}

/// Remove the profile `id`.
#[utoipa::path(
    delete,
    path = "/v1/profiles/{id}",
    params(("id" = String, Path, description = "Profile id")),
    responses(
        (status = 200, description = "Removed, committed", body = Deleted),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 404, description = "No such profile", body = ErrorBody),
        (status = 503, description = "The index cannot be written", body = ErrorBody),
    ),
    tag = "profiles"
)]
pub(crate) async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Deleted>, ApiError> {
    check_id(&id)?;
    let applied = state.writer.write(Change::Delete(id.clone())).await?;
    if !applied.existed {
        return Err(ApiError::not_found(format!("no profile with id `{id}`")));
    }
    Ok(Json(Deleted { id, deleted: true }))
}

/// A page of ids.
#[derive(Deserialize, IntoParams)]
pub(crate) struct ListParams {
    /// Ids after this one (the `next` of the previous page).
    after: Option<String>,
    /// Ids per page, 1 to 10000. By default, 100.
    limit: Option<usize>,
}

/// A page of profile ids.
#[derive(Serialize, ToSchema)]
pub(crate) struct IdPage {
    /// Ids in byte order.
    pub ids: Vec<String>,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// The indexed profile ids, a page at a time.
#[utoipa::path(
    get,
    path = "/v1/profiles",
    params(ListParams),
    responses(
        (status = 200, description = "A page of ids", body = IdPage),
        (status = 400, description = "Bad limit", body = ErrorBody),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
    ),
    tag = "profiles"
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<IdPage>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_input(e.body_text()))?;
    let limit = params.limit.unwrap_or(100);
    if !(1..=10_000).contains(&limit) {
        return Err(ApiError::bad_input("limit must be between 1 and 10000"));
    }
    let matcher = std::sync::Arc::clone(&state.matcher);
    let ids = blocking(move || {
        if !matcher.index_exists() {
            return Ok(Vec::new());
        }
        // One more than asked: whether there is a next page.
        matcher
            .profile_ids(params.after.as_deref(), limit + 1)
            .map_err(ApiError::from_read)
    })
    .await?;
    let mut ids = ids;
    let next = if ids.len() > limit {
        ids.truncate(limit);
        ids.last().cloned()
    } else {
        None
    };
    Ok(Json(IdPage { ids, next }))
}
