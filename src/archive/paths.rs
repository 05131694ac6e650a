//! Where each page is: bulletin permalinks from the site's pattern (with slug collisions
//! resolved), and the URLs of tag, author, year and month lists.

use super::*;
use crate::config::Permalink;

/// Gives every bulletin its URL path. When titles collide, the earliest bulletin (by date, then
/// source path) keeps the plain URL and later ones get `-2`, `-3`… so that adding a bulletin
/// never moves one already published; a warning names both files. Explicit `slug:`s that clash,
/// or any clash under `slug_collisions = "error"`, are errors.
pub(super) fn assign_paths(
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
pub(super) fn path_order(path: &std::path::Path) -> impl Iterator<Item = u8> + '_ {
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
/// `{day}` is left out (with the slash that would follow it).
pub fn permalink(pattern: &Permalink, b: &Bulletin) -> String {
    permalink_with_slug(pattern, b, &b.slug)
}

/// [`permalink`] with another slug.
pub(super) fn permalink_with_slug(pattern: &Permalink, b: &Bulletin, slug: &str) -> String {
    let d = &b.date;
    let day = (d.precision != Precision::Month).then(|| i64::from(d.zoned.day()));
    pattern.expand(d.year().into(), d.month().into(), day, slug)
}
