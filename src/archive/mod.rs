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
mod paths;
mod sections;
mod shape;
mod spill;
mod terms;

pub use body::{Body, Summary};
use sections::*;
pub use sections::{Section, section_url};
pub use spill::{Put, Spill, failed as spill_failed, scratch_file};

use paths::*;
pub use paths::{month_url, permalink, term_url, year_url};
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
            let years = make_years(&entries);
            return Ok((
                Archive { entries, sections, tags, authors, years, warnings, by_source: Default::default() },
                None,
            ));
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

        let years = make_years(&entries);
        Ok((
            Archive { entries, sections, tags, authors, years, warnings, by_source: Default::default() },
            Some(key),
        ))
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
        let key = parts.join("/");
        let by_source = self.by_source.get_or_init(|| {
            let mut map = rustc_hash::FxHashMap::default();
            for (i, e) in self.entries.iter().enumerate() {
                map.entry(e.bulletin.source.to_string_lossy().replace('\\', "/")).or_insert(i);
            }
            map
        });
        by_source.get(&key).copied()
    }

    /// Replaces the internal-link markers in a bulletin's HTML with `url(target entry)`, or
    /// `#` for links that point nowhere.
    pub fn link_internal<'h>(
        &self,
        e: &Entry,
        html: &'h str,
        url: impl Fn(&Entry) -> String,
    ) -> std::borrow::Cow<'h, str> {
        if e.facts.internal_links.is_empty() {
            return std::borrow::Cow::Borrowed(html);
        }
        let mut out = html.to_string();
        for (target, _) in &e.facts.internal_links {
            let escaped = crate::text::escape::markdown_href(target);
            let marker = format!("href=\"{}{escaped}\"", markdown::INTERNAL_LINK);
            let fragment = target.split_once('#').map(|(_, f)| format!("#{f}")).unwrap_or_default();
            let href = match self.resolve_link(&e.bulletin.source, target) {
                Some(t) => format!("{}{fragment}", url(&self.entries[t])),
                None => "#".into(),
            };
            out = out.replace(&marker, &format!("href=\"{}\"", crate::text::escape::xml(&href)));
        }
        std::borrow::Cow::Owned(out)
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
mod tests {
    use super::*;
    use crate::content::{SourceFile, parse_bulletin};

    fn items(docs: &[(&str, &str, &str)]) -> Vec<(Bulletin, Rendered)> {
        items_with_body(docs, "")
    }

    fn entries_of(items: Vec<(Bulletin, Rendered)>) -> Vec<Entry> {
        items.into_iter().map(|(b, r)| Entry::new(b, r, None)).collect()
    }

    fn entries(docs: &[(&str, &str, &str)]) -> Vec<Entry> {
        entries_of(items(docs))
    }

    fn items_with_body(docs: &[(&str, &str, &str)], extra: &str) -> Vec<(Bulletin, Rendered)> {
        let tz = jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").expect("tz");
        docs.iter()
            .enumerate()
            .map(|(i, (title, date, tags))| {
                let text = format!(
                    "---\ntitle: \"{title}\"\ndate: {date}\ntags: [{tags}]\n---\nThân bài {i}.{extra}\n"
                );
                let src = SourceFile { rel_path: format!("content/{i}.md").into(), text };
                let b = parse_bulletin(&src, &tz).expect("bulletin");
                let r = markdown::render(&b.body, false);
                (b, r)
            })
            .collect()
    }

    fn summary(a: &Archive) -> Vec<(String, String, Ids, Ids)> {
        a.entries
            .iter()
            .map(|e| (e.bulletin.title.clone(), e.path.clone(), e.tags.clone(), e.related.clone()))
            .collect()
    }

    #[test]
    fn permalinks_fill_the_pattern_and_join_slashes() {
        // The definition: each placeholder replaced, then runs of slashes made one.
        fn reference(pattern: &str, b: &Bulletin, slug: &str) -> String {
            let d = &b.date;
            let day =
                if d.precision == Precision::Month { String::new() } else { format!("{:02}", d.zoned.day()) };
            let mut p = pattern
                .replace("{year}", &format!("{:04}", d.year()))
                .replace("{month}", &format!("{:02}", d.month()))
                .replace("{day}", &day)
                .replace("{slug}", slug);
            while p.contains("//") {
                p = p.replace("//", "/");
            }
            p
        }
        let items =
            items(&[("Mưa", "2024-03-05", ""), ("Nắng", "2024-03", ""), ("Gió", "2024-03-05 07:30", "")]);
        let patterns = [
            "/{year}/{month}/{slug}/",
            "/{year}/{month}/{day}/{slug}/",
            "{slug}",
            "/tin//{day}-{slug}.html",
            "/{{year}}/{slug}{day}/",
            "//{slug",
            "a{b}/{year}{",
            "{",
        ];
        for pattern in patterns {
            for (b, _) in &items {
                for slug in [b.slug.as_str(), "a//b", "đà-nẵng"] {
                    assert_eq!(
                        permalink_with_slug(&crate::config::Permalink::parse(pattern), b, slug),
                        reference(pattern, b, slug),
                        "{pattern} {slug}"
                    );
                }
            }
        }
    }

    #[test]
    fn bulletins_wanting_one_url_are_each_an_error_naming_the_oldest() {
        // Three bulletins with one slug (two of them on one date) among others: each later one
        // is an error naming the oldest, in the order oldest first, then by source path.
        let docs = [
            ("Mưa lớn", "2024-03-05", ""),
            ("Nắng", "2024-03-01", ""),
            ("Mưa lớn!", "2024-03-09", ""),
            ("Gió", "2024-03-05", ""),
            ("Mưa  lớn", "2024-03-05", ""),
        ];
        let mut clashing = entries(&docs);
        for k in [0, 2, 4] {
            clashing[k].bulletin.slug = "mua-lon".into();
        }
        let Err(errors) = Archive::build_with(&Config::default(), clashing, None) else {
            panic!("a URL wanted twice is an error");
        };
        let said: Vec<String> = errors.iter().map(|d| d.to_string()).collect();
        assert_eq!(said.len(), 2, "{said:?}");
        assert!(said[0].contains("content/0.md and content/4.md"), "{said:?}");
        assert!(said[1].contains("content/0.md and content/2.md"), "{said:?}");
        assert!(said.iter().all(|d| d.contains("/mua-lon/")), "{said:?}");
        assert!(Archive::build_with(&Config::default(), entries(&docs), None).is_ok());
    }

    #[test]
    fn padded_numbers_are_formats() {
        for n in [0i64, 5, 12, 123, 2024, 12345, -5, -2024] {
            for width in [0, 2, 4] {
                let mut s = String::from("x");
                crate::config::push_padded(&mut s, n, width).expect("write");
                assert_eq!(s, format!("x{n:0width$}"));
            }
        }
    }

    #[test]
    fn path_cmp_is_the_component_order() {
        let paths = [
            "content/a/b.md",
            "content/a-b.md",
            "content/a.md",
            "content/a/a.md",
            "content/ab.md",
            "content/a b/c.md",
            "content/2020/01/x.md",
            "content/2020-01.md",
        ];
        for a in paths {
            for b in paths {
                let (a, b) = (std::path::Path::new(a), std::path::Path::new(b));
                assert_eq!(path_cmp(a, b), a.cmp(b), "{} {}", a.display(), b.display());
            }
        }
    }

    #[test]
    fn permute_places_each_item_where_the_order_says() {
        // Every permutation of 5 items (and a few larger ones, with long cycles).
        fn check(order: &[u32]) {
            let mut items: Vec<u32> = (0..order.len() as u32).map(|i| i * 10).collect();
            permute(&mut items, order);
            let want: Vec<u32> = order.iter().map(|&i| i * 10).collect();
            assert_eq!(items, want, "order {order:?}");
        }
        fn all(prefix: &mut Vec<u32>, n: u32) {
            if prefix.len() == n as usize {
                return check(prefix);
            }
            for i in 0..n {
                if !prefix.contains(&i) {
                    prefix.push(i);
                    all(prefix, n);
                    prefix.pop();
                }
            }
        }
        for n in 0..=5 {
            all(&mut Vec::new(), n);
        }
        let n = 1000u32;
        check(&(0..n).map(|i| (i * 7 + 3) % n).collect::<Vec<_>>());
        check(&(0..n).rev().collect::<Vec<_>>());
    }

    #[test]
    fn a_shape_is_reused_only_when_it_fits() {
        let docs = [
            ("Mưa lớn", "2024-01-03", "thời tiết, Đà Nẵng"),
            ("Nắng nóng", "2024-01-02", "thời tiết"),
            ("Bão", "2024-01-01", "Đà Nẵng"),
        ];
        let config = Config::default();
        let fresh = |docs: &[(&str, &str, &str)]| Archive::build(&config, items(docs)).expect("archive");
        // The shape as the cache keeps it: written from the archive, read back.
        let kept = |a: &Archive, key: Option<u64>| -> Shape {
            let bytes = postcard::to_stdvec(&a.shape(key.expect("a new shape"))).expect("encode");
            postcard::from_bytes(&bytes).expect("a shape")
        };
        let (first, key) = Archive::build_with(&config, entries(&docs), None).expect("archive");
        let shape = kept(&first, key);
        let lists = |list: fn(&Entry) -> &Ids| first.entries.iter().map(list).cloned().collect::<Vec<_>>();
        assert_eq!(shape.entry_tags, lists(|e| &e.tags));
        assert_eq!(shape.entry_authors, lists(|e| &e.authors));
        assert_eq!(shape.related, lists(|e| &e.related));
        assert_eq!((shape.tags.len(), shape.authors.len()), (first.tags.len(), first.authors.len()));
        // Body and title edits keep the key: the shape is reused and gives the same archive.
        let (reused, again) =
            Archive::build_with(&config, entries_of(items_with_body(&docs, " Thêm.")), Some(shape.clone()))
                .expect("archive");
        assert!(again.is_none(), "the shape is reused");
        assert_eq!(summary(&reused), summary(&first));
        assert!(reused.entries[1].summary().ends_with("Thêm."));
        let mut edited = docs;
        edited[1].0 = "Nắng nóng kéo dài";
        let (retitled, again) =
            Archive::build_with(&config, entries(&edited), Some(shape.clone())).expect("archive");
        assert!(again.is_none(), "the shape is reused");
        assert_eq!(summary(&retitled), summary(&fresh(&edited)));
        // A new tag or a new date order changes the key; the stale shape is ignored.
        edited[2].2 = "bão lũ";
        let (changed, new_shape) =
            Archive::build_with(&config, entries(&edited), Some(shape.clone())).expect("archive");
        assert_ne!(kept(&changed, new_shape).key, shape.key);
        assert_eq!(summary(&changed), summary(&fresh(&edited)));
        let mut moved = docs;
        moved[2].1 = "2024-01-04";
        let (reordered, moved_shape) =
            Archive::build_with(&config, entries(&moved), Some(shape.clone())).expect("archive");
        assert_ne!(kept(&reordered, moved_shape).key, shape.key);
        assert_eq!(summary(&reordered), summary(&fresh(&moved)));
        // A shape with the right key that does not fit (a damaged cache) is not trusted.
        let mut damaged = shape.clone();
        damaged.related.pop();
        damaged.entry_tags[0] = Box::new([99]);
        let (safe, rebuilt) = Archive::build_with(&config, entries(&docs), Some(damaged)).expect("archive");
        assert_eq!(summary(&safe), summary(&first));
        assert_eq!(kept(&safe, rebuilt).key, shape.key);
    }
}
