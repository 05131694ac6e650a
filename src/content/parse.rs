//! The parse stage: a source file becomes a [`Parsed`] bulletin (front matter typed, body
//! rendered from Markdown) with the warnings about the file alone. Its key is the binary, the
//! time zone and `unsafe_html` (see `build::scan`), and each source's hash.

use serde::{Deserialize, Serialize};

use super::{Bulletin, PLACEHOLDER_BODY, SourceFile, parse_bulletin};
use crate::diag::Diagnostic;
use crate::markdown::{self, Rendered};

/// A bulletin as parsed, without its body, and the warnings it gave.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Parsed {
    pub bulletin: Bulletin,
    pub rendered: Rendered,
    /// Warnings about the file alone (images without alt text…).
    pub warnings: Vec<Diagnostic>,
    /// One warning per internal link, shown if the link points to no bulletin.
    pub link_warnings: Vec<Diagnostic>,
    /// Where the bytes of its summary (front matter's, else the first paragraph's) are in its
    /// record for the build cache's log: (offset from the record's start, length). Last, so
    /// that the record's bytes before it are the same whatever it says. A build short of
    /// memory reads the summary back from the log rather than putting it in its spill file.
    pub summary_in_record: Option<(u32, u32)>,
}

/// A copy of `s` in an allocation of its own size.
fn exact_copy(s: &str) -> String {
    let mut copy = String::with_capacity(s.len());
    copy.push_str(s);
    copy
}

/// Parses one bulletin and renders its Markdown, with the warnings about the file alone.
pub fn parse(
    source: &SourceFile,
    tz: &jiff::tz::TimeZone,
    unsafe_html: bool,
) -> Result<Parsed, Vec<Diagnostic>> {
    let bulletin = parse_bulletin(source, tz)?;
    let mut rendered = markdown::render(&bulletin.body, unsafe_html);
    // Both are kept until the pages (or the index) are made: copied to fit, they take ~30%
    // less than as grown while rendering (the allocator does not shrink a block in place).
    rendered.html = exact_copy(&rendered.html);
    rendered.plain = exact_copy(&rendered.plain);
    for photo in &mut rendered.photos {
        photo.at = source_position(&bulletin, photo.offset);
    }
    for link in &mut rendered.attachments {
        link.at = source_position(&bulletin, link.offset);
    }
    let mut warnings = Vec::new();
    if bulletin.image().is_some() && bulletin.image_alt().is_none() {
        warnings.push(
            Diagnostic::warning("the lead image has no `image_alt`")
                .in_file(&bulletin.source)
                .with_hint("describe the picture for readers who cannot see it: `image_alt: \"...\"`"),
        );
    }
    for (url, offset) in &rendered.images_without_alt {
        warnings.push(
            body_diagnostic(
                &bulletin,
                *offset,
                Diagnostic::warning(format!("the image {url} has no alt text")),
            )
            .with_hint("describe the image for readers who cannot see it: ![mô tả ảnh](url)"),
        );
    }
    for (target, offset) in &rendered.relative_links {
        let d = body_diagnostic(
            &bulletin,
            *offset,
            Diagnostic::warning(format!("the link to {target} leads to nothing the site publishes")),
        );
        // A web or e-mail address written without its scheme is a path to the browser.
        let email = target.contains('@') && !target.contains('/');
        warnings.push(if email {
            d.with_hint(format!("an e-mail address starts with mailto: — write it (mailto:{target})"))
        } else if markdown::is_web_address_without_scheme(target) {
            d.with_hint(format!("a web address starts with https:// — write it (https://{target})"))
        } else {
            d.with_hint(
                "link a file by its name with its extension, beside the bulletin (quyet-dinh.pdf: it is published with it) or under static/ from the site's root (/tep/bao-cao.pdf); a page of the site from the root too (/tags/an-ninh/), and another bulletin by its file (../02/bai-khac.md)",
            )
        });
    }
    for (code, offset) in &rendered.shortcodes {
        warnings.push(
            body_diagnostic(
                &bulletin,
                *offset,
                Diagnostic::warning(format!("`{code}` is a Hugo shortcode: bantin shows it as text")),
            )
            .with_hint("write a video's address alone in its paragraph (https://youtu.be/…), a picture as ![mô tả](anh.jpg \"Chú thích\"); `bantin import` converts a Hugo site's shortcodes"),
        );
    }
    warnings.extend(shape_warnings(source, &bulletin));
    let link_warnings = rendered
        .internal_links
        .iter()
        .map(|(target, offset)| {
            body_diagnostic(
                &bulletin,
                *offset,
                Diagnostic::warning(format!("the link to {target} points to no bulletin")),
            )
            .with_hint("link to a bulletin's file, relative to this one (../02/x.md) or to content/ (@/2020/02/x.md)")
        })
        .collect();
    // The Markdown is not needed once rendered; letting it go here, on the thread that
    // made it, lets the next bulletin parsed on that thread reuse the memory.
    let mut bulletin = bulletin;
    bulletin.body = String::new();
    Ok(Parsed { bulletin, rendered, warnings, link_warnings, summary_in_record: None })
}

impl Parsed {
    /// A copy without the Markdown, HTML and plain text, as the build cache keeps it.
    pub fn without_body(&self) -> Parsed {
        let p = self;
        let b = &p.bulletin;
        let r = &p.rendered;
        Parsed {
            bulletin: Bulletin {
                source: b.source.clone(),
                title: b.title.clone(),
                date: b.date.clone(),
                updated: b.updated.clone(),
                authors: b.authors.clone(),
                tags: b.tags.clone(),
                summary: b.summary.clone(),
                slug: b.slug.clone(),
                slug_explicit: b.slug_explicit,
                aliases: b.aliases.clone(),
                featured: b.featured.clone(),
                corrections: b.corrections.clone(),
                section: b.section.clone(),
                draft: b.draft,
                lead: b.lead.clone(),
                body: String::new(),
                body_line: b.body_line,
                source_hash: b.source_hash,
            },
            rendered: Rendered {
                html: String::new(),
                first_paragraph: r.first_paragraph.clone(),
                plain: String::new(),
                words: r.words,
                has_code: r.has_code,
                images_without_alt: r.images_without_alt.clone(),
                photos: r.photos.clone(),
                internal_links: r.internal_links.clone(),
                attachments: r.attachments.clone(),
                relative_links: Vec::new(),
                shortcodes: Vec::new(),
                loaded: false,
                spilled: None,
            },
            warnings: p.warnings.clone(),
            link_warnings: p.link_warnings.clone(),
            summary_in_record: None,
        }
    }
}

/// A diagnostic at a byte offset of a bulletin's (normalised) body, placed on the file's line.
pub fn body_diagnostic(b: &Bulletin, offset: usize, d: Diagnostic) -> Diagnostic {
    let (line, col) = crate::diag::line_col(&b.body, offset);
    let mut d = d.in_file(&b.source).at(&b.body, line, col);
    d.line = b.body_line + line - 1;
    d
}

/// Where byte `offset` of the body is in the source file: (line, column).
fn source_position(b: &Bulletin, offset: usize) -> (usize, usize) {
    let (line, col) = crate::diag::line_col(&b.body, offset);
    (b.body_line + line - 1, col)
}

/// Titles longer than this (in characters) are cut by search engines and feed readers.
pub const TITLE_LIMIT: usize = 200;
/// A source larger than this (bytes) is a paste gone wrong more often than a bulletin.
pub const SIZE_LIMIT: usize = 1 << 20;

/// The names a tag or author holds when it is read as a list: its parts between commas (or
/// semicolons) outside brackets, each trimmed, empty ones left out. A byline's sources in
/// brackets, "Vũ Hoàng (Theo AFP, Reuters)" (as Vietnamese papers credit them), are one name.
fn listed_parts(name: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (at, c) in name.char_indices() {
        match c {
            '(' | '[' | '（' => depth += 1,
            ')' | ']' | '）' => depth = depth.saturating_sub(1),
            ',' | '，' | ';' if depth == 0 => {
                parts.push(name[start..at].trim());
                start = at + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(name[start..].trim());
    parts.retain(|p| !p.is_empty());
    parts
}

/// Shapes that parse but are almost always a mistake: a comma inside one tag or author (two
/// names written as one string), a title too long to be a headline, the body `bantin new`
/// wrote still in place, a file too large to be one bulletin.
fn shape_warnings(source: &SourceFile, b: &Bulletin) -> Vec<Diagnostic> {
    let text = &source.text;
    let at_key = |d: Diagnostic, key: &str| {
        let d = d.in_file(&b.source);
        match key_line(text, key) {
            Some((line, col)) => d.at(text, line, col),
            None => d,
        }
    };
    let mut warnings = Vec::new();
    for (key, names, what) in [("tags", &b.tags, "tag"), ("author", &b.authors, "author")] {
        for name in names {
            let parts = listed_parts(name);
            if parts.len() < 2 {
                continue;
            }
            warnings.push(
                at_key(
                    Diagnostic::warning(format!(
                        "the {what} \"{name}\" holds a comma: it is one {what}, not {}",
                        parts.len()
                    )),
                    key,
                )
                .with_hint(format!("to give several, write them as a list: `{key}: [{}]`", parts.join(", "))),
            );
        }
    }
    // An unquoted value with ` #` in it ends there: YAML reads the rest as a comment, and
    // "Tin #1 hôm nay" is published as "Tin".
    for key in ["title", "summary", "author", "image_alt", "image_caption"] {
        let Some((line, col)) = key_line(text, key) else { continue };
        let Some(value) = text.lines().nth(line - 1).and_then(|l| l.get(key.len() + 1..)).map(str::trim)
        else {
            continue;
        };
        let Some(hash) =
            value.find(" #").filter(|_| !value.starts_with(['"', '\'', '[', '{', '|', '>', '#']))
        else {
            continue;
        };
        warnings.push(
            Diagnostic::warning(format!(
                "`{key}` ends at \"{}\": YAML reads ` #` and what follows as a comment",
                &value[..hash]
            ))
            .in_file(&b.source)
            .at(text, line, col + value[..hash].chars().count() + 1)
            .with_hint(format!(
                "put the value in quotes to keep it whole: {key}: {}",
                super::front_matter::quoted(value)
            )),
        );
    }
    let title_chars = b.title.chars().count();
    if title_chars > TITLE_LIMIT {
        warnings.push(
            at_key(Diagnostic::warning(format!("the title is {title_chars} characters long")), "title")
                .with_hint(format!("a headline of at most {TITLE_LIMIT} characters shows whole in search results and feed readers; put the rest in `summary:` or the body")),
        );
    }
    if let Some(offset) = b.body.find(PLACEHOLDER_BODY) {
        warnings.push(
            body_diagnostic(
                b,
                offset,
                Diagnostic::warning("the body still holds the text `bantin new` wrote"),
            )
            .with_hint("replace it with the bulletin's text"),
        );
    }
    if text.len() > SIZE_LIMIT {
        warnings.push(
            Diagnostic::warning(format!("the file is {} KB: more than one bulletin, or a paste gone wrong?", text.len() / 1024))
                .in_file(&b.source)
                .with_hint(format!("full-text feeds show bulletins over {} KB as their summary and a link; split it, or check what was pasted", crate::content::parse::FEED_BODY_LIMIT / 1024)),
        );
    }
    warnings
}

/// The HTML size above which full-text feeds carry a bulletin's summary and a link instead.
pub const FEED_BODY_LIMIT: usize = 200 * 1024;

/// The line and value column of top-level front-matter key `key` in a source.
fn key_line(text: &str, key: &str) -> Option<(usize, usize)> {
    let prefix = format!("{key}:");
    text.lines()
        .enumerate()
        .skip(1)
        .take_while(|(_, l)| l.trim_end() != "---")
        .find(|(_, l)| l.starts_with(&prefix))
        .map(|(i, l)| {
            (
                i + 1,
                l[prefix.len()..].chars().take_while(|c| c.is_whitespace()).count()
                    + prefix.chars().count()
                    + 1,
            )
        })
}
