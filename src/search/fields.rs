//! Fields and scoring: what of a bulletin the index reads, and how a word's weight in it is
//! scored (a saturating BM25 with length classes).

use super::*;

/// The archive's bulletin with index id `id` (ids run oldest first).
pub(super) fn entry_of(archive: &Archive, id: usize) -> &crate::archive::Entry {
    &archive.entries[archive.entries.len() - 1 - id]
}

pub(super) fn fields_of<'e>(
    e: &'e crate::archive::Entry,
    sections: &'e [crate::archive::Section],
    summary: &'e str,
    plain: &'e str,
) -> DocFields<'e> {
    DocFields {
        title: &e.bulletin.title,
        summary,
        plain,
        tags: &e.bulletin.tags,
        authors: &e.bulletin.authors,
        section: e.section().map(|si| sections[si].name.as_str()),
    }
}

/// The entry's plain text (at least its first `max_bytes`), from memory or else `stored`.
pub(super) fn plain_of<'e>(
    e: &'e crate::archive::Entry,
    stored: Option<&StoredPlain>,
    max_bytes: usize,
) -> std::io::Result<std::borrow::Cow<'e, str>> {
    if let Some(plain) = e.plain() {
        return Ok(plain);
    }
    let stored = stored.ok_or_else(|| {
        std::io::Error::other(format!("the text of {} is not at hand", e.bulletin.source.display()))
    })?;
    Ok(stored(e.bulletin.source_hash, max_bytes)?.into())
}

/// The length a bulletin of `length` tokens counts as: the nearest power of
/// [`LENGTH_STEP`] (nearest in ratio), so that adding a sentence seldom rescores every word
/// of the bulletin. Computed with multiplications only, the same on every machine.
pub(super) fn length_class(length: f32) -> f32 {
    static CLASSES: std::sync::OnceLock<Vec<(f64, f64)>> = std::sync::OnceLock::new();
    let classes = CLASSES.get_or_init(|| {
        // (upper bound of the class, the class's length), for lengths up to 10 million.
        let step = f64::from(LENGTH_STEP);
        let (mut rep, mut bound) = (1.0f64, step.sqrt());
        let mut out = Vec::new();
        while rep < 1e7 {
            out.push((bound, rep));
            rep *= step;
            bound *= step;
        }
        out
    });
    let l = f64::from(length.max(1.0));
    let i = classes.partition_point(|&(bound, _)| bound <= l).min(classes.len() - 1);
    classes[i].1 as f32
}

/// The stored score of a term with field-weighted frequency `tf` in a bulletin whose length
/// class ([`length_class`]) is `length`.
pub(super) fn score(length: f32, tf: f32) -> u32 {
    let norm = 1.0 - B + B * length / REFERENCE_LENGTH;
    let w = tf * (K1 + 1.0) / (tf + K1 * norm);
    (w * SCORE_SCALE).round().max(1.0) as u32
}

/// What a posting stores for term `t` of a bulletin whose length class is `length`: its score
/// in the low [`SCORE_BITS`] bits, and above them where the term first occurs in the title
/// (counting from 1; 0 when it is not in the title), so that the client can tell a title that
/// starts with the query, or holds it as a phrase, from one that merely contains its words.
pub(super) fn posting_value(length: f32, t: &DocTerm) -> u32 {
    score(length, t.tf).min((1 << SCORE_BITS) - 1) | u32::from(t.title_at) << SCORE_BITS
}

/// What the results list shows of entry `e` (whose plain text, or at least its first
/// [`SNIPPET_TEXT_CHARS`] characters, is `plain`).
pub(super) fn doc_meta(
    e: &crate::archive::Entry,
    tags: &[crate::archive::Term],
    authors: &[crate::archive::Term],
    sections: &[crate::archive::Section],
    format_date: &(dyn Fn(&PubDate) -> String + Sync),
    plain: &str,
) -> DocMeta {
    let b = &e.bulletin;
    let names = |idx: &[u32], terms: &[crate::archive::Term]| {
        idx.iter().map(|&t| terms[t as usize].name.clone()).collect()
    };
    DocMeta {
        t: b.title.clone(),
        u: e.path.trim_start_matches('/').to_string(),
        d: b.date.machine(),
        h: format_date(&b.date),
        a: names(&e.authors, authors),
        g: names(&e.tags, tags),
        m: e.summary().into_owned(),
        c: e.section().map(|si| sections[si].name.clone()),
        s: plain[..plain.char_indices().nth(SNIPPET_TEXT_CHARS).map_or(plain.len(), |(end, _)| end)]
            .to_string(),
        i: e.thumb.as_deref().map(str::to_owned),
        p: String::new(),
    }
}
