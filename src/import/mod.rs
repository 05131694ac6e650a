//! Importing existing material as bulletins: the plain-text format of the seed bulletin,
//! JSON Lines (optionally gzip'd), WordPress exports, and Hugo/Zola/Jekyll Markdown with YAML or TOML
//! front matter.
//! Text is normalised on the way in; nothing is overwritten.

mod jsonl;
mod links;
mod markdown_site;
mod old_urls;
mod pictures;
mod plain_text;
mod shortcodes;
mod wordpress;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;

use crate::content::{NewBulletin, parse_date};
use crate::text;

/// A bulletin read from some other format, before it is written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Candidate {
    pub title: String,
    /// As bantin writes dates: `2020-01`, `2020-01-06`, `2020-01-06 08:30` or RFC 3339.
    pub date: Option<String>,
    pub updated: Option<String>,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    /// Jekyll's `category`/`categories` and Hugo's `categories`: the first that names one of
    /// the site's sections becomes the bulletin's section; the others become tags.
    pub categories: Vec<String>,
    pub summary: Option<String>,
    pub slug: Option<String>,
    pub draft: bool,
    /// Its lead picture (Hugo's `image` or first of `images`, Jekyll's `image`, the JSON
    /// Lines `image` field) and its alt text.
    pub image: Option<String>,
    pub image_alt: Option<String>,
    /// Markdown.
    pub body: String,
    /// What the reading left for the editor to do (a shortcode bantin cannot write), each
    /// with its line.
    pub notes: Vec<String>,
    /// The addresses the page had on its old site, as its front matter wrote them: from the
    /// site's root (`/tin/cu/`), relative to the page's section (a Hugo alias `cu`), or whole
    /// (`https://tin.example/cu/`). See [`old_urls`].
    pub old_urls: Vec<String>,
    /// The address the page was published at, when its front matter set it (Hugo's `url`,
    /// Zola's `path`), from the site's root; else the site gave it one by default.
    pub url: Option<String>,
    /// The front-matter keys the reading did not carry over (`weight`, `extra.toc`).
    pub not_carried: Vec<String>,
}

/// One record that was not imported, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub source: String,
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub written: Vec<PathBuf>,
    pub skipped: Vec<Skipped>,
    /// Things to tell about bulletins that were written (a picture not found).
    pub notes: Vec<String>,
    /// The front-matter keys not carried over, each with how many written bulletins had it.
    pub not_carried: BTreeMap<String, usize>,
}

/// Options of an import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The date given to records without one (`2020-01` or `2020-01-06`); without it they are
    /// skipped, since bantin never invents a date.
    pub default_date: Option<String>,
    /// The site's settings: its sections, which categories are matched against.
    pub config: crate::config::Config,
}

/// A record made ready, with where it comes from: its source as shown, its file, and the
/// file's place in its old site.
type Ready = (String, PathBuf, Option<old_urls::OldPlace>, Prepared);

/// Reads every path (files, or folders walked in name order) and writes bulletins under
/// `root/content/YYYY/MM/`. Every record is read before any is written, so that a page's
/// links to another page imported with it lead to the bulletin that page becomes.
pub fn import(root: &Path, paths: &[PathBuf], opts: &ImportOptions, tz: &TimeZone) -> ImportReport {
    let mut report = ImportReport::default();
    let mut ready = gather(root, paths, opts, tz, &mut report);
    let moves = number(&mut ready);
    keep_old_urls(&mut ready, &opts.config.permalink);
    let mut linked: std::collections::HashSet<String> = Default::default();
    for (_, file, place, p) in &mut ready {
        let (shortcodes, targets) =
            links::rewrite(&mut p.body, &moves, file, place.as_ref().map(|pl| pl.content.as_path()));
        p.notes.retain(|n| !shortcodes.iter().any(|code| n.contains(code.as_str())));
        linked.extend(targets);
    }
    for (source, _, _, p) in ready {
        let not_carried = p.not_carried.clone();
        let wanted = format!("{}/{}", p.folders, p.file_name(p.number));
        match write_prepared(root, p) {
            Ok(Some((path, notes))) => {
                if linked.contains(&wanted) && !path.ends_with(&wanted) {
                    report.notes.push(format!(
                        "{}: links to it from the pages imported with it lead to content/{wanted}, but {wanted} was already another bulletin's; correct them by hand",
                        path.display()
                    ));
                }
                report.written.push(path);
                report.notes.extend(notes);
                for key in not_carried {
                    *report.not_carried.entry(key).or_insert(0) += 1;
                }
            }
            Ok(None) => report.skipped.push(Skipped { source, reason: "already imported".into() }),
            Err(reason) => report.skipped.push(Skipped { source, reason }),
        }
    }
    report
}

/// Every record of the paths, made ready; those that cannot be are put in the report.
fn gather(
    root: &Path,
    paths: &[PathBuf],
    opts: &ImportOptions,
    tz: &TimeZone,
    report: &mut ImportReport,
) -> Vec<Ready> {
    let mut ready = Vec::new();
    for path in paths {
        let files: Vec<PathBuf> = if path.is_dir() {
            // Of a Hugo or Zola site, its `content/` only; of a Jekyll site, its posts (in
            // `_posts/` folders): a theme's example pages, a README, an archetype or a
            // generated `_site/` are not the site's bulletins.
            walkdir::WalkDir::new(path)
                .follow_links(false)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    let Some(site) = e.path().parent().filter(|_| e.depth() > 0 && e.file_type().is_dir())
                    else {
                        return true;
                    };
                    let name = e.file_name().to_string_lossy();
                    let hugo_or_zola = || name != "content" && old_urls::has_content(site);
                    let jekyll =
                        || name.starts_with('_') && name != "_posts" && old_urls::is_jekyll_site(site);
                    !(name.starts_with('.') || hugo_or_zola() || jekyll())
                })
                .flatten()
                .filter(|e| e.file_type().is_file())
                .filter(|e| {
                    // Inside a Jekyll site (a folder of this walk with its `_config.yml`), posts only.
                    let mut folders = e.path().ancestors().skip(1).take(e.depth());
                    !folders.any(old_urls::is_jekyll_site) || e.path().iter().any(|p| p == "_posts")
                })
                .map(|e| e.into_path())
                .collect()
        } else {
            vec![path.clone()]
        };
        for file in files {
            let shown = file.display().to_string();
            let place = old_urls::place_of(&file);
            let records = match read_records(&file) {
                Ok(r) => r,
                Err(reason) => {
                    report.skipped.push(Skipped { source: shown, reason });
                    continue;
                }
            };
            for (label, record) in records {
                let source = if label.is_empty() { shown.clone() } else { format!("{shown}:{label}") };
                match record.and_then(|c| prepare(root, c, &file, place.as_ref(), opts, tz)) {
                    Ok(p) => ready.push((source, file.clone(), place.clone(), p)),
                    Err(reason) => report.skipped.push(Skipped { source, reason }),
                }
            }
        }
    }
    ready
}

/// Gives each record its file: its slug's, or with `-2`, `-3`… after another record's; and
/// returns where each page of a Markdown site goes, for the links between them.
fn number(ready: &mut [Ready]) -> links::Moves {
    let mut moves = links::Moves::default();
    let mut planned: std::collections::HashSet<String> = Default::default();
    for (_, file, _, p) in ready {
        p.number = (1..)
            .find(|&n| planned.insert(format!("{}/{}", p.folders, p.file_name(n)).to_lowercase()))
            .unwrap_or(1);
        if is_one_page(file) {
            moves.add(file, format!("{}/{}", p.folders, p.file_name(p.number)));
        }
    }
    moves
}

/// An old URL is kept by the first record that had it, and never over a bulletin's new one;
/// each left out is told.
fn keep_old_urls(ready: &mut [Ready], permalink: &crate::config::Permalink) {
    let urls: std::collections::HashSet<String> =
        ready.iter().map(|(_, _, _, p)| p.url(permalink, p.number)).collect();
    let mut claimed: std::collections::HashMap<String, String> = Default::default();
    for (source, _, _, p) in ready {
        let mut kept = Vec::new();
        for alias in std::mem::take(&mut p.bulletin.aliases) {
            if urls.contains(&alias) {
                if alias != p.url(permalink, p.number) {
                    p.notes.push(format!(
                        "{source}: its old URL {alias} is an imported bulletin's URL now; not kept"
                    ));
                }
            } else if let Some(first) = claimed.get(&alias) {
                p.notes.push(format!("{source}: its old URL {alias} was also {first}'s, which keeps it"));
            } else {
                claimed.insert(alias.clone(), source.clone());
                kept.push(alias);
            }
        }
        p.bulletin.aliases = kept;
    }
}

/// Whether `file` is one page of a Markdown site (what a link may lead to).
fn is_one_page(file: &Path) -> bool {
    file.extension().is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

type Records = Vec<(String, Result<Candidate, String>)>;

fn read_records(file: &Path) -> Result<Records, String> {
    let name = file.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    if name.ends_with(".jsonl") || name.ends_with(".jsonl.gz") || name.ends_with(".ndjson") {
        return jsonl::read(file);
    }
    if name.ends_with(".xml") {
        // A WordPress export: its start says so (read without holding the whole file).
        let mut head = [0u8; 4096];
        let n = std::io::Read::read(
            &mut std::fs::File::open(file).map_err(|e| format!("cannot read: {e}"))?,
            &mut head,
        )
        .map_err(|e| format!("cannot read: {e}"))?;
        if wordpress::looks_like(&String::from_utf8_lossy(&head[..n])) {
            return wordpress::read(file);
        }
        return Err("an XML file that is not a WordPress export".into());
    }
    if name == "_index.md" {
        // Hugo's and Zola's page of a section (its title and introduction), not a news item.
        return Err("a section's own page (`_index.md`), not a bulletin".into());
    }
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
    Ok(vec![(String::new(), read_text(&name, &text)?)])
}

/// Reads one text file's content by its (lower-case) name: Hugo/Zola/Jekyll `.md`, or the seed's
/// plain-text format. The outer error means "not a format bantin imports".
pub fn read_text(name: &str, text: &str) -> Result<Result<Candidate, String>, String> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text).replace("\r\n", "\n");
    if name.ends_with(".md") || name.ends_with(".markdown") {
        return Ok(markdown_site::read(name, &text));
    }
    if name.ends_with(".txt") || plain_text::looks_like(&text) {
        return Ok(plain_text::read(&text));
    }
    Err("not a format bantin imports (.txt, .jsonl[.gz], a WordPress export .xml, or Hugo/Zola/Jekyll .md)"
        .into())
}

/// Reads the posts of a WordPress export's text.
pub fn read_wordpress(text: &str) -> Result<Vec<Result<Candidate, String>>, String> {
    Ok(wordpress::read_from(text.as_bytes())?.into_iter().map(|(_, c)| c).collect())
}

/// Reads one JSON Lines record.
pub fn read_json_line(line: &str) -> Result<Candidate, String> {
    jsonl::parse_line(line)
}

/// A record made ready to be written: its bulletin, its body, the pictures that come with
/// it, and where it goes.
struct Prepared {
    bulletin: NewBulletin,
    body: String,
    pictures: pictures::Pictures,
    notes: Vec<String>,
    not_carried: Vec<String>,
    /// Its folders under `content/` (`2021/04`) and the folder itself.
    folders: String,
    dir: PathBuf,
    slug: String,
    /// Its file's number: 1 for `<slug>.md`, then `<slug>-2.md`…
    number: usize,
    /// Its year, month and day (none for a month's bulletin), for its URL.
    date: (i64, i64, Option<i64>),
}

impl Prepared {
    /// The slug of its file numbered `n`.
    fn slug_of(&self, n: usize) -> String {
        if n == 1 { self.slug.clone() } else { format!("{}-{n}", self.slug) }
    }

    fn file_name(&self, n: usize) -> String {
        format!("{}.md", self.slug_of(n))
    }

    /// Its URL, with its file numbered `n`.
    fn url(&self, permalink: &crate::config::Permalink, n: usize) -> String {
        let (year, month, day) = self.date;
        permalink.expand(year, month, day, &self.slug_of(n), &self.folders)
    }
}

/// Makes a candidate ready to be written as `content/YYYY/MM/<slug>.md`.
fn prepare(
    root: &Path,
    c: Candidate,
    from: &Path,
    place: Option<&old_urls::OldPlace>,
    opts: &ImportOptions,
    tz: &TimeZone,
) -> Result<Prepared, String> {
    // Its addresses on the old site stay with it, as redirects: those it names, and the one
    // it was published at (but the URL it now has, below).
    let mut written = c.old_urls.clone();
    written.extend(c.url.clone().or_else(|| place.and_then(|p| old_urls::default_url(p, &c))));
    let title = text::single_line(&text::normalize(&c.title));
    if title.is_empty() {
        return Err("no title".into());
    }
    let date = c
        .date
        .filter(|d| !d.trim().is_empty())
        .or_else(|| opts.default_date.clone())
        .ok_or("no date (give one with --default-date 2020-01)")?;
    let parsed = parse_date(&date, tz).map_err(|e| format!("bad date: {e}"))?;
    // The slug it had, else its title's (a slug of only punctuation gives none).
    let slug = c
        .slug
        .as_deref()
        .map(text::slugify)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| text::slugify(&title));
    if slug.is_empty() {
        return Err("no letters or digits in the title to name the file".into());
    }
    let mut b = NewBulletin::new(title, date).with_authors(text::clean_names(&c.authors));
    let section = c.categories.iter().find_map(|cat| opts.config.section_of(cat));
    b.section = section.map(|si| opts.config.sections[si].name.clone());
    let mut tags = c.tags.clone();
    for cat in &c.categories {
        if opts.config.section_of(cat) != section || section.is_none() {
            tags.push(cat.clone());
        }
    }
    b.tags = text::clean_names(&tags);
    b.summary = c.summary.map(|s| text::single_line(&text::normalize(&s))).filter(|s| !s.is_empty());
    b.slug = c.slug.as_ref().filter(|s| text::slugify(s) == slug).map(|_| slug.clone());
    b.updated = c.updated.filter(|u| parse_date(u, tz).is_ok());
    b.draft = c.draft;
    let folders = parsed.zoned.strftime("%Y/%m").to_string();
    let dir = root.join("content").join(&folders);
    let (aliases, left) = old_urls::resolve(&written, place);
    let day = (parsed.precision != crate::content::Precision::Month).then(|| i64::from(parsed.zoned.day()));
    b.aliases = aliases;
    let mut notes: Vec<String> = left.iter().map(|l| format!("{}: {l}; not kept", from.display())).collect();
    // Pictures come along: copied beside the bulletin, named after it, references rewritten.
    let mut body = text::normalize(&c.body);
    let (pictures, picture_notes) = pictures::gather(from, c.image.as_deref(), &mut body, &slug);
    notes.extend(picture_notes);
    notes.extend(c.notes.iter().map(|n| format!("{}: {n}", from.display())));
    b.image = c.image.as_deref().map(|i| pictures::renamed(i, &pictures));
    b.image_alt = c.image_alt.or_else(|| b.image.as_ref().map(|_| b.title.clone()));
    Ok(Prepared {
        bulletin: b,
        body,
        pictures,
        notes,
        not_carried: c.not_carried,
        dir,
        folders,
        slug,
        number: 1,
        date: (parsed.year().into(), parsed.month().into(), day),
    })
}

/// Writes a prepared record, with the number it was given or the next free one. Returns None
/// when an identical file is already there (re-importing is harmless).
fn write_prepared(root: &Path, mut p: Prepared) -> Result<Option<(PathBuf, Vec<String>)>, String> {
    let dir = p.dir.clone();
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for n in p.number.. {
        let path = dir.join(p.file_name(n));
        // A `slug:` the page set is the file's name, numbered too: else two files would
        // claim one URL.
        if p.bulletin.slug.is_some() {
            p.bulletin.slug = Some(p.slug_of(n));
        }
        let file = p.bulletin.to_file(&p.body)?;
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                std::io::Write::write_all(&mut f, file.as_bytes())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                pictures::copy(&p.pictures, &dir)?;
                return Ok(Some((path.strip_prefix(root).unwrap_or(&path).to_path_buf(), p.notes)));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                if std::fs::read_to_string(&path).is_ok_and(|existing| existing == file) {
                    return Ok(None);
                }
            }
            Err(e) => return Err(format!("cannot create {}: {e}", path.display())),
        }
    }
    Err("no free file name".into())
}

/// Plain text → Markdown that renders as the same text: characters that would start a
/// heading, quote, list or HTML tag at the start of a line (or anywhere, for `<` and `\`)
/// are escaped.
pub fn plain_to_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        out.push_str(indent.get(..indent.len().min(3)).unwrap_or(""));
        let starts_block = trimmed.starts_with(['#', '>', '-', '+', '*', '=', '|', '~', '`'])
            || trimmed
                .split_once(['.', ')'])
                .is_some_and(|(n, _)| !n.is_empty() && n.len() <= 9 && n.bytes().all(|b| b.is_ascii_digit()));
        if starts_block {
            out.push('\\');
        }
        for ch in trimmed.chars() {
            if matches!(ch, '<' | '\\' | '[' | ']' | '*' | '_' | '`') {
                out.push('\\');
            }
            out.push(ch);
        }
    }
    out
}

/// A list written as text (`thời tiết, Đà Nẵng`): its parts between commas and semicolons,
/// but for those inside brackets — `Vũ Anh (Theo AFP, Reuters)` is one byline.
fn split_list(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' | ';' if depth <= 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts.into_iter().map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

/// Counts of skip reasons, for the summary.
pub fn reasons(skipped: &[Skipped]) -> BTreeMap<&str, usize> {
    let mut m = BTreeMap::new();
    for s in skipped {
        *m.entry(s.reason.as_str()).or_insert(0) += 1;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_written_as_text_keep_bracketed_commas() {
        assert_eq!(split_list("thời tiết, Đà Nẵng;lũ"), ["thời tiết", "Đà Nẵng", "lũ"]);
        assert_eq!(
            split_list("Vũ Anh (Theo RIA Novosti, Reuters), Minh"),
            ["Vũ Anh (Theo RIA Novosti, Reuters)", "Minh"]
        );
        assert_eq!(split_list("a (b, c"), ["a (b, c"]);
        assert_eq!(split_list("a), b"), ["a)", "b"]);
    }

    #[test]
    fn plain_text_survives_markdown() {
        let md = plain_to_markdown("# not a heading\n1. not a list\n<b>not bold</b> a*b*c [x](y)");
        let html = crate::markdown::render(&md, false).html;
        assert!(
            !html.contains("<h1") && !html.contains("<ol") && !html.contains("<b>") && !html.contains("<em>"),
            "{html}"
        );
        assert!(html.contains("# not a heading") && html.contains("&lt;b&gt;not bold&lt;/b&gt;"), "{html}");
    }
}
