//! Rendering: Tera 2 set up with the theme's templates and strings, one render job per
//! output page, and the page contexts. Each bulletin's listing view ("card") is built once
//! and list pages borrow slices of them.

mod chart;
mod i18n;
mod theme;

pub use i18n::Strings;
pub use theme::{DEFAULT_THEME, Theme, slash_path};

use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::archive::{Archive, Entry, TermKind, month_url, term_url, year_url};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::hash::Fingerprint;

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
}

/// The renderer: templates, strings, configuration and the cards, ready for any job.
pub struct Renderer<'a> {
    tera: Tera,
    pub strings: Strings,
    config: &'a Config,
    archive: &'a Archive,
    /// Each entry's card as templates see it, made when a page first needs it (an
    /// incremental build renders few pages).
    cards: Vec<std::sync::OnceLock<Value>>,
    /// Each entry's `card.html`, rendered once with [`ROOT_MARK`] for `root` (none when its
    /// text has the mark), when the theme's lists show `card_html`.
    card_html: Option<Vec<std::sync::OnceLock<Option<MarkedHtml>>>>,
    /// 0, 1, … n-1: the home pages' members.
    all: Vec<usize>,
    /// Fingerprints (see [`Renderer::fingerprint`]): of each card, of each entry as a whole
    /// (card, source, where its links lead), of each tag and author, and of everything global.
    card_hashes: Vec<u64>,
    entry_hashes: Vec<u64>,
    term_hashes: [Vec<u64>; 2],
    global: u64,
}

/// Stands for a page's `root` in a card rendered once for every page that lists it; the
/// private-use characters keep it from meaning anything in a bulletin.
const ROOT_MARK: &str = "\u{E000}bantin-root\u{E001}";

/// HTML rendered with [`ROOT_MARK`] for `root`: the text without the marks, and where they
/// were.
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

/// A bulletin page's `page` as templates see it.
#[derive(Serialize)]
struct PageView<'a> {
    title: &'a str,
    summary: &'a str,
    /// The body's HTML with internal links resolved.
    content: &'a str,
    has_code: bool,
    reading_minutes: usize,
    date: DateView,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<DateView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<ImageView<'a>>,
    published: String,
    modified: String,
    author_urls: Vec<&'a str>,
    tag_names: Vec<&'a str>,
}

#[derive(Serialize)]
struct ImageView<'a> {
    src: String,
    abs: String,
    alt: &'a str,
}

#[derive(Serialize)]
struct LinkView<'a> {
    name: &'a str,
    url: String,
}

#[derive(Serialize)]
struct DateView {
    machine: String,
    display: String,
}

#[derive(Serialize)]
struct CardView<'a> {
    title: &'a str,
    url: &'a str,
    date: DateView,
    summary: &'a str,
    authors: Vec<LinkView<'a>>,
    tags: Vec<LinkView<'a>>,
}

/// A list page's place among its list's pages (see [`Span`]).
#[derive(Serialize)]
struct PagerView {
    /// The number in the page's URL (`page/N/`, counted from the oldest page); 0 on the
    /// newest page, which is at the list's own URL.
    current: usize,
    newer_url: Option<String>,
    older_url: Option<String>,
    /// The days of the oldest and the newest bulletin on the page.
    from: Option<DateView>,
    to: Option<DateView>,
}

#[derive(Serialize)]
struct TermCount<'a> {
    name: &'a str,
    url: String,
    count: usize,
    /// 1 (least used) to 5 (most used), on a logarithmic scale.
    size: u8,
}

#[derive(Serialize)]
struct MonthView {
    name: String,
    url: String,
    count: usize,
}

#[derive(Serialize)]
struct YearView {
    year: i16,
    url: String,
    count: usize,
    months: Vec<MonthView>,
}

impl<'a> Renderer<'a> {
    pub fn new(config: &'a Config, theme: &Theme, archive: &'a Archive) -> Result<Self, Vec<Diagnostic>> {
        let strings = Strings::load(theme, config.language.as_str()).map_err(|d| vec![d])?;
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
        tera.add_raw_templates(templates).map_err(|e| vec![template_error(&e, "templates")])?;
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
        tera.global_context().insert("t", &strings.table);

        use rayon::prelude::*;
        let card_hashes: Vec<u64> =
            archive.entries.par_iter().map(|e| card_fingerprint(e, archive)).collect();
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
            .map(|(e, &card)| {
                let mut f = Fingerprint::new();
                f.u64(card).path(&e.bulletin.source).u64(e.bulletin.source_hash);
                for (target, _) in &e.rendered.internal_links {
                    match archive.resolve_link(&e.bulletin.source, target) {
                        Some(t) => f.str(&archive.entries[t].path),
                        None => f.str("#"),
                    };
                }
                f.finish()
            })
            .collect();
        let term_hashes = [TermKind::Tag, TermKind::Author].map(|kind| {
            archive
                .terms(kind)
                .par_iter()
                .map(|t| {
                    let mut f = Fingerprint::new();
                    f.str(&t.name).str(&t.slug).u64(t.members.len() as u64);
                    for &m in &t.members {
                        f.u64(archive.entries[m].bulletin.date.year() as u64);
                    }
                    f.finish()
                })
                .collect()
        });
        Ok(Renderer {
            tera,
            strings,
            config,
            archive,
            cards,
            card_html,
            all: (0..archive.entries.len()).collect(),
            card_hashes,
            entry_hashes,
            term_hashes,
            global: 0,
        })
    }

    /// Hands over the cards made for pages, to be dropped (they are made again if a page
    /// needs them).
    pub fn take_cards(&mut self) -> Vec<std::sync::OnceLock<Value>> {
        let fresh = self.cards.iter().map(|_| std::sync::OnceLock::new()).collect();
        if let Some(html) = &mut self.card_html {
            *html = html.iter().map(|_| std::sync::OnceLock::new()).collect();
        }
        std::mem::replace(&mut self.cards, fresh)
    }

    /// Entry `i`'s card as templates see it.
    fn card(&self, i: usize) -> &Value {
        self.cards[i].get_or_init(|| {
            Value::from_serializable(&card(&self.archive.entries[i], self.archive, &self.strings))
        })
    }

    /// Sets the key of everything every page depends on (binary, configuration, theme).
    pub fn set_global_key(&mut self, key: u64) {
        self.global = key;
    }

    /// A fingerprint of everything [`Renderer::render`] reads for `job`: two equal
    /// fingerprints mean the same page. Every input `render` uses must be fed in here;
    /// tests/incremental.rs compares incremental builds with clean ones to hold us to it.
    pub fn fingerprint(&self, job: Job) -> u64 {
        let a = self.archive;
        let mut f = Fingerprint::new();
        f.u64(self.global).str(&self.job_path(job));
        // A list page shows its span's bulletins and links to its neighbours: not how many
        // bulletins the list has, so that new ones leave its older pages as they are.
        let list = |f: &mut Fingerprint, members: &[usize], page: usize| {
            let span = Span::of(members.len(), self.config.per_page, page);
            f.u64(page as u64);
            f.u64(span.newer.map_or(u64::MAX, |p| p as u64)).u64(span.older.map_or(u64::MAX, |p| p as u64));
            for &m in &members[span.range] {
                f.u64(self.card_hashes[m]);
            }
        };
        let years = |f: &mut Fingerprint| {
            for y in &a.years {
                f.u64(y.year as u64);
                for m in &y.months {
                    f.u64(m.month as u64).u64(m.members.len() as u64);
                }
            }
        };
        match job {
            Job::Home(p) => {
                f.str("home");
                list(&mut f, &self.all, p);
            }
            Job::Bulletin(i) => {
                let e = &a.entries[i];
                f.str("bulletin").u64(self.entry_hashes[i]);
                for n in [e.newer, e.older] {
                    f.u64(n.map_or(0, |n| self.card_hashes[n]));
                }
                for &r in &e.related {
                    f.u64(self.card_hashes[r]);
                }
            }
            Job::Terms(kind) => {
                f.str("terms").str(kind.folder());
                for t in a.terms(kind) {
                    f.str(&t.name).str(&t.slug).u64(t.members.len() as u64);
                }
            }
            Job::Term(kind, ti, p) => {
                let t = &a.terms(kind)[ti];
                f.str("term").str(kind.folder()).str(&t.name).str(&t.slug);
                // Only the newest page has the count and the chart (see `render`).
                if p == 0 {
                    f.u64(self.term_hashes[kind as usize][ti]);
                    f.u64(a.years.first().map_or(0, |y| y.year as u64));
                    f.u64(a.years.last().map_or(0, |y| y.year as u64));
                }
                list(&mut f, &t.members, p);
            }
            Job::ArchiveIndex => {
                f.str("archive");
                years(&mut f);
            }
            Job::Year(yi) => {
                let y = &a.years[yi];
                f.str("year").u64(y.year as u64);
                for m in &y.months {
                    f.u64(m.month as u64).u64(m.members.len() as u64);
                }
            }
            Job::Month(yi, mi, p) => {
                let y = &a.years[yi];
                f.str("month").u64(y.year as u64);
                list(&mut f, &y.months[mi].members, p);
            }
            Job::Search => {
                f.str("search");
            }
            Job::NotFound => {
                f.str("404");
            }
        }
        f.finish()
    }

    /// A fingerprint of everything a feed's three files are made from.
    pub fn feed_fingerprint(&self, spec: &crate::feeds::FeedSpec) -> u64 {
        let mut f = Fingerprint::new();
        f.u64(self.global).str("feed").str(&spec.title).str(&spec.folder);
        for i in spec.entries(self.config) {
            f.u64(self.entry_hashes[i]);
        }
        f.finish()
    }

    /// The fingerprint of each entry (by archive position).
    pub fn entry_keys(&self) -> &[u64] {
        &self.entry_hashes
    }

    /// A fingerprint of everything the search index is made from.
    pub fn search_fingerprint(&self) -> u64 {
        let mut f = Fingerprint::new();
        f.u64(self.global).str("search");
        for &h in &self.entry_hashes {
            f.u64(h);
        }
        f.finish()
    }

    /// Adds `bantin serve`'s live-reload client to every page.
    pub fn enable_live_reload(&mut self) {
        self.tera.global_context().insert("live_reload", &true);
    }

    /// Every page of the site.
    pub fn jobs(&self) -> Vec<Job> {
        let a = self.archive;
        let per = self.config.per_page;
        let mut jobs = Vec::new();
        jobs.extend((0..=Span::older_pages(a.entries.len(), per)).map(Job::Home));
        jobs.extend((0..a.entries.len()).map(Job::Bulletin));
        for kind in [TermKind::Tag, TermKind::Author] {
            jobs.push(Job::Terms(kind));
            for (ti, t) in a.terms(kind).iter().enumerate() {
                jobs.extend((0..=Span::older_pages(t.members.len(), per)).map(|p| Job::Term(kind, ti, p)));
            }
        }
        jobs.push(Job::ArchiveIndex);
        for (yi, y) in a.years.iter().enumerate() {
            jobs.push(Job::Year(yi));
            for (mi, m) in y.months.iter().enumerate() {
                jobs.extend((0..=Span::older_pages(m.members.len(), per)).map(|p| Job::Month(yi, mi, p)));
            }
        }
        if self.config.search {
            jobs.push(Job::Search);
        }
        jobs.push(Job::NotFound);
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
            Job::Term(kind, ti, p) => paged(&term_url(kind, &a.terms(kind)[ti].slug), p).into(),
            Job::ArchiveIndex => "archive/".into(),
            Job::Year(yi) => year_url(a.years[yi].year).into(),
            Job::Month(yi, mi, p) => {
                paged(&month_url(a.years[yi].year, a.years[yi].months[mi].month), p).into()
            }
            Job::Search => "search/".into(),
            Job::NotFound => "404.html".into(),
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

    /// Renders one page (UTF-8 HTML, as bytes: the templates are text, so checking the
    /// result again would only cost time).
    pub fn render(&self, job: Job) -> Result<Vec<u8>, Diagnostic> {
        let a = self.archive;
        let path = self.job_path(job);
        let mut ctx = Context::new();
        // Links are relative to the page, so the site works under any prefix on any host;
        // the 404 page is served at arbitrary depths and uses the base URL's path instead.
        let root = if job == Job::NotFound { base_path(&self.config.base_url) } else { relative_root(&path) };
        ctx.insert("root", &root);
        ctx.insert("current_path", &path);
        let canonical = format!("{}/{}", self.config.base(), path);
        ctx.insert("canonical", &canonical);
        ctx.insert("pager", &None::<()>);
        ctx.insert("term_feed", "");
        ctx.insert("meta_description", &self.config.description);
        let s = &self.strings;
        let template = match job {
            Job::Home(p) => {
                self.insert_list(&mut ctx, &self.all, p, "", &root)?;
                ctx.insert("heading", if p == 0 { s.get("latest") } else { s.get("older_bulletins") });
                "index.html"
            }
            Job::Bulletin(i) => {
                let e = &a.entries[i];
                let b = &e.bulletin;
                let html = e.html();
                let content =
                    a.link_internal(e, &html, |t| format!("{root}{}", t.path.trim_start_matches('/')));
                let date_view = |d: &crate::content::PubDate| DateView {
                    machine: d.machine(),
                    display: s.format_date(d),
                };
                let modified = b.modified();
                let names = |kind: TermKind, idx: &[usize]| -> Vec<(String, String)> {
                    idx.iter()
                        .map(|&t| {
                            let term = &a.terms(kind)[t];
                            (
                                term.name.clone(),
                                format!("{}/{}", self.config.base(), term_url(kind, &term.slug)),
                            )
                        })
                        .collect()
                };
                let authors = names(TermKind::Author, &e.authors);
                let tags = names(TermKind::Tag, &e.tags);
                let page = PageView {
                    title: &b.title,
                    summary: &e.summary,
                    content: &content,
                    has_code: e.rendered.has_code,
                    reading_minutes: e.rendered.words.div_ceil(self.config.words_per_minute.max(1)).max(1),
                    date: date_view(&b.date),
                    updated: b.updated.as_ref().map(date_view),
                    image: b.image.as_ref().map(|img| ImageView {
                        src: image_src(img, &root),
                        abs: image_abs(img, self.config.base(), &e.path),
                        alt: b.image_alt.as_deref().unwrap_or_default(),
                    }),
                    published: crate::feeds::rfc3339(&b.date),
                    modified: crate::feeds::rfc3339(modified),
                    author_urls: authors.iter().map(|(_, u)| u.as_str()).collect(),
                    tag_names: tags.iter().map(|(n, _)| n.as_str()).collect(),
                };
                let mut ld = serde_json::json!({
                    "@context": "https://schema.org",
                    "@type": "NewsArticle",
                    "headline": b.title,
                    "description": e.summary,
                    "datePublished": page.published,
                    "dateModified": page.modified,
                    "author": authors.iter().map(|(n, u)| serde_json::json!({"@type": "Person", "name": n, "url": u})).collect::<Vec<_>>(),
                    "keywords": tags.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
                    "mainEntityOfPage": canonical,
                    "url": canonical,
                    "inLanguage": self.config.language,
                    "publisher": {"@type": "Organization", "name": self.config.title},
                });
                if let Some(img) = &page.image {
                    ld["image"] = serde_json::json!([img.abs]);
                }
                ctx.insert("jsonld", &script_json(&ld));
                ctx.insert("meta_description", &e.summary);
                ctx.insert("page", &page);
                ctx.insert("card", self.card(i));
                ctx.insert("newer", &e.newer.map(|n| self.card(n)));
                ctx.insert("older", &e.older.map(|n| self.card(n)));
                let related: Vec<&Value> = e.related.iter().map(|&r| self.card(r)).collect();
                ctx.insert("related", &related);
                "bulletin.html"
            }
            Job::Terms(kind) => {
                let max = a.terms(kind).iter().map(|t| t.members.len()).max().unwrap_or(1).max(1) as f64;
                let terms: Vec<TermCount> = a
                    .terms(kind)
                    .iter()
                    .map(|t| {
                        let n = t.members.len() as f64;
                        let size = if max <= 1.0 { 1 } else { 1 + (4.0 * n.ln() / max.ln()).round() as u8 };
                        TermCount {
                            name: &t.name,
                            url: term_url(kind, &t.slug),
                            count: t.members.len(),
                            size,
                        }
                    })
                    .collect();
                ctx.insert("terms", &terms);
                ctx.insert("kind", kind.folder());
                ctx.insert("heading", s.get(kind.folder()));
                "terms.html"
            }
            Job::Term(kind, ti, p) => {
                let t = &a.terms(kind)[ti];
                self.insert_list(&mut ctx, &t.members, p, &term_url(kind, &t.slug), &root)?;
                // The count and the chart change with every new bulletin of the term: only
                // its newest page, which changes then anyway, has them.
                if p == 0 {
                    ctx.insert("term", &serde_json::json!({"name": t.name, "count": t.members.len()}));
                    ctx.insert("chart", &self.activity_chart(&t.members, &t.name));
                } else {
                    ctx.insert("term", &serde_json::json!({"name": t.name}));
                    ctx.insert("chart", "");
                }
                ctx.insert("kind", kind.folder());
                ctx.insert("heading", &t.name);
                ctx.insert("term_feed", &term_url(kind, &t.slug));
                "term.html"
            }
            Job::ArchiveIndex => {
                let years: Vec<YearView> = (0..a.years.len()).map(|yi| self.year_view(yi)).collect();
                ctx.insert("years", &years);
                ctx.insert("heading", s.get("archive"));
                "archive.html"
            }
            Job::Year(yi) => {
                let y = &a.years[yi];
                let bars: Vec<(String, usize)> = (1..=12)
                    .map(|m: i8| {
                        let count = y.months.iter().find(|x| x.month == m).map_or(0, |x| x.members.len());
                        (m.to_string(), count)
                    })
                    .collect();
                let title = format!("{} {} — {}", s.get("year"), y.year, s.get("chart_by_month"));
                ctx.insert("chart", &chart::bar_chart("chart-months", &title, &bars));
                ctx.insert("year", &self.year_view(yi));
                ctx.insert("heading", &format!("{} {}", s.get("year"), a.years[yi].year));
                "year.html"
            }
            Job::Month(yi, mi, p) => {
                let y = &a.years[yi];
                let m = &y.months[mi];
                self.insert_list(&mut ctx, &m.members, p, &month_url(y.year, m.month), &root)?;
                ctx.insert("year", &serde_json::json!({"year": y.year, "url": year_url(y.year)}));
                ctx.insert("heading", &s.format_month(y.year, m.month));
                "month.html"
            }
            Job::Search => "search.html",
            Job::NotFound => "404.html",
        };
        let mut html = Vec::with_capacity(32 * 1024);
        self.tera.render_to(template, &ctx, &mut html).map_err(|e| template_error(&e, template))?;
        Ok(html)
    }

    fn insert_list(
        &self,
        ctx: &mut Context,
        members: &[usize],
        page: usize,
        base: &str,
        root: &str,
    ) -> Result<(), Diagnostic> {
        let span = Span::of(members.len(), self.config.per_page, page);
        let shown = &members[span.range.clone()];
        let cards: Vec<&Value> = shown.iter().map(|&i| self.card(i)).collect();
        if let Some(cache) = &self.card_html {
            let html = shown
                .iter()
                .zip(&cards)
                .map(|(&i, card)| self.card_html(cache, i, card, root))
                .collect::<Result<Vec<String>, Diagnostic>>()?;
            ctx.insert("card_html", &html);
        }
        ctx.insert("cards", &cards);
        let day = |i: Option<&usize>| {
            i.map(|&i| {
                let d = &self.archive.entries[i].bulletin.date;
                DateView { machine: d.machine_day(), display: self.strings.format_day(d) }
            })
        };
        ctx.insert(
            "pager",
            &PagerView {
                current: page,
                newer_url: span.newer.map(|p| paged(base, p)),
                older_url: span.older.map(|p| paged(base, p)),
                from: day(shown.last()),
                to: day(shown.first()),
            },
        );
        Ok(())
    }

    /// Entry `i`'s `card.html` on a page whose `root` is `root`: rendered once with
    /// [`ROOT_MARK`] in its place, which each page then replaces. A card whose own text has
    /// the mark is rendered for each page instead.
    fn card_html(
        &self,
        cache: &[std::sync::OnceLock<Option<MarkedHtml>>],
        i: usize,
        card: &Value,
        root: &str,
    ) -> Result<String, Diagnostic> {
        let render = |root: &str| -> Result<String, Diagnostic> {
            let mut ctx = Context::new();
            ctx.insert("card", card);
            ctx.insert("root", root);
            self.tera.render("card.html", &ctx).map_err(|e| template_error(&e, "card.html"))
        };
        let cached = match cache[i].get() {
            Some(c) => c,
            None => {
                let e = &self.archive.entries[i];
                let marked = |t: &str| t.contains('\u{E000}');
                let clean = !(marked(&e.bulletin.title)
                    || marked(&e.summary)
                    || marked(&e.path)
                    || e.bulletin.tags.iter().chain(&e.bulletin.authors).any(|n| marked(n)));
                let html = if clean { Some(MarkedHtml::new(&render(ROOT_MARK)?)) } else { None };
                cache[i].get_or_init(|| html)
            }
        };
        match cached {
            Some(html) => Ok(html.with_root(root)),
            None => render(root),
        }
    }

    /// Bulletins per year for a tag's or author's bulletins, over the archive's whole span.
    fn activity_chart(&self, members: &[usize], name: &str) -> String {
        let years = &self.archive.years;
        let (Some(first), Some(last)) = (years.last().map(|y| y.year), years.first().map(|y| y.year)) else {
            return String::new();
        };
        let mut counts = std::collections::BTreeMap::new();
        for &m in members {
            *counts.entry(self.archive.entries[m].bulletin.date.year()).or_insert(0usize) += 1;
        }
        let bars: Vec<(String, usize)> =
            (first..=last).map(|y| (y.to_string(), counts.get(&y).copied().unwrap_or(0))).collect();
        let title = format!("{name} — {}", self.strings.get("chart_by_year"));
        chart::bar_chart("chart-years", &title, &bars)
    }

    fn year_view(&self, yi: usize) -> YearView {
        let y = &self.archive.years[yi];
        YearView {
            year: y.year,
            url: year_url(y.year),
            count: y.members.len(),
            months: y
                .months
                .iter()
                .map(|m| MonthView {
                    name: self.strings.format_month(y.year, m.month),
                    url: month_url(y.year, m.month),
                    count: m.members.len(),
                })
                .collect(),
        }
    }
}

/// A fingerprint of everything [`card`] makes the entry's card from, taken without making
/// it (no string is built): the date's instant, offset and precision stand for its two
/// strings (which the theme's strings format, and the global key covers those), and a term's
/// slug for its URL.
fn card_fingerprint(e: &Entry, a: &Archive) -> u64 {
    // The card's fields, listed so that a new one cannot be forgotten here.
    let _ = |c: CardView| {
        let CardView {
            title: _,
            url: _,
            date: DateView { machine: _, display: _ },
            summary: _,
            authors: _,
            tags: _,
        } = c;
    };
    let mut f = Fingerprint::new();
    f.str(&e.bulletin.title).str(&e.path).str(&e.summary).u64s(e.bulletin.date.identity());
    for (kind, list, mark) in [(TermKind::Author, &e.authors, "a"), (TermKind::Tag, &e.tags, "t")] {
        f.str(mark).u64(list.len() as u64);
        for &t in list {
            let t = &a.terms(kind)[t];
            f.str(&t.name).str(&t.slug);
        }
    }
    f.finish()
}

fn card<'e>(e: &'e Entry, a: &'e Archive, s: &Strings) -> CardView<'e> {
    let links = |kind: TermKind, idx: &[usize]| -> Vec<LinkView<'e>> {
        idx.iter()
            .map(|&ti| {
                let t = &a.terms(kind)[ti];
                LinkView { name: &t.name, url: term_url(kind, &t.slug) }
            })
            .collect()
    };
    CardView {
        title: &e.bulletin.title,
        url: e.path.trim_start_matches('/'),
        date: DateView { machine: e.bulletin.date.machine(), display: s.format_date(&e.bulletin.date) },
        summary: &e.summary,
        authors: links(TermKind::Author, &e.authors),
        tags: links(TermKind::Tag, &e.tags),
    }
}

/// The `src` of a lead image on its bulletin page: URLs as they are, site paths (`/x.jpg`)
/// relative to the site root, anything else relative to the page.
fn image_src(img: &str, root: &str) -> String {
    if img.contains("://") {
        img.to_string()
    } else if let Some(p) = img.strip_prefix('/') {
        format!("{root}{p}")
    } else {
        img.to_string()
    }
}

/// The absolute URL of a lead image, for Open Graph and JSON-LD.
fn image_abs(img: &str, base: &str, page_path: &str) -> String {
    if img.contains("://") {
        img.to_string()
    } else if let Some(p) = img.strip_prefix('/') {
        format!("{base}/{p}")
    } else {
        format!("{base}{page_path}{img}")
    }
}

/// JSON for a `<script type="application/ld+json">`: `<`, `>` and `&` as escapes, so no
/// text from content can close the element.
fn script_json(v: &serde_json::Value) -> String {
    v.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

/// Where a list's page is among its bulletins (newest first), and its neighbours.
///
/// A list's pages are made so that a new bulletin changes as few of them as it can. Its
/// older bulletins are in pages of exactly `per`, numbered from the oldest (page 1 holds the
/// first `per` bulletins the list ever had) and never shifted by newer ones; the newest
/// page, at the list's own URL, holds the rest: `per` to `2 × per − 1` bulletins once the
/// list has more than `per`. A new bulletin changes the newest page; once that is full, its
/// older half becomes the next numbered page. (Numbering from the newest, as most sites
/// do, moves every bulletin to another page each time one is published: at 20,000
/// bulletins, a thousand pages to make and upload again.)
#[derive(Debug, Clone, PartialEq, Eq)]
struct Span {
    /// Positions in the list (newest first).
    range: std::ops::Range<usize>,
    /// The neighbouring pages (0: the newest page).
    newer: Option<usize>,
    older: Option<usize>,
}

impl Span {
    /// The number of pages before the newest: the highest page number.
    fn older_pages(items: usize, per: usize) -> usize {
        (items / per.max(1)).saturating_sub(1)
    }

    /// Page `page` (0: the newest page) of a list of `items` bulletins; an empty range
    /// beyond the last page.
    fn of(items: usize, per: usize, page: usize) -> Span {
        let per = per.max(1);
        let older = Span::older_pages(items, per);
        if page == 0 {
            let newest = items - older * per;
            return Span { range: 0..newest, newer: None, older: (older > 0).then_some(older) };
        }
        if page > older {
            return Span { range: items..items, newer: None, older: None };
        }
        Span {
            range: items - page * per..items - (page - 1) * per,
            newer: Some(if page == older { 0 } else { page + 1 }),
            older: (page > 1).then(|| page - 1),
        }
    }
}

/// The URL path of page `page` of the list at `base` (0: `base` itself).
fn paged(base: &str, page: usize) -> String {
    if page == 0 { base.to_string() } else { format!("{base}page/{page}/") }
}

/// "../../" for `2020/01/`, "./" for the home page.
fn relative_root(path: &str) -> String {
    let depth = path.matches('/').count();
    if depth == 0 { "./".into() } else { "../".repeat(depth) }
}

/// The path part of the base URL, always ending in `/` ("/" or "/tin-tuc/").
fn base_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let path = match after_scheme.find('/') {
        Some(i) if base_url.contains("://") => &after_scheme[i..],
        _ if base_url.contains("://") => "/",
        _ => after_scheme,
    };
    let mut p = path.to_string();
    if !p.starts_with('/') {
        p.insert(0, '/');
    }
    if !p.ends_with('/') {
        p.push('/');
    }
    p
}

fn template_error(e: &tera::Error, template: &str) -> Diagnostic {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(&format!("\n  caused by: {s}"));
        source = s.source();
    }
    Diagnostic::error(format!("template error in {template}: {msg}")).with_hint(
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

    use super::*;

    #[test]
    fn list_pages_cover_every_bulletin_once_and_keep_their_place() {
        for per in 1..=6 {
            for items in 0..=40 {
                let older = Span::older_pages(items, per);
                // Newest first: the newest page, then page `older` down to page 1.
                let mut next = 0;
                for page in std::iter::once(0).chain((1..=older).rev()) {
                    let span = Span::of(items, per, page);
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
                assert!(Span::of(items, per, older + 1).range.is_empty());
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
