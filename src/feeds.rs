//! Feeds and crawler files: Atom 1.0, RSS 2.0 and JSON Feed 1.1 for the site and for every
//! tag and author; `sitemap.xml` (split into parts of at most 50,000 URLs under a sitemap
//! index when needed); `robots.txt`. All URLs are absolute, from `base_url`.

use std::fmt::Write as _;

use crate::archive::{Archive, Entry, TermKind, month_url, term_url, year_url};
use crate::config::Config;
use crate::content::{Precision, PubDate};
use crate::photos::PhotoSet;
use crate::text::escape::{xml, xml_into};

/// The sitemap protocol's limit of URLs per file.
pub const SITEMAP_LIMIT: usize = 50_000;

/// One generated file, relative to the output directory.
pub struct FeedFile {
    pub path: String,
    pub contents: String,
}

/// A feed: its title, the site-relative folder it lives in ("" or "tags/x/"), and its
/// bulletins (newest first).
pub struct FeedSpec<'a> {
    pub title: String,
    pub folder: String,
    pub members: std::borrow::Cow<'a, [usize]>,
}

impl FeedSpec<'_> {
    /// The three files of the feed.
    pub fn files(&self) -> [String; 3] {
        [
            format!("{}atom.xml", self.folder),
            format!("{}rss.xml", self.folder),
            format!("{}feed.json", self.folder),
        ]
    }

    /// The bulletins the feed shows.
    pub fn entries(&self, config: &Config) -> impl Iterator<Item = usize> + '_ {
        self.members.iter().copied().take(config.feed_limit)
    }
}

/// The key of everything a feed's three files are made from: the global key, and the key of
/// each entry it shows (see `render`'s entry keys).
pub fn key(spec: &FeedSpec, config: &Config, global_key: u64, entry_keys: &[u64]) -> u64 {
    let mut f = crate::hash::Fingerprint::new();
    f.u64(global_key).str("feed").str(&spec.title).str(&spec.folder);
    for i in spec.entries(config) {
        f.u64(entry_keys[i]);
    }
    f.finish()
}

/// Whether `base_url` is absolute, as feeds and sitemaps need.
pub fn has_absolute_base(config: &Config) -> bool {
    config.base_url.starts_with("https://") || config.base_url.starts_with("http://")
}

/// Every feed of the site: the site's own, then one per tag and per author.
pub fn specs<'a>(config: &Config, archive: &'a Archive) -> Vec<FeedSpec<'a>> {
    let all: Vec<usize> = (0..archive.entries.len()).collect();
    let mut specs =
        vec![FeedSpec { title: config.title.clone(), folder: String::new(), members: all.into() }];
    for section in &archive.sections {
        specs.push(FeedSpec {
            title: format!("{} — {}", config.title, section.name),
            folder: crate::archive::section_url(&section.slug),
            members: section.members.as_slice().into(),
        });
    }
    for kind in [TermKind::Tag, TermKind::Author] {
        for t in archive.terms(kind) {
            specs.push(FeedSpec {
                title: format!("{} — {}", config.title, t.name),
                folder: term_url(kind, &t.slug),
                members: t.members.as_slice().into(),
            });
        }
    }
    specs
}

/// The three files of one feed.
pub fn render_spec(config: &Config, archive: &Archive, photos: &PhotoSet, spec: &FeedSpec) -> [FeedFile; 3] {
    let ctx = Ctx { config, archive, photos, base: config.base() };
    let entries: Vec<(usize, &Entry)> = spec.entries(config).map(|i| (i, &archive.entries[i])).collect();
    let [atom, rss, json] = spec.files();
    [
        FeedFile { path: atom, contents: ctx.atom(spec, &entries) },
        FeedFile { path: rss, contents: ctx.rss(spec, &entries) },
        FeedFile { path: json, contents: ctx.json_feed(spec, &entries) },
    ]
}

/// Every feed of the site, three formats each.
pub fn feeds(config: &Config, archive: &Archive, photos: &PhotoSet) -> Vec<FeedFile> {
    specs(config, archive).iter().flat_map(|spec| render_spec(config, archive, photos, spec)).collect()
}

struct Ctx<'a> {
    config: &'a Config,
    archive: &'a Archive,
    photos: &'a PhotoSet,
    base: &'a str,
}

impl Ctx<'_> {
    fn url(&self, site_path: &str) -> String {
        let path = site_path.trim_start_matches('/');
        let mut url = String::with_capacity(self.base.len() + 1 + path.len());
        url.push_str(self.base);
        url.push('/');
        url.push_str(path);
        url
    }

    /// A stable id (RFC 4151 tag URI) from the site's host, the publication date and the
    /// source file: editing a bulletin's title, body or tags never changes it.
    fn entry_id(&self, e: &Entry) -> String {
        let host = self.base.split("://").nth(1).unwrap_or(self.base).split('/').next().unwrap_or("");
        let host = if host.is_empty() { "bantin.invalid" } else { host };
        let date = e.bulletin.date.zoned.strftime("%Y-%m-%d");
        let source = e.bulletin.source.to_string_lossy().replace('\\', "/");
        let source = source.strip_prefix("content/").unwrap_or(&source).trim_end_matches(".md").to_string();
        let mut specific = String::with_capacity(source.len());
        for b in source.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.') {
                specific.push(char::from(b));
            } else {
                let _ = write!(specific, "%{b:02X}");
            }
        }
        format!("tag:{host},{date}:{specific}")
    }

    /// Calls `f` with what a feed shows of the bulletin: its summary, or its HTML with
    /// internal links made absolute (copied only where it has such links).
    fn with_content<R>(&self, i: usize, e: &Entry, f: impl FnOnce(&str) -> R) -> R {
        if self.config.feed_content == crate::config::FeedContent::Summary {
            f(&e.summary())
        } else {
            let html = e.html();
            if html.len() > crate::content::parse::FEED_BODY_LIMIT {
                // A very long bulletin (a paste gone wrong, often) is not copied into every
                // feed it is in: its summary and a link stand for it.
                let url = self.url(&e.path);
                return f(&format!(
                    "<p>{}</p>\n<p><a href=\"{}\">{}</a></p>",
                    xml(&e.summary()),
                    xml(&url),
                    xml(&e.bulletin.title)
                ));
            }
            let html = self.archive.link_internal(e, &html, |t| self.url(&t.path));
            f(&crate::photos::replace_markers(&html, |n| {
                let (r, photo) = (e.facts.photos.get(n)?, self.photos.body_of(i, n)?);
                Some(crate::photos::feed_html(photo, self.base, &r.alt, &r.title, r.block))
            }))
        }
    }

    fn names(&self, e: &Entry, kind: TermKind) -> Vec<(String, String)> {
        let idx = match kind {
            TermKind::Tag => &e.tags,
            TermKind::Author => &e.authors,
        };
        idx.iter()
            .map(|&t| {
                let term = &self.archive.terms(kind)[t as usize];
                (term.name.clone(), self.url(&term_url(kind, &term.slug)))
            })
            .collect()
    }

    fn updated(&self, entries: &[(usize, &Entry)]) -> String {
        entries
            .iter()
            .map(|(_, e)| e.bulletin.modified())
            .max_by_key(|d| d.sort_key())
            .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), rfc3339)
    }

    fn atom(&self, spec: &FeedSpec, entries: &[(usize, &Entry)]) -> String {
        let mut x = String::with_capacity(4096 + entries.len() * 2048);
        let self_url = self.url(&format!("{}atom.xml", spec.folder));
        let _ = write!(
            x,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n\
             <title>{}</title>\n<id>{}</id>\n<updated>{}</updated>\n\
             <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n\
             <author><name>{}</name></author>\n<generator>bantin</generator>\n",
            xml(self.config.language.as_str()),
            xml(&spec.title),
            xml(&self_url),
            self.updated(entries),
            xml(&self_url),
            xml(&self.url(&spec.folder)),
            xml(&self.config.title),
        );
        for &(i, e) in entries {
            let _ = write!(
                x,
                "<entry>\n<title>{}</title>\n<id>{}</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n\
                 <published>{}</published>\n<updated>{}</updated>\n",
                xml(&e.bulletin.title),
                xml(&self.entry_id(e)),
                xml(&self.url(&e.path)),
                rfc3339(&e.bulletin.date),
                rfc3339(e.bulletin.modified()),
            );
            for (name, url) in self.names(e, TermKind::Author) {
                let _ = writeln!(x, "<author><name>{}</name><uri>{}</uri></author>", xml(&name), xml(&url));
            }
            for (name, _) in self.names(e, TermKind::Tag) {
                let _ = writeln!(x, "<category term=\"{}\"/>", xml(&name));
            }
            let summary = e.summary();
            if !summary.is_empty() {
                let _ = writeln!(x, "<summary>{}</summary>", xml(&summary));
            }
            let kind =
                if self.config.feed_content == crate::config::FeedContent::Summary { "text" } else { "html" };
            let _ = write!(x, "<content type=\"{kind}\">");
            self.with_content(i, e, |c| xml_into(&mut x, c));
            x.push_str("</content>\n</entry>\n");
        }
        x.push_str("</feed>\n");
        x
    }

    fn rss(&self, spec: &FeedSpec, entries: &[(usize, &Entry)]) -> String {
        let mut x = String::with_capacity(4096 + entries.len() * 2048);
        let self_url = self.url(&format!("{}rss.xml", spec.folder));
        let last = entries.iter().map(|(_, e)| e.bulletin.modified()).max_by_key(|d| d.sort_key());
        let description = if self.config.description.is_empty() {
            spec.title.clone()
        } else {
            self.config.description.clone()
        };
        let _ = write!(
            x,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" \
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n<title>{}</title>\n<link>{}</link>\n\
             <description>{}</description>\n<language>{}</language>\n<generator>bantin</generator>\n\
             <atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
            xml(&spec.title),
            xml(&self.url(&spec.folder)),
            xml(&description),
            xml(self.config.language.as_str()),
            xml(&self_url),
        );
        if let Some(d) = last {
            let _ = writeln!(x, "<lastBuildDate>{}</lastBuildDate>", rfc2822(d));
        }
        for &(i, e) in entries {
            let _ = write!(
                x,
                "<item>\n<title>{}</title>\n<link>{}</link>\n<guid isPermaLink=\"false\">{}</guid>\n<pubDate>{}</pubDate>\n",
                xml(&e.bulletin.title),
                xml(&self.url(&e.path)),
                xml(&self.entry_id(e)),
                rfc2822(&e.bulletin.date),
            );
            for (name, _) in self.names(e, TermKind::Author) {
                let _ = writeln!(x, "<dc:creator>{}</dc:creator>", xml(&name));
            }
            for (name, _) in self.names(e, TermKind::Tag) {
                let _ = writeln!(x, "<category>{}</category>", xml(&name));
            }
            x.push_str("<description>");
            self.with_content(i, e, |c| xml_into(&mut x, c));
            x.push_str("</description>\n</item>\n");
        }
        x.push_str("</channel>\n</rss>\n");
        x
    }

    fn json_feed(&self, spec: &FeedSpec, entries: &[(usize, &Entry)]) -> String {
        let summary_only = self.config.feed_content == crate::config::FeedContent::Summary;
        let summaries: Vec<_> = entries.iter().map(|(_, e)| e.summary()).collect();
        let items: Vec<JsonItem> = entries
            .iter()
            .zip(&summaries)
            .map(|(&(i, e), summary)| JsonItem {
                image: match self.photos.lead_of(i) {
                    Some(photo) => crate::photos::crops(photo, self.base).into_iter().next().map(|c| c.0),
                    None => e.bulletin.image().filter(|img| img.contains("://")).map(str::to_owned),
                },
                authors: self
                    .names(e, TermKind::Author)
                    .into_iter()
                    .map(|(name, url)| JsonAuthor { name, url })
                    .collect(),
                content_html: (!summary_only).then(|| self.with_content(i, e, str::to_owned)),
                content_text: summary_only.then_some(summary.as_ref()),
                date_modified: rfc3339(e.bulletin.modified()),
                date_published: rfc3339(&e.bulletin.date),
                id: self.entry_id(e),
                summary: (!summary.is_empty()).then_some(summary.as_ref()),
                tags: self.names(e, TermKind::Tag).into_iter().map(|(n, _)| n).collect(),
                title: &e.bulletin.title,
                url: self.url(&e.path),
            })
            .collect();
        let feed = JsonFeed {
            feed_url: self.url(&format!("{}feed.json", spec.folder)),
            home_page_url: self.url(&spec.folder),
            items,
            language: self.config.language.as_str(),
            title: &spec.title,
            version: "https://jsonfeed.org/version/1.1",
        };
        let mut s = serde_json::to_string_pretty(&feed).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// A JSON Feed 1.1 document, serialised straight from the archive's strings (fields in
/// alphabetical order, as the feed has always listed them).
#[derive(serde::Serialize)]
struct JsonFeed<'a> {
    feed_url: String,
    home_page_url: String,
    items: Vec<JsonItem<'a>>,
    language: &'a str,
    title: &'a str,
    version: &'static str,
}

#[derive(serde::Serialize)]
struct JsonItem<'a> {
    authors: Vec<JsonAuthor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_text: Option<&'a str>,
    date_modified: String,
    date_published: String,
    id: String,
    /// The lead picture: a site photo's 16:9 crop, or the web address `image:` gives.
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    tags: Vec<String>,
    title: &'a str,
    url: String,
}

#[derive(serde::Serialize)]
struct JsonAuthor {
    name: String,
    url: String,
}

/// RFC 3339 with the site's offset (a month-only date is the 1st, midnight).
pub fn rfc3339(d: &PubDate) -> String {
    d.zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

fn rfc2822(d: &PubDate) -> String {
    d.zoned.strftime("%a, %d %b %Y %H:%M:%S %z").to_string()
}

/// W3C datetime for sitemaps: as precise as the editor was.
fn w3c(d: &PubDate) -> String {
    match d.precision {
        Precision::Month | Precision::Day => d.zoned.strftime("%Y-%m-%d").to_string(),
        Precision::Time => rfc3339(d),
    }
}

/// `sitemap.xml` (and `sitemap-N.xml` parts under an index when there are more than
/// `max_urls` URLs): the home page, every bulletin, and the first page of every list. The
/// build writes each as it is made ([`sitemaps_each`]).
#[cfg(test)]
pub fn sitemaps(config: &Config, archive: &Archive) -> Vec<FeedFile> {
    let files = std::sync::Mutex::new(Vec::new());
    sitemaps_each(config, archive, &|f| {
        files.lock().expect("lock").push(f);
        Ok(())
    })
    .expect("sitemaps");
    let mut files = files.into_inner().expect("lock");
    // Parts in order, then the index.
    files.sort_by_key(|f| (f.path == "sitemap.xml", f.path.len(), f.path.clone()));
    files
}

/// One URL of the sitemap, named by what it shows (the URLs are made a part at a time: at
/// 1,000,000 bulletins all of them, and all the parts, would be 300 MB at once).
#[derive(Clone, Copy)]
enum SitemapUrl {
    Home,
    Bulletin(u32),
    Section(u32),
    Terms(TermKind),
    Term(TermKind, u32),
    Archive,
    Year(u32),
    Month(u32, u32),
}

/// Makes the sitemap's files (`sitemap.xml`, and `sitemap-N.xml` parts under it as an index
/// when there are more than `sitemap_max_urls` URLs: the home page, every bulletin, and the
/// first page of every list) and gives each to `put` as soon as it is made, the parts in
/// parallel.
pub fn sitemaps_each(
    config: &Config,
    archive: &Archive,
    put: &(dyn Fn(FeedFile) -> std::io::Result<()> + Sync),
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let base = config.base();
    let url = |p: &str| format!("{base}/{}", p.trim_start_matches('/'));
    let newest = |members: &[usize]| members.first().map(|&i| w3c(archive.entries[i].bulletin.modified()));
    let mut urls: Vec<SitemapUrl> = vec![SitemapUrl::Home];
    urls.extend((0..archive.entries.len() as u32).map(SitemapUrl::Bulletin));
    urls.extend((0..archive.sections.len() as u32).map(SitemapUrl::Section));
    for kind in [TermKind::Tag, TermKind::Author] {
        urls.push(SitemapUrl::Terms(kind));
        urls.extend((0..archive.terms(kind).len() as u32).map(|t| SitemapUrl::Term(kind, t)));
    }
    urls.push(SitemapUrl::Archive);
    for (y, year) in archive.years.iter().enumerate() {
        urls.push(SitemapUrl::Year(y as u32));
        urls.extend((0..year.months.len() as u32).map(|m| SitemapUrl::Month(y as u32, m)));
    }
    // Where the URL is and when what it shows last changed, if that is known.
    let entry = |u: SitemapUrl| -> (String, Option<String>) {
        match u {
            SitemapUrl::Home => (url(""), archive.entries.first().map(|e| w3c(e.bulletin.modified()))),
            SitemapUrl::Bulletin(i) => {
                let e = &archive.entries[i as usize];
                (url(&e.path), Some(w3c(e.bulletin.modified())))
            }
            SitemapUrl::Section(i) => {
                let section = &archive.sections[i as usize];
                (url(&crate::archive::section_url(&section.slug)), newest(&section.members))
            }
            SitemapUrl::Terms(kind) => (url(&format!("{}/", kind.folder())), None),
            SitemapUrl::Term(kind, t) => {
                let t = &archive.terms(kind)[t as usize];
                (url(&term_url(kind, &t.slug)), newest(&t.members))
            }
            SitemapUrl::Archive => (url("archive/"), None),
            SitemapUrl::Year(y) => {
                let y = &archive.years[y as usize];
                (url(&year_url(y.year)), newest(&y.members))
            }
            SitemapUrl::Month(y, m) => {
                let (y, m) = (&archive.years[y as usize], &archive.years[y as usize].months[m as usize]);
                (url(&month_url(y.year, m.month)), newest(&m.members))
            }
        }
    };
    // A part's XML, and the latest of its URLs' dates.
    let write_urlset = |chunk: &[SitemapUrl]| -> (String, Option<String>) {
        let mut x = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        let mut latest: Option<String> = None;
        for &u in chunk {
            let (loc, lastmod) = entry(u);
            let _ = write!(x, "<url><loc>{}</loc>", xml(&loc));
            if let Some(l) = lastmod {
                let _ = write!(x, "<lastmod>{l}</lastmod>");
                if latest.as_ref().is_none_or(|m| l > *m) {
                    latest = Some(l);
                }
            }
            x.push_str("</url>\n");
        }
        x.push_str("</urlset>\n");
        (x, latest)
    };
    let max = config.sitemap_max_urls.clamp(1, SITEMAP_LIMIT);
    if urls.len() <= max {
        return put(FeedFile { path: "sitemap.xml".into(), contents: write_urlset(&urls).0 });
    }
    let latest: Vec<Option<String>> = urls
        .par_chunks(max)
        .enumerate()
        .map(|(i, chunk)| {
            let (contents, latest) = write_urlset(chunk);
            put(FeedFile { path: format!("sitemap-{}.xml", i + 1), contents })?;
            Ok(latest)
        })
        .collect::<std::io::Result<_>>()?;
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (i, lastmod) in latest.iter().enumerate() {
        let _ = write!(index, "<sitemap><loc>{}</loc>", xml(&url(&format!("sitemap-{}.xml", i + 1))));
        if let Some(l) = lastmod {
            let _ = write!(index, "<lastmod>{l}</lastmod>");
        }
        index.push_str("</sitemap>\n");
    }
    index.push_str("</sitemapindex>\n");
    put(FeedFile { path: "sitemap.xml".into(), contents: index })
}

/// The files [`sitemaps_each`] makes, and a fingerprint of everything it makes them from besides
/// the configuration (which `global_key` stands for): equal fingerprints, equal files.
pub fn sitemap_plan(config: &Config, archive: &Archive, global_key: u64) -> (Vec<String>, u64) {
    let mut f = crate::hash::Fingerprint::new();
    f.u64(global_key).str("sitemap");
    let newest = |f: &mut crate::hash::Fingerprint, members: &[usize]| {
        match members.first() {
            Some(&i) => f.u64s(archive.entries[i].bulletin.modified().identity()),
            None => f.str("none"),
        };
    };
    let mut urls = 1 + archive.entries.len() + archive.sections.len();
    for e in &archive.entries {
        f.str(&e.path).u64s(e.bulletin.modified().identity());
    }
    for section in &archive.sections {
        f.str(&section.slug);
        newest(&mut f, &section.members);
    }
    for kind in [TermKind::Tag, TermKind::Author] {
        urls += 1 + archive.terms(kind).len();
        f.str(kind.folder()).u64(archive.terms(kind).len() as u64);
        for t in archive.terms(kind) {
            f.str(&t.slug);
            newest(&mut f, &t.members);
        }
    }
    urls += 1;
    for y in &archive.years {
        urls += 1 + y.months.len();
        f.u64(y.year as u64);
        newest(&mut f, &y.members);
        for m in &y.months {
            f.u64(m.month as u64);
            newest(&mut f, &m.members);
        }
    }
    let max = config.sitemap_max_urls.clamp(1, SITEMAP_LIMIT);
    let mut files: Vec<String> = if urls <= max {
        Vec::new()
    } else {
        (1..=urls.div_ceil(max)).map(|i| format!("sitemap-{i}.xml")).collect()
    };
    files.push("sitemap.xml".into());
    (files, f.finish())
}

/// `robots.txt`: everything allowed, and where the sitemap is.
pub fn robots(config: &Config, news: bool) -> FeedFile {
    let mut contents = format!("User-agent: *\nAllow: /\n\nSitemap: {}/sitemap.xml\n", config.base());
    if news {
        let _ = writeln!(contents, "Sitemap: {}/{NEWS_SITEMAP}", config.base());
    }
    FeedFile { path: "robots.txt".into(), contents }
}

/// The Google News sitemap's file.
pub const NEWS_SITEMAP: &str = "news-sitemap.xml";
/// How long Google News lists an article: two days.
pub const NEWS_WINDOW: i64 = 2 * 24 * 3600;
/// The most URLs a news sitemap may hold.
pub const NEWS_LIMIT: usize = 1000;

/// The bulletins of the news sitemap at `now` (seconds): those published in the last two
/// days, newest first, at most [`NEWS_LIMIT`]; and the time the first of them leaves the
/// window (from then on the same input makes another news sitemap).
pub fn news_members(archive: &Archive, now: i64) -> (Vec<usize>, Option<i64>) {
    // The archive is newest first: past any bulletin still to come, the window's are next.
    let members: Vec<usize> = archive
        .entries
        .iter()
        .enumerate()
        .skip_while(|(_, e)| e.bulletin.date.sort_key() > now)
        .take_while(|(_, e)| e.bulletin.date.sort_key() > now - NEWS_WINDOW)
        .map(|(i, _)| i)
        .take(NEWS_LIMIT)
        .collect();
    let expiry = members.iter().map(|&i| archive.entries[i].bulletin.date.sort_key() + NEWS_WINDOW).min();
    (members, expiry)
}

/// The key of the news sitemap of `members`: the global key (the site's name and language are
/// in it) and what each entry shows.
pub fn news_key(archive: &Archive, members: &[usize], global_key: u64) -> u64 {
    let mut f = crate::hash::Fingerprint::new();
    f.u64(global_key).str("news");
    for &i in members {
        let e = &archive.entries[i];
        f.str(&e.path).str(&e.bulletin.title).u64s(e.bulletin.date.identity());
    }
    f.finish()
}

/// `news-sitemap.xml` (Google News): each bulletin of `members` with its publication (the
/// site's name and language), publication date and title.
pub fn news_sitemap(config: &Config, archive: &Archive, members: &[usize]) -> FeedFile {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n",
    );
    let (name, language) = (xml(&config.title), config.language.as_str());
    for &i in members {
        let e = &archive.entries[i];
        let _ = writeln!(
            x,
            "<url><loc>{}</loc><news:news><news:publication><news:name>{name}</news:name>\
             <news:language>{language}</news:language></news:publication>\
             <news:publication_date>{}</news:publication_date><news:title>{}</news:title></news:news></url>",
            xml(&format!("{}{}", config.base(), e.path)),
            w3c(&e.bulletin.date),
            xml(&e.bulletin.title),
        );
    }
    x.push_str("</urlset>\n");
    FeedFile { path: NEWS_SITEMAP.into(), contents: x }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive(dates: &[&str]) -> Archive {
        let tz = jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").expect("tz");
        let items = dates
            .iter()
            .enumerate()
            .map(|(i, date)| {
                let text =
                    format!("---\ntitle: \"Tin {i}\"\ndate: {date}\ntags: [Mưa, \"Tin {i}\"]\n---\nThân.\n");
                let src = crate::content::SourceFile { rel_path: format!("content/{i}.md").into(), text };
                let b = crate::content::parse_bulletin(&src, &tz).expect("bulletin");
                let r = crate::markdown::render(&b.body, false);
                (b, r)
            })
            .collect();
        Archive::build(&Config::default(), items).expect("archive")
    }

    #[test]
    fn the_sitemap_plan_names_the_files_made_and_follows_what_they_show() {
        let a = archive(&["2024-01-02", "2024-03-04 10:00", "2023-12"]);
        for max in [1, 2, 5, 7, 8, 9, 50_000] {
            let config = Config { sitemap_max_urls: max, ..Config::default() };
            let mut made: Vec<String> = sitemaps(&config, &a).into_iter().map(|f| f.path).collect();
            let (mut planned, _) = sitemap_plan(&config, &a, 1);
            made.sort();
            planned.sort();
            assert_eq!(made, planned, "max {max}");
        }
        let config = Config::default();
        let fp = |a: &Archive| sitemap_plan(&config, a, 1).1;
        let base = fp(&a);
        assert_eq!(base, fp(&archive(&["2024-01-02", "2024-03-04 10:00", "2023-12"])));
        assert_ne!(base, sitemap_plan(&config, &a, 2).1, "the global key counts");
        assert_ne!(base, fp(&archive(&["2024-01-03", "2024-03-04 10:00", "2023-12"])), "a date counts");
        assert_ne!(base, fp(&archive(&["2024-01-02", "2024-03-04 10:01", "2023-12"])), "a time counts");
        assert_ne!(base, fp(&archive(&["2024-01-02", "2024-03-04 10:00"])), "a bulletin counts");
    }
}
