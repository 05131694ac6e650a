//! The Archive: bulletins sorted newest first, with their URLs, tags and authors as
//! taxonomies, the year/month archive, neighbours and related bulletins. Built once, then only
//! borrowed by the renderer.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{Bulletin, Precision};
use crate::diag::Diagnostic;
use crate::markdown::{self, Rendered};
use crate::text;

mod body;
pub mod files;
mod paths;
mod sections;
mod shape;
mod spill;
mod terms;

pub use body::{Body, Summary};
pub use files::LinkedFile;
use sections::*;
pub use sections::{Section, section_url, section_url_parts};
pub use spill::{Put, Spill, failed as spill_failed, scratch_file};

use paths::*;
pub use paths::{month_url, permalink, term_url, term_url_parts, year_url};
use shape::*;
pub use shape::{Shape, ShapeOf};
pub use terms::TermKind;
use terms::*;

/// A bulletin with everything the archive derived for it.
#[derive(Debug)]
pub struct Entry {
    pub bulletin: Bulletin,
    /// What Markdown told of the body; the body itself is in [`Entry::body`].
    pub facts: Facts,
    /// Boxed: most entries of a large archive never load theirs (56 bytes each held inline).
    pub body: std::sync::OnceLock<Box<Body>>,
    /// The summary shown in lists: from front matter, or the first paragraph cut
    /// ([`Entry::summary`]).
    pub summary: Summary,
    /// Site-relative URL path, e.g. `/2020/01/slug/`.
    pub path: String,
    /// Its tags and authors (positions in [`Archive::tags`] and [`Archive::authors`], in its
    /// front matter's order) and related bulletins (positions in [`Archive::entries`]): small
    /// numbers in lists without spare room, as every bulletin has them.
    pub tags: Ids,
    pub authors: Ids,
    pub related: Ids,
    /// Its section (a position in [`Archive::sections`]).
    pub section: Option<u32>,
    /// Its lead photo's smallest WebP variant (site-relative), for the search results' thumbnail;
    /// set by the photos stage.
    pub thumb: Option<Box<str>>,
}

/// What Markdown told of a bulletin's body that pages show or link by, besides the body: an
/// entry keeps only this of its [`Rendered`] (held for every bulletin, so kept small).
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub words: u32,
    pub has_code: bool,
    /// Whether [`Entry::summary`] was given in front matter (the page shows it as the sapo,
    /// above the body) rather than cut from the body's first paragraph.
    pub summary_given: bool,
    /// Links to other bulletins: (target as written, byte offset in the body).
    pub internal_links: Box<[(String, usize)]>,
    pub photos: Box<[markdown::PhotoRef]>,
    /// Links to files beside it, published as its attachments.
    pub attachments: Box<[markdown::FileLink]>,
}

impl Entry {
    /// The entry of a bulletin, with its body: moved out of `rendered` when loaded, or read
    /// from `spill` when it went there; its path, taxonomies and related bulletins are filled
    /// in by [`Archive::build_with`]. The bulletin's Markdown is let go: it is rendered.
    pub fn new(mut bulletin: Bulletin, rendered: Rendered, spill: Option<&std::sync::Arc<Spill>>) -> Entry {
        let Rendered {
            html,
            first_paragraph,
            plain,
            words,
            has_code,
            internal_links,
            photos,
            attachments,
            loaded,
            spilled,
            ..
        } = rendered;
        // The entry's summary: the first paragraph is not needed again once it is that, nor
        // front matter's once it is moved here (held once, not twice, for every bulletin).
        let summary_given = bulletin.summary.is_some();
        let summary = bulletin.summary.take().unwrap_or(first_paragraph);
        let body = std::sync::OnceLock::new();
        // Where the body went, the summary goes too.
        let mut summary_spill = None;
        match (loaded, spilled, spill) {
            (true, None, _) => {
                let _ = body.set(Box::new(Body::new(html, plain)));
            }
            (true, Some(at), Some(spill)) => {
                let _ = body.set(Box::new(Body::spilled(spill.clone(), at)));
                summary_spill = Some(spill);
            }
            // Not loaded (or spilled nowhere): the bodies stage loads it if a page needs it.
            _ => {}
        }
        let summary = Summary::new(summary, summary_spill);
        bulletin.body = String::new();
        Entry {
            bulletin,
            facts: Facts {
                words: u32::try_from(words).unwrap_or(u32::MAX),
                has_code,
                summary_given,
                internal_links: internal_links.into_boxed_slice(),
                photos: photos.into_boxed_slice(),
                attachments: attachments.into_boxed_slice(),
            },
            body,
            summary,
            path: String::new(),
            tags: Ids::default(),
            authors: Ids::default(),
            related: Ids::default(),
            section: None,
            thumb: None,
        }
    }

    /// Its section (a position in [`Archive::sections`]).
    pub fn section(&self) -> Option<usize> {
        self.section.map(|s| s as usize)
    }

    /// The summary shown in lists, feeds and search results (read back when spilled).
    pub fn summary(&self) -> std::borrow::Cow<'_, str> {
        self.summary.text()
    }

    /// The body as HTML (internal links not yet resolved). Empty if the entry was not
    /// loaded or its HTML was released, bugs the incremental tests catch.
    pub fn html(&self) -> std::sync::Arc<String> {
        let html = self.body.get().and_then(|b| b.html());
        debug_assert!(html.is_some(), "{} not loaded", self.bulletin.source.display());
        html.unwrap_or_default()
    }

    /// Lets go of the body's HTML once nothing else will show it.
    pub fn release_html(&self) {
        if let Some(b) = self.body.get() {
            b.release_html();
        }
    }

    /// Lets go of the body's plain text: the build cache has logged it (the search index
    /// reads it back from there), or the search index has its words.
    pub fn release_plain(&mut self) {
        if let Some(b) = self.body.get_mut() {
            b.release_plain();
        }
    }

    /// The body as plain text, one line per block: `None` when the entry's body was not loaded
    /// or its text was let go ([`Entry::release_plain`]).
    pub fn plain(&self) -> Option<std::borrow::Cow<'_, str>> {
        self.body.get()?.plain()
    }
}

/// Positions in one of the archive's lists, held for every bulletin.
pub type Ids = Box<[u32]>;

/// A tag or an author, with its bulletins (indices into [`Archive::entries`], newest first).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Term {
    pub key: String,
    /// The most used spelling.
    pub name: String,
    pub slug: String,
    pub members: Vec<usize>,
}

/// One month of the date archive.
#[derive(Debug)]
pub struct Month {
    pub month: i8,
    pub members: Vec<usize>,
}

/// One year of the date archive, months newest first.
#[derive(Debug)]
pub struct Year {
    pub year: i16,
    pub months: Vec<Month>,
    pub members: Vec<usize>,
}

#[derive(Debug)]
pub struct Archive {
    pub entries: Vec<Entry>,
    /// The site's sections in menu order, each with its bulletins.
    pub sections: Vec<Section>,
    pub tags: Vec<Term>,
    pub authors: Vec<Term>,
    pub years: Vec<Year>,
    /// Problems worth telling the editor that did not stop the build.
    pub warnings: Vec<Diagnostic>,
    /// Entry of each source path (`/`-separated), made on the first link resolved.
    by_source: std::sync::OnceLock<rustc_hash::FxHashMap<String, usize>>,
    /// The files bulletins link beside them (attachments), by where each is published: set
    /// by the attachments stage from the files it found (none for a file that is not there).
    pub files: rustc_hash::FxHashMap<String, LinkedFile>,
}

impl Archive {
    /// Builds the archive from parsed bulletins and their rendered bodies.
    pub fn build(config: &Config, items: Vec<(Bulletin, Rendered)>) -> Result<Archive, Vec<Diagnostic>> {
        let entries = items.into_iter().map(|(b, r)| Entry::new(b, r, None)).collect();
        Ok(Self::build_with(config, entries, None)?.0)
    }

    /// Builds the archive from entries made by [`Entry::new`], in any order, reusing `cached`
    /// when it was made from bulletins with the same [`shape_key`]. Also returns the shape's
    /// key when the shape is not the one reused (which the cache has already): the build
    /// cache then keeps [`Archive::shape`] of it.
    pub fn build_with(
        config: &Config,
        entries: Vec<Entry>,
        cached: Option<Shape>,
    ) -> Result<(Archive, Option<u64>), Vec<Diagnostic>> {
        // Newest first; ties broken by slug then source path, so the order never depends on
        // discovery or thread timing.
        let mut keys: Vec<(std::cmp::Reverse<i64>, &str, &std::path::Path, u32)> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let b = &e.bulletin;
                (std::cmp::Reverse(b.date.sort_key()), b.slug.as_str(), b.source.as_path(), i as u32)
            })
            .collect();
        keys.par_sort_unstable_by(|a, b| {
            (a.0, a.1).cmp(&(b.0, b.1)).then_with(|| path_cmp(a.2, b.2)).then(a.3.cmp(&b.3))
        });
        let order: Vec<u32> = keys.into_iter().map(|k| k.3).collect();
        let mut entries = entries;
        permute(&mut entries, &order);

        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let paths = assign_paths(config, &entries, &mut errors, &mut warnings);
        entries.par_iter_mut().zip(paths).for_each(|(e, path)| e.path = path);
        let sections = make_sections(config, &mut entries, &mut errors);
        let n = entries.len();
        let key = shape_key(&entries);
        if errors.is_empty()
            && let Some(shape) = cached.filter(|s| s.key == key && s.fits(n))
        {
            let Shape { key: _, tags, authors, entry_tags, entry_authors, related } = shape;
            for (e, ((tags, authors), related)) in
                entries.iter_mut().zip(entry_tags.into_iter().zip(entry_authors).zip(related))
            {
                (e.tags, e.authors, e.related) = (tags, authors, related);
            }
            return Ok((Archive::of(entries, sections, [tags, authors], warnings), None));
        }

        let tags = collect_terms(&mut entries, TermKind::Tag, &mut errors);
        let authors = collect_terms(&mut entries, TermKind::Author, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }

        // Each rayon split gets a scratch of n counters: splits are kept few and large.
        let related: Vec<Ids> = (0..n)
            .into_par_iter()
            .with_min_len(1024)
            .map_init(
                || Scratch { counts: vec![0; n], touched: Vec::new() },
                |s, i| related_to(i, &entries, &tags, s),
            )
            .collect();
        for (e, r) in entries.iter_mut().zip(related) {
            e.related = r;
        }

        Ok((Archive::of(entries, sections, [tags, authors], warnings), Some(key)))
    }

    /// The archive of `entries` in their order, with its sections, tags and authors: its date
    /// archive made of them, and no files found yet (the attachments stage sets them).
    fn of(
        entries: Vec<Entry>,
        sections: Vec<Section>,
        [tags, authors]: [Vec<Term>; 2],
        warnings: Vec<Diagnostic>,
    ) -> Archive {
        let years = make_years(&entries);
        Archive {
            entries,
            sections,
            tags,
            authors,
            years,
            warnings,
            by_source: Default::default(),
            files: Default::default(),
        }
    }

    /// The archive's shape (made from entries whose [`shape_key`] is `key`), to be written
    /// for the next build to reuse.
    pub fn shape(&self, key: u64) -> ShapeOf<'_> {
        ShapeOf { key, archive: self }
    }

    /// The entry a link in bulletin `from` (a source path like `content/2020/01/a.md`) points
    /// to: `@/2020/01/b.md` is relative to content/, anything else to `from`'s folder.
    pub fn resolve_link(&self, from: &std::path::Path, target: &str) -> Option<usize> {
        let path = target.split('#').next().unwrap_or(target);
        let path = crate::text::escape::percent_decode(path).unwrap_or_else(|| path.to_string());
        let mut parts: Vec<String> = Vec::new();
        let rel = if let Some(rest) = path.strip_prefix("@/") {
            parts.push("content".into());
            rest.to_string()
        } else {
            let dir = from.parent().map(|d| d.to_string_lossy().replace('\\', "/")).unwrap_or_default();
            parts.extend(dir.split('/').filter(|s| !s.is_empty()).map(str::to_owned));
            path.to_string()
        };
        for seg in rel.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                s => parts.push(s.to_string()),
            }
        }
        // A link is in the bulletin's text, which is normalised (composed, `Đ` for `Ð`…); a
        // file's name is as its file system keeps it (a Mac's may be decomposed, NFD): paths
        // are compared normalised alike.
        let key = crate::text::normalize(&parts.join("/"));
        let by_source = self.by_source.get_or_init(|| {
            let mut map = rustc_hash::FxHashMap::default();
            for (i, e) in self.entries.iter().enumerate() {
                let mut source = crate::text::normalize(&e.bulletin.source.to_string_lossy());
                if source.contains('\\') {
                    source = source.replace('\\', "/");
                }
                map.entry(source).or_insert(i);
            }
            map
        });
        by_source.get(&key).copied()
    }

    /// Replaces the link markers in a bulletin's HTML: a link to another bulletin with its URL
    /// under `root` (the site's root, relative to the page or absolute), or `#` for links that
    /// point nowhere; a link from the site's root (`/tep/a.pdf`) with the same path under `root`.
    pub fn link_internal<'h>(&self, e: &Entry, html: &'h str, root: &str) -> std::borrow::Cow<'h, str> {
        let root_marker = format!("href=\"{}", markdown::ROOT_LINK);
        let from_root = html.contains(&root_marker);
        if e.facts.internal_links.is_empty() && e.facts.attachments.is_empty() && !from_root {
            return std::borrow::Cow::Borrowed(html);
        }
        let mut out = html.to_string();
        // Each marker (`prefix` and the target as written) becomes the address `to` under the
        // root, its fragment kept, or `#` for a link that leads nowhere; with a `note` (an
        // attachment's type and size), that goes at the end of the link's words, where a
        // reader, and a screen reader's list of links, meets it before following the link.
        let fill = |out: &mut String, prefix: &str, target: &str, to: Option<&str>, note: Option<&String>| {
            let marker = format!("href=\"{prefix}{}\"", crate::text::escape::markdown_href(target));
            if let Some(note) = note {
                let note =
                    format!(" <span class=\"file-note\">({})</span></a>", crate::text::escape::xml(note));
                *out = with_note(out, &marker, &note);
            }
            let fragment = target.split_once('#').map(|(_, f)| format!("#{f}")).unwrap_or_default();
            let href = to.map_or_else(|| "#".into(), |to| format!("{root}{to}{fragment}"));
            *out = out.replace(&marker, &format!("href=\"{}\"", crate::text::escape::xml(&href)));
        };
        for (target, _) in &e.facts.internal_links {
            let to = self
                .resolve_link(&e.bulletin.source, target)
                .map(|t| self.entries[t].path.trim_start_matches('/'));
            fill(&mut out, markdown::INTERNAL_LINK, target, to, None);
        }
        let source = e.bulletin.source.to_string_lossy().replace('\\', "/");
        for link in &e.facts.attachments {
            let file = attachment_file(&source, &link.target, |o| self.files.contains_key(o));
            let note = file.as_ref().and_then(|f| self.files.get(f)).map(|f| &f.note);
            if note.is_none() {
                // Not there (the build warns): a recording's play button would start a player
                // with nothing to play, so the link stays a link.
                let marker = format!(
                    "href=\"{}{}\"",
                    markdown::ATTACHMENT_LINK,
                    crate::text::escape::markdown_href(&link.target)
                );
                out = markdown::without_player(&out, &marker);
            }
            let file = file.map(|f| crate::text::escape::url_path(&f));
            fill(&mut out, markdown::ATTACHMENT_LINK, &link.target, file.as_deref(), note);
        }
        if from_root {
            out = out.replace(&root_marker, &format!("href=\"{}", crate::text::escape::xml(root)));
        }
        std::borrow::Cow::Owned(out)
    }

    /// The files entry `e` links beside it that are there, each once, in the order of its
    /// links: where each is published, and what is told of it.
    pub fn linked_files(&self, e: &Entry) -> Vec<(String, &LinkedFile)> {
        let mut found: Vec<(String, &LinkedFile)> = Vec::new();
        if e.facts.attachments.is_empty() {
            return found;
        }
        let source = e.bulletin.source.to_string_lossy().replace('\\', "/");
        for link in &e.facts.attachments {
            let Some(path) = attachment_file(&source, &link.target, |o| self.files.contains_key(o)) else {
                continue;
            };
            if let Some(file) = self.files.get(&path)
                && !found.iter().any(|(p, _)| *p == path)
            {
                found.push((path, file));
            }
        }
        found
    }

    /// Lets go of every body's HTML (pages and feeds are written), keeping the plain text.
    pub fn release_html(&self) {
        self.entries.iter().for_each(Entry::release_html);
    }

    pub fn terms(&self, kind: TermKind) -> &[Term] {
        match kind {
            TermKind::Tag => &self.tags,
            TermKind::Author => &self.authors,
        }
    }
}

/// `html` with `note` in place of the `</a>` that closes each link whose start holds `marker`.
fn with_note(html: &str, marker: &str, note: &str) -> String {
    let mut out = String::with_capacity(html.len() + note.len());
    let mut rest = html;
    while let Some(at) = rest.find(marker) {
        let after = at + marker.len();
        match rest[after..].find("</a>") {
            Some(close) => {
                out.push_str(&rest[..after + close]);
                out.push_str(note);
                rest = &rest[after + close + "</a>".len()..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// Where the file a bulletin (`content/…/x.md`) links as `target` is published
/// (site-relative), whether or not it is there: the attachments stage publishes it there when
/// it is (or the static stage, for a file of `static/`), and warns when it is not. `known`
/// says whether a file is published at an address (of the places a target from the root may
/// name, the one that is).
pub fn attachment_file(bulletin: &str, target: &str, known: impl Fn(&str) -> bool) -> Option<String> {
    // A target from the root may be a file of `static/` or of `content/`: the one published.
    let published = |p: &str| crate::photos::published_file(p);
    match crate::photos::resolve(bulletin, target, |p| published(p).is_some_and(|o| known(&o))) {
        Ok(p) => published(&p),
        Err(candidates) => candidates.first().and_then(|p| published(p)),
    }
}

/// The date archive: years newest first, each with its months newest first.
fn make_years(entries: &[Entry]) -> Vec<Year> {
    let mut years: BTreeMap<i16, BTreeMap<i8, Vec<usize>>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        let d = &e.bulletin.date;
        years.entry(d.year()).or_default().entry(d.month()).or_default().push(i);
    }
    years
        .into_iter()
        .rev()
        .map(|(year, months)| {
            let months: Vec<Month> =
                months.into_iter().rev().map(|(month, members)| Month { month, members }).collect();
            let members = months.iter().flat_map(|m| m.members.iter().copied()).collect();
            Year { year, months, members }
        })
        .collect()
}

/// The summary shown in lists: from front matter, or the first paragraph cut.
pub fn summary_of(bulletin: &Bulletin, rendered: &Rendered) -> String {
    match &bulletin.summary {
        Some(s) => s.clone(),
        None => rendered.first_paragraph.clone(),
    }
}

#[cfg(test)]
mod tests;
