//! Where each page is: bulletin permalinks from the site's pattern (with slug collisions
//! resolved), and the URLs of tag, author, year and month lists.

use super::*;
use crate::config::Permalink;

/// Gives every bulletin its URL path, from the site's permalink pattern. A URL never moves to
/// make way for another bulletin: two bulletins wanting one URL is an error naming both (the
/// older one first, by date then source path), whichever came first.
pub(super) fn assign_paths(
    config: &Config,
    entries: &[Entry],
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Vec<String> {
    // A folder's slugified form is made once for the run of its bulletins a thread takes
    // (most of a permalink's work, and bulletins of a date share their folder).
    let pattern = &config.permalink;
    let wanted: Vec<String> = entries
        .par_iter()
        .map_with(Folders::default(), |folders, e| {
            let b = &e.bulletin;
            let folders = if pattern.has_folders() { folders.of(&b.source) } else { "" };
            permalink_in(pattern, b, &b.slug, folders)
        })
        .collect();
    if config.slug_collisions == crate::config::SlugCollisions::Suffix {
        warnings.push(
            Diagnostic::warning("`slug_collisions = \"suffix\"` no longer moves a bulletin to another URL")
                .in_file("site.toml")
                .with_hint("two bulletins wanting one URL are an error naming both; remove the setting"),
        );
    }
    check_aliases(entries, &wanted, errors);
    // The bulletins that may share a URL are those whose URLs' hashes are shared, found by
    // sorting the hashes in parallel: at 1,000,000 bulletins, a map of every URL took a
    // fifth of a second on one core, for what is almost always no clash.
    let mut hashed: Vec<(u64, u32)> = wanted
        .par_iter()
        .enumerate()
        .map(|(i, p)| (crate::hash::hash_bytes(p.as_bytes()), i as u32))
        .collect();
    hashed.par_sort_unstable();
    let shared: rustc_hash::FxHashSet<usize> = hashed
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() > 1)
        .flat_map(|run| run.iter().map(|&(_, i)| i as usize))
        .collect();
    drop(hashed);
    if shared.is_empty() {
        return wanted;
    }
    let keys: Vec<i64> = entries.iter().map(|e| e.bulletin.date.sort_key()).collect();
    let by_path = |&a: &usize, &b: &usize| path_cmp(&entries[a].bulletin.source, &entries[b].bulletin.source);
    // Oldest first. The archive's bulletins come newest first, so backwards they need only
    // those of one date put in order (a sort of the whole compares thousands of paths).
    let mut order: Vec<usize> = (0..entries.len()).rev().collect();
    if order.is_sorted_by_key(|&i| keys[i]) {
        for same_date in order.chunk_by_mut(|&a, &b| keys[a] == keys[b]) {
            same_date.sort_by(by_path);
        }
    } else {
        order.sort_by(|a, b| keys[*a].cmp(&keys[*b]).then_with(|| by_path(a, b)));
    }
    let mut owner: rustc_hash::FxHashMap<&str, usize> = Default::default();
    for i in order.into_iter().filter(|i| shared.contains(i)) {
        let b = &entries[i].bulletin;
        let path = wanted[i].as_str();
        let Some(&first) = owner.get(path) else {
            owner.insert(path, i);
            continue;
        };
        let other = &entries[first].bulletin;
        errors.push(
            Diagnostic::error(format!(
                "two bulletins have the URL {path}: {} and {}",
                other.source.display(),
                b.source.display()
            ))
            .in_file(&b.source)
            .with_hint(
                "rename one of the files, or give one of them a different `slug:` in its front matter",
            ),
        );
    }
    drop(owner);
    wanted
}

/// An old URL (`aliases:`) that would replace a page of another bulletin, of the bulletin
/// itself, or another bulletin's redirect is an error naming both bulletins: the redirect
/// would be written over the page (or one redirect over the other). Checked as the URLs are
/// given, so a bulletin that cannot be read does not hide it. (Old URLs over the site's own
/// pages, `tags/` or `search/`, are found when the pages are planned.)
fn check_aliases(entries: &[Entry], wanted: &[String], errors: &mut Vec<Diagnostic>) {
    let mut owners: rustc_hash::FxHashMap<&str, usize> = Default::default();
    for (i, e) in entries.iter().enumerate() {
        for alias in &e.bulletin.aliases {
            let Some(&first) = owners.get(alias.as_str()) else {
                owners.insert(alias, i);
                continue;
            };
            errors.push(
                Diagnostic::error(format!(
                    "two bulletins redirect the old URL {alias}: {} and {}",
                    entries[first].bulletin.source.display(),
                    e.bulletin.source.display()
                ))
                .in_file(&e.bulletin.source)
                .with_hint("an old URL leads to one bulletin: leave it out of the other's `aliases:`"),
            );
        }
    }
    if owners.is_empty() {
        return;
    }
    let clashes: Vec<Diagnostic> = wanted
        .par_iter()
        .enumerate()
        .filter_map(|(i, url)| {
            let &owner = owners.get(url.as_str())?;
            let source = &entries[owner].bulletin.source;
            let d = if owner == i {
                Diagnostic::error(format!("the old URL {url} in `aliases:` is this bulletin's own URL"))
                    .with_hint("leave it out of `aliases:`: the bulletin is published there")
            } else {
                Diagnostic::error(format!(
                    "the old URL {url} in the `aliases:` of {} is the URL of {}",
                    source.display(),
                    entries[i].bulletin.source.display()
                ))
                .with_hint("its redirect would replace that bulletin's page: leave it out of `aliases:`")
            };
            Some(d.in_file(source))
        })
        .collect();
    errors.extend(clashes);
}

/// Compares two source paths with their separators as the lowest byte: for the relative,
/// normalised paths of sources, the order of [`Path`](std::path::Path)'s component-wise
/// comparison, found from their first differing byte alone (at 1,000,000 bulletins, walking
/// components was most of the time it took to put the archive in order).
pub(super) fn path_cmp(a: &std::path::Path, b: &std::path::Path) -> std::cmp::Ordering {
    let (a, b) = (a.as_os_str().as_encoded_bytes(), b.as_os_str().as_encoded_bytes());
    match a.iter().zip(b).position(|(x, y)| x != y) {
        Some(i) => {
            let lowest = |c: u8| if std::path::is_separator(char::from(c)) { 0 } else { c };
            lowest(a[i]).cmp(&lowest(b[i]))
        }
        None => a.len().cmp(&b.len()),
    }
}

/// The site-relative URL of a tag's or author's page (`tags/<slug>/`).
pub fn term_url(kind: TermKind, slug: &str) -> String {
    term_url_parts(kind, slug).concat()
}

/// [`term_url`] in its parts, for a caller that adds to it (a list's later pages).
pub fn term_url_parts(kind: TermKind, slug: &str) -> [&str; 4] {
    [kind.folder(), "/", slug, "/"]
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
/// `{day}` is left out (with the slash that would follow it).
pub fn permalink(pattern: &Permalink, b: &Bulletin) -> String {
    permalink_with_slug(pattern, b, &b.slug)
}

/// [`permalink`] with another slug.
pub(super) fn permalink_with_slug(pattern: &Permalink, b: &Bulletin, slug: &str) -> String {
    // Slugifying the folders is most of the work, and most patterns have none.
    let folders = if pattern.has_folders() { folders_of(&b.source) } else { String::new() };
    permalink_in(pattern, b, slug, &folders)
}

/// [`permalink_with_slug`] with the bulletin's folders already slugified ([`folders_of`]).
fn permalink_in(pattern: &Permalink, b: &Bulletin, slug: &str, folders: &str) -> String {
    let d = &b.date;
    let day = (d.precision != Precision::Month).then(|| i64::from(d.zoned.day()));
    pattern.expand(d.year().into(), d.month().into(), day, slug, folders)
}

/// The last folder [`folders_of`] slugified, and what it gave (none yet: `None`).
#[derive(Default, Clone)]
pub(super) struct Folders(Option<(std::path::PathBuf, String)>);

impl Folders {
    /// [`folders_of`] the source, slugified again only when its folder is not the last one's.
    pub(super) fn of(&mut self, source: &std::path::Path) -> &str {
        let dir = folders_dir(source);
        if self.0.as_ref().is_none_or(|(last, _)| last.as_os_str() != dir.as_os_str()) {
            self.0 = Some((dir.to_path_buf(), slugified(dir)));
        }
        self.0.as_ref().map_or("", |(_, slugified)| slugified.as_str())
    }
}

/// The folders of a bulletin's file under `content/`, each slugified (`2020/01`): what
/// `{path}` puts before the slug. A bundle's own folder (`ten-bai/index.md`) is its slug, not
/// a folder.
pub fn folders_of(source: &std::path::Path) -> String {
    slugified(folders_dir(source))
}

/// The folders under `content/` that [`folders_of`] the source are made of.
fn folders_dir(source: &std::path::Path) -> &std::path::Path {
    let mut dir = source.parent().unwrap_or(std::path::Path::new(""));
    if source.file_stem().is_some_and(|s| s == "index") && dir != std::path::Path::new("content") {
        dir = dir.parent().unwrap_or(std::path::Path::new(""));
    }
    dir.strip_prefix("content").unwrap_or(dir)
}

/// Each folder of `dir` slugified, joined by `/` (those that slugify to nothing left out).
fn slugified(dir: &std::path::Path) -> String {
    let mut out = String::new();
    for part in dir.iter() {
        let part = text::slugify(&part.to_string_lossy());
        if part.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(&part);
    }
    out
}
