//! Rendering: Tera 2 set up with the theme's templates and strings, one render job per
//! output page, and the page contexts. Each bulletin's listing view ("card") is built once
//! and list pages borrow slices of them.

mod chart;
mod compact;
mod front;
mod i18n;
mod page;
mod paging;
mod pictures;
mod theme;
mod views;

use front::*;
use paging::*;
use views::*;

pub use compact::compact;
pub use i18n::Strings;
pub use theme::{DEFAULT_THEME, Theme, slash_path};

use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::archive::{Archive, Entry, TermKind, month_url, spill_failed, term_url, term_url_parts, year_url};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::hash::Fingerprint;
use crate::photos::PhotoSet;

/// One page to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Page `.0` of the home page's list (0: the newest page; see [`Span`]).
    Home(usize),
    Bulletin(usize),
    /// The list of all tags or authors.
    Terms(TermKind),
    /// Page `.2` of a tag's or author's list (0: the newest page).
    Term(TermKind, usize, usize),
    /// The list of all years and months.
    ArchiveIndex,
    Year(usize),
    /// Page `.2` of month `.1` of year `.0` (0: the newest page).
    Month(usize, usize, usize),
    Search,
    NotFound,
    /// Old URL `.1` (of its `aliases:`) of bulletin `.0`: a page sending readers on to it.
    Alias(usize, usize),
    /// Every correction notice, newest first (made when there is one).
    Corrections,
    /// Page `.1` of section `.0`'s list (0: the newest page).
    Section(usize, usize),
}

/// The renderer: templates, strings, configuration and the cards, ready for any job.
pub struct Renderer<'a> {
    tera: Tera,
    /// Where each of the site theme's own templates is (`themes/<name>/templates/x.html`), by
    /// its name in Tera, for messages.
    template_files: std::collections::BTreeMap<String, String>,
    pub strings: Strings,
    config: &'a Config,
    archive: &'a Archive,
    /// The photos bulletins show.
    photos: &'a PhotoSet,
    /// Each entry's card as templates see it, made when a page first needs it (an
    /// incremental build renders few pages).
    cards: Vec<std::sync::OnceLock<Value>>,
    /// Whether cards are kept once made ([`Renderer::make_cards_each_time`]).
    keep_cards: bool,
    /// Each entry's `card.html`, rendered once with [`ROOT_MARK`] for `root` (none when its
    /// text has the mark), when the theme's lists show `card_html`.
    card_html: Option<Vec<std::sync::OnceLock<Option<CardHtml>>>>,
    /// Where rendered `card.html`s go when the memory budget is tight.
    card_spill: Option<std::sync::Arc<crate::archive::Spill>>,
    /// 0, 1, … n-1: the home pages' members.
    all: Vec<usize>,
    /// Fingerprints (see [`Renderer::fingerprint`]): of each card, of each entry as a whole
    /// (card, source, where its links lead), of each tag and author, and of everything global.
    card_hashes: Vec<u64>,
    entry_hashes: Vec<u64>,
    term_hashes: [Vec<u64>; 2],
    global: u64,
    /// The build's clock (seconds): bulletins dated after it are shown as scheduled.
    now: i64,
    /// The bulletin leading the home page: the newest one featured at `now`.
    featured: Option<usize>,
}

/// Stands for a page's `root` in a card rendered once for every page that lists it; the
/// private-use characters keep it from meaning anything in a bulletin.
const ROOT_MARK: &str = "\u{E000}bantin-root\u{E001}";

/// HTML rendered with [`ROOT_MARK`] for `root`: the text without the marks, and where they
/// were.
#[derive(serde::Serialize, serde::Deserialize)]
struct MarkedHtml {
    text: String,
    marks: Vec<u32>,
}

impl MarkedHtml {
    fn new(rendered: &str) -> MarkedHtml {
        let mut text = String::with_capacity(rendered.len());
        let mut marks = Vec::new();
        for (i, part) in rendered.split(ROOT_MARK).enumerate() {
            if i > 0 {
                marks.push(text.len() as u32);
            }
            text.push_str(part);
        }
        MarkedHtml { text, marks }
    }

    /// The HTML with `root` where the marks were.
    fn with_root(&self, root: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + self.marks.len() * root.len());
        let mut from = 0;
        for &at in &self.marks {
            out.push_str(&self.text[from..at as usize]);
            out.push_str(root);
            from = at as usize;
        }
        out.push_str(&self.text[from..]);
        out
    }
}

/// A card's HTML kept for the next page listing it: in memory, or put in the build's spill
/// file when the memory budget is tight (at 1,000,000 bulletins they are 750 MB).
enum CardHtml {
    Held(MarkedHtml),
    Spilled(crate::archive::Put),
}

impl MarkedHtml {
    /// As bytes (postcard, as the build cache writes its records).
    fn to_bytes(&self) -> std::io::Result<Vec<u8>> {
        postcard::to_stdvec(self).map_err(std::io::Error::other)
    }

    /// Back from [`MarkedHtml::to_bytes`]; `None` if they are not that, or if a mark is out
    /// of order or inside a character ([`MarkedHtml::with_root`] cuts the text at each).
    fn from_bytes(bytes: &[u8]) -> Option<MarkedHtml> {
        let html: MarkedHtml = postcard::from_bytes(bytes).ok()?;
        let in_order = html.marks.windows(2).all(|w| w[0] <= w[1]);
        (in_order && html.marks.iter().all(|&m| html.text.is_char_boundary(m as usize))).then_some(html)
    }
}

/// The theme's templates read into Tera, with where each of the site theme's own templates
/// is on disk, by its name in Tera (for messages); or what is wrong with them (not UTF-8, not
/// Tera 2 syntax).
fn templates(theme: &Theme) -> Result<(Tera, std::collections::BTreeMap<String, String>), Vec<Diagnostic>> {
    let mut tera = Tera::new();
    let mut templates = Vec::new();
    for (name, bytes) in theme.under("templates") {
        match std::str::from_utf8(bytes) {
            Ok(text) => templates.push((name.to_string(), text.to_string())),
            Err(_) => {
                return Err(vec![
                    Diagnostic::error("the template is not valid UTF-8")
                        .in_file(theme.origin(&format!("templates/{name}"))),
                ]);
            }
        }
    }
    let files: std::collections::BTreeMap<String, String> = templates
        .iter()
        .filter_map(|(name, _)| {
            let key = format!("templates/{name}");
            theme.origins.contains_key(&key).then(|| (name.clone(), theme.origin(&key)))
        })
        .collect();
    tera.add_raw_templates(templates).map_err(|e| vec![template_error(&e, None, &files)])?;
    Ok((tera, files))
}

/// What is wrong with `theme` before any page is made: its strings for `language`, its
/// templates' encoding and syntax. A build that stops early (a bulletin that cannot be read)
/// tells these too; errors met while making pages need the pages.
pub fn theme_errors(theme: &Theme, language: &str) -> Vec<Diagnostic> {
    let mut errors: Vec<Diagnostic> = Strings::load(theme, language).err().into_iter().collect();
    errors.extend(templates(theme).err().into_iter().flatten());
    errors
}

impl<'a> Renderer<'a> {
    /// The renderer for `archive` through `theme`: templates loaded, the site's context set,
    /// and the keys of every card, entry and term made at once (in parallel), because every page's
    /// key is made of them. Long because it is that one set-up, in order.
    pub fn new(
        config: &'a Config,
        theme: &Theme,
        archive: &'a Archive,
        photos: &'a PhotoSet,
        now: i64,
    ) -> Result<Self, Vec<Diagnostic>> {
        let strings = Strings::load(theme, config.language.as_str()).map_err(|d| vec![d])?;
        let (mut tera, template_files) = templates(theme)?;
        let site = serde_json::json!({
            "title": config.title,
            "description": config.description,
            "language": config.language,
            "base_url": config.base_url,
            "base": config.base(),
        });
        tera.global_context().insert("site", &site);
        tera.global_context().insert("feeds_enabled", &crate::feeds::has_absolute_base(config));
        tera.global_context().insert("live_reload", &false);
        tera.global_context().insert("search_enabled", &config.search);
        let menu: Vec<serde_json::Value> = archive
            .sections
            .iter()
            .map(|s| serde_json::json!({"name": s.name, "url": crate::archive::section_url(&s.slug)}))
            .collect();
        tera.global_context().insert("sections", &menu);
        tera.global_context().insert("t", &strings.table);

        use rayon::prelude::*;
        let names = views::term_name_keys(archive);
        let card_hashes: Vec<u64> = archive
            .entries
            .par_iter()
            .enumerate()
            .map(|(i, e)| card_fingerprint(e, archive, now, photos.lead_key(i), &names))
            .collect();
        let cards = archive.entries.iter().map(|_| std::sync::OnceLock::new()).collect();
        // Lists whose template asks for `card_html` get each card rendered once, not once per
        // list it is on (about five times).
        let card_html = theme
            .under("templates")
            .any(|(_, bytes)| bytes.windows(9).any(|w| w == b"card_html"))
            .then(|| archive.entries.iter().map(|_| std::sync::OnceLock::new()).collect());
        let entry_hashes = archive
            .entries
            .par_iter()
            .zip(&card_hashes)
            .enumerate()
            .map(|(i, (e, &card))| {
                let mut f = Fingerprint::new();
                f.u64(card).path(&e.bulletin.source).u64(e.bulletin.source_hash).u64(photos.entry_key(i));
                for (target, _) in &e.facts.internal_links {
                    match archive.resolve_link(&e.bulletin.source, target) {
                        Some(t) => f.str(&archive.entries[t].path),
                        None => f.str("#"),
                    };
                }
                // What its links to files say of them, and what its feed entries' enclosures do
                // (a file replaced by a larger one gives the page another note).
                for (path, file) in archive.linked_files(e) {
                    f.str(&path).str(&file.note).u64(file.len).str(file.media_type);
                }
                f.finish()
            })
            .collect();
        let term_hashes = [TermKind::Tag, TermKind::Author].map(|kind| {
            archive
                .terms(kind)
                .par_iter()
                .zip(&names[kind as usize])
                .map(|(t, &name)| {
                    let mut f = Fingerprint::new();
                    f.u64(name).u64(t.members.len() as u64);
                    for &m in &t.members {
                        f.u64(archive.entries[m].bulletin.date.year() as u64);
                    }
                    f.finish()
                })
                .collect()
        });
        Ok(Renderer {
            tera,
            template_files,
            strings,
            config,
            archive,
            photos,
            cards,
            keep_cards: true,
            card_html,
            card_spill: None,
            all: (0..archive.entries.len()).collect(),
            card_hashes,
            entry_hashes,
            term_hashes,
            global: 0,
            now,
            featured: archive
                .entries
                .iter()
                .position(|e| e.bulletin.featured.as_deref().is_some_and(|f| f.at(now))),
        })
    }

    /// Lets go of the renderer, handing over the cards made for pages to be dropped
    /// elsewhere (dropping every bulletin's card takes a while).
    pub fn into_cards(self) -> Vec<std::sync::OnceLock<Value>> {
        self.cards
    }

    /// Entry `i`'s card as templates see it: made once and kept, unless the build's memory
    /// budget is tight ([`Renderer::make_cards_each_time`]).
    fn card(&self, i: usize) -> std::borrow::Cow<'_, Value> {
        let make = || {
            let mut view = card(&self.archive.entries[i], self.archive, &self.strings, self.now);
            view.image = card_image(&self.archive.entries[i], self.photos.lead_of(i));
            Value::from_serializable(&view)
        };
        if self.keep_cards {
            std::borrow::Cow::Borrowed(self.cards[i].get_or_init(make))
        } else {
            std::borrow::Cow::Owned(make())
        }
    }

    /// Makes each card again wherever a page shows it, instead of keeping every card (about
    /// 2.5 KB a bulletin) for the whole of rendering: for builds whose memory budget is tight.
    /// Rendering takes longer; the pages are the same.
    /// The `card.html` of each card goes to `spill` once rendered, read back for each page
    /// that lists it.
    pub fn make_cards_each_time(&mut self, spill: std::sync::Arc<crate::archive::Spill>) {
        self.keep_cards = false;
        // Nothing is kept in them: at 1,000,000 bulletins their room alone is 60 MB.
        self.cards = Vec::new();
        self.card_spill = Some(spill);
    }

    /// Sets the key of everything every page depends on (binary, configuration, theme).
    pub fn set_global_key(&mut self, key: u64) {
        self.global = key;
    }

    /// The fingerprint of each entry (by archive position).
    pub fn entry_keys(&self) -> &[u64] {
        &self.entry_hashes
    }

    /// The key of everything every page depends on (see [`Renderer::set_global_key`]).
    pub fn global_key(&self) -> u64 {
        self.global
    }

    /// Adds `bantin serve`'s live-reload client to every page.
    pub fn enable_live_reload(&mut self) {
        self.tera.global_context().insert("live_reload", &true);
    }

    /// The most pages the list `job` is a page of may have (`max_list_pages`). A month is the
    /// archive older bulletins are left to: it is never cut short.
    fn most_pages(&self, job: Job) -> usize {
        match job {
            Job::Month(..) => usize::MAX,
            _ => self.config.max_list_pages,
        }
    }

    /// Every page of the site.
    pub fn jobs(&self) -> Vec<Job> {
        let a = self.archive;
        let per = self.config.per_page;
        // The pages of the list of `items` bulletins that `job` (its newest page) stands for.
        let pages = |job: Job, items: usize| Span::pages(items, per, self.most_pages(job));
        let mut jobs = Vec::new();
        jobs.extend(pages(Job::Home(0), a.entries.len()).map(Job::Home));
        jobs.extend((0..a.entries.len()).map(Job::Bulletin));
        for kind in [TermKind::Tag, TermKind::Author] {
            jobs.push(Job::Terms(kind));
            for (ti, t) in a.terms(kind).iter().enumerate() {
                jobs.extend(pages(Job::Term(kind, ti, 0), t.members.len()).map(|p| Job::Term(kind, ti, p)));
            }
        }
        for (si, section) in a.sections.iter().enumerate() {
            jobs.extend(pages(Job::Section(si, 0), section.members.len()).map(|p| Job::Section(si, p)));
        }
        jobs.push(Job::ArchiveIndex);
        for (yi, y) in a.years.iter().enumerate() {
            jobs.push(Job::Year(yi));
            for (mi, m) in y.months.iter().enumerate() {
                jobs.extend(pages(Job::Month(yi, mi, 0), m.members.len()).map(|p| Job::Month(yi, mi, p)));
            }
        }
        if self.config.search {
            jobs.push(Job::Search);
        }
        jobs.push(Job::NotFound);
        if a.entries.iter().any(|e| !e.bulletin.corrections.is_empty()) {
            jobs.push(Job::Corrections);
        }
        for (i, e) in a.entries.iter().enumerate() {
            jobs.extend((0..e.bulletin.aliases.len()).map(|k| Job::Alias(i, k)));
        }
        jobs
    }

    /// The site-relative URL path of a job's page (`2020/01/x/`, or "" for the home page).
    pub fn job_path(&self, job: Job) -> std::borrow::Cow<'a, str> {
        let a = self.archive;
        match job {
            Job::Home(p) => paged("", p).into(),
            // Borrowed: a path is asked for every page of every build, to see what changed.
            Job::Bulletin(i) => a.entries[i].path.trim_start_matches('/').into(),
            Job::Terms(kind) => format!("{}/", kind.folder()).into(),
            Job::Term(kind, ti, p) => paged_in(&term_url_parts(kind, &a.terms(kind)[ti].slug), p).into(),
            Job::ArchiveIndex => "archive/".into(),
            Job::Year(yi) => year_url(a.years[yi].year).into(),
            Job::Month(yi, mi, p) => {
                paged(&month_url(a.years[yi].year, a.years[yi].months[mi].month), p).into()
            }
            Job::Search => "search/".into(),
            Job::NotFound => "404.html".into(),
            Job::Alias(i, k) => a.entries[i].bulletin.aliases[k].trim_start_matches('/').into(),
            Job::Corrections => "corrections/".into(),
            Job::Section(si, p) => {
                paged_in(&crate::archive::section_url_parts(&a.sections[si].slug), p).into()
            }
        }
    }

    /// The output file of a job, relative to the output directory.
    pub fn job_file(&self, job: Job) -> String {
        let path = self.job_path(job);
        let index = path.is_empty() || path.ends_with('/');
        let mut file = String::with_capacity(path.len() + if index { "index.html".len() } else { 0 });
        file.push_str(&path);
        if index {
            file.push_str("index.html");
        }
        file
    }
}

/// The error `e` of `template` (or of the theme's templates, when they are read), each of the
/// site theme's own templates named by its path (`files`, by name in Tera): Tera knows them
/// by name only (`bulletin.html`), which an editor with a theme of their own would look for
/// in vain at the site's root.
fn template_error(
    e: &tera::Error,
    template: Option<&str>,
    files: &std::collections::BTreeMap<String, String>,
) -> Diagnostic {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(&format!("\n  caused by: {s}"));
        source = s.source();
    }
    for (name, file) in files {
        msg = msg.replace(&format!("--> {name}:"), &format!("--> {file}:"));
        msg = msg.replace(&format!("'{name}'"), &format!("'{file}'"));
    }
    let place = match template {
        Some(t) => files.get(t).map_or(t, String::as_str),
        // The template Tera points at, when it does.
        None => msg
            .split("--> ")
            .nth(1)
            .and_then(|rest| rest.split(':').next())
            .filter(|file| !file.is_empty() && !file.contains('\n'))
            .unwrap_or("the theme's templates"),
    };
    Diagnostic::error(format!("template error in {place}: {msg}")).with_hint(
        "check the template against the Tera 2 syntax; the site's theme overrides the embedded one",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn marked_html_puts_the_root_where_each_mark_was() {
        let m = super::MarkedHtml::new(&format!("<a href=\"{0}x/\">{0}</a>{0}", super::ROOT_MARK));
        assert_eq!(m.with_root("../../"), "<a href=\"../../x/\">../../</a>../../");
        assert_eq!(super::MarkedHtml::new("không dấu").with_root("./"), "không dấu");
        assert_eq!(super::MarkedHtml::new(super::ROOT_MARK).with_root(""), "");
    }

    #[test]
    fn a_marked_card_spilled_as_bytes_comes_back_the_same() {
        let html =
            format!("<a href=\"{0}2024/đà-nẵng/\">Đà Nẵng</a><img src=\"{0}p.webp\">", super::ROOT_MARK);
        let m = super::MarkedHtml::new(&html);
        let bytes = m.to_bytes().expect("encode");
        let back = super::MarkedHtml::from_bytes(&bytes).expect("bytes of a card");
        assert_eq!(back.with_root("../"), m.with_root("../"));
        assert_eq!(back.marks.len(), 2);
        // Bytes that are not a card (cut short, or a mark inside a character) are refused.
        assert!(super::MarkedHtml::from_bytes(&bytes[..6]).is_none());
        let inside = super::MarkedHtml { text: m.text.clone(), marks: vec![m.marks[0] + 13] };
        let inside = inside.to_bytes().expect("encode");
        assert!(super::MarkedHtml::from_bytes(&inside).is_none(), "13 bytes in: inside \"đà\"");
    }

    use super::*;

    #[test]
    fn list_pages_cover_every_bulletin_once_and_keep_their_place() {
        for per in 1..=6 {
            for items in 0..=40 {
                let older = Span::older_pages(items, per);
                // Newest first: the newest page, then page `older` down to page 1.
                let mut next = 0;
                for page in std::iter::once(0).chain((1..=older).rev()) {
                    let span = Span::of(items, per, usize::MAX, page);
                    assert_eq!(span.range.start, next, "items {items}, per {per}, page {page}");
                    next = span.range.end;
                    if page > 0 {
                        assert_eq!(span.range.len(), per);
                        // Page k holds the k-th `per` bulletins from the oldest, whatever came after.
                        assert_eq!(items - span.range.end, (page - 1) * per);
                        assert_eq!(span.older, (page > 1).then(|| page - 1));
                        assert_eq!(span.newer, Some(if page == older { 0 } else { page + 1 }));
                    } else if items >= per {
                        assert!((per..2 * per).contains(&span.range.len()), "items {items}, per {per}");
                    }
                }
                assert_eq!(next, items);
                assert!(Span::of(items, per, usize::MAX, older + 1).range.is_empty());
            }
        }
    }

    #[test]
    fn a_list_makes_at_most_its_most_pages_the_newest_ones_unmoved() {
        for per in 1..=4 {
            for most in 2..=5 {
                for items in 0..=40 {
                    let older = Span::older_pages(items, per);
                    let made: Vec<usize> = Span::pages(items, per, most).collect();
                    assert_eq!(made.len(), (older + 1).min(most), "items {items}, per {per}, most {most}");
                    let oldest = made.iter().copied().filter(|&p| p > 0).min().unwrap_or(0);
                    for page in 0..=older {
                        let span = Span::of(items, per, most, page);
                        if !made.contains(&page) {
                            assert!(span.range.is_empty(), "page {page} of {made:?}");
                            continue;
                        }
                        // A page made holds what it holds without a cap, and links only to
                        // pages made; the oldest made says so when older ones are not made.
                        let whole = Span::of(items, per, usize::MAX, page);
                        assert_eq!((span.range, span.newer), (whole.range, whole.newer));
                        assert!(span.older.is_none_or(|p| made.contains(&p)));
                        assert_eq!(span.older.is_none(), page == oldest, "page {page} of {made:?}");
                        assert_eq!(span.capped, page == oldest && page > 1, "page {page} of {made:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn roots_and_bases() {
        assert_eq!(relative_root(""), "./");
        assert_eq!(relative_root("2020/01/x/"), "../../../");
        assert_eq!(base_path("https://a.vn"), "/");
        assert_eq!(base_path("https://a.vn/tin/"), "/tin/");
        assert_eq!(base_path("/"), "/");
    }
}
