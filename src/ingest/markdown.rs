//! Markdown → text with `pulldown-cmark`.
//!
//! Headings are kept as section boundaries; paragraphs, list items and table rows each
//! start a line; emphasis, links and code spans keep only their text; raw HTML
//! (comments, stray tags) is dropped.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::TextBuilder;

pub(super) fn flatten(source: &str) -> TextBuilder {
    let mut out = TextBuilder::default();
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut in_code_block = false;
    for event in Parser::new_ext(source, options) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => out.start_heading(level as u8),
            Event::End(TagEnd::Heading(_)) => out.end_heading(),
            Event::Start(Tag::Item) => {
                out.block();
                out.push_text("- ");
            }
            Event::Start(Tag::Paragraph | Tag::TableRow | Tag::TableHead | Tag::BlockQuote(_)) => {
                out.block()
            }
            Event::End(TagEnd::Paragraph | TagEnd::TableRow | TagEnd::TableHead | TagEnd::Item) => {
                out.newline()
            }
            Event::Start(Tag::TableCell) | Event::End(TagEnd::TableCell) => out.push_inline(" "),
            Event::Start(Tag::CodeBlock(_)) => {
                in_code_block = true;
                out.block();
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                out.newline();
            }
            Event::Text(text) if in_code_block => {
                for (i, line) in text.split('\n').enumerate() {
                    if i > 0 {
                        out.newline();
                    }
                    out.push_text(line);
                }
            }
            Event::Text(text) | Event::Code(text) => out.push_inline(&text),
            // Résumés put one fact per source line; keep their line structure.
            Event::SoftBreak | Event::HardBreak | Event::Rule => out.newline(),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::ingest::{Format, Text};

    #[test]
    fn headings_lists_and_inline_markup() {
        let md = "<!-- note -->\n## Shao\nMale | Age: 40\n\n---\n\n## Work Experience\n\
                  ### Oqton, Principal, 2022/04-Present\n- **React**/Redux, `TypeScript`\n  - nested [link](http://x)\n";
        let t = Text::parse(md, Format::Markdown);
        assert_eq!(
            t.text,
            "Shao\nMale | Age: 40\nWork Experience\nOqton, Principal, 2022/04-Present\n- React/Redux, TypeScript\n- nested link"
        );
        let heads: Vec<&str> = t.headings.iter().map(|h| &t.text[h.span.clone()]).collect();
        assert_eq!(
            heads,
            [
                "Shao",
                "Work Experience",
                "Oqton, Principal, 2022/04-Present"
            ]
        );
        assert_eq!(t.headings[2].level, 3);
    }
}
