//! The parse stage: a source file becomes a [`Parsed`] bulletin (front matter typed, body
//! rendered from Markdown) with the warnings about the file alone. Its key is the binary, the
//! time zone and `unsafe_html` (see `build::scan`), and each source's hash.

use serde::{Deserialize, Serialize};

use super::{Bulletin, SourceFile, parse_bulletin};
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
    let mut warnings = Vec::new();
    if bulletin.image.is_some() && bulletin.image_alt.is_none() {
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
    Ok(Parsed { bulletin, rendered, warnings, link_warnings })
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
                draft: b.draft,
                image: b.image.clone(),
                image_alt: b.image_alt.clone(),
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
                internal_links: r.internal_links.clone(),
                loaded: false,
            },
            warnings: p.warnings.clone(),
            link_warnings: p.link_warnings.clone(),
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
