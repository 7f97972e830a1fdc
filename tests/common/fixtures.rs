//! Real files in real formats, written by the tests: PDFs (with the font encodings
//! Chinese PDFs use), DOCX archives, JSON Resume and JobPosting documents.

use std::io::Write;

/// A one-page PDF whose page shows `content` (a content stream) with font `/F1`
/// defined by the dictionary entries `font`. `extra` objects are numbered from 6 on, for
/// the font to refer to (a ToUnicode stream, descendant fonts).
pub fn pdf(font: &str, content: &str, extra: &[String]) -> Vec<u8> {
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
         /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
            .to_string(),
        stream(content),
        format!("<< {font} >>"),
    ];
    objects.extend(extra.iter().cloned());
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A PDF stream object with `content`.
pub fn stream(content: &str) -> String {
    format!(
        "<< /Length {} >>\nstream\n{content}\nendstream",
        content.len()
    )
}

/// A content stream showing each line (already-encoded bytes) on a line of its own.
pub fn lines(lines: &[Vec<u8>]) -> String {
    let mut content = String::from("BT /F1 12 Tf 14 TL 72 720 Td\n");
    for l in lines {
        content.push_str(&format!("<{}> Tj T*\n", hex(l)));
    }
    content.push_str("ET");
    content
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// A Chinese PDF the way CJK producers without embedded fonts write it: a Type0 font on
/// the STSong-Light CID font with a predefined CMap (`UniGB-UCS2-H` or `GBK-EUC-H`).
pub fn chinese_pdf(cmap: &str, text: &str) -> Vec<u8> {
    let encode = |s: &str| -> Vec<u8> {
        if cmap.contains("UCS2") || cmap.contains("UTF16") {
            s.encode_utf16().flat_map(u16::to_be_bytes).collect()
        } else {
            encoding_rs::GBK.encode(s).0.into_owned()
        }
    };
    let font = format!(
        "/Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /{cmap} /DescendantFonts [6 0 R]"
    );
    let cid = "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light \
               /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> >>"
        .to_string();
    let shown: Vec<Vec<u8>> = text.lines().map(encode).collect();
    pdf(&font, &lines(&shown), &[cid])
}

/// A PDF as office suites write it: an `Identity-H` font (glyph ids, meaningless alone)
/// with a `/ToUnicode` CMap mapping each glyph id used back to its character.
pub fn identity_pdf(text: &str) -> Vec<u8> {
    let mut chars: Vec<char> = text.chars().filter(|c| *c != '\n').collect();
    chars.sort();
    chars.dedup();
    let gid = |c: char| chars.iter().position(|x| *x == c).unwrap() as u16 + 3;
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
         /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n\
         1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    for chunk in chars.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for c in chunk {
            let utf16: String = c
                .encode_utf16(&mut [0; 2])
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            cmap.push_str(&format!("<{:04X}> <{utf16}>\n", gid(*c)));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap CMapName currentdict /CMap defineresource pop end end");
    let shown: Vec<Vec<u8>> = text
        .lines()
        .map(|l| l.chars().flat_map(|c| gid(c).to_be_bytes()).collect())
        .collect();
    let font = "/Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-H \
                /DescendantFonts [6 0 R] /ToUnicode 7 0 R";
    let cid = "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SimSun \
               /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>"
        .to_string();
    pdf(font, &lines(&shown), &[cid, stream(&cmap)])
}

/// A Latin PDF in a standard font with WinAnsi encoding.
pub fn latin_pdf(text: &str) -> Vec<u8> {
    let shown: Vec<Vec<u8>> = text
        .lines()
        .map(|l| encoding_rs::WINDOWS_1252.encode(l).0.into_owned())
        .collect();
    pdf(
        "/Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding",
        &lines(&shown),
        &[],
    )
}

/// A scanned page: an image and no text.
pub fn scanned_pdf() -> Vec<u8> {
    pdf(
        "/Type /Font /Subtype /Type1 /BaseFont /Helvetica",
        "q 612 0 0 792 0 0 cm Q",
        &[],
    )
}

/// A DOCX whose body is `body` (WordprocessingML inside `<w:body>`).
pub fn docx(body: &str) -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let files = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string(),
        ),
        ("word/document.xml", document),
    ];
    for (name, content) in files {
        zip.start_file(name, options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A WordprocessingML paragraph, optionally styled (`Heading1`, `ListParagraph` …).
pub fn para(style: Option<&str>, text: &str) -> String {
    let ppr = style.map_or(String::new(), |s| {
        format!(r#"<w:pPr><w:pStyle w:val="{s}"/></w:pPr>"#)
    });
    format!(r#"<w:p>{ppr}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

/// A table of rows of cells.
pub fn table(rows: &[&[&str]]) -> String {
    let mut out = String::from("<w:tbl>");
    for row in rows {
        out.push_str("<w:tr>");
        for cell in *row {
            out.push_str(&format!("<w:tc>{}</w:tc>", para(None, cell)));
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    out
}
