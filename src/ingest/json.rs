//! Structured inputs: JSON Resume (jsonresume.org schema 1.0.0) for profiles and
//! schema.org `JobPosting` (JSON-LD, alone or embedded in an HTML page) for jobs.
//!
//! Both are rendered into the same flattened text the other formats give — headings and
//! one line per entry — so that indexing, evidence spans and explanations work the same
//! for every format. What the source states as data is also kept as [`Stated`] facts,
//! which the profile and job stages take over the facts they would infer from text:
//! a `monthsOfExperience` of 36 is three years, whatever the description says.

use serde_json::Value;

use super::{Stated, StatedJob, StatedProfile, TextBuilder};

/// What a JSON document is.
pub(super) fn flatten(source: &str) -> Result<(TextBuilder, Stated), String> {
    let value: Value = serde_json::from_str(source).map_err(|e| format!("invalid JSON ({e})"))?;
    if let Some(posting) = find_job_posting(&value) {
        return Ok(job_posting(posting));
    }
    match &value {
        Value::Object(o)
            if ["basics", "work", "education", "skills"]
                .iter()
                .any(|k| o.contains_key(*k)) =>
        {
            Ok(resume(&value))
        }
        _ => Err(
            "JSON is neither a JSON Resume (no basics, work, education or skills) nor a schema.org JobPosting"
                .into(),
        ),
    }
}

/// A JobPosting node in a JSON-LD document: the top object, an element of a top array,
/// or an element of `@graph`.
pub(super) fn find_job_posting(value: &Value) -> Option<&Value> {
    let is_posting = |v: &Value| match v.get("@type") {
        Some(Value::String(t)) => t == "JobPosting",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "JobPosting"),
        _ => false,
    };
    match value {
        Value::Array(items) => items.iter().find_map(find_job_posting),
        Value::Object(o) => {
            if is_posting(value) {
                return Some(value);
            }
            o.get("@graph").and_then(find_job_posting)
        }
        _ => None,
    }
}

/// The text of a JSON value that should be a string but may be a number, a list of
/// strings, or an object with a `name` (schema.org's DefinedTerm, Organization…).
fn text_of(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.trim().to_string()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect(),
        Some(Value::Number(n)) => vec![n.to_string()],
        Some(Value::Array(items)) => items.iter().flat_map(|i| text_of(Some(i))).collect(),
        Some(Value::Object(o)) => text_of(o.get("name").or_else(|| o.get("description"))),
        _ => Vec::new(),
    }
}

fn str_of(v: &Value, key: &str) -> Option<String> {
    text_of(v.get(key)).into_iter().next()
}

/// Writes rendered lines.
struct Render(TextBuilder);

impl Render {
    fn heading(&mut self, level: u8, text: &str) {
        self.0.start_heading(level);
        self.0.push_inline(text);
        self.0.end_heading();
    }

    fn line(&mut self, text: &str) {
        for l in text.lines() {
            if !l.trim().is_empty() {
                self.0.block();
                self.0.push_inline(l);
                self.0.newline();
            }
        }
    }

    fn item(&mut self, text: &str) {
        if !text.trim().is_empty() {
            self.0.block();
            self.0.push_text("- ");
            self.0.push_inline(text);
            self.0.newline();
        }
    }

    /// HTML (descriptions are often HTML) or plain text, line by line, headings kept.
    fn rich(&mut self, source: &str) {
        let looks_html = source.contains("</") || source.contains("<br") || source.contains("<p");
        if !looks_html {
            self.line(source);
            return;
        }
        let text = super::Text::parse(source, super::Format::Html);
        let mut offset = 0;
        for l in text.text.split('\n') {
            let is_heading = text.headings.iter().any(|h| h.span.start == offset);
            if is_heading {
                self.heading(3, l);
            } else {
                self.line(l);
            }
            offset += l.len() + 1;
        }
    }
}

/// "2019-03-01" → "2019-03"; "2019" stays.
fn month(date: &str) -> String {
    date.trim().chars().take(7).collect()
}

fn resume(v: &Value) -> (TextBuilder, Stated) {
    let mut r = Render(TextBuilder::default());
    let mut stated = StatedProfile::default();
    let empty = Value::Null;
    let basics = v.get("basics").unwrap_or(&empty);
    if let Some(name) = str_of(basics, "name") {
        r.heading(1, &name);
        stated.name = Some(name);
    }
    if let Some(label) = str_of(basics, "label") {
        r.line(&label);
    }
    let location = basics.get("location").unwrap_or(&empty);
    let place: Vec<String> = ["city", "region", "countryCode"]
        .iter()
        .filter_map(|k| str_of(location, k))
        .collect();
    if !place.is_empty() {
        r.line(&format!("Location: {}", place.join(", ")));
        stated.location = str_of(location, "city").or_else(|| place.first().cloned());
    }
    stated.emails = text_of(basics.get("email"));
    stated.phones = text_of(basics.get("phone"));
    let contact: Vec<String> = stated
        .emails
        .iter()
        .chain(&stated.phones)
        .cloned()
        .collect();
    if !contact.is_empty() {
        r.line(&contact.join(" · "));
    }
    if let Some(summary) = str_of(basics, "summary") {
        r.heading(2, "Summary");
        r.rich(&summary);
    }

    let list = |key: &str| {
        v.get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let work = list("work");
    if !work.is_empty() {
        r.heading(2, "Work experience");
        for job in &work {
            let head: Vec<String> = [
                str_of(job, "position"),
                str_of(job, "name").or_else(|| str_of(job, "company")),
            ]
            .into_iter()
            .flatten()
            .collect();
            r.heading(3, &head.join(", "));
            if let Some(start) = str_of(job, "startDate") {
                let end = str_of(job, "endDate").map_or("Present".to_string(), |e| month(&e));
                r.line(&format!("{} – {end}", month(&start)));
            }
            if let Some(summary) = str_of(job, "summary") {
                r.rich(&summary);
            }
            for h in text_of(job.get("highlights")) {
                r.item(&h);
            }
        }
    }
    let projects = list("projects");
    if !projects.is_empty() {
        r.heading(2, "Projects");
        for p in &projects {
            r.heading(3, &str_of(p, "name").unwrap_or_default());
            for key in ["description", "roles", "highlights", "keywords"] {
                for line in text_of(p.get(key)) {
                    r.item(&line);
                }
            }
        }
    }
    let education = list("education");
    if !education.is_empty() {
        r.heading(2, "Education");
        let mut degrees = Vec::new();
        for e in &education {
            let parts: Vec<String> = ["studyType", "area", "institution"]
                .iter()
                .filter_map(|k| str_of(e, k))
                .collect();
            // The end year only: a school's date range is not work experience.
            let year = str_of(e, "endDate").map(|d| format!(" ({})", &month(&d)[..4.min(d.len())]));
            r.line(&format!("{}{}", parts.join(", "), year.unwrap_or_default()));
            degrees.extend(str_of(e, "studyType"));
        }
        stated.education = degrees.iter().filter_map(|d| degree(d)).max();
    }
    let skills = list("skills");
    if !skills.is_empty() {
        r.heading(2, "Skills");
        for s in &skills {
            let name = str_of(s, "name").unwrap_or_default();
            let keywords = text_of(s.get("keywords")).join(", ");
            let level = str_of(s, "level")
                .map(|l| format!(" ({l})"))
                .unwrap_or_default();
            r.item(&match (name.is_empty(), keywords.is_empty()) {
                (false, false) => format!("{name}{level}: {keywords}"),
                (false, true) => format!("{name}{level}"),
                _ => keywords,
            });
        }
    }
    let languages = list("languages");
    if !languages.is_empty() {
        r.heading(2, "Languages");
        for l in &languages {
            if let Some(lang) = str_of(l, "language") {
                let fluency = str_of(l, "fluency")
                    .map(|f| format!(" ({f})"))
                    .unwrap_or_default();
                r.item(&format!("{lang}{fluency}"));
                stated.languages.push(lang);
            }
        }
    }
    let certificates = list("certificates");
    if !certificates.is_empty() {
        r.heading(2, "Certificates");
        for c in &certificates {
            if let Some(name) = str_of(c, "name") {
                let issuer = str_of(c, "issuer")
                    .map(|i| format!(", {i}"))
                    .unwrap_or_default();
                r.item(&format!("{name}{issuer}"));
                stated.certifications.push(name);
            }
        }
    }
    for key in ["awards", "publications", "volunteer", "interests"] {
        let items = list(key);
        if items.is_empty() {
            continue;
        }
        let mut title: Vec<char> = key.chars().collect();
        title[0] = title[0].to_ascii_uppercase();
        r.heading(2, &title.into_iter().collect::<String>());
        for i in &items {
            let parts: Vec<String> = ["title", "name", "position", "organization", "summary"]
                .iter()
                .filter_map(|k| str_of(i, k))
                .chain(text_of(i.get("keywords")))
                .collect();
            r.item(&parts.join(", "));
        }
    }
    (r.0, Stated::Profile(stated))
}

/// A degree as structured sources name it — a JSON Resume `studyType` ("Master",
/// "Bachelor of Science", "PhD") or a schema.org credential category ("bachelor
/// degree", "postgraduate degree") — as an education level.
fn degree(category: &str) -> Option<crate::profile::Education> {
    use crate::profile::Education;
    let c = category.to_ascii_lowercase();
    if c.contains("high school") {
        Some(Education::HighSchool)
    } else if c.contains("associate") {
        Some(Education::Associate)
    } else if c.contains("bachelor") {
        Some(Education::Bachelor)
    } else if c.contains("postgraduate") || c.contains("master") {
        Some(Education::Master)
    } else if c.contains("doctor") || c.contains("phd") {
        Some(Education::Doctorate)
    } else {
        crate::profile::facts::required_education(category)
    }
}

fn job_posting(v: &Value) -> (TextBuilder, Stated) {
    let mut r = Render(TextBuilder::default());
    let mut stated = StatedJob::default();
    let title = str_of(v, "title").unwrap_or_default();
    r.heading(1, &title);
    if let Some(org) = v
        .get("hiringOrganization")
        .and_then(|o| str_of(o, "name").or_else(|| o.as_str().map(str::to_string)))
    {
        r.line(&org);
    }
    let remote = text_of(v.get("jobLocationType"))
        .iter()
        .any(|t| t.eq_ignore_ascii_case("TELECOMMUTE"));
    let places: Vec<&Value> = match v.get("jobLocation") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(place) => vec![place],
        None => Vec::new(),
    };
    let mut located = Vec::new();
    for place in places {
        let address = place.get("address").unwrap_or(place);
        let parts: Vec<String> = ["addressLocality", "addressRegion", "addressCountry"]
            .iter()
            .filter_map(|k| str_of(address, k))
            .collect();
        if !parts.is_empty() {
            located.push(parts.join(", "));
            if stated.location.is_none() {
                stated.location = parts.first().cloned();
            }
        }
    }
    if remote {
        located.push("Remote".into());
        stated.location.get_or_insert_with(|| "Remote".into());
    }
    if !located.is_empty() {
        r.line(&format!("Location: {}", located.join("; ")));
    }
    if let Some(d) = str_of(v, "description") {
        r.heading(2, "Description");
        r.rich(&d);
    }
    if let Some(d) = str_of(v, "responsibilities") {
        r.heading(2, "Responsibilities");
        r.rich(&d);
    }
    let skills = text_of(v.get("skills"));
    let qualifications = text_of(v.get("qualifications"));
    let experience = v.get("experienceRequirements");
    let education = v.get("educationRequirements");
    if !skills.is_empty()
        || !qualifications.is_empty()
        || experience.is_some()
        || education.is_some()
    {
        r.heading(2, "Requirements");
        for s in &skills {
            r.item(s);
        }
        for q in &qualifications {
            r.rich(q);
        }
        if let Some(e) = experience {
            let months = e
                .get("monthsOfExperience")
                .and_then(|m| m.as_f64().or_else(|| m.as_str()?.trim().parse().ok()));
            match months {
                Some(m) if m > 0.0 => {
                    let years = (m / 12.0) as f32;
                    stated.min_years = Some((years * 10.0).round() / 10.0);
                    r.item(&format!(
                        "At least {} years of experience",
                        (years * 10.0).round() / 10.0
                    ));
                }
                _ => {
                    for t in text_of(Some(e)) {
                        r.item(&t);
                    }
                }
            }
        }
        if let Some(e) = education {
            let category = e
                .get("credentialCategory")
                .map(|c| text_of(Some(c)))
                .unwrap_or_else(|| text_of(Some(e)));
            for c in &category {
                r.item(&format!("Education: {c}"));
            }
            stated.education = category.iter().find_map(|c| degree(c));
        }
    }
    if let Some(d) = str_of(v, "preferredQualifications") {
        r.heading(2, "Nice to have");
        r.rich(&d);
    }
    (r.0, Stated::Job(stated))
}
