//! Where a page is: a list's spans of bulletins, page URLs, and the way back to the root.

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
///
/// A list with more than `most` pages (`max_list_pages`) publishes its newest page and the
/// `most − 1` numbered pages before it: the oldest numbered pages are not made (their
/// bulletins are in the archive by year and month), so a list's `page/` folder holds fewer
/// than `most` entries however large the archive grows. The pages kept keep their numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Span {
    /// Positions in the list (newest first).
    pub(super) range: std::ops::Range<usize>,
    /// The neighbouring pages (0: the newest page).
    pub(super) newer: Option<usize>,
    pub(super) older: Option<usize>,
    /// The page is the oldest one made, and older bulletins are left to the archive.
    pub(super) capped: bool,
}

impl Span {
    /// The number of pages before the newest: the highest page number.
    pub(super) fn older_pages(items: usize, per: usize) -> usize {
        (items / per.max(1)).saturating_sub(1)
    }

    /// The lowest page number made of a list of `items` bulletins with at most `most` pages.
    fn first_made(items: usize, per: usize, most: usize) -> usize {
        (Span::older_pages(items, per) + 2).saturating_sub(most.max(2)).max(1)
    }

    /// The pages made of a list of `items` bulletins (0, the newest, first), at most `most`.
    pub(super) fn pages(items: usize, per: usize, most: usize) -> impl Iterator<Item = usize> {
        let older = Span::older_pages(items, per);
        std::iter::once(0).chain(Span::first_made(items, per, most)..=older)
    }

    /// Page `page` (0: the newest page) of a list of `items` bulletins with at most `most`
    /// pages; an empty range for a page not made.
    pub(super) fn of(items: usize, per: usize, most: usize, page: usize) -> Span {
        let per = per.max(1);
        let older = Span::older_pages(items, per);
        let first = Span::first_made(items, per, most);
        if page == 0 {
            let newest = items - older * per;
            return Span {
                range: 0..newest,
                newer: None,
                older: (older > 0).then_some(older),
                capped: false,
            };
        }
        if page > older || page < first {
            return Span { range: items..items, newer: None, older: None, capped: false };
        }
        Span {
            range: items - page * per..items - (page - 1) * per,
            newer: Some(if page == older { 0 } else { page + 1 }),
            older: (page > first).then(|| page - 1),
            capped: page == first && first > 1,
        }
    }
}

/// The URL path of page `page` of the list at `base` (0: `base` itself).
pub(super) fn paged(base: &str, page: usize) -> String {
    paged_in(&[base], page)
}

/// [`paged`] of the base made of `parts`, in one string of its size: every page's path is
/// asked for in every build (to see what changed), and formatting them was a fifth of that
/// stage's time.
pub(super) fn paged_in(parts: &[&str], page: usize) -> String {
    let mut digits = itoa::Buffer::new();
    let number = if page == 0 { "" } else { digits.format(page) };
    let more = if page == 0 { 0 } else { "page/".len() + number.len() + 1 };
    let mut path = String::with_capacity(parts.iter().map(|p| p.len()).sum::<usize>() + more);
    parts.iter().for_each(|p| path.push_str(p));
    if page > 0 {
        path.push_str("page/");
        path.push_str(number);
        path.push('/');
    }
    path
}

/// "../../" for `2020/01/`, "./" for the home page.
pub(super) fn relative_root(path: &str) -> String {
    let depth = path.matches('/').count();
    if depth == 0 { "./".into() } else { "../".repeat(depth) }
}

/// The path part of the base URL, always ending in `/` ("/" or "/tin-tuc/").
pub(super) fn base_path(base_url: &str) -> String {
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
