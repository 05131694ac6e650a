//! Feeds: Atom 1.0, RSS 2.0 and JSON Feed 1.1 for the site and for every section, tag and
//! author; the crawler files (sitemaps, `robots.txt`) are in [`sitemap`]. All URLs are
//! absolute, from `base_url`.

use std::fmt::Write as _;

use crate::archive::{Archive, Entry, TermKind, term_url};
use crate::config::Config;
use crate::content::PubDate;
use crate::photos::PhotoSet;
use crate::text::escape::{xml, xml_into};

mod sitemap;
#[cfg(test)]
pub use sitemap::sitemaps;
pub use sitemap::{
    NEWS_LIMIT, NEWS_SITEMAP, NEWS_WINDOW, SITEMAP_LIMIT, news_key, news_members, news_sitemap, robots,
    sitemap_plan, sitemaps_each,
};

/// The Media RSS namespace, in which RSS and Atom feeds give each bulletin's lead picture.
const MEDIA_RSS: &str = "http://search.yahoo.com/mrss/";

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
    /// internal links (to other bulletins and within itself) made absolute (copied only where
    /// it has such links).
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
            let html = self.archive.link_internal(e, &html, &self.url(""));
            // A link relative to the page (a footnote's `#1`, `../tags/x/`) leads where it does
            // from the page: in a feed it would be read against the feed's address.
            let html = absolute_hrefs(&html, &self.url(&e.path));
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

    /// The bulletin's lead picture, absolute, with its size when bantin made it: a site photo's
    /// 16:9 crop (a JPEG), or the web address `image:` gives.
    fn lead_image(&self, i: usize, e: &Entry) -> Option<(String, Option<(u32, u32)>)> {
        crate::photos::lead_addresses(self.photos.lead_of(i), e.bulletin.image(), self.base)
            .into_iter()
            .next()
    }

    /// The lead picture as Media RSS writes it (`<media:content medium="image">`, in RSS and
    /// Atom alike), where feed readers look for the picture to show beside the headline.
    fn media(&self, x: &mut String, i: usize, e: &Entry) {
        let Some((url, size)) = self.lead_image(i, e) else { return };
        let _ = write!(x, "<media:content url=\"{}\" medium=\"image\"", xml(&url));
        if let Some((w, h)) = size {
            let _ = write!(x, " type=\"image/jpeg\" width=\"{w}\" height=\"{h}\"");
        }
        x.push_str("/>\n");
    }

    /// The files the bulletin links beside it, absolute: feed readers offer them as its
    /// enclosures (a podcast player plays a radio bulletin's recording).
    fn enclosures(&self, e: &Entry) -> Vec<(String, &crate::archive::LinkedFile)> {
        let url = |path: &str| self.url(&crate::text::escape::url_path(path));
        self.archive.linked_files(e).into_iter().map(|(path, file)| (url(&path), file)).collect()
    }

    fn atom(&self, spec: &FeedSpec, entries: &[(usize, &Entry)]) -> String {
        let mut x = String::with_capacity(4096 + entries.len() * 2048);
        let self_url = self.url(&format!("{}atom.xml", spec.folder));
        let _ = write!(
            x,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:media=\"{MEDIA_RSS}\" xml:lang=\"{}\">\n\
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
            self.media(&mut x, i, e);
            for (url, file) in self.enclosures(e) {
                let _ = writeln!(
                    x,
                    "<link rel=\"enclosure\" type=\"{}\" length=\"{}\" href=\"{}\"/>",
                    file.media_type,
                    file.len,
                    xml(&url)
                );
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
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:media=\"{MEDIA_RSS}\">\n<channel>\n<title>{}</title>\n<link>{}</link>\n\
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
            self.media(&mut x, i, e);
            // RSS readers take one enclosure an item: the first file it links.
            if let Some((url, file)) = self.enclosures(e).into_iter().next() {
                let _ = writeln!(
                    x,
                    "<enclosure url=\"{}\" length=\"{}\" type=\"{}\"/>",
                    xml(&url),
                    file.len,
                    file.media_type
                );
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
                attachments: self
                    .enclosures(e)
                    .into_iter()
                    .map(|(url, file)| JsonAttachment {
                        url,
                        mime_type: file.media_type,
                        size_in_bytes: file.len,
                    })
                    .collect(),
                image: self.lead_image(i, e).map(|(url, _)| url),
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
    /// The files the bulletin links beside it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attachments: Vec<JsonAttachment>,
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
struct JsonAttachment {
    mime_type: &'static str,
    size_in_bytes: u64,
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

/// `html` with each `href` relative to the page at `page` (an absolute URL) made absolute, as
/// a browser reads it from the page: `#1` → `page#1`, `../x/` → the folder above's `x/`.
/// Web addresses (`https:`, `mailto:`), `//host` and `/path` links are left as they are.
fn absolute_hrefs<'h>(html: &'h str, page: &str) -> std::borrow::Cow<'h, str> {
    const HREF: &str = "href=\"";
    let is_relative = |value: &str| {
        let head = value.split(['/', '?', '#']).next().unwrap_or(value);
        !value.starts_with('/') && !head.contains(':')
    };
    if !html.match_indices(HREF).any(|(at, _)| is_relative(&html[at + HREF.len()..])) {
        return std::borrow::Cow::Borrowed(html);
    }
    // Values are as the HTML writes them (`&amp;`), the page's URL written alike.
    let page = xml(page);
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(at) = rest.find(HREF) {
        let start = at + HREF.len();
        out.push_str(&rest[..start]);
        let end = rest[start..].find('"').map_or(rest.len(), |e| start + e);
        let value = &rest[start..end];
        if is_relative(value) {
            out.push_str(&join_url(&page, value));
        } else {
            out.push_str(value);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// The absolute URL of `relative` read from the page at `page` (RFC 3986's resolution, for a
/// base with a path): its fragment or query put on the page's, or its path on the page's
/// folder with `.` and `..` worked out (never above the host).
fn join_url(page: &str, relative: &str) -> String {
    let page = page.split('#').next().unwrap_or(page);
    if relative.starts_with('#') || relative.is_empty() {
        return format!("{page}{relative}");
    }
    if relative.starts_with('?') {
        return format!("{}{relative}", page.split('?').next().unwrap_or(page));
    }
    let page = page.split('?').next().unwrap_or(page);
    let host_end = page.find("://").map_or(0, |s| page[s + 3..].find('/').map_or(page.len(), |p| s + 3 + p));
    let (origin, path) = page.split_at(host_end);
    let folder = path.rsplit_once('/').map_or("", |(folder, _)| folder);
    let cut = relative.find(['?', '#']).unwrap_or(relative.len());
    let (rel_path, tail) = relative.split_at(cut);
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    let segments: Vec<&str> = rel_path.split('/').collect();
    for (n, seg) in segments.iter().enumerate() {
        match *seg {
            "." => {}
            ".." => {
                parts.pop();
            }
            "" if n + 1 < segments.len() => {}
            s => parts.push(s),
        }
    }
    // `x/`, `.` and `..` name a folder: the URL keeps its slash.
    let folder_like = rel_path.ends_with('/') || matches!(segments.last(), Some(&("." | "..")));
    let mut out = format!("{origin}/{}", parts.join("/"));
    if folder_like && !parts.is_empty() && !out.ends_with('/') {
        out.push('/');
    }
    out.push_str(tail);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_are_read_from_the_page() {
        let page = "https://tin.example/tin-tuc/2024/05/so-lieu/";
        for (relative, absolute) in [
            ("#1", "https://tin.example/tin-tuc/2024/05/so-lieu/#1"),
            ("../../../tags/an-ninh/", "https://tin.example/tin-tuc/tags/an-ninh/"),
            (
                "bang.html?a=1&amp;b=2#x",
                "https://tin.example/tin-tuc/2024/05/so-lieu/bang.html?a=1&amp;b=2#x",
            ),
            ("./", "https://tin.example/tin-tuc/2024/05/so-lieu/"),
            ("..", "https://tin.example/tin-tuc/2024/05/"),
            ("../../../../../../x", "https://tin.example/x"),
            ("?trang=2", "https://tin.example/tin-tuc/2024/05/so-lieu/?trang=2"),
        ] {
            assert_eq!(join_url(page, relative), absolute, "{relative}");
        }
        let html = "<a href=\"#1\">1</a> <a href=\"../x/\">x</a> <a href=\"https://a.vn/\">a</a> <a href=\"/t/\">t</a> <a href=\"mailto:a@b.vn\">m</a>";
        assert_eq!(
            absolute_hrefs(html, "https://t.vn/a/b/"),
            "<a href=\"https://t.vn/a/b/#1\">1</a> <a href=\"https://t.vn/a/x/\">x</a> <a href=\"https://a.vn/\">a</a> <a href=\"/t/\">t</a> <a href=\"mailto:a@b.vn\">m</a>"
        );
        assert!(matches!(
            absolute_hrefs("<a href=\"https://a.vn/\">a</a>", "https://t.vn/"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

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
