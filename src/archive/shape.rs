//! The archive's shape: its order, taxonomies and related bulletins, with the key of what they
//! come from, so that a build whose key is the same reuses them instead of making them again.

use super::*;

/// How many related bulletins a bulletin page shows.
pub(super) const RELATED: usize = 5;
/// How many of a tag's bulletins on each side of a bulletin (in date order) are considered
/// when looking for related ones: related bulletins come from around the same time.
pub(super) const RELATED_WINDOW: usize = 60;

/// What the archive derives from the bulletins' order, tags and authors alone: the
/// taxonomies and the related bulletins. Most edits (a body, a title, a summary) leave it as
/// it was, so the build cache keeps it and the next build reuses it when its key matches
/// ([`Archive::build_with`]).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Shape {
    /// [`shape_key`] of the entries it was made from.
    pub key: u64,
    pub(super) tags: Vec<Term>,
    pub(super) authors: Vec<Term>,
    /// Per entry (archive order): its tags, authors and related bulletins.
    pub(super) entry_tags: Vec<Ids>,
    pub(super) entry_authors: Vec<Ids>,
    pub(super) related: Vec<Ids>,
}

impl Shape {
    /// Whether the shape describes `n` entries consistently: a damaged cache must never
    /// index out of bounds.
    pub(super) fn fits(&self, n: usize) -> bool {
        let in_range =
            |lists: &[Ids], bound: usize| lists.iter().flat_map(|l| l.iter()).all(|&i| (i as usize) < bound);
        let members = |terms: &[Term]| terms.iter().all(|t| t.members.iter().all(|&m| m < n));
        [self.entry_tags.len(), self.entry_authors.len(), self.related.len()].iter().all(|&l| l == n)
            && in_range(&self.entry_tags, self.tags.len())
            && in_range(&self.entry_authors, self.authors.len())
            && in_range(&self.related, n)
            && members(&self.tags)
            && members(&self.authors)
    }
}

/// An archive's [`Shape`] as the archive holds it, for the build cache: it writes as a
/// `Shape` and reads back as one, without a copy of every entry's lists being made.
pub struct ShapeOf<'a> {
    pub(super) key: u64,
    pub(super) archive: &'a Archive,
}

impl serde::Serialize for ShapeOf<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        /// One list of each entry's, in archive order.
        struct Lists<'a>(&'a [Entry], fn(&Entry) -> &Ids);
        impl serde::Serialize for Lists<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.iter().map(self.1))
            }
        }
        let (a, entries) = (self.archive, self.archive.entries.as_slice());
        let mut shape = serializer.serialize_struct("Shape", 6)?;
        shape.serialize_field("key", &self.key)?;
        shape.serialize_field("tags", &a.tags)?;
        shape.serialize_field("authors", &a.authors)?;
        shape.serialize_field("entry_tags", &Lists(entries, |e| &e.tags))?;
        shape.serialize_field("entry_authors", &Lists(entries, |e| &e.authors))?;
        shape.serialize_field("related", &Lists(entries, |e| &e.related))?;
        shape.end()
    }
}

/// The key of everything a [`Shape`] is made from: each entry's source, tags and authors, in
/// archive order.
pub(super) fn shape_key(entries: &[Entry]) -> u64 {
    // Each entry's key, in parallel, then the keys in order.
    let keys: Vec<u64> = entries
        .par_iter()
        .map(|e| {
            let b = &e.bulletin;
            let mut f = crate::hash::Fingerprint::new();
            f.path(&b.source).u64(b.tags.len() as u64);
            for t in &b.tags {
                f.str(t);
            }
            f.u64(b.authors.len() as u64);
            for a in &b.authors {
                f.str(a);
            }
            f.finish()
        })
        .collect();
    let mut f = crate::hash::Fingerprint::new();
    f.u64(entries.len() as u64);
    for k in keys {
        f.u64(k);
    }
    f.finish()
}

/// `items` in the order `order` gives (a permutation of their positions).
/// Puts `items[order[k]]` at position `k`, in place (following each cycle of the
/// permutation), so the bulletins are never held twice. `order` must be a permutation of
/// `0..items.len()`.
pub(super) fn permute<T>(items: &mut [T], order: &[u32]) {
    debug_assert_eq!(items.len(), order.len());
    let mut placed = vec![false; items.len()];
    for start in 0..items.len() {
        let mut k = start;
        // The item first at `start` moves along the cycle until its own place.
        while !placed[k] {
            placed[k] = true;
            let from = order[k] as usize;
            if from == start {
                break;
            }
            items.swap(k, from);
            k = from;
        }
    }
}

/// A per-thread tally of shared tags: a counter per bulletin, and which ones were touched
/// (so resetting costs only what was used).
pub(super) struct Scratch {
    pub(super) counts: Vec<u32>,
    pub(super) touched: Vec<usize>,
}

/// Up to five bulletins sharing the most tags with bulletin `i`, among those published
/// around the same time (within [`RELATED_WINDOW`] bulletins of each tag); the nearest in
/// time first among equals, then the newer.
pub(super) fn related_to(i: usize, entries: &[Entry], tags: &[Term], s: &mut Scratch) -> Ids {
    for &t in &entries[i].tags {
        let members = &tags[t as usize].members;
        let at = members.binary_search(&i).unwrap_or_else(|k| k);
        let window =
            &members[at.saturating_sub(RELATED_WINDOW)..(at + RELATED_WINDOW + 1).min(members.len())];
        for &m in window {
            if m != i {
                if s.counts[m] == 0 {
                    s.touched.push(m);
                }
                s.counts[m] += 1;
            }
        }
    }
    let mut ranked: Vec<(usize, u32)> = s.touched.iter().map(|&m| (m, s.counts[m])).collect();
    for &m in &s.touched {
        s.counts[m] = 0;
    }
    s.touched.clear();
    // Members are indices into the newest-first list, so a smaller index is newer.
    let key = |&(m, c): &(usize, u32)| (std::cmp::Reverse(c), m.abs_diff(i), m);
    if ranked.len() > RELATED {
        ranked.select_nth_unstable_by_key(RELATED - 1, key);
        ranked.truncate(RELATED);
    }
    ranked.sort_unstable_by_key(key);
    // Archive positions fit in u32: the search index numbers bulletins so too.
    ranked.iter().map(|&(m, _)| m as u32).collect()
}
