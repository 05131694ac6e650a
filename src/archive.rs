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

/// How many related bulletins a bulletin page shows.
const RELATED: usize = 5;
/// How many of a tag's bulletins on each side of a bulletin (in date order) are considered
/// when looking for related ones: related bulletins come from around the same time.
const RELATED_WINDOW: usize = 60;

/// A bulletin's body as HTML and as plain text: here from the start when the bulletin was
/// parsed in this build, read back from the source on demand (the build's body loader) when it
/// came from the build cache.
#[derive(Debug)]
pub struct Body {
    /// Let go ([`Archive::release_html`]) once the pages and feeds showing it are written:
    /// the search index, built last, needs only the plain text.
    html: std::sync::Mutex<Option<std::sync::Arc<String>>>,
    /// Let go ([`Entry::release_plain`]) once the build cache has logged it, or once the
    /// search index has its words.
    plain: Option<String>,
}

impl Body {
    pub fn new(html: String, plain: String) -> Body {
        Body { html: std::sync::Mutex::new(Some(std::sync::Arc::new(html))), plain: Some(plain) }
    }
}

/// A bulletin with everything the archive derived for it.
#[derive(Debug)]
pub struct Entry {
    pub bulletin: Bulletin,
    /// Everything Markdown gave except the body itself, which is in [`Entry::body`].
    pub rendered: Rendered,
    pub body: std::sync::OnceLock<Body>,
    /// The summary shown in lists: from front matter, or the first paragraph cut.
    pub summary: String,
    /// Site-relative URL path, e.g. `/2020/01/slug/`.
    pub path: String,
    pub tags: Vec<usize>,
    pub authors: Vec<usize>,
    /// Neighbours in date order: `newer` is the previous one in the list.
    pub newer: Option<usize>,
    pub older: Option<usize>,
    pub related: Vec<usize>,
}

impl Entry {
    /// The body as HTML (internal links not yet resolved). Empty if the entry was not
    /// loaded or its HTML was released, bugs the incremental tests catch.
    pub fn html(&self) -> std::sync::Arc<String> {
        let html = self.body.get().and_then(|b| b.html.lock().ok()?.clone());
        debug_assert!(html.is_some(), "{} not loaded", self.bulletin.source.display());
        html.unwrap_or_default()
    }

    /// Lets go of the body's HTML once nothing else will show it.
    pub fn release_html(&self) {
        if let Some(b) = self.body.get()
            && let Ok(mut html) = b.html.lock()
        {
            *html = None;
        }
    }

    /// Lets go of the body's plain text: the build cache has logged it (the search index
    /// reads it back from there), or the search index has its words.
    pub fn release_plain(&mut self) {
        if let Some(b) = self.body.get_mut() {
            b.plain = None;
        }
    }

    /// The body as plain text, one line per block: `None` when the entry's body was not loaded
    /// or its text was let go ([`Entry::release_plain`]).
    pub fn plain(&self) -> Option<&str> {
        self.body.get()?.plain.as_deref()
    }
}

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
    pub tags: Vec<Term>,
    pub authors: Vec<Term>,
    pub years: Vec<Year>,
    /// Problems worth telling the editor that did not stop the build.
    pub warnings: Vec<Diagnostic>,
    /// Entry of each source path (`/`-separated), made on the first link resolved.
    by_source: std::sync::OnceLock<rustc_hash::FxHashMap<String, usize>>,
}

/// What the archive derives from the bulletins' order, tags and authors alone: the
/// taxonomies and the related bulletins. Most edits (a body, a title, a summary) leave it as
/// it was, so the build cache keeps it and the next build reuses it when its key matches
/// ([`Archive::build_with`]).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Shape {
    /// [`shape_key`] of the entries it was made from.
    pub key: u64,
    tags: Vec<Term>,
    authors: Vec<Term>,
    /// Per entry (archive order): its tags, authors and related bulletins.
    entry_tags: Vec<Vec<usize>>,
    entry_authors: Vec<Vec<usize>>,
    related: Vec<Vec<usize>>,
}

impl Shape {
    /// Whether the shape describes `n` entries consistently: a damaged cache must never
    /// index out of bounds.
    fn fits(&self, n: usize) -> bool {
        let in_range = |lists: &[Vec<usize>], bound: usize| lists.iter().flatten().all(|&i| i < bound);
        let members = |terms: &[Term]| terms.iter().all(|t| t.members.iter().all(|&m| m < n));
        [self.entry_tags.len(), self.entry_authors.len(), self.related.len()].iter().all(|&l| l == n)
            && in_range(&self.entry_tags, self.tags.len())
            && in_range(&self.entry_authors, self.authors.len())
            && in_range(&self.related, n)
            && members(&self.tags)
            && members(&self.authors)
    }
}

/// The key of everything a [`Shape`] is made from: each entry's source, tags and authors, in
/// archive order.
fn shape_key(entries: &[Entry]) -> u64 {
    // Each entry's key, in parallel, then the keys in order.
    let keys: Vec<u64> = entries
        .par_iter()
        .map(|e| {
            let b = &e.bulletin;
            let mut f = crate::hash::Fingerprint::new();
            f.path(&b.source).u64(b.tags.len() as u64);
            for t in &b.tags {
                f.str(t);
            }
            f.u64(b.authors.len() as u64);
            for a in &b.authors {
                f.str(a);
            }
            f.finish()
        })
        .collect();
    let mut f = crate::hash::Fingerprint::new();
    f.u64(entries.len() as u64);
    for k in keys {
        f.u64(k);
    }
    f.finish()
}

/// Which kind of taxonomy a [`Term`] belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    Tag,
    Author,
}

impl TermKind {
    /// The URL folder of the taxonomy.
    pub fn folder(self) -> &'static str {
        match self {
            TermKind::Tag => "tags",
            TermKind::Author => "authors",
        }
    }
}

impl Archive {
    /// Builds the archive from parsed bulletins and their rendered bodies.
    pub fn build(config: &Config, items: Vec<(Bulletin, Rendered)>) -> Result<Archive, Vec<Diagnostic>> {
        Ok(Self::build_with(config, items, None)?.0)
    }

    /// Builds the archive, reusing `cached` when it was made from bulletins with the same
    /// [`shape_key`]. Also returns the shape, for the build cache, when it is not the one
    /// reused (which the cache has already).
    pub fn build_with(
        config: &Config,
        items: Vec<(Bulletin, Rendered)>,
        cached: Option<Shape>,
    ) -> Result<(Archive, Option<Shape>), Vec<Diagnostic>> {
        // Newest first; ties broken by slug then source path, so the order never depends on
        // discovery or thread timing.
        let mut keys: Vec<(std::cmp::Reverse<i64>, &str, &std::path::Path, u32)> = items
            .iter()
            .enumerate()
            .map(|(i, (b, _))| {
                (std::cmp::Reverse(b.date.sort_key()), b.slug.as_str(), b.source.as_path(), i as u32)
            })
            .collect();
        keys.par_sort_unstable();
        let order: Vec<u32> = keys.into_iter().map(|k| k.3).collect();
        let mut items = items;
        permute(&mut items, &order);

        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let paths = assign_paths(config, &items, &mut errors, &mut warnings);
        let mut entries = make_entries(items, paths);
        let n = entries.len();
        for (i, e) in entries.iter_mut().enumerate() {
            e.newer = i.checked_sub(1);
            e.older = (i + 1 < n).then_some(i + 1);
        }
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
                Archive { entries, tags, authors, years, warnings, by_source: Default::default() },
                None,
            ));
        }

        let tags = collect_terms(&mut entries, TermKind::Tag, &mut errors);
        let authors = collect_terms(&mut entries, TermKind::Author, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }

        // Each rayon split gets a scratch of n counters: splits are kept few and large.
        let related: Vec<Vec<usize>> = (0..n)
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
        let shape = Shape {
            key,
            tags: tags.clone(),
            authors: authors.clone(),
            entry_tags: entries.iter().map(|e| e.tags.clone()).collect(),
            entry_authors: entries.iter().map(|e| e.authors.clone()).collect(),
            related: entries.iter().map(|e| e.related.clone()).collect(),
        };
        Ok((Archive { entries, tags, authors, years, warnings, by_source: Default::default() }, Some(shape)))
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
        if e.rendered.internal_links.is_empty() {
            return std::borrow::Cow::Borrowed(html);
        }
        let mut out = html.to_string();
        for (target, _) in &e.rendered.internal_links {
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

/// `items` in the order `order` gives (a permutation of their positions).
/// Puts `items[order[k]]` at position `k`, in place (following each cycle of the
/// permutation), so the bulletins are never held twice. `order` must be a permutation of
/// `0..items.len()`.
fn permute<T>(items: &mut [T], order: &[u32]) {
    debug_assert_eq!(items.len(), order.len());
    let mut placed = vec![false; items.len()];
    for start in 0..items.len() {
        let mut k = start;
        // The item first at `start` moves along the cycle until its own place.
        while !placed[k] {
            placed[k] = true;
            let from = order[k] as usize;
            if from == start {
                break;
            }
            items.swap(k, from);
            k = from;
        }
    }
}

/// The entries of bulletins in archive order, with their paths; taxonomies, neighbours and
/// related bulletins still to fill in. Made in parallel: at 20,000 bulletins this moves 14 MB
/// into memory never touched before, which is most of an edit build's archive stage.
fn make_entries(items: Vec<(Bulletin, Rendered)>, paths: Vec<String>) -> Vec<Entry> {
    items
        .into_par_iter()
        .zip(paths)
        .map(|((mut bulletin, mut rendered), path)| {
            // The entry's summary: the first paragraph is not needed again once it is that.
            let summary = match &bulletin.summary {
                Some(s) => s.clone(),
                None => std::mem::take(&mut rendered.first_paragraph),
            };
            let body = std::sync::OnceLock::new();
            if rendered.loaded {
                let html = std::mem::take(&mut rendered.html);
                let plain = std::mem::take(&mut rendered.plain);
                let _ = body.set(Body::new(html, plain));
            }
            // The Markdown is not needed once rendered.
            bulletin.body = String::new();
            Entry {
                bulletin,
                rendered,
                body,
                summary,
                path,
                tags: Vec::new(),
                authors: Vec::new(),
                newer: None,
                older: None,
                related: Vec::new(),
            }
        })
        .collect()
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

/// Gives every bulletin its URL path. When titles collide, the earliest bulletin (by date, then
/// source path) keeps the plain URL and later ones get `-2`, `-3`… so that adding a bulletin
/// never moves one already published; a warning names both files. Explicit `slug:`s that clash,
/// or any clash under `slug_collisions = "error"`, are errors.
fn assign_paths(
    config: &Config,
    items: &[(Bulletin, Rendered)],
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let keys: Vec<i64> = items.iter().map(|(b, _)| b.date.sort_key()).collect();
    let by_path = |&a: &usize, &b: &usize| path_order(&items[a].0.source).cmp(path_order(&items[b].0.source));
    // Oldest first. The archive's bulletins come newest first, so backwards they need only
    // those of one date put in order (a sort of the whole compares thousands of paths).
    let mut order: Vec<usize> = (0..items.len()).rev().collect();
    if order.is_sorted_by_key(|&i| keys[i]) {
        for same_date in order.chunk_by_mut(|&a, &b| keys[a] == keys[b]) {
            same_date.sort_by(by_path);
        }
    } else {
        order.sort_by(|a, b| keys[*a].cmp(&keys[*b]).then_with(|| by_path(a, b)));
    }
    let wanted: Vec<String> = items.par_iter().map(|(b, _)| permalink(&config.permalink, b)).collect();
    // URLs taken: wanted ones (borrowed), and the `-2`, `-3`… ones given on a clash.
    let mut owner: rustc_hash::FxHashMap<&str, usize> = Default::default();
    owner.reserve(items.len());
    let mut renamed: rustc_hash::FxHashMap<String, usize> = Default::default();
    let all_wanted: rustc_hash::FxHashSet<&str> = wanted.iter().map(String::as_str).collect();
    // Explicit slugs claim their URLs first, so a derived slug never takes an editor's choice.
    order.sort_by_key(|&i| !items[i].0.slug_explicit);
    let mut paths = vec![None; items.len()];
    for i in order {
        let b = &items[i].0;
        let path = wanted[i].as_str();
        let Some(&first) = owner.get(path) else {
            owner.insert(path, i);
            continue;
        };
        let other = &items[first].0;
        let clash = format!(
            "two bulletins have the URL {path}: {} and {}",
            other.source.display(),
            b.source.display()
        );
        if b.slug_explicit || config.slug_collisions == crate::config::SlugCollisions::Error {
            errors.push(
                Diagnostic::error(clash)
                    .in_file(&b.source)
                    .with_hint("give one of them a different `slug:` in its front matter"),
            );
            continue;
        }
        let mut n = 2;
        let (new_path, slug) = loop {
            let slug = format!("{}-{n}", b.slug);
            let p = permalink_with_slug(&config.permalink, b, &slug);
            if !renamed.contains_key(&p) && !all_wanted.contains(p.as_str()) {
                break (p, slug);
            }
            n += 1;
        };
        warnings.push(
            Diagnostic::warning(format!("{clash}; the later one is published at {new_path}"))
                .in_file(&b.source)
                .with_hint(format!("set `slug:` in its front matter to choose its URL (now `{slug}`)")),
        );
        renamed.insert(new_path.clone(), i);
        paths[i] = Some(new_path);
    }
    drop((owner, all_wanted));
    wanted.into_iter().zip(paths).map(|(wanted, renamed)| renamed.unwrap_or(wanted)).collect()
}

/// A source path's bytes with its separators as the lowest byte: compared bytewise, they
/// order paths as [`Path`](std::path::Path)'s component-wise comparison does (for the
/// relative, normalised paths of sources), without splitting them into components.
fn path_order(path: &std::path::Path) -> impl Iterator<Item = u8> + '_ {
    path.as_os_str()
        .as_encoded_bytes()
        .iter()
        .map(|&c| if std::path::is_separator(char::from(c)) { 0 } else { c })
}

/// The site-relative URL of a tag's or author's page (`tags/<slug>/`).
pub fn term_url(kind: TermKind, slug: &str) -> String {
    format!("{}/{slug}/", kind.folder())
}

/// The site-relative URL of a year's page (`2020/`).
pub fn year_url(year: i16) -> String {
    format!("{year:04}/")
}

/// The site-relative URL of a month's page (`2020/01/`).
pub fn month_url(year: i16, month: i8) -> String {
    format!("{year:04}/{month:02}/")
}

/// Expands the permalink pattern for a bulletin. A month-precision bulletin has no day, so
/// `{day}` and the `/` after it are left out rather than invented.
pub fn permalink(pattern: &str, b: &Bulletin) -> String {
    permalink_with_slug(pattern, b, &b.slug)
}

/// Appends `n` as `format!("{n:0width$}")` would, without the formatting machinery (a URL
/// is made for every bulletin on every build).
fn push_padded(out: &mut String, n: i64, width: usize) -> std::fmt::Result {
    use std::fmt::Write as _;
    if n < 0 {
        return write!(out, "{n:0width$}");
    }
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(n);
    out.extend(std::iter::repeat_n('0', width.saturating_sub(digits.len())));
    out.push_str(digits);
    Ok(())
}

/// [`permalink`] with another slug.
fn permalink_with_slug(pattern: &str, b: &Bulletin, slug: &str) -> String {
    let d = &b.date;
    let mut p = String::with_capacity(pattern.len() + slug.len() + 8);
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        p.push_str(&rest[..open]);
        rest = &rest[open..];
        let placeholder = ["{year}", "{month}", "{day}", "{slug}"]
            .into_iter()
            .find_map(|name| rest.strip_prefix(name).map(|after| (name, after)));
        let Some((name, after)) = placeholder else {
            p.push('{');
            rest = &rest[1..];
            continue;
        };
        let _ = match name {
            "{year}" => push_padded(&mut p, d.year().into(), 4),
            "{month}" => push_padded(&mut p, d.month().into(), 2),
            "{day}" if d.precision != Precision::Month => push_padded(&mut p, d.zoned.day().into(), 2),
            "{slug}" => {
                p.push_str(slug);
                Ok(())
            }
            _ => Ok(()),
        };
        rest = after;
    }
    p.push_str(rest);
    // Runs of slashes (where `{day}` is empty, say) become one.
    if p.as_bytes().windows(2).any(|w| w == b"//") {
        let mut joined = String::with_capacity(p.len());
        for c in p.chars() {
            if !(c == '/' && joined.ends_with('/')) {
                joined.push(c);
            }
        }
        p = joined;
    }
    p
}

fn collect_terms(entries: &mut [Entry], kind: TermKind, errors: &mut Vec<Diagnostic>) -> Vec<Term> {
    fn names_of(e: &Entry, kind: TermKind) -> &[String] {
        match kind {
            TermKind::Tag => &e.bulletin.tags,
            TermKind::Author => &e.bulletin.authors,
        }
    }
    // Each bulletin's names' keys, in its front-matter order.
    let keys: Vec<Vec<String>> =
        entries.par_iter().map(|e| names_of(e, kind).iter().map(|n| text::name_key(n)).collect()).collect();
    // key → (spelling → uses), members
    let mut found: rustc_hash::FxHashMap<&str, (BTreeMap<&str, usize>, Vec<usize>)> = Default::default();
    for (i, (e, keys)) in entries.iter().zip(&keys).enumerate() {
        for (name, key) in names_of(e, kind).iter().zip(keys) {
            let slot = found.entry(key.as_str()).or_default();
            *slot.0.entry(name.as_str()).or_insert(0) += 1;
            slot.1.push(i);
        }
    }
    let mut terms: Vec<Term> = found
        .into_iter()
        .map(|(key, (spellings, members))| {
            // Most used spelling; ties go to the first in code-point order, for determinism.
            let name = spellings
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(s, _)| s.to_string())
                .unwrap_or_default();
            let slug = text::term_slug(key);
            Term { key: key.to_string(), name, slug, members }
        })
        .collect();
    terms.sort_by_cached_key(|t| (text::collation_key(&t.name), t.key.clone()));
    let mut slugs: HashMap<&str, &Term> = HashMap::new();
    for t in &terms {
        if let Some(other) = slugs.insert(&t.slug, t) {
            errors.push(Diagnostic::error(format!(
                "the {} \"{}\" and \"{}\" would share the URL /{}/{}/",
                match kind {
                    TermKind::Tag => "tags",
                    TermKind::Author => "authors",
                },
                other.name,
                t.name,
                kind.folder(),
                t.slug
            )));
        }
    }
    for (ti, t) in terms.iter().enumerate() {
        for &m in &t.members {
            match kind {
                TermKind::Tag => entries[m].tags.push(ti),
                TermKind::Author => entries[m].authors.push(ti),
            }
        }
    }
    // Keep each bulletin's terms in its own front-matter order.
    for (e, order) in entries.iter_mut().zip(&keys) {
        let idx = match kind {
            TermKind::Tag => &mut e.tags,
            TermKind::Author => &mut e.authors,
        };
        idx.sort_by_key(|&ti| order.iter().position(|k| *k == terms[ti].key));
    }
    terms
}

/// A per-thread tally of shared tags: a counter per bulletin, and which ones were touched
/// (so resetting costs only what was used).
struct Scratch {
    counts: Vec<u32>,
    touched: Vec<usize>,
}

/// Up to five bulletins sharing the most tags with bulletin `i`, among those published
/// around the same time (within [`RELATED_WINDOW`] bulletins of each tag); the nearest in
/// time first among equals, then the newer.
fn related_to(i: usize, entries: &[Entry], tags: &[Term], s: &mut Scratch) -> Vec<usize> {
    for &t in &entries[i].tags {
        let members = &tags[t].members;
        let at = members.binary_search(&i).unwrap_or_else(|k| k);
        let window =
            &members[at.saturating_sub(RELATED_WINDOW)..(at + RELATED_WINDOW + 1).min(members.len())];
        for &m in window {
            if m != i {
                if s.counts[m] == 0 {
                    s.touched.push(m);
                }
                s.counts[m] += 1;
            }
        }
    }
    let mut ranked: Vec<(usize, u32)> = s.touched.iter().map(|&m| (m, s.counts[m])).collect();
    for &m in &s.touched {
        s.counts[m] = 0;
    }
    s.touched.clear();
    // Members are indices into the newest-first list, so a smaller index is newer.
    let key = |&(m, c): &(usize, u32)| (std::cmp::Reverse(c), m.abs_diff(i), m);
    if ranked.len() > RELATED {
        ranked.select_nth_unstable_by_key(RELATED - 1, key);
        ranked.truncate(RELATED);
    }
    ranked.sort_unstable_by_key(key);
    // A new vector: collecting from `ranked` would keep its allocation (sized by every
    // candidate, up to 120 per tag) alive with the archive.
    let mut related = Vec::with_capacity(ranked.len());
    related.extend(ranked.iter().map(|&(m, _)| m));
    related
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{SourceFile, parse_bulletin};

    fn items(docs: &[(&str, &str, &str)]) -> Vec<(Bulletin, Rendered)> {
        items_with_body(docs, "")
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

    fn summary(a: &Archive) -> Vec<(String, String, Vec<usize>, Vec<usize>)> {
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
                        permalink_with_slug(pattern, b, slug),
                        reference(pattern, b, slug),
                        "{pattern} {slug}"
                    );
                }
            }
        }
    }

    #[test]
    fn padded_numbers_are_formats() {
        for n in [0i64, 5, 12, 123, 2024, 12345, -5, -2024] {
            for width in [0, 2, 4] {
                let mut s = String::from("x");
                push_padded(&mut s, n, width).expect("write");
                assert_eq!(s, format!("x{n:0width$}"));
            }
        }
    }

    #[test]
    fn path_order_is_the_component_order() {
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
                assert_eq!(path_order(a).cmp(path_order(b)), a.cmp(b), "{} {}", a.display(), b.display());
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
        let (first, shape) = Archive::build_with(&config, items(&docs), None).expect("archive");
        let shape = shape.expect("a new shape");
        // Body and title edits keep the key: the shape is reused and gives the same archive.
        let (reused, again) =
            Archive::build_with(&config, items_with_body(&docs, " Thêm."), Some(shape.clone()))
                .expect("archive");
        assert!(again.is_none(), "the shape is reused");
        assert_eq!(summary(&reused), summary(&first));
        assert!(reused.entries[1].summary.ends_with("Thêm."));
        let mut edited = docs;
        edited[1].0 = "Nắng nóng kéo dài";
        let (retitled, again) =
            Archive::build_with(&config, items(&edited), Some(shape.clone())).expect("archive");
        assert!(again.is_none(), "the shape is reused");
        assert_eq!(summary(&retitled), summary(&fresh(&edited)));
        // A new tag or a new date order changes the key; the stale shape is ignored.
        edited[2].2 = "bão lũ";
        let (changed, new_shape) =
            Archive::build_with(&config, items(&edited), Some(shape.clone())).expect("archive");
        assert_ne!(new_shape.expect("a new shape").key, shape.key);
        assert_eq!(summary(&changed), summary(&fresh(&edited)));
        let mut moved = docs;
        moved[2].1 = "2024-01-04";
        let (reordered, moved_shape) =
            Archive::build_with(&config, items(&moved), Some(shape.clone())).expect("archive");
        assert_ne!(moved_shape.expect("a new shape").key, shape.key);
        assert_eq!(summary(&reordered), summary(&fresh(&moved)));
        // A shape with the right key that does not fit (a damaged cache) is not trusted.
        let mut damaged = shape.clone();
        damaged.related.pop();
        damaged.entry_tags[0] = vec![99];
        let (safe, rebuilt) = Archive::build_with(&config, items(&docs), Some(damaged)).expect("archive");
        assert_eq!(summary(&safe), summary(&first));
        assert_eq!(rebuilt.expect("a new shape").key, shape.key);
    }
}
