//! Ingest: files on disk → plain text with its heading structure.
//!
//! This is the first stage of the pipeline and the only one that touches input files.
//! It owns everything about *formats* — how a file is found ([`walk`]), decoded
//! ([`decode`]) and flattened to text ([`html`], [`markdown`], [`pdf`], [`docx`],
//! [`json`]) — and nothing about *meaning*: what a heading or a line says is for the
//! profile and job stage. The one exception is data a structured format states outright
//! (a JSON Resume's degree, a JobPosting's months of experience): it travels beside the
//! text as [`Stated`] facts.
//!
//! Every failure names the file and says what is wrong with it, so one bad file can be
//! reported and skipped without losing the others.

mod docx;
mod html;
mod json;
mod markdown;
mod pdf;
mod walk;

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};

pub use walk::{SourceFile, walk};

/// The largest file read by default (20 MiB). Résumés and job descriptions are a few
/// kilobytes; anything this big is almost certainly not one.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

/// The formats matcher reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Format {
    /// Plain text (`.txt`, or no extension).
    Text,
    /// Markdown (`.md`, `.markdown`).
    Markdown,
    /// HTML (`.html`, `.htm`); a page carrying a schema.org JobPosting in JSON-LD is
    /// read as that posting.
    Html,
    /// PDF (`.pdf`): its text layer.
    Pdf,
    /// Word (`.docx`): paragraphs and tables.
    Docx,
    /// JSON (`.json`, `.jsonld`): a JSON Resume or a schema.org JobPosting.
    Json,
}

impl Format {
    /// The format a file name implies, or `None` for an extension matcher does not read.
    ///
    /// ```
    /// use matcher::Format;
    /// assert_eq!(Format::from_path("cv.md".as_ref()), Some(Format::Markdown));
    /// assert_eq!(Format::from_path("README".as_ref()), Some(Format::Text));
    /// assert_eq!(Format::from_path("photo.png".as_ref()), None);
    /// ```
    pub fn from_path(path: &Path) -> Option<Format> {
        let Some(ext) = path.extension() else {
            return Some(Format::Text);
        };
        match ext.to_str()?.to_ascii_lowercase().as_str() {
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "pdf" => Some(Format::Pdf),
            "docx" => Some(Format::Docx),
            "json" | "jsonld" => Some(Format::Json),
            _ => None,
        }
    }
}

/// A heading found in the source's own structure (an HTML `<h2>`, a Markdown `##`).
///
/// Plain text has no such structure; the profile stage also recognises heading-like
/// lines ("工作经历", "Requirements:") in any format.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Heading {
    /// 1 for the outermost heading level, up to 6.
    pub level: u8,
    /// Byte range of the heading's text in [`Text::text`].
    pub span: Range<usize>,
}

/// The text of one input, flattened: one logical line per block, headings marked.
#[derive(Clone, Debug, Serialize)]
pub struct Text {
    /// The text. Lines are separated by `\n`; blocks (paragraphs, list items, table
    /// rows) start on a line of their own.
    pub text: String,
    /// Headings from the source's structure, in order.
    pub headings: Vec<Heading>,
    /// The format the text came from.
    pub format: Format,
    /// The character encoding the source was in (`UTF-8` for text given as a string).
    pub encoding: &'static str,
    /// Facts the source states as data (structured formats only).
    pub stated: Option<Stated>,
}

/// Facts a structured source states outright, which take precedence over what the
/// profile and job stages would infer from its text.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stated {
    /// A résumé (JSON Resume).
    Profile(StatedProfile),
    /// A job posting (schema.org JobPosting).
    Job(StatedJob),
}

/// What a JSON Resume states.
#[derive(Clone, Debug, Default, Serialize)]
pub struct StatedProfile {
    /// `basics.name` (personal: never indexed).
    pub name: Option<String>,
    /// `basics.email` (personal).
    pub emails: Vec<String>,
    /// `basics.phone` (personal).
    pub phones: Vec<String>,
    /// Highest `education[].studyType`.
    pub education: Option<crate::profile::Education>,
    /// `basics.location.city` (or the first part of the location given).
    pub location: Option<String>,
    /// `languages[].language`.
    pub languages: Vec<String>,
    /// `certificates[].name`.
    pub certifications: Vec<String>,
}

/// What a schema.org JobPosting states.
#[derive(Clone, Debug, Default, Serialize)]
pub struct StatedJob {
    /// `experienceRequirements.monthsOfExperience` in years.
    pub min_years: Option<f32>,
    /// `educationRequirements.credentialCategory`.
    pub education: Option<crate::profile::Education>,
    /// `jobLocation`'s locality, or "Remote" for `TELECOMMUTE` jobs.
    pub location: Option<String>,
}

/// How files are read.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Files larger than this are refused (default [`DEFAULT_MAX_FILE_BYTES`]).
    pub max_bytes: u64,
    /// An executable that extracts a PDF's text in its own process (`EXE __pdf-text FILE`
    /// prints the text), so a pathological PDF costs only that file. `None` extracts in
    /// this process, on a thread of its own, a panic caught.
    pub pdf_helper: Option<PathBuf>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_bytes: DEFAULT_MAX_FILE_BYTES,
            pdf_helper: None,
        }
    }
}

impl Text {
    /// Flatten `source` of the given format into text.
    ///
    /// ```
    /// use matcher::{Format, Text};
    /// let t = Text::parse("<h2>Skills</h2><ul><li>Rust</li><li>Go</li></ul>", Format::Html);
    /// assert_eq!(t.text, "Skills\n- Rust\n- Go");
    /// assert_eq!(&t.text[t.headings[0].span.clone()], "Skills");
    /// ```
    pub fn parse(source: &str, format: Format) -> Text {
        let source = source.strip_prefix('\u{feff}').unwrap_or(source);
        let mut builder = match format {
            Format::Text => plain(source),
            Format::Markdown => markdown::flatten(source),
            Format::Html => match html::job_posting(source) {
                Some((mut b, stated)) => return b.finish_stated(format, stated),
                None => html::flatten(source),
            },
            Format::Json => match json::flatten(source) {
                Ok((mut b, stated)) => return b.finish_stated(format, stated),
                Err(_) => plain(source),
            },
            // Binary formats given as a string: read as the text they are.
            Format::Pdf | Format::Docx => plain(source),
        };
        builder.finish(format)
    }
}

fn plain(source: &str) -> TextBuilder {
    let mut b = TextBuilder::default();
    for line in source.lines() {
        b.push_text(line.trim_end());
        b.newline();
    }
    b
}

/// Read one file with the default options: decode it and flatten it to text.
///
/// ```no_run
/// let text = matcher::read_text("corpus/profiles/en-cloud-iot-architect.md".as_ref())?;
/// assert!(text.text.contains("Kubernetes"));
/// # Ok::<(), matcher::Error>(())
/// ```
pub fn read_text(path: &Path) -> Result<Text> {
    read_file(path, &ReadOptions::default())
}

/// A path's extension, lowercased ("" for none).
fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// For the résumé formats people have that matcher does not read, what to do about it;
/// `None` for any other extension.
fn unread_document(ext: &str) -> Option<&'static str> {
    match ext {
        "doc" => Some(" (Word 97–2003 files are not read: save it as .docx or PDF)"),
        "rtf" | "odt" | "pages" => Some(" (save it as .docx or PDF)"),
        _ => None,
    }
}

/// Whether `path` is a document of a type matcher does not read (.doc, .rtf, .odt,
/// .pages): a directory walk takes it, so that it fails saying what to do, rather than
/// passing it over like an image.
pub(crate) fn is_unread_document(path: &Path) -> bool {
    unread_document(&extension(path)).is_some()
}

/// Read one file: check its size, decode or extract it, flatten it. Errors name the
/// file and say what is wrong with it.
pub fn read_file(path: &Path, options: &ReadOptions) -> Result<Text> {
    let format = Format::from_path(path).ok_or_else(|| {
        let ext = extension(path);
        let hint = unread_document(&ext).unwrap_or("");
        Error::input(path, format!("unsupported file type .{ext}{hint}; matcher reads .txt, .md, .html, .pdf, .docx, .json and files without extension"))
    })?;
    let meta =
        std::fs::metadata(path).map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
    if meta.is_dir() {
        return Err(Error::input(path, "is a directory"));
    }
    if meta.len() > options.max_bytes {
        return Err(Error::input(
            path,
            format!(
                "file is {} bytes, over the {} byte limit",
                meta.len(),
                options.max_bytes
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
    let pdf = |bytes: &[u8]| match &options.pdf_helper {
        Some(exe) => pdf_text_in_helper(exe, path),
        None => pdf_text(bytes),
    };
    flatten_bytes(&bytes, format, pdf).map_err(|reason| Error::input(path, reason))
}

impl Text {
    /// Read a file's contents given as bytes (an upload, a database blob) in `format`:
    /// decode or extract them and flatten them. PDFs are extracted in this process. The
    /// error is the reason, for the caller to put beside the file's name.
    ///
    /// ```
    /// use matcher::{Format, Text};
    /// let t = Text::from_bytes("# 张三\n熟悉 Kafka".as_bytes(), Format::Markdown).unwrap();
    /// assert_eq!(t.text, "张三\n熟悉 Kafka");
    /// assert!(Text::from_bytes(b"", Format::Text).unwrap_err().contains("empty"));
    /// ```
    pub fn from_bytes(bytes: &[u8], format: Format) -> std::result::Result<Text, String> {
        flatten_bytes(bytes, format, pdf_text)
    }
}

/// Bytes of `format` → text, a PDF's text layer taken from `pdf` (in this process, or
/// from the helper process when the engine has one).
fn flatten_bytes(
    bytes: &[u8],
    format: Format,
    pdf: impl FnOnce(&[u8]) -> std::result::Result<String, String>,
) -> std::result::Result<Text, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("empty file".into());
    }
    let text = match format {
        Format::Pdf => {
            let mut text = Text::parse(&pdf(bytes)?, Format::Text);
            text.format = Format::Pdf;
            text
        }
        Format::Docx => docx::flatten(bytes)?.finish(Format::Docx),
        Format::Json => {
            let (source, encoding) = decode(bytes)?;
            let (mut b, stated) = json::flatten(&source)?;
            let mut text = b.finish_stated(Format::Json, stated);
            text.encoding = encoding;
            text
        }
        Format::Text | Format::Markdown | Format::Html => {
            let (source, encoding) = decode(bytes)?;
            let mut text = Text::parse(&source, format);
            text.encoding = encoding;
            text
        }
    };
    if text.text.trim().is_empty() {
        return Err("no text found in the file".into());
    }
    Ok(text)
}

/// The text layer of a PDF, extracted in this process on a thread of its own (a big
/// stack for deeply nested files; a panic becomes an error). This is what the CLI's
/// `__pdf-text` helper runs.
#[doc(hidden)]
pub fn pdf_text(bytes: &[u8]) -> std::result::Result<String, String> {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("pdf".into())
            .stack_size(256 << 20)
            .spawn_scoped(s, || pdf::extract(bytes))
            .map_err(|e| format!("cannot start PDF extraction: {e}"))?
            .join()
            .unwrap_or_else(|_| Err("PDF could not be parsed (the PDF reader failed on it)".into()))
    })
}

/// How long a PDF helper process may take before it is stopped.
const PDF_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Run `exe __pdf-text FILE` and take its output: the helper's crash, hang or
/// exhaustion costs only this file.
fn pdf_text_in_helper(exe: &Path, path: &Path) -> std::result::Result<String, String> {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(exe)
        .arg("__pdf-text")
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the PDF helper {}: {e}", exe.display()))?;
    // Drain stdout on a thread so a large text cannot block the child on a full pipe.
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        stdout.read_to_end(&mut out).map(|_| out)
    });
    let start = std::time::Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > PDF_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "PDF extraction took over {} s and was stopped",
                    PDF_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(5)),
            Err(e) => return Err(format!("PDF helper failed: {e}")),
        }
    };
    let out = reader
        .join()
        .map_err(|_| "PDF helper output lost".to_string())?
        .map_err(|e| format!("PDF helper output lost: {e}"))?;
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    if status.success() {
        String::from_utf8(out).map_err(|_| "PDF helper gave invalid UTF-8".to_string())
    } else if status.code() == Some(3) {
        Err(err.trim().to_string())
    } else {
        Err(format!(
            "PDF could not be parsed (the PDF reader crashed on it: {status})"
        ))
    }
}

/// Decode raw file bytes to a string, and say which encoding they were in.
///
/// A byte-order mark decides (UTF-8, UTF-16 LE/BE); else valid UTF-8 is UTF-8; else the
/// encoding is detected (chardetng, the detector Firefox uses) among the legacy encodings
/// résumés really come in — GBK/GB18030 and Big5 from Chinese systems, Shift_JIS,
/// EUC-KR, windows-1252 — and must decode without a single error. Anything else is
/// refused with a reason a user can act on.
pub fn decode(bytes: &[u8]) -> std::result::Result<(String, &'static str), String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("empty file".into());
    }
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        (utf8(rest)?, "UTF-8")
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        (strict(encoding_rs::UTF_16LE, rest)?, "UTF-16LE")
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        (strict(encoding_rs::UTF_16BE, rest)?, "UTF-16BE")
    } else {
        let head = &bytes[..bytes.len().min(8192)];
        if head.contains(&0) {
            return Err("binary file (contains NUL bytes), not text".into());
        }
        let control = head
            .iter()
            .filter(|b| **b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
            .count();
        if control * 10 > head.len() {
            return Err("binary file (mostly control bytes), not text".into());
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_string(), "UTF-8"),
            Err(_) => {
                let mut detector =
                    chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
                detector.feed(bytes, true);
                let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
                let supported = [
                    encoding_rs::GBK,
                    encoding_rs::GB18030,
                    encoding_rs::BIG5,
                    encoding_rs::SHIFT_JIS,
                    encoding_rs::EUC_KR,
                    encoding_rs::WINDOWS_1252,
                ];
                if !supported.contains(&guess) {
                    return Err(format!(
                        "not valid UTF-8 and not a supported legacy encoding (looks like {})",
                        guess.name()
                    ));
                }
                // GB18030 is a superset of GBK: decode with it, report what was detected.
                let decoder = if guess == encoding_rs::GBK {
                    encoding_rs::GB18030
                } else {
                    guess
                };
                (strict(decoder, bytes)?, guess.name())
            }
        }
    };
    // Bytes that decode but are mostly control characters are not text.
    let total = text.chars().count().max(1);
    let control = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    if control * 10 > total {
        return Err("binary file (mostly control characters), not text".into());
    }
    Ok((text.replace("\r\n", "\n").replace('\r', "\n"), encoding))
}

fn utf8(bytes: &[u8]) -> std::result::Result<String, String> {
    std::str::from_utf8(bytes).map(str::to_string).map_err(|e| {
        format!(
            "not valid UTF-8 after its byte-order mark (at byte {})",
            e.valid_up_to() + 3
        )
    })
}

/// Decode with `encoding`, refusing input that does not decode cleanly.
fn strict(
    encoding: &'static encoding_rs::Encoding,
    bytes: &[u8],
) -> std::result::Result<String, String> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(format!("not valid {} text", encoding.name()));
    }
    Ok(text.into_owned())
}

/// Accumulates flattened text line by line for the format readers.
#[derive(Default)]
pub(crate) struct TextBuilder {
    text: String,
    headings: Vec<Heading>,
    heading_start: Option<(u8, usize)>,
    /// Whether the last character written was a space (to collapse runs).
    pending_space: bool,
}

impl TextBuilder {
    /// Append inline text, collapsing whitespace runs into one space.
    pub(crate) fn push_inline(&mut self, s: &str) {
        for c in s.chars() {
            if c.is_whitespace() {
                self.pending_space = true;
            } else {
                if self.pending_space && !self.at_line_start() {
                    self.text.push(' ');
                }
                self.pending_space = false;
                self.text.push(c);
            }
        }
    }

    /// Append text verbatim (no whitespace folding), e.g. a plain-text line.
    pub(crate) fn push_text(&mut self, s: &str) {
        if self.pending_space && !self.at_line_start() {
            self.text.push(' ');
        }
        self.pending_space = false;
        self.text.push_str(s);
    }

    /// End the current line, if anything is on it.
    pub(crate) fn newline(&mut self) {
        self.pending_space = false;
        if !self.at_line_start() {
            self.text.push('\n');
        }
    }

    /// Begin a block that starts a new line (paragraph, list item, row).
    pub(crate) fn block(&mut self) {
        self.newline();
    }

    pub(crate) fn start_heading(&mut self, level: u8) {
        self.newline();
        self.heading_start = Some((level, self.text.len()));
    }

    pub(crate) fn end_heading(&mut self) {
        if let Some((level, start)) = self.heading_start.take() {
            let end = self.text.trim_end().len().max(start);
            if end > start {
                self.headings.push(Heading {
                    level,
                    span: start..end,
                });
            }
        }
        self.newline();
    }

    fn at_line_start(&self) -> bool {
        self.text.is_empty() || self.text.ends_with('\n')
    }

    fn finish_stated(&mut self, format: Format, stated: Stated) -> Text {
        let mut text = self.finish(format);
        text.stated = Some(stated);
        text
    }

    fn finish(&mut self, format: Format) -> Text {
        // Drop trailing spaces and runs of blank lines; keep heading spans valid by
        // rebuilding both together.
        let mut out = String::with_capacity(self.text.len());
        let mut map = Vec::new(); // (old_line_start, new_line_start, len)
        let mut offset = 0;
        let mut blank_run = 0;
        for line in self.text.split('\n') {
            let trimmed = line.trim_end();
            let lead = trimmed.len() - trimmed.trim_start().len();
            let content = trimmed.trim_start();
            if content.is_empty() {
                blank_run += 1;
            } else {
                if !out.is_empty() {
                    out.push('\n');
                }
                blank_run = 0;
                map.push((offset + lead, out.len(), content.len()));
                out.push_str(content);
            }
            offset += line.len() + 1;
        }
        let _ = blank_run;
        let remap = |old: usize| -> Option<usize> {
            map.iter()
                .find(|(o, _, len)| old >= *o && old <= o + len)
                .map(|(o, n, _)| n + (old - o))
        };
        let headings = self
            .headings
            .iter()
            .filter_map(|h| {
                let start = remap(h.span.start)?;
                let end = remap(h.span.end)?;
                (end > start).then_some(Heading {
                    level: h.level,
                    span: start..end,
                })
            })
            .collect();
        Text {
            text: out,
            headings,
            format,
            encoding: "UTF-8",
            stated: None,
        }
    }
}

/// The identifier of a file indexed under `root`: its path relative to `root`, without
/// extension, with `/` separators (`corpus/profiles/a.md` under `corpus/profiles` is `a`).
pub fn id_for(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let rel: PathBuf = rel.with_extension("");
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_keeps_lines() {
        let t = Text::parse("Name\r\n\r\n\r\nSkills: Rust  \n", Format::Text);
        assert_eq!(t.text.replace('\r', ""), "Name\nSkills: Rust");
    }

    #[test]
    fn bom_is_stripped() {
        let (s, enc) = decode(b"\xEF\xBB\xBFhello").unwrap();
        assert_eq!(
            (Text::parse(&s, Format::Text).text.as_str(), enc),
            ("hello", "UTF-8")
        );
    }

    #[test]
    fn legacy_chinese_encodings_and_utf16() {
        let text = "熟悉微服务架构与高并发系统，五年后端开发经验。";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(decode(&gbk).unwrap(), (text.to_string(), "GBK"));
        let (big5, _, _) =
            encoding_rs::BIG5.encode("熟悉微服務架構與高併發系統，五年後端開發經驗。");
        assert_eq!(decode(&big5).unwrap().1, "Big5");
        let mut utf16: Vec<u8> = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&utf16).unwrap(), (text.to_string(), "UTF-16LE"));
    }

    #[test]
    fn refuses_binary_and_empty() {
        assert!(decode(b"abc\0def").unwrap_err().contains("binary"));
        assert!(decode(b"\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x80\x81")
            .unwrap_err()
            .contains("binary"));
        assert!(decode(b"  \n ").unwrap_err().contains("empty"));
        assert!(decode(b"\xFF\xFEa").unwrap_err().contains("UTF-16"));
    }

    #[test]
    fn ids_are_relative_without_extension() {
        assert_eq!(
            id_for(
                Path::new("corpus/profiles"),
                Path::new("corpus/profiles/a.md")
            ),
            "a"
        );
        assert_eq!(id_for(Path::new("c"), Path::new("c/zh/b.html")), "zh/b");
        assert_eq!(id_for(Path::new("c"), Path::new("c/noext")), "noext");
    }
}
