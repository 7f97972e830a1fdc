//! DOCX (Office Open XML) → text: the paragraphs and tables of `word/document.xml`.
//!
//! Paragraphs become lines; a paragraph styled `Heading1`–`Heading6` or `Title` becomes
//! a [`Heading`](super::Heading); a numbered or bulleted paragraph a `- ` list line; a
//! table row one line with its cells separated by ` | ` (résumés lay out dates, employer
//! and title as table cells). Text boxes come along where Word puts them, inside the
//! body. Headers, footers and comments are left out: they hold page numbers and contact
//! lines, not the résumé.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::TextBuilder;

/// The most `word/document.xml` may inflate to (a zip bomb stops here).
const MAX_XML_BYTES: u64 = 64 * 1024 * 1024;

pub(super) fn flatten(bytes: &[u8]) -> Result<TextBuilder, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not a valid DOCX (corrupt zip archive: {e})"))?;
    let entry = zip.by_name("word/document.xml").map_err(|e| match e {
        zip::result::ZipError::FileNotFound => {
            "not a Word document (the archive has no word/document.xml)".to_string()
        }
        e => format!("not a valid DOCX ({e})"),
    })?;
    let mut xml = Vec::new();
    entry
        .take(MAX_XML_BYTES + 1)
        .read_to_end(&mut xml)
        .map_err(|e| format!("not a valid DOCX (cannot inflate word/document.xml: {e})"))?;
    if xml.len() as u64 > MAX_XML_BYTES {
        return Err(format!(
            "DOCX text is over {} MiB uncompressed",
            MAX_XML_BYTES >> 20
        ));
    }
    let xml = std::str::from_utf8(&xml)
        .map_err(|_| "not a valid DOCX (word/document.xml is not UTF-8)".to_string())?;
    walk(xml).map_err(|e| format!("not a valid DOCX (word/document.xml: {e})"))
}

/// Where the reader is in the document.
#[derive(Default)]
struct State {
    out: TextBuilder,
    /// Text of the current paragraph; paragraphs are written whole, once their style
    /// (which comes first, in `w:pPr`) is known.
    para: String,
    heading: Option<u8>,
    list: bool,
    /// Nested tables: each open row's cells, innermost last.
    rows: Vec<Vec<String>>,
    in_text: bool,
}

impl State {
    fn end_paragraph(&mut self) {
        let para = std::mem::take(&mut self.para);
        let para = para.trim();
        if let Some(cells) = self.rows.last_mut() {
            // Inside a table cell: paragraphs of one cell join with a space.
            if let Some(cell) = cells.last_mut()
                && !para.is_empty()
            {
                if !cell.is_empty() {
                    cell.push(' ');
                }
                cell.push_str(para);
            }
        } else if !para.is_empty() {
            match self.heading {
                Some(level) => {
                    self.out.start_heading(level);
                    self.out.push_inline(para);
                    self.out.end_heading();
                }
                None => {
                    for (i, line) in para.split('\n').enumerate() {
                        self.out.block();
                        if self.list && i == 0 {
                            self.out.push_text("- ");
                        }
                        self.out.push_inline(line);
                        self.out.newline();
                    }
                }
            }
        }
        self.heading = None;
        self.list = false;
    }

    fn end_row(&mut self) {
        let Some(cells) = self.rows.pop() else { return };
        let cells: Vec<&str> = cells
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect();
        let line = cells.join(" | ");
        match self.rows.last_mut().and_then(|outer| outer.last_mut()) {
            // A table inside a cell: its rows join the outer cell.
            Some(cell) => {
                if !cell.is_empty() && !line.is_empty() {
                    cell.push(' ');
                }
                cell.push_str(&line);
            }
            None => {
                self.out.block();
                self.out.push_inline(&line);
                self.out.newline();
            }
        }
    }

    fn style(&mut self, e: &BytesStart) {
        let Some(val) = attr(e, "val") else { return };
        let lower = val.to_ascii_lowercase();
        if lower == "title" {
            self.heading = Some(1);
        } else if let Some(n) = lower.strip_prefix("heading") {
            self.heading = n.trim().parse::<u8>().ok().filter(|n| (1..=6).contains(n));
        }
    }
}

/// The value of attribute `local` (any namespace prefix).
fn attr(e: &BytesStart, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

fn walk(xml: &str) -> Result<TextBuilder, quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut s = State::default();
    loop {
        match reader.read_event()? {
            Event::Start(e) => match e.local_name().as_ref() {
                "t" => s.in_text = true,
                "tr" => s.rows.push(Vec::new()),
                "tc" => {
                    if let Some(cells) = s.rows.last_mut() {
                        cells.push(String::new());
                    }
                }
                "pStyle" => s.style(&e),
                "numPr" => s.list = true,
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "pStyle" => s.style(&e),
                "tab" => s.para.push(' '),
                "br" | "cr" => s.para.push('\n'),
                "p" => s.end_paragraph(),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "t" => s.in_text = false,
                "p" => s.end_paragraph(),
                "tr" => s.end_row(),
                _ => {}
            },
            Event::Text(t) if s.in_text => s.para.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if s.in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    s.para.push(c);
                } else {
                    s.para.push_str(match r.xml10_content().as_ref() {
                        "lt" => "<",
                        "gt" => ">",
                        "amp" => "&",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(s.out)
}
