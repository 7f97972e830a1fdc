//! Job: a job description's text → the structured request the engine ranks against.

use serde::Serialize;

use crate::ingest::{Format, Text};

/// A job description.
#[derive(Clone, Debug, Serialize)]
pub struct Job {
    /// Identifier: the file name without extension (the TREC query id).
    pub id: String,
    /// The job title: the first line of the posting.
    pub title: String,
    /// The format the posting came in.
    pub format: Format,
    /// The posting's flattened text.
    #[serde(skip)]
    pub text: String,
}

impl Job {
    /// Parse a job description from flattened text.
    ///
    /// ```
    /// use matcher::{Format, Job, Text};
    /// let job = Job::parse("im-lead", Text::parse("# IM 后端技术负责人\n任职要求：…", Format::Markdown));
    /// assert_eq!(job.title, "IM 后端技术负责人");
    /// ```
    pub fn parse(id: impl Into<String>, text: Text) -> Job {
        let Text { text, format, .. } = text;
        let title = text
            .lines()
            .map(|l| l.trim().trim_start_matches('#').trim())
            .find(|l| !l.is_empty())
            .unwrap_or("")
            .to_string();
        Job {
            id: id.into(),
            title,
            format,
            text,
        }
    }
}
