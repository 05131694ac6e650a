//! Taxonomies: tags and authors, grouped by name key, sorted in Vietnamese order, each with
//! its bulletins.

use super::*;

/// Which kind of taxonomy a [`Term`] belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    Tag,
    Author,
}

impl TermKind {
    /// The URL folder of the taxonomy.
    pub fn folder(self) -> &'static str {
        match self {
            TermKind::Tag => "tags",
            TermKind::Author => "authors",
        }
    }
}

pub(super) fn collect_terms(
    entries: &mut [Entry],
    kind: TermKind,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Term> {
    pub(super) fn names_of(e: &Entry, kind: TermKind) -> &[String] {
        match kind {
            TermKind::Tag => &e.bulletin.tags,
            TermKind::Author => &e.bulletin.authors,
        }
    }
    // Each bulletin's names' keys, in its front-matter order.
    let keys: Vec<Vec<String>> =
        entries.par_iter().map(|e| names_of(e, kind).iter().map(|n| text::name_key(n)).collect()).collect();
    // key → (spelling → uses), members
    let mut found: rustc_hash::FxHashMap<&str, (BTreeMap<&str, usize>, Vec<usize>)> = Default::default();
    for (i, (e, keys)) in entries.iter().zip(&keys).enumerate() {
        for (name, key) in names_of(e, kind).iter().zip(keys) {
            let slot = found.entry(key.as_str()).or_default();
            *slot.0.entry(name.as_str()).or_insert(0) += 1;
            slot.1.push(i);
        }
    }
    let mut terms: Vec<Term> = found
        .into_iter()
        .map(|(key, (spellings, members))| {
            // Most used spelling; ties go to the first in code-point order, for determinism.
            let name = spellings
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(s, _)| s.to_string())
                .unwrap_or_default();
            let slug = text::term_slug(key);
            Term { key: key.to_string(), name, slug, members }
        })
        .collect();
    terms.sort_by_cached_key(|t| (text::collation_key(&t.name), t.key.clone()));
    let mut slugs: HashMap<&str, &Term> = HashMap::new();
    for t in &terms {
        if let Some(other) = slugs.insert(&t.slug, t) {
            errors.push(Diagnostic::error(format!(
                "the {} \"{}\" and \"{}\" would share the URL /{}/{}/",
                match kind {
                    TermKind::Tag => "tags",
                    TermKind::Author => "authors",
                },
                other.name,
                t.name,
                kind.folder(),
                t.slug
            )));
        }
    }
    let mut lists: Vec<Vec<u32>> = vec![Vec::new(); entries.len()];
    for (ti, t) in terms.iter().enumerate() {
        for &m in &t.members {
            lists[m].push(ti as u32);
        }
    }
    // Keep each bulletin's terms in its own front-matter order.
    for ((e, order), mut list) in entries.iter_mut().zip(&keys).zip(lists) {
        list.sort_by_key(|&ti| order.iter().position(|k| *k == terms[ti as usize].key));
        let ids = list.into_boxed_slice();
        match kind {
            TermKind::Tag => e.tags = ids,
            TermKind::Author => e.authors = ids,
        }
    }
    terms
}
