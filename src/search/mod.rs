//! The search index: built from the bulletins themselves (not from HTML) into
//! `public/search/`, sharded so that a query downloads only what its words need. The format is
//! in [`format`] and `docs/search-format.md`; the client is `themes/default/static/search.js`.
//!
//! Terms are folded words ("da"), folded adjacent word pairs within a sentence ("da nang"),
//! and tag/author pseudo-terms. Each term keeps one posting list per spelling ("đà", "đa",
//! "da"…), so a query typed without marks matches every spelling and one typed with marks
//! matches only its own. Pairs make multi-syllable words and phrases cheap: "bảo vệ" is
//! answered by the pair's list instead of the lists of "bảo" and "vệ".

pub mod files;
pub mod format;
mod terms;

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use crate::archive::Archive;
use crate::content::PubDate;
use crate::text;
use files::{long_file, slot_file};
use format::{
    DOCS_PER_CHUNK, DocMeta, Entry, LONG_LIST, LongList, Manifest, Postings, SNIPPET_TEXT_CHARS, Shard,
    shard_of,
};
use serde::{Deserialize, Serialize};
use terms::{DocTerm, DocTerms, Scratch, doc_terms};

/// BM25 parameters. Lengths are normalised against a fixed length (a typical news bulletin's
/// token count) rather than the archive's average, so that a posting's score depends on its
/// own bulletin alone and editing one bulletin never rescores the others.
const K1: f32 = 1.2;
const B: f32 = 0.75;
const REFERENCE_LENGTH: f32 = 600.0;
/// Ratio between successive length classes.
const LENGTH_STEP: f32 = 1.1;
/// Scores (BM25 weights, at most K1 + 1 = 2.2) are stored as small integers: weight × 40.
const SCORE_SCALE: f32 = 40.0;
/// Folded letters that name a prefix group, and how many words each group keeps.
const PREFIX_CHARS: usize = 2;
const PREFIX_WORDS: usize = 48;
const PREFIX_FILES: u32 = 256;
/// Target number of terms per word shard and per tag/author shard.
const TERMS_PER_SHARD: usize = 100;
const TERMS_PER_FACET_SHARD: usize = 12;
/// Bulletins whose terms are found between merges, bounding the memory their lists take.
const BATCH: usize = 128;
/// Bulletin ids are u32.
const MAX_DOCS: usize = u32::MAX as usize;
/// Units of parallel merging: a term's partition is its hash modulo this (a power of two
/// no larger than the smallest shard count, so that every shard lies in one partition).
const PARTITIONS: u32 = 4;

/// One output file of the index, relative to `search/`.
pub struct IndexFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Identifies the bulletin behind an id, as the build cache remembers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocKey {
    /// Fingerprint of everything the index shows of the bulletin (its entry).
    pub entry: u64,
    pub source: std::path::PathBuf,
    pub source_hash: u64,
}

/// What the build cache keeps of an index so the next build can update it in place.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IndexState {
    /// The bulletin of each id.
    pub docs: Vec<DocKey>,
    /// Folded single words and the number of (bulletin, spelling) postings they have.
    pub word_df: FxHashMap<String, u32>,
    /// Distinct folded words and pairs, and distinct tag/author terms: they set the shard
    /// counts.
    pub distinct_terms: u64,
    pub distinct_pseudo: u64,
}

/// A bulletin's searchable fields, wherever they come from (the archive, or the previous
/// version remembered by the build cache).
pub struct DocFields<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub plain: &'a str,
    pub tags: &'a [String],
    pub authors: &'a [String],
}

/// A folded term's spellings with their (bulletin id, score) lists.
type Spellings = Vec<(String, Vec<(u32, u32)>)>;
/// What one shard's writing gave: its files, and its folded words' document frequencies.
type PartitionOutput = (Vec<IndexFile>, Vec<(String, u32)>);
/// A spelling of a changed bulletin: (folded, pseudo, score before, score after).
type ScoreChange = (String, bool, Option<u32>, Option<u32>);
/// Changes to postings: bulletin id → its new score, or none when it loses the spelling.
type PostingChanges = Vec<(u32, Option<u32>)>;

/// The archive's bulletin with index id `id` (ids run oldest first).
fn entry_of(archive: &Archive, id: usize) -> &crate::archive::Entry {
    &archive.entries[archive.entries.len() - 1 - id]
}

/// Reads the plain text the build cache logged for the bulletin whose source has the given
/// hash (at most its first `max_bytes`): where the index finds a body whose text the
/// archive let go of.
pub type StoredPlain<'a> = dyn Fn(u64, usize) -> std::io::Result<String> + Sync + 'a;

/// Where the plain text of each indexed bulletin is kept between builds, by source hash.
pub trait PlainLog {
    /// Whether the text of the source with this hash is kept.
    fn has(&self, hash: u64) -> bool;
    /// The hashes of every text kept.
    fn hashes(&self) -> Vec<u64>;
    /// Keeps the texts of `add` and forgets those of `remove`.
    fn update(&mut self, add: &[(u64, &str)], remove: &[u64]) -> std::io::Result<()>;
    /// Reads kept texts (cut at `max_bytes`), from several threads.
    fn reader(&self) -> Box<StoredPlain<'_>>;
}

fn fields_of<'e>(e: &'e crate::archive::Entry, plain: &'e str) -> DocFields<'e> {
    DocFields {
        title: &e.bulletin.title,
        summary: &e.summary,
        plain,
        tags: &e.bulletin.tags,
        authors: &e.bulletin.authors,
    }
}

/// The entry's plain text (at least its first `max_bytes`), from memory or else `stored`.
fn plain_of<'e>(
    e: &'e crate::archive::Entry,
    stored: Option<&StoredPlain>,
    max_bytes: usize,
) -> std::io::Result<std::borrow::Cow<'e, str>> {
    if let Some(plain) = e.plain() {
        return Ok(plain.into());
    }
    let stored = stored.ok_or_else(|| {
        std::io::Error::other(format!("the text of {} is not at hand", e.bulletin.source.display()))
    })?;
    Ok(stored(e.bulletin.source_hash, max_bytes)?.into())
}

/// The length a bulletin of `length` tokens counts as: the nearest power of
/// [`LENGTH_STEP`] (nearest in ratio), so that adding a sentence seldom rescores every word
/// of the bulletin. Computed with multiplications only, the same on every machine.
fn length_class(length: f32) -> f32 {
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
fn score(length: f32, tf: f32) -> u32 {
    let norm = 1.0 - B + B * length / REFERENCE_LENGTH;
    let w = tf * (K1 + 1.0) / (tf + K1 * norm);
    (w * SCORE_SCALE).round().max(1.0) as u32
}

/// A spelling in a shard: its postings inline (by term), or the long-list file and count.
enum SlotEntry {
    Inline(u32),
    Long(String, usize),
}

/// One spelling of a partition: its key, its strings in the partition's text (`end`'s top
/// bit marks a tag/author term) and its postings, already as the files write them: LEB128
/// varints of `[id₀, score₀, Δid₁, score₁, …]` (most spellings have one or two postings,
/// kept inline; a posting takes two or three bytes where a `(u32, u32)` would take eight).
///
/// The fields a merge reads come first (`repr(C)` keeps them together): a record is 48
/// bytes, and a merge reads one per posting from a table far larger than the caches.
#[repr(C)]
struct TermRec {
    postings: smallvec::SmallVec<[u8; 16]>,
    /// The key's top 64 bits ([`rest_key`]); the table holds its low 32 ([`short_key`]).
    rest: u64,
    /// The id of the last posting, which the next one's difference is taken from.
    last: u32,
    start: u32,
    mid: u32,
    end: u32,
}

/// The top bit of [`TermRec::end`]: the term is a tag or author term.
const PSEUDO_BIT: u32 = 1 << 31;

impl TermRec {
    fn pseudo(&self) -> bool {
        self.end & PSEUDO_BIT != 0
    }

    /// The number of postings: every posting is two varints, and every varint has exactly
    /// one byte without its high bit.
    fn count(&self) -> usize {
        self.postings.iter().filter(|&&b| b < 0x80).count() / 2
    }
}

fn push_posting(bytes: &mut smallvec::SmallVec<[u8; 16]>, delta: u32, score: u32) {
    for mut n in [delta, score] {
        while n >= 0x80 {
            bytes.push((n as u8 & 0x7f) | 0x80);
            n >>= 7;
        }
        bytes.push(n as u8);
    }
}

/// Items kept in chunks of a fixed size, never moved once pushed: a vector of a million
/// terms grown by doubling would copy itself again and again, and the allocator keeps each
/// old copy's memory for a while.
struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

/// Items per chunk of a [`Chunked`].
const CHUNK_ITEMS: usize = 1 << 14;

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked { chunks: Vec::new(), len: 0 }
    }
}

impl<T> Chunked<T> {
    fn len(&self) -> usize {
        self.len
    }

    fn push(&mut self, item: T) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < CHUNK_ITEMS => chunk.push(item),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK_ITEMS);
                chunk.push(item);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i / CHUNK_ITEMS)?.get(i % CHUNK_ITEMS)
    }

    fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        self.chunks.get_mut(i / CHUNK_ITEMS)?.get_mut(i % CHUNK_ITEMS)
    }

    fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten()
    }
}

impl<T> std::ops::Index<usize> for Chunked<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        &self.chunks[i / CHUNK_ITEMS][i % CHUNK_ITEMS]
    }
}

impl<T> std::ops::IndexMut<usize> for Chunked<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        &mut self.chunks[i / CHUNK_ITEMS][i % CHUNK_ITEMS]
    }
}

/// Strings kept in chunks of [`TEXT_CHUNK`] bytes (for the same reason as [`Chunked`]),
/// addressed by position: chunk number × [`TEXT_CHUNK`] + offset. A term's strings are never
/// split between chunks; a longer one gets a chunk of its own, followed by empty ones for
/// the positions it covers.
#[derive(Default)]
struct Text {
    chunks: Vec<String>,
}

const TEXT_CHUNK: usize = 1 << 20;

impl Text {
    /// The chunk `len` more bytes go to, and the position they start at.
    fn room(&mut self, len: usize) -> (&mut String, usize) {
        let fits = self.chunks.last().is_some_and(|c| c.len() + len <= TEXT_CHUNK);
        if !fits {
            // The chunk count goes on from the positions the last chunk covered.
            let covered = self.chunks.last().map_or(0, |c| c.len().div_ceil(TEXT_CHUNK).max(1));
            for _ in 1..covered {
                self.chunks.push(String::new());
            }
            self.chunks.push(String::with_capacity(len.max(TEXT_CHUNK)));
        }
        let k = self.chunks.len() - 1;
        let chunk = &mut self.chunks[k];
        let at = k * TEXT_CHUNK + chunk.len();
        (chunk, at)
    }

    /// The `len` bytes at `position`.
    fn get(&self, position: u32, len: usize) -> &str {
        let (k, at) = (position as usize / TEXT_CHUNK, position as usize % TEXT_CHUNK);
        &self.chunks[k][at..at + len]
    }
}

/// The spellings of one partition of the terms (by folded hash).
#[derive(Default)]
struct Partition {
    /// The terms' indexes by 32 bits of their keys.
    table: ShortTable,
    terms: Chunked<TermRec>,
    text: Text,
    /// Per term of the bulletin being added: the index of the term found for it, if any.
    found: Vec<u32>,
}

/// 32 bits of a term's key, kept in [`Partition::table`]: two terms share them by a 2⁻³²
/// chance, and the other bits of the key tell them apart.
fn short_key(key: u128) -> u32 {
    key as u32
}

/// The key's bits kept in [`TermRec::rest`]. With [`short_key`]'s, 96 bits of the 128 tell
/// terms apart: two of ten million distinct spellings share them with probability about
/// 10⁻¹⁵.
fn rest_key(key: u128) -> u64 {
    (key >> 64) as u64
}

/// Term indexes by 32 bits of the term's key ([`short_key`]), by linear probing. A slot holds
/// both (key bits above, index below), so a lookup reads one cache line of the table and
/// nothing else: the table is far larger than the processor's caches, and a merge makes a
/// lookup per posting. (A general hash table keeps its control bytes apart from its entries,
/// and reads both.)
#[derive(Default)]
struct ShortTable {
    /// A power of two of slots (none until the first insertion), at most 5/8 full.
    slots: Vec<u64>,
    len: usize,
}

/// An empty slot of a [`ShortTable`] (index `u32::MAX`, which no term has).
const EMPTY_SLOT: u64 = u64::MAX;

impl ShortTable {
    /// The slot after `at`.
    fn next(&self, at: usize) -> usize {
        (at + 1) & (self.slots.len() - 1)
    }

    /// The home slot of `short` (the key's bits are uniform: xxh3). Only called with slots.
    fn home(&self, short: u32) -> usize {
        short as usize & (self.slots.len() - 1)
    }

    /// The first term with `short`. The table always has an empty slot, which ends a probe.
    fn first(&self, short: u32) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mut at = self.home(short);
        loop {
            let slot = self.slots[at];
            if slot == EMPTY_SLOT {
                return None;
            }
            if (slot >> 32) as u32 == short {
                return Some(slot as u32);
            }
            at = self.next(at);
        }
    }

    /// The term with `short` for which `is` holds; if there is none, `index` is recorded for
    /// `short` and the answer is `None`.
    fn find_or_insert(&mut self, short: u32, is: impl Fn(u32) -> bool, index: u32) -> Option<u32> {
        if (self.len + 1) * 8 > self.slots.len() * 5 {
            self.grow();
        }
        let mut at = self.home(short);
        loop {
            let slot = self.slots[at];
            if slot == EMPTY_SLOT {
                self.slots[at] = u64::from(short) << 32 | u64::from(index);
                self.len += 1;
                return None;
            }
            if (slot >> 32) as u32 == short && is(slot as u32) {
                return Some(slot as u32);
            }
            at = self.next(at);
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        let old = std::mem::replace(&mut self.slots, vec![EMPTY_SLOT; size]);
        for slot in old.into_iter().filter(|&s| s != EMPTY_SLOT) {
            let mut at = self.home((slot >> 32) as u32);
            while self.slots[at] != EMPTY_SLOT {
                at = self.next(at);
            }
            self.slots[at] = slot;
        }
    }
}

/// In [`Partition::found`]: no term has the key's 32 bits.
const NOT_FOUND: u32 = u32::MAX;

impl Partition {
    fn spelling(&self, t: u32) -> &str {
        let t = &self.terms[t as usize];
        self.text.get(t.start, (t.mid - t.start) as usize)
    }

    fn folded(&self, t: u32) -> &str {
        let t = &self.terms[t as usize];
        let end = t.end & !PSEUDO_BIT;
        &self.text.get(t.start, (end - t.start) as usize)[(t.mid - t.start) as usize..]
    }

    /// Adds bulletin `id`'s postings of `terms` (this partition's share of `doc`'s terms);
    /// bulletins arrive in id order.
    fn add_doc(&mut self, doc: &DocTerms, terms: &[DocTerm], id: u32) -> std::io::Result<()> {
        let length = length_class(doc.length);
        // The table is far larger than the processor's caches. Its lookups are made first, all
        // together, and the terms found are read after: no lookup waits for the previous one
        // to reach memory, so their misses overlap.
        let mut found = std::mem::take(&mut self.found);
        found.clear();
        found.extend(terms.iter().map(|t| {
            let short = short_key(t.key);
            self.table.first(short).unwrap_or(NOT_FOUND)
        }));
        // Then every record found, and the end of its postings, likewise all together: the
        // loop below finds them in the cache (at 20,000 bulletins the merge took a tenth less
        // processor time, and the whole clean build 2% less, in same-run pairs).
        let mut touched = 0u64;
        for &t in &found {
            if let Some(rec) = self.terms.get(t as usize) {
                touched ^= rec.rest ^ u64::from(rec.postings.last().copied().unwrap_or(0));
            }
        }
        std::hint::black_box(touched);
        for (term, &t) in terms.iter().zip(&found) {
            let score = score(length, term.tf);
            let rest = rest_key(term.key);
            match self.terms.get_mut(t as usize).filter(|rec| rec.rest == rest) {
                Some(rec) => {
                    push_posting(&mut rec.postings, id - rec.last, score);
                    rec.last = id;
                }
                // New, or (as good as never) another term with the same 32 bits.
                None => self.add(doc, term, id, score)?,
            }
        }
        self.found = found;
        Ok(())
    }

    /// Adds bulletin `id`'s posting of `term` with `score`.
    fn add(&mut self, doc: &DocTerms, term: &DocTerm, id: u32, score: u32) -> std::io::Result<()> {
        let rest = rest_key(term.key);
        let short = short_key(term.key);
        let terms = &self.terms;
        let index = u32::try_from(terms.len())
            .ok()
            .filter(|&i| i != u32::MAX)
            .ok_or_else(|| std::io::Error::other("the search index has too many terms"))?;
        match self.table.find_or_insert(short, |t| terms[t as usize].rest == rest, index) {
            Some(t) => {
                let rec = &mut self.terms[t as usize];
                push_posting(&mut rec.postings, id - rec.last, score);
                rec.last = id;
            }
            None => {
                let len = doc.strings_len(term);
                let (chunk, start) = self.text.room(len);
                let before = chunk.len();
                doc.push_spelling(term, chunk);
                let mid = start + (chunk.len() - before);
                doc.push_folded(term, chunk);
                let end = start + (chunk.len() - before);
                debug_assert_eq!(end - start, len, "the room made for a term's strings");
                let offset = |o: usize| {
                    u32::try_from(o)
                        .ok()
                        .filter(|o| o & PSEUDO_BIT == 0)
                        .ok_or_else(|| std::io::Error::other("the search index's terms exceed 2 GB"))
                };
                let mut postings = smallvec::SmallVec::new();
                push_posting(&mut postings, id, score);
                self.terms.push(TermRec {
                    rest,
                    start: offset(start)?,
                    mid: offset(mid)?,
                    end: offset(end)? | if term.pseudo { PSEUDO_BIT } else { 0 },
                    last: id,
                    postings,
                });
            }
        }
        Ok(())
    }

    /// The number of distinct folded words and pairs, and of tag/author terms.
    fn distinct(&self) -> (u64, u64) {
        let mut words: rustc_hash::FxHashSet<&str> = Default::default();
        let mut pseudo = 0u64;
        for (t, rec) in self.terms.iter().enumerate() {
            if rec.pseudo() {
                pseudo += 1;
            } else {
                words.insert(self.folded(t as u32));
            }
        }
        (words.len() as u64, pseudo)
    }

    /// The partition's spellings by slot (every slot of the partition, empty ones included).
    fn slots(&self, p: u32, shards: u32, facet_shards: u32) -> Vec<(u32, Vec<u32>)> {
        let mut out: Vec<(u32, Vec<u32>)> = (0..shards + facet_shards)
            .filter(|&s| slot_partition(s, shards) == p)
            .map(|s| (s, Vec::new()))
            .collect();
        let words = shards.div_ceil(PARTITIONS) as usize;
        let split = words.min(out.len());
        let (word_slots, facet_slots) = out.split_at_mut(split);
        for (t, rec) in self.terms.iter().enumerate() {
            let pseudo = rec.pseudo();
            let slot = shard_of(self.folded(t as u32), if pseudo { facet_shards } else { shards });
            let local = (slot / PARTITIONS) as usize;
            let list = if pseudo { &mut facet_slots[local] } else { &mut word_slots[local] };
            list.1.push(t as u32);
        }
        out
    }

    /// The file of one slot (a shard), the long lists of its frequent terms, and its folded
    /// words' document frequencies.
    fn write_slot(&self, slot: u32, shards: u32, mut terms: Vec<u32>) -> std::io::Result<PartitionOutput> {
        // Sorted by each term's first bytes first, kept beside it, so that most comparisons
        // read no string (the strings are spread over the whole partition's text).
        let mut keyed: Vec<(u64, u32)> = terms.iter().map(|&t| (sort_prefix(self.folded(t)), t)).collect();
        keyed.sort_unstable_by(|&(pa, a), &(pb, b)| {
            pa.cmp(&pb)
                .then_with(|| self.folded(a).cmp(self.folded(b)))
                .then_with(|| self.spelling(a).cmp(self.spelling(b)))
        });
        terms.clear();
        terms.extend(keyed.into_iter().map(|(_, t)| t));
        let mut files = Vec::new();
        let mut word_df = Vec::new();
        // (the spelling's first bytes, the spelling, its entry)
        let mut entries: Vec<(u64, &str, SlotEntry)> = Vec::with_capacity(terms.len());
        let mut json = Vec::new();
        for group in terms.chunk_by(|&a, &b| self.folded(a) == self.folded(b)) {
            let folded = self.folded(group[0]);
            let counts: SmallVec<[usize; 4]> =
                group.iter().map(|&t| self.terms[t as usize].count()).collect();
            let df: usize = counts.iter().sum();
            if slot < shards && !folded.contains(' ') {
                word_df.push((folded.to_owned(), df as u32));
            }
            if df > LONG_LIST {
                let file = long_file(folded);
                json.clear();
                json.push(b'{');
                for (i, (&t, &count)) in group.iter().zip(&counts).enumerate() {
                    if i > 0 {
                        json.push(b',');
                    }
                    format::write_json_str(&mut json, self.spelling(t))?;
                    json.push(b':');
                    format::write_varint_postings(&mut json, &self.terms[t as usize].postings);
                    let spelling = self.spelling(t);
                    entries.push((sort_prefix(spelling), spelling, SlotEntry::Long(file.clone(), count)));
                }
                json.push(b'}');
                files.push(IndexFile { path: file, bytes: format::gzip(&json)? });
            } else {
                entries.extend(group.iter().map(|&t| {
                    let spelling = self.spelling(t);
                    (sort_prefix(spelling), spelling, SlotEntry::Inline(t))
                }));
            }
        }
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        json.clear();
        json.push(b'{');
        for (i, (_, spelling, entry)) in entries.iter().enumerate() {
            if i > 0 {
                json.push(b',');
            }
            format::write_json_str(&mut json, spelling)?;
            json.push(b':');
            match entry {
                SlotEntry::Inline(t) => {
                    format::write_varint_postings(&mut json, &self.terms[*t as usize].postings)
                }
                SlotEntry::Long(file, count) => {
                    json.push(b'[');
                    format::write_json_str(&mut json, file)?;
                    json.push(b',');
                    json.extend_from_slice(itoa::Buffer::new().format(*count).as_bytes());
                    json.push(b']');
                }
            }
        }
        json.push(b'}');
        files.push(IndexFile { path: slot_file(slot, shards), bytes: format::gzip(&json)? });
        Ok((files, word_df))
    }
}

/// The first eight bytes of `s`, big-endian, zero-padded: if `sort_prefix(a) <
/// sort_prefix(b)` then `a < b`, so a sort can compare these first and the strings only on a
/// tie.
fn sort_prefix(s: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let n = s.len().min(8);
    bytes[..n].copy_from_slice(&s.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

/// Every file of the index for the archive.
pub fn build_index(
    archive: &mut Archive,
    format_date: &(dyn Fn(&PubDate) -> String + Sync),
) -> std::io::Result<Vec<IndexFile>> {
    let keys = vec![0; archive.entries.len()];
    Ok(build_index_with_state(archive, format_date, &keys)?.0)
}

/// Every file of the index, and the state from which [`update_index`] can later update it.
/// `entry_keys` are the fingerprints of the archive's entries (by archive position).
pub fn build_index_with_state(
    archive: &mut Archive,
    format_date: &(dyn Fn(&PubDate) -> String + Sync),
    entry_keys: &[u64],
) -> std::io::Result<(Vec<IndexFile>, IndexState)> {
    let files = std::sync::Mutex::new(Vec::new());
    let state = write_index(archive, format_date, entry_keys, None, false, &|f| {
        files.lock().map_err(|_| std::io::Error::other("index files lock poisoned"))?.push(f);
        Ok(())
    })?;
    let mut files = files.into_inner().map_err(|_| std::io::Error::other("index files lock poisoned"))?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((files, state))
}

/// Writes every file of the index through `write` as soon as it is made (from several
/// threads, in no particular order), and returns the state [`update_index`] starts from.
pub fn write_index(
    archive: &mut Archive,
    format_date: &(dyn Fn(&PubDate) -> String + Sync),
    entry_keys: &[u64],
    stored: Option<&StoredPlain>,
    release_plain: bool,
    write: &(dyn Fn(IndexFile) -> std::io::Result<()> + Sync),
) -> std::io::Result<IndexState> {
    let n = archive.entries.len();
    if n >= MAX_DOCS {
        return Err(std::io::Error::other(format!(
            "the search index holds at most {} bulletins",
            MAX_DOCS - 1
        )));
    }
    let mut parts: Vec<Partition> = (0..PARTITIONS).map(|_| Partition::default()).collect();
    // Each bulletin's terms, ordered by partition, with where each partition's begin, and
    // what the results list shows of it (read from its text at the same time).
    type Batch = Vec<(DocTerms, [usize; PARTITIONS as usize + 1], DocMeta)>;
    // The entries of the ids from `start` on (ids run oldest first, entries newest first).
    let batch_entries = |start: usize| n - (start + BATCH).min(n)..n - start;
    let Archive { entries, tags, authors, .. } = &mut *archive;
    let (tags, authors) = (&*tags, &*authors);
    let terms_of = |entries: &mut [crate::archive::Entry]| -> std::io::Result<Batch> {
        entries
            .par_iter_mut()
            .rev()
            .map_init(Scratch::default, |scratch, entry| {
                let plain = plain_of(entry, stored, usize::MAX)?;
                let mut doc = doc_terms(&fields_of(entry, &plain), scratch);
                let meta = doc_meta(entry, tags, authors, format_date, &plain);
                drop(plain);
                if release_plain {
                    entry.release_plain();
                }
                let partition = |t: &DocTerm| (t.hash % PARTITIONS) as usize;
                let mut bounds = [0; PARTITIONS as usize + 1];
                for t in &doc.terms {
                    bounds[partition(t) + 1] += 1;
                }
                for p in 0..PARTITIONS as usize {
                    bounds[p + 1] += bounds[p];
                }
                let mut next = bounds;
                let mut sorted = doc.terms.clone();
                for t in &doc.terms {
                    sorted[next[partition(t)]] = *t;
                    next[partition(t)] += 1;
                }
                doc.terms = sorted;
                Ok((doc, bounds, meta))
            })
            .collect()
    };
    let merge = |parts: &mut [Partition], batch: &Batch, start: usize| {
        parts.par_iter_mut().enumerate().try_for_each(|(p, part)| -> std::io::Result<()> {
            for (offset, (doc, bounds, _)) in batch.iter().enumerate() {
                part.add_doc(doc, &doc.terms[bounds[p]..bounds[p + 1]], (start + offset) as u32)?;
            }
            Ok(())
        })
    };
    // The results' metadata of a batch: its chunks (a batch holds whole chunks).
    const { assert!(BATCH.is_multiple_of(DOCS_PER_CHUNK)) };
    let chunks = |batch: &Batch, start: usize| -> std::io::Result<()> {
        let metas: Vec<&DocMeta> = batch.iter().map(|(_, _, meta)| meta).collect();
        metas
            .par_chunks(DOCS_PER_CHUNK)
            .enumerate()
            .try_for_each(|(k, docs)| write(chunk_of(start / DOCS_PER_CHUNK + k, docs)?))
    };
    // A batch is merged (and its chunks written) while the next one's terms are found, so
    // that neither step waits for the slowest thread of the other.
    let mut next = (n > 0).then(|| terms_of(&mut entries[batch_entries(0)]));
    let mut start = 0;
    while let Some(batch) = next.take() {
        let batch = batch?;
        let following = start + BATCH;
        let ((merged, written), upcoming) = rayon::join(
            || rayon::join(|| merge(&mut parts, &batch, start), || chunks(&batch, start)),
            || (following < n).then(|| terms_of(&mut entries[batch_entries(following)])),
        );
        merged?;
        written?;
        next = upcoming;
        start = following;
    }
    // The lookup tables are done with: their memory goes before the shards are written.
    for part in &mut parts {
        part.table = ShortTable::default();
        part.found = Vec::new();
    }
    // Shard counts follow the number of distinct terms.
    let (distinct_terms, distinct_pseudo) =
        parts.par_iter().map(Partition::distinct).reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let mut state = IndexState {
        docs: doc_keys(archive, entry_keys),
        word_df: FxHashMap::default(),
        distinct_terms,
        distinct_pseudo,
    };
    let (shards, facet_shards) = state.shard_counts();
    let slots: Vec<(&Partition, u32, Vec<u32>)> = parts
        .par_iter()
        .enumerate()
        .flat_map_iter(|(p, part)| {
            part.slots(p as u32, shards, facet_shards)
                .into_iter()
                .map(move |(slot, terms)| (part, slot, terms))
        })
        .collect();
    let word_dfs: Vec<Vec<(String, u32)>> = slots
        .into_par_iter()
        .map(|(part, slot, terms)| {
            let (files, word_df) = part.write_slot(slot, shards, terms)?;
            files.into_iter().try_for_each(write)?;
            Ok(word_df)
        })
        .collect::<std::io::Result<_>>()?;
    // A million small allocations: let go on another thread while the rest is written.
    let parts_dropped = std::thread::spawn(move || drop(parts));
    state.word_df.extend(word_dfs.into_iter().flatten());
    prefix_files(&state.word_df, None)?.into_iter().try_for_each(write)?;
    write(manifest_file(archive, shards, facet_shards)?)?;
    let _ = parts_dropped.join();
    Ok(state)
}

impl IndexState {
    /// (word shards, tag/author shards) for the distinct terms.
    pub fn shard_counts(&self) -> (u32, u32) {
        (
            shard_count(self.distinct_terms as usize, TERMS_PER_SHARD),
            shard_count(self.distinct_pseudo as usize, TERMS_PER_FACET_SHARD),
        )
    }
}

/// The partition of a slot: word shard `s` is in partition `s mod PARTITIONS`, as are its
/// terms' hashes; tag/author shard `s` likewise by its own number.
fn slot_partition(slot: u32, shards: u32) -> u32 {
    if slot < shards { slot % PARTITIONS } else { (slot - shards) % PARTITIONS }
}

fn slot_of(folded: &str, pseudo: bool, shards: u32, facet_shards: u32) -> u32 {
    if pseudo { shards + shard_of(folded, facet_shards) } else { shard_of(folded, shards) }
}

/// A term of a shard being written: its spellings' postings, or (when updating) its entries
/// kept exactly as they were.
enum TermData {
    Postings(Spellings),
    Kept(Vec<(String, Entry)>),
}

/// The shard for a slot's terms: inline posting lists, or references to long-list files
/// (added to `files`). Word document frequencies go to `word_df`.
fn materialize(
    words: bool,
    terms: BTreeMap<String, TermData>,
    files: &mut Vec<IndexFile>,
    word_df: &mut Vec<(String, u32)>,
) -> std::io::Result<Shard> {
    let mut shard = Shard::new();
    for (folded, data) in terms {
        let mut spellings = match data {
            TermData::Kept(entries) => {
                shard.extend(entries);
                continue;
            }
            TermData::Postings(s) => s,
        };
        spellings.retain(|(_, list)| !list.is_empty());
        if spellings.is_empty() {
            continue;
        }
        spellings.sort_by(|a, b| a.0.cmp(&b.0));
        let df: usize = spellings.iter().map(|(_, l)| l.len()).sum();
        if words && !folded.contains(' ') {
            word_df.push((folded.clone(), df as u32));
        }
        let encoded: Vec<(String, Postings)> =
            spellings.into_iter().map(|(word, list)| (word, Postings::encode(&list))).collect();
        if df > LONG_LIST {
            let file = long_file(&folded);
            for (word, p) in &encoded {
                shard.insert(word.clone(), Entry::Elsewhere(file.clone(), (p.0.len() / 2) as u32));
            }
            let long: LongList = encoded.into_iter().collect();
            files.push(IndexFile { path: file, bytes: format::to_gzip_json(&long)? });
        } else {
            shard.extend(encoded.into_iter().map(|(w, p)| (w, Entry::Inline(p))));
        }
    }
    Ok(shard)
}

/// The prefix dictionary for the word being typed: per two-letter folded prefix, the most
/// frequent folded words (seen in two bulletins or more) with their frequency. Only the
/// files in `only`, when given.
fn prefix_files(
    word_df: &FxHashMap<String, u32>,
    only: Option<&std::collections::BTreeSet<u32>>,
) -> std::io::Result<Vec<IndexFile>> {
    let mut prefixes: BTreeMap<u32, BTreeMap<String, Vec<(String, u32)>>> = BTreeMap::new();
    for (word, &df) in word_df {
        if df < 2 {
            continue;
        }
        let mut chars = word.chars();
        let prefix: String = chars.by_ref().take(PREFIX_CHARS).collect();
        if chars.next().is_none() {
            continue;
        }
        let file = shard_of(&prefix, PREFIX_FILES);
        if only.is_none_or(|o| o.contains(&file)) {
            prefixes.entry(file).or_default().entry(prefix).or_default().push((word.clone(), df));
        }
    }
    prefixes
        .into_par_iter()
        .map(|(file, mut groups)| {
            for words in groups.values_mut() {
                words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                words.truncate(PREFIX_WORDS);
            }
            Ok(IndexFile { path: files::prefix_file(file), bytes: format::to_gzip_json(&groups)? })
        })
        .collect()
}

/// The prefix file a folded word is listed in, if it is long enough to be listed.
fn prefix_file_of(word: &str) -> Option<u32> {
    let mut chars = word.chars();
    let prefix: String = chars.by_ref().take(PREFIX_CHARS).collect();
    chars.next().map(|_| shard_of(&prefix, PREFIX_FILES))
}

/// Result metadata, a few bulletins per file.
fn chunk_file(
    archive: &Archive,
    c: usize,
    format_date: &(dyn Fn(&PubDate) -> String + Sync),
    stored: Option<&StoredPlain>,
) -> std::io::Result<IndexFile> {
    let n = archive.entries.len();
    let docs: Vec<DocMeta> = (c * DOCS_PER_CHUNK..((c + 1) * DOCS_PER_CHUNK).min(n))
        .map(|id| {
            let e = entry_of(archive, id);
            // A character takes at most four bytes.
            let plain = plain_of(e, stored, 4 * SNIPPET_TEXT_CHARS)?;
            Ok(doc_meta(e, &archive.tags, &archive.authors, format_date, &plain))
        })
        .collect::<std::io::Result<_>>()?;
    chunk_of(c, &docs)
}

/// Chunk `c` of the results' metadata, of `docs`.
fn chunk_of<T: Serialize>(c: usize, docs: &[T]) -> std::io::Result<IndexFile> {
    Ok(IndexFile { path: files::chunk_file(c), bytes: format::to_gzip_json(&docs)? })
}

fn manifest_file(archive: &Archive, shards: u32, facet_shards: u32) -> std::io::Result<IndexFile> {
    let n = archive.entries.len();
    let years = archive
        .years
        .iter()
        .map(|y| {
            let newest = y.members.iter().copied().min().unwrap_or(0);
            (
                y.year,
                (n - 1 - y.members.iter().copied().max().unwrap_or(newest)) as u32,
                y.members.len() as u32,
            )
        })
        .collect();
    let manifest = Manifest {
        version: format::FORMAT_VERSION,
        docs: n as u32,
        shards,
        facet_shards,
        prefix_files: PREFIX_FILES,
        chunk: DOCS_PER_CHUNK as u32,
        score_scale: SCORE_SCALE,
        years,
    };
    let json = serde_json::to_vec(&manifest).map_err(std::io::Error::other)?;
    Ok(IndexFile { path: files::MANIFEST.into(), bytes: json })
}

/// What an update wrote and removed, and the state after it.
pub struct IndexUpdate {
    pub files: Vec<IndexFile>,
    pub removed: Vec<String>,
    pub state: IndexState,
}

/// The index's view of each bulletin, by id.
fn doc_keys(archive: &Archive, entry_keys: &[u64]) -> Vec<DocKey> {
    let n = archive.entries.len();
    (0..n)
        .map(|id| {
            let e = entry_of(archive, id);
            DocKey {
                entry: entry_keys.get(n - 1 - id).copied().unwrap_or(0),
                source: e.bulletin.source.clone(),
                source_hash: e.bulletin.source_hash,
            }
        })
        .collect()
}

/// The ids whose bulletin differs from the one `prev` indexed (new ids included), or `None`
/// when an update cannot or should not be made.
fn changed_ids(keys: &[DocKey], prev: &IndexState) -> Option<Vec<usize>> {
    let (n, n_old) = (keys.len(), prev.docs.len());
    if n < n_old || n == 0 {
        return None;
    }
    let changed: Vec<usize> = (0..n).filter(|&id| id >= n_old || keys[id] != prev.docs[id]).collect();
    (changed.len() <= UPDATE_MIN.max(n / UPDATE_SHARE)).then_some(changed)
}

/// The archive positions an update will read bodies of (the changed bulletins and their
/// metadata-chunk neighbours), or `None` when the index must be built in full.
pub fn update_positions(archive: &Archive, entry_keys: &[u64], prev: &IndexState) -> Option<Vec<usize>> {
    let n = archive.entries.len();
    let changed = changed_ids(&doc_keys(archive, entry_keys), prev)?;
    let mut out: Vec<usize> = changed
        .iter()
        .flat_map(|&id| {
            let c = id / DOCS_PER_CHUNK;
            (c * DOCS_PER_CHUNK..((c + 1) * DOCS_PER_CHUNK).min(n)).map(move |id| n - 1 - id)
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    Some(out)
}

/// At most this share of the bulletins (and at least [`UPDATE_MIN`]) may change for the
/// index to be updated in place rather than rebuilt.
const UPDATE_SHARE: usize = 20;
const UPDATE_MIN: usize = 64;

/// Updates the index `prev` describes to the archive, producing exactly the files a full
/// build would, but only those that differ. `old_fields(id)` gives the previous version of a
/// changed bulletin's fields; `read(path)` the published index file. `None` when the change
/// is too large or anything needed is missing: then the caller builds the index in full.
pub fn update_index(
    archive: &Archive,
    format_date: &(dyn Fn(&PubDate) -> String + Sync),
    entry_keys: &[u64],
    prev: &IndexState,
    old_fields: &(dyn Fn(&DocKey) -> Option<OwnedFields> + Sync),
    read: &(dyn Fn(&str) -> Option<Vec<u8>> + Sync),
    stored: Option<&StoredPlain>,
) -> std::io::Result<Option<IndexUpdate>> {
    let n_old = prev.docs.len();
    let keys = doc_keys(archive, entry_keys);
    let Some(changed) = changed_ids(&keys, prev) else { return Ok(None) };
    let (shards, facet_shards) = prev.shard_counts();

    // The postings each changed bulletin takes away and brings: spelling → (folded, pseudo,
    // id → score or none).
    let mut delta: BTreeMap<String, (String, bool, PostingChanges)> = BTreeMap::new();
    let mut scratch = Scratch::default();
    for &id in &changed {
        let entry = entry_of(archive, id);
        let new_doc = doc_terms(&fields_of(entry, &plain_of(entry, stored, usize::MAX)?), &mut scratch);
        let old_doc = if id < n_old {
            if prev.docs[id].source == keys[id].source && prev.docs[id].source_hash == keys[id].source_hash {
                continue; // the same text: only its metadata (names, URL) changed
            }
            match old_fields(&prev.docs[id]) {
                Some(f) => Some(doc_terms(&f.borrow(), &mut scratch)),
                None => return Ok(None),
            }
        } else {
            None
        };
        let mut terms: BTreeMap<String, ScoreChange> = BTreeMap::new();
        if let Some(old) = &old_doc {
            let length = length_class(old.length);
            for t in &old.terms {
                terms.insert(old.spelling(t), (old.folded(t), t.pseudo, Some(score(length, t.tf)), None));
            }
        }
        let length = length_class(new_doc.length);
        for t in &new_doc.terms {
            terms.entry(new_doc.spelling(t)).or_insert((new_doc.folded(t), t.pseudo, None, None)).3 =
                Some(score(length, t.tf));
        }
        for (spelling, (folded, pseudo, old_score, new_score)) in terms {
            if new_score != old_score {
                delta
                    .entry(spelling)
                    .or_insert_with(|| (folded, pseudo, Vec::new()))
                    .2
                    .push((id as u32, new_score));
            }
        }
    }

    // Group the changes by shard and term.
    let mut by_slot: BTreeMap<u32, BTreeMap<String, Vec<(String, PostingChanges)>>> = BTreeMap::new();
    for (spelling, (folded, pseudo, changes)) in delta {
        let slot = slot_of(&folded, pseudo, shards, facet_shards);
        by_slot.entry(slot).or_default().entry(folded).or_default().push((spelling, changes));
    }

    type SlotResult = (IndexFile, Vec<IndexFile>, Vec<String>, Vec<(String, Option<u32>)>, i64, i64);
    let results: Vec<Option<SlotResult>> = by_slot
        .into_par_iter()
        .map(|(slot, changes)| -> std::io::Result<Option<SlotResult>> {
            let path = slot_file(slot, shards);
            let Some(bytes) = read(&path) else { return Ok(None) };
            let shard: Shard = format::from_gzip_json(&bytes)?;
            // The shard's spellings grouped by term; the changed terms' postings loaded.
            let mut terms: BTreeMap<String, Vec<(String, Entry)>> = BTreeMap::new();
            for (spelling, entry) in shard {
                let folded =
                    if spelling.contains(':') { spelling.clone() } else { text::fold_normalized(&spelling) };
                terms.entry(folded).or_default().push((spelling, entry));
            }
            let mut data: BTreeMap<String, TermData> = BTreeMap::new();
            let mut removed_long = Vec::new();
            let (mut terms_delta, mut pseudo_delta) = (0i64, 0i64);
            // The changed terms' entries come out; every other term is kept as it was.
            let changed: Vec<_> = changes
                .into_iter()
                .map(|(folded, c)| {
                    let existing = terms.remove(&folded).unwrap_or_default();
                    (folded, existing, c)
                })
                .collect();
            data.extend(terms.into_iter().map(|(folded, entries)| (folded, TermData::Kept(entries))));
            let mut df_changes = Vec::new();
            for (folded, existing, spelling_changes) in changed {
                let mut spellings: BTreeMap<String, Vec<(u32, u32)>> = BTreeMap::new();
                let existed = !existing.is_empty();
                let mut long_loaded: Option<LongList> = None;
                for (spelling, entry) in existing {
                    let list = match entry {
                        Entry::Inline(p) => p.decode(),
                        Entry::Elsewhere(file, _) => {
                            if long_loaded.is_none() {
                                let Some(b) = read(&file) else { return Ok(None) };
                                long_loaded = Some(format::from_gzip_json(&b)?);
                                removed_long.push(file.clone());
                            }
                            match long_loaded.as_ref().and_then(|l| l.get(&spelling)) {
                                Some(p) => p.decode(),
                                None => return Ok(None),
                            }
                        }
                    };
                    spellings.insert(spelling, list);
                }
                for (spelling, list_changes) in spelling_changes {
                    let list = spellings.entry(spelling).or_default();
                    for (id, new) in list_changes {
                        match (list.binary_search_by_key(&id, |p| p.0), new) {
                            (Ok(i), Some(s)) => list[i].1 = s,
                            (Ok(i), None) => {
                                list.remove(i);
                            }
                            (Err(i), Some(s)) => list.insert(i, (id, s)),
                            (Err(_), None) => {}
                        }
                    }
                }
                let spellings: Spellings = spellings.into_iter().filter(|(_, l)| !l.is_empty()).collect();
                let exists = !spellings.is_empty();
                let pseudo = slot >= shards;
                let change = i64::from(exists) - i64::from(existed);
                if pseudo {
                    pseudo_delta += change;
                } else {
                    terms_delta += change;
                }
                if !pseudo && !folded.contains(' ') && !exists {
                    df_changes.push((folded.clone(), None));
                }
                data.insert(folded, TermData::Postings(spellings));
            }
            let mut long_files = Vec::new();
            let mut word_df = Vec::new();
            let shard = materialize(slot < shards, data, &mut long_files, &mut word_df)?;
            df_changes.extend(word_df.into_iter().map(|(w, df)| (w, Some(df))));
            // Long files still written are not removed.
            removed_long.retain(|f| !long_files.iter().any(|l| &l.path == f));
            let file = IndexFile { path, bytes: format::to_gzip_json(&shard)? };
            Ok(Some((file, long_files, removed_long, df_changes, terms_delta, pseudo_delta)))
        })
        .collect::<std::io::Result<_>>()?;

    let mut state = IndexState {
        docs: keys,
        word_df: prev.word_df.clone(),
        distinct_terms: prev.distinct_terms,
        distinct_pseudo: prev.distinct_pseudo,
    };
    let mut files = Vec::new();
    let mut removed = Vec::new();
    let mut prefixes = std::collections::BTreeSet::new();
    for r in results {
        let Some((shard, long, gone, dfs, dt, dp)) = r else { return Ok(None) };
        files.push(shard);
        files.extend(long);
        removed.extend(gone);
        for (word, df) in dfs {
            let before = state.word_df.get(&word).copied();
            if before != df {
                prefixes.extend(prefix_file_of(&word));
                match df {
                    Some(df) => state.word_df.insert(word, df),
                    None => state.word_df.remove(&word),
                };
            }
        }
        state.distinct_terms = state.distinct_terms.saturating_add_signed(dt);
        state.distinct_pseudo = state.distinct_pseudo.saturating_add_signed(dp);
    }
    // A different number of shards moves every term: that is a full build.
    if state.shard_counts() != (shards, facet_shards) {
        return Ok(None);
    }
    let prefix = prefix_files(&state.word_df, Some(&prefixes))?;
    for p in &prefixes {
        let path = files::prefix_file(*p);
        if !prefix.iter().any(|f| f.path == path) {
            removed.push(path);
        }
    }
    files.extend(prefix);
    let chunks: std::collections::BTreeSet<usize> = changed.iter().map(|id| id / DOCS_PER_CHUNK).collect();
    let chunk_files: Vec<IndexFile> = chunks
        .into_par_iter()
        .map(|c| chunk_file(archive, c, format_date, stored))
        .collect::<std::io::Result<_>>()?;
    files.extend(chunk_files);
    files.push(manifest_file(archive, shards, facet_shards)?);
    removed.retain(|r| !files.iter().any(|f| &f.path == r));
    Ok(Some(IndexUpdate { files, removed, state }))
}

/// The searchable fields of a bulletin's previous version, owned.
pub struct OwnedFields {
    pub title: String,
    pub summary: String,
    pub plain: String,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
}

impl OwnedFields {
    fn borrow(&self) -> DocFields<'_> {
        DocFields {
            title: &self.title,
            summary: &self.summary,
            plain: &self.plain,
            tags: &self.tags,
            authors: &self.authors,
        }
    }
}

/// What the results list shows of entry `e` (whose plain text, or at least its first
/// [`SNIPPET_TEXT_CHARS`] characters, is `plain`).
fn doc_meta(
    e: &crate::archive::Entry,
    tags: &[crate::archive::Term],
    authors: &[crate::archive::Term],
    format_date: &(dyn Fn(&PubDate) -> String + Sync),
    plain: &str,
) -> DocMeta {
    let b = &e.bulletin;
    let names =
        |idx: &[usize], terms: &[crate::archive::Term]| idx.iter().map(|&t| terms[t].name.clone()).collect();
    DocMeta {
        t: b.title.clone(),
        u: e.path.trim_start_matches('/').to_string(),
        d: b.date.machine(),
        h: format_date(&b.date),
        a: names(&e.authors, authors),
        g: names(&e.tags, tags),
        m: e.summary.clone(),
        s: plain[..plain.char_indices().nth(SNIPPET_TEXT_CHARS).map_or(plain.len(), |(end, _)| end)]
            .to_string(),
    }
}

/// Enough shards for about `per_shard` terms each: a power of two, at least 16. Shards grow
/// in number, not in size, as the archive grows, so a query costs the same.
fn shard_count(terms: usize, per_shard: usize) -> u32 {
    (terms / per_shard).clamp(16, 1 << 16).next_power_of_two() as u32
}

#[cfg(test)]
mod tests {
    use super::format::{self, Entry, LongList, Manifest, Shard};
    use super::*;
    use crate::config::Config;
    use crate::content::{SourceFile, parse_bulletin};
    use crate::markdown;

    #[test]
    fn text_chunks_keep_every_string_whole_and_findable() {
        let mut text = Text::default();
        let long = "đ".repeat(TEXT_CHUNK); // two chunks' worth of bytes
        let pieces: Vec<String> = (0..3000)
            .map(|i| match i {
                1000 => long.clone(),
                2000 => "x".repeat(TEXT_CHUNK),
                _ => format!("từ {i} ").repeat(i % 50 + 1),
            })
            .collect();
        let mut at = Vec::new();
        for p in &pieces {
            let (chunk, position) = text.room(p.len());
            chunk.push_str(p);
            at.push(position);
        }
        for (p, &position) in pieces.iter().zip(&at) {
            assert_eq!(text.get(position as u32, p.len()), p);
        }
        let mut items = Chunked::default();
        for i in 0..CHUNK_ITEMS * 2 + 5 {
            items.push(i);
        }
        assert_eq!(
            (items.len(), items[CHUNK_ITEMS + 3], items.iter().sum::<usize>()),
            (CHUNK_ITEMS * 2 + 5, CHUNK_ITEMS + 3, (0..CHUNK_ITEMS * 2 + 5).sum())
        );
        *items.get_mut(7).expect("item") = 0;
        assert_eq!(items[7], 0);
    }

    fn archive(docs: &[(&str, &str, &str)]) -> Archive {
        let tz = jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").expect("tz");
        let items = docs
            .iter()
            .enumerate()
            .map(|(i, (title, date, body))| {
                let text = format!("---\ntitle: \"{title}\"\ndate: {date}\ntags: [an ninh]\n---\n{body}\n");
                let src = SourceFile { rel_path: format!("content/{i}.md").into(), text };
                let b = parse_bulletin(&src, &tz).expect("bulletin");
                let r = markdown::render(&b.body, false);
                (b, r)
            })
            .collect();
        Archive::build(&Config::default(), items).expect("archive")
    }

    fn files(a: &mut Archive) -> BTreeMap<String, Vec<u8>> {
        build_index(a, &|d| d.machine()).expect("index").into_iter().map(|f| (f.path, f.bytes)).collect()
    }

    /// Reads back the postings of one spelling of a folded term, as the client does.
    fn lookup(files: &BTreeMap<String, Vec<u8>>, folded: &str, spelling: &str) -> Vec<(u32, u32)> {
        let m: Manifest = serde_json::from_slice(&files["manifest.json"]).expect("manifest");
        let shard: Shard =
            format::from_gzip_json(&files[&format!("t/{}.json.gz", shard_of(folded, m.shards))])
                .expect("shard");
        match shard.get(spelling) {
            Some(Entry::Inline(p)) => p.decode(),
            Some(Entry::Elsewhere(file, df)) => {
                let long: LongList = format::from_gzip_json(&files[file]).expect("long list");
                let p = long[spelling].decode();
                assert_eq!(p.len(), *df as usize);
                p
            }
            None => Vec::new(),
        }
    }

    #[test]
    fn index_round_trip_keeps_spellings_apart() {
        let mut a = archive(&[
            ("Mưa ở Đà Nẵng", "2024-01-03", "Đà Nẵng mưa to."),
            ("Máy đa năng", "2024-01-02", "Máy bơm đa năng."),
            ("Da Nang guide", "2024-01-01", "Visit Da Nang."),
        ]);
        let f = files(&mut a);
        // Ids are archive positions, oldest first.
        assert_eq!(lookup(&f, "da nang", "đà nẵng").iter().map(|p| p.0).collect::<Vec<_>>(), [2]);
        assert_eq!(lookup(&f, "da nang", "đa năng").iter().map(|p| p.0).collect::<Vec<_>>(), [1]);
        assert_eq!(lookup(&f, "da nang", "da nang").iter().map(|p| p.0).collect::<Vec<_>>(), [0]);
        assert_eq!(lookup(&f, "da", "đà").len(), 1);
        // A title word scores higher than the same word once in the body.
        let mua = lookup(&f, "mua", "mưa");
        assert_eq!(mua.len(), 1);
        let bom = lookup(&f, "bom", "bơm");
        assert!(mua[0].1 > bom[0].1, "{mua:?} vs {bom:?}");
        // Metadata chunks hold the bulletins in id order.
        let m: Manifest = serde_json::from_slice(&f["manifest.json"]).expect("manifest");
        assert_eq!((m.docs, m.years.clone()), (3, vec![(2024, 0, 3)]));
        let chunk: Vec<DocMeta> = format::from_gzip_json(&f["d/0.json.gz"]).expect("chunk");
        assert_eq!(chunk[0].t, "Da Nang guide");
        assert_eq!(chunk[1].u, "2024/01/may-da-nang/");
        // Tags are pseudo-terms in the facet shards.
        let key = "tag:an ninh";
        let facet: Shard =
            format::from_gzip_json(&f[&format!("f/{}.json.gz", shard_of(key, m.facet_shards))])
                .expect("facet");
        assert!(matches!(&facet[key], Entry::Inline(p) if p.decode().len() == 3));
    }

    #[test]
    fn long_lists_move_out_of_the_shard() {
        let docs: Vec<(String, String, String)> = (0..LONG_LIST + 5)
            .map(|i| (format!("Tin {i}"), "2024-01-01".to_string(), "bảo vệ".to_string()))
            .collect();
        let refs: Vec<(&str, &str, &str)> =
            docs.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
        let f = files(&mut archive(&refs));
        let list = lookup(&f, "bao ve", "bảo vệ");
        assert_eq!(list.len(), LONG_LIST + 5);
        assert!(list.windows(2).all(|w| w[0].0 < w[1].0), "ids ascending");
        assert!(f.keys().any(|k| k.starts_with("p/")));
    }

    /// Applies `update_index` to the files of `before` and checks the result is exactly a
    /// full build of `after`.
    fn check_update(before: &mut Archive, after: &mut Archive) -> bool {
        let keys = |a: &Archive| -> Vec<u64> {
            a.entries.iter().map(|e| e.bulletin.source_hash ^ text::fnv1a64(e.path.as_bytes())).collect()
        };
        let (old_files, state) =
            build_index_with_state(before, &|d| d.machine(), &keys(&*before)).expect("index");
        let old: BTreeMap<String, Vec<u8>> = old_files.into_iter().map(|f| (f.path, f.bytes)).collect();
        let old_fields = |k: &DocKey| {
            let e = before.entries.iter().find(|e| e.bulletin.source == k.source)?;
            Some(OwnedFields {
                title: e.bulletin.title.clone(),
                summary: e.summary.clone(),
                plain: e.plain()?.to_string(),
                tags: e.bulletin.tags.clone(),
                authors: e.bulletin.authors.clone(),
            })
        };
        let read = |p: &str| old.get(p).cloned();
        let Some(update) =
            update_index(after, &|d| d.machine(), &keys(after), &state, &old_fields, &read, None)
                .expect("update")
        else {
            return false;
        };
        let mut files = old.clone();
        for r in &update.removed {
            files.remove(r);
        }
        for f in update.files {
            files.insert(f.path, f.bytes);
        }
        let (full, full_state) =
            build_index_with_state(after, &|d| d.machine(), &keys(&*after)).expect("index");
        let full: BTreeMap<String, Vec<u8>> = full.into_iter().map(|f| (f.path, f.bytes)).collect();
        assert_eq!(files.keys().collect::<Vec<_>>(), full.keys().collect::<Vec<_>>());
        for (k, v) in &full {
            assert!(&files[k] == v, "{k} differs");
        }
        assert_eq!(update.state.word_df, full_state.word_df);
        assert_eq!(
            (update.state.distinct_terms, update.state.distinct_pseudo),
            (full_state.distinct_terms, full_state.distinct_pseudo)
        );
        true
    }

    #[test]
    fn updates_equal_full_builds() {
        let base: Vec<(String, String, String)> = (0..LONG_LIST + 2)
            .map(|i| {
                let body = if i < LONG_LIST { "bảo vệ rừng" } else { "trồng cây xanh" };
                (format!("Tin {i}"), format!("2024-01-{:02}", 1 + i % 28), body.to_string())
            })
            .collect();
        let build = |docs: &[(String, String, String)]| {
            let refs: Vec<(&str, &str, &str)> =
                docs.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
            archive(&refs)
        };
        let mut before = build(&base);
        // A long list grows; a word appears and one disappears; a title changes.
        let mut grown = base.clone();
        grown[LONG_LIST].2 = "bảo vệ biển đảo".into();
        grown[5].0 = "Tin mới sửa".into();
        grown[7].2 = "hoàn toàn khác".into();
        let mut grown_archive = build(&grown);
        assert!(check_update(&mut before, &mut grown_archive));
        // ...and shrinks back below the threshold, moving inline again.
        let mut shrunk = grown.clone();
        for doc in shrunk.iter_mut().take(3) {
            doc.2 = "tin vắn".into();
        }
        assert!(check_update(&mut grown_archive, &mut build(&shrunk)));
        // A newer bulletin is published: it takes the next id.
        let mut added = base.clone();
        added.push(("Tin nóng".into(), "2024-02-01".into(), "bảo vệ môi trường".into()));
        assert!(check_update(&mut before, &mut build(&added)));
        // Too many changes: the caller is told to build in full.
        let all_new: Vec<_> =
            base.iter().map(|(a, b, _)| (a.clone(), b.clone(), "khác".to_string())).collect();
        assert!(!check_update(&mut before, &mut build(&all_new)));
    }

    #[test]
    fn lengths_count_in_classes() {
        assert_eq!(length_class(1.0), 1.0);
        assert_eq!(length_class(1.04), 1.0);
        assert!((length_class(1.06) - 1.1).abs() < 1e-6);
        let mut last = 0.0;
        for l in 1..5000 {
            let c = length_class(l as f32);
            assert!(c >= last, "classes grow with length");
            assert!(c / l as f32 > 0.95 && c / (l as f32) < 1.05, "{l} → {c}");
            last = c;
        }
        // A sentence added to a typical bulletin mostly keeps its class.
        let same = (500..700).filter(|&l| length_class(l as f32) == length_class((l + 12) as f32)).count();
        assert!(same > 150, "{same}");
    }

    #[test]
    fn the_index_is_deterministic() {
        let mut a = archive(&[("Một", "2024-01-01", "hai ba"), ("Bốn", "2024-02-01", "năm sáu")]);
        assert_eq!(files(&mut a), files(&mut a));
    }

    #[test]
    fn the_short_table_finds_every_term_and_tells_clashes_apart() {
        let mut table = ShortTable::default();
        assert_eq!(table.first(7), None);
        // Keys whose 32 bits clash (the same `short`, told apart by `is`) and keys sharing a
        // home slot, across several growths.
        let shorts: Vec<u32> =
            (0..5000u32).map(|i| if i % 3 == 0 { 42 } else { i.wrapping_mul(2_654_435_761) }).collect();
        for (i, &short) in shorts.iter().enumerate() {
            let index = i as u32;
            assert_eq!(table.find_or_insert(short, |t| t == index, index), None, "{i} is new");
        }
        for (i, &short) in shorts.iter().enumerate() {
            let index = i as u32;
            assert_eq!(table.find_or_insert(short, |t| t == index, u32::MAX - 1), Some(index));
            let first = table.first(short).expect("found");
            assert_eq!(shorts[first as usize], short);
        }
        assert_eq!(table.first(42), Some(0), "the first inserted of a clash");
        assert_eq!(table.len, shorts.len());
        assert!(table.len * 8 <= table.slots.len() * 5);
    }

    #[test]
    fn letting_go_of_the_plain_text_while_indexing_changes_no_file() {
        // Some bodies are longer than a snippet's bytes can be, in letters of two and three
        // bytes, so that a read of a snippet's bytes ends inside a letter.
        let docs: Vec<(String, String, String)> = (0..3 * BATCH + 7)
            .map(|i| {
                let body = match i % 3 {
                    0 => format!("Nội dung {i} ở Đà Nẵng."),
                    1 => format!("{} {i}.", "Đà Nẵng ơ ".repeat(SNIPPET_TEXT_CHARS / 3 + i)),
                    _ => format!("{} {i}.", "ở ".repeat(SNIPPET_TEXT_CHARS + i)),
                };
                (format!("Tin số {i}"), format!("2024-01-{:02}", i % 28 + 1), body)
            })
            .collect();
        let refs: Vec<(&str, &str, &str)> =
            docs.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
        let mut a = archive(&refs);
        let kept = files(&mut a);
        assert!(
            a.entries.iter().all(|e| e.plain().is_some_and(|p| !p.is_empty())),
            "build_index keeps the text"
        );
        let keys = vec![0; a.entries.len()];
        let index = |a: &mut Archive, stored: Option<&StoredPlain>| {
            let written = std::sync::Mutex::new(BTreeMap::new());
            write_index(a, &|d| d.machine(), &keys, stored, true, &|f| {
                written.lock().expect("lock").insert(f.path, f.bytes);
                Ok(())
            })
            .expect("index");
            written.into_inner().expect("lock")
        };
        assert_eq!(index(&mut a, None), kept);
        assert!(a.entries.iter().all(|e| e.plain().is_none()), "every body's text let go");

        // Every text let go before indexing, and read back (a snippet's worth, or all of it)
        // as the build cache's log gives it.
        let mut b = archive(&refs);
        let log: std::collections::HashMap<u64, String> =
            b.entries.iter().map(|e| (e.bulletin.source_hash, e.plain().expect("text").to_owned())).collect();
        assert_eq!(log.len(), b.entries.len());
        b.entries.iter_mut().for_each(crate::archive::Entry::release_plain);
        let reads = std::sync::atomic::AtomicUsize::new(0);
        let stored = |hash: u64, max_bytes: usize| -> std::io::Result<String> {
            reads.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let text = log.get(&hash).ok_or_else(|| std::io::Error::other("not logged"))?;
            Ok(text[..text.floor_char_boundary(max_bytes)].to_owned())
        };
        assert_eq!(index(&mut b, Some(&stored)), kept);
        assert_eq!(reads.into_inner(), b.entries.len(), "each text read once");
        // Without the log, a text let go is an error, not an empty body.
        let mut c = archive(&refs);
        c.entries[5].release_plain();
        let err =
            write_index(&mut c, &|d| d.machine(), &keys, None, false, &|_| Ok(())).expect_err("no text");
        assert!(err.to_string().contains("content/"), "{err}");
    }
}
