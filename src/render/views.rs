//! The views templates see: a page's context, a bulletin's card and the rest, with the key of
//! each beside it (a new field in a view and in its key is one change, here).

use super::*;

/// A bulletin page's `page` as templates see it.
#[derive(Serialize)]
pub(super) struct PageView<'a> {
    pub(super) title: &'a str,
    pub(super) summary: &'a str,
    /// The summary its editor wrote (`summary:`), printed under the headline; without one,
    /// the body's first paragraph is the sapo.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) sapo: Option<&'a str>,
    /// The body's HTML with internal links resolved.
    pub(super) content: &'a str,
    pub(super) has_code: bool,
    pub(super) reading_minutes: usize,
    pub(super) date: DateView,
    /// The date in the byline's long form ("Thứ Hai, 6/1/2020, 08:30 (GMT+7)").
    pub(super) dateline: String,
    /// Its month's archive page ("Tháng 1/2020"), the breadcrumb's step when it has no section.
    pub(super) month: MonthView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) updated: Option<DateView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) image: Option<ImageView<'a>>,
    pub(super) published: String,
    pub(super) modified: String,
    pub(super) author_urls: Vec<&'a str>,
    pub(super) tag_names: Vec<&'a str>,
    /// Its correction notices, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) corrections: Vec<CorrectionView<'a>>,
}

/// A correction notice as templates see it; on the corrections page with its bulletin.
#[derive(Serialize)]
pub(super) struct CorrectionView<'a> {
    pub(super) date: DateView,
    pub(super) text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) url: Option<&'a str>,
}

/// A bulletin page's lead picture: its `<picture>` sources (empty for a web address) and
/// the absolute addresses social networks and search engines are given.
#[derive(Serialize)]
pub(super) struct ImageView<'a> {
    pub(super) src: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub(super) webp: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub(super) jpeg: String,
    pub(super) sizes: &'static str,
    /// Its size; 0 for a web address (not looked at).
    pub(super) width: u32,
    pub(super) height: u32,
    /// The Open Graph picture (the 16:9 crop of a site photo), and its size when known.
    pub(super) abs: String,
    pub(super) abs_width: u32,
    pub(super) abs_height: u32,
    pub(super) alt: &'a str,
    /// What it shows and whose it is (`image_caption:`), under it.
    pub(super) caption: &'a str,
}

/// A card's picture: addresses relative to the site root, each `srcset` as a list (a card is
/// rendered once for pages at every depth, which put their `root` before each address).
#[derive(Serialize)]
pub(super) struct CardImage {
    pub(super) src: String,
    pub(super) webp: Vec<SrcView>,
    pub(super) jpeg: Vec<SrcView>,
    pub(super) sizes: &'static str,
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) alt: String,
    /// Whether `src` is a web address (no `root` before it).
    pub(super) remote: bool,
}

/// One address of a `srcset`, and its width.
#[derive(Serialize)]
pub(super) struct SrcView {
    pub(super) url: String,
    pub(super) w: u32,
}

#[derive(Serialize)]
pub(super) struct LinkView<'a> {
    pub(super) name: &'a str,
    pub(super) url: String,
}

#[derive(Serialize)]
pub(super) struct DateView {
    pub(super) machine: String,
    pub(super) display: String,
}

#[derive(Serialize)]
pub(super) struct CardView<'a> {
    pub(super) title: &'a str,
    pub(super) url: &'a str,
    pub(super) date: DateView,
    pub(super) summary: std::borrow::Cow<'a, str>,
    pub(super) authors: Vec<LinkView<'a>>,
    pub(super) tags: Vec<LinkView<'a>>,
    /// Dated after the build's clock: shown (`serve`, `build --future`) marked as not yet
    /// published, never as live.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(super) scheduled: bool,
    /// Its section, linked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) section: Option<LinkView<'a>>,
    /// Its lead picture, small.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) image: Option<CardImage>,
}

/// A list page's place among its list's pages (see [`Span`]).
#[derive(Serialize)]
pub(super) struct PagerView {
    /// The number in the page's URL (`page/N/`, counted from the oldest page); 0 on the
    /// newest page, which is at the list's own URL.
    pub(super) current: usize,
    pub(super) newer_url: Option<String>,
    pub(super) older_url: Option<String>,
    /// On the oldest page a list makes, when older bulletins are left to the archive
    /// (`max_list_pages`): the archive's URL.
    pub(super) archive_url: Option<String>,
    /// The days of the oldest and the newest bulletin on the page.
    pub(super) from: Option<DateView>,
    pub(super) to: Option<DateView>,
}

#[derive(Serialize)]
pub(super) struct TermCount<'a> {
    pub(super) name: &'a str,
    pub(super) url: String,
    pub(super) count: usize,
    /// 1 (least used) to 5 (most used), on a logarithmic scale.
    pub(super) size: u8,
}

/// How many of the most used tags or authors head their index.
pub(super) const POPULAR_TERMS: usize = 40;

/// Terms under one letter of an index.
#[derive(Serialize)]
pub(super) struct LetterView<'t> {
    pub(super) letter: String,
    /// For the letter's anchor (`#letter-a`, `#letter-dd`): ASCII, unique per letter.
    pub(super) id: String,
    pub(super) terms: Vec<&'t TermCount<'t>>,
}

/// The letter a name is indexed under, as a Vietnamese dictionary has them: tone marks do
/// not make a letter (Ắ is under Ă), the other marks do (Ă, Â, Đ, Ê, Ô, Ơ, Ư stand apart).
/// The name is normalised as bulletins are (an eth typed for Đ in Vietnamese is Đ).
/// Anything but a letter is under "#".
pub(super) fn index_letter(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let normal = crate::text::normalize(name);
    let Some(first) = normal.chars().next().filter(|c| c.is_alphabetic()) else {
        return "#".to_string();
    };
    // Grave, acute, tilde, hook above, dot below: the five tone marks.
    let tones = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
    std::iter::once(first).nfd().filter(|c| !tones.contains(c)).nfc().collect::<String>().to_uppercase()
}

/// Groups terms (in their list's order) by [`index_letter`], in order of first appearance.
pub(super) fn by_letter<'t>(terms: &'t [TermCount<'t>]) -> Vec<LetterView<'t>> {
    let mut letters: Vec<LetterView> = Vec::new();
    for t in terms {
        let letter = index_letter(t.name);
        match letters.iter_mut().find(|l| l.letter == letter) {
            Some(l) => l.terms.push(t),
            None => {
                let id = crate::text::slugify(&letter);
                let id = if letter == "Đ" {
                    "dd".to_string()
                } else if id.is_empty() {
                    "other".to_string()
                } else {
                    id
                };
                let id = format!("letter-{id}");
                let id =
                    if letters.iter().any(|l| l.id == id) { format!("{id}-{}", letters.len()) } else { id };
                letters.push(LetterView { letter, id, terms: vec![t] });
            }
        }
    }
    letters
}

#[derive(Serialize)]
pub(super) struct MonthView {
    pub(super) name: String,
    /// The month's name alone ("tháng 1"), for lists under their year.
    pub(super) short: String,
    pub(super) url: String,
    pub(super) count: usize,
}

#[derive(Serialize)]
pub(super) struct YearView {
    pub(super) year: i16,
    pub(super) url: String,
    pub(super) count: usize,
    pub(super) months: Vec<MonthView>,
}

/// A fingerprint of everything [`card`] makes the entry's card from, taken without making
/// it (no string is built): the date's instant, offset and precision stand for its two
/// strings (which the theme's strings format, and the global key covers those), and a term's
/// slug for its URL.
pub(super) fn card_fingerprint(e: &Entry, a: &Archive, now: i64, photo: u64, names: &[Vec<u64>; 2]) -> u64 {
    // The card's fields, listed so that a new one cannot be forgotten here.
    let _ = |c: CardView| {
        let CardView {
            title: _,
            url: _,
            date: DateView { machine: _, display: _ },
            summary: _,
            authors: _,
            tags: _,
            scheduled: _,
            section: _,
            image: _,
        } = c;
    };
    let mut f = Fingerprint::new();
    f.u64(photo);
    if let Some(img) = e.bulletin.image() {
        f.str(img).str(e.bulletin.image_alt().unwrap_or_default());
    }
    // The summary by its key: a spilled one is not read back.
    f.str(&e.bulletin.title).str(&e.path).u64(e.summary.key()).u64s(e.bulletin.date.identity());
    if is_scheduled(e, now) {
        f.str("scheduled");
    }
    if let Some(section) = e.section().map(|si| &a.sections[si]) {
        f.str("section").str(&section.name).str(&section.slug);
    }
    for (kind, list, mark) in [(TermKind::Author, &e.authors, "a"), (TermKind::Tag, &e.tags, "t")] {
        f.str(mark).u64(list.len() as u64);
        for &t in list {
            f.u64(names[kind as usize][t as usize]);
        }
    }
    f.finish()
}

/// Per kind (tags, then authors), the key of each term's name and slug, as a card shows
/// them: a card's key takes these rather than reading the strings of each of its terms (at
/// 1,000,000 bulletins, millions of reads scattered over memory).
pub(super) fn term_name_keys(a: &Archive) -> [Vec<u64>; 2] {
    use rayon::prelude::*;
    [TermKind::Tag, TermKind::Author].map(|kind| {
        a.terms(kind).par_iter().map(|t| Fingerprint::new().str(&t.name).str(&t.slug).finish()).collect()
    })
}

/// Whether the entry is dated after `now` (seconds): scheduled, not yet published.
pub(super) fn is_scheduled(e: &Entry, now: i64) -> bool {
    e.bulletin.date.sort_key() > now
}

pub(super) fn card<'e>(e: &'e Entry, a: &'e Archive, s: &Strings, now: i64) -> CardView<'e> {
    let links = |kind: TermKind, idx: &[u32]| -> Vec<LinkView<'e>> {
        idx.iter()
            .map(|&ti| {
                let t = &a.terms(kind)[ti as usize];
                LinkView { name: &t.name, url: term_url(kind, &t.slug) }
            })
            .collect()
    };
    CardView {
        title: &e.bulletin.title,
        url: e.path.trim_start_matches('/'),
        date: DateView { machine: e.bulletin.date.machine(), display: s.format_date(&e.bulletin.date) },
        summary: e.summary(),
        authors: links(TermKind::Author, &e.authors),
        tags: links(TermKind::Tag, &e.tags),
        scheduled: is_scheduled(e, now),
        section: e.section().map(|si| {
            let section = &a.sections[si];
            LinkView { name: &section.name, url: crate::archive::section_url(&section.slug) }
        }),
        image: None,
    }
}

/// A card's picture: its site photo's small variants, or a lead picture's web address.
pub(super) fn card_image(e: &Entry, photo: Option<&crate::photos::Photo>) -> Option<CardImage> {
    let alt = e.bulletin.image_alt().unwrap_or_default().to_owned();
    let sizes = crate::photos::CARD_SIZES;
    if let Some(p) = photo {
        let list =
            |format| p.widths.iter().map(|&w| SrcView { url: p.file(w, format), w }).collect::<Vec<_>>();
        return Some(CardImage {
            src: crate::photos::fallback(p),
            webp: list(crate::photos::Format::WebP),
            jpeg: list(crate::photos::Format::Jpeg),
            sizes,
            width: p.width,
            height: p.height,
            alt,
            remote: false,
        });
    }
    let img = e.bulletin.image().filter(|i| i.contains("://"))?;
    Some(CardImage {
        src: img.to_string(),
        webp: Vec::new(),
        jpeg: Vec::new(),
        sizes,
        width: 0,
        height: 0,
        alt,
        remote: true,
    })
}

/// JSON for a `<script type="application/ld+json">`: `<`, `>` and `&` as escapes, so no
/// text from content can close the element.
pub(super) fn script_json(v: &serde_json::Value) -> String {
    v.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_letters_follow_the_vietnamese_alphabet() {
        let cases = [
            ("an ninh", "A"),
            ("Ắc quy", "Ă"),
            ("ấn tượng", "Â"),
            ("đà nẵng", "Đ"),
            ("Ðà Lạt", "Đ"),
            ("ế ẩm", "Ê"),
            ("ở trọ", "Ơ"),
            ("ứng cứu", "Ư"),
            ("Ọ", "O"),
            ("2020", "#"),
            ("", "#"),
        ];
        for (name, letter) in cases {
            assert_eq!(index_letter(name), letter, "{name}");
        }
        let terms: Vec<TermCount> = ["an", "ăn", "bão", "ba", "đê"]
            .iter()
            .map(|n| TermCount { name: n, url: String::new(), count: 1, size: 1 })
            .collect();
        let letters = by_letter(&terms);
        let seen: Vec<(&str, &str, usize)> =
            letters.iter().map(|l| (l.letter.as_str(), l.id.as_str(), l.terms.len())).collect();
        assert_eq!(
            seen,
            [("A", "letter-a", 1), ("Ă", "letter-a-1", 1), ("B", "letter-b", 2), ("Đ", "letter-dd", 1)]
        );
    }
}
