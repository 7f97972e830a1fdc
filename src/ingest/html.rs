//! HTML → text through a real HTML parser (html5ever, via `scraper`).
//!
//! Scripts, styles and other non-content elements are dropped; block elements start a
//! new line so that the résumé's structure (one job per list item, one field per
//! paragraph) survives as lines; `<h1>`–`<h6>` become [`Heading`](super::Heading)s.

use ego_tree::NodeRef;
use scraper::{Html, Node};

use super::TextBuilder;

/// Elements whose content is never text a reader sees.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "head", "svg", "canvas", "iframe", "object",
];

/// Elements that start and end a line.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

pub(super) fn flatten(source: &str) -> TextBuilder {
    let doc = Html::parse_document(source);
    let mut out = TextBuilder::default();
    walk(doc.tree.root(), &mut out, false);
    out
}

/// A page that carries a schema.org JobPosting in a JSON-LD script (as job boards
/// publish for search engines) is that posting: its data is what the page is about,
/// the rest of the page is navigation.
pub(super) fn job_posting(source: &str) -> Option<(TextBuilder, super::Stated)> {
    if !(source.contains("ld+json") && source.contains("JobPosting")) {
        return None;
    }
    let doc = Html::parse_document(source);
    doc.tree.root().descendants().find_map(|node| {
        let el = node.value().as_element()?;
        if el.name() != "script" || el.attr("type")?.trim() != "application/ld+json" {
            return None;
        }
        let json: String = node
            .children()
            .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
            .collect();
        let value: serde_json::Value = serde_json::from_str(&json).ok()?;
        super::json::find_job_posting(&value)?;
        super::json::flatten(&json).ok()
    })
}

fn walk(node: NodeRef<'_, Node>, out: &mut TextBuilder, pre: bool) {
    match node.value() {
        Node::Text(text) => {
            if pre {
                for (i, line) in text.split('\n').enumerate() {
                    if i > 0 {
                        out.newline();
                    }
                    out.push_text(line);
                }
            } else {
                out.push_inline(text);
            }
        }
        Node::Element(el) => {
            let name = el.name();
            if SKIPPED.contains(&name) {
                return;
            }
            let heading = match name.as_bytes() {
                [b'h', d @ b'1'..=b'6'] => Some(d - b'0'),
                _ => None,
            };
            let block = BLOCKS.contains(&name);
            if let Some(level) = heading {
                out.start_heading(level);
            } else if block {
                out.block();
                if name == "li" {
                    out.push_text("- ");
                }
            } else if name == "td" || name == "th" {
                out.push_inline(" ");
            }
            let pre = pre || name == "pre";
            for child in node.children() {
                walk(child, out, pre);
            }
            if heading.is_some() {
                out.end_heading();
            } else if block {
                out.newline();
            } else if name == "td" || name == "th" {
                out.push_inline(" ");
            }
        }
        Node::Document | Node::Fragment => {
            for child in node.children() {
                walk(child, out, pre);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::{Format, Text};

    #[test]
    fn drops_scripts_and_styles_keeps_blocks() {
        let html = "<html><head><title>t</title><style>p{}</style></head><body>\
            <script>var x = 1;</script><h4>工作履历</h4><ul><li>2018年，加入快手，\n  带领团队</li>\
            <li>Rust &amp; Go</li></ul><p>a<br>b</p></body></html>";
        let t = Text::parse(html, Format::Html);
        assert_eq!(
            t.text,
            "工作履历\n- 2018年，加入快手， 带领团队\n- Rust & Go\na\nb"
        );
        assert_eq!(t.headings.len(), 1);
        assert_eq!(&t.text[t.headings[0].span.clone()], "工作履历");
    }

    #[test]
    fn fragment_without_html_element_is_read() {
        let t = Text::parse(
            "<div class=\"zh\"><p>你好</p><hr><h4>专利</h4></div>",
            Format::Html,
        );
        assert_eq!(t.text, "你好\n专利");
    }
}
