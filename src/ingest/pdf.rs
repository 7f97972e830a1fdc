//! PDF → text from the text layer, in pure Rust (lopdf parses the file; the text
//! operators are interpreted here).
//!
//! What a PDF "says" is glyph codes in fonts; turning them back into characters is where
//! other tools garble Chinese. The decoding rules, in order:
//!
//! - a composite (Type0) font with a predefined CJK CMap decodes its codes by what the
//!   CMap's name says they are: UCS-2/UTF-16 (`UniGB-UCS2-H`, `UniGB-UTF16-H`, and the
//!   CNS/JIS/KS equivalents), GBK/GB2312 (`GBK-EUC-H`, `GBpc-EUC-H`, `GB-EUC-H`), Big5
//!   (`B5pc-H`, `ETen-B5-H`), Shift_JIS or EUC-KR;
//! - `Identity-H/V` codes mean nothing without the font's `/ToUnicode` map: with one they
//!   are mapped, without one the text cannot be recovered and the file is refused with
//!   that reason — never turned into Latin-1 noise;
//! - simple fonts use their `/ToUnicode` map when they have one, else their encoding
//!   (WinAnsi, MacRoman, Standard, `/Differences`).
//!
//! Lines come from the text matrix: a show operation lower or higher on the page than
//! the last starts a new line. A page with no text at all (a scan) gives no text, and
//! the file is refused as "no text layer".
//!
//! Extraction runs in a separate process when the engine has a helper executable for it
//! (the CLI is its own helper), so a pathological file costs that file only.

use std::collections::BTreeMap;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, Object};

/// The most a page's content (or a font's ToUnicode map) may inflate to.
const MAX_DECOMPRESSED: usize = 64 * 1024 * 1024;

/// How a font's codes become characters.
enum Decoder<'a> {
    /// lopdf's decoding: a ToUnicode map or a simple-font encoding.
    Lopdf(Encoding<'a>),
    /// Two-byte codes that are UTF-16BE code units (UCS-2 / UTF-16 CMaps).
    Utf16Be,
    /// Codes that are bytes of a legacy multi-byte encoding (GBK, Big5 …).
    Legacy(&'static encoding_rs::Encoding),
    /// Codes whose meaning cannot be recovered; the CMap's name, for the error.
    Unknown(String),
}

/// The text of a PDF's text layer, one line per text line on the page, pages separated
/// by a blank line. Errors are reasons a user can act on.
pub(crate) fn extract(bytes: &[u8]) -> Result<String, String> {
    let doc = Document::load_mem(bytes).map_err(|e| match e {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => {
            "PDF is encrypted with a password; matcher cannot read it".to_string()
        }
        e => format!("not a readable PDF ({e})"),
    })?;
    if doc.is_encrypted() && doc.encryption_state.is_none() {
        return Err("PDF is encrypted with a password; matcher cannot read it".into());
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err("PDF has no pages".into());
    }
    let mut out = String::new();
    let mut unknown: Vec<String> = Vec::new();
    for page_id in pages.values() {
        let text = page_text(&doc, *page_id, &mut unknown)
            .map_err(|e| format!("PDF page cannot be read ({e})"))?;
        if !text.trim().is_empty() {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(text.trim_end());
        }
    }
    if out.trim().is_empty() {
        return Err(match unknown.first() {
            Some(name) => format!(
                "PDF text uses font encoding {name} with no Unicode mapping; its text cannot be recovered"
            ),
            None => "PDF has no text layer (a scanned image?); matcher does not do OCR".into(),
        });
    }
    let chars = out.chars().filter(|c| !c.is_whitespace()).count().max(1);
    let bad = out
        .chars()
        .filter(|c| *c == '\u{fffd}' || (c.is_control() && !c.is_whitespace()))
        .count();
    if bad * 4 > chars {
        return Err("PDF text could not be decoded (mostly unmappable characters)".into());
    }
    Ok(out.replace('\u{fffd}', " "))
}

/// The fonts of a page with their decoders, keyed by resource name.
fn decoders<'a>(
    doc: &'a Document,
    fonts: &'a [(Vec<u8>, Dictionary)],
) -> BTreeMap<&'a [u8], Decoder<'a>> {
    fonts
        .iter()
        .map(|(name, font)| (name.as_slice(), decoder(doc, font)))
        .collect()
}

fn decoder<'a>(doc: &'a Document, font: &'a Dictionary) -> Decoder<'a> {
    let subtype = font
        .get(b"Subtype")
        .and_then(Object::as_name)
        .unwrap_or(b"");
    let has_to_unicode = font.get(b"ToUnicode").is_ok();
    let lopdf =
        |font: &'a Dictionary| match font.get_font_encoding_with_limit(doc, MAX_DECOMPRESSED) {
            Ok(e) => Decoder::Lopdf(e),
            Err(e) => Decoder::Unknown(format!("(unreadable: {e})")),
        };
    if subtype == b"Type0" {
        let name = match font.get_deref(b"Encoding", doc) {
            Ok(Object::Name(n)) => String::from_utf8_lossy(n).into_owned(),
            // An embedded CMap stream: its /CMapName says what it is.
            Ok(Object::Stream(s)) => s
                .dict
                .get(b"CMapName")
                .and_then(Object::as_name)
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .unwrap_or_default(),
            _ => String::new(),
        };
        if let Some(d) = predefined(&name) {
            return d;
        }
        if has_to_unicode {
            // lopdf reads ToUnicode for Identity-H/V; for anything else, ask it with the
            // encoding left out so that it does.
            if name.starts_with("Identity") {
                return lopdf(font);
            }
            return Decoder::Unknown(name);
        }
        return Decoder::Unknown(if name.is_empty() {
            "(none)".into()
        } else {
            name
        });
    }
    lopdf(font)
}

/// The decoder a predefined CMap's name implies.
fn predefined(name: &str) -> Option<Decoder<'static>> {
    use encoding_rs::{BIG5, EUC_KR, GB18030, SHIFT_JIS};
    let d = if name.contains("UCS2") || name.contains("UTF16") {
        Decoder::Utf16Be
    } else if name.starts_with("GBK") || name.starts_with("GBpc-EUC") || name.starts_with("GB-EUC")
    {
        Decoder::Legacy(GB18030)
    } else if name.starts_with("B5") || name.starts_with("ETen-B5") || name.starts_with("HKscs-B5")
    {
        Decoder::Legacy(BIG5)
    } else if name.contains("RKSJ") {
        Decoder::Legacy(SHIFT_JIS)
    } else if name.starts_with("KSC") {
        Decoder::Legacy(EUC_KR)
    } else {
        return None;
    };
    Some(d)
}

fn decode(decoder: &Decoder, bytes: &[u8], unknown: &mut Vec<String>) -> String {
    match decoder {
        Decoder::Lopdf(e) => e.bytes_to_string(bytes).unwrap_or_default(),
        Decoder::Utf16Be => encoding_rs::UTF_16BE
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
        Decoder::Legacy(e) => e.decode_without_bom_handling(bytes).0.into_owned(),
        Decoder::Unknown(name) => {
            if !unknown.contains(name) {
                unknown.push(name.clone());
            }
            String::new()
        }
    }
}

/// Interprets a page's text operators into lines.
struct Page {
    out: String,
    /// The text line matrix's translation: where the current line starts. Glyph
    /// advances are not tracked (that needs font widths), so it is also where text is
    /// taken to be shown.
    line_origin: (f32, f32),
    leading: f32,
    font_size: f32,
    /// The height of the last text shown on the page, if any.
    last_y: Option<f32>,
    /// Whether a positioning operator ran since that text (a gap may need a space).
    moved: bool,
}

impl Page {
    fn show(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let y = self.line_origin.1;
        match self.last_y {
            Some(last) if (last - y).abs() > (self.font_size.abs() * 0.4).max(1.0) => {
                self.out.push('\n');
            }
            Some(_) if self.moved => self.space_before(text),
            _ => {}
        }
        self.out.push_str(text);
        self.last_y = Some(y);
        self.moved = false;
    }

    /// A space between two pieces of one line, unless either side is Chinese (where a
    /// space would split a word) or one is already there.
    fn space_before(&mut self, next: &str) {
        let prev = self.out.chars().next_back();
        let next = next.chars().next();
        let cjk = |c: Option<char>| c.is_some_and(crate::analysis::is_han);
        if prev.is_some_and(|c| !c.is_whitespace() && c != '\n')
            && next.is_some_and(|c| !c.is_whitespace())
            && !(cjk(prev) || cjk(next))
        {
            self.out.push(' ');
        }
    }

    fn move_to(&mut self, x: f32, y: f32) {
        self.line_origin = (x, y);
        self.moved = true;
    }
}

fn number(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn page_text(
    doc: &Document,
    page_id: lopdf::ObjectId,
    unknown: &mut Vec<String>,
) -> lopdf::Result<String> {
    let fonts: Vec<(Vec<u8>, Dictionary)> = doc
        .get_page_fonts(page_id)?
        .into_iter()
        .map(|(name, dict)| (name, dict.clone()))
        .collect();
    let decoders = decoders(doc, &fonts);
    let content = Content::decode(&doc.get_page_content_with_limit(page_id, MAX_DECOMPRESSED)?)?;
    let mut page = Page {
        out: String::new(),
        line_origin: (0.0, 0.0),
        leading: 0.0,
        font_size: 12.0,
        last_y: None,
        moved: false,
    };
    let mut font: Option<&Decoder> = None;
    for op in &content.operations {
        let args = &op.operands;
        let num = |i: usize| args.get(i).and_then(number).unwrap_or(0.0);
        match op.operator.as_str() {
            "BT" => page.move_to(0.0, 0.0),
            "Tf" => {
                font = args
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|n| decoders.get(n));
                page.font_size = num(1);
            }
            "TL" => page.leading = num(0),
            "Td" | "TD" => {
                if op.operator == "TD" {
                    page.leading = -num(1);
                }
                let (x, y) = page.line_origin;
                page.move_to(x + num(0), y + num(1));
            }
            "Tm" => {
                // Scale the font size by the matrix so line detection sees real sizes.
                let scale = num(3).abs();
                if scale > 0.0 && page.font_size.abs() <= 1.0 {
                    page.font_size = scale;
                }
                page.move_to(num(4), num(5));
            }
            "T*" | "'" | "\"" => {
                let (x, y) = page.line_origin;
                page.move_to(x, y - page.leading.max(page.font_size.abs() * 1.2));
                if op.operator != "T*"
                    && let (Some(d), Some(Object::String(s, _))) = (font, args.last())
                {
                    let text = decode(d, s, unknown);
                    page.show(&text);
                }
            }
            "Tj" => {
                if let (Some(d), Some(Object::String(s, _))) = (font, args.first()) {
                    let text = decode(d, s, unknown);
                    page.show(&text);
                }
            }
            "TJ" => {
                let (Some(d), Some(Object::Array(items))) = (font, args.first()) else {
                    continue;
                };
                let mut text = String::new();
                for item in items {
                    match item {
                        Object::String(s, _) => text.push_str(&decode(d, s, unknown)),
                        // A large negative adjustment is a word space set by kerning.
                        o => {
                            if number(o).is_some_and(|n| n < -200.0)
                                && !text.ends_with(' ')
                                && !text
                                    .chars()
                                    .next_back()
                                    .is_some_and(crate::analysis::is_han)
                            {
                                text.push(' ');
                            }
                        }
                    }
                }
                page.show(&text);
            }
            _ => {}
        }
    }
    Ok(page.out)
}
