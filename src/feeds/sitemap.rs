//! Crawler files: `sitemap.xml` (split into parts of at most 50,000 URLs under a sitemap
//! index when needed), the news sitemap of the last two days, and `robots.txt` pointing at
//! them. A file of its own: it lists every page of the site, where the feeds list bulletins.

use std::fmt::Write as _;

use super::{FeedFile, rfc3339};
use crate::archive::{Archive, TermKind, month_url, term_url, year_url};
use crate::config::Config;
use crate::content::{Precision, PubDate};
use crate::text::escape::xml;

/// The sitemap protocol's limit of URLs per file.
pub const SITEMAP_LIMIT: usize = 50_000;

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
